/* fixed_points.c — the fixed_points estimator: the fraction of stored
 * patterns that are strict fixed points (every single flip raises E). */
#include <stdio.h>
#include <stdlib.h>

#include "dynamics.h"
#include "plugins.h"

static const ebm_param fixed_points_params[] = {
    {.name = "patterns", .type = EBM_P_INT, .def = "100", .range = "[0, inf)",
     .help = "test the first this many patterns of the split (0 = all)"},
    EBM_PARAM_END};

/* Strict stability: every single-unit flip must raise the energy. The
 * dynamics keep a unit whose field is exactly 0, so with W = 0 (the start of
 * gradient training) every state is a fixed point of the dynamics; counting
 * those would make the curve start at 1 and say nothing. */
static int fixed_points_evaluate(const ebm_eval *ev, ebm_error *err) {
    size_t n, tested;
    int rc = ebm_est_patterns(ev, "fixed_points",
                              ebm_cfg_int(ev->cfg, "patterns", 100), &n, &tested, err);
    if (rc) return rc;
    float *y = malloc(n * sizeof *y);
    double *delta = malloc(n * sizeof *delta);
    if (!y || !delta) {
        free(y);
        free(delta);
        return ebm_fail(err, EBM_ENOMEM, "fixed_points: out of memory");
    }
    double fixed = 0.0, energy = 0.0;
    for (size_t p = 0; p < tested; p++) {
        if (ebm_est_stopped(ev)) {
            free(y);
            free(delta);
            return ebm_fail(err, EBM_EINTERRUPT, "fixed_points: interrupted");
        }
        ebm_model_encode(ev->ops, ev->model, ev->data->x + p * n, n, y);
        energy += ev->ops->xEnergy(ev->model, y) / (double)n;
        ebm_model_flip_energies(ev->ops, ev->model, y, delta);
        size_t i = 0;
        while (i < n && delta[i] > 0.0) i++;
        fixed += i == n;
    }
    free(y);
    free(delta);
    if ((rc = ebm_log_metric(ev->log, NULL, fixed / (double)tested, err)))
        return rc;
    return ebm_log_metric(ev->log, "energy", energy / (double)tested, err);
}

const ebm_estimator_ops ebm_estimator_fixed_points = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "fixed_points",
             .help = "fraction of stored patterns that are strict fixed points "
                     "(every single flip raises E), and their mean energy per unit",
             .params = fixed_points_params},
    .xEvaluate = fixed_points_evaluate,
    .needs = EBM_CAP_FLIPS | EBM_CAP_CODING,
};
