"""Tensor: construction from each input kind, operators against NumPy, DLPack, printing."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
from gpuparam import Tensor
from gpuparam import dtype as mstype
from gpuparam._backend import to_host


def test_from_numpy_keeps_dtype_and_copies(xp):
    host = np.arange(6, dtype=np.int16).reshape(2, 3)
    t = Tensor(host)
    host[0, 0] = 99
    assert t.shape == (2, 3) and t.dtype is mstype.int16
    assert t.asnumpy()[0, 0] == 0
    assert isinstance(t._read(), xp.ndarray)


@pytest.mark.parametrize(("data", "dtype", "shape"), [
    (1, mstype.int64, ()),
    (2.5, mstype.float32, ()),
    (True, mstype.bool_, ()),
    ([1, 2, 3], mstype.int64, (3,)),
    ([[1.0, 2.0], [3.0, 4.0]], mstype.float32, (2, 2)),
    ((True, False), mstype.bool_, (2,)),
    (np.float64(1.5), mstype.float64, ()),
])
def test_from_python_data(xp, data, dtype, shape):
    t = Tensor(data)
    assert t.dtype is dtype and t.shape == shape
    np.testing.assert_array_equal(t.asnumpy(), np.asarray(data))


def test_from_tensor_copies_and_casts(xp):
    a = Tensor(np.ones((2, 2), np.float32))
    b = Tensor(a, mstype.float64)
    c = Tensor(a)
    a[0, 0] = 5.0
    assert b.dtype is mstype.float64 and b.asnumpy()[0, 0] == 1.0
    assert c.asnumpy()[0, 0] == 1.0


def test_dtype_argument_casts(xp):
    t = Tensor(np.ones([64, 3, 3, 3]), dtype=mstype.float32)  # reference page 000
    assert t.dtype is mstype.float32 and t.asnumpy().dtype == np.float32


def test_attributes(xp):
    t = Tensor(np.zeros((2, 3, 4), np.float16))
    assert (t.ndim, t.size, t.nbytes, t.itemsize, len(t)) == (3, 24, 48, 2, 2)
    assert not t.has_init and t.init is None


@pytest.mark.parametrize(("args", "exc", "match"), [
    (("abc",), TypeError, "Tensor: `input_data` must be a Tensor"),
    ((None,), TypeError, "Tensor: `input_data`"),
    (({1: 2},), TypeError, "Tensor: `input_data`"),
    ((1 + 2j,), TypeError, "real numbers"),
    (([[1, 2], [3]],), ValueError, "rectangular"),
    ((np.array(["a"]),), TypeError, "NumPy dtypes"),  # complex is supported now
    ((np.ones(2), np.float32), None, None),
    ((np.ones(2), "float128"), TypeError, "Tensor: `dtype`"),
    ((np.ones(2), 3), TypeError, "Tensor: `dtype`"),
])
def test_bad_input(args, exc, match):
    if exc is None:
        assert Tensor(*args).dtype is mstype.float32  # NumPy dtypes are accepted as dtype
        return
    with pytest.raises(exc, match=match):
        Tensor(*args)


def test_shape_must_match_data():
    with pytest.raises(ValueError, match="Tensor: `shape`"):
        Tensor(np.ones((2, 2)), shape=(4,))


def test_lazy_tensor_needs_shape_dtype_and_an_initializer():
    with pytest.raises(TypeError, match="Tensor: `init` must be an Initializer"):
        Tensor(shape=(2,), dtype=mstype.float32, init="ones")
    with pytest.raises(ValueError, match="needs `shape` and `dtype`"):
        Tensor(init=_Fill(1.0), dtype=mstype.float32)
    with pytest.raises(ValueError, match="either `input_data` or `init`"):
        Tensor(1.0, shape=(1,), dtype=mstype.float32, init=_Fill(1.0))


class _Fill:
    """A minimal lazy initializer (the real ones come from gpuparam.common.initializer)."""

    def __init__(self, value: float) -> None:
        self.value = value
        self.calls = 0

    def _generate(self, shape, dtype, key, index):
        from gpuparam._backend import active_array_module
        from gpuparam._tensor import sliced_shape
        self.calls += 1
        xp = active_array_module()
        whole = xp.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) + self.value
        return whole[index] if index is not None else whole


def test_lazy_tensor_materializes_once_on_first_use(xp):
    fill = _Fill(1.0)
    t = Tensor(shape=(2, 3), dtype=mstype.float32, init=fill)
    assert t.has_init and t.init is fill and t._array is None and fill.calls == 0
    assert "init=" in repr(t)
    out = (t + 1).asnumpy()
    np.testing.assert_array_equal(out, np.arange(6, dtype=np.float32).reshape(2, 3) + 2)
    assert not t.has_init and fill.calls == 1
    assert t.init_data() is t and fill.calls == 1


def test_lazy_tensor_partial_materialization(xp):
    t = Tensor(shape=(4, 6), dtype=mstype.float64, init=_Fill(0.0))
    t.init_data(index=(slice(1, 3), slice(0, 6, 2)))
    expected = np.arange(24, dtype=np.float64).reshape(4, 6)[1:3, 0:6:2]
    assert t.shape == (2, 3)
    np.testing.assert_array_equal(t.asnumpy(), expected)


def test_generate_contract_is_checked():
    class Wrong(_Fill):
        def _generate(self, shape, dtype, key, index):
            return np.zeros((1,), dtype)
    t = Tensor(shape=(2,), dtype=mstype.float32, init=Wrong(0.0))
    with pytest.raises(RuntimeError, match="expected"):
        t.init_data()
    assert t.has_init  # nothing half-applied


BINARY = ["__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__",
          "__pow__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"]


@pytest.mark.parametrize("name", BINARY)
def test_binary_operators_match_numpy(xp, name):
    rng = np.random.default_rng(0)
    a = rng.uniform(1, 3, (3, 4)).astype(np.float32)
    b = rng.uniform(1, 3, (3, 4)).astype(np.float32)
    got = getattr(Tensor(a), name)(Tensor(b))
    np.testing.assert_allclose(got.asnumpy(), getattr(a, name)(b), rtol=1e-6)
    got_scalar = getattr(Tensor(a), name)(2.0)
    expected = getattr(a, name)(np.float32(2.0))
    np.testing.assert_allclose(got_scalar.asnumpy(), expected, rtol=1e-6)
    assert got_scalar.dtype is mstype.from_numpy(expected.dtype)


def test_reflected_and_unary_operators(xp):
    a = np.array([[1.0, -2.0]], np.float32)
    t = Tensor(a)
    np.testing.assert_array_equal((3 - t).asnumpy(), 3 - a)
    np.testing.assert_array_equal((2 / t).asnumpy(), 2 / a)
    np.testing.assert_array_equal((-t).asnumpy(), -a)
    np.testing.assert_array_equal(abs(t).asnumpy(), abs(a))
    np.testing.assert_array_equal((+t).asnumpy(), a)


def test_ndarray_on_the_left_defers_to_tensor(xp):
    a = np.ones((2, 2), np.float32)
    out = a + Tensor(a)
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.asnumpy(), 2 * a)


def test_int_tensor_with_python_float_gives_float32(xp):
    out = Tensor(np.arange(3)) * 0.5
    assert out.dtype is mstype.float32
    assert (Tensor(np.arange(3.0)) * 0.5).dtype is mstype.float64


def test_matmul_reshape_sum_mean(xp):
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = Tensor(a)
    np.testing.assert_array_equal((t @ Tensor(a.T)).asnumpy(), a @ a.T)
    assert t.reshape(3, 2).shape == (3, 2) and t.reshape((6,)).shape == (6,)
    assert t.sum().item() == 15.0 and t.mean(axis=0).tolist() == [1.5, 2.5, 3.5]
    assert t.sum(axis=1, keepdims=True).shape == (2, 1)
    with pytest.raises(ValueError, match="Tensor.reshape: `shape`"):
        t.reshape(4, 2)


def test_indexing_and_item_assignment(xp):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = Tensor(a)
    np.testing.assert_array_equal(t[1].asnumpy(), a[1])
    np.testing.assert_array_equal(t[:, 1:3].asnumpy(), a[:, 1:3])
    np.testing.assert_array_equal(t[Tensor(np.array([0, 2]))].asnumpy(), a[[0, 2]])
    t[0, :] = 7.0
    t[1] = Tensor(np.full(4, 8.0, np.float32))
    assert t.asnumpy()[0].tolist() == [7.0] * 4 and t.asnumpy()[1].tolist() == [8.0] * 4
    assert [row.shape for row in t] == [(4,)] * 3


def test_astype_and_copy(xp):
    t = Tensor(np.array([1.7, -2.2], np.float32))
    assert t.astype(mstype.int32).tolist() == [1, -2]
    assert t.astype(np.float64).dtype is mstype.float64
    c = t.copy()
    c[0] = 0.0
    assert t.asnumpy()[0] == np.float32(1.7)


def test_scalar_conversions(xp):
    assert float(Tensor(2.5)) == 2.5 and int(Tensor(3)) == 3 and bool(Tensor(True))
    with pytest.raises(ValueError, match="only a tensor of one element"):
        Tensor([1, 2]).item()


def test_str_prints_like_numpy_and_repr_like_mindspore():
    t = Tensor(np.full((3, 3), 5.0, np.float32))
    assert str(t) == "[[5. 5. 5.]\n [5. 5. 5.]\n [5. 5. 5.]]"
    assert repr(Tensor(np.array([[1, 2]], np.int32))) == \
        "Tensor(shape=[1, 2], dtype=Int32, value=\n[[1, 2]])"


def test_asnumpy_is_a_copy(xp):
    t = Tensor(np.zeros(3, np.float32))
    host = t.asnumpy()
    host[0] = 1.0
    assert t.asnumpy()[0] == 0.0
    assert np.asarray(t).dtype == np.float32


def test_dlpack_round_trip_numpy():
    with gpuparam._backend.use_backend("numpy"):
        t = Tensor(np.arange(4, dtype=np.float32))
        view = np.from_dlpack(t)
        np.testing.assert_array_equal(view, np.arange(4, dtype=np.float32))
        back = gpuparam.from_dlpack(np.arange(3, dtype=np.int64))
        assert back.dtype is mstype.int64 and back.tolist() == [0, 1, 2]
        assert t.__dlpack_device__()[0] == 1  # kDLCPU
        assert not hasattr(t, "__cuda_array_interface__")
    with pytest.raises(TypeError, match="from_dlpack: `external`"):
        gpuparam.from_dlpack([1, 2])


@pytest.mark.gpu
def test_cuda_array_interface_and_dlpack_on_gpu():
    import cupy
    with gpuparam._backend.use_backend("cupy"):
        t = Tensor(np.arange(4, dtype=np.float32))
        assert t.__cuda_array_interface__["shape"] == (4,)
        view = cupy.from_dlpack(t)
        assert view.data.ptr == t._read().data.ptr
        np.testing.assert_array_equal(to_host(view), np.arange(4, dtype=np.float32))
