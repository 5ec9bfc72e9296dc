/* filters.c — the filters estimator: a weight matrix's columns (one
 * hidden unit's weights to every visible unit) drawn as images of the data's
 * shape, the picture Hinton's practical guide reads for dead or noisy units. */
#include <stdlib.h>
#include <string.h>

#include "estimator.h"
#include "plugins.h"

static const ebm_param filters_params[] = {
    {.name = "tensor", .type = EBM_P_STRING, .def = "W",
     .help = "the model parameter whose columns are drawn (visible x hidden)"},
    {.name = "count", .type = EBM_P_INT, .def = "64", .range = "[1, inf)",
     .help = "draw the first this many columns"},
    EBM_PARAM_END};

enum { MAX_TENSORS = 16 };

static int filters_evaluate(const ebm_eval *ev, ebm_error *err) {
    ebm_tensor params[MAX_TENSORS];
    int n = ev->ops->xParams(ev->model, params, MAX_TENSORS);
    const char *name = ebm_cfg_str(ev->cfg, "tensor", "W");
    const ebm_tensor *w = NULL;
    for (int t = 0; t < n; t++)
        if (strcmp(params[t].name, name) == 0) w = &params[t];
    if (!w) return ebm_fail(err, EBM_ECONFIG, "filters: model %s has no parameter %s",
                            ev->ops->info.name, name);
    const ebm_dataset *d = ev->data;
    if (w->rank != 2 || w->shape[0] != d->dim - d->label_columns)
        return ebm_fail(err, EBM_ECONFIG, "filters: %s is not a visible x hidden matrix "
                        "(its first dimension must be the %zu data columns)",
                        name, d->dim - d->label_columns);
    size_t visible = w->shape[0], columns = w->shape[1];
    size_t count = (size_t)ebm_cfg_int(ev->cfg, "count", 64);
    if (count > columns) count = columns;
    int height = d->height, width = d->width;
    if ((size_t)height * (size_t)width != visible) {
        height = 1;
        width = (int)visible;
    }
    float *images = malloc(count * visible * sizeof *images);
    if (!images) return ebm_fail(err, EBM_ENOMEM, "filters: %zu images", count);
    for (size_t j = 0; j < count; j++)
        for (size_t i = 0; i < visible; i++) images[j * visible + i] = w->data[i * columns + j];
    int rc = ebm_log_images(ev->log, name, images, count, visible, height, width,
                            NULL, err);
    free(images);
    return rc;
}

const ebm_estimator_ops ebm_estimator_filters = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "filters",
             .help = "draws the columns of a weight matrix (one per hidden unit) as "
                     "images of the data's shape",
             .params = filters_params},
    .xEvaluate = filters_evaluate,
};
