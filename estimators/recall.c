/* recall.c — the recall estimator: queries made from stored patterns (a
 * masked part, or flipped units) are updated by the model's dynamics, and a
 * query counts as recalled when the stored pattern nearest to the result is
 * the one it came from. It works on any model with dynamics and a coding of
 * data rows, so the classic, dense and modern networks are measured alike. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dynamics.h"
#include "gemm.h"
#include "plugins.h"

static const ebm_param recall_params[] = {
    {.name = "query", .type = EBM_P_ENUM, .def = "mask", .choices = "mask|flip",
     .help = "mask: the last `mask` fraction of the units set to 0 (for images: the "
             "lower part); flip: each unit's sign flipped with probability `flip`"},
    {.name = "mask", .type = EBM_P_FLOAT, .def = "0.5", .range = "[0, 1]",
     .help = "query mask: the fraction of units, from the end, set to 0"},
    {.name = "flip", .type = EBM_P_FLOAT, .def = "0.1", .range = "[0, 1]",
     .help = "query flip: probability each unit's sign is flipped"},
    {.name = "patterns", .type = EBM_P_INT, .def = "100", .range = "[0, inf)",
     .help = "queries from the first this many patterns of the split (0 = all)"},
    {.name = "steps", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "updates (sweeps of the dynamics) applied to each query"},
    {.name = "mode", .type = EBM_P_ENUM, .def = "sync", .choices = "random|fixed|sync",
     .help = "binary networks: asynchronous in random or fixed order, or synchronous"},
    {.name = "images", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "log this many (pattern, query, recalled) triples as images"},
    EBM_PARAM_END};

enum { BLOCK = 256 };   /* queries updated and compared at once */

typedef struct recall_setup {
    int mask;             /* query: mask, else flip */
    size_t masked;        /* units set to 0 from the end */
    double flip;
    int steps;
    ebm_evolve_mode mode;
} recall_setup;

static ebm_evolve_mode mode_from_name(const char *name) {
    if (strcmp(name, "fixed") == 0) return EBM_EVOLVE_FIXED;
    if (strcmp(name, "random") == 0) return EBM_EVOLVE_RANDOM;
    return EBM_EVOLVE_SYNC;
}

/* Updates `rows` queries in place: the model's batched update when it has
 * one (sweeps of a modern network are whole-state updates anyway), else its
 * dynamics query by query, each with its own stream. */
static int update_queries(const ebm_eval *ev, const recall_setup *rs, float *q,
                          float *spare, size_t rows, size_t first, ebm_error *err) {
    size_t n = ev->ops->xUnits(ev->model);
    ebm_hopfield_update_fn batch =
        (ebm_hopfield_update_fn)ebm_model_find_feature(ev->ops, "hopfield_update");
    if (batch) {
        for (int s = 0; s < rs->steps; s++) {
            int rc = batch(ev->model, q, rows, spare, err);
            if (rc) return rc;
            memcpy(q, spare, rows * n * sizeof *q);
        }
        return EBM_OK;
    }
    ebm_evolve how = {.mode = rs->mode, .max_sweeps = rs->steps};
    for (size_t r = 0; r < rows; r++) {
        ebm_rng rng;
        ebm_rng_derive(&rng, ev->rng, 1000000 + first + r);
        ebm_evolve_result res;
        int rc = ebm_model_evolve(ev->ops, ev->model, q + r * n, &how, &rng, &res);
        if (rc)
            return ebm_fail(err, rc, "recall: evolving query %zu: %s", first + r,
                            ebm_strerror(rc));
    }
    return EBM_OK;
}

/* For each of `rows` states, the index of the nearest of the k stored
 * patterns (squared distance ‖ξ‖² − 2 ξ·y, ties to the first). */
static void nearest(const float *stored, const float *sq, size_t k, size_t n,
                    const float *y, size_t rows, float *dots, size_t *best) {
    ebm_sgemm(0, 1, rows, k, n, 1.0f, y, n, stored, n, 0.0f, dots, k);
    for (size_t r = 0; r < rows; r++) {
        const float *d = dots + r * k;
        size_t arg = 0;
        float low = INFINITY;
        for (size_t mu = 0; mu < k; mu++) {
            float dist = sq[mu] - 2.0f * d[mu];
            if (dist < low) {
                low = dist;
                arg = mu;
            }
        }
        best[r] = arg;
    }
}

static int recall_evaluate(const ebm_eval *ev, ebm_error *err) {
    recall_setup rs = {
        .mask = strcmp(ebm_cfg_str(ev->cfg, "query", "mask"), "mask") == 0,
        .flip = ebm_cfg_double(ev->cfg, "flip", 0.1),
        .steps = (int)ebm_cfg_int(ev->cfg, "steps", 1),
        .mode = mode_from_name(ebm_cfg_str(ev->cfg, "mode", "sync")),
    };
    long long images = ebm_cfg_int(ev->cfg, "images", 0);
    size_t n, tested;
    int rc = ebm_est_patterns(ev, "recall", ebm_cfg_int(ev->cfg, "patterns", 100), &n,
                              &tested, err);
    if (rc) return rc;
    rs.masked = (size_t)floor(ebm_cfg_double(ev->cfg, "mask", 0.5) * (double)n + 0.5);
    size_t k = ev->data->n;
    size_t n_images = images > 0 && (size_t)images < tested ? (size_t)images
                      : images > 0                          ? tested : 0;
    float *stored = malloc(k * n * sizeof *stored), *sq = malloc(k * sizeof *sq);
    float *q = malloc(BLOCK * n * sizeof *q), *spare = malloc(BLOCK * n * sizeof *spare);
    float *dots = malloc(BLOCK * k * sizeof *dots), *row = malloc(n * sizeof *row);
    float *shown = n_images ? malloc(3 * n_images * n * sizeof *shown) : NULL;
    size_t *best = malloc(BLOCK * sizeof *best);
    if (!stored || !sq || !q || !spare || !dots || !row || (n_images && !shown) || !best) {
        rc = ebm_fail(err, EBM_ENOMEM, "recall: out of memory for %zu patterns", k);
        goto out;
    }
    for (size_t mu = 0; mu < k; mu++) {
        float *xi = stored + mu * n;
        ebm_model_encode(ev->ops, ev->model, ev->data->x + mu * n, n, xi);
        double s = 0.0;
        for (size_t i = 0; i < n; i++) s += (double)xi[i] * xi[i];
        sq[mu] = (float)s;
    }
    double correct = 0.0, error = 0.0;
    for (size_t first = 0; first < tested; first += BLOCK) {
        if (ebm_est_stopped(ev)) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "recall: interrupted");
            goto out;
        }
        size_t rows = tested - first < BLOCK ? tested - first : BLOCK;
        for (size_t r = 0; r < rows; r++) {
            const float *xi = stored + (first + r) * n;
            float *y = q + r * n;
            if (rs.mask) {
                memcpy(y, xi, n * sizeof *y);
                for (size_t i = n - rs.masked; i < n; i++) y[i] = 0.0f;
            } else {
                ebm_rng rng;
                ebm_rng_derive(&rng, ev->rng, first + r);
                ebm_est_corrupt(xi, y, n, rs.flip, &rng);
            }
            if (first + r < n_images) {
                float *shown_row = shown + 3 * (first + r) * n;
                ebm_model_decode(ev->ops, ev->model, xi, n, shown_row);
                ebm_model_decode(ev->ops, ev->model, y, n, shown_row + n);
            }
        }
        if ((rc = update_queries(ev, &rs, q, spare, rows, first, err))) goto out;
        nearest(stored, sq, k, n, q, rows, dots, best);
        for (size_t r = 0; r < rows; r++) {
            size_t p = first + r;
            correct += best[r] == p;
            ebm_model_decode(ev->ops, ev->model, q + r * n, n, row);
            double e = 0.0;
            for (size_t i = 0; i < n; i++) e += fabs((double)row[i] - ev->data->x[p * n + i]);
            error += e / (double)n;
            if (p < n_images) memcpy(shown + (3 * p + 2) * n, row, n * sizeof *row);
        }
        ebm_eval_progress(ev, first + rows, tested);
    }
    if ((rc = ebm_log_metric(ev->log, "correct", correct / (double)tested, err)) ||
        (rc = ebm_log_metric(ev->log, "error", error / (double)tested, err)))
        goto out;
    if (n_images)
        rc = ebm_log_images(ev->log, "recall", shown, 3 * n_images, n, ev->data->height,
                            ev->data->width, "pattern,query,recalled", err);
out:
    free(stored);
    free(sq);
    free(q);
    free(spare);
    free(dots);
    free(row);
    free(shown);
    free(best);
    return rc;
}

const ebm_estimator_ops ebm_estimator_recall = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "recall",
             .help = "queries from stored patterns (masked or flipped) updated by the "
                     "dynamics: fraction whose nearest stored pattern is the source, "
                     "mean absolute error per unit",
             .params = recall_params},
    .xEvaluate = recall_evaluate,
    .needs = EBM_CAP_DYNAMICS | EBM_CAP_CODING,
};
