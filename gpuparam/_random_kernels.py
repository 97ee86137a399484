"""gpuparam's random engines: the raw bits of any part of a tensor, on either backend.

``_random.cu`` holds the CuPy kernels: Philox4x64-10 (as ``numpy.random.Philox``
computes it) fused with the distribution transforms. Their NumPy twins are
``_random_f32`` (float16/float32 outputs: two values per 64-bit word, float32 math) and
``_random_f64`` (float64 outputs: one value per word, float64 math).

On NumPy the raw words come from NumPy's own C ``Philox`` (key and counter set through
``.state``), in tiles of at most ``_CHUNK`` elements shared out to a small thread pool
(NumPy releases the GIL); a tile of a sliced tensor draws either the span it covers or
one run per row, whichever costs less. On CuPy one kernel launch writes the result: a
contiguous one (one Philox block per thread, vector stores) when the selection is a
contiguous run of the whole tensor, else a strided one that walks the index.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _backend
from . import _random_f32 as _f32
from . import _random_f64 as _f64

Key = tuple[int, int]
Layout = tuple[int, list[int], list[int]]   # (base, sizes, strides): see _random._layout

CUDA_SOURCE = Path(__file__).with_name("_random.cu").read_text()
CUDA_OPTIONS = ("--fmad=false",)
MAX_DIMS = int(re.findall(r"#define MAXD (\d+)", CUDA_SOURCE)[0])
PHILOX_M = (0xD2E7470EE14C6C93, 0xCA5A826395121157)
PHILOX_W = (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)
DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_KERNEL_TYPES = dict(zip(DTYPES, ("f16", "f32", "f64")))
_LITTLE_ENDIAN = sys.byteorder == "little"

_WORKERS = max(1, min(8, os.cpu_count() or 1))
# Elements per NumPy tile: the transforms make ~50 passes over a tile's scratch, which
# should stay near the core (L2/L3); with a pool, each tile's NumPy calls hold the GIL
# between the GIL-free loops, so tiles must not be too small either. Measured on a
# 2-core EPYC VM: the float32 normal transform costs the same per element from 2**15 to
# 2**17, the pool runs ~5 % faster with 2**17-element tiles (fewer GIL hand-offs).
_CHUNK = 1 << 15 if _WORKERS == 1 else 1 << 17
_RUN_COST = 300          # a Philox state reset costs about as much as this many draws
_local = threading.local()
_pool: tuple[int, concurrent.futures.ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def values_per_word(dtype: Any) -> int:
    """2 for 16/32-bit outputs (a word's low half, then its high half), 1 for float64."""
    return 1 if np.dtype(dtype) == np.float64 else 2


def kernel_name(dist: str, dtype: Any, contiguous: bool = True) -> str:
    """Return the CUDA entry point for ``dist`` ('uniform', 'normal', 'truncnorm')."""
    kind = "contig" if contiguous else "strided"
    return f"gpuparam_{dist}_{_KERNEL_TYPES[np.dtype(dtype)]}_{kind}"


def np_transform(dist: str, bits: np.ndarray, out: np.ndarray, params: tuple[float, ...],
                 clamp: tuple[float, float] | None, scratch: list[np.ndarray]) -> None:
    """Turn raw bits (uint64 for float64 ``out``, else uint32) into ``out``'s values."""
    engine = _f64 if out.dtype == np.float64 else _f32
    engine.transform(dist, bits, out, params, clamp, scratch)


class _Worker:
    """One thread's Philox generator, its reusable state dict and transform scratch."""

    def __init__(self) -> None:
        self.bitgen = np.random.Philox(0)
        self.state: dict[str, Any] = {
            "bit_generator": "Philox", "state": {"counter": [0, 0, 0, 0], "key": [0, 0]},
            "buffer": [0, 0, 0, 0], "buffer_pos": 4, "has_uint32": 0, "uinteger": 0}
        self._scratch: dict[np.dtype, list[np.ndarray]] = {}

    def scratch(self, dtype: np.dtype) -> list[np.ndarray]:
        """The transform's scratch buffers for a ``dtype`` result (made on first use)."""
        wide = dtype == np.float64
        kind = np.dtype(np.float64 if wide else np.float32)
        if kind not in self._scratch:
            count = _f64.BUFFERS if wide else _f32.BUFFERS
            self._scratch[kind] = [np.empty(_CHUNK, kind) for _ in range(count)]
        return self._scratch[kind]

    def words(self, key: Key, stream: int, start: int, count: int) -> np.ndarray:
        """Return Philox words ``[start, start + count)`` (word ``w`` is word ``w % 4`` of
        the block at counter ``w // 4 + 1``)."""
        block, word = divmod(start, 4)
        self.state["state"]["counter"][:2] = [block, stream]  # NumPy steps it before use
        self.state["state"]["key"][:] = key
        self.bitgen.state = self.state
        return self.bitgen.random_raw(word + count)[word:]

    def run(self, key: Key, stream: int, start: int, count: int, per_word: int) -> np.ndarray:
        """Return the bits of flat elements ``[start, start + count)``: whole words
        (uint64, ``per_word == 1``) or 32-bit halves, low half first (uint32)."""
        if per_word == 1:
            return self.words(key, stream, start, count)
        first = start >> 1
        raw = self.words(key, stream, first, ((start + count + 1) >> 1) - first)
        if _LITTLE_ENDIAN:
            halves = raw.view(np.uint32)
        else:
            halves = np.stack([raw & 0xFFFFFFFF, raw >> 32], axis=1).astype(np.uint32).ravel()
        return halves[start & 1:(start & 1) + count]


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
          strides: tuple[int, ...], depth: int, per_word: int) -> None:
    if depth > 0:
        for j in range(dst.shape[0]):
            _fill(worker, key, stream, dst[j], base + j * strides[0], strides[1:], depth - 1,
                  per_word)
        return
    span = 1 + sum((n - 1) * s for n, s in zip(dst.shape, strides))
    raw = worker.run(key, stream, base, span, per_word)
    dst[...] = as_strided(raw, dst.shape, [s * raw.itemsize for s in strides])


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
    per_word = values_per_word(out.dtype)
    bits_dtype = np.uint64 if per_word == 1 else np.uint32
    tiles = _numpy_tiles(*layout)
    plans: dict[tuple, int] = {}
    for _, _, shape, strides in tiles:
        if (shape, strides) not in plans:
            plans[shape, strides] = _plan(shape, strides)

    def work(part: list[tuple]) -> None:
        worker = _worker()
        scratch = worker.scratch(out.dtype)
        for start, base, shape, strides in part:
            size = math.prod(shape)
            if plans[shape, strides] == 0 and 1 + sum(
                    (n - 1) * s for n, s in zip(shape, strides)) == size:
                bits = worker.run(key, stream, base, size, per_word)  # contiguous: no gather
            else:
                bits = np.empty(shape, bits_dtype)
                _fill(worker, key, stream, bits, base, strides, plans[shape, strides],
                      per_word)
            np_transform(dist, bits.reshape(-1), flat[start:start + size], params, clamp,
                         scratch)

    parts = min(len(tiles), 4 * _WORKERS)
    if _WORKERS == 1 or parts < 4:
        work(tiles)
        return
    bounds = np.linspace(0, len(tiles), parts + 1).astype(int)
    list(_executor().map(work, [tiles[a:b] for a, b in zip(bounds[:-1], bounds[1:])]))


# ----------------------------------------------------------------------------- CuPy

def kernel_args(dist: str, key: Key, stream: int, out: Any, layout: Layout,
                params: tuple[float, ...], clamp: tuple[float, float] | None
                ) -> tuple[str, tuple[Any, ...], int]:
    """Return ``(entry point, arguments, threads)`` for one launch filling ``out``."""
    base, sizes, strides = layout
    n, wide = out.size, out.dtype == np.float64
    contiguous = len(sizes) == 1 and strides[0] == 1
    lo, hi = clamp if clamp is not None else (-math.inf, math.inf)
    real = np.float64 if wide else np.float32
    values = [real(v) for v in (*params, 0.0, 0.0, 0.0)[:4 if wide else 5]]
    args: tuple[Any, ...] = (out, np.int64(n), np.uint64(key[0]), np.uint64(key[1]),
                             np.uint64(stream), *values, real(lo), real(hi), np.int64(base))
    if contiguous:
        per_block = 4 * values_per_word(out.dtype)
        threads = (base + n + per_block - 1) // per_block - base // per_block
    else:
        pad = MAX_DIMS - len(sizes)
        args += (np.int32(len(sizes)), *(np.int64(z) for z in sizes + [1] * pad),
                 *(np.int64(s) for s in strides + [0] * pad))
        threads = (n + 3) // 4
    return kernel_name(dist, out.dtype, contiguous), args, threads


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
    name, args, threads = kernel_args(dist, key, stream, flat, layout, params, clamp)
    kernel = _backend.raw_kernel(CUDA_SOURCE, name, CUDA_OPTIONS)
    kernel((min((threads + 255) // 256, 1 << 16),), (256,), args)
