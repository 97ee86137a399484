"""Casts that refuse to overflow: every write and cast of data into a dtype goes here.

NumPy and CuPy cast out-of-range values silently: 300 into int8 wraps to 44, -1 into
uint8 becomes 255, 1e300 into float32 becomes inf, NaN into an integer dtype becomes
its minimum, and a complex value into a real dtype loses its imaginary part.
``checked_astype`` performs the same cast, but first (or, for float targets, after)
checks that no value leaves the target's range, and raises a ValueError naming the
public function, the argument and that range. Rounding within the range is a
documented precision loss, not an error: int64 -> float32 rounds, 1.7 -> int32 is 1.

On CuPy a narrowing cast reads the source's minimum and maximum back to the host, as one
fused two-element result (one synchronization, however large the array); a widening or
same-kind-safe cast reads nothing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._backend import Array, get_array_module, to_host_values
from .._dtype import DType, float_max, is_float


def range_text(dtype: np.dtype) -> str:
    """``[-128, 127]`` for int8, ``[-65504.0, 65504.0]`` for float16, ..."""
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return f"[{info.min}, {info.max}]"
    if dtype.kind == "b":
        return "{False, True}"
    top = float_max(dtype)
    return f"[{-top!r}, {top!r}]"


def _max_of(dtype: np.dtype) -> float:
    if dtype.kind in "iu":
        return float(np.iinfo(dtype).max)
    if dtype.kind == "b":
        return 1.0
    return float_max(dtype)


def _refuse(where: str, arg: str | None, target: DType, got: Any, what: str) -> ValueError:
    holder = "the tensor" if arg is None else f"`{arg}`"
    if isinstance(got, np.generic):
        got = got.item()  # 1e+300, not np.float64(1e+300)
    return ValueError(f"{where}: {holder} holds {what} {got!r}, outside the {target} range "
                      f"{range_text(target.numpy_dtype)}; overflow is an error here (NumPy "
                      "would wrap it or turn it into inf).")


def check_scalar_fits(where: str, arg: str, value: float | int, target: DType) -> None:
    """Raise ValueError if the Python number ``value`` overflows ``target``.

    Integers must lie in an integer dtype's range; finite numbers must stay finite in a
    float dtype (inf and NaN written into a float dtype stay what they are).
    """
    np_target = target.numpy_dtype
    if np_target.kind in "iu":
        info = np.iinfo(np_target)
        if not info.min <= value <= info.max:
            raise _refuse(where, arg, target, value, "the value")
    elif is_float(np_target):
        if isinstance(value, float) and not math.isfinite(value):
            return
        if abs(value) <= float_max(np_target):
            return
        try:  # beyond the largest value, it may still round down to it: cast to see
            as_float = float(value)
        except OverflowError:  # an int beyond any float
            raise _refuse(where, arg, target, value, "the value") from None
        with np.errstate(all="ignore"):
            cast = np.asarray(as_float, dtype=np.float64).astype(np_target)
        if not np.isfinite(cast.astype(np.float64)):
            raise _refuse(where, arg, target, value, "the value")


def checked_astype(array: Array, target: DType, where: str, arg: str | None, *,
                   copy: bool = True) -> Array:
    """Return ``array.astype(target.numpy_dtype, copy=copy)``, refusing any overflow.

    ``arg`` names the argument that holds ``array`` in messages (``None``: the tensor).

    May synchronize the device: a narrowing cast reads the source's minimum and maximum
    back to the host, once, as one two-element array (a refused or borderline value
    costs a few more reads to find and name it).

    Raises:
        ValueError: For complex values with a non-zero imaginary part into a real dtype,
            NaN or inf into an integer dtype, values outside an integer dtype's range, or
            finite values that would become inf in a float dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam._dtype import int8
        >>> checked_astype(np.array([1, 127]), int8, "f", "x")
        array([  1, 127], dtype=int8)
        >>> checked_astype(np.array([300]), int8, "f", "x")
        Traceback (most recent call last):
        ...
        ValueError: f: `x` holds the value 300, outside the Int8 range [-128, 127]; overflow is an error here (NumPy would wrap it or turn it into inf).
    """
    np_target = target.numpy_dtype
    if array.dtype == np_target or array.size == 0:
        return array.astype(np_target, copy=copy)
    array = _checked(array, target, where, arg)
    with np.errstate(all="ignore"):  # values that round to +-max warn as overflow too
        return array.astype(np_target, copy=copy)


def check_fits(array: Array, target: DType, where: str, arg: str | None) -> None:
    """Raise the ValueError ``checked_astype(array, target, where, arg)`` would raise;
    cast nothing. For checking every value of a batch before writing any of them.
    May synchronize the device.

    Example:
        >>> import numpy as np
        >>> from gpuparam._dtype import float16
        >>> check_fits(np.array([1.0, 1e5]), float16, "load", "w")
        Traceback (most recent call last):
        ...
        ValueError: load: `w` holds the value 100000.0, outside the Float16 range [-65504.0, 65504.0]; overflow is an error here (NumPy would wrap it or turn it into inf).
    """
    if array.dtype != target.numpy_dtype and array.size:
        _checked(array, target, where, arg)


def _checked(array: Array, target: DType, where: str, arg: str | None) -> Array:
    """Return ``array`` (its real part, for a complex array into a real dtype) once every
    value is known to fit ``target``; raise ValueError naming the first that does not."""
    np_target = target.numpy_dtype
    source = array.dtype
    xp = get_array_module(array)
    if source.kind == "c" and np_target.kind != "c":
        imag = array.imag
        if bool(xp.any(imag != 0)):
            first = complex(array[imag != 0].ravel()[0])
            raise _refuse(where, arg, target, first, "the complex value")
        array, source = array.real, array.real.dtype
    if np_target.kind in "iu" and source.kind != "b":
        info = np.iinfo(np_target)
        if source.kind in "iu":
            low, high = _extremes(array)  # Python ints: exact, whatever their size
            if low < info.min or high > info.max:
                raise _refuse(where, arg, target, low if low < info.min else high, "the value")
        else:  # floats (bfloat16 too): no NaN or inf, and the truncated value in range
            wide = array.astype(np.float64) if source.kind != "f" else array
            # Two reductions decide the common case; NaN makes them NaN, so it falls through.
            low, high = (float(v) for v in _extremes(wide))
            if not (math.isfinite(low) and math.isfinite(high)):
                finite = xp.isfinite(wide)
                raise _refuse(where, arg, target, float(wide[~finite].ravel()[0]),
                              "the non-finite value")
            # Casting truncates toward zero; the truncated values must be in range.
            if math.trunc(low) < info.min:
                raise _refuse(where, arg, target, low, "the value")
            if math.trunc(high) > info.max:
                raise _refuse(where, arg, target, high, "the value")
        return array
    if is_float(np_target) and _max_of(np_target) < _max_of(source):
        # Values within +-max round to at most max: two reductions decide the common case
        # (NaN makes them NaN, so inputs holding NaN or inf take the elementwise check).
        top = _max_of(np_target)
        low, high = (float(v) for v in _extremes(array))
        if not -top <= low <= high <= top:
            wide_in = array.astype(np.float64) if source.kind not in "fiu" else array
            too_big = xp.isfinite(wide_in) & (xp.abs(wide_in) > top)
            if bool(too_big.any()):
                # Beyond max, a value may still round down to it: cast those to see.
                with np.errstate(all="ignore"):
                    cast = wide_in[too_big].astype(np_target)
                wide_cast = cast.astype(np.float64) if np_target.kind != "f" else cast
                # inf, or NaN where the dtype has no inf (float8_e4m3fn)
                overflowed = ~xp.isfinite(wide_cast)
                if bool(overflowed.any()):
                    raise _refuse(where, arg, target,
                                  wide_in[too_big][overflowed].ravel()[0].item(), "the value")
    return array


def _extremes(array: Array) -> list[Any]:
    """Return ``[array.min(), array.max()]`` as Python numbers, read in one transfer:
    CuPy synchronizes once, not once per reduction. May synchronize the device."""
    return to_host_values(array.min(), array.max())


__all__ = ["check_fits", "check_scalar_fits", "checked_astype", "range_text"]
