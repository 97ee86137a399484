"""Shape functions: the same elements, arranged differently. Each returns a view of its
input where NumPy/CuPy can (``transpose`` always does), so a front wraps the result
with ``Tensor._view``, which keeps the view's reads and writes ordered with its base's."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .._backend import Array, get_array_module
from .._errors import type_error, value_error
from .axes import check_axes, check_axis, check_permutation


def reshape(x: Array, shape: Any, *, where: str) -> Array:
    """``x`` with a new ``shape`` (a tuple of ints; one may be -1).

    Raises:
        TypeError: If a size is not an int (MindSpore's rule; NumPy would say ValueError).
        ValueError: If the sizes do not hold ``x.size`` elements.
    """
    sizes = shape if isinstance(shape, (tuple, list)) else (shape,)
    if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in sizes):
        raise type_error(where, "shape", shape, "a tuple of ints (one may be -1)")
    try:
        return x.reshape(shape)
    except (ValueError, TypeError) as exc:
        raise value_error(where, "shape", shape,
                          f"a shape with {x.size} elements ({exc})") from None


def transpose(x: Array, axes: Any, *, where: str, arg: str = "axes") -> Array:
    """``x`` with its axes permuted by ``axes`` (a tuple/list of ints): a view.

    Example:
        >>> import numpy as np
        >>> a = np.zeros((2, 3, 4))
        >>> t = transpose(a, (2, 0, 1), where="transpose")
        >>> t.shape, t.base is a
        ((4, 2, 3), True)
    """
    return x.transpose(check_permutation(where, arg, axes, x.ndim))


def swapaxes(x: Array, axis0: Any, axis1: Any, *, where: str) -> Array:
    """``x`` with two axes interchanged: a view."""
    return x.swapaxes(check_axis(where, "axis0", axis0, x.ndim),
                      check_axis(where, "axis1", axis1, x.ndim))


def flatten(x: Array, order: str = "C", start_dim: Any = 0, end_dim: Any = -1, *,
            where: str) -> Array:
    """Dims ``start_dim`` .. ``end_dim`` merged into one (all of them by default); a 0-d
    array becomes 1-d. ``order='F'`` (column-major, a copy) flattens all dims."""
    if order not in ("C", "F"):
        raise value_error(where, "order", order, "'C' or 'F'")
    if x.ndim == 0:
        return x.reshape(1)
    first = check_axis(where, "start_dim", start_dim, x.ndim)
    last = check_axis(where, "end_dim", end_dim, x.ndim)
    if first > last:
        raise value_error(where, "start_dim", start_dim, f"<= end_dim ({end_dim})")
    if order == "F":
        if (first, last) != (0, x.ndim - 1):
            raise value_error(where, "order", order, "'C' when start_dim/end_dim are given")
        return x.flatten(order="F")
    shape = tuple(x.shape)
    return x.reshape(shape[:first] + (math.prod(shape[first:last + 1]),) + shape[last + 1:])


def squeeze(x: Array, axis: Any = None, *, where: str) -> Array:
    """``x`` without its size-1 dims (only ``axis``, if given, whose dims must be 1)."""
    axes = check_axes(where, "axis", axis, x.ndim)
    for a in axes or ():
        if x.shape[a] != 1:
            raise value_error(where, "axis", axis,
                              f"dims of size 1; dim {a} of shape {tuple(x.shape)} is not")
    return x.squeeze(axes)


def expand_dims(x: Array, axis: Any, *, where: str) -> Array:
    """``x`` with a new size-1 dim at ``axis`` (an index of the result)."""
    return get_array_module(x).expand_dims(x, check_axis(where, "axis", axis, x.ndim + 1))


def _int_tuple(where: str, arg: str, value: Any, length: int | None = None) -> tuple[int, ...]:
    """``value`` (a tuple or list of ints, of ``length`` if given) as a tuple of ints."""
    if not isinstance(value, (tuple, list)) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        raise type_error(where, arg, value, "a tuple of ints")
    if length is not None and len(value) != length:
        raise value_error(where, arg, value, f"{length} ints, one per dim")
    return tuple(int(v) for v in value)


def broadcast_to(x: Array, shape: Any, *, where: str) -> Array:
    """``x`` broadcast to ``shape`` (a read-only view); a -1 keeps the input's dim there.

    Example:
        >>> import numpy as np
        >>> broadcast_to(np.array([[1.0], [2.0]]), (-1, 3), where="broadcast_to")
        array([[1., 1., 1.],
               [2., 2., 2.]])
    """
    target = list(_int_tuple(where, "shape", shape))
    lead = len(target) - x.ndim
    if lead < 0:
        raise value_error(where, "shape", shape, f"at least {x.ndim} dims for a {x.ndim}-d input")
    for i, size in enumerate(target):
        if size == -1 and i >= lead:
            target[i] = x.shape[i - lead]
        elif size < 0:
            raise value_error(where, "shape", shape, "sizes >= 0 (-1 only where the input has "
                              "a dim, to keep it)")
    for i, dim in enumerate(x.shape):
        if dim not in (1, target[lead + i]):
            raise value_error(where, "shape", shape, f"a shape {tuple(x.shape)} broadcasts "
                              "to (each input dim 1 or equal to the target's)")
    return get_array_module(x).broadcast_to(x, tuple(target))


def slice_(x: Array, begin: Any, size: Any, *, where: str) -> Array:
    """``x[begin[0]:begin[0] + size[0], ...]``: a view; a size of -1 takes the rest."""
    starts = _int_tuple(where, "begin", begin, x.ndim)
    sizes = _int_tuple(where, "size", size, x.ndim)
    index = []
    for dim, start, length in zip(x.shape, starts, sizes):
        stop = dim if length == -1 else start + length
        if not 0 <= start <= dim or length < -1 or stop > dim:
            raise value_error(where, "size", size, f"a slice within the shape {tuple(x.shape)} "
                              f"from begin {starts} (sizes >= 0, or -1 for the rest)")
        index.append(slice(start, stop))
    return x[tuple(index)]


def strided_slice(x: Array, begin: Any, end: Any, strides: Any, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, *, where: str) -> Array:
    """``x[begin:end:strides]`` with TensorFlow's masks (a view): bit ``i`` of
    ``begin_mask``/``end_mask`` ignores ``begin[i]``/``end[i]``, of ``ellipsis_mask`` makes
    entry ``i`` an ellipsis, of ``new_axis_mask`` a new size-1 dim, of ``shrink_axis_mask``
    the single index ``begin[i]`` (its dim removed). Dims after the entries are whole.

    Example:
        >>> import numpy as np
        >>> x = np.arange(24).reshape(2, 3, 4)
        >>> strided_slice(x, (1, 0, 0), (2, 2, 4), (1, 1, 2), where="StridedSlice")
        array([[[12, 14],
                [16, 18]]])
    """
    starts = _int_tuple(where, "begin", begin)
    stops = _int_tuple(where, "end", end, len(starts))
    steps = _int_tuple(where, "strides", strides, len(starts))
    if 0 in steps:
        raise value_error(where, "strides", strides, "non-zero strides")
    masks = {"begin_mask": begin_mask, "end_mask": end_mask, "ellipsis_mask": ellipsis_mask,
             "new_axis_mask": new_axis_mask, "shrink_axis_mask": shrink_axis_mask}
    for arg, mask in masks.items():
        if isinstance(mask, bool) or not isinstance(mask, numbers.Integral) or mask < 0:
            raise type_error(where, arg, mask, "an int >= 0 (a bit mask)")
    if bin(ellipsis_mask).count("1") > 1:
        raise value_error(where, "ellipsis_mask", ellipsis_mask, "at most one bit set")
    index: list[Any] = []
    for i, (start, stop, step) in enumerate(zip(starts, stops, steps)):
        bit = 1 << i
        if ellipsis_mask & bit:
            index.append(Ellipsis)
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            index.append(start)
        else:
            index.append(slice(None if begin_mask & bit else start,
                               None if end_mask & bit else stop, step))
    try:
        return x[tuple(index)]
    except IndexError as exc:
        raise value_error(where, "begin", begin, f"indices within the shape {tuple(x.shape)} "
                          f"({exc})") from None


__all__ = ["broadcast_to", "expand_dims", "flatten", "reshape", "slice_", "squeeze",
           "strided_slice", "swapaxes", "transpose"]
