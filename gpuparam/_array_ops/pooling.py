"""Max and average pooling over the trailing spatial dims, and adaptive average pooling.

``pool`` visits the kernel offsets and combines one strided view of the padded input
per offset, so no window array is built and the work is ``prod(kernel)`` passes over
the output. The caller gives the padding explicitly (``(before, after)`` per spatial
dim: its front knows MindSpore's ``'same'``/``'valid'``/``'pad'`` rules); with
``ceil_mode`` a last, partial window is kept. Padded elements never win a maximum and
never count in an average.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from .._backend import Array, get_array_module

Pads = Sequence[tuple[int, int]]


def pooled_size(n: int, k: int, s: int, d: int, before: int, after: int, ceil_mode: bool) -> int:
    """Output extent of one spatial dim: ``floor`` (or ``ceil``) of
    ``(n + before + after - d (k - 1) - 1) / s``, plus one. With ``ceil_mode`` a window
    must start inside the input or its leading padding."""
    span = n + before + after - d * (k - 1) - 1
    if span < 0:
        return 0
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + before:
        out -= 1
    return out


def _windows(x: Array, kernel: Sequence[int], stride: Sequence[int], dilation: Sequence[int],
             pads: Pads, ceil_mode: bool, fill: float) -> tuple[list[Array], tuple[int, ...], Pads]:
    """One strided view per kernel offset, of ``x`` padded with ``fill``."""
    xp = get_array_module(x)
    nd = len(kernel)
    lead, spatial = x.shape[:-nd], x.shape[-nd:]
    out = tuple(pooled_size(n, k, s, d, b, a, ceil_mode) for n, k, s, d, (b, a)
                in zip(spatial, kernel, stride, dilation, pads))
    # Room for the last window (ceil_mode may reach past the padding).
    total = [max(n + b + a, (o - 1) * s + d * (k - 1) + 1) for n, o, k, s, d, (b, a)
             in zip(spatial, out, kernel, stride, dilation, pads)]
    if tuple(total) != tuple(spatial):
        padded = xp.full(lead + tuple(total), fill, dtype=x.dtype)
        padded[(...,) + tuple(slice(b, b + n) for (b, _), n in zip(pads, spatial))] = x
    else:
        padded = x
    views = []
    for offset in itertools.product(*(range(k) for k in kernel)):
        index = tuple(slice(i * d, i * d + (o - 1) * s + 1, s)
                      for i, d, o, s in zip(offset, dilation, out, stride))
        views.append(padded[(...,) + index])
    return views, out, [(b, t - n - b) for (b, _), t, n in zip(pads, total, spatial)]


def pool(x: Array, mode: str, kernel: Sequence[int], stride: Sequence[int],
         dilation: Sequence[int], pads: Pads, ceil_mode: bool = False) -> Array:
    """Max (``mode='max'``) or average (``'avg'``) pooling over the last ``len(kernel)``
    dims of ``x``; averages count the real (unpadded) elements of each window.

    Example:
        >>> import numpy as np
        >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> pool(x, "max", (2, 2), (2, 2), (1, 1), ((0, 0), (0, 0)))[0, 0]
        array([[ 5.,  7.],
               [13., 15.]], dtype=float32)
    """
    if mode == "max":
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        views, _, _ = _windows(x, kernel, stride, dilation, pads, ceil_mode, fill)
        out = views[0].copy()
        xp = get_array_module(x)
        for view in views[1:]:
            xp.maximum(out, view, out=out)
        return out
    work = np.float64 if x.dtype == np.float64 else np.float32
    views, out_shape, real_pads = _windows(x.astype(work), kernel, stride, dilation, pads,
                                           ceil_mode, 0.0)
    total = views[0].copy()
    for view in views[1:]:
        total += view
    if any(b or a for b, a in real_pads):
        ones = get_array_module(x).ones(x.shape[-len(kernel):], dtype=work)
        counts, _, _ = _windows(ones, kernel, stride, dilation, pads, ceil_mode, 0.0)
        total /= sum(counts[1:], counts[0].copy())
    else:
        total /= math.prod(kernel)
    return total.astype(x.dtype)


def max_pool_with_argmax(x: Array, kernel: Sequence[int], stride: Sequence[int],
                         pads: Pads) -> tuple[Array, Array]:
    """2-D max pooling of ``(N, C, H, W)`` and, for each output, the index
    ``c * H * W + h * W + w`` of the first maximum within its image (int32, MindSpore's
    kernel's numbering)."""
    xp = get_array_module(x)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    views, out, _ = _windows(x, kernel, stride, (1, 1), pads, False, fill)
    height, width = x.shape[-2:]
    rows = xp.arange(out[0]).reshape(-1, 1) * stride[0] - pads[0][0]
    cols = xp.arange(out[1]).reshape(1, -1) * stride[1] - pads[1][0]
    plane = (xp.arange(x.shape[1]) * (height * width)).reshape(-1, 1, 1)
    best, where = views[0].copy(), xp.broadcast_to(plane + rows * width + cols, views[0].shape).copy()
    for view, (i, j) in zip(views[1:], list(itertools.product(*(range(k) for k in kernel)))[1:]):
        better = view > best
        best = xp.where(better, view, best)
        where = xp.where(better, plane + (rows + i) * width + cols + j, where)
    return best, where.astype(np.int32)


def adaptive_avg_pool(x: Array, output_size: Sequence[int]) -> Array:
    """Average pooling of the last ``len(output_size)`` dims into that many bins each:
    bin ``i`` of ``n`` covers ``[floor(i n_in / n), ceil((i + 1) n_in / n))``.

    Example:
        >>> import numpy as np
        >>> x = np.arange(9, dtype=np.float32).reshape(1, 3, 3)
        >>> adaptive_avg_pool(x, (1, 2))
        array([[[3.5, 4.5]]], dtype=float32)
    """
    xp = get_array_module(x)
    work = np.float64 if x.dtype == np.float64 else np.float32
    out = x.astype(work)
    nd = len(output_size)
    for axis, bins in zip(range(x.ndim - nd, x.ndim), output_size):
        n = out.shape[axis]
        if bins == n:
            continue
        pieces = []
        for i in range(bins):
            start, stop = (i * n) // bins, -((-(i + 1) * n) // bins)
            index = (slice(None),) * axis + (slice(start, stop),)
            pieces.append(out[index].mean(axis=axis, keepdims=True))
        out = xp.concatenate(pieces, axis=axis)
    return out.astype(x.dtype)


__all__ = ["adaptive_avg_pool", "max_pool_with_argmax", "pool", "pooled_size"]
