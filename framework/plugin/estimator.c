/* estimator.c — whether an estimator can measure a model (what its ops
 * declare it needs, a model type and capabilities, against what the model
 * has), its progress reports, and the rows a likelihood is measured on. */
#include "estimator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ebm_estimator_supports(const ebm_estimator_ops *e, const ebm_model_ops *ops, char *why,
                           size_t why_size) {
    if (e->model_type && strcmp(e->model_type, ops->info.name) != 0) {
        snprintf(why, why_size, "%s reads the internals of the %s model; %s is not one",
                 e->info.name, e->model_type, ops->info.name);
        return 0;
    }
    unsigned missing = e->needs & ~ebm_model_caps(ops);
    if (!missing) return 1;
    size_t used = (size_t)snprintf(why, why_size, "%s needs ", e->info.name);
    for (unsigned left = missing; left && used < why_size; left &= left - 1)
        used += (size_t)snprintf(why + used, why_size - used, "%s%s", ebm_model_cap_name(left),
                                 (left & (left - 1)) ? " and " : "");
    if (used < why_size)
        snprintf(why + used, why_size - used, ", which model %s lacks", ops->info.name);
    return 0;
}

void ebm_eval_progress(const ebm_eval *ev, uint64_t done, uint64_t total) {
    if (ev->progress) ev->progress(ev->progress_ctx, done, total);
}

const ebm_dataset *ebm_eval_binary_rows(const ebm_eval *ev, size_t rows, ebm_dataset *copy,
                                        ebm_error *err) {
    const ebm_dataset *d = ev->data;
    memset(copy, 0, sizeof *copy);
    if (!d->stochastic) return d;
    if (rows == 0 || rows > d->n) rows = d->n;
    *copy = *d;
    copy->n = rows;
    copy->labels = NULL;   /* the likelihood reads the rows; labels stay d's */
    copy->standard_shift = copy->standard_scale = copy->standard_spread = NULL;
    copy->stochastic = 0;
    copy->x = malloc((rows ? rows : 1) * d->dim * sizeof *copy->x);
    if (!copy->x) {
        memset(copy, 0, sizeof *copy);
        ebm_fail(err, EBM_ENOMEM, "%zu rows drawn binary", rows);
        return NULL;
    }
    memcpy(copy->x, d->x, rows * d->dim * sizeof *copy->x);
    ebm_rng draw;
    ebm_rng_named(&draw, ev->rng, "binarize");
    ebm_dataset_draw_rows(d, copy->x, rows, &draw);
    return copy;
}
