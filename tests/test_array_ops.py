"""The array-function layer (gpuparam/_array_ops): each function once, against float64
references, and the fronts (Tensor methods, ops primitives, nn cells) that share it."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor, _array_ops, nn, ops
from gpuparam._array_ops import casts
from gpuparam._dtype import float16, float32, int8, int16, int32

RNG = np.random.default_rng(20)
DATA = RNG.standard_normal((3, 4, 5)).astype(np.float32)
MODULES = sorted(f"gpuparam._array_ops.{m.name}"
                 for m in pkgutil.iter_modules(_array_ops.__path__)) + ["gpuparam._array_ops"]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_run_as_shown(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    tests = [t for t in finder.find(module, name) if t.examples]
    for test in tests:
        runner.run(test, out=failures.append)
    assert runner.summarize(verbose=False).failed == 0, "".join(failures)
    if name.endswith(("casts", "axes", "convert", "activations", "shapes")):
        assert tests, f"{name} shows how it is used"


# --------------------------------------------------------------------------- axes

def test_axes_are_normalized_and_checked_once():
    assert _array_ops.check_axes("f", "axis", -1, 3) == (2,)
    assert _array_ops.check_axes("f", "axis", [0, -1], 3) == (0, 2)
    assert _array_ops.check_axes("f", "axis", (), 3) is None
    assert _array_ops.check_axes("f", "axis", 0, 0) is None  # a 0-d array's one element
    with pytest.raises(ValueError, match=r"^f: `axis` must be axes that are each named once"):
        _array_ops.check_axes("f", "axis", (0, -3), 3)
    with pytest.raises(TypeError, match=r"^f: `axis` must be None, an int or a tuple of ints"):
        _array_ops.check_axes("f", "axis", (0, True), 3)
    with pytest.raises(ValueError, match=r"^f: `axis` must be an int in \[-2, 2\)"):
        _array_ops.check_axis("f", "axis", 2, 2)
    with pytest.raises(ValueError, match=r"^f: `perm` must be a permutation of the 2 axes"):
        _array_ops.check_permutation("f", "perm", (0, 2), 2)  # 2 % 2 == 0 is not accepted


@pytest.mark.parametrize("call", [lambda t: t.sum(axis=(0, 0)), lambda t: t.std(axis=(1, -2)),
                                  lambda t: ops.ReduceSum()(t, (2, -1))])
def test_a_repeated_axis_names_the_public_function(call):
    # NumPy's own "duplicate value in 'axis'" never reaches the user.
    with pytest.raises(ValueError, match=r"^(Tensor\.sum|Tensor\.std|ReduceSum): `axis` must be "
                                         r"axes that are each named once"):
        call(Tensor(DATA))


def test_tensor_and_primitive_reductions_read_axis_alike():
    t = Tensor(DATA)
    for axis in (1, (0, 2), [2], -1):
        np.testing.assert_array_equal(t.sum(axis=axis).asnumpy(),
                                      ops.ReduceSum()(t, axis).asnumpy())
    assert ops.ReduceMean(keep_dims=True)(Tensor(np.float32(2.0)), 0).shape == ()
    with pytest.raises(TypeError, match=r"^ReduceSum: `axis` must be an int, a tuple of ints or \(\)"):
        ops.ReduceSum()(t, None)  # MindSpore's primitive: () for every axis
    with pytest.raises(ValueError, match=r"^ReduceMean: `axis` must be None, an int or a tuple"):
        ops.ReduceMean()(t, 3)


# --------------------------------------------------------------------------- reductions

@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "std", "var"])
@pytest.mark.parametrize("axis", [None, 1, (0, 2)])
def test_reductions_against_float64(name, axis):
    out = getattr(_array_ops, name)(DATA, axis, where=name)
    expected = getattr(DATA.astype(np.float64), name)(axis=axis)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32  # an array, never a scalar
    np.testing.assert_allclose(out, expected, rtol=2e-6, atol=1e-6)


def test_result_dtypes():
    ints = np.array([1, 2, 3, 4], np.int32)
    assert _array_ops.std(ints, where="std").dtype == np.float32  # MindSpore, not float64
    assert _array_ops.norm(ints, where="norm").dtype == np.float32
    assert _array_ops.norm(ints.astype(np.float64), where="norm").dtype == np.float64
    assert _array_ops.max(ints, where="max").dtype == np.int32
    assert _array_ops.argmax(ints, where="argmax").item() == 3
    np.testing.assert_allclose(_array_ops.var(ints, ddof=1, where="var"), 5 / 3, rtol=1e-6)
    with pytest.raises(ValueError, match=r"^argmin: an empty tensor \(shape \(0,\)\) has no argmin"):
        _array_ops.argmin(ints[:0], where="argmin")


# --------------------------------------------------------------------------- elementwise

def _sigmoid64(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


@pytest.mark.parametrize(("name", "reference"), [
    ("relu", lambda x: np.where(x > 0, x.astype(np.float64), 0.0)),
    ("sigmoid", _sigmoid64),
    ("tanh", lambda x: np.tanh(x.astype(np.float64))),
])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_activations_are_written_once_for_ops_nn_and_the_layer(name, reference, dtype):
    x = (DATA * 4).astype(dtype)
    direct = getattr(_array_ops, name)(x)
    assert direct.dtype == dtype
    tol = {np.float16: 2e-3, np.float32: 2e-6, np.float64: 1e-12}[dtype]
    np.testing.assert_allclose(direct.astype(np.float64), reference(x), rtol=tol, atol=tol)
    primitive = getattr(ops, {"relu": "ReLU"}.get(name, name.capitalize()))()
    cell = getattr(nn, {"relu": "ReLU"}.get(name, name.capitalize()))()
    for front in (primitive, cell):
        out = front(Tensor(x))
        assert out.dtype == gpuparam.dtype.from_numpy(np.dtype(dtype))
        np.testing.assert_array_equal(out.asnumpy(), direct)


def test_softmax_against_float64_and_large_inputs():
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1001.0]], np.float32)
    wide = x.astype(np.float64)
    expected = np.exp(wide - wide.max(-1, keepdims=True))
    expected /= expected.sum(-1, keepdims=True)
    out = nn.Softmax()(Tensor(x))
    assert out.dtype == gpuparam.float32
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(_array_ops.softmax(x, 0).sum(axis=0), 1.0, rtol=1e-6)


def test_relu_keeps_nan_and_the_dtype_of_integers():
    out = _array_ops.relu(np.array([np.nan, -1.0, 0.5], np.float32))
    assert np.isnan(out[0]) and out[1:].tolist() == [0.0, 0.5]
    assert _array_ops.relu(np.array([-3, 4], np.int8)).tolist() == [0, 4]
    assert _array_ops.relu(np.array([-3, 4], np.int8)).dtype == np.int8


# --------------------------------------------------------------------------- shapes

def test_transpose_is_a_view_from_every_front():
    x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    with gpuparam._backend.use_backend("numpy"):
        for out in (x.transpose(), x.T, ops.Transpose()(x, (1, 0)),
                    ops.functional.transpose(x, (1, 0))):
            assert out.shape == (3, 2)
            assert np.shares_memory(np.asarray(out), np.asarray(x))  # no copy
            np.testing.assert_array_equal(out.asnumpy(), np.arange(6).reshape(2, 3).T)
    with pytest.raises(ValueError, match=r"^Transpose: `perm` must be a permutation of the 2 axes"):
        ops.Transpose()(x, (0, 0))
    with pytest.raises(ValueError, match=r"^Transpose: `perm`"):
        ops.Transpose()(x, None)  # MindSpore's primitive needs perm


def test_flatten_squeeze_expand_dims():
    a = np.arange(24).reshape(2, 1, 3, 4)
    assert _array_ops.flatten(a, start_dim=2, where="f").shape == (2, 1, 12)
    assert _array_ops.flatten(a[:0], start_dim=1, where="f").shape == (0, 12)
    assert _array_ops.squeeze(a, -3, where="f").shape == (2, 3, 4)
    assert _array_ops.expand_dims(a, -1, where="f").shape == (2, 1, 3, 4, 1)
    with pytest.raises(ValueError, match=r"^f: `axis` must be an int in \[-5, 5\)"):
        _array_ops.expand_dims(a, 5, where="f")
    with pytest.raises(ValueError, match=r"^Reshape: `shape` must be a shape with 24 elements"):
        ops.Reshape()(Tensor(a), (5, 5))


# --------------------------------------------------------------------------- casts

class DeviceLike(np.ndarray):
    """A NumPy array that refuses to be read as a Python number, as reading a CuPy
    array's value is a host synchronization: only ``to_host`` may read it."""

    def __float__(self) -> float:
        raise AssertionError("a value read back on its own (one more host sync)")

    __int__ = __index__ = __bool__ = __float__  # type: ignore[assignment]

    def item(self, *args):
        raise AssertionError("a value read back on its own (one more host sync)")

    tolist = item


@pytest.mark.parametrize(("source", "target"), [("float64", float32), ("float32", float16),
                                                ("int64", int16), ("float64", int32),
                                                ("int32", int8)])
def test_a_narrowing_cast_reads_the_device_once(monkeypatch, source, target):
    reads = []
    real = casts.to_host_values

    def counting_to_host_values(*values):
        reads.append(len(values))
        return real(*values)

    monkeypatch.setattr(casts, "to_host_values", counting_to_host_values)
    data = np.arange(-50, 50).astype(source).view(DeviceLike)
    out = casts.checked_astype(data, target, "f", "x")
    assert out.dtype == target.numpy_dtype and np.asarray(out).tolist() == list(range(-50, 50))
    assert reads == [2]  # min and max, read back together in one transfer


def test_widening_and_same_dtype_casts_read_nothing(monkeypatch):
    monkeypatch.setattr(casts, "to_host_values", lambda *a: pytest.fail("read the device"))
    data = np.arange(4, dtype=np.float16).view(DeviceLike)
    assert casts.checked_astype(data, float32, "f", "x").dtype == np.float32
    assert casts.checked_astype(data, float16, "f", "x").dtype == np.float16


def test_refusals_still_name_the_value():
    with pytest.raises(ValueError, match=r"^f: `x` holds the value 1e\+300, outside the Float32"):
        casts.checked_astype(np.array([1.0, 1e300]), float32, "f", "x")
    with pytest.raises(ValueError, match=r"non-finite value nan"):
        casts.checked_astype(np.array([1.0, np.nan]), int32, "f", "x")
    with pytest.raises(ValueError, match=r"the value -129, outside the Int8 range"):
        casts.checked_astype(np.array([-129, 5]), int8, "f", "x")


def test_host_values_are_python_numbers_read_together():
    from gpuparam._backend import to_host_values
    a = np.array([3, -7], np.int64)
    assert to_host_values(a.min(), a.max()) == [-7, 3]
    assert all(type(v) is int for v in to_host_values(a.min(), a.max()))


@pytest.mark.gpu
def test_host_values_of_device_arrays_come_back_in_one_copy():
    import cupy
    from gpuparam._backend import to_host_values
    a = cupy.arange(-5, 6, dtype=cupy.float32)
    assert to_host_values(a.min(), a.max()) == [-5.0, 5.0]
    with gpuparam._backend.use_backend("cupy"):
        t = Tensor(a.astype(cupy.float64))
        assert t.astype(gpuparam.float16).asnumpy().tolist() == list(range(-5, 6))
