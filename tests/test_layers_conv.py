"""Conv1d, Conv2dTranspose, Conv3dTranspose, dtype= and the layers' input rules (issues 14, 15).

Forward passes are checked against direct float64 loops, and the transposed layers
also against the defining identity <conv(u), v> == <u, conv_transpose(v)>.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, nn, ops
from gpuparam.common.initializer import Normal

RNG = np.random.default_rng(1415)


def correlate_reference(x, w, stride, pads, dilation, groups):
    """Direct N-d cross-correlation in float64 (zero padding ``pads`` = (before, after) pairs)."""
    x = np.pad(x.astype(np.float64), [(0, 0), (0, 0), *pads])
    w = w.astype(np.float64)
    n, c_in = x.shape[:2]
    c_out, c_group, *kernel = w.shape
    out_sp = [(size - d * (k - 1) - 1) // s + 1
              for size, k, s, d in zip(x.shape[2:], kernel, stride, dilation)]
    y = np.zeros((n, c_out, *out_sp))
    per = c_out // groups
    for o in range(c_out):
        g = o // per
        for pos in itertools.product(*map(range, out_sp)):
            for k in itertools.product(*map(range, kernel)):
                idx = tuple(p * s + kk * d for p, s, kk, d in zip(pos, stride, k, dilation))
                y[(slice(None), o, *pos)] += (
                    x[(slice(None), slice(g * c_group, (g + 1) * c_group), *idx)]
                    @ w[(o, slice(None), *k)])
    return y


def transpose_reference(x, w, stride, pads, dilation, groups, out_sp):
    """Direct float64 scatter: x[i] * w[k] lands on i * stride + k * dilation - before."""
    x, w = x.astype(np.float64), w.astype(np.float64)
    n, c_in = x.shape[:2]
    c_group, per_out = c_in // groups, w.shape[1]
    y = np.zeros((n, per_out * groups, *out_sp))
    for ci in range(c_in):
        g = ci // c_group
        for i in itertools.product(*map(range, x.shape[2:])):
            for k in itertools.product(*map(range, w.shape[2:])):
                j = tuple(ii * s + kk * d - b for ii, s, kk, d, (b, _)
                          in zip(i, stride, k, dilation, pads))
                if all(0 <= jj < o for jj, o in zip(j, out_sp)):
                    y[(slice(None), slice(g * per_out, (g + 1) * per_out), *j)] += (
                        x[(slice(None), ci, *i)][:, None] * w[(ci, slice(None), *k)][None, :])
    return y


def close(actual: Tensor, expected: np.ndarray, dtype=np.float32) -> None:
    got = actual.asnumpy()
    assert got.shape == expected.shape and got.dtype == dtype
    tol = {np.float16: 2e-3, np.float32: 2e-6, np.float64: 1e-12}[dtype]
    np.testing.assert_allclose(got, expected, rtol=0, atol=tol * max(1.0, np.abs(expected).max()))


# --------------------------------------------------------------------------- Conv1d

def test_conv1d_documented_shape_and_weight():
    net = nn.Conv1d(120, 240, 4, has_bias=False, weight_init="normal")
    assert net.weight.shape == (240, 120, 1, 4) and net.bias is None  # MindSpore's 4-d weight
    assert net(Tensor(np.ones([1, 120, 640]), gpuparam.float32)).shape == (1, 240, 640)


@pytest.mark.parametrize(("kw", "pads"), [
    (dict(pad_mode="valid"), ((0, 0),)),
    (dict(pad_mode="same", stride=2), None),
    (dict(pad_mode="pad", padding=(2, 1), dilation=2), ((2, 1),)),
    (dict(pad_mode="pad", padding=1, group=2, stride=3), ((1, 1),)),
])
def test_conv1d_forward_matches_float64(xp, kw, pads):
    net = nn.Conv1d(4, 6, 3, has_bias=True, weight_init=Normal(1.0), bias_init=Normal(1.0), **kw)
    x = RNG.standard_normal((2, 4, 11)).astype(np.float32)
    if pads is None:  # 'same': out = ceil(11 / 2) = 6, total padding (6-1)*2 + 3 - 11 = 2
        pads = ((1, 1),)
    stride, dilation, group = kw.get("stride", 1), kw.get("dilation", 1), kw.get("group", 1)
    expected = correlate_reference(x[:, :, None], net.weight.asnumpy(),
                                   (1, stride), ((0, 0), *pads), (1, dilation), group)[:, :, 0]
    expected += net.bias.asnumpy()[None, :, None]
    close(net(Tensor(x)), expected)


def test_conv1d_takes_a_3d_weight_tensor_as_mindspore_does():
    w = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    net = nn.Conv1d(3, 2, 4, pad_mode="valid", weight_init=Tensor(w))
    assert net.weight.shape == (2, 3, 1, 4)
    x = RNG.standard_normal((1, 3, 9)).astype(np.float32)
    expected = np.stack([[np.correlate(x[0].astype(np.float64)[c], w[o, c].astype(np.float64),
                                       "valid") for c in range(3)] for o in range(2)]).sum(axis=1)
    close(net(Tensor(x)), expected[None])


def test_conv1d_bad_arguments():
    with pytest.raises(ValueError, match=r"Conv1d: `padding` must be an int >= 0 or a pair"):
        nn.Conv1d(1, 1, 3, pad_mode="pad", padding=(1, 2, 3))
    with pytest.raises(TypeError, match="Conv1d: `kernel_size` must be an int"):
        nn.Conv1d(1, 1, (3, 3))
    with pytest.raises(ValueError, match="Conv1d: `x`"):
        nn.Conv1d(2, 1, 3)(Tensor(np.ones((1, 3, 8), np.float32)))


@pytest.mark.parametrize("layer", [nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Conv2dTranspose,
                                   nn.Conv3dTranspose])
@pytest.mark.parametrize(("kw", "error", "message"), [
    (dict(padding=1), ValueError, r"`padding` must be 0 when pad_mode is 'same' .*, got 1\."),
    (dict(pad_mode="pad", padding=-1), ValueError, r"`padding` must be an int >= 0 .*got -1\."),
    (dict(pad_mode="pad", padding=1.5), TypeError, r"`padding` must be an int >= 0 .*got 1\.5\."),
])
def test_conv_layers_name_padding_as_the_user_wrote_it(layer, kw, error, message):
    # The layers share ops.Conv2D's checks, whose argument is called `pad`.
    with pytest.raises(error, match=f"{layer.__name__}: {message}"):
        layer(2, 2, 3, **kw)


# --------------------------------------------------------------------------- transposed

def test_conv2d_transpose_documented_shape_and_weight():
    net = nn.Conv2dTranspose(3, 64, 4, has_bias=False, weight_init="normal", pad_mode="pad")
    assert net.weight.shape == (3, 64, 4, 4)
    assert net(Tensor(np.ones([1, 3, 16, 50]), gpuparam.float32)).shape == (1, 64, 19, 53)
    grouped = nn.Conv2dTranspose(4, 6, (2, 3), group=2, has_bias=True)
    assert grouped.weight.shape == (4, 3, 2, 3) and grouped.bias.shape == (6,)


def test_conv3d_transpose_documented_shape():
    net = nn.Conv3dTranspose(in_channels=16, out_channels=3, kernel_size=(4, 6, 2), pad_mode="pad")
    assert net.weight.shape == (16, 3, 4, 6, 2)
    assert net(Tensor(np.ones([2, 16, 10, 32, 32]), gpuparam.float32)).shape == (2, 3, 13, 37, 33)


CASES_2D = [  # (kwargs, input spatial, expected output spatial)
    (dict(pad_mode="same", stride=2), (5, 4), (10, 8)),
    (dict(pad_mode="same", stride=(1, 3), dilation=(2, 1)), (5, 4), (5, 12)),
    (dict(pad_mode="valid", stride=2), (5, 4), (11, 9)),
    (dict(pad_mode="valid", stride=4), (3, 2), (12, 8)),     # kernel smaller than stride
    (dict(pad_mode="pad", padding=(1, 0, 2, 1), stride=2, group=2), (5, 4), (10, 6)),
    (dict(pad_mode="pad", padding=1, stride=3, output_padding=(2, 1)), (4, 4), (12, 11)),
    (dict(pad_mode="pad", padding=(3, 3, 0, 0), dilation=2), (4, 5), (2, 9)),
]


@pytest.mark.parametrize(("kw", "spatial", "out_sp"), CASES_2D)
def test_conv2d_transpose_matches_a_float64_scatter(xp, kw, spatial, out_sp):
    net = nn.Conv2dTranspose(4, 6, 3, has_bias=True, weight_init=Normal(1.0),
                             bias_init=Normal(1.0), **kw)
    x = RNG.standard_normal((2, 4, *spatial)).astype(np.float32)
    y = net(Tensor(x))
    assert y.shape == (2, 6, *out_sp)
    pads, _ = net._geometry(spatial)
    expected = transpose_reference(x, net.weight.asnumpy(), net.spec.stride, pads,
                                   net.spec.dilation, net.spec.group, out_sp)
    close(y, expected + net.bias.asnumpy()[None, :, None, None])


@pytest.mark.parametrize("backend", ["gemm", "auto"])
def test_conv3d_transpose_on_each_conv_backend(xp, monkeypatch, backend):
    monkeypatch.setenv("GPUPARAM_CONV_BACKEND", backend)
    net = nn.Conv3dTranspose(2, 4, (2, 3, 2), stride=(2, 1, 3), pad_mode="pad",
                             padding=(1, 0, 0, 1, 1, 1), group=2, weight_init=Normal(1.0))
    x = RNG.standard_normal((1, 2, 3, 4, 3)).astype(np.float32)
    y = net(Tensor(x))
    pads, out_sp = net._geometry((3, 4, 3))
    assert out_sp == (5, 5, 6) and y.shape == (1, 4, 5, 5, 6)
    close(y, transpose_reference(x, net.weight.asnumpy(), net.spec.stride, pads,
                                 net.spec.dilation, 2, out_sp))


@pytest.mark.gpu
@pytest.mark.parametrize("backend", ["cudnn", "gemm"])
def test_conv2d_transpose_on_the_gpu_backends(monkeypatch, backend):
    from gpuparam import _backend
    monkeypatch.setenv("GPUPARAM_CONV_BACKEND", backend)
    with _backend.use_backend("cupy"):
        net = nn.Conv2dTranspose(4, 6, 3, stride=2, weight_init=Normal(1.0), dtype=gpuparam.float64)
        x = RNG.standard_normal((2, 4, 5, 4))
        pads, out_sp = net._geometry((5, 4))
        close(net(Tensor(x)), transpose_reference(x, net.weight.asnumpy(), (2, 2), pads,
                                                  (1, 1), 1, out_sp), np.float64)


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_conv2d_transpose_is_the_adjoint_of_conv2d(stride):
    """<conv(u), v> == <u, conv_transpose(v)> for the same weight and geometry."""
    w = Tensor(RNG.standard_normal((6, 4, 3, 2)))
    conv = nn.Conv2d(4, 6, (3, 2), stride=stride, pad_mode="pad", padding=(1, 0, 1, 1),
                     weight_init=w, dtype=gpuparam.float64)
    deconv = nn.Conv2dTranspose(6, 4, (3, 2), stride=stride, pad_mode="pad",
                                padding=(1, 0, 1, 1), weight_init=w, dtype=gpuparam.float64)
    u = RNG.standard_normal((2, 4, 3 * stride + 4, 2 * stride + 5))
    cu = conv(Tensor(u)).asnumpy()
    v = RNG.standard_normal(cu.shape)
    size = deconv._geometry(cu.shape[2:])[1]
    extra = tuple(a - b for a, b in zip(u.shape[2:], size))
    if any(extra):  # the forward input had rows the stride skipped: pad them in
        deconv = nn.Conv2dTranspose(6, 4, (3, 2), stride=stride, pad_mode="pad",
                                    padding=(1, 0, 1, 1), output_padding=extra, weight_init=w,
                                    dtype=gpuparam.float64)
    tv = deconv(Tensor(v)).asnumpy()
    assert tv.shape == u.shape
    assert np.vdot(cu, v) == pytest.approx(np.vdot(u, tv), rel=1e-12)


def test_transposed_bad_arguments():
    with pytest.raises(ValueError, match="output_padding.*smaller than max"):
        nn.Conv2dTranspose(1, 1, 3, stride=2, pad_mode="pad", output_padding=2)
    with pytest.raises(ValueError, match=r"`output_padding` must be 0 unless pad_mode='pad'"):
        nn.Conv2dTranspose(1, 1, 3, stride=2, output_padding=1)
    with pytest.raises(ValueError, match="Conv2dTranspose: `group`"):
        nn.Conv2dTranspose(4, 3, 3, group=2)
    with pytest.raises(ValueError, match="Conv2dTranspose: `padding` must be padding that leaves"):
        nn.Conv2dTranspose(1, 1, 3, pad_mode="pad", padding=4)(Tensor(np.ones((1, 1, 2, 2), np.float32)))
    with pytest.raises(ValueError, match="Conv3dTranspose: `x`"):
        nn.Conv3dTranspose(1, 1, 3)(Tensor(np.ones((1, 1, 2, 2), np.float32)))


# --------------------------------------------------------------------------- dtype rules

@pytest.mark.parametrize("make", [
    lambda dt: nn.Conv2d(2, 3, 3, has_bias=True, dtype=dt),
    lambda dt: nn.Conv3d(2, 3, 3, has_bias=True, dtype=dt),
    lambda dt: nn.Dense(2, 3, dtype=dt),
    lambda dt: nn.Conv1d(2, 3, 3, has_bias=True, dtype=dt),
    lambda dt: nn.Conv2dTranspose(2, 3, 3, has_bias=True, dtype=dt),
])
def test_dtype_sets_the_parameters_and_the_output(make):
    for dt in (gpuparam.float16, gpuparam.float64, np.float64):
        net = make(dt)
        want = gpuparam.dtype.from_numpy(dt)
        assert net.weight.dtype == want and net.bias.dtype == want
        ndim = {nn.Dense: 2, nn.Conv1d: 3}.get(type(net), net.weight.ndim)
        x = Tensor(np.ones((1, 2) + (5,) * (ndim - 2), want.numpy_dtype))
        assert net(x).dtype == want
    for bad in ("float32", 32, None):
        with pytest.raises(TypeError, match="`dtype` must be a floating-point dtype"):
            make(bad)
    with pytest.raises(TypeError, match="`dtype` must be a floating-point dtype"):
        make(gpuparam.int32)


def test_dense_on_integers_gives_the_layers_dtype_with_exact_values():
    net = nn.Dense(3, 2, weight_init=Normal(1.0), bias_init=Normal(1.0))
    x = np.array([[1, -2, 3], [40, 5, -6]], np.int32)
    out = net(Tensor(x))
    assert out.dtype == gpuparam.float32  # was Float64 through NumPy's promotion
    expected = x.astype(np.float64) @ net.weight.asnumpy().T.astype(np.float64) + net.bias.asnumpy()
    close(out, expected)
    conv = nn.Conv2d(1, 1, 2, weight_init="ones")
    assert conv(Tensor(np.ones((1, 1, 3, 3), np.int64))).dtype == gpuparam.float32


@pytest.mark.parametrize("make", [lambda: nn.Dense(3, 2), lambda: nn.Conv2d(3, 2, 1),
                                  lambda: nn.Conv1d(3, 2, 1)])
def test_a_float64_input_is_told_to_cast_itself(make):
    x = Tensor(np.ones((1, 3) + ((1, 1) if isinstance(make(), nn.Conv2d) else
                                 (1,) if isinstance(make(), nn.Conv1d) else ())))
    with pytest.raises(TypeError, match=r"the input is Float64, the layer's weight is Float32; "
                                        r"cast the input \(`x.astype\(gpuparam.float32\)`\)"):
        make()(x)


def test_same_padding_with_a_huge_dilation_is_a_value_error_not_a_memory_error():
    x = Tensor(np.ones((1, 1, 8, 8), np.float32))
    with pytest.raises(ValueError, match=r"`dilation` must be at most the input size \(8, 8\)"):
        nn.Conv2d(1, 1, 3, dilation=1 << 40)(x)
    with pytest.raises(ValueError, match="`dilation`"):
        ops.Conv2D(1, 3, pad_mode="same", dilation=9)(x, Tensor(np.ones((1, 1, 3, 3), np.float32)))
    assert nn.Conv2d(1, 1, 3, dilation=8)(x).shape == (1, 1, 8, 8)  # the largest allowed


def test_conv2d_primitive_refuses_a_bool_mode():
    with pytest.raises(TypeError, match="Conv2D: `mode` must be an int, got True"):
        ops.Conv2D(1, 3, mode=True)
    with pytest.raises(ValueError, match="Conv3D: `mode`"):
        ops.Conv3D(1, 3, mode=2)


def test_conv_primitive_names_the_input_when_dtypes_differ():
    x = Tensor(np.ones((1, 1, 4, 4)))
    w = Tensor(np.ones((1, 1, 3, 3), np.float32))
    with pytest.raises(TypeError, match=r"Conv2D: the input is Float64, the weight is Float32; "
                                        r"cast the input \(`x.astype\(gpuparam.float32\)`\)"):
        ops.Conv2D(1, 3)(x, w)


@pytest.mark.parametrize("seed", range(4))
def test_conv_transpose_nd_random_geometries_match_the_scatter(seed):
    """Both formulations (by output phase without dilation, spread input with it) against
    the float64 scatter, over random sizes, kernels, strides, paddings and groups."""
    from gpuparam.ops._conv_transpose import conv_transpose_nd, transposed_output_size

    rng = np.random.default_rng(seed)
    checked = 0
    while checked < 12:
        ndim, groups = int(rng.integers(2, 4)), int(rng.choice([1, 2]))
        n = tuple(int(v) for v in rng.integers(1, 5, ndim))
        kernel = tuple(int(v) for v in rng.integers(1, 4, ndim))
        stride = tuple(int(v) for v in rng.integers(1, 4, ndim))
        dilation = (1,) * ndim if checked % 3 else tuple(int(v) for v in rng.integers(1, 3, ndim))
        pads = tuple((int(rng.integers(0, 3)), int(rng.integers(0, 3))) for _ in range(ndim))
        extra = tuple(int(rng.integers(0, s)) for s in stride)
        out = tuple(transposed_output_size(a, k, s, d, b, e_, x_) for a, k, s, d, (b, e_), x_
                    in zip(n, kernel, stride, dilation, pads, extra))
        if min(out) < 1:
            continue
        x = rng.standard_normal((2, 2 * groups, *n))
        w = rng.standard_normal((2 * groups, 2, *kernel))
        y = conv_transpose_nd(x, w, stride=stride, padding=pads, dilation=dilation,
                              groups=groups, output_spatial=out)
        np.testing.assert_allclose(y, transpose_reference(x, w, stride, pads, dilation, groups,
                                                          out), rtol=0, atol=1e-12)
        checked += 1


def test_parameter_update_result_shares_the_buffer_until_set_data():
    """Issue 15: the docstring's sharing claim, as it really holds."""
    from gpuparam import Parameter
    param = Parameter(Tensor(np.zeros(3, np.float32)), name="p")
    update = nn.ParameterUpdate(param)
    out = update(Tensor(np.ones(3, np.float32)))
    assert out.asnumpy().tolist() == [1, 1, 1] and param.asnumpy().tolist() == [1, 1, 1]
    ops.Assign()(param, Tensor(np.full(3, 2, np.float32)))
    assert out.asnumpy().tolist() == [2, 2, 2]  # an in-place write shows
    param.set_data(Tensor(np.full(3, 5, np.float32)))
    assert out.asnumpy().tolist() == [2, 2, 2]  # set_data gave the parameter a new buffer
    assert param.asnumpy().tolist() == [5, 5, 5]
