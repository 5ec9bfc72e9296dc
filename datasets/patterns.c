/* patterns.c — the random_patterns dataset: independent binary patterns
 * (each unit 1 with probability p), the memories of Hopfield capacity tests. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "dataset.h"
#include "plugins.h"

static const ebm_param patterns_params[] = {
    {.name = "dim", .type = EBM_P_INT, .flags = EBM_PF_REQUIRED,
     .range = "[1, inf)", .help = "units per pattern"},
    {.name = "count", .type = EBM_P_INT, .flags = EBM_PF_OPTIONAL,
     .range = "[1, inf)", .help = "how many patterns (give this or load)"},
    {.name = "load", .type = EBM_P_FLOAT, .flags = EBM_PF_OPTIONAL,
     .range = "(0, inf)",
     .help = "patterns per unit: count = round(load * dim) (give this or count)"},
    {.name = "p", .type = EBM_P_FLOAT, .def = "0.5", .range = "[0, 1]",
     .help = "probability that a unit of a pattern is 1"},
    EBM_PARAM_END};

/* How many patterns of how many units: the checks of the load, shared with
 * the shape. */
static int patterns_shape(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err) {
    int has_count = ebm_node_at(cfg, "count") != NULL;
    int has_load = ebm_node_at(cfg, "load") != NULL;
    if (has_count == has_load)
        return ebm_fail(err, EBM_ECONFIG,
                        "%s: data: random_patterns needs exactly one of "
                        "count (number of patterns) and load (patterns per "
                        "unit); %s", ebm_where_of(cfg->mark).text,
                        has_count ? "both are given" : "neither is given");
    int64_t dim = ebm_cfg_int(cfg, "dim", 0);
    if (dim < 1)
        return ebm_fail(err, EBM_ECONFIG, "%s: data.dim: must be >= 1",
                        ebm_where_of(cfg->mark).text);
    double count_real = has_count ? (double)ebm_cfg_int(cfg, "count", 0)
                                  : round(ebm_cfg_double(cfg, "load", 0) * (double)dim);
    if (!(count_real >= 1))
        return ebm_fail(err, EBM_ECONFIG,
                        "%s: data.load: load x dim = %g x %lld rounds to "
                        "no pattern", ebm_where_of(cfg->mark).text,
                        ebm_cfg_double(cfg, "load", 0), (long long)dim);
    if (count_real * (double)dim > (double)(SIZE_MAX / sizeof(float)) / 4 ||
        count_real * (double)dim > 4e9)
        return ebm_fail(err, EBM_ELIMIT,
                        "data: %.0f patterns of %lld units are too many",
                        count_real, (long long)dim);
    *out = (ebm_data_shape){.n = (size_t)count_real, .dim = (size_t)dim};
    return EBM_OK;
}

static int patterns_load(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                         ebm_error *err) {
    ebm_data_shape shape;
    int rc = patterns_shape(cfg, &shape, err);
    if (rc) return rc;
    size_t n = shape.n, d = shape.dim;
    double p = ebm_cfg_double(cfg, "p", 0.5);
    float *x = malloc(n * d * sizeof *x);
    if (!x)
        return ebm_fail(err, EBM_ENOMEM, "data: out of memory for %zu patterns "
                        "of %zu units", n, d);
    for (size_t k = 0; k < n * d; k++) x[k] = ebm_rng_bernoulli(rng, p) ? 1.0f : 0.0f;
    *out = (ebm_dataset){.n = n, .dim = d, .x = x};
    return EBM_OK;
}

const ebm_dataset_ops ebm_dataset_random_patterns = {
    .info = {.version = EBM_DATASET_OPS_VERSION,
             .name = "random_patterns",
             .help = "independent random binary patterns (unit = 1 with "
                     "probability p), by count or by load = count / dim",
             .params = patterns_params},
    .xLoad = patterns_load,
    .xShape = patterns_shape,
};
