"""MindSpore's type promotion, for functions that combine several arrays or scalars.

MindSpore promotes as NumPy does, with two exceptions, both written here once: an
integer or bool array with a float array gives that float (NumPy: Int32 with Float16 is
Float64; MindSpore: Float16), and a Python float with an integer or bool array gives
Float32 (NumPy: Float64). A Python int or bool keeps an array's dtype; Python scalars
alone give Int64 (int), Float32 (float) or Bool, as ``Tensor(...)`` does.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._errors import type_error


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (bool, numbers.Number)) and not hasattr(value, "dtype")


def _python_dtype(value: Any) -> np.dtype:
    if isinstance(value, bool):
        return np.dtype(np.bool_)
    if isinstance(value, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(value, numbers.Real):
        return np.dtype(np.float32)
    return np.dtype(np.complex128)


def result_type(*operands: Any, where: str) -> np.dtype:
    """The dtype MindSpore gives an operation on ``operands`` (arrays and Python scalars).

    Raises:
        TypeError: If an operand is neither an array nor a Python number.

    Example:
        >>> ints, halves = np.zeros(2, np.int32), np.zeros(2, np.float16)
        >>> result_type(ints, halves, where="f"), result_type(ints, 0.5, where="f")
        (dtype('float16'), dtype('float32'))
        >>> result_type(halves, 3, where="f"), result_type(1, 2, where="f")
        (dtype('float16'), dtype('int64'))
    """
    arrays = [np.dtype(o.dtype) for o in operands if hasattr(o, "dtype")]
    scalars = [o for o in operands if not hasattr(o, "dtype")]
    for value in scalars:
        if not _is_scalar(value):
            raise type_error(where, "input", value, "a Tensor or a Python number")
    if not arrays:  # the widest kind among them, in its Python-scalar dtype
        kinds = [_python_dtype(v) for v in scalars]
        return max(kinds, key=lambda d: "biufc".index(d.kind))
    inexact = [d for d in arrays if d.kind in "fc" or d.name in ("bfloat16",)]
    result = np.result_type(*inexact) if inexact else np.result_type(*arrays)
    for value in scalars:
        if isinstance(value, bool):
            continue
        if isinstance(value, numbers.Integral):
            if result.kind == "b":
                result = np.dtype(np.int64)
        elif isinstance(value, numbers.Real):
            if result.kind in "biu":
                result = np.dtype(np.float32)
        elif result.kind != "c":
            result = np.dtype(np.complex64 if result.itemsize <= 4 else np.complex128)
    return result


__all__ = ["result_type"]
