// gpuparam's random kernels: Philox4x64-10 laid out as numpy.random.Philox, fused with
// the uniform / normal / truncated-normal transforms. Their NumPy twins are
// _random_f32.py and _random_f64.py (operation for operation: keep them in step); they
// read the constants below (the #define lines and AS241_*) from this file.
//
// Layout: a tensor's flat element o takes its bits from the Philox block at counter
// (o / V + 1, stream, 0, 0), V values per block: float64 (V = 4) uses word o % 4 whole;
// 16/32-bit outputs (V = 8) use word (o / 2) % 4, its low 32 bits for even o and its
// high 32 bits for odd o.
//
// CuPy compiles with -ftz=true appended, which would flush float32 subnormals in every
// C-level float operation. So all float32 arithmetic and every conversion is inline PTX
// with an explicit .rn and no .ftz: nothing is flushed, and ptxas never contracts an
// explicitly rounded mul/add into an FMA. The float64 code uses __d*_rn (not flushed
// either: -ftz only concerns .f32). A test compiles this file with CuPy's options and
// rejects .f64 and .ftz in the 16/32-bit kernels' PTX.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef long long i64;
#define MAXD 6  // result dims a strided kernel walks; the host splits off any more
// benchmarks/kernel_budget.py defines GP_COMMON_PATH to count the instructions of the
// path nearly every value takes: GP_RARE(c) then drops the rarely taken branch.
#ifdef GP_COMMON_PATH
#define GP_RARE(c) false
#else
#define GP_RARE(c) (c)
#endif
#define PHILOX_M0 0xD2E7470EE14C6C93ULL
#define PHILOX_M1 0xCA5A826395121157ULL
#define PHILOX_W0 0x9E3779B97F4A7C15ULL
#define PHILOX_W1 0xBB67AE8584CAA73BULL

// float32 polynomials (highest degree first), fitted to near-minimax on their ranges and
// rounded to float32; _random_f32.py documents the ranges and the error bounds.
// log(m) = f * LOG_Q(f), f = m - 1, m in [sqrt(1/2), sqrt(2))
#define LOG_Q 0x1.653fc4p-4f, -0x1.263a78p-3f, 0x1.32394ap-3f, -0x1.5332d4p-3f, \
  0x1.98b744p-3f, -0x1.00056ep-2f, 0x1.555792p-2f, -0x1.fffff8p-2f, 0x1.000000p+0f
#define LN2_F 0x1.62e430p-1f
// z = y * CENTRAL_P(L + CENTRAL_C) for L = log(t (1 - t)) > -W_TAIL
#define CENTRAL_P 0x1.2bf0eep-25f, -0x1.08992ep-21f, -0x1.3e1b1cp-18f, 0x1.0509f0p-17f, \
  0x1.41e7a2p-12f, 0x1.be7bcep-10f, -0x1.969dbep-8f, -0x1.647804p-2f, 0x1.1251e8p+1f
#define CENTRAL_C 0x1.f8b90cp+1f
#define W_TAIL 0x1.a00000p+2f
// z = TAIL_P(s - TAIL_C), s = sqrt(-L), for s <= S_FAR; FAR_P beyond (truncated normal)
#define TAIL_P -0x1.b670c4p-15f, 0x1.85da60p-14f, -0x1.993d3ep-15f, 0x1.98a190p-13f, \
  -0x1.ece304p-11f, 0x1.0578aap-8f, -0x1.2b0c02p-6f, 0x1.80e65ep+0f, 0x1.2cf6a2p+2f
#define TAIL_C 0x1.d76ef6p+1f
#define S_FAR 0x1.3443ccp+2f
#define FAR_P -0x1.3d4a38p-26f, 0x1.17b2a6p-23f, -0x1.b57fe4p-21f, 0x1.bacb56p-18f, \
  -0x1.c2b598p-15f, 0x1.cbb494p-12f, -0x1.e258c6p-9f, 0x1.725ad4p+0f, 0x1.350114p+3f
#define FAR_C 0x1.c3bb80p+2f

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

// ---------------------------------------------------------------- float32 (16/32-bit)
// Correctly rounded float32 operations that -ftz=true cannot touch.
__device__ __forceinline__ float fadd(float a, float b) {
  float r; asm("add.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r;
}
__device__ __forceinline__ float fsub(float a, float b) {
  float r; asm("sub.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r;
}
__device__ __forceinline__ float fmul(float a, float b) {
  float r; asm("mul.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r;
}
__device__ __forceinline__ float fmin32(float a, float b) {
  float r; asm("min.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r;
}
__device__ __forceinline__ float fmax32(float a, float b) {
  float r; asm("max.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b)); return r;
}
__device__ __forceinline__ float fsqrt(float a) {
  float r; asm("sqrt.rn.f32 %0, %1;" : "=f"(r) : "f"(a)); return r;
}
__device__ __forceinline__ float u2f(u32 a) {
  float r; asm("cvt.rn.f32.u32 %0, %1;" : "=f"(r) : "r"(a)); return r;
}
__device__ __forceinline__ float i2f(int a) {
  float r; asm("cvt.rn.f32.s32 %0, %1;" : "=f"(r) : "r"(a)); return r;
}
__device__ __forceinline__ bool flt(float a, float b) {  // a < b, subnormals kept
  u32 r; asm("{.reg .pred p; setp.lt.f32 p, %1, %2; selp.u32 %0, 1, 0, p;}"
             : "=r"(r) : "f"(a), "f"(b)); return r != 0;
}

template <int N>
__device__ __forceinline__ float horner32(const float (&c)[N], float v) {
  float t = fadd(fmul(c[0], v), c[1]);
#pragma unroll
  for (int i = 2; i < N; ++i) t = fadd(fmul(t, v), c[i]);
  return t;
}

// log(a) for a normal positive float: a = 2^e m with m in [sqrt(1/2), sqrt(2)) from the
// bits, then e log(2) + f Q(f), f = m - 1 (exact).
__device__ __forceinline__ float log32(float a) {
  const int ix = __float_as_int(a) - 0x3F3504F3;
  const float m = __int_as_float((ix & 0x007FFFFF) + 0x3F3504F3);
  const float f = fsub(m, 1.0f);
  const float q[9] = {LOG_Q};
  return fadd(fmul(i2f(ix >> 23), LN2_F), fmul(f, horner32(q, f)));
}

// The standard normal quantile of 1 - t as a positive z, for t in (0, 1/2], y = 1 - 2t.
// The tail branch is taken by ~0.3 % of normal draws (~10 % of warps), so it is a branch.
template <bool FAR>
__device__ __forceinline__ float upper_quantile(float t, float y) {
  const float L = log32(fmul(t, fsub(1.0f, t)));
  if (!GP_RARE(!flt(-W_TAIL, L))) {
    const float p[9] = {CENTRAL_P};
    return fmul(y, horner32(p, fadd(L, CENTRAL_C)));
  }
  const float s = fsqrt(fsub(0.0f, L));
  if (FAR && flt(S_FAR, s)) {
    const float p[9] = {FAR_P};
    return horner32(p, fsub(s, FAR_C));
  }
  const float p[9] = {TAIL_P};
  return horner32(p, fsub(s, TAIL_C));
}

enum { UNIFORM = 0, NORMAL = 1, TRUNCNORM = 2 };

// One 32-bit input to one float32 value (before the clamp).
// p: uniform (scale, low, 2^-s: see _random_f32); normal (mean, std); truncnorm (mean,
// std, plo, qhi, d).
template <int DIST>
__device__ __forceinline__ float transform32(u32 b, const float p[5]) {
  if (DIST == UNIFORM) return fadd(fmul(fmul(u2f(b >> 8), p[0]), p[2]), p[1]);
  float z;
  bool negative;
  if (DIST == NORMAL) {  // the top bit is the sign, the other 31 bits the tail mass
    const u32 k = (b << 1) | 1u;
    z = upper_quantile<false>(fmul(u2f(k), 0x1p-33f), fmul(u2f(0u - k), 0x1p-32f));
    negative = (b >> 31) != 0;
  } else {  // both tails of p = plo + u d: lower plo + u d, upper qhi + (1 - u) d
    const u32 k = b | 1u;
    const float lower = fadd(fmul(fmul(u2f(k), 0x1p-32f), p[4]), p[2]);
    const float upper = fadd(fmul(fmul(u2f(0u - k), 0x1p-32f), p[4]), p[3]);
    negative = flt(lower, upper);  // t may pass 1/2 by a rounding: y is then ~ -1e-7
    const float t = negative ? lower : upper;
    z = upper_quantile<true>(t, fsub(1.0f, fadd(t, t)));
  }
  const float x = __int_as_float(__float_as_int(z) | (negative ? 0x80000000u : 0u));
  return fadd(fmul(x, p[1]), p[0]);
}

struct H16 {  // IEEE half bits, so that no header is needed
  typedef unsigned short T;
  __device__ static T from(float v) {
    T h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(v)); return h;
  }
  __device__ static void store8(T* o, const T v[8]) {
    *reinterpret_cast<uint4*>(o) = make_uint4(
        v[0] | ((u32)v[1] << 16), v[2] | ((u32)v[3] << 16), v[4] | ((u32)v[5] << 16),
        v[6] | ((u32)v[7] << 16));
  }
};
struct S32 {
  typedef float T;
  __device__ static T from(float v) { return v; }
  __device__ static void store8(T* o, const T v[8]) {
    reinterpret_cast<float4*>(o)[0] = make_float4(v[0], v[1], v[2], v[3]);
    reinterpret_cast<float4*>(o)[1] = make_float4(v[4], v[5], v[6], v[7]);
  }
};

template <int DIST, class O>
__device__ __forceinline__ typename O::T value32(u32 b, const float p[5], float lo,
                                                 float hi) {
  float v = transform32<DIST>(b, p);
  if (DIST != NORMAL) v = fmax32(fmin32(v, hi), lo);  // lo/hi are O::T values
  return O::from(v);
}

// Contiguous results: result r is flat element base + r. Thread i computes the block
// holding elements 8 (base / 8 + i) ... + 7 and writes those inside [base, base + n).
// Every vector store below is 16 bytes wide (one uint4, or two float4 / double2), so a
// 16-byte-aligned destination suffices: asking for the block's full width (32 bytes for
// float32 and float64) sent half of the aligned blocks of a shard to scalar stores.
template <int DIST, class O>
__device__ __forceinline__ void contig32(typename O::T* out, i64 n, u64 k0, u64 k1,
                                         u64 stream, const float p[5], float lo, float hi,
                                         i64 base) {
  const i64 first = base >> 3, blocks = ((base + n + 7) >> 3) - first;
  for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < blocks;
       i += (i64)gridDim.x * blockDim.x) {
    u64 c[4] = {(u64)(first + i) + 1, stream, 0, 0};
    philox(c, k0, k1);
    typename O::T v[8];
#pragma unroll
    for (int e = 0; e < 8; ++e)
      v[e] = value32<DIST, O>((u32)(c[e >> 1] >> (32 * (e & 1))), p, lo, hi);
    const i64 r0 = ((first + i) << 3) - base;
    typename O::T* dst = out + r0;
    if (!GP_RARE(!(r0 >= 0 && r0 + 8 <= n &&
                   reinterpret_cast<size_t>(dst) % 16 == 0))) {
      O::store8(dst, v);
    } else {
#pragma unroll
      for (int e = 0; e < 8; ++e)
        if (r0 + e >= 0 && r0 + e < n) dst[e] = v[e];
    }
  }
}

// --------------------------------------------------------------------------- float64

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
  if (!GP_RARE(!(fabs(q) <= 0.425))) {
    const double r = __dsub_rn(0.180625, __dmul_rn(q, q));
    return __ddiv_rn(__dmul_rn(q, horner(AS241_A, r)), horner(AS241_B, r));
  }
  return ppnd16_tail(p, q);
}

// One 64-bit word to one float64 value, clamped to [clo, chi].
// p0..p3: uniform (scale, low); normal (mean, std); truncnorm (mean, std, plo, d).
template <int DIST>
__device__ __forceinline__ double value64(u64 bits, const double p[4], double clo,
                                          double chi) {
  double v;
  if (DIST == UNIFORM) {
    v = __dadd_rn(__dmul_rn(__ull2double_rn(bits >> 11), p[0]), p[1]);
  } else {
    const double u = __dmul_rn(__dadd_rn(__ull2double_rn(bits >> 12), 0.5), 0x1p-52);
    double q = u;
    if (DIST == TRUNCNORM) q = fmin(__dadd_rn(__dmul_rn(u, p[3]), p[2]), 0x1.fffffffffffffp-1);
    v = __dadd_rn(__dmul_rn(ppnd16(q), p[1]), p[0]);
  }
  return fmax(fmin(v, chi), clo);
}

template <int DIST>
__device__ __forceinline__ void contig64(double* out, i64 n, u64 k0, u64 k1, u64 stream,
                                         const double p[4], double lo, double hi, i64 base) {
  const i64 first = base >> 2, blocks = ((base + n + 3) >> 2) - first;
  for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < blocks;
       i += (i64)gridDim.x * blockDim.x) {
    u64 c[4] = {(u64)(first + i) + 1, stream, 0, 0};
    philox(c, k0, k1);
    double v[4];
#pragma unroll
    for (int e = 0; e < 4; ++e) v[e] = value64<DIST>(c[e], p, lo, hi);
    const i64 r0 = ((first + i) << 2) - base;
    double* dst = out + r0;
    if (!GP_RARE(!(r0 >= 0 && r0 + 4 <= n && reinterpret_cast<size_t>(dst) % 16 == 0))) {
      reinterpret_cast<double2*>(dst)[0] = make_double2(v[0], v[1]);
      reinterpret_cast<double2*>(dst)[1] = make_double2(v[2], v[3]);
    } else {
#pragma unroll
      for (int e = 0; e < 4; ++e)
        if (r0 + e >= 0 && r0 + e < n) dst[e] = v[e];
    }
  }
}

// ------------------------------------------------------------------------- strided
// Each thread writes result elements 4t..4t+3; result element r sits at flat offset
// o = base + sum_d j_d * stride_d of the whole tensor (j = r unravelled over size[]).
// V values per Philox block: the block of o is o / V, its bits as in the layout above.
template <int V>
__device__ __forceinline__ void strided_offsets(i64 r0, i64 n, i64 base, int nd,
                                                const i64 size[MAXD], const i64 stride[MAXD],
                                                i64 w[4]) {
  i64 j[MAXD];
  i64 o = base, rem = r0;
#pragma unroll
  for (int d = MAXD - 1; d >= 0; --d) {
    j[d] = 0;
    if (d < nd) {
      if (d == 0) { j[d] = rem; } else { j[d] = rem % size[d]; rem /= size[d]; }
      o += j[d] * stride[d];
    }
  }
#pragma unroll
  for (int e = 0; e < 4; ++e) {
    w[e] = o;
#pragma unroll
    for (int d = MAXD - 1; d >= 0; --d) {  // step the multi-index, carrying outwards
      if (d < nd) {
        ++j[d]; o += stride[d];
        if (d == 0 || j[d] < size[d]) break;
        o -= j[d] * stride[d]; j[d] = 0;
      }
    }
  }
}

// The raw bits of flat element o: a 32-bit half (V = 8) or a whole word (V = 4).
template <int V>
__device__ __forceinline__ u64 element_bits(i64 o, i64& block, u64 c[4], u64 k0, u64 k1,
                                            u64 stream) {
  if ((o / V) != block) {
    block = o / V;
    c[0] = (u64)block + 1; c[1] = stream; c[2] = 0; c[3] = 0;
    philox(c, k0, k1);
  }
  const int word = V == 8 ? (int)((o >> 1) & 3) : (int)(o & 3);
  const u64 bits = word == 0 ? c[0] : word == 1 ? c[1] : word == 2 ? c[2] : c[3];
  return V == 8 ? (u64)(u32)(bits >> (32 * (o & 1))) : bits;
}

template <int DIST, class O>
__device__ __forceinline__ void strided32(typename O::T* out, i64 n, u64 k0, u64 k1,
                                          u64 stream, const float p[5], float lo, float hi,
                                          i64 base, int nd, const i64 size[MAXD],
                                          const i64 stride[MAXD]) {
  for (i64 t = blockIdx.x * (i64)blockDim.x + threadIdx.x; t < (n + 3) >> 2;
       t += (i64)gridDim.x * blockDim.x) {
    i64 w[4], block = -1;
    u64 c[4];
    strided_offsets<8>(t << 2, n, base, nd, size, stride, w);
    for (int e = 0; e < 4 && (t << 2) + e < n; ++e)
      out[(t << 2) + e] = value32<DIST, O>(
          (u32)element_bits<8>(w[e], block, c, k0, k1, stream), p, lo, hi);
  }
}

template <int DIST>
__device__ __forceinline__ void strided64(double* out, i64 n, u64 k0, u64 k1, u64 stream,
                                          const double p[4], double lo, double hi, i64 base,
                                          int nd, const i64 size[MAXD],
                                          const i64 stride[MAXD]) {
  for (i64 t = blockIdx.x * (i64)blockDim.x + threadIdx.x; t < (n + 3) >> 2;
       t += (i64)gridDim.x * blockDim.x) {
    i64 w[4], block = -1;
    u64 c[4];
    strided_offsets<4>(t << 2, n, base, nd, size, stride, w);
    for (int e = 0; e < 4 && (t << 2) + e < n; ++e)
      out[(t << 2) + e] = value64<DIST>(element_bits<4>(w[e], block, c, k0, k1, stream), p,
                                        lo, hi);
  }
}

// ---------------------------------------------------------------------- entry points
// gpuparam_<dist>_<f16|f32|f64>_contig(out, n, k0, k1, stream, p0..p4, lo, hi, base) and
// gpuparam_<dist>_<...>_strided(..., base, nd, z0..z5, s0..s5); 16/32-bit kernels take
// float parameters (so that no double is even loaded), float64 ones double p0..p3.
#define GP_ENTRY32(NAME, DIST, O)                                                        \
  extern "C" __global__ void NAME##_contig(O::T* out, i64 n, u64 k0, u64 k1, u64 stream, \
      float p0, float p1, float p2, float p3, float p4, float lo, float hi, i64 base) {  \
    const float p[5] = {p0, p1, p2, p3, p4};                                             \
    contig32<DIST, O>(out, n, k0, k1, stream, p, lo, hi, base);                          \
  }                                                                                      \
  extern "C" __global__ void NAME##_strided(O::T* out, i64 n, u64 k0, u64 k1,            \
      u64 stream, float p0, float p1, float p2, float p3, float p4, float lo, float hi,  \
      i64 base, int nd, i64 z0, i64 z1, i64 z2, i64 z3, i64 z4, i64 z5, i64 s0, i64 s1,  \
      i64 s2, i64 s3, i64 s4, i64 s5) {                                                  \
    const float p[5] = {p0, p1, p2, p3, p4};                                             \
    const i64 size[MAXD] = {z0, z1, z2, z3, z4, z5};                                     \
    const i64 stride[MAXD] = {s0, s1, s2, s3, s4, s5};                                   \
    strided32<DIST, O>(out, n, k0, k1, stream, p, lo, hi, base, nd, size, stride);       \
  }
#define GP_ENTRY64(NAME, DIST)                                                           \
  extern "C" __global__ void NAME##_contig(double* out, i64 n, u64 k0, u64 k1,           \
      u64 stream, double p0, double p1, double p2, double p3, double lo, double hi,      \
      i64 base) {                                                                        \
    const double p[4] = {p0, p1, p2, p3};                                                \
    contig64<DIST>(out, n, k0, k1, stream, p, lo, hi, base);                             \
  }                                                                                      \
  extern "C" __global__ void NAME##_strided(double* out, i64 n, u64 k0, u64 k1,          \
      u64 stream, double p0, double p1, double p2, double p3, double lo, double hi,      \
      i64 base, int nd, i64 z0, i64 z1, i64 z2, i64 z3, i64 z4, i64 z5, i64 s0, i64 s1,  \
      i64 s2, i64 s3, i64 s4, i64 s5) {                                                  \
    const double p[4] = {p0, p1, p2, p3};                                                \
    const i64 size[MAXD] = {z0, z1, z2, z3, z4, z5};                                     \
    const i64 stride[MAXD] = {s0, s1, s2, s3, s4, s5};                                   \
    strided64<DIST>(out, n, k0, k1, stream, p, lo, hi, base, nd, size, stride);          \
  }

GP_ENTRY32(gpuparam_uniform_f16, UNIFORM, H16)
GP_ENTRY32(gpuparam_uniform_f32, UNIFORM, S32)
GP_ENTRY64(gpuparam_uniform_f64, UNIFORM)
GP_ENTRY32(gpuparam_normal_f16, NORMAL, H16)
GP_ENTRY32(gpuparam_normal_f32, NORMAL, S32)
GP_ENTRY64(gpuparam_normal_f64, NORMAL)
GP_ENTRY32(gpuparam_truncnorm_f16, TRUNCNORM, H16)
GP_ENTRY32(gpuparam_truncnorm_f32, TRUNCNORM, S32)
GP_ENTRY64(gpuparam_truncnorm_f64, TRUNCNORM)
