/* rng.c — xoshiro256** (Blackman & Vigna) with SplitMix64 seeding; streams are
 * keyed by hashing the parent key with an index, so they are independent of
 * creation order. */
#include "rng.h"

#include "fastmath.h"

#include <math.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static void seed_from_key(ebm_rng *rng, uint64_t key) {
    uint64_t x = key;
    rng->key = key;
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&x);
}

void ebm_rng_seed(ebm_rng *rng, uint64_t seed) {
    uint64_t x = seed ^ 0x6a09e667f3bcc908ULL;   /* so seed 0 is not special */
    seed_from_key(rng, splitmix64(&x));
}

void ebm_rng_derive(ebm_rng *child, const ebm_rng *parent, uint64_t index) {
    uint64_t x = parent->key ^ rotl(index * 0xd1342543de82ef95ULL + 1, 17);
    uint64_t key = splitmix64(&x);
    key ^= splitmix64(&x) >> 1;
    seed_from_key(child, key);
}

void ebm_rng_named(ebm_rng *child, const ebm_rng *parent, const char *name) {
    uint64_t h = 0xcbf29ce484222325ULL;   /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    ebm_rng_derive(child, parent, h);
}

/* One xoshiro256** step on a state the caller may hold in registers. */
static inline uint64_t next(uint64_t *s) {
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t ebm_rng_u64(ebm_rng *rng) { return next(rng->s); }

double ebm_rng_uniform(ebm_rng *rng) {
    return (double)(next(rng->s) >> 11) * 0x1.0p-53;
}

float ebm_rng_uniformf(ebm_rng *rng) {
    return (float)(next(rng->s) >> 40) * 0x1.0p-24f;
}

/* The hot sampling loops' draws: the state copied to a local so the steps
 * stay in registers (a call per draw was 3% of an RBM step's instructions). */
void ebm_rng_fill_uniformf(ebm_rng *rng, float *out, size_t n) {
    uint64_t s[4] = {rng->s[0], rng->s[1], rng->s[2], rng->s[3]};
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        uint64_t x = next(s);
        out[i] = (float)(x >> 40) * 0x1.0p-24f;
        out[i + 1] = (float)((x >> 16) & 0xffffff) * 0x1.0p-24f;
    }
    if (i < n) out[i] = (float)(next(s) >> 40) * 0x1.0p-24f;
    memcpy(rng->s, s, sizeof s);
}

/* Eight xoshiro256** states side by side, one per vector lane. */
EBM_HOT_LOOP void ebm_rng_fill_uniformf_lanes(ebm_rng *rngs, size_t lanes, float *out,
                                              size_t ld, size_t n) {
    ebm_u64x8 s0, s1, s2, s3;
    for (size_t l = 0; l < EBM_RNG_LANES; l++) {
        const ebm_rng *r = &rngs[l < lanes ? l : 0];   /* spare lanes run a copy */
        s0[l] = r->s[0];
        s1[l] = r->s[1];
        s2[l] = r->s[2];
        s3[l] = r->s[3];
    }
    for (size_t i = 0; i < n; i += 2) {
        /* next() of every lane: rotl(s1 · 5, 7) · 9, the products as shifts
         * and adds (no 64-bit vector multiply below AVX-512DQ) */
        ebm_u64x8 times5 = (s1 << 2) + s1;
        ebm_u64x8 rotated = (times5 << 7) | (times5 >> 57);
        ebm_u64x8 x = (rotated << 3) + rotated;
        ebm_u64x8 t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >> 19);
        /* the two 24-bit halves, as ebm_rng_fill_uniformf takes them */
        ebm_f32x8 high = __builtin_convertvector(__builtin_convertvector(x >> 40, ebm_i32x8), ebm_f32x8) *
                     0x1.0p-24f;
        ebm_f32x8 low = __builtin_convertvector(
                        __builtin_convertvector((x >> 16) & 0xffffff, ebm_i32x8), ebm_f32x8) *
                    0x1.0p-24f;
        for (size_t l = 0; l < lanes; l++) {
            out[l * ld + i] = high[l];
            if (i + 1 < n) out[l * ld + i + 1] = low[l];
        }
    }
    for (size_t l = 0; l < lanes; l++) {
        rngs[l].s[0] = s0[l];
        rngs[l].s[1] = s1[l];
        rngs[l].s[2] = s2[l];
        rngs[l].s[3] = s3[l];
    }
}

uint64_t ebm_rng_below(ebm_rng *rng, uint64_t n) {
    /* Lemire's multiply-and-reject: unbiased without a division per draw. */
    if (n == 0) return 0;
    __uint128_t m = (__uint128_t)ebm_rng_u64(rng) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (__uint128_t)ebm_rng_u64(rng) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double ebm_rng_normal(ebm_rng *rng) {
    /* Box–Muller; one draw of the pair is discarded so the state is the only
     * thing a checkpoint must keep. */
    double u1 = 1.0 - ebm_rng_uniform(rng);   /* (0, 1] so log is finite */
    double u2 = ebm_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int ebm_rng_bernoulli(ebm_rng *rng, double p) {
    return ebm_rng_uniform(rng) < p;
}

void ebm_rng_shuffle(ebm_rng *rng, size_t *idx, size_t n) {
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)ebm_rng_below(rng, i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
