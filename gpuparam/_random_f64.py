"""The NumPy twin of the kernels' float64 transforms (float64 outputs).

One 64-bit Philox word makes one float64 value, as the kernel's ``value64`` does,
operation for operation: products and sums are separate roundings on both sides (the
kernels use ``__dmul_rn``/``__dadd_rn``).

- uniform: ``k = bits >> 11`` (53 bits); ``v = k * scale + low`` with
  ``scale = (high - low) * 2**-53``;
- normal: ``u = ((bits >> 12) + 0.5) * 2**-52``, an open-interval grid symmetric about
  1/2 on which ``u - 0.5`` and ``1 - u`` are exact; ``v = ppnd(u) * std + mean``;
- truncated normal: ``p = min(u * d + plo, 1 - 2**-53)``, ``v = ppnd(p) * std + mean``;

then ``v`` is clamped to ``[clamp_lo, clamp_hi]``. ``ppnd`` is Wichura's AS241 (PPND16),
accurate to about 1e-16; it needs only ``log`` and ``sqrt``, so the two backends can
differ only where ``log`` differs in its last bit (the tails, ``|u - 0.5| > 0.425``):
everything else is bit-identical.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

_SOURCE = Path(__file__).with_name("_random.cu").read_text()
_CONSTANTS = dict(re.findall(r"double (AS241_\w)\[8\] = \{([^}]*)\}", _SOURCE))
AS241_A, AS241_B, AS241_C, AS241_D, AS241_E, AS241_F = (
    tuple(float.fromhex(v) for v in _CONSTANTS[f"AS241_{n}"].replace(",", " ").split())
    for n in "ABCDEF")
UNIFORM_SHIFT = 11
NORMAL_SHIFT = 12
P_MAX = 1.0 - 2.0 ** -53          # largest double below 1: keeps ppnd's argument < 1
BUFFERS = 5                       # float64 scratch buffers a transform needs


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


def transform(dist: str, bits: np.ndarray, out: np.ndarray, params: tuple[float, ...],
              clamp: tuple[float, float] | None, scratch: list[np.ndarray]) -> None:
    """Turn raw Philox words into ``out``'s float64 values, as the kernel's ``value64`` does.

    Args:
        dist: ``'uniform'`` (params ``scale, low``), ``'normal'`` (``mean, std``) or
            ``'truncnorm'`` (``mean, std, plo, d``).
        bits: 1-d uint64 words, one per element (overwritten).
        out: 1-d float64 destination of the same length.
        params: The kernel's ``p0..p3`` (see the module docstring).
        clamp: ``(clamp_lo, clamp_hi)``, or ``None`` when rounding cannot leave the range.
        scratch: ``BUFFERS`` float64 buffers at least as long as ``bits``.
    """
    n = bits.size
    f, x, t1, t2, t3 = (s[:n] for s in scratch)
    if dist == "uniform":
        np.right_shift(bits, UNIFORM_SHIFT, out=bits)
        np.multiply(bits, params[0], out=out)
        np.add(out, params[1], out=out)
    else:
        p = np_open_unit(bits, f)
        if dist == "truncnorm":
            np.multiply(p, params[3], out=p)
            np.add(p, params[2], out=p)
            np.minimum(p, P_MAX, out=p)
        np_ppnd16(p, out, t1, t2, t3)
        np.multiply(out, params[1], out=out)
        np.add(out, params[0], out=out)
    if clamp is not None:
        np.minimum(out, clamp[1], out=out)
        np.maximum(out, clamp[0], out=out)
