"""Tensor and Parameter methods of MindSpore's API (issue 14), against NumPy in float64."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Parameter, Tensor, _backend, nn
from gpuparam.common.initializer import Normal, initializer

RNG = np.random.default_rng(14)
DATA = RNG.standard_normal((3, 4, 5)).astype(np.float32)


def host(t: Tensor) -> np.ndarray:
    return t.asnumpy()


@pytest.mark.parametrize(("method", "args", "reference"), [
    ("max", (), lambda a: a.max()),
    ("max", ((1,),), lambda a: a.max(axis=1)),  # an int first is max(dim): test_mindspore2_api
    ("max", ((0, 2), True), lambda a: a.max(axis=(0, 2), keepdims=True)),
    ("min", ((-1,),), lambda a: a.min(axis=-1)),
    ("argmax", (), lambda a: a.argmax()),
    ("argmax", (2,), lambda a: a.argmax(axis=2)),
    ("argmin", (0,), lambda a: a.argmin(axis=0)),
    ("abs", (), np.abs),
    ("transpose", (), lambda a: a.transpose()),
    ("transpose", ((2, 0, 1),), lambda a: a.transpose(2, 0, 1)),
    ("transpose", (1, 0, 2), lambda a: a.transpose(1, 0, 2)),
    ("swapaxes", (0, 2), lambda a: a.swapaxes(0, 2)),
    ("flatten", (), lambda a: a.reshape(-1)),
    ("flatten", ("F",), lambda a: a.flatten("F")),
    ("expand_dims", (1,), lambda a: a[:, None]),
    ("expand_dims", (-1,), lambda a: a[..., None]),
    ("view", (5, 12), lambda a: a.reshape(5, 12)),
    ("clip", (-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
])
def test_methods_match_numpy(xp, method, args, reference):
    out = getattr(Tensor(DATA), method)(*args)
    expected = reference(DATA)
    assert isinstance(out, Tensor) and out.shape == expected.shape
    assert out.dtype == gpuparam.dtype.from_numpy(expected.dtype)
    np.testing.assert_array_equal(host(out), expected)


def test_reductions_and_moments_against_float64(xp):
    t = Tensor(DATA)
    wide = DATA.astype(np.float64)
    np.testing.assert_allclose(host(t.std()), wide.std(), rtol=1e-6)
    np.testing.assert_allclose(host(t.var(axis=1, ddof=1)), wide.var(axis=1, ddof=1), rtol=1e-5)
    np.testing.assert_allclose(host(t.std(axis=(0, 1), keepdims=True)),
                               wide.std(axis=(0, 1), keepdims=True), rtol=1e-5)
    assert t.std().dtype == gpuparam.float32
    np.testing.assert_allclose(host(t.norm()), np.sqrt((wide ** 2).sum()), rtol=1e-6)
    np.testing.assert_allclose(host(t.norm(ord=1, dim=2)), np.abs(wide).sum(axis=2), rtol=1e-6)
    np.testing.assert_allclose(host(t.norm(dim=(0, 1))), np.sqrt((wide ** 2).sum(axis=(0, 1))),
                               rtol=1e-6)
    assert t.norm(keepdim=True).shape == (1, 1, 1)
    ints = Tensor(np.array([1, 2, 3, 4], np.int32))
    assert ints.std().dtype == gpuparam.float32  # MindSpore: Float32, not NumPy's float64
    np.testing.assert_allclose(host(ints.var()), 1.25)
    assert ints.max().dtype == gpuparam.int32 and int(ints.max()) == 4


def test_any_all_squeeze_fill_and_T(xp):
    b = Tensor(np.array([[True, False], [False, False]]))
    assert bool(b.any()) and not bool(b.all())
    assert b.any(axis=()).shape == () and bool(b.any(axis=()))  # MindSpore: () is every axis
    assert host(b.any(axis=1)).tolist() == [True, False]
    assert b.all(0, keep_dims=True).shape == (1, 2)
    s = Tensor(np.zeros((1, 3, 1), np.float16))
    assert s.squeeze().shape == (3,) and s.squeeze(0).shape == (3, 1)
    assert s.squeeze((0, 2)).shape == (3,)
    with pytest.raises(ValueError, match=r"Tensor.squeeze: `axis` must be dims of size 1"):
        s.squeeze(1)
    f = s.fill(2.5)
    assert f.dtype == gpuparam.float16 and host(f).tolist() == [[[2.5]] * 3]
    assert host(s).sum() == 0  # fill returns a new tensor
    np.testing.assert_array_equal(host(Tensor(DATA).T), DATA.T)
    m = Tensor(np.arange(24).reshape(2, 3, 4))
    assert m.flatten(start_dim=1).shape == (2, 12)
    assert m.flatten(start_dim=0, end_dim=1).shape == (6, 4)
    assert Tensor(np.float32(3)).flatten().shape == (1,)


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda t: t.max(axis=3), ValueError, r"Tensor.max: `axis` must be None, an int or a tuple of ints in \[-3, 3\)"),
    (lambda t: t.max(axis=1.0), TypeError, "Tensor.max: `axis`"),
    (lambda t: t.max(keepdims=1), TypeError, "Tensor.max: `keepdims` must be a bool"),
    (lambda t: t.transpose(0, 0, 1), ValueError, "a permutation of the 3 axes"),
    (lambda t: t.swapaxes(0, 5), ValueError, "Tensor.swapaxes"),
    (lambda t: t.std(ddof=1.5), TypeError, "Tensor.std: `ddof` must be an int"),  # any int: issue 19
    (lambda t: t.clip(), ValueError, "Tensor.clip: give `min`, `max` or both"),
    (lambda t: t.fill("a"), TypeError, "Tensor.fill: `value`"),
    (lambda t: t.flatten(start_dim=2, end_dim=1), ValueError, "Tensor.flatten: `start_dim`"),
    (lambda t: t.norm(ord="fro", dim=0), ValueError, "Tensor.norm: `ord`"),
    (lambda t: t.set_dtype("complex"), TypeError, "Tensor.set_dtype: `dtype`"),
    (lambda t: f"{t:.3f}", TypeError, "a format spec"),
    (lambda t: t[0:0].max(), ValueError, "Tensor.max: an empty tensor"),
])
def test_bad_arguments_name_the_method(call, exc, match):
    t = Tensor(DATA)
    with pytest.raises(exc, match=match):
        call(t)
    np.testing.assert_array_equal(host(t), DATA)  # nothing changed


def test_format_float_int():
    loss = Tensor(np.float32(0.123456))
    assert f"{loss:.4f}" == "0.1235" and f"{Tensor([7]):>3}" == "  7"
    assert f"{Tensor(DATA[0, 0])}" == str(DATA[0, 0])
    assert float(loss) == pytest.approx(0.123456) and int(Tensor(np.int64(5))) == 5
    assert f"{Parameter(2.0, name='p'):.1f}" == "2.0"


def test_set_dtype_casts_data_and_keeps_lazy_parameters_lazy(xp):
    t = Tensor(np.array([1.5, -2.25]))
    assert t.set_dtype(gpuparam.float16) is t and t.dtype == gpuparam.float16
    assert host(t).dtype == np.float16 and host(t).tolist() == [1.5, -2.25]
    gpuparam.set_seed(3)
    p = Parameter(initializer(Normal(1.0), [64, 8]), name="w")
    gpuparam.set_seed(3)
    same = initializer(Normal(1.0), [64, 8], gpuparam.float64)
    assert p.set_dtype(gpuparam.float64) is p
    assert p.has_init and p.dtype == gpuparam.float64 and isinstance(p, Parameter)
    np.testing.assert_array_equal(host(p), host(same))  # generated in the new dtype
    lazy = Parameter(initializer(Normal(1.0), [4]), name="v")
    with pytest.raises(TypeError, match="floating-point"):
        lazy.set_dtype(gpuparam.int32)
    assert lazy.dtype == gpuparam.float32 and lazy.has_init


def test_set_dtype_refuses_overflow_and_changes_nothing(xp):
    p = Parameter(Tensor(np.array([1.0, 1e5], np.float32)), name="p")
    with pytest.raises(ValueError, match=r"^Parameter.set_dtype: .*100000.0, outside the "
                                         r"Float16 range"):
        p.set_dtype(gpuparam.float16)
    assert p.dtype == gpuparam.float32 and host(p).tolist() == [1.0, 1e5]
    net = nn.Dense(2, 1, weight_init=Tensor(np.array([[1e5, 1.0]], np.float32)))
    with pytest.raises(ValueError, match=r"set_dtype: .*outside the Float16 range"):
        net.to_float(gpuparam.float16)  # to_float casts through set_dtype
    assert net.weight.dtype == gpuparam.float32


def test_from_numpy_shares_memory_on_the_cpu():
    with _backend.use_backend("numpy"):
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        for t in (Tensor.from_numpy(a), gpuparam.from_numpy(a)):
            a[0, 0] = 42.0
            assert host(t)[0, 0] == 42.0 and t.shape == (2, 3) and t.dtype == gpuparam.float32
        with pytest.raises(TypeError, match="from_numpy: `array` must be a numpy.ndarray"):
            Tensor.from_numpy([1, 2])
        with pytest.raises(TypeError, match="from_numpy: `array`"):
            Tensor.from_numpy(np.array(["x"]))


@pytest.mark.gpu
def test_from_numpy_copies_to_the_gpu():
    with _backend.use_backend("cupy"):
        a = np.ones(3, np.float32)
        t = Tensor.from_numpy(a)
        a[0] = 5
        assert _backend.is_device_array(t._read()) and host(t).tolist() == [1, 1, 1]


def test_assign_value_follows_mindspores_example(xp):
    x = Tensor([1, 2, 3, 4])
    y = Tensor(np.array([[1, 2], [3, 4]]))
    assert x.assign_value(y) is x
    assert str(x) == "[[1 2]\n [3 4]]" and x.shape == (2, 2)
    y[0, 0] = 9
    assert host(x)[0, 0] == 1  # a copy, not an alias
    p = Parameter(Tensor(np.zeros(2, np.float32)), name="p")
    p.assign_value(Tensor(np.array([1, 2])))  # Parameter: set_data's rules
    assert host(p).tolist() == [1.0, 2.0] and p.dtype == gpuparam.float32
    with pytest.raises(ValueError, match="Parameter.set_data"):
        p.assign_value(Tensor(np.zeros(3, np.float32)))
    with pytest.raises(TypeError, match="Tensor.assign_value: `value` must be a Tensor"):
        Tensor([1]).assign_value([2])


def test_strides_and_parameter_copy(xp):
    t = Tensor(np.zeros((2, 3), np.float32))
    assert t.strides == (12, 4) and t.T.strides in ((4, 12), (8, 4))
    p = Parameter(initializer("ones", [2, 2]), name="w", requires_grad=False)
    c = p.copy()
    assert isinstance(c, Parameter) and c is not p and c.name == "w" and not c.requires_grad
    np.testing.assert_array_equal(host(c), np.ones((2, 2)))
    c.set_data(Tensor(np.zeros((2, 2), np.float32)))
    assert host(p).sum() == 4  # independent data
    assert type(Tensor([1.0]).copy()) is Tensor


def test_methods_materialize_a_lazy_parameter_once():
    gpuparam.set_seed(1)
    p = Parameter(initializer(Normal(1.0), [8, 8]), name="w")
    assert p.has_init
    m = p.max()
    assert not p.has_init and float(m) == host(p).max()
    assert type(p.abs()) is Tensor  # results are Tensors, not Parameters


def test_no_init_parameters_is_a_context_manager_and_parameters_stay_lazy():
    from gpuparam import nn

    with nn.utils.no_init_parameters():
        net = nn.Dense(4, 3)
    assert net.weight.has_init and net.bias.has_init
    assert net.weight.init is not None
