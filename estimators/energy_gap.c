/* energy_gap.c — the energy_gap estimator: how far below their
 * neighbours (corrupted, briefly evolved copies) the stored patterns sit. */
#include <stdlib.h>

#include "dynamics.h"
#include "plugins.h"

static const ebm_param energy_gap_params[] = {
    {.name = "flip", .type = EBM_P_FLOAT, .def = "0.1", .range = "[0, 1]",
     .help = "probability each unit of a neighbour's start is flipped"},
    {.name = "evolve_steps", .type = EBM_P_INT, .def = "1", .range = "[0, inf)",
     .help = "asynchronous sweeps from the corrupted start to the neighbour"},
    {.name = "patterns", .type = EBM_P_INT, .def = "100", .range = "[0, inf)",
     .help = "test the first this many patterns of the split (0 = all)"},
    EBM_PARAM_END};

/* Mean over patterns of (E(ξ') − E(ξ)) / N, ξ' reached as the gradient
 * rule reaches its negatives; positive = patterns lie below their
 * neighbourhood. */
static int energy_gap_evaluate(const ebm_eval *ev, ebm_error *err) {
    double flip = ebm_cfg_double(ev->cfg, "flip", 0.1);
    ebm_evolve how = {.mode = EBM_EVOLVE_RANDOM,
                      .max_sweeps = (int)ebm_cfg_int(ev->cfg, "evolve_steps", 1)};
    size_t n, tested;
    int rc = ebm_est_patterns(ev, "energy_gap",
                              ebm_cfg_int(ev->cfg, "patterns", 100), &n, &tested, err);
    if (rc) return rc;
    float *xi = malloc(n * sizeof *xi), *y = malloc(n * sizeof *y);
    if (!xi || !y) {
        free(xi);
        free(y);
        return ebm_fail(err, EBM_ENOMEM, "energy_gap: out of memory");
    }
    double gap = 0.0;
    for (size_t p = 0; p < tested && rc == EBM_OK; p++) {
        if (ebm_est_stopped(ev)) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "energy_gap: interrupted");
            break;
        }
        ebm_rng rng;
        ebm_rng_derive(&rng, ev->rng, p);
        ebm_model_encode(ev->ops, ev->model, ev->data->x + p * n, n, xi);
        ebm_est_corrupt(xi, y, n, flip, &rng);
        ebm_evolve_result res;
        rc = ebm_model_evolve(ev->ops, ev->model, y, &how, &rng, &res);
        if (rc)
            rc = ebm_fail(err, rc, "energy_gap: evolving pattern %zu: %s", p,
                          ebm_strerror(rc));
        else
            gap += (ev->ops->xEnergy(ev->model, y) - ev->ops->xEnergy(ev->model, xi)) /
                   (double)n;
    }
    free(xi);
    free(y);
    if (rc) return rc;
    return ebm_log_metric(ev->log, NULL, gap / (double)tested, err);
}

const ebm_estimator_ops ebm_estimator_energy_gap = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "energy_gap",
             .help = "mean (E(neighbour) - E(pattern)) / N over stored patterns; "
                     "positive when patterns sit in energy minima",
             .params = energy_gap_params},
    .xEvaluate = energy_gap_evaluate,
    .needs = EBM_CAP_DYNAMICS | EBM_CAP_CODING,
};
