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
    for line in ("const u64 hi0 = __umul64hi(0xd2e7470ee14c6c93ULL, c[0]), "
                 "lo0 = 0xd2e7470ee14c6c93ULL * c[0];",
                 "const u64 hi1 = __umul64hi(0xca5a826395121157ULL, c[2]), "
                 "lo1 = 0xca5a826395121157ULL * c[2];",
                 "const u64 n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;",
                 "c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;",
                 "if (round > 0) { k0 += 0x9e3779b97f4a7c15ULL; k1 += 0xbb67ae8584caa73bULL; }",
                 "for (int round = 0; round < 10; ++round)",
                 "c[0] = (u64)block + 1; c[1] = stream; c[2] = 0; c[3] = 0;"):
        assert line in src, line


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
