/* kde.c — the kde estimator: a Gaussian kernel density estimate fitted on
 * the training split, and the mean log density it gives the evaluated split;
 * the model-free baseline that a learned energy's exact likelihood beats. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimator.h"
#include "plugins.h"

#define LOG_2PI 1.8378770664093454836

static const ebm_param kde_params[] = {
    {.name = "bandwidth", .type = EBM_P_FLOAT, .def = "0", .range = "[0, inf)",
     .help = "kernel std, the same in every dimension; 0: `rule` times each "
             "dimension's sample std (n - 1)"},
    {.name = "rule", .type = EBM_P_ENUM, .def = "scott", .choices = "scott|silverman",
     .help = "bandwidth factor: scott n^(-1/(d+4)), silverman (n(d+2)/4)^(-1/(d+4)) "
             "(as scipy.stats.gaussian_kde, with a diagonal covariance)"},
    {.name = "train_rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "fit on the first this many training rows (0 = all)"},
    {.name = "rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "evaluate the first this many rows of the split (0 = all)"},
    EBM_PARAM_END};

/* Rule factor times each dimension's sample std. A constant dimension takes
 * the mean std of the others (1 when all are constant), so the estimate
 * stays a density. */
static void rule_bandwidths(const ebm_dataset *train, size_t n, int silverman,
                            double *h) {
    size_t d = train->dim;
    double dims = (double)d;
    double factor = silverman
                        ? pow((double)n * (dims + 2.0) / 4.0, -1.0 / (dims + 4.0))
                        : pow((double)n, -1.0 / (dims + 4.0));
    double positive_sum = 0.0;
    size_t positive = 0;
    for (size_t j = 0; j < d; j++) {
        double mean = 0.0, ss = 0.0;
        for (size_t r = 0; r < n; r++) mean += train->x[r * d + j];
        mean /= (double)n;
        for (size_t r = 0; r < n; r++) {
            double dev = train->x[r * d + j] - mean;
            ss += dev * dev;
        }
        h[j] = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
        if (h[j] > 0) {
            positive_sum += h[j];
            positive++;
        }
    }
    double fallback = positive ? positive_sum / (double)positive : 1.0;
    for (size_t j = 0; j < d; j++) h[j] = factor * (h[j] > 0 ? h[j] : fallback);
}

/* log p̂(x) = logsumexp_i[−½ Σ_j ((x_j − t_ij)/h_j)²] − log m − Σ_j log h_j
 * − (d/2) log 2π over the m training rows t_i, leaving out row `skip` (the
 * point itself when the split evaluated is the training split). */
static double log_density(const float *x, const ebm_dataset *train, size_t n_train,
                          size_t skip, const double *inv_h, double log_norm) {
    size_t d = train->dim;
    double top = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < n_train; i++) {
        if (i == skip) continue;
        const float *t = train->x + i * d;
        double q = 0.0;
        for (size_t j = 0; j < d; j++) {
            double z = ((double)x[j] - (double)t[j]) * inv_h[j];
            q += z * z;
        }
        double term = -0.5 * q;
        /* Running log-sum-exp: rescale the sum when a new maximum appears. */
        if (term > top) {
            sum = sum * exp(top - term) + 1.0;
            top = term;
        } else {
            sum += exp(term - top);
        }
    }
    size_t used = n_train - (skip < n_train ? 1 : 0);
    return top + log(sum) - log((double)used) + log_norm;
}

static int kde_evaluate(const ebm_eval *ev, ebm_error *err) {
    const ebm_dataset *train = ev->train, *data = ev->data;
    if (!train || train->n == 0)
        return ebm_fail(err, EBM_EDATA, "kde: the training split is empty");
    if (!data || data->n == 0)
        return ebm_fail(err, EBM_EDATA, "kde: the evaluated split is empty");
    if (data->dim != train->dim)
        return ebm_fail(err, EBM_EDATA, "kde: the split has %zu columns, the "
                        "training data %zu", data->dim, train->dim);
    size_t d = train->dim;
    if (d == 0) return ebm_fail(err, EBM_EDATA, "kde: the data have no columns");
    size_t n_train = (size_t)ebm_cfg_int(ev->cfg, "train_rows", 0);
    if (n_train == 0 || n_train > train->n) n_train = train->n;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > data->n) rows = data->n;
    int same = data == train;   /* leave-one-out, else each point sees itself */
    if (same && n_train < 2)
        return ebm_fail(err, EBM_EDATA, "kde: leave-one-out on the training split "
                        "needs at least 2 training rows");

    double *h = malloc(d * sizeof *h), *inv_h = malloc(d * sizeof *inv_h);
    double *log_p = malloc(rows * sizeof *log_p);
    if (!h || !inv_h || !log_p) {
        free(h);
        free(inv_h);
        free(log_p);
        return ebm_fail(err, EBM_ENOMEM, "kde: out of memory");
    }
    double given = ebm_cfg_double(ev->cfg, "bandwidth", 0.0);
    if (given > 0)
        for (size_t j = 0; j < d; j++) h[j] = given;
    else
        rule_bandwidths(train, n_train,
                        strcmp(ebm_cfg_str(ev->cfg, "rule", "scott"), "silverman") == 0, h);
    double log_norm = -0.5 * (double)d * LOG_2PI, log_h_sum = 0.0;
    for (size_t j = 0; j < d; j++) {
        inv_h[j] = 1.0 / h[j];
        log_h_sum += log(h[j]);
    }
    log_norm -= log_h_sum;

    /* Rows are independent: each thread fills its own entries, and the sum
     * below runs in row order, so the result does not depend on threads.
     * Blocks of rows let an interrupt through between them. */
    enum { ROWS_PER_BLOCK = 256 };
    int stopped = 0;
    for (size_t start = 0; start < rows && !stopped; start += ROWS_PER_BLOCK) {
        if (ev->stop && *ev->stop) {
            stopped = 1;
            break;
        }
        size_t end = rows - start < ROWS_PER_BLOCK ? rows : start + ROWS_PER_BLOCK;
        #pragma omp parallel for schedule(dynamic, 8)
        for (size_t r = start; r < end; r++)
            log_p[r] = log_density(data->x + r * d, train, n_train,
                                   same ? r : (size_t)-1, inv_h, log_norm);
        ebm_eval_progress(ev, end, rows);
    }
    int rc = EBM_OK;
    if (stopped) {
        rc = ebm_fail(err, EBM_EINTERRUPT, "kde: interrupted");
    } else {
        double total = 0.0;
        for (size_t r = 0; r < rows; r++) total += log_p[r];
        rc = ebm_log_metric(ev->log, "loglik", total / (double)rows, err);
        /* One number for the bandwidth: the geometric mean over dimensions. */
        if (!rc) rc = ebm_log_metric(ev->log, "bandwidth", exp(log_h_sum / (double)d), err);
    }
    free(h);
    free(inv_h);
    free(log_p);
    return rc;
}

const ebm_estimator_ops ebm_estimator_kde = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "kde",
             .help = "baseline: mean log density of the split under a Gaussian kernel "
                     "density estimate fitted on the training split (leave-one-out "
                     "when the split is train); any dimension, ignores the model",
             .params = kde_params},
    .xEvaluate = kde_evaluate,
};
