"""Resizing: nearest, linear and cubic interpolation along any axes, depth-to-space,
and the detection crops ``crop_and_resize`` and ``roi_align``.

Interpolation is separable: each resized axis gets an index array (and weights) built
on the device from ``arange``, and the input is gathered along that axis with
``xp.take``, so no host synchronization happens. The source coordinate of output
index ``i`` (``scale = n_in / n_out`` unless given) follows one of MindSpore's rules:

- ``'align_corners'``: ``i * (n_in - 1) / (n_out - 1)`` (0 for one output);
- ``'half_pixel'``: ``(i + 0.5) * scale - 0.5`` (TensorFlow's and PyTorch's default);
- ``'asymmetric'``: ``i * scale`` (PyTorch's ``'nearest'``, TensorFlow's legacy rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._backend import Array, get_array_module

COORDINATE_MODES = ("align_corners", "half_pixel", "asymmetric")


def _work(x: Array) -> np.dtype:
    return np.dtype(np.float64) if x.dtype == np.float64 else np.dtype(np.float32)


def _source(xp: Any, n_in: int, n_out: int, mode: str, scale: float | None,
            dtype: np.dtype) -> Array:
    i = xp.arange(n_out, dtype=dtype)
    if mode == "align_corners":
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        return i * dtype.type(step)
    step = dtype.type(n_in / n_out if scale is None else scale)
    return (i + dtype.type(0.5)) * step - dtype.type(0.5) if mode == "half_pixel" else i * step


def _along(x: Array, axis: int, index: Array) -> Array:
    return get_array_module(x).take(x, index, axis=axis)


def _shaped(w: Array, axis: int, ndim: int) -> Array:
    return w.reshape((-1,) + (1,) * (ndim - axis - 1))


def resize_nearest(x: Array, sizes: Sequence[int], mode: str = "asymmetric",
                   scales: Sequence[float | None] | None = None,
                   rounding: str = "floor") -> Array:
    """Nearest-neighbour resize of the last ``len(sizes)`` axes to ``sizes``.

    The source index is ``floor`` (or, with ``rounding='round'``, the nearest integer,
    halves away from zero) of the source coordinate, clamped into the input. Any dtype.

    Example:
        >>> import numpy as np
        >>> resize_nearest(np.array([[1, 2, 3]]), (6,))
        array([[1, 1, 2, 2, 3, 3]])
    """
    xp = get_array_module(x)
    first = x.ndim - len(sizes)
    out = x
    for k, n_out in enumerate(sizes):
        axis, n_in = first + k, x.shape[first + k]
        scale = None if scales is None else scales[k]
        src = _source(xp, n_in, n_out, mode, scale, np.dtype(np.float64))
        if mode == "half_pixel" and rounding == "floor":
            src = src + 0.5  # TensorFlow: floor((i + 0.5) * scale)
        index = xp.floor(src + 0.5) if rounding == "round" else xp.floor(src)
        out = _along(out, axis, xp.clip(index, 0, n_in - 1).astype(np.int64))
    return out


def resize_linear(x: Array, sizes: Sequence[int], mode: str = "half_pixel",
                  scales: Sequence[float | None] | None = None) -> Array:
    """(Bi/tri)linear resize of the last ``len(sizes)`` axes of a float array.

    Below the first element the input is held constant (its first element); above the
    last likewise.

    Example:
        >>> import numpy as np
        >>> resize_linear(np.array([[0.0, 1.0]], np.float32), (4,))
        array([[0.  , 0.25, 0.75, 1.  ]], dtype=float32)
    """
    xp = get_array_module(x)
    work = _work(x)
    first = x.ndim - len(sizes)
    out = x.astype(work, copy=False)
    for k, n_out in enumerate(sizes):
        axis, n_in = first + k, x.shape[first + k]
        scale = None if scales is None else scales[k]
        src = xp.maximum(_source(xp, n_in, n_out, mode, scale, work), 0)
        low = xp.minimum(xp.floor(src), n_in - 1)
        weight = _shaped(src - low, axis, x.ndim)
        low_i = low.astype(np.int64)
        high_i = xp.minimum(low_i + 1, n_in - 1)
        a, b = _along(out, axis, low_i), _along(out, axis, high_i)
        out = a + (b - a) * weight
    return out.astype(x.dtype, copy=False)


def _cubic_weights(xp: Any, t: Array, a: float) -> list[Array]:
    """Keys' cubic convolution weights of the 4 taps at offsets -1, 0, 1, 2."""
    def near(d: Array) -> Array:   # |d| <= 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d: Array) -> Array:    # 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def resize_cubic(x: Array, sizes: Sequence[int], align_corners: bool = False,
                 scales: Sequence[float | None] | None = None) -> Array:
    """Bicubic resize with TensorFlow's (and MindSpore's) rules: with ``align_corners``
    Keys' kernel ``A = -0.75``, border taps clamped into the input; else half-pixel
    centres, ``A = -0.5``, taps outside the input dropped and the rest renormalized.
    The weights are those of the fraction rounded to 1/1024, as TensorFlow's table."""
    xp = get_array_module(x)
    work = _work(x)
    first = x.ndim - len(sizes)
    out = x.astype(work, copy=False)
    mode = "align_corners" if align_corners else "half_pixel"
    a = -0.75 if align_corners else -0.5
    for k, n_out in enumerate(sizes):
        axis, n_in = first + k, x.shape[first + k]
        scale = None if scales is None else scales[k]
        src = _source(xp, n_in, n_out, mode, scale, work)
        base = xp.floor(src)
        # TensorFlow reads the weights from a table of 1024 steps of the fraction.
        fraction = xp.rint((src - base) * 1024) / 1024
        taps = [(base + offset, w) for offset, w in zip((-1, 0, 1, 2),
                                                       _cubic_weights(xp, fraction, a))]
        if not align_corners:
            taps = [(i, xp.where((i >= 0) & (i <= n_in - 1), w, 0)) for i, w in taps]
            norm = sum(w for _, w in taps)
            taps = [(i, w / norm) for i, w in taps]
        total = 0
        for index, w in taps:
            index = xp.clip(index, 0, n_in - 1).astype(np.int64)
            total = total + _along(out, axis, index) * _shaped(w, axis, x.ndim)
        out = total
    return out.astype(x.dtype, copy=False)


def depth_to_space(x: Array, block: int) -> Array:
    """``(N, C, H, W)`` to ``(N, C / block**2, H * block, W * block)``: channel
    ``(i * block + j) * C' + c`` becomes offset ``(i, j)`` of the output channel ``c``.

    Example:
        >>> import numpy as np
        >>> depth_to_space(np.arange(4).reshape(1, 4, 1, 1), 2)[0, 0]
        array([[0, 1],
               [2, 3]])
    """
    n, c, h, w = x.shape
    out_c = c // (block * block)
    y = x.reshape(n, block, block, out_c, h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(n, out_c, h * block, w * block)


def crop_and_resize(image: Array, boxes: Array, box_index: Array, crop: tuple[int, int],
                    method: str = "bilinear", extrapolation_value: float = 0.0) -> Array:
    """TensorFlow's ``crop_and_resize`` on an NHWC image; float32 ``(B, ch, cw, C)``.

    ``boxes`` are ``(y1, x1, y2, x2)`` in normalized coordinates; samples outside the
    image take ``extrapolation_value`` (``'bilinear'``, ``'nearest'``). ``'bilinear_v2'``
    is MindSpore's variant: the box is first snapped to whole pixels and sampled at
    pixel centres, clamped into the box.
    """
    xp = get_array_module(image)
    _, height, width, _ = image.shape
    ch, cw = crop
    b = boxes.astype(np.float32)
    y1, x1, y2, x2 = (b[:, i] for i in range(4))
    index = box_index.astype(np.int64)
    img = image.astype(np.float32)
    py = xp.arange(ch, dtype=np.float32)[None, :]
    px = xp.arange(cw, dtype=np.float32)[None, :]
    if method == "bilinear_v2":
        y1h, x1w = (y1 * height).astype(np.int64), (x1 * width).astype(np.int64)
        h = xp.maximum((y2 * height).astype(np.int64) - y1h + 1, 1)[:, None]
        w = xp.maximum((x2 * width).astype(np.int64) - x1w + 1, 1)[:, None]
        yp = (py + 0.5) * (h.astype(np.float32) / ch) - 0.5
        xp_ = (px + 0.5) * (w.astype(np.float32) / cw) - 0.5
        top, bottom = (xp.clip(f(yp), 0, h - 1) for f in (xp.floor, xp.ceil))
        left, right = (xp.clip(f(xp_), 0, w - 1) for f in (xp.floor, xp.ceil))
        ylerp, xlerp = (yp - top)[:, :, None, None], (xp_ - left)[:, None, :, None]
        rows = [xp.clip(y1h[:, None] + t.astype(np.int64), 0, height - 1) for t in (top, bottom)]
        cols = [xp.clip(x1w[:, None] + t.astype(np.int64), 0, width - 1) for t in (left, right)]
        return _bilinear_gather(xp, img, index, rows, cols, ylerp, xlerp)
    ys = y1[:, None] * (height - 1) + py * ((y2 - y1) * (height - 1) / max(ch - 1, 1))[:, None] \
        if ch > 1 else (0.5 * (y1 + y2) * (height - 1))[:, None]
    xs = x1[:, None] * (width - 1) + px * ((x2 - x1) * (width - 1) / max(cw - 1, 1))[:, None] \
        if cw > 1 else (0.5 * (x1 + x2) * (width - 1))[:, None]
    inside = (((ys >= 0) & (ys <= height - 1))[:, :, None]
              & ((xs >= 0) & (xs <= width - 1))[:, None, :])[..., None]
    if method == "nearest":
        rows = xp.clip(xp.trunc(ys + xp.copysign(0.5, ys)), 0, height - 1).astype(np.int64)
        cols = xp.clip(xp.trunc(xs + xp.copysign(0.5, xs)), 0, width - 1).astype(np.int64)
        out = img[index[:, None, None], rows[:, :, None], cols[:, None, :]]
    else:
        top, left = xp.floor(ys), xp.floor(xs)
        ylerp, xlerp = (ys - top)[:, :, None, None], (xs - left)[:, None, :, None]
        rows = [xp.clip(f(ys), 0, height - 1).astype(np.int64) for f in (xp.floor, xp.ceil)]
        cols = [xp.clip(f(xs), 0, width - 1).astype(np.int64) for f in (xp.floor, xp.ceil)]
        out = _bilinear_gather(xp, img, index, rows, cols, ylerp, xlerp)
    return xp.where(inside, out, np.float32(extrapolation_value)).astype(np.float32)


def _bilinear_gather(xp: Any, img: Array, index: Array, rows: list[Array], cols: list[Array],
                     ylerp: Array, xlerp: Array) -> Array:
    def at(r: Array, c: Array) -> Array:
        return img[index[:, None, None], r[:, :, None], c[:, None, :]]

    top = at(rows[0], cols[0]) + (at(rows[0], cols[1]) - at(rows[0], cols[0])) * xlerp
    bottom = at(rows[1], cols[0]) + (at(rows[1], cols[1]) - at(rows[1], cols[0])) * xlerp
    return top + (bottom - top) * ylerp


def _roi_taps(xp: Any, coord: Array, size: int) -> tuple[Array, Array, Array, Array, Array]:
    """MindSpore's ROIAlign bilinear taps along one axis: low/high index, their weights
    and whether the sample lies within ``[-1, size]`` (outside it counts as zero)."""
    valid = (coord >= -1) & (coord <= size)
    c = xp.maximum(coord, 0)
    low = xp.where(c <= 7e-5, 0, xp.floor(c))
    at_end = low >= size - 1
    low = xp.where(at_end, size - 1, low)
    c = xp.where(at_end, low, c)
    high = xp.where(at_end, low, low + 1)
    frac = c - low
    return low.astype(np.int64), high.astype(np.int64), 1 - frac, frac, valid


def roi_align(features: Array, rois: Array, pooled: tuple[int, int], spatial_scale: float,
              sample_num: int, roi_end_mode: int) -> Array:
    """MindSpore's ``ROIAlign`` over NCHW ``features`` for ``(R, 5)`` rois
    ``(batch, x1, y1, x2, y2)``: ``(R, C, ph, pw)``, each bin the mean of a
    ``sample_num x sample_num`` grid of bilinear samples.

    A roi whose ``x1`` and ``x2`` are both within 0.001 of zero gives zeros (MindSpore
    skips it); one whose batch index is outside ``[0, N)`` gives NaN.
    """
    xp = get_array_module(features)
    n, c, height, width = features.shape
    work = _work(features)
    r = rois.astype(work)
    batch = xp.floor(r[:, 0] + work.type(7e-5) + 0.5)
    good_batch = (batch >= 0) & (batch <= n - 1)
    b = xp.clip(batch, 0, n - 1).astype(np.int64)
    scale = work.type(spatial_scale)
    start_w, start_h = r[:, 1] * scale, r[:, 2] * scale
    roi_w = (r[:, 3] + roi_end_mode) * scale - start_w
    roi_h = (r[:, 4] + roi_end_mode) * scale - start_h
    if roi_end_mode == 0:
        roi_w, roi_h = xp.maximum(roi_w, 1), xp.maximum(roi_h, 1)
    ph, pw = pooled
    grid = (xp.arange(sample_num, dtype=work) + work.type(0.5)) / sample_num
    bins_h = xp.arange(ph, dtype=work)[:, None] + grid[None, :]          # (ph, g)
    bins_w = xp.arange(pw, dtype=work)[:, None] + grid[None, :]
    ys = start_h[:, None, None] + bins_h[None] * (roi_h / ph)[:, None, None]   # (R, ph, g)
    xs = start_w[:, None, None] + bins_w[None] * (roi_w / pw)[:, None, None]
    ylo, yhi, wyl, wyh, yok = _roi_taps(xp, ys, height)
    xlo, xhi, wxl, wxh, xok = _roi_taps(xp, xs, width)
    fmap = features.astype(work).transpose(0, 2, 3, 1)                      # (N, H, W, C)
    bi = b[:, None, None, None, None]
    total = 0
    for yi, wy in ((ylo, wyl), (yhi, wyh)):
        for xi, wx in ((xlo, wxl), (xhi, wxh)):
            v = fmap[bi, yi[:, :, :, None, None], xi[:, None, None, :, :]]    # (R,ph,g,pw,g,C)
            weight = (wy * yok)[:, :, :, None, None] * (wx * xok)[:, None, None, :, :]
            total = total + v * weight[..., None]
    out = total.sum(axis=(2, 4)) / (sample_num * sample_num)               # (R, ph, pw, C)
    skipped = (xp.abs(r[:, 1]) < 0.001) & (xp.abs(r[:, 3]) < 0.001)
    out = xp.where(skipped[:, None, None, None], 0, out)
    out = xp.where(good_batch[:, None, None, None], out, xp.nan)
    return out.transpose(0, 3, 1, 2).astype(features.dtype)


__all__ = ["COORDINATE_MODES", "crop_and_resize", "depth_to_space", "resize_cubic",
           "resize_linear", "resize_nearest", "roi_align"]
