/* plot_sweep.c — `ebm plot` on a sweep directory: every point's metrics
 * overlaid (plot_runs.c), and each final metric against each swept key (a
 * numeric key as an axis, a text key such as a sampler as categories), one
 * series per combination of the other keys, with the values the
 * experiment's expect: entries document on that plot (sweep_final.gp). */
#include "plot_sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "expect.h"
#include "plot_runs.h"
#include "plot_text.h"
#include "proc.h"
#include "summary.h"
#include "text_table.h"

typedef struct xy { double x, y; } xy;

static int cmp_xy(const void *a, const void *b) {
    double p = ((const xy *)a)->x, q = ((const xy *)b)->x;
    return (p > q) - (p < q);
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
    if (!out[0]) ebm_plot_fmt(out, size, "all points");
}

/* Point p's swept values as a legend names them: after "prefix:" (when
 * given), each key's last part and value ("rule=hebbian seed=2"), but key
 * `skip` (-1: none), each value shown by what sets it apart from the other
 * points' (a sampler swept whole). Empty when there are none to name. */
static void swept_values(const ebm_summary *s, int p, int skip, const char *prefix,
                         char *out, size_t size) {
    size_t used = 0;
    out[0] = '\0';
    if (prefix) used = (size_t)snprintf(out, size, "%s:", prefix);
    for (int k = 0; k < s->n_keys && used < size; k++) {
        if (k == skip) continue;
        const char *dot = strrchr(s->keys[k], '.');
        /* a legend line holds more than a table's column */
        char value[600];
        ebm_text_shown_value(value, sizeof value, s->params[(size_t)p * s->n_keys + k],
                             (const char *const *)s->params + k, (size_t)s->n_points,
                             (size_t)s->n_keys, (size_t)ebm_plot_title_width(800));
        used += (size_t)snprintf(out + used, size - used, "%s%s=%s", used ? " " : "",
                                 dot ? dot + 1 : s->keys[k], value);
    }
}

/* The documented points and crossings of expect (ebm_expect_mark_for) on
 * the plot of metric against key, as data files named to sweep_final.gp:
 * docpoints (x y ylow yhigh) and doccross (x y xlow xhigh). */
static int write_marks(ebm_plot_ctx *ctx, const char *stem, const ebm_node *expect,
                       const char *metric, const char *key, ebm_plot_text *a,
                       ebm_error *err) {
    static const char *const names[2] = {"docpoints", "doccross"};
    for (int crossing = 0; crossing < 2; crossing++) {
        FILE *f = NULL;
        char path[4700];
        for (int i = 0; expect && expect->kind == EBM_NODE_SEQ && i < expect->n; i++) {
            ebm_expect_mark mark;
            if (!ebm_expect_mark_for(expect->values[i], metric, key, &mark) ||
                mark.is_crossing != crossing)
                continue;
            if (!f) {
                ebm_plot_fmt(path, sizeof path, "%s/%s__%s.dat", ctx->data, stem,
                             names[crossing]);
                if (!(f = fopen(path, "w")))
                    return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path,
                                    strerror(errno));
                fprintf(f, "# documented by expect: %s\n",
                        crossing ? "crossing, its level, low, high" : "key, value, low, high");
            }
            fprintf(f, "%.17g %.17g %.17g %.17g\n", mark.x, mark.y, mark.low, mark.high);
        }
        if (f && fclose(f) != 0) return ebm_fail(err, EBM_EIO, "%s: cannot write", path);
        if (f) ebm_plot_text_gp(a, names[crossing], path);
    }
    return EBM_OK;
}

/* Labels of a text key's categories: up to this many characters each. */
#define CATEGORY_LABEL 40

/* The categories of text key k: category[p] for each point, numbered in the
 * order the points first give a value; their labels (the values, shown by
 * what sets them apart) into labels. Returns how many; -1 out of memory. */
static int categories(const ebm_summary *s, int k, int *category, char (*labels)[200]) {
    int n = 0;
    const char **first = malloc((size_t)s->n_points * sizeof *first);
    if (!first) return -1;
    for (int p = 0; p < s->n_points; p++) {
        const char *v = s->params[(size_t)p * s->n_keys + k];
        int c = 0;
        while (c < n && strcmp(first[c], v) != 0) c++;
        if (c == n) first[n++] = v;
        category[p] = c;
    }
    for (int c = 0; c < n; c++) {
        ebm_text_shown_value(labels[c], sizeof labels[c], first[c], first, (size_t)n, 1,
                             CATEGORY_LABEL);
        for (char *q = labels[c]; *q; q++)
            if (*q == '"') *q = '\'';   /* the label is quoted in the data file */
    }
    free(first);
    return n;
}

/* Final metric against swept key k: one series per combination of the other
 * keys, each sorted by the swept value (a text key's by its category). */
static int final_vs_key(ebm_plot_ctx *ctx, const ebm_summary *s, const char *experiment,
                        const ebm_node *expect, const char *sweep_label,
                        const char *png_dir, int k, int m, ebm_error *err) {
    int np = s->n_points;
    xy *pts = malloc((size_t)np * sizeof *pts);
    char (*groups)[400] = malloc((size_t)np * sizeof *groups);
    int *done = calloc((size_t)np, sizeof *done);
    int categorical = ebm_summary_key_kind(s, k) == EBM_KEY_TEXT, n_cat = 0;
    int *category = categorical ? calloc((size_t)np, sizeof *category) : NULL;
    char (*labels)[200] = categorical ? calloc((size_t)np, sizeof *labels) : NULL;
    int rc = EBM_OK, n_series = 0;
    ebm_plot_text a = {0};
    if (!pts || !groups || !done || (categorical && (!category || !labels)) ||
        (categorical && (n_cat = categories(s, k, category, labels)) < 0))
        rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int p = 0; !rc && p < np; p++) other_keys(s, p, k, groups[p], sizeof groups[p]);
    char metric[160], key[160], png[4600];
    ebm_plot_safe_name(metric, sizeof metric, s->metrics[m]);
    ebm_plot_safe_name(key, sizeof key, s->keys[k]);
    ebm_plot_fmt(png, sizeof png, "%s/final_%s_vs_%s.png", png_dir, metric, key);
    for (int p = 0; !rc && p < np; p++) {
        if (done[p]) continue;
        int n = 0;
        for (int q = p; q < np; q++) {
            if (done[q] || strcmp(groups[q], groups[p]) != 0) continue;
            done[q] = 1;
            double y = s->final[(size_t)q * s->n_metrics + m];
            if (!isfinite(y)) continue;
            const char *value = s->params[(size_t)q * s->n_keys + k];
            pts[n].x = categorical ? category[q] : strtod(value, NULL);
            pts[n++].y = y;
        }
        if (n == 0) continue;
        qsort(pts, (size_t)n, sizeof *pts, cmp_xy);
        char path[4700];
        ebm_plot_fmt(path, sizeof path, "%s/%s__final_%s_vs_%s__%d.dat", ctx->data,
                 sweep_label, metric, key, n_series + 1);
        FILE *f = fopen(path, "w");
        if (!f) {
            rc = ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
            break;
        }
        fprintf(f, "# %s final %s (%s)\n", s->keys[k], s->metrics[m], groups[p]);
        for (int i = 0; i < n; i++) {
            if (categorical)
                fprintf(f, "%d %.17g \"%s\"\n", (int)pts[i].x, pts[i].y,
                        labels[(int)pts[i].x]);
            else
                fprintf(f, "%.17g %.17g\n", pts[i].x, pts[i].y);
        }
        if (fclose(f) != 0) {
            rc = ebm_fail(err, EBM_EIO, "%s: cannot write", path);
            break;
        }
        n_series++;
        char name[32];
        ebm_plot_fmt(name, sizeof name, "file%d", n_series);
        ebm_plot_text_gp(&a, name, path);
        char title[600], fitted[600];
        swept_values(s, p, k, NULL, title, sizeof title);
        if (!title[0]) ebm_plot_fmt(title, sizeof title, "all points");
        ebm_plot_fit_title(fitted, sizeof fitted, title, ebm_plot_title_width(800), 1);
        ebm_plot_fmt(name, sizeof name, "title%d", n_series);
        ebm_plot_text_gp(&a, name, fitted);
    }
    if (!rc && n_series > 0 && !categorical) {
        char stem[600];
        ebm_plot_fmt(stem, sizeof stem, "%s__final_%s_vs_%s", sweep_label, metric, key);
        rc = write_marks(ctx, stem, expect, s->metrics[m], s->keys[k], &a, err);
    }
    if (!rc && n_series > 0) {
        char ylabel[300], text[1200], title[1200] = "";
        int width = ebm_plot_title_width(900);
        ebm_plot_fmt(ylabel, sizeof ylabel, "final %s", s->metrics[m]);
        ebm_plot_fmt(text, sizeof text, "%s%sfinal %s against %s", experiment,
                     *experiment ? ": " : "", s->metrics[m], s->keys[k]);
        ebm_plot_title_add(title, sizeof title, text, width, 2);
        ebm_plot_fmt(text, sizeof text, "sweep %s", sweep_label);
        ebm_plot_title_add(title, sizeof title, text, width, 1);
        ebm_plot_text_add(&a, "n=%d; categories=%d; ", n_series, n_cat);
        ebm_plot_text_gp(&a, "outfile", png);
        ebm_plot_text_gp(&a, "xlabel", s->keys[k]);
        ebm_plot_text_gp(&a, "ylabel", ylabel);
        ebm_plot_text_gp(&a, "plottitle", title);
        rc = ebm_gp_jobs_add(&ctx->jobs, "sweep_final.gp", &a, png, err);
    } else {
        free(a.text);
    }
    free(pts);
    free(groups);
    free(done);
    free(category);
    free(labels);
    return rc;
}

/* Sweeps of more points than this over one numeric key draw a gradient. */
#define GRADIENT_POINTS 5

/* The point legend of p as ebm_plot_sweep builds it: its swept values, or
 * its name when it has none. */
static void point_legend(const ebm_summary *s, int p, const char *prefix, char *legend,
                         size_t size) {
    swept_values(s, p, -1, prefix, legend, size);
    if (!legend[0]) ebm_plot_fmt(legend, size, "%s", s->points[p]);
}

/* Marks every overlay's curves of this sweep's points with their value of
 * the one swept key. */
static int shade_curves(ebm_plot_ctx *ctx, const ebm_summary *s, const char *prefix,
                        ebm_error *err) {
    for (int i = 0; i < ctx->n_overlays; i++) {
        ebm_plot_overlay *o = &ctx->overlays[i];
        int marked = 0;
        for (int p = 0; p < s->n_points; p++) {
            char legend[600];
            point_legend(s, p, prefix, legend, sizeof legend);
            for (int c = 0; c < o->n; c++)
                if (strcmp(o->curves[c].title, legend) == 0) {
                    o->curves[c].shade = strtod(s->params[p], NULL);
                    marked++;
                }
        }
        if (marked == o->n && o->n > GRADIENT_POINTS && !o->shade_key &&
            !(o->shade_key = strdup(s->keys[0])))
            return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    return EBM_OK;
}

int ebm_plot_sweep(ebm_plot_ctx *ctx, const char *dir, const char *sweep_name,
                   int prefix_points, ebm_error *err) {
    char path[4400];
    ebm_plot_fmt(path, sizeof path, "%s/summary.csv", dir);
    ebm_summary s;
    int rc = ebm_summary_read_csv(path, &s, err);
    if (rc) return rc;
    char sweep_label[200];
    if (ebm_plot_unique_label(ctx, sweep_name, sweep_label, sizeof sweep_label))
        rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int p = 0; !rc && p < s.n_points; p++) {
        ebm_plot_fmt(path, sizeof path, "%s/%s/run.h5", dir, s.points[p]);
        if (!ebm_proc_is_file(path)) continue;   /* a point that never ran */
        /* a point is named by its swept values, "load=0.1 rule=hebbian" */
        char legend[600];
        point_legend(&s, p, prefix_points ? sweep_name : NULL, legend, sizeof legend);
        ebm_error point_err;
        /* An unreadable point (killed mid-write) is left out, not fatal. */
        /* each point's images in its own plots/ (OUT/<point> under --out,
         * OUT/<sweep>/<point> when there are other inputs) */
        ctx->images_by_label = 0;
        if (ctx->out_given && prefix_points)
            ebm_plot_fmt(ctx->images_out, sizeof ctx->images_out, "%s/%s/%s", ctx->out,
                         sweep_label, s.points[p]);
        else if (ctx->out_given)
            ebm_plot_fmt(ctx->images_out, sizeof ctx->images_out, "%s/%s", ctx->out, s.points[p]);
        else
            ebm_plot_fmt(ctx->images_out, sizeof ctx->images_out, "%s/%s/plots", dir,
                         s.points[p]);
        if (ebm_plot_run(ctx, path, legend, 1, &point_err) == EBM_ENOMEM)
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    /* One numeric key and more points than a legend reads well: a colour
     * gradient by its value, with a colour bar. */
    if (!rc && s.n_keys == 1 && ebm_summary_key_kind(&s, 0) != EBM_KEY_TEXT &&
        s.n_points > GRADIENT_POINTS)
        rc = shade_curves(ctx, &s, prefix_points ? sweep_name : NULL, err);
    /* the experiment is the name in the sweep's config.yaml */
    ebm_plot_fmt(path, sizeof path, "%s/config.yaml", dir);
    ebm_error ignored;
    ebm_node *cfg = ebm_proc_is_file(path) ? ebm_cfg_parse_file(path, &ignored) : NULL;
    /* the sweep's own pictures: OUT, or OUT/<sweep> when there are other inputs */
    char png_dir[4400];
    if (prefix_points) ebm_plot_fmt(png_dir, sizeof png_dir, "%s/%s", ctx->out, sweep_label);
    else ebm_plot_fmt(png_dir, sizeof png_dir, "%s", ctx->out);
    if (!rc && s.n_keys > 0 && s.n_metrics > 0) rc = ebm_proc_mkdirs(png_dir, err);
    for (int k = 0; !rc && k < s.n_keys; k++) {
        for (int m = 0; !rc && m < s.n_metrics; m++)
            rc = final_vs_key(ctx, &s, ebm_cfg_str(cfg, "name", ""),
                              cfg ? ebm_node_child(cfg, "expect") : NULL, sweep_label,
                              png_dir, k, m, err);
    }
    ebm_node_free(cfg);
    ebm_summary_free(&s);
    return rc;
}
