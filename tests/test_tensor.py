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


# ---------------------------------------------------------------- NumPy's array protocol

def test_np_array_copies_so_a_write_never_reaches_the_tensor(xp):
    t = Tensor(np.ones(3, np.float32))
    for host in (np.array(t), np.array(t, copy=True), np.array(t, dtype=np.float64)):
        host[0] = 5
        assert t.asnumpy()[0] == 1
    assert np.array(t).dtype == np.float32 and np.array(t, dtype=np.float64).dtype == np.float64


def test_np_asarray_shares_read_only_on_numpy():
    t = Tensor(np.arange(3, dtype=np.float32))
    view = np.asarray(t)
    assert np.shares_memory(view, t._read()) and not view.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 5
    t[0] = 7  # the view shows the tensor's own writes
    assert view[0] == 7
    assert np.shares_memory(np.array(t, copy=False), t._read())


def test_np_array_copy_false_raises_when_a_copy_is_needed():
    t = Tensor(np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"Tensor.__array__: `copy=False`.*dtype"):
        np.array(t, dtype=np.float64, copy=False)


# ---------------------------------------------------------------- overflow is an error

@pytest.mark.parametrize(("data", "dtype", "match"), [
    (300, mstype.int8, r"300, outside the Int8 range \[-128, 127\]"),
    ([-1], mstype.uint8, r"-1, outside the UInt8 range \[0, 255\]"),
    (np.array([1.0, np.nan]), mstype.int32, r"non-finite value nan, outside the Int32"),
    (np.array([np.inf]), mstype.int64, r"non-finite value inf"),
    (np.array([2.0 ** 63]), mstype.int64, r"outside the Int64 range"),
    (np.array([1e300]), mstype.float32, r"1e\+300, outside the Float32 range"),
    (np.array([70000], np.int64), mstype.float16, r"70000, outside the Float16 range"),
    (np.array([1 + 2j]), mstype.float32, r"complex value \(1\+2j\)"),
])
def test_out_of_range_values_are_refused_not_wrapped(xp, data, dtype, match):
    with pytest.raises(ValueError, match=r"^Tensor: `input_data` holds .*" + match):
        Tensor(data, dtype=dtype)


@pytest.mark.parametrize(("data", "dtype", "match"), [
    (1000.0, "float8_e4m3fn", r"1000.0, outside the Float8_e4m3fn range \[-448.0, 448.0\]"),
    (np.array([1.0, 1000.0], np.float32), "float8_e4m3fn", r"1000.0, outside the Float8_e4m3fn"),
    (np.array([1e6]), "float8_e5m2", r"1000000.0, outside the Float8_e5m2 range"),
])
def test_float8_overflow_is_refused_not_nan(data, dtype, match):
    # float8_e4m3fn has no inf: an overflowing cast gives NaN, which must not pass either.
    with pytest.raises(ValueError, match=r"^Tensor: `input_data` holds .*" + match):
        Tensor(data, dtype=getattr(mstype, dtype))
    np.testing.assert_array_equal(  # in range, and rounding down to the largest value
        Tensor(np.array([448.0, 460.0], np.float32), dtype=mstype.float8_e4m3fn).asnumpy(),
        np.array([448.0, 448.0], mstype.float8_e4m3fn.numpy_dtype))


@pytest.mark.parametrize(("data", "dtype", "expected"), [
    (np.array([2 ** 40 + 1], np.int64), mstype.float32, 2.0 ** 40),   # rounds: documented
    (np.array([-128.9, 127.9]), mstype.int8, [-128, 127]),              # truncates in range
    (np.array([65519.0]), mstype.float16, 65504.0),                     # rounds down to max
    (np.array([np.inf, np.nan]), mstype.float16, [np.inf, np.nan]),     # stay what they are
    (np.array([1 + 0j]), mstype.float32, 1.0),                          # no imaginary part
])
def test_in_range_casts_round_as_numpy_does(xp, data, dtype, expected):
    np.testing.assert_array_equal(Tensor(data, dtype=dtype).asnumpy(),
                                  np.asarray(expected, dtype.numpy_dtype).reshape(-1))


def test_astype_refuses_overflow_and_changes_nothing(xp):
    t = Tensor(np.array([1.0, 1e300]))
    with pytest.raises(ValueError, match=r"^Tensor.astype: the tensor holds the value 1e\+300"):
        t.astype(mstype.float32)
    assert t.asnumpy()[1] == 1e300


def test_a_shape_of_2_63_elements_is_refused_at_construction():
    from gpuparam.common.initializer import initializer
    for shape in ([2 ** 40, 2 ** 40], [2 ** 63]):
        with pytest.raises(ValueError, match=r"initializer: `shape` .* fewer than 2\*\*63 elements"):
            initializer("ones", shape)
    big = initializer("ones", [2 ** 31, 2 ** 31 - 1])  # under the limit: exact sizes
    assert big.size == 2 ** 31 * (2 ** 31 - 1) and big.nbytes == 4 * big.size


def test_initializer_class_as_init_is_refused():
    from gpuparam.common.initializer import Normal
    with pytest.raises(TypeError, match=r"`init` must be an Initializer instance, got the "
                                        r"class Normal; call it: Normal\(\)"):
        Tensor(init=Normal, shape=[2], dtype=mstype.float32)


def test_a_dlpack_producer_is_sent_to_from_dlpack():
    class Producer:  # stands for a torch.Tensor or jax.Array
        def __dlpack__(self, **kwargs):
            raise AssertionError("not called")

    with pytest.raises(TypeError, match=r"use gpuparam.from_dlpack\(x\)"):
        Tensor(Producer())


def test_a_reader_racing_set_data_lazy_takes_a_consistent_snapshot():
    """A reader between init_data and its read must not see the tensor turn lazy again."""
    import threading

    from gpuparam import Parameter
    from gpuparam.common.initializer import initializer
    p = Parameter(initializer("ones", [4]), name="p")
    real_init_data = type(p).init_data
    raced = []

    def init_data_then_race(*args, **kwargs):
        out = real_init_data(p, *args, **kwargs)
        if not raced:  # another thread's set_data(lazy) lands right now
            raced.append(threading.Thread(target=p.set_data, args=(initializer("zeros", [4]),)))
            raced[0].start()
            raced[0].join(0.2)  # blocked by the reader's lock, or already done without it
        return out

    p.init_data = init_data_then_race
    try:
        values = p.asnumpy()
    finally:
        del p.init_data
        raced[0].join()
    np.testing.assert_array_equal(values, np.ones(4, np.float32))
    np.testing.assert_array_equal(p.asnumpy(), np.zeros(4, np.float32))


def test_depend_checks_every_input_before_materializing_any_effect():
    from gpuparam import ops
    from gpuparam.common.initializer import initializer
    x = Tensor(np.ones(2, np.float32))
    lazy = initializer("ones", [2])
    with pytest.raises(TypeError, match=r"depend: `effects` must be a Tensor"):
        ops.depend(x, lazy, np.ones(2))  # a host array's reads cannot be ordered
    with pytest.raises(TypeError, match=r"depend: `effects`"):
        ops.depend(x, (lazy, object()))
    assert lazy.has_init  # the failed call changed nothing


# ---------------------------------------------------------------- messages in gpuparam's words

@pytest.mark.parametrize(("build", "exc", "match"), [
    (lambda: Tensor(np.ones(6)) + Tensor(np.ones(5)),
     ValueError, r"^Tensor.__add__: `other` \(shape \(5,\), float64\) and the tensor \(shape "
                 r"\(6,\), float64\) do not broadcast together"),
    (lambda: np.ones(5) - Tensor(np.ones(6)),
     ValueError, r"^Tensor.__rsub__: `other` \(shape \(5,\)"),
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))),
     ValueError, r"^Tensor.__matmul__: .* cannot be multiplied as matrices"),
    (lambda: Tensor(np.ones(6))[10],
     IndexError, r"^Tensor.__getitem__: `index` 10 does not select from a tensor of shape \(6,\)"),
    (lambda: Tensor(np.ones(6)).__setitem__(slice(0, 3), np.ones(2)),
     ValueError, r"^Tensor.__setitem__: `value` of shape \(2,\) cannot be written at `index`"),
    (lambda: Tensor(np.ones(6, np.float32)).__setitem__(0, 1e300),
     ValueError, r"^Tensor.__setitem__: `value` holds the value 1e\+300, outside the Float32"),
    (lambda: Tensor(np.ones(6, np.int8)).__setitem__(0, float("nan")),
     ValueError, r"^Tensor.__setitem__: `value` holds the value nan, outside the Int8"),
    (lambda: Tensor(np.ones(6, np.uint8)).__setitem__(slice(None), np.full(6, -1)),
     ValueError, r"^Tensor.__setitem__: `value` holds the value -1, outside the UInt8"),
    (lambda: Tensor(np.ones(6)).sum(axis=3),
     ValueError, r"^Tensor.sum: `axis` must be None, an int or a tuple of ints in \[-1, 1\)"),
    (lambda: Tensor(np.ones(6)).mean(axis="a"), TypeError, r"^Tensor.mean: `axis`"),
])
def test_bad_operands_are_reported_in_gpuparams_words(build, exc, match):
    with pytest.raises(exc, match=match):
        build()


def test_a_failed_setitem_changes_nothing():
    t = Tensor(np.arange(3, dtype=np.int8))
    with pytest.raises(ValueError):
        t[:] = np.array([1, 2, 300])
    assert t.asnumpy().tolist() == [0, 1, 2]
    t[:] = np.array([1.9, 2.0, -3.5])  # truncation within the range, as NumPy
    assert t.asnumpy().tolist() == [1, 2, -3]


def test_dlpack_of_bfloat16_is_refused_with_advice_both_ways():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    with pytest.raises(TypeError, match=r"^from_dlpack: `external` \(ndarray\) cannot be shared "
                                        r"with the numpy backend .*cast first"):
        gpuparam.from_dlpack(np.ones(2, ml_dtypes.bfloat16))
    bf16 = Tensor(np.ones(2, ml_dtypes.bfloat16))
    with pytest.raises(BufferError, match=r"^Tensor.__dlpack__: a BFloat16 tensor cannot be "
                                          r"exported .*astype\(gpuparam.float32\)"):
        np.from_dlpack(bf16)
    shared = np.from_dlpack(bf16.astype(gpuparam.float32))
    assert shared.dtype == np.float32 and shared.tolist() == [1.0, 1.0]


def test_python_ints_beyond_64_bits_are_a_value_error():
    for data in (2 ** 70, [1, -(2 ** 64)]):
        for dtype in (None, mstype.float32):
            with pytest.raises(ValueError, match=r"^Tensor: `input_data` must be numbers within "
                                                 r"the Int64 or UInt64 range"):
                Tensor(data, dtype=dtype)
    assert Tensor(2.0 ** 70, mstype.float32).item() == 2.0 ** 70


@pytest.mark.parametrize(("data", "expected"), [
    (1 + 2j, np.array(1 + 2j)),
    ([1 + 2j, 3], np.array([1 + 2j, 3 + 0j])),
])
def test_python_complex_infers_complex128_as_mindspore(xp, data, expected):
    # MindSpore narrows only float64 (to Float32); a complex stays NumPy's complex128.
    t = Tensor(data)
    assert t.dtype == mstype.complex128
    np.testing.assert_array_equal(t.asnumpy(), expected)
    assert Tensor(1 + 2j, mstype.complex64).asnumpy().dtype == np.complex64


def test_the_mixins_never_import_the_class_they_serve():
    # Issue 20, step 3: results go through self._wrap; `Tensor` is named only for type
    # checkers, so `_tensor` <-> mixin is no import cycle.
    import ast
    import pathlib

    package = pathlib.Path(gpuparam.__file__).parent
    mixins = sorted(package.glob("_tensor_*.py"))
    assert len(mixins) >= 4
    for path in mixins:
        tree = ast.parse(path.read_text())
        annotations_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                            and getattr(node.test, "id", None) == "TYPE_CHECKING"
                            for child in node.body for n in ast.walk(child)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and id(node) not in annotations_only:
                assert node.module != "_tensor", f"{path.name} imports _tensor at run time"
