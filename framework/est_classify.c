/* est_classify.c — the classify estimator: for a model whose last `labels`
 * data columns are one-hot label units, the exact P(c | v) by enumeration
 * (hidden units summed out), its accuracy and the log-probability of the
 * true label over the split's rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "est_exact.h"

static const ebm_param classify_params[] = {
    {.name = "labels", .type = EBM_P_INT, .flags = EBM_PF_REQUIRED, .range = "[1, inf)",
     .help = "how many trailing data columns are one-hot label units"},
    {.name = "max_units", .type = EBM_P_INT, .def = "20", .range = "[1, 30]",
     .help = "refuse a sum over more than this many hidden units (2^max_units states)"},
    {.name = "rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "classify the first this many rows of the split (0 = all)"},
    EBM_PARAM_END};

/* The row's true class: the one label column that is on, else the split's
 * label; -1 when there is neither. */
static int true_label(const ebm_dataset *d, size_t r, size_t labels) {
    const float *tail = d->x + r * d->dim + (d->dim - labels);
    int found = -1;
    for (size_t c = 0; c < labels; c++) {
        if (tail[c] <= 0.5f) continue;
        if (found >= 0) return -1;
        found = (int)c;
    }
    if (found < 0 && d->labels && d->labels[r] >= 0 && (size_t)d->labels[r] < labels)
        found = d->labels[r];
    return found;
}

typedef struct classify_work {
    float *row, *state;
    double *score;
} classify_work;

/* score[c] = log Σ_h exp(−E(v, c, h)/T), the row's label columns set to c. */
static int class_scores(const ebm_eval *ev, const ebm_enum *e, size_t labels,
                        const float *row_in, classify_work *w, ebm_error *err) {
    size_t dim = ev->data->dim, first = dim - labels;
    memcpy(w->row, row_in, dim * sizeof *w->row);
    for (size_t c = 0; c < labels; c++) {
        for (size_t k = 0; k < labels; k++) w->row[first + k] = k == c ? 1.0f : 0.0f;
        ebm_exact_encode(ev, w->row, w->state);
        int rc = ebm_enum_log_sum(e, w->state, e->hidden, e->n_hidden,
                                  "classify: exact P(c | v) with hidden units "
                                  "summed out", &w->score[c], err);
        if (rc) return rc;
    }
    return EBM_OK;
}

static int classify_rows(const ebm_eval *ev, const ebm_enum *e, size_t labels,
                         classify_work *w, double *accuracy, double *loglik,
                         ebm_error *err) {
    const ebm_dataset *d = ev->data;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > d->n) rows = d->n;
    double right = 0.0, total_log = 0.0;
    for (size_t r = 0; r < rows; r++) {
        if (ev->stop && *ev->stop)
            return ebm_fail(err, EBM_EINTERRUPT, "classify: interrupted");
        int truth = true_label(d, r, labels);
        if (truth < 0)
            return ebm_fail(err, EBM_EDATA,
                            "classify: row %zu has no one-hot label in its last "
                            "%zu columns (set data.append_labels: true)", r, labels);
        int rc = class_scores(ev, e, labels, d->x + r * d->dim, w, err);
        if (rc) return rc;
        size_t best = 0;
        double max = w->score[0];
        for (size_t c = 1; c < labels; c++)
            if (w->score[c] > max) max = w->score[best = c];
        double sum = 0.0;
        for (size_t c = 0; c < labels; c++) sum += exp(w->score[c] - max);
        total_log += w->score[truth] - (max + log(sum));
        right += best == (size_t)truth;
    }
    *accuracy = right / (double)rows;
    *loglik = total_log / (double)rows;
    return EBM_OK;
}

static int classify_evaluate(const ebm_eval *ev, ebm_error *err) {
    int64_t labels = ebm_cfg_int(ev->cfg, "labels", 0);
    ebm_enum e;
    int rc = ebm_enum_init(&e, ev->ops, ev->model,
                           (int)ebm_cfg_int(ev->cfg, "max_units", EBM_ENUM_MAX_UNITS), err);
    if (rc) return rc;
    rc = ebm_exact_data_units(ev, &e, "classify", err);
    if (!rc && (labels < 1 || (uint64_t)labels > ev->data->dim))
        rc = ebm_fail(err, EBM_ECONFIG, "classify: labels is %lld, but data rows "
                      "have %zu columns", (long long)labels, ev->data->dim);
    classify_work w = {0};
    if (!rc) {
        w.row = malloc(ev->data->dim * sizeof *w.row);
        w.state = calloc(e.units ? e.units : 1, sizeof *w.state);
        w.score = malloc((size_t)labels * sizeof *w.score);
        if (!w.row || !w.state || !w.score)
            rc = ebm_fail(err, EBM_ENOMEM, "classify: out of memory");
    }
    double accuracy = 0.0, loglik = 0.0;
    if (!rc) rc = classify_rows(ev, &e, (size_t)labels, &w, &accuracy, &loglik, err);
    if (!rc) rc = ebm_log_metric(ev->log, "accuracy", accuracy, err);
    if (!rc) rc = ebm_log_metric(ev->log, "loglik", loglik, err);
    free(w.row);
    free(w.state);
    free(w.score);
    ebm_enum_free(&e);
    return rc;
}

static int classify_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    return ebm_exact_supports("classify", model, why, why_size);
}

const ebm_estimator_ops ebm_estimator_classify = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "classify",
             .help = "accuracy of argmax_c P(c | v) and mean log P(true c | v), "
                     "exact by enumeration over hidden units (label units one-hot)",
             .params = classify_params},
    .xEvaluate = classify_evaluate,
    .xSupports = classify_supports,
};
