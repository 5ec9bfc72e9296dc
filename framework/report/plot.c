/* plot.c — `ebm plot`: checks the inputs, exports each one (a run directory
 * or run.h5: plot_runs.c; a sweep directory: plot_sweep.c) as text files
 * under OUT/data, then draws the PNGs with gnuplot (gnuplot.c). */
#include "plot.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gnuplot.h"
#include "plot_ctx.h"
#include "plot_runs.h"
#include "plot_sweep.h"
#include "plot_text.h"
#include "proc.h"

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

static int export_input(ebm_plot_ctx *ctx, const char *input, int n_inputs,
                        ebm_error *err) {
    char path[4400], name[4096];
    if (ebm_proc_is_dir(input)) {
        base_name(input, name, sizeof name);
        ebm_plot_fmt(path, sizeof path, "%s/summary.csv", input);
        if (ebm_proc_is_file(path)) return ebm_plot_sweep(ctx, input, name, n_inputs > 1, err);
        ebm_plot_fmt(path, sizeof path, "%s/run.h5", input);
        if (ebm_proc_is_file(path)) return ebm_plot_run(ctx, path, name, 1, err);
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
    return ebm_plot_run(ctx, input, name, 1, err);
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
    int out_existed = ebm_proc_is_dir(ctx->out);
    if (!rc) rc = ebm_proc_mkdirs(ctx->data, err);
    for (int i = 0; !rc && i < opts->n_inputs; i++)
        rc = export_input(ctx, opts->inputs[i], opts->n_inputs, err);
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
