"""Shape operators: ``Tile``, ``ExpandDims``, ``Squeeze``, ``Flatten``, ``Slice``,
``StridedSlice``, ``BroadcastTo``, ``swapaxes``, ``ReverseV2``, ``ReverseSequence``,
``roll``, ``repeat_elements``, ``repeat_interleave``, ``unfold``, ``Identity``.

Fronts over ``_array_ops.shapes`` and ``_array_ops.rearrange``. An operator whose
result only rearranges the view of its input (``ExpandDims``, ``Squeeze``, ``Flatten``,
``Slice``, ``StridedSlice``, ``BroadcastTo``, ``swapaxes``, ``ReverseV2``) shares the
input's buffer; the others copy.
"""

from __future__ import annotations

from typing import Any

from .. import _array_ops
from .._errors import check_int, type_error, value_error
from .._tensor import Tensor
from ._operands import tensor_array


class Tile:
    """``Tile()(input, dims)``: ``input`` repeated ``dims[i]`` times along dim ``i`` (a
    tuple of ints >= 0; the shorter of ``dims`` and the shape is padded with leading 1s).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.Tile()(Tensor(np.ones((2, 2), np.float32)), (2, 3)).shape
        (4, 6)
    """

    def __call__(self, input: Any, dims: Any) -> Tensor:  # noqa: A002
        array = tensor_array("Tile", "input", input)
        return Tensor._wrap(_array_ops.tile(array, dims, where="Tile"))


def tile(input: Any, dims: Any) -> Tensor:  # noqa: A002
    """``input`` repeated ``dims[i]`` times along dim ``i`` (``ops.Tile``)."""
    return Tensor._wrap(_array_ops.tile(tensor_array("tile", "input", input), dims, where="tile"))


class ExpandDims:
    """``ExpandDims()(input_x, axis)``: ``input_x`` with a new size-1 dim at ``axis``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.ExpandDims()(Tensor(np.ones((2, 2))), 0).shape
        (1, 2, 2)
    """

    def __call__(self, input_x: Any, axis: int) -> Tensor:
        array = tensor_array("ExpandDims", "input_x", input_x)
        return input_x._view(_array_ops.expand_dims(array, axis, where="ExpandDims"))


def expand_dims(input_x: Any, axis: int) -> Tensor:
    """``input_x`` with a new size-1 dim at ``axis`` (an index of the result)."""
    array = tensor_array("expand_dims", "input_x", input_x)
    return input_x._view(_array_ops.expand_dims(array, axis, where="expand_dims"))


class Squeeze:
    """``Squeeze(axis=())(input)``: ``input`` without its size-1 dims (only those of
    ``axis``, an int or a tuple of ints, each of which must be 1; gpuparam refuses a
    dim that is not 1, where MindSpore leaves it).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.Squeeze(2)(Tensor(np.ones((3, 2, 1)))).shape
        (3, 2)
    """

    def __init__(self, axis: Any = ()) -> None:
        items = axis if isinstance(axis, (tuple, list)) else (axis,)
        for a in items:
            check_int("Squeeze", "axis", a)
        self.axis = tuple(axis) if isinstance(axis, list) else axis

    def __call__(self, input: Any) -> Tensor:  # noqa: A002
        array = tensor_array("Squeeze", "input", input)
        return input._view(_array_ops.squeeze(array, self.axis, where="Squeeze"))


def squeeze(input: Any, axis: Any = None) -> Tensor:  # noqa: A002
    """``input`` without its size-1 dims (only those of ``axis``, if given)."""
    array = tensor_array("squeeze", "input", input)
    return input._view(_array_ops.squeeze(array, axis, where="squeeze"))


class Flatten:
    """``Flatten()(input_x)``: ``input_x`` as ``(N, -1)``, its first dim kept.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.Flatten()(Tensor(np.ones((1, 2, 3, 4), np.float32))).shape
        (1, 24)
    """

    def __call__(self, input_x: Any) -> Tensor:
        array = tensor_array("Flatten", "input_x", input_x)
        if array.ndim == 0:
            raise value_error("Flatten", "input_x", input_x.shape, "a Tensor of rank 1 or more")
        return input_x._view(array.reshape(array.shape[0], -1))


def flatten(input: Any, order: str = "C", *, start_dim: int = 1,  # noqa: A002
            end_dim: int = -1) -> Tensor:
    """Dims ``start_dim`` .. ``end_dim`` of ``input`` merged into one (the first dim kept
    by default); a 0-d or 1-d input gives a 1-d result."""
    array = tensor_array("flatten", "input", input)
    if array.ndim <= 1:
        return input._view(array.reshape(-1))
    return input._view(_array_ops.flatten(array, order, start_dim, end_dim, where="flatten"))


class Slice:
    """``Slice()(input, begin, size)``: the block of ``size`` (a -1 takes the rest of
    that dim) starting at ``begin``, both tuples with one int per dim: a view.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(18, dtype=np.int32).reshape(3, 2, 3))
        >>> print(ops.Slice()(x, (1, 0, 0), (1, 1, 3)))
        [[[6 7 8]]]
    """

    def __call__(self, input: Any, begin: Any, size: Any) -> Tensor:  # noqa: A002
        array = tensor_array("Slice", "input", input)
        return input._view(_array_ops.slice_(array, begin, size, where="Slice"))


class StridedSlice:
    """``StridedSlice(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
    shrink_axis_mask=0)(input_x, begin, end, strides)``: ``input_x[begin:end:strides]``
    with TensorFlow's bit masks (``_array_ops.strided_slice``): a view.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(18).reshape(3, 2, 3))
        >>> ops.StridedSlice()(x, (1, 0, 0), (2, 2, 3), (1, 1, 1)).shape
        (1, 2, 3)
        >>> ops.StridedSlice(shrink_axis_mask=1)(x, (1, 0, 0), (2, 2, 3), (1, 1, 1)).shape
        (2, 3)
    """

    def __init__(self, begin_mask: int = 0, end_mask: int = 0, ellipsis_mask: int = 0,
                 new_axis_mask: int = 0, shrink_axis_mask: int = 0) -> None:
        self.begin_mask, self.end_mask = begin_mask, end_mask
        self.ellipsis_mask, self.new_axis_mask = ellipsis_mask, new_axis_mask
        self.shrink_axis_mask = shrink_axis_mask
        for arg in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                    "shrink_axis_mask"):
            check_int("StridedSlice", arg, getattr(self, arg), minimum=0)

    def __call__(self, input_x: Any, begin: Any, end: Any, strides: Any) -> Tensor:
        array = tensor_array("StridedSlice", "input_x", input_x)
        return input_x._view(_array_ops.strided_slice(
            array, begin, end, strides, self.begin_mask, self.end_mask, self.ellipsis_mask,
            self.new_axis_mask, self.shrink_axis_mask, where="StridedSlice"))


class BroadcastTo:
    """``BroadcastTo(shape)(input)``: ``input`` broadcast to ``shape`` (a -1 keeps the
    input's dim there): a read-only view.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.BroadcastTo((2, 3))(Tensor(np.array([1., 2., 3.], np.float32))).shape
        (2, 3)
    """

    def __init__(self, shape: Any) -> None:
        if not isinstance(shape, (tuple, list)):
            raise type_error("BroadcastTo", "shape", shape, "a tuple of ints")
        self.shape = tuple(shape)

    def __call__(self, input: Any) -> Tensor:  # noqa: A002
        array = tensor_array("BroadcastTo", "input", input)
        return input._view(_array_ops.broadcast_to(array, self.shape, where="BroadcastTo"))


def broadcast_to(input: Any, shape: Any) -> Tensor:  # noqa: A002
    """``input`` broadcast to ``shape`` (``ops.BroadcastTo``): a read-only view."""
    array = tensor_array("broadcast_to", "input", input)
    return input._view(_array_ops.broadcast_to(array, shape, where="broadcast_to"))


def swapaxes(input: Any, axis0: int, axis1: int) -> Tensor:  # noqa: A002
    """``input`` with dims ``axis0`` and ``axis1`` interchanged: a view."""
    array = tensor_array("swapaxes", "input", input)
    return input._view(_array_ops.swapaxes(array, axis0, axis1, where="swapaxes"))


class ReverseV2:
    """``ReverseV2(axis)(input)``: ``input`` reversed along each dim of ``axis`` (a tuple
    or list of ints): a view (``ops.flip``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.ReverseV2(axis=(0,))(Tensor(np.arange(4))))
        [3 2 1 0]
    """

    def __init__(self, axis: Any) -> None:
        if not isinstance(axis, (tuple, list)):
            raise type_error("ReverseV2", "axis", axis, "a tuple or list of ints")
        self.axis = tuple(axis)

    def __call__(self, input: Any) -> Tensor:  # noqa: A002
        array = tensor_array("ReverseV2", "input", input)
        return input._view(_array_ops.flip(array, self.axis, where="ReverseV2", arg="axis"))


class ReverseSequence:
    """``ReverseSequence(seq_dim, batch_dim=0)(x, seq_lengths)``: for each ``b`` along
    ``batch_dim``, the first ``seq_lengths[b]`` elements along ``seq_dim`` reversed.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(1, 10, dtype=np.float32).reshape(3, 3))
        >>> print(ops.ReverseSequence(seq_dim=1)(x, Tensor(np.array([1, 2, 3]))))
        [[1. 2. 3.]
         [5. 4. 6.]
         [9. 8. 7.]]
    """

    def __init__(self, seq_dim: int, batch_dim: int = 0) -> None:
        self.seq_dim = check_int("ReverseSequence", "seq_dim", seq_dim)
        self.batch_dim = check_int("ReverseSequence", "batch_dim", batch_dim)

    def __call__(self, x: Any, seq_lengths: Any) -> Tensor:
        array = tensor_array("ReverseSequence", "x", x)
        lengths = tensor_array("ReverseSequence", "seq_lengths", seq_lengths)
        return Tensor._wrap(_array_ops.reverse_sequence(array, lengths, self.seq_dim,
                                                        self.batch_dim, where="ReverseSequence"))


def roll(input: Any, shifts: Any, dims: Any = None) -> Tensor:  # noqa: A002
    """``input`` with its elements shifted by ``shifts`` along ``dims`` (an int or a tuple,
    one shift per dim; ``None``: the flattened tensor), wrapping around.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.roll(Tensor(np.array([0, 1, 2, 3, 4], np.float32)), shifts=2, dims=0))
        [3. 4. 0. 1. 2.]
    """
    return Tensor._wrap(_array_ops.roll(tensor_array("roll", "input", input), shifts, dims,
                                        where="roll"))


def repeat_elements(x: Any, rep: int, axis: int = 0) -> Tensor:
    """Each element of ``x`` repeated ``rep`` times along ``axis``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.repeat_elements(Tensor(np.array([[0, 1], [2, 3]], np.int32)), rep=2, axis=1))
        [[0 0 1 1]
         [2 2 3 3]]
    """
    array = tensor_array("repeat_elements", "x", x)
    return Tensor._wrap(_array_ops.repeat_elements(array, rep, axis, where="repeat_elements"))


def repeat_interleave(input: Any, repeats: Any, axis: Any = None) -> Tensor:  # noqa: A002
    """Element ``i`` along ``axis`` repeated ``repeats`` (an int) or ``repeats[i]`` (a
    list, tuple or 1-d Tensor) times; ``axis=None`` flattens first. A Tensor of counts is
    read to the host (it makes the shape): may synchronize the device."""
    array = tensor_array("repeat_interleave", "input", input)
    counts = repeats._read() if isinstance(repeats, Tensor) else repeats
    return Tensor._wrap(_array_ops.repeat_interleave(array, counts, axis,
                                                     where="repeat_interleave"))


def unfold(input: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,  # noqa: A002
           stride: Any = 1) -> Tensor:
    """Sliding ``kernel_size`` blocks of an ``(N, C, H, W)`` tensor as columns
    ``(N, C*kh*kw, L)`` (im2col; the Tensor function, not ``nn.Unfold``); every argument
    an int or a pair, ``padding`` zeros on all sides.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.unfold(Tensor(np.ones((4, 4, 32, 32))), kernel_size=3).shape
        (4, 36, 900)
    """
    array = tensor_array("unfold", "input", input)
    return Tensor._wrap(_array_ops.unfold(array, kernel_size, dilation, padding, stride,
                                          where="unfold"))


class Identity:
    """``Identity()(input_x)``: a copy of ``input_x`` (a new buffer of the same values).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([1, 2], np.int32))
        >>> y = ops.Identity()(x)
        >>> print(y), y is x
        [1 2]
        (None, False)
    """

    def __call__(self, input_x: Any) -> Tensor:
        return Tensor._wrap(tensor_array("Identity", "input_x", input_x).copy())


def identity(x: Any) -> Tensor:
    """A copy of ``x`` (``ops.Identity``)."""
    return Tensor._wrap(tensor_array("identity", "x", x).copy())


__all__ = ["BroadcastTo", "ExpandDims", "Flatten", "Identity", "ReverseSequence", "ReverseV2",
           "Slice", "Squeeze", "StridedSlice", "Tile", "broadcast_to", "expand_dims", "flatten",
           "identity", "repeat_elements", "repeat_interleave", "roll", "squeeze", "swapaxes",
           "tile", "unfold"]
