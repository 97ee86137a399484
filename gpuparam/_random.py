"""Seeds, random keys and gpuparam's counter-based generator, on either backend.

Values are a function of ``(key, stream, element index)`` alone: element ``i`` of a
tensor uses word ``i % 4`` of the Philox4x64-10 block at counter
``(i // 4 + 1, stream, 0, 0)``, exactly as ``numpy.random.Philox`` lays out its
``random_raw`` output. On NumPy the words come from NumPy's own C Philox; on CuPy one
kernel computes the same blocks and transforms them on the device (see
``_random_kernels``). So any part of a tensor (``index=``) equals that part of the
whole, bit for bit, and uniform draws are bit-identical on both backends.

A tensor's key comes from ``(global seed, number of keys drawn since set_seed)``
through ``numpy.random.SeedSequence``, so neighbouring tensors are independent.
"""

from __future__ import annotations

import concurrent.futures
import functools
import math
import numbers
import os
import threading
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _backend
from . import _random_kernels as _k
from ._dtype import DType
from ._errors import check_int, check_real, check_shape, type_error, value_error

Key = tuple[int, int]

_U64 = 1 << 64
_CHUNK = 1 << 15         # elements per NumPy work item: its float64 scratch stays in L2
_RUN_COST = 300          # a Philox state reset costs about as much as this many draws
_FAR_TAIL = 37.5         # beyond this many sigmas the normal CDF is subnormal in float64

_lock = threading.Lock()
_seed: int | None = None
_process_seed: int | None = None
_count = 0
_local = threading.local()


# ----------------------------------------------------------------------------- seeds

def set_seed(seed: int) -> None:
    """Set the global seed and restart the count of random tensors created since.

    Args:
        seed: An int in ``[0, 2**64)``.

    Raises:
        TypeError: If ``seed`` is not a Python ``int`` (bools, floats, strings and NumPy
            integers are rejected).
        ValueError: If ``seed`` is outside ``[0, 2**64)``.

    Example:
        >>> set_seed(1); get_seed()
        1
    """
    global _seed, _count
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise type_error("set_seed", "seed", seed, "an int")
    if not 0 <= seed < _U64:
        raise value_error("set_seed", "seed", seed, "an int in [0, 2**64)")
    with _lock:
        _seed, _count = int(seed), 0


def get_seed() -> int | None:
    """Return the seed given to ``set_seed``, or ``None`` if it was never called."""
    return _seed


def next_key() -> Key:
    """Return a new tensor key: mixed from the global seed and the creation count.

    Thread-safe. Without ``set_seed`` a random seed is drawn once per process (and
    ``get_seed()`` still returns ``None``).
    """
    global _count, _process_seed
    with _lock:
        if _seed is None and _process_seed is None:
            _process_seed = int.from_bytes(os.urandom(8), "little")
        seed = _process_seed if _seed is None else _seed
        count, _count = _count, _count + 1
    words = np.random.SeedSequence([seed, count]).generate_state(2, np.uint64)
    return int(words[0]), int(words[1])


def _check_key(where: str, key: Any) -> Key:
    if (not isinstance(key, tuple) or len(key) != 2
            or any(isinstance(w, bool) or not isinstance(w, numbers.Integral) for w in key)):
        raise type_error(where, "key", key, "a tuple of two ints (from next_key())")
    if not all(0 <= int(w) < _U64 for w in key):
        raise value_error(where, "key", key, "two ints in [0, 2**64)")
    return int(key[0]), int(key[1])


# ----------------------------------------------------------------------------- index

def normalize_index(shape: tuple[int, ...], index: Any) -> tuple[slice, ...]:
    """Return ``index`` as one concrete slice per dimension, with positive steps.

    Args:
        shape: Shape of the whole tensor.
        index: ``None``, a slice, or a tuple of slices (shorter tuples leave the
            trailing dimensions whole). Out-of-range bounds clamp as in NumPy.

    Raises:
        TypeError: For anything but slices (ints, Ellipsis, arrays, ...).
        ValueError: For more slices than dimensions, or a step that is not positive.

    Example:
        >>> normalize_index((4, 6), (slice(1, None), slice(None, None, 2)))
        (slice(1, 4, 1), slice(0, 5, 2))
    """
    where, accepted = "normalize_index", "None, a slice or a tuple of slices"
    parts = () if index is None else (index,) if isinstance(index, slice) else index
    if not isinstance(parts, tuple) or not all(isinstance(p, slice) for p in parts):
        raise type_error(where, "index", index, accepted)
    if len(parts) > len(shape):
        raise value_error(where, "index", index, f"at most {len(shape)} slices for shape {shape}")
    out = []
    for part, n in zip(parts + (slice(None),) * (len(shape) - len(parts)), shape):
        for bound in (part.start, part.stop, part.step):
            if bound is not None and (isinstance(bound, bool)
                                      or not isinstance(bound, numbers.Integral)):
                raise type_error(where, "index", index, "slices of ints or None")
        if part.step is not None and part.step <= 0:
            raise value_error(where, "index", index, "slices with positive steps")
        start, stop, step = part.indices(n)
        length = len(range(start, stop, step))
        out.append(slice(start, start + (length - 1) * step + 1 if length else start, step))
    return tuple(out)


def _layout(shape: tuple[int, ...], index: tuple[slice, ...]) -> tuple[int, list[int], list[int]]:
    """Return ``(base, sizes, strides)``: result dims as flat offsets into the whole.

    Dims of length 1 are dropped and dims that continue each other are merged, so a
    contiguous selection becomes one dim of stride 1.
    """
    base, stride, dims = 0, 1, []
    for n, part in reversed(list(zip(shape, index))):
        length = len(range(part.start, part.stop, part.step))
        base += part.start * stride
        if length > 1:
            dims.insert(0, [length, part.step * stride])
        stride *= n
    merged: list[list[int]] = []
    for length, step in dims:
        if merged and merged[-1][1] == length * step:
            merged[-1] = [merged[-1][0] * length, step]
        else:
            merged.append([length, step])
    merged = merged or [[1, 1]]
    return base, [m[0] for m in merged], [m[1] for m in merged]


# ----------------------------------------------------------------------------- NumPy


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


_WORKERS = max(1, min(8, os.cpu_count() or 1))


@functools.cache
def _executor() -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(_WORKERS, thread_name_prefix="gpuparam-rng")


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
    for outer in np.ndindex(*sizes[:k]):
        offset = base + sum(j * s for j, s in zip(outer, strides))
        start = int(np.ravel_multi_index(outer, sizes[:k])) * suffix[k] if k else 0
        for a in range(0, sizes[k], rows):
            b = min(a + rows, sizes[k])
            tiles.append((start + a * suffix[k + 1], offset + a * strides[k],
                          (b - a, *sizes[k + 1:]), (strides[k], *strides[k + 1:])))
    return tiles


def _numpy_generate(dist: str, key: Key, stream: int, out: np.ndarray, layout: tuple,
                    params: tuple[float, ...], clamp: tuple[float, float] | None) -> None:
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
            _k.np_transform(dist, bits.reshape(-1), flat[start:start + size], params,
                            clamp, worker.scratch)

    parts = min(len(tiles), 4 * _WORKERS)
    if _WORKERS == 1 or parts < 4:
        work(tiles)
        return
    bounds = np.linspace(0, len(tiles), parts + 1).astype(int)
    list(_executor().map(work, [tiles[a:b] for a, b in zip(bounds[:-1], bounds[1:])]))


# ----------------------------------------------------------------------------- CuPy

def _cupy_generate(dist: str, key: Key, stream: int, out: Any, layout: tuple,
                   params: tuple[float, ...], clamp: tuple[float, float] | None) -> None:
    base, sizes, strides = layout
    flat = out.reshape(-1)
    extra = len(sizes) - _k.MAX_DIMS
    if extra > 0:  # walk the leading dims here; the kernel walks the last MAX_DIMS
        inner = math.prod(sizes[extra:])
        for i, outer in enumerate(np.ndindex(*sizes[:extra])):
            offset = base + sum(j * s for j, s in zip(outer, strides))
            _cupy_generate(dist, key, stream, flat[i * inner:(i + 1) * inner],
                           (offset, sizes[extra:], strides[extra:]), params, clamp)
        return
    kernel = _backend.raw_kernel(_k.CUDA_SOURCE, _k.kernel_name(dist, out.dtype),
                                 _k.CUDA_OPTIONS)
    n, pad = flat.size, _k.MAX_DIMS - len(sizes)
    lo, hi = clamp if clamp is not None else (-math.inf, math.inf)
    p = [np.float64(v) for v in (*params, 0.0, 0.0)[:4]]
    args = (flat, np.int64(n), np.uint64(key[0]), np.uint64(key[1]), np.uint64(stream), *p,
            np.float64(lo), np.float64(hi), np.int64(base), np.int32(len(sizes)),
            *(np.int64(z) for z in sizes + [1] * pad), *(np.int64(s) for s in strides + [0] * pad))
    quads = (n + 3) // 4
    kernel((min((quads + 255) // 256, 1 << 16),), (256,), args)


# ----------------------------------------------------------------------------- public

_DTYPES = tuple(_k.UNIFORM_SHIFT)


def _check_dtype(where: str, dtype: Any) -> np.dtype:
    try:
        found = (dtype.numpy_dtype if isinstance(dtype, DType)
                 else None if dtype is None else np.dtype(dtype))
    except TypeError:
        found = None
    if found is None or found not in _DTYPES:  # (np.dtype(...) == None is True)
        raise type_error(where, "dtype", dtype, "a float dtype (float16, float32 or float64)")
    return found


def _bounds(where: str, dtype: np.dtype, lo: float, hi: float, hi_open: bool,
            what: str) -> tuple[float, float]:
    """Return the least ``dtype`` value >= lo and the greatest one below (or at) ``hi``."""
    t = dtype.type
    low, high = t(lo), t(hi)
    if float(low) < lo:
        low = np.nextafter(low, t(np.inf))
    if float(high) > hi or (hi_open and float(high) >= hi):
        high = np.nextafter(high, t(-np.inf))
    if low > high:
        raise value_error(where, what, (lo, hi), f"an interval holding a {dtype} value")
    return float(low), float(high)


def _draw(where: str, dist: str, key: Any, shape: Any, dtype: Any, index: Any, stream: Any,
          params: Any) -> Any:
    key = _check_key(where, key)
    shape = check_shape(where, "shape", shape, allow_zero=True)
    dtype = _check_dtype(where, dtype)
    stream = check_int(where, "stream", stream, minimum=0)
    if stream >= _U64:
        raise value_error(where, "stream", stream, "an int in [0, 2**64)")
    try:
        index = normalize_index(shape, index)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("normalize_index:", f"{where}:", 1)) from None
    params, clamp = params(dtype)
    xp = _backend.active_array_module()
    out = xp.empty(tuple(len(range(s.start, s.stop, s.step)) for s in index), dtype)
    if out.size:
        generate = _numpy_generate if xp is np else _cupy_generate
        generate(dist, key, stream, out, _layout(shape, index), params, clamp)
    return out


def uniform(key: Key, shape: tuple[int, ...], dtype: Any, low: float = 0.0,
            high: float = 1.0, *, index: Any = None, stream: int = 0) -> Any:
    """Return uniform draws on ``[low, high)`` shaped like ``np.empty(shape)[index]``.

    ``low + (high - low) * u`` with ``u`` from the top 24 bits (float16/32) or 53 bits
    (float64) of each word, computed in float64 and rounded once to ``dtype``; a value
    that rounds up to ``high`` becomes the largest ``dtype`` value below it.
    ``low == high`` gives ``low`` everywhere. Bit-identical on NumPy and CuPy.

    Args:
        key: The tensor's key (``next_key()``).
        shape: Shape of the whole tensor.
        dtype: float16, float32 or float64 (NumPy or gpuparam dtype).
        low: Lower bound (included).
        high: Upper bound (excluded), ``>= low``.
        index: A slice or tuple of slices: return only ``whole[index]``.
        stream: Independent draw number for the same key.

    Returns:
        An array of the active backend.

    Example:
        >>> uniform((1, 2), (3, 4), np.float32, -1.0, 1.0, index=(slice(1, 3),)).shape
        (2, 4)
    """
    where = "uniform"
    low, high = check_real(where, "low", low), check_real(where, "high", high)
    if not high >= low:
        raise value_error(where, "high", high, f"a number >= low ({low!r})")
    if not math.isfinite(high - low):
        raise value_error(where, "high", high, f"within float64 range of low ({low!r})")

    def params(dtype: np.dtype) -> tuple[tuple[float, ...], tuple[float, float] | None]:
        if low == high:
            v = float(dtype.type(low))
            return (0.0, low), (v, v)
        scale = (high - low) * 2.0 ** -(64 - _k.UNIFORM_SHIFT[dtype])
        clamp = _bounds(where, dtype, low, high, True, "(low, high)")
        top = float(dtype.type(low + scale * float((1 << (64 - _k.UNIFORM_SHIFT[dtype])) - 1)))
        needed = top > clamp[1] or float(dtype.type(low)) < clamp[0]
        return (scale, low), clamp if needed else None

    return _draw(where, "uniform", key, shape, dtype, index, stream, params)


def normal(key: Key, shape: tuple[int, ...], dtype: Any, mean: float = 0.0, std: float = 1.0,
           *, index: Any = None, stream: int = 0) -> Any:
    """Return normal draws ``N(mean, std**2)`` shaped like ``np.empty(shape)[index]``.

    Inverse-CDF sampling: ``u = (k + 0.5) * 2**-52`` from the top 52 bits ``k`` of each
    word, ``x = ppnd16(u)`` (Wichura's AS241) in float64, then ``mean + std * x``
    rounded once. NumPy and CuPy agree bit for bit except where ``log`` is used
    (``|u - 0.5| > 0.425``), and within 1 ulp of float32 there.

    Args:
        key, shape, dtype, index, stream: As for ``uniform``.
        mean: Mean.
        std: Standard deviation, ``>= 0``.

    Example:
        >>> normal((1, 2), (3, 4), np.float64, 0.0, 0.02).dtype
        dtype('float64')
    """
    mean = check_real("normal", "mean", mean)
    std = check_real("normal", "std", std, non_negative=True)
    return _draw("normal", "normal", key, shape, dtype, index, stream,
                 lambda dtype: ((mean, std), None))


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def truncated_normal(key: Key, shape: tuple[int, ...], dtype: Any, mean: float = 0.0,
                     std: float = 1.0, a: float = -2.0, b: float = 2.0, *, index: Any = None,
                     stream: int = 0) -> Any:
    """Return ``N(mean, std**2)`` draws truncated to ``[a, b]`` (absolute bounds).

    Exact inverse-CDF sampling, never clipping: with ``alpha, beta = (a - mean) / std,
    (b - mean) / std``, ``p = Phi(alpha) + u * (Phi(beta) - Phi(alpha))`` and
    ``x = ppnd16(p)``. An interval above the mean is mirrored below it first, so that
    upper-tail intervals keep full precision. Rounding-level overshoot is clamped to
    the bounds (after rounding to ``dtype``), the same on both backends.

    Args:
        key, shape, dtype, index, stream: As for ``uniform``.
        mean, std: Mean and standard deviation (``std >= 0``) before truncation;
            ``std == 0`` gives ``mean`` everywhere (it must lie in ``[a, b]``).
        a, b: Bounds, ``a < b``; ``-inf``/``inf`` leave a side open.

    Raises:
        ValueError: Also when both bounds lie more than 37.5 standard deviations on
            the same side of ``mean``: float64 cannot represent the normal CDF there.

    Example:
        >>> truncated_normal((1, 2), (8,), np.float32, 0.0, 0.02, -0.04, 0.04).shape
        (8,)
    """
    where = "truncated_normal"
    mean = check_real(where, "mean", mean)
    std = check_real(where, "std", std, non_negative=True)
    for name, bound in (("a", a), ("b", b)):
        if isinstance(bound, bool) or not isinstance(bound, numbers.Real) or bound != bound:
            raise type_error(where, name, bound, "a real number (or -inf/inf)")
    a, b = float(a), float(b)
    if not a < b:
        raise value_error(where, "b", b, f"a number > a ({a!r})")
    if std == 0.0:
        if not a <= mean <= b:
            raise value_error(where, "mean", mean, f"within [a, b] = [{a!r}, {b!r}] when std is 0")
        args: tuple[float, ...] = (mean, 0.0, 0.25, 0.5)
    else:
        alpha, beta = (a - mean) / std, (b - mean) / std
        mirror = alpha > -beta       # the interval's centre lies above the mean
        lo, hi = (-beta, -alpha) if mirror else (alpha, beta)
        if hi < -_FAR_TAIL:
            raise value_error(where, "(a, b)", (a, b), f"an interval reaching within "
                              f"{_FAR_TAIL} standard deviations of mean ({mean!r})")
        plo = _phi(lo)
        if hi <= 0.0:
            d = _phi(hi) - plo
        else:
            d = 0.5 * (math.erf(hi / math.sqrt(2.0)) - math.erf(lo / math.sqrt(2.0)))
        args = (mean, -std if mirror else std, plo, d)

    def params(dtype: np.dtype) -> tuple[tuple[float, ...], tuple[float, float] | None]:
        return args, _bounds(where, dtype, a, b, False, "(a, b)")

    return _draw(where, "truncnorm", key, shape, dtype, index, stream, params)
