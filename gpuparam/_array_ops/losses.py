"""Loss functions on arrays, with MindSpore's formulas and ``reduction`` rule.

Every loss is computed in float32 (float64 for float64 inputs; float16 is widened) and
returned in the dtype of its inputs (NumPy's promotion: float16 with float32 gives
float32); integer inputs give a float32 loss. ``reduction`` is ``'none'`` (the
per-element losses), ``'sum'`` or ``'mean'`` (over every element, or the weighted mean
where a formula says so).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import Array, get_array_module

REDUCTIONS = ("none", "mean", "sum")


def loss_dtype(*arrays: Array) -> np.dtype:
    """The dtype a loss of ``arrays`` is returned in: their float type, float32 for ints."""
    dtype = np.result_type(*[a.dtype for a in arrays])
    return dtype if dtype.kind == "f" else np.dtype(np.float32)


def _work(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)


def _widen(*arrays: Array) -> tuple[np.dtype, list[Array]]:
    out = loss_dtype(*arrays)
    work = _work(out)
    return out, [a.astype(work, copy=False) for a in arrays]


def reduce_loss(loss: Array, reduction: str, dtype: Any) -> Array:
    """``loss`` (in its work dtype) reduced by ``reduction`` and cast to ``dtype``.

    Example:
        >>> import numpy as np
        >>> reduce_loss(np.array([1.0, 2.0], np.float32), "mean", np.float16)
        array(1.5, dtype=float16)
    """
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return get_array_module(loss).asarray(loss).astype(dtype, copy=False)


def mse(x: Array, y: Array, reduction: str = "mean") -> Array:
    """``(x - y) ** 2`` (broadcast), reduced.

    Example:
        >>> import numpy as np
        >>> mse(np.array([1.0, 2.0, 3.0], np.float32), np.ones(3, np.float32))
        array(1.6666666, dtype=float32)
    """
    dtype, (a, b) = _widen(x, y)
    return reduce_loss((a - b) ** 2, reduction, dtype)


def l1(x: Array, y: Array, reduction: str = "mean") -> Array:
    """``|x - y|`` (broadcast), reduced."""
    dtype, (a, b) = _widen(x, y)
    return reduce_loss(get_array_module(a).abs(a - b), reduction, dtype)


def smooth_l1(x: Array, y: Array, beta: float = 1.0, reduction: str = "none") -> Array:
    """Huber-like: ``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``."""
    xp = get_array_module(x)
    dtype, (a, b) = _widen(x, y)
    d = xp.abs(a - b)
    loss = xp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return reduce_loss(loss, reduction, dtype)


def binary_cross_entropy(p: Array, y: Array, weight: Array | None = None,
                         reduction: str = "mean") -> Array:
    """``-w (y log(p) + (1 - y) log(1 - p))`` for probabilities ``p`` (logs of ``p + 1e-12``,
    as MindSpore's kernel, so ``p = 0`` gives a large finite loss)."""
    xp = get_array_module(p)
    dtype, (a, b) = _widen(p, y)
    eps = a.dtype.type(1e-12)
    loss = -(b * xp.log(a + eps) + (1 - b) * xp.log(1 - a + eps))
    if weight is not None:
        loss = loss * weight.astype(a.dtype)
    return reduce_loss(loss, reduction, dtype)


def _softplus(xp: Any, v: Array) -> Array:
    return xp.maximum(v, 0) + xp.log1p(xp.exp(-xp.abs(v)))


def binary_cross_entropy_with_logits(x: Array, y: Array, weight: Array | None = None,
                                     pos_weight: Array | None = None,
                                     reduction: str = "mean") -> Array:
    """``w (pw y softplus(-x) + (1 - y) softplus(x))``: ``-w (pw y log s(x) + (1 - y)
    log(1 - s(x)))`` with ``s`` the sigmoid, computed without overflow."""
    xp = get_array_module(x)
    dtype, (a, b) = _widen(x, y)
    positive = _softplus(xp, -a) * b
    if pos_weight is not None:
        positive = positive * pos_weight.astype(a.dtype)
    loss = positive + (1 - b) * _softplus(xp, a)
    if weight is not None:
        loss = loss * weight.astype(a.dtype)
    return reduce_loss(loss, reduction, dtype)


def sigmoid_cross_entropy(x: Array, y: Array) -> Array:
    """Per element ``max(x, 0) - x y + log(1 + exp(-|x|))`` (no reduction)."""
    xp = get_array_module(x)
    dtype, (a, b) = _widen(x, y)
    return (xp.maximum(a, 0) - a * b + xp.log1p(xp.exp(-xp.abs(a)))).astype(dtype, copy=False)


def _log_softmax(xp: Any, v: Array, axis: int) -> Array:
    shifted = v - v.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_cross_entropy(logits: Array, labels: Array) -> tuple[Array, Array]:
    """``(loss, dlogits)`` over the last axis: ``-sum(labels * log_softmax(logits))`` and
    its gradient ``softmax(logits) - labels``."""
    xp = get_array_module(logits)
    dtype, (a, b) = _widen(logits, labels)
    logp = _log_softmax(xp, a, -1)
    loss = -(b * logp).sum(axis=-1)
    return loss.astype(dtype, copy=False), (xp.exp(logp) - b).astype(dtype, copy=False)


def cross_entropy(logits: Array, target: Array, weight: Array | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Array:
    """MindSpore's (and PyTorch's) ``cross_entropy``; classes on axis 1 (axis 0 for 1-d).

    ``target`` holds class indices (integers, one fewer dim than ``logits``; entries equal
    to ``ignore_index`` count for nothing) or class probabilities (floats, ``logits``'
    shape). ``weight`` weighs each class; ``'mean'`` divides by the summed weights of the
    counted targets (indices) or by the number of samples (probabilities).
    ``label_smoothing`` mixes ``label_smoothing / C`` of the uniform distribution in.

    Example:
        >>> import numpy as np
        >>> logits = np.log(np.array([[0.25, 0.75]], np.float32))
        >>> cross_entropy(logits, np.array([1]))
        array(0.28768212, dtype=float32)
    """
    xp = get_array_module(logits)
    dtype = loss_dtype(logits)
    work = _work(dtype)
    axis = 0 if logits.ndim == 1 else 1
    classes = logits.shape[axis]
    logp = _log_softmax(xp, logits.astype(work), axis)
    shape = [1] * logits.ndim
    shape[axis] = classes
    w = None if weight is None else weight.astype(work).reshape(shape)
    if target.dtype.kind == "f":
        probs = target.astype(work)
        if label_smoothing > 0:
            probs = probs * (1 - label_smoothing) + label_smoothing / classes
        per = -((logp * probs) if w is None else (logp * probs * w)).sum(axis=axis)
        if reduction == "mean":
            return (per.sum() / (logp.size / classes)).astype(dtype)
        return reduce_loss(per, reduction, dtype)
    counted = target != ignore_index
    safe = xp.where(counted, target, 0).astype(np.int64)
    picked = xp.take_along_axis(logp, xp.expand_dims(safe, axis), axis=axis).squeeze(axis)
    class_weight = xp.ones_like(picked) if w is None else weight.astype(work)[safe]
    class_weight = xp.where(counted, class_weight, 0)
    nll = -picked * class_weight
    smooth = -(logp if w is None else logp * w).sum(axis=axis) * counted
    if reduction == "mean":
        total = class_weight.sum()
        nll, smooth = nll.sum() / total, smooth.sum() / total
    elif reduction == "sum":
        nll, smooth = nll.sum(), smooth.sum()
    loss = (1.0 - label_smoothing) * nll + (label_smoothing / classes) * smooth
    return xp.asarray(loss).astype(dtype, copy=False)


__all__ = ["REDUCTIONS", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "cross_entropy", "l1", "loss_dtype", "mse", "reduce_loss", "sigmoid_cross_entropy",
           "smooth_l1", "softmax_cross_entropy"]
