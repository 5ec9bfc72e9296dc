/* plot_runs.c — `ebm plot` on one run file: every metric series written as
 * a data file and added to its metric's overlay, the overlays then queued as
 * one metric.gp plot each; and the run's images (plot_images.c). */
#include "plot_runs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_images.h"
#include "plot_text.h"
#include "runfile.h"

/* The overlay of metric, created (on axis, "step" when none) the first time;
 * NULL when out of memory. */
static ebm_plot_overlay *find_overlay(ebm_plot_ctx *ctx, const char *metric, const char *axis) {
    for (int i = 0; i < ctx->n_overlays; i++)
        if (strcmp(ctx->overlays[i].metric, metric) == 0) return &ctx->overlays[i];
    ebm_plot_overlay *grown = realloc(ctx->overlays,
                             (size_t)(ctx->n_overlays + 1) * sizeof *grown);
    if (!grown) return NULL;
    ctx->overlays = grown;
    ebm_plot_overlay *o = &grown[ctx->n_overlays];
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

/* Adds a run's data file and legend to an overlay; -1 when out of memory. */
static int overlay_add(ebm_plot_overlay *o, const char *file, const char *title) {
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

/* A series as "step value" lines (NaN for a non-finite value). */
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

int ebm_plot_run(ebm_plot_ctx *ctx, const char *run_path, const char *legend,
                 int with_images, ebm_error *err) {
    char label[200];
    if (ebm_plot_unique_label(ctx, legend, label, sizeof label))
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    ebm_runinfo info;
    int rc = ebm_runfile_read(run_path, &info, err);
    if (rc) return rc;
    for (int m = 0; !rc && m < info.n_metrics; m++) {
        const ebm_series *s = &info.metrics[m];
        char metric[160], path[4600];
        ebm_plot_safe_name(metric, sizeof metric, s->name);
        ebm_plot_fmt(path, sizeof path, "%s/%s__%s.dat", ctx->data, label, metric);
        rc = write_series(path, s, err);
        if (rc || !any_finite(s)) continue;   /* gnuplot refuses an all-NaN plot */
        ebm_plot_overlay *o = find_overlay(ctx, s->name, s->axis);
        if (!o || overlay_add(o, path, legend))
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    ebm_runinfo_free(&info);
    if (rc || !with_images) return rc;

    ebm_image_set *sets;
    int n_sets;
    rc = ebm_runfile_read_images(run_path, &sets, &n_sets, err);
    if (rc) return rc;
    rc = ebm_plot_images(ctx, sets, n_sets, label, legend, err);
    ebm_image_sets_free(sets, n_sets);
    return rc;
}

int ebm_plot_overlays(ebm_plot_ctx *ctx, ebm_error *err) {
    for (int i = 0; i < ctx->n_overlays; i++) {
        const ebm_plot_overlay *o = &ctx->overlays[i];
        char metric[160], png[4600];
        ebm_plot_safe_name(metric, sizeof metric, o->metric);
        ebm_plot_fmt(png, sizeof png, "%s/%s.png", ctx->out, metric);
        ebm_plot_text a = {0};
        ebm_plot_text_add(&a, "n=%d; ", o->n);
        for (int k = 0; k < o->n; k++) {
            char name[32];
            ebm_plot_fmt(name, sizeof name, "file%d", k + 1);
            ebm_plot_text_gp(&a, name, o->files[k]);
            ebm_plot_fmt(name, sizeof name, "title%d", k + 1);
            ebm_plot_text_gp(&a, name, o->titles[k]);
        }
        ebm_plot_text_gp(&a, "outfile", png);
        ebm_plot_text_gp(&a, "xlabel", o->axis);
        ebm_plot_text_gp(&a, "ylabel", o->metric);
        ebm_plot_text_gp(&a, "plottitle", o->metric);
        int rc = ebm_gp_jobs_add(&ctx->jobs, "metric.gp", &a, png, err);
        if (rc) return rc;
    }
    return EBM_OK;
}
