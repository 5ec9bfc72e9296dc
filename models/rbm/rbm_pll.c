/* rbm_pll.c — the `pseudo_likelihood` estimator: Σ_i log p(v_i | v_−i) of a
 * Bernoulli RBM per row, over every site (exact) or one random site scaled
 * by n_visible (scikit-learn's score_samples), from free-energy differences. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimator.h"
#include "rbm.h"
#include "plugins.h"

extern const ebm_model_ops ebm_model_rbm;

static const ebm_param pll_params[] = {
    {.name = "sites", .type = EBM_P_ENUM, .def = "all", .choices = "all|one",
     .help = "all: exact sum over every visible unit (a binarize: stochastic split "
             "drawn binary once, as the likelihood estimators draw it; other grey "
             "values read as v >= 0.5); "
             "one: n_visible * log sigma(F(v~) - F(v)) for one random i per row, v~_i = "
             "1 - v_i (scikit-learn's score_samples, grey rows as they are)"},
    {.name = "rows", .type = EBM_P_INT, .def = "1000", .range = "[0, inf)",
     .help = "use the first this many rows of the split (0 = all)"},
    EBM_PARAM_END};

/* What flipping any visible unit needs, per evaluation and per row. Flipping
 * v_i by d = ±1 moves hidden input j from x_j to x_j + d·W_ij, and
 *   F(ṽ) − F(v) = −d b_i − Σ_j [softplus(x_j + d W_ij) − softplus(x_j)].
 * Each bracket is written so that float keeps its digits whatever the size
 * of the step, with q = σ(−|x|) ≤ ½ and e^{±W} − 1 precomputed:
 *   x ≤ 0: log1p(q (e^{dW} − 1));   x > 0: dW + log1p(q (e^{−dW} − 1)). */
typedef struct flips {
    const ebm_rbm *m;
    float *up, *down;     /* e^{W} − 1 and e^{−W} − 1, n_visible × n_hidden */
    float *x, *q;         /* one row's hidden input and σ(−|x|) */
} flips;

static void flips_free(flips *f) {
    free(f->up);
    free(f->down);
    free(f->x);
    free(f->q);
}

static int flips_init(flips *f, const ebm_rbm *m, ebm_error *err) {
    size_t n = m->n_visible * m->n_hidden;
    *f = (flips){.m = m};
    f->up = malloc(n * sizeof *f->up);
    f->down = malloc(n * sizeof *f->down);
    f->x = malloc(m->n_hidden * sizeof *f->x);
    f->q = malloc(m->n_hidden * sizeof *f->q);
    if (!f->up || !f->down || !f->x || !f->q) {
        flips_free(f);
        return ebm_fail(err, EBM_ENOMEM, "pseudo_likelihood: %zu x %zu tables",
                        m->n_visible, m->n_hidden);
    }
    for (size_t k = 0; k < n; k++) {
        f->up[k] = expm1f(m->W[k]);
        f->down[k] = expm1f(-m->W[k]);
    }
    return EBM_OK;
}

/* Prepares the row whose visible units are v (hidden input x = c + vW). */
static void flips_row(flips *f, const float *x) {
    for (size_t j = 0; j < f->m->n_hidden; j++) {
        f->x[j] = x[j];
        f->q[j] = 1.0f / (1.0f + expf(fabsf(x[j])));
    }
}

/* log p(v_i | v_−i) = log σ(F(ṽ) − F(v)) = −softplus(F(v) − F(ṽ)). */
static double site_log_p(const flips *f, const float *v, size_t i) {
    const ebm_rbm *m = f->m;
    size_t nh = m->n_hidden;
    int on = v[i] > 0.5f;
    float d = on ? -1.0f : 1.0f;
    const float *w = m->W + i * nh;
    const float *toward = (on ? f->down : f->up) + i * nh;   /* e^{dW} − 1 */
    const float *away = (on ? f->up : f->down) + i * nh;     /* e^{−dW} − 1 */
    double hidden = 0;
    for (size_t j = 0; j < nh; j++) {
        float t = f->x[j] <= 0.0f ? log1pf(f->q[j] * toward[j])
                                  : d * w[j] + log1pf(f->q[j] * away[j]);
        /* e^{±W} − 1 overflows float only for |W| > 88; then directly. */
        if (!isfinite(t))
            t = (float)(ebm_softplus((double)f->x[j] + d * w[j]) - ebm_softplus(f->x[j]));
        hidden += t;
    }
    double gap = -(double)d * m->b[i] - hidden;   /* F(ṽ) − F(v) */
    return -ebm_softplus(-gap);
}

/* scikit-learn's one-site term on a grey row: the site flipped to 1 − v_i
 * (d = 1 − 2 v_i), F of grey rows as written, in double:
 *   log σ(F(ṽ) − F(v)),  F(ṽ) − F(v) = −d b_i − Σ_j [softplus(x_j + d W_ij) − softplus(x_j)]. */
static double grey_site_log_p(const ebm_rbm *m, const float *x, const float *v, size_t i) {
    double d = 1.0 - 2.0 * (double)v[i], hidden = 0;
    const float *w = m->W + i * m->n_hidden;
    for (size_t j = 0; j < m->n_hidden; j++)
        hidden += ebm_softplus((double)x[j] + d * w[j]) - ebm_softplus(x[j]);
    return -ebm_softplus(d * m->b[i] + hidden);
}

static int pll_evaluate(const ebm_eval *ev, ebm_error *err) {
    enum { ROWS_PER_BLOCK = 256 };
    ebm_rbm *m = ev->model;
    const ebm_dataset *split = ev->data, *d = split;
    size_t nv = m->n_visible, nh = m->n_hidden;
    if (m->gaussian)
        return ebm_fail(err, EBM_ENOTSUP, "pseudo_likelihood: needs binary visible "
                        "units; this rbm's are Gaussian (use ais or exact)");
    if (!split || split->n == 0)
        return ebm_fail(err, EBM_EDATA, "pseudo_likelihood: the split has no rows");
    if (split->dim != nv)
        return ebm_fail(err, EBM_EDATA, "pseudo_likelihood: data rows have %zu values, "
                        "the rbm %zu visible units", split->dim, nv);
    int all_sites = strcmp(ebm_cfg_str(ev->cfg, "sites", "all"), "all") == 0;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 1000);
    if (rows == 0 || rows > split->n) rows = split->n;
    /* All sites score binary rows: a stochastically binarised split's are
     * drawn once, as exact and ais score them, so the three agree on what
     * they measure (thresholding would score cleaner rows than the model
     * was trained on). One site keeps the grey rows, as scikit-learn does. */
    ebm_dataset drawn = {0};
    if (all_sites && !(d = ebm_eval_binary_rows(ev, rows, &drawn, err))) return EBM_ENOMEM;
    flips f;
    int rc = flips_init(&f, m, err);
    if (rc) {
        ebm_dataset_free(&drawn);
        return rc;
    }
    float *v = malloc(ROWS_PER_BLOCK * nv * sizeof *v);
    float *x = malloc(ROWS_PER_BLOCK * nh * sizeof *x);
    if (!v || !x) rc = ebm_fail(err, EBM_ENOMEM, "pseudo_likelihood: row buffers");
    double total = 0;
    for (size_t start = 0; !rc && start < rows; start += ROWS_PER_BLOCK) {
        if (ev->stop && *ev->stop) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "pseudo_likelihood: interrupted");
            break;
        }
        size_t n = rows - start < ROWS_PER_BLOCK ? rows - start : ROWS_PER_BLOCK;
        /* All sites: grey levels left (data given grey without binarize:
         * stochastic) are read as v = [x ≥ ½], the conditionals being those
         * of binary units. One site is scikit-learn's score_samples, grey
         * rows as they are. */
        for (size_t k = 0; k < n * nv; k++) {
            float value = d->x[start * nv + k];
            v[k] = all_sites ? value >= 0.5f : value;
        }
        ebm_rbm_hidden_input(m, v, nv, n, x, nh);
        for (size_t r = 0; r < n; r++) {
            flips_row(&f, x + r * nh);
            const float *row = v + r * nv;
            if (all_sites) {
                for (size_t i = 0; i < nv; i++) total += site_log_p(&f, row, i);
            } else {
                ebm_rng rng;
                ebm_rng_derive(&rng, ev->rng, start + r);
                size_t i = (size_t)ebm_rng_below(&rng, nv);
                int binary = row[i] == 0.0f || row[i] == 1.0f;
                total += (double)nv * (binary ? site_log_p(&f, row, i)
                                              : grey_site_log_p(m, x + r * nh, row, i));
            }
        }
    }
    free(v);
    free(x);
    flips_free(&f);
    ebm_dataset_free(&drawn);
    if (rc) return rc;
    return ebm_log_metric(ev->log, NULL, total / (double)rows, err);
}

const ebm_estimator_ops ebm_estimator_pseudo_likelihood = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "pseudo_likelihood",
             .help = "RBM pseudo-log-likelihood per row in nats, sum_i log p(v_i|v_-i) "
                     "(sites: all exact, or one random site x n_visible as scikit-learn)",
             .params = pll_params},
    .xEvaluate = pll_evaluate,
    .model_type = "rbm",
};
