"""Special functions on arrays that NumPy lacks (``erf``), the same on both backends.

NumPy has no ``erf``, SciPy is not a dependency, and CuPy's would give other last bits
than a CPU one. So ``erf`` is written once against ``xp``: the rational approximations
of Sun's fdlibm (``s_erf.c``, accurate to below 1 ulp in float64), evaluated with
ordinary array arithmetic. float16/32 inputs are computed in float64 and rounded once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import Array, get_array_module

# fdlibm s_erf.c coefficients, by interval of |x|.
_EFX = 1.28379167095512586316e-01
_ERX = 8.45062911510467529297e-01
_PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
       -5.77027029648944159157e-03, -2.37630166566501626084e-05)
_QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
       1.32494738004321644526e-04, -3.96022827877536812320e-06)
_PA = (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
       3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
       -2.16637559486879084300e-03)
_QA = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
       1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02)
_RA = (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
       -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
       -8.12874355063065934246e+01, -9.81432934416914548592e+00)
_SA = (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
       6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
       6.57024977031928170135e+00, -6.04244152148580987438e-02)
_RB = (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
       -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
       -4.83519191608651397019e+02)
_SB = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
       3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
       -2.24409524465858183362e+01)


def _poly(z: Array, coefficients: tuple[float, ...]) -> Array:
    """``c0 + z * (c1 + z * (c2 + ...))`` (Horner)."""
    out = get_array_module(z).full_like(z, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        out = out * z + c
    return out


def erf(x: Array) -> Array:
    """The error function ``2 / sqrt(pi) * integral(exp(-t**2), 0, x)`` of each element.

    Float inputs only; float16/32 are computed in float64 and rounded once to their
    dtype. Within 1 ulp of the correctly rounded value in float64.

    Example:
        >>> import numpy as np
        >>> erf(np.array([0.0, 0.5, 3.0]))
        array([0.        , 0.52049988, 0.99997791])
    """
    with np.errstate(invalid="ignore", over="ignore"):  # inf and NaN lanes are replaced below
        return _erf(get_array_module(x), x)


def _erf(xp: Any, x: Array) -> Array:
    v = x.astype(np.float64)
    a = xp.abs(v)
    z2 = v * v
    small = v + v * (_poly(z2, _PP) / _poly(z2, _QQ))          # |x| < 0.84375
    s = a - 1.0
    mid = _ERX + _poly(s, _PA) / _poly(s, _QA)                 # 0.84375 <= |x| < 1.25
    inv = 1.0 / xp.maximum(a * a, 1.0)
    near = a < 1.0 / 0.35
    ratio = xp.where(near, _poly(inv, _RA) / _poly(inv, _SA), _poly(inv, _RB) / _poly(inv, _SB))
    # exp(-a*a) split as fdlibm does: a with its low 32 bits cleared squares exactly.
    hi = (a.view(np.uint64) & np.uint64(0xFFFFFFFF00000000)).view(np.float64)
    tail = xp.exp(-hi * hi - 0.5625) * xp.exp((hi - a) * (hi + a) + ratio)
    large = 1.0 - tail / xp.maximum(a, 1.25)                   # 1.25 <= |x| < 6
    magnitude = xp.where(a < 1.25, mid, xp.where(a < 6.0, large, 1.0))
    out = xp.where(a < 0.84375, small, xp.copysign(magnitude, v))
    out = xp.where(a < 2.0 ** -28, v + _EFX * v, out)
    out = xp.where(xp.isnan(v), v, out)
    return out.astype(x.dtype, copy=False)


__all__ = ["erf"]
