/* none.c — the `none` dataset, for models that ignore data (the ising
 * model's fixed couplings): a single row of one zero, since a run needs
 * some data to exist. */
#include <stdlib.h>

#include "dataset.h"
#include "plugins.h"

static const ebm_param none_params[] = {EBM_PARAM_END};

static int none_load(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                     ebm_error *err) {
    (void)cfg;
    (void)rng;
    float *x = calloc(1, sizeof *x);
    if (!x) return ebm_fail(err, EBM_ENOMEM, "data: out of memory");
    *out = (ebm_dataset){.n = 1, .dim = 1, .x = x};
    return EBM_OK;
}

static int none_shape(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err) {
    (void)cfg;
    (void)err;
    *out = (ebm_data_shape){.n = 1, .dim = 1};
    return EBM_OK;
}

const ebm_dataset_ops ebm_dataset_none = {
    .info = {.version = EBM_DATASET_OPS_VERSION,
             .name = "none",
             .help = "no data: one row holding a single 0, for models with "
                     "fixed parameters (ising)",
             .params = none_params},
    .xLoad = none_load,
    .xShape = none_shape,
};
