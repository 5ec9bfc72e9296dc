/* quadrature.c — the quadrature estimator: for a continuous model of two
 * units, log Z = log ∫ exp(−E(x)/T) dx over a box by the midpoint rule, hence
 * the exact log-likelihood of a split, its gap to a baseline estimator's
 * (kde) and the density as an image. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "estimator.h"
#include "plugins.h"

/* States handed to xEnergies at once. */
#define BATCH 4096

static const ebm_param quadrature_params[] = {
    {.name = "grid", .type = EBM_P_INT, .def = "200", .range = "[4, 2000]",
     .help = "cells per side of the box (midpoint rule on grid x grid cells)"},
    {.name = "box", .type = EBM_P_FLOATS, .flags = EBM_PF_OPTIONAL,
     .help = "[xmin, xmax, ymin, ymax]; default: the training data's bounding box "
             "widened by `margin` on every side"},
    {.name = "margin", .type = EBM_P_FLOAT, .def = "0.25", .range = "[0, inf)",
     .help = "without `box`: each side moves out by this fraction of the data "
             "box's longer side"},
    {.name = "rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "log-likelihood over the first this many rows of the split (0 = all)"},
    {.name = "image", .type = EBM_P_BOOL, .def = "true",
     .help = "write the density exp(-E)/Z as /images/<name>_density/<step> and "
             "the split's points as /images/<name>_data/<step> (for ebm plot)"},
    {.name = "points", .type = EBM_P_INT, .def = "1000", .range = "[0, inf)",
     .help = "with image: how many of the split's rows to write for the plot"},
    {.name = "baseline", .type = EBM_P_STRING, .flags = EBM_PF_OPTIONAL,
     .help = "a metric of an estimator listed before this one, e.g. kde_loglik: "
             "also log loglik_gap = loglik - its latest value, so an expectation "
             "can compare the model with the baseline of the same run"},
    EBM_PARAM_END};

/* E/T for n states (rows of 2 floats), by xEnergies when the model has it;
 * p(x) = exp(−E(x)/T)/Z, T = 1 unless the model has a temperature. */
static int energies(const ebm_eval *ev, const float *states, size_t n, double *out,
                    ebm_error *err) {
    int rc = ebm_model_energies(ev->ops, ev->model, states, n, out, err);
    if (rc) return rc;
    double temperature = ebm_model_temperature(ev->ops, ev->model);
    if (temperature != 1.0)
        for (size_t i = 0; i < n; i++) out[i] /= temperature;
    return EBM_OK;
}

/* The configured box, or the training data's (the split's when train is
 * empty) widened by margin × its longer side. */
static int find_box(const ebm_eval *ev, double box[4], ebm_error *err) {
    int given = ebm_cfg_doubles(ev->cfg, "box", box, 4);
    if (given != 0 && given != 4)
        return ebm_fail(err, EBM_ECONFIG, "quadrature: box needs 4 numbers "
                        "[xmin, xmax, ymin, ymax], got %d", given);
    if (given == 4) {
        if (!(box[0] < box[1] && box[2] < box[3]) || !isfinite(box[0] + box[1] + box[2] + box[3]))
            return ebm_fail(err, EBM_ECONFIG, "quadrature: box [%g, %g, %g, %g] "
                            "needs xmin < xmax and ymin < ymax", box[0], box[1],
                            box[2], box[3]);
        return EBM_OK;
    }
    const ebm_dataset *d = ev->train && ev->train->n ? ev->train : ev->data;
    if (!d || d->n == 0)
        return ebm_fail(err, EBM_EDATA, "quadrature: no data to place the box "
                        "around; give box: [xmin, xmax, ymin, ymax]");
    if (d->dim != 2)
        return ebm_fail(err, EBM_EDATA, "quadrature: data rows have %zu values, "
                        "not 2", d->dim);
    box[0] = box[2] = INFINITY;
    box[1] = box[3] = -INFINITY;
    for (size_t r = 0; r < d->n; r++)
        for (int axis = 0; axis < 2; axis++) {
            double v = d->x[2 * r + axis];
            if (!isfinite(v)) continue;
            if (v < box[2 * axis]) box[2 * axis] = v;
            if (v > box[2 * axis + 1]) box[2 * axis + 1] = v;
        }
    if (!(box[0] <= box[1] && box[2] <= box[3]))
        return ebm_fail(err, EBM_EDATA, "quadrature: the data hold no finite point");
    double side = fmax(box[1] - box[0], box[3] - box[2]);
    double pad = ebm_cfg_double(ev->cfg, "margin", 0.25) * side;
    for (int axis = 0; axis < 2; axis++) {
        box[2 * axis] -= pad;
        box[2 * axis + 1] += pad;
        if (box[2 * axis + 1] <= box[2 * axis]) {   /* all points on a line */
            box[2 * axis] -= 0.5;
            box[2 * axis + 1] += 0.5;
        }
    }
    return EBM_OK;
}

/* −E at the centre of every cell; row 0 of the grid is the top (y near
 * ymax), as in every other image ebm writes. */
static int grid_neg_energy(const ebm_eval *ev, const double box[4], size_t grid,
                           double *neg_energy, ebm_error *err) {
    double dx = (box[1] - box[0]) / (double)grid, dy = (box[3] - box[2]) / (double)grid;
    size_t cells = grid * grid;
    float *states = malloc(2 * BATCH * sizeof *states);
    if (!states) return ebm_fail(err, EBM_ENOMEM, "quadrature: out of memory");
    int rc = EBM_OK;
    for (size_t start = 0; !rc && start < cells; start += BATCH) {
        if (ev->stop && *ev->stop) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "quadrature: interrupted");
            break;
        }
        size_t n = cells - start < BATCH ? cells - start : BATCH;
        for (size_t i = 0; i < n; i++) {
            size_t row = (start + i) / grid, col = (start + i) % grid;
            states[2 * i] = (float)(box[0] + ((double)col + 0.5) * dx);
            states[2 * i + 1] = (float)(box[3] - ((double)row + 0.5) * dy);
        }
        rc = energies(ev, states, n, neg_energy + start, err);
        for (size_t i = 0; !rc && i < n; i++) neg_energy[start + i] = -neg_energy[start + i];
        ebm_eval_progress(ev, start + n, cells);
    }
    free(states);
    return rc;
}

typedef struct grid_sums {
    double log_z;          /* log Σ exp(−E) · cell area */
    double edge_mass;      /* fraction of that sum in the outermost ring of cells */
    double edge_density;   /* max density on that ring / max density anywhere */
} grid_sums;

static void sum_grid(const double *neg_energy, size_t grid, double cell_area,
                     grid_sums *out) {
    size_t cells = grid * grid;
    double top = -INFINITY;
    int any_nan = 0;
    for (size_t i = 0; i < cells; i++) {
        if (isnan(neg_energy[i])) any_nan = 1;
        else if (neg_energy[i] > top) top = neg_energy[i];
    }
    if (any_nan || !isfinite(top)) {
        /* NaN anywhere, E = −∞ somewhere, or E = +∞ everywhere: no finite Z.
         * Logged as is; the runner decides what a divergence means. */
        out->log_z = any_nan ? NAN : top;
        out->edge_mass = out->edge_density = NAN;
        return;
    }
    double total = 0.0, edge = 0.0, edge_top = 0.0;
    for (size_t i = 0; i < cells; i++) {
        double w = exp(neg_energy[i] - top);
        size_t row = i / grid, col = i % grid;
        total += w;
        if (row == 0 || col == 0 || row == grid - 1 || col == grid - 1) {
            edge += w;
            if (w > edge_top) edge_top = w;
        }
    }
    out->log_z = top + log(total) + log(cell_area);
    out->edge_mass = edge / total;
    out->edge_density = edge_top;
}

/* Mean of −E(x) − log Z over the first `rows` rows of the split. */
static int mean_loglik(const ebm_eval *ev, double log_z, double *mean, ebm_error *err) {
    const ebm_dataset *d = ev->data;
    if (d->dim != 2)
        return ebm_fail(err, EBM_EDATA, "quadrature: data rows have %zu values, "
                        "not 2", d->dim);
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > d->n) rows = d->n;
    double *energy = malloc(BATCH * sizeof *energy);
    if (!energy) return ebm_fail(err, EBM_ENOMEM, "quadrature: out of memory");
    double total = 0.0;
    int rc = EBM_OK;
    for (size_t start = 0; !rc && start < rows; start += BATCH) {
        size_t n = rows - start < BATCH ? rows - start : BATCH;
        rc = energies(ev, d->x + 2 * start, n, energy, err);
        for (size_t i = 0; !rc && i < n; i++) total += -energy[i];
    }
    free(energy);
    if (!rc) *mean = total / (double)rows - log_z;
    return rc;
}

/* The density image and, beside it, the points the plot overlays. The box
 * travels in the image's layout attribute, which `ebm plot` reads. */
static int write_images(const ebm_eval *ev, const double *neg_energy, size_t grid,
                        const double box[4], double log_z, ebm_error *err) {
    size_t cells = grid * grid;
    float *density = malloc(cells * sizeof *density);
    if (!density) return ebm_fail(err, EBM_ENOMEM, "quadrature: out of memory");
    for (size_t i = 0; i < cells; i++) density[i] = (float)exp(neg_energy[i] - log_z);
    char layout[200];
    snprintf(layout, sizeof layout, "density box=%.9g,%.9g,%.9g,%.9g", box[0], box[1],
             box[2], box[3]);
    int rc = ebm_log_images(ev->log, "density", density, 1, cells, (int)grid,
                            (int)grid, layout, err);
    free(density);
    size_t points = (size_t)ebm_cfg_int(ev->cfg, "points", 1000);
    if (ev->data && points > ev->data->n) points = ev->data->n;
    if (!rc && points > 0 && ev->data && ev->data->dim == 2)
        rc = ebm_log_images(ev->log, "data", ev->data->x, points, 2, 0, 0, "points", err);
    return rc;
}

/* loglik minus the baseline metric's latest value. The baseline must come
 * first in log.estimators; a model-free one (kde) has the same value at
 * every log point, so "latest" is never stale for it. */
static int log_gap(const ebm_eval *ev, double loglik, ebm_error *err) {
    const char *baseline = ebm_cfg_str(ev->cfg, "baseline", NULL);
    if (!baseline || !*baseline) return EBM_OK;
    double value;
    if (!ebm_log_last(ev->log, baseline, &value))
        return ebm_fail(err, EBM_ECONFIG, "quadrature: baseline metric %s has not "
                        "been logged; list its estimator (e.g. {type: kde, split: "
                        "valid}) before this one in log.estimators", baseline);
    return ebm_log_metric(ev->log, "loglik_gap", loglik - value, err);
}

static int quadrature_evaluate(const ebm_eval *ev, ebm_error *err) {
    size_t units = ev->ops->xUnits(ev->model);
    if (units != 2)
        return ebm_fail(err, EBM_ENOTSUP, "quadrature: the model has %zu units; "
                        "integration on a grid needs exactly 2", units);
    double box[4];
    int rc = find_box(ev, box, err);
    if (rc) return rc;
    size_t grid = (size_t)ebm_cfg_int(ev->cfg, "grid", 200);
    double *neg_energy = malloc(grid * grid * sizeof *neg_energy);
    if (!neg_energy) return ebm_fail(err, EBM_ENOMEM, "quadrature: out of memory "
                                     "for a %zu x %zu grid", grid, grid);
    rc = grid_neg_energy(ev, box, grid, neg_energy, err);
    grid_sums sums = {0};
    if (!rc) {
        double cell_area = (box[1] - box[0]) * (box[3] - box[2]) / (double)(grid * grid);
        sum_grid(neg_energy, grid, cell_area, &sums);
        rc = ebm_log_metric(ev->log, "log_z", sums.log_z, err);
    }
    if (!rc) rc = ebm_log_metric(ev->log, "edge_mass", sums.edge_mass, err);
    if (!rc) rc = ebm_log_metric(ev->log, "edge_density", sums.edge_density, err);
    if (!rc && ev->data && ev->data->n > 0) {
        double loglik = 0.0;
        rc = mean_loglik(ev, sums.log_z, &loglik, err);
        if (!rc) rc = ebm_log_metric(ev->log, "loglik", loglik, err);
        if (!rc) rc = log_gap(ev, loglik, err);
    }
    if (!rc && isfinite(sums.log_z) && ebm_cfg_bool(ev->cfg, "image", 1))
        rc = write_images(ev, neg_energy, grid, box, sums.log_z, err);
    free(neg_energy);
    return rc;
}

const ebm_estimator_ops ebm_estimator_quadrature = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "quadrature",
             .help = "2-D models: log Z by the midpoint rule on a grid over a box, "
                     "the exact mean log-likelihood, the mass at the box's edge "
                     "(edge_mass, edge_density: is the box big enough?), optionally its "
                     "gap to a baseline metric (loglik_gap) and the "
                     "density as an image",
             .params = quadrature_params},
    .xEvaluate = quadrature_evaluate,
    .needs = EBM_CAP_STATE_GRAD,
};
