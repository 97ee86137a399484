"""``gpuparam.numpy`` (``mindspore.numpy``'s path): each function gives NumPy's values
(NumPy's function is the specification ``mindspore.numpy`` follows) with
``mindspore.numpy``'s dtype rules (Python ints Int32, floats Float32, joins promoted), and
errors name the function. MindSpore's own results: test_ops_arrays_mindspore.py."""

from __future__ import annotations

import numpy as np
import pytest

import gpuparam
import gpuparam.numpy as mnp
from gpuparam import Tensor

RNG = np.random.default_rng(61)
A = RNG.standard_normal((2, 3, 4))


def same(got, want):
    assert isinstance(got, Tensor), type(got)
    np.testing.assert_array_equal(got.asnumpy(), want)


def test_import_paths():
    import gpuparam.numpy as by_import
    from gpuparam import numpy as by_from
    assert by_import is by_from is gpuparam.numpy is mnp
    assert "numpy" not in gpuparam.__all__  # `from gpuparam import *` keeps the user's numpy
    with pytest.raises(AttributeError, match=r"'gpuparam.numpy' has no attribute 'fft'.*porting"):
        mnp.fft  # noqa: B018


def test_creation_and_mindspore_numpy_dtypes(xp):
    assert mnp.array([1, 2]).dtype == mnp.int32 == mnp.int_
    assert mnp.array([1.5]).dtype == mnp.float32 == mnp.float_ and mnp.uint == mnp.uint32
    assert mnp.array([True]).dtype == mnp.bool_
    assert mnp.array(np.arange(3, dtype=np.int64)).dtype == mnp.int64  # arrays keep theirs
    t = Tensor(np.ones(2))
    assert mnp.asarray(t) is t and mnp.array(t) is not t
    assert mnp.array([[1]], ndmin=4).shape == (1, 1, 1, 1)
    assert mnp.zeros((2, 3)).dtype == mnp.float32 and mnp.ones(2, mnp.int64).dtype == mnp.int64
    same(mnp.empty((2,), mnp.int32), np.zeros(2, np.int32))
    assert mnp.full((2,), 1).dtype == mnp.int32 and mnp.full((2,), 1.5).dtype == mnp.float32
    same(mnp.full((2, 2), mnp.array([1.0, 2.0])), np.full((2, 2), [1.0, 2.0], np.float32))
    same(mnp.zeros_like(Tensor(A)), np.zeros_like(A))
    assert mnp.ones_like([1.0], dtype=mnp.bool_).tolist() == [True]
    same(mnp.arange(3), np.arange(3, dtype=np.int32))
    same(mnp.arange(1, 2, 0.25), np.arange(1, 2, 0.25, dtype=np.float32))
    same(mnp.eye(3, 4, 1), np.eye(3, 4, 1, dtype=np.float32))
    for k in (-1, 0, 2):
        same(mnp.tril(Tensor(A), k), np.tril(A, k))
        same(mnp.triu(Tensor(A), k), np.triu(A, k))
    same(mnp.tril([1, 2, 3]), np.tril(np.array([1, 2, 3], np.int32)))  # a vector: square rows
    grids = mnp.meshgrid([1, 2], mnp.array([1.0, 2.0, 3.0]), indexing="ij")
    for got, want in zip(grids, np.meshgrid([1, 2], [1.0, 2.0, 3.0], indexing="ij")):
        assert got.dtype == mnp.float32
        same(got, want.astype(np.float32))
    same(mnp.copy(Tensor(A)), A)


def test_manipulation_matches_numpy(xp):
    x = Tensor(A)
    same(mnp.reshape(x, (4, -1)), A.reshape(4, -1))
    same(mnp.ravel(x), A.ravel())
    same(mnp.expand_dims(x, (0, 4)), np.expand_dims(A, (0, 4)))
    same(mnp.squeeze(Tensor(A[:1])), np.squeeze(A[:1]))
    same(mnp.transpose(x), A.T)
    same(mnp.transpose(x, (1, 0, 2)), A.transpose(1, 0, 2))
    same(mnp.broadcast_to(Tensor(A[:, :1]), (2, 3, 4)), np.broadcast_to(A[:, :1], (2, 3, 4)))
    same(mnp.tile(x, (2, 1, 1, 2)), np.tile(A, (2, 1, 1, 2)))
    same(mnp.tile([0, 1, 2], 2), np.tile(np.arange(3, dtype=np.int32), 2))
    same(mnp.concatenate((x, x), axis=1), np.concatenate((A, A), 1))
    same(mnp.concatenate((x, [1.0, 2.0]), axis=None), np.concatenate((A.ravel(), [1.0, 2.0])))
    same(mnp.concatenate(x), np.concatenate(A))  # a tensor is the sequence of its rows
    mixed = mnp.concatenate((mnp.array([1]), mnp.array([1.0], mnp.float16)))
    assert mixed.dtype == mnp.float16  # MindSpore's promotion: an int with a float is that float
    same(mnp.stack([x, x], axis=-1), np.stack([A, A], -1))
    for got, want in zip(mnp.split(x, [1, 3], axis=2), np.split(A, [1, 3], axis=2)):
        same(got, want)
    for got, want in zip(mnp.array_split(x, 3, axis=2), np.array_split(A, 3, axis=2)):
        same(got, want)
    same(mnp.roll(x, [1, -2], [0, 2]), np.roll(A, [1, -2], [0, 2]))
    same(mnp.roll(x, 3), np.roll(A, 3))
    same(mnp.flip(x), np.flip(A))
    same(mnp.flip(x, 1), np.flip(A, 1))
    cond = A > 0
    same(mnp.where(Tensor(cond), x, 0.0), np.where(cond, A, 0.0))
    assert mnp.where(mnp.array([True, False]), 1, 2).dtype == mnp.int32
    same(mnp.where(mnp.array([1, 0]), 1, 2), np.array([1, 2], np.int32))  # non-Bool: != 0


@pytest.mark.parametrize(("mode", "options"), [
    ("constant", {"constant_values": 9}), ("edge", {}), ("wrap", {}), ("reflect", {}),
    ("symmetric", {"reflect_type": "odd"}), ("linear_ramp", {"end_values": (10, -3)}),
    ("maximum", {}), ("mean", {"stat_length": 2}), ("minimum", {})])
def test_pad_modes_match_numpy(xp, mode, options):
    a = A[0]
    same(mnp.pad(Tensor(a), ((1, 2), (3, 0)), mode=mode, **options),
         np.pad(a, ((1, 2), (3, 0)), mode=mode, **options))


def test_math_matches_numpy(xp):
    x = Tensor(A)
    np.testing.assert_allclose(mnp.sum(x, axis=1).asnumpy(), A.sum(1), rtol=1e-14)
    assert mnp.sum([1, 2]).dtype == mnp.int64  # NumPy's: an Int32 sum is Int64
    assert mnp.sum(x, initial=1.0).asnumpy() == pytest.approx(A.sum() + 1.0)
    assert mnp.mean([1, 2]).dtype == mnp.float32 and mnp.mean([1, 2]).tolist() == 1.5
    same(mnp.amax(x, axis=(0, 2)), A.max((0, 2)))
    same(mnp.argmax(x, axis=1), A.argmax(1))
    assert mnp.sqrt([1, 4]).dtype == mnp.float32 and mnp.sqrt([1, 4]).tolist() == [1.0, 2.0]
    np.testing.assert_allclose(mnp.norm(x).asnumpy(), np.sqrt((A ** 2).sum()), rtol=1e-14)
    assert mnp.norm(mnp.ones(9, mnp.float16)).dtype == mnp.float32  # accumulated in Float32
    np.testing.assert_allclose(mnp.norm(Tensor(A[0]), 1, axis=1).asnumpy(),
                               np.abs(A[0]).sum(1), rtol=1e-14)
    np.testing.assert_allclose(mnp.norm(Tensor(A[0]), "fro").asnumpy(),
                               np.linalg.norm(A[0], "fro"), rtol=1e-14)
    b = RNG.standard_normal((4, 5))
    np.testing.assert_allclose(mnp.matmul(x, Tensor(b)).asnumpy(), A @ b, rtol=1e-13)
    assert mnp.matmul([1.0, 2.0], [3.0, 4.0]).tolist() == 11.0
    assert mnp.matmul(x, Tensor(b), dtype=mnp.float32).dtype == mnp.float32


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: mnp.array([2 ** 40]), ValueError,
     r"^array: the ints \[1099511627776\] do not fit Int32"),
    (lambda: mnp.array({"a": 1}), TypeError, r"^array: `a`"),
    (lambda: mnp.zeros((-1,)), ValueError, r"^zeros: `shape`"),
    (lambda: mnp.ones((2,), "float3"), TypeError, r"^ones: `dtype`"),
    (lambda: mnp.arange("1"), TypeError, r"^arange: `stop`"),
    (lambda: mnp.full((2,), 300, mnp.int8), ValueError, r"^full: `fill_value`"),
    (lambda: mnp.split(mnp.arange(6), 4), ValueError, r"^split: `output_num` must be a divisor"),
    (lambda: mnp.concatenate(1), TypeError, r"^concatenate: `arrays`"),
    (lambda: mnp.concatenate((mnp.ones((2, 2)), mnp.ones(3))), ValueError, r"^concatenate: "),
    (lambda: mnp.where(mnp.array([True])), TypeError, r"^where: `x`"),
    (lambda: mnp.pad(mnp.ones(3), 1, mode="median"), ValueError, r"^pad: `mode`"),
    (lambda: mnp.pad(mnp.ones(3), -1), ValueError, r"^pad: `pad_width`"),
    (lambda: mnp.norm(mnp.ones(3), axis=()), ValueError, r"^norm: `axis`"),
    (lambda: mnp.matmul(mnp.ones(2, mnp.float16), mnp.ones(2)), TypeError, r"^matmul: `x1`"),
    (lambda: mnp.squeeze(mnp.ones((1, 2)), 1), ValueError, r"^squeeze: `axis`"),
    (lambda: mnp.transpose(mnp.ones((1, 2)), (0,)), ValueError, r"^transpose: `axes`"),
    (lambda: mnp.tile(mnp.ones(2), -1), ValueError, r"^tile: `dims`"),
])
def test_errors_name_the_function(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
