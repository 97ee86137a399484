"""Initializers: determinism, slices, pinned golden values, and every backend.

DESIGN.md contract 3: values depend on (seed, creation order, element index) only, so
materialization order and slicing do not change them; contract 4: both backends give
the golden values below (bit for bit for every float16/float32 draw and the exact
initializers, within 1 ulp after the float64 normal transforms, within QR rounding for
the orthogonal ones). The goldens were computed once on NumPy with ``set_seed(2024)``
(the 16/32-bit ones again when two values per Philox word and float32 transforms came).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpuparam import _backend, _random
from gpuparam import dtype as mstype
from gpuparam.common.initializer import (Constant, DeltaOrthogonal, Dirac, HeNormal, HeUniform,
                                         Identity, Initializer, LecunNormal, LecunUniform,
                                         Normal, One, Orthogonal, Sparse, TruncatedNormal,
                                         Uniform, VarianceScaling, XavierNormal, XavierUniform,
                                         Zero, initializer)

F16, F32, F64 = mstype.float16, mstype.float32, mstype.float64
SEED = 2024


class NumpyNormal(Initializer):
    """A user's initializer: NumPy's global generator, seeded from the tensor's key."""

    def _initialize(self, arr):
        arr[...] = np.random.standard_normal(arr.shape)


# (id, initializer, shape, dtype, comparison)
GOLDEN_CASES = [
    ("Zero", Zero(), (2, 3), F32, "exact"),
    ("One", One(), (2, 3), F16, "exact"),
    ("Constant", Constant(-0.25), (2, 3), F64, "exact"),
    ("Identity", Identity(), (3, 4), F32, "exact"),
    ("Dirac", Dirac(2), (4, 2, 3), F32, "exact"),
    ("Uniform", Uniform(0.5), (3, 4), F32, "exact"),
    ("Uniform-f16", Uniform(), (2, 3), F16, "exact"),
    ("Uniform-f64", Uniform(2.0), (2, 3), F64, "exact"),
    ("XavierUniform", XavierUniform(), (3, 4), F32, "exact"),
    ("HeUniform", HeUniform(), (2, 2, 3), F32, "exact"),
    ("LecunUniform", LecunUniform(), (3, 4), F32, "exact"),
    ("VarianceScaling-uniform", VarianceScaling(2.0, "fan_geo_avg", "uniform"), (3, 4), F32,
     "exact"),
    ("Normal", Normal(0.2, 1.0), (3, 4), F32, "ulp"),
    ("Normal-default", Normal(), (3, 4), F32, "ulp"),
    ("Normal-f64", Normal(0.2), (2, 3), F64, "ulp"),
    ("Normal-f16", Normal(1.0), (2, 3), F16, "ulp"),
    ("TruncatedNormal", TruncatedNormal(1.0, 0.5, -1.0, 1.5), (3, 4), F32, "ulp"),
    ("XavierNormal", XavierNormal(), (4, 3), F32, "ulp"),
    ("HeNormal", HeNormal(), (2, 2, 3), F32, "ulp"),
    ("LecunNormal", LecunNormal(), (3, 4), F32, "ulp"),
    ("VarianceScaling", VarianceScaling(), (3, 4), F32, "ulp"),
    ("VarianceScaling-normal", VarianceScaling(0.5, "fan_avg", "untruncated_normal"), (3, 4), F32,
     "ulp"),
    ("Sparse", Sparse(0.5, 1.0), (4, 3), F32, "ulp"),
    ("Orthogonal", Orthogonal(), (3, 4), F32, "qr"),
    ("Orthogonal-tall", Orthogonal(2.0), (4, 1, 2), F64, "qr"),
    ("DeltaOrthogonal", DeltaOrthogonal(), (3, 2, 3), F32, "qr"),
    ("custom", NumpyNormal(), (2, 3), F32, "exact"),
]

# float.hex of the flattened values, computed once on NumPy (do not regenerate to make a test pass).
GOLDEN = {
    'Zero': ['0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0'],
    'One': ['0x1.0000000000000p+0', '0x1.0000000000000p+0', '0x1.0000000000000p+0',
        '0x1.0000000000000p+0', '0x1.0000000000000p+0', '0x1.0000000000000p+0'],
    'Constant': ['-0x1.0000000000000p-2', '-0x1.0000000000000p-2', '-0x1.0000000000000p-2',
        '-0x1.0000000000000p-2', '-0x1.0000000000000p-2', '-0x1.0000000000000p-2'],
    'Identity': ['0x1.0000000000000p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0',
        '0x1.0000000000000p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0',
        '0x1.0000000000000p+0', '0x0.0p+0'],
    'Dirac': ['0x0.0p+0', '0x1.0000000000000p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0',
        '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x1.0000000000000p+0', '0x0.0p+0',
        '0x0.0p+0', '0x1.0000000000000p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0',
        '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x1.0000000000000p+0', '0x0.0p+0'],
    'Uniform': ['0x1.b86b280000000p-3', '-0x1.d5c8e80000000p-3', '-0x1.d4bb140000000p-2',
        '0x1.e75b400000000p-4', '0x1.95dc100000000p-4', '-0x1.d85b440000000p-2',
        '0x1.3286380000000p-2', '0x1.86a1600000000p-3', '-0x1.b2bee00000000p-5',
        '0x1.2d9af00000000p-3', '-0x1.fe04fc0000000p-2', '-0x1.4feb800000000p-4'],
    'Uniform-f16': ['0x1.ed40000000000p-6', '-0x1.0700000000000p-5', '-0x1.0680000000000p-4',
        '0x1.1100000000000p-6', '0x1.c680000000000p-7', '-0x1.0880000000000p-4'],
    'Uniform-f64': ['-0x1.d5c8e25a47950p-1', '0x1.e75b4220ad138p-2', '-0x1.d85b42619a890p+0',
        '0x1.86a16746650c4p-1', '0x1.2d9af1a393504p-1', '-0x1.4feb7fcff8140p-2'],
    'XavierUniform': ['0x1.97bf980000000p-2', '-0x1.b2efac0000000p-2', '-0x1.b1f5dc0000000p-1',
        '0x1.c334500000000p-3', '0x1.77c0c00000000p-3', '-0x1.b551300000000p-1',
        '0x1.1bc9500000000p-1', '0x1.69a7480000000p-2', '-0x1.927f100000000p-4',
        '0x1.173b700000000p-2', '-0x1.d82fb00000000p-1', '-0x1.3700600000000p-3'],
    'HeUniform': ['0x1.b86b280000000p-2', '-0x1.d5c8e80000000p-2', '-0x1.d4bb140000000p-1',
        '0x1.e75b400000000p-3', '0x1.95dc100000000p-3', '-0x1.d85b440000000p-1',
        '0x1.3286380000000p-1', '0x1.86a1600000000p-2', '-0x1.b2bee00000000p-4',
        '0x1.2d9af00000000p-2', '-0x1.fe04fc0000000p-1', '-0x1.4feb800000000p-3'],
    'LecunUniform': ['0x1.7d69e40000000p-2', '-0x1.96d8760000000p-2', '-0x1.95eec80000000p-1',
        '0x1.a610280000000p-3', '0x1.5f7c180000000p-3', '-0x1.99129e0000000p-1',
        '0x1.0975320000000p-1', '0x1.524bbc0000000p-2', '-0x1.7880300000000p-4',
        '0x1.0532a40000000p-2', '-0x1.b9b0980000000p-1', '-0x1.22ea480000000p-3'],
    'VarianceScaling-uniform': ['0x1.21cfcc0000000p-1', '-0x1.3522c20000000p-1',
        '-0x1.3471340000000p+0', '0x1.40b2d80000000p-2', '0x1.0b12180000000p-2',
        '-0x1.36d3fc0000000p+0', '0x1.93689c0000000p-1', '0x1.010c9c0000000p-1',
        '-0x1.1e14200000000p-3', '0x1.8cef500000000p-2', '-0x1.4f9c980000000p+0',
        '-0x1.ba18700000000p-3'],
    'Normal': ['0x1.af34220000000p-1', '0x1.1f47fa0000000p+0', '0x1.58532c0000000p+0',
        '0x1.8728d20000000p-1', '0x1.7c3c080000000p-1', '0x1.5a68be0000000p+0',
        '0x1.ca1b620000000p-1', '0x1.a661a40000000p-1', '0x1.06d4c40000000p+0',
        '0x1.94a97e0000000p-1', '0x1.93e6d80000000p+0', '0x1.0a99c00000000p+0'],
    'Normal-default': ['-0x1.028c5e0000000p-7', '0x1.9066240000000p-8', '0x1.1aa3be0000000p-6',
        '-0x1.82b0940000000p-7', '-0x1.a5a64c0000000p-7', '0x1.214f2c0000000p-6',
        '-0x1.58ea5a0000000p-8', '-0x1.1ec78c0000000p-7', '0x1.5dc0de0000000p-10',
        '-0x1.577b3a0000000p-7', '0x1.d9491c0000000p-6', '0x1.0f5ff60000000p-9'],
    'Normal-f64': ['-0x1.f47fa85d4f020p-4', '0x1.f020a6977d0c0p-5', '-0x1.69a2fb5506a4cp-2',
        '0x1.97ea01d17be94p-4', '0x1.359f057699aadp-4', '-0x1.5337f422b7a9cp-5'],
    'Normal-f16': ['-0x1.9400000000000p-1', '0x1.38c0000000000p-1', '0x1.b980000000000p+0',
        '-0x1.2e00000000000p+0', '-0x1.4980000000000p+0', '0x1.c400000000000p+0'],
    'TruncatedNormal': ['0x1.9d43f40000000p-1', '-0x1.7f2cb00000000p-4', '-0x1.9183200000000p-1',
        '0x1.3b78020000000p-1', '0x1.2798c40000000p-1', '-0x1.999f640000000p-1',
        '0x1.f7fadc0000000p-1', '0x1.841cec0000000p-1', '0x1.1ed09a0000000p-2',
        '0x1.57e1840000000p-1', '-0x1.fa20ec0000000p-1', '0x1.c6ea680000000p-3'],
    'XavierNormal': ['-0x1.afdfe60000000p-2', '0x1.4e68e60000000p-2', '0x1.d81dc80000000p-1',
        '-0x1.42f5c00000000p-1', '-0x1.60287a0000000p-1', '0x1.e341da0000000p-1',
        '-0x1.2012040000000p-2', '-0x1.df08120000000p-2', '0x1.241c6c0000000p-4',
        '-0x1.1edf680000000p-1', '0x1.8b48b60000000p+0', '0x1.c54cc60000000p-4'],
    'HeNormal': ['-0x1.d27a580000000p-2', '0x1.69342e0000000p-2', '0x1.fdf1a40000000p-1',
        '-0x1.5cd62c0000000p-1', '-0x1.7c5fce0000000p-1', '0x1.04fd1e0000000p+0',
        '-0x1.3726ce0000000p-2', '-0x1.02b4e20000000p-1', '0x1.3b84160000000p-4',
        '-0x1.35dba00000000p-1', '0x1.aaf4a00000000p+0', '0x1.e99eae0000000p-4'],
    'LecunNormal': ['0x1.3a151e0000000p-2', '-0x1.5170220000000p-2', '-0x1.bd1b120000000p-1',
        '0x1.50026c0000000p-3', '0x1.169f0a0000000p-3', '-0x1.c537a40000000p-1',
        '0x1.cccc260000000p-2', '0x1.1396560000000p-2', '-0x1.286cd80000000p-4',
        '0x1.a30f320000000p-3', '-0x1.1e38140000000p+0', '-0x1.cbd2640000000p-4'],
    'VarianceScaling': ['0x1.3a151e0000000p-2', '-0x1.5170220000000p-2', '-0x1.bd1b120000000p-1',
        '0x1.50026c0000000p-3', '0x1.169f0a0000000p-3', '-0x1.c537a40000000p-1',
        '0x1.cccc260000000p-2', '0x1.1396560000000p-2', '-0x1.286cd80000000p-4',
        '0x1.a30f320000000p-3', '-0x1.1e38140000000p+0', '-0x1.cbd2640000000p-4'],
    'VarianceScaling-normal': ['-0x1.3161a80000000p-2', '0x1.d8ed460000000p-3',
        '0x1.4dd62e0000000p-1', '-0x1.c8bbfe0000000p-2', '-0x1.f206dc0000000p-2',
        '0x1.55b6e60000000p-1', '-0x1.9764a00000000p-3', '-0x1.52b9f80000000p-2',
        '0x1.9d1b7c0000000p-5', '-0x1.95b3000000000p-2', '0x1.17820e0000000p+0',
        '0x1.40880c0000000p-4'],
    'Sparse': ['0x0.0p+0', '0x1.38cfcc0000000p-1', '0x1.b99fd80000000p+0',
        '-0x1.2e19f40000000p+0', '-0x1.4969ec0000000p+0', '0x1.c40bb60000000p+0',
        '-0x1.0d77160000000p-1', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0', '0x0.0p+0'],
    'Orthogonal': ['-0x1.3fa3460000000p-2', '0x1.3cd8a20000000p-3', '-0x1.cde90a0000000p-1',
        '0x1.04827c0000000p-2', '0x1.af40580000000p-2', '-0x1.d8f2960000000p-3',
        '0x1.f718340000000p-5', '0x1.bff9680000000p-1', '-0x1.aa75f80000000p-1',
        '-0x1.74af0c0000000p-2', '0x1.39082a0000000p-2', '0x1.22344a0000000p-2'],
    'Orthogonal-tall': ['-0x1.47fb6a40db0e0p-1', '0x1.2eb64e9ba66e3p-2', '-0x1.d9f7faf251e60p+0',
        '-0x1.420e021690dc0p-4', '0x1.95cbccb547efdp-2', '-0x1.da6457c54c8f4p-3',
        '0x1.1af25fb171cd3p-4', '0x1.f67d36a8a7344p+0'],
    'DeltaOrthogonal': ['0x0.0p+0', '-0x1.482d8a0000000p-2', '0x0.0p+0', '0x0.0p+0',
        '0x1.734d220000000p-1', '0x0.0p+0', '0x0.0p+0', '-0x1.da406c0000000p-1', '0x0.0p+0',
        '0x0.0p+0', '-0x1.7f90a80000000p-2', '0x0.0p+0', '0x0.0p+0', '0x1.9609d20000000p-3',
        '0x0.0p+0', '0x0.0p+0', '-0x1.27cd4c0000000p-1', '0x0.0p+0'],
    'custom': ['-0x1.3e81e20000000p-1', '0x1.daca400000000p+0', '0x1.ce61d80000000p-2',
        '0x1.ed65d60000000p-4', '-0x1.03734e0000000p-1', '0x1.c6c6aa0000000p+0'],
}

CASES = [pytest.param(*case, id=case[0]) for case in GOLDEN_CASES]
KEY = (0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210)


def values_of(init, shape, dtype=F32, seed=SEED):
    _random.set_seed(seed)
    return initializer(init, shape, dtype).asnumpy()


def assert_close(got, want, how, dtype):
    """Compare as contract 4 allows: exact, 1 ulp after float64 normal transforms (16/32-bit
    draws are bit-identical), QR rounding."""
    got, want = np.asarray(got), np.asarray(want, dtype=got.dtype)
    assert got.dtype == want.dtype and got.shape == want.shape
    if how == "exact":
        np.testing.assert_array_equal(got, want)
        return
    np.testing.assert_array_equal(got == 0, want == 0)  # Sparse's zeros are exact
    if how == "ulp" and dtype is F64:
        np.testing.assert_allclose(got, want, rtol=1e-13)
    elif how == "ulp":  # float32 transforms: the same correctly rounded operations
        np.testing.assert_array_equal(got, want)
    elif dtype is F64:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    else:
        np.testing.assert_allclose(got, want, rtol=2.0 ** -21, atol=2.0 ** -24)


# ----------------------------------------------------------------------------- goldens

@pytest.mark.parametrize(("name", "init", "shape", "dtype", "how"), CASES)
def test_golden_values(xp, name, init, shape, dtype, how):
    _random.set_seed(SEED)
    t = initializer(init, shape, dtype).init_data()
    assert _backend.get_array_module(t._array) is xp
    want = np.array([float.fromhex(h) for h in GOLDEN[name]]).astype(dtype.numpy_dtype)
    assert_close(t.asnumpy().ravel(), want, how, dtype)


def test_every_initializer_has_a_golden():
    pinned = {type(case[1]) for case in GOLDEN_CASES}
    assert pinned >= {Zero, One, Constant, Identity, Dirac, Uniform, Normal, TruncatedNormal,
                      XavierUniform, XavierNormal, HeUniform, HeNormal, LecunUniform,
                      LecunNormal, VarianceScaling, Sparse, Orthogonal, DeltaOrthogonal,
                      NumpyNormal}
    assert set(GOLDEN) == {case[0] for case in GOLDEN_CASES}


# ----------------------------------------------------------------------------- determinism

@pytest.mark.parametrize(("name", "init", "shape", "dtype", "how"), CASES)
def test_same_seed_same_values_other_seed_other_values(name, init, shape, dtype, how):
    first, again = values_of(init, shape, dtype, 7), values_of(init, shape, dtype, 7)
    np.testing.assert_array_equal(first, again)
    if name not in ("Zero", "One", "Constant", "Identity", "Dirac"):
        assert not np.array_equal(first, values_of(init, shape, dtype, 8))


def test_creation_order_decides_not_materialization_order(xp):
    _random.set_seed(5)
    a, b = initializer(Normal(), (40,)), initializer(Uniform(), (40,))
    va, vb = a.asnumpy(), b.asnumpy()
    _random.set_seed(5)
    a2, b2 = initializer(Normal(), (40,)), initializer(Uniform(), (40,))
    vb2, va2 = b2.asnumpy(), a2.asnumpy()    # the other order
    np.testing.assert_array_equal(va, va2)
    np.testing.assert_array_equal(vb, vb2)
    _random.set_seed(5)
    initializer("zeros", (3,))               # one more tensor created first shifts the keys
    assert not np.array_equal(initializer(Normal(), (40,)).asnumpy(), va)


def test_neighbouring_tensors_are_independent():
    _random.set_seed(0)
    a = initializer(Normal(1.0), (100_000,)).asnumpy()
    b = initializer(Normal(1.0), (100_000,)).asnumpy()
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.02   # 6 standard errors


def test_page_000_normal_02_is_20_times_normal(xp):
    # Reference page 000: after set_seed(1), Normal(0.2) weights are 20x the 'Normal' ones.
    shape = [32, 3, 4, 3, 3]
    _random.set_seed(1)
    bias = initializer("zeros", [32], mstype.float32)
    weight = initializer("Normal", shape, mstype.float32)
    _random.set_seed(1)
    bias2 = initializer("zeros", [32], mstype.float32)
    weight2 = initializer(Normal(0.2), shape, mstype.float32)
    assert (bias._key, weight._key) == (bias2._key, weight2._key)
    w, w2 = weight.asnumpy().astype(np.float64), weight2.asnumpy().astype(np.float64)
    assert np.abs(w).max() > 0
    np.testing.assert_allclose(w2, 20 * w, rtol=2.0 ** -22)  # two float32 roundings apart


# ----------------------------------------------------------------------------- slices

SLICEABLE = [Zero(), One(), Constant(1.5), Uniform(), Normal(0.5, 1.0),
             TruncatedNormal(1.0, 0.0, -0.5, 1.0), XavierUniform(), XavierNormal(), HeUniform(),
             HeNormal(mode="fan_out"), LecunUniform(), LecunNormal(),
             VarianceScaling(1.0, "fan_geo_avg", "truncated_normal"), Identity(), Dirac(2),
             Orthogonal(), DeltaOrthogonal(), Sparse(0.4), NumpyNormal()]


@st.composite
def shape_and_index(draw, init):
    if isinstance(init, (Identity, Sparse)):
        ndim = 2
    elif isinstance(init, (Dirac, DeltaOrthogonal)):
        ndim = draw(st.integers(3, 5))
    else:
        ndim = draw(st.integers(2, 4))
    shape = [draw(st.integers(1, 6)) for _ in range(ndim)]
    if isinstance(init, Dirac):
        shape[0] *= 2                      # groups=2 divides it
    if isinstance(init, DeltaOrthogonal):
        shape[0] += shape[1]               # out >= in
    bound = st.none() | st.integers(-8, 8)
    slices = [slice(draw(bound), draw(bound), draw(st.none() | st.integers(1, 4)))
              for _ in range(draw(st.integers(0, ndim)))]
    return tuple(shape), tuple(slices)


@pytest.mark.parametrize("init", SLICEABLE, ids=lambda o: type(o).__name__)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_any_slice_equals_that_slice_of_the_whole(init, data):
    shape, index = data.draw(shape_and_index(init))
    dtype = np.dtype(np.float32)
    whole = _backend.to_host(init._generate(shape, dtype, KEY, None))
    normalized = _random.normalize_index(shape, index)
    part = _backend.to_host(init._generate(shape, dtype, KEY, normalized))
    assert part.shape == whole[index].shape
    np.testing.assert_array_equal(part, whole[index])


@pytest.mark.parametrize("init", [Normal(), XavierUniform(), Sparse(0.2), Orthogonal(),
                                  NumpyNormal()], ids=lambda o: type(o).__name__)
def test_chunks_materialized_apart_assemble_the_whole(xp, init):
    shape = (10, 7)
    whole = values_of(init, shape)
    pieces = []
    for rows in (slice(0, 3), slice(3, 9), slice(9, 10)):
        _random.set_seed(SEED)
        pieces.append(initializer(init, shape).init_data(index=(rows,)).asnumpy())
    np.testing.assert_array_equal(np.concatenate(pieces), whole)
    _random.set_seed(SEED)
    strided = initializer(init, shape).init_data(index=(slice(1, None, 3), slice(None, None, 2)))
    np.testing.assert_array_equal(strided.asnumpy(), whole[1::3, ::2])


# ----------------------------------------------------------------------------- backend table

TABLE = [Zero(), One(), Constant(0.5), Uniform(), Normal(), TruncatedNormal(), XavierUniform(),
         XavierNormal(), HeUniform(), HeNormal(), LecunUniform(), LecunNormal(),
         VarianceScaling(), Orthogonal(), DeltaOrthogonal(), Dirac(), Identity(), Sparse(0.3),
         NumpyNormal()]
SHAPES = [(16, 8), (8, 4, 3, 3), (4, 2, 3, 3, 3), (6, 6, 5)]


def _fits(init, shape):
    if isinstance(init, (Identity, Sparse)):
        return len(shape) == 2
    if isinstance(init, (Dirac, DeltaOrthogonal)):
        return len(shape) in (3, 4, 5)
    return True


@pytest.mark.parametrize("dtype", [F16, F32, F64], ids=str)
@pytest.mark.parametrize(("init", "shape"), [
    pytest.param(init, shape, id=f"{type(init).__name__}-{shape}")
    for init in TABLE for shape in SHAPES if _fits(init, shape)])
def test_table_shape_dtype_backend_finite(xp, init, shape, dtype):
    t = initializer(init, shape, dtype)
    assert t.has_init and t.shape == shape and t.dtype is dtype
    t.init_data()
    array = t._array
    assert isinstance(array, xp.ndarray) and array.dtype == dtype.numpy_dtype
    assert array.shape == shape and array.flags.c_contiguous
    assert bool(xp.isfinite(array).all())


@pytest.mark.parametrize("init", TABLE[:-1], ids=lambda o: type(o).__name__)
def test_builtins_never_go_through_the_host(xp, init, monkeypatch):
    def refuse(array):
        raise AssertionError("a built-in initializer uploaded a host array")

    monkeypatch.setattr(_backend, "to_active", refuse)
    shape = (8, 4) if isinstance(init, (Identity, Sparse)) else (8, 4, 3)
    assert initializer(init, shape).init_data()._array.shape == shape


# ----------------------------------------------------------------------------- GPU vs CPU

LARGE = [
    (Uniform(), (1000, 1000), "exact"), (HeUniform(), (256, 64, 3, 3), "exact"),
    (Normal(0.2), (1000, 1000), "ulp"), (TruncatedNormal(1.0, 0.3, -1.0, 2.0), (1000, 1000), "ulp"),
    (VarianceScaling(), (512, 256, 3), "ulp"), (XavierNormal(), (333, 777), "ulp"),
    (Sparse(0.3, 0.1), (500, 400), "ulp"), (Orthogonal(), (256, 128), "qr"),
    (Orthogonal(0.5), (64, 32, 3, 3), "qr"), (DeltaOrthogonal(), (64, 32, 3, 3), "qr"),
    (Dirac(4), (64, 16, 5, 5), "exact"), (Identity(), (300, 200), "exact"),
    (NumpyNormal(), (100, 50), "exact"),
]


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
@pytest.mark.parametrize(("init", "shape", "how"), LARGE, ids=lambda v: type(v).__name__
                         if isinstance(v, Initializer) else None)
def test_cupy_reproduces_numpy_on_large_tensors(init, shape, how, dtype):
    np_dtype = dtype.numpy_dtype
    with _backend.use_backend("numpy"):
        cpu = init._generate(shape, np_dtype, KEY, None)
    with _backend.use_backend("cupy"):
        gpu = init._generate(shape, np_dtype, KEY, None)
        index = _random.normalize_index(shape, (slice(3, None, 5), slice(1, 40)))
        part = init._generate(shape, np_dtype, KEY, index)
    assert _backend.is_device_array(gpu)
    assert_close(_backend.to_host(gpu), cpu, how, dtype)
    np.testing.assert_array_equal(_backend.to_host(part), _backend.to_host(gpu)[index])


def test_sparse_ranks_columns_in_blocks_without_changing_values(monkeypatch):
    from gpuparam import _initializer_structured

    init, shape = Sparse(0.3), (9, 23)
    index = _random.normalize_index(shape, (slice(1, 8, 2), slice(2, None, 3)))
    whole = _backend.to_host(init._generate(shape, np.dtype(np.float32), KEY, None))
    monkeypatch.setattr(_initializer_structured, "_SCORE_BUDGET", 20)  # two columns a block
    blocked = _backend.to_host(init._generate(shape, np.dtype(np.float32), KEY, None))
    part = _backend.to_host(init._generate(shape, np.dtype(np.float32), KEY, index))
    np.testing.assert_array_equal(blocked, whole)
    np.testing.assert_array_equal(part, whole[index])
