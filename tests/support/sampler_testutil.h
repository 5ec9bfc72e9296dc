/* sampler_testutil.h — what the sampler tests share: building ising models
 * from YAML, a test-only {0,1} Boltzmann model, running a sampler from a YAML
 * config, and exact distributions by enumeration to compare with. */
#ifndef EBM_SAMPLER_TESTUTIL_H
#define EBM_SAMPLER_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "model.h"
#include "rng.h"
#include "sampler.h"

extern const ebm_model_ops ebm_model_ising;
extern const ebm_sampler_ops ebm_sampler_gibbs;
extern const ebm_sampler_ops ebm_sampler_mh;
extern const ebm_sampler_ops ebm_sampler_annealing;

/* An ising model from its section as YAML; seed picks the SK instance. */
static inline void *st_ising(const char *yaml, uint64_t seed) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "model.yaml", &err);
    if (!cfg) return NULL;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    ebm_dataset none = {.n = 1, .dim = 1};
    void *m = NULL;
    if (ebm_model_ising.xCreate(cfg, &none, &rng, &m, &err)) m = NULL;
    ebm_node_free(cfg);
    return m;
}

/* ---- a {0,1} Boltzmann machine defined only here, E = −½ sᵀWs − bᵀs ---- */
typedef struct st_bm01 {
    size_t n;
    double w[16 * 16], b[16];
} st_bm01;

static inline double st_bm01_field(const st_bm01 *m, const float *s, size_t i) {
    double h = m->b[i];
    for (size_t j = 0; j < m->n; j++) h += m->w[i * m->n + j] * s[j];
    return h;
}

static inline double st_bm01_energy(void *model, const float *s) {
    const st_bm01 *m = model;
    double e = 0;
    for (size_t i = 0; i < m->n; i++) {
        for (size_t j = 0; j < m->n; j++) e -= 0.5 * m->w[i * m->n + j] * s[i] * s[j];
        e -= m->b[i] * s[i];
    }
    return e;
}

/* s_i → 1 − s_i changes E by −(1 − 2 s_i) h_i (w_ii = 0). */
static inline double st_bm01_flip_energy(void *model, const float *s, size_t i) {
    return -(1.0 - 2.0 * s[i]) * st_bm01_field(model, s, i);
}

static inline void st_bm01_flip_unit(void *model, float *s, size_t i) {
    (void)model;
    s[i] = 1.0f - s[i];
}

static inline size_t st_bm01_units(void *model) { return ((st_bm01 *)model)->n; }

static inline void st_bm01_values(void *model, float *low, float *high) {
    for (size_t i = 0; i < ((st_bm01 *)model)->n; i++) {
        low[i] = 0.0f;
        high[i] = 1.0f;
    }
}

static const ebm_model_binary st_bm01_binary = {
    .xFlipEnergy = st_bm01_flip_energy,
    .xFlipUnit = st_bm01_flip_unit,
    .xUnitValues = st_bm01_values,
};

static const ebm_model_ops st_bm01_ops = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "test_bm01"},
    .xUnits = st_bm01_units,
    .xEnergy = st_bm01_energy,
    .binary = &st_bm01_binary,
};

static inline void st_bm01_random(st_bm01 *m, size_t n, double scale, uint64_t seed) {
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    memset(m, 0, sizeof *m);
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            m->w[i * n + j] = m->w[j * n + i] = scale * ebm_rng_normal(&rng);
        m->b[i] = scale * ebm_rng_normal(&rng);
    }
}

/* ---- a deliberately wrong model: every flip energy times `factor` (−1:
 * the sampler would use σ(+ΔE/T); 2: the notes' stray factor 2) ---- */
typedef struct st_wrong {
    const ebm_model_ops *inner;
    void *model;
    double factor;
} st_wrong;

static inline size_t st_wrong_units(void *m) {
    st_wrong *w = m;
    return w->inner->xUnits(w->model);
}
static inline double st_wrong_energy(void *m, const float *x) {
    st_wrong *w = m;
    return w->inner->xEnergy(w->model, x);
}
static inline double st_wrong_flip_energy(void *m, const float *x, size_t i) {
    st_wrong *w = m;
    return w->factor * ebm_model_flip_energy(w->inner, w->model, x, i);
}
static inline void st_wrong_flip_unit(void *m, float *x, size_t i) {
    st_wrong *w = m;
    ebm_model_flip_unit(w->inner, w->model, x, i);
}
static inline void st_wrong_values(void *m, float *low, float *high) {
    st_wrong *w = m;
    ebm_model_unit_values(w->inner, w->model, low, high);
}

static const ebm_model_binary st_wrong_binary = {
    .xFlipEnergy = st_wrong_flip_energy,
    .xFlipUnit = st_wrong_flip_unit,
    .xUnitValues = st_wrong_values,
};

static const ebm_model_ops st_wrong_ops = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "test_wrong"},
    .xUnits = st_wrong_units,
    .xEnergy = st_wrong_energy,
    .binary = &st_wrong_binary,
};

/* ---- running a sampler ---- */

/* Runs sampler (config as YAML) on chains; returns its status. */
static inline int st_run(const ebm_sampler_ops *sampler, const char *yaml,
                         const ebm_model_ops *ops, void *model, ebm_chains *chains,
                         uint64_t seed, ebm_log *log, ebm_sampler_stats *stats,
                         ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "sampler.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    ebm_sample_ctx ctx = {.ops = ops, .model = model, .cfg = cfg, .rng = &rng,
                          .log = log};
    ebm_sampler_stats local = {0};
    int rc = sampler->xRun(&ctx, chains, 0, stats ? stats : &local, err);
    ebm_node_free(cfg);
    return rc;
}

/* ---- exact distributions over the free units ---- */

/* The free units' configuration as an index: bit j set when free unit j is
 * at its high value. */
static inline size_t st_index(const float *x, const size_t *free_units, size_t n_free,
                              const float *high) {
    size_t k = 0;
    for (size_t j = 0; j < n_free; j++)
        if (x[free_units[j]] == high[free_units[j]]) k |= (size_t)1 << j;
    return k;
}

/* p[k] ∝ exp(−E(x_k)/T) over the 2^n_free configurations of the free units,
 * the others held as in `base`; log-sum-exp normalised. */
static inline void st_exact(const ebm_model_ops *ops, void *model, double t,
                            const float *base, const size_t *free_units,
                            size_t n_free, double *p) {
    size_t units = ops->xUnits(model), K = (size_t)1 << n_free;
    float *x = malloc(units * sizeof *x), *low = malloc(units * sizeof *low),
          *high = malloc(units * sizeof *high);
    ebm_model_unit_values(ops, model, low, high);
    double top = -INFINITY;
    for (size_t k = 0; k < K; k++) {
        memcpy(x, base, units * sizeof *x);
        for (size_t j = 0; j < n_free; j++)
            x[free_units[j]] = (k >> j) & 1 ? high[free_units[j]] : low[free_units[j]];
        p[k] = -ops->xEnergy(model, x) / t;
        if (p[k] > top) top = p[k];
    }
    double z = 0;
    for (size_t k = 0; k < K; k++) z += (p[k] = exp(p[k] - top));
    for (size_t k = 0; k < K; k++) p[k] /= z;
    free(x);
    free(low);
    free(high);
}

/* Total-variation distance ½ Σ |q − p|. */
static inline double st_tv(const double *q, const double *p, size_t K) {
    double d = 0;
    for (size_t k = 0; k < K; k++) d += fabs(q[k] - p[k]);
    return 0.5 * d;
}

/* E[TV] of an n-sample histogram of independent draws from p, by the normal
 * approximation E|p̂_k − p_k| ≈ sqrt(2 p_k (1 − p_k) / (π n)). */
static inline double st_expected_tv(const double *p, size_t K, size_t n) {
    double d = 0;
    for (size_t k = 0; k < K; k++) d += sqrt(2.0 * p[k] * (1.0 - p[k]) / (3.14159265358979323846 * (double)n));
    return 0.5 * d;
}

#endif
