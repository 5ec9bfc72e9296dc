/* plot.c — `ebm plot`: checks the inputs, exports each one (a run directory
 * or run.h5: plot_runs.c; a sweep directory: plot_sweep.c) as text files
 * under OUT/data, then draws the PNGs with gnuplot (gnuplot.c). Several
 * runs are labelled by what differs between their configs. */
#include "plot.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_diff.h"
#include "gnuplot.h"
#include "plot_ctx.h"
#include "plot_runs.h"
#include "plot_sweep.h"
#include "plot_text.h"
#include "proc.h"
#include "runfile.h"

/* The last path component without trailing slashes (and without ".h5"
 * when strip_h5). */
static void base_name(const char *path, char *out, size_t size) {
    char copy[4096];
    ebm_plot_fmt(copy, sizeof copy, "%s", path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/') copy[--len] = '\0';
    const char *slash = strrchr(copy, '/');
    ebm_plot_fmt(out, size, "%s", slash && slash[1] ? slash + 1 : copy);
}

static void parent_dir(const char *path, char *out, size_t size) {
    ebm_plot_fmt(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (!slash) ebm_plot_fmt(out, size, ".");
    else if (slash == out) out[1] = '\0';
    else *slash = '\0';
}

/* The run file of input (a run directory or a file), or 0. */
static int run_file_of(const char *input, char *out, size_t size) {
    if (ebm_proc_is_dir(input)) {
        ebm_plot_fmt(out, size, "%s/run.h5", input);
        char sweep[4400];
        ebm_plot_fmt(sweep, sizeof sweep, "%s/summary.csv", input);
        return !ebm_proc_is_file(sweep) && ebm_proc_is_file(out);
    }
    ebm_plot_fmt(out, size, "%s", input);
    return ebm_proc_is_file(out);
}

/* Legends for several runs: the config keys that differ between them
 * ("lr=0.05 type=pt"); NULL entries (keep the directory name) when they do
 * not differ or there is one run. labels[i] is malloc'd. */
static int diff_labels(const ebm_plot_opts *opts, char **labels, ebm_error *err) {
    int n_runs = 0, rc = EBM_OK;
    char **yamls = calloc((size_t)opts->n_inputs, sizeof *yamls);
    int *which = calloc((size_t)opts->n_inputs, sizeof *which);
    if (!yamls || !which) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < opts->n_inputs; i++) {
        char path[4400];
        ebm_runinfo info;
        ebm_error ignored;
        if (!run_file_of(opts->inputs[i], path, sizeof path) ||
            ebm_runfile_read(path, &info, &ignored) != EBM_OK)
            continue;
        yamls[n_runs] = info.config_yaml;
        info.config_yaml = NULL;
        which[n_runs++] = i;
        ebm_runinfo_free(&info);
    }
    ebm_config_diff diff;
    if (!rc && n_runs > 1 && !(rc = ebm_config_diff_make((const char *const *)yamls, n_runs,
                                                          &diff, err))) {
        for (int r = 0; !rc && r < n_runs && diff.n_keys > 0; r++) {
            char label[600];
            ebm_config_diff_label(&diff, r, label, sizeof label);
            if (!(labels[which[r]] = strdup(label))) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
        }
        ebm_config_diff_free(&diff);
    }
    for (int r = 0; yamls && r < n_runs; r++) free(yamls[r]);
    free(yamls);
    free(which);
    return rc;
}

/* Where a run's pictures go, each named <what>.png, the folder saying
 * whose: with --out, OUT for one input and OUT/<label> (the run's file
 * label, added by plot_runs.c) for several; without, the run's own
 * DIR/plots (never another run's directory), or DIR/plots/<stem> for a file
 * other than run.h5 (an `ebm sample` file beside its run). The directory is
 * made when the first image is drawn (plot_images.c). */
static void images_into(ebm_plot_ctx *ctx, const char *run_dir, const char *stem,
                        int n_inputs) {
    ctx->images_by_label = ctx->out_given && n_inputs > 1;
    if (ctx->out_given)
        ebm_plot_fmt(ctx->images_out, sizeof ctx->images_out, "%s", ctx->out);
    else if (stem)
        ebm_plot_fmt(ctx->images_out, sizeof ctx->images_out, "%s/plots/%s", run_dir, stem);
    else
        ebm_plot_fmt(ctx->images_out, sizeof ctx->images_out, "%s/plots", run_dir);
}

static int export_input(ebm_plot_ctx *ctx, const char *input, int n_inputs,
                        const char *label, ebm_error *err) {
    char path[4400], name[4096];
    if (ebm_proc_is_dir(input)) {
        base_name(input, name, sizeof name);
        ebm_plot_fmt(path, sizeof path, "%s/summary.csv", input);
        if (ebm_proc_is_file(path)) return ebm_plot_sweep(ctx, input, name, n_inputs > 1, err);
        ebm_plot_fmt(path, sizeof path, "%s/run.h5", input);
        if (ebm_proc_is_file(path)) {
            images_into(ctx, input, NULL, n_inputs);
            return ebm_plot_run(ctx, path, label ? label : name, 1, err);
        }
        return ebm_fail(err, EBM_EINVAL,
                        "%s: neither a run directory (run.h5) nor a sweep "
                        "directory (summary.csv)", input);
    }
    if (!ebm_proc_is_file(input))
        return ebm_fail(err, EBM_EINVAL, "%s: no such file or directory", input);
    /* A run.h5 takes its directory's name; any other file its own stem. */
    base_name(input, name, sizeof name);
    int run_h5 = strcmp(name, "run.h5") == 0;
    char dir[4096];
    parent_dir(input, dir, sizeof dir);
    if (run_h5) {
        base_name(dir, name, sizeof name);
    } else {
        char *dot = strrchr(name, '.');
        if (dot && dot != name) *dot = '\0';
    }
    char stem[160];
    ebm_plot_safe_name(stem, sizeof stem, name);
    images_into(ctx, dir, run_h5 ? NULL : stem, n_inputs);
    return ebm_plot_run(ctx, input, label ? label : name, 1, err);
}

static void default_out(const char *input, char *out, size_t size) {
    char dir[4096];
    if (ebm_proc_is_dir(input)) ebm_plot_fmt(dir, sizeof dir, "%s", input);
    else parent_dir(input, dir, sizeof dir);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') dir[--len] = '\0';
    ebm_plot_fmt(out, size, "%s/plots", dir);
}

int ebm_plot(const ebm_plot_opts *opts, char **written, ebm_error *err) {
    ebm_error local;
    if (!err) err = &local;
    *written = NULL;
    if (opts->n_inputs < 1)
        return ebm_fail(err, EBM_EINVAL, "plot: give at least one run or sweep directory");
    ebm_plot_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    if (opts->out_dir) ebm_plot_fmt(ctx->out, sizeof ctx->out, "%s", opts->out_dir);
    else default_out(opts->inputs[0], ctx->out, sizeof ctx->out);
    ebm_plot_fmt(ctx->data, sizeof ctx->data, "%s/data", ctx->out);
    /* Check every input exists before writing anything. */
    int rc = EBM_OK;
    for (int i = 0; !rc && i < opts->n_inputs; i++)
        if (!ebm_proc_is_dir(opts->inputs[i]) && !ebm_proc_is_file(opts->inputs[i]))
            rc = ebm_fail(err, EBM_EINVAL, "%s: no such file or directory",
                          opts->inputs[i]);
    ctx->all_points = opts->all_points;
    ctx->out_given = opts->out_dir != NULL;
    char **labels = calloc((size_t)opts->n_inputs, sizeof *labels);
    if (!rc && !labels) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    if (!rc) rc = diff_labels(opts, labels, err);
    int out_existed = ebm_proc_is_dir(ctx->out);
    if (!rc) rc = ebm_proc_mkdirs(ctx->data, err);
    for (int i = 0; !rc && i < opts->n_inputs; i++)
        rc = export_input(ctx, opts->inputs[i], opts->n_inputs, labels[i], err);
    for (int i = 0; labels && i < opts->n_inputs; i++) free(labels[i]);
    free(labels);
    if (!rc) rc = ebm_plot_overlays(ctx, err);
    ebm_plot_text list = {0};
    if (!rc) rc = ebm_gp_jobs_run(&ctx->jobs, ctx->data, &list, err);
    if (rc) {
        /* A refused input leaves no empty directories behind (rmdir removes
         * only empty ones, so exported files of earlier inputs stay). */
        rmdir(ctx->data);
        if (!out_existed) rmdir(ctx->out);
    }
    ebm_plot_ctx_free(ctx);
    free(ctx);
    if (rc) {
        free(list.text);
        return rc;
    }
    *written = list.text ? list.text : strdup("");
    return *written ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "out of memory");
}
