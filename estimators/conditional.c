/* conditional.c — the conditional estimator: for each class c, clamps
 * the label units to one-hot c, draws independent samples by a sampler and
 * logs the fraction whose visible part is a training row of class c (exact
 * for toy datasets that list every pattern of a class), plus sample images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "condsample.h"
#include "catalog.h"
#include "estimator.h"
#include "sampler.h"
#include "plugins.h"

static const ebm_param conditional_params[] = {
    {.name = "labels", .type = EBM_P_INT, .flags = EBM_PF_REQUIRED, .range = "[1, inf)",
     .help = "how many trailing data columns are one-hot label units"},
    {.name = "samples", .type = EBM_P_INT, .def = "100", .range = "[1, inf)",
     .help = "independent chains per class, each from a uniform random state"},
    {.name = "burn_in", .type = EBM_P_INT, .def = "1000", .range = "[0, inf)",
     .help = "Gibbs sweeps of each chain before its final state is the sample "
             "(ignored when sampler is given)"},
    {.name = "sampler", .type = EBM_P_PLUGIN, .kind = EBM_KIND_SAMPLER,
     .flags = EBM_PF_OPTIONAL,
     .help = "the sampler (default {type: gibbs, burn_in: <burn_in>, sweeps: 1})"},
    {.name = "images", .type = EBM_P_INT, .def = "8", .range = "[0, inf)",
     .help = "samples per class logged as images (/images/<name>_samples/<step>, "
             "one column per class)"},
    EBM_PARAM_END};

/* The configured sampler map, or {type: gibbs, burn_in: B, sweeps: 1}. */
static ebm_node *sampler_map(const ebm_eval *ev, ebm_error *err) {
    const ebm_node *given = ebm_node_child(ev->cfg, "sampler");
    if (given) return ebm_node_clone(given);
    char yaml[160];
    snprintf(yaml, sizeof yaml,
             "{type: gibbs, burn_in: %lld, sweeps: 1, thin: 1, scan: random, start: keep}",
             (long long)ebm_cfg_int(ev->cfg, "burn_in", 1000));
    return ebm_cfg_parse_string(yaml, strlen(yaml), "conditional.sampler", err);
}

/* Sample k of class c goes to row k·labels + c, so a grid of `labels`
 * columns shows one class per column (the layout names them). */
static int log_samples(const ebm_eval *ev, const float *images, size_t per_class,
                       size_t labels, size_t n_visible, ebm_error *err) {
    int height = ev->data->height, width = ev->data->width;
    if ((size_t)height * (size_t)width != n_visible) height = width = 0;
    char layout[1024];
    size_t used = 0;
    layout[0] = '\0';
    for (size_t c = 0; c < labels && used + 24 < sizeof layout; c++)
        used += (size_t)snprintf(layout + used, sizeof layout - used, "%slabel=%zu",
                                 c ? "," : "", c);
    return ebm_log_images(ev->log, "samples", images, per_class * labels, n_visible,
                          height, width, layout, err);
}

static int conditional_evaluate(const ebm_eval *ev, ebm_error *err) {
    size_t labels = (size_t)ebm_cfg_int(ev->cfg, "labels", 1);
    size_t n = (size_t)ebm_cfg_int(ev->cfg, "samples", 100);
    size_t per_image = (size_t)ebm_cfg_int(ev->cfg, "images", 8);
    if (per_image > n) per_image = n;
    const ebm_dataset *d = ev->data;
    size_t units = ev->ops->xUnits(ev->model);
    const unsigned char *mask = ebm_model_data_mask(ev->ops, ev->model);
    size_t n_data = units;
    if (mask) {
        n_data = 0;
        while (n_data < units && mask[n_data]) n_data++;
    }
    if (!d || d->n == 0)
        return ebm_fail(err, EBM_EDATA, "conditional: the split has no rows");
    if (d->dim != n_data || labels >= n_data)
        return ebm_fail(err, EBM_EDATA, "conditional: data rows have %zu columns and "
                        "the model %zu data units; labels is %zu (set "
                        "data.append_labels: true and model.labels)", d->dim, n_data,
                        labels);
    ebm_node *smp_cfg = sampler_map(ev, err);
    if (!smp_cfg) return err ? err->code : EBM_ECONFIG;
    const char *type = ebm_cfg_str(smp_cfg, "type", "");
    const ebm_sampler_ops *sampler =
        ebm_sampler_find(type);
    char why[512];
    int rc = EBM_OK;
    if (!sampler) rc = ebm_fail(err, EBM_ECONFIG, "conditional: unknown sampler '%s'", type);
    else if (sampler->xSupports && !sampler->xSupports(ev->ops, why, sizeof why))
        rc = ebm_fail(err, EBM_ENOTSUP, "conditional: %s", why);

    size_t n_visible = n_data - labels;
    float *rows = malloc(n * n_visible * sizeof *rows);
    float *images = malloc((per_image ? per_image : 1) * labels * n_visible * sizeof *images);
    if (!rc && (!rows || !images))
        rc = ebm_fail(err, EBM_ENOMEM, "conditional: out of memory for %zu samples", n);
    double match_sum = 0.0;
    for (size_t c = 0; !rc && c < labels; c++) {
        ebm_cond_draw how = {.ops = ev->ops, .model = ev->model, .sampler = sampler,
                             .sampler_cfg = smp_cfg, .n_data = n_data,
                             .n_labels = labels, .label = (int)c, .n = n,
                             .stop = ev->stop};
        ebm_rng class_rng;
        ebm_rng_derive(&class_rng, ev->rng, c);
        rc = ebm_cond_sample(&how, &class_rng, rows, err);
        if (rc) {
            ebm_error_prefix(err, "conditional: class %zu", c);
            break;
        }
        size_t hits = ebm_cond_count_matches(d, labels, (int)c, rows, n, n_visible);
        double match = (double)hits / (double)n;
        match_sum += match;
        char name[64];
        snprintf(name, sizeof name, "match_class%zu", c);
        rc = ebm_log_metric(ev->log, name, match, err);
        for (size_t k = 0; k < per_image; k++)
            memcpy(images + (k * labels + c) * n_visible, rows + k * n_visible,
                   n_visible * sizeof *images);
    }
    if (!rc) rc = ebm_log_metric(ev->log, "match", match_sum / (double)labels, err);
    if (!rc && per_image) rc = log_samples(ev, images, per_image, labels, n_visible, err);
    free(rows);
    free(images);
    ebm_node_free(smp_cfg);
    return rc;
}

const ebm_estimator_ops ebm_estimator_conditional = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "conditional",
             .help = "clamp each class's one-hot label units, sample the rest; log "
                     "the fraction of samples whose visible part is a training row "
                     "of that class, and sample images",
             .params = conditional_params},
    .xEvaluate = conditional_evaluate,
    .needs = EBM_CAP_BINARY,
};
