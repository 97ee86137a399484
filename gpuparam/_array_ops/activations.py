"""Activation functions (``nn.ReLU`` and ``ops.ReLU`` alike call these); same dtype out."""

from __future__ import annotations

import numpy as np

from .._backend import Array, get_array_module
from .axes import check_axis
from .special import erf


def relu(x: Array) -> Array:
    """``max(x, 0)`` (NaN stays NaN).

    Example:
        >>> import numpy as np
        >>> relu(np.array([-1.0, 2.0], np.float32))
        array([0., 2.], dtype=float32)
    """
    return get_array_module(x).maximum(x, x.dtype.type(0))


def sigmoid(x: Array) -> Array:
    """``1 / (1 + exp(-x))``, computed from ``exp(-|x|)`` so that no input overflows
    (``-12`` in Float16 would: ``exp(12)`` is beyond its range)."""
    xp = get_array_module(x)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def tanh(x: Array) -> Array:
    """The hyperbolic tangent of each element."""
    return get_array_module(x).tanh(x)


def softmax(x: Array, axis: int = -1, *, where: str = "softmax") -> Array:
    """``exp(x) / sum(exp(x))`` over ``axis``, with the maximum subtracted first (no
    overflow for large inputs)."""
    axis = check_axis(where, "axis", axis, x.ndim)
    xp = get_array_module(x)
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(x.dtype, copy=False)


__all__ = ["relu", "sigmoid", "softmax", "tanh"]


# ---- nnfunc (issue 18): log_softmax, gelu, silu, softplus --------------------------------
# float16 is computed in float32 and rounded once (as every function of this block), so
# a float16 result is the correctly rounded value far more often than float16 arithmetic gives.

def _work(x: Array) -> Array:
    return x.astype(np.float32) if x.dtype == np.float16 else x


def log_softmax(x: Array, axis: int = -1, *, where: str = "log_softmax") -> Array:
    """``x - log(sum(exp(x)))`` over ``axis``, with the maximum subtracted first.

    Example:
        >>> import numpy as np
        >>> log_softmax(np.array([0.0, 0.0], np.float32))
        array([-0.6931472, -0.6931472], dtype=float32)
    """
    axis = check_axis(where, "axis", axis, x.ndim)
    xp = get_array_module(x)
    v = _work(x)
    shifted = v - v.max(axis=axis, keepdims=True)
    out = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return out.astype(x.dtype, copy=False)


def gelu(x: Array, approximate: str = "none") -> Array:
    """``x * P(X <= x)`` for a standard normal ``X``: ``0.5 * x * (1 + erf(x / sqrt(2)))``,
    or with ``approximate='tanh'`` ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x**3)))``.

    Example:
        >>> import numpy as np
        >>> gelu(np.array([1.0, 2.0, 3.0], np.float32))
        array([0.8413448, 1.9544997, 2.9959502], dtype=float32)
    """
    xp = get_array_module(x)
    if approximate == "tanh":
        v = _work(x)
        inner = np.sqrt(2.0 / np.pi).astype(v.dtype) * (v + v.dtype.type(0.044715) * v * v * v)
        out = 0.5 * v * (1 + xp.tanh(inner))
    else:
        v = x.astype(np.float64)
        out = 0.5 * v * (1.0 + erf(v * np.sqrt(0.5)))
    return out.astype(x.dtype, copy=False)


def silu(x: Array) -> Array:
    """``x * sigmoid(x)`` (also known as Swish).

    Example:
        >>> import numpy as np
        >>> silu(np.array([0.0, 1.0], np.float32))
        array([0.       , 0.7310586], dtype=float32)
    """
    v = _work(x)
    return (v * sigmoid(v)).astype(x.dtype, copy=False)


def softplus(x: Array, beta: float = 1.0, threshold: float = 20.0) -> Array:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``.

    Computed as ``(max(bx, 0) + log1p(exp(-|bx|))) / beta``, which neither overflows nor
    loses the small values.

    Example:
        >>> import numpy as np
        >>> softplus(np.array([0.0, 30.0], np.float32))
        array([ 0.6931472, 30.       ], dtype=float32)
    """
    xp = get_array_module(x)
    v = _work(x)
    bx = v * v.dtype.type(beta)
    smooth = (xp.maximum(bx, 0) + xp.log1p(xp.exp(-xp.abs(bx)))) / v.dtype.type(beta)
    return xp.where(bx > threshold, v, smooth).astype(x.dtype, copy=False)


__all__ += ["gelu", "log_softmax", "silu", "softplus"]
