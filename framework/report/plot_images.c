/* plot_images.c — `ebm plot`'s images: the latest set of each image group of
 * a run laid out as one grid (images.gp), and the densities of 2-D models as
 * heat maps with their data and samples on top (density.gp). */
#include "plot_images.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_text.h"
#include "proc.h"
#include "sample_source.h"

/* At most this many images of a set are drawn (the first ones). */
#define MAX_IMAGES 144

/* Queues a picture into ctx->images_out, made only now: a run without
 * images leaves no empty plots/ behind. */
static int image_job(ebm_plot_ctx *ctx, const char *script, ebm_plot_text *a, const char *png,
                     ebm_error *err) {
    int rc = ebm_proc_mkdirs(ctx->images_out, err);
    if (rc) {
        free(a->text);
        return rc;
    }
    return ebm_gp_jobs_add(&ctx->jobs, script, a, png, err);
}

/* A picture's title, fitted to px pixels: "<experiment>: <group>, epoch N
 * (<layout>)<extra>", under it "run <legend>", and under that what drew the
 * samples (sample_source.c) when they are samples. Sets written by `ebm
 * sample` are drawn from the trained model, not at an epoch. Returns its
 * lines. */
static int image_title(const ebm_node *cfg, const ebm_image_set *set, const char *legend,
                       const char *extra, int px, char *out, size_t size) {
    const char *experiment = ebm_cfg_str(cfg, "name", "");
    const char *group = strncmp(set->group, "images/", 7) == 0 ? set->group + 7 : set->group;
    char when[64], text[2000];
    if (set->sampler && *set->sampler) ebm_plot_fmt(when, sizeof when, "drawn by ebm sample");
    else ebm_plot_fmt(when, sizeof when, "epoch %lld", (long long)set->step);
    int layout = set->layout && *set->layout, width = ebm_plot_title_width(px);
    /* A density's box is on the axes already; its digits in the title are
     * only the machine's copy. */
    const char *shown = !layout ? "" : strncmp(set->layout, "density ", 8) == 0 ? "density"
                                                                            : set->layout;
    ebm_plot_fmt(text, sizeof text, "%s%s%s, %s%s%s%s%s", experiment, *experiment ? ": " : "",
                 group, when, layout ? " (" : "", shown, layout ? ")" : "", extra);
    out[0] = '\0';
    ebm_plot_title_add(out, size, text, width, 2);
    ebm_plot_fmt(text, sizeof text, "run %s", legend);
    ebm_plot_title_add(out, size, text, width, 1);
    ebm_sample_source(cfg, set, text, sizeof text);
    ebm_plot_title_add(out, size, text, width, 2);
    int lines = 1;
    for (const char *c = out; *c; c++) lines += *c == '\n';
    return lines;
}

/* Lays out up to MAX_IMAGES images as a grid in one matrix file: a layout
 * of k names gives rows of k consecutive images (pattern|corrupted|recalled),
 * otherwise a near-square grid. NaN cells separate the images. */
static int export_images(ebm_plot_ctx *ctx, const ebm_image_set *set, const ebm_node *cfg,
                         const char *file_label, const char *legend,
                         ebm_error *err) {
    size_t n = set->n < MAX_IMAGES ? set->n : MAX_IMAGES;
    if (n == 0 || set->dim == 0) return EBM_OK;
    size_t h = (size_t)set->height, w = (size_t)set->width;
    if (!h || !w || h * w != set->dim) {
        size_t side = (size_t)llround(sqrt((double)set->dim));
        if (side * side == set->dim) h = w = side;
        else h = 1, w = set->dim;
    }
    size_t cols = 0;
    if (set->layout && *set->layout) {
        size_t k = 1;
        for (const char *c = set->layout; *c; c++) k += *c == ',' || *c == '|';
        if (set->n % k == 0) cols = k;
    }
    if (!cols) cols = (size_t)ceil(sqrt((double)n));
    /* Features (a row of values per sample) are one heat map with a colour
     * bar, not a stack of one-pixel strips with gaps. */
    int heat = set->layout && strcmp(set->layout, "features") == 0;
    if (heat) h = 1, w = set->dim, cols = 1;
    size_t gap = heat ? 0 : 1;
    size_t rows = (n + cols - 1) / cols;
    size_t width = cols * (w + gap) - gap, height = rows * (h + gap) - gap;
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n * set->dim; i++) {
        float v = set->data[i];
        if (isfinite(v)) {
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    }
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (lo == hi) hi = lo + 1;

    char group[160], path[4600], png[4600];
    ebm_plot_safe_name(group, sizeof group, set->group);
    ebm_plot_fmt(path, sizeof path, "%s/%s__%s.matrix", ctx->data, file_label, group);
    ebm_plot_fmt(png, sizeof png, "%s/%s.png", ctx->images_out, group);
    FILE *f = fopen(path, "w");
    if (!f) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    /* gnuplot puts the first matrix row at the bottom: write top row last. */
    for (size_t y = height; y-- > 0;) {
        size_t grid_row = y / (h + gap), pixel_row = y % (h + gap);
        for (size_t x = 0; x < width; x++) {
            size_t grid_col = x / (w + gap), pixel_col = x % (w + gap);
            size_t image = grid_row * cols + grid_col;
            if (x) fputc(' ', f);
            if (pixel_row == h || pixel_col == w || image >= n) {
                fputs("NaN", f);
            } else {
                float v = set->data[image * set->dim + pixel_row * w + pixel_col];
                if (isfinite(v)) fprintf(f, "%.7g", (double)v);
                else fputs("NaN", f);
            }
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0) return ebm_fail(err, EBM_EIO, "%s: cannot write", path);

    /* Big enough to see a pixel, small enough for a screen. */
    size_t longest = width > height ? width : height;
    size_t scale = longest ? 720 / longest : 1;
    if (scale < 1) scale = 1;
    if (scale > 24) scale = 24;
    size_t px_w = width * scale + 40, px_h = height * scale + 70;
    if (px_w < 480) px_w = 480;   /* room for the title */
    if (px_h < 200) px_h = 200;
    if (heat) px_w += 120;   /* the colour bar and the axis labels */
    char title[2000];
    int lines = image_title(cfg, set, legend, "", (int)px_w, title, sizeof title);
    px_h += 14 * (size_t)(lines - 1);   /* a line of title is 14 pixels */
    ebm_plot_text a = {0};
    ebm_plot_text_gp(&a, "datafile", path);
    ebm_plot_text_gp(&a, "outfile", png);
    ebm_plot_text_gp(&a, "plottitle", title);
    ebm_plot_text_add(&a, "cols=%zu; rows=%zu; width=%zu; height=%zu; lo=%.9g; hi=%.9g; "
                      "heat=%d", width, height, px_w, px_h, (double)lo, (double)hi, heat);
    return image_job(ctx, "images.gp", &a, png, err);
}

/* ---- densities of 2-D models ---- */

/* At most this many points of data or samples are overlaid on a density. */
#define MAX_DENSITY_POINTS 5000

/* A density image as the quadrature estimator writes it: one grid × grid
 * image, row 0 at the top, its box in the layout "density box=x0,x1,y0,y1". */
static int density_box(const ebm_image_set *set, double box[4]) {
    return set->layout && set->n == 1 && set->height > 0 && set->width > 0 &&
           (size_t)set->height * (size_t)set->width == set->dim &&
           sscanf(set->layout, "density box=%lf,%lf,%lf,%lf", &box[0], &box[1],
                  &box[2], &box[3]) == 4 &&
           box[0] < box[1] && box[2] < box[3];
}

/* Rows of two numbers drawn as points: a density's data ("points" layout)
 * or a 2-D model's samples. */
static int is_points(const ebm_image_set *set) {
    return set->dim == 2 && set->layout && strcmp(set->layout, "points") == 0;
}

/* The latest set of a group (sets come grouped, steps ascending), or NULL. */
/* The set of group with the largest step (by number: path order would put
 * step 10 before step 2). */
static const ebm_image_set *latest_of(const ebm_image_set *sets, int n_sets,
                                      const char *group) {
    const ebm_image_set *found = NULL;
    for (int i = 0; i < n_sets; i++)
        if (strcmp(sets[i].group, group) == 0 && (!found || sets[i].step > found->step))
            found = &sets[i];
    return found;
}

/* 1 unless sets[i] is its group's latest. */
static int superseded(const ebm_image_set *sets, int n_sets, int i) {
    return latest_of(sets, n_sets, sets[i].group) != &sets[i];
}

static int write_points(const char *path, const ebm_image_set *set, ebm_error *err) {
    FILE *f = fopen(path, "w");
    if (!f) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t n = set->n < MAX_DENSITY_POINTS ? set->n : MAX_DENSITY_POINTS;
    fprintf(f, "# %s step %lld: x y\n", set->path, (long long)set->step);
    for (size_t r = 0; r < n; r++)
        if (isfinite(set->data[2 * r]) && isfinite(set->data[2 * r + 1]))
            fprintf(f, "%.7g %.7g\n", (double)set->data[2 * r], (double)set->data[2 * r + 1]);
    if (fclose(f) != 0) return ebm_fail(err, EBM_EIO, "%s: cannot write", path);
    return EBM_OK;
}

/* The heat map of one density image, with the estimator's data points and
 * the run's latest 2-D samples on top (density.gp). The grid file holds
 * "x y p" at the cell centres, bottom row first, a blank line between rows,
 * as gnuplot's `with image` reads it. */
static int export_density(ebm_plot_ctx *ctx, const ebm_image_set *density,
                          const double box[4], const ebm_image_set *data,
                          const ebm_image_set *samples, const ebm_node *cfg,
                          const char *file_label, const char *legend, ebm_error *err) {
    char group[160], path[4600], png[4600], data_path[4700] = "", samples_path[4700] = "";
    ebm_plot_safe_name(group, sizeof group, density->group);
    ebm_plot_fmt(path, sizeof path, "%s/%s__%s.grid", ctx->data, file_label, group);
    ebm_plot_fmt(png, sizeof png, "%s/%s.png", ctx->images_out, group);
    size_t rows = (size_t)density->height, cols = (size_t)density->width;
    double dx = (box[1] - box[0]) / (double)cols, dy = (box[3] - box[2]) / (double)rows;
    FILE *f = fopen(path, "w");
    if (!f) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    fprintf(f, "# %s: x y density\n", density->path);
    for (size_t row = rows; row-- > 0;) {
        double y = box[3] - ((double)row + 0.5) * dy;
        for (size_t col = 0; col < cols; col++) {
            float v = density->data[row * cols + col];
            fprintf(f, "%.9g %.9g ", box[0] + ((double)col + 0.5) * dx, y);
            if (isfinite(v)) fprintf(f, "%.7g\n", (double)v);
            else fputs("NaN\n", f);
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0) return ebm_fail(err, EBM_EIO, "%s: cannot write", path);
    int rc = EBM_OK;
    if (data) {
        ebm_plot_fmt(data_path, sizeof data_path, "%s/%s__%s__data.dat", ctx->data, file_label, group);
        rc = write_points(data_path, data, err);
    }
    if (!rc && samples) {
        ebm_plot_fmt(samples_path, sizeof samples_path, "%s/%s__%s__samples.dat", ctx->data,
               file_label, group);
        rc = write_points(samples_path, samples, err);
    }
    if (rc) return rc;
    char title[2000];
    image_title(cfg, density, legend,
                samples ? "; data: blue, samples: black" : data ? "; data: blue" : "", 820,
                title, sizeof title);
    /* and what drew the samples on top */
    char source[800] = "", text[900];
    if (samples) ebm_sample_source(cfg, samples, source, sizeof source);
    ebm_plot_fmt(text, sizeof text, "samples: %s", source);
    if (*source) ebm_plot_title_add(title, sizeof title, text, ebm_plot_title_width(820), 2);
    ebm_plot_text a = {0};
    ebm_plot_text_gp(&a, "datafile", path);
    ebm_plot_text_gp(&a, "pointsfile", data_path);
    ebm_plot_text_gp(&a, "samplesfile", samples_path);
    ebm_plot_text_gp(&a, "outfile", png);
    ebm_plot_text_gp(&a, "plottitle", title);
    ebm_plot_text_add(&a, "xmin=%.9g; xmax=%.9g; ymin=%.9g; ymax=%.9g", box[0], box[1], box[2], box[3]);
    return image_job(ctx, "density.gp", &a, png, err);
}

/* Draws every density group's latest image; *drawn says whether there was
 * one, so the caller leaves the overlaid sets out of the plain image grids. */
static int export_densities(ebm_plot_ctx *ctx, const ebm_image_set *sets, int n_sets,
                            const ebm_node *cfg, const char *file_label,
                            const char *legend, int *drawn, ebm_error *err) {
    *drawn = 0;
    const ebm_image_set *samples = latest_of(sets, n_sets, "samples");
    if (samples && samples->dim != 2) samples = NULL;
    int rc = EBM_OK;
    for (int i = 0; !rc && i < n_sets; i++) {
        double box[4];
        if (superseded(sets, n_sets, i)) continue;
        if (!density_box(&sets[i], box)) continue;
        /* "images/<prefix>_density" comes with "images/<prefix>_data" */
        char data_group[600];
        size_t len = strlen(sets[i].group);
        ebm_plot_fmt(data_group, sizeof data_group, "%.*s_data",
               len > 8 ? (int)(len - 8) : 0, sets[i].group);
        const ebm_image_set *data = latest_of(sets, n_sets, data_group);
        if (data && !is_points(data)) data = NULL;
        rc = export_density(ctx, &sets[i], box, data, samples, cfg, file_label, legend,
                            err);
        *drawn = 1;
    }
    return rc;
}

int ebm_plot_images(ebm_plot_ctx *ctx, const ebm_image_set *sets, int n_sets,
                    const ebm_node *cfg, const char *file_label, const char *legend,
                    ebm_error *err) {
    int densities = 0;
    int rc = export_densities(ctx, sets, n_sets, cfg, file_label, legend, &densities, err);
    for (int i = 0; !rc && i < n_sets; i++) {
        if (superseded(sets, n_sets, i)) continue;
        double box[4];
        /* drawn on a density already (a 2-D point set makes no image grid) */
        if (density_box(&sets[i], box) || is_points(&sets[i]) ||
            (densities && strcmp(sets[i].group, "samples") == 0 && sets[i].dim == 2))
            continue;
        rc = export_images(ctx, &sets[i], cfg, file_label, legend, err);
    }
    return rc;
}
