"""``mindspore.numpy``'s array manipulation: ``reshape``, ``ravel``, ``expand_dims``,
``squeeze``, ``transpose``, ``broadcast_to``, ``tile``, ``concatenate``, ``stack``,
``split``, ``array_split``, ``roll``, ``flip``, ``pad``, ``where``. NumPy's signatures;
the arrays joined are promoted to one dtype, as ``mindspore.numpy`` does.
"""

from __future__ import annotations

import numbers
from typing import Any

from .. import _array_ops
from .._errors import type_error
from .._tensor import Tensor
from ._convert import as_array, as_operand, as_tensor, result, weak_ints_as_int32


def reshape(x: Any, new_shape: Any) -> Tensor:
    """``x`` with ``new_shape`` (an int or a tuple/list of ints; one may be -1).

    Example:
        >>> import gpuparam.numpy as mnp
        >>> mnp.reshape(mnp.arange(6), (3, -1)).shape
        (3, 2)
    """
    tensor = as_tensor("reshape", x)
    shape = tuple(new_shape) if isinstance(new_shape, list) else new_shape
    return tensor._view(_array_ops.reshape(tensor._read(), shape, where="reshape"))


def ravel(x: Any) -> Tensor:
    """``x`` flattened to one dim."""
    return reshape(x, -1)


def expand_dims(a: Any, axis: Any) -> Tensor:
    """``a`` with a new size-1 dim at ``axis`` (an int, or a tuple of them: positions in
    the result)."""
    tensor = as_tensor("expand_dims", a)
    array = tensor._read()
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    ndim = array.ndim + len(axes)
    positions = sorted(_array_ops.check_axes("expand_dims", "axis", tuple(axes), ndim) or ())
    for position in positions:
        array = _array_ops.expand_dims(array, position, where="expand_dims")
    return tensor._view(array)


def squeeze(a: Any, axis: Any = None) -> Tensor:
    """``a`` without its size-1 dims (only those of ``axis``, each of which must be 1)."""
    tensor = as_tensor("squeeze", a)
    return tensor._view(_array_ops.squeeze(tensor._read(), axis, where="squeeze"))


def transpose(a: Any, axes: Any = None) -> Tensor:
    """``a`` with its dims permuted by ``axes`` (reversed when None): a view."""
    tensor = as_tensor("transpose", a)
    array = tensor._read()
    order = tuple(range(array.ndim))[::-1] if axes is None else axes
    return tensor._view(_array_ops.transpose(array, order, where="transpose"))


def broadcast_to(array: Any, shape: Any) -> Tensor:
    """``array`` broadcast to ``shape``: a read-only view."""
    tensor = as_tensor("broadcast_to", array)
    target = (shape,) if isinstance(shape, numbers.Integral) else shape
    return tensor._view(_array_ops.broadcast_to(tensor._read(), target, where="broadcast_to"))


def tile(a: Any, reps: Any) -> Tensor:
    """``a`` repeated ``reps`` (an int or a tuple of ints) times along its dims."""
    return result(_array_ops.tile(as_array("tile", a), reps, where="tile", allow_int=True))


def _arrays(where: str, arrays: Any) -> list[Any]:
    if isinstance(arrays, Tensor):  # numpy's rule: a tensor is the sequence of its rows
        return list(arrays._read())
    if not isinstance(arrays, (list, tuple)):
        raise type_error(where, "arrays", arrays, "a list or tuple of arrays")
    return [as_array(where, a) for a in arrays]


def concatenate(arrays: Any, axis: Any = 0) -> Tensor:
    """The arrays joined along ``axis`` (None: each flattened first), promoted to one dtype.

    Example:
        >>> import numpy as np
        >>> import gpuparam.numpy as mnp
        >>> x = mnp.ones((1, 2, 3), mnp.float16)
        >>> y = mnp.ones((1, 2, 1), mnp.float32)
        >>> out = mnp.concatenate((x, y), axis=-1)
        >>> out.shape, out.dtype
        ((1, 2, 4), gpuparam.float32)
    """
    pieces = _arrays("concatenate", arrays)
    if axis is None:
        pieces, axis = [p.reshape(-1) for p in pieces], 0
    return result(_array_ops.concat(pieces, axis, where="concatenate", promote=True))


def stack(arrays: Any, axis: Any = 0) -> Tensor:
    """The arrays (one shape) joined along a new ``axis``, promoted to one dtype."""
    return result(_array_ops.stack(_arrays("stack", arrays), axis, where="stack", promote=True))


def split(x: Any, indices_or_sections: Any, axis: Any = 0) -> tuple[Tensor, ...]:
    """``numpy.split``: an int cuts ``x`` into that many equal pieces (it must divide the
    dim), a list/tuple of ints cuts before each index. Views."""
    tensor = as_tensor("split", x)
    return tuple(tensor._view(p) for p in _array_ops.array_split(
        tensor._read(), indices_or_sections, axis, equal=True, where="split"))


def array_split(x: Any, indices_or_sections: Any, axis: Any = 0) -> tuple[Tensor, ...]:
    """``numpy.array_split``: as ``split``, but an int need not divide the dim. Views."""
    tensor = as_tensor("array_split", x)
    return tuple(tensor._view(p) for p in _array_ops.array_split(
        tensor._read(), indices_or_sections, axis, equal=False, where="array_split"))


def roll(a: Any, shift: Any, axis: Any = None) -> Tensor:
    """``a`` with its elements shifted by ``shift`` along ``axis`` (None: flattened).

    Example:
        >>> import gpuparam.numpy as mnp
        >>> print(mnp.roll(mnp.arange(12).reshape(3, 4), [2, -3], [0, -1]))
        [[ 7  4  5  6]
         [11  8  9 10]
         [ 3  0  1  2]]
    """
    return result(_array_ops.roll(as_array("roll", a), shift, axis, where="roll"))


def flip(m: Any, axis: Any = None) -> Tensor:
    """``m`` reversed along ``axis`` (an int, a tuple of ints, or None: every axis): a view."""
    tensor = as_tensor("flip", m)
    array = tensor._read()
    axes = tuple(range(array.ndim)) if axis is None else \
        (axis if isinstance(axis, (tuple, list)) else (axis,))
    return tensor._view(_array_ops.flip(array, axes, where="flip", arg="axis"))


def pad(arr: Any, pad_width: Any, mode: str = "constant", stat_length: Any = None,
        constant_values: Any = 0, end_values: Any = 0, reflect_type: str = "even") -> Tensor:
    """``numpy.pad`` (every mode but ``'median'``; ``'empty'`` pads with zeros).

    Example:
        >>> import gpuparam.numpy as mnp
        >>> print(mnp.pad(mnp.array([1., 2., 3., 4., 5.]), (3, 4), mode='linear_ramp',
        ...               end_values=(10, 10)))
        [10.  7.  4.  1.  2.  3.  4.  5.  6.25  7.5  8.75 10. ]
    """
    options: dict[str, Any] = {
        "constant": {"constant_values": constant_values},
        "linear_ramp": {"end_values": end_values},
        "maximum": {"stat_length": stat_length}, "mean": {"stat_length": stat_length},
        "minimum": {"stat_length": stat_length},
        "reflect": {"reflect_type": reflect_type}, "symmetric": {"reflect_type": reflect_type},
    }.get(mode, {})
    return result(_array_ops.pad(as_array("pad", arr), pad_width, mode, where="pad", **options))


def where(condition: Any, x: Any = None, y: Any = None) -> Tensor:
    """``x`` where ``condition`` (made Bool) is true, else ``y``, broadcast together and
    promoted (Python ints count as Int32). Both ``x`` and ``y`` are needed.

    Example:
        >>> import gpuparam.numpy as mnp
        >>> print(mnp.where(mnp.array([True, False]), 1, 2))
        [1 2]
    """
    if x is None or y is None:
        raise type_error("where", "x", x, "a value for both x and y (the one-argument form "
                         "is nonzero(), which gpuparam.ops.nonzero gives)")
    cond = as_array("where", condition)
    if cond.dtype.kind != "b":
        cond = cond != 0
    first, second = as_operand("where", x), as_operand("where", y)
    return result(weak_ints_as_int32(_array_ops.select(cond, first, second, where="where"),
                                     first, second))


__all__ = ["array_split", "broadcast_to", "concatenate", "expand_dims", "flip", "pad", "ravel",
           "reshape", "roll", "split", "squeeze", "stack", "tile", "transpose", "where"]
