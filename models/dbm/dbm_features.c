/* dbm_features.c — the `dbm_features` estimator: the mean-field posterior
 * means of the DBM's top hidden layer for the rows of the split, written to
 * the run file as /images/<name>_features/<step> (float32 [rows, units],
 * height 1, layout "features") for downstream use (classifiers, plots), and
 * their mean activation as a metric. Features come from v alone: with label
 * units, the labels are not clamped but inferred with the hidden layers (a
 * categorical q(y) in the mean field). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbm.h"
#include "estimator.h"
#include "plugins.h"

extern const ebm_model_ops ebm_model_dbm;

static const ebm_param features_params[] = {
    {.name = "rows", .type = EBM_P_INT, .def = "1000", .range = "[0, inf)",
     .help = "features of the first this many rows of the split (0 = all)"},
    {.name = "layer", .type = EBM_P_INT, .def = "0", .range = "[0, 8]",
     .help = "hidden layer whose means are written (0 = the top one)"},
    EBM_PARAM_END};

static int features_evaluate(const ebm_eval *ev, ebm_error *err) {
    ebm_dbm *m = ev->model;
    const ebm_dataset *d = ev->data;
    int layer = (int)ebm_cfg_int(ev->cfg, "layer", 0);
    if (layer == 0) layer = m->n_hidden_layers;
    if (layer > m->n_hidden_layers)
        return ebm_fail(err, EBM_ECONFIG, "dbm_features: layer %d; the dbm has %d hidden "
                        "layers", layer, m->n_hidden_layers);
    if (!d || d->n == 0) return ebm_fail(err, EBM_EDATA, "dbm_features: the split has no rows");
    if (d->dim != m->size[0] + m->n_labels)
        return ebm_fail(err, EBM_EDATA, "dbm_features: data rows have %zu values, the dbm "
                        "%zu visible and %zu label units", d->dim, m->size[0], m->n_labels);
    ebm_dbm_mean_field how = m->mean_field;
    how.free_labels = 1;
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 1000);
    if (rows == 0 || rows > d->n) rows = d->n;
    size_t width = m->size[layer];
    enum { ROWS_PER_BLOCK = 1000 };
    size_t block = rows < ROWS_PER_BLOCK ? rows : ROWS_PER_BLOCK;
    float *states = calloc(block * m->units, sizeof *states);
    float *means = malloc(block * m->units * sizeof *means);
    float *features = malloc(rows * width * sizeof *features);
    int rc = states && means && features
                 ? EBM_OK
                 : ebm_fail(err, EBM_ENOMEM, "dbm_features: %zu x %zu features", rows, width);
    double total = 0;
    for (size_t start = 0; !rc && start < rows; start += block) {
        size_t n = rows - start < block ? rows - start : block;
        /* Grey levels (stochastic binarisation) go in as they are: the mean
         * field takes expectations, not samples. */
        for (size_t r = 0; r < n; r++)
            memcpy(states + r * m->units, d->x + (start + r) * d->dim,
                   m->size[0] * sizeof *states);
        rc = ebm_dbm_infer(m, states, n, &how, means, NULL, NULL, err);
        for (size_t r = 0; !rc && r < n; r++) {
            const float *mu = means + r * m->units + m->offset[layer];
            memcpy(features + (start + r) * width, mu, width * sizeof *features);
            for (size_t i = 0; i < width; i++) total += mu[i];
        }
    }
    if (!rc)
        rc = ebm_log_images(ev->log, "features", features, rows, width, 1, (int)width,
                            "features", err);
    if (!rc) rc = ebm_log_metric(ev->log, "mean", total / (double)(rows * width), err);
    free(states);
    free(means);
    free(features);
    return rc;
}

const ebm_estimator_ops ebm_estimator_dbm_features = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "dbm_features",
             .help = "mean-field means of a DBM hidden layer (default the top) for the "
                     "split's rows, written as /images/<name>_features/<step> "
                     "[rows, units] (height 1, layout features)",
             .params = features_params},
    .xEvaluate = features_evaluate,
    .model_type = "dbm",
};
