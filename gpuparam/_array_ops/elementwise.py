"""Elementwise math: each element of the result depends on one element of each input.

Result dtypes are MindSpore's, not NumPy's: a function of floats (``sqrt``, ``sin``,
``rsqrt``, ``reciprocal``, ...) gives Float32 for an integer or bool input (NumPy:
float64); ``abs``, ``neg``, ``square``, ``sign`` and ``round`` keep an integer dtype;
``floor``, ``ceil`` and ``rint`` take floats only, as MindSpore's kernels do; ``clip``
keeps the input's dtype. Functions of two operands (``maximum``, ``pow``, ``floor_mod``,
...) promote with ``promotion.result_type`` and take Python numbers as weak scalars.
Division by zero gives what MindSpore's CPU kernels give, and never warns.
"""

from __future__ import annotations

import numbers
from types import ModuleType
from typing import Any

import numpy as np

from .._backend import Array, get_array_module
from .._dtype import from_numpy
from .._errors import type_error, value_error
from .casts import check_scalar_fits
from .promotion import result_type


def _is_inexact(dtype: Any) -> bool:
    return np.dtype(dtype).kind in "fc" or np.dtype(dtype).name.startswith(("bfloat", "float8"))


def _floating(x: Array) -> Array:
    """``x`` itself if it holds floats, else ``x`` as Float32 (MindSpore's rule for
    integer and bool inputs of a float function)."""
    return x if _is_inexact(x.dtype) else x.astype(np.float32)


def _float_only(x: Array, where: str) -> Array:
    if not _is_inexact(x.dtype):
        raise TypeError(f"{where}: `input` must be a Tensor of float16, float32 or float64 "
                        "(MindSpore has no integer kernel for it; cast it with "
                        f"x.astype(gpuparam.float32)), got {from_numpy(x.dtype, where)}.")
    return x


def neg(x: Array) -> Array:
    """``-x``."""
    return -x


def positive(x: Array) -> Array:
    """``+x`` (a copy)."""
    return +x


def abs(x: Array) -> Array:  # noqa: A001
    """``|x|``, in ``x``'s dtype."""
    return get_array_module(x).abs(x)


def square(x: Array) -> Array:
    """``x * x``."""
    return x * x


def sqrt(x: Array) -> Array:
    """The square root of each element (Float32 for an integer input).

    Example:
        >>> sqrt(np.array([4, 9], np.int32))
        array([2., 3.], dtype=float32)
    """
    xp = get_array_module(x)
    with np.errstate(invalid="ignore"):  # sqrt(-1) is NaN, as in MindSpore, without a warning
        return xp.sqrt(_floating(x))


def rsqrt(x: Array, *, where: str = "rsqrt") -> Array:
    """``1 / sqrt(x)`` (NaN below 0, inf at 0), for float inputs.

    Example:
        >>> rsqrt(np.array([4.0, 0.25, -1.0], np.float32))
        array([0.5, 2. , nan], dtype=float32)
    """
    x = _float_only(x, where)
    xp = get_array_module(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return xp.reciprocal(xp.sqrt(x))


def reciprocal(x: Array) -> Array:
    """``1 / x`` (Float32 for an integer input; inf at 0).

    Example:
        >>> reciprocal(np.array([1, 2, 4], np.int32))
        array([1.  , 0.5 , 0.25], dtype=float32)
    """
    xp = get_array_module(x)
    with np.errstate(divide="ignore"):
        return xp.reciprocal(_floating(x))


def _float_function(name: str, doc: str) -> Any:
    def function(x: Array) -> Array:
        xp = get_array_module(x)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return getattr(xp, name)(_floating(x))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc + " (Float32 for an integer or bool input)."
    return function


exp = _float_function("exp", "``e ** x`` for each element")
log = _float_function("log", "The natural logarithm of each element (-inf at 0, NaN below)")
sin = _float_function("sin", "The sine of each element")
cos = _float_function("cos", "The cosine of each element")
tan = _float_function("tan", "The tangent of each element")


def _float_rounding(name: str, doc: str) -> Any:
    def function(x: Array, *, where: str = name) -> Array:
        return getattr(get_array_module(x), name)(_float_only(x, where))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc + ", for float inputs (TypeError for integers, as MindSpore)."
    return function


floor = _float_rounding("floor", "The largest integer not above each element")
ceil = _float_rounding("ceil", "The smallest integer not below each element")
rint = _float_rounding("rint", "Each element rounded to the nearest integer, halves to even")


def round(x: Array, decimals: int = 0, *, where: str = "round") -> Array:  # noqa: A001
    """Each element rounded to ``decimals`` digits, halves to even (an integer input is
    returned as a copy when ``decimals >= 0``).

    Example:
        >>> round(np.array([0.5, 1.5, 2.5, -4.5], np.float32))
        array([ 0.,  2.,  2., -4.], dtype=float32)
    """
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral):
        raise type_error(where, "decimals", decimals, "an int")
    xp = get_array_module(x)
    if not _is_inexact(x.dtype) and decimals >= 0:
        return x.copy()
    return xp.round(x, int(decimals))


def sign(x: Array) -> Array:
    """-1, 0 or 1 by the sign of each element, in ``x``'s dtype; NaN gives 0, as in
    MindSpore.

    Example:
        >>> sign(np.array([-2.0, 0.0, np.inf, np.nan], np.float32))
        array([-1.,  0.,  1.,  0.], dtype=float32)
    """
    xp = get_array_module(x)
    if x.dtype == np.bool_:
        return x.copy()
    out = xp.sign(x)
    return xp.where(xp.isnan(x), 0, out).astype(x.dtype) if _is_inexact(x.dtype) else out


def isnan(x: Array) -> Array:
    """Bool: which elements are NaN (none of an integer array)."""
    return get_array_module(x).isnan(x)


def isinf(x: Array) -> Array:
    """Bool: which elements are +-inf (none of an integer array)."""
    return get_array_module(x).isinf(x)


def isfinite(x: Array) -> Array:
    """Bool: which elements are neither inf nor NaN (all of an integer array)."""
    return get_array_module(x).isfinite(x)


def zeros_like(x: Array) -> Array:
    """Zeros of ``x``'s shape and dtype."""
    return get_array_module(x).zeros_like(x)


def ones_like(x: Array) -> Array:
    """Ones of ``x``'s shape and dtype."""
    return get_array_module(x).ones_like(x)


def clip(x: Array, low: Any, high: Any, *, where: str) -> Array:
    """``x`` limited to ``[low, high]`` (either may be ``None``, not both), same dtype.

    Bounds are numbers or arrays that broadcast with ``x``; ``min(max(x, low), high)``,
    so ``high`` wins where ``low > high``.

    Example:
        >>> clip(np.array([-2, 0, 2], np.int8), -1, None, where="clip")
        array([-1,  0,  2], dtype=int8)
    """
    if low is None and high is None:
        raise ValueError(f"{where}: give `min`, `max` or both; got neither.")
    xp = get_array_module(x)
    out = x
    with np.errstate(invalid="ignore"):
        if low is not None:
            out = xp.maximum(out, low)
        if high is not None:
            out = xp.minimum(out, high)
    return out.astype(x.dtype, copy=False) if out is not x else x.copy()


def full(xp: ModuleType, shape: tuple[int, ...], value: Any, dtype: np.dtype, *,
         where: str) -> Array:
    """An array of ``shape`` and ``dtype`` on ``xp`` with every element ``value``."""
    if not isinstance(value, (numbers.Number, np.bool_)):
        raise type_error(where, "value", value, "a number or a bool")
    return xp.full(shape, value, dtype=dtype)


# ---------------------------------------------------------------- two operands

def _shape(value: Any) -> tuple[int, ...]:
    return tuple(getattr(value, "shape", ()))


def promote(x: Any, y: Any, *, where: str, args: tuple[str, str] = ("input", "other"),
            dtype: np.dtype | None = None) -> tuple[ModuleType, Any, Any]:
    """``(xp, x, y)`` with arrays cast to MindSpore's common dtype (or ``dtype``) and
    Python numbers kept as weak scalars, checked to fit it; at least one is an array.

    Raises:
        TypeError: If an operand is neither an array nor a Python number.
        ValueError: If the shapes do not broadcast, or a Python number overflows the
            common dtype.
    """
    common = result_type(x, y, where=where) if dtype is None else np.dtype(dtype)
    try:
        np.broadcast_shapes(_shape(x), _shape(y))
    except ValueError:
        raise value_error(where, args[1], _shape(y),
                          f"a shape that broadcasts with `{args[0]}`'s {_shape(x)}") from None
    xp = get_array_module(*[v for v in (x, y) if hasattr(v, "dtype")])
    out = []
    for arg, value in zip(args, (x, y)):
        if hasattr(value, "dtype"):
            out.append(value.astype(common, copy=False))
        else:
            if not isinstance(value, bool) and common.kind != "c":
                check_scalar_fits(where, arg, value, from_numpy(common, where))
            out.append(value)
    return xp, out[0], out[1]


def maximum(x: Any, y: Any, *, where: str = "maximum",
            args: tuple[str, str] = ("input", "other")) -> Array:
    """The larger of ``x`` and ``y`` at each element (NaN if either is NaN).

    Example:
        >>> maximum(np.array([1, 5], np.int64), np.array([4.0, 2.0]))
        array([4., 5.])
    """
    xp, a, b = promote(x, y, where=where, args=args)
    return xp.asarray(xp.maximum(a, b))


def minimum(x: Any, y: Any, *, where: str = "minimum",
            args: tuple[str, str] = ("input", "other")) -> Array:
    """The smaller of ``x`` and ``y`` at each element (NaN if either is NaN)."""
    xp, a, b = promote(x, y, where=where, args=args)
    return xp.asarray(xp.minimum(a, b))


def pow(x: Any, y: Any, *, where: str = "pow",  # noqa: A001
        args: tuple[str, str] = ("input", "exponent")) -> Array:
    """``x ** y``. Integers to negative integer powers give MindSpore's result, the real
    power truncated toward zero: ``1``, ``+-1`` for a base of ``-1``, else ``0`` (also
    for a base of 0, where MindSpore's cast of inf is undefined).

    Example:
        >>> pow(np.array([1, 2, -1, 3], np.int32), -1)
        array([ 1,  0, -1,  0], dtype=int32)
        >>> pow(np.array([2, 3], np.int32), 2.0)
        array([4., 9.], dtype=float32)
    """
    if getattr(x, "dtype", None) == np.bool_ and getattr(y, "dtype", None) == np.bool_:
        raise TypeError(f"{where}: `{args[0]}` and `{args[1]}` must not both be bool Tensors.")
    common = result_type(x, y, where=where)
    xp, a, b = promote(x, y, where=where, args=args)
    if _is_inexact(common):
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return xp.asarray(xp.power(a, b))
    base, exponent = xp.asarray(a, dtype=common), xp.asarray(b, dtype=common)
    if common.kind == "b":  # x ** False is True, x ** True is x
        return xp.logical_or(base, xp.logical_not(exponent))
    # NumPy refuses negative integer exponents (after reading them on the host): compute
    # with 0 in their place, then put MindSpore's truncated result there.
    negative = exponent < 0
    with np.errstate(over="ignore"):
        out = xp.power(base, xp.where(negative, 0, exponent).astype(common))
    odd = exponent % 2 != 0
    inverse = xp.where(base == 1, 1, xp.where(base == -1, xp.where(odd, -1, 1), 0))
    return xp.where(negative, inverse, out).astype(common)


def floor_div(x: Any, y: Any, *, where: str = "floor_div",
              args: tuple[str, str] = ("input", "other")) -> Array:
    """``floor(x / y)``. An integer divided by 0 gives the dtype's largest value (x > 0),
    its smallest (x < 0) or 0 (x == 0), as MindSpore's CPU kernel; floats give +-inf/NaN.

    Example:
        >>> floor_div(np.array([7, -7, 7, 0], np.int32), np.array([2, 2, 0, 0], np.int32))
        array([          3,          -4,  2147483647,           0], dtype=int32)
    """
    xp, a, b = promote(x, y, where=where, args=args)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = xp.asarray(xp.floor_divide(a, b))
    if out.dtype.kind in "iu":
        info = np.iinfo(out.dtype)
        zero = xp.asarray(b) == 0
        a = xp.asarray(a)
        by_zero = xp.where(a > 0, info.max, xp.where(a < 0, info.min, 0)).astype(out.dtype)
        out = xp.where(zero, by_zero, out)
    return out


def floor_mod(x: Any, y: Any, *, where: str = "floor_mod",
              args: tuple[str, str] = ("input", "other")) -> Array:
    """``x - floor(x / y) * y``: the remainder with the sign of the divisor ``y``
    (integer ``x % 0`` gives 0; float gives NaN).

    Example:
        >>> floor_mod(np.array([5, -5], np.int32), np.array([3, 3], np.int32))
        array([2, 1], dtype=int32)
    """
    xp, a, b = promote(x, y, where=where, args=args)
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.asarray(xp.remainder(a, b))


def truncate_mod(x: Any, y: Any, *, where: str = "mod",
                 args: tuple[str, str] = ("input", "other")) -> Array:
    """The remainder with the sign of the dividend ``x`` (C's ``fmod``; integer
    ``x % 0`` gives 0, float gives NaN).

    Example:
        >>> truncate_mod(np.array([5, -5], np.int32), np.array([3, 3], np.int32))
        array([ 2, -2], dtype=int32)
    """
    xp, a, b = promote(x, y, where=where, args=args)
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.asarray(xp.fmod(a, b))


def atan2(x: Any, y: Any, *, where: str = "atan2",
          args: tuple[str, str] = ("input", "other")) -> Array:
    """``arctan(x / y)`` in the quadrant of the point ``(y, x)``, in radians (MindSpore's
    ``atan2(input, other)``); Float32 for integer inputs.

    Example:
        >>> atan2(np.array([1.0, -1.0], np.float32), np.array([-1.0, -1.0], np.float32))
        array([ 2.3561945, -2.3561945], dtype=float32)
    """
    dtype = result_type(x, y, where=where)
    xp, a, b = promote(x, y, where=where, args=args,
                      dtype=dtype if _is_inexact(dtype) else np.dtype(np.float32))
    return xp.asarray(xp.arctan2(a, b))


def add_n(arrays: list[Array], *, where: str = "AddN") -> Array:
    """The sum of arrays of one shape and dtype, added in order.

    Example:
        >>> add_n([np.ones(2, np.float32), np.ones(2, np.float32)])
        array([2., 2.], dtype=float32)
    """
    if not arrays:
        raise value_error(where, "x", arrays, "a non-empty list or tuple of Tensors")
    first = arrays[0]
    for i, other in enumerate(arrays[1:], 1):
        if other.dtype != first.dtype:
            raise TypeError(f"{where}: every input must have the dtype of x[0] ({first.dtype}); "
                            f"x[{i}] is {other.dtype}.")
        if other.shape != first.shape:
            raise value_error(where, f"x[{i}]", tuple(other.shape),
                              f"the shape of x[0], {tuple(first.shape)}")
    out = first.copy()
    for other in arrays[1:]:
        out += other
    return out


__all__ = ["abs", "add_n", "atan2", "ceil", "clip", "cos", "exp", "floor", "floor_div",
           "floor_mod", "full", "isfinite", "isinf", "isnan", "log", "maximum", "minimum",
           "neg", "ones_like", "positive", "pow", "promote", "reciprocal", "rint", "round",
           "rsqrt", "sign", "sin", "sqrt", "square", "tan", "truncate_mod", "zeros_like"]
