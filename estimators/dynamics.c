/* est_dynamics.c — helpers shared by the retrieval, fixed_points and
 * energy_gap estimators (see est_dynamics.h). */
#include "dynamics.h"

#include <stdio.h>

int ebm_est_needs_dynamics(const char *estimator, const ebm_model_ops *model,
                           char *why, size_t why_size) {
    if (ebm_model_has_dynamics(model) && ebm_model_has_coding(model)) return 1;
    snprintf(why, why_size,
             "%s needs a model with zero-temperature dynamics on +-1 states "
             "(xEvolve and xEncode); model %s has %s", estimator,
             model->info.name,
             !ebm_model_has_dynamics(model) && !ebm_model_has_coding(model) ? "neither"
             : !ebm_model_has_dynamics(model) ? "no xEvolve"
                                              : "no xEncode");
    return 0;
}

int ebm_est_patterns(const ebm_eval *ev, const char *estimator,
                     long long patterns, size_t *units, size_t *tested,
                     ebm_error *err) {
    size_t n = ev->ops->xUnits(ev->model);
    if (!ev->data || ev->data->n == 0)
        return ebm_fail(err, EBM_EDATA, "%s: the split holds no patterns to test",
                        estimator);
    if (ev->data->dim != n)
        return ebm_fail(err, EBM_EDATA,
                        "%s: data rows have %zu values but the model has %zu units",
                        estimator, ev->data->dim, n);
    *units = n;
    *tested = patterns <= 0 || (size_t)patterns > ev->data->n ? ev->data->n
                                                             : (size_t)patterns;
    return EBM_OK;
}

void ebm_est_corrupt(const float *src, float *dst, size_t n, double flip,
                     ebm_rng *rng) {
    for (size_t i = 0; i < n; i++)
        dst[i] = ebm_rng_bernoulli(rng, flip) ? -src[i] : src[i];
}

int ebm_est_stopped(const ebm_eval *ev) { return ev->stop && *ev->stop; }
