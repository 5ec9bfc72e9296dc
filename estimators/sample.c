/* sample.c — the sample estimator: runs a sampler on fresh chains of the
 * model and logs what the chains end in (energy per unit, the best chain,
 * magnetisation, acceptance) and, optionally, some final states as samples. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimator.h"
#include "catalog.h"
#include "condsample.h"
#include "sampler.h"
#include "plugins.h"

static const ebm_param sample_params[] = {
    {.name = "sampler", .type = EBM_P_PLUGIN, .kind = EBM_KIND_SAMPLER,
     .flags = EBM_PF_REQUIRED,
     .help = "the sampler and its settings, e.g. {type: gibbs, sweeps: 100}"},
    {.name = "chains", .type = EBM_P_INT, .def = "10", .range = "[1, inf)",
     .flags = EBM_PF_STATES,
     .help = "independent chains, each from a uniform random state (a model "
             "with real-valued units: from the split's rows, or its noise)"},
    {.name = "images", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "how many final states to log as samples (/samples/<step>)"},
    EBM_PARAM_END};

/* Scratch for one evaluation, freed in one place. */
typedef struct sample_run {
    float *x, *low, *high, *image;
} sample_run;

static void sample_run_free(sample_run *r) {
    free(r->x);
    free(r->low);
    free(r->high);
    free(r->image);
}

/* A unit on the ±1 scale: low → −1, high → +1. */
static double spin(const sample_run *r, size_t i, float v) {
    double span = (double)r->high[i] - r->low[i];
    return span != 0 ? 2.0 * (v - r->low[i]) / span - 1.0 : 0.0;
}

/* Samples are shown in the data's units: rows of a model of standardised
 * data (data.standardize) are mapped back with the training rows' statistics. */
static void in_data_units(const ebm_eval *ev, float *rows, size_t n, size_t dim) {
    if (ev->train && ev->train->dim == dim) ebm_dataset_unstandardize(ev->train, rows, n);
}

static int log_images(const ebm_eval *ev, const sample_run *r, size_t n,
                      size_t units, ebm_error *err) {
    const ebm_dataset *d = ev->data;
    size_t pixels = (size_t)d->height * (size_t)d->width;
    if (ebm_model_has_coding(ev->ops) &&
        ebm_model_row_length(ev->ops, ev->model, d->dim) == d->dim) {
        /* Layered models: the visible part as a data row, drawn in the data's
         * shape (label columns, if any, left out). */
        for (size_t k = 0; k < n; k++)
            ebm_model_decode(ev->ops, ev->model, r->x + k * units, d->dim,
                             r->image + k * d->dim);
        in_data_units(ev, r->image, n, d->dim);
        if (pixels == 0 || pixels > d->dim) pixels = d->dim;
        for (size_t k = 1; k < n && pixels < d->dim; k++)
            memmove(r->image + k * pixels, r->image + k * d->dim, pixels * sizeof *r->image);
        return ebm_log_images(ev->log, NULL, r->image, n, pixels,
                              pixels == d->dim - d->label_columns ? d->height : 0,
                              pixels == d->dim - d->label_columns ? d->width : 0, NULL, err);
    }
    int height = d->height, width = d->width;
    if (pixels != units) {
        size_t side = (size_t)llround(sqrt((double)units));
        height = width = side * side == units ? (int)side : 0;
    }
    /* Images are in [0, 1]: low → 0, high → 1. */
    for (size_t k = 0; k < n * units; k++)
        r->image[k] = r->low ? (float)(0.5 * (spin(r, k % units, r->x[k]) + 1.0))
                             : r->x[k];
    if (!r->low) in_data_units(ev, r->image, n, units);
    return ebm_log_images(ev->log, NULL, r->image, n, units, height, width, NULL, err);
}

static int sample_evaluate(const ebm_eval *ev, ebm_error *err) {
    const ebm_node *sampler_cfg = ebm_node_child(ev->cfg, "sampler");
    const char *type = ebm_cfg_str(sampler_cfg, "type", "");
    const ebm_sampler_ops *sampler =
        ebm_sampler_find(type);
    if (!sampler) return ebm_fail(err, EBM_ECONFIG, "sample: unknown sampler '%s'", type);
    char why[512];
    if (sampler->xSupports && !sampler->xSupports(ev->ops, why, sizeof why))
        return ebm_fail(err, EBM_ENOTSUP, "sample: %s", why);

    size_t n = (size_t)ebm_cfg_int(ev->cfg, "chains", 10);
    size_t units = ev->ops->xUnits(ev->model);
    size_t n_images = (size_t)ebm_cfg_int(ev->cfg, "images", 0);
    if (n_images > n) n_images = n;
    if (units == 0) return ebm_fail(err, EBM_EINVAL, "sample: the model has no units");
    if (n > ((size_t)1 << 40) / units)
        return ebm_fail(err, EBM_ELIMIT, "sample: %zu chains of %zu units are too many",
                        n, units);
    sample_run r = {0};
    r.x = malloc(n * units * sizeof *r.x);
    r.image = malloc((n_images ? n_images : 1) * units * sizeof *r.image);
    if (ebm_model_has_binary(ev->ops)) {
        r.low = malloc(units * sizeof *r.low);
        r.high = malloc(units * sizeof *r.high);
    }
    int rc = EBM_OK;
    if (!r.x || !r.image || (ebm_model_has_binary(ev->ops) && (!r.low || !r.high)))
        rc = ebm_fail(err, EBM_ENOMEM, "sample: out of memory for %zu chains", n);
    if (!rc && r.low) ebm_model_unit_values(ev->ops, ev->model, r.low, r.high);
    /* Fresh chains as ebm sample starts them: the split's rows serve a
     * model with real-valued units. */
    if (!rc) rc = ebm_chains_start(ev->ops, ev->model, ev->data, n, units, ev->rng, r.x, err);
    if (rc == EBM_ENOTSUP) ebm_error_prefix(err, "sample");

    /* The sampler logs under "<prefix>_<sampler>" (annealing's schedule:
     * sample_annealing_energy) so its traces never collide with the metrics. */
    const char *prefix = ebm_cfg_str(ev->cfg, "name", ebm_cfg_str(ev->cfg, "type", "sample"));
    const char *est_type = ebm_cfg_str(ev->cfg, "type", "sample");
    const char *split = ebm_cfg_str(ev->cfg, "split", "train");
    char sampler_prefix[256];
    snprintf(sampler_prefix, sizeof sampler_prefix, "%s_%s", prefix, type);
    ebm_sampler_stats stats = {0};
    if (!rc) {
        ebm_rng sampler_rng;
        ebm_rng_named(&sampler_rng, ev->rng, "sampler");
        ebm_chains chains = {.n = n, .units = units, .x = r.x};
        ebm_sample_ctx ctx = {.ops = ev->ops, .model = ev->model, .cfg = sampler_cfg,
                              .rng = &sampler_rng, .log = ev->log, .stop = ev->stop};
        ebm_log_begin(ev->log, ev->step, sampler_prefix, est_type, split);
        rc = sampler->xRun(&ctx, &chains, 0, &stats, err);
        ebm_log_begin(ev->log, ev->step, prefix, est_type, split);
        if (rc) ebm_error_prefix(err, "sample: sampler %s", type);
    }

    if (!rc) {
        /* A magnetisation needs every unit to be a spin: not a Gaussian
         * RBM's real-valued visible units. */
        int spins = r.low && ebm_model_all_binary(ev->ops, ev->model);
        double energy_sum = 0.0, best = INFINITY, magnet_sum = 0.0;
        for (size_t c = 0; c < n; c++) {
            const float *x = r.x + c * units;
            double e = ev->ops->xEnergy(ev->model, x) / (double)units;
            energy_sum += e;
            if (e < best) best = e;
            if (spins) {
                double m = 0.0;
                for (size_t i = 0; i < units; i++) m += spin(&r, i, x[i]);
                magnet_sum += fabs(m) / (double)units;
            }
        }
        rc = ebm_log_metric(ev->log, "energy", energy_sum / (double)n, err);
        if (!rc) rc = ebm_log_metric(ev->log, "best_energy", best, err);
        if (!rc && spins)
            rc = ebm_log_metric(ev->log, "magnetisation", magnet_sum / (double)n, err);
        if (!rc && stats.proposed > 0)
            rc = ebm_log_metric(ev->log, "acceptance",
                                (double)stats.accepted / (double)stats.proposed, err);
        if (!rc && n_images) rc = log_images(ev, &r, n_images, units, err);
    }
    sample_run_free(&r);
    return rc;
}

const ebm_estimator_ops ebm_estimator_sample = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "sample",
             .help = "run a sampler on fresh chains; log the final states' mean "
                     "and best energy per unit, |magnetisation| and acceptance",
             .params = sample_params},
    .xEvaluate = sample_evaluate,
};
