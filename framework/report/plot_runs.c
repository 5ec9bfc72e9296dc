/* plot_runs.c — `ebm plot` on one run file: every metric series written as
 * a data file (thinned when long) and added to its metric's overlay (a
 * <name>_lo/_hi pair as a band, <name>_exact as a second line), the
 * overlays then queued as one metric.gp plot each, or, for metrics of one
 * point, listed in single_values.csv; and the run's images (plot_images.c). */
#include "plot_runs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "claim.h"
#include "plot_images.h"
#include "plot_text.h"
#include "runfile.h"

/* A thinned series keeps the lowest and highest value of each of this many
 * buckets: more than a 900-pixel-wide picture can show, and spikes stay. */
#define THIN_BUCKETS 2000

/* A curve of more log points than this is drawn as a line alone: its point
 * marks, 0.4 of a character each, would merge into a band that hides it. */
#define MARKED_POINTS 200

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

/* The curve of the run titled title (of experiment) in o, added when new;
 * NULL when out of memory. */
static ebm_plot_curve *curve_of(ebm_plot_overlay *o, const char *title,
                                const char *experiment) {
    for (int k = 0; k < o->n; k++)
        if (strcmp(o->curves[k].title, title) == 0) return &o->curves[k];
    ebm_plot_curve *grown = realloc(o->curves, (size_t)(o->n + 1) * sizeof *grown);
    if (!grown) return NULL;
    o->curves = grown;
    ebm_plot_curve *c = &grown[o->n];
    memset(c, 0, sizeof *c);
    c->title = strdup(title);
    c->experiment = strdup(experiment);
    if (!c->title || !c->experiment) {
        free(c->title);
        free(c->experiment);
        return NULL;
    }
    o->n++;
    return c;
}

static void put_value(FILE *f, double v) {
    if (isfinite(v)) fprintf(f, " %.17g", v);
    else fputs(" NaN", f);
}

/* Which points of a series of n to write: all, or the first, the last, and
 * each bucket's lowest and highest (in step order). keep[i] is set. */
static void choose_points(const double *const *columns, int n_columns, size_t n, int all,
                          char *keep) {
    if (all || n <= 2 * THIN_BUCKETS) {
        memset(keep, 1, n);
        return;
    }
    memset(keep, 0, n);
    keep[0] = keep[n - 1] = 1;
    for (size_t b = 0; b < THIN_BUCKETS; b++) {
        size_t from = b * n / THIN_BUCKETS, to = (b + 1) * n / THIN_BUCKETS;
        for (int c = 0; c < n_columns; c++) {
            size_t lo = from, hi = from;
            for (size_t i = from; i < to; i++) {
                if (columns[c][i] < columns[c][lo]) lo = i;
                if (columns[c][i] > columns[c][hi]) hi = i;
            }
            keep[lo] = keep[hi] = 1;
        }
    }
}

/* "step value [value ...]" lines of one to three columns of equal length. */
static int write_columns(const char *path, const char *what, const int64_t *step,
                         const double *const *columns, int n_columns, size_t n, int all,
                         ebm_error *err) {
    char *keep = malloc(n ? n : 1);
    if (!keep) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    choose_points(columns, n_columns, n, all, keep);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(keep);
        return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    fprintf(f, "# %s\n", what);
    for (size_t i = 0; i < n; i++) {
        if (!keep[i]) continue;
        fprintf(f, "%lld", (long long)step[i]);
        for (int c = 0; c < n_columns; c++) put_value(f, columns[c][i]);
        fputc('\n', f);
    }
    free(keep);
    if (fclose(f) != 0) return ebm_fail(err, EBM_EIO, "%s: cannot write", path);
    return EBM_OK;
}

static int any_finite(const ebm_series *s) {
    for (size_t i = 0; i < s->n; i++)
        if (isfinite(s->value[i])) return 1;
    return 0;
}

/* name without suffix when it ends with it, into base; 0 otherwise. */
static int strip_suffix(const char *name, const char *suffix, char *base, size_t size) {
    size_t len = strlen(name), cut = strlen(suffix);
    if (len <= cut || strcmp(name + len - cut, suffix) != 0) return 0;
    ebm_plot_fmt(base, size, "%.*s", (int)(len - cut), name);
    return 1;
}

/* The role of series s in its run's plots: its own curve, a band's end, or
 * a companion of another metric (base names it). */
typedef enum { OWN, BAND_LO, BAND_HI, EXACT } series_role;

static series_role role_of(const ebm_runinfo *info, const ebm_series *s, char *base,
                           size_t size) {
    char partner[300];
    if (strip_suffix(s->name, "_lo", base, size)) {
        ebm_plot_fmt(partner, sizeof partner, "%s_hi", base);
        const ebm_series *hi = ebm_runinfo_metric(info, partner);
        if (hi && hi->n == s->n) return BAND_LO;
    }
    if (strip_suffix(s->name, "_hi", base, size)) {
        ebm_plot_fmt(partner, sizeof partner, "%s_lo", base);
        const ebm_series *lo = ebm_runinfo_metric(info, partner);
        if (lo && lo->n == s->n) return BAND_HI;
    }
    if (strip_suffix(s->name, "_exact", base, size)) {
        ebm_plot_fmt(partner, sizeof partner, "%s_lo", base);
        if (ebm_runinfo_metric(info, base) || ebm_runinfo_metric(info, partner)) return EXACT;
    }
    ebm_plot_fmt(base, size, "%s", s->name);
    return OWN;
}

/* The run's expect: entries that name a metric and a value (no crossing,
 * no at): each a reference line on that metric's plot. */
static int add_references(ebm_plot_ctx *ctx, const ebm_runinfo *info, const ebm_node *cfg,
                          ebm_error *err) {
    const ebm_node *expect = cfg ? ebm_node_child(cfg, "expect") : NULL;
    int rc = EBM_OK;
    for (int i = 0; !rc && expect && expect->kind == EBM_NODE_SEQ && i < expect->n; i++) {
        const ebm_node *e = expect->values[i];
        double value;
        const char *metric = ebm_cfg_str(e, "metric", ebm_cfg_str(e, "quantity", ""));
        const char *text = ebm_cfg_str(e, "value", NULL);
        const ebm_series *s = ebm_runinfo_metric(info, metric);
        if (!s || !text || ebm_parse_double(text, &value) != 0 || ebm_node_child(e, "at") ||
            ebm_node_child(e, "crossing"))
            continue;
        ebm_plot_overlay *o = find_overlay(ctx, metric, s->axis);
        if (!o) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
        else if (!o->ref_source) {
            o->ref_value = value;
            if (!(o->ref_source = strdup(ebm_cfg_str(e, "source", ""))))
                rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
        }
    }
    return rc;
}

int ebm_plot_run(ebm_plot_ctx *ctx, const char *run_path, const char *legend,
                 int with_images, ebm_error *err) {
    char label[200];
    if (ebm_plot_unique_label(ctx, legend, label, sizeof label))
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    if (ctx->images_by_label) {
        size_t len = strlen(ctx->images_out);
        ebm_plot_fmt(ctx->images_out + len, sizeof ctx->images_out - len, "/%s", label);
    }
    ebm_runinfo info;
    int rc = ebm_runfile_read(run_path, &info, err);
    if (rc) return rc;
    /* a config that does not parse has no name and no expect: entries */
    ebm_error ignored;
    ebm_node *cfg = ebm_cfg_parse_string(info.config_yaml, strlen(info.config_yaml),
                                         "config", &ignored);
    const char *experiment = ebm_cfg_str(cfg, "name", "");
    for (int m = 0; !rc && m < info.n_metrics; m++) {
        const ebm_series *s = &info.metrics[m];
        char base[300], metric[160], path[4600], what[400];
        series_role role = role_of(&info, s, base, sizeof base);
        if (role == BAND_HI || !any_finite(s)) continue;   /* gnuplot refuses all-NaN */
        ebm_plot_safe_name(metric, sizeof metric, role == BAND_LO ? base : s->name);
        ebm_plot_fmt(path, sizeof path, "%s/%s__%s%s.dat", ctx->data, label, metric,
                     role == BAND_LO ? "_band" : "");
        if (role == BAND_LO) {
            char hi_name[320];
            ebm_plot_fmt(hi_name, sizeof hi_name, "%s_hi", base);
            const ebm_series *hi = ebm_runinfo_metric(&info, hi_name);
            const double *columns[2] = {s->value, hi->value};
            ebm_plot_fmt(what, sizeof what, "%s: step %s %s", base, s->name, hi_name);
            rc = write_columns(path, what, s->step, columns, 2, s->n, ctx->all_points, err);
        } else {
            const double *columns[1] = {s->value};
            ebm_plot_fmt(what, sizeof what, "%s: step value", s->name);
            rc = write_columns(path, what, s->step, columns, 1, s->n, ctx->all_points, err);
        }
        ebm_plot_overlay *o = rc ? NULL : find_overlay(ctx, base, s->axis);
        ebm_plot_curve *c = o ? curve_of(o, legend, experiment) : NULL;
        char **slot = !c ? NULL : role == BAND_LO ? &c->band : role == EXACT ? &c->exact
                                                                             : &c->file;
        if (!rc && (!slot || !(*slot = strdup(path))))
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
        if (!rc && s->n > c->points) c->points = s->n;
    }
    if (!rc) rc = add_references(ctx, &info, cfg, err);
    ebm_image_set *sets = NULL;
    int n_sets = 0;
    if (!rc && with_images) rc = ebm_runfile_read_images(run_path, &sets, &n_sets, err);
    if (!rc && with_images) rc = ebm_plot_images(ctx, sets, n_sets, cfg, label, legend, err);
    ebm_image_sets_free(sets, n_sets);
    ebm_node_free(cfg);
    ebm_runinfo_free(&info);
    return rc;
}

/* What an axis counts, for its label: the runner's log points are epochs
 * ("step" in run files), a trace's axis says its own unit. */
const char *ebm_plot_axis_label(const char *axis) {
    return !axis[0] || strcmp(axis, "step") == 0 ? "epoch" : axis;
}

/* Metrics with at most one point per run are a table, not a picture:
 * OUT/single_values.csv, "metric,run,value". */
static int write_single_values(const ebm_plot_ctx *ctx, ebm_error *err) {
    ebm_plot_text t = {0};
    int any = 0;
    for (int i = 0; i < ctx->n_overlays; i++) {
        const ebm_plot_overlay *o = &ctx->overlays[i];
        int single = 1;
        for (int k = 0; k < o->n; k++) single &= o->curves[k].points <= 1;
        if (!single) continue;
        for (int k = 0; k < o->n; k++) {
            const ebm_plot_curve *c = &o->curves[k];
            if (!c->file) continue;
            FILE *f = fopen(c->file, "r");
            char line[256];
            double v = NAN;
            long long step;
            while (f && fgets(line, sizeof line, f))
                if (line[0] != '#') sscanf(line, "%lld %lf", &step, &v);
            if (f) fclose(f);
            if (!any) ebm_plot_text_add(&t, "metric,run,value\n");
            any = 1;
            ebm_plot_text_add(&t, "\"%s\",\"%s\",%.10g\n", o->metric, c->title, v);
        }
    }
    if (t.oom) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    int rc = EBM_OK;
    if (any) {
        char path[4200];
        ebm_plot_fmt(path, sizeof path, "%s/single_values.csv", ctx->out);
        rc = ebm_claim_write_file(path, t.text, err);
    }
    free(t.text);
    return rc;
}

/* A metric plot's title: "<experiment(s)>: <metric>" and, under it, the
 * run's label when it is the only one (else the legend names the runs, and
 * the title says how many); fitted to metric.gp's 900 pixels, so a long
 * label is cut, never the metric. */
static void overlay_title(const ebm_plot_overlay *o, char *out, size_t size) {
    char names[600] = "";
    size_t used = 0;
    for (int k = 0; k < o->n; k++) {
        const char *e = o->curves[k].experiment;
        int seen = !*e;
        for (int j = 0; j < k && !seen; j++) seen = strcmp(o->curves[j].experiment, e) == 0;
        if (!seen && used < sizeof names)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                     used ? ", " : "", e);
    }
    char text[1200];
    int width = ebm_plot_title_width(900);
    ebm_plot_fmt(text, sizeof text, "%s%s%s", names, *names ? ": " : "", o->metric);
    if (o->n > 1) ebm_plot_fmt(text + strlen(text), sizeof text - strlen(text), " (%d runs)", o->n);
    out[0] = '\0';
    ebm_plot_title_add(out, size, text, width, 2);
    if (o->n == 1) {
        ebm_plot_fmt(text, sizeof text, "run %s", o->curves[0].title);
        ebm_plot_title_add(out, size, text, width, 1);
    }
}

int ebm_plot_overlays(ebm_plot_ctx *ctx, ebm_error *err) {
    int rc = write_single_values(ctx, err);
    for (int i = 0; !rc && i < ctx->n_overlays; i++) {
        const ebm_plot_overlay *o = &ctx->overlays[i];
        int single = 1;
        for (int k = 0; k < o->n; k++) single &= o->curves[k].points <= 1;
        if (single) continue;
        char metric[160], png[4600];
        ebm_plot_safe_name(metric, sizeof metric, o->metric);
        ebm_plot_fmt(png, sizeof png, "%s/%s.png", ctx->out, metric);
        ebm_plot_text a = {0};
        ebm_plot_text_add(&a, "n=%d; ", o->n);
        for (int k = 0; k < o->n; k++) {
            const ebm_plot_curve *c = &o->curves[k];
            char name[32];
            ebm_plot_fmt(name, sizeof name, "file%d", k + 1);
            ebm_plot_text_gp(&a, name, c->file ? c->file : "");
            ebm_plot_fmt(name, sizeof name, "band%d", k + 1);
            ebm_plot_text_gp(&a, name, c->band ? c->band : "");
            ebm_plot_fmt(name, sizeof name, "exact%d", k + 1);
            ebm_plot_text_gp(&a, name, c->exact ? c->exact : "");
            /* a legend line fits below the plot (after the line sample) */
            char legend[600];
            ebm_plot_fit_title(legend, sizeof legend, c->title, ebm_plot_title_width(800), 1);
            ebm_plot_fmt(name, sizeof name, "title%d", k + 1);
            ebm_plot_text_gp(&a, name, legend);
            ebm_plot_text_add(&a, "shade%d=%.17g; ", k + 1, o->shade_key ? c->shade : 0.0);
            ebm_plot_text_add(&a, "marks%d=%d; ", k + 1, c->points <= MARKED_POINTS);
        }
        ebm_plot_text_add(&a, "gradient=%d; ", o->shade_key != NULL);
        ebm_plot_text_gp(&a, "shadekey", o->shade_key ? o->shade_key : "");
        /* the documented value, its source cut to fit the legend line */
        char text[1200], source[1200];
        ebm_plot_fmt(text, sizeof text, "documented %.6g: %s", o->ref_value,
                     o->ref_source ? o->ref_source : "");
        ebm_plot_fit_title(source, sizeof source, text, ebm_plot_title_width(800), 1);
        ebm_plot_text_add(&a, "hasref=%d; refvalue=%.17g; ", o->ref_source != NULL,
                          o->ref_source ? o->ref_value : 0.0);
        ebm_plot_text_gp(&a, "reflabel", source);
        ebm_plot_text_gp(&a, "outfile", png);
        ebm_plot_text_gp(&a, "xlabel", ebm_plot_axis_label(o->axis));
        ebm_plot_text_gp(&a, "ylabel", o->metric);
        char title[1200];
        overlay_title(o, title, sizeof title);
        ebm_plot_text_gp(&a, "plottitle", title);
        rc = ebm_gp_jobs_add(&ctx->jobs, "metric.gp", &a, png, err);
    }
    return rc;
}
