"""Tests for gpuparam._random: seeds, keys, Philox layout, transforms, slicing, fit."""

from __future__ import annotations

import math
import os
import re
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
from gpuparam import _random_f32 as F32M
from gpuparam import _random_f64 as F64M
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
                 # the layouts: block counters, words and halves
                 "c[0] = (u64)block + 1; c[1] = stream; c[2] = 0; c[3] = 0;",
                 "u64 c[4] = {(u64)(first + i) + 1, stream, 0, 0};",
                 "v[e] = value32<DIST, O>((u32)(c[e >> 1] >> (32 * (e & 1))), p, lo, hi);",
                 "for (int e = 0; e < 4; ++e) v[e] = value64<DIST>(c[e], p, lo, hi);",
                 "const int word = V == 8 ? (int)((o >> 1) & 3) : (int)(o & 3);",
                 "return V == 8 ? (u64)(u32)(bits >> (32 * (o & 1))) : bits;",
                 f"#define PHILOX_M0 {K.PHILOX_M[0]:#X}ULL".replace("0X", "0x"),
                 f"#define PHILOX_M1 {K.PHILOX_M[1]:#X}ULL".replace("0X", "0x"),
                 f"#define PHILOX_W0 {K.PHILOX_W[0]:#X}ULL".replace("0X", "0x"),
                 f"#define PHILOX_W1 {K.PHILOX_W[1]:#X}ULL".replace("0X", "0x"),
                 # the float32 transforms, as _random_f32 performs them
                 f"return fadd(fmul(fmul(u2f(b >> {F32M.UNIFORM_SHIFT}), p[0]), p[2]), p[1]);",
                 "const u32 k = (b << 1) | 1u;",
                 "z = upper_quantile<false>(fmul(u2f(k), 0x1p-33f), fmul(u2f(0u - k), 0x1p-32f));",
                 "negative = (b >> 31) != 0;",
                 "const u32 k = b | 1u;",
                 "const float lower = fadd(fmul(fmul(u2f(k), 0x1p-32f), p[4]), p[2]);",
                 "const float upper = fadd(fmul(fmul(u2f(0u - k), 0x1p-32f), p[4]), p[3]);",
                 "negative = flt(lower, upper);",
                 "const float t = negative ? lower : upper;",
                 "z = upper_quantile<true>(t, fsub(1.0f, fadd(t, t)));",
                 "const float x = __int_as_float(__float_as_int(z) | (negative ? 0x80000000u : 0u));",
                 "return fadd(fmul(x, p[1]), p[0]);",
                 "if (DIST != NORMAL) v = fmax32(fmin32(v, hi), lo);",
                 "const float L = log32(fmul(t, fsub(1.0f, t)));",
                 "if (!GP_RARE(!flt(-W_TAIL, L))) {",
                 "return fmul(y, horner32(p, fadd(L, CENTRAL_C)));",
                 "const float s = fsqrt(fsub(0.0f, L));",
                 "if (FAR && flt(S_FAR, s)) {",
                 "return horner32(p, fsub(s, FAR_C));",
                 "return horner32(p, fsub(s, TAIL_C));",
                 f"const int ix = __float_as_int(a) - {F32M.SQRT_HALF_BITS:#X};".replace("0X", "0x"),
                 f"const float m = __int_as_float((ix & 0x007FFFFF) + {F32M.SQRT_HALF_BITS:#X});"
                 .replace("0X", "0x"),
                 "const float f = fsub(m, 1.0f);",
                 "return fadd(fmul(i2f(ix >> 23), LN2_F), fmul(f, horner32(q, f)));",
                 "float t = fadd(fmul(c[0], v), c[1]);",
                 "for (int i = 2; i < N; ++i) t = fadd(fmul(t, v), c[i]);",
                 # the float64 transforms, as _random_f64 performs them
                 f"__ull2double_rn(bits >> {F64M.UNIFORM_SHIFT}), p[0]), p[1]);",
                 f"__ull2double_rn(bits >> {F64M.NORMAL_SHIFT}), 0.5), 0x1p-52);",
                 f"q = fmin(__dadd_rn(__dmul_rn(u, p[3]), p[2]), {F64M.P_MAX.hex()});",
                 "return fmax(fmin(v, chi), clo);"):
        assert line in src, line
    for op in ("add.rn.f32", "sub.rn.f32", "mul.rn.f32", "sqrt.rn.f32", "cvt.rn.f32.u32",
               "cvt.rn.f32.s32", "cvt.rn.f16.f32", "min.f32", "max.f32", "setp.lt.f32"):
        assert f'asm("{op} ' in src or f"{op} p," in src, op
    assert all(len(c) == 9 for c in (F32M.LOG_Q, F32M.CENTRAL_P, F32M.TAIL_P, F32M.FAR_P))
    assert F32M.LOG_Q[-1] == 1.0 and float(F32M.W_TAIL) == 6.5
    assert float(F32M.S_FAR) == float(np.float32(math.sqrt(23.2)))
    assert float(F32M.LN2) == float(np.float32(math.log(2.0)))
    assert all(len(c) == 8 for c in (F64M.AS241_A, F64M.AS241_B, F64M.AS241_C, F64M.AS241_D,
                                     F64M.AS241_E, F64M.AS241_F))
    assert F64M.AS241_A[0] == 2509.0809287301226727 and F64M.AS241_F[-1] == 1.0


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


def kernel_bits(key, stream: int, offsets, per_word: int = 1) -> np.ndarray:
    """Bits the kernel's ``element_bits<V>`` draws for whole-tensor element offsets.

    ``per_word == 1`` (float64, V = 4): word ``o % 4`` of block ``o // 4``;
    ``per_word == 2`` (16/32-bit, V = 8): word ``(o >> 1) & 3`` of block ``o // 8``, its
    low half for even ``o`` and its high half for odd ``o``.
    """
    o = np.asarray(offsets, np.uint64)
    per_block = np.uint64(4 * per_word)
    words = kernel_philox([o // per_block + np.uint64(1), np.full_like(o, stream),
                           np.zeros_like(o), np.zeros_like(o)], key)
    which = (o >> np.uint64(1)) & np.uint64(3) if per_word == 2 else o % np.uint64(4)
    bits = np.choose(which.astype(np.intp), words)
    if per_word == 1:
        return bits
    return ((bits >> (np.uint64(32) * (o & np.uint64(1)))) & M32).astype(np.uint32)


@pytest.mark.parametrize("stream", [0, 1, 2**64 - 1])
def test_numpy_path_uses_the_kernel_layout(stream):
    whole = _random.uniform(KEY, (13, 11), np.float64, stream=stream)
    bits = kernel_bits(KEY, stream, np.arange(13 * 11))
    np.testing.assert_array_equal(whole.reshape(-1), (bits >> np.uint64(11)) * 2.0**-53)
    single = _random.uniform(KEY, (13, 11), np.float32, stream=stream)   # 2**-24: exact
    halves = kernel_bits(KEY, stream, np.arange(13 * 11), per_word=2)
    np.testing.assert_array_equal(single.reshape(-1), (halves >> 8) * 2.0**-24)


def test_eight_float32_values_per_philox_block_low_half_first():
    words = np.random.Philox(key=np.array(KEY, np.uint64)).random_raw(4)   # block 1
    x = _random.uniform(KEY, (8,), np.float32)
    expected = [((int(w) >> shift) & 0xFFFFFFFF) >> 8 for w in words for shift in (0, 32)]
    assert (x * np.float32(2**24)).astype(np.int64).tolist() == expected


def kernel_offsets(n: int, base: int, sizes: list[int], strides: list[int]) -> list[int]:
    """A transcription of the strided kernels' index walk (unravel once per quad, then step)."""
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


def contig_offsets(n: int, base: int, per_block: int) -> dict[int, int]:
    """A transcription of ``contig32``/``contig64``: result index -> flat offset written."""
    first, written = base // per_block, {}
    for i in range((base + n + per_block - 1) // per_block - first):
        r0 = (first + i) * per_block - base
        for e in range(per_block):
            if 0 <= r0 + e < n:
                assert r0 + e not in written   # each result is written once
                written[r0 + e] = (first + i) * per_block + e
    return written


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


@pytest.mark.parametrize("base", [0, 1, 3, 5, 7, 8, 13, 2**40 + 3])
@pytest.mark.parametrize("n", [1, 2, 7, 8, 9, 23, 64])
@pytest.mark.parametrize("per_block", [4, 8])
def test_contiguous_kernel_writes_every_result_once(base, n, per_block):
    assert contig_offsets(n, base, per_block) == {r: base + r for r in range(n)}


ENGINE_CASES = [  # shape, index: strided, contiguous at odd offsets, whole
    ((9, 10, 11), (slice(1, 8, 3), slice(2, 10), slice(0, 11, 5))),
    ((9, 10, 11), (slice(2, 7),)),
    ((5, 13), (slice(1, 2), slice(3, 12))),
    ((3, 7), None),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name,dist", [("uniform", "uniform"), ("normal", "normal"),
                                       ("truncated_normal", "truncnorm")])
@pytest.mark.parametrize("shape,index", ENGINE_CASES)
def test_kernel_emulation_equals_the_numpy_engine(shape, index, name, dist, dtype, monkeypatch):
    """The kernels' walks and Philox (transcribed) feed the transform the same bits."""
    captured = {}
    monkeypatch.setattr(K, "numpy_generate", lambda *args: captured.update(args=args))
    _draw(name, shape, dtype, index=index, stream=3)
    _, key, stream, out, layout, params, clamp = captured["args"]
    per_word = K.values_per_word(dtype)
    base, sizes, strides = layout
    name_used, _, _ = K.kernel_args(dist, key, stream, out, layout, params, clamp)
    if name_used.endswith("_contig"):
        written = contig_offsets(out.size, base, 4 * per_word)
        offsets = [written[r] for r in range(out.size)]
    else:
        offsets = kernel_offsets(out.size, *layout)
    bits = kernel_bits(key, stream, np.array(offsets), per_word)
    engine = F64M if per_word == 1 else F32M
    scratch_dtype = np.float64 if per_word == 1 else np.float32
    K.np_transform(dist, bits, out.reshape(-1), params, clamp,
                   [np.empty(out.size, scratch_dtype) for _ in range(engine.BUFFERS)])
    monkeypatch.undo()
    assert out.tobytes() == _draw(name, shape, dtype, index=index, stream=3).tobytes()


def test_contiguous_and_strided_kernels_are_chosen_by_layout():
    out = np.empty(12, np.float32)
    for index, kind in [((slice(2, 5),), "contig"), (None, "contig"),
                        ((slice(None), slice(1, 3)), "strided")]:
        layout = _random._layout((6, 4), _random.normalize_index((6, 4), index))
        name, args, threads = K.kernel_args("normal", KEY, 0, out, layout, (0.0, 1.0), None)
        assert name == f"gpuparam_normal_f32_{kind}"
        assert all(isinstance(a, (np.float32, np.int64, np.uint64, np.int32, np.ndarray))
                   for a in args)   # no float64 parameter reaches a 32-bit kernel


# ----------------------------------------------------------------------------- transforms

def round_to(value: float, dtype) -> float:
    """Round a Python float once to ``dtype`` with struct (IEEE round-to-nearest-even)."""
    code = {np.float16: "e", np.float32: "f", np.float64: "d"}[dtype]
    return struct.unpack(code, struct.pack(code, value))[0]


# A scalar float32 reference, independent of NumPy: each operation is done in Python
# floats (float64) and rounded once to float32. For +, -, *, sqrt of float32 operands
# that double rounding is innocuous (53 >= 2 * 24 + 2 bits), so each result is the
# correctly rounded float32 operation, as the kernel's inline PTX computes it.

def f32(x: float) -> float:
    return round_to(x, np.float32)


def f32_bits(x: float) -> int:
    return struct.unpack("<i", struct.pack("<f", x))[0]


def f32_from_bits(i: int) -> float:
    return struct.unpack("<f", struct.pack("<i", i))[0]


def py_horner32(coefs, v: float) -> float:
    t = f32(f32(float(coefs[0]) * v) + float(coefs[1]))
    for c in coefs[2:]:
        t = f32(f32(t * v) + float(c))
    return t


def py_log32(a: float) -> float:
    ix = f32_bits(a) - F32M.SQRT_HALF_BITS
    f = f32(f32_from_bits((ix & 0x007FFFFF) + F32M.SQRT_HALF_BITS) - 1.0)
    return f32(f32(float(ix >> 23) * float(F32M.LN2)) + f32(f * py_horner32(F32M.LOG_Q, f)))


def py_upper_quantile(t: float, y: float, far: bool) -> float:
    L = py_log32(f32(t * f32(1.0 - t)))
    if -float(F32M.W_TAIL) < L:
        return f32(y * py_horner32(F32M.CENTRAL_P, f32(L + float(F32M.CENTRAL_C))))
    s = f32(math.sqrt(f32(0.0 - L)))
    if far and float(F32M.S_FAR) < s:
        return py_horner32(F32M.FAR_P, f32(s - float(F32M.FAR_C)))
    return py_horner32(F32M.TAIL_P, f32(s - float(F32M.TAIL_C)))


def py_value32(dist: str, b: int, p: tuple[float, ...], clamp, dtype) -> float:
    """The kernel's ``value32``, scalar by scalar."""
    if dist == "uniform":
        v = f32(f32(f32(float(b >> 8) * p[0]) * p[2]) + p[1])
    else:
        if dist == "normal":
            k = ((b << 1) | 1) & 0xFFFFFFFF
            t, y = f32(f32(float(k)) * 2.0**-33), f32(f32(float(2**32 - k)) * 2.0**-32)
            z, negative = py_upper_quantile(t, y, False), b >> 31 == 1
        else:
            k = b | 1
            lower = f32(f32(f32(f32(float(k)) * 2.0**-32) * p[4]) + p[2])
            upper = f32(f32(f32(f32(float(2**32 - k)) * 2.0**-32) * p[4]) + p[3])
            negative = lower < upper
            t = lower if negative else upper
            z = py_upper_quantile(t, f32(1.0 - f32(t + t)), True)
        v = f32(f32((-z if negative else z) * p[1]) + p[0])
    if clamp is not None:
        v = max(min(v, clamp[1]), clamp[0])
    return round_to(v, dtype)


def _words(n: int) -> list[int]:
    bits = np.random.Philox(key=np.array(KEY, np.uint64)).random_raw(n).view(np.uint32)
    edges = [0, 1, 2, 255, 256, 2**31 - 1, 2**31, 2**31 + 1, 2**32 - 1, 2**32 - 256,
             0x7FFFFF00, 0xFFFFFF00, 0xAAAAAAAA, 0x55555555]
    tails = list(range(0, 2**24, 2**19)) + [2**31 + i for i in range(0, 2**24, 2**19)]
    return bits.tolist() + edges + tails + [2**32 - 1 - w for w in tails]


F32_CASES = [  # dist, params as the kernel takes them, clamp
    ("uniform", (2.0**-23, -1.0, 1.0), (-1.0, float(np.nextafter(np.float32(1), 0)))),
    ("uniform", (3.25 * 2.0**-24, -0.75, 1.0), (-0.75, float(np.float32(2.4999998)))),
    ("uniform", (1e-38 * 2.0**40, 0.0, 2.0**-64), (0.0, float(np.float32(1e-38)))),  # subnormal
    ("uniform", (2.0**-24, 0.0, 1.0), (0.0, float(np.nextafter(np.float32(1), 0)))),
    ("uniform", (2.0**-24, -0.0, 1.0), None),
    ("normal", (0.3, 1.7), None),
    ("normal", (0.0, 1.0), None),                    # NumPy leaves out * 1 and + 0
    ("normal", (-0.0, 2.0**-110), None),
    ("normal", (0.0, float(np.float32(1e-39))), None),                             # subnormal
    ("truncnorm", (0.0, 1.0, 0.0, 0.0, 1.0), (-math.inf, math.inf)),              # both tails
    ("truncnorm", (0.0, 1.0, 0.02275013, 0.02275013, 0.95449974), (-2.0, 2.0)),
    ("truncnorm", (0.0, 1.0, 0.25, 0.25, 0.5), None),                            # x = -0
    ("truncnorm", (0.0, -1.0, float(np.float32(1.7763568e-33)), 1.0, float(np.float32(7.6e-24))),
     (10.0, 12.0)),                                                                # far tail
]


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("dist,params,clamp", F32_CASES)
def test_float32_transforms_equal_the_scalar_reference_bit_for_bit(dist, params, clamp, dtype):
    if dtype == np.float16 and clamp is not None:
        clamp = tuple(round_to(c, np.float16) if math.isfinite(c) else c for c in clamp)
    words = _words(4000)
    out = np.empty(len(words), dtype)
    params = tuple(float(np.float32(v)) for v in params)
    K.np_transform(dist, np.array(words, np.uint32), out, params, clamp,
                   [np.empty(len(words), np.float32) for _ in range(F32M.BUFFERS)])
    expected = np.array([py_value32(dist, b, params, clamp, dtype) for b in words], dtype)
    assert out.tobytes() == expected.tobytes()
    if params[1] == float(np.float32(1e-39)):     # subnormal results are kept, not flushed
        tiny = np.abs(out) < np.finfo(np.float32).tiny
        assert np.count_nonzero(tiny & (out != 0)) > len(words) // 4 or dtype == np.float16


def test_float32_quantile_is_accurate_over_its_whole_range():
    t = np.concatenate([np.logspace(-36, np.log10(0.5), 300_000),
                        np.linspace(1e-3, 0.5, 100_000)]).astype(np.float32)
    y = (1.0 - 2.0 * t.astype(np.float64)).astype(np.float32)   # exact for t >= 1/4
    z = F32M.upper_quantile(t, y, True, np.empty_like(t), [np.empty_like(t) for _ in range(3)])
    exact = -special.ndtri(t.astype(np.float64))
    inner = t < 0.4999
    assert np.max(np.abs(z[inner] - exact[inner]) / exact[inner]) < 4e-7
    assert np.max(np.abs(z[~inner] - exact[~inner])) < 1e-7   # near the median


def test_float32_log_is_accurate():
    a = np.concatenate([np.logspace(-37.9, np.log10(0.25), 200_000),
                        np.linspace(1e-3, 0.25, 100_000)]).astype(np.float32)
    got = F32M.log32(a.copy(), np.empty_like(a), np.empty_like(a), np.empty_like(a))
    exact = np.log(a.astype(np.float64))
    assert np.max(np.abs(got - exact) / np.abs(exact)) < 1.5e-7


def test_numpy_uint32_to_float32_rounds_correctly():
    # the NumPy twin converts with astype; the kernel with cvt.rn.f32.u32
    rng = np.random.default_rng(5)
    k = np.concatenate([rng.integers(0, 2**32, 500_000, np.uint32, endpoint=False),
                        np.array([2**24 + 1, 2**24 + 3, 2**25 + 2, 2**25 + 6, 2**32 - 1,
                                  2**32 - 128, 2**32 - 129, 2**31 + 64, 2**31 + 192],
                                 np.uint32)])
    got = np.empty(k.size, np.float32)
    np.copyto(got, k, casting="unsafe")
    assert got.tobytes() == k.astype(np.float64).astype(np.float32).tobytes()


def test_float16_is_the_float32_value_rounded_once_more():
    # normal has no clamp, and float16/float32 share the 32-bit layout
    for name in ("normal",):
        single, half = _draw(name, (64, 99), np.float32), _draw(name, (64, 99), np.float16)
        with np.errstate(over="ignore"):
            assert half.tobytes() == single.astype(np.float16).tobytes()


def py_horner(coefs, r: float) -> float:
    t = coefs[0]
    for c in coefs[1:]:
        t = t * r + c
    return t


def py_ppnd16(p: float) -> float:
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * py_horner(F64M.AS241_A, r) / py_horner(F64M.AS241_B, r)
    r = math.sqrt(-math.log(p if q < 0 else 1.0 - p))
    if r <= 5.0:
        x = py_horner(F64M.AS241_C, r - 1.6) / py_horner(F64M.AS241_D, r - 1.6)
    else:
        x = py_horner(F64M.AS241_E, r - 5.0) / py_horner(F64M.AS241_F, r - 5.0)
    return -x if q < 0 else x


def test_ppnd16_is_accurate_over_the_whole_range():
    p = np.concatenate([np.linspace(1e-6, 1 - 1e-6, 20001), np.logspace(-320, -1, 2000),
                        1 - np.logspace(-16, -1, 200)])
    x = F64M.np_ppnd16(p, np.empty_like(p), *(np.empty_like(p) for _ in range(3)))
    np.testing.assert_allclose(x, special.ndtri(p), rtol=2e-15, atol=0)


def _bits(n: int) -> list[int]:
    bits = np.random.Philox(key=np.array(KEY, np.uint64)).random_raw(n).tolist()
    return bits + [0, 2**64 - 1, 2**63, 0xFFFFFF0000000000, 0xFFFFFFFFFFFFF000]


def test_float64_uniform_transform_matches_python():
    low, high = -0.75, 2.5
    scale = (high - low) * 2.0 ** -53
    bits = _bits(64)
    out = np.empty(len(bits))
    params, clamp = (scale, low), _random._bounds("t", np.dtype(np.float64), low, high, True, "x")
    K.np_transform("uniform", np.array(bits, np.uint64), out, params, clamp,
                   [np.empty(len(bits)) for _ in range(F64M.BUFFERS)])
    expected = [min((b >> 11) * scale + low, clamp[1]) for b in bits]
    assert out.tolist() == expected
    assert out.max() < high


@pytest.mark.parametrize("dist", ["normal", "truncnorm"])
def test_float64_normal_transforms_match_python(dist):
    mean, std, plo, d = 0.3, 1.7, 0.001, 0.998
    bits = _bits(200)
    out = np.empty(len(bits))
    params = (mean, std) if dist == "normal" else (mean, std, plo, d)
    K.np_transform(dist, np.array(bits, np.uint64), out, params, None,
                   [np.empty(len(bits)) for _ in range(F64M.BUFFERS)])
    expected = []
    for b in bits:
        u = ((b >> 12) + 0.5) * 2.0**-52
        p = u if dist == "normal" else min(u * d + plo, 1.0 - 2.0**-53)
        expected.append(py_ppnd16(p) * std + mean)
    # np.log and math.log may differ in the last bit: 2 ulp in the tails
    assert ulp_distance(out, np.array(expected)) <= 2
    central = [i for i, b in enumerate(bits) if abs(((b >> 12) + 0.5) * 2.0**-52 - 0.5) < 0.4]
    assert out[central].tolist() == [expected[i] for i in central]


# ----------------------------------------------------------------------------- NVRTC

KERNEL_NAMES = [K.kernel_name(dist, np.dtype(t), contiguous)
                for dist in ("uniform", "normal", "truncnorm") for t in FLOATS
                for contiguous in (True, False)]


def ptx_entries(ptx: str) -> dict[str, str]:
    """Entry name -> the body of that kernel in NVRTC's PTX."""
    return dict(re.findall(r"\.entry (\w+)\((.*?)\n\}\n", ptx, re.S))


@pytest.fixture(scope="module")
def kernel_ptx() -> dict[str, str]:
    """The kernels' PTX, compiled as CuPy compiles them (sm_90, -ftz=true appended)."""
    try:
        ptx = _backend.nvrtc_compile(K.CUDA_SOURCE, K.CUDA_OPTIONS)
    except RuntimeError as exc:
        unavailable = "not installed" in str(exc) or "not usable" in str(exc)
        if unavailable and os.environ.get("GPUPARAM_REQUIRE_NVRTC") != "1":
            pytest.skip(f"NVRTC unavailable: {exc}")
        raise
    return ptx_entries(ptx.decode() if isinstance(ptx, bytes) else ptx)


def test_kernel_source_compiles_with_cupys_options(kernel_ptx):
    assert set(KERNEL_NAMES) <= set(kernel_ptx)
    for name in KERNEL_NAMES:
        assert ".local" not in kernel_ptx[name]   # the index walk stays in registers


@pytest.mark.parametrize("name", [n for n in KERNEL_NAMES if "_f64_" not in n])
def test_16_and_32_bit_kernels_hold_no_double_and_no_flush_to_zero(kernel_ptx, name):
    body = kernel_ptx[name]
    assert not re.findall(r"^\s*[^/\n]*\.f64\b.*$", body, re.M)
    assert not re.findall(r"^\s*[^/\n]*\.ftz\b.*$", body, re.M)
    assert "add.rn.f32" in body and "mul.rn.f32" in body


def test_the_ptx_check_would_catch_a_flushed_or_double_kernel():
    # the same compile, with what -ftz=true does to C-level float code and a double
    src = K.CUDA_SOURCE + """
extern "C" __global__ void probe_flush(float* o, float a) { o[0] = o[0] * a + 1.0f; }
extern "C" __global__ void probe_double(float* o, double a) { o[0] = (float)(o[0] * a); }
"""
    try:
        ptx = _backend.nvrtc_compile(src, K.CUDA_OPTIONS)
    except RuntimeError as exc:
        if os.environ.get("GPUPARAM_REQUIRE_NVRTC") != "1":
            pytest.skip(f"NVRTC unavailable: {exc}")
        raise
    entries = ptx_entries(ptx.decode() if isinstance(ptx, bytes) else ptx)
    assert ".ftz" in entries["probe_flush"] and ".f64" in entries["probe_double"]


# ----------------------------------------------------------------------------- statistics

N_FIT = 200_000


def _fit(sample: np.ndarray, cdf) -> float:
    return stats.kstest(sample.astype(np.float64), cdf).pvalue


@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_fits(dtype):
    x = _random.uniform(KEY, (N_FIT,), dtype, -1.5, 2.5)
    assert x.dtype == dtype and -1.5 <= float(x.min()) and float(x.max()) < 2.5
    assert _fit(x, stats.uniform(-1.5, 4.0).cdf) > 1e-3


@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_fits(dtype):
    x = _random.normal(KEY, (N_FIT,), dtype, 0.3, 2.0)
    assert x.dtype == dtype
    assert _fit(x, stats.norm(0.3, 2.0).cdf) > 1e-3


def test_float32_normal_tails_reach_as_documented():
    x = _random.normal(KEY, (1 << 22,), np.float32)
    expected = (1 << 22) * 2 * stats.norm.sf(4.5)           # about 28 draws
    assert 0.4 * expected < np.count_nonzero(np.abs(x) > 4.5) < 2.0 * expected
    tails = np.abs(x[np.abs(x) > 3.0]).astype(np.float64)   # the polynomial past |x| = 2.97
    assert _fit(tails, lambda v: 1 - stats.norm.sf(v) / stats.norm.sf(3.0)) > 1e-3
    ends = np.empty(2, np.float32)   # the extremes a 32-bit input reaches: t = 2**-33
    K.np_transform("normal", np.array([0, 2**31], np.uint32), ends, (0.0, 1.0), None,
                   [np.empty(2, np.float32) for _ in range(F32M.BUFFERS)])
    np.testing.assert_allclose(ends, [-special.ndtri(2.0**-33), special.ndtri(2.0**-33)],
                               rtol=4e-7)
    assert 6.33 < float(ends[0]) < 6.34


TRUNCATIONS = {  # mean, std, a, b
    "standard": (0.0, 1.0, -2.0, 2.0),
    "upper_tail": (0.0, 1.0, 2.0, 3.0),
    "lower_tail": (0.0, 1.0, -3.5, -2.5),
    "tiny_sigma": (0.0, 1e-3, -2e-3, 2e-3),
    "asymmetric": (0.5, 1.5, -1.0, 3.0),
    "shifted_mean": (5.0, 2.0, 4.0, 9.0),
    "far_tail": (0.0, 1.0, 10.0, 12.0),
    "beyond_float32": (0.0, 1.0, 12.0, 13.0),    # mass < 2**-90: drawn as float64
    "open": (0.0, 1.0, -math.inf, math.inf),
    "one_sided": (1.0, 0.5, 1.2, math.inf),
    "narrow": (0.0, 1.0, 0.5, 0.5001),
}


# float16's coarse grid shows in a KS test where the interval is narrow or far from 0:
# there test_float16_truncated_normal_is_the_float32_draw_rounded speaks for it
_F16_FITS = ("standard", "asymmetric", "shifted_mean", "one_sided", "open")


@pytest.mark.parametrize("case,dtype", [
    (case, dtype) for case in TRUNCATIONS for dtype in FLOATS
    if dtype != np.float16 or case in _F16_FITS])
def test_truncated_normal_fits_and_stays_inside(case, dtype):
    mean, std, a, b = TRUNCATIONS[case]
    x = _random.truncated_normal(KEY, (N_FIT,), dtype, mean, std, a, b)
    assert x.dtype == dtype and a <= float(x.min()) and float(x.max()) <= b  # exact compare
    dist = stats.truncnorm((a - mean) / std, (b - mean) / std, loc=mean, scale=std)
    assert _fit(x, dist.cdf) > 1e-3


@pytest.mark.parametrize("case", list(TRUNCATIONS))
def test_float16_truncated_normal_is_the_float32_draw_rounded(case):
    mean, std, a, b = TRUNCATIONS[case]
    half = _random.truncated_normal(KEY, (20_000,), np.float16, mean, std, a, b)
    single = _random.truncated_normal(KEY, (20_000,), np.float32, mean, std, a, b)
    lo, hi = _random._bounds("t", np.dtype(np.float16), a, b, False, "x")
    rounded = np.clip(single.astype(np.float16), np.float16(lo), np.float16(hi))
    # the same float32 value, clamped to the float16 (not float32) bounds before rounding:
    # the two differ only where a bound's rounding intervenes
    assert np.mean(half == rounded) > 0.999 and a <= float(half.min()) <= float(half.max()) <= b


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_truncated_normal_hits_no_bound_spuriously(dtype):
    # clipping would pile mass on the bounds; exact sampling almost never reaches them
    x = _random.truncated_normal(KEY, (N_FIT,), dtype, 0.0, 1.0, -2.0, 2.0)
    assert np.count_nonzero((x == -2.0) | (x == 2.0)) <= (0 if dtype == np.float64 else 2)


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(DISTS))
def test_values_do_not_depend_on_chunks_threads_or_strategy(name, dtype, monkeypatch):
    shape, index = (6, 40, 50), (slice(1, 5), slice(3, 37, 2), slice(5, 45))
    whole, part = _draw(name, shape, dtype), _draw(name, shape, dtype, index=index)
    for chunk, run_cost, workers in [(16, 0, 3), (1000, 10**9, 2), (37, 7, 1), (5000, 300, 8)]:
        monkeypatch.setattr(K, "_CHUNK", chunk)
        monkeypatch.setattr(K, "_RUN_COST", run_cost)
        monkeypatch.setattr(K, "_WORKERS", workers)
        monkeypatch.setattr(K, "_local", threading.local())
        assert _draw(name, shape, dtype).tobytes() == whole.tobytes()
        assert _draw(name, shape, dtype, index=index).tobytes() == part.tobytes()


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

    def counting(self, key, stream, start, count, per_word):
        drawn.append(count)
        return original(self, key, stream, start, count, per_word)

    monkeypatch.setattr(K._Worker, "run", counting)
    shape = (100_000, 100_000, 3)  # 3e10 elements: the whole could not even be allocated
    part = _random.normal(KEY, shape, np.float32, index=(slice(5, 9), slice(10, 20, 3)))
    assert part.shape == (4, 4, 3) and sum(drawn) < 1000
    drawn.clear()
    column = _random.uniform(KEY, shape, np.float32, index=(slice(0, 2000), slice(7, 8)))
    assert column.shape == (2000, 1, 3) and sum(drawn) < 100_000
    offsets = (np.arange(2000)[:, None] * 300_000 + 21 + np.arange(3)).reshape(-1)
    expected = (kernel_bits(KEY, 0, offsets, per_word=2) >> 8) * 2.0**-24
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

GOLDEN_INDICES = [0, 5, 7, 12, 14, 20]  # float64 normal: 5, 7, 14, 20 take AS241's log branch
GOLDEN = {  # values of draw(KEY, (3, 7), dtype, *DISTS[name][1]).reshape(-1)[GOLDEN_INDICES]
    ("uniform", np.float16): ["0x1.034p+0", "-0x1.3d8p-2", "-0x1.310p-4", "0x1.e6cp-1",
                              "0x1.208p-1", "0x1.27cp+0"],
    ("uniform", np.float32): ["0x1.03278ap+0", "-0x1.3d8198p-2", "-0x1.30f9c0p-4",
                              "0x1.e6a83cp-1", "0x1.20608cp-1", "0x1.27b3ccp+0"],
    ("uniform", np.float64): ["-0x1.2d183f63e6c40p-3", "-0x1.b01f73686f5d4p-2",
                              "-0x1.9e05e403bf3f0p-2", "0x1.cb990c9fc5ea6p-1",
                              "0x1.79ea8ed3e769ap+0", "0x1.217751e379edep+0"],
    ("normal", np.float16): ["-0x1.0f8p+0", "0x1.6f8p+1", "0x1.d80p+0", "-0x1.424p+0",
                             "-0x1.bb8p+1", "-0x1.498p-1"],
    ("normal", np.float32): ["-0x1.0f79ccp+0", "0x1.6f8ea4p+1", "0x1.d7fb98p+0",
                             "-0x1.425806p+0", "-0x1.bb86aep+1", "-0x1.496d50p-1"],
    ("normal", np.float64): ["-0x1.9b8e9e9136bd3p+0", "-0x1.a32b5ef490189p+1",
                             "-0x1.8a89c1c529da1p+1", "0x1.4ac40d95e0a93p+0",
                             "0x1.3165941c61939p+2", "0x1.05d891daab4c0p+1"],
    ("truncated_normal", np.float16): ["0x1.508p-1", "-0x1.358p+0", "-0x1.814p-1",
                                       "0x1.22cp-1", "0x1.364p-4", "0x1.c68p-1"],
    ("truncated_normal", np.float32): ["0x1.508984p-1", "-0x1.356abcp+0", "-0x1.8156cep-1",
                                       "0x1.22d880p-1", "0x1.3627c8p-4", "0x1.c67c70p-1"],
    ("truncated_normal", np.float64): ["-0x1.bf342b8c967ccp-1", "-0x1.8e11bc9188e87p+0",
                                       "-0x1.7cda8de2c7dcbp+0", "0x1.fb1c4adbc025ap-2",
                                       "0x1.d2e3fae52a5e8p+0", "0x1.b0c49905f2e14p-1"],
}
GOLDEN_TAIL_INDICES = [346, 494, 2176]   # normal float16/32 of shape (4096,): the tail branch
GOLDEN_TAIL = {np.float16: ["0x1.978p+2", "-0x1.b68p+2", "0x1.a7cp+2"],
               np.float32: ["0x1.97670cp+2", "-0x1.b695b6p+2", "0x1.a7bf18p+2"]}


@pytest.mark.parametrize("name,dtype", list(GOLDEN))
def test_golden_values(xp, name, dtype):
    values = _backend.to_host(_draw(name, (3, 7), dtype)).reshape(-1)[GOLDEN_INDICES]
    expected = np.array([float.fromhex(h) for h in GOLDEN[name, dtype]], dtype)
    if name == "uniform" or dtype != np.float64:
        assert values.tobytes() == expected.tobytes()  # the same float32 operations
    else:  # float64 AS241: log may differ in its last bit between platforms
        assert ulp_distance(values, expected) <= 2


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_golden_values_in_the_normal_tail(xp, dtype):
    values = _backend.to_host(_draw("normal", (4096,), dtype))[GOLDEN_TAIL_INDICES]
    assert np.all(np.abs((values.astype(np.float64) - 0.25) / 2.0) > 2.97)
    expected = np.array([float.fromhex(h) for h in GOLDEN_TAIL[dtype]], dtype)
    assert values.tobytes() == expected.tobytes()


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


def assert_backends_agree(gpu, cpu, dtype):
    """Contract 4: bit-identical, except float64 normal transforms (AS241's log): 4 ulp."""
    if dtype != np.float64:
        assert gpu.tobytes() == cpu.tobytes()
    else:
        assert ulp_distance(gpu, cpu) <= 4


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name,args", GPU_CASES)
def test_gpu_whole_tensors_match_numpy(name, args, dtype):
    for shape, stream in [((257, 1031), 0), ((4, 3, 5), 1), ((1_000_003,), 2)]:
        gpu, cpu = _both(name, args, shape, dtype, stream=stream)
        if name == "uniform":
            assert gpu.tobytes() == cpu.tobytes()
            continue
        assert_backends_agree(gpu, cpu, dtype)
        if name == "normal" and dtype == np.float64:  # AS241's centre needs no log
            assert np.mean(gpu == cpu) > 0.84


WIDE_CASES = [  # what float32 arithmetic cannot carry: drawn as float64, rounded once
    ("truncated_normal", (0.0, 1.0, 12.0, 13.0)), ("uniform", (-3e38, 3e38)),
    ("normal", (0.0, 1e39)),
]


@pytest.mark.parametrize("name,args", WIDE_CASES)
def test_parameters_beyond_float32_draw_as_float64_rounded_once(name, args):
    fn = getattr(_random, name)
    narrow = fn(KEY, (5000,), np.float32, *args)
    with np.errstate(over="ignore"):
        wide = fn(KEY, (5000,), np.float64, *args).astype(np.float32)
    if name != "normal":
        lo, hi = args[-2:]
        wide = np.clip(wide, np.float32(lo), np.nextafter(np.float32(hi), np.float32(0))
                       if name == "uniform" else np.float32(hi))
    assert narrow.tobytes() == wide.tobytes()
    finite = narrow[np.isfinite(narrow)]
    assert finite.size > 1000 and np.unique(finite).size > 1000


@pytest.mark.gpu
@pytest.mark.parametrize("name,args", WIDE_CASES)
def test_gpu_parameters_beyond_float32_match_numpy(name, args):
    gpu, cpu = _both(name, args, (4096,), np.float32)
    assert ulp_distance(np.nan_to_num(gpu), np.nan_to_num(cpu)) <= 1


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name,args", GPU_CASES[:3])
@pytest.mark.parametrize("index", [
    (slice(100, 164),), (slice(None), slice(200, 232)), (slice(3, None, 7), slice(1, 500, 3)),
    (slice(250, 251), slice(499, 500)), (slice(1, 2), slice(3, 7)), (slice(7, 8), slice(1, 500)),
])
def test_gpu_slices_match_the_whole(name, args, index, dtype):
    fn = getattr(_random, name)
    with _backend.use_backend("cupy"):
        whole = _backend.to_host(fn(KEY, (300, 501), dtype, *args))
        part = _backend.to_host(fn(KEY, (300, 501), dtype, *args, index=index))
    assert part.tobytes() == whole[index].tobytes()
    gpu, cpu = _both(name, args, (300, 501), dtype, index=index)
    assert_backends_agree(gpu, cpu, dtype)


@pytest.mark.gpu
def test_gpu_many_dims_and_odd_slices():
    shape, index = (4,) * 8, (slice(0, 3), slice(1, 4)) * 4   # 8 dims that cannot merge
    for name, args in GPU_CASES[:3]:
        for dtype in FLOATS:
            gpu, cpu = _both(name, args, shape, dtype, index=index)
            assert_backends_agree(gpu, cpu, dtype)
    gpu, cpu = _both("uniform", (0.0, 1.0), (5, 9, 7), np.float16,
                     index=(slice(1, 5, 3), slice(2, 9), slice(0, 7, 2)))
    assert gpu.tobytes() == cpu.tobytes()


SUBNORMAL_CASES = [  # float32 results below 1.18e-38: CuPy's -ftz=true must not flush them
    ("uniform", (0.0, 1e-38)), ("uniform", (-1e-39, 1e-39)), ("normal", (0.0, 1e-39)),
    ("truncated_normal", (0.0, 1e-39, -2e-39, 2e-39)), ("normal", (1e-40, 1e-41)),
]


@pytest.mark.parametrize("name,args", SUBNORMAL_CASES)
def test_subnormal_results_are_kept_on_numpy(name, args):
    x = getattr(_random, name)(KEY, (4096,), np.float32, *args)
    tiny = (np.abs(x) < np.finfo(np.float32).tiny) & (x != 0)
    assert np.count_nonzero(tiny) > 2000
    assert np.unique(x).size > 500    # a real spread of values, not a few flushed ones


@pytest.mark.gpu
@pytest.mark.parametrize("name,args", SUBNORMAL_CASES)
def test_gpu_subnormal_results_match_numpy(name, args):
    gpu, cpu = _both(name, args, (4096,), np.float32)
    assert gpu.tobytes() == cpu.tobytes()


@pytest.mark.gpu
def test_gpu_grid_stride_loop_and_odd_starts():
    # more Philox blocks (of 8) than one launch has threads (65536 x 256), at an odd start
    n = 2**27 + 37
    with _backend.use_backend("cupy"):
        gpu = _random.uniform(KEY, (n + 3,), np.float16, index=(slice(3, None),))
        head, tail = _backend.to_host(gpu[:5000]), _backend.to_host(gpu[-5000:])
    with _backend.use_backend("numpy"):
        assert head.tobytes() == _random.uniform(KEY, (n + 3,), np.float16,
                                                 index=(slice(3, 5003),)).tobytes()
        assert tail.tobytes() == _random.uniform(KEY, (n + 3,), np.float16,
                                                 index=(slice(n - 4997, None),)).tobytes()


def test_open_unit_from_bits_equals_the_kernel_formula():
    edges = [0, 1, (1 << 12) - 1, 1 << 12, (1 << 12) + 1, 1 << 52, (1 << 63) - 1, 1 << 63,
             (1 << 63) + (1 << 12), 0x3FF0000000000000, 0x7FF0000000000000,
             0xFFF0000000000000, 0xAAAAAAAAAAAAAAAA, 0x5555555555555555, (1 << 64) - 4096,
             (1 << 64) - 1]
    rng = np.random.default_rng(11)
    bits = np.concatenate([np.array(edges, np.uint64),
                           rng.integers(0, 1 << 64, 100_000, np.uint64, endpoint=False)])
    expected = np.multiply((bits >> np.uint64(12)).astype(np.float64) + 0.5, 2.0 ** -52)
    got = F64M.np_open_unit(bits.copy(), np.empty(bits.size))
    assert got.tobytes() == expected.tobytes()
    for word, u in zip(edges, got[:len(edges)].tolist()):   # exact: (2k + 1) / 2**53
        assert u == ((word >> 12) * 2 + 1) / 2**53 and 0.0 < u < 1.0
