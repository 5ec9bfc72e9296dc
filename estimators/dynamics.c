/* dynamics.c — helpers shared by the retrieval, fixed_points and
 * energy_gap estimators (see dynamics.h). */
#include "dynamics.h"

#include <stdio.h>

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
