"""Tests for gpuparam._random: seeds, keys, Philox layout, transforms, slicing, fit."""

from __future__ import annotations

import math
import os
import struct
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from gpuparam import _backend, _random
from gpuparam import _random_kernels as K

KEY = (0x0123456789ABCDEF, 0xFEDCBA9876543210)
FLOATS = (np.float16, np.float32, np.float64)
DISTS = {  # name -> (function, args after dtype)
    "uniform": (_random.uniform, (-0.5, 1.5)),
    "normal": (_random.normal, (0.25, 2.0)),
    "truncated_normal": (_random.truncated_normal, (0.0, 1.0, -2.0, 2.0)),
}


@pytest.fixture(autouse=True)
def _restore_seed():
    saved = (_random._seed, _random._count)
    yield
    _random._seed, _random._count = saved


def ulp_distance(a: np.ndarray, b: np.ndarray) -> int:
    """Largest distance between ``a`` and ``b`` in units of the last place of their dtype."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    ints = {2: np.int16, 4: np.int32, 8: np.int64}[a.itemsize]
    ia, ib = a.view(ints).astype(np.int64), b.view(ints).astype(np.int64)
    # map sign-magnitude to a monotone integer line
    top = np.int64(1) << (8 * a.itemsize - 1)
    ia = np.where(ia < 0, -(ia + top), ia)
    ib = np.where(ib < 0, -(ib + top), ib)
    return int(np.max(np.abs(ia - ib), initial=0))


# ----------------------------------------------------------------------------- seeds


@pytest.mark.parametrize("seed", [True, 1.0, "1", np.int64(1), np.uint64(1), None, [1]])
def test_set_seed_rejects_non_int(seed):
    with pytest.raises(TypeError, match=r"set_seed: `seed` must be an int"):
        _random.set_seed(seed)


@pytest.mark.parametrize("seed", [-1, 2**64, 2**70])
def test_set_seed_rejects_out_of_range(seed):
    with pytest.raises(ValueError, match=r"set_seed: `seed` must be an int in \[0, 2\*\*64\)"):
        _random.set_seed(seed)


@pytest.mark.parametrize("seed", [0, 1, 2**64 - 1])
def test_set_seed_accepts_range_ends(seed):
    _random.set_seed(seed)
    assert _random.get_seed() == seed


def _in_fresh_process(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True, env={**os.environ, "GPUPARAM_BACKEND": "numpy"}).stdout


def test_get_seed_is_none_before_set_seed_and_unseeded_keys_differ_per_process():
    code = ("from gpuparam import _random as r; print(r.get_seed()); "
            "print(r.next_key(), r.next_key()); print(r.get_seed())")
    first, second = _in_fresh_process(code).split("\n"), _in_fresh_process(code).split("\n")
    assert first[0] == second[0] == "None" and first[2] == "None"
    assert first[1] != second[1]  # a fresh random process seed each time


def test_pinned_key_derivation():
    _random.set_seed(1)
    assert _random.next_key() == (7434755675892716031, 10007452063617845036)
    assert _random.next_key() == (77803131892610477, 10173083693728128451)


def test_same_seed_same_keys_and_set_seed_restarts_the_count():
    _random.set_seed(1234)
    keys = [_random.next_key() for _ in range(5)]
    _random.set_seed(1234)
    assert [_random.next_key() for _ in range(5)] == keys
    assert len(set(keys)) == 5
    _random.set_seed(1235)
    assert _random.next_key() != keys[0]
    for key in keys:
        assert all(isinstance(w, int) and 0 <= w < 2**64 for w in key)


def test_neighbouring_keys_give_independent_values():
    _random.set_seed(7)
    a, b = (_random.normal(_random.next_key(), (200_000,), np.float64) for _ in range(2))
    assert not np.array_equal(a, b)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
    _random.set_seed(7)
    np.testing.assert_array_equal(_random.normal(_random.next_key(), (200_000,), np.float64), a)


def test_next_key_is_thread_safe():
    _random.set_seed(99)
    expected = {_random.next_key() for _ in range(800)}
    _random.set_seed(99)
    got: list = []

    def take() -> None:
        got.extend(_random.next_key() for _ in range(100))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 800 and set(got) == expected


# ----------------------------------------------------------------------------- Philox

M32 = np.uint64(0xFFFFFFFF)


def mulhilo64(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``__umul64hi(a, b)`` and ``a * b``, through 32-bit halves as the hardware does."""
    a0, a1, b0, b1 = a & M32, a >> np.uint64(32), b & M32, b >> np.uint64(32)
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> np.uint64(32)) + (p01 & M32) + (p10 & M32)
    hi = p11 + (p01 >> np.uint64(32)) + (p10 >> np.uint64(32)) + (mid >> np.uint64(32))
    return hi, a * b


def kernel_philox(counter: list[np.ndarray], key: tuple[int, int]) -> list[np.ndarray]:
    """A NumPy transcription of the kernel's ``philox()``, line by line."""
    c = [np.asarray(w, np.uint64) for w in counter]
    k0, k1 = (np.full_like(c[0], k) for k in key)  # arrays: uint64 wraps without warnings
    m0, m1 = (np.full_like(c[0], m) for m in K.PHILOX_M)
    w0, w1 = (np.full_like(c[0], w) for w in K.PHILOX_W)
    for rnd in range(10):
        if rnd > 0:
            k0, k1 = k0 + w0, k1 + w1
        hi0, lo0 = mulhilo64(m0, c[0])
        hi1, lo1 = mulhilo64(m1, c[2])
        c = [hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0]
    return c


def test_transcription_mirrors_the_cuda_source():
    src = K.CUDA_SOURCE
    for line in ("const u64 hi0 = __umul64hi(PHILOX_M0, c[0]), lo0 = PHILOX_M0 * c[0];",
                 "const u64 hi1 = __umul64hi(PHILOX_M1, c[2]), lo1 = PHILOX_M1 * c[2];",
                 "const u64 n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;",
                 "c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;",
                 "if (round > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }",
                 "for (int round = 0; round < 10; ++round)",
                 "c[0] = (u64)block + 1; c[1] = stream; c[2] = 0; c[3] = 0;",
                 f"#define PHILOX_M0 {K.PHILOX_M[0]:#X}ULL".replace("0X", "0x"),
                 f"#define PHILOX_M1 {K.PHILOX_M[1]:#X}ULL".replace("0X", "0x"),
                 f"#define PHILOX_W0 {K.PHILOX_W[0]:#X}ULL".replace("0X", "0x"),
                 f"#define PHILOX_W1 {K.PHILOX_W[1]:#X}ULL".replace("0X", "0x"),
                 # the transforms' constants, shared with the NumPy engine
                 f"__ull2double_rn(bits >> {K.NORMAL_SHIFT}), 0.5), 0x1p-52)",
                 f"p = fmin(__dadd_rn(__dmul_rn(u, p3), p2), {K.P_MAX.hex()});",
                 "struct F16 {\n  typedef unsigned short T;  // IEEE half bits, so that no header "
                 "is needed\n  static const int SHIFT = 40;",
                 "struct F32 {\n  typedef float T;\n  static const int SHIFT = 40;",
                 "struct F64 {\n  typedef double T;\n  static const int SHIFT = 11;"):
        assert line in src, line
    assert [K.UNIFORM_SHIFT[np.dtype(t)] for t in FLOATS] == [40, 40, 11]
    assert all(len(c) == 8 for c in (K.AS241_A, K.AS241_B, K.AS241_C, K.AS241_D, K.AS241_E,
                                     K.AS241_F))
    assert K.AS241_A[0] == 2509.0809287301226727 and K.AS241_F[-1] == 1.0


def test_mulhilo_transcription_against_python_ints():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**64, 1000, dtype=np.uint64, endpoint=False)
    b = rng.integers(0, 2**64, 1000, dtype=np.uint64, endpoint=False)
    a[:3], b[:3] = 2**64 - 1, [2**64 - 1, 0, 1]
    hi, lo = mulhilo64(a, b)
    for x, y, h, l in zip(a.tolist(), b.tolist(), hi.tolist(), lo.tolist()):
        assert (h, l) == divmod(x * y, 2**64)


@pytest.mark.parametrize("key", [(0, 0), (1, 2), KEY, (2**64 - 1, 2**64 - 1)])
@pytest.mark.parametrize("counter", [[0, 0, 0, 0], [41, 3, 0, 0], [2**64 - 1, 7, 0, 0],
                                     [2**64 - 1, 2**64 - 1, 5, 0],
                                     [2**64 - 1, 2**64 - 1, 2**64 - 1, 9]])
def test_kernel_philox_equals_numpy_philox_including_carry(key, counter):
    bitgen = np.random.Philox(key=np.array(key, np.uint64), counter=np.array(counter, np.uint64))
    raw = bitgen.random_raw(12).reshape(3, 4)
    value = sum(w << (64 * i) for i, w in enumerate(counter))
    for block in range(3):  # NumPy increments the 256-bit counter (with carry) first
        c = value + block + 1
        words = [np.array([(c >> (64 * i)) % 2**64], np.uint64) for i in range(4)]
        got = [int(w[0]) for w in kernel_philox(words, key)]
        assert got == raw[block].tolist()


def kernel_bits(key, stream: int, offsets: np.ndarray) -> np.ndarray:
    """Bits the kernel draws for whole-tensor offsets: word w % 4 of block w // 4 + 1."""
    offsets = np.asarray(offsets, np.uint64)
    words = kernel_philox([offsets // np.uint64(4) + np.uint64(1),
                           np.full_like(offsets, stream), np.zeros_like(offsets),
                           np.zeros_like(offsets)], key)
    return np.choose((offsets % np.uint64(4)).astype(np.intp), words)


@pytest.mark.parametrize("stream", [0, 1, 2**64 - 1])
def test_numpy_path_uses_the_kernel_layout(stream):
    whole = _random.uniform(KEY, (13, 11), np.float64, stream=stream)
    bits = kernel_bits(KEY, stream, np.arange(13 * 11))
    np.testing.assert_array_equal(whole.reshape(-1), (bits >> np.uint64(11)) * 2.0**-53)


def kernel_offsets(n: int, base: int, sizes: list[int], strides: list[int]) -> list[int]:
    """A transcription of the kernel's index walk (unravel once per quad, then step)."""
    nd, out = len(sizes), []
    for r0 in range(0, n, 4):
        j, w, rem = [0] * nd, base, r0
        for d in reversed(range(nd)):
            j[d] = rem if d == 0 else rem % sizes[d]
            rem = rem if d == 0 else rem // sizes[d]
            w += j[d] * strides[d]
        for e in range(4):
            if r0 + e >= n:
                break
            out.append(w)
            for d in reversed(range(nd)):
                j[d] += 1
                w += strides[d]
                if d == 0 or j[d] < sizes[d]:
                    break
                w -= j[d] * strides[d]
                j[d] = 0
    return out


@pytest.mark.parametrize("shape,index", [
    ((7, 9), (slice(1, 6, 2), slice(0, 9, 4))),
    ((5, 6, 7), (slice(None), slice(2, 5), slice(1, 7, 3))),
    ((4, 3, 5, 2), (slice(1, 4), slice(None), slice(0, 5, 2))),
    ((33,), (slice(3, 30, 5),)),
    ((8, 8), None),
])
def test_kernel_index_walk_matches_layout(shape, index):
    index = _random.normalize_index(shape, index)
    flat_index = np.arange(math.prod(shape)).reshape(shape)[index].reshape(-1)
    base, sizes, strides = _random._layout(shape, index)
    assert kernel_offsets(flat_index.size, base, sizes, strides) == flat_index.tolist()


@pytest.mark.parametrize("name,dist", [("uniform", "uniform"), ("normal", "normal"),
                                       ("truncated_normal", "truncnorm")])
def test_kernel_emulation_equals_the_numpy_engine(name, dist, monkeypatch):
    """The kernel's walk and Philox (transcribed) feed the transform the same words."""
    shape, index = (9, 10, 11), (slice(1, 8, 3), slice(2, 10), slice(0, 11, 5))
    captured = {}
    monkeypatch.setattr(K, "numpy_generate", lambda *args: captured.update(args=args))
    _draw(name, shape, np.float32, index=index, stream=3)
    _, key, stream, out, layout, params, clamp = captured["args"]
    offsets = kernel_offsets(out.size, *layout)
    bits = kernel_bits(key, stream, np.array(offsets))
    K.np_transform(dist, bits, out.reshape(-1), params, clamp,
                   [np.empty(out.size) for _ in range(5)])
    monkeypatch.undo()
    assert out.tobytes() == _draw(name, shape, np.float32, index=index, stream=3).tobytes()


# ----------------------------------------------------------------------------- transforms

def round_to(value: float, dtype) -> float:
    """Round a Python float once to ``dtype`` with struct (IEEE round-to-nearest-even)."""
    code = {np.float16: "e", np.float32: "f", np.float64: "d"}[dtype]
    return struct.unpack(code, struct.pack(code, value))[0]


def py_horner(coefs, r: float) -> float:
    t = coefs[0]
    for c in coefs[1:]:
        t = t * r + c
    return t


def py_ppnd16(p: float) -> float:
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * py_horner(K.AS241_A, r) / py_horner(K.AS241_B, r)
    r = math.sqrt(-math.log(p if q < 0 else 1.0 - p))
    if r <= 5.0:
        x = py_horner(K.AS241_C, r - 1.6) / py_horner(K.AS241_D, r - 1.6)
    else:
        x = py_horner(K.AS241_E, r - 5.0) / py_horner(K.AS241_F, r - 5.0)
    return -x if q < 0 else x


def test_ppnd16_is_accurate_over_the_whole_range():
    p = np.concatenate([np.linspace(1e-6, 1 - 1e-6, 20001), np.logspace(-320, -1, 2000),
                        1 - np.logspace(-16, -1, 200)])
    x = K.np_ppnd16(p, np.empty_like(p), *(np.empty_like(p) for _ in range(3)))
    np.testing.assert_allclose(x, special.ndtri(p), rtol=2e-15, atol=0)


def _bits(n: int) -> list[int]:
    bits = np.random.Philox(key=np.array(KEY, np.uint64)).random_raw(n).tolist()
    return bits + [0, 2**64 - 1, 2**63, 0xFFFFFF0000000000, 0xFFFFFFFFFFFFF000]


@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_transform_matches_python(dtype):
    low, high = -0.75, 2.5
    shift = 11 if dtype == np.float64 else 40
    scale = (high - low) * 2.0 ** -(64 - shift)
    bits = _bits(64)
    out = np.empty(len(bits), dtype)
    params, clamp = (scale, low), _random._bounds("t", np.dtype(dtype), low, high, True, "x")
    K.np_transform("uniform", np.array(bits, np.uint64), out, params, clamp,
                   [np.empty(len(bits)) for _ in range(5)])
    expected = [min(round_to((b >> shift) * scale + low, dtype), clamp[1]) for b in bits]
    assert out.tolist() == expected
    assert out.max() < high


def test_float16_is_rounded_once_from_float64():
    # via float32 these would first round to a float16 tie, then to even: the wrong side
    tricky = {1 + 2**-11 + 2**-30: 1 + 2**-10, -(1 + 2**-11 + 2**-30): -(1 + 2**-10),
              2**-24 * 1.5 + 2**-50: 2**-23, 2**-26: 0.0, 65519.99: 65504.0, 65520.0: math.inf}
    for value, expected in tricky.items():
        out = np.empty(4, np.float16)  # uniform with scale 0: exactly `value`, then rounded
        K.np_transform("uniform", np.arange(4, dtype=np.uint64), out, (0.0, value), None,
                       [np.empty(4) for _ in range(5)])
        assert out.tolist() == [expected] * 4
        if math.isfinite(expected):
            assert round_to(value, np.float16) == expected


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("dist", ["normal", "truncnorm"])
def test_normal_transforms_match_python(dist, dtype):
    mean, std, plo, d = 0.3, 1.7, 0.001, 0.998
    bits = _bits(200)
    out = np.empty(len(bits), dtype)
    params = (mean, std) if dist == "normal" else (mean, std, plo, d)
    K.np_transform(dist, np.array(bits, np.uint64), out, params, None,
                   [np.empty(len(bits)) for _ in range(5)])
    expected = []
    for b in bits:
        u = ((b >> 12) + 0.5) * 2.0**-52
        p = u if dist == "normal" else min(u * d + plo, 1.0 - 2.0**-53)
        expected.append(round_to(py_ppnd16(p) * std + mean, dtype))
    # np.log and math.log may differ in the last bit: 1 ulp (2 for float64) in the tails
    assert ulp_distance(out, np.array(expected, dtype)) <= (2 if dtype == np.float64 else 1)
    central = [i for i, b in enumerate(bits) if abs(((b >> 12) + 0.5) * 2.0**-52 - 0.5) < 0.4]
    assert out[central].tolist() == [expected[i] for i in central]


# ----------------------------------------------------------------------------- NVRTC

def test_kernel_source_compiles_with_nvrtc():
    try:
        ptx = _backend.nvrtc_compile(K.CUDA_SOURCE, K.CUDA_OPTIONS)
    except RuntimeError as exc:
        unavailable = "not installed" in str(exc) or "not usable" in str(exc)
        if unavailable and os.environ.get("GPUPARAM_REQUIRE_NVRTC") != "1":
            pytest.skip(f"NVRTC unavailable: {exc}")
        raise
    text = ptx.decode() if isinstance(ptx, bytes) else ptx
    for dist in ("uniform", "normal", "truncnorm"):
        for dtype in FLOATS:
            assert f".entry {K.kernel_name(dist, np.dtype(dtype))}(" in text
    assert ".local" not in text  # the index walk stays in registers


# ----------------------------------------------------------------------------- statistics

N_FIT = 200_000


def _fit(sample: np.ndarray, cdf) -> float:
    return stats.kstest(sample.astype(np.float64), cdf).pvalue


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_uniform_fits(dtype):
    x = _random.uniform(KEY, (N_FIT,), dtype, -1.5, 2.5)
    assert x.dtype == dtype and -1.5 <= float(x.min()) and float(x.max()) < 2.5
    assert _fit(x, stats.uniform(-1.5, 4.0).cdf) > 1e-3


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normal_fits(dtype):
    x = _random.normal(KEY, (N_FIT,), dtype, 0.3, 2.0)
    assert x.dtype == dtype
    assert _fit(x, stats.norm(0.3, 2.0).cdf) > 1e-3


TRUNCATIONS = {  # mean, std, a, b
    "standard": (0.0, 1.0, -2.0, 2.0),
    "upper_tail": (0.0, 1.0, 2.0, 3.0),
    "lower_tail": (0.0, 1.0, -3.5, -2.5),
    "tiny_sigma": (0.0, 1e-3, -2e-3, 2e-3),
    "asymmetric": (0.5, 1.5, -1.0, 3.0),
    "shifted_mean": (5.0, 2.0, 4.0, 9.0),
    "far_tail": (0.0, 1.0, 10.0, 12.0),
    "one_sided": (1.0, 0.5, 1.2, math.inf),
    "narrow": (0.0, 1.0, 0.5, 0.5001),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", list(TRUNCATIONS))
def test_truncated_normal_fits_and_stays_inside(case, dtype):
    mean, std, a, b = TRUNCATIONS[case]
    x = _random.truncated_normal(KEY, (N_FIT,), dtype, mean, std, a, b)
    assert x.dtype == dtype and a <= float(x.min()) and float(x.max()) <= b  # exact compare
    dist = stats.truncnorm((a - mean) / std, (b - mean) / std, loc=mean, scale=std)
    assert _fit(x, dist.cdf) > 1e-3


def test_truncated_normal_hits_no_bound_spuriously():
    # clipping would pile mass on the bounds; exact sampling almost never reaches them
    x = _random.truncated_normal(KEY, (N_FIT,), np.float64, 0.0, 1.0, -2.0, 2.0)
    assert np.count_nonzero((x == -2.0) | (x == 2.0)) == 0


def test_truncated_normal_beyond_the_float64_tail_is_a_clear_error():
    with pytest.raises(ValueError, match=r"truncated_normal: `\(a, b\)` must be an interval "
                                         r"reaching within 37.5 standard deviations"):
        _random.truncated_normal(KEY, (4,), np.float32, 0.0, 1.0, 40.0, 41.0)
    x = _random.truncated_normal(KEY, (1000,), np.float64, 0.0, 1.0, 36.0, 37.0)
    assert 36.0 <= float(x.min()) and float(x.max()) <= 37.0
    assert x.mean() < 36.1  # the mass hugs the near bound


def test_truncated_normal_with_zero_std():
    x = _random.truncated_normal(KEY, (5,), np.float32, 0.5, 0.0, 0.0, 1.0)
    np.testing.assert_array_equal(x, np.full(5, 0.5, np.float32))
    with pytest.raises(ValueError, match=r"truncated_normal: `mean` must be within \[a, b\]"):
        _random.truncated_normal(KEY, (5,), np.float32, 2.0, 0.0, 0.0, 1.0)


def test_uniform_never_rounds_up_to_high():
    # a quarter of the top float16 half-ulp below 2.0 would round to 2.0 without the fix-up
    x = _random.uniform(KEY, (N_FIT,), np.float16, 1.0, 2.0)
    top = np.nextafter(np.float16(2.0), np.float16(0.0))
    assert x.max() == top and np.count_nonzero(x == top) > 20
    y = _random.uniform(KEY, (N_FIT,), np.float16, 0.1, 0.2)   # 0.1 rounds below 0.1
    assert float(y.min()) >= 0.1 and float(y.max()) < 0.2      # Python floats: exact
    z = _random.uniform(KEY, (N_FIT,), np.float32, 0.0, 1.0)
    np.testing.assert_array_equal(z * np.float32(2**24), np.round(z * np.float32(2**24)))


def test_uniform_degenerate_interval():
    np.testing.assert_array_equal(_random.uniform(KEY, (3,), np.float32, 0.25, 0.25),
                                  np.full(3, 0.25, np.float32))
    for low, high in [(1.0 + 1e-10, 1.0 + 2e-10), (0.1, 0.1)]:  # no float32 value inside
        with pytest.raises(ValueError, match=r"uniform: `\(low, high\)` must be an interval "
                                             r"holding a float32 value"):
            _random.uniform(KEY, (3,), np.float32, low, high)


def test_values_beyond_the_dtype_range():
    with pytest.raises(ValueError, match=r"uniform: `\(low, high\)` must be finite bounds "
                                         r"within the float16 range"):
        _random.uniform(KEY, (3,), np.float16, 0.0, 1e6)
    with pytest.raises(ValueError, match=r"truncated_normal: `\(a, b\)` must be finite bounds"):
        _random.truncated_normal(KEY, (3,), np.float16, 0.0, 1e5, -1e5, 1e5)
    # unbounded draws overflow to inf silently, on both backends
    x = _random.normal(KEY, (1000,), np.float16, 0.0, 1e5)
    assert np.isinf(x).any() and not np.isnan(x).any()
    y = _random.truncated_normal(KEY, (1000,), np.float16, 0.0, 1e5, 0.0, math.inf)
    assert float(y.min()) >= 0.0 and np.isinf(y).any()


# ----------------------------------------------------------------------------- slicing

def _draw(name: str, shape, dtype, index=None, stream=0):
    fn, args = DISTS[name]
    return fn(KEY, shape, dtype, *args, index=index, stream=stream)


_bound = st.one_of(st.none(), st.integers(-12, 12))
_slice = st.builds(slice, _bound, _bound, st.one_of(st.none(), st.integers(1, 5)))


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(0, 9), min_size=1, max_size=4).map(tuple), data=st.data(),
       name=st.sampled_from(sorted(DISTS)), dtype=st.sampled_from(FLOATS))
def test_any_slice_equals_the_slice_of_the_whole(shape, data, name, dtype):
    n = data.draw(st.integers(0, len(shape)))
    index = tuple(data.draw(_slice) for _ in range(n))
    whole = _draw(name, shape, dtype)
    part = _draw(name, shape, dtype, index=index)
    expected = whole[index]
    assert part.shape == expected.shape and part.dtype == expected.dtype
    assert part.tobytes() == expected.tobytes()


@pytest.mark.parametrize("name", sorted(DISTS))
@pytest.mark.parametrize("index", [
    (slice(100, 164),),                       # a row block
    (slice(None), slice(200, 232)),           # a column block
    (slice(3, None, 7), slice(1, 500, 3)),    # strided both ways
    (slice(250, 251), slice(499, 500)),       # one element
])
def test_blocks_of_a_matrix(name, index):
    whole = _draw(name, (300, 500), np.float32)
    assert _draw(name, (300, 500), np.float32, index=index).tobytes() == whole[index].tobytes()


@pytest.mark.parametrize("name", sorted(DISTS))
def test_values_do_not_depend_on_chunks_threads_or_strategy(name, monkeypatch):
    shape, index = (6, 40, 50), (slice(1, 5), slice(3, 37, 2), slice(5, 45))
    whole, part = _draw(name, shape, np.float64), _draw(name, shape, np.float64, index=index)
    for chunk, run_cost, workers in [(16, 0, 3), (1000, 10**9, 2), (37, 7, 1), (5000, 300, 8)]:
        monkeypatch.setattr(K, "_CHUNK", chunk)
        monkeypatch.setattr(K, "_RUN_COST", run_cost)
        monkeypatch.setattr(K, "_WORKERS", workers)
        monkeypatch.setattr(K, "_local", threading.local())
        assert _draw(name, shape, np.float64).tobytes() == whole.tobytes()
        assert _draw(name, shape, np.float64, index=index).tobytes() == part.tobytes()


def test_concurrent_callers_get_the_same_values():
    expected = [_draw("normal", (64, 1000), np.float32, stream=s) for s in range(6)]
    got: dict = {}

    def job(s: int) -> None:
        got[s] = _draw("normal", (64, 1000), np.float32, stream=s)

    threads = [threading.Thread(target=job, args=(s,)) for s in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in range(6):
        assert got[s].tobytes() == expected[s].tobytes()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_can_still_generate():
    expected = _draw("uniform", (512, 1024), np.float32)   # starts the thread pool here
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: must not wait on the parent's (absent) pool threads
        ok = _draw("uniform", (512, 1024), np.float32).tobytes() == expected.tobytes()
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1" and status == 0
    os.close(read)


def test_a_small_slice_of_a_huge_tensor_draws_little(monkeypatch):
    drawn = []
    original = K._Worker.run

    def counting(self, key, stream, start, count):
        drawn.append(count)
        return original(self, key, stream, start, count)

    monkeypatch.setattr(K._Worker, "run", counting)
    shape = (100_000, 100_000, 3)  # 3e10 elements: the whole could not even be allocated
    part = _random.normal(KEY, shape, np.float32, index=(slice(5, 9), slice(10, 20, 3)))
    assert part.shape == (4, 4, 3) and sum(drawn) < 1000
    drawn.clear()
    column = _random.uniform(KEY, shape, np.float32, index=(slice(0, 2000), slice(7, 8)))
    assert column.shape == (2000, 1, 3) and sum(drawn) < 100_000
    offsets = (np.arange(2000)[:, None] * 300_000 + 21 + np.arange(3)).reshape(-1)
    expected = (kernel_bits(KEY, 0, offsets) >> np.uint64(40)) * 2.0**-24
    np.testing.assert_array_equal(column.reshape(-1), expected.astype(np.float32))


def test_streams_are_independent():
    a, b = (_draw("uniform", (100_000,), np.float64, stream=s) for s in (0, 1))
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.02


def test_more_dims_than_the_kernel_walks():
    shape, index = (4,) * 8, (slice(0, 3), slice(1, 4)) * 4   # 8 dims that cannot merge
    base, sizes, strides = _random._layout(shape, _random.normalize_index(shape, index))
    assert len(sizes) > K.MAX_DIMS
    whole = _draw("uniform", shape, np.float32)
    assert _draw("uniform", shape, np.float32, index=index).tobytes() == whole[index].tobytes()


@pytest.mark.parametrize("shape,index,expected", [
    ((4, 6), None, (slice(0, 4, 1), slice(0, 6, 1))),
    ((4, 6), slice(1, 3), (slice(1, 3, 1), slice(0, 6, 1))),
    ((4, 6), (slice(-3, None), slice(None, None, 4)), (slice(1, 4, 1), slice(0, 5, 4))),
    ((4, 6), (slice(10, 20), slice(5, 2)), (slice(4, 4, 1), slice(5, 5, 1))),
    ((4,), (slice(np.int64(1), None, np.int32(2)),), (slice(1, 4, 2),)),
])
def test_normalize_index(shape, index, expected):
    assert _random.normalize_index(shape, index) == expected


@pytest.mark.parametrize("index,error", [
    (1, TypeError), (Ellipsis, TypeError), ((slice(None), 0), TypeError),
    ([slice(None)], TypeError), (np.arange(2), TypeError), ((None,), TypeError),
    (slice(0, 2.0), TypeError), (slice(True, 2), TypeError),
    (slice(None, None, -1), ValueError), (slice(None, None, 0), ValueError),
    ((slice(None),) * 3, ValueError),
])
def test_normalize_index_rejects(index, error):
    with pytest.raises(error, match="normalize_index: `index` must be"):
        _random.normalize_index((4, 6), index)
    with pytest.raises(error, match="uniform: `index` must be"):
        _random.uniform(KEY, (4, 6), np.float32, index=index)


# ----------------------------------------------------------------------------- arguments

@pytest.mark.parametrize("call,error,pattern", [
    (lambda: _random.uniform(KEY, (2,), np.int32), TypeError, "uniform: `dtype` must be a float"),
    (lambda: _random.normal(KEY, (2,), "int8"), TypeError, "normal: `dtype` must be a float"),
    (lambda: _random.normal(KEY, (2,), None), TypeError, "normal: `dtype` must be a float"),
    (lambda: _random.truncated_normal(KEY, (2,), np.complex64), TypeError,
     "truncated_normal: `dtype` must be a float"),
    (lambda: _random.normal(KEY, (2,), np.float32, 0.0, -1.0), ValueError,
     "normal: `std` must be a number >= 0"),
    (lambda: _random.truncated_normal(KEY, (2,), np.float32, 0.0, -1.0), ValueError,
     "truncated_normal: `std` must be a number >= 0"),
    (lambda: _random.truncated_normal(KEY, (2,), np.float32, 0.0, 1.0, 1.0, 1.0), ValueError,
     "truncated_normal: `b` must be a number > a"),
    (lambda: _random.truncated_normal(KEY, (2,), np.float32, 0.0, 1.0, "a"), TypeError,
     "truncated_normal: `a` must be a real number"),
    (lambda: _random.truncated_normal(KEY, (2,), np.float32, 0.0, 1.0, -1.0, math.nan),
     TypeError, "truncated_normal: `b` must be a real number"),
    (lambda: _random.uniform(KEY, (2,), np.float32, 1.0, 0.0), ValueError,
     "uniform: `high` must be a number >= low"),
    (lambda: _random.uniform(KEY, (2,), np.float32, -1e308, 1e308), ValueError,
     "uniform: `high` must be within float64 range"),
    (lambda: _random.uniform(KEY, (2,), np.float32, math.inf), ValueError,
     "uniform: `low` must be a finite number"),
    (lambda: _random.normal(KEY, (2,), np.float32, True), TypeError,
     "normal: `mean` must be a real number"),
    (lambda: _random.uniform([1, 2], (2,), np.float32), TypeError, "uniform: `key` must be"),
    (lambda: _random.uniform((1, 2.0), (2,), np.float32), TypeError, "uniform: `key` must be"),
    (lambda: _random.uniform((1, 2**64), (2,), np.float32), ValueError, "uniform: `key` must be"),
    (lambda: _random.uniform(KEY, (2, -1), np.float32), ValueError, "uniform: `shape` must"),
    (lambda: _random.uniform(KEY, "2", np.float32), TypeError, "uniform: `shape` must"),
    (lambda: _random.normal(KEY, (2,), np.float32, stream=-1), ValueError,
     "normal: `stream` must be an int >= 0"),
    (lambda: _random.normal(KEY, (2,), np.float32, stream=1.0), TypeError,
     "normal: `stream` must be an int"),
    (lambda: _random.normal(KEY, (2,), np.float32, stream=2**64), ValueError,
     "normal: `stream` must be an int in"),
])
def test_bad_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_accepted_dtype_spellings_and_shapes():
    from gpuparam import _dtype

    for spelling in ("float32", np.float32, np.dtype("float32"), _dtype.float32):
        assert _random.uniform(KEY, (2,), spelling).dtype == np.float32
    assert _random.normal(KEY, (), np.float64).shape == ()
    assert _random.normal(KEY, (3, 0, 2), np.float64).shape == (3, 0, 2)
    assert _random.normal(KEY, [2, 3], np.float64).shape == (2, 3)


# ----------------------------------------------------------------------------- golden values

GOLDEN_INDICES = [0, 5, 7, 12, 14, 20]  # normal: 5, 7, 14, 20 take AS241's log branch
GOLDEN = {  # values of draw(KEY, (3, 7), dtype, *DISTS[name][1]).reshape(-1)[GOLDEN_INDICES]
    ("uniform", np.float16): ["-0x1.2d0p-3", "-0x1.b00p-2", "-0x1.9e0p-2", "0x1.cb8p-1",
                              "0x1.7a0p+0", "0x1.218p+0"],
    ("uniform", np.float32): ["-0x1.2d1840p-3", "-0x1.b01f78p-2", "-0x1.9e05e8p-2",
                              "0x1.cb990cp-1", "0x1.79ea8ep+0", "0x1.217750p+0"],
    ("uniform", np.float64): ["-0x1.2d183f63e6c40p-3", "-0x1.b01f73686f5d4p-2",
                              "-0x1.9e05e403bf3f0p-2", "0x1.cb990c9fc5ea6p-1",
                              "0x1.79ea8ed3e769ap+0", "0x1.217751e379edep+0"],
    ("normal", np.float16): ["-0x1.9b8p+0", "-0x1.a34p+1", "-0x1.8a8p+1", "0x1.4acp+0",
                             "0x1.318p+2", "0x1.05cp+1"],
    ("normal", np.float32): ["-0x1.9b8e9ep+0", "-0x1.a32b5ep+1", "-0x1.8a89c2p+1",
                             "0x1.4ac40ep+0", "0x1.316594p+2", "0x1.05d892p+1"],
    ("normal", np.float64): ["-0x1.9b8e9e9136bd3p+0", "-0x1.a32b5ef490189p+1",
                             "-0x1.8a89c1c529da1p+1", "0x1.4ac40d95e0a93p+0",
                             "0x1.3165941c61939p+2", "0x1.05d891daab4c0p+1"],
    ("truncated_normal", np.float16): ["-0x1.bf4p-1", "-0x1.8e0p+0", "-0x1.7ccp+0",
                                       "0x1.fb0p-2", "0x1.d30p+0", "0x1.b0cp-1"],
    ("truncated_normal", np.float32): ["-0x1.bf342cp-1", "-0x1.8e11bcp+0", "-0x1.7cda8ep+0",
                                       "0x1.fb1c4ap-2", "0x1.d2e3fap+0", "0x1.b0c49ap-1"],
    ("truncated_normal", np.float64): ["-0x1.bf342b8c967ccp-1", "-0x1.8e11bc9188e87p+0",
                                       "-0x1.7cda8de2c7dcbp+0", "0x1.fb1c4adbc025ap-2",
                                       "0x1.d2e3fae52a5e8p+0", "0x1.b0c49905f2e14p-1"],
}


@pytest.mark.parametrize("name,dtype", list(GOLDEN))
def test_golden_values(xp, name, dtype):
    values = _backend.to_host(_draw(name, (3, 7), dtype)).reshape(-1)[GOLDEN_INDICES]
    expected = np.array([float.fromhex(h) for h in GOLDEN[name, dtype]], dtype)
    if name == "uniform":
        assert values.tobytes() == expected.tobytes()  # integer arithmetic only
    else:  # log may differ in its last bit between platforms
        assert ulp_distance(values, expected) <= (2 if dtype == np.float64 else 1)


# ----------------------------------------------------------------------------- GPU

GPU_CASES = [("uniform", (-0.5, 1.5)), ("normal", (0.25, 2.0)),
             ("truncated_normal", (0.0, 1.0, -2.0, 2.0)),
             ("truncated_normal", (0.0, 1.0, 2.0, 3.0)),
             ("truncated_normal", (0.0, 1e-3, -2e-3, 2e-3))]


def _both(name, args, shape, dtype, index=None, stream=0):
    fn = getattr(_random, name)
    with _backend.use_backend("cupy"):
        gpu = fn(KEY, shape, dtype, *args, index=index, stream=stream)
        assert _backend.is_device_array(gpu)
        gpu = _backend.to_host(gpu)
    with _backend.use_backend("numpy"):
        cpu = fn(KEY, shape, dtype, *args, index=index, stream=stream)
    assert gpu.shape == cpu.shape and gpu.dtype == cpu.dtype
    return gpu, cpu


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name,args", GPU_CASES)
def test_gpu_whole_tensors_match_numpy(name, args, dtype):
    for shape, stream in [((257, 1031), 0), ((4, 3, 5), 1), ((1_000_003,), 2)]:
        gpu, cpu = _both(name, args, shape, dtype, stream=stream)
        if name == "uniform":
            assert gpu.tobytes() == cpu.tobytes()
            continue
        assert ulp_distance(gpu, cpu) <= (4 if dtype == np.float64 else 1)
        if name == "normal":  # the central 85% needs no log: bit-identical there
            assert np.mean(gpu == cpu) > 0.84


@pytest.mark.gpu
@pytest.mark.parametrize("name,args", GPU_CASES[:3])
@pytest.mark.parametrize("index", [
    (slice(100, 164),), (slice(None), slice(200, 232)), (slice(3, None, 7), slice(1, 500, 3)),
    (slice(250, 251), slice(499, 500)), (slice(1, 2), slice(3, 7)),
])
def test_gpu_slices_match_the_whole(name, args, index):
    fn = getattr(_random, name)
    with _backend.use_backend("cupy"):
        whole = _backend.to_host(fn(KEY, (300, 500), np.float32, *args))
        part = _backend.to_host(fn(KEY, (300, 500), np.float32, *args, index=index))
    assert part.tobytes() == whole[index].tobytes()
    gpu, cpu = _both(name, args, (300, 500), np.float32, index=index)
    assert ulp_distance(gpu, cpu) <= (0 if name == "uniform" else 1)


@pytest.mark.gpu
def test_gpu_many_dims_and_odd_slices():
    shape, index = (4,) * 8, (slice(0, 3), slice(1, 4)) * 4   # 8 dims that cannot merge
    for name, args in GPU_CASES[:2]:
        gpu, cpu = _both(name, args, shape, np.float32, index=index)
        assert ulp_distance(gpu, cpu) <= (0 if name == "uniform" else 1)
    gpu, cpu = _both("uniform", (0.0, 1.0), (5, 9, 7), np.float16,
                     index=(slice(1, 5, 3), slice(2, 9), slice(0, 7, 2)))
    assert gpu.tobytes() == cpu.tobytes()


def test_open_unit_from_bits_equals_the_kernel_formula():
    edges = [0, 1, (1 << 12) - 1, 1 << 12, (1 << 12) + 1, 1 << 52, (1 << 63) - 1, 1 << 63,
             (1 << 63) + (1 << 12), 0x3FF0000000000000, 0x7FF0000000000000,
             0xFFF0000000000000, 0xAAAAAAAAAAAAAAAA, 0x5555555555555555, (1 << 64) - 4096,
             (1 << 64) - 1]
    rng = np.random.default_rng(11)
    bits = np.concatenate([np.array(edges, np.uint64),
                           rng.integers(0, 1 << 64, 100_000, np.uint64, endpoint=False)])
    expected = np.multiply((bits >> np.uint64(12)).astype(np.float64) + 0.5, 2.0 ** -52)
    got = K.np_open_unit(bits.copy(), np.empty(bits.size))
    assert got.tobytes() == expected.tobytes()
    for word, u in zip(edges, got[:len(edges)].tolist()):   # exact: (2k + 1) / 2**53
        assert u == ((word >> 12) * 2 + 1) / 2**53 and 0.0 < u < 1.0
