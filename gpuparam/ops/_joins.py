"""Joins and splits: ``Concat``/``cat``/``concat``, ``Stack``/``stack``, ``Split``/``split``,
``tensor_split``, ``chunk``, ``Unstack``. Fronts over ``_array_ops.joins``; the pieces of
a split share the input's buffer (views), as a slice does.
"""

from __future__ import annotations

from typing import Any

from .. import _array_ops
from .._errors import check_int, type_error
from .._tensor import Tensor
from ._operands import tensor_array, tensor_arrays, views


def _int_axis(where: str, axis: Any) -> int:
    if isinstance(axis, (tuple, list)):
        raise type_error(where, "axis", axis, "an int")
    return check_int(where, "axis", axis)


class Concat:
    """``Concat(axis=0)(tensors)``: the tensors (a tuple or list, one dtype) joined along
    ``axis``, as ``mindspore.ops.Concat``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[0, 1], [2, 1]], np.float32))
        >>> print(ops.Concat(axis=1)((x, x)))
        [[0. 1. 0. 1.]
         [2. 1. 2. 1.]]
    """

    def __init__(self, axis: int = 0) -> None:
        self.axis = _int_axis("Concat", axis)

    def __call__(self, tensors: Any) -> Tensor:
        arrays = tensor_arrays("Concat", "tensors", tensors)
        return Tensor._wrap(_array_ops.concat(arrays, self.axis, where="Concat"))


def cat(tensors: Any, axis: int = 0) -> Tensor:
    """The tensors (a tuple or list, one dtype) joined along ``axis``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.zeros((2, 3), np.float32))
        >>> ops.cat((x, x)).shape, ops.cat([x, x], axis=-1).shape
        ((4, 3), (2, 6))
    """
    arrays = tensor_arrays("cat", "tensors", tensors)
    return Tensor._wrap(_array_ops.concat(arrays, _int_axis("cat", axis), where="cat"))


def concat(tensors: Any, axis: int = 0) -> Tensor:
    """The tensors (a tuple or list, one dtype) joined along ``axis`` (``ops.cat``)."""
    arrays = tensor_arrays("concat", "tensors", tensors)
    return Tensor._wrap(_array_ops.concat(arrays, _int_axis("concat", axis), where="concat"))


class Stack:
    """``Stack(axis=0)(tensors)``: the tensors (one shape and dtype) joined along a new
    ``axis`` of the result, as ``mindspore.ops.Stack``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> a, b = Tensor(np.array([0., 1.], np.float32)), Tensor(np.array([2., 3.], np.float32))
        >>> print(ops.Stack()([a, b]))
        [[0. 1.]
         [2. 3.]]
    """

    def __init__(self, axis: int = 0) -> None:
        self.axis = _int_axis("Stack", axis)

    def __call__(self, tensors: Any) -> Tensor:
        arrays = tensor_arrays("Stack", "tensors", tensors)
        return Tensor._wrap(_array_ops.stack(arrays, self.axis, where="Stack"))


def stack(tensors: Any, axis: int = 0) -> Tensor:
    """The tensors (one shape and dtype) joined along a new ``axis`` (``ops.Stack``)."""
    arrays = tensor_arrays("stack", "tensors", tensors)
    return Tensor._wrap(_array_ops.stack(arrays, _int_axis("stack", axis), where="stack"))


class Split:
    """``Split(axis=0, output_num=1)(x)``: a tuple of ``output_num`` equal pieces of ``x``
    along ``axis`` (the dim must divide evenly), as ``mindspore.ops.Split``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(8, dtype=np.int32).reshape(2, 4))
        >>> [p.shape for p in ops.Split(1, 2)(x)]
        [(2, 2), (2, 2)]
    """

    def __init__(self, axis: int = 0, output_num: int = 1) -> None:
        self.axis = _int_axis("Split", axis)
        self.output_num = check_int("Split", "output_num", output_num, minimum=1)

    def __call__(self, input_x: Any) -> tuple[Tensor, ...]:
        array = tensor_array("Split", "input_x", input_x)
        return views(input_x, _array_ops.split_equal(array, self.axis, self.output_num,
                                                     where="Split"))


def split(tensor: Any, split_size_or_sections: Any, axis: int = 0) -> tuple[Tensor, ...]:
    """``tensor`` cut along ``axis``: an int is each piece's size (the last may be
    smaller), a list/tuple of ints every piece's size (summing to the dim).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(10, dtype=np.float32))
        >>> [p.shape for p in ops.split(x, 3)], [p.shape for p in ops.split(x, [3, 3, 4])]
        ([(3,), (3,), (3,), (1,)], [(3,), (3,), (4,)])
    """
    array = tensor_array("split", "tensor", tensor)
    return views(tensor, _array_ops.split(array, split_size_or_sections, axis, where="split"))


def tensor_split(input: Any, indices_or_sections: Any,  # noqa: A002
                 axis: int = 0) -> tuple[Tensor, ...]:
    """``input`` cut along ``axis`` into ``n`` near-equal pieces (an int ``n``: the first
    ones one larger), or before each index of a list/tuple of ints (``numpy.array_split``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(7))
        >>> [p.shape for p in ops.tensor_split(x, 3)]
        [(3,), (2,), (2,)]
        >>> [p.shape for p in ops.tensor_split(x, (1, 6))]
        [(1,), (5,), (1,)]
    """
    array = tensor_array("tensor_split", "input", input)
    return views(input, _array_ops.tensor_split(array, indices_or_sections, axis,
                                                where="tensor_split"))


def chunk(input: Any, chunks: int, axis: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """``input`` cut along ``axis`` into at most ``chunks`` pieces of
    ``ceil(dim / chunks)`` (the last smaller; fewer pieces when the dim is too small)."""
    array = tensor_array("chunk", "input", input)
    return views(input, _array_ops.chunk(array, chunks, axis, where="chunk"))


class Unstack:
    """``Unstack(axis=0, num=None)(x)``: the ``x.shape[axis]`` slices of ``x`` along
    ``axis``, that dim removed, as ``mindspore.ops.Unstack``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> [p.shape for p in ops.Unstack(axis=-1)(Tensor(np.zeros((2, 4))))]
        [(2,), (2,), (2,), (2,)]
    """

    def __init__(self, axis: int = 0, num: int | None = None) -> None:
        self.axis = _int_axis("Unstack", axis)
        self.num = None if num is None else check_int("Unstack", "num", num, minimum=1)

    def __call__(self, input_x: Any) -> tuple[Tensor, ...]:
        array = tensor_array("Unstack", "input_x", input_x)
        return views(input_x, _array_ops.unstack(array, self.axis, self.num, where="Unstack"))


__all__ = ["Concat", "Split", "Stack", "Unstack", "cat", "chunk", "concat", "split", "stack",
           "tensor_split"]
