/* rbm_testutil.h — what the RBM tests share: building an rbm through its
 * plugin with seeded random parameters, and reference computations in double
 * written straight from docs/math.md (energy, log Σ_h by enumeration, exact
 * negative log-likelihood), independent of the model's own code. */
#ifndef EBM_RBM_TESTUTIL_H
#define EBM_RBM_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "dataset.h"
#include "model.h"
#include "rng.h"

extern const ebm_model_ops ebm_model_rbm;

#define RT_MAX_VISIBLE 8
#define RT_MAX_HIDDEN 8

/* The parameters as doubles, so finite differences can perturb them finely. */
typedef struct rt_params {
    size_t n_visible, n_hidden;
    int gaussian;
    double W[RT_MAX_VISIBLE * RT_MAX_HIDDEN], b[RT_MAX_VISIBLE], c[RT_MAX_HIDDEN];
} rt_params;

/* The model's W, b and c tensors (in xParams order). */
static inline void rt_tensors(void *model, float **W, float **b, float **c) {
    ebm_tensor t[3];
    ebm_model_rbm.xParams(model, t, 3);
    *W = t[0].data;
    *b = t[1].data;
    *c = t[2].data;
}

/* An rbm made by its plugin, then W ~ N(0, w_scale²), b and c ~ N(0, bias_scale²)
 * from `seed`. NULL on failure. */
static inline void *rt_rbm_new(size_t n_visible, size_t n_hidden, int gaussian,
                               double w_scale, double bias_scale, uint64_t seed) {
    char yaml[160];
    snprintf(yaml, sizeof yaml, "{hidden: %zu, visible_units: %s, init_scale: 0, "
             "bias_init: zero}", n_hidden, gaussian ? "gaussian" : "bernoulli");
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "model.yaml", &err);
    if (!cfg) return NULL;
    ebm_dataset shape = {.n = 0, .dim = n_visible};
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    void *m = NULL;
    if (ebm_model_rbm.xCreate(cfg, &shape, &rng, &m, &err)) m = NULL;
    ebm_node_free(cfg);
    if (!m) return NULL;
    float *W, *b, *c;
    rt_tensors(m, &W, &b, &c);
    for (size_t k = 0; k < n_visible * n_hidden; k++)
        W[k] = (float)(w_scale * ebm_rng_normal(&rng));
    for (size_t i = 0; i < n_visible; i++) b[i] = (float)(bias_scale * ebm_rng_normal(&rng));
    for (size_t j = 0; j < n_hidden; j++) c[j] = (float)(bias_scale * ebm_rng_normal(&rng));
    return m;
}

static inline void rt_params_of(void *model, size_t n_visible, size_t n_hidden,
                                int gaussian, rt_params *p) {
    float *W, *b, *c;
    rt_tensors(model, &W, &b, &c);
    memset(p, 0, sizeof *p);
    p->n_visible = n_visible;
    p->n_hidden = n_hidden;
    p->gaussian = gaussian;
    for (size_t k = 0; k < n_visible * n_hidden; k++) p->W[k] = W[k];
    for (size_t i = 0; i < n_visible; i++) p->b[i] = b[i];
    for (size_t j = 0; j < n_hidden; j++) p->c[j] = c[j];
}

/* E(v, h) by docs/math.md: −bᵀv − cᵀh − vᵀWh, or ½‖v − b‖² − cᵀh − vᵀWh. */
static inline double rt_energy(const rt_params *p, const double *v, const double *h) {
    double e = 0;
    for (size_t i = 0; i < p->n_visible; i++) {
        if (p->gaussian) e += 0.5 * (v[i] - p->b[i]) * (v[i] - p->b[i]);
        else e -= p->b[i] * v[i];
        for (size_t j = 0; j < p->n_hidden; j++) e -= v[i] * p->W[i * p->n_hidden + j] * h[j];
    }
    for (size_t j = 0; j < p->n_hidden; j++) e -= p->c[j] * h[j];
    return e;
}

/* Unit j of a layer is bit j of `bits`. */
static inline void rt_bits(size_t bits, size_t width, double *x) {
    for (size_t j = 0; j < width; j++) x[j] = (double)((bits >> j) & 1);
}

static inline double rt_log_sum_exp(const double *x, size_t n) {
    double top = -INFINITY, s = 0;
    for (size_t k = 0; k < n; k++) top = x[k] > top ? x[k] : top;
    for (size_t k = 0; k < n; k++) s += exp(x[k] - top);
    return top + log(s);
}

/* log Σ_h exp(−β E(v, h)) by visiting every h. */
static inline double rt_log_sum_h(const rt_params *p, const double *v, double beta) {
    double h[RT_MAX_HIDDEN], terms[1 << RT_MAX_HIDDEN];
    size_t K = (size_t)1 << p->n_hidden;
    for (size_t k = 0; k < K; k++) {
        rt_bits(k, p->n_hidden, h);
        terms[k] = -beta * rt_energy(p, v, h);
    }
    return rt_log_sum_exp(terms, K);
}

/* log Z over every binary (v, h), Bernoulli visible units only. */
static inline double rt_log_z(const rt_params *p) {
    double v[RT_MAX_VISIBLE];
    size_t K = (size_t)1 << p->n_visible;
    double *terms = malloc(K * sizeof *terms);
    for (size_t k = 0; k < K; k++) {
        rt_bits(k, p->n_visible, v);
        terms[k] = rt_log_sum_h(p, v, 1.0);
    }
    double log_z = rt_log_sum_exp(terms, K);
    free(terms);
    return log_z;
}

/* Mean free energy of n rows of visible values (float rows, stride ld). */
static inline double rt_mean_free_energy(const rt_params *p, const float *rows,
                                         size_t ld, size_t n) {
    double v[RT_MAX_VISIBLE], sum = 0;
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < p->n_visible; i++) v[i] = rows[r * ld + i];
        sum -= rt_log_sum_h(p, v, 1.0);
    }
    return sum / (double)n;
}

/* The k-th parameter in the order W (row-major), b, c, as a pointer. */
static inline double *rt_param_at(rt_params *p, size_t k) {
    size_t n_w = p->n_visible * p->n_hidden;
    if (k < n_w) return &p->W[k];
    if (k < n_w + p->n_visible) return &p->b[k - n_w];
    return &p->c[k - n_w - p->n_visible];
}

static inline size_t rt_n_params(const rt_params *p) {
    return p->n_visible * p->n_hidden + p->n_visible + p->n_hidden;
}

#endif
