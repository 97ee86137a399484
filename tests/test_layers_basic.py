"""Embedding, Flatten, Dropout, MaxPool2d and AvgPool2d (issue 14), against float64 loops."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, nn
from gpuparam.common.initializer import initializer

RNG = np.random.default_rng(77)


def train(net: nn.Cell) -> nn.Cell:
    if hasattr(type(net), "set_train"):
        net.set_train()
    else:
        net.training = True
    return net


# --------------------------------------------------------------------------- Embedding

def test_embedding_documented_shape_and_lookup(xp):
    net = nn.Embedding(20000, 768, True)
    assert net(Tensor(np.ones([8, 128]), gpuparam.int32)).shape == (8, 128, 768)
    table = net.embedding_table
    assert table.name == "embedding_table" and table.shape == (20000, 768)
    ids = RNG.integers(0, 20000, (3, 5))
    out = net(Tensor(ids)).asnumpy()
    np.testing.assert_array_equal(out, table.asnumpy()[ids])
    assert out.dtype == np.float32


def test_embedding_initializer_and_padding_idx():
    gpuparam.set_seed(5)
    plain = nn.Embedding(10, 4, embedding_table="normal")
    gpuparam.set_seed(5)
    padded = nn.Embedding(10, 4, embedding_table="normal", padding_idx=3)
    gpuparam.set_seed(5)
    reference = initializer("normal", [10, 4]).asnumpy()  # the same key: the first tensor
    assert plain.embedding_table.has_init  # lazy unless padding_idx is given
    np.testing.assert_array_equal(plain.embedding_table.asnumpy(), reference)
    expected = reference.copy()
    expected[3] = 0
    np.testing.assert_array_equal(padded.embedding_table.asnumpy(), expected)
    assert padded(Tensor(np.array([3, 0]))).asnumpy()[0].tolist() == [0, 0, 0, 0]
    given = Tensor(np.ones((10, 4), np.float32))
    nn.Embedding(10, 4, embedding_table=given, padding_idx=0)
    assert given.asnumpy().sum() == 40  # the caller's tensor is not written


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: nn.Embedding(10, 4)(Tensor(np.array([10]))), ValueError,
     r"Embedding: `ids` must be ids in \[0, vocab_size=10\)"),
    (lambda: nn.Embedding(10, 4)(Tensor(np.array([-1]))), ValueError, "Embedding: `ids`"),
    (lambda: nn.Embedding(10, 4)(Tensor(np.array([1.0], np.float32))), TypeError,
     "Embedding: `ids` must be integer ids"),
    (lambda: nn.Embedding(10, 4, padding_idx=10), ValueError, "Embedding: `padding_idx`"),
    (lambda: nn.Embedding(10, 4, dtype=gpuparam.float32), TypeError, "Embedding: `dtype`"),
    (lambda: nn.Embedding(0, 4), ValueError, "Embedding: `vocab_size`"),
])
def test_embedding_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------- Flatten

def test_flatten():
    x = Tensor(RNG.standard_normal((2, 3, 4, 5)).astype(np.float32))
    np.testing.assert_array_equal(nn.Flatten()(x).asnumpy(), x.asnumpy().reshape(2, 60))
    assert nn.Flatten(start_dim=2)(x).shape == (2, 3, 20)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    with pytest.raises(ValueError, match="Flatten: `x` must be at least 2 dims"):
        nn.Flatten()(Tensor(np.ones(3, np.float32)))
    with pytest.raises(TypeError, match="Flatten: `x` must be a Tensor"):
        nn.Flatten()(np.ones((2, 2)))


# --------------------------------------------------------------------------- Dropout

def test_dropout_is_the_identity_unless_training():
    x = Tensor(RNG.standard_normal((4, 5)).astype(np.float32))
    net = nn.Dropout(p=0.5)
    assert net(x) is x
    assert train(nn.Dropout(p=0.0))(x) is x
    assert nn.Dropout(keep_prob=0.8).p == pytest.approx(0.2)


def test_dropout_while_training_drops_p_and_scales_the_rest(xp):
    gpuparam.set_seed(9)
    net = train(nn.Dropout(p=0.3))
    x = RNG.standard_normal((200, 500)).astype(np.float32)
    out = net(Tensor(x)).asnumpy()
    kept = out != 0
    n = x.size
    # Binomial(n, 0.7): six standard deviations either side.
    assert abs(kept.sum() - 0.7 * n) < 6 * math.sqrt(n * 0.3 * 0.7)
    np.testing.assert_allclose(out[kept], (x[kept].astype(np.float64) / 0.7).astype(np.float32),
                               rtol=1e-7)
    second = net(Tensor(x)).asnumpy()
    assert (second != 0).sum() != kept.sum() or not np.array_equal(second != 0, kept)
    gpuparam.set_seed(9)
    again = train(nn.Dropout(p=0.3))
    np.testing.assert_array_equal(again(Tensor(x)).asnumpy(), out)  # same seed, same mask


def test_dropout_errors():
    with pytest.raises(ValueError, match=r"Dropout: `p` must be a number in \[0, 1\)"):
        nn.Dropout(p=1.0)
    with pytest.raises(ValueError, match=r"Dropout: `keep_prob` must be a number in \(0, 1\]"):
        nn.Dropout(keep_prob=0.0)
    with pytest.raises(ValueError, match="give `keep_prob` or `p`, not both"):
        nn.Dropout(keep_prob=0.5, p=0.5)
    with pytest.raises(TypeError, match="Dropout: `x` must be a float16/32/64 tensor"):
        train(nn.Dropout())(Tensor(np.ones(3, np.int32)))


# --------------------------------------------------------------------------- pooling

def pool_reference(x, kernel, stride, pads, dilation, kind, include_pad=True):
    """Direct float64 pooling; ``pads`` = (before, after) per spatial dim."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    (pt, pb), (pl, pr) = pads
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (w + pl + pr - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c, oh, ow))
    for i, j in itertools.product(range(oh), range(ow)):
        values = []
        for a, b in itertools.product(range(kh), range(kw)):
            r, q = i * sh + a * dh - pt, j * sw + b * dw - pl
            if 0 <= r < h and 0 <= q < w:
                values.append(x[:, :, r, q].astype(np.float64))
            elif kind == "avg" and include_pad:
                values.append(np.zeros((n, c)))
        stack = np.stack(values)
        out[:, :, i, j] = stack.max(axis=0) if kind == "max" else stack.mean(axis=0)
    return out


POOL_CASES = [  # (kwargs, (before, after) pads for a 7 x 8 input)
    (dict(kernel_size=3, stride=1), ((0, 0), (0, 0))),
    (dict(kernel_size=(2, 3), stride=2), ((0, 0), (0, 0))),
    (dict(kernel_size=3, stride=2, pad_mode="same"), ((1, 1), (0, 1))),
    (dict(kernel_size=2, stride=3, pad_mode="same"), ((0, 1), (0, 0))),
    (dict(kernel_size=3, stride=2, pad_mode="pad", padding=1), ((1, 1), (1, 1))),
    (dict(kernel_size=(3, 4), stride=(1, 2), pad_mode="pad", padding=(1, 0, 2, 1)),
     ((1, 0), (2, 1))),
]


@pytest.mark.parametrize(("kw", "pads"), POOL_CASES)
def test_maxpool2d_matches_float64(xp, kw, pads):
    x = RNG.standard_normal((2, 3, 7, 8)).astype(np.float32)
    net = nn.MaxPool2d(**kw)
    kernel = net.kernel_size
    expected = pool_reference(x, kernel, net.stride, pads, (1, 1), "max")
    out = net(Tensor(x))
    assert out.dtype == gpuparam.float32
    np.testing.assert_array_equal(out.asnumpy(), expected.astype(np.float32))


def test_maxpool2d_documented_shape_dilation_and_integers():
    pool = nn.MaxPool2d(kernel_size=3, stride=1)
    x = Tensor(np.random.randint(0, 10, [1, 2, 4, 4]), gpuparam.float32)
    assert pool(x).shape == (1, 2, 2, 2)
    data = RNG.integers(-100, 100, (1, 2, 9, 9)).astype(np.int32)
    net = nn.MaxPool2d(kernel_size=2, stride=2, dilation=3, pad_mode="pad", padding=1)
    out = net(Tensor(data))
    assert out.dtype == gpuparam.int32
    np.testing.assert_array_equal(out.asnumpy(), pool_reference(data, (2, 2), (2, 2),
                                                                ((1, 1), (1, 1)), (3, 3), "max"))


@pytest.mark.parametrize(("kw", "pads"), POOL_CASES)
@pytest.mark.parametrize("include_pad", [True, False])
def test_avgpool2d_matches_float64(xp, kw, pads, include_pad):
    x = RNG.standard_normal((2, 3, 7, 8)).astype(np.float32)
    net = nn.AvgPool2d(count_include_pad=include_pad, **kw)
    # 'same' leaves padding out of the average (TensorFlow's SAME, as MindSpore).
    include = include_pad and kw.get("pad_mode") == "pad"
    expected = pool_reference(x, net.kernel_size, net.stride, pads, (1, 1), "avg", include)
    out = net(Tensor(x)).asnumpy()
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: nn.MaxPool2d(3, pad_mode="pad", padding=2), ValueError,
     "MaxPool2d: `padding` must be at most half the kernel"),
    (lambda: nn.MaxPool2d(3, padding=1), ValueError, "padding needs pad_mode='pad'"),
    (lambda: nn.MaxPool2d(3, pad_mode="full"), ValueError, "MaxPool2d: `pad_mode`"),
    (lambda: nn.MaxPool2d(3, ceil_mode=True), NotImplementedError, "ceil_mode"),
    (lambda: nn.MaxPool2d(3, return_indices=True), NotImplementedError, "return_indices"),
    (lambda: nn.AvgPool2d(3, divisor_override=2), NotImplementedError, "divisor_override"),
    (lambda: nn.AvgPool2d(3, data_format="NHWC"), NotImplementedError, "NHWC"),
    (lambda: nn.MaxPool2d(5)(Tensor(np.ones((1, 1, 4, 4), np.float32))), ValueError,
     "MaxPool2d: `x` must be an input at least as large as the kernel"),
    (lambda: nn.AvgPool2d(2)(Tensor(np.ones((1, 1, 4, 4), np.int32))), TypeError,
     "AvgPool2d: `x` must be a float16/32/64 tensor"),
    (lambda: nn.MaxPool2d(2)(Tensor(np.ones((1, 4, 4), np.float32))), ValueError,
     r"MaxPool2d: `x` must be an \(N, C, H, W\) input"),
])
def test_pool_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize(("module", "name"), [("nn", "Conv2dBnFoldQuant"), ("ops", "ScatterNdAdd")])
def test_a_missing_mindspore_name_points_to_the_porting_guide(module, name):
    mod = getattr(gpuparam, module)
    with pytest.raises(AttributeError, match=rf"module 'gpuparam.{module}' has no attribute "
                                             rf"'{name}': .*docs/porting.md"):
        getattr(mod, name)
    assert not hasattr(mod, "__wrapped__")  # dunder probes stay plain AttributeErrors
