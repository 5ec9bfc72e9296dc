/* toys.c — small synthetic binary datasets that models can learn
 * exactly: bars-and-stripes (MacKay) and the shifter (Hinton & Sejnowski
 * 1986). Both list every distinct pattern, so the data entropy is known. */
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "plugins.h"

static int alloc_rows(ebm_dataset *out, size_t n, size_t dim, int n_classes,
                      ebm_error *err) {
    memset(out, 0, sizeof *out);
    out->x = calloc(n * dim, sizeof *out->x);
    out->labels = calloc(n, sizeof *out->labels);
    if (!out->x || !out->labels) {
        ebm_dataset_free(out);
        return ebm_fail(err, EBM_ENOMEM, "%zu rows of %zu", n, dim);
    }
    out->n = n;
    out->dim = dim;
    out->n_classes = n_classes;
    return EBM_OK;
}

/* ---- bars and stripes ---- */

static const ebm_param bars_params[] = {
    {.name = "side", .type = EBM_P_INT, .def = "3", .range = "[2, 8]",
     .help = "images are side x side"},
    {.name = "repeat", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "how many copies of the pattern list the data hold"},
    {.name = "duplicates", .type = EBM_P_BOOL, .def = "false",
     .help = "list the blank and the full image twice, as a bar and as a stripe "
             "(2*2^side images, the convention of Shark and Fischer & Igel)"},
    EBM_PARAM_END};

/* The rows bars_load makes, from the settings alone. */
static int bars_shape(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err) {
    (void)err;
    int side = (int)ebm_cfg_int(cfg, "side", 3);
    size_t distinct = 2 * ((size_t)1 << side) - (ebm_cfg_bool(cfg, "duplicates", 0) ? 0 : 2);
    *out = (ebm_data_shape){.n = distinct * (size_t)ebm_cfg_int(cfg, "repeat", 1),
                            .dim = (size_t)side * side, .n_classes = 2};
    return EBM_OK;
}

/* Every pattern whose rows are each all on or all off (stripes, label 1), or
 * whose columns are (bars, label 0): 2·2^side − 2 distinct images, the blank
 * and the full one listed once, as bars (twice with `duplicates`). */
static int bars_load(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                     ebm_error *err) {
    (void)rng;
    int side = (int)ebm_cfg_int(cfg, "side", 3);
    int duplicates = ebm_cfg_bool(cfg, "duplicates", 0);
    ebm_data_shape shape;
    bars_shape(cfg, &shape, err);
    size_t dim = shape.dim, repeat = (size_t)ebm_cfg_int(cfg, "repeat", 1);
    size_t distinct = shape.n / repeat;
    int rc = alloc_rows(out, shape.n, dim, shape.n_classes, err);
    if (rc) return rc;
    size_t row = 0;
    for (int kind = 0; kind < 2; kind++) {
        for (unsigned mask = 0; mask < (1u << side); mask++) {
            if (kind == 1 && !duplicates && (mask == 0 || mask == (1u << side) - 1))
                continue;
            float *x = out->x + row * dim;
            for (int i = 0; i < side; i++)
                for (int j = 0; j < side; j++)
                    x[i * side + j] = (mask >> (kind == 0 ? j : i)) & 1u ? 1.0f : 0.0f;
            out->labels[row++] = kind;
        }
    }
    for (size_t copy = 1; copy < repeat; copy++) {
        memcpy(out->x + copy * distinct * dim, out->x, distinct * dim * sizeof *out->x);
        memcpy(out->labels + copy * distinct, out->labels, distinct * sizeof *out->labels);
    }
    out->height = out->width = side;
    return EBM_OK;
}

const ebm_dataset_ops ebm_dataset_bars_stripes = {
    .info = {.version = EBM_DATASET_OPS_VERSION,
             .name = "bars_stripes",
             .help = "every bars-and-stripes image of side x side pixels (label 0 bars, 1 stripes)",
             .params = bars_params},
    .xLoad = bars_load,
    .xShape = bars_shape,
};

/* ---- shifter ---- */

static const ebm_param shifter_params[] = {
    {.name = "bits", .type = EBM_P_INT, .def = "4", .range = "[2, 10]",
     .help = "length of the input vector; rows hold the input, then the shifted copy"},
    {.name = "repeat", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "how many copies of the pattern list the data hold"},
    EBM_PARAM_END};

/* The rows shifter_load makes, from the settings alone. */
static int shifter_shape(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err) {
    (void)err;
    int bits = (int)ebm_cfg_int(cfg, "bits", 4);
    *out = (ebm_data_shape){.n = 3 * ((size_t)1 << bits) * (size_t)ebm_cfg_int(cfg, "repeat", 1),
                            .dim = 2 * (size_t)bits, .n_classes = 3};
    return EBM_OK;
}

/* Every input v of `bits` bits with its copy shifted cyclically left (label
 * 0), not at all (1) or right (2): 3·2^bits rows of 2·bits columns. */
static int shifter_load(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                        ebm_error *err) {
    (void)rng;
    int bits = (int)ebm_cfg_int(cfg, "bits", 4);
    ebm_data_shape shape;
    shifter_shape(cfg, &shape, err);
    size_t dim = shape.dim, repeat = (size_t)ebm_cfg_int(cfg, "repeat", 1);
    size_t distinct = shape.n / repeat;
    int rc = alloc_rows(out, shape.n, dim, shape.n_classes, err);
    if (rc) return rc;
    size_t row = 0;
    for (int shift = -1; shift <= 1; shift++) {
        for (unsigned v = 0; v < (1u << bits); v++) {
            float *x = out->x + row * dim;
            for (int i = 0; i < bits; i++) {
                x[i] = (v >> i) & 1u ? 1.0f : 0.0f;
                int from = ((i - shift) % bits + bits) % bits;
                x[bits + i] = (v >> from) & 1u ? 1.0f : 0.0f;
            }
            out->labels[row++] = shift + 1;
        }
    }
    for (size_t copy = 1; copy < repeat; copy++) {
        memcpy(out->x + copy * distinct * dim, out->x, distinct * dim * sizeof *out->x);
        memcpy(out->labels + copy * distinct, out->labels, distinct * sizeof *out->labels);
    }
    return EBM_OK;
}

const ebm_dataset_ops ebm_dataset_shifter = {
    .info = {.version = EBM_DATASET_OPS_VERSION,
             .name = "shifter",
             .help = "shifter ensemble: a bit vector and its copy shifted left, not or right (labels 0, 1, 2)",
             .params = shifter_params},
    .xLoad = shifter_load,
    .xShape = shifter_shape,
};
