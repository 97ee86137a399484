"""Matrix products, norms, reductions, running sums, AssignAdd and the random operators.

Deterministic operators are checked three ways: MindSpore 2.10's recorded calls
(tests/data/mindspore/ops.json: documented examples and dtype variations, through
ms_op_cases), float64 NumPy loops written here, and torch where it has the operator.
Random operators are checked for shape, dtype, bounds, reproducibility under
``set_seed``, and goodness of fit (scipy.stats) at fixed seeds.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.stats as stats

import gpuparam
import ms_op_cases as ms
from gpuparam import Parameter, Tensor, ops
from gpuparam.ops import functional as F
from gpuparam.ops import operations as P

NAMES = ["ops.BatchMatMul", "ops.MatMul", "ops.bmm", "ops.matmul", "ops.outer", "ops.cumsum",
         "ops.ReduceMax", "ops.norm", "ops.mean", "ops.sum", "ops.max", "ops.all",
         "ops.LpNorm"]

# MindSpore refused these; gpuparam computes them, for the reason given.
LENIENT: dict[str, str] = {}

# Compared by a test below instead, for the reason given.
DIFFERENT = {
    "ops.norm/dim_()/7": "MindSpore 2.10 returns None for dim=(); gpuparam reads () as every "
                         "dim, as its other reductions do (test_norm_of_empty_dim_is_full)",
}

ALL_CASES = [case for name in NAMES for case in ms.cases(name)]
CASES = [case for case in ALL_CASES if case.id not in DIFFERENT]


def test_every_name_has_recorded_cases_and_every_exception_is_one():
    assert {case.name for case in CASES} == set(NAMES)
    ids = {case.id for case in ALL_CASES}
    assert (set(LENIENT) | set(DIFFERENT)) <= ids


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_mindspore(case):
    if case.error is not None and case.id not in LENIENT:
        with pytest.raises((TypeError, ValueError, NotImplementedError)):
            ms.run(case)
        return
    got = ms.run(case)
    if case.output is not None:
        ms.assert_matches(got, case.output, case.id)


def test_norm_of_empty_dim_is_full():
    x = Tensor(np.array([3.0, 4.0, 12.0], np.float32))
    assert ops.norm(x, dim=()).item() == 13.0


# ------------------------------------------------------------------ matrix products

def _loop_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(..., n, k) @ (..., k, m) in float64 loops, batch dims equal."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    out = np.zeros(a.shape[:-1] + (b.shape[-1],))
    for idx in np.ndindex(*a.shape[:-2]):
        for i, j in itertools.product(range(a.shape[-2]), range(b.shape[-1])):
            out[idx + (i, j)] = sum(a[idx + (i, k)] * b[idx + (k, j)] for k in range(a.shape[-1]))
    return out


@pytest.mark.parametrize("ta, tb", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_batch_matmul_against_float64_loops(ta, tb, dtype):
    rng = np.random.default_rng(0)
    a = rng.integers(-4, 5, (2, 3, 4, 5)).astype(dtype)
    b = rng.integers(-4, 5, (2, 3, 5, 6)).astype(dtype)
    a_in = a.swapaxes(-1, -2).copy() if ta else a
    b_in = b.swapaxes(-1, -2).copy() if tb else b
    got = ops.BatchMatMul(transpose_a=ta, transpose_b=tb)(Tensor(a_in), Tensor(b_in))
    assert got.dtype == Tensor(a).dtype and got.shape == (2, 3, 4, 6)
    np.testing.assert_array_equal(got.asnumpy().astype(np.float64), _loop_matmul(a, b))
    assert P.BatchMatMul is ops.BatchMatMul and ops.BatchMatMul(True).transpose_a is True


@pytest.mark.parametrize("ta, tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_primitive_transposes_2d_operands_as_mindspore(ta, tb):
    rng = np.random.default_rng(2)
    a = rng.integers(-4, 5, (1, 4, 5)).astype(np.float32)
    b = rng.integers(-4, 5, (1, 5, 3)).astype(np.float32)
    a_in = a[0].T.copy() if ta else a[0]
    b_in = b[0].T.copy() if tb else b[0]
    got = P.MatMul(transpose_a=ta, transpose_b=tb)(Tensor(a_in), Tensor(b_in))
    assert got.dtype == gpuparam.float32 and got.shape == (4, 3)
    np.testing.assert_array_equal(got.asnumpy().astype(np.float64), _loop_matmul(a, b)[0])
    with pytest.raises(ValueError, match="MatMul: `x` must be a 2-d tensor"):
        ops.MatMul()(Tensor(a), Tensor(b[0]))  # batches are BatchMatMul's
    with pytest.raises(TypeError, match="MatMul"):
        ops.MatMul()(Tensor(a[0]), Tensor(b[0].astype(np.float16)))


def test_batch_matmul_float_values_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3, 7, 5)), rng.standard_normal((3, 5, 2))
    want = torch.bmm(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    np.testing.assert_allclose(ops.bmm(Tensor(a), Tensor(b)).asnumpy(), want, rtol=1e-12)
    got32 = ops.bmm(Tensor(a.astype(np.float32)), Tensor(b.astype(np.float32)))
    assert got32.dtype == gpuparam.float32
    np.testing.assert_allclose(got32.asnumpy(), want, rtol=1e-5, atol=1e-5)


def test_batch_matmul_broadcasts_batch_dims():
    a, b = np.ones((2, 1, 3, 4), np.float32), np.ones((1, 5, 4, 2), np.float32)
    assert ops.BatchMatMul()(Tensor(a), Tensor(b)).shape == (2, 5, 3, 2)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: ops.BatchMatMul(transpose_a=1), TypeError,
     r"^BatchMatMul: `transpose_a` must be a bool"),
    (lambda: ops.BatchMatMul()(Tensor(np.ones((2, 3, 4), np.float32)),
                               Tensor(np.ones((2, 5, 4), np.float32))),
     ValueError, r"^BatchMatMul: `y` must be a matrix of 4 rows"),
    (lambda: ops.BatchMatMul()(Tensor(np.ones((2, 3, 4), np.float32)),
                               Tensor(np.ones((4, 5), np.float32))),
     ValueError, r"^BatchMatMul: `y` must be a tensor of 3 dims"),
    (lambda: ops.BatchMatMul()(Tensor(np.ones(3, np.float32)), Tensor(np.ones(3, np.float32))),
     ValueError, r"^BatchMatMul: `x` must be a tensor of at least 2 dims"),
    (lambda: ops.BatchMatMul()(Tensor(np.ones((2, 3, 4), np.float16)),
                               Tensor(np.ones((2, 4, 5), np.float32))),
     TypeError, r"^BatchMatMul: `y` must have the dtype of `x` \(float16\), got float32"),
    (lambda: ops.BatchMatMul()(Tensor(np.ones((2, 3, 4), np.float32)),
                               Tensor(np.ones((3, 4, 5), np.float32))),
     ValueError, r"^BatchMatMul: `y` must be batch dims that broadcast"),
    (lambda: ops.bmm(np.ones((2, 2, 2)), Tensor(np.ones((2, 2, 2)))), TypeError,
     r"^bmm: `input_x` must be a Tensor"),
    (lambda: ops.matmul(Tensor(np.ones((2, 3), np.float32)), Tensor(np.ones((2, 3), np.float32))),
     ValueError, r"^matmul: `other` must be a shape whose second last dim equals"),
    (lambda: ops.matmul(Tensor(np.ones((2, 3), np.float16)), Tensor(np.ones((3, 2), np.float32))),
     TypeError, r"^matmul: `other` must have the dtype of `input`"),
    (lambda: ops.outer(Tensor(np.ones(3)), 4), TypeError, r"^outer: `vec2` must be a Tensor"),
    (lambda: ops.outer(Tensor(np.ones((3, 1))), Tensor(np.ones(2))), ValueError,
     r"^outer: `input` must be a 1-d tensor"),
])
def test_product_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_matmul_vectors_and_functional_path():
    x, y = Tensor(np.ones((1, 2), np.float32)), Tensor(np.ones(2, np.float32))
    assert ops.matmul(x, y).tolist() == [2.0] and F.matmul is ops.matmul


def test_outer_against_loops():
    a, b = np.array([1.5, -2.0, 3.0]), np.array([4.0, 0.5])
    want = np.array([[ai * bj for bj in b] for ai in a])
    np.testing.assert_array_equal(ops.outer(Tensor(a), Tensor(b)).asnumpy(), want)


@pytest.mark.parametrize("equation, shapes", [
    ("i->", [(3,)]), ("i,i->i", [(3,), (3,)]), ("ij,jk->ik", [(2, 3), (3, 2)]),
    ("ij->ji", [(2, 3)]), ("ij->j", [(2, 3)]), ("...->", [(2, 3)]), ("j,i->ji", [(3,), (3,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
])
def test_einsum_documented_equations_against_torch(equation, shapes):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    got = ops.einsum(equation, *[Tensor(a) for a in arrays])
    want = torch.einsum(equation, *[torch.from_numpy(a.astype(np.float64)) for a in arrays])
    assert got.dtype == gpuparam.float32
    np.testing.assert_allclose(got.asnumpy(), want.numpy(), rtol=1e-5, atol=1e-5)


def test_einsum_sublist_form_and_errors():
    x, y = Tensor(np.array([1, 2, 3, 4], np.float32)), Tensor(np.array([1, 2], np.float32))
    got = ops.einsum(x, [Ellipsis, 1], y, [Ellipsis, 2], [Ellipsis, 1, 2])
    np.testing.assert_array_equal(got.asnumpy(), np.outer([1, 2, 3, 4], [1, 2]))
    with pytest.raises(ValueError, match=r"^einsum: `equation` must be an equation that fits"):
        ops.einsum("ij,jk->ik", x, y)
    with pytest.raises(TypeError, match=r"^einsum: `operands\[1\]` must have the dtype"):
        ops.einsum("i,i->i", x, Tensor(np.ones(4, np.float64)))
    with pytest.raises(TypeError, match=r"^einsum: `equation` must be a str"):
        ops.einsum(3, x)


# ------------------------------------------------------------------ reductions

def _loop_reduce(fn, a: np.ndarray, axis: int) -> np.ndarray:
    moved = np.moveaxis(a.astype(np.float64), axis, -1)
    out = np.empty(moved.shape[:-1])
    for idx in np.ndindex(*moved.shape[:-1]):
        out[idx] = fn(list(moved[idx]))
    return out


@pytest.mark.parametrize("prim, fn", [
    (ops.ReduceMax, max), (ops.ReduceMin, min), (ops.ReduceProd, np.prod)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_reduce_primitives_against_loops(prim, fn, dtype):
    a = np.random.default_rng(3).integers(-3, 4, (3, 4, 5)).astype(dtype)
    for axis in (0, 1, -1):
        got = prim()(Tensor(a), axis)
        assert got.dtype == Tensor(a).dtype
        np.testing.assert_array_equal(got.asnumpy(), _loop_reduce(fn, a, axis))
    assert prim(keep_dims=True)(Tensor(a), ()).shape == (1, 1, 1)
    assert getattr(P, prim.__name__) is prim


def test_reduce_all_any_and_errors():
    x = Tensor(np.array([[True, False], [True, True]]))
    assert ops.ReduceAll()(x, 1).tolist() == [False, True]
    assert ops.ReduceAny()(x, 0).tolist() == [True, True]
    assert ops.ReduceAll(keep_dims=True)(x).tolist() == [[False]]
    with pytest.raises(TypeError, match=r"^ReduceAll: `x` must be a Tensor of Bool"):
        ops.ReduceAll()(Tensor(np.ones(2, np.float32)))
    with pytest.raises(TypeError, match=r"^ReduceMax: `axis` must be an int, a tuple of ints"):
        ops.ReduceMax()(Tensor(np.ones(2, np.float32)), None)
    with pytest.raises(ValueError, match=r"^ReduceMax: `axis` must be None, an int or a tuple"):
        ops.ReduceMax()(Tensor(np.ones(2, np.float32)), 3)
    with pytest.raises(TypeError, match=r"^ReduceProd: `keep_dims` must be a bool"):
        ops.ReduceProd(keep_dims=1)


def test_functions_sum_mean_prod_all_any():
    a = np.arange(1, 13, dtype=np.float32).reshape(3, 4)
    x = Tensor(a)
    np.testing.assert_array_equal(ops.sum(x, dim=[0, 1]).asnumpy(), a.sum())
    assert ops.sum(Tensor(np.ones(3, np.int32))).dtype == gpuparam.int64
    assert ops.sum(x, dtype=gpuparam.float64).dtype == gpuparam.float64
    np.testing.assert_allclose(ops.mean(x, 1).asnumpy(), a.mean(1))
    assert ops.mean(Tensor(np.array([-7, 0, 0, 0]))).item() == -1  # -1.75, toward zero
    np.testing.assert_array_equal(ops.prod(x, 1, keep_dims=True).asnumpy(),
                                  _loop_reduce(np.prod, a, 1)[:, None])
    assert ops.prod(Tensor(np.array([[1, 2], [3, 4]], np.int32))).dtype == gpuparam.int32
    assert ops.any(Tensor(np.array([0.0, 2.0]))).item() is True
    assert ops.all(Tensor(np.array([0.0, 2.0]))).item() is False
    assert F.sum is ops.sum and F.max is ops.max


def test_max_min_with_initial_and_where_match_the_documented_example():
    x = Tensor(np.array([[9, 3, 4, 5], [5, 2, 7, 4], [8, 1, 3, 6]]))
    mask = Tensor(np.array([[0, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]], np.bool_))
    values, indices = ops.max(x, axis=1, keepdims=True, initial=0, where=mask)
    assert values.tolist() == [[4], [7], [8]] and indices.tolist() == [[2], [2], [0]]
    none = Tensor(np.zeros((3, 1), np.bool_))
    values, indices = ops.max(x, axis=0, keepdims=True, initial=0, where=none)
    assert values.tolist() == [[0, 0, 0, 0]] and indices.tolist() == [[0, 0, 0, 0]]
    values, indices = ops.min(x, axis=1)
    assert values.tolist() == [3, 2, 1] and indices.tolist() == [1, 1, 1]
    assert indices.dtype == gpuparam.int64
    values, indices = ops.min(x)
    assert values.item() == 1 and indices.item() == 9


@pytest.mark.parametrize("call, exc, match", [
    (lambda x: ops.max(x, axis=(0, 1)), TypeError, r"^max: `axis` must be None or an int"),
    (lambda x: ops.max(x, where=Tensor(np.ones((3, 4), np.bool_))), ValueError,
     r"^max: `initial` must be a number when `where` is given"),
    (lambda x: ops.max(x, axis=0, initial=0, where=Tensor(np.ones((2, 4), np.bool_))),
     ValueError, r"^max: `where` must be a shape that broadcasts"),
    (lambda x: ops.min(Tensor(np.ones((0, 2)))), ValueError, r"^min: `input` must be a non-empty"),
    (lambda x: ops.sum(x, dim=5), ValueError, r"^sum: `dim` must be None, an int"),
    (lambda x: ops.sum(x, keepdim=1), TypeError, r"^sum: `keepdim` must be a bool"),
    (lambda x: ops.mean([1, 2]), TypeError, r"^mean: `x` must be a Tensor"),
    (lambda x: ops.mean(x, keep_dims=None), TypeError, r"^mean: `keep_dims` must be a bool"),
    (lambda x: ops.all(x, keep_dims=0), TypeError, r"^all: `keep_dims` must be a bool"),
])
def test_reduction_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Tensor(np.arange(12).reshape(3, 4)))


def test_norms_against_numpy_float64():
    a = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -7.0]])
    for kwargs, want in [({}, np.sqrt((a ** 2).sum())), ({"ord": "nuc"}, np.linalg.norm(a, "nuc")),
                         ({"ord": 1}, np.abs(a).sum(0).max()),
                         ({"dim": 1}, np.sqrt((a ** 2).sum(1))),
                         ({"ord": np.inf, "dim": 0}, np.abs(a).max(0))]:
        for dtype, rtol in ((np.float64, 1e-14), (np.float32, 1e-6), (np.float16, 2e-3)):
            got = ops.norm(Tensor(a.astype(dtype)), **kwargs)
            assert got.dtype == Tensor(a.astype(dtype)).dtype, kwargs
            np.testing.assert_allclose(got.asnumpy(), want, rtol=rtol, err_msg=str(kwargs))
    assert ops.norm(Tensor(np.array([3, 4], np.int32))).dtype == gpuparam.float32
    with pytest.raises(TypeError, match=r"^norm: `A` must be a Tensor of ints or floats"):
        ops.norm(Tensor(np.array([True])))


def test_lp_norm_against_loops_and_epsilon():
    a = np.random.default_rng(4).standard_normal((3, 4, 5)).astype(np.float32)
    for p in (0, 1, 2, 3):
        got = ops.LpNorm(axis=(0, 2), p=p)(Tensor(a))
        moved = np.moveaxis(a.astype(np.float64), 1, 0).reshape(4, -1)
        want = [np.count_nonzero(r) if p == 0 else sum(abs(v) ** p for v in r) ** (1 / p)
                for r in moved]
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5)
    zeros = ops.LpNorm(axis=0, epsilon=1e-6)(Tensor(np.zeros((2, 2), np.float32)))
    np.testing.assert_allclose(zeros.asnumpy(), 1e-6)
    with pytest.raises(ValueError, match=r"^LpNorm: `p` must be an int >= 0"):
        ops.LpNorm(axis=0, p=-1)
    with pytest.raises(TypeError, match=r"^LpNorm: `input` must be a Tensor of Float16 or Float32"):
        ops.LpNorm(axis=0)(Tensor(np.ones(2, np.float64)))


@pytest.mark.parametrize("exclusive, reverse", list(itertools.product([False, True], repeat=2)))
def test_cumsum_primitive_against_loops(exclusive, reverse):
    a = np.random.default_rng(5).integers(-9, 10, (3, 5)).astype(np.int32)
    got = ops.CumSum(exclusive=exclusive, reverse=reverse)(Tensor(a), 1)
    want = np.zeros(a.shape, np.int64)
    for i, j in np.ndindex(*a.shape):
        span = range(j, 5) if reverse else range(0, j + 1)
        want[i, j] = sum(int(a[i, k]) for k in span if not (exclusive and k == j))
    assert got.dtype == gpuparam.int32
    np.testing.assert_array_equal(got.asnumpy(), want)


def test_cumsum_function_dtype_and_errors():
    x = Tensor(np.array([[1, 2, 3], [4, 5, 6]], np.int32))
    assert ops.cumsum(x, 0, dtype=gpuparam.float32).tolist() == [[1, 2, 3], [5, 7, 9]]
    assert ops.cumsum(x, 0, dtype=gpuparam.float32).dtype == gpuparam.float32
    with pytest.raises(TypeError, match=r"^cumsum: `axis` must be an int"):
        ops.cumsum(x, (0,))
    with pytest.raises(ValueError, match=r"^cumsum: `axis` must be an int in \[-2, 2\)"):
        ops.cumsum(x, 2)
    with pytest.raises(TypeError, match=r"^CumSum: `reverse` must be a bool"):
        ops.CumSum(reverse=None)


# ------------------------------------------------------------------ AssignAdd

@pytest.mark.parametrize("case", ms.cases("ops.AssignAdd") + ms.cases("ops.assign_add"),
                         ids=lambda c: c.id)
def test_assign_add_matches_mindspore_on_a_parameter(case):
    # MindSpore wrote the variable in place, so the recorder saved it after the update
    # (its recorded input equals its output): start from that minus the value instead.
    want, value = case.output[0], case.inputs[1]
    added = value.asnumpy() if isinstance(value, Tensor) else value
    assert case.inputs[0].asnumpy().tolist() == want.tolist()
    variable = Parameter(Tensor(want - added), name="global_step")
    fn = ops.assign_add if case.kind == "function" else ops.AssignAdd()
    out = fn(variable, value)
    assert out is variable
    ms.assert_matches(Tensor(variable.asnumpy()), case.output, case.id)


def test_assign_add_broadcasts_writes_in_place_and_fails_without_change():
    p = Parameter(Tensor(np.zeros((2, 3), np.float32)), name="acc")
    view = p.asnumpy()
    ops.AssignAdd()(p, Tensor(np.array([1.0, 2.0, 3.0], np.float32)))
    ops.assign_add(p, 0.5)
    assert p.tolist() == [[1.5, 2.5, 3.5]] * 2 and view.tolist() == [[0.0] * 3] * 2
    before = p.asnumpy().copy()
    for value, exc, match in [
            (Tensor(np.ones(2, np.float32)), ValueError, r"^AssignAdd: `value` must be a shape "
                                                         r"that broadcasts"),
            (Tensor(np.ones(3, np.float64)), TypeError, r"^AssignAdd: `value` must be data that "
                                                        r"casts safely to Float32"),
            ("1", TypeError, r"^AssignAdd: `value` must be a Tensor or a number")]:
        with pytest.raises(exc, match=match):
            ops.AssignAdd()(p, value)
        np.testing.assert_array_equal(p.asnumpy(), before)
    with pytest.raises(TypeError, match=r"^assign_add: `variable` must be a Parameter"):
        ops.assign_add(Tensor(np.zeros(2, np.float32)), 1.0)
    step = Parameter(Tensor(np.array([1], np.int32)), name="step")
    with pytest.raises(TypeError, match=r"^assign_add: `value` must be an int"):
        ops.assign_add(step, 0.5)


def test_assign_add_on_a_lazy_parameter_initializes_it_first():
    gpuparam.set_seed(3)
    lazy = Parameter(gpuparam.common.initializer.initializer("ones", (2,), gpuparam.float32),
                     name="lazy")
    ops.assign_add(lazy, 2.0)
    assert lazy.tolist() == [3.0, 3.0]


# ------------------------------------------------------------------ random operators

N = 40_000


def _ks(sample: np.ndarray, cdf) -> float:
    return stats.kstest(sample.astype(np.float64).ravel(), cdf).pvalue


def _chi_square(counts: np.ndarray, probabilities: np.ndarray) -> float:
    expected = np.asarray(probabilities, np.float64)
    return stats.chisquare(counts, expected / expected.sum() * counts.sum()).pvalue


@pytest.mark.parametrize("dtype", [gpuparam.float16, gpuparam.float32, gpuparam.float64])
def test_rand_and_randn_fit_their_distributions(dtype):
    gpuparam.set_seed(11)
    u = ops.rand(N, dtype=dtype)
    z = ops.randn((N,), dtype=dtype)
    assert u.dtype == dtype and z.dtype == dtype and u.shape == z.shape == (N,)
    assert 0 <= u.asnumpy().min() and u.asnumpy().max() < 1
    if dtype != gpuparam.float16:  # float16's rounding is a visible lattice to a KS test
        assert _ks(u.asnumpy(), "uniform") > 1e-3
        assert _ks(z.asnumpy(), "norm") > 1e-3
    assert ops.rand(2, 3).dtype == gpuparam.float32 and ops.randn(2, 3).shape == (2, 3)


def test_primitives_fit_and_repeat_under_set_seed():
    gpuparam.set_seed(5)
    uniform, normal = ops.UniformReal(), ops.StandardNormal()
    a, b = uniform((N,)), uniform((N,))
    z = normal((200, 200))
    assert a.dtype == z.dtype == gpuparam.float32 and z.shape == (200, 200)
    assert not np.array_equal(a.asnumpy(), b.asnumpy())  # each call draws anew
    assert _ks(a.asnumpy(), "uniform") > 1e-3 and _ks(z.asnumpy(), "norm") > 1e-3
    gpuparam.set_seed(5)
    again = ops.UniformReal()
    np.testing.assert_array_equal(again((N,)).asnumpy(), a.asnumpy())
    np.testing.assert_array_equal(again((N,)).asnumpy(), b.asnumpy())


def test_seed_arguments_map_onto_fixed_keys():
    gpuparam.set_seed(1)
    first = ops.StandardNormal(seed=2)((3, 4)).asnumpy()
    np.testing.assert_array_equal(ops.StandardNormal(seed=2)((3, 4)).asnumpy(), first)
    assert not np.array_equal(ops.StandardNormal(seed=2, seed2=1)((3, 4)).asnumpy(), first)
    np.testing.assert_array_equal(ops.rand(5, seed=7).asnumpy(), ops.rand(5, seed=7).asnumpy())
    assert not np.array_equal(ops.rand(5).asnumpy(), ops.rand(5).asnumpy())
    gpuparam.set_seed(2)  # the global seed enters the seeded keys too
    assert not np.array_equal(ops.StandardNormal(seed=2)((3, 4)).asnumpy(), first)
    assert ops.UniformReal(seed=3).seed == 3 and ops.UniformReal().seed2 == 0


def test_uniform_floats_and_integers_with_broadcast_bounds():
    gpuparam.set_seed(3)
    low = Tensor(np.array([[3.0, 4.0], [5.0, 6.0]], np.float32))
    high = Tensor(np.array([8.0, 10.0], np.float32))
    out = ops.uniform((3, 1, 2), low, high, seed=5)
    assert out.shape == (3, 2, 2) and out.dtype == gpuparam.float32
    v = out.asnumpy()
    assert (v >= low.asnumpy()).all() and (v < high.asnumpy()).all()
    x = ops.uniform((N,), -2.0, 3.0).asnumpy()
    assert _ks(x, stats.uniform(-2.0, 5.0).cdf) > 1e-3
    ints = ops.uniform((N,), Tensor(np.array(1, np.int32)), Tensor(np.array(7, np.int32)),
                       dtype=gpuparam.int32)
    assert ints.dtype == gpuparam.int32
    counts = np.bincount(ints.asnumpy(), minlength=7)
    assert counts[0] == 0 and _chi_square(counts[1:], np.full(6, 1 / 6)) > 1e-3


def test_randint_and_uniform_int_fit_and_refuse_bad_ranges():
    gpuparam.set_seed(4)
    x = ops.randint(-3, 5, (N,))
    assert x.dtype == gpuparam.int64 and x.asnumpy().min() == -3 and x.asnumpy().max() == 4
    assert _chi_square(np.bincount(x.asnumpy() + 3), np.full(8, 1 / 8)) > 1e-3
    assert ops.randint(0, 2, (3,), dtype=gpuparam.int32).dtype == gpuparam.int32
    prim = ops.UniformInt(seed=10)
    y = prim((N,), Tensor(np.array(0, np.int32)), Tensor(np.array(10, np.int32)))
    assert y.dtype == gpuparam.int32 and _chi_square(np.bincount(y.asnumpy()),
                                                     np.full(10, 0.1)) > 1e-3
    with pytest.raises(ValueError, match=r"^randint: `high` must be an int > low \(5\)"):
        ops.randint(5, 5, (2,))
    with pytest.raises(NotImplementedError, match=r"^randint: ranges wider than 2\*\*53"):
        ops.randint(0, 2 ** 60, (2,))
    with pytest.raises(ValueError, match=r"^randint: `high` holds the value 299, outside the Int8"):
        ops.randint(0, 300, (2,), dtype=gpuparam.int8)
    with pytest.raises(TypeError, match=r"^UniformInt: `minval` must be a one-element Int32"):
        prim((2,), Tensor(np.array(0, np.int64)), Tensor(np.array(2, np.int32)))
    with pytest.raises(ValueError, match=r"^UniformInt: `maxval` must be an int > minval"):
        prim((2,), Tensor(np.array(2, np.int32)), Tensor(np.array(2, np.int32)))


def test_normal_broadcasts_mean_and_stddev():
    gpuparam.set_seed(6)
    out = ops.normal((N,), 1.0, 2.0)
    assert out.dtype == gpuparam.float32 and _ks(out.asnumpy(), stats.norm(1.0, 2.0).cdf) > 1e-3
    mean = Tensor(np.array([[0.0], [100.0]], np.float32))
    both = ops.normal((2, 3), mean, 1.0).asnumpy()
    assert both.shape == (2, 3) and (both[1] > 90).all() and (both[0] < 10).all()
    with pytest.raises(ValueError, match=r"^normal: `stddev` must be"):
        ops.normal((2,), 0.0, -1.0)


def test_multinomial_with_replacement_fits_the_weights():
    gpuparam.set_seed(7)
    weights = np.array([[1.0, 0.0, 3.0, 6.0], [5.0, 5.0, 0.0, 0.0]], np.float32)
    out = ops.multinomial(Tensor(weights), N)
    assert out.dtype == gpuparam.int32 and out.shape == (2, N)
    for row, w in zip(out.asnumpy(), weights):
        counts = np.bincount(row, minlength=4)
        assert (counts[w == 0] == 0).all()
        assert _chi_square(counts[w > 0], w[w > 0] / w.sum()) > 1e-3


def test_multinomial_without_replacement_matches_successive_draws():
    # P(first = i, second = j) = w_i / W * w_j / (W - w_i): the exact law of two draws.
    gpuparam.set_seed(8)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    out = ops.multinomial(Tensor(np.tile(w, (N // 4, 1))), 2, replacement=False).asnumpy()
    assert (out[:, 0] != out[:, 1]).all()
    pairs = [(i, j) for i in range(4) for j in range(4) if i != j]
    p = np.array([w[i] / w.sum() * w[j] / (w.sum() - w[i]) for i, j in pairs])
    counts = np.array([np.sum((out[:, 0] == i) & (out[:, 1] == j)) for i, j in pairs])
    assert _chi_square(counts, p) > 1e-3


@pytest.mark.parametrize("case", ms.cases("ops.multinomial"), ids=lambda c: c.id)
def test_multinomial_recorded_calls_give_mindspores_categories(case):
    got = ms.run(case)
    want, dtype = case.output
    assert str(got.dtype) == dtype == "Int32" and got.shape == want.shape
    drawn, positive = got.asnumpy().tolist(), set(np.flatnonzero(case.inputs[0].asnumpy()))
    if case.kwargs.get("replacement", True) is False:
        # Distinct categories, every non-zero one first (the int32 case has one non-zero
        # weight for two draws: MindSpore then adds a zero-weight category, as gpuparam).
        assert len(set(drawn)) == len(drawn) == len(set(want.tolist()))
        assert set(drawn[:len(positive)]) == positive
    else:
        assert set(drawn) <= positive


@pytest.mark.parametrize("name", ["ops.rand", "ops.randn", "ops.UniformReal",
                                  "ops.StandardNormal", "ops.uniform"])
def test_random_recorded_calls_give_mindspores_shapes_and_dtypes(name):
    for case in ms.cases(name):
        got, (want, dtype) = ms.run(case), case.output
        assert got.shape == want.shape and str(got.dtype) == dtype, case.id


@pytest.mark.parametrize("call, exc, match", [
    (lambda: ops.rand(2, dtype=gpuparam.int32), TypeError, r"^rand: `dtype` must be float16"),
    (lambda: ops.rand(-1), ValueError, r"^rand: `size`"),
    (lambda: ops.randn(2, seed=-1), ValueError, r"^randn: `seed` must be an int >= 0"),
    (lambda: ops.UniformReal(seed=1.5), TypeError, r"^UniformReal: `seed` must be an int"),
    (lambda: ops.StandardNormal()(5), TypeError, r"^StandardNormal: `shape` must be a tuple"),
    (lambda: ops.uniform((2,), "a", 1.0), TypeError, r"^uniform: `minval` must be a Tensor"),
    (lambda: ops.uniform((2,), 0.0, 1.0, dtype=gpuparam.bool_), TypeError,
     r"^uniform: `dtype` must be float16, float32, float64, int32 or int64"),
    (lambda: ops.uniform((3,), Tensor(np.zeros(2, np.float32)), 1.0), ValueError,
     r"^uniform: `shape` must be a shape that broadcasts"),
    (lambda: ops.multinomial(Tensor(np.ones(3)), 4, replacement=False), ValueError,
     r"^multinomial: `num_samples` must be at most the 3 categories"),
    (lambda: ops.multinomial(Tensor(np.ones((1, 1, 3))), 1), TypeError,
     r"^multinomial: `input` must be a 1-d or 2-d Tensor"),
    (lambda: ops.multinomial(Tensor(np.ones(3)), 0), ValueError,
     r"^multinomial: `num_samples` must be an int >= 1"),
])
def test_random_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.gpu
def test_random_operators_equal_on_cpu_and_gpu():
    results = {}
    for backend in ("numpy", "cupy"):
        with gpuparam._backend.use_backend(backend):
            gpuparam.set_seed(9)
            results[backend] = [ops.rand(1000), ops.randn(1000), ops.randint(0, 9, (1000,)),
                                ops.UniformReal()((1000,)), ops.StandardNormal()((1000,)),
                                ops.uniform((1000,), 1.0, 3.0), ops.normal((1000,), 0.5, 2.0),
                                ops.multinomial(ops.ones((4, 6)), 50)]
    for cpu, gpu in zip(results["numpy"], results["cupy"]):
        np.testing.assert_array_equal(cpu.asnumpy(), gpu.asnumpy())


@pytest.mark.gpu
def test_products_and_reductions_on_gpu_match_cpu():
    rng = np.random.default_rng(10)
    a, b = rng.standard_normal((4, 8, 16)), rng.standard_normal((4, 16, 8))
    with gpuparam._backend.use_backend("cupy"):
        got = ops.BatchMatMul(transpose_b=True)(Tensor(a), Tensor(b.swapaxes(-1, -2).copy()))
        np.testing.assert_allclose(got.asnumpy(), a @ b, rtol=1e-12)
        values, index = ops.max(Tensor(a), axis=1)
        assert index.asnumpy().tolist() == a.argmax(1).tolist()
        np.testing.assert_array_equal(ops.cumsum(Tensor(a), 2).asnumpy(), np.cumsum(a, 2))
        p = Parameter(Tensor(np.zeros(3, np.float32)), name="p")
        ops.assign_add(p, Tensor(np.ones(3, np.float32)))
        assert p.asnumpy().tolist() == [1.0, 1.0, 1.0]
