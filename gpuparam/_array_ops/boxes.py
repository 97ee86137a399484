"""Bounding-box arithmetic of MindSpore's detection operators, on ``(x1, y1, x2, y2)`` rows.

The formulas are those of MindSpore's kernels: ``IOU`` and the box encoding count
pixels inclusively (a box from 2 to 3 is 2 wide), ``NMSWithMask`` does not. Everything
runs on the device that holds the boxes; NMS is a greedy pass of ``N`` array steps over
an ``N x N`` suppression matrix, without reading anything back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._backend import Array, get_array_module


def _work(x: Array) -> np.dtype:
    return np.dtype(np.float64) if x.dtype == np.float64 else np.dtype(np.float32)


def iou(anchors: Array, gt: Array, mode: str = "iou") -> Array:
    """``(M, N)`` overlaps of ``N`` anchors and ``M`` ground-truth boxes: intersection
    over union (``'iou'``) or over the ground-truth box's area (``'iof'``), with areas
    ``(x2 - x1 + 1) (y2 - y1 + 1)`` and ``1e-10`` added to the divisor.

    Example:
        >>> import numpy as np
        >>> iou(np.array([[0, 0, 1, 1]], np.float32), np.array([[0, 0, 1, 1], [0, 0, 3, 1]], np.float32))
        array([[1. ],
               [0.5]], dtype=float32)
    """
    xp = get_array_module(anchors)
    a, g = anchors.astype(_work(anchors))[None, :, :], gt.astype(_work(anchors))[:, None, :]
    w = xp.maximum(xp.minimum(a[..., 2], g[..., 2]) - xp.maximum(a[..., 0], g[..., 0]) + 1, 0)
    h = xp.maximum(xp.minimum(a[..., 3], g[..., 3]) - xp.maximum(a[..., 1], g[..., 1]) + 1, 0)
    overlap = w * h
    area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
    area_g = (g[..., 2] - g[..., 0] + 1) * (g[..., 3] - g[..., 1] + 1)
    divisor = (area_a + area_g - overlap) if mode == "iou" else area_g
    return (overlap / (divisor + 1e-10)).astype(anchors.dtype)


def nms_with_mask(boxes: Array, iou_threshold: float) -> tuple[Array, Array, Array]:
    """Greedy non-maximum suppression of ``(N, 5)`` rows ``(x1, y1, x2, y2, score)``.

    Returns MindSpore's three outputs: the rows sorted by descending score (ties keep
    their input order), the int32 indices ``0 .. N-1`` of those sorted rows, and the
    bool mask of the rows kept: going down the sorted list, a kept row removes every
    later row whose overlap with it (intersection over union, areas
    ``(x2 - x1) (y2 - y1)``) exceeds ``iou_threshold``.

    Example:
        >>> import numpy as np
        >>> b = np.array([[0, 0, 2, 2, 0.5], [0, 0, 2, 2, 0.9], [5, 5, 6, 6, 0.1]], np.float32)
        >>> nms_with_mask(b, 0.5)[2]
        array([ True, False,  True])
    """
    xp = get_array_module(boxes)
    n = boxes.shape[0]
    order = xp.argsort(-boxes[:, 4].astype(np.float64), kind="stable")
    ordered = boxes[order]
    v = ordered.astype(_work(boxes))
    x1, y1, x2, y2 = (v[:, i] for i in range(4))
    w = xp.maximum(xp.minimum(x2[:, None], x2[None, :]) - xp.maximum(x1[:, None], x1[None, :]), 0)
    h = xp.maximum(xp.minimum(y2[:, None], y2[None, :]) - xp.maximum(y1[:, None], y1[None, :]), 0)
    inter = w * h
    area = (x2 - x1) * (y2 - y1)
    with np.errstate(divide="ignore", invalid="ignore"):  # empty boxes: NaN, which suppresses nothing
        overlap = inter / (area[:, None] + area[None, :] - inter)
    suppresses = (overlap > iou_threshold) & xp.triu(xp.ones((n, n), dtype=bool), k=1)
    keep = xp.ones(n, dtype=bool)
    for i in range(n - 1):
        keep = keep & ~(keep[i] & suppresses[i])
    return ordered, xp.arange(n, dtype=np.int32), keep


def bounding_box_encode(anchors: Array, gt: Array, means: Sequence[float],
                        stds: Sequence[float]) -> Array:
    """Deltas ``((dx, dy, dw, dh) - means) / stds`` of ``gt`` boxes from ``anchors``:
    ``dx = (gx - px) / pw``, ``dw = log(gw / pw)``, centres ``(x1 + x2) / 2`` and sizes
    ``x2 - x1 + 1``."""
    xp = get_array_module(anchors)
    work = _work(anchors)
    a, g = anchors.astype(work), gt.astype(work)
    px, py = (a[:, 0] + a[:, 2]) * 0.5, (a[:, 1] + a[:, 3]) * 0.5
    pw, ph = a[:, 2] - a[:, 0] + 1, a[:, 3] - a[:, 1] + 1
    gx, gy = (g[:, 0] + g[:, 2]) * 0.5, (g[:, 1] + g[:, 3]) * 0.5
    gw, gh = g[:, 2] - g[:, 0] + 1, g[:, 3] - g[:, 1] + 1
    deltas = xp.stack([(gx - px) / pw, (gy - py) / ph, xp.log(gw / pw), xp.log(gh / ph)], axis=1)
    mean, std = xp.asarray(means, dtype=work), xp.asarray(stds, dtype=work)
    return ((deltas - mean) / std).astype(anchors.dtype)


def bounding_box_decode(anchors: Array, deltas: Array, max_shape: Sequence[int],
                        means: Sequence[float], stds: Sequence[float],
                        wh_ratio_clip: float) -> Array:
    """Boxes from ``anchors`` moved by ``deltas * stds + means`` (the inverse of
    ``bounding_box_encode``), ``dw``/``dh`` clipped to ``|log(wh_ratio_clip)|`` and the
    corners clipped into ``[0, max_shape[1]] x [0, max_shape[0]]``."""
    xp = get_array_module(anchors)
    work = _work(anchors)
    a = anchors.astype(work)
    d = deltas.astype(work) * xp.asarray(stds, dtype=work) + xp.asarray(means, dtype=work)
    limit = abs(math.log(wh_ratio_clip))
    dw, dh = xp.clip(d[:, 2], -limit, limit), xp.clip(d[:, 3], -limit, limit)
    px, py = (a[:, 0] + a[:, 2]) * 0.5, (a[:, 1] + a[:, 3]) * 0.5
    pw, ph = a[:, 2] - a[:, 0] + 1, a[:, 3] - a[:, 1] + 1
    gx, gy = px + pw * d[:, 0], py + ph * d[:, 1]
    gw, gh = pw * xp.exp(dw), ph * xp.exp(dh)
    height, width = max_shape[0], max_shape[1]
    boxes = xp.stack([xp.clip(gx - gw * 0.5 + 0.5, 0, width), xp.clip(gy - gh * 0.5 + 0.5, 0, height),
                      xp.clip(gx + gw * 0.5 - 0.5, 0, width), xp.clip(gy + gh * 0.5 - 0.5, 0, height)],
                     axis=1)
    return boxes.astype(anchors.dtype)


def check_valid(boxes: Array, img_metas: Array) -> Array:
    """Whether each box lies in the image ``img_metas = (height, width, ratio)``:
    ``x1 >= 0``, ``y1 >= 0``, ``x2 <= width * ratio - 1``, ``y2 <= height * ratio - 1``."""
    b, meta = boxes.astype(np.float64), img_metas.astype(np.float64)
    right, bottom = meta[1] * meta[2] - 1, meta[0] * meta[2] - 1
    return ~((b[:, 0] < 0) | (b[:, 1] < 0) | (right < b[:, 2]) | (bottom < b[:, 3]))


def random_choice_with_mask(mask: Array, uniforms: Array, count: int) -> tuple[Array, Array]:
    """``count`` of the true positions of ``mask`` in random order, as ``(count, ndim)``
    int32 indices and a bool validity mask (False rows, index 0, where ``mask`` has
    fewer true elements). ``uniforms`` (``mask``'s shape, in ``[0, 1)``) set the order."""
    xp = get_array_module(mask)
    flat = mask.reshape(-1)
    keys = xp.where(flat, uniforms.reshape(-1).astype(np.float64), 2.0)
    order = xp.argsort(keys, kind="stable")[:count]
    chosen = flat[order]
    if order.shape[0] < count:  # fewer elements than asked for: pad with invalid rows
        pad = count - order.shape[0]
        order = xp.concatenate([order, xp.zeros(pad, dtype=order.dtype)])
        chosen = xp.concatenate([chosen, xp.zeros(pad, dtype=bool)])
    index = xp.stack(xp.unravel_index(order, mask.shape), axis=1) if mask.ndim else order[:, None]
    return xp.where(chosen[:, None], index, 0).astype(np.int32), chosen


__all__ = ["bounding_box_decode", "bounding_box_encode", "check_valid", "iou",
           "nms_with_mask", "random_choice_with_mask"]
