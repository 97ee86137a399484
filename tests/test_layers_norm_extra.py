"""BatchNorm3d, SyncBatchNorm, GroupNorm, InstanceNorm1d/2d/3d, ops.batch_norm, MaxPool1d,
AvgPool1d, AdaptiveAvgPool2d, Conv1dTranspose, Conv2dBnAct/DenseBnAct and nn.layer (issue 18)
against float64 NumPy and torch references; their errors. MindSpore's own record is
replayed in test_mindspore_layers.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn, ops

torch = pytest.importorskip("torch")
F = torch.nn.functional
RNG = np.random.default_rng(18)


def rand(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def t64(a: np.ndarray) -> "torch.Tensor":
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def set_params(cell: nn.Cell, **values: np.ndarray) -> None:
    params = dict(cell.parameters_and_names())
    for name, value in values.items():
        params[name].set_data(Tensor(value))


# ---------------------------------------------------------------- batch norms
def test_batchnorm3d_train_and_eval_against_torch():
    net = nn.BatchNorm3d(2, momentum=0.8, eps=1e-3)
    gamma, beta, mean, var = rand(2), rand(2), rand(2), RNG.uniform(0.5, 1.5, 2).astype(np.float32)
    set_params(net, **{"bn2d.gamma": gamma, "bn2d.beta": beta, "bn2d.moving_mean": mean,
                       "bn2d.moving_variance": var})
    x = rand(3, 2, 2, 3, 4)
    net.set_train(False)
    want = F.batch_norm(t64(x), t64(mean), t64(var), t64(gamma), t64(beta), False, 0.2, 1e-3)
    np.testing.assert_allclose(net(Tensor(x)).asnumpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    net.set_train(True)
    running_mean, running_var = t64(mean), t64(var)
    want = F.batch_norm(t64(x), running_mean, running_var, t64(gamma), t64(beta), True, 0.2, 1e-3)
    np.testing.assert_allclose(net(Tensor(x)).asnumpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(net.bn2d.moving_mean.asnumpy(), running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(net.bn2d.moving_variance.asnumpy(), running_var.numpy(), rtol=1e-6)
    assert net.bn2d.momentum == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"BatchNorm3d: `x` .*\(N, C, D, H, W\)"):
        net(Tensor(rand(2, 2, 3, 4)))


def test_syncbatchnorm_is_batchnorm2d_in_one_process():
    sync, plain = nn.SyncBatchNorm(3), nn.BatchNorm2d(3)
    assert [n for n, _ in sync.parameters_and_names()] == [
        "moving_mean", "moving_variance", "gamma", "beta"]
    assert (sync.rank_id, sync.rank_size, sync.is_global, sync.group_name) == (0, 1, False, None)
    x = Tensor(rand(4, 3, 2, 2))
    for mode in (False, True):
        sync.set_train(mode)
        plain.set_train(mode)
        np.testing.assert_array_equal(sync(x).asnumpy(), plain(x).asnumpy())
    np.testing.assert_array_equal(sync.moving_variance.asnumpy(), plain.moving_variance.asnumpy())
    with pytest.raises(NotImplementedError, match="SyncBatchNorm: process_groups"):
        nn.SyncBatchNorm(3, process_groups=[[0, 1]])


def test_batchnorm_momentum_attribute_is_mindsporess():
    net = nn.BatchNorm2d(2, momentum=0.75)
    assert net.momentum == 0.25 and net.format == "NCHW" and net.parallel_mode == "stand_alone"
    assert (net.gamma_init, net.beta_init, net.moving_mean_init, net.moving_var_init) == (
        "ones", "zeros", "zeros", "ones")


def test_checkpoint_order_follows_registration(tmp_path):
    net = nn.SequentialCell([nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2)])
    path = str(tmp_path / "bn.ckpt")
    gpuparam.save_checkpoint(net, path)
    assert list(gpuparam.load_checkpoint(path)) == [
        "0.weight", "1.moving_mean", "1.moving_variance", "1.gamma", "1.beta"]


# ---------------------------------------------------------------- group and instance norms
@pytest.mark.parametrize("shape,groups", [((2, 4, 3, 3), 2), ((3, 6, 5), 3), ((2, 4, 2, 2, 2), 4)])
def test_groupnorm_against_torch(shape, groups):
    net = nn.GroupNorm(groups, shape[1], eps=1e-4)
    gamma, beta = rand(shape[1]), rand(shape[1])
    set_params(net, gamma=gamma, beta=beta)
    x = rand(*shape)
    want = F.group_norm(t64(x), groups, t64(gamma), t64(beta), 1e-4).numpy()
    for mode in (False, True):  # no moving statistics: the same function in both modes
        net.set_train(mode)
        np.testing.assert_allclose(net(Tensor(x)).asnumpy(), want, rtol=1e-5, atol=1e-5)


def test_groupnorm_errors_and_parameters():
    with pytest.raises(ValueError, match=r"GroupNorm: `num_channels` must be a multiple of "
                                         r"num_groups=3, got 4"):
        nn.GroupNorm(3, 4)
    net = nn.GroupNorm(2, 4, affine=False)
    assert [(n, p.requires_grad) for n, p in net.parameters_and_names()] == [
        ("gamma", False), ("beta", False)]
    with pytest.raises(ValueError, match=r"GroupNorm: `x` .*num_channels = 4"):
        net(Tensor(rand(2, 3, 2)))


@pytest.mark.parametrize("cls,shape", [(nn.InstanceNorm1d, (3, 2, 5)),
                                       (nn.InstanceNorm2d, (2, 3, 4, 4)),
                                       (nn.InstanceNorm3d, (2, 2, 3, 2, 3))])
def test_instancenorm_against_torch(cls, shape):
    c = shape[1]
    net = cls(c, eps=1e-4, momentum=0.3)
    gamma, beta = rand(c), rand(c)
    mean, var = rand(c), RNG.uniform(0.5, 1.5, c).astype(np.float32)
    set_params(net, gamma=gamma, beta=beta, moving_mean=mean, moving_variance=var)
    running_mean, running_var = t64(mean), t64(var)
    x = rand(*shape)
    want = F.instance_norm(t64(x), running_mean, running_var, t64(gamma), t64(beta),
                           use_input_stats=True, momentum=0.3, eps=1e-4)
    np.testing.assert_allclose(net(Tensor(x)).asnumpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(net.moving_mean.asnumpy(), running_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net.moving_variance.asnumpy(), running_var.numpy(), rtol=1e-5, atol=1e-6)
    assert [n for n, _ in net.parameters_and_names()] == [
        "moving_mean", "moving_variance", "gamma", "beta"]
    assert (net.num_features, net.eps, net.momentum) == (c, 1e-4, 0.3)


def test_instancenorm_errors_change_nothing():
    net = nn.InstanceNorm2d(3)
    with pytest.raises(ValueError, match=r"InstanceNorm2d: `x` .*\(N, C, H, W\)"):
        net(Tensor(rand(2, 3, 4)))
    with pytest.raises(ValueError, match="InstanceNorm2d: each instance needs more than one"):
        net(Tensor(rand(2, 3, 1, 1)))
    assert net.moving_mean.asnumpy().tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match=r"InstanceNorm1d: `momentum` must be a number in \[0, 1\]"):
        nn.InstanceNorm1d(2, momentum=2.0)


# ---------------------------------------------------------------- ops.batch_norm
def test_ops_batch_norm_documented_example_to_the_bit():
    x = Tensor(np.array([[1, 2], [3, 4]], np.float32))
    mean, var = Tensor(np.array([0.5, 1.5], np.float32)), Tensor(np.array([0.1, 0.2], np.float32))
    w, b = Tensor(np.array([2.0, 2.0], np.float32)), Tensor(np.array([-1.0, -1.0], np.float32))
    want = np.array([[2.1621194, 1.2360122], [14.810596, 10.180061]], np.float32)
    np.testing.assert_array_equal(ops.batch_norm(x, mean, var, w, b).asnumpy(), want)
    np.testing.assert_array_equal(gpuparam.ops.functional.batch_norm(x, mean, var, w, b).asnumpy(), want)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 2, 4)])
def test_ops_batch_norm_training_against_torch(shape):
    c = shape[1]
    x, w, b = rand(*shape), rand(c), rand(c)
    mean, var = rand(c), RNG.uniform(0.5, 1.5, c).astype(np.float32)
    running_mean = Parameter(Tensor(mean), name="running_mean", requires_grad=False)
    running_var = Parameter(Tensor(var), name="running_var", requires_grad=False)
    ref_mean, ref_var = t64(mean), t64(var)
    got = ops.batch_norm(Tensor(x), running_mean, running_var, Tensor(w), Tensor(b),
                         training=True, momentum=0.2, eps=1e-3)
    want = F.batch_norm(t64(x), ref_mean, ref_var, t64(w), t64(b), True, 0.2, 1e-3)
    np.testing.assert_allclose(got.asnumpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(running_mean.asnumpy(), ref_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(running_var.asnumpy(), ref_var.numpy(), rtol=1e-5, atol=1e-6)


def test_ops_batch_norm_errors_change_nothing():
    x = Tensor(rand(4, 2))
    one = Tensor(np.ones(2, np.float32))
    stat = Parameter(Tensor(np.zeros(2, np.float32)), name="stat")
    with pytest.raises(TypeError, match=r"batch_norm: `running_var` must be a Parameter when "
                                        r"training=True"):
        ops.batch_norm(x, stat, one, one, one, training=True)
    assert stat.asnumpy().tolist() == [0, 0]
    with pytest.raises(ValueError, match=r"batch_norm: `weight` must be \(C,\) = \(2,\)"):
        ops.batch_norm(x, one, one, Tensor(np.ones(3, np.float32)), one)
    with pytest.raises(TypeError, match="batch_norm: `input_x` must be a Tensor"):
        ops.batch_norm(np.ones((4, 2)), one, one, one, one)
    with pytest.raises(ValueError, match=r"batch_norm: `momentum` must be a number in \[0, 1\]"):
        ops.batch_norm(x, stat, stat, one, one, training=True, momentum=1.5)
    with pytest.raises(TypeError, match=r"batch_norm: `bias` must have the dtype of `input_x`"):
        ops.batch_norm(x, one, one, one, Tensor(np.ones(2, np.float64)))
    assert stat.asnumpy().tolist() == [0, 0]


# ---------------------------------------------------------------- pooling
@pytest.mark.parametrize("kwargs", [dict(kernel_size=2, stride=2), dict(kernel_size=3, stride=1),
                                    dict(kernel_size=3, stride=2, pad_mode="pad", padding=1)])
def test_pool1d_against_torch(kwargs):
    x = rand(2, 3, 9)
    pad = kwargs.get("padding", 0)
    want = F.max_pool1d(t64(x), kwargs["kernel_size"], kwargs["stride"], pad).numpy()
    np.testing.assert_allclose(nn.MaxPool1d(**kwargs)(Tensor(x)).asnumpy(), want, rtol=1e-6)
    for include in (True, False):
        want = F.avg_pool1d(t64(x), kwargs["kernel_size"], kwargs["stride"], pad,
                            count_include_pad=include).numpy()
        got = nn.AvgPool1d(**kwargs, count_include_pad=include)(Tensor(x)).asnumpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_pool1d_same_mode_and_attributes():
    x = rand(1, 2, 7)
    got = nn.MaxPool1d(3, 2, pad_mode="same")(Tensor(x)).asnumpy()  # pads 1 before, 1 after
    want = F.max_pool1d(t64(x), 3, 2, 1).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6)
    pool = nn.AvgPool1d(3, 2, pad_mode="same")
    assert (pool.kernel_size, pool.stride, pool.pad_mode) == ((1, 3), (1, 2), "SAME")
    with pytest.raises(ValueError, match=r"MaxPool1d: `padding` must be 0 when pad_mode is 'valid'"):
        nn.MaxPool1d(2, padding=1)
    with pytest.raises(NotImplementedError, match="MaxPool1d: return_indices=True"):
        nn.MaxPool1d(2, return_indices=True)
    with pytest.raises(TypeError, match="AvgPool1d: `x` must be a float16/32/64 tensor"):
        pool(Tensor(np.ones((1, 2, 7), np.int32)))


@pytest.mark.parametrize("size", [1, 3, (2, 4), (None, 2)])
def test_adaptive_avg_pool2d_against_torch(size):
    x = rand(2, 3, 7, 5)
    got = nn.AdaptiveAvgPool2d(size)(Tensor(x)).asnumpy()
    want = F.adaptive_avg_pool2d(t64(x), size).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="AdaptiveAvgPool2d: `output_size`"):
        nn.AdaptiveAvgPool2d((1, 2, 3))


# ---------------------------------------------------------------- Conv1dTranspose
@pytest.mark.parametrize("kwargs,torch_pad", [
    (dict(kernel_size=3), None), (dict(kernel_size=3, stride=2, pad_mode="pad", padding=1), 1),
    (dict(kernel_size=2, stride=1, pad_mode="valid", dilation=2, group=2), 0)])
def test_conv1d_transpose_against_torch(kwargs, torch_pad):
    net = nn.Conv1dTranspose(4, 2, has_bias=True, **kwargs)
    x = rand(2, 4, 6)
    w, b = net.weight.asnumpy(), net.bias.asnumpy()
    assert w.shape == (4, 2 // net.group, 1, kwargs["kernel_size"])
    y = net(Tensor(x)).asnumpy()
    full = F.conv_transpose1d(t64(x), t64(w[:, :, 0]), t64(b), stride=kwargs.get("stride", 1),
                              padding=torch_pad or 0, dilation=kwargs.get("dilation", 1),
                              groups=kwargs.get("group", 1)).numpy()
    if torch_pad is None:  # 'same': n * stride outputs, the full result cropped evenly
        k = kwargs["kernel_size"]
        full = full[..., (k - 1) // 2:(k - 1) // 2 + x.shape[-1]]
    np.testing.assert_allclose(y, full, rtol=1e-5, atol=1e-5)


def test_conv1d_transpose_arguments():
    with pytest.raises(ValueError, match="Conv1dTranspose: `padding`"):
        nn.Conv1dTranspose(2, 2, 3, padding=1)
    with pytest.raises(ValueError, match=r"Conv1dTranspose: `x` .*3-d input"):
        nn.Conv1dTranspose(2, 2, 3)(Tensor(rand(1, 2, 3, 3)))


# ---------------------------------------------------------------- combined layers, nn.layer
def test_dense_bn_act_is_its_parts():
    net = nn.DenseBnAct(5, 3, has_bn=True, activation="relu")
    x = Tensor(rand(4, 5))
    net.set_train(False)
    want = nn.ReLU()(net.batchnorm(net.dense(x))).asnumpy()
    np.testing.assert_array_equal(net(x).asnumpy(), want)
    assert (net.has_bn, net.has_act, net.after_fake) == (True, True, True)
    plain = nn.Conv2dBnAct(3, 4, 3)
    assert [n for n, _ in plain.parameters_and_names()] == ["conv.weight"]
    assert not plain.has_bn and not plain.has_act and plain.activation is None


def test_combined_layers_errors():
    with pytest.raises(TypeError, match="Conv2dBnAct: `activation` must be None, a name or a Cell"):
        nn.Conv2dBnAct(3, 4, 3, activation=3)
    with pytest.raises(TypeError, match="DenseBnAct: `has_bn`"):
        nn.DenseBnAct(3, 4, has_bn="yes")


def test_nn_layer_path():
    from gpuparam.nn.layer import BatchNorm2d, CellList, Dense
    assert (BatchNorm2d, CellList, Dense) == (nn.BatchNorm2d, nn.CellList, nn.Dense)
    assert nn.layer.GroupNorm is nn.GroupNorm and "Conv2dBnAct" in dir(nn.layer)
    with pytest.raises(AttributeError, match="gpuparam does not provide it"):
        nn.layer.NoSuchLayer  # noqa: B018


def test_layer_norm_primitive_attribute_serves_subclasses_as_in_mindcv_convnext():
    """mindcv's ConvNextLayerNorm subclasses nn.LayerNorm and calls
    ``self.layer_norm(x, self.gamma, self.beta)`` on channels-first input."""

    class ChannelsFirstLayerNorm(nn.LayerNorm):
        def construct(self, x):
            y, _, _ = self.layer_norm(ops.transpose(x, (0, 2, 3, 1)), self.gamma, self.beta)
            return ops.transpose(y, (0, 3, 1, 2))

    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 3, 3))
    norm = ChannelsFirstLayerNorm((4,), epsilon=1e-6)
    norm.gamma.set_data(Tensor(rng.standard_normal(4).astype(np.float32)))
    got = norm(Tensor(x.astype(np.float32))).asnumpy()
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    want = (x - mean) / np.sqrt(var + 1e-6) * norm.gamma.asnumpy().reshape(1, 4, 1, 1)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert norm.layer_norm.epsilon == 1e-6 and [n for n, _ in norm.parameters_and_names()] == [
        "gamma", "beta"]
