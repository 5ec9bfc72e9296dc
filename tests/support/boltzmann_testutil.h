/* boltzmann_testutil.h — helpers the Boltzmann machine and enumeration tests
 * share: building a model from YAML, random parameters, and naive reference
 * computations (energy straight from W and b, states from integer bits). */
#ifndef EBM_BOLTZMANN_TESTUTIL_H
#define EBM_BOLTZMANN_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "dataset.h"
#include "model.h"
#include "rng.h"

extern const ebm_model_ops ebm_model_boltzmann;

/* A model from a model section written as YAML, for data rows of `dim`
 * columns (data may be NULL: no rows, so biases start at 0). */
static inline void *bm_new_data(const char *yaml, size_t dim, const ebm_dataset *data,
                                ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "model.yaml", err);
    if (!cfg) return NULL;
    ebm_dataset shape = {.n = 0, .dim = dim};
    void *m = NULL;
    if (ebm_model_boltzmann.xCreate(cfg, data ? data : &shape, NULL, &m, err)) m = NULL;
    ebm_node_free(cfg);
    return m;
}

static inline void *bm_new(const char *yaml, size_t dim) {
    ebm_error err = {0};
    return bm_new_data(yaml, dim, NULL, &err);
}

static inline float *bm_w(void *m) {
    ebm_tensor t[2];
    ebm_model_boltzmann.xParams(m, t, 2);
    return t[0].data;
}

static inline float *bm_b(void *m) {
    ebm_tensor t[2];
    ebm_model_boltzmann.xParams(m, t, 2);
    return t[1].data;
}

/* Gaussian symmetric zero-diagonal W (scale w_scale) and b (scale b_scale). */
static inline void bm_randomise(void *m, double w_scale, double b_scale, uint64_t seed) {
    size_t n = ebm_model_boltzmann.xUnits(m);
    float *w = bm_w(m), *b = bm_b(m);
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        w[i * n + i] = 0.0f;
        for (size_t j = i + 1; j < n; j++)
            w[i * n + j] = w[j * n + i] = (float)(w_scale * ebm_rng_normal(&rng));
        b[i] = (float)(b_scale * ebm_rng_normal(&rng));
    }
}

/* The units' two values through xUnitValues (one pair per unit), reduced to
 * the pair they all share; returns -1 when the units disagree or one is
 * left unset. */
static inline int bm_unit_values(const ebm_model_ops *ops, void *m, float *low,
                                 float *high) {
    size_t n = ops->xUnits(m);
    float *lo = malloc(n * sizeof *lo), *hi = malloc(n * sizeof *hi);
    for (size_t i = 0; i < n; i++) lo[i] = hi[i] = NAN;   /* every one must be set */
    ebm_model_unit_values(ops, m, lo, hi);
    int same = 1;
    for (size_t i = 0; i < n; i++) same &= lo[i] == lo[0] && hi[i] == hi[0];
    *low = lo[0];
    *high = hi[0];
    free(lo);
    free(hi);
    return same ? 0 : -1;
}

/* State number k: unit i is high when bit i of k is set. */
static inline void bm_state_of(uint64_t k, size_t n, float low, float high, float *s) {
    for (size_t i = 0; i < n; i++) s[i] = (k >> i) & 1 ? high : low;
}

/* E(s) = −½ Σ_ij w_ij s_i s_j − Σ_i b_i s_i, the textbook double loop. */
static inline double bm_naive_energy(const float *w, const float *b, size_t n,
                                     const float *s) {
    double e = 0.0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) e -= 0.5 * (double)w[i * n + j] * s[i] * s[j];
        e -= (double)b[i] * s[i];
    }
    return e;
}

/* log Σ_s exp(−E(s)/T) over all 2^n states, naively: every term stored, then
 * the largest factored out. */
static inline double bm_naive_log_z(const float *w, const float *b, size_t n,
                                    float low, float high, double t) {
    uint64_t count = (uint64_t)1 << n;
    double *x = malloc(count * sizeof *x);
    float *s = malloc(n * sizeof *s);
    double max = -INFINITY, sum = 0.0;
    for (uint64_t k = 0; k < count; k++) {
        bm_state_of(k, n, low, high, s);
        x[k] = -bm_naive_energy(w, b, n, s) / t;
        if (x[k] > max) max = x[k];
    }
    for (uint64_t k = 0; k < count; k++) sum += exp(x[k] - max);
    free(x);
    free(s);
    return max + log(sum);
}

static inline double bm_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

#endif
