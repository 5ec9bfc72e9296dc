/* exact.c — the exact estimator: log Z, the mean log-likelihood of the
 * split's rows (hidden units summed out) and every unit's marginal, by
 * enumeration (≤ 2^max_units states a sum); a model with xLogPartition (RBM,
 * DBM) gives log Z its cheaper way, and with xFreeEnergy the likelihood too. */
#include <stdio.h>
#include <stdlib.h>

#include "enumerate.h"
#include "estimator.h"
#include "exact.h"
#include "plugins.h"

static const ebm_param exact_params[] = {
    {.name = "max_units", .type = EBM_P_INT, .def = "20", .range = "[1, 30]",
     .help = "refuse a sum over more than this many units (2^max_units states); "
             "an RBM counts only its smaller layer (max_units: 25 sums an RBM "
             "with 25 hidden units and any number of visible ones)"},
    {.name = "rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "log-likelihood over the first this many rows of the split (0 = all)"},
    {.name = "marginals", .type = EBM_P_BOOL, .def = "true",
     .help = "log p(unit = on) for every unit as a trace over units (models with "
             "their own log Z: only when every unit fits max_units)"},
    EBM_PARAM_END};

int ebm_exact_data_units(const ebm_eval *ev, const ebm_enum *e,
                         const char *estimator, ebm_error *err) {
    size_t data_units = e->units - e->n_hidden;
    if (!ev->data || ev->data->n == 0)
        return ebm_fail(err, EBM_EDATA, "%s: the split has no rows", estimator);
    if (ev->data->dim != data_units)
        return ebm_fail(err, EBM_EDATA,
                        "%s: data rows have %zu values, the model %zu data "
                        "(visible and label) units", estimator, ev->data->dim,
                        data_units);
    return EBM_OK;
}

void ebm_exact_encode(const ebm_eval *ev, const float *row, float *state) {
    ebm_model_encode(ev->ops, ev->model, row, ev->data->dim, state);
}

static int mean_loglik(const ebm_eval *ev, const ebm_enum *e, double log_z,
                       double *mean, ebm_error *err) {
    int rc = ebm_exact_data_units(ev, e, "exact", err);
    if (rc) return rc;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > ev->data->n) rows = ev->data->n;
    ebm_dataset copy;
    const ebm_dataset *d = ebm_eval_binary_rows(ev, rows, &copy, err);
    if (!d) return EBM_ENOMEM;
    float *state = calloc(e->units ? e->units : 1, sizeof *state);
    if (!state) {
        ebm_dataset_free(&copy);
        return ebm_fail(err, EBM_ENOMEM, "exact: out of memory");
    }
    double total = 0.0;
    for (size_t r = 0; r < rows && rc == EBM_OK; r++) {
        if (ev->stop && *ev->stop) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "exact: interrupted");
            break;
        }
        ebm_exact_encode(ev, d->x + r * d->dim, state);
        double log_p;
        rc = ebm_enum_log_p_data(e, state, log_z, &log_p, err);
        total += log_p;
        if ((r + 1) % 64 == 0) ebm_eval_progress(ev, r + 1, rows);
    }
    free(state);
    ebm_dataset_free(&copy);
    if (rc) return rc;
    *mean = total / (double)rows;
    return EBM_OK;
}

/* Units of a state that data rows fill (xDataMask; all when it has none). */
static size_t data_units(const ebm_eval *ev) {
    size_t units = ev->ops->xUnits(ev->model), count = 0;
    const unsigned char *mask = ebm_model_data_mask(ev->ops, ev->model);
    if (!mask) return units;
    for (size_t i = 0; i < units; i++) count += mask[i] != 0;
    return count;
}

/* Mean over the rows of −F(v) − log Z, F by xFreeEnergy in blocks of rows. */
static int mean_loglik_free_energy(const ebm_eval *ev, double log_z, double *mean,
                                   ebm_error *err) {
    enum { ROWS_PER_BLOCK = 256 };
    const ebm_dataset *d = ev->data;
    size_t units = ev->ops->xUnits(ev->model);
    if (d->n == 0) return ebm_fail(err, EBM_EDATA, "exact: the split has no rows");
    if (d->dim != data_units(ev))
        return ebm_fail(err, EBM_EDATA,
                        "exact: data rows have %zu values, the model %zu data units",
                        d->dim, data_units(ev));
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > d->n) rows = d->n;
    ebm_dataset copy;
    if (!(d = ebm_eval_binary_rows(ev, rows, &copy, err))) return EBM_ENOMEM;
    float *states = calloc(ROWS_PER_BLOCK * units, sizeof *states);
    double *free_energy = malloc(ROWS_PER_BLOCK * sizeof *free_energy);
    int rc = states && free_energy ? EBM_OK
                                   : ebm_fail(err, EBM_ENOMEM, "exact: out of memory");
    double total = 0.0;
    for (size_t start = 0; !rc && start < rows; start += ROWS_PER_BLOCK) {
        if (ev->stop && *ev->stop) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "exact: interrupted");
            break;
        }
        size_t n = rows - start < ROWS_PER_BLOCK ? rows - start : ROWS_PER_BLOCK;
        for (size_t r = 0; r < n; r++)
            ebm_exact_encode(ev, d->x + (start + r) * d->dim, states + r * units);
        rc = ebm_model_free_energy(ev->ops, ev->model, states, n, free_energy, err);
        for (size_t r = 0; !rc && r < n; r++) total += -free_energy[r] - log_z;
        ebm_eval_progress(ev, start + n, rows);
    }
    free(states);
    free(free_energy);
    ebm_dataset_free(&copy);
    if (rc) return rc;
    *mean = total / (double)rows;
    return EBM_OK;
}

/* Mean log p(v) over the rows with log Z given: −F(v) − log Z by the
 * model's xFreeEnergy (an RBM sums its hidden layer out, a DBM enumerates
 * the smaller half of its hidden layers), else the hidden units enumerated
 * for every row within max_units. */
static int partition_loglik(const ebm_eval *ev, double log_z, int max_units,
                            double *loglik, ebm_error *err) {
    if (ebm_model_has_layers(ev->ops)) return mean_loglik_free_energy(ev, log_z, loglik, err);
    ebm_enum e;
    int rc = ebm_enum_init(&e, ev->ops, ev->model, max_units, err);
    if (rc) return rc;
    rc = mean_loglik(ev, &e, log_z, loglik, err);
    ebm_enum_free(&e);
    return rc;
}

/* The model's own log Z (an RBM enumerates only its smaller layer); the
 * marginals still need every unit enumerated, so they come only when the
 * whole model fits the limit. */
static int exact_evaluate_partition(const ebm_eval *ev, ebm_error *err) {
    int max_units = (int)ebm_cfg_int(ev->cfg, "max_units", EBM_ENUM_MAX_UNITS);
    double log_z = 0.0, loglik = 0.0;
    int rc = ebm_model_log_partition(ev->ops, ev->model, max_units, &log_z, err);
    if (!rc) rc = ebm_log_metric(ev->log, "log_z", log_z, err);
    if (!rc && ev->data) rc = partition_loglik(ev, log_z, max_units, &loglik, err);
    if (!rc && ev->data) rc = ebm_log_metric(ev->log, "loglik", loglik, err);
    size_t units = ev->ops->xUnits(ev->model);
    if (rc || !ebm_cfg_bool(ev->cfg, "marginals", 1) || !ebm_model_has_binary(ev->ops) ||
        units > (size_t)max_units)
        return rc;
    ebm_enum e;
    rc = ebm_enum_init(&e, ev->ops, ev->model, max_units, err);
    if (rc) return rc;
    double *p_high = malloc((units ? units : 1) * sizeof *p_high);
    if (!p_high) rc = ebm_fail(err, EBM_ENOMEM, "exact: out of memory");
    if (!rc) rc = ebm_enum_marginals(&e, log_z, p_high, err);
    if (!rc) rc = ebm_log_trace(ev->log, "marginals", p_high, units, "unit", err);
    free(p_high);
    ebm_enum_free(&e);
    return rc;
}

static int exact_evaluate(const ebm_eval *ev, ebm_error *err) {
    if (ebm_model_has_layers(ev->ops)) return exact_evaluate_partition(ev, err);
    ebm_enum e;
    int rc = ebm_enum_init(&e, ev->ops, ev->model,
                           (int)ebm_cfg_int(ev->cfg, "max_units", EBM_ENUM_MAX_UNITS), err);
    if (rc) return rc;
    double log_z = 0.0, loglik = 0.0;
    double *p_high = NULL;
    rc = ebm_enum_log_z(&e, &log_z, err);
    if (!rc) rc = ebm_log_metric(ev->log, "log_z", log_z, err);
    if (!rc && ev->data) rc = mean_loglik(ev, &e, log_z, &loglik, err);
    if (!rc && ev->data) rc = ebm_log_metric(ev->log, "loglik", loglik, err);
    if (!rc && ebm_cfg_bool(ev->cfg, "marginals", 1)) {
        p_high = malloc((e.units ? e.units : 1) * sizeof *p_high);
        if (!p_high) rc = ebm_fail(err, EBM_ENOMEM, "exact: out of memory");
        if (!rc) rc = ebm_enum_marginals(&e, log_z, p_high, err);
        if (!rc) rc = ebm_log_trace(ev->log, "marginals", p_high, e.units, "unit", err);
    }
    free(p_high);
    ebm_enum_free(&e);
    return rc;
}

const ebm_estimator_ops ebm_estimator_exact = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "exact",
             .help = "exact log Z, mean log-likelihood (hidden units summed out) "
                     "and unit marginals by enumeration (small models; an RBM "
                     "enumerates its smaller layer)",
             .params = exact_params},
    .xEvaluate = exact_evaluate,
    .needs = EBM_CAP_BINARY,
};
