"""Reductions over axes: sums, extremes, truth tests and moments, with their result dtypes.

Result dtypes are NumPy's (an Int32 ``sum`` is Int64, an integer ``mean`` Float64),
except that a moment or norm of an integer or bool array is Float32, as in MindSpore,
not NumPy's float64. Results are always arrays (0-d for a full reduction), never NumPy
scalars.
"""

from __future__ import annotations

import builtins
import numbers
import warnings
from typing import Any

import numpy as np

from .._backend import Array, get_array_module
from .._errors import check_bool, type_error, value_error
from .axes import check_axes, check_axis
from .convert import float32_unless_float64


def _reduce(name: str, x: Array, axis: Any, keepdims: Any, where: str) -> Array:
    axes = check_axes(where, "axis", axis, x.ndim)
    check_bool(where, "keepdims", keepdims)
    xp = get_array_module(x)
    return xp.asarray(getattr(xp, name)(x, axis=axes, keepdims=keepdims))


def _nonempty(where: str, x: Array, name: str) -> None:
    if x.size == 0:
        raise ValueError(f"{where}: an empty tensor (shape {tuple(x.shape)}) has no {name}.")


def sum(x: Array, axis: Any = None, keepdims: Any = False, *, where: str,  # noqa: A001
        initial: Any = None) -> Array:
    """The sum over ``axis`` (``None`` or ``()``: every axis), plus ``initial`` if given
    (a number, added in the result's dtype, as MindSpore's ``Tensor.sum``)."""
    out = _reduce("sum", x, axis, keepdims, where)
    if initial is None:
        return out
    _check_initial(where, initial, out.dtype)
    return out + get_array_module(x).asarray(initial, dtype=out.dtype)


def mean(x: Array, axis: Any = None, keepdims: Any = False, *, where: str) -> Array:
    """The mean over ``axis`` (``None`` or ``()``: every axis)."""
    return _reduce("mean", x, axis, keepdims, where)


def _check_initial(where: str, initial: Any, dtype: Any) -> None:
    if isinstance(initial, bool) or not isinstance(initial, numbers.Real):
        raise type_error(where, "initial", initial, "None or a real number")
    if dtype.kind in "iu" and not float(initial).is_integer():
        raise value_error(where, "initial", initial, f"an integer for a {dtype} tensor")
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        # exact for int64 too: an Integral compares as itself, not rounded to a float
        whole = int(initial) if isinstance(initial, numbers.Integral) else int(float(initial))
        if not info.min <= whole <= info.max:
            raise value_error(where, "initial", initial, f"a value in [{info.min}, {info.max}]"
                              f" for a {dtype} tensor")
    elif dtype.kind == "f" and np.isfinite(float(initial)):
        with np.errstate(over="ignore"):  # an overflow is the finding, not a warning
            if not np.isfinite(np.asarray(float(initial)).astype(dtype)):
                raise value_error(where, "initial", initial, f"a value finite in {dtype}")


def _extreme(name: str, x: Array, axis: Any, keepdims: Any, where: str, initial: Any,
             mask: Any) -> Array:
    """``numpy.max``/``min`` with ``initial`` and a ``where`` mask, which CuPy lacks:
    masked-out elements become ``initial`` before the reduction, ``initial`` joins it
    after, and a reduction over no elements gives ``initial`` (as NumPy)."""
    if initial is None:
        if mask is not None:
            raise ValueError(f"{where}: a `where` mask needs `initial` (the value of a "
                             "reduction that the mask leaves empty), got initial=None.")
        _nonempty(where, x, name)
        return _reduce(name, x, axis, keepdims, where)
    xp = get_array_module(x)
    _check_initial(where, initial, x.dtype)
    fill = xp.asarray(initial, dtype=x.dtype)
    if mask is not None:
        if mask.dtype != np.bool_:
            raise type_error(where, "where", mask, "a Bool tensor (or True)")
        try:
            x = xp.where(mask, x, fill)
        except ValueError:
            raise value_error(where, "where", f"a mask of shape {tuple(mask.shape)}",
                              f"a mask that broadcasts to the shape {tuple(x.shape)}") from None
    axes = check_axes(where, "axis", axis, x.ndim)
    check_bool(where, "keepdims", keepdims)
    reduced = tuple(range(x.ndim)) if axes is None else axes
    if builtins.any(x.shape[a] == 0 for a in reduced):  # NumPy's rule: nothing reduced gives initial
        shape = tuple(1 if i in reduced else d for i, d in enumerate(x.shape)) if keepdims \
            else tuple(d for i, d in enumerate(x.shape) if i not in reduced)
        return xp.full(shape, fill, dtype=x.dtype)
    out = xp.asarray(getattr(xp, name)(x, axis=axes, keepdims=keepdims))
    return (xp.maximum if name == "max" else xp.minimum)(out, fill)


def max(x: Array, axis: Any = None, keepdims: Any = False, *, where: str,  # noqa: A001
        initial: Any = None, mask: Any = None) -> Array:
    """The maximum over ``axis``; ValueError for an empty array without ``initial``.

    ``initial`` joins every reduction; ``mask`` (a bool array broadcasting to ``x``,
    MindSpore's ``where``) keeps only the elements where it is true, and needs ``initial``.

    Example:
        >>> x = np.array([[1, 5], [7, 2]], np.int32)
        >>> max(x, 1, initial=3, mask=np.array([True, False]), where="max")
        array([3, 7], dtype=int32)
    """
    return _extreme("max", x, axis, keepdims, where, initial, mask)


def min(x: Array, axis: Any = None, keepdims: Any = False, *, where: str,  # noqa: A001
        initial: Any = None, mask: Any = None) -> Array:
    """The minimum over ``axis``; ValueError for an empty array without ``initial``
    (``initial`` and ``mask`` as in ``max``)."""
    return _extreme("min", x, axis, keepdims, where, initial, mask)


def any(x: Array, axis: Any = None, keepdims: Any = False, *, where: str) -> Array:  # noqa: A001
    """Whether any element over ``axis`` is true (a bool array)."""
    return _reduce("any", x, axis, keepdims, where)


def all(x: Array, axis: Any = None, keepdims: Any = False, *, where: str) -> Array:  # noqa: A001
    """Whether every element over ``axis`` is true (a bool array)."""
    return _reduce("all", x, axis, keepdims, where)


def _arg_extreme(name: str, x: Array, axis: Any, keepdims: Any, where: str) -> Array:
    _nonempty(where, x, name)
    if axis is not None:
        if isinstance(axis, (tuple, list)):
            raise type_error(where, "axis", axis, "None or an int")
        axis = check_axis(where, "axis", axis, x.ndim)
    check_bool(where, "keepdims", keepdims)
    xp = get_array_module(x)
    return xp.asarray(getattr(xp, name)(x, axis=axis, keepdims=keepdims))


def argmax(x: Array, axis: Any = None, keepdims: Any = False, *, where: str) -> Array:
    """The index of the maximum over the int ``axis`` (of the flattened array when ``None``)."""
    return _arg_extreme("argmax", x, axis, keepdims, where)


def argmin(x: Array, axis: Any = None, keepdims: Any = False, *, where: str) -> Array:
    """The index of the minimum over the int ``axis`` (of the flattened array when ``None``)."""
    return _arg_extreme("argmin", x, axis, keepdims, where)


def _moment(name: str, x: Array, axis: Any, ddof: Any, keepdims: Any, where: str) -> Array:
    if isinstance(ddof, bool) or not isinstance(ddof, numbers.Integral):
        raise type_error(where, "ddof", ddof, "an int")
    axes = check_axes(where, "axis", axis, x.ndim)
    check_bool(where, "keepdims", keepdims)
    xp = get_array_module(x)
    with warnings.catch_warnings():
        # n - ddof <= 0 gives inf or NaN, as MindSpore (and NumPy, which also warns)
        warnings.simplefilter("ignore", RuntimeWarning)
        out = getattr(xp, name)(x, axis=axes, ddof=int(ddof), keepdims=keepdims)
    return float32_unless_float64(xp.asarray(out), x)


def std(x: Array, axis: Any = None, ddof: Any = 0, keepdims: Any = False, *,
        where: str) -> Array:
    """The standard deviation over ``axis``: ``sqrt(sum((x - mean)**2) / (n - ddof))``.

    Example:
        >>> std(np.array([1, 2, 3, 4], np.int32), where="std")  # Float32, as MindSpore
        array(1.118034, dtype=float32)
    """
    return _moment("std", x, axis, ddof, keepdims, where)


def var(x: Array, axis: Any = None, ddof: Any = 0, keepdims: Any = False, *,
        where: str) -> Array:
    """The variance over ``axis``: ``sum((x - mean)**2) / (n - ddof)``; ``ddof`` is any
    int (``n - ddof <= 0`` gives inf or NaN)."""
    return _moment("var", x, axis, ddof, keepdims, where)


def norm(x: Array, ord: Any = None, dim: Any = None, keepdim: Any = False, *,  # noqa: A002
         where: str) -> Array:
    """A vector or matrix norm, as ``numpy.linalg.norm``; with ``ord=None`` and
    ``dim=None``, the 2-norm of all elements (Frobenius), accumulated in Float32 (Float64
    for a Float64 array)."""
    check_bool(where, "keepdim", keepdim)
    xp = get_array_module(x)
    if dim is None and ord is None:
        wide = xp.abs(x).astype(np.float64 if x.dtype == np.float64 else np.float32)
        out = xp.sqrt((wide ** 2).sum())
        if keepdim:
            out = out.reshape((1,) * x.ndim)
        return float32_unless_float64(xp.asarray(out), x)
    axes = check_axes(where, "dim", dim, x.ndim)
    try:
        out = xp.linalg.norm(x, ord=ord, axis=axes, keepdims=keepdim)
    except ValueError as exc:
        raise value_error(where, "ord", ord, f"a norm order valid for dim={dim} ({exc})") from None
    return float32_unless_float64(xp.asarray(out), x)


def prod(x: Array, axis: Any = None, keepdims: Any = False, *, where: str) -> Array:
    """The product over ``axis`` (``None`` or ``()``: every axis), in ``x``'s dtype (bool:
    Int64), as MindSpore's ``ReduceProd``; an integer product wraps as the dtype does.

    Example:
        >>> prod(np.array([[1, 2], [3, 4]], np.int32), 1, where="prod")
        array([ 2, 12], dtype=int32)
    """
    axes = check_axes(where, "axis", axis, x.ndim)
    check_bool(where, "keepdims", keepdims)
    xp = get_array_module(x)
    dtype = np.int64 if x.dtype == np.bool_ else x.dtype
    return xp.asarray(xp.prod(x, axis=axes, keepdims=keepdims, dtype=dtype))


def integer_mean(x: Array, axis: Any = None, keepdims: Any = False, *, where: str) -> Array:
    """The mean over ``axis`` in ``x``'s dtype: an integer mean truncated toward zero (as
    MindSpore's ``ops.mean`` of an Int64 tensor: 4.75 gives 4), a bool one as Float32;
    floats as ``mean``.

    Example:
        >>> integer_mean(np.array([[9, 3, 4, 5], [5, 2, 7, 4]]), 1, where="mean")
        array([5, 4])
    """
    out = mean(x, axis, keepdims, where=where)
    if x.dtype == np.bool_:
        return out.astype(np.float32)
    if x.dtype.kind in "iu":
        return get_array_module(x).trunc(out).astype(x.dtype)
    return out


def cumsum(x: Array, axis: Any, exclusive: Any = False, reverse: Any = False, *,
           dtype: Any = None, where: str) -> Array:
    """The running sum along the int ``axis`` in ``dtype`` (default: ``x``'s, bool: Int64,
    not NumPy's widening of Int32 to Int64): ``exclusive`` leaves each element out of its
    own sum, ``reverse`` sums from the end.

    Example:
        >>> cumsum(np.array([1, 2, 3], np.int32), 0, where="cumsum")
        array([1, 3, 6], dtype=int32)
        >>> cumsum(np.array([1, 2, 3], np.int32), 0, True, True, where="CumSum")
        array([5, 3, 0], dtype=int32)
    """
    if isinstance(axis, (tuple, list)) or axis is None:
        raise type_error(where, "axis", axis, "an int")
    axis = check_axis(where, "axis", axis, builtins.max(x.ndim, 1))
    check_bool(where, "exclusive", exclusive)
    check_bool(where, "reverse", reverse)
    xp = get_array_module(x)
    dtype = np.dtype(np.int64 if x.dtype == np.bool_ else x.dtype) if dtype is None else dtype
    if x.ndim == 0:
        return xp.zeros((), dtype) if exclusive else x.astype(dtype)
    work = xp.flip(x, axis) if reverse else x
    out = xp.cumsum(work, axis=axis, dtype=dtype)
    if exclusive:  # shift by one along axis: 0, s0, s0+s1, ...
        out = out - work.astype(dtype, copy=False)
    return xp.flip(out, axis) if reverse else out


def lp_norm(x: Array, axis: Any, p: Any = 2, keepdims: Any = False, epsilon: Any = 1e-12, *,
            where: str) -> Array:
    """``(sum(|x| ** p)) ** (1 / p)`` over ``axis`` (an int or a non-empty tuple/list),
    in ``x``'s float dtype (float16 accumulated in float32), never below ``epsilon`` (as
    MindSpore's ``LpNorm``, which keeps a later division finite). ``p = 0`` counts the
    non-zero elements.

    Example:
        >>> x = np.array([[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]], np.float32)
        >>> lp_norm(x, [0, 1], where="LpNorm")
        array([ 9.165152, 10.954452], dtype=float32)
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Integral) or p < 0:
        raise value_error(where, "p", p, "an int >= 0")
    if isinstance(axis, (tuple, list)) and not axis:
        raise value_error(where, "axis", axis, "an int or a non-empty tuple of ints")
    axes = check_axes(where, "axis", axis, x.ndim)
    check_bool(where, "keep_dims", keepdims)
    xp = get_array_module(x)
    work = xp.abs(x.astype(np.float32) if x.dtype == np.float16 else x)
    if p == 0:
        out = (work != 0).sum(axis=axes, keepdims=keepdims).astype(work.dtype)
    elif p == 1:
        out = work.sum(axis=axes, keepdims=keepdims)
    elif p == 2:
        out = xp.sqrt((work * work).sum(axis=axes, keepdims=keepdims))
    else:
        out = ((work ** p).sum(axis=axes, keepdims=keepdims)) ** (1.0 / p)
    out = xp.maximum(out, work.dtype.type(epsilon))
    return xp.asarray(out).astype(x.dtype, copy=False)


def masked_extreme(x: Array, axis: Any, keepdims: Any, initial: Any, mask: Array | None, *,
                   largest: bool, where: str) -> tuple[Array, Array]:
    """``(values, indices)`` of the maximum (``largest``) or minimum over the int ``axis``
    (of the flattened array when ``None``: 0-d results), as MindSpore 2.x's ``ops.max``:
    only where ``mask`` is true (it broadcasts to ``x``; elsewhere ``initial`` stands in),
    and never past ``initial`` when given. Int64 indices, the first of equal extremes.

    Example:
        >>> x = np.array([[9, 3, 4, 5], [5, 2, 7, 4]])
        >>> masked_extreme(x, 1, False, None, None, largest=True, where="max")
        (array([9, 7]), array([0, 2]))
    """
    check_bool(where, "keepdims", keepdims)
    if axis is not None:
        if isinstance(axis, (tuple, list)):
            raise type_error(where, "axis", axis, "None or an int")
        axis = check_axis(where, "axis", axis, builtins.max(x.ndim, 1))
    xp = get_array_module(x)
    if mask is not None:
        if initial is None:
            raise value_error(where, "initial", initial, "a number when `where` is given")
        try:
            np.broadcast_shapes(tuple(mask.shape), tuple(x.shape))
        except ValueError:
            raise value_error(where, "where", tuple(mask.shape),
                              f"a shape that broadcasts to the input's {tuple(x.shape)}") from None
        x = xp.where(mask.astype(bool), x, x.dtype.type(initial))
    elif x.size == 0:
        raise value_error(where, "input", tuple(x.shape), "a non-empty tensor")
    if initial is not None:
        # Elementwise, before the reduction: the index points at the extreme kept.
        bound = x.dtype.type(initial)
        x = xp.maximum(x, bound) if largest else xp.minimum(x, bound)
    pick = xp.argmax if largest else xp.argmin
    if axis is None:
        flat = x.reshape(-1)
        index = pick(flat)
        values = flat[index]
        # 0-d results whatever keepdims says, as MindSpore's (an index into the flat input).
        return xp.asarray(values).reshape(()), xp.asarray(index).astype(np.int64).reshape(())
    index = pick(x, axis=axis, keepdims=True) if x.ndim else xp.zeros((), np.int64)
    values = xp.take_along_axis(x, index, axis=axis) if x.ndim else x
    if not keepdims and x.ndim:
        index, values = index.squeeze(axis), values.squeeze(axis)
    return values, index.astype(np.int64, copy=False)


__all__ = ["all", "any", "argmax", "argmin", "cumsum", "integer_mean", "lp_norm",
           "masked_extreme", "max", "mean", "min", "norm", "prod", "std", "sum", "var"]
