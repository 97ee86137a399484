"""Indexing by arrays: choosing between two arrays (``select``, ``masked_fill``), gathering
elements at given indices and scattering values to them, and finding non-zeros.

Index ranges are checked on NumPy, where reading an index costs nothing. On CuPy the
check would synchronize the device in the middle of a forward pass, so it is not made:
an index out of range there gives unspecified values instead of an error, as on
MindSpore's Ascend backend (docs/porting.md says so). Negative indices count from the
end where MindSpore's operator accepts them (``gather``, ``gather_elements``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import Array, get_array_module, is_device_array
from .._dtype import from_numpy
from .._errors import check_int, type_error, value_error
from .axes import check_axis
from .promotion import result_type


def _check_indices(where: str, arg: str, indices: Array) -> None:
    if indices.dtype.kind not in "iu":
        raise type_error(where, arg, indices, "an Int32 or Int64 tensor")


def _check_range(where: str, arg: str, indices: Array, low: int, high: int) -> None:
    """ValueError unless every index lies in ``[low, high)``; NumPy arrays only."""
    if is_device_array(indices) or indices.size == 0:
        return
    first, last = int(indices.min()), int(indices.max())
    if first < low or last >= high:
        bad = first if first < low else last
        raise value_error(where, arg, bad, f"indices in [{low}, {high})")


def _check_condition(where: str, condition: Array) -> None:
    if condition.dtype != np.bool_:
        raise type_error(where, "condition", condition, "a Bool tensor")


def select(condition: Array, x: Any, y: Any, *, where: str) -> Array:
    """``x`` where ``condition`` is true, else ``y`` (arrays or Python numbers, broadcast
    together), in the dtype MindSpore's promotion gives (``promotion.result_type``).

    Example:
        >>> select(np.array([True, False]), np.array([2., 3.], np.float32), 1, where="select")
        array([2., 1.], dtype=float32)
    """
    _check_condition(where, condition)
    dtype = result_type(x, y, where=where)
    xp = get_array_module(condition)
    try:
        return xp.where(condition, x, y).astype(dtype, copy=False)
    except ValueError as exc:
        shapes = [tuple(getattr(v, "shape", ())) for v in (condition, x, y)]
        raise value_error(where, "input", shapes, f"shapes that broadcast together ({exc})") \
            from None


def masked_fill(x: Array, mask: Array, value: Any, *, where: str) -> Array:
    """``x`` with ``value`` (a number, already checked to fit ``x``'s dtype, or a 0-d array)
    where ``mask`` (Bool, broadcast with ``x``) is true; ``x``'s dtype.

    Example:
        >>> masked_fill(np.arange(3.), np.array([True, False, True]), -1.0, where="masked_fill")
        array([-1.,  1., -1.])
    """
    if mask.dtype != np.bool_:
        raise type_error(where, "mask", mask, "a Bool tensor")
    xp = get_array_module(x)
    try:
        # A number goes to the kernel as a scalar argument: no host-to-device copy.
        fill = value if hasattr(value, "dtype") and value.ndim == 0 and not isinstance(
            value, np.generic) else x.dtype.type(value)
        return xp.where(mask, fill, x).astype(x.dtype, copy=False)
    except ValueError as exc:
        raise value_error(where, "mask", tuple(mask.shape), f"a shape that broadcasts with the "
                          f"input's {tuple(x.shape)} ({exc})") from None


def gather(params: Array, indices: Array, axis: Any, batch_dims: Any = 0, *,
           where: str) -> Array:
    """The slices of ``params`` at ``indices`` along ``axis``: shape
    ``params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]``.
    With ``batch_dims = b`` the first ``b`` dims of both are batch dims (equal sizes),
    each batch gathering with its own indices.

    Example:
        >>> gather(np.arange(1., 8.), np.array([0, 2, 4, 2, 6]), 0, where="gather")
        array([1., 3., 5., 3., 7.])
    """
    _check_indices(where, "input_indices", indices)
    if isinstance(axis, (tuple, list)):
        raise type_error(where, "axis", axis, "an int")
    axis = check_axis(where, "axis", axis, params.ndim)
    b = check_int(where, "batch_dims", batch_dims, minimum=0)
    if b > axis or b > indices.ndim or tuple(indices.shape[:b]) != tuple(params.shape[:b]):
        raise value_error(where, "batch_dims", batch_dims, "at most axis and indices' rank, "
                          "with the batch dims of params and indices equal")
    dim = params.shape[axis]
    _check_range(where, "input_indices", indices, -dim, dim)
    xp = get_array_module(params)
    if b == 0:
        return xp.take(params, indices, axis=axis)
    # Advanced indexing: batch and leading coordinates broadcast against the indices.
    batch, lead, picked = params.shape[:b], params.shape[b:axis], indices.shape[b:]
    full = len(batch) + len(lead) + len(picked)
    coords = []
    for i, size in enumerate(batch + lead):
        shape = [1] * full
        shape[i] = size
        coords.append(xp.arange(size).reshape(shape))
    coords.append(indices.reshape(batch + (1,) * len(lead) + picked))
    return params[tuple(coords)]


def gather_nd(x: Array, indices: Array, *, where: str) -> Array:
    """``x`` at the index tuples in the last dim of ``indices``: shape
    ``indices.shape[:-1] + x.shape[indices.shape[-1]:]``; indices in ``[0, dim)``.

    Example:
        >>> gather_nd(np.array([[-0.1, 0.3], [0.4, 0.5]]), np.array([[0, 0], [1, 1]]),
        ...           where="gather_nd")
        array([-0.1,  0.5])
    """
    _check_indices(where, "indices", indices)
    depth = indices.shape[-1] if indices.ndim else 0
    if indices.ndim == 0 or not 1 <= depth <= x.ndim:
        raise value_error(where, "indices", tuple(indices.shape),
                          f"a tensor whose last dim is in [1, {x.ndim}] (the input's rank)")
    for i in range(depth):
        _check_range(where, "indices", indices[..., i], 0, x.shape[i])
    return x[tuple(indices[..., i] for i in range(depth))]


def gather_elements(x: Array, dim: Any, index: Array, *, where: str) -> Array:
    """``out[i][j] = x[i][index[i][j]]`` for ``dim=1`` (and so on for any dim): the shape
    of ``index``, which has ``x``'s rank and no dim larger than ``x``'s but ``dim``.

    Example:
        >>> gather_elements(np.array([[1, 2], [3, 4]]), 1, np.array([[0, 0], [1, 0]]),
        ...                 where="gather_elements")
        array([[1, 1],
               [4, 3]])
    """
    _check_indices(where, "index", index)
    if isinstance(dim, (tuple, list)):
        raise type_error(where, "dim", dim, "an int")
    axis = check_axis(where, "dim", dim, max(x.ndim, 1))
    if index.ndim != x.ndim or any(i > s for a, (i, s) in enumerate(zip(index.shape, x.shape))
                                   if a != axis):
        raise value_error(where, "index", tuple(index.shape), f"a shape of rank {x.ndim} no "
                          f"larger than the input's {tuple(x.shape)} but in dim {axis}")
    _check_range(where, "index", index, -x.shape[axis], x.shape[axis])
    window = tuple(slice(None) if a == axis else slice(0, n) for a, n in enumerate(index.shape))
    return get_array_module(x).take_along_axis(x[window], index, axis=axis)


def _scatter_target(where: str, indices: Array, updates: Array, shape: tuple[int, ...]) -> tuple:
    """The index tuple ``scatter_nd`` writes at, checked against ``shape`` and ``updates``."""
    _check_indices(where, "indices", indices)
    depth = indices.shape[-1] if indices.ndim else 0
    if indices.ndim == 0 or not 1 <= depth <= len(shape):
        raise value_error(where, "indices", tuple(indices.shape),
                          f"a tensor whose last dim is in [1, {len(shape)}]")
    expected = tuple(indices.shape[:-1]) + tuple(shape[depth:])
    if tuple(updates.shape) != expected:
        raise value_error(where, "updates", tuple(updates.shape),
                          f"the shape {expected} (indices.shape[:-1] + shape[indices.shape[-1]:])")
    for i in range(depth):
        _check_range(where, "indices", indices[..., i], 0, shape[i])
    return tuple(indices[..., i] for i in range(depth))


def scatter_nd(indices: Array, updates: Array, shape: tuple[int, ...], *, where: str) -> Array:
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (index tuples in the last
    dim, as ``gather_nd``); values at a repeated index are summed.

    Example:
        >>> scatter_nd(np.array([[1], [1], [3]]), np.array([1., 2., 5.]), (4,),
        ...            where="scatter_nd")
        array([0., 3., 0., 5.])
    """
    target = _scatter_target(where, indices, updates, shape)
    xp = get_array_module(updates)
    out = xp.zeros(shape, dtype=updates.dtype)
    xp.add.at(out, target, updates)
    return out


def scatter_nd_update(x: Array, indices: Array, updates: Array, *, where: str) -> None:
    """Write ``updates`` into ``x`` (in place) at ``indices``, as ``scatter_nd`` places
    them; for a repeated index one of its updates is kept (which one is unspecified)."""
    if updates.dtype != x.dtype:
        raise type_error(where, "updates", updates,
                         f"a {from_numpy(x.dtype)} tensor (the input's dtype)")
    x[_scatter_target(where, indices, updates, tuple(x.shape))] = updates


def nonzero(x: Array, *, where: str, as_tuple: bool = False) -> Array | tuple[Array, ...]:
    """The indices of the non-zero elements: an Int64 array ``(count, ndim)``, or with
    ``as_tuple`` one Int64 array of ``count`` per dim. May synchronize the device (the
    count makes the shape).

    Example:
        >>> nonzero(np.array([[1, 0], [-5, 0]]), where="nonzero")
        array([[0, 0],
               [1, 0]])
    """
    if x.ndim == 0:
        raise value_error(where, "input", tuple(x.shape), "a tensor of rank 1 or more")
    xp = get_array_module(x)
    found = tuple(i.astype(np.int64, copy=False) for i in xp.nonzero(x))
    return found if as_tuple else xp.stack(found, axis=1)


__all__ = ["gather", "gather_elements", "gather_nd", "masked_fill", "nonzero", "scatter_nd",
           "scatter_nd_update", "select"]
