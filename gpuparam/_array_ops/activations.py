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
    v = _work(x)  # float16 in float32, rounded once (defined below)
    e = xp.exp(-xp.abs(v))
    return xp.where(v >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


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


# ---- act (issue 18): the rest of MindSpore's activations ----------------------------------
# Float16 is computed in float32 and rounded once (``_work``), as the block above. The
# piecewise-linear functions (relu6, hardtanh, leaky_relu) need no wider dtype and run
# in the input's own.

def _truncated(x: Array, value: Array) -> Array:
    """``value`` (computed in float64 from an integer ``x``) truncated toward zero into
    ``x``'s dtype, as MindSpore's integer kernels of hswish/hsigmoid give."""
    return get_array_module(x).trunc(value).astype(x.dtype)


def relu6(x: Array) -> Array:
    """``min(max(x, 0), 6)``.

    Example:
        >>> import numpy as np
        >>> relu6(np.array([-1.0, 2.0, 7.0], np.float32))
        array([0., 2., 6.], dtype=float32)
    """
    xp = get_array_module(x)
    return xp.minimum(xp.maximum(x, x.dtype.type(0)), x.dtype.type(6))


def hardtanh(x: Array, min_val: float = -1.0, max_val: float = 1.0) -> Array:
    """``min(max(x, min_val), max_val)``.

    Example:
        >>> import numpy as np
        >>> hardtanh(np.array([-2.0, 0.5, 2.0], np.float32))
        array([-1. ,  0.5,  1. ], dtype=float32)
    """
    xp = get_array_module(x)
    return xp.minimum(xp.maximum(x, x.dtype.type(min_val)), x.dtype.type(max_val))


def leaky_relu(x: Array, alpha: float = 0.2) -> Array:
    """``max(alpha * x, x)`` (``min`` when ``alpha > 1``), as MindSpore computes it:
    ``alpha`` is a Float32 scalar cast to ``x``'s dtype first (so an integer input gets
    ``int(alpha)``, and a Float64 one ``float32(alpha)``).

    Example:
        >>> import numpy as np
        >>> leaky_relu(np.array([-1.0, 4.0], np.float32))
        array([-0.2,  4. ], dtype=float32)
    """
    xp = get_array_module(x)
    a = np.float32(alpha).astype(x.dtype)
    ax = a * x
    return (xp.minimum(ax, x) if alpha > 1 else xp.maximum(ax, x)).astype(x.dtype, copy=False)


def elu(x: Array, alpha: float = 1.0) -> Array:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)`` (``expm1``: no cancellation
    near 0).

    Example:
        >>> import numpy as np
        >>> elu(np.array([-1.0, 2.0], np.float32))
        array([-0.63212055,  2.        ], dtype=float32)
    """
    xp = get_array_module(x)
    v = _work(x)
    neg = v.dtype.type(alpha) * xp.expm1(xp.minimum(v, 0))
    return xp.where(v > 0, v, neg).astype(x.dtype, copy=False)


def hswish(x: Array) -> Array:
    """Hard swish: ``x * relu6(x + 3) / 6``; integers truncate toward zero.

    Example:
        >>> import numpy as np
        >>> hswish(np.array([-1.0, 2.0], np.float32))
        array([-0.33333334,  1.6666666 ], dtype=float32)
    """
    if x.dtype.kind in "iu":
        v = x.astype(np.float64)
        return _truncated(x, v * relu6(v + 3) / 6)
    v = _work(x)
    return (v * relu6(v + v.dtype.type(3)) / v.dtype.type(6)).astype(x.dtype, copy=False)


def hsigmoid(x: Array) -> Array:
    """Hard sigmoid: ``relu6(x + 3) / 6``; integers truncate toward zero.

    Example:
        >>> import numpy as np
        >>> hsigmoid(np.array([-1.0, 2.0], np.float32))
        array([0.33333334, 0.8333333 ], dtype=float32)
    """
    if x.dtype.kind in "iu":
        v = x.astype(np.float64)
        return _truncated(x, relu6(v + 3) / 6)
    v = _work(x)
    return (relu6(v + v.dtype.type(3)) / v.dtype.type(6)).astype(x.dtype, copy=False)


def prelu(x: Array, weight: Array) -> Array:
    """``max(0, x) + weight * min(0, x)``, ``weight`` one slope per channel (axis 1)
    or one for all; it is cast to ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> prelu(np.array([[-1.0, 1.0], [-2.0, 2.0]], np.float32),
        ...       np.array([0.5, 0.25], np.float32))
        array([[-0.5,  1. ],
               [-1. ,  2. ]], dtype=float32)
    """
    xp = get_array_module(x)
    w = weight.astype(x.dtype, copy=False).reshape(-1)
    if w.size > 1:
        w = w.reshape((-1,) + (1,) * (x.ndim - 2))
    return xp.where(x >= 0, x, w * x).astype(x.dtype, copy=False)


def fast_gelu(x: Array) -> Array:
    """MindSpore's FastGelu: ``x / (1 + exp(-1.702 |x|)) * exp(0.851 (x - |x|))``.

    Example:
        >>> import numpy as np
        >>> fast_gelu(np.array([-1.0, 2.0], np.float32))
        array([-0.15420423,  1.9356586 ], dtype=float32)
    """
    xp = get_array_module(x)
    v = _work(x)
    a = xp.abs(v)
    t = v.dtype.type
    out = v / (1 + xp.exp(t(-1.702) * a)) * xp.exp(t(0.851) * (v - a))
    return out.astype(x.dtype, copy=False)


def softsign(x: Array) -> Array:
    """``x / (1 + |x|)``.

    Example:
        >>> import numpy as np
        >>> softsign(np.array([-1.0, 2.0], np.float32))
        array([-0.5      ,  0.6666667], dtype=float32)
    """
    v = _work(x)
    return (v / (1 + get_array_module(x).abs(v))).astype(x.dtype, copy=False)


def log_sigmoid(x: Array) -> Array:
    """``log(1 / (1 + exp(-x)))``, as ``min(x, 0) - log1p(exp(-|x|))`` (no overflow).

    Example:
        >>> import numpy as np
        >>> log_sigmoid(np.array([1.0, 2.0, 3.0], np.float32))
        array([-0.31326163, -0.126928  , -0.04858735], dtype=float32)
    """
    xp = get_array_module(x)
    v = _work(x)
    return (xp.minimum(v, 0) - xp.log1p(xp.exp(-xp.abs(v)))).astype(x.dtype, copy=False)


def mish(x: Array) -> Array:
    """``x * tanh(softplus(x))``.

    Example:
        >>> import numpy as np
        >>> mish(np.array([-1.0, 4.0], np.float32))
        array([-0.3034014,  3.997413 ], dtype=float32)
    """
    v = _work(x)
    return (v * get_array_module(x).tanh(softplus(v, 1.0, float("inf")))).astype(x.dtype, copy=False)


def tanhshrink(x: Array) -> Array:
    """``x - tanh(x)``.

    Example:
        >>> import numpy as np
        >>> tanhshrink(np.array([1.0, 2.0], np.float32))
        array([0.23840582, 1.0359724 ], dtype=float32)
    """
    v = _work(x)
    return (v - get_array_module(x).tanh(v)).astype(x.dtype, copy=False)


def softshrink(x: Array, lambd: float = 0.5) -> Array:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    Example:
        >>> import numpy as np
        >>> softshrink(np.array([-1.0, 0.25, 2.0], np.float32))
        array([-0.5,  0. ,  1.5], dtype=float32)
    """
    xp = get_array_module(x)
    t = x.dtype.type(lambd)
    zero = x.dtype.type(0)
    return xp.where(x > t, x - t, xp.where(x < -t, x + t, zero)).astype(x.dtype, copy=False)


def hshrink(x: Array, lambd: float = 0.5) -> Array:
    """``x`` where ``|x| > lambd``, else 0.

    Example:
        >>> import numpy as np
        >>> hshrink(np.array([-1.0, 0.25, 2.0], np.float32))
        array([-1.,  0.,  2.], dtype=float32)
    """
    xp = get_array_module(x)
    return xp.where(xp.abs(x) > x.dtype.type(lambd), x, x.dtype.type(0))


def threshold(x: Array, thr: float, value: float) -> Array:
    """``x`` where ``x > thr``, else ``value``.

    Example:
        >>> import numpy as np
        >>> threshold(np.array([0.1, 0.2, 0.3], np.float32), 0.1, 20.0)
        array([20. ,  0.2,  0.3], dtype=float32)
    """
    xp = get_array_module(x)
    return xp.where(x > x.dtype.type(thr), x, x.dtype.type(value))


def celu(x: Array, alpha: float = 1.0) -> Array:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> import numpy as np
        >>> celu(np.array([-2.0, 2.0], np.float32))
        array([-0.86466473,  2.        ], dtype=float32)
    """
    xp = get_array_module(x)
    v = _work(x)
    a = v.dtype.type(alpha)
    neg = a * xp.expm1(xp.minimum(v, 0) / a)
    return xp.where(v > 0, v, neg).astype(x.dtype, copy=False)


def selu(x: Array) -> Array:
    """``scale * elu(x, alpha)`` with Klambauer et al.'s constants
    (``alpha = 1.6732632423543772``, ``scale = 1.0507009873554805``).

    Example:
        >>> import numpy as np
        >>> selu(np.array([-1.0, 2.0], np.float32))
        array([-1.1113307,  2.101402 ], dtype=float32)
    """
    v = _work(x)
    out = v.dtype.type(1.0507009873554805) * elu(v, 1.6732632423543772)
    return out.astype(x.dtype, copy=False)


__all__ += ["celu", "elu", "fast_gelu", "hardtanh", "hshrink", "hsigmoid", "hswish",
            "leaky_relu", "log_sigmoid", "mish", "prelu", "relu6", "selu", "softshrink",
            "softsign", "tanhshrink", "threshold"]
# ---- end act ------------------------------------------------------------------------------
