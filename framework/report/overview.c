/* overview.c — `ebm show` on a sweep directory or a directory of runs: one
 * row per point or run, read from sweep.yaml and the run files (a sweep
 * still running shows its points as they stand). */
#include "overview.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cfg.h"
#include "json.h"
#include "proc.h"
#include "run_summary.h"
#include "runfile.h"
#include "text_table.h"

#define PATH_SIZE 4400

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

/* dir/name into out; 0 when it does not fit (then out is not a path). */
static int join(char *out, size_t size, const char *dir, const char *name) {
    size_t a = strlen(dir), b = strlen(name);
    if (a + b + 2 > size) return 0;
    memcpy(out, dir, a);
    out[a] = '/';
    memcpy(out + a + 1, name, b + 1);
    return 1;
}

int ebm_overview_is_sweep(const char *dir) {
    char path[PATH_SIZE];
    join(path, sizeof path, dir, "sweep.yaml");
    return ebm_proc_is_file(path);
}

static void row_free(ebm_overview_row *row, int n_keys) {
    free(row->name);
    free(row->kind);
    free(row->status);
    free(row->started);
    free(row->overrides);
    for (int k = 0; row->values && k < n_keys; k++) free(row->values[k]);
    free(row->values);
    for (int i = 0; i < row->n_metrics; i++) free(row->metric_names[i]);
    free(row->metric_names);
    free(row->metric_values);
    free(row->headline);
    free(row->config);
    free(row->command);
    free(row->host);
    free(row->version);
}

void ebm_overview_free(ebm_overview *ov) {
    for (int i = 0; i < ov->n_rows; i++) row_free(&ov->rows[i], ov->n_keys);
    free(ov->rows);
    for (int k = 0; k < ov->n_keys; k++) free(ov->keys[k]);
    free(ov->keys);
    free(ov->dir);
    free(ov->experiment);
    memset(ov, 0, sizeof *ov);
}

static ebm_overview_row *add_row(ebm_overview *ov) {
    ebm_overview_row *rows = realloc(ov->rows, (size_t)(ov->n_rows + 1) * sizeof *rows);
    if (!rows) return NULL;
    ov->rows = rows;
    ebm_overview_row *row = &rows[ov->n_rows++];
    memset(row, 0, sizeof *row);
    row->duration_s = row->headline_value = NAN;
    return row;
}

/* Status, start, duration and final metrics of run_dir/run.h5; a point not
 * started yet (no run file) is "pending", an unreadable file "failed". */
static int fill_from_run(ebm_overview_row *row, const char *run_dir) {
    char path[PATH_SIZE];
    join(path, sizeof path, run_dir, "run.h5");
    ebm_runinfo run;
    ebm_error err;
    if (!ebm_proc_is_file(path) || ebm_runfile_read(path, &run, &err) != EBM_OK) {
        join(path, sizeof path, run_dir, "log.txt");
        row->status = strdup(ebm_proc_is_file(path) ? "failed" : "pending");
        row->started = strdup("");
        row->headline = strdup("");
        return row->status && row->started && row->headline ? EBM_OK : EBM_ENOMEM;
    }
    row->status = strdup(run.status);
    row->started = strdup(run.started);
    row->config = strdup(run.config_yaml);
    row->command = strdup(run.command);
    row->host = strdup(run.host);
    row->version = strdup(run.ebm_version);
    /* a run still going (or killed) has not written its duration yet */
    row->duration_s = strcmp(run.status, "running") == 0 ? NAN : run.duration_s;
    if (!row->overrides) row->overrides = strdup(run.overrides);
    ebm_node *cfg = ebm_cfg_parse_string(run.config_yaml, strlen(run.config_yaml), path, &err);
    row->headline = strdup(ebm_headline_metric(cfg, &run));
    ebm_node_free(cfg);
    row->metric_names = calloc((size_t)run.n_metrics + 1, sizeof *row->metric_names);
    row->metric_values = calloc((size_t)run.n_metrics + 1, sizeof *row->metric_values);
    int rc = row->status && row->started && row->headline && row->metric_names &&
             row->metric_values ? EBM_OK : EBM_ENOMEM;
    for (int i = 0; !rc && i < run.n_metrics; i++) {
        const ebm_series *s = &run.metrics[i];
        if (!(row->metric_names[row->n_metrics] = strdup(s->name))) rc = EBM_ENOMEM;
        else row->metric_values[row->n_metrics++] = s->n ? s->value[s->n - 1] : NAN;
        if (strcmp(s->name, row->headline) == 0 && s->n) row->headline_value = s->value[s->n - 1];
    }
    ebm_runinfo_free(&run);
    return rc;
}

/* The value a point's overrides give key: from its list of "key=value"
 * items, whose values may hold spaces (a flow map such as "{type: mh,
 * step: 0.3}"); or, in sweeps made before points listed their overrides,
 * from the name "key=value,key=value". */
static char *value_of(const ebm_node *list, const char *name, const char *key) {
    size_t len = strlen(key);
    for (int i = 0; list && i < list->n; i++) {
        const char *item = list->values[i]->scalar;
        if (item && strncmp(item, key, len) == 0 && item[len] == '=')
            return strdup(item + len + 1);
    }
    for (const char *p = list ? NULL : name; p && *p;) {
        if (strncmp(p, key, len) == 0 && p[len] == '=') {
            const char *v = p + len + 1;
            return strndup(v, strcspn(v, ","));
        }
        p = strchr(p, ',');
        if (p) p++;
    }
    return strdup("");
}

static int read_sweep(const char *dir, ebm_overview *ov, ebm_error *err) {
    char path[PATH_SIZE];
    join(path, sizeof path, dir, "sweep.yaml");
    ebm_error parse_err;
    ebm_node *yaml = ebm_cfg_parse_file(path, &parse_err);
    const ebm_node *points = yaml ? ebm_node_child(yaml, "points") : NULL;
    const ebm_node *axes = yaml ? ebm_node_child(yaml, "axes") : NULL;
    if (!points || points->kind != EBM_NODE_SEQ) {
        ebm_node_free(yaml);
        return ebm_fail(err, EBM_EDATA, "%s: not written by ebm sweep (no points)", path);
    }
    ov->is_sweep = 1;
    ov->experiment = dup_or_empty(ebm_cfg_str(yaml, "experiment", ""));
    int rc = EBM_OK;
    if (axes && axes->kind == EBM_NODE_MAP && axes->n > 0) {
        if (!(ov->keys = calloc((size_t)axes->n, sizeof *ov->keys))) rc = EBM_ENOMEM;
        for (int k = 0; !rc && k < axes->n; k++)
            if (!(ov->keys[ov->n_keys++] = strdup(axes->keys[k]))) rc = EBM_ENOMEM;
    }
    for (int p = 0; !rc && p < points->n; p++) {
        const ebm_node *pt = points->values[p];
        ebm_overview_row *row = add_row(ov);
        if (!row) {
            rc = EBM_ENOMEM;
            break;
        }
        const char *name = pt->kind == EBM_NODE_SCALAR ? pt->scalar : ebm_cfg_str(pt, "dir", "");
        row->name = strdup(name);
        row->kind = strdup("point");
        /* the point's overrides, space separated */
        const ebm_node *list = pt->kind == EBM_NODE_MAP ? ebm_node_child(pt, "overrides") : NULL;
        size_t len = 1;
        for (int i = 0; list && i < list->n; i++) len += strlen(list->values[i]->scalar) + 1;
        if (!list) len += strlen(name);
        row->overrides = malloc(len);
        if (row->overrides) {
            row->overrides[0] = '\0';
            for (int i = 0; list && i < list->n; i++) {
                if (i) strcat(row->overrides, " ");
                strcat(row->overrides, list->values[i]->scalar);
            }
            if (!list)   /* an older sweep: the name was the overrides */
                for (char *c = strcpy(row->overrides, name); *c; c++)
                    if (*c == ',') *c = ' ';
        }
        row->values = calloc((size_t)ov->n_keys + 1, sizeof *row->values);
        if (!row->name || !row->kind || !row->overrides || !row->values) rc = EBM_ENOMEM;
        for (int k = 0; !rc && k < ov->n_keys; k++)
            if (!(row->values[k] = value_of(list, name, ov->keys[k]))) rc = EBM_ENOMEM;
        join(path, sizeof path, dir, name);
        if (!rc) rc = fill_from_run(row, path);
    }
    ebm_node_free(yaml);
    return rc ? ebm_fail(err, rc, "out of memory") : EBM_OK;
}

/* "completed" when every point of the sweep in sub completed, else "k/n
 * completed"; started from its sweep.yaml's time. */
static int fill_from_sweep(ebm_overview_row *row, const char *sub) {
    ebm_overview inner;
    memset(&inner, 0, sizeof inner);
    ebm_error err;
    int rc = read_sweep(sub, &inner, &err);
    if (rc) {
        row->status = strdup("unreadable");
        row->started = strdup("");
        row->headline = strdup("");
        return row->status && row->started && row->headline ? EBM_OK : EBM_ENOMEM;
    }
    int done = 0;
    for (int i = 0; i < inner.n_rows; i++) done += strcmp(inner.rows[i].status, "completed") == 0;
    char text[64];
    if (done == inner.n_rows) snprintf(text, sizeof text, "completed");
    else snprintf(text, sizeof text, "%d/%d completed", done, inner.n_rows);
    row->status = strdup(text);
    char path[PATH_SIZE];
    join(path, sizeof path, sub, "sweep.yaml");
    struct stat st;
    text[0] = '\0';
    if (stat(path, &st) == 0) {
        struct tm tm;
        gmtime_r(&st.st_mtime, &tm);
        strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    row->started = strdup(text);
    snprintf(text, sizeof text, "%d points", inner.n_rows);
    row->overrides = strdup(text);
    row->headline = strdup("");
    ebm_overview_free(&inner);
    return row->status && row->started && row->overrides && row->headline ? EBM_OK : EBM_ENOMEM;
}

static int newest_first(const void *a, const void *b) {
    const ebm_overview_row *x = a, *y = b;
    int by_time = strcmp(y->started, x->started);
    return by_time ? by_time : strcmp(y->name, x->name);
}

static int read_runs(const char *dir, ebm_overview *ov, ebm_error *err) {
    DIR *d = opendir(dir);
    if (!d) return ebm_fail(err, EBM_EINVAL, "%s: cannot list it", dir);
    int rc = EBM_OK;
    struct dirent *e;
    char sub[PATH_SIZE], probe[PATH_SIZE + 16];
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (!join(sub, sizeof sub, dir, e->d_name)) continue;
        join(probe, sizeof probe, sub, "run.h5");
        int is_run = ebm_proc_is_file(probe), is_sweep = !is_run && ebm_overview_is_sweep(sub);
        if (!is_run && !is_sweep) continue;
        ebm_overview_row *row = add_row(ov);
        if (!row || !(row->name = strdup(e->d_name)) ||
            !(row->kind = strdup(is_run ? "run" : "sweep"))) {
            rc = EBM_ENOMEM;
            break;
        }
        rc = is_run ? fill_from_run(row, sub) : fill_from_sweep(row, sub);
    }
    closedir(d);
    if (rc) return ebm_fail(err, rc, "out of memory");
    if (ov->n_rows == 0)
        return ebm_fail(err, EBM_EINVAL, "%s: neither a run, a sweep, nor a directory of "
                        "runs (no run.h5, sweep.yaml or sub-directory holding one)", dir);
    qsort(ov->rows, (size_t)ov->n_rows, sizeof *ov->rows, newest_first);
    return EBM_OK;
}

int ebm_overview_read(const char *dir, ebm_overview *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    if (!ebm_proc_is_dir(dir)) return ebm_fail(err, EBM_EINVAL, "%s: not a directory", dir);
    if (!(out->dir = strdup(dir))) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    int rc = ebm_overview_is_sweep(dir) ? read_sweep(dir, out, err) : read_runs(dir, out, err);
    if (rc) ebm_overview_free(out);
    return rc;
}

int ebm_overview_read_runs(char *const *dirs, char *const *names, int n, ebm_overview *out,
                           ebm_error *err) {
    memset(out, 0, sizeof *out);
    if (!(out->dir = strdup(""))) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    int rc = EBM_OK;
    for (int i = 0; !rc && i < n; i++) {
        ebm_overview_row *row = add_row(out);
        if (!row || !(row->name = strdup(names[i])) || !(row->kind = strdup("run")))
            rc = EBM_ENOMEM;
        else
            rc = fill_from_run(row, dirs[i]);
    }
    if (rc) {
        ebm_overview_free(out);
        return ebm_fail(err, rc, "out of memory");
    }
    return EBM_OK;
}

/* ---- writing ---- */

static void format_duration(char *out, size_t size, double s) {
    if (!isfinite(s)) snprintf(out, size, "-");
    else if (s < 60) snprintf(out, size, "%.1f s", s);
    else if (s < 3600) snprintf(out, size, "%d:%02d", (int)s / 60, (int)s % 60);
    else snprintf(out, size, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
}

/* Room for a swept value as the table shows it (EBM_TEXT_SHOWN_MAX
 * characters of up to four bytes), and for the last column's text. */
#define SHOWN_SIZE (4 * EBM_TEXT_SHOWN_MAX + 4)
#define LAST_SIZE 512

/* The headline metric of the rows, when they share one. */
static const char *shared_headline(const ebm_overview *ov) {
    const char *h = NULL;
    for (int i = 0; i < ov->n_rows; i++) {
        if (!ov->rows[i].headline[0]) continue;
        if (h && strcmp(h, ov->rows[i].headline) != 0) return NULL;
        h = ov->rows[i].headline;
    }
    return h;
}

void ebm_overview_write(FILE *to, const ebm_overview *ov) {
    const char *head = shared_headline(ov);
    /* point|name, the swept keys, status, duration, [started], headline */
    int cols = ov->n_keys + 4 + !ov->is_sweep;
    int *width = calloc((size_t)cols, sizeof *width);
    const char **cells = calloc((size_t)cols, sizeof *cells);
    const char **key_values = calloc((size_t)ov->n_rows + 1, sizeof *key_values);
    char (*shown)[SHOWN_SIZE] = calloc((size_t)ov->n_rows * (size_t)ov->n_keys + 1, sizeof *shown);
    char (*last)[LAST_SIZE] = calloc((size_t)ov->n_rows + 1, sizeof *last);
    char (*duration)[32] = calloc((size_t)ov->n_rows + 1, sizeof *duration);
    if (!width || !cells || !key_values || !shown || !last || !duration) goto done;
    width[ov->n_keys + 2] = 9;   /* durations up to "12345.6 s" line up from the start */
    for (int k = 0; k < ov->n_keys; k++) {
        for (int i = 0; i < ov->n_rows; i++) key_values[i] = ov->rows[i].values[k];
        for (int i = 0; i < ov->n_rows; i++)
            ebm_text_shown_value(shown[(size_t)i * (size_t)ov->n_keys + (size_t)k], SHOWN_SIZE,
                                 key_values[i], key_values, (size_t)ov->n_rows, 1,
                                 EBM_TEXT_SHOWN_MAX);
    }
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && ov->is_sweep)
            fprintf(to, "sweep %s (%s): %d point%s\n", ov->dir, ov->experiment, ov->n_rows,
                    ov->n_rows == 1 ? "" : "s");
        else if (pass == 1)
            fprintf(to, "%s: %d run%s and sweeps, newest first\n", ov->dir, ov->n_rows,
                    ov->n_rows == 1 ? "" : "s");
        for (int i = -1; i < ov->n_rows; i++) {
            int c = 0;
            if (i < 0) {
                cells[c++] = ov->is_sweep ? "point" : "name";
                for (int k = 0; k < ov->n_keys; k++) cells[c++] = ov->keys[k];
                cells[c++] = "status";
                cells[c++] = "duration";
                if (!ov->is_sweep) cells[c++] = "started";
                cells[c++] = head ? head : "headline metric";
            } else {
                const ebm_overview_row *r = &ov->rows[i];
                format_duration(duration[i], sizeof duration[i], r->duration_s);
                if (!r->headline[0] || !isfinite(r->headline_value))
                    snprintf(last[i], LAST_SIZE, "%s",
                             strcmp(r->kind, "sweep") == 0 ? r->overrides : "-");
                else if (head)
                    snprintf(last[i], LAST_SIZE, "%.10g", r->headline_value);
                else
                    snprintf(last[i], LAST_SIZE, "%s %.10g", r->headline, r->headline_value);
                cells[c++] = r->name;
                for (int k = 0; k < ov->n_keys; k++)
                    cells[c++] = shown[(size_t)i * (size_t)ov->n_keys + (size_t)k];
                cells[c++] = r->status;
                cells[c++] = duration[i];
                if (!ov->is_sweep) cells[c++] = r->started[0] ? r->started : "-";
                cells[c++] = last[i];
            }
            if (pass == 0) ebm_table_widen(width, cells, cols);
            else ebm_table_row(to, cells, cols, width);
        }
    }
done:
    free(width);
    free(cells);
    free(key_values);
    free(shown);
    free(last);
    free(duration);
}

void ebm_overview_write_json(FILE *to, const ebm_overview *ov) {
    fputs("{\"kind\": ", to);
    ebm_json_string(to, ov->is_sweep ? "sweep" : "runs");
    fputs(", \"dir\": ", to);
    ebm_json_string(to, ov->dir);
    if (ov->is_sweep) {
        fputs(", \"experiment\": ", to);
        ebm_json_string(to, ov->experiment);
    }
    fputs(", \"keys\": [", to);
    for (int k = 0; k < ov->n_keys; k++) {
        if (k) fputs(", ", to);
        ebm_json_string(to, ov->keys[k]);
    }
    fputs("],\n \"rows\": [", to);
    for (int i = 0; i < ov->n_rows; i++) {
        const ebm_overview_row *r = &ov->rows[i];
        fputs(i ? ",\n  {" : "\n  {", to);
        fputs("\"name\": ", to);
        ebm_json_string(to, r->name);
        fputs(", \"kind\": ", to);
        ebm_json_string(to, r->kind);
        fputs(", \"status\": ", to);
        ebm_json_string(to, r->status);
        fputs(", \"started\": ", to);
        ebm_json_string(to, r->started);
        fputs(", \"duration_s\": ", to);
        ebm_json_number(to, r->duration_s);
        fputs(", \"values\": {", to);
        for (int k = 0; k < ov->n_keys; k++) {
            if (k) fputs(", ", to);
            ebm_json_string(to, ov->keys[k]);
            fputs(": ", to);
            ebm_json_value(to, r->values[k]);
        }
        fputs("}, \"overrides\": ", to);
        ebm_json_string(to, r->overrides ? r->overrides : "");
        fputs(", \"headline\": ", to);
        ebm_json_string(to, r->headline);
        fputs(", \"metrics\": {", to);
        for (int m = 0; m < r->n_metrics; m++) {
            if (m) fputs(", ", to);
            ebm_json_string(to, r->metric_names[m]);
            fputs(": ", to);
            ebm_json_number(to, r->metric_values[m]);
        }
        fputs("}}", to);
    }
    fputs("\n]}\n", to);
}
