"""Detection and recurrent operators against float64 loops written from MindSpore's kernels.

IOU, NMSWithMask, BoundingBoxEncode/Decode, CheckValid, ROIAlign and CropAndResize
follow MindSpore's CPU kernels (``mindspore/ccsrc/plugin/device/cpu/kernel``); LSTM and
DynamicRNN their documented gate orders.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, ops

RNG = np.random.default_rng(81)


def t(array, dtype=None):
    return Tensor(np.asarray(array), dtype)


def boxes(n, size=20.0):
    corner = RNG.uniform(0, size, size=(n, 2))
    extent = RNG.uniform(1, size / 2, size=(n, 2))
    return np.concatenate([corner, corner + extent], axis=1)


def test_iou_and_iof_loop():
    a, g = boxes(5), boxes(4)
    got_iou = ops.IOU()(t(a), t(g)).asnumpy()
    got_iof = ops.IOU(mode="iof")(t(a), t(g)).asnumpy()
    assert got_iou.shape == (4, 5)
    for m, n in itertools.product(range(4), range(5)):
        w = max(0.0, min(a[n, 2], g[m, 2]) - max(a[n, 0], g[m, 0]) + 1)
        h = max(0.0, min(a[n, 3], g[m, 3]) - max(a[n, 1], g[m, 1]) + 1)
        area_a = (a[n, 2] - a[n, 0] + 1) * (a[n, 3] - a[n, 1] + 1)
        area_g = (g[m, 2] - g[m, 0] + 1) * (g[m, 3] - g[m, 1] + 1)
        assert math.isclose(got_iou[m, n], w * h / (area_a + area_g - w * h + 1e-10), rel_tol=1e-12)
        assert math.isclose(got_iof[m, n], w * h / (area_g + 1e-10), rel_tol=1e-12)


def _greedy_nms(rows, threshold):
    order = sorted(range(len(rows)), key=lambda i: -rows[i, 4])
    ordered = rows[order]
    keep = [True] * len(rows)
    for i in range(len(rows)):
        if not keep[i]:
            continue
        for j in range(i + 1, len(rows)):
            x1, y1 = max(ordered[i, 0], ordered[j, 0]), max(ordered[i, 1], ordered[j, 1])
            x2, y2 = min(ordered[i, 2], ordered[j, 2]), min(ordered[i, 3], ordered[j, 3])
            inter = max(x2 - x1, 0) * max(y2 - y1, 0)
            area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
            if inter / (area(ordered[i]) + area(ordered[j]) - inter) > threshold:
                keep[j] = False
    return ordered, keep


@pytest.mark.parametrize("threshold", [0.1, 0.5])
def test_nms_with_mask_is_greedy_suppression(threshold):
    corner = RNG.uniform(0, 3, size=(12, 2))
    rows = np.concatenate([corner, corner + RNG.uniform(2, 5, size=(12, 2)),
                           RNG.uniform(size=(12, 1))], axis=1).astype(np.float32)
    out, idx, mask = ops.NMSWithMask(threshold)(t(rows))
    ordered, keep = _greedy_nms(rows.astype(np.float64), threshold)
    assert (out.asnumpy() == ordered.astype(np.float32)).all()
    assert idx.asnumpy().tolist() == list(range(12)) and idx.dtype == gpuparam.int32
    assert mask.asnumpy().tolist() == keep and 0 < sum(keep) < 12


def test_bounding_box_encode_decode_round_trip():
    anchors, gt = boxes(6), boxes(6)
    means, stds = (0.1, -0.2, 0.0, 0.3), (0.1, 0.1, 0.2, 0.2)
    deltas = ops.BoundingBoxEncode(means, stds)(t(anchors, gpuparam.float32), t(gt, gpuparam.float32))
    px, py = (anchors[:, 0] + anchors[:, 2]) / 2, (anchors[:, 1] + anchors[:, 3]) / 2
    pw, ph = anchors[:, 2] - anchors[:, 0] + 1, anchors[:, 3] - anchors[:, 1] + 1
    gx, gy = (gt[:, 0] + gt[:, 2]) / 2, (gt[:, 1] + gt[:, 3]) / 2
    gw, gh = gt[:, 2] - gt[:, 0] + 1, gt[:, 3] - gt[:, 1] + 1
    want = (np.stack([(gx - px) / pw, (gy - py) / ph, np.log(gw / pw), np.log(gh / ph)], 1)
            - means) / stds
    np.testing.assert_allclose(deltas.asnumpy(), want, rtol=1e-5, atol=1e-5)
    back = ops.BoundingBoxDecode(None, means, stds, wh_ratio_clip=1e-6)(
        t(anchors, gpuparam.float32), deltas)
    np.testing.assert_allclose(back.asnumpy(), gt, rtol=1e-4, atol=1e-4)
    clipped = ops.BoundingBoxDecode((15, 12), means, stds)(t(anchors, gpuparam.float32), deltas)
    assert clipped.asnumpy()[:, [0, 2]].max() <= 12 and clipped.asnumpy()[:, [1, 3]].max() <= 15


def test_check_valid_against_the_image():
    rows = np.array([[0, 0, 9, 19], [-1, 0, 5, 5], [0, 0, 10, 19], [0, 0, 9, 20]], np.float32)
    meta = np.array([10, 5, 2], np.float32)  # 10 x 5 pixels at ratio 2: x2 <= 9, y2 <= 19
    assert ops.CheckValid()(t(rows), t(meta)).asnumpy().tolist() == [True, False, False, False]


def _roi_align_reference(features, rois, ph, pw, scale, sample, end_mode):
    n, c, height, width = features.shape
    out = np.zeros((len(rois), c, ph, pw))
    for r, roi in enumerate(rois):
        b = int(round(roi[0]))
        x1, y1 = roi[1] * scale, roi[2] * scale
        rw, rh = (roi[3] + end_mode) * scale - x1, (roi[4] + end_mode) * scale - y1
        if end_mode == 0:
            rw, rh = max(rw, 1), max(rh, 1)
        for i, j in itertools.product(range(ph), range(pw)):
            total = np.zeros(c)
            for iy, ix in itertools.product(range(sample), range(sample)):
                y = y1 + i * rh / ph + (iy + 0.5) * rh / ph / sample
                x = x1 + j * rw / pw + (ix + 0.5) * rw / pw / sample
                if y < -1 or y > height or x < -1 or x > width:
                    continue
                y, x = max(y, 0.0), max(x, 0.0)
                y0 = 0 if y <= 7e-5 else int(math.floor(y))
                x0 = 0 if x <= 7e-5 else int(math.floor(x))
                if y0 >= height - 1:
                    y0 = y1i = height - 1
                    y = float(y0)
                else:
                    y1i = y0 + 1
                if x0 >= width - 1:
                    x0 = x1i = width - 1
                    x = float(x0)
                else:
                    x1i = x0 + 1
                ly, lx = y - y0, x - x0
                f = features[b]
                total += ((1 - ly) * (1 - lx) * f[:, y0, x0] + (1 - ly) * lx * f[:, y0, x1i]
                          + ly * (1 - lx) * f[:, y1i, x0] + ly * lx * f[:, y1i, x1i])
            out[r, :, i, j] = total / (sample * sample)
    return out


@pytest.mark.parametrize("end_mode", [0, 1])
def test_roi_align_loop(end_mode):
    features = RNG.normal(size=(2, 3, 8, 9)).astype(np.float32)
    rois = np.array([[0, 1.0, 2.0, 10.0, 12.0], [1, 3.5, 0.5, 7.0, 6.0], [1, 14, 10, 17, 17]],
                    np.float32)
    got = ops.ROIAlign(3, 2, 0.5, 2, end_mode)(t(features), t(rois)).asnumpy()
    want = _roi_align_reference(features.astype(np.float64), rois.astype(np.float64), 3, 2, 0.5, 2,
                                end_mode)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_roi_align_marks_a_bad_batch_index_and_skips_empty_rois():
    features = t(np.ones((1, 1, 4, 4), np.float32))
    rois = t(np.array([[3, 0, 0, 2, 2], [0, 0, 1, 0, 3]], np.float32))
    out = ops.ROIAlign(2, 2, 1.0)(features, rois).asnumpy()
    assert np.isnan(out[0]).all() and (out[1] == 0).all()


def test_crop_and_resize_loops():
    image = RNG.normal(size=(2, 6, 7, 3)).astype(np.float32)
    box = np.array([[0.1, 0.2, 0.8, 0.9], [-0.2, 0.0, 0.5, 1.2]], np.float32)
    index = np.array([1, 0], np.int32)
    got = ops.CropAndResize(extrapolation_value=-1.0)(t(image), t(box), t(index), (4, 5)).asnumpy()
    nearest = ops.CropAndResize("nearest")(t(image), t(box), t(index), (4, 5)).asnumpy()
    for k, (y1, x1, y2, x2) in enumerate(box.astype(np.float64)):
        for i, j in itertools.product(range(4), range(5)):
            y = y1 * 5 + i * (y2 - y1) * 5 / 3
            x = x1 * 6 + j * (x2 - x1) * 6 / 4
            if not (0 <= y <= 5 and 0 <= x <= 6):
                assert (got[k, i, j] == -1).all() and (nearest[k, i, j] == 0).all()
                continue
            f = image[index[k]].astype(np.float64)
            t0, b0, l0, r0 = math.floor(y), math.ceil(y), math.floor(x), math.ceil(x)
            top = f[t0, l0] + (f[t0, r0] - f[t0, l0]) * (x - l0)
            bottom = f[b0, l0] + (f[b0, r0] - f[b0, l0]) * (x - l0)
            np.testing.assert_allclose(got[k, i, j], top + (bottom - top) * (y - t0), rtol=1e-5, atol=1e-5)
            np.testing.assert_allclose(nearest[k, i, j], f[int(math.floor(y + 0.5)), int(math.floor(x + 0.5))],
                                       rtol=1e-6)
    assert got.dtype == np.float32


def test_crop_and_resize_bilinear_v2_samples_pixel_centres_of_the_snapped_box():
    image = np.arange(64, dtype=np.float32).reshape(1, 8, 8, 1)
    box = np.array([[0.25, 0.25, 0.5, 0.5]], np.float32)      # pixels 2..4 in each direction
    out = ops.CropAndResize("bilinear_v2")(t(image), t(box), t(np.array([0], np.int32)), (3, 3))
    assert (out.asnumpy()[0, :, :, 0] == image[0, 2:5, 2:5, 0]).all()


def _lstm_reference(x, h0, c0, layers, hidden, bidirectional, flat):
    dirs = 2 if bidirectional else 1
    gates = 4 * hidden
    sizes = [x.shape[2] if layer == 0 else hidden * dirs for layer in range(layers) for _ in range(dirs)]
    offset, w_ih, w_hh = 0, [], []
    for n in sizes:
        w_ih.append(flat[offset:offset + gates * n].reshape(gates, n))
        offset += gates * n
    for _ in sizes:
        w_hh.append(flat[offset:offset + gates * hidden].reshape(gates, hidden))
        offset += gates * hidden
    bias = [flat[offset + k * gates:offset + (k + 1) * gates] for k in range(len(sizes))]
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    inp, hn, cn = x, [], []
    for layer in range(layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            h, c = h0[k], c0[k]
            seq = [None] * x.shape[0]
            for step in (reversed(range(x.shape[0])) if d else range(x.shape[0])):
                g = inp[step] @ w_ih[k].T + h @ w_hh[k].T + bias[k]
                i, f, gg, o = sig(g[:, :hidden]), sig(g[:, hidden:2 * hidden]), \
                    np.tanh(g[:, 2 * hidden:3 * hidden]), sig(g[:, 3 * hidden:])
                c = f * c + i * gg
                h = o * np.tanh(c)
                seq[step] = h
            outs.append(np.stack(seq))
            hn.append(h)
            cn.append(c)
        inp = np.concatenate(outs, -1)
    return inp, np.stack(hn), np.stack(cn)


def test_lstm_two_layers_bidirectional_against_a_loop():
    seq, batch, size, hidden, layers = 4, 3, 5, 2, 2
    net = ops.LSTM(size, hidden, layers, True, True, 0.0)
    sizes = [size, size, 2 * hidden, 2 * hidden]
    total = sum(8 * n for n in sizes) + 4 * 8 * hidden + 4 * 8
    flat = RNG.normal(size=total) * 0.5
    x = RNG.normal(size=(seq, batch, size))
    h0, c0 = RNG.normal(size=(4, batch, hidden)), RNG.normal(size=(4, batch, hidden))
    out, hn, cn, _, _ = net(t(x), t(h0), t(c0), t(flat.reshape(-1, 1, 1)))
    want = _lstm_reference(x, h0, c0, layers, hidden, True, flat)
    for got, w in zip((out, hn, cn), want):
        np.testing.assert_allclose(got.asnumpy(), w, rtol=1e-12, atol=1e-12)


def test_dynamic_rnn_against_tensorflow_gate_order():
    seq, batch, size, hidden = 3, 2, 4, 3
    x = RNG.normal(size=(seq, batch, size)).astype(np.float16)
    w = (RNG.normal(size=(size + hidden, 4 * hidden)) * 0.3).astype(np.float16)
    b = (RNG.normal(size=4 * hidden) * 0.1).astype(np.float16)
    h0 = RNG.normal(size=(1, batch, hidden)).astype(np.float16)
    c0 = RNG.normal(size=(1, batch, hidden)).astype(np.float16)
    outs = ops.DynamicRNN(forget_bias=1.0)(t(x), t(w), t(b), None, t(h0), t(c0))
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    h, c = h0[0].astype(np.float64), c0[0].astype(np.float64)
    for step in range(seq):
        g = np.concatenate([x[step], h], 1).astype(np.float64) @ w.astype(np.float64) + b
        i, j = sig(g[:, :hidden]), np.tanh(g[:, hidden:2 * hidden])
        f, o = sig(g[:, 2 * hidden:3 * hidden] + 1.0), sig(g[:, 3 * hidden:])
        c = f * c + i * j
        h = o * np.tanh(c)
        for got, want in zip(outs, (h, h, c, i, j, f, o, np.tanh(c))):
            np.testing.assert_allclose(got.asnumpy()[step], want, rtol=5e-3, atol=5e-3)
    assert all(o.dtype == gpuparam.float16 for o in outs)


def test_random_choice_with_mask_chooses_true_positions_reproducibly():
    gpuparam.set_seed(7)
    choose = ops.RandomChoiceWithMask(count=6)
    mask = np.zeros((4, 5), bool)
    mask[[0, 1, 3, 3], [2, 4, 0, 1]] = True
    index, valid = choose(t(mask))
    assert index.shape == (6, 2) and index.dtype == gpuparam.int32
    assert valid.asnumpy().tolist() == [True] * 4 + [False] * 2
    chosen = {tuple(r) for r in index.asnumpy()[:4]}
    assert chosen == {(0, 2), (1, 4), (3, 0), (3, 1)} and (index.asnumpy()[4:] == 0).all()
    orders = {tuple(map(tuple, choose(t(mask))[0].asnumpy()[:4])) for _ in range(8)}
    assert len(orders) > 1                                  # a new order each call
    gpuparam.set_seed(7)
    again = ops.RandomChoiceWithMask(count=6)(t(mask))[0].asnumpy()
    assert (again == index.asnumpy()).all()
