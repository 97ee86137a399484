"""``mindspore.numpy``'s reductions and math used by model files: ``sum``, ``mean``,
``amax``, ``argmax``, ``sqrt``, ``norm``, ``matmul``. Integer inputs give Float32 where
the result is a float (``sqrt``, ``norm``, ``mean``), as MindSpore's float results are.
"""

from __future__ import annotations

from typing import Any

from .. import _array_ops
from .._tensor import Tensor
from ._convert import as_array, as_tensor, result


def sum(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False,  # noqa: A001
        initial: Any = None) -> Tensor:
    """The sum over ``axis`` (None: all), of ``a`` cast to ``dtype`` if given, plus
    ``initial`` if given (NumPy's result dtypes: an Int32 sum is Int64)."""
    total = _array_ops.sum(as_array("sum", a, dtype), axis, keepdims, where="sum")
    return result(total if initial is None else total + initial)


def mean(a: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
    """The mean over ``axis`` (None: all): Float32 for an integer ``a`` (MindSpore's
    ``mindspore.numpy.mean`` keeps Int32, truncating; gpuparam does not truncate)."""
    array = as_array("mean", a, dtype)
    out = _array_ops.mean(array, axis, keepdims, where="mean")
    return result(_array_ops.float32_unless_float64(out, array))


def amax(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The maximum over ``axis`` (None: all)."""
    return result(_array_ops.max(as_array("amax", a), axis, keepdims, where="amax"))


def argmax(a: Any, axis: Any = None) -> Tensor:
    """The Int64 index of the maximum along ``axis`` (of the flattened array when None)."""
    return result(_array_ops.argmax(as_array("argmax", a), axis, where="argmax"))


def sqrt(x: Any, dtype: Any = None) -> Tensor:
    """The element-wise square root: Float32 for an integer ``x``."""
    array = as_array("sqrt", x, dtype)
    return result(_array_ops.float32_unless_float64(_array_ops.sqrt(array), array))


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """A vector or matrix norm (``numpy.linalg.norm``); with ``ord=None`` and
    ``axis=None`` the 2-norm of every element, in Float32 (Float64 for Float64 input).

    Example:
        >>> import gpuparam.numpy as mnp
        >>> print(mnp.norm(mnp.arange(9, dtype=mnp.float32)))
        14.282857
    """
    if isinstance(axis, (tuple, list)) and not axis:  # NumPy's rule: no axes, no norm
        raise ValueError("norm: `axis` must be None, an int or a pair of ints, got ().")
    return result(_array_ops.norm(as_array("norm", x), ord, axis, keepdims, where="norm"))


def matmul(x1: Any, x2: Any, dtype: Any = None) -> Tensor:
    """The matrix product (``numpy.matmul``: 1-d operands are vectors, leading dims
    broadcast), of the operands cast to ``dtype`` if given; they must share a dtype."""
    first, second = as_tensor("matmul", x1, dtype), as_tensor("matmul", x2, dtype)
    if first.dtype != second.dtype:
        raise TypeError(f"matmul: `x1` ({first.dtype}) and `x2` ({second.dtype}) must have one "
                        "dtype; cast one, or pass dtype=.")
    return first @ second


__all__ = ["amax", "argmax", "matmul", "mean", "norm", "sqrt", "sum"]
