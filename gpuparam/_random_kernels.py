"""The arithmetic of gpuparam's random numbers: one engine per backend.

``_random.cu`` holds the CuPy kernels: Philox4x64-10 (as ``numpy.random.Philox``
computes it) fused with the distribution transforms. The ``np_*`` functions here are
their NumPy transcriptions, operation for operation, so that both backends round
identically: products and sums are separate roundings on both sides (the kernels use
``__dmul_rn``/``__dadd_rn`` and are compiled with ``--fmad=false``).

Floats from raw bits (``bits`` is one uint64 per element):

- uniform: ``k = bits >> 40`` (24 bits; float16/float32) or ``bits >> 11`` (53 bits;
  float64); ``v = k * scale + low`` with ``scale = (high - low) * 2**-bits``;
- normal: ``u = ((bits >> 12) + 0.5) * 2**-52``, an open-interval grid symmetric about
  1/2 on which ``u - 0.5`` and ``1 - u`` are exact; ``v = ppnd(u) * std + mean``;
- truncated normal: ``p = min(u * d + plo, 1 - 2**-53)``, ``v = ppnd(p) * std + mean``;

then ``v`` is rounded once to the target dtype and clamped (after rounding) to
``[clamp_lo, clamp_hi]``, values of the target dtype. ``ppnd`` is Wichura's AS241
(PPND16), accurate to about 1e-16; it needs only ``log`` and ``sqrt``, so the two
backends can differ only where ``log`` differs in its last bit (the tails,
``|u - 0.5| > 0.425``): everything else is bit-identical.

On NumPy the raw words come from NumPy's own C ``Philox`` (key and counter set through
``.state``), in tiles of at most ``_CHUNK`` elements shared out to a small thread pool
(NumPy releases the GIL); a tile of a sliced tensor draws either the span it covers or
one run per row, whichever costs less. On CuPy one kernel launch writes the result.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import os
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _backend

Key = tuple[int, int]
Layout = tuple[int, list[int], list[int]]   # (base, sizes, strides): see _random._layout

CUDA_SOURCE = Path(__file__).with_name("_random.cu").read_text()
CUDA_OPTIONS = ("--fmad=false",)
_CONSTANTS = dict(re.findall(r"double (AS241_\w)\[8\] = \{([^}]*)\}", CUDA_SOURCE))
AS241_A, AS241_B, AS241_C, AS241_D, AS241_E, AS241_F = (
    tuple(float.fromhex(v) for v in _CONSTANTS[f"AS241_{n}"].replace(",", " ").split())
    for n in "ABCDEF")
MAX_DIMS = int(re.findall(r"#define MAXD (\d+)", CUDA_SOURCE)[0])
PHILOX_M = (0xD2E7470EE14C6C93, 0xCA5A826395121157)
PHILOX_W = (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)
UNIFORM_SHIFT = {np.dtype(np.float16): 40, np.dtype(np.float32): 40, np.dtype(np.float64): 11}
NORMAL_SHIFT = 12
P_MAX = 1.0 - 2.0 ** -53          # largest double below 1: keeps ppnd's argument < 1
_KERNEL_TYPES = {np.dtype(np.float16): "f16", np.dtype(np.float32): "f32",
                 np.dtype(np.float64): "f64"}

_WORKERS = max(1, min(8, os.cpu_count() or 1))
# Elements per NumPy tile. Alone, a small tile keeps its float64 scratch in L2; with a
# pool, each tile's ~50 NumPy calls hold the GIL between the GIL-free loops, and at
# 1 << 15 the workers serialize on it (2 workers: Normal 4096**2 float32 344 ms at
# 1 << 15, 240 ms at 1 << 17; 1 worker: 315 ms at 1 << 15, 355 ms at 1 << 17).
_CHUNK = 1 << 15 if _WORKERS == 1 else 1 << 17
_RUN_COST = 300          # a Philox state reset costs about as much as this many draws
_local = threading.local()
_pool: tuple[int, concurrent.futures.ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def kernel_name(dist: str, dtype: Any) -> str:
    """Return the CUDA entry point for ``dist`` ('uniform', 'normal', 'truncnorm')."""
    return f"gpuparam_{dist}_{_KERNEL_TYPES[np.dtype(dtype)]}"


# ----------------------------------------------------------------------------- NumPy

def _horner(coefs: tuple[float, ...], r: np.ndarray, out: np.ndarray) -> np.ndarray:
    # ((c0 * r + c1) * r + c2) ... as the kernel's horner(); ``out`` must not alias ``r``.
    np.multiply(r, coefs[0], out=out)
    np.add(out, coefs[1], out=out)
    for c in coefs[2:]:
        np.multiply(out, r, out=out)
        np.add(out, c, out=out)
    return out


def np_ppnd16(p: np.ndarray, x: np.ndarray, t1: np.ndarray, t2: np.ndarray,
              t3: np.ndarray) -> np.ndarray:
    """Write AS241's quantile of ``p`` (float64, in (0, 1)) to ``x``; ``t*`` are scratch.

    The same operations as the kernel's ``ppnd16``, vectorised: the central formula is
    evaluated everywhere and the tails are recomputed where ``|p - 0.5| > 0.425``.
    """
    q = np.subtract(p, 0.5, out=t3)
    with np.errstate(all="ignore"):  # the central value is discarded in the tails
        r = np.multiply(q, q, out=t1)
        np.subtract(0.180625, r, out=r)
        num = _horner(AS241_A, r, x)
        np.multiply(q, num, out=num)
        np.divide(num, _horner(AS241_B, r, t2), out=x)
    tails = np.flatnonzero(np.abs(q, out=t1) > 0.425)
    m = tails.size
    if m == 0:
        return x
    pt = np.take(p, tails, out=t1[:m])
    lower = pt < 0.5                     # q < 0
    r = np.subtract(1.0, pt, out=t2[:m])
    np.copyto(r, pt, where=lower)
    np.log(r, out=r)
    np.sqrt(np.negative(r, out=r), out=r)
    far = np.flatnonzero(r > 5.0)        # min(p, 1 - p) < exp(-25): rare
    if far.size:
        s = r[far] - 5.0
        x_far = _horner(AS241_E, s, np.empty_like(s))
        x_far /= _horner(AS241_F, s, np.empty_like(s))
    s = np.subtract(r, 1.6, out=t1[:m])
    xt = _horner(AS241_C, s, t3[:m])
    np.divide(xt, _horner(AS241_D, s, r), out=xt)
    if far.size:
        xt[far] = x_far
    np.negative(xt, out=xt, where=lower)
    x[tails] = xt
    return x


def np_open_unit(bits: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Write ``((bits >> 12) + 0.5) * 2**-52`` to ``out`` (float64); ``bits`` is overwritten.

    Built from the bits instead of converting uint64 to float64 (a slow loop in NumPy):
    with ``k = bits >> 12 < 2**52``, OR-ing in the exponent of 1.0 gives the double
    ``x = 1 + k * 2**-52`` exactly, and ``x - (1 - 2**-53)`` is exact by Sterbenz's
    lemma (``y / 2 <= x <= 2 * y`` for ``y = 1 - 2**-53``, since ``1 <= x <= 2 - 2**-52
    = 2 * y``), so it is ``(2k + 1) * 2**-53``. The kernel's formula is exact too: ``k``
    converts exactly, ``k + 0.5 = (2k + 1) / 2`` has ``2k + 1 < 2**53`` and a power of
    two scales it exactly. Both are the real number ``(2k + 1) * 2**-53`` for every
    64-bit input, so their bits agree.
    """
    np.right_shift(bits, NORMAL_SHIFT, out=bits)
    np.bitwise_or(bits, 0x3FF0000000000000, out=bits)
    return np.subtract(bits.view(np.float64), P_MAX, out=out)


def np_transform(dist: str, bits: np.ndarray, out: np.ndarray, params: tuple[float, ...],
                 clamp: tuple[float, float] | None, scratch: list[np.ndarray]) -> None:
    """Turn raw Philox words into ``out``'s values, as the kernel's ``transform`` does.

    Args:
        dist: ``'uniform'`` (params ``scale, low``), ``'normal'`` (``mean, std``) or
            ``'truncnorm'`` (``mean, std, plo, d``).
        bits: 1-d uint64 words, one per element (overwritten).
        out: 1-d float16/32/64 destination of the same length.
        params: The kernel's ``p0..p3`` (see the module docstring).
        clamp: ``(clamp_lo, clamp_hi)`` in ``out``'s dtype, or ``None`` when rounding
            cannot leave the range.
        scratch: Five float64 buffers at least as long as ``bits``.
    """
    n = bits.size
    f, x, t1, t2, t3 = (s[:n] for s in scratch)
    wide = out.dtype == np.float64
    if dist == "uniform":
        v = out if wide else f
        np.right_shift(bits, UNIFORM_SHIFT[out.dtype], out=bits)
        np.multiply(bits, params[0], out=v)
        np.add(v, params[1], out=v)
    else:
        p = np_open_unit(bits, f)
        if dist == "truncnorm":
            np.multiply(p, params[3], out=p)
            np.add(p, params[2], out=p)
            np.minimum(p, P_MAX, out=p)
        v = np_ppnd16(p, out if wide else x, t1, t2, t3)
        np.multiply(v, params[1], out=v)
        np.add(v, params[0], out=v)
    if not wide:
        with np.errstate(over="ignore"):  # overflow gives inf, as on the GPU
            out[...] = v  # the one rounding to the target dtype
    if clamp is not None:
        np.minimum(out, out.dtype.type(clamp[1]), out=out)
        np.maximum(out, out.dtype.type(clamp[0]), out=out)


class _Worker:
    """One thread's Philox generator, its reusable state dict and float64 scratch."""

    def __init__(self) -> None:
        self.bitgen = np.random.Philox(0)
        self.state: dict[str, Any] = {
            "bit_generator": "Philox", "state": {"counter": [0, 0, 0, 0], "key": [0, 0]},
            "buffer": [0, 0, 0, 0], "buffer_pos": 4, "has_uint32": 0, "uinteger": 0}
        self.scratch = [np.empty(_CHUNK) for _ in range(5)]

    def run(self, key: Key, stream: int, start: int, count: int) -> np.ndarray:
        """Return the words of flat elements ``[start, start + count)``."""
        block, word = divmod(start, 4)
        self.state["state"]["counter"][:2] = [block, stream]  # NumPy steps it before use
        self.state["state"]["key"][:] = key
        self.bitgen.state = self.state
        return self.bitgen.random_raw(word + count)[word:]


def _worker() -> _Worker:
    worker = getattr(_local, "worker", None)
    if worker is None:
        worker = _local.worker = _Worker()
    return worker


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    # One pool per process: a forked child inherits the pool but not its threads.
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = os.getpid(), concurrent.futures.ThreadPoolExecutor(
                _WORKERS, thread_name_prefix="gpuparam-rng")
        return _pool[1]


def _plan(sizes: tuple[int, ...], strides: tuple[int, ...]) -> int:
    """Return how many leading dims to loop over before drawing whole spans.

    Compares, from the innermost dim out, the cost of one draw over a block's span
    with that of one draw per sub-block (each paying a state reset).
    """
    cost, depth = float(_RUN_COST + 4), len(sizes)   # one element alone
    for d in reversed(range(len(sizes))):
        span = 1 + sum((n - 1) * s for n, s in zip(sizes[d:], strides[d:]))
        whole, split = _RUN_COST + span, sizes[d] * cost
        cost, depth = (whole, d) if whole <= split else (split, depth)
    return depth


def _fill(worker: _Worker, key: Key, stream: int, dst: np.ndarray, base: int,
          strides: tuple[int, ...], depth: int) -> None:
    if depth > 0:
        for j in range(dst.shape[0]):
            _fill(worker, key, stream, dst[j], base + j * strides[0], strides[1:], depth - 1)
        return
    span = 1 + sum((n - 1) * s for n, s in zip(dst.shape, strides))
    raw = worker.run(key, stream, base, span)
    dst[...] = as_strided(raw, dst.shape, [s * 8 for s in strides])


def _numpy_tiles(base: int, sizes: list[int], strides: list[int]) -> list[tuple]:
    """Cut the result into blocks of at most ``_CHUNK`` elements.

    Each tile is ``(out_start, base, shape, strides)``: a run of the result's flat
    order whose elements sit at ``base + j . strides`` in the whole tensor.
    """
    suffix = [1]
    for n in reversed(sizes):
        suffix.insert(0, suffix[0] * n)
    k = next(d for d in range(len(sizes)) if suffix[d + 1] <= _CHUNK)
    rows = max(1, _CHUNK // suffix[k + 1])
    tiles = []
    for i, outer in enumerate(itertools.product(*map(range, sizes[:k]))):
        offset, start = base + sum(j * s for j, s in zip(outer, strides)), i * suffix[k]
        for a in range(0, sizes[k], rows):
            b = min(a + rows, sizes[k])
            tiles.append((start + a * suffix[k + 1], offset + a * strides[k],
                          (b - a, *sizes[k + 1:]), (strides[k], *strides[k + 1:])))
    return tiles


def numpy_generate(dist: str, key: Key, stream: int, out: np.ndarray, layout: Layout,
                   params: tuple[float, ...], clamp: tuple[float, float] | None) -> None:
    """Fill ``out`` (C-contiguous) with ``dist`` draws of the elements ``layout`` selects."""
    flat = out.reshape(-1)
    tiles = _numpy_tiles(*layout)
    plans: dict[tuple, int] = {}
    for _, _, shape, strides in tiles:
        if (shape, strides) not in plans:
            plans[shape, strides] = _plan(shape, strides)

    def work(part: list[tuple]) -> None:
        worker = _worker()
        for start, base, shape, strides in part:
            size = math.prod(shape)
            if plans[shape, strides] == 0 and 1 + sum(
                    (n - 1) * s for n, s in zip(shape, strides)) == size:
                bits = worker.run(key, stream, base, size)   # contiguous: no gather
            else:
                bits = np.empty(shape, np.uint64)
                _fill(worker, key, stream, bits, base, strides, plans[shape, strides])
            np_transform(dist, bits.reshape(-1), flat[start:start + size], params, clamp,
                         worker.scratch)

    parts = min(len(tiles), 4 * _WORKERS)
    if _WORKERS == 1 or parts < 4:
        work(tiles)
        return
    bounds = np.linspace(0, len(tiles), parts + 1).astype(int)
    list(_executor().map(work, [tiles[a:b] for a, b in zip(bounds[:-1], bounds[1:])]))


# ----------------------------------------------------------------------------- CuPy

def cupy_generate(dist: str, key: Key, stream: int, out: Any, layout: Layout,
                  params: tuple[float, ...], clamp: tuple[float, float] | None) -> None:
    """Launch the kernel that fills ``out`` (a C-contiguous ``cupy.ndarray``)."""
    base, sizes, strides = layout
    flat = out.reshape(-1)
    extra = len(sizes) - MAX_DIMS
    if extra > 0:  # walk the leading dims here; the kernel walks the last MAX_DIMS
        inner = math.prod(sizes[extra:])
        for i, outer in enumerate(itertools.product(*map(range, sizes[:extra]))):
            offset = base + sum(j * s for j, s in zip(outer, strides))
            cupy_generate(dist, key, stream, flat[i * inner:(i + 1) * inner],
                          (offset, sizes[extra:], strides[extra:]), params, clamp)
        return
    kernel = _backend.raw_kernel(CUDA_SOURCE, kernel_name(dist, out.dtype), CUDA_OPTIONS)
    n, pad = flat.size, MAX_DIMS - len(sizes)
    lo, hi = clamp if clamp is not None else (-math.inf, math.inf)
    p = [np.float64(v) for v in (*params, 0.0, 0.0)[:4]]
    args = (flat, np.int64(n), np.uint64(key[0]), np.uint64(key[1]), np.uint64(stream), *p,
            np.float64(lo), np.float64(hi), np.int64(base), np.int32(len(sizes)),
            *(np.int64(z) for z in sizes + [1] * pad),
            *(np.int64(s) for s in strides + [0] * pad))
    quads = (n + 3) // 4   # one thread per Philox block's worth of results
    kernel((min((quads + 255) // 256, 1 << 16),), (256,), args)
