"""Python data into arrays, and results' dtypes, by MindSpore's rules where NumPy's differ.

MindSpore makes a Python ``float`` Float32 (NumPy: float64), and gives Float32 where
NumPy promotes an integer or bool array to float64 (``std`` of an Int32 tensor, an
Int32 tensor times ``0.5``). Both rules live here, once.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._backend import Array, is_device_array
from .._dtype import DType
from .._errors import type_error, value_error


def _infer_from_python(data: Any, where: str) -> np.ndarray:
    """Build a host array from Python data: int -> int64, float -> float32, bool -> bool,
    complex -> complex128 (MindSpore narrows only float64)."""
    try:
        host = np.asarray(data)
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise value_error(where, "input_data", data, f"rectangular nested lists ({exc})") from None
    if host.dtype == np.float64:
        host = host.astype(np.float32)  # Python floats become Float32, as in MindSpore
    elif host.dtype == object:  # NumPy's fallback for ints beyond 64 bits
        raise value_error(where, "input_data", data, "numbers within the Int64 or UInt64 "
                          "range (for a larger number pass a float, e.g. 2.0 ** 70)")
    return host


def as_array(data: Any, where: str) -> Array:
    """Return ``data`` (an array, a NumPy scalar, a Python scalar or nested lists/tuples;
    not a Tensor) as a NumPy or CuPy array, without a dtype cast of arrays.

    Raises:
        TypeError: For anything else (a DLPack producer is pointed to ``from_dlpack``).
        ValueError: For ragged lists, or Python ints beyond 64 bits.

    Example:
        >>> as_array([1.0, 2.0], "Tensor").dtype, as_array(3, "Tensor").dtype
        (dtype('float32'), dtype('int64'))
    """
    if isinstance(data, np.ndarray) or is_device_array(data):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, (bool, numbers.Number, list, tuple)):
        return _infer_from_python(data, where)
    if hasattr(data, "__dlpack__"):  # torch.Tensor, jax.Array, ...: share, do not guess
        raise type_error(where, "input_data", data,
                         "a Tensor, a NumPy or CuPy array, a nested list/tuple or a Python "
                         "scalar; for a DLPack producer such as a torch.Tensor or jax.Array "
                         "use gpuparam.from_dlpack(x) (shares its memory)")
    raise type_error(where, "input_data", data,
                     "a Tensor, a NumPy or CuPy array, a nested list/tuple or a Python scalar")


def _is_float64(value: Any) -> bool:
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, DType):
        return dtype.name == "float64"
    return dtype is not None and np.dtype(dtype) == np.float64


def float32_unless_float64(result: Array, *inputs: Any) -> Array:
    """Return ``result`` as Float32 where NumPy made it float64 from inputs none of which
    was float64 (an integer array with a Python float, ``std`` of an Int32 array), as
    MindSpore does. ``inputs`` may be arrays, Tensors or Python scalars.

    Example:
        >>> ints = np.array([1, 2], np.int32)
        >>> float32_unless_float64(ints * 0.5, ints, 0.5).dtype
        dtype('float32')
        >>> wide = np.array([1.0, 2.0])
        >>> float32_unless_float64(wide * 0.5, wide, 0.5).dtype
        dtype('float64')
    """
    if result.dtype == np.float64 and not any(_is_float64(v) for v in inputs):
        return result.astype(np.float32)
    return result


__all__ = ["as_array", "float32_unless_float64"]
