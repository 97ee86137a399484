"""The arithmetic of gpuparam's random numbers, written once for each backend.

``CUDA_SOURCE`` holds the CuPy kernels: Philox4x64-10 (as ``numpy.random.Philox``
computes it) fused with the distribution transforms. The ``np_*`` functions are the
NumPy transcriptions of those transforms, operation for operation, so that both
backends round identically: products and sums are separate roundings on both sides
(the kernels use ``__dmul_rn``/``__dadd_rn`` and are compiled with ``--fmad=false``).

Floats from raw bits (``bits`` is one uint64 per element):

- uniform: ``k = bits >> 40`` (24 bits; float16/float32) or ``bits >> 11`` (53 bits;
  float64); ``v = k * scale + low`` with ``scale = (high - low) * 2**-bits``;
- normal: ``u = (bits >> 12 + 0.5) * 2**-52``, an open-interval grid symmetric
  about 1/2 on which ``u - 0.5`` and ``1 - u`` are exact; ``v = mean + std * ppnd(u)``;
- truncated normal: ``p = min(plo + d * u, 1 - 2**-53)``, ``v = mean + std * ppnd(p)``;

then ``v`` is rounded once to the target dtype and clamped (after rounding) to
``[clamp_lo, clamp_hi]``, values of the target dtype. ``ppnd`` is Wichura's AS241
(PPND16), accurate to about 1e-16; it needs only ``log`` and ``sqrt``, so the two
backends can differ only where ``log`` differs in its last bit (the tails,
``|u - 0.5| > 0.425``): everything else is bit-identical.
"""

from __future__ import annotations

import numpy as np

# Wichura (1988), Algorithm AS 241, Applied Statistics 37(3), 477-484. Highest degree
# first; denominators end with their constant term 1.
AS241_A = (2509.0809287301226727, 33430.575583588128105, 67265.770927008700853,
           45921.953931549871457, 13731.693765509461125, 1971.5909503065514427,
           133.14166789178437745, 3.3871328727963666080)
AS241_B = (5226.4952788528545610, 28729.085735721942674, 39307.895800092710610,
           21213.794301586595867, 5394.1960214247511077, 687.18700749205790830,
           42.313330701600911252, 1.0)
AS241_C = (7.74545014278341407640e-4, 0.0227238449892691845833, 0.241780725177450611770,
           1.27045825245236838258, 3.64784832476320460504, 5.76949722146069140550,
           4.63033784615654529590, 1.42343711074968357734)
AS241_D = (1.05075007164441684324e-9, 5.47593808499534494600e-4, 0.0151986665636164571966,
           0.148103976427480074590, 0.689767334985100004550, 1.67638483018380384940,
           2.05319162663775882187, 1.0)
AS241_E = (2.01033439929228813265e-7, 2.71155556874348757815e-5, 1.24266094738807843860e-3,
           0.0265321895265761230930, 0.296560571828504891230, 1.78482653991729133580,
           5.46378491116411436990, 6.65790464350110377720)
AS241_F = (2.04426310338993978564e-15, 1.42151175831644588870e-7, 1.84631831751005468180e-5,
           7.86869131145613259100e-4, 0.0148753612908506148525, 0.136929880922735805310,
           0.599832206555887937690, 1.0)

UNIFORM_SHIFT = {np.dtype(np.float16): 40, np.dtype(np.float32): 40, np.dtype(np.float64): 11}
NORMAL_SHIFT = 12
P_MAX = 1.0 - 2.0 ** -53          # largest double below 1: keeps ppnd's argument < 1
MAX_DIMS = 6                      # dims a kernel walks; more are split on the host
PHILOX_M = (0xD2E7470EE14C6C93, 0xCA5A826395121157)
PHILOX_W = (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)
KERNEL_TYPES = {np.dtype(np.float16): "f16", np.dtype(np.float32): "f32",
                np.dtype(np.float64): "f64"}


def kernel_name(dist: str, dtype: np.dtype) -> str:
    """Return the CUDA entry point for ``dist`` ('uniform', 'normal', 'truncnorm')."""
    return f"gpuparam_{dist}_{KERNEL_TYPES[np.dtype(dtype)]}"


def _c_array(name: str, values: tuple[float, ...]) -> str:
    # Hex literals carry the exact doubles the NumPy path uses.
    return f"__constant__ double {name}[8] = {{{', '.join(v.hex() for v in values)}}};"


_CUDA_TEMPLATE = r"""
typedef unsigned long long u64;
typedef long long i64;
#define MAXD @MAXD@

@COEFS@

// One round pair of Philox4x64-10 exactly as Random123 / numpy.random.Philox do it.
__device__ __forceinline__ void philox(u64 c[4], u64 k0, u64 k1) {
#pragma unroll
  for (int round = 0; round < 10; ++round) {
    if (round > 0) { k0 += @W0@ULL; k1 += @W1@ULL; }
    const u64 hi0 = __umul64hi(@M0@ULL, c[0]), lo0 = @M0@ULL * c[0];
    const u64 hi1 = __umul64hi(@M1@ULL, c[2]), lo1 = @M1@ULL * c[2];
    const u64 n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
    c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
  }
}

__device__ __forceinline__ double horner(const double* c, double r) {
  double t = c[0];
#pragma unroll
  for (int i = 1; i < 8; ++i) t = __dadd_rn(__dmul_rn(t, r), c[i]);
  return t;
}

// AS241 outside the centre; kept out of line since only ~15% of normal draws get here.
__device__ __noinline__ double ppnd16_tail(double p, double q) {
  double r = (q < 0.0) ? p : __dsub_rn(1.0, p);
  r = sqrt(-log(r));
  double x;
  if (r <= 5.0) {
    r = __dsub_rn(r, 1.6);
    x = __ddiv_rn(horner(AS241_C, r), horner(AS241_D, r));
  } else {
    r = __dsub_rn(r, 5.0);
    x = __ddiv_rn(horner(AS241_E, r), horner(AS241_F, r));
  }
  return (q < 0.0) ? -x : x;
}

// Wichura's AS241 (PPND16): the standard normal quantile of p in (0, 1).
__device__ __forceinline__ double ppnd16(double p) {
  const double q = __dsub_rn(p, 0.5);
  if (fabs(q) <= 0.425) {
    const double r = __dsub_rn(0.180625, __dmul_rn(q, q));
    return __ddiv_rn(__dmul_rn(q, horner(AS241_A, r)), horner(AS241_B, r));
  }
  return ppnd16_tail(p, q);
}

struct F16 {
  typedef unsigned short T;  // IEEE half bits; cvt.rn is round-to-nearest-even like NumPy
  static const int SHIFT = 40;
  __device__ static T from(double v) { T h; asm("cvt.rn.f16.f64 %0, %1;" : "=h"(h) : "d"(v)); return h; }
  __device__ static double to(T h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return (double)f; }
  __device__ static void store4(T* o, const T v[4]) {
    *reinterpret_cast<uint2*>(o) = make_uint2(v[0] | ((unsigned)v[1] << 16), v[2] | ((unsigned)v[3] << 16));
  }
};
struct F32 {
  typedef float T;
  static const int SHIFT = 40;
  __device__ static T from(double v) { return __double2float_rn(v); }
  __device__ static double to(T f) { return (double)f; }
  __device__ static void store4(T* o, const T v[4]) {
    *reinterpret_cast<float4*>(o) = make_float4(v[0], v[1], v[2], v[3]);
  }
};
struct F64 {
  typedef double T;
  static const int SHIFT = 11;
  __device__ static T from(double v) { return v; }
  __device__ static double to(T d) { return d; }
  __device__ static void store4(T* o, const T v[4]) {
    reinterpret_cast<double2*>(o)[0] = make_double2(v[0], v[1]);
    reinterpret_cast<double2*>(o)[1] = make_double2(v[2], v[3]);
  }
};

enum { UNIFORM = 0, NORMAL = 1, TRUNCNORM = 2 };

// p0..p3: uniform (scale, low); normal (mean, std); truncnorm (mean, std, plo, d).
template <int DIST, class O>
__device__ __forceinline__ typename O::T transform(u64 bits, double p0, double p1, double p2,
                                                   double p3, double clo, double chi) {
  double v;
  if (DIST == UNIFORM) {
    v = __dadd_rn(__dmul_rn(__ull2double_rn(bits >> O::SHIFT), p0), p1);
  } else {
    const double u = __dmul_rn(__dadd_rn(__ull2double_rn(bits >> @NSHIFT@), 0.5), 0x1p-52);
    double p = u;
    if (DIST == TRUNCNORM) p = fmin(__dadd_rn(__dmul_rn(u, p3), p2), @PMAX@);
    v = __dadd_rn(__dmul_rn(ppnd16(p), p1), p0);
  }
  typename O::T out = O::from(v);
  const double back = O::to(out);
  if (back > chi) out = O::from(chi);
  if (back < clo) out = O::from(clo);
  return out;
}

// Each thread writes result elements 4t..4t+3; result element r sits at flat offset
// base + sum_d j_d * stride_d of the whole tensor (j = r unravelled over size[]), and
// its bits are word (offset % 4) of the Philox block at counter (offset / 4 + 1, stream).
template <int DIST, class O>
__device__ __forceinline__ void generate(
    typename O::T* out, i64 n, u64 k0, u64 k1, u64 stream, double p0, double p1, double p2,
    double p3, double clo, double chi, i64 base, int nd, const i64 size[MAXD],
    const i64 stride[MAXD]) {
  const i64 quads = (n + 3) >> 2;
  for (i64 t = blockIdx.x * (i64)blockDim.x + threadIdx.x; t < quads;
       t += (i64)gridDim.x * blockDim.x) {
    const i64 r0 = t << 2;
    i64 j[MAXD];
    i64 w = base, rem = r0;
#pragma unroll
    for (int d = MAXD - 1; d >= 0; --d) {
      j[d] = 0;
      if (d < nd) {
        if (d == 0) { j[d] = rem; } else { j[d] = rem % size[d]; rem /= size[d]; }
        w += j[d] * stride[d];
      }
    }
    typename O::T v[4];
    u64 c[4];
    i64 block = -1;
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      if (r0 + e < n) {
        if ((w >> 2) != block) {
          block = w >> 2;
          c[0] = (u64)block + 1; c[1] = stream; c[2] = 0; c[3] = 0;
          philox(c, k0, k1);
        }
        const int word = (int)(w & 3);
        const u64 bits = word == 0 ? c[0] : word == 1 ? c[1] : word == 2 ? c[2] : c[3];
        v[e] = transform<DIST, O>(bits, p0, p1, p2, p3, clo, chi);
#pragma unroll
        for (int d = MAXD - 1; d >= 0; --d) {  // step the multi-index, carrying outwards
          if (d < nd) {
            ++j[d]; w += stride[d];
            if (d == 0 || j[d] < size[d]) break;
            w -= j[d] * stride[d]; j[d] = 0;
          }
        }
      }
    }
    typename O::T* dst = out + r0;
    if (r0 + 3 < n && (reinterpret_cast<size_t>(dst) % (4 * sizeof(typename O::T))) == 0) {
      O::store4(dst, v);
    } else {
      for (int e = 0; e < 4 && r0 + e < n; ++e) dst[e] = v[e];
    }
  }
}

#define GP_ENTRY(NAME, DIST, O)                                                          \
  extern "C" __global__ void NAME(                                                       \
      O::T* out, i64 n, u64 k0, u64 k1, u64 stream, double p0, double p1, double p2,      \
      double p3, double clo, double chi, i64 base, int nd, i64 z0, i64 z1, i64 z2, i64 z3, \
      i64 z4, i64 z5, i64 s0, i64 s1, i64 s2, i64 s3, i64 s4, i64 s5) {                  \
    const i64 size[MAXD] = {z0, z1, z2, z3, z4, z5};                                     \
    const i64 stride[MAXD] = {s0, s1, s2, s3, s4, s5};                                   \
    generate<DIST, O>(out, n, k0, k1, stream, p0, p1, p2, p3, clo, chi, base, nd, size,   \
                      stride);                                                           \
  }

GP_ENTRY(gpuparam_uniform_f16, UNIFORM, F16)
GP_ENTRY(gpuparam_uniform_f32, UNIFORM, F32)
GP_ENTRY(gpuparam_uniform_f64, UNIFORM, F64)
GP_ENTRY(gpuparam_normal_f16, NORMAL, F16)
GP_ENTRY(gpuparam_normal_f32, NORMAL, F32)
GP_ENTRY(gpuparam_normal_f64, NORMAL, F64)
GP_ENTRY(gpuparam_truncnorm_f16, TRUNCNORM, F16)
GP_ENTRY(gpuparam_truncnorm_f32, TRUNCNORM, F32)
GP_ENTRY(gpuparam_truncnorm_f64, TRUNCNORM, F64)
"""

_SUBSTITUTIONS = {
    "@MAXD@": str(MAX_DIMS),
    "@COEFS@": "\n".join(_c_array(f"AS241_{n}", globals()[f"AS241_{n}"]) for n in "ABCDEF"),
    "@M0@": hex(PHILOX_M[0]), "@M1@": hex(PHILOX_M[1]),
    "@W0@": hex(PHILOX_W[0]), "@W1@": hex(PHILOX_W[1]),
    "@NSHIFT@": str(NORMAL_SHIFT), "@PMAX@": P_MAX.hex(),
}
CUDA_SOURCE = _CUDA_TEMPLATE
for _key, _value in _SUBSTITUTIONS.items():
    CUDA_SOURCE = CUDA_SOURCE.replace(_key, _value)
CUDA_OPTIONS = ("--fmad=false",)

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
        np.right_shift(bits, NORMAL_SHIFT, out=bits)
        p = np.add(bits, 0.5, out=f)
        np.multiply(p, 2.0 ** -52, out=p)
        if dist == "truncnorm":
            np.multiply(p, params[3], out=p)
            np.add(p, params[2], out=p)
            np.minimum(p, P_MAX, out=p)
        v = np_ppnd16(p, out if wide else x, t1, t2, t3)
        np.multiply(v, params[1], out=v)
        np.add(v, params[0], out=v)
    if not wide:
        out[...] = v  # the one rounding to the target dtype
    if clamp is not None:
        np.minimum(out, out.dtype.type(clamp[1]), out=out)
        np.maximum(out, out.dtype.type(clamp[0]), out=out)
