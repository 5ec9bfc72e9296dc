/* est_fixed_points.c — the fixed_points estimator: the fraction of stored
 * patterns that one sweep of the dynamics leaves unchanged. */
#include <stdlib.h>

#include "est_dynamics.h"

static const ebm_param fixed_points_params[] = {
    {.name = "patterns", .type = EBM_P_INT, .def = "100", .range = "[0, inf)",
     .help = "test the first this many patterns of the split (0 = all)"},
    EBM_PARAM_END};

/* One fixed-order sweep without a flip means every unit already agrees with
 * the sign of its field, so the pattern is fixed under any update order. */
static int fixed_points_evaluate(const ebm_eval *ev, ebm_error *err) {
    size_t n, tested;
    int rc = ebm_est_patterns(ev, "fixed_points",
                              ebm_cfg_int(ev->cfg, "patterns", 100), &n, &tested, err);
    if (rc) return rc;
    float *y = malloc(n * sizeof *y);
    if (!y) return ebm_fail(err, EBM_ENOMEM, "fixed_points: out of memory");
    ebm_evolve how = {.mode = EBM_EVOLVE_FIXED, .max_sweeps = 1};
    double fixed = 0.0, energy = 0.0;
    for (size_t p = 0; p < tested; p++) {
        if (ebm_est_stopped(ev)) {
            free(y);
            return ebm_fail(err, EBM_EINTERRUPT, "fixed_points: interrupted");
        }
        ev->ops->xEncode(ev->model, ev->data->x + p * n, y);
        energy += ev->ops->xEnergy(ev->model, y) / (double)n;
        ebm_rng rng;
        ebm_rng_derive(&rng, ev->rng, p);
        ebm_evolve_result res;
        rc = ev->ops->xEvolve(ev->model, y, &how, &rng, &res);
        if (rc) {
            free(y);
            return ebm_fail(err, rc, "fixed_points: evolving pattern %zu: %s", p,
                            ebm_strerror(rc));
        }
        fixed += res.outcome == EBM_EVOLVE_FIXED_POINT;
    }
    free(y);
    if ((rc = ebm_log_metric(ev->log, NULL, fixed / (double)tested, err)))
        return rc;
    return ebm_log_metric(ev->log, "energy", energy / (double)tested, err);
}

static int fixed_points_supports(const ebm_model_ops *model, char *why,
                                 size_t why_size) {
    return ebm_est_needs_dynamics("fixed_points", model, why, why_size);
}

const ebm_estimator_ops ebm_estimator_fixed_points = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "fixed_points",
             .help = "fraction of stored patterns that are fixed points of the "
                     "dynamics, and their mean energy per unit",
             .params = fixed_points_params},
    .xEvaluate = fixed_points_evaluate,
    .xSupports = fixed_points_supports,
};
