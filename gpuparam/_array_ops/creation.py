"""New arrays: ranges, grids, identity and triangular masks, one-hot encodings.

Functions that make an array from nothing take ``xp`` (the active array module) and
allocate on its current device; the caller chooses the dtype (the fronts apply
MindSpore's defaults: Int64 for Python ints, Float32 for floats).
"""

from __future__ import annotations

import math
import numbers
from types import ModuleType
from typing import Any

import numpy as np

from .._backend import Array, get_array_module
from .._errors import check_choice, check_int, type_error, value_error
from .axes import check_axis


def _real(where: str, arg: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise type_error(where, arg, value, "an int or a float")
    if isinstance(value, float) and not math.isfinite(value):
        raise value_error(where, arg, value, "a finite number")
    return value


def range_length(start: Any, end: Any, step: Any, *, where: str) -> int:
    """The number of values of ``start, start + step, ...`` before ``end``; ValueError for
    a zero step or one that walks away from ``end``."""
    start, end, step = (_real(where, a, v) for a, v in (("start", start), ("end", end),
                                                        ("step", step)))
    if step == 0:
        raise value_error(where, "step", step, "a non-zero number")
    if (end - start) * step < 0:
        raise value_error(where, "step", step, f"a step that walks from start ({start}) "
                          f"towards end ({end})")
    return max(0, math.ceil((end - start) / step))


def arange(xp: ModuleType, start: Any, end: Any, step: Any, dtype: np.dtype, *,
           where: str) -> Array:
    """``start, start + step, ...`` before ``end``, as ``dtype``, on ``xp``'s device.

    Example:
        >>> arange(np, 0, 2, 0.5, np.dtype(np.float32), where="arange")
        array([0. , 0.5, 1. , 1.5], dtype=float32)
    """
    count = range_length(start, end, step, where=where)
    if dtype.kind in "iub" or all(isinstance(v, numbers.Integral) for v in (start, step)):
        return xp.arange(start, start + count * step, step, dtype=np.float64 if
                         dtype.kind == "f" else None)[:count].astype(dtype, copy=False)
    # start + i * step in float64, then cast: no drift from adding the step repeatedly.
    return (start + xp.arange(count, dtype=np.float64) * step).astype(dtype)


def linspace(xp: ModuleType, start: Any, end: Any, steps: Any, dtype: np.dtype, *,
             where: str) -> Array:
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included).

    Example:
        >>> linspace(np, 3, 10, 5, np.dtype(np.float32), where="linspace")
        array([ 3.  ,  4.75,  6.5 ,  8.25, 10.  ], dtype=float32)
    """
    start, end = _real(where, "start", start), _real(where, "end", end)
    count = check_int(where, "steps", steps, minimum=1)
    return xp.linspace(start, end, count, dtype=np.float64).astype(dtype)


def eye(xp: ModuleType, n: Any, m: Any, dtype: np.dtype, *, where: str) -> Array:
    """An ``(n, m)`` array with ones on the diagonal, zeros elsewhere."""
    rows = check_int(where, "n", n, minimum=0)
    cols = rows if m is None else check_int(where, "m", m, minimum=0)
    return xp.eye(rows, cols, dtype=dtype)


def triangle(x: Array, diagonal: Any = 0, *, lower: bool, where: str) -> Array:
    """``x`` (its last two dims) with the elements above (``lower``) or below the
    ``diagonal``-th diagonal zeroed (``tril``/``triu``).

    Example:
        >>> triangle(np.ones((3, 3), np.int64), 1, lower=True, where="tril")
        array([[1, 1, 0],
               [1, 1, 1],
               [1, 1, 1]])
    """
    k = check_int(where, "diagonal", diagonal)
    if x.ndim < 2:
        raise value_error(where, "input", tuple(x.shape), "a tensor of rank 2 or more")
    xp = get_array_module(x)
    return xp.tril(x, k) if lower else xp.triu(x, k)


def meshgrid(arrays: list[Array], indexing: str = "xy", *, where: str,
             sparse: bool = False) -> tuple[Array, ...]:
    """Coordinate grids from 1-d arrays (``numpy.meshgrid``): with ``indexing='xy'`` the
    first two dims are swapped, as in NumPy and MindSpore. Copies unless ``sparse``."""
    check_choice(where, "indexing", indexing, ("xy", "ij"))
    for a in arrays:
        if a.ndim != 1:
            raise value_error(where, "inputs", [tuple(b.shape) for b in arrays], "1-d tensors")
    return tuple(get_array_module(arrays[0]).meshgrid(*arrays, indexing=indexing, sparse=sparse,
                                                      copy=not sparse))


def one_hot(indices: Array, depth: Any, on_value: Array, off_value: Array, axis: Any = -1, *,
            where: str) -> Array:
    """``on_value`` where a new axis's position equals the index, ``off_value`` elsewhere;
    an index outside ``[0, depth)`` (such as -1) gives a row of ``off_value``. The
    result's dtype is ``on_value``'s, its new axis at ``axis`` (-1: last).

    Example:
        >>> one_hot(np.array([0, 2, -1]), 3, np.array(1.0), np.array(0.0), where="one_hot")
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 0., 0.]])
    """
    if indices.dtype.kind not in "iu":
        raise type_error(where, "indices", indices, "an Int32 or Int64 tensor")
    count = check_int(where, "depth", depth, minimum=0)
    for arg, value in (("on_value", on_value), ("off_value", off_value)):
        if value.ndim:
            raise value_error(where, arg, tuple(value.shape), "a 0-d tensor or a number")
    if isinstance(axis, (tuple, list)):
        raise type_error(where, "axis", axis, "an int")
    axis = check_axis(where, "axis", axis, indices.ndim + 1)
    xp = get_array_module(indices)
    hits = xp.expand_dims(indices, -1) == xp.arange(count, dtype=indices.dtype)
    out = xp.where(hits, on_value, off_value).astype(on_value.dtype, copy=False)
    return xp.moveaxis(out, -1, axis) if axis != indices.ndim else out


__all__ = ["arange", "eye", "linspace", "meshgrid", "one_hot", "range_length", "triangle"]
