"""Initializers: goodness of fit against exact distributions, and exact structured values.

Every random initializer is checked with a Kolmogorov-Smirnov test (SciPy) on >= 10**5
samples at a fixed seed, against the distribution its docstring promises, with the
scale worked out here from the shape (not read back from the initializer). Sample
standard deviations are also held to within 1% (about 4.5 standard errors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gpuparam import _random
from gpuparam import dtype as mstype
from gpuparam.common.initializer import (Constant, DeltaOrthogonal, Dirac, HeNormal, HeUniform,
                                         Identity, LecunNormal, LecunUniform, Normal, One,
                                         Orthogonal, Sparse, TruncatedNormal, Uniform,
                                         VarianceScaling, XavierNormal, XavierUniform, Zero,
                                         initializer)

ALPHA = 1e-4  # fixed seeds make these deterministic; a wrong scale gives p far below this
TRUNC = stats.truncnorm(-2.0, 2.0)  # N(0, 1) truncated at +-2: std 0.8796...


def draw(init, shape, dtype=mstype.float64, seed=1234):
    _random.set_seed(seed)
    return initializer(init, shape, dtype).asnumpy()


def assert_fits(values, dist, *, std=None):
    samples = np.asarray(values, dtype=np.float64).ravel()
    assert samples.size >= 100_000
    result = stats.kstest(samples, dist.cdf)
    assert result.pvalue > ALPHA, f"KS statistic {result.statistic:.5f}, p = {result.pvalue:.2e}"
    expected_std = dist.std() if std is None else std
    assert samples.std() == pytest.approx(expected_std, rel=0.01)
    assert abs(samples.mean() - dist.mean()) < 5 * expected_std / math.sqrt(samples.size)


def uniform(bound):
    return stats.uniform(loc=-bound, scale=2 * bound)


# ----------------------------------------------------------------------------- plain

@pytest.mark.parametrize("dtype", [mstype.float64, mstype.float32, mstype.float16])
def test_uniform(dtype):
    values = draw(Uniform(0.3), (400, 300), dtype)
    assert values.dtype == dtype.numpy_dtype
    assert values.min() >= -0.3 and values.max() <= np.float64(dtype.numpy_dtype.type(0.3))
    assert_fits(values, uniform(0.3))


def test_uniform_default_scale():
    values = draw("uniform", (100_000,))
    assert_fits(values, uniform(0.07))
    assert values.min() >= -0.07 and values.max() < 0.07


@pytest.mark.parametrize("dtype", [mstype.float64, mstype.float32, mstype.float16])
def test_normal(dtype):
    assert_fits(draw(Normal(0.2, 1.0), (500, 200), dtype), stats.norm(1.0, 0.2))


def test_normal_default_sigma():
    assert_fits(draw("normal", (320, 320), mstype.float32), stats.norm(0.0, 0.01))


@pytest.mark.parametrize(("sigma", "mean", "a", "b"), [
    (1.0, 0.5, -1.0, 1.5),        # both bounds active
    (2.0, 0.0, 2.5, 9.0),         # one-sided tail
    (0.5, -1.0, -10.0, -1.2),     # left of the mean
])
def test_truncated_normal_is_exact(sigma, mean, a, b):
    values = draw(TruncatedNormal(sigma, mean, a, b), (400, 300))
    assert values.min() >= a and values.max() <= b
    dist = stats.truncnorm((a - mean) / sigma, (b - mean) / sigma, loc=mean, scale=sigma)
    assert_fits(values, dist)


def test_truncated_normal_defaults_use_absolute_bounds():
    # MindSpore's defaults: sigma 0.01 with bounds +-2 (absolute), i.e. 200 sigma: no truncation.
    assert_fits(draw("truncatednormal", (400, 300), mstype.float32), stats.norm(0.0, 0.01))


# ----------------------------------------------------------------------------- fan-scaled

# (initializer, shape, the exact distribution worked out by hand from the shape)
FAN_CASES = [
    pytest.param(XavierUniform(2.0), (300, 400), uniform(2.0 * math.sqrt(6.0 / 700)),
                 id="XavierUniform-Dense"),
    pytest.param(XavierNormal(0.5), (64, 32, 7, 7),
                 stats.norm(0, 0.5 * math.sqrt(2.0 / (32 * 49 + 64 * 49))),
                 id="XavierNormal-Conv2d"),
    pytest.param(XavierUniform(), (64, 16, 5, 5, 5),
                 uniform(math.sqrt(6.0 / (16 * 125 + 64 * 125))), id="XavierUniform-Conv3d"),
    pytest.param(HeUniform(), (128, 8, 10, 10), uniform(math.sqrt(2.0) * math.sqrt(3.0 / 800)),
                 id="HeUniform-Conv2d-groups"),
    pytest.param(HeUniform(0.1, "fan_out", "leaky_relu"), (64, 16, 5, 5, 5),
                 uniform(math.sqrt(2.0 / 1.01) * math.sqrt(3.0 / 8000)),
                 id="HeUniform-Conv3d-fan_out"),
    pytest.param(HeNormal(mode="fan_out", nonlinearity="relu"), (400, 300),
                 stats.norm(0, math.sqrt(2.0) / math.sqrt(400)), id="HeNormal-Dense-fan_out"),
    pytest.param(HeNormal(nonlinearity="tanh"), (96, 4, 16, 17),
                 stats.norm(0, (5.0 / 3) / math.sqrt(4 * 272)), id="HeNormal-Conv2d-groups-tanh"),
    pytest.param(HeNormal(), (32, 3, 4, 3, 3 * 90),
                 stats.norm(0, math.sqrt(2.0 / (3 * 4 * 3 * 270))), id="HeNormal-Conv3d"),
    pytest.param(LecunUniform(), (64, 32, 7, 7), uniform(math.sqrt(3.0 / (32 * 49))),
                 id="LecunUniform-Conv2d"),
    pytest.param(LecunNormal(), (300, 400),
                 stats.truncnorm(-2, 2, scale=math.sqrt(1.0 / 400) / TRUNC.std()),
                 id="LecunNormal-Dense"),
]


@pytest.mark.parametrize(("init", "shape", "dist"), FAN_CASES)
def test_fan_scaled_initializers(init, shape, dist):
    assert_fits(draw(init, shape, mstype.float32), dist)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg", "fan_geo_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling(mode, distribution):
    shape = (40, 50, 7, 8)
    fan_in, fan_out = 50 * 56, 40 * 56
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2,
         "fan_geo_avg": math.sqrt(fan_in * fan_out)}[mode]
    std = math.sqrt(3.0 / n)
    dist = {"truncated_normal": stats.truncnorm(-2, 2, scale=std / 0.87962566103423978),
            "untruncated_normal": stats.norm(0, std),
            "uniform": uniform(math.sqrt(3.0) * std)}[distribution]
    values = draw(VarianceScaling(3.0, mode, distribution), shape)
    assert_fits(values, dist, std=std)  # the truncated branch keeps the asked-for variance
    if distribution == "truncated_normal":
        assert np.abs(values).max() <= 2 * std / 0.87962566103423978


def test_variance_scaling_default_is_truly_truncated():
    # MindSpore's default misspells its option and samples uniformly; ours truncates.
    values = draw("variancescaling", (300, 400))
    assert_fits(values, stats.truncnorm(-2, 2, scale=math.sqrt(1 / 400) / TRUNC.std()))


# ----------------------------------------------------------------------------- sparse

def test_sparse_values_and_exact_zero_count():
    init, shape = Sparse(0.1, 0.05), (25, 5000)
    _random.set_seed(77)
    t = initializer(init, shape, mstype.float64)
    key = t._key
    values = t.asnumpy()
    zeros = math.ceil(0.1 * 25)
    assert zeros == 3
    assert ((values == 0).sum(axis=0) == zeros).all()
    assert_fits(values[values != 0], stats.norm(0, 0.05))
    # the zeros sit where the second stream of the key scores lowest in each column
    scores = np.asarray(_random.uniform(key, shape, np.dtype(np.float64), stream=1).tolist())
    lowest = np.argsort(scores, axis=0, kind="stable")[:zeros]
    expected = np.zeros(shape, bool)
    np.put_along_axis(expected, lowest, True, axis=0)
    np.testing.assert_array_equal(values == 0, expected)


@pytest.mark.parametrize(("sparsity", "rows"), [(0.0, 7), (0.3, 10), (0.5, 9), (0.99, 4)])
def test_sparse_zero_count_formula(sparsity, rows):
    values = draw(Sparse(sparsity), (rows, 30))
    assert ((values == 0).sum(axis=0) == math.ceil(sparsity * rows)).all()


# ----------------------------------------------------------------------------- orthogonal

def _normal_matrix(key, rows, cols):
    return np.asarray(_random.normal(key, (rows, cols), np.dtype(np.float64)).tolist())


@pytest.mark.parametrize(("shape", "gain"), [((50, 4, 5), 1.0), ((3, 4, 5), 2.0), ((64, 64), 0.5),
                                              ((7, 1), 1.0), ((1, 9), 3.0)])
def test_orthogonal_is_the_sign_fixed_q_of_the_keys_normal_matrix(shape, gain):
    _random.set_seed(21)
    t = initializer(Orthogonal(gain), shape, mstype.float64)
    key = t._key
    rows, cols = shape[0], math.prod(shape[1:])
    w = t.asnumpy().reshape(rows, cols)
    a = _normal_matrix(key, rows, cols)
    if rows >= cols:
        np.testing.assert_allclose(w.T @ w, gain ** 2 * np.eye(cols), atol=1e-12)
        r = w.T @ a / gain   # A = Q R with R upper-triangular, positive diagonal
    else:
        np.testing.assert_allclose(w @ w.T, gain ** 2 * np.eye(rows), atol=1e-12)
        r = w @ a.T / gain
    np.testing.assert_allclose(np.tril(r, -1), 0, atol=1e-10)
    assert (np.diag(r) > 0).all()


def test_orthogonal_float32():
    w = draw(Orthogonal(), (64, 8, 2, 2), mstype.float32).reshape(64, 32)
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.T.astype(np.float64) @ w, np.eye(32), atol=2e-6)


def test_orthogonal_rows_are_uniform_on_the_sphere():
    # Each row of a wide Haar-orthogonal matrix is uniform on S^(n-1): its coordinates
    # follow (x + 1) / 2 ~ Beta((n - 1) / 2, (n - 1) / 2).
    n = 1000
    values = draw(Orthogonal(), (100, n))
    half = (n - 1) / 2
    assert_fits(values, stats.beta(half, half, loc=-1, scale=2))


@pytest.mark.parametrize(("shape", "centre"), [
    ((16, 8, 3, 3), (1, 1)), ((16, 8, 4), (1,)), ((8, 8, 3, 3, 3), (1, 1, 1)),
    ((6, 2, 2, 5), (0, 2))])
def test_delta_orthogonal(shape, centre):
    gain = 1.5
    w = draw(DeltaOrthogonal(gain), shape)
    middle = w[(slice(None), slice(None)) + centre]
    np.testing.assert_allclose(middle.T @ middle, gain ** 2 * np.eye(shape[1]), atol=1e-12)
    rest = w.copy()
    rest[(slice(None), slice(None)) + centre] = 0
    assert (rest == 0).all()


# ----------------------------------------------------------------------------- exact

def _dirac_reference(shape, groups):
    """MindSpore's loop, transcribed."""
    data = np.zeros(shape)
    per_group = shape[0] // groups
    centre = tuple(k // 2 for k in shape[2:])
    for group in range(groups):
        for dim in range(min(per_group, shape[1])):
            data[(group * per_group + dim, dim) + centre] = 1
    return data


@pytest.mark.parametrize(("shape", "groups"), [((6, 4, 3, 3), 2), ((4, 4, 5), 1),
                                               ((8, 2, 3, 3, 3), 4), ((3, 5, 2, 2), 1),
                                               ((6, 3, 4, 1), 3), ((2, 6, 3), 1)])
def test_dirac(shape, groups):
    np.testing.assert_array_equal(draw(Dirac(groups), shape), _dirac_reference(shape, groups))


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (1, 1)])
def test_identity(shape):
    np.testing.assert_array_equal(draw(Identity(), shape, mstype.float32),
                                  np.eye(*shape, dtype=np.float32))


@pytest.mark.parametrize("dtype", [mstype.float16, mstype.float32, mstype.float64, mstype.int8,
                                   mstype.int32, mstype.uint16, mstype.int64])
def test_constants(dtype):
    np_dtype = dtype.numpy_dtype
    np.testing.assert_array_equal(draw(Zero(), (3, 2), dtype), np.zeros((3, 2), np_dtype))
    np.testing.assert_array_equal(draw(One(), (3, 2), dtype), np.ones((3, 2), np_dtype))
    np.testing.assert_array_equal(draw(Constant(7), (2, 2), dtype), np.full((2, 2), 7, np_dtype))
    for values in (draw(Zero(), (3, 2), dtype), draw(Constant(7), (2,), dtype)):
        assert values.dtype == np_dtype


def test_float_constant_rounds_once():
    assert draw(Constant(0.1), (2,), mstype.float32).tolist() == [np.float32(0.1)] * 2
    assert draw(Constant(0.1), (2,), mstype.float64).tolist() == [0.1, 0.1]
