"""The nn operators against independent float64 references (loops, math.erf, formulas).

Each operator runs on small random inputs (fixed seeds) in float64 and, where its dtype
rule says so, float32/float16, against a reference written out element by element.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, nn, ops
from gpuparam._array_ops import special

RNG = np.random.default_rng(18)


def t(array, dtype=None):
    return Tensor(np.asarray(array), dtype)


def close(got, want, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(got.asnumpy() if isinstance(got, Tensor) else got, want,
                               rtol=rtol, atol=atol)


# ------------------------------------------------------------------------------ activations

def test_erf_is_within_one_ulp_of_math_erf():
    x = np.concatenate([np.linspace(-7, 7, 20001), [0.0, 1e-30, 0.84375, 1.25, 1 / 0.35, 6.0]])
    got = special.erf(x)
    want = np.array([math.erf(v) for v in x])
    assert (np.abs(got - want) <= np.spacing(np.abs(want))).all()
    assert special.erf(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0]
    assert np.isnan(special.erf(np.array([np.nan]))).all()
    assert special.erf(np.array([0.5], np.float16)).dtype == np.float16


X64 = RNG.normal(size=(3, 7)) * 3


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_and_log_softmax(axis):
    e = np.exp(X64 - X64.max(axis=axis, keepdims=True))
    want = e / e.sum(axis=axis, keepdims=True)
    close(ops.softmax(t(X64), axis), want)
    close(ops.Softmax(axis)(t(X64)), want)
    close(ops.log_softmax(t(X64), axis), np.log(want))
    close(ops.LogSoftmax(axis)(t(X64)), np.log(want))


def test_softmax_over_two_axes_normalizes_their_product():
    x = RNG.normal(size=(2, 3, 4))
    got = ops.Softmax((0, 2))(t(x)).asnumpy()
    e = np.exp(x)
    close(got, e / e.sum(axis=(0, 2), keepdims=True))


def test_softmax_dtype_argument_casts_first():
    out = ops.softmax(t(X64.astype(np.float32)), dtype=gpuparam.float64)
    assert out.dtype == gpuparam.float64


def test_gelu_silu_softplus_against_their_formulas():
    x = np.concatenate([X64.ravel(), [-30.0, 30.0, 0.0]])
    close(ops.gelu(t(x)), [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x], 1e-14, 1e-15)
    tanh_form = [0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))
                 for v in x]
    close(ops.gelu(t(x), approximate="tanh"), tanh_form, 1e-13, 1e-15)
    close(ops.silu(t(x)), [v / (1 + math.exp(-v)) for v in x], 1e-14, 1e-15)
    for beta, threshold in ((1, 20), (2.0, 5)):
        want = [v if beta * v > threshold else math.log1p(math.exp(beta * v)) / beta for v in x]
        close(ops.softplus(t(x), beta, threshold), want, 1e-14, 1e-15)
    close(ops.Softplus()(t(x)), [math.log1p(math.exp(v)) for v in x], 1e-14, 1e-15)


def test_float16_activations_are_rounded_once_from_float32():
    x = np.linspace(-6, 6, 101).astype(np.float16)
    got = ops.silu(t(x)).asnumpy()
    want = (x.astype(np.float64) / (1 + np.exp(-x.astype(np.float64)))).astype(np.float16)
    assert np.abs(got.astype(np.float64) - want).max() <= np.spacing(np.abs(want)).max()


# ------------------------------------------------------------------------------ losses

P = RNG.uniform(0.05, 0.95, size=(4, 3))
Y = RNG.uniform(size=(4, 3))
W = RNG.uniform(size=(3,))


def _reduce(per, reduction):
    return {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_regression_losses(reduction):
    d = P - Y
    close(ops.mse_loss(t(P), t(Y), reduction), _reduce(d * d, reduction))
    close(nn.MSELoss(reduction)(t(P), t(Y)), _reduce(d * d, reduction))
    close(nn.L1Loss(reduction)(t(P), t(Y)), _reduce(np.abs(d), reduction))
    beta = 0.3
    huber = np.where(np.abs(d) < beta, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta)
    close(ops.SmoothL1Loss(beta, reduction)(t(P), t(Y)), _reduce(huber, reduction))
    close(nn.SmoothL1Loss(beta, reduction)(t(P), t(Y)), _reduce(huber, reduction))


def test_integer_regression_losses_are_float32_not_truncated():
    x, y = t(np.array([1, 2, 3], np.int32)), t(np.array([1, 1, 1], np.int32))
    for loss in (nn.MSELoss(), ops.mse_loss):
        out = loss(x, y)
        assert out.dtype == gpuparam.float32 and out.asnumpy() == np.float32(5 / 3)
    assert nn.L1Loss()(x, y).asnumpy() == np.float32(1.0)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_binary_cross_entropies(reduction):
    per = -(Y * np.log(P) + (1 - Y) * np.log(1 - P)) * W
    close(ops.binary_cross_entropy(t(P, gpuparam.float32), t(Y, gpuparam.float32),
                                   t(W, gpuparam.float32), reduction), _reduce(per, reduction),
          1e-5, 1e-6)
    logits = np.log(P / (1 - P))
    pos = RNG.uniform(size=(3,))
    sig = 1 / (1 + np.exp(-logits))
    per = -(pos * Y * np.log(sig) + (1 - Y) * np.log(1 - sig)) * W
    got = ops.binary_cross_entropy_with_logits(t(logits), t(Y), t(W), t(pos), reduction)
    close(got, _reduce(per, reduction), 1e-12, 1e-13)
    cell = nn.BCEWithLogitsLoss(reduction, weight=t(W), pos_weight=t(pos))
    close(cell(t(logits), t(Y)), _reduce(per, reduction), 1e-12, 1e-13)
    plain = -(Y * np.log(sig) + (1 - Y) * np.log(1 - sig))
    close(ops.SigmoidCrossEntropyWithLogits()(t(logits), t(Y)), plain, 1e-12, 1e-13)


def test_bce_with_logits_does_not_overflow_for_large_logits():
    out = ops.binary_cross_entropy_with_logits(t([1000.0, -1000.0]), t([0.0, 1.0]), reduction="none")
    close(out, [1000.0, 1000.0])


def _log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def test_softmax_cross_entropy_with_logits_and_its_gradient():
    logits = RNG.normal(size=(4, 5)).astype(np.float32)
    labels = RNG.dirichlet(np.ones(5), size=4).astype(np.float32)
    loss, grad = ops.SoftmaxCrossEntropyWithLogits()(t(logits), t(labels))
    logp = _log_softmax(logits.astype(np.float64), 1)
    close(loss, -(labels * logp).sum(1), 1e-6, 1e-6)
    close(grad, np.exp(logp) - labels, 1e-6, 1e-6)
    indices = np.array([0, 4, 2, 1], np.int32)
    sparse = nn.SoftmaxCrossEntropyWithLogits(sparse=True)(t(logits), t(indices))
    close(sparse, -logp[np.arange(4), indices], 1e-6, 1e-6)
    mean = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")(t(logits), t(indices))
    close(mean, (-logp[np.arange(4), indices]).mean(), 1e-6, 1e-6)


def _cross_entropy_reference(x, target, weight, ignore, reduction, smoothing):
    """PyTorch's documented formula, one sample (and one position) at a time."""
    n, c = x.shape[0], x.shape[1]
    x = np.moveaxis(x, 1, -1).reshape(-1, c)
    target = target.reshape(-1)
    w = np.ones(c) if weight is None else weight
    losses, weights = [], []
    for row, y in zip(x, target):
        logp = _log_softmax(row, 0)
        if y == ignore:
            losses.append(0.0)
            weights.append(0.0)
            continue
        nll = -w[y] * logp[y]
        smooth = -(w * logp).sum()
        losses.append((1 - smoothing) * nll + smoothing / c * smooth)
        weights.append(w[y])
    losses = np.array(losses)
    if reduction == "none":
        return losses.reshape((n,) + ((-1,) if len(losses) > n else ()))
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / np.sum(weights)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_with_class_indices(reduction, smoothing, weighted):
    x = RNG.normal(size=(6, 4))
    target = np.array([0, 3, -100, 1, 2, 3])
    weight = RNG.uniform(0.5, 2, size=4) if weighted else None
    got = ops.cross_entropy(t(x), t(target), None if weight is None else t(weight),
                            reduction=reduction, label_smoothing=smoothing)
    close(got, _cross_entropy_reference(x, target, weight, -100, reduction, smoothing), 1e-12, 1e-12)


def test_cross_entropy_with_spatial_dims_and_probabilities():
    x = RNG.normal(size=(2, 3, 4))
    target = RNG.integers(0, 3, size=(2, 4))
    want = _cross_entropy_reference(x, target, None, -100, "none", 0.0)
    close(ops.cross_entropy(t(x), t(target), reduction="none"), want, 1e-12, 1e-12)
    probs = RNG.dirichlet(np.ones(3), size=(2, 4)).transpose(0, 2, 1)
    per = -(probs * _log_softmax(x, 1)).sum(1)
    close(ops.cross_entropy(t(x), t(probs)), per.sum() / 8, 1e-12, 1e-12)
    smoothed = probs * 0.9 + 0.1 / 3
    close(ops.cross_entropy(t(x), t(probs), label_smoothing=0.1, reduction="sum"),
          -(smoothed * _log_softmax(x, 1)).sum(), 1e-12, 1e-12)
    close(nn.CrossEntropyLoss(ignore_index=1)(t(x.astype(np.float32)), t(target)),
          _cross_entropy_reference(x, target, None, 1, "mean", 0.0), 1e-5, 1e-6)


def test_loss_base_reduces_weighted_losses():
    weights = np.array([1.0, 2.0, 0.5])

    class Abs(nn.LossBase):
        def construct(self, logits, labels):
            return self.get_loss((logits - labels).abs(), t(weights))

    x, y = P[:3, 0], Y[:3, 0]
    per = np.abs(x - y) * weights
    assert Abs().get_axis(t(x)) == (0,)
    close(Abs()(t(x), t(y)), per.mean())
    close(Abs("sum")(t(x), t(y)), per.sum())
    close(Abs("none")(t(x), t(y)), per)


# ------------------------------------------------------------------------------ pooling

def _pool_reference(x, mode, k, s, pads, ceil=False, count_real=True):
    n_spatial = len(k)
    spatial = x.shape[-n_spatial:]
    outs = []
    for n, kk, ss, (b, a) in zip(spatial, k, s, pads):
        span = n + b + a - kk
        o = (-(-span // ss) if ceil else span // ss) + 1
        if ceil and (o - 1) * ss >= n + b:
            o -= 1
        outs.append(o)
    out = np.zeros(x.shape[:-n_spatial] + tuple(outs))
    for index in itertools.product(*(range(o) for o in outs)):
        lo = [i * ss - b for i, ss, (b, _) in zip(index, s, pads)]
        hi = [min(l0 + kk, n) for l0, kk, n in zip(lo, k, spatial)]
        lo = [max(v, 0) for v in lo]
        window = x[(...,) + tuple(slice(a0, b0) for a0, b0 in zip(lo, hi))]
        window = window.reshape(x.shape[:-n_spatial] + (-1,))
        out[(...,) + index] = window.max(-1) if mode == "max" else window.mean(-1)
    return out


@pytest.mark.parametrize("kernel,stride,pad_mode", [(2, 1, "valid"), (3, 2, "same"),
                                                    ((2, 3), (2, 1), "SAME"), (3, 3, "same")])
def test_max_and_avg_pool(kernel, stride, pad_mode):
    x = RNG.normal(size=(2, 3, 7, 6))
    k = (kernel,) * 2 if isinstance(kernel, int) else kernel
    s = (stride,) * 2 if isinstance(stride, int) else stride
    if pad_mode.lower() == "same":
        from gpuparam.ops.seam import same_padding
        pads = [same_padding(n, kk, ss, 1) for n, kk, ss in zip((7, 6), k, s)]
    else:
        pads = [(0, 0), (0, 0)]
    close(ops.MaxPool(kernel, stride, pad_mode)(t(x)), _pool_reference(x, "max", k, s, pads))
    close(ops.AvgPool(kernel, stride, pad_mode)(t(x)), _pool_reference(x, "avg", k, s, pads))


def test_max_pool_3d_with_padding_and_ceil_mode():
    x = RNG.normal(size=(1, 2, 5, 6, 4))
    op = ops.MaxPool3D(kernel_size=(2, 3, 2), strides=2, pad_mode="pad", pad_list=(1, 0, 1),
                       ceil_mode=True)
    pads = [(1, 1), (0, 0), (1, 1)]
    close(op(t(x)), _pool_reference(x, "max", (2, 3, 2), (2, 2, 2), pads, ceil=True))
    assert op.pad_mode == "CALCULATED" and op.pad_list == (1, 1, 0, 0, 1, 1)
    assert op.kernel_size == (1, 1, 2, 3, 2) and op.strides == (1, 1, 2, 2, 2)


def test_max_pool_with_argmax_indexes_within_the_image():
    x = RNG.normal(size=(2, 3, 5, 5))
    out, argmax = ops.MaxPoolWithArgmax(kernel_size=3, strides=2, pad_mode="same")(t(x))
    flat = x.reshape(2, -1)
    for n in range(2):
        close(out.asnumpy()[n].ravel(), flat[n][argmax.asnumpy()[n].ravel()])
    close(out, _pool_reference(x, "max", (3, 3), (2, 2), [(1, 1), (1, 1)]))
    assert argmax.dtype == gpuparam.int32


def test_adaptive_avg_pool_bins():
    x = RNG.normal(size=(2, 3, 7, 5))
    got = ops.AdaptiveAvgPool2D((3, None))(t(x)).asnumpy()
    want = np.stack([x[:, :, (i * 7) // 3:-((-(i + 1) * 7) // 3)].mean(2) for i in range(3)], 2)
    close(got, want)
    assert ops.AdaptiveAvgPool2D(1)(t(x)).shape == (2, 3, 1, 1)


# ------------------------------------------------------------------------------ resizing

def _linear_reference(x, size, mode):
    n_in = x.shape[-1]
    out = np.zeros(x.shape[:-1] + (size,))
    for i in range(size):
        if mode == "align_corners":
            src = i * (n_in - 1) / (size - 1) if size > 1 else 0.0
        elif mode == "half_pixel":
            src = max((i + 0.5) * n_in / size - 0.5, 0.0)
        else:
            src = i * n_in / size
        lo = min(int(math.floor(src)), n_in - 1)
        hi = min(lo + 1, n_in - 1)
        w = src - lo
        out[..., i] = x[..., lo] * (1 - w) + x[..., hi] * w
    return out


@pytest.mark.parametrize("size", [3, 8])
def test_linear_and_bilinear_resizing(size):
    x = RNG.normal(size=(1, 2, 5))
    close(ops.interpolate(t(x), size=(size,), mode="linear"), _linear_reference(x, size, "half_pixel"))
    close(ops.interpolate(t(x), size=(size,), mode="linear", align_corners=True),
          _linear_reference(x, size, "align_corners"))
    img = RNG.normal(size=(1, 2, 4, 5))
    rows = _linear_reference(np.swapaxes(img, -1, -2), 6, "asymmetric")   # H: 4 -> 6
    want = _linear_reference(np.swapaxes(rows, -1, -2), size, "asymmetric")
    close(ops.ResizeBilinear((6, size))(t(img)), want, 1e-12, 1e-12)
    rows = _linear_reference(np.swapaxes(img, -1, -2), 6, "half_pixel")
    want = _linear_reference(np.swapaxes(rows, -1, -2), size, "half_pixel")
    close(ops.interpolate(t(img), size=(6, size), mode="bilinear"), want, 1e-12, 1e-12)
    close(ops.ResizeBilinear((6, size), half_pixel_centers=True)(t(img)), want, 1e-12, 1e-12)


def test_nearest_resizing_rules():
    x = np.arange(7.0).reshape(1, 1, 7)
    close(ops.interpolate(t(x), size=(4,), mode="nearest"), [[[0, 1, 3, 5]]])
    close(ops.interpolate(t(x), size=(4,), mode="nearest-exact"), [[[0, 2, 4, 6]]])
    img = np.arange(12.0).reshape(1, 1, 3, 4)
    close(ops.ResizeNearestNeighbor((2, 3), align_corners=True)(t(img)),
          img[:, :, [0, 2]][:, :, :, [0, 2, 3]])  # round(i * 3 / 2): 0, 2 (1.5 up), 3
    close(ops.ResizeNearestNeighbor((2, 3), half_pixel_centers=True)(t(img)),
          img[:, :, [0, 2]][:, :, :, [0, 2, 3]])


def test_bicubic_resizing_equals_mindspore():
    # MindSpore 2.10's ops.interpolate(x, size=(3, 7), mode='bicubic') for x = arange(20)**2
    # as (1, 1, 4, 5) float32 (run once in MindSpore's venv; TensorFlow's ResizeBicubic).
    x = np.arange(20, dtype=np.float32).reshape(1, 1, 4, 5) ** 2
    half_pixel_row0 = [1.91, 2.896, 5.008, 8.09, 12.191, 18.06, 22.618]
    corners_row1 = [53.125, 62.094, 75.454, 87.125, 99.39, 116.265, 129.125]
    got = ops.interpolate(t(x), size=(3, 7), mode="bicubic").asnumpy()[0, 0]
    close(got[0], half_pixel_row0, 0, 6e-4)
    got = ops.interpolate(t(x), size=(3, 7), mode="bicubic", align_corners=True).asnumpy()[0, 0]
    close(got[1], corners_row1, 0, 6e-4)


def test_interpolate_legacy_keywords_and_scale_factor():
    img = RNG.normal(size=(1, 2, 4, 4))
    legacy = ops.interpolate(t(img), sizes=(8, 8), coordinate_transformation_mode="half_pixel",
                             mode="bilinear")
    close(legacy, ops.interpolate(t(img), size=(8, 8), mode="bilinear"))
    scaled = ops.interpolate(t(img), scale_factor=2.0, mode="bilinear", recompute_scale_factor=True)
    close(scaled, legacy)
    close(ops.interpolate(t(img), scales=(1.0, 1.0, 2.0, 2.0), mode="bilinear"), legacy)
    close(ops.interpolate(t(img), size=(2, 2), mode="area"), img.reshape(1, 2, 2, 2, 2, 2).mean((3, 5)))


def test_depth_to_space_in_dcr_order():
    x = RNG.normal(size=(2, 8, 3, 2))
    got = ops.DepthToSpace(2)(t(x)).asnumpy()
    for n, c, h, w, i, j in itertools.product(range(2), range(2), range(3), range(2), range(2), range(2)):
        assert got[n, c, 2 * h + i, 2 * w + j] == x[n, (i * 2 + j) * 2 + c, h, w]


# ------------------------------------------------------------------------------ pad, norm, dense

def test_pad_modes_against_index_arithmetic():
    x = RNG.normal(size=(2, 3, 4))
    rules = {"reflect": lambda i, n: abs(i) if i < n else 2 * (n - 1) - i,
             "replicate": lambda i, n: min(max(i, 0), n - 1),
             "circular": lambda i, n: i % n}
    for mode, rule in rules.items():
        got = ops.pad(t(x), (2, 1, 1, 2), mode=mode).asnumpy()
        assert got.shape == (2, 6, 7)
        for a, b in itertools.product(range(6), range(7)):
            assert (got[:, a, b] == x[:, rule(a - 1, 3), rule(b - 2, 4)]).all(), (mode, a, b)
    got = ops.pad(t(x), (-1, 2), value=5.0).asnumpy()
    assert got.shape == (2, 3, 5) and (got[..., :3] == x[..., 1:]).all() and (got[..., 3:] == 5).all()
    padded = ops.Pad(((0, 1), (2, 0), (0, 0)))(t(x)).asnumpy()
    assert padded.shape == (3, 5, 4) and (padded[:2, 2:] == x).all() and padded.sum() == x.sum()


def test_layer_norm_l2_normalize_dense_bias_add():
    x = RNG.normal(size=(2, 3, 4))
    gamma, beta = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    y, mean, var = ops.LayerNorm(1, 1, 1e-5)(t(x), t(gamma), t(beta))
    m = x.mean(axis=(1, 2), keepdims=True)
    v = ((x - m) ** 2).mean(axis=(1, 2), keepdims=True)
    close(y, (x - m) / np.sqrt(v + 1e-5) * gamma + beta)
    close(mean, m, 1e-6, 1e-7)
    close(var, v, 1e-6, 1e-7)
    assert mean.dtype == gpuparam.float32 and mean.shape == (2, 1, 1)
    close(ops.L2Normalize(axis=1, epsilon=1e-4)(t(x)),
          x / np.sqrt(np.maximum((x * x).sum(1, keepdims=True), 1e-4)))
    big = t(np.full((2, 3), 300.0, np.float16))
    assert np.allclose(ops.L2Normalize(axis=0)(big).asnumpy(), 1 / np.sqrt(2), atol=1e-3)
    w, b = RNG.normal(size=(5, 4)), RNG.normal(size=(5,))
    close(ops.dense(t(x), t(w), t(b)), x @ w.T + b)
    close(ops.dense(t(x), t(w[0])), x @ w[0])
    close(ops.bias_add(t(x), t(b[:3])), x + b[:3, None])
    close(ops.BiasAdd("NHWC")(t(x), t(b[:4])), x + b[:4])


def test_conv2d_and_its_input_gradient():
    x = RNG.normal(size=(1, 2, 5, 5))
    w = RNG.normal(size=(3, 2, 3, 3))
    b = RNG.normal(size=(3,))
    got = ops.conv2d(t(x), t(w), t(b), pad_mode="pad", padding=1)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    want = np.zeros((1, 3, 5, 5))
    for o, i, j in itertools.product(range(3), range(5), range(5)):
        want[0, o, i, j] = (padded[0, :, i:i + 3, j:j + 3] * w[o]).sum() + b[o]
    close(got, want, 1e-12, 1e-12)
    # Conv2DBackpropInput is the adjoint: <conv(x), dy> == <x, backprop(dy)>.
    dy = RNG.normal(size=(1, 3, 3, 3))
    forward = ops.conv2d(t(x), t(w), stride=2, pad_mode="pad", padding=1).asnumpy()
    back = ops.Conv2DBackpropInput(3, 3, pad_mode="pad", pad=1, stride=2)(t(dy), t(w), x.shape)
    assert back.shape == x.shape
    assert math.isclose((forward * dy).sum(), (x * back.asnumpy()).sum(), rel_tol=1e-12)


# ------------------------------------------------------------------------------ dropout

def test_dropout_primitive_keeps_and_scales_by_its_mask():
    gpuparam.set_seed(3)
    op = ops.Dropout(keep_prob=0.8)
    x = t(RNG.normal(size=(200, 50)).astype(np.float32))
    out, mask = op(x)
    m = mask.asnumpy()
    assert set(np.unique(m)) == {0.0, 1.0} and abs(m.mean() - 0.8) < 0.02
    close(out, np.where(m == 1, x.asnumpy().astype(np.float64) / 0.8, 0).astype(np.float32))
    second = op(x)[1].asnumpy()
    assert (second != m).any()                      # a new draw per call
    gpuparam.set_seed(3)
    assert (ops.Dropout(keep_prob=0.8)(x)[1].asnumpy() == m).all()   # the key fixed at build


def test_dropout_function_is_the_identity_when_not_training():
    x = t(np.ones((10, 10), np.float32))
    assert ops.dropout(x, p=0.3, training=False) is x
    gpuparam.set_seed(5)
    out = ops.dropout(x, p=0.3).asnumpy()
    assert set(np.unique(out)).issubset({0.0, np.float32(1 / 0.7)})
    gpuparam.set_seed(5)
    assert (ops.dropout(x, p=0.3).asnumpy() == out).all()
    assert (ops.dropout(x, p=1.0).asnumpy() == 0).all()
