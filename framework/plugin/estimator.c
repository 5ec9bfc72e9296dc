/* estimator.c — whether an estimator can measure a model (what its ops
 * declare it needs, a model type and capabilities, against what the model
 * has), and its progress reports. */
#include "estimator.h"

#include <stdio.h>
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
