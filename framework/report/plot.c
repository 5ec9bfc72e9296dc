/* plot.c — `ebm plot`: exports the metrics and image sets of runs (and the
 * summary of sweeps) as text files under OUT/data, then draws PNGs with the
 * gnuplot scripts in scripts/ (metric.gp, images.gp, sweep_final.gp, and
 * density.gp for the densities of 2-D models). */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "runfile.h"
#include "summary.h"

/* At most this many images of a set are drawn (the first ones). */
#define MAX_IMAGES 144
#define STDERR_TAIL 1500

/* snprintf for paths and labels: an over-long one is cut, which at worst
 * fails to open later with a clear message. */
static void fmt_to(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fmt_to(char *out, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

/* A text buffer that grows (for -e assignments and the PNG list). */
typedef struct strbuf {
    char *text;
    size_t len, cap;
    int oom;
} strbuf;

static void sb_add(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_add(strbuf *b, const char *fmt, ...) {
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->text ? b->text + b->len : NULL,
                          b->text ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->text && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap <= b->len + (size_t)n) cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown) {
            b->oom = 1;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
}

/* A gnuplot single-quoted string literal: '' stands for a quote. */
static void sb_gp_string(strbuf *b, const char *name, const char *value) {
    sb_add(b, "%s='", name);
    for (const char *c = value; *c; c++) sb_add(b, *c == '\'' ? "''" : "%c", *c);
    sb_add(b, "'; ");
}

/* One gnuplot call to make after every file is exported. */
typedef struct gp_job {
    char *script;   /* "metric.gp" */
    char *assign;   /* the -e text */
    char *png;
} gp_job;

/* A metric drawn from several runs: the data files and their legends. */
typedef struct overlay {
    char *metric, *axis;
    int n;
    char **files, **titles;
} overlay;

typedef struct plot_ctx {
    char out[4096], data[4200];
    gp_job *jobs;
    int n_jobs;
    overlay *overlays;
    int n_overlays;
    char **labels;   /* file labels used so far, to keep them distinct */
    int n_labels;
} plot_ctx;

static int add_job(plot_ctx *ctx, const char *script, strbuf *assign,
                   const char *png, ebm_error *err) {
    gp_job *grown = realloc(ctx->jobs, (size_t)(ctx->n_jobs + 1) * sizeof *grown);
    if (!grown || assign->oom) {
        if (grown) ctx->jobs = grown;
        free(assign->text);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    ctx->jobs = grown;
    gp_job *job = &ctx->jobs[ctx->n_jobs++];
    job->script = strdup(script);
    job->assign = assign->text;
    job->png = strdup(png);
    if (!job->script || !job->png) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    return EBM_OK;
}

/* Characters safe in a file name; everything else becomes '_'. */
static void file_safe(char *out, size_t size, const char *text) {
    size_t i = 0;
    for (; text[i] && i + 1 < size; i++) {
        char c = text[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || strchr("._=,+-", c);
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}

/* A file label not used before ("run", then "run-2", ...). */
static int unique_label(plot_ctx *ctx, const char *label, char *out, size_t size) {
    char base[160];
    file_safe(base, sizeof base, label);
    fmt_to(out, size, "%s", base);
    for (int k = 2;; k++) {
        int used = 0;
        for (int i = 0; i < ctx->n_labels && !used; i++)
            used = strcmp(ctx->labels[i], out) == 0;
        if (!used) break;
        fmt_to(out, size, "%s-%d", base, k);
    }
    char **grown = realloc(ctx->labels, (size_t)(ctx->n_labels + 1) * sizeof *grown);
    if (!grown) return -1;
    ctx->labels = grown;
    if (!(grown[ctx->n_labels] = strdup(out))) return -1;
    ctx->n_labels++;
    return 0;
}

static overlay *find_overlay(plot_ctx *ctx, const char *metric, const char *axis) {
    for (int i = 0; i < ctx->n_overlays; i++)
        if (strcmp(ctx->overlays[i].metric, metric) == 0) return &ctx->overlays[i];
    overlay *grown = realloc(ctx->overlays,
                             (size_t)(ctx->n_overlays + 1) * sizeof *grown);
    if (!grown) return NULL;
    ctx->overlays = grown;
    overlay *o = &grown[ctx->n_overlays];
    memset(o, 0, sizeof *o);
    o->metric = strdup(metric);
    o->axis = strdup(axis && *axis ? axis : "step");
    if (!o->metric || !o->axis) {
        free(o->metric);
        free(o->axis);
        return NULL;
    }
    ctx->n_overlays++;
    return o;
}

static int overlay_add(overlay *o, const char *file, const char *title) {
    char **files = realloc(o->files, (size_t)(o->n + 1) * sizeof *files);
    if (files) o->files = files;
    char **titles = realloc(o->titles, (size_t)(o->n + 1) * sizeof *titles);
    if (titles) o->titles = titles;
    if (!files || !titles) return -1;
    files[o->n] = strdup(file);
    titles[o->n] = strdup(title);
    o->n++;
    return files[o->n - 1] && titles[o->n - 1] ? 0 : -1;
}

static int write_series(const char *path, const ebm_series *s, ebm_error *err) {
    FILE *f = fopen(path, "w");
    if (!f) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    fprintf(f, "# %s: step value\n", s->name);
    for (size_t i = 0; i < s->n; i++) {
        if (isfinite(s->value[i])) fprintf(f, "%lld %.17g\n", (long long)s->step[i], s->value[i]);
        else fprintf(f, "%lld NaN\n", (long long)s->step[i]);
    }
    if (fclose(f) != 0) return ebm_fail(err, EBM_EIO, "%s: cannot write", path);
    return EBM_OK;
}

static int any_finite(const ebm_series *s) {
    for (size_t i = 0; i < s->n; i++)
        if (isfinite(s->value[i])) return 1;
    return 0;
}

/* Lays out up to MAX_IMAGES images as a grid in one matrix file: a layout
 * of k names gives rows of k consecutive images (pattern|corrupted|recalled),
 * otherwise a near-square grid. NaN cells separate the images. */
static int export_images(plot_ctx *ctx, const ebm_image_set *set,
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
    size_t rows = (n + cols - 1) / cols;
    size_t width = cols * (w + 1) - 1, height = rows * (h + 1) - 1;
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
    file_safe(group, sizeof group, set->group);
    fmt_to(path, sizeof path, "%s/%s__%s.matrix", ctx->data, file_label, group);
    fmt_to(png, sizeof png, "%s/%s__%s.png", ctx->out, file_label, group);
    FILE *f = fopen(path, "w");
    if (!f) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    /* gnuplot puts the first matrix row at the bottom: write top row last. */
    for (size_t y = height; y-- > 0;) {
        size_t grid_row = y / (h + 1), pixel_row = y % (h + 1);
        for (size_t x = 0; x < width; x++) {
            size_t grid_col = x / (w + 1), pixel_col = x % (w + 1);
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
    char title[600];
    fmt_to(title, sizeof title, "%s: %s, step %lld%s%s", legend, set->group,
             (long long)set->step, set->layout && *set->layout ? " (" : "",
             set->layout && *set->layout ? set->layout : "");
    if (set->layout && *set->layout) strncat(title, ")", sizeof title - strlen(title) - 1);
    strbuf a = {0};
    sb_gp_string(&a, "datafile", path);
    sb_gp_string(&a, "outfile", png);
    sb_gp_string(&a, "plottitle", title);
    sb_add(&a, "cols=%zu; rows=%zu; width=%zu; height=%zu; lo=%.9g; hi=%.9g",
           width, height, px_w, px_h, (double)lo, (double)hi);
    return add_job(ctx, "images.gp", &a, png, err);
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
static const ebm_image_set *latest_of(const ebm_image_set *sets, int n_sets,
                                      const char *group) {
    const ebm_image_set *found = NULL;
    for (int i = 0; i < n_sets; i++)
        if (strcmp(sets[i].group, group) == 0) found = &sets[i];
    return found;
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
static int export_density(plot_ctx *ctx, const ebm_image_set *density,
                          const double box[4], const ebm_image_set *data,
                          const ebm_image_set *samples, const char *file_label,
                          const char *legend, ebm_error *err) {
    char group[160], path[4600], png[4600], data_path[4700] = "", samples_path[4700] = "";
    file_safe(group, sizeof group, density->group);
    fmt_to(path, sizeof path, "%s/%s__%s.grid", ctx->data, file_label, group);
    fmt_to(png, sizeof png, "%s/%s__%s.png", ctx->out, file_label, group);
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
        fmt_to(data_path, sizeof data_path, "%s/%s__%s__data.dat", ctx->data, file_label, group);
        rc = write_points(data_path, data, err);
    }
    if (!rc && samples) {
        fmt_to(samples_path, sizeof samples_path, "%s/%s__%s__samples.dat", ctx->data,
               file_label, group);
        rc = write_points(samples_path, samples, err);
    }
    if (rc) return rc;
    char title[600];
    fmt_to(title, sizeof title, "%s: %s, step %lld%s", legend, density->group,
           (long long)density->step,
           samples ? "; data: blue, samples: black" : data ? "; data: blue" : "");
    strbuf a = {0};
    sb_gp_string(&a, "datafile", path);
    sb_gp_string(&a, "pointsfile", data_path);
    sb_gp_string(&a, "samplesfile", samples_path);
    sb_gp_string(&a, "outfile", png);
    sb_gp_string(&a, "plottitle", title);
    sb_add(&a, "xmin=%.9g; xmax=%.9g; ymin=%.9g; ymax=%.9g", box[0], box[1], box[2], box[3]);
    return add_job(ctx, "density.gp", &a, png, err);
}

/* Draws every density group's latest image; *drawn says whether there was
 * one, so the caller leaves the overlaid sets out of the plain image grids. */
static int export_densities(plot_ctx *ctx, const ebm_image_set *sets, int n_sets,
                            const char *file_label, const char *legend, int *drawn,
                            ebm_error *err) {
    *drawn = 0;
    const ebm_image_set *samples = latest_of(sets, n_sets, "samples");
    if (samples && samples->dim != 2) samples = NULL;
    int rc = EBM_OK;
    for (int i = 0; !rc && i < n_sets; i++) {
        double box[4];
        if (i + 1 < n_sets && strcmp(sets[i].group, sets[i + 1].group) == 0) continue;
        if (!density_box(&sets[i], box)) continue;
        /* "images/<prefix>_density" comes with "images/<prefix>_data" */
        char data_group[600];
        size_t len = strlen(sets[i].group);
        fmt_to(data_group, sizeof data_group, "%.*s_data",
               len > 8 ? (int)(len - 8) : 0, sets[i].group);
        const ebm_image_set *data = latest_of(sets, n_sets, data_group);
        if (data && !is_points(data)) data = NULL;
        rc = export_density(ctx, &sets[i], box, data, samples, file_label, legend, err);
        *drawn = 1;
    }
    return rc;
}

/* Exports one run file: its metric series (for the overlays) and, unless
 * with_images is 0, the last step of each image group. */
static int export_run(plot_ctx *ctx, const char *run_path, const char *legend,
                      int with_images, ebm_error *err) {
    char label[200];
    if (unique_label(ctx, legend, label, sizeof label))
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    ebm_runinfo info;
    int rc = ebm_runfile_read(run_path, &info, err);
    if (rc) return rc;
    for (int m = 0; !rc && m < info.n_metrics; m++) {
        const ebm_series *s = &info.metrics[m];
        char metric[160], path[4600];
        file_safe(metric, sizeof metric, s->name);
        fmt_to(path, sizeof path, "%s/%s__%s.dat", ctx->data, label, metric);
        rc = write_series(path, s, err);
        if (rc || !any_finite(s)) continue;   /* gnuplot refuses an all-NaN plot */
        overlay *o = find_overlay(ctx, s->name, s->axis);
        if (!o || overlay_add(o, path, legend))
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    ebm_runinfo_free(&info);
    if (rc || !with_images) return rc;

    ebm_image_set *sets;
    int n_sets;
    rc = ebm_runfile_read_images(run_path, &sets, &n_sets, err);
    if (rc) return rc;
    int densities = 0;
    rc = export_densities(ctx, sets, n_sets, label, legend, &densities, err);
    /* Sets come grouped, steps ascending: the last of a group is its latest. */
    for (int i = 0; !rc && i < n_sets; i++) {
        if (i + 1 < n_sets && strcmp(sets[i].group, sets[i + 1].group) == 0) continue;
        double box[4];
        /* drawn on a density already (a 2-D point set makes no image grid) */
        if (density_box(&sets[i], box) || is_points(&sets[i]) ||
            (densities && strcmp(sets[i].group, "samples") == 0 && sets[i].dim == 2))
            continue;
        rc = export_images(ctx, &sets[i], label, legend, err);
    }
    ebm_image_sets_free(sets, n_sets);
    return rc;
}

static int overlay_jobs(plot_ctx *ctx, ebm_error *err) {
    for (int i = 0; i < ctx->n_overlays; i++) {
        const overlay *o = &ctx->overlays[i];
        char metric[160], png[4600];
        file_safe(metric, sizeof metric, o->metric);
        fmt_to(png, sizeof png, "%s/%s.png", ctx->out, metric);
        strbuf a = {0};
        sb_add(&a, "n=%d; ", o->n);
        for (int k = 0; k < o->n; k++) {
            char name[32];
            fmt_to(name, sizeof name, "file%d", k + 1);
            sb_gp_string(&a, name, o->files[k]);
            fmt_to(name, sizeof name, "title%d", k + 1);
            sb_gp_string(&a, name, o->titles[k]);
        }
        sb_gp_string(&a, "outfile", png);
        sb_gp_string(&a, "xlabel", o->axis);
        sb_gp_string(&a, "ylabel", o->metric);
        sb_gp_string(&a, "plottitle", o->metric);
        int rc = add_job(ctx, "metric.gp", &a, png, err);
        if (rc) return rc;
    }
    return EBM_OK;
}

/* ---- sweeps ---- */

typedef struct xy { double x, y; } xy;

static int cmp_xy(const void *a, const void *b) {
    double p = ((const xy *)a)->x, q = ((const xy *)b)->x;
    return (p > q) - (p < q);
}

static int key_is_numeric(const ebm_summary *s, int k) {
    for (int p = 0; p < s->n_points; p++) {
        double v;
        char *end;
        const char *text = s->params[(size_t)p * s->n_keys + k];
        v = strtod(text, &end);
        if (end == text || *end || !isfinite(v)) return 0;
    }
    return s->n_points > 0;
}

/* The other keys' values of point p, "k2=v2,k3=v3" ("all" with no others). */
static void other_keys(const ebm_summary *s, int p, int k, char *out, size_t size) {
    size_t used = 0;
    out[0] = '\0';
    for (int j = 0; j < s->n_keys && used < size; j++) {
        if (j == k) continue;
        used += (size_t)snprintf(out + used, size - used, "%s%s=%s", used ? "," : "",
                                 s->keys[j], s->params[(size_t)p * s->n_keys + j]);
    }
    if (!out[0]) fmt_to(out, size, "all points");
}

/* Final metric against swept key k: one series per combination of the other
 * keys, each sorted by the swept value. */
static int final_vs_key(plot_ctx *ctx, const ebm_summary *s, const char *sweep_label,
                        int k, int m, ebm_error *err) {
    int np = s->n_points;
    xy *pts = malloc((size_t)np * sizeof *pts);
    char (*groups)[400] = malloc((size_t)np * sizeof *groups);
    int *done = calloc((size_t)np, sizeof *done);
    int rc = EBM_OK, n_series = 0;
    strbuf a = {0};
    if (!pts || !groups || !done) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int p = 0; !rc && p < np; p++) other_keys(s, p, k, groups[p], sizeof groups[p]);
    char metric[160], key[160], png[4600];
    file_safe(metric, sizeof metric, s->metrics[m]);
    file_safe(key, sizeof key, s->keys[k]);
    fmt_to(png, sizeof png, "%s/%s__%s_vs_%s.png", ctx->out, sweep_label, metric, key);
    for (int p = 0; !rc && p < np; p++) {
        if (done[p]) continue;
        int n = 0;
        for (int q = p; q < np; q++) {
            if (done[q] || strcmp(groups[q], groups[p]) != 0) continue;
            done[q] = 1;
            double y = s->final[(size_t)q * s->n_metrics + m];
            if (!isfinite(y)) continue;
            pts[n].x = strtod(s->params[(size_t)q * s->n_keys + k], NULL);
            pts[n++].y = y;
        }
        if (n == 0) continue;
        qsort(pts, (size_t)n, sizeof *pts, cmp_xy);
        char path[4700];
        fmt_to(path, sizeof path, "%s/%s__final_%s_vs_%s__%d.dat", ctx->data,
                 sweep_label, metric, key, n_series + 1);
        FILE *f = fopen(path, "w");
        if (!f) {
            rc = ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
            break;
        }
        fprintf(f, "# %s final %s (%s)\n", s->keys[k], s->metrics[m], groups[p]);
        for (int i = 0; i < n; i++) fprintf(f, "%.17g %.17g\n", pts[i].x, pts[i].y);
        if (fclose(f) != 0) {
            rc = ebm_fail(err, EBM_EIO, "%s: cannot write", path);
            break;
        }
        n_series++;
        char name[32];
        fmt_to(name, sizeof name, "file%d", n_series);
        sb_gp_string(&a, name, path);
        fmt_to(name, sizeof name, "title%d", n_series);
        sb_gp_string(&a, name, groups[p]);
    }
    if (!rc && n_series > 0) {
        char ylabel[300], title[600];
        fmt_to(ylabel, sizeof ylabel, "final %s", s->metrics[m]);
        fmt_to(title, sizeof title, "%s: final %s against %s", sweep_label,
                 s->metrics[m], s->keys[k]);
        sb_add(&a, "n=%d; ", n_series);
        sb_gp_string(&a, "outfile", png);
        sb_gp_string(&a, "xlabel", s->keys[k]);
        sb_gp_string(&a, "ylabel", ylabel);
        sb_gp_string(&a, "plottitle", title);
        rc = add_job(ctx, "sweep_final.gp", &a, png, err);
    } else {
        free(a.text);
    }
    free(pts);
    free(groups);
    free(done);
    return rc;
}

static int export_sweep(plot_ctx *ctx, const char *dir, const char *sweep_name,
                        int prefix_points, ebm_error *err) {
    char path[4400];
    fmt_to(path, sizeof path, "%s/summary.csv", dir);
    ebm_summary s;
    int rc = ebm_summary_read_csv(path, &s, err);
    if (rc) return rc;
    char sweep_label[200];
    if (unique_label(ctx, sweep_name, sweep_label, sizeof sweep_label))
        rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int p = 0; !rc && p < s.n_points; p++) {
        fmt_to(path, sizeof path, "%s/%s/run.h5", dir, s.points[p]);
        if (!ebm_proc_is_file(path)) continue;   /* a point that never ran */
        char legend[600];
        fmt_to(legend, sizeof legend, "%s%s%s", prefix_points ? sweep_name : "",
                 prefix_points ? ": " : "", s.points[p]);
        ebm_error point_err;
        /* An unreadable point (killed mid-write) is left out, not fatal. */
        if (export_run(ctx, path, legend, 0, &point_err) == EBM_ENOMEM)
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    for (int k = 0; !rc && k < s.n_keys; k++) {
        if (!key_is_numeric(&s, k)) continue;
        for (int m = 0; !rc && m < s.n_metrics; m++)
            rc = final_vs_key(ctx, &s, sweep_label, k, m, err);
    }
    ebm_summary_free(&s);
    return rc;
}

/* ---- inputs and the driver ---- */

/* The last path component without trailing slashes (and without ".h5"
 * when strip_h5). */
static void base_name(const char *path, char *out, size_t size) {
    char copy[4096];
    fmt_to(copy, sizeof copy, "%s", path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/') copy[--len] = '\0';
    const char *slash = strrchr(copy, '/');
    fmt_to(out, size, "%s", slash && slash[1] ? slash + 1 : copy);
}

static void parent_dir(const char *path, char *out, size_t size) {
    fmt_to(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (!slash) fmt_to(out, size, ".");
    else if (slash == out) out[1] = '\0';
    else *slash = '\0';
}

static int export_input(plot_ctx *ctx, const char *input, int n_inputs,
                        ebm_error *err) {
    char path[4400], name[4096];
    if (ebm_proc_is_dir(input)) {
        base_name(input, name, sizeof name);
        fmt_to(path, sizeof path, "%s/summary.csv", input);
        if (ebm_proc_is_file(path)) return export_sweep(ctx, input, name, n_inputs > 1, err);
        fmt_to(path, sizeof path, "%s/run.h5", input);
        if (ebm_proc_is_file(path)) return export_run(ctx, path, name, 1, err);
        return ebm_fail(err, EBM_EINVAL,
                        "%s: neither a run directory (run.h5) nor a sweep "
                        "directory (summary.csv)", input);
    }
    if (!ebm_proc_is_file(input))
        return ebm_fail(err, EBM_EINVAL, "%s: no such file or directory", input);
    /* A run.h5 takes its directory's name; any other file its own stem. */
    base_name(input, name, sizeof name);
    if (strcmp(name, "run.h5") == 0) {
        char dir[4096];
        parent_dir(input, dir, sizeof dir);
        base_name(dir, name, sizeof name);
    } else {
        char *dot = strrchr(name, '.');
        if (dot && dot != name) *dot = '\0';
    }
    return export_run(ctx, input, name, 1, err);
}

static void default_out(const char *input, char *out, size_t size) {
    char dir[4096];
    if (ebm_proc_is_dir(input)) fmt_to(dir, sizeof dir, "%s", input);
    else parent_dir(input, dir, sizeof dir);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') dir[--len] = '\0';
    fmt_to(out, size, "%s/plots", dir);
}

static int run_jobs(plot_ctx *ctx, strbuf *written, ebm_error *err) {
    if (ctx->n_jobs == 0) return EBM_OK;
    char gnuplot[4096];
    if (ebm_proc_find_in_path("gnuplot", gnuplot, sizeof gnuplot))
        return ebm_fail(err, EBM_ENOTSUP,
                        "gnuplot not found on PATH; install gnuplot-nox (the .dat "
                        "files are in %s)", ctx->data);
    const char *env = getenv("EBM_SCRIPTS");
    char scripts[4096];
    fmt_to(scripts, sizeof scripts, "%s", env && *env ? env : EBM_SOURCE_DIR "/scripts");
    for (int i = 0; i < ctx->n_jobs; i++) {
        const gp_job *job = &ctx->jobs[i];
        char script[4400];
        fmt_to(script, sizeof script, "%s/%s", scripts, job->script);
        if (!ebm_proc_is_file(script))
            return ebm_fail(err, EBM_EIO, "%s: gnuplot script not found (set "
                                          "EBM_SCRIPTS to ebm's scripts/ directory)",
                            script);
        char *argv[] = {gnuplot, "-e", job->assign, script, NULL};
        char *output = NULL;
        int code = 0;
        int rc = ebm_proc_run_capture(argv, &output, STDERR_TAIL, &code, err);
        if (rc) return rc;
        if (code != 0 || !ebm_proc_is_file(job->png)) {
            rc = ebm_fail(err, EBM_EIO, "gnuplot failed (exit status %d) on %s "
                                        "drawing %s: %s", code, script, job->png,
                          output);
            free(output);
            return rc;
        }
        free(output);
        sb_add(written, "%s\n", job->png);
    }
    if (written->oom) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    return EBM_OK;
}

static void ctx_free(plot_ctx *ctx) {
    for (int i = 0; i < ctx->n_jobs; i++) {
        free(ctx->jobs[i].script);
        free(ctx->jobs[i].assign);
        free(ctx->jobs[i].png);
    }
    free(ctx->jobs);
    for (int i = 0; i < ctx->n_overlays; i++) {
        overlay *o = &ctx->overlays[i];
        for (int k = 0; k < o->n; k++) {
            free(o->files[k]);
            free(o->titles[k]);
        }
        free(o->files);
        free(o->titles);
        free(o->metric);
        free(o->axis);
    }
    free(ctx->overlays);
    for (int i = 0; i < ctx->n_labels; i++) free(ctx->labels[i]);
    free(ctx->labels);
}

int ebm_plot(const ebm_plot_opts *opts, char **written, ebm_error *err) {
    ebm_error local;
    if (!err) err = &local;
    *written = NULL;
    if (opts->n_inputs < 1)
        return ebm_fail(err, EBM_EINVAL, "plot: give at least one run or sweep directory");
    plot_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    if (opts->out_dir) fmt_to(ctx->out, sizeof ctx->out, "%s", opts->out_dir);
    else default_out(opts->inputs[0], ctx->out, sizeof ctx->out);
    fmt_to(ctx->data, sizeof ctx->data, "%s/data", ctx->out);
    /* Check every input exists before writing anything. */
    int rc = EBM_OK;
    for (int i = 0; !rc && i < opts->n_inputs; i++)
        if (!ebm_proc_is_dir(opts->inputs[i]) && !ebm_proc_is_file(opts->inputs[i]))
            rc = ebm_fail(err, EBM_EINVAL, "%s: no such file or directory",
                          opts->inputs[i]);
    int out_existed = ebm_proc_is_dir(ctx->out);
    if (!rc) rc = ebm_proc_mkdirs(ctx->data, err);
    for (int i = 0; !rc && i < opts->n_inputs; i++)
        rc = export_input(ctx, opts->inputs[i], opts->n_inputs, err);
    if (!rc) rc = overlay_jobs(ctx, err);
    strbuf list = {0};
    if (!rc) rc = run_jobs(ctx, &list, err);
    if (rc) {
        /* A refused input leaves no empty directories behind (rmdir removes
         * only empty ones, so exported files of earlier inputs stay). */
        rmdir(ctx->data);
        if (!out_existed) rmdir(ctx->out);
    }
    ctx_free(ctx);
    free(ctx);
    if (rc) {
        free(list.text);
        return rc;
    }
    *written = list.text ? list.text : strdup("");
    return *written ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "out of memory");
}
