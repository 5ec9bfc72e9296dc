/* expect.c — turning an experiment's `expect:` entries into reproduce rows:
 * read the quantity from the run or sweep results (a reduced metric, a sweep
 * point's metric, or where a metric crosses a level along a swept key) and
 * compare it with the documented value. */
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "runfile.h"
#include "summary.h"

static const char *child_text(const ebm_node *map, const char *key) {
    const ebm_node *n = map && map->kind == EBM_NODE_MAP ? ebm_node_child(map, key) : NULL;
    return n && n->kind == EBM_NODE_SCALAR ? n->scalar : NULL;
}

static int child_number(const ebm_node *map, const char *key, double *out) {
    const char *text = child_text(map, key);
    return text && ebm_parse_double(text, out) == 0 ? 0 : -1;
}

static int push_row(ebm_reproduce_row **rows, int *n_rows,
                    const ebm_reproduce_row *row) {
    ebm_reproduce_row *grown = realloc(*rows, (size_t)(*n_rows + 1) * sizeof *grown);
    if (!grown) return -1;
    *rows = grown;
    grown[(*n_rows)++] = *row;
    return 0;
}

/* The documented side of a row: value ± tolerance or range [lo, hi]. */
static void documented(const ebm_node *entry, ebm_reproduce_row *row,
                       char *note, size_t note_size) {
    const ebm_node *range = ebm_node_child(entry, "range");
    double lo, hi, value, tol = 0;
    row->documented = row->low = row->high = NAN;
    row->tolerance = 0;
    if (range && range->kind == EBM_NODE_SEQ && range->n == 2 &&
        range->values[0]->kind == EBM_NODE_SCALAR &&
        range->values[1]->kind == EBM_NODE_SCALAR &&
        ebm_parse_double(range->values[0]->scalar, &lo) == 0 &&
        ebm_parse_double(range->values[1]->scalar, &hi) == 0 && lo <= hi) {
        row->low = lo;
        row->high = hi;
        row->tolerance = -1;
        /* a one-sided range ([2, .inf]) without a value: its finite end */
        row->documented = child_number(entry, "value", &value) == 0 ? value
                          : isfinite(lo) && isfinite(hi)            ? 0.5 * (lo + hi)
                          : isfinite(lo)                            ? lo
                                                                    : hi;
        return;
    }
    if (range) {
        snprintf(note, note_size, "range must be [low, high] with low <= high");
        return;
    }
    if (child_number(entry, "value", &value) != 0) {
        snprintf(note, note_size, "the entry has no numeric value or range");
        return;
    }
    if (ebm_node_child(entry, "tolerance") &&
        (child_number(entry, "tolerance", &tol) != 0 || tol < 0)) {
        snprintf(note, note_size, "tolerance must be a number >= 0");
        return;
    }
    row->documented = value;
    row->tolerance = tol;
    row->low = value - tol;
    row->high = value + tol;
}

static double reduce_series(const ebm_series *s, const char *reduce, char *note,
                            size_t note_size) {
    if (s->n == 0) {
        snprintf(note, note_size, "metric %s has no values", s->name);
        return NAN;
    }
    if (strcmp(reduce, "final") == 0) return s->value[s->n - 1];
    double acc = s->value[0];
    for (size_t i = 1; i < s->n; i++) {
        double v = s->value[i];
        if (strcmp(reduce, "max") == 0) acc = v > acc ? v : acc;
        else if (strcmp(reduce, "min") == 0) acc = v < acc ? v : acc;
        else acc += v;
    }
    if (strcmp(reduce, "mean") == 0) acc /= (double)s->n;
    return acc;
}

/* Values of a swept key compare as numbers when both are numbers (so
 * "0.10" matches 0.1), otherwise as text. */
static int same_value(const char *a, const char *b) {
    double x, y;
    if (ebm_parse_double(a, &x) == 0 && ebm_parse_double(b, &y) == 0) return x == y;
    return strcmp(a, b) == 0;
}

/* Which swept key an `at` key names: the key itself, or a swept key whose
 * value is a map and that the `at` key reaches into (`train.sampler.type`
 * inside a swept `train.sampler`); *inner is then the rest of the path. */
static int at_key(const ebm_summary *s, const char *key, const char **inner) {
    *inner = NULL;
    int k = ebm_summary_key(s, key);
    if (k >= 0) return k;
    for (k = 0; k < s->n_keys; k++) {
        size_t len = strlen(s->keys[k]);
        if (strncmp(key, s->keys[k], len) == 0 && key[len] == '.') {
            *inner = key + len + 1;
            return k;
        }
    }
    return -1;
}

/* Does point p's value of swept key k (at path inner inside it) equal want? */
static int point_has(const ebm_summary *s, int p, int k, const char *inner,
                     const char *want) {
    const char *text = s->params[(size_t)p * s->n_keys + k];
    if (!inner) return same_value(text, want);
    ebm_error err;
    ebm_node *value = ebm_cfg_parse_string(text, strlen(text), "sweep value", &err);
    const char *got = value ? ebm_cfg_str(value, inner, NULL) : NULL;
    int match = got && same_value(got, want);
    ebm_node_free(value);
    return match;
}

/* Does point p have every value `at` gives (its keys checked as swept)? */
static int point_matches(const ebm_summary *s, int p, const ebm_node *at) {
    const char *inner;
    for (int i = 0; i < at->n; i++) {
        int k = at_key(s, at->keys[i], &inner);
        const ebm_node *want = at->values[i];
        if (k < 0 || want->kind != EBM_NODE_SCALAR ||
            !point_has(s, p, k, inner, want->scalar))
            return 0;
    }
    return 1;
}

/* The sweep point that `at` names (every key given must match). */
static int find_point(const ebm_summary *s, const ebm_node *at, char *note,
                      size_t note_size) {
    if (!at) {
        if (s->n_points == 1) return 0;
        snprintf(note, note_size, "a metric of a sweep needs `at: {key: value}` "
                                  "to pick the point");
        return -1;
    }
    if (at->kind != EBM_NODE_MAP) {
        snprintf(note, note_size, "`at` must be a map {key: value}");
        return -1;
    }
    const char *inner;
    for (int i = 0; i < at->n; i++) {
        if (at_key(s, at->keys[i], &inner) < 0) {
            snprintf(note, note_size, "at: %s is not a swept key", at->keys[i]);
            return -1;
        }
    }
    for (int p = 0; p < s->n_points; p++)
        if (point_matches(s, p, at)) return p;
    snprintf(note, note_size, "no sweep point matches `at`");
    return -1;
}

/* A sweep without `at` and with reduce max|min|mean: the final values of
 * every point reduced (e.g. a mean over seeds); a point without the metric
 * (a failed run) makes the quantity unobtainable. */
static double reduce_points(const ebm_summary *s, const char *metric,
                            const char *reduce, char *note, size_t note_size) {
    int m = ebm_summary_metric(s, metric);
    if (m < 0) {
        snprintf(note, note_size, "no sweep point logged %.400s", metric);
        return NAN;
    }
    double acc = 0;
    for (int p = 0; p < s->n_points; p++) {
        double v = s->final[(size_t)p * s->n_metrics + m];
        if (isnan(v)) {
            snprintf(note, note_size, "sweep point %.400s has no %.400s", s->points[p],
                     metric);
            return NAN;
        }
        if (p == 0 || strcmp(reduce, "mean") == 0) acc = p == 0 ? v : acc + v;
        else if (strcmp(reduce, "max") == 0) acc = v > acc ? v : acc;
        else acc = v < acc ? v : acc;
    }
    return strcmp(reduce, "mean") == 0 ? acc / s->n_points : acc;
}

/* A sampled log-likelihood, <est>_loglik of an estimator that also logged
 * its sandwich <est>_sandwich_lo/_hi (ais, dbm_ais): the two ends at the log
 * point of the metric's final value, in sandwich[0..1]; 0 when there is none
 * (sandwich left NaN). */
static int final_sandwich(const ebm_runinfo *info, const char *metric,
                          const ebm_series *s, double sandwich[2]) {
    static const char suffix[] = "_loglik";
    sandwich[0] = sandwich[1] = NAN;
    size_t len = strlen(metric), cut = sizeof suffix - 1;
    if (s->n == 0 || len <= cut || strcmp(metric + len - cut, suffix) != 0) return 0;
    static const char *const ends[2] = {"lo", "hi"};
    for (int e = 0; e < 2; e++) {
        char name[512];
        snprintf(name, sizeof name, "%.*s_sandwich_%s", (int)(len - cut), metric, ends[e]);
        const ebm_series *end = ebm_runinfo_metric(info, name);
        for (size_t i = 0; end && i < end->n; i++)
            if (end->step[i] == s->step[s->n - 1]) sandwich[e] = end->value[i];
        if (isnan(sandwich[e])) return 0;
    }
    return 1;
}

static double obtain_metric(const ebm_node *entry, const char *metric,
                            const char *result_dir, const ebm_summary *sweep,
                            double sandwich[2], char *note, size_t note_size) {
    const char *reduce = child_text(entry, "reduce");
    if (!reduce) reduce = "final";
    if (strcmp(reduce, "final") && strcmp(reduce, "max") &&
        strcmp(reduce, "min") && strcmp(reduce, "mean")) {
        snprintf(note, note_size, "reduce must be final, max, min or mean, not %s",
                 reduce);
        return NAN;
    }
    char path[4400];
    if (sweep && !ebm_node_child(entry, "at") && sweep->n_points > 1 &&
        strcmp(reduce, "final") != 0)
        return reduce_points(sweep, metric, reduce, note, note_size);
    if (sweep) {
        int p = find_point(sweep, ebm_node_child(entry, "at"), note, note_size);
        if (p < 0) return NAN;
        snprintf(path, sizeof path, "%s/%s/run.h5", result_dir, sweep->points[p]);
    } else {
        snprintf(path, sizeof path, "%s/run.h5", result_dir);
    }
    ebm_runinfo info;
    ebm_error read_err;
    if (ebm_runfile_read(path, &info, &read_err)) {
        snprintf(note, note_size, "%s", read_err.msg);
        return NAN;
    }
    double obtained = NAN;
    const ebm_series *s = ebm_runinfo_metric(&info, metric);
    if (s) obtained = reduce_series(s, reduce, note, note_size);
    if (s && strcmp(reduce, "final") == 0) final_sandwich(&info, metric, s, sandwich);
    if (!s) snprintf(note, note_size, "%.1500s has no metric %.400s", path, metric);
    ebm_runinfo_free(&info);
    return obtained;
}

double ebm_expect_crossing(const double *x, const double *y, int n,
                           double level, int below, char *note,
                           size_t note_size) {
    const char *word = below ? "below" : "above";
    for (int i = 0; i < n; i++) {
        int crossed = below ? y[i] < level : y[i] > level;
        if (!crossed) continue;
        if (i == 0) {
            snprintf(note, note_size, "already %s %g at the first value %g",
                     word, level, x[0]);
            return NAN;
        }
        double dy = y[i] - y[i - 1];
        return x[i - 1] + (level - y[i - 1]) * (x[i] - x[i - 1]) / dy;
    }
    if (n > 0)
        snprintf(note, note_size, "never goes %s %g over [%g, %g]", word, level,
                 x[0], x[n - 1]);
    else
        snprintf(note, note_size, "no sweep point has the metric");
    return NAN;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One curve of a sweep: the points whose values of `keys` equal those of
 * `point`. */
typedef struct curve {
    int point;
    const int *keys;
    int n_keys;
} curve;

static int on_curve(const ebm_summary *s, int p, const curve *c) {
    for (int i = 0; c && i < c->n_keys; i++) {
        size_t k = (size_t)c->keys[i], n = (size_t)s->n_keys;
        if (strcmp(s->params[(size_t)p * n + k], s->params[(size_t)c->point * n + k]) != 0)
            return 0;
    }
    return 1;
}

/* The swept keys that split a crossing's points into curves: all but its
 * `over`, `seed` (repeats, whose mean is the curve) and the keys `at` pins.
 * Fills keys (room for s->n_keys) and returns how many. */
static int curve_keys(const ebm_summary *s, const ebm_node *crossing, const ebm_node *at,
                      int *keys) {
    const char *over = child_text(crossing, "over");
    int n = 0;
    for (int k = 0; k < s->n_keys; k++) {
        if ((over && strcmp(s->keys[k], over) == 0) || strcmp(s->keys[k], "seed") == 0)
            continue;
        int pinned = 0;
        for (int i = 0; at && at->kind == EBM_NODE_MAP && i < at->n; i++) {
            const char *inner;
            if (at_key(s, at->keys[i], &inner) == k) pinned = 1;
        }
        if (!pinned) keys[n++] = k;
    }
    return n;
}

/* With `at`, only the points that match it count (one curve of several
 * swept together, e.g. each degree of a dense memory); with `on`, only the
 * points of that curve. */
static double obtain_crossing(const ebm_node *crossing, const ebm_node *at, const curve *on,
                              const ebm_summary *s, char *note, size_t note_size) {
    const char *metric = child_text(crossing, "metric");
    const char *over = child_text(crossing, "over");
    const char *direction = child_text(crossing, "direction");
    double level;
    if (!s) {
        snprintf(note, note_size, "crossing needs a sweep");
        return NAN;
    }
    if (!metric || !over || child_number(crossing, "level", &level) != 0) {
        snprintf(note, note_size, "crossing needs metric, level (a number) and over");
        return NAN;
    }
    if (at && at->kind != EBM_NODE_MAP) {
        snprintf(note, note_size, "`at` must be a map {key: value}");
        return NAN;
    }
    for (int i = 0; at && i < at->n; i++) {
        const char *inner;
        if (at_key(s, at->keys[i], &inner) < 0) {
            snprintf(note, note_size, "at: %s is not a swept key", at->keys[i]);
            return NAN;
        }
    }
    if (direction && strcmp(direction, "below") && strcmp(direction, "above")) {
        snprintf(note, note_size, "crossing direction must be below or above");
        return NAN;
    }
    int k = ebm_summary_key(s, over), m = ebm_summary_metric(s, metric);
    if (k < 0 || m < 0) {
        snprintf(note, note_size, k < 0 ? "crossing: %s is not a swept key"
                                        : "crossing: no point logged %s",
                 k < 0 ? over : metric);
        return NAN;
    }
    /* Distinct values of `over`, each with the mean of the metric over the
     * points that share it: the seeds of one curve (push_curve_rows splits
     * the other keys into curves before this). */
    int np = s->n_points, n = 0;
    double *xs = malloc((size_t)(np ? np : 1) * sizeof *xs);
    double *ys = malloc((size_t)(np ? np : 1) * sizeof *ys);
    double *sum = calloc((size_t)(np ? np : 1), sizeof *sum);
    int *count = calloc((size_t)(np ? np : 1), sizeof *count);
    double result = NAN;
    if (!xs || !ys || !sum || !count) {
        snprintf(note, note_size, "out of memory");
        goto done;
    }
    for (int p = 0; p < np; p++) {
        double x;
        if (ebm_parse_double(s->params[(size_t)p * s->n_keys + k], &x) != 0) {
            snprintf(note, note_size, "crossing: %s=%s is not a number", over,
                     s->params[(size_t)p * s->n_keys + k]);
            goto done;
        }
        double y = s->final[(size_t)p * s->n_metrics + m];
        if (isnan(y)) continue;   /* a failed point has no value */
        if ((at && !point_matches(s, p, at)) || !on_curve(s, p, on)) continue;
        int at = 0;
        while (at < n && xs[at] != x) at++;
        if (at == n) xs[n++] = x;
        sum[at] += y;
        count[at]++;
    }
    /* Sort the (x, mean) pairs by x, carrying the sums along. */
    double *pairs = malloc((size_t)(n ? n : 1) * 2 * sizeof *pairs);
    if (!pairs) {
        snprintf(note, note_size, "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        pairs[2 * i] = xs[i];
        pairs[2 * i + 1] = sum[i] / count[i];
    }
    qsort(pairs, (size_t)n, 2 * sizeof *pairs, cmp_double);
    for (int i = 0; i < n; i++) {
        xs[i] = pairs[2 * i];
        ys[i] = pairs[2 * i + 1];
    }
    free(pairs);
    result = ebm_expect_crossing(xs, ys, n, level,
                                 !direction || strcmp(direction, "below") == 0,
                                 note, note_size);
    /* Say so when each value's metric is a mean (of seeds), so a reader
     * knows the curve is not one run's. */
    int most = 0, fewest = np;
    for (int i = 0; i < n; i++) {
        if (count[i] > most) most = count[i];
        if (count[i] < fewest) fewest = count[i];
    }
    if (!isnan(result) && most > 1)
        snprintf(note, note_size, "the mean of %s%d points at each %s", fewest < most ? "up to " : "",
                 most, over);
done:
    free(xs);
    free(ys);
    free(sum);
    free(count);
    return result;
}

/* The plain verdict: the obtained value lies in the documented [low, high]. */
static int within_documented(const ebm_reproduce_row *row) {
    return !isnan(row->obtained) && row->obtained >= row->low && row->obtained <= row->high;
}

/* A sampled log-likelihood is right only to within its sandwich [lo, hi]
 * (RAISE below, forward AIS above): the entry passes when the documented
 * value, widened by its tolerance (or its range), meets the sandwich, i.e.
 * lies in [lo − tol, hi + tol], whatever the point estimate. */
static int judge_by_sandwich(const ebm_reproduce_row *row, const double sandwich[2],
                             char *note, size_t note_size) {
    int pass = row->high >= sandwich[0] && row->low <= sandwich[1];
    char range[80];
    ebm_expect_range_text(row->low, row->high, 6, range, sizeof range);
    snprintf(note, note_size, "judged by the sandwich [%.6g, %.6g]: the documented "
             "%s %s it", sandwich[0], sandwich[1], range, pass ? "meets" : "misses");
    return pass;
}

/* label, when not empty, names the curve a row is about after its quantity:
 * "QUANTITY [model.rule=storkey]". */
static int fill_row(ebm_reproduce_row *row, const char *experiment,
                    const ebm_node *entry, int index, const char *label, const char *note) {
    const char *quantity = child_text(entry, "quantity");
    const char *source = child_text(entry, "source");
    char fallback[32], named[2048];
    snprintf(fallback, sizeof fallback, "expect[%d]", index);
    snprintf(named, sizeof named, label && label[0] ? "%s [%s]" : "%s%s",
             quantity ? quantity : fallback, label ? label : "");
    row->experiment = strdup(experiment);
    row->quantity = strdup(named);
    row->source = strdup(source ? source : "");
    row->note = strdup(note);
    return row->experiment && row->quantity && row->source && row->note ? 0 : -1;
}

static void free_row(ebm_reproduce_row *row) {
    free(row->experiment);
    free(row->quantity);
    free(row->source);
    free(row->note);
}

/* A crossing over a sweep whose other swept keys (not `seed`, not pinned by
 * `at`) take several values: one row per curve, each judged alone, as a
 * mean of unlike curves (two learning rules, two sizes) crosses where
 * neither does. 0 rows pushed when there are fewer than two curves (the
 * caller judges the entry as one), else how many, or -1 when out of memory. */
static int push_curve_rows(const char *experiment, const ebm_node *entry, int index,
                           const ebm_summary *s, ebm_reproduce_row **rows, int *n_rows) {
    const ebm_node *crossing = ebm_node_child(entry, "crossing");
    const ebm_node *at = ebm_node_child(entry, "at");
    const char *over = child_text(crossing, "over");
    /* A broken entry is judged, and its fault named, as one. */
    if ((at && at->kind != EBM_NODE_MAP) || !over || ebm_summary_key(s, over) < 0) return 0;
    int *keys = malloc((size_t)(s->n_keys ? s->n_keys : 1) * sizeof *keys);
    int *first = malloc((size_t)(s->n_points ? s->n_points : 1) * sizeof *first);
    if (!keys || !first) {
        free(keys);
        free(first);
        return -1;
    }
    int n_keys = curve_keys(s, crossing, at, keys), n_curves = 0;
    /* The first point of each curve, in the sweep's order. */
    for (int p = 0; n_keys > 0 && p < s->n_points; p++) {
        if (at && !point_matches(s, p, at)) continue;
        curve c = {.point = p, .keys = keys, .n_keys = n_keys};
        int seen = 0;
        for (int i = 0; i < n_curves && !seen; i++) seen = on_curve(s, first[i], &c);
        if (!seen) first[n_curves++] = p;
    }
    int pushed = 0;
    for (int i = 0; n_curves > 1 && i < n_curves; i++) {
        curve c = {.point = first[i], .keys = keys, .n_keys = n_keys};
        char label[1024] = "", note[2048] = "";
        for (int j = 0, used = 0; j < n_keys && used < (int)sizeof label; j++)
            used += snprintf(label + used, sizeof label - (size_t)used, "%s%s=%s",
                             j ? ", " : "", s->keys[keys[j]],
                             s->params[(size_t)first[i] * (size_t)s->n_keys + (size_t)keys[j]]);
        ebm_reproduce_row row;
        memset(&row, 0, sizeof row);
        documented(entry, &row, note, sizeof note);
        row.obtained = note[0] ? NAN : obtain_crossing(crossing, at, &c, s, note, sizeof note);
        row.pass = within_documented(&row);
        if (fill_row(&row, experiment, entry, index, label, note) ||
            push_row(rows, n_rows, &row)) {
            free_row(&row);
            pushed = -1;
            break;
        }
        pushed++;
    }
    free(keys);
    free(first);
    return pushed;
}

static int expect_list_ok(const ebm_node *expect, const char *experiment,
                          ebm_error *err) {
    if (expect && expect->kind == EBM_NODE_SEQ) return EBM_OK;
    return ebm_fail(err, EBM_ECONFIG, "%s: expect must be a list of entries",
                    experiment);
}

int ebm_expect_evaluate(const char *experiment, const ebm_node *expect,
                        const char *result_dir, int is_sweep,
                        ebm_reproduce_row **rows, int *n_rows, ebm_error *err) {
    int rc = expect_list_ok(expect, experiment, err);
    if (rc) return rc;
    ebm_summary sweep;
    char sweep_note[2048] = "";
    int have_sweep = 0;
    if (is_sweep) {
        char path[4400];
        ebm_error read_err;
        snprintf(path, sizeof path, "%s/summary.csv", result_dir);
        if (ebm_summary_read_csv(path, &sweep, &read_err) == 0) have_sweep = 1;
        else snprintf(sweep_note, sizeof sweep_note, "%s", read_err.msg);
    }
    for (int i = 0; i < expect->n; i++) {
        const ebm_node *entry = expect->values[i];
        if (have_sweep && entry->kind == EBM_NODE_MAP && ebm_node_child(entry, "crossing")) {
            int pushed = push_curve_rows(experiment, entry, i + 1, &sweep, rows, n_rows);
            if (pushed < 0) {
                rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
                break;
            }
            if (pushed > 0) continue;
        }
        ebm_reproduce_row row;
        memset(&row, 0, sizeof row);
        char note[2048] = "";
        double sandwich[2] = {NAN, NAN};
        row.obtained = NAN;
        if (entry->kind != EBM_NODE_MAP) {
            snprintf(note, sizeof note, "entry %d is not a map", i + 1);
            row.documented = row.low = row.high = NAN;
        } else {
            documented(entry, &row, note, sizeof note);
            const ebm_node *crossing = ebm_node_child(entry, "crossing");
            const char *metric = child_text(entry, "metric");
            if (!metric) metric = child_text(entry, "quantity");
            if (note[0]) {
                /* the documented side is broken: nothing to compare with */
            } else if (is_sweep && !have_sweep) {
                snprintf(note, sizeof note, "%s", sweep_note);
            } else if (crossing) {
                row.obtained = obtain_crossing(crossing, ebm_node_child(entry, "at"), NULL,
                                               have_sweep ? &sweep : NULL, note,
                                               sizeof note);
            } else if (metric) {
                row.obtained = obtain_metric(entry, metric, result_dir,
                                             have_sweep ? &sweep : NULL, sandwich,
                                             note, sizeof note);
            } else {
                snprintf(note, sizeof note, "the entry names no metric, "
                                            "crossing or quantity");
            }
        }
        row.pass = within_documented(&row);
        if (!isnan(row.obtained) && !isnan(sandwich[0]))
            row.pass = judge_by_sandwich(&row, sandwich, note, sizeof note);
        if (fill_row(&row, experiment, entry, i + 1, "", note) ||
            push_row(rows, n_rows, &row)) {
            free_row(&row);
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            break;
        }
    }
    if (have_sweep) ebm_summary_free(&sweep);
    return rc;
}

int ebm_expect_fail_all(const char *experiment, const ebm_node *expect,
                        const char *note, ebm_reproduce_row **rows,
                        int *n_rows, ebm_error *err) {
    int n = expect && expect->kind == EBM_NODE_SEQ ? expect->n : 1;
    for (int i = 0; i < n; i++) {
        const ebm_node *entry = expect && expect->kind == EBM_NODE_SEQ
                                    ? expect->values[i] : NULL;
        ebm_reproduce_row row;
        memset(&row, 0, sizeof row);
        char ignored[16] = "";
        row.obtained = NAN;
        row.documented = row.low = row.high = NAN;
        if (entry && entry->kind == EBM_NODE_MAP)
            documented(entry, &row, ignored, sizeof ignored);
        if (fill_row(&row, experiment, entry, i + 1, "", note) ||
            push_row(rows, n_rows, &row)) {
            free_row(&row);
            return ebm_fail(err, EBM_ENOMEM, "out of memory");
        }
    }
    return EBM_OK;
}

int ebm_expect_evaluate_sweep(const char *dir, ebm_reproduce_row **rows, int *n_rows,
                              ebm_error *err) {
    char path[4200];
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    ebm_error ignored;
    ebm_node *cfg = ebm_cfg_parse_file(path, &ignored);
    const ebm_node *expect = cfg ? ebm_node_child(cfg, "expect") : NULL;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    int rc = EBM_OK;
    if (expect && ebm_proc_is_file(path))
        rc = ebm_expect_evaluate(ebm_cfg_str(cfg, "name", "sweep"), expect, dir, 1, rows,
                                 n_rows, err);
    ebm_node_free(cfg);
    return rc;
}

void ebm_expect_range_text(double low, double high, int digits, char *out, size_t size) {
    if (isinf(low) && isinf(high)) snprintf(out, size, "any value");
    else if (isinf(high)) snprintf(out, size, "≥ %.*g", digits, low);
    else if (isinf(low)) snprintf(out, size, "≤ %.*g", digits, high);
    else snprintf(out, size, "[%.*g, %.*g]", digits, low, digits, high);
}

void ebm_expect_write_lines(FILE *to, const ebm_reproduce_row *rows, int n_rows,
                            int n_skipped) {
    for (int i = 0; i < n_rows; i++) {
        const ebm_reproduce_row *r = &rows[i];
        char range[80];
        ebm_expect_range_text(r->low, r->high, 6, range, sizeof range);
        fprintf(to, "expect: %s = %.6g, documented %s (%s): %s", r->quantity, r->obtained,
                range, r->source, r->pass ? "PASS" : "FAIL");
        if (r->note && r->note[0]) fprintf(to, " (%s)", r->note);
        fputc('\n', to);
    }
    if (n_skipped > 0)
        fprintf(to, "expect: %d more entr%s need%s the sweep (ebm sweep or ebm reproduce)\n",
                n_skipped, n_skipped == 1 ? "y" : "ies", n_skipped == 1 ? "s" : "");
}

/* A mark's bar: an infinite end of a one-sided range stops at the
 * documented value, so the plot's axis does not run off to infinity. */
static void mark_ends(ebm_reproduce_row *row) {
    if (!isfinite(row->low)) row->low = row->documented;
    if (!isfinite(row->high)) row->high = row->documented;
}

int ebm_expect_mark_for(const ebm_node *entry, const char *metric, const char *key,
                        ebm_expect_mark *out) {
    ebm_reproduce_row row;
    char note[256] = "";
    const ebm_node *crossing = ebm_node_child(entry, "crossing");
    const ebm_node *at = ebm_node_child(entry, "at");
    const char *reduce = child_text(entry, "reduce");
    double x, level;
    if (crossing) {
        const char *over = child_text(crossing, "over"), *of = child_text(crossing, "metric");
        if (!over || !of || strcmp(over, key) || strcmp(of, metric) ||
            child_number(crossing, "level", &level) != 0)
            return 0;
        documented(entry, &row, note, sizeof note);
        if (isnan(row.low)) return 0;
        mark_ends(&row);
        *out = (ebm_expect_mark){.is_crossing = 1, .x = row.documented, .y = level,
                                 .low = row.low, .high = row.high};
        return 1;
    }
    const char *of = child_text(entry, "metric");
    if (!of || strcmp(of, metric) || (reduce && strcmp(reduce, "final")) || !at ||
        at->kind != EBM_NODE_MAP || at->n != 1 || strcmp(at->keys[0], key) ||
        child_number(at, key, &x) != 0)
        return 0;
    documented(entry, &row, note, sizeof note);
    if (isnan(row.low)) return 0;
    mark_ends(&row);
    *out = (ebm_expect_mark){.x = x, .y = row.documented, .low = row.low, .high = row.high};
    return 1;
}
