"""Normalizations of ``mindspore.ops``: ``layer_norm`` (with its statistics) and
``l2_normalize``. float16 is computed in float32; statistics are returned in float32
whatever the input's dtype, as MindSpore's ``LayerNorm`` returns them.
"""

from __future__ import annotations

import numpy as np

from .._backend import Array, get_array_module


def _work(x: Array) -> np.dtype:
    return np.dtype(np.float64) if x.dtype == np.float64 else np.dtype(np.float32)


def layer_norm(x: Array, gamma: Array, beta: Array, begin_norm_axis: int,
               begin_params_axis: int, epsilon: float) -> tuple[Array, Array, Array]:
    """``(y, mean, variance)``: ``y = (x - mean) / sqrt(variance + epsilon) * gamma + beta``
    with the (biased) statistics over axes ``begin_norm_axis ..`` (kept as size 1) and
    ``gamma``/``beta`` shaped like ``x.shape[begin_params_axis:]``.

    Example:
        >>> import numpy as np
        >>> x = np.array([[1.0, 2.0, 3.0]], np.float32)
        >>> y, mean, var = layer_norm(x, np.ones(3, np.float32), np.ones(3, np.float32), 1, 1, 1e-7)
        >>> y
        array([[-0.2247448,  1.       ,  2.2247448]], dtype=float32)
        >>> mean, var
        (array([[2.]], dtype=float32), array([[0.6666667]], dtype=float32))
    """
    xp = get_array_module(x)
    work = _work(x)
    v = x.astype(work)
    axes = tuple(range(begin_norm_axis, x.ndim))
    mean = v.mean(axis=axes, keepdims=True)
    variance = ((v - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (v - mean) / xp.sqrt(variance + work.type(epsilon)) * gamma.astype(work) + beta.astype(work)
    del begin_params_axis  # gamma's shape already says where it applies (checked by the caller)
    return y.astype(x.dtype), mean.astype(np.float32), variance.astype(np.float32)


def l2_normalize(x: Array, axis: int, epsilon: float) -> Array:
    """``x / sqrt(max(sum(x**2, axis), epsilon))``.

    Example:
        >>> import numpy as np
        >>> l2_normalize(np.array([3.0, 4.0], np.float32), 0, 1e-4)
        array([0.6, 0.8], dtype=float32)
    """
    xp = get_array_module(x)
    v = x.astype(_work(x))
    norm = xp.sqrt(xp.maximum((v * v).sum(axis=axis, keepdims=True), epsilon))
    return (v / norm).astype(x.dtype)


__all__ = ["l2_normalize", "layer_norm"]
