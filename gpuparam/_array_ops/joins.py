"""Joins and splits: several arrays into one (``concat``, ``stack``), one into several
(``split``, ``tensor_split``, ``chunk``, ``unstack``).

Joins copy; every split returns views of its input (a front wraps each with
``Tensor._view``). The arrays joined must have one dtype unless ``promote=True``
(``mindspore.numpy``'s functions promote, ``ops.Concat`` does not) and one backend.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._backend import Array, get_array_module
from .._errors import check_int, type_error, value_error
from .axes import check_axis
from .promotion import result_type


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_arrays(where: str, arg: str, arrays: Any, *, promote: bool = False) -> list[Array]:
    """Return ``arrays`` (a non-empty list or tuple of arrays) as a list, of one dtype:
    the promoted one with ``promote``, else they must agree (TypeError otherwise)."""
    if not isinstance(arrays, (list, tuple)):
        raise type_error(where, arg, arrays, "a list or tuple of Tensors")
    if not arrays:
        raise value_error(where, arg, arrays, "a non-empty list or tuple of Tensors")
    dtypes = {np.dtype(a.dtype) for a in arrays}
    if len(dtypes) > 1:
        if not promote:
            names = [str(a.dtype) for a in arrays]
            raise TypeError(f"{where}: every tensor of `{arg}` must have one dtype, got {names}; "
                            "cast them first (`x.astype(...)`).")
        target = result_type(*arrays, where=where)
        arrays = [a.astype(target, copy=False) for a in arrays]
    return list(arrays)


def concat(arrays: Sequence[Array], axis: Any = 0, *, where: str, promote: bool = False) -> Array:
    """The arrays joined along an existing ``axis``; their other dims must agree.

    Example:
        >>> a = np.array([[0, 1], [2, 1]], np.float32)
        >>> concat([a, a], 1, where="concat")
        array([[0., 1., 0., 1.],
               [2., 1., 2., 1.]], dtype=float32)
    """
    arrays = check_arrays(where, "tensors", arrays, promote=promote)
    ndim = arrays[0].ndim
    if ndim == 0 or any(a.ndim != ndim for a in arrays):
        shapes = [tuple(a.shape) for a in arrays]
        raise value_error(where, "tensors", shapes, "tensors of one rank, at least 1")
    axis = check_axis(where, "axis", axis, ndim)
    rest = {tuple(a.shape[:axis]) + tuple(a.shape[axis + 1:]) for a in arrays}
    if len(rest) > 1:
        shapes = [tuple(a.shape) for a in arrays]
        raise value_error(where, "tensors", shapes, f"shapes that agree except in axis {axis}")
    return get_array_module(arrays[0]).concatenate(arrays, axis=axis)


def stack(arrays: Sequence[Array], axis: Any = 0, *, where: str, promote: bool = False) -> Array:
    """The arrays (all of one shape) joined along a new ``axis`` of the result.

    Example:
        >>> stack([np.array([0., 1.]), np.array([2., 3.])], -1, where="stack")
        array([[0., 2.],
               [1., 3.]])
    """
    arrays = check_arrays(where, "tensors", arrays, promote=promote)
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) > 1:
        raise value_error(where, "tensors", [tuple(a.shape) for a in arrays],
                          "tensors of one shape")
    axis = check_axis(where, "axis", axis, arrays[0].ndim + 1)
    return get_array_module(arrays[0]).stack(arrays, axis=axis)


def _pieces(x: Array, axis: int, sizes: Sequence[int]) -> tuple[Array, ...]:
    """Views of ``x`` cut along ``axis`` into pieces of ``sizes`` (which sum to the dim)."""
    out, start = [], 0
    for size in sizes:
        index = (slice(None),) * axis + (slice(start, start + size),)
        out.append(x[index])
        start += size
    return tuple(out)


def _split_axis(where: str, x: Array, axis: Any) -> int:
    if x.ndim == 0:
        raise value_error(where, "input", tuple(x.shape), "a tensor of rank 1 or more")
    return check_axis(where, "axis", axis, x.ndim)


def split(x: Array, split_size_or_sections: Any, axis: Any = 0, *,
          where: str) -> tuple[Array, ...]:
    """``x`` cut along ``axis``: an int is the size of each piece (the last may be
    smaller), a list/tuple of ints the size of every piece (they must sum to the dim).

    Example:
        >>> [p.tolist() for p in split(np.arange(5), 2, where="split")]
        [[0, 1], [2, 3], [4]]
        >>> [p.shape for p in split(np.zeros((2, 5)), [1, 4], 1, where="split")]
        [(2, 1), (2, 4)]
    """
    axis = _split_axis(where, x, axis)
    dim = x.shape[axis]
    arg = "split_size_or_sections"
    if _is_int(split_size_or_sections):
        size = check_int(where, arg, split_size_or_sections, minimum=1)
        sizes = [size] * (dim // size) + ([dim % size] if dim % size else [])
    elif isinstance(split_size_or_sections, (list, tuple)):
        sizes = list(split_size_or_sections)
        if not all(_is_int(s) and s >= 0 for s in sizes):
            raise type_error(where, arg, split_size_or_sections, "an int or a list of ints >= 0")
        if sum(sizes) != dim:
            raise value_error(where, arg, split_size_or_sections,
                              f"sizes that sum to the dim being split ({dim})")
    else:
        raise type_error(where, arg, split_size_or_sections, "an int or a list/tuple of ints")
    return _pieces(x, axis, sizes or [0])


def split_equal(x: Array, axis: Any, output_num: Any, *, where: str) -> tuple[Array, ...]:
    """``x`` cut along ``axis`` into ``output_num`` pieces of one size (``ops.Split``)."""
    axis = _split_axis(where, x, axis)
    count = check_int(where, "output_num", output_num, minimum=1)
    dim = x.shape[axis]
    if dim % count:
        raise value_error(where, "output_num", output_num,
                          f"a divisor of the dim being split ({dim})")
    return _pieces(x, axis, [dim // count] * count)


def tensor_split(x: Array, indices_or_sections: Any, axis: Any = 0, *,
                 where: str) -> tuple[Array, ...]:
    """``x`` cut along ``axis``: an int ``n`` gives ``n`` pieces whose sizes differ by at
    most one (the first ones larger), a list/tuple of ints the indices to cut before.

    Example:
        >>> [p.tolist() for p in tensor_split(np.arange(7), 3, where="tensor_split")]
        [[0, 1, 2], [3, 4], [5, 6]]
        >>> [p.tolist() for p in tensor_split(np.arange(7), (1, 6), where="tensor_split")]
        [[0], [1, 2, 3, 4, 5], [6]]
    """
    axis = _split_axis(where, x, axis)
    dim = x.shape[axis]
    arg = "indices_or_sections"
    if _is_int(indices_or_sections):
        count = check_int(where, arg, indices_or_sections, minimum=1)
        base, extra = divmod(dim, count)
        return _pieces(x, axis, [base + 1] * extra + [base] * (count - extra))
    if not isinstance(indices_or_sections, (list, tuple)) or \
            not all(_is_int(i) for i in indices_or_sections):
        raise type_error(where, arg, indices_or_sections, "an int or a list/tuple of ints")
    bounds = [0, *(int(i) for i in indices_or_sections), dim]  # Python's slice rules, as NumPy
    return tuple(x[(slice(None),) * axis + (slice(start, stop),)]
                 for start, stop in zip(bounds[:-1], bounds[1:]))


def chunk(x: Array, chunks: Any, axis: Any = 0, *, where: str) -> tuple[Array, ...]:
    """``x`` cut along ``axis`` into pieces of ``ceil(dim / chunks)`` (the last smaller):
    at most ``chunks`` pieces, fewer when the dim does not allow that many.

    Example:
        >>> [p.shape for p in chunk(np.zeros(10), 4, where="chunk")]
        [(3,), (3,), (3,), (1,)]
    """
    count = check_int(where, "chunks", chunks, minimum=1)
    if isinstance(axis, (tuple, list)):
        raise type_error(where, "axis", axis, "an int")
    axis = _split_axis(where, x, axis)
    dim = x.shape[axis]
    size = -(-dim // count) if dim else 1
    return split(x, size, axis, where=where)


def unstack(x: Array, axis: Any = 0, num: Any = None, *, where: str) -> tuple[Array, ...]:
    """``x`` cut along ``axis`` into its ``x.shape[axis]`` slices, that axis removed."""
    axis = _split_axis(where, x, axis)
    if num is not None:
        check_int(where, "num", num, minimum=1)
    return tuple(x[(slice(None),) * axis + (i,)] for i in range(x.shape[axis]))


def array_split(x: Array, indices_or_sections: Any, axis: Any = 0, *, equal: bool,
                where: str) -> tuple[Array, ...]:
    """``numpy.split`` (``equal=True``: an int must divide the dim) and
    ``numpy.array_split`` (``equal=False``), as ``tensor_split``."""
    axis = _split_axis(where, x, axis)
    if equal and _is_int(indices_or_sections):
        return split_equal(x, axis, indices_or_sections, where=where)
    return tensor_split(x, indices_or_sections, axis, where=where)


__all__ = ["array_split", "check_arrays", "chunk", "concat", "split", "split_equal", "stack",
           "tensor_split", "unstack"]
