"""Normalizations of ``mindspore.ops`` and ``nn``: ``layer_norm`` (with its statistics),
``l2_normalize``, batch normalization (``batch_moments``, ``batch_norm``,
``moving_update``, ``batch_norm_training``) and ``group_norm``. float16 is computed in float32; ``layer_norm``'s
statistics are returned in float32 whatever the input's dtype, as MindSpore's
``LayerNorm`` returns them.
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


def channel_axes(x: Array) -> tuple[int, ...]:
    """The axes a per-channel (axis 1) statistic reduces: all but the channel axis."""
    return (0,) + tuple(range(2, x.ndim))


def batch_moments(x: Array) -> tuple[Array, Array, int]:
    """``(mean, biased variance, count)`` per channel (axis 1) of ``x``, in float32 (float64
    for a float64 ``x``); ``count`` is the number of values each statistic covers.

    Example:
        >>> import numpy as np
        >>> batch_moments(np.array([[1.0, 2.0], [3.0, 6.0]], np.float32))
        (array([2., 4.], dtype=float32), array([1., 4.], dtype=float32), 2)
    """
    v = x.astype(_work(x), copy=False)
    axes = channel_axes(x)
    mean = v.mean(axis=axes)
    view = (1, -1) + (1,) * (x.ndim - 2)
    variance = ((v - mean.reshape(view)) ** 2).mean(axis=axes)
    return mean, variance, x.size // x.shape[1]


def batch_norm(x: Array, mean: Array, variance: Array, gamma: Array, beta: Array,
               eps: float) -> Array:
    """``(x - mean) / sqrt(variance + eps) * gamma + beta`` per channel (axis 1), computed
    in float32 (float64 for a float64 ``x``) and returned in ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> one = np.ones(2, np.float32)
        >>> batch_norm(np.array([[1.0, 2.0]], np.float32), one, 3 * one, one, 0 * one, 1.0)
        array([[0. , 0.5]], dtype=float32)
    """
    xp = get_array_module(x)
    work = _work(x)
    view = (1, -1) + (1,) * (x.ndim - 2)
    # (x - mean) * (gamma / sqrt(var + eps)) + beta: the order of MindSpore's kernel,
    # whose documented outputs it reproduces to the last bit (ops.batch_norm's example).
    scale = gamma.astype(work) / xp.sqrt(variance.astype(work) + work.type(eps))
    centered = x.astype(work, copy=False) - mean.astype(work).reshape(view)
    return (centered * scale.reshape(view) + beta.astype(work).reshape(view)).astype(x.dtype)


def moving_update(moving: Array, batch: Array, momentum: float) -> Array:
    """``(1 - momentum) * moving + momentum * batch`` (MindSpore's ``momentum`` is the
    weight of the new batch), in ``moving``'s dtype.

    Example:
        >>> import numpy as np
        >>> moving_update(np.zeros(2, np.float32), np.array([1.0, 2.0], np.float32), 0.1)
        array([0.1, 0.2], dtype=float32)
    """
    work = _work(moving)
    keep = work.type(1.0 - momentum)
    return (moving.astype(work) * keep + batch.astype(work) * work.type(momentum)).astype(moving.dtype)


def batch_norm_training(x: Array, moving_mean: Array, moving_variance: Array, gamma: Array,
                        beta: Array, momentum: float, eps: float) -> tuple[Array, Array, Array]:
    """``(y, new_moving_mean, new_moving_variance)``: ``x`` normalized with its batch
    statistics (biased variance), and the moving statistics updated with ``momentum``
    the weight of the batch, the variance unbiased (``n / (n - 1)``) as MindSpore's
    kernels and cuDNN take it. The caller checks ``n > 1`` and writes the statistics.

    Example:
        >>> import numpy as np
        >>> x = np.array([[1.0], [3.0]], np.float32)
        >>> one, zero = np.ones(1, np.float32), np.zeros(1, np.float32)
        >>> y, mean, var = batch_norm_training(x, zero, one, one, zero, 0.1, 0.0)
        >>> y.ravel(), mean, var
        (array([-1.,  1.], dtype=float32), array([0.2], dtype=float32), array([1.1], dtype=float32))
    """
    mean, variance, count = batch_moments(x)
    y = batch_norm(x, mean, variance, gamma, beta, eps)
    new_mean = moving_update(moving_mean, mean, momentum)
    new_variance = moving_update(moving_variance, variance * (count / (count - 1)), momentum)
    return y, new_mean, new_variance


def group_norm(x: Array, num_groups: int, gamma: Array, beta: Array, eps: float) -> Array:
    """Group normalization of ``(N, C, *)``: the (biased) statistics over each group of
    ``C // num_groups`` channels and all spatial positions, then ``* gamma + beta`` per
    channel.

    Example:
        >>> import numpy as np
        >>> x = np.array([[1.0, 3.0, 5.0, 7.0]], np.float32)
        >>> group_norm(x, 2, np.ones(4, np.float32), np.zeros(4, np.float32), 0.0)
        array([[-1.,  1., -1.,  1.]], dtype=float32)
    """
    xp = get_array_module(x)
    work = _work(x)
    n, c = x.shape[:2]
    v = x.astype(work, copy=False).reshape(n, num_groups, -1)
    mean = v.mean(axis=2, keepdims=True)
    variance = ((v - mean) ** 2).mean(axis=2, keepdims=True)
    y = ((v - mean) / xp.sqrt(variance + work.type(eps))).reshape(x.shape)
    view = (1, c) + (1,) * (x.ndim - 2)
    return (y * gamma.astype(work).reshape(view) + beta.astype(work).reshape(view)).astype(x.dtype)


__all__ = ["batch_moments", "batch_norm", "batch_norm_training", "channel_axes", "group_norm", "l2_normalize",
           "layer_norm", "moving_update"]
