"""ops and nn layers: reference-page outputs, Assign/ParameterUpdate, depend, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, nn, ops
from gpuparam import dtype as mstype
from gpuparam.common.initializer import HeUniform, Normal, Uniform, initializer


def test_page_000_custom_tensor_conv2d_pattern(xp):
    weight = Tensor(np.ones([64, 3, 3, 3]), dtype=mstype.float32)
    input_data = Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))
    net = nn.Conv2d(3, 64, 3, weight_init=weight)
    out = net(input_data).asnumpy()
    assert out.shape == (1, 64, 16, 50)
    expected = np.full((16, 50), 27.0, np.float32)
    expected[0, :] = expected[-1, :] = expected[:, 0] = expected[:, -1] = 18.0
    expected[0, 0] = expected[0, -1] = expected[-1, 0] = expected[-1, -1] = 12.0
    for channel in (0, 63):
        np.testing.assert_array_equal(out[0, channel], expected)


def test_page_000_conv3d_with_ones_weight_gives_108(xp):
    input_data = Tensor(np.ones([16, 3, 10, 32, 32]), dtype=mstype.float32)
    weight_init = Tensor(np.ones([32, 3, 4, 3, 3]), dtype=mstype.float32)
    weight = initializer(weight_init, shape=[32, 3, 4, 3, 3])
    output = ops.Conv3D(out_channel=32, kernel_size=(4, 3, 3))(input_data, weight)
    assert output.shape == (16, 32, 7, 30, 30)
    assert (output.asnumpy() == 108).all()


def test_page_000_normal_02_is_exactly_20x_normal(xp):
    input_data = Tensor(np.ones([1, 3, 16, 50], dtype=np.float32))
    gpuparam.set_seed(1)
    a = nn.Conv2d(3, 64, 3, weight_init='Normal')
    gpuparam.set_seed(1)
    b = nn.Conv2d(3, 64, 3, weight_init=Normal(0.2))
    np.testing.assert_allclose(b.weight.asnumpy(), 20 * a.weight.asnumpy(), rtol=2e-7)
    np.testing.assert_allclose(b(input_data).asnumpy(), 20 * a(input_data).asnumpy(),
                               rtol=1e-5, atol=1e-6)


def test_page_000_conv3d_with_lazy_normal_weight_is_not_zeros(xp):
    # MindSpore prints zeros here (it computes with the uninitialized weight); we initialize.
    gpuparam.set_seed(1)
    x = Tensor(np.ones([2, 3, 6, 8, 8]), dtype=mstype.float32)
    weight = initializer('Normal', shape=[4, 3, 4, 3, 3], dtype=mstype.float32)
    out = ops.Conv3D(out_channel=4, kernel_size=(4, 3, 3))(x, weight).asnumpy()
    per_channel = weight.asnumpy().reshape(4, -1).sum(axis=1)
    np.testing.assert_allclose(out[0, :, 0, 0, 0], per_channel, rtol=1e-5)
    assert np.abs(out).max() > 0


def test_layers_are_lazy_until_first_call(xp):
    net = nn.Conv2d(3, 8, 3, has_bias=True)
    assert net.weight.has_init and net.bias.has_init
    net(Tensor(np.ones((1, 3, 5, 5), np.float32)))
    assert not net.weight.has_init and not net.bias.has_init


def test_default_initializers_are_he_uniform_sqrt5_and_uniform_fan_in():
    net = nn.Conv2d(4, 8, 3, has_bias=True)
    assert isinstance(net.weight._init, HeUniform)
    assert net.weight._init.get_config()["negative_slope"] == pytest.approx(math.sqrt(5))
    assert isinstance(net.bias._init, Uniform)
    assert net.bias._init.get_config()["scale"] == pytest.approx(1 / math.sqrt(4 * 9))
    bound = 1 / math.sqrt(4 * 9)  # HeUniform(sqrt 5) gives bound sqrt(6 / ((1 + 5) fan_in))
    assert np.abs(net.weight.asnumpy()).max() <= bound


def test_conv2d_bias_and_names(xp):
    net = nn.Conv2d(2, 3, 1, has_bias=True, weight_init='ones', bias_init=0.5)
    assert [n for n, _ in net.parameters_and_names()] == ["weight", "bias"]
    out = net(Tensor(np.ones((1, 2, 2, 2), np.float32))).asnumpy()
    assert (out == 2.5).all()


def test_conv_layer_bad_arguments():
    with pytest.raises(ValueError, match="Conv2d: `weight_init` must be a Tensor of shape"):
        nn.Conv2d(3, 64, 3, weight_init=Tensor(np.ones((64, 3, 2, 2), np.float32)))
    with pytest.raises(ValueError, match="Conv2d: `group`"):
        nn.Conv2d(3, 6, 3, group=2)
    with pytest.raises(ValueError, match="Conv2d: `pad_mode` must be one of"):
        nn.Conv2d(3, 6, 3, pad_mode="full")
    with pytest.raises(ValueError, match="Conv2d: `padding` must be 0 when pad_mode is 'same'"):
        nn.Conv2d(3, 6, 3, padding=1)
    with pytest.raises(NotImplementedError, match="NHWC"):
        nn.Conv2d(3, 6, 3, data_format="NHWC")
    with pytest.raises(TypeError, match="Conv2d: `in_channels` must be an int"):
        nn.Conv2d(3.0, 6, 3)
    with pytest.raises(ValueError, match="Conv2d: `x`"):
        nn.Conv2d(3, 6, 3)(Tensor(np.ones((1, 4, 5, 5), np.float32)))


def test_conv_primitive_checks_weight_against_arguments():
    x = Tensor(np.ones((1, 3, 8, 8), np.float32))
    with pytest.raises(ValueError, match="Conv2D: `weight`.*out_channel=4"):
        ops.Conv2D(4, 3)(x, Tensor(np.ones((5, 3, 3, 3), np.float32)))
    with pytest.raises(ValueError, match="Conv2D: `weight`.*kernel_size"):
        ops.Conv2D(4, 3)(x, Tensor(np.ones((4, 3, 2, 2), np.float32)))
    with pytest.raises(ValueError, match="Conv2D: `x`"):
        ops.Conv2D(4, 3)(Tensor(np.ones((3, 8, 8), np.float32)), Tensor(np.ones((4, 3, 3, 3), np.float32)))
    with pytest.raises(ValueError, match="Conv2D: `mode`"):
        ops.Conv2D(4, 3, mode=2)
    with pytest.raises(TypeError, match="Conv2D: `x` must be a Tensor"):
        ops.Conv2D(4, 3)(np.ones((1, 3, 8, 8)), Tensor(np.ones((4, 3, 3, 3), np.float32)))


def test_conv2d_primitive_stride_4tuple_and_pad(xp):
    x = Tensor(np.ones((1, 1, 5, 5), np.float32))
    w = Tensor(np.ones((1, 1, 3, 3), np.float32))
    out = ops.Conv2D(1, 3, pad_mode="pad", pad=1, stride=(1, 1, 2, 2))(x, w)
    assert out.asnumpy()[0, 0].tolist() == [[4, 6, 4], [6, 9, 6], [4, 6, 4]]


def test_dense_forward_and_activation(xp):
    w = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    net = nn.Dense(3, 2, weight_init=w, bias_init=-10.0, activation='relu')
    out = net(Tensor(np.ones((4, 3), np.float32))).asnumpy()
    assert out.tolist() == [[0.0, 2.0]] * 4
    with pytest.raises(ValueError, match="Dense: `activation` must be one of"):
        nn.Dense(3, 2, activation='swish')
    with pytest.raises(ValueError, match="Dense: `x`"):
        net(Tensor(np.ones((4, 2), np.float32)))


def test_page_003_parameter_update(capsys):
    network = nn.Dense(3, 4)
    param = network.parameters_dict()['weight']
    assert param.asnumpy().shape == (4, 3)
    update = nn.ParameterUpdate(param)
    weight = Tensor(np.arange(12).reshape((4, 3)), mstype.float32)
    output = update(weight)
    print("Parameter update:\n", output)
    assert capsys.readouterr().out == ("Parameter update:\n [[ 0.  1.  2.]\n [ 3.  4.  5.]\n"
                                       " [ 6.  7.  8.]\n [ 9. 10. 11.]]\n")
    assert param.asnumpy().tolist() == np.arange(12.0).reshape(4, 3).tolist()
    assert param.name == "weight"


def test_parameter_update_rejects_non_parameters():
    with pytest.raises(TypeError, match="ParameterUpdate: `param` must be a Parameter"):
        nn.ParameterUpdate(Tensor(np.ones(2, np.float32)))


def test_assign_in_place_and_errors(xp):
    p = Parameter(Tensor(np.zeros((2, 2), np.float32)), name="p")
    buffer = p._array
    assert ops.Assign()(p, Tensor(np.ones((2, 2), np.int32))) is p
    assert p._array is buffer and p.asnumpy().sum() == 4
    with pytest.raises(ValueError, match="Assign: `value`"):
        ops.Assign()(p, Tensor(np.ones((3,), np.float32)))
    with pytest.raises(TypeError, match="Assign: `value`"):
        ops.Assign()(p, Tensor(np.ones((2, 2), np.float64)))
    with pytest.raises(TypeError, match="Assign: `variable` must be a Parameter"):
        ops.Assign()(Tensor(np.ones(2, np.float32)), 1.0)
    assert p.asnumpy().sum() == 4


def test_assign_to_a_lazy_parameter_skips_initialization(xp):
    p = Parameter(initializer(Normal(), (2, 2), mstype.float32))
    ops.Assign()(p, Tensor(np.full((2, 2), 3.0, np.float32)))
    assert not p.has_init and p.asnumpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_page_004_depend_example_with_plain_ops(capsys):
    # Page 004's NPU float-status operators exist only on Ascend; plain ops stand in.
    x = Tensor(np.ones([3, 3]).astype(np.float32))
    y = Tensor(np.ones([3, 3]).astype(np.float32))
    init = Tensor(np.zeros(8, np.float32))
    sum_ = ops.Add()(x, y)
    product = ops.MatMul()(x, y)
    init = ops.depend(init, sum_)
    init = ops.depend(init, product)
    sum_ = ops.depend(sum_, init)
    product = ops.depend(product, init)
    out = ops.Add()(sum_, product)
    out = ops.depend(out, init)
    print(out)
    assert capsys.readouterr().out == "[[5. 5. 5.]\n [5. 5. 5.]\n [5. 5. 5.]]\n"


def test_depend_returns_value_and_checks_inputs():
    x = Tensor(np.ones(2, np.float32))
    assert ops.depend(x, x + 1, [x, x]) is x
    pair = (x, x)
    assert ops.depend(pair, x) is pair
    assert ops.Depend()(x, x) is x
    with pytest.raises(TypeError, match="depend: `value`"):
        ops.depend(np.ones(2), x)
    # Python constants order nothing and pass, as in MindSpore (BERT: depend(x, shape)).
    assert ops.depend(x, 3, (2, 3), [x, "a"], None) is x
    with pytest.raises(TypeError, match="depend: `effects`"):
        ops.depend(x, np.ones(2))
    with pytest.raises(TypeError, match="depend: `effects`"):
        ops.depend(x, [x, object()])


def test_depend_materializes_a_lazy_effect():
    x = Tensor(np.ones(2, np.float32))
    lazy = initializer('ones', (2,), mstype.float32)
    ops.depend(x, lazy)
    assert not lazy.has_init


@pytest.mark.gpu
def test_reader_on_another_stream_sees_data_written_on_a_side_stream():
    import cupy
    with gpuparam._backend.use_backend("cupy"):
        side, reader = cupy.cuda.Stream(non_blocking=True), cupy.cuda.Stream(non_blocking=True)
        n = 1 << 24
        for use_depend in (False, True):
            p = Parameter(initializer('ones', (n,), mstype.float32))
            p.init_data(stream=side)
            with side:
                # Slow write on the side stream, after materialization.
                with p._writing() as buffer:
                    buffer[...] = cupy.arange(n, dtype=cupy.float32) * 0 + 2.0
            out = Tensor(np.zeros(1, np.float32))
            if use_depend:
                out = ops.depend(out, p)
            with reader:
                total = p.sum()
            assert total.item() == 2.0 * n


@pytest.mark.gpu
def test_depend_inserts_no_host_synchronization(monkeypatch):
    import cupy
    calls = []
    monkeypatch.setattr(cupy.cuda.Stream, "synchronize", lambda self: calls.append(self))
    monkeypatch.setattr(cupy.cuda.Event, "synchronize", lambda self: calls.append(self))
    with gpuparam._backend.use_backend("cupy"):
        side = cupy.cuda.Stream(non_blocking=True)
        with side:
            a = Tensor(np.ones(1 << 20, np.float32)) * 3
        b = Tensor(np.ones(4, np.float32))
        ops.depend(b, a)
        (b + 1)._read()
    assert calls == []


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"pad_mode": "pad", "pad": -1}, ValueError, "Conv2D: `pad`"),
    ({"pad_mode": "pad", "pad": (1, 2, 3)}, ValueError, "Conv2D: `pad`"),
    ({"pad_mode": "pad", "pad": 1.5}, TypeError, "Conv2D: `pad`"),
    ({"stride": (1, 2, 3)}, ValueError, "Conv2D: `stride`"),
    ({"dilation": 0}, ValueError, "Conv2D: `dilation`"),
    ({"kernel_size": True}, TypeError, "Conv2D: `kernel_size`"),
    ({"group": 0}, ValueError, "Conv2D: `group`"),
    ({"data_format": "NCDHW"}, ValueError, "Conv2D: `data_format`"),
])
def test_conv_primitive_rejects_bad_arguments_at_construction(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ops.Conv2D(**{"out_channel": 4, "kernel_size": 3, **kwargs})


def test_conv_errors_found_by_the_shared_geometry_name_the_primitive():
    x = Tensor(np.ones((1, 4, 8, 8), np.float32))
    with pytest.raises(ValueError, match=r"^Conv2D: `weight.shape`"):
        ops.Conv2D(2, 3)(x, Tensor(np.ones((2, 3, 3, 3), np.float32)))
    with pytest.raises(TypeError, match=r"^Conv2D: the input is Float32, the weight is Float64"):
        ops.Conv2D(2, 3)(x, Tensor(np.ones((2, 4, 3, 3), np.float64)))
