"""Seeds, random keys and gpuparam's counter-based generator, on either backend.

Values are a function of ``(key, stream, element index)`` alone. The raw bits are
Philox4x64-10 words laid out exactly as ``numpy.random.Philox``'s ``random_raw`` output
(word ``w`` is word ``w % 4`` of the block at counter ``(w // 4 + 1, stream, 0, 0)``):
element ``i`` of a float64 tensor uses word ``i``; element ``i`` of a float16/float32
tensor uses the low (even ``i``) or high (odd ``i``) 32 bits of word ``i // 2``. On NumPy
the words come from NumPy's own C Philox; on CuPy one kernel computes the same blocks
and transforms them on the device (see ``_random_kernels``, ``_random_f32``,
``_random_f64``). So any part of a tensor (``index=``) equals that part of the whole,
bit for bit; 16/32-bit draws and float64 uniform draws are bit-identical on both
backends, float64 normal draws within 1 ulp.

A tensor's key comes from ``(global seed, number of keys drawn since set_seed)``
through ``numpy.random.SeedSequence``, so neighbouring tensors are independent.
"""

from __future__ import annotations

import math
import numbers
import os
import threading
from typing import Any, Callable, Optional

import numpy as np

from . import _backend
from . import _random_kernels as _k
from ._dtype import DType
from ._errors import check_int, check_real, check_shape, type_error, value_error

Key = _k.Key

_U64 = 1 << 64
_FAR_TAIL = 37.5         # beyond this many sigmas the normal CDF is subnormal in float64

_lock = threading.Lock()
_seed: int | None = None
_process_seed: int | None = None
_count = 0


# ----------------------------------------------------------------------------- seeds

def set_seed(seed: int) -> None:
    """Set the global seed and restart the count of random tensors created since.

    Also seeds ``numpy.random`` and ``random`` (``np.random.seed(seed)`` for a seed
    below ``2**32``), as MindSpore's ``set_seed`` does.

    Args:
        seed: An int in ``[0, 2**64)``.

    Raises:
        TypeError: If ``seed`` is not a Python ``int`` (bools, floats, strings and NumPy
            integers are rejected).
        ValueError: If ``seed`` is outside ``[0, 2**64)``.

    Example:
        >>> from gpuparam import get_seed, set_seed
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
    # As MindSpore's set_seed: ported scripts that draw inputs with NumPy or `random` stay
    # reproducible. NumPy's legacy seed takes 32-bit words, so a larger seed goes in two.
    import random  # here, so that this module's namespace keeps its own meaning of `random`

    np.random.seed(seed if seed < 2**32 else [seed & 0xFFFFFFFF, seed >> 32])
    random.seed(seed)


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


# ----------------------------------------------------------------------------- public

_DTYPES = _k.DTYPES


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
    """Return the least ``dtype`` value >= lo and the greatest one below (or at) ``hi``.

    Finite bounds must lie within ``dtype``'s range (else values would pile up on its
    largest value); infinite ones stay infinite.
    """
    top = float(np.finfo(dtype).max)
    if any(math.isfinite(v) and abs(v) > top for v in (lo, hi)):
        raise value_error(where, what, (lo, hi), f"finite bounds within the {dtype} range "
                          f"[{-top!r}, {top!r}]")
    t = dtype.type
    low, high = t(lo), t(hi)
    if float(low) < lo:
        low = np.nextafter(low, t(np.inf))
    if float(high) > hi or (hi_open and float(high) >= hi):
        high = np.nextafter(high, t(-np.inf))
    if low > high:
        raise value_error(where, what, (lo, hi), f"an interval holding a {dtype} value")
    return float(low), float(high)


_Clamp = Optional[tuple[float, float]]
# params(dtype) -> (kernel parameters, clamp, wide): ``wide`` asks a 16/32-bit draw to be
# made as float64 (its layout and transform) and rounded once, for parameters that
# float32 arithmetic cannot carry (see ``_narrow``).
_Params = Callable[[np.dtype], tuple[tuple[float, ...], _Clamp, bool]]
_F32_MAX = float(np.finfo(np.float32).max)


def _narrow(*values: float) -> tuple[float, ...] | None:
    """Return ``values`` rounded to float32, or ``None`` if one of them overflows."""
    if any(abs(v) > _F32_MAX for v in values):
        return None
    return tuple(float(np.float32(v)) for v in values)


def _draw(where: str, dist: str, key: Any, shape: Any, dtype: Any, index: Any, stream: Any,
          params: _Params) -> Any:
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
    values, clamp, wide = params(dtype)
    xp = _backend.active_array_module()
    result_shape = tuple(len(range(s.start, s.stop, s.step)) for s in index)
    if wide and dtype != np.float64:
        values, _, _ = params(np.dtype(np.float64))
        out = _generate(dist, key, stream, xp, result_shape, np.dtype(np.float64),
                        _layout(shape, index), values, None)
        with np.errstate(over="ignore"):  # overflow gives inf, on both backends
            out = out.astype(dtype)
        if clamp is not None:
            xp.minimum(out, dtype.type(clamp[1]), out=out)
            xp.maximum(out, dtype.type(clamp[0]), out=out)
        return out
    return _generate(dist, key, stream, xp, result_shape, dtype, _layout(shape, index),
                     values, clamp)


def _generate(dist: str, key: Key, stream: int, xp: Any, result_shape: tuple[int, ...],
              dtype: np.dtype, layout: Any, values: tuple[float, ...], clamp: _Clamp) -> Any:
    out = xp.empty(result_shape, dtype)
    if out.size:
        generate = _k.numpy_generate if xp is np else _k.cupy_generate
        generate(dist, key, stream, out, layout, values, clamp)
    return out


def uniform(key: Key, shape: tuple[int, ...], dtype: Any, low: float = 0.0,
            high: float = 1.0, *, index: Any = None, stream: int = 0) -> Any:
    """Return uniform draws on ``[low, high)`` shaped like ``np.empty(shape)[index]``.

    float64: ``k * scale + low`` with ``k`` the top 53 bits of a 64-bit word and
    ``scale = (high - low) * 2**-53``, in float64. float16/float32: the same with ``k``
    the top 24 bits of a 32-bit half-word, in float32 (``scale`` and ``low`` rounded to
    float32 first), then rounded once more for float16. A value that rounds up to
    ``high`` becomes the largest ``dtype`` value below it. ``low == high`` gives ``low``
    everywhere (it must be a ``dtype`` value then). Bit-identical on NumPy and CuPy.

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

    def params(dtype: np.dtype) -> tuple[tuple[float, ...], _Clamp, bool]:
        clamp = _bounds(where, dtype, low, high, low < high, "(low, high)")
        clamp = (clamp[0] + 0.0, clamp[1] + 0.0)   # no -0.0: min/max may order zeros
        # rounding is monotone: clamp only if the extreme draws can fall outside
        if dtype == np.float64:
            scale = (high - low) * 2.0 ** -53
            needed = low + scale * float((1 << 53) - 1) > clamp[1] or low < clamp[0]
            return (scale, low), clamp if needed else None, False
        if _narrow(high - low, low) is None:
            return (), clamp, True
        shift = 0 if (high - low) * 2.0 ** -24 >= 2.0 ** -126 else 64
        scale32 = np.float32((high - low) * 2.0 ** (shift - 24))
        low32, down = np.float32(low), np.float32(2.0 ** -shift)
        top = float(np.float32(np.float32(np.float32(2 ** 24 - 1) * scale32) * down) + low32)
        needed = top > clamp[1] or float(low32) < clamp[0]
        return (float(scale32), float(low32), float(down)), clamp if needed else None, False

    return _draw(where, "uniform", key, shape, dtype, index, stream, params)


def normal(key: Key, shape: tuple[int, ...], dtype: Any, mean: float = 0.0, std: float = 1.0,
           *, index: Any = None, stream: int = 0) -> Any:
    """Return normal draws ``N(mean, std**2)`` shaped like ``np.empty(shape)[index]``.

    Inverse-CDF sampling. float64: ``u = (k + 0.5) * 2**-52`` from the top 52 bits ``k``
    of a 64-bit word, ``x = ppnd16(u)`` (Wichura's AS241), ``x * std + mean``, in float64;
    NumPy and CuPy agree bit for bit except where ``log`` is used (``|u - 0.5| > 0.425``),
    and within 1 ulp there. float16/float32: from a 32-bit half-word, a sign bit and the
    tail mass ``t = (2m + 1) * 2**-33`` of the other 31 bits, the quantile in float32 with
    gpuparam's own logarithm (see ``_random_f32``), ``x * std + mean`` in float32 (``mean``
    and ``std`` rounded to float32 first): bit-identical on NumPy and CuPy, within 4e-7
    relative of the exact quantile, ``|x| <= 6.34``.

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

    def params(dtype: np.dtype) -> tuple[tuple[float, ...], _Clamp, bool]:
        narrow = (mean, std) if dtype == np.float64 else _narrow(mean, std)
        return narrow or (), None, narrow is None

    return _draw("normal", "normal", key, shape, dtype, index, stream, params)


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def truncated_normal(key: Key, shape: tuple[int, ...], dtype: Any, mean: float = 0.0,
                     std: float = 1.0, a: float = -2.0, b: float = 2.0, *, index: Any = None,
                     stream: int = 0) -> Any:
    """Return ``N(mean, std**2)`` draws truncated to ``[a, b]`` (absolute bounds).

    Exact inverse-CDF sampling, never clipping: with ``alpha, beta = (a - mean) / std,
    (b - mean) / std``, ``p = Phi(alpha) + u * (Phi(beta) - Phi(alpha))`` and
    ``x = Phi^-1(p)``. An interval above the mean is mirrored below it first. float64:
    ``u`` from 52 bits and AS241 in float64, as for ``normal``. float16/float32: ``u``
    from a 32-bit half-word, both tails of ``p`` (``Phi(alpha) + u d`` and
    ``Phi(-beta) + (1 - u) d``, ``d`` the interval's mass, computed in float64 and
    rounded to float32) and the float32 quantile of ``normal``; bit-identical on NumPy
    and CuPy. An interval of mass below ``2**-90`` (or parameters beyond the float32
    range) is drawn as float64 and rounded once (within 1 ulp across backends, as
    float64 normal draws are). Rounding-level overshoot is clamped
    to the bounds (values of ``dtype``), the same on both backends.

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
        args32: tuple[float, ...] | None = (mean, 0.0, 0.25, 0.25, 0.5)
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
        qhi = 0.5 * math.erfc(hi / math.sqrt(2.0))    # Phi(-hi), without cancellation
        args32 = None if d < 2.0 ** -90 else (mean, args[1], plo, qhi, d)

    def params(dtype: np.dtype) -> tuple[tuple[float, ...], _Clamp, bool]:
        clamp = _bounds(where, dtype, a, b, False, "(a, b)")
        clamp = (clamp[0] + 0.0, clamp[1] + 0.0)   # no -0.0: min/max may order zeros
        narrow = args if dtype == np.float64 else args32 and _narrow(*args32)
        return narrow or (), clamp, narrow is None

    return _draw(where, "truncnorm", key, shape, dtype, index, stream, params)
