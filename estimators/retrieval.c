/* retrieval.c — the retrieval estimator: start the dynamics from
 * corrupted copies of stored patterns and measure how well they come back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dynamics.h"
#include "plugins.h"

static const ebm_param retrieval_params[] = {
    {.name = "flip", .type = EBM_P_FLOAT, .def = "0.1", .range = "[0, 1]",
     .help = "probability each unit of a start is flipped"},
    {.name = "patterns", .type = EBM_P_INT, .def = "100", .range = "[0, inf)",
     .help = "test the first this many patterns of the split (0 = all)"},
    {.name = "repeats", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "corrupted starts per pattern"},
    {.name = "mode", .type = EBM_P_ENUM, .def = "random",
     .choices = "random|fixed|sync",
     .help = "asynchronous in random or fixed order, or synchronous"},
    {.name = "max_sweeps", .type = EBM_P_INT, .def = "100", .range = "[1, inf)",
     .help = "stop the dynamics after this many sweeps"},
    {.name = "images", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "log this many (pattern, corrupted, recalled) triples as images"},
    EBM_PARAM_END};

static ebm_evolve_mode mode_from_name(const char *name) {
    if (strcmp(name, "fixed") == 0) return EBM_EVOLVE_FIXED;
    if (strcmp(name, "sync") == 0) return EBM_EVOLVE_SYNC;
    return EBM_EVOLVE_RANDOM;
}

/* A state as a data row, so images show the same {0,1} pixels as the data. */
static void decode(const ebm_eval *ev, const float *state, float *row) {
    ebm_model_decode(ev->ops, ev->model, state, ev->ops->xUnits(ev->model), row);
}

typedef struct tally {
    double overlap, recalled, sweeps, converged;
    double *energy;   /* max_sweeps + 1 sums of E/N */
} tally;

static int log_results(const ebm_eval *ev, const tally *t, size_t trials,
                       int max_sweeps, ebm_error *err) {
    double per = 1.0 / (double)trials;
    for (int s = 0; s <= max_sweeps; s++) t->energy[s] *= per;
    int rc;
    if ((rc = ebm_log_metric(ev->log, "overlap", t->overlap * per, err)) ||
        (rc = ebm_log_metric(ev->log, "recalled", t->recalled * per, err)) ||
        (rc = ebm_log_metric(ev->log, "sweeps", t->sweeps * per, err)) ||
        (rc = ebm_log_metric(ev->log, "converged", t->converged * per, err)))
        return rc;
    return ebm_log_trace(ev->log, "energy", t->energy, (size_t)max_sweeps + 1,
                         "sweep", err);
}

static int retrieval_evaluate(const ebm_eval *ev, ebm_error *err) {
    double flip = ebm_cfg_double(ev->cfg, "flip", 0.1);
    long long repeats = ebm_cfg_int(ev->cfg, "repeats", 1);
    int max_sweeps = (int)ebm_cfg_int(ev->cfg, "max_sweeps", 100);
    long long images = ebm_cfg_int(ev->cfg, "images", 0);
    ebm_evolve how = {.mode = mode_from_name(ebm_cfg_str(ev->cfg, "mode", "random")),
                      .max_sweeps = max_sweeps};
    size_t n, tested;
    int rc = ebm_est_patterns(ev, "retrieval", ebm_cfg_int(ev->cfg, "patterns", 100),
                              &n, &tested, err);
    if (rc) return rc;
    if (repeats < 1 || max_sweeps < 1)
        return ebm_fail(err, EBM_ECONFIG, "retrieval: repeats and max_sweeps must be >= 1");
    size_t trials = tested * (size_t)repeats;
    size_t n_images = images > 0 && (size_t)images < trials ? (size_t)images
                      : images > 0                          ? trials : 0;

    float *xi = malloc(n * sizeof *xi), *y = malloc(n * sizeof *y);
    float *shown = n_images ? malloc(3 * n_images * n * sizeof *shown) : NULL;
    double *trace = malloc(((size_t)max_sweeps + 1) * sizeof *trace);
    tally t = {.energy = calloc((size_t)max_sweeps + 1, sizeof *t.energy)};
    if (!xi || !y || (n_images && !shown) || !trace || !t.energy) {
        rc = ebm_fail(err, EBM_ENOMEM, "retrieval: out of memory");
        goto out;
    }
    how.energy_trace = trace;
    for (size_t trial = 0; trial < trials; trial++) {
        if (ebm_est_stopped(ev)) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "retrieval: interrupted");
            goto out;
        }
        /* Repeat-major order, so the first trials (the ones shown as images)
         * are of distinct patterns. */
        size_t pattern = trial % tested;
        ebm_rng rng;
        ebm_rng_derive(&rng, ev->rng, trial);
        ebm_model_encode(ev->ops, ev->model, ev->data->x + pattern * n, n, xi);
        ebm_est_corrupt(xi, y, n, flip, &rng);
        if (trial < n_images) {
            float *row = shown + 3 * trial * n;
            decode(ev, xi, row);
            decode(ev, y, row + n);
        }
        ebm_evolve_result res;
        rc = ebm_model_evolve(ev->ops, ev->model, y, &how, &rng, &res);
        if (rc) {
            rc = ebm_fail(err, rc, "retrieval: evolving pattern %zu: %s", pattern,
                          ebm_strerror(rc));
            goto out;
        }
        double dot = 0.0;
        int same = 1;
        for (size_t i = 0; i < n; i++) {
            dot += (double)xi[i] * y[i];
            same &= xi[i] == y[i];
        }
        t.overlap += fabs(dot) / (double)n;
        t.recalled += same;
        t.sweeps += res.sweeps;
        t.converged += res.outcome != EBM_EVOLVE_LIMIT;
        for (int s = 0; s <= max_sweeps; s++) t.energy[s] += trace[s] / (double)n;
        if (trial < n_images) {
            decode(ev, y, shown + (3 * trial + 2) * n);
        }
    }
    rc = log_results(ev, &t, trials, max_sweeps, err);
    if (!rc && n_images)
        rc = ebm_log_images(ev->log, "recall", shown, 3 * n_images, n,
                            ev->data->height, ev->data->width,
                            "pattern,corrupted,recalled", err);
out:
    free(xi);
    free(y);
    free(shown);
    free(trace);
    free(t.energy);
    return rc;
}

const ebm_estimator_ops ebm_estimator_retrieval = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "retrieval",
             .help = "recall of stored patterns from corrupted starts: overlap, "
                     "exact recalls, sweeps, convergence, energy per sweep",
             .params = retrieval_params},
    .xEvaluate = retrieval_evaluate,
    .needs = EBM_CAP_DYNAMICS | EBM_CAP_CODING,
};
