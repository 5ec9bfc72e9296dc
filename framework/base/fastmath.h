/* fastmath.h — float e^x written so that loops over it vectorise (glibc's
 * expf does not without -ffast-math): for the sampling and AIS loops, where
 * float precision is all that is needed. */
#ifndef EBM_FASTMATH_H
#define EBM_FASTMATH_H

#include <stdint.h>

/* GCC turns the float selects of the loops below into vector blends only
 * when comparisons may not trap; nothing here reads the floating-point
 * exception flags, so the hot functions say so. */
#if defined(__GNUC__) && !defined(__clang__)
#define EBM_VECTORISE __attribute__((optimize("no-trapping-math")))
#else
#define EBM_VECTORISE
#endif

/* The hot loops themselves (sampling, activations, AIS terms) are compiled
 * three times, for AVX-512, AVX2 and baseline x86-64, and the loader picks
 * the one the CPU runs: the baseline's 4-wide SSE computes a Bernoulli
 * layer's exponentials about 4x slower than AVX-512. The build turns FMA
 * contraction off (-ffp-contract=off), so every clone rounds exactly as the
 * baseline does and a run gives the same bits on every x86-64 CPU. Helpers
 * they call stay EBM_VECTORISE alone, so that they inline into each clone. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define EBM_HOT_LOOP EBM_VECTORISE __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define EBM_HOT_LOOP EBM_VECTORISE
#endif

/* Eight lanes in GCC's vector types, for hot loops that write their lanes
 * out (AIS's products, eight random streams side by side): each clone keeps
 * them in its CPU's widest registers, and the association is the code's,
 * so every clone rounds the same. */
typedef float ebm_f32x8 __attribute__((vector_size(32)));
typedef double ebm_f64x8 __attribute__((vector_size(64)));
typedef int32_t ebm_i32x8 __attribute__((vector_size(32)));
typedef int64_t ebm_i64x8 __attribute__((vector_size(64)));
typedef uint64_t ebm_u64x8 __attribute__((vector_size(64)));

/* e^x for x clamped to [−80, 80] (NaN stays NaN), relative error ~2e-7, written without
 * calls or branches so that the loops below vectorise (libm's expf does not
 * without -ffast-math, and the sampling loops run over every unit of every
 * chain at every step): x = n ln 2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r^7,
 * 2^n put straight into the exponent bits. */
static inline EBM_VECTORISE float ebm_fast_expf(float in) {
    /* Written so that NaN fails both comparisons and becomes -80 (then NaN
     * is returned): converting a NaN to int32_t below would be undefined.
     * -inf gives e^-80 and +inf e^80, as any value beyond the clamp. */
    float x = in > -80.0f ? in : -80.0f;
    x = x < 80.0f ? x : 80.0f;
    float shifted = x * 1.44269504f + 12582912.0f;   /* 1.5·2^23 rounds to an integer */
    float n = shifted - 12582912.0f;
    float r = x - n * 0.693145752f - n * 1.42860677e-6f;   /* ln 2 in two parts */
    float e = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 +
              r * (1.0f / 120 + r * (1.0f / 720 + r * (1.0f / 5040)))))));
    union { int32_t i; float f; } scale = {.i = ((int32_t)n + 127) << 23};
    return in == in ? e * scale.f : in;
}

/* e^x − 1 for x ≥ 0 keeping relative precision near 0: the series below ½
 * (error < 1e-8 relative), e^x − 1 above. */
static inline EBM_VECTORISE float ebm_fast_expm1f_nonneg(float x) {
    float series = x * (1.0f + x * (0.5f + x * (1.0f / 6 + x * (1.0f / 24 + x * (1.0f / 120 +
                   x * (1.0f / 720 + x * (1.0f / 5040 + x * (1.0f / 40320))))))));
    return x < 0.5f ? series : ebm_fast_expf(x) - 1.0f;
}

#endif
