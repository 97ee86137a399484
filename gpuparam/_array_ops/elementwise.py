"""Elementwise math: each element of the result depends on one element of each input.

Results keep NumPy's dtypes (``sqrt`` of an Int32 array is Float64), except where a
function says otherwise (``clip`` keeps the input's dtype).
"""

from __future__ import annotations

import numbers
from types import ModuleType
from typing import Any

import numpy as np

from .._backend import Array, get_array_module
from .._errors import type_error


def neg(x: Array) -> Array:
    """``-x``."""
    return -x


def positive(x: Array) -> Array:
    """``+x`` (a copy)."""
    return +x


def abs(x: Array) -> Array:  # noqa: A001
    """``|x|``."""
    return get_array_module(x).abs(x)


def square(x: Array) -> Array:
    """``x * x``."""
    return x * x


def sqrt(x: Array) -> Array:
    """The square root of each element."""
    return get_array_module(x).sqrt(x)


def exp(x: Array) -> Array:
    """``e ** x`` for each element."""
    return get_array_module(x).exp(x)


def log(x: Array) -> Array:
    """The natural logarithm of each element."""
    return get_array_module(x).log(x)


def zeros_like(x: Array) -> Array:
    """Zeros of ``x``'s shape and dtype."""
    return get_array_module(x).zeros_like(x)


def ones_like(x: Array) -> Array:
    """Ones of ``x``'s shape and dtype."""
    return get_array_module(x).ones_like(x)


def clip(x: Array, low: Any, high: Any, *, where: str) -> Array:
    """``x`` limited to ``[low, high]`` (either may be ``None``, not both), same dtype.

    Example:
        >>> clip(np.array([-2, 0, 2], np.int8), -1, None, where="clip")
        array([-1,  0,  2], dtype=int8)
    """
    if low is None and high is None:
        raise ValueError(f"{where}: give `min`, `max` or both; got neither.")
    return get_array_module(x).clip(x, low, high).astype(x.dtype, copy=False)


def full(xp: ModuleType, shape: tuple[int, ...], value: Any, dtype: np.dtype, *,
         where: str) -> Array:
    """An array of ``shape`` and ``dtype`` on ``xp`` with every element ``value``."""
    if not isinstance(value, (numbers.Number, np.bool_)):
        raise type_error(where, "value", value, "a number or a bool")
    return xp.full(shape, value, dtype=dtype)


__all__ = ["abs", "clip", "exp", "full", "log", "neg", "ones_like", "positive", "sqrt",
           "square", "zeros_like"]
