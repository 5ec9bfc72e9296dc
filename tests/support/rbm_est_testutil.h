/* rbm_est_testutil.h — what the RBM estimator tests share: a small RBM with
 * random parameters, naive sums over its states through xEnergy, and an
 * estimator run on it that returns the logged metrics. */
#ifndef EBM_RBM_EST_TESTUTIL_H
#define EBM_RBM_EST_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "estimator.h"
#include "log.h"
#include "rbm.h"

extern const ebm_model_ops ebm_model_rbm;

/* An RBM with W ~ N(0, w_scale²), b and c ~ N(0, bias_scale²). */
static inline ebm_rbm *rbm_random(size_t n_visible, size_t n_hidden, int gaussian,
                           double w_scale, double bias_scale, uint64_t seed) {
    char yaml[160];
    snprintf(yaml, sizeof yaml, "{hidden: %zu, visible_units: %s, bias_init: zero}",
             n_hidden, gaussian ? "gaussian" : "bernoulli");
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "rbm.yaml", &err);
    ebm_dataset shape = {.n = 0, .dim = n_visible};
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    void *model = NULL;
    if (!cfg || ebm_model_rbm.xCreate(cfg, &shape, &rng, &model, &err)) {
        fprintf(stderr, "rbm_random: %s\n", err.msg);
        ebm_node_free(cfg);
        return NULL;
    }
    ebm_node_free(cfg);
    ebm_rbm *m = model;
    for (size_t k = 0; k < n_visible * n_hidden; k++)
        m->W[k] = (float)(w_scale * ebm_rng_normal(&rng));
    for (size_t i = 0; i < n_visible; i++) m->b[i] = (float)(bias_scale * ebm_rng_normal(&rng));
    for (size_t j = 0; j < n_hidden; j++) m->c[j] = (float)(bias_scale * ebm_rng_normal(&rng));
    return m;
}

static inline void rbm_destroy(ebm_rbm *m) {
    if (m) ebm_model_rbm.xDestroy(m);
}

/* log Σ over the hidden states of exp(−E(v, h)), E from xEnergy. */
static inline double naive_neg_free_energy(ebm_rbm *m, const float *v) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    float s[64];
    memcpy(s, v, nv * sizeof *s);
    double top = -INFINITY, terms[1 << 12];
    for (uint64_t h = 0; h < ((uint64_t)1 << nh); h++) {
        for (size_t j = 0; j < nh; j++) s[nv + j] = (float)((h >> j) & 1);
        terms[h] = -ebm_model_rbm.xEnergy(m, s);
        top = fmax(top, terms[h]);
    }
    double sum = 0;
    for (uint64_t h = 0; h < ((uint64_t)1 << nh); h++) sum += exp(terms[h] - top);
    return top + log(sum);
}

/* v_i = bit i of code. */
static inline void bits_of(uint64_t code, size_t n, float *v) {
    for (size_t i = 0; i < n; i++) v[i] = (float)((code >> i) & 1);
}

/* log Z of a Bernoulli RBM over both layers by the naive double loop. */
static inline double naive_log_z(ebm_rbm *m) {
    size_t nv = m->n_visible;
    double top = -INFINITY, sum = 0;
    float v[64];
    for (uint64_t code = 0; code < ((uint64_t)1 << nv); code++) {
        bits_of(code, nv, v);
        double t = naive_neg_free_energy(m, v);
        if (t > top) {
            sum *= exp(top - t);
            top = t;
        }
        sum += exp(t - top);
    }
    return top + log(sum);
}

/* Runs estimator `est` with the config yaml on m; the metrics land in log
 * under the estimator's name. data is the split; train and valid may be NULL. */
static inline int rbm_evaluate(const ebm_estimator_ops *est, const char *yaml, ebm_rbm *m,
                        const ebm_dataset *data, const ebm_dataset *train,
                        const ebm_dataset *valid, uint64_t seed, ebm_log *log,
                        ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    ebm_log_begin(log, 1, est->info.name, est->info.name, "train");
    ebm_eval ev = {.ops = &ebm_model_rbm, .model = m, .data = data, .train = train,
                   .valid = valid, .cfg = cfg, .rng = &rng, .log = log, .step = 1};
    int rc = est->xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

/* A split whose likelihood differs at its grey levels and at their draws:
 * `rows` rows of 10 grey levels 0.5 (binarize: stochastic), for an RBM with
 * one hidden unit, W = 5 and c = −25, so −F(v) = softplus(5k − 25), k the
 * number of units on: 0.69 at the grey levels, 3.25 on average over
 * binary draws (−F is convex). Returns that RBM (NULL when out of memory)
 * and fills x, *data, and the mean of −F over the draws with its standard
 * error for `rows` rows. */
#define GREY_UNITS 10
static inline ebm_rbm *grey_split(float *x, size_t rows, ebm_dataset *data, double *mean,
                                   double *se) {
    ebm_rbm *m = rbm_random(GREY_UNITS, 1, 0, 0, 0, 1);
    if (!m) return NULL;
    for (size_t i = 0; i < GREY_UNITS; i++) m->W[i] = 5.0f, m->b[i] = 0.0f;
    m->c[0] = -25.0f;
    for (size_t k = 0; k < rows * GREY_UNITS; k++) x[k] = 0.5f;
    *data = (ebm_dataset){.n = rows, .dim = GREY_UNITS, .x = x, .stochastic = 1};
    double m1 = 0, m2 = 0, choose = 1;
    for (int k = 0; k <= GREY_UNITS; k++) {
        double p = choose / 1024.0, t = 5.0 * k - 25.0;
        double f = t > 0 ? t + log1p(exp(-t)) : log1p(exp(t));
        m1 += p * f;
        m2 += p * f * f;
        choose = choose * (GREY_UNITS - k) / (k + 1);
    }
    *mean = m1;
    *se = sqrt((m2 - m1 * m1) / (double)rows);
    return m;
}

static inline double metric(const ebm_log *log, const char *name) {
    double v = NAN;
    if (!ebm_log_last(log, name, &v)) return NAN;
    return v;
}

#endif
