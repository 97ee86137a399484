// gpuparam's random kernels: Philox4x64-10 laid out as numpy.random.Philox, fused with
// the uniform / normal / truncated-normal transforms. The NumPy twin of every transform
// is in _random_kernels.py (operation for operation: keep the two in step), which also
// reads the AS241 coefficients and MAXD from this file. Compiled with --fmad=false, and
// products/sums are written as __dmul_rn/__dadd_rn, so that nothing is contracted into
// an FMA: the results round exactly as NumPy's do.
typedef unsigned long long u64;
typedef long long i64;
#define MAXD 6  // result dims a kernel walks; the host splits off any more
#define PHILOX_M0 0xD2E7470EE14C6C93ULL
#define PHILOX_M1 0xCA5A826395121157ULL
#define PHILOX_W0 0x9E3779B97F4A7C15ULL
#define PHILOX_W1 0xBB67AE8584CAA73BULL

// Wichura (1988), Algorithm AS 241 (PPND16), Applied Statistics 37(3), 477-484: the
// published decimal coefficients as exact doubles, highest degree first; denominators
// end with their constant term 1. Tests check the quantile against scipy's ndtri.
__constant__ double AS241_A[8] = {
    0x1.39a296f7d925ep+11, 0x1.052d26b2e45e4p+15, 0x1.06c1c55b78f20p+16,
    0x1.66c3e869b752ap+15, 0x1.ad1d8cd4ee71dp+13, 0x1.ece5d2213c0ccp+10,
    0x1.0a4888b1a436ep+7, 0x1.b18d91e9eef75p+1};
__constant__ double AS241_B[8] = {
    0x1.46a7eca984b69p+12, 0x1.c0e457cb1ae76p+14, 0x1.3317caa64f4bep+15,
    0x1.4b772d5d65266p+14, 0x1.512322e75c89fp+12, 0x1.5797efdc8b3f7p+9,
    0x1.5281b386e1ab5p+5, 0x1.0000000000000p+0};
__constant__ double AS241_C[8] = {
    0x1.9615ac0b7ace9p-11, 0x1.744eb6c45ec67p-6, 0x1.ef2abb9b85c37p-3,
    0x1.453cc085375b2p+0, 0x1.d2ecb1a3d02c4p+1, 0x1.713f71462256ap+2,
    0x1.2857748cab19bp+2, 0x1.6c665fde9526ap+0};
__constant__ double AS241_D[8] = {
    0x1.20d3f686439e4p-30, 0x1.1f18cbfdf2728p-11, 0x1.f207a7eab17bfp-7,
    0x1.2f5123394f040p-3, 0x1.61292f23385c9p-1, 0x1.ad278e6526633p+0,
    0x1.06cefbb46a449p+1, 0x1.0000000000000p+0};
__constant__ double AS241_E[8] = {
    0x1.afb74d693bf93p-23, 0x1.c6ec6cc59e02ap-16, 0x1.45c1908425345p-10,
    0x1.b2b41193b4ee7p-6, 0x1.2fad9315255cfp-2, 0x1.c8ea6461fa445p+0,
    0x1.5daea6e875003p+2, 0x1.aa1b1c13ee526p+2};
__constant__ double AS241_F[8] = {
    0x1.269bff1f8c190p-49, 0x1.31446f740b9e0p-23, 0x1.35c2c496374bfp-16,
    0x1.9c8bc979dc5d7p-11, 0x1.e76f93215462ap-7, 0x1.186eb183443fbp-3,
    0x1.331d34fc7d77fp-1, 0x1.0000000000000p+0};

// Philox4x64-10 of counter c under key (k0, k1), in place, exactly as Random123 and
// numpy.random.Philox compute it.
__device__ __forceinline__ void philox(u64 c[4], u64 k0, u64 k1) {
#pragma unroll
  for (int round = 0; round < 10; ++round) {
    if (round > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
    const u64 hi0 = __umul64hi(PHILOX_M0, c[0]), lo0 = PHILOX_M0 * c[0];
    const u64 hi1 = __umul64hi(PHILOX_M1, c[2]), lo1 = PHILOX_M1 * c[2];
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
  typedef unsigned short T;  // IEEE half bits, so that no header is needed
  static const int SHIFT = 40;
  __device__ static T from(double v) {  // one rounding, to nearest even, as NumPy's cast
    T h;
    asm("cvt.rn.f16.f64 %0, %1;" : "=h"(h) : "d"(v));
    return h;
  }
  __device__ static double to(T h) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return (double)f;
  }
  __device__ static void store4(T* o, const T v[4]) {
    *reinterpret_cast<uint2*>(o) =
        make_uint2(v[0] | ((unsigned)v[1] << 16), v[2] | ((unsigned)v[3] << 16));
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
    const double u = __dmul_rn(__dadd_rn(__ull2double_rn(bits >> 12), 0.5), 0x1p-52);
    double p = u;
    if (DIST == TRUNCNORM) p = fmin(__dadd_rn(__dmul_rn(u, p3), p2), 0x1.fffffffffffffp-1);
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

// One entry point per (distribution, dtype); z*/s* are size[]/stride[] (MAXD of each).
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
