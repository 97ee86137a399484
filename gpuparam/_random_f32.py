"""The NumPy twin of the kernels' float32 transforms (float16, float32 outputs).

Each 16/32-bit value is made from 32 random bits ``b`` (one half of a Philox word) by a
fixed sequence of float32 operations, each correctly rounded, that ``_random.cu``
performs as inline PTX (``add.rn.f32``, ``mul.rn.f32``, ``sqrt.rn.f32``,
``cvt.rn.f32.u32``, ...; no FMA, no flush to zero) and this module performs as NumPy
float32 ufuncs, which round each operation correctly too. So both backends give the
same bits. A float16 output is the float32 value rounded once more (``cvt.rn.f16.f32``,
``astype``).

- uniform: ``k = b >> 8`` (24 bits), ``v = k * scale * 2**-s + low`` with
  ``scale = float32((high - low) * 2**-24 * 2**s)``: ``s = 0`` unless that scale would
  not be a normal float32 (``high - low < 2**-102``), then ``s = 64``, so that tiny
  ranges keep their resolution down to the subnormals;
- normal: the top bit of ``b`` is the sign, the other 31 bits ``m`` give the tail mass
  ``t = (2m + 1) * 2**-33`` and ``y = 1 - 2t`` (each rounded once from the exact value,
  so that both ends keep full relative precision); ``v = sign * z(t, y) * std + mean``;
- truncated normal: ``u = (b | 1) * 2**-32`` and its complement give both tails of the
  interval's CDF mass, ``lower = u * d + plo`` and ``upper = (1 - u) * d + qhi`` (``plo``,
  ``qhi``, ``d`` computed in float64 on the host, then rounded); the smaller is ``t``, its
  side the sign;
- ``z(t, y)``, the normal quantile of ``1 - t``: with ``L = log(t (1 - t))`` (our own log:
  exponent bits plus a polynomial), ``z = y * P(L + c)`` when ``L > -6.5`` (all but ~0.3 %
  of draws), else ``z = Q(sqrt(-L) - c')`` (a second ``Q`` beyond ``sqrt(-L) = 4.82``,
  reached only by truncated normal).

Accuracy (measured by the tests against ``scipy.special.ndtri``): within 4e-7 relative
of the exact quantile of the float32 input. Tails: ``t >= 2**-33`` gives ``|z| <= 6.34``
for normal; truncated normal reaches ``t >= 2**-32 * d`` (about 6.2 standard deviations
for a wide interval). The constants are read from ``_random.cu``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

_SOURCE = Path(__file__).with_name("_random.cu").read_text()


def _define(name: str) -> tuple[np.float32, ...]:
    text = re.search(rf"#define {name} (.*?)(?<!\\)\n", _SOURCE, re.S)
    assert text is not None, name
    values = text.group(1).replace("\\\n", " ").replace(",", " ").split()
    return tuple(np.float32(float.fromhex(v.removesuffix("f"))) for v in values)


LOG_Q = _define("LOG_Q")
LN2 = _define("LN2_F")[0]
CENTRAL_P, (CENTRAL_C,) = _define("CENTRAL_P"), _define("CENTRAL_C")
TAIL_P, (TAIL_C,) = _define("TAIL_P"), _define("TAIL_C")
FAR_P, (FAR_C,) = _define("FAR_P"), _define("FAR_C")
(W_TAIL,), (S_FAR,) = _define("W_TAIL"), _define("S_FAR")
SQRT_HALF_BITS = 0x3F3504F3        # float32 bits of sqrt(1/2) (rounded down)
UNIFORM_SHIFT = 8
TWO_M32, TWO_M33 = np.float32(2.0 ** -32), np.float32(2.0 ** -33)
BUFFERS = 7                        # float32 scratch buffers a transform needs


def _const(x: object, dtype: type = np.float32) -> np.ndarray:
    """A 0-d array operand: the same float32 operation as a scalar operand, but NumPy
    skips the scalar conversion on every call (about 0.5 us of a ~10 us pass)."""
    return np.array(x, dtype)


_LOG_Q, _CENTRAL_P = tuple(map(_const, LOG_Q)), tuple(map(_const, CENTRAL_P))
_TAIL_P, _FAR_P = tuple(map(_const, TAIL_P)), tuple(map(_const, FAR_P))
_ONE, _LN2, _CENTRAL_C = _const(1.0), _const(LN2), _const(CENTRAL_C)
_TWO_M32, _TWO_M33 = _const(TWO_M32), _const(TWO_M33)
_SQRT_HALF_BITS, _MANTISSA = _const(SQRT_HALF_BITS, np.int32), _const(0x007FFFFF, np.int32)
_EXPONENT_SHIFT = _const(23, np.int32)
_U32_ONE, _U32_SIGN = _const(1, np.uint32), _const(0x80000000, np.uint32)
_U32_UNIFORM_SHIFT, _I32_SIGN = _const(UNIFORM_SHIFT, np.uint32), _const(-0x80000000, np.int32)


def horner(coefs: tuple[np.float32, ...], v: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``((c0 * v + c1) * v + c2) ...`` in float32, as the kernel's ``horner32``."""
    np.multiply(v, coefs[0], out=out)
    np.add(out, coefs[1], out=out)
    for c in coefs[2:]:
        np.multiply(out, v, out=out)
        np.add(out, c, out=out)
    return out


def log32(a: np.ndarray, out: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """Write the kernel's ``log32(a)`` (``a`` positive, normal) to ``out``; ``a`` is lost."""
    ix = a.view(np.int32)                            # in place: cheaper than a new buffer
    np.subtract(ix, _SQRT_HALF_BITS, out=ix)
    f = s2.view(np.int32)
    np.bitwise_and(ix, _MANTISSA, out=f)
    np.add(f, _SQRT_HALF_BITS, out=f)
    f = s2
    np.subtract(f, _ONE, out=f)                      # exact: m in [sqrt(1/2), sqrt(2))
    horner(_LOG_Q, f, out)
    np.multiply(out, f, out=out)
    np.right_shift(ix, _EXPONENT_SHIFT, out=ix)      # arithmetic: the exponent e
    e = s1
    np.copyto(e, ix, casting="unsafe")               # exact: |e| < 2**24
    np.multiply(e, _LN2, out=e)
    return np.add(e, out, out=out)


def upper_quantile(t: np.ndarray, y: np.ndarray, far: bool, out: np.ndarray,
                   scratch: list[np.ndarray]) -> np.ndarray:
    """Write ``z(t, y)`` (see the module docstring) to ``out``; ``t`` and ``y`` are kept."""
    s1, s2, s3 = scratch[:3]
    np.subtract(_ONE, t, out=s1)
    np.multiply(t, s1, out=s1)
    L = log32(s1, s3, out, s2)                       # out is scratch here
    np.add(L, _CENTRAL_C, out=s1)
    horner(_CENTRAL_P, s1, out)
    np.multiply(y, out, out=out)
    tails = np.flatnonzero(L <= -W_TAIL)             # the kernel's else branch
    if tails.size:
        s = np.sqrt(np.subtract(np.float32(0.0), L[tails]))
        z = horner(_TAIL_P, s - TAIL_C, np.empty_like(s))
        if far:
            beyond = np.flatnonzero(S_FAR < s)
            if beyond.size:
                z[beyond] = horner(_FAR_P, s[beyond] - FAR_C, np.empty(beyond.size, np.float32))
        out[tails] = z
    return out


def _scale_and_shift(v: np.ndarray, scale: np.float32, shift: np.float32,
                     never_zero: bool) -> None:
    """``v = v * scale + shift`` as the kernel computes it, leaving out what cannot change
    a bit: ``* 1``; ``+ (-0)``; ``+ 0`` when ``v * scale`` cannot be ``-0`` (``v`` never 0
    and ``|scale| >= 2**-100``, so that the product does not underflow to a zero)."""
    if scale != 1.0:
        np.multiply(v, scale, out=v)
    if shift != 0.0 or not (np.signbit(shift) or (never_zero and abs(scale) >= 2.0 ** -100)):
        np.add(v, shift, out=v)


def transform(dist: str, bits: np.ndarray, out: np.ndarray, params: tuple[float, ...],
              clamp: tuple[float, float] | None, scratch: list[np.ndarray]) -> None:
    """Turn 32-bit words into ``out``'s float16/float32 values, as ``value32`` does.

    Args:
        dist: ``'uniform'`` (params ``scale, low, 2**-s``), ``'normal'`` (``mean, std``) or
            ``'truncnorm'`` (``mean, std, plo, qhi, d``); all float32 values.
        bits: 1-d uint32, one per element (overwritten).
        out: 1-d float16/float32 destination of the same length.
        clamp: ``(lo, hi)``, values of ``out``'s dtype, or ``None`` when nothing can
            fall outside (the kernel always clamps uniform and truncated normal).
        scratch: ``BUFFERS`` float32 buffers at least as long as ``bits``.
    """
    n = bits.size
    s = [b[:n] for b in scratch]
    v = out if out.dtype == np.float32 else s[0]
    p = [_const(x) for x in params]
    if dist == "uniform":
        np.right_shift(bits, _U32_UNIFORM_SHIFT, out=bits)
        np.copyto(v, bits.view(np.int32), casting="unsafe")  # exact: < 2**24; int32 converts faster
        np.multiply(v, p[0], out=v)
        if p[2] != 1.0:
            np.multiply(v, p[2], out=v)
        if p[1] != 0.0:         # k * scale is never -0: adding a zero changes nothing
            np.add(v, p[1], out=v)
    elif dist == "normal":
        k = bits
        negative = s[1].view(np.uint32)
        np.bitwise_and(k, _U32_SIGN, out=negative)
        np.left_shift(k, _U32_ONE, out=k)
        np.bitwise_or(k, _U32_ONE, out=k)
        t, y = s[2], s[3]
        np.copyto(t, k, casting="unsafe")             # one correct rounding
        np.multiply(t, _TWO_M33, out=t)
        np.negative(k, out=k)                         # 2**32 - k
        np.copyto(y, k, casting="unsafe")
        np.multiply(y, _TWO_M32, out=y)
        upper_quantile(t, y, False, v, s[4:7])
        np.bitwise_or(v.view(np.uint32), negative, out=v.view(np.uint32))
        _scale_and_shift(v, p[1], p[0], never_zero=True)     # |x| >= 2**-33
    else:
        k = np.bitwise_or(bits, _U32_ONE, out=bits)
        lower, upper = s[1], s[2]
        # (k * 2**-32) * d in one product: scaling by a power of two is exact and
        # commutes with rounding while every value stays normal (k >= 1, d >= 2**-94)
        folded = abs(float(p[4])) >= 2.0 ** -94
        steps = (_const(p[4] * _TWO_M32),) if folded else (_TWO_M32, p[4])
        np.copyto(lower, k, casting="unsafe")
        for factor in steps:
            np.multiply(lower, factor, out=lower)
        np.add(lower, p[2], out=lower)
        np.negative(k, out=k)
        np.copyto(upper, k, casting="unsafe")
        for factor in steps:
            np.multiply(upper, factor, out=upper)
        np.add(upper, p[3], out=upper)
        # lower < upper (both >= 0) <=> their bits compare so: the sign bit of the
        # difference of the bits is the sign of the result (cheaper than a mask)
        negative = s[3].view(np.int32)
        np.subtract(lower.view(np.int32), upper.view(np.int32), out=negative)
        np.bitwise_and(negative, _I32_SIGN, out=negative)
        t = np.minimum(lower, upper, out=lower)
        y = np.add(t, t, out=upper)
        np.subtract(_ONE, y, out=y)
        upper_quantile(t, y, True, v, s[4:7])
        np.bitwise_or(v.view(np.int32), negative, out=v.view(np.int32))
        _scale_and_shift(v, p[1], p[0], never_zero=False)    # t == 1/2 gives x = -0
    if clamp is not None:  # clip: max then min; the kernel's min then max is the same
        np.clip(v, _const(clamp[0]), _const(clamp[1]), out=v)
    if v is not out:
        with np.errstate(over="ignore"):  # overflow gives inf, as cvt.rn.f16.f32 does
            out[...] = v
