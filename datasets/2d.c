/* 2d.c — the `toy2d` dataset: the 2-D distributions of the EBM and
 * normalising-flow literature, with the constants of FFJORD's toy_data.py
 * (Grathwohl et al. 2019), generated from the run's data stream. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "plugins.h"

/* FFJORD's constants, in output coordinates:
 *   eight_gaussians: centres 4/1.414 from the origin at angles k·π/4 (label k),
 *                    noise σ 0.5/1.414;
 *   two_moons:       sklearn's make_moons scaled by 2 and shifted by
 *                    (−1, −0.2): arcs of radius 2, noise σ 0.1·2;
 *   rings:           four circles of radii 3, 2.25, 1.5, 0.75 with evenly
 *                    spaced points, noise σ 0.08 (label 0 = innermost);
 *   checkerboard:    uniform on the 8 squares of side 2 in [−4, 4]² whose
 *                    integer corners (x/2, y/2 floored) sum to an even number;
 *   swiss_roll:      sklearn's make_swiss_roll, (t cos t, t sin t)/5 with
 *                    t ~ U(1.5π, 4.5π), noise σ 1.0/5. */
#define FFJORD_SCALE_DIVISOR 1.414
#define EIGHT_RADIUS (4.0 / FFJORD_SCALE_DIVISOR)
#define EIGHT_NOISE (0.5 / FFJORD_SCALE_DIVISOR)
#define MOONS_NOISE 0.2
#define RINGS_NOISE 0.08
#define SWISS_NOISE 0.2
#define PI 3.14159265358979323846

static const ebm_param toy2d_params[] = {
    {.name = "shape", .type = EBM_P_ENUM, .def = "eight_gaussians",
     .choices = "eight_gaussians|two_moons|rings|checkerboard|swiss_roll",
     .help = "which distribution (FFJORD's toy data; constants in data_2d.c)"},
    {.name = "n", .type = EBM_P_INT, .def = "2000", .range = "[1, inf)",
     .help = "number of points"},
    {.name = "noise", .type = EBM_P_FLOAT, .flags = EBM_PF_OPTIONAL,
     .range = "[0, inf)",
     .help = "std of the Gaussian noise added to each coordinate (default per shape: "
             "eight_gaussians 0.3536, two_moons 0.2, rings 0.08, checkerboard 0, "
             "swiss_roll 0.2)"},
    EBM_PARAM_END};

typedef enum { EIGHT, MOONS, RINGS, CHECKER, SWISS } shape_kind;

static shape_kind shape_of(const char *name) {
    if (strcmp(name, "two_moons") == 0) return MOONS;
    if (strcmp(name, "rings") == 0) return RINGS;
    if (strcmp(name, "checkerboard") == 0) return CHECKER;
    if (strcmp(name, "swiss_roll") == 0) return SWISS;
    return EIGHT;
}

static double default_noise(shape_kind shape) {
    switch (shape) {
    case EIGHT: return EIGHT_NOISE;
    case MOONS: return MOONS_NOISE;
    case RINGS: return RINGS_NOISE;
    case CHECKER: return 0.0;
    case SWISS: return SWISS_NOISE;
    }
    return 0.0;
}

static void eight_gaussians(ebm_dataset *d, ebm_rng *rng) {
    for (size_t r = 0; r < d->n; r++) {
        int k = (int)ebm_rng_below(rng, 8);
        d->x[2 * r] = (float)(EIGHT_RADIUS * cos(k * PI / 4));
        d->x[2 * r + 1] = (float)(EIGHT_RADIUS * sin(k * PI / 4));
        d->labels[r] = k;
    }
}

/* sklearn's make_moons: n/2 points on the upper unit arc (label 0), the rest
 * on the lower arc centred at (1, 0.5) (label 1), angles evenly spaced with
 * both ends included; then ×2 − (1, 0.2) as FFJORD does. */
static void two_moons(ebm_dataset *d) {
    size_t n_outer = d->n / 2, n_inner = d->n - n_outer;
    for (size_t r = 0; r < d->n; r++) {
        int inner = r >= n_outer;
        size_t i = inner ? r - n_outer : r, count = inner ? n_inner : n_outer;
        double angle = count > 1 ? PI * (double)i / (double)(count - 1) : 0.0;
        double x = inner ? 1.0 - cos(angle) : cos(angle);
        double y = inner ? 0.5 - sin(angle) : sin(angle);
        d->x[2 * r] = (float)(2.0 * x - 1.0);
        d->x[2 * r + 1] = (float)(2.0 * y - 0.2);
        d->labels[r] = inner;
    }
}

/* FFJORD's rings: n/4 points on each of the three outer circles, the rest
 * on the innermost, angles evenly spaced without the end point. */
static void rings(ebm_dataset *d) {
    size_t quarter = d->n / 4;
    size_t counts[4] = {d->n - 3 * quarter, quarter, quarter, quarter};
    size_t r = 0;
    for (int ring = 0; ring < 4; ring++) {
        double radius = 0.75 * (ring + 1);
        for (size_t i = 0; i < counts[ring]; i++, r++) {
            double angle = 2 * PI * (double)i / (double)counts[ring];
            d->x[2 * r] = (float)(radius * cos(angle));
            d->x[2 * r + 1] = (float)(radius * sin(angle));
            d->labels[r] = ring;
        }
    }
}

/* FFJORD: x1 ~ U[−2, 2), x2 ~ U[0, 1) − 2·B(½) + (⌊x1⌋ mod 2), both ×2. */
static void checkerboard(ebm_dataset *d, ebm_rng *rng) {
    for (size_t r = 0; r < d->n; r++) {
        double x1 = ebm_rng_uniform(rng) * 4.0 - 2.0;
        double x2 = ebm_rng_uniform(rng) - 2.0 * (double)ebm_rng_below(rng, 2);
        double column = floor(x1);
        x2 += column - 2.0 * floor(column / 2.0);   /* ⌊x1⌋ mod 2, never negative */
        d->x[2 * r] = (float)(2.0 * x1);
        d->x[2 * r + 1] = (float)(2.0 * x2);
    }
}

static void swiss_roll(ebm_dataset *d, ebm_rng *rng) {
    for (size_t r = 0; r < d->n; r++) {
        double t = 1.5 * PI * (1.0 + 2.0 * ebm_rng_uniform(rng));
        d->x[2 * r] = (float)(t * cos(t) / 5.0);
        d->x[2 * r + 1] = (float)(t * sin(t) / 5.0);
    }
}

/* Rows in a random order, so that `valid` (the last rows) is a fair sample
 * of every component. */
static int shuffle_rows(ebm_dataset *d, ebm_rng *rng, ebm_error *err) {
    size_t *order = malloc(d->n * sizeof *order);
    float *x = malloc(2 * d->n * sizeof *x);
    int *labels = d->labels ? malloc(d->n * sizeof *labels) : NULL;
    if (!order || !x || (d->labels && !labels)) {
        free(order);
        free(x);
        free(labels);
        return ebm_fail(err, EBM_ENOMEM, "toy2d: out of memory for %zu points", d->n);
    }
    for (size_t r = 0; r < d->n; r++) order[r] = r;
    ebm_rng_shuffle(rng, order, d->n);
    for (size_t r = 0; r < d->n; r++) {
        x[2 * r] = d->x[2 * order[r]];
        x[2 * r + 1] = d->x[2 * order[r] + 1];
        if (labels) labels[r] = d->labels[order[r]];
    }
    free(d->x);
    free(d->labels);
    d->x = x;
    d->labels = labels;
    free(order);
    return EBM_OK;
}

/* The label is the component where the shape has components. */
static int classes_of(shape_kind shape) {
    return shape == EIGHT ? 8 : shape == MOONS ? 2 : shape == RINGS ? 4 : 0;
}

static int toy2d_shape(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err) {
    (void)err;
    *out = (ebm_data_shape){
        .n = (size_t)ebm_cfg_int(cfg, "n", 2000), .dim = 2,
        .n_classes = classes_of(shape_of(ebm_cfg_str(cfg, "shape", "eight_gaussians")))};
    return EBM_OK;
}

static int toy2d_load(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                      ebm_error *err) {
    ebm_rng fixed;
    if (!rng) {   /* callers outside a run (tests, tools) get seed 0 */
        ebm_rng_seed(&fixed, 0);
        rng = &fixed;
    }
    shape_kind shape = shape_of(ebm_cfg_str(cfg, "shape", "eight_gaussians"));
    size_t n = (size_t)ebm_cfg_int(cfg, "n", 2000);
    double noise = ebm_cfg_double(cfg, "noise", -1.0);
    if (noise < 0) noise = default_noise(shape);
    int n_classes = classes_of(shape);

    memset(out, 0, sizeof *out);
    out->x = malloc(2 * n * sizeof *out->x);
    out->labels = n_classes ? malloc(n * sizeof *out->labels) : NULL;
    if (!out->x || (n_classes && !out->labels)) {
        ebm_dataset_free(out);
        return ebm_fail(err, EBM_ENOMEM, "toy2d: out of memory for %zu points", n);
    }
    out->n = n;
    out->dim = 2;
    out->n_classes = n_classes;
    switch (shape) {
    case EIGHT: eight_gaussians(out, rng); break;
    case MOONS: two_moons(out); break;
    case RINGS: rings(out); break;
    case CHECKER: checkerboard(out, rng); break;
    case SWISS: swiss_roll(out, rng); break;
    }
    if (noise > 0)
        for (size_t i = 0; i < 2 * n; i++)
            out->x[i] += (float)(noise * ebm_rng_normal(rng));
    int rc = shuffle_rows(out, rng, err);
    if (rc) ebm_dataset_free(out);
    return rc;
}

const ebm_dataset_ops ebm_dataset_toy2d = {
    .info = {.version = EBM_DATASET_OPS_VERSION,
             .name = "toy2d",
             .help = "2-D toy distributions (eight_gaussians, two_moons, rings, "
                     "checkerboard, swiss_roll) as in FFJORD, seeded; labels = "
                     "component where natural",
             .params = toy2d_params},
    .xLoad = toy2d_load,
    .xShape = toy2d_shape,
};
