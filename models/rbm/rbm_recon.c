/* rbm_recon.c — two cheap RBM monitors from Hinton's practical guide: the
 * `reconstruction` error after one mean-field up-down pass, and the
 * `free_energy_gap` between validation and training rows (overfitting). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimator.h"
#include "rbm.h"
#include "plugins.h"

extern const ebm_model_ops ebm_model_rbm;

enum { ROWS_PER_BLOCK = 256 };

static const ebm_param recon_params[] = {
    {.name = "rows", .type = EBM_P_INT, .def = "1000", .range = "[0, inf)",
     .help = "use the first this many rows of the split (0 = all)"},
    EBM_PARAM_END};

static const ebm_param gap_params[] = {
    {.name = "rows", .type = EBM_P_INT, .def = "1000", .range = "[0, inf)",
     .help = "rows drawn at random from each split, at most the smaller split's "
             "size (0 = that size)"},
    EBM_PARAM_END};

static int check_rows(const char *estimator, const ebm_dataset *d, const char *split,
                      const ebm_rbm *m, ebm_error *err) {
    if (!d || d->n == 0)
        return ebm_fail(err, EBM_EDATA, "%s: the %s split has no rows%s", estimator,
                        split, strcmp(split, "valid") == 0 ? "; set data.valid" : "");
    if (d->dim != m->n_visible)
        return ebm_fail(err, EBM_EDATA, "%s: %s rows have %zu values, the rbm %zu "
                        "visible units", estimator, split, d->dim, m->n_visible);
    return EBM_OK;
}

/* Mean over rows and units of (v − r)², r = E[v | h] at h = p(h | v): the
 * probabilities, not samples, in both directions (so the error is
 * deterministic). Hinton's guide warns it is not what training minimises
 * and tracks the likelihood only loosely. */
static int recon_evaluate(const ebm_eval *ev, ebm_error *err) {
    ebm_rbm *m = ev->model;
    const ebm_dataset *d = ev->data;
    int rc = check_rows("reconstruction", d, "chosen", m, err);
    if (rc) return rc;
    size_t nv = m->n_visible, nh = m->n_hidden;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 1000);
    if (rows == 0 || rows > d->n) rows = d->n;
    float *p = malloc(ROWS_PER_BLOCK * nh * sizeof *p);
    float *r = malloc(ROWS_PER_BLOCK * nv * sizeof *r);
    if (!p || !r) rc = ebm_fail(err, EBM_ENOMEM, "reconstruction: row buffers");
    double total = 0;
    for (size_t start = 0; !rc && start < rows; start += ROWS_PER_BLOCK) {
        size_t n = rows - start < ROWS_PER_BLOCK ? rows - start : ROWS_PER_BLOCK;
        const float *v = d->x + start * nv;
        ebm_rbm_hidden_input(m, v, nv, n, p, nh);
        ebm_rbm_sigmoid(p, n, nh, nh, 1.0f);
        ebm_rbm_visible_input(m, p, nh, n, r, nv);
        if (!m->gaussian) ebm_rbm_sigmoid(r, n, nv, nv, 1.0f);
        for (size_t k = 0; k < n * nv; k++) {
            double diff = (double)v[k] - r[k];
            total += diff * diff;
        }
    }
    free(p);
    free(r);
    if (rc) return rc;
    return ebm_log_metric(ev->log, NULL, total / ((double)rows * (double)nv), err);
}

/* Mean F(v) over `n` rows of d drawn without replacement (all when n = d->n). */
static int mean_free_energy(ebm_rbm *m, const ebm_dataset *d, size_t n, ebm_rng *rng,
                            double *mean, ebm_error *err) {
    size_t nv = m->n_visible;
    size_t *order = malloc(d->n * sizeof *order);
    float *rows = malloc(ROWS_PER_BLOCK * nv * sizeof *rows);
    double *neg_f = malloc(ROWS_PER_BLOCK * sizeof *neg_f);
    int rc = order && rows && neg_f
                 ? EBM_OK
                 : ebm_fail(err, EBM_ENOMEM, "free_energy_gap: %zu rows", d->n);
    double total = 0;
    if (!rc) {
        for (size_t k = 0; k < d->n; k++) order[k] = k;
        if (n < d->n) ebm_rng_shuffle(rng, order, d->n);
    }
    for (size_t start = 0; !rc && start < n; start += ROWS_PER_BLOCK) {
        size_t count = n - start < ROWS_PER_BLOCK ? n - start : ROWS_PER_BLOCK;
        for (size_t r = 0; r < count; r++)
            memcpy(rows + r * nv, d->x + order[start + r] * d->dim, nv * sizeof *rows);
        rc = ebm_rbm_log_unnormalized(m, rows, nv, count, 1.0, neg_f, err);
        for (size_t r = 0; !rc && r < count; r++) total -= neg_f[r];
    }
    free(order);
    free(rows);
    free(neg_f);
    *mean = n ? total / (double)n : 0.0;
    return rc;
}

/* Mean F over validation rows minus mean F over as many training rows: it
 * grows when the model starts to prefer the rows it was trained on (the
 * guide's overfitting monitor; the absolute F means nothing without log Z,
 * the gap does). */
static int gap_evaluate(const ebm_eval *ev, ebm_error *err) {
    ebm_rbm *m = ev->model;
    int rc = check_rows("free_energy_gap", ev->train, "train", m, err);
    if (!rc) rc = check_rows("free_energy_gap", ev->valid, "valid", m, err);
    if (rc) return rc;
    size_t n = ev->train->n < ev->valid->n ? ev->train->n : ev->valid->n;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 1000);
    if (rows > 0 && rows < n) n = rows;
    ebm_rng train_rng, valid_rng;
    ebm_rng_named(&train_rng, ev->rng, "train");
    ebm_rng_named(&valid_rng, ev->rng, "valid");
    double f_train = 0, f_valid = 0;
    rc = mean_free_energy(m, ev->train, n, &train_rng, &f_train, err);
    if (!rc) rc = mean_free_energy(m, ev->valid, n, &valid_rng, &f_valid, err);
    if (!rc) rc = ebm_log_metric(ev->log, NULL, f_valid - f_train, err);
    if (!rc) rc = ebm_log_metric(ev->log, "f_train", f_train, err);
    if (!rc) rc = ebm_log_metric(ev->log, "f_valid", f_valid, err);
    return rc;
}

const ebm_estimator_ops ebm_estimator_reconstruction = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "reconstruction",
             .help = "RBM mean squared error per unit between v and E[v|h], h = p(h|v) "
                     "(probabilities both ways; not the training objective)",
             .params = recon_params},
    .xEvaluate = recon_evaluate,
    .model_type = "rbm",
};

const ebm_estimator_ops ebm_estimator_free_energy_gap = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "free_energy_gap",
             .help = "RBM mean F(valid rows) - mean F(as many train rows); rising = "
                     "overfitting (Hinton's guide); needs data.valid",
             .params = gap_params},
    .xEvaluate = gap_evaluate,
    .model_type = "rbm",
};
