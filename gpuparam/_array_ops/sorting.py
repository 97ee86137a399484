"""Sorting and order statistics: ``sort``, ``topk``, extremes with their indices, and
runs of equal values (``unique_consecutive``).

Sorts are stable, so equal values keep their order: ``topk`` and a descending ``sort``
give the smaller index first among ties, as MindSpore does. Descending order sorts a
key that reverses the order exactly (``-x`` for floats, ``~x`` for integers, which
cannot overflow where ``-x`` would), never the values themselves. NaN sorts after
every number (NumPy's rule), so ``topk(largest=True)`` picks NaN last.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import Array, get_array_module
from .._errors import check_bool, check_int, type_error, value_error
from .axes import check_axis


def _descending_key(x: Array) -> Array:
    if x.dtype == np.bool_:
        return ~x
    return ~x if x.dtype.kind in "iu" else -x


def _axis(where: str, arg: str, axis: Any, x: Array) -> int:
    if isinstance(axis, (tuple, list)) or axis is None:
        raise type_error(where, arg, axis, "an int")
    return check_axis(where, arg, axis, max(x.ndim, 1))


def argsort(x: Array, axis: Any = -1, descending: Any = False, *, where: str) -> Array:
    """The stable order of ``x`` along ``axis`` (Int64 indices).

    Example:
        >>> argsort(np.array([3, 1, 3, 2]), descending=True, where="argsort")
        array([0, 2, 3, 1])
    """
    check_bool(where, "descending", descending)
    if x.dtype.kind not in "biuf":
        raise type_error(where, "input", x, "a tensor of bools, ints or floats")
    if x.ndim == 0:
        return get_array_module(x).zeros((), np.int64)
    axis = _axis(where, "axis", axis, x)
    xp = get_array_module(x)
    return xp.argsort(_descending_key(x) if descending else x, axis=axis, kind="stable")


def sort(x: Array, axis: Any = -1, descending: Any = False, *,
         where: str) -> tuple[Array, Array]:
    """``(values, indices)``: ``x`` sorted along ``axis`` and where each value came from.

    Example:
        >>> values, indices = sort(np.array([[8, 2, 1], [5, 9, 3]]), where="sort")
        >>> values, indices
        (array([[1, 2, 8],
               [3, 5, 9]]), array([[2, 1, 0],
               [2, 0, 1]]))
    """
    order = argsort(x, axis, descending, where=where)
    if x.ndim == 0:
        return x.copy(), order
    return get_array_module(x).take_along_axis(x, order, axis=axis), order


def topk(x: Array, k: Any, axis: Any = -1, largest: Any = True, *,
         where: str) -> tuple[Array, Array]:
    """``(values, indices)`` of the ``k`` largest (or, ``largest=False``, smallest)
    elements along ``axis``, in that order; ties give the smaller index first.

    Example:
        >>> topk(np.array([1., 2., 3., 4., 5.], np.float16), 3, where="topk")
        (array([5., 4., 3.], dtype=float16), array([4, 3, 2]))
    """
    check_bool(where, "largest", largest)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise type_error(where, "k", k, "an int")
    axis = _axis(where, "dim", axis, x)
    dim = x.shape[axis] if x.ndim else 1
    if not 0 < k <= dim:
        raise value_error(where, "k", k, f"an int in [1, {dim}] (the size of the dim)")
    order = argsort(x, axis, largest, where=where)
    if x.ndim == 0:
        return x.copy(), order
    picked = order[(slice(None),) * axis + (slice(0, int(k)),)]
    return get_array_module(x).take_along_axis(x, picked, axis=axis), picked


def extreme_with_index(x: Array, axis: Any = 0, keep_dims: Any = False, *, largest: bool,
                       where: str) -> tuple[Array, Array]:
    """``(indices, values)`` of the maximum (``largest``) or minimum along ``axis``:
    Int64 indices (the first of equal extremes) and values of ``x``'s dtype."""
    check_bool(where, "keep_dims", keep_dims)
    if x.size == 0:
        raise value_error(where, "input", tuple(x.shape), "a non-empty tensor")
    axis = _axis(where, "axis", axis, x)
    xp = get_array_module(x)
    if x.ndim == 0:
        return xp.zeros((1,) if keep_dims else (), np.int64), x.reshape((1,) if keep_dims else ())
    index = (xp.argmax if largest else xp.argmin)(x, axis=axis, keepdims=True)
    values = xp.take_along_axis(x, index, axis=axis)
    if not keep_dims:
        index, values = index.squeeze(axis), values.squeeze(axis)
    return index.astype(np.int64, copy=False), values


def unique_consecutive(x: Array, return_inverse: Any = False, return_counts: Any = False,
                       dim: Any = None, *, where: str) -> tuple[Array, Array, Array]:
    """``(values, inverse, counts)``: ``x`` with each run of equal elements (equal slices
    along ``dim``; the flattened array when ``dim`` is None) kept once, the run each
    element belongs to (Int64, ``x``'s shape, or ``x.shape[dim]``), and each run's
    length (Int64). May synchronize the device (the number of runs makes the shape).

    Example:
        >>> values, inverse, counts = unique_consecutive(np.array([1, 1, 2, 2, 3, 1, 1, 2]),
        ...                                              where="unique_consecutive")
        >>> values, counts
        (array([1, 2, 3, 1, 2]), array([2, 2, 1, 2, 1]))
    """
    check_bool(where, "return_inverse", return_inverse)
    check_bool(where, "return_counts", return_counts)
    xp = get_array_module(x)
    if dim is None:
        flat = x.reshape(-1)
        changes = flat[1:] != flat[:-1]
        shape, axis = tuple(x.shape), 0
    else:
        if isinstance(dim, (tuple, list)):
            raise type_error(where, "dim", dim, "None or an int")
        axis = check_axis(where, "dim", dim, max(x.ndim, 1))
        flat = xp.moveaxis(x, axis, 0)
        changes = (flat[1:] != flat[:-1]).reshape(max(flat.shape[0] - 1, 0), -1).any(axis=1)
        shape = (x.shape[axis],)
    if flat.shape[0] == 0:
        empty = xp.zeros((0,), np.int64)
        return x.copy(), empty.reshape(shape), empty
    starts = xp.concatenate([xp.ones(1, dtype=bool), changes])
    run = xp.cumsum(starts) - 1
    begins = xp.nonzero(starts)[0]
    values = flat[begins]
    counts = xp.diff(xp.concatenate([begins, xp.asarray([flat.shape[0]])]))
    if dim is not None:
        values = xp.moveaxis(values, 0, axis)
    return values, run.reshape(shape).astype(np.int64), counts.astype(np.int64)


__all__ = ["argsort", "extreme_with_index", "sort", "topk", "unique_consecutive"]
