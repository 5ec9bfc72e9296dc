/* hopfield_testutil.h — helpers the Hopfield tests share: building a network
 * from a rule and patterns, random networks, naive reference computations. */
#ifndef EBM_HOPFIELD_TESTUTIL_H
#define EBM_HOPFIELD_TESTUTIL_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "dataset.h"
#include "model.h"
#include "rng.h"

extern const ebm_model_ops ebm_model_hopfield;

/* A network of n units from a model section written as YAML (e.g.
 * "{rule: storkey}"); NULL on failure. */
static inline void *hop_new(const char *model_yaml, size_t n) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(model_yaml, strlen(model_yaml), "model.yaml", &err);
    if (!cfg) return NULL;
    ebm_dataset shape = {.n = 0, .dim = n};
    void *m = NULL;
    if (ebm_model_hopfield.xCreate(cfg, &shape, NULL, &m, &err)) m = NULL;
    ebm_node_free(cfg);
    return m;
}

static inline float *hop_w(void *m) {
    ebm_tensor t[2];
    ebm_model_hopfield.xParams(m, t, 2);
    return t[0].data;
}

static inline float *hop_b(void *m) {
    ebm_tensor t[2];
    ebm_model_hopfield.xParams(m, t, 2);
    return t[1].data;
}

/* p random {0,1} patterns of n units (caller frees .x). */
static inline ebm_dataset hop_patterns(size_t p, size_t n, uint64_t seed) {
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    ebm_dataset d = {.n = p, .dim = n, .x = malloc((p ? p : 1) * n * sizeof(float))};
    for (size_t k = 0; k < p * n; k++) d.x[k] = (float)ebm_rng_bernoulli(&rng, 0.5);
    return d;
}

/* Gaussian symmetric zero-diagonal W (and b scaled by bias_scale). */
static inline void hop_randomise(void *m, size_t n, double bias_scale, ebm_rng *rng) {
    float *w = hop_w(m), *b = hop_b(m);
    for (size_t i = 0; i < n; i++) {
        w[i * n + i] = 0.0f;
        for (size_t j = i + 1; j < n; j++)
            w[i * n + j] = w[j * n + i] = (float)ebm_rng_normal(rng);
        b[i] = (float)(bias_scale * ebm_rng_normal(rng));
    }
}

static inline void hop_random_state(float *y, size_t n, ebm_rng *rng) {
    for (size_t i = 0; i < n; i++) y[i] = ebm_rng_bernoulli(rng, 0.5) ? 1.0f : -1.0f;
}

/* h_i = Σ_{j≠i} w_ij y_j + b_i, naively in double. */
static inline double hop_field(void *m, size_t n, const float *y, size_t i) {
    const float *w = hop_w(m);
    double h = hop_b(m)[i];
    for (size_t j = 0; j < n; j++)
        if (j != i) h += (double)w[i * n + j] * y[j];
    return h;
}

/* Every unit agrees with its field (or the field is 0). */
static inline int hop_is_fixed(void *m, size_t n, const float *y) {
    for (size_t i = 0; i < n; i++)
        if (hop_field(m, n, y, i) * y[i] < 0.0) return 0;
    return 1;
}

/* One fixed-order sweep via xEvolve: 1 when the encoded row is a fixed point. */
static inline int hop_row_fixed(void *m, const float *row, size_t n) {
    float *y = malloc(n * sizeof *y);
    ebm_model_hopfield.xEncode(m, row, y);
    ebm_evolve how = {.mode = EBM_EVOLVE_FIXED, .max_sweeps = 1};
    ebm_evolve_result res;
    int fixed = ebm_model_evolve(&ebm_model_hopfield, m, y, &how, NULL, &res) == 0 &&
                res.outcome == EBM_EVOLVE_FIXED_POINT;
    free(y);
    return fixed;
}

static inline double hop_fixed_fraction(void *m, const ebm_dataset *d) {
    size_t fixed = 0;
    for (size_t p = 0; p < d->n; p++) fixed += hop_row_fixed(m, d->x + p * d->dim, d->dim);
    return (double)fixed / (double)d->n;
}

/* Mean overlap |ξ·y|/N after evolving from ξ with each unit flipped with
 * probability flip. */
static inline double hop_overlap(void *m, const ebm_dataset *d, double flip,
                                 uint64_t seed) {
    size_t n = d->dim;
    float *xi = malloc(n * sizeof *xi), *y = malloc(n * sizeof *y);
    ebm_rng root, rng;
    ebm_rng_seed(&root, seed);
    double total = 0.0;
    for (size_t p = 0; p < d->n; p++) {
        ebm_rng_derive(&rng, &root, p);
        ebm_model_hopfield.xEncode(m, d->x + p * n, xi);
        for (size_t i = 0; i < n; i++) y[i] = ebm_rng_bernoulli(&rng, flip) ? -xi[i] : xi[i];
        ebm_evolve how = {.mode = EBM_EVOLVE_RANDOM, .max_sweeps = 100};
        ebm_evolve_result res;
        ebm_model_evolve(&ebm_model_hopfield, m, y, &how, &rng, &res);
        double dot = 0.0;
        for (size_t i = 0; i < n; i++) dot += xi[i] * y[i];
        total += fabs(dot) / (double)n;
    }
    free(xi);
    free(y);
    return total / (double)d->n;
}

#endif
