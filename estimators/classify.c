/* classify.c — the classify estimator: for a model whose last `labels`
 * data columns are one-hot label units, P(c | v) — exact by enumeration of
 * the hidden units (or the model's own free energy), estimated by Gibbs
 * sampling when they are too many, or for a DBM approximated by its
 * mean-field bound — its accuracy and the log-probability of the true label
 * over the rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "condsample.h"
#include "exact.h"
#include "plugins.h"

extern const ebm_model_ops ebm_model_dbm;

static const ebm_param classify_params[] = {
    {.name = "labels", .type = EBM_P_INT, .flags = EBM_PF_REQUIRED, .range = "[1, inf)",
     .help = "how many trailing data columns are one-hot label units"},
    {.name = "method", .type = EBM_P_ENUM, .def = "exact",
     .choices = "exact|sampled|mean_field|auto",
     .help = "exact: sum over the hidden units (by the model's free energy when it "
             "has one: RBM, DBM); sampled: Gibbs over the hidden units and labels "
             "given v; mean_field (dbm only): P(c | v) proportional to exp of the "
             "mean-field bound with the label clamped to c, an approximation; auto: "
             "exact when hidden <= max_units, else mean_field for a dbm, sampled "
             "otherwise"},
    {.name = "max_units", .type = EBM_P_INT, .def = "20", .range = "[1, 30]",
     .help = "refuse an exact sum over more than this many hidden units "
             "(2^max_units states); a model with its own free energy (RBM, DBM) "
             "applies its own limit instead"},
    {.name = "burn_in", .type = EBM_P_INT, .def = "100", .range = "[0, inf)",
     .help = "sampled: sweeps per row before averaging"},
    {.name = "sweeps", .type = EBM_P_INT, .def = "1000", .range = "[1, inf)",
     .help = "sampled: sweeps per row whose P(c | v, h) is averaged"},
    {.name = "rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "classify the first this many rows of the split (0 = all)"},
    EBM_PARAM_END};

enum { METHOD_EXACT, METHOD_SAMPLED, METHOD_MEAN_FIELD };

typedef struct classify_work {
    float *row, *state;
    double *score;
    double *prob, *mean;   /* sampled: P(c | v, h) now, and its running sum */
    float *states;         /* exact by free energy: one state per class */
    double *free_energy;   /* labels */
    double *all_scores;    /* mean field: rows × labels */
    ebm_class_scores_fn class_scores;   /* the model's cheaper scores, or NULL */
    int method;
} classify_work;

/* score[c] = −F(v, c)/T by the model's xFreeEnergy, one state per class. */
static int free_energy_scores(const ebm_eval *ev, const ebm_enum *e, size_t labels,
                              const float *row_in, classify_work *w, ebm_error *err) {
    size_t dim = ev->data->dim, first = dim - labels;
    memcpy(w->row, row_in, dim * sizeof *w->row);
    for (size_t c = 0; c < labels; c++) {
        for (size_t k = 0; k < labels; k++) w->row[first + k] = k == c ? 1.0f : 0.0f;
        ebm_exact_encode(ev, w->row, w->states + c * e->units);
    }
    int rc = ebm_model_free_energy(ev->ops, ev->model, w->states, labels, w->free_energy, err);
    if (rc) return ebm_error_prefix(err, "classify: exact P(c | v)");
    for (size_t c = 0; c < labels; c++) w->score[c] = -w->free_energy[c] / e->temperature;
    return EBM_OK;
}

/* score[c] = log Σ_h exp(−E(v, c, h)/T), the row's label columns set to c. */
static int class_scores(const ebm_eval *ev, const ebm_enum *e, size_t labels,
                        const float *row_in, classify_work *w, ebm_error *err) {
    if (ebm_model_has_layers(ev->ops)) return free_energy_scores(ev, e, labels, row_in, w, err);
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

/* Sets the label units to one-hot c in the model's coding (all low, then c
 * flipped high), leaving every other unit as it is. */
static void set_label(const ebm_eval *ev, const ebm_enum *e, size_t first,
                      size_t labels, size_t c, float *state) {
    for (size_t k = 0; k < labels; k++) state[first + k] = e->low[first + k];
    ebm_model_flip_unit(ev->ops, ev->model, state, first + c);
}

/* prob[c] = P(c | v, h) ∝ exp(−E(v, one-hot c, h)/T) for the state's v and
 * h: with every label unit low, E(one-hot c) − E(all low) is the energy of
 * flipping label unit c on, so one xFlipEnergy per class gives the exact
 * conditional over the one-hot settings. */
static void label_conditional(const ebm_eval *ev, const ebm_enum *e, size_t first,
                              size_t labels, float *state, double *prob) {
    for (size_t k = 0; k < labels; k++) state[first + k] = e->low[first + k];
    double max = -INFINITY, sum = 0.0;
    for (size_t c = 0; c < labels; c++) {
        prob[c] = -ebm_model_flip_energy(ev->ops, ev->model, state, first + c) / e->temperature;
        if (prob[c] > max) max = prob[c];
    }
    for (size_t c = 0; c < labels; c++) sum += (prob[c] = exp(prob[c] - max));
    for (size_t c = 0; c < labels; c++) prob[c] /= sum;
}

static size_t draw_class(const double *prob, size_t labels, ebm_rng *rng) {
    double u = ebm_rng_uniform(rng);
    for (size_t c = 0; c + 1 < labels; c++) {
        if (u < prob[c]) return c;
        u -= prob[c];
    }
    return labels - 1;
}

/* score[c] = log P̂(c | v), sampled. The chain runs over (c, h) given v, c a
 * single one-hot block: each sweep draws c from P(c | v, h) exactly (above),
 * then updates every hidden unit by heat bath given v, c and the other
 * hidden units. Both steps leave p(c, h | v) ∝ exp(−E(v, one-hot c, h)/T)
 * invariant — the model restricted to one-hot labels, the same distribution
 * the exact method sums — so the h's it visits follow p(h | v) with the
 * labels summed out, and the mean of P(c | v, h) over sweeps estimates
 * P(c | v) = Σ_h p(h | v) P(c | v, h) (Rao–Blackwellised: lower variance
 * than counting the drawn c). Single-site Gibbs on the label units would
 * not do: one flip leaves the one-hot states, and they have no stable
 * meaning there. */
static int sampled_scores(const ebm_eval *ev, const ebm_enum *e, size_t labels,
                          const float *row_in, size_t r, classify_work *w,
                          ebm_error *err) {
    size_t dim = ev->data->dim, first = dim - labels;
    int burn_in = (int)ebm_cfg_int(ev->cfg, "burn_in", 100);
    int sweeps = (int)ebm_cfg_int(ev->cfg, "sweeps", 1000);
    ebm_rng all_rows, rng;
    ebm_rng_named(&all_rows, ev->rng, "sampled");
    ebm_rng_derive(&rng, &all_rows, r);
    ebm_exact_encode(ev, row_in, w->state);
    for (size_t j = 0; j < e->n_hidden; j++) {
        size_t i = e->hidden[j];
        w->state[i] = (ebm_rng_u64(&rng) >> 63) ? e->high[i] : e->low[i];
    }
    set_label(ev, e, first, labels, (size_t)ebm_rng_below(&rng, labels), w->state);
    for (size_t c = 0; c < labels; c++) w->mean[c] = 0.0;
    for (int s = 1; s <= burn_in + sweeps; s++) {
        if (ev->stop && *ev->stop)
            return ebm_fail(err, EBM_EINTERRUPT, "classify: interrupted");
        label_conditional(ev, e, first, labels, w->state, w->prob);
        if (s > burn_in)
            for (size_t c = 0; c < labels; c++) w->mean[c] += w->prob[c];
        set_label(ev, e, first, labels, draw_class(w->prob, labels, &rng), w->state);
        for (size_t j = 0; j < e->n_hidden; j++) {
            size_t i = e->hidden[j];
            double delta = ebm_model_flip_energy(ev->ops, ev->model, w->state, i);
            /* flip with probability σ(−ΔE/T) = 1/(1 + e^{ΔE/T}) */
            if (ebm_rng_uniform(&rng) * (1.0 + exp(delta / e->temperature)) < 1.0)
                ebm_model_flip_unit(ev->ops, ev->model, w->state, i);
        }
    }
    for (size_t c = 0; c < labels; c++) w->score[c] = log(w->mean[c] / sweeps);
    return EBM_OK;
}

static int classify_rows(const ebm_eval *ev, const ebm_enum *e, size_t labels,
                         classify_work *w, double *accuracy, double *loglik,
                         ebm_error *err) {
    const ebm_dataset *d = ev->data;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > d->n) rows = d->n;
    double right = 0.0, total_log = 0.0;
    if (w->method == METHOD_MEAN_FIELD) {   /* every row at once: GEMMs */
        w->all_scores = malloc(rows * labels * sizeof *w->all_scores);
        if (!w->all_scores) return ebm_fail(err, EBM_ENOMEM, "classify: %zu scores", rows);
        int rc = w->class_scores(ev->model, d->x, rows, d->dim, labels, w->all_scores, err);
        if (rc) return ebm_error_prefix(err, "classify: mean_field");
    }
    for (size_t r = 0; r < rows; r++) {
        if (ev->stop && *ev->stop)
            return ebm_fail(err, EBM_EINTERRUPT, "classify: interrupted");
        int truth = ebm_cond_row_class(d, r, labels);
        if (truth < 0)
            return ebm_fail(err, EBM_EDATA,
                            "classify: row %zu has no one-hot label in its last "
                            "%zu columns (set data.append_labels: true)", r, labels);
        int rc = EBM_OK;
        if (w->method == METHOD_SAMPLED)
            rc = sampled_scores(ev, e, labels, d->x + r * d->dim, r, w, err);
        else if (w->method == METHOD_EXACT)
            rc = class_scores(ev, e, labels, d->x + r * d->dim, w, err);
        else
            memcpy(w->score, w->all_scores + r * labels, labels * sizeof *w->score);
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
    const char *method = ebm_cfg_str(ev->cfg, "method", "exact");
    classify_work w = {0};
    /* A DBM scores classes by its mean-field bound (a feature by name). */
    w.class_scores = (ebm_class_scores_fn)ebm_model_find_feature(ev->ops, "class_scores");
    w.method = METHOD_EXACT;
    if (strcmp(method, "sampled") == 0) w.method = METHOD_SAMPLED;
    if (strcmp(method, "mean_field") == 0) w.method = METHOD_MEAN_FIELD;
    if (strcmp(method, "auto") == 0 && e.n_hidden > (size_t)e.max_units)
        w.method = w.class_scores ? METHOD_MEAN_FIELD : METHOD_SAMPLED;
    if (!rc && w.method == METHOD_SAMPLED && !ebm_model_can_flip(ev->ops))
        rc = ebm_fail(err, EBM_ENOTSUP, "classify: sampled P(c | v) needs the model "
                      "ops xFlipEnergy and xFlipUnit, which %s lacks", ev->ops->info.name);
    if (!rc && w.method == METHOD_MEAN_FIELD && !w.class_scores)
        rc = ebm_fail(err, EBM_ECONFIG, "classify: method mean_field is the DBM's "
                      "mean-field bound; model %s is not a dbm (use exact or sampled)",
                      ev->ops->info.name);
    if (!rc && w.class_scores && labels >= 1 &&
        (rc = w.class_scores(ev->model, NULL, 0, 0, (size_t)labels, NULL, err)))
        ebm_error_prefix(err, "classify");
    if (!rc) {
        w.row = malloc(ev->data->dim * sizeof *w.row);
        w.state = calloc(e.units ? e.units : 1, sizeof *w.state);
        w.score = malloc((size_t)labels * sizeof *w.score);
        w.prob = malloc((size_t)labels * sizeof *w.prob);
        w.mean = malloc((size_t)labels * sizeof *w.mean);
        w.states = calloc((size_t)labels * (e.units ? e.units : 1), sizeof *w.states);
        w.free_energy = malloc((size_t)labels * sizeof *w.free_energy);
        if (!w.row || !w.state || !w.score || !w.prob || !w.mean || !w.states ||
            !w.free_energy)
            rc = ebm_fail(err, EBM_ENOMEM, "classify: out of memory");
    }
    double accuracy = 0.0, loglik = 0.0;
    if (!rc) rc = classify_rows(ev, &e, (size_t)labels, &w, &accuracy, &loglik, err);
    if (!rc) rc = ebm_log_metric(ev->log, "accuracy", accuracy, err);
    if (!rc) rc = ebm_log_metric(ev->log, "loglik", loglik, err);
    free(w.row);
    free(w.state);
    free(w.score);
    free(w.prob);
    free(w.mean);
    free(w.states);
    free(w.free_energy);
    free(w.all_scores);
    ebm_enum_free(&e);
    return rc;
}

const ebm_estimator_ops ebm_estimator_classify = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "classify",
             .help = "accuracy of argmax_c P(c | v) and mean log P(true c | v), "
                     "exact over the hidden units, sampled, or (dbm) mean-field "
                     "(label units one-hot)",
             .params = classify_params},
    .xEvaluate = classify_evaluate,
    .needs = EBM_CAP_BINARY,
};
