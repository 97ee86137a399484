"""BatchNorm1d/2d and LayerNorm (issue 14): MindSpore's documented outputs and float64 references."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn
from gpuparam.common.initializer import Normal

RNG = np.random.default_rng(2024)


def train(net: nn.Cell) -> nn.Cell:
    """Put ``net`` in training mode: ``set_train()`` where Cell has it (MindSpore's way),
    else the ``training`` attribute the layers read."""
    if hasattr(type(net), "set_train"):
        net.set_train()
    else:
        net.training = True
    return net


def bn_reference(x, gamma, beta, mean, var, eps):
    view = (1, -1) + (1,) * (x.ndim - 2)
    return ((x.astype(np.float64) - mean.reshape(view)) / np.sqrt(var.reshape(view) + eps)
            * gamma.reshape(view) + beta.reshape(view))


def test_batchnorm2d_documented_output_and_parameters():
    net = nn.BatchNorm2d(num_features=3, momentum=0.8)
    out = net(Tensor(np.ones([1, 3, 2, 2]).astype(np.float32)))
    assert str(out) == "\n".join([
        "[[[[0.999995 0.999995]", "   [0.999995 0.999995]]", "",
        "  [[0.999995 0.999995]", "   [0.999995 0.999995]]", "",
        "  [[0.999995 0.999995]", "   [0.999995 0.999995]]]]"])
    params = net.parameters_dict()
    # MindSpore's registration order: moving statistics first (layers.json).
    assert [str(p) for p in params.values()] == [
        "Parameter (name=mean, shape=(3,), dtype=Float32, requires_grad=False)",
        "Parameter (name=variance, shape=(3,), dtype=Float32, requires_grad=False)",
        "Parameter (name=gamma, shape=(3,), dtype=Float32, requires_grad=True)",
        "Parameter (name=beta, shape=(3,), dtype=Float32, requires_grad=True)"]
    assert [p.name for p in net.get_parameters()] == ["mean", "variance", "gamma", "beta"]
    assert all(isinstance(p, Parameter) for p in params.values())
    assert net.moving_mean.asnumpy().tolist() == [0, 0, 0]
    assert net.moving_variance.asnumpy().tolist() == [1, 1, 1]


def test_batchnorm1d_documented_output():
    net = nn.BatchNorm1d(num_features=4)
    x = Tensor(np.array([[0.7, 0.5, 0.5, 0.6], [0.5, 0.4, 0.6, 0.9]]).astype(np.float32))
    assert str(net(x)) == ("[[0.6999965  0.4999975  0.4999975  0.59999704]\n"
                           " [0.4999975  0.399998   0.59999704 0.89999545]]")


def test_batchnorm2d_training_matches_mindspores_published_run():
    """The values MindSpore prints for this input in training mode (momentum=0.9)."""
    net = train(nn.BatchNorm2d(num_features=3, momentum=0.9))
    x = np.array([[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]],
                   [[0.9, 1], [1.1, 1.2]]]]).astype(np.float32)
    expected = np.array([-1.3411045, -0.4470348, 0.44703496, 1.3411045], np.float32)
    out = net(Tensor(x)).asnumpy()
    for c in range(3):
        np.testing.assert_allclose(out[0, c].reshape(-1), expected, atol=3e-6)


@pytest.mark.parametrize(("cls", "shape"), [(nn.BatchNorm2d, (4, 3, 5, 6)),
                                            (nn.BatchNorm1d, (8, 3)),
                                            (nn.BatchNorm1d, (4, 3, 7))])
def test_batchnorm_train_and_eval_against_float64(xp, cls, shape):
    gpuparam.set_seed(5)  # fixed parameters: the moving statistics' rounding is then fixed too
    net = cls(3, eps=1e-3, momentum=0.7, gamma_init=Normal(1.0), beta_init=Normal(1.0),
              moving_mean_init=Normal(1.0), moving_var_init="ones")
    gamma, beta = net.gamma.asnumpy().astype(np.float64), net.beta.asnumpy().astype(np.float64)
    mean0 = net.moving_mean.asnumpy().astype(np.float64)
    x = RNG.standard_normal(shape).astype(np.float32) * 3 + 1
    eval_out = net(Tensor(x)).asnumpy()  # not training: the moving statistics
    np.testing.assert_allclose(eval_out, bn_reference(x, gamma, beta, mean0, np.ones(3), 1e-3),
                               rtol=0, atol=2e-5 * np.abs(eval_out).max())
    train(net)
    axes = (0,) + tuple(range(2, len(shape)))
    moving_mean, moving_var = mean0, np.ones(3)
    for step in range(2):
        batch = x + step
        wide = batch.astype(np.float64)
        mean, var = wide.mean(axis=axes), wide.var(axis=axes)
        n = wide.size // 3
        out = net(Tensor(batch))
        assert out.dtype == gpuparam.float32 and out.shape == shape
        np.testing.assert_allclose(out.asnumpy(), bn_reference(batch, gamma, beta, mean, var, 1e-3),
                                   rtol=0, atol=2e-5 * np.abs(out.asnumpy()).max())
        moving_mean = 0.7 * moving_mean + 0.3 * mean
        moving_var = 0.7 * moving_var + 0.3 * var * n / (n - 1)
        # float32 updates: a few ulp of the terms' size, not of a result that may cancel to ~0
        np.testing.assert_allclose(net.moving_mean.asnumpy(), moving_mean, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(net.moving_variance.asnumpy(), moving_var, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(net.gamma.asnumpy(), gamma.astype(np.float32))  # untouched


def test_batchnorm_use_batch_statistics_and_affine():
    x = RNG.standard_normal((6, 2, 3, 3)).astype(np.float32)
    always = nn.BatchNorm2d(2, use_batch_statistics=True, affine=False)
    out = always(Tensor(x)).asnumpy()
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-6)
    assert not always.gamma.requires_grad and not always.beta.requires_grad
    assert np.abs(always.moving_mean.asnumpy()).max() > 0  # updated
    never = train(nn.BatchNorm2d(2, use_batch_statistics=False))
    np.testing.assert_allclose(never(Tensor(x)).asnumpy(), x / np.sqrt(1 + 1e-5), rtol=1e-6)
    assert never.moving_mean.asnumpy().tolist() == [0, 0]


def test_batchnorm_dtype_and_errors():
    half = nn.BatchNorm2d(2, dtype=gpuparam.float16)
    assert half.moving_variance.dtype == gpuparam.float16
    assert half(Tensor(np.ones((1, 2, 2, 2), np.float16))).dtype == gpuparam.float16
    with pytest.raises(ValueError, match=r"BatchNorm2d: `momentum` must be a number in \[0, 1\]"):
        nn.BatchNorm2d(2, momentum=1.5)
    with pytest.raises(ValueError, match="BatchNorm1d: `num_features`"):
        nn.BatchNorm1d(0)
    with pytest.raises(ValueError, match=r"BatchNorm2d: `x` must be \(N, C, H, W\) with C"):
        nn.BatchNorm2d(3)(Tensor(np.ones((1, 2, 2, 2), np.float32)))
    with pytest.raises(TypeError, match="the input is Float64, the layer's weight is Float32"):
        nn.BatchNorm1d(2)(Tensor(np.ones((2, 2))))
    with pytest.raises(ValueError, match="more than one value per channel"):
        nn.BatchNorm1d(2, use_batch_statistics=True)(Tensor(np.ones((1, 2), np.float32)))
    with pytest.raises(ValueError, match="BatchNorm2d: `gamma_init`"):
        nn.BatchNorm2d(2, gamma_init=Tensor(np.ones(3, np.float32)))
    with pytest.raises(NotImplementedError, match="NHWC"):
        nn.BatchNorm2d(2, data_format="NHWC")


def test_layernorm_documented_shape_and_float64_reference(xp):
    x = Tensor(np.ones([20, 5, 10, 10]), gpuparam.float32)
    m = nn.LayerNorm(x.shape[1:], begin_norm_axis=1, begin_params_axis=1)
    assert m(x).shape == (20, 5, 10, 10)
    assert m.gamma.shape == (5, 10, 10) and m.gamma.name == "gamma" and m.beta.name == "beta"
    data = RNG.standard_normal((3, 4, 6)).astype(np.float32) * 2 + 5
    for norm_axis, params_axis in ((-1, -1), (1, 1), (1, 2), (0, 2)):
        shape = data.shape[params_axis:]
        net = nn.LayerNorm(shape, begin_norm_axis=norm_axis, begin_params_axis=params_axis,
                           gamma_init=Normal(1.0), beta_init=Normal(1.0), epsilon=1e-5)
        wide = data.astype(np.float64)
        axes = tuple(range(norm_axis % 3, 3))
        ref = ((wide - wide.mean(axis=axes, keepdims=True))
               / np.sqrt(wide.var(axis=axes, keepdims=True) + 1e-5)
               * net.gamma.asnumpy() + net.beta.asnumpy())
        out = net(Tensor(data))
        assert out.dtype == gpuparam.float32
        np.testing.assert_allclose(out.asnumpy(), ref, rtol=0, atol=1e-5 * np.abs(ref).max())


def test_layernorm_errors():
    with pytest.raises(TypeError, match="LayerNorm: `normalized_shape`"):
        nn.LayerNorm(5)
    with pytest.raises(ValueError, match="LayerNorm: `x` must be a shape ending in"):
        nn.LayerNorm((4,))(Tensor(np.ones((2, 5), np.float32)))
    with pytest.raises(ValueError, match="LayerNorm: `begin_norm_axis`"):
        nn.LayerNorm((5,), begin_norm_axis=3)(Tensor(np.ones((2, 5), np.float32)))
