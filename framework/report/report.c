/* report.c — `ebm report`: one static HTML page for runs, sweeps and
 * reproduce directories (see report.h). The plots come from ebm_plot into
 * OUT/plots; the tables from the run files (overview.c), the expect:
 * verdicts from expect.c or a reproduce directory's reproduce.csv. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "claim.h"
#include "config_diff.h"
#include "csv.h"
#include "expect.h"
#include "overview.h"
#include "plot.h"
#include "proc.h"
#include "reproduce.h"
#include "run_summary.h"
#include "version.h"

#define PATH_SIZE 4400

/* What the page is made of, gathered before any of it is written. */
typedef struct report {
    FILE *html;
    const char *out;
    char **runs, **run_names;      /* the run directories given (or found) */
    int n_runs;
    char **sweeps;                 /* the sweep directories */
    int n_sweeps;
    ebm_reproduce_row *rows;       /* expect: verdicts */
    int n_rows;
} report;

static void html_text(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A number cell; data-v holds the full value for sorting. */
static void number_cell(FILE *f, double v) {
    if (isnan(v)) fputs("<td class=num data-v=\"\">-</td>", f);
    else if (isinf(v))
        fprintf(f, "<td class=num data-v=\"%sInfinity\">%s∞</td>", v < 0 ? "-" : "",
                v < 0 ? "−" : "");
    else fprintf(f, "<td class=num data-v=\"%.17g\">%.10g</td>", v, v);
}

static void text_cell(FILE *f, const char *s) {
    fputs("<td>", f);
    html_text(f, s);
    fputs("</td>", f);
}

static int push(char ***list, int *n, const char *s) {
    char **grown = realloc(*list, (size_t)(*n + 1) * sizeof *grown);
    if (!grown) return EBM_ENOMEM;
    *list = grown;
    if (!(grown[*n] = strdup(s))) return EBM_ENOMEM;
    (*n)++;
    return EBM_OK;
}

static void base_name(const char *path, char *out, size_t size) {
    char copy[PATH_SIZE];
    snprintf(copy, sizeof copy, "%s", path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/') copy[--len] = '\0';
    const char *slash = strrchr(copy, '/'), *name = slash ? slash + 1 : copy;
    /* a name longer than out is cut (only a label) */
    size_t n = strlen(name) < size ? strlen(name) : size - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

/* ---- gathering ---- */

static int add_run(report *r, const char *dir) {
    char name[256];
    base_name(dir, name, sizeof name);
    int rc = push(&r->runs, &r->n_runs, dir);
    int n = r->n_runs - 1;
    return rc ? rc : push(&r->run_names, &n, name);
}

/* The single-run expect: entries of a run. */
static int run_expectations(report *r, const char *dir, ebm_error *err) {
    ebm_run_summary s;
    if (ebm_run_summary_read(dir, &s, err) != EBM_OK) return EBM_OK;   /* shown as failed */
    int rc = EBM_OK;
    for (int i = 0; !rc && i < s.n_rows; i++) {
        ebm_reproduce_row *grown = realloc(r->rows, (size_t)(r->n_rows + 1) * sizeof *grown);
        if (!grown) {
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            break;
        }
        r->rows = grown;
        r->rows[r->n_rows++] = s.rows[i];
        memset(&s.rows[i], 0, sizeof s.rows[i]);
    }
    ebm_run_summary_free(&s);
    return rc;
}

/* reproduce.csv: experiment,quantity,documented,tolerance,low,high,source,
 * obtained,result,note (ebm_reproduce_write_csv). */
static int reproduce_rows(report *r, const char *path, ebm_error *err) {
    char *text = ebm_proc_read_file(path, NULL, err);
    if (!text) return err->code;
    int rc = EBM_OK, line_no = 0;
    ebm_csv_fields fields = {0};
    for (char *line = strtok(text, "\n"); !rc && line; line = strtok(NULL, "\n"), line_no++) {
        const char *problem;
        int column;
        if (line_no == 0 || ebm_csv_split(line, ',', &fields, &problem, &column) != 0 ||
            fields.n < 10)
            continue;
        ebm_reproduce_row *grown = realloc(r->rows, (size_t)(r->n_rows + 1) * sizeof *grown);
        if (!grown) {
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            break;
        }
        r->rows = grown;
        ebm_reproduce_row *row = &r->rows[r->n_rows++];
        memset(row, 0, sizeof *row);
        row->experiment = strdup(fields.text[0]);
        row->quantity = strdup(fields.text[1]);
        row->source = strdup(fields.text[6]);
        row->note = strdup(fields.text[9]);
        double *numbers[] = {&row->documented, &row->tolerance, &row->low, &row->high};
        for (int i = 0; i < 4; i++)
            if (!ebm_csv_number(fields.text[2 + i], numbers[i])) *numbers[i] = NAN;
        if (!ebm_csv_number(fields.text[7], &row->obtained)) row->obtained = NAN;
        row->pass = strcmp(fields.text[8], "PASS") == 0;
        if (!row->experiment || !row->quantity || !row->source || !row->note)
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    ebm_csv_fields_free(&fields);
    free(text);
    return rc;
}

static int gather_dir(report *r, const char *dir, int from_reproduce, ebm_error *err) {
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/run.h5", dir);
    if (ebm_proc_is_file(path)) {
        int rc = add_run(r, dir);
        if (rc) return ebm_fail(err, rc, "out of memory");
        return from_reproduce ? EBM_OK : run_expectations(r, dir, err);
    }
    if (ebm_overview_is_sweep(dir)) {
        if (push(&r->sweeps, &r->n_sweeps, dir)) return ebm_fail(err, EBM_ENOMEM, "out of memory");
        return from_reproduce ? EBM_OK : ebm_expect_evaluate_sweep(dir, &r->rows, &r->n_rows, err);
    }
    snprintf(path, sizeof path, "%s/reproduce.csv", dir);
    if (!from_reproduce && ebm_proc_is_file(path)) {
        int rc = reproduce_rows(r, path, err);
        /* every experiment's directory */
        ebm_overview ov;
        ebm_error ignored;
        if (!rc && ebm_overview_read(dir, &ov, &ignored) == EBM_OK) {
            for (int i = ov.n_rows - 1; !rc && i >= 0; i--) {
                snprintf(path, sizeof path, "%s/%s", dir, ov.rows[i].name);
                rc = gather_dir(r, path, 1, err);
            }
            ebm_overview_free(&ov);
        }
        return rc;
    }
    if (from_reproduce) return EBM_OK;
    /* A directory of runs and sweeps (runs/<name>/, or any folder of them),
     * as `ebm show` takes it: each one, oldest first. */
    ebm_overview ov;
    ebm_error ignored;
    if (ebm_overview_read(dir, &ov, &ignored) == EBM_OK) {
        int rc = EBM_OK;
        for (int i = ov.n_rows - 1; !rc && i >= 0; i--) {
            snprintf(path, sizeof path, "%s/%s", dir, ov.rows[i].name);
            rc = gather_dir(r, path, 0, err);
        }
        ebm_overview_free(&ov);
        return rc;
    }
    return ebm_fail(err, EBM_EINVAL, "%s: not a run (run.h5), a sweep (sweep.yaml), a "
                    "reproduce directory (reproduce.csv) or a directory of runs", dir);
}

/* ---- writing ---- */

static const char style[] =
    "body{font-family:sans-serif;margin:2em;max-width:80em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;font-size:.9em;margin:.5em 0}"
    "th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4;cursor:pointer}td.num{text-align:right;font-variant-numeric:"
    "tabular-nums}.pass{color:#060;font-weight:bold}.fail{color:#b00;font-weight:bold}"
    ".scroll{overflow-x:auto}figure{display:inline-block;margin:.5em;vertical-align:top}"
    "figure img{max-width:40em;border:1px solid #eee}figcaption{font-size:.8em;color:#555}"
    "code{font-size:.85em;word-break:break-all}";

/* Clicking a header sorts its table by that column (numbers by data-v);
 * after loading, #image-check says whether every picture loaded. */
static const char script[] =
    "document.querySelectorAll('table.sortable th').forEach(function(th,col){"
    "th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],"
    "rows=Array.from(b.rows),up=th.dataset.up!=='1';th.dataset.up=up?'1':'0';"
    "rows.sort(function(x,y){var a=x.cells[col],c=y.cells[col],"
    "u=a.dataset.v!==undefined?parseFloat(a.dataset.v):a.textContent,"
    "v=c.dataset.v!==undefined?parseFloat(c.dataset.v):c.textContent;"
    "if(typeof u==='number'&&isNaN(u))return 1;if(typeof v==='number'&&isNaN(v))return -1;"
    "return (u<v?-1:u>v?1:0)*(up?1:-1);});rows.forEach(function(r){b.appendChild(r);});});});\n"
    "window.addEventListener('load',function(){var n=0,bad=[];"
    "document.querySelectorAll('img').forEach(function(i){n++;"
    "if(!i.complete||i.naturalWidth===0)bad.push(i.getAttribute('src'));});"
    "var e=document.getElementById('image-check');e.dataset.images=n;e.dataset.broken=bad.length;"
    "e.textContent=bad.length?bad.length+' of '+n+' pictures did not load: '+bad.join(', ')"
    ":'all '+n+' pictures loaded';});\n";

static void expect_table(const report *r) {
    FILE *f = r->html;
    if (!r->n_rows) return;
    fputs("<h2 id=expect>Expected values</h2>\n<table class=sortable id=expect-table><thead><tr>"
          "<th>experiment</th><th>quantity</th><th>documented</th><th>low</th><th>high</th>"
          "<th>obtained</th><th>result</th><th>source</th><th>note</th></tr></thead><tbody>\n",
          f);
    for (int i = 0; i < r->n_rows; i++) {
        const ebm_reproduce_row *row = &r->rows[i];
        fputs("<tr>", f);
        text_cell(f, row->experiment);
        text_cell(f, row->quantity);
        number_cell(f, row->documented);
        number_cell(f, row->low);
        number_cell(f, row->high);
        number_cell(f, row->obtained);
        fprintf(f, "<td class=%s>%s</td>", row->pass ? "pass" : "fail",
                row->pass ? "PASS" : "FAIL");
        text_cell(f, row->source);
        text_cell(f, row->note ? row->note : "");
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static int metric_index(char ***names, int *n, const char *name) {
    for (int i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0) return i;
    return push(names, n, name) ? -1 : *n - 1;
}

/* One table: a row per run or point, its values of keys (diff: keys that
 * differ), status, duration, then every final metric. */
static void rows_table(FILE *f, const char *id, const ebm_overview *ov, char *const *keys,
                       int n_keys, char *const *key_values) {
    char **metrics = NULL;
    int n_metrics = 0;
    for (int i = 0; i < ov->n_rows; i++)
        for (int m = 0; m < ov->rows[i].n_metrics; m++)
            metric_index(&metrics, &n_metrics, ov->rows[i].metric_names[m]);
    fprintf(f, "<div class=scroll><table class=sortable id=\"%s\"><thead><tr><th>%s</th>", id,
            ov->is_sweep ? "point" : "run");
    for (int k = 0; k < n_keys; k++) {
        fputs("<th>", f);
        html_text(f, keys[k]);
        fputs("</th>", f);
    }
    fputs("<th>status</th><th>duration (s)</th>", f);
    for (int m = 0; m < n_metrics; m++) {
        fputs("<th>", f);
        html_text(f, metrics[m]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (int i = 0; i < ov->n_rows; i++) {
        const ebm_overview_row *row = &ov->rows[i];
        fputs("<tr>", f);
        text_cell(f, row->name);
        for (int k = 0; k < n_keys; k++) text_cell(f, key_values[(size_t)i * n_keys + k]);
        text_cell(f, row->status);
        number_cell(f, row->duration_s);
        for (int m = 0; m < n_metrics; m++) {
            double v = NAN;
            for (int j = 0; j < row->n_metrics; j++)
                if (strcmp(row->metric_names[j], metrics[m]) == 0) v = row->metric_values[j];
            number_cell(f, v);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    for (int m = 0; m < n_metrics; m++) free(metrics[m]);
    free(metrics);
}

static void provenance_table(FILE *f, const ebm_overview *ov) {
    fputs("<table class=sortable><thead><tr><th>run</th><th>started</th><th>host</th>"
          "<th>ebm</th><th>command</th></tr></thead><tbody>\n", f);
    for (int i = 0; i < ov->n_rows; i++) {
        const ebm_overview_row *row = &ov->rows[i];
        fputs("<tr>", f);
        text_cell(f, row->name);
        text_cell(f, row->started);
        text_cell(f, row->host ? row->host : "");
        text_cell(f, row->version ? row->version : "");
        fputs("<td><code>", f);
        html_text(f, row->command ? row->command : "");
        fputs("</code></td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static int runs_section(const report *r, ebm_error *err) {
    if (!r->n_runs) return EBM_OK;
    ebm_overview ov;
    int rc = ebm_overview_read_runs(r->runs, r->run_names, r->n_runs, &ov, err);
    if (rc) return rc;
    const char **yamls = calloc((size_t)ov.n_rows + 1, sizeof *yamls);
    if (!yamls) {
        ebm_overview_free(&ov);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    for (int i = 0; i < ov.n_rows; i++) yamls[i] = ov.rows[i].config;
    ebm_config_diff diff;
    rc = ebm_config_diff_make(yamls, ov.n_rows, &diff, err);
    free(yamls);
    if (rc) {
        ebm_overview_free(&ov);
        return rc;
    }
    FILE *f = r->html;
    fprintf(f, "<h2 id=runs>Run%s</h2>\n", ov.n_rows == 1 ? "" : "s");
    if (ov.n_rows > 1)
        fprintf(f, "<p>Config keys that differ between the runs: %d (columns below).</p>\n",
                diff.n_keys);
    rows_table(f, "runs-table", &ov, diff.keys, diff.n_keys, diff.values);
    fputs("<h3>Provenance</h3>\n", f);
    provenance_table(f, &ov);
    ebm_config_diff_free(&diff);
    ebm_overview_free(&ov);
    return EBM_OK;
}

static int sweep_section(const report *r, int s, ebm_error *err) {
    ebm_overview ov;
    int rc = ebm_overview_read(r->sweeps[s], &ov, err);
    if (rc) return rc;
    FILE *f = r->html;
    fprintf(f, "<h2 id=\"sweep-%d\">Sweep ", s);
    html_text(f, r->sweeps[s]);
    fputs("</h2>\n<p>Experiment <code>", f);
    html_text(f, ov.experiment);
    fprintf(f, "</code>; %d points; swept:", ov.n_rows);
    for (int k = 0; k < ov.n_keys; k++) {
        fputs(k ? ", <code>" : " <code>", f);
        html_text(f, ov.keys[k]);
        fputs("</code>", f);
    }
    fputs(".</p>\n", f);
    char **values = calloc((size_t)(ov.n_rows * ov.n_keys) + 1, sizeof *values);
    if (!values) {
        ebm_overview_free(&ov);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    for (int i = 0; i < ov.n_rows; i++)
        for (int k = 0; k < ov.n_keys; k++) values[(size_t)i * ov.n_keys + k] = ov.rows[i].values[k];
    char id[32];
    snprintf(id, sizeof id, "sweep-%d-table", s);
    rows_table(f, id, &ov, ov.keys, ov.n_keys, values);
    free(values);
    ebm_overview_free(&ov);
    return EBM_OK;
}

/* Draws inputs into OUT/plots/<sub> and adds a figure per PNG. */
static int plots(report *r, char *const *inputs, int n, const char *sub, const char *title,
                 ebm_error *err) {
    char dir[PATH_SIZE];
    snprintf(dir, sizeof dir, "%s/plots/%s", r->out, sub);
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = n, .out_dir = dir};
    char *written = NULL;
    int rc = ebm_plot(&opts, &written, err);
    if (rc) return ebm_error_prefix(err, "plots of %s", title);
    FILE *f = r->html;
    fputs("<h3>Plots: ", f);
    html_text(f, title);
    fputs("</h3>\n<div>\n", f);
    size_t out_len = strlen(r->out);
    for (char *line = strtok(written, "\n"); line; line = strtok(NULL, "\n")) {
        /* relative to the page: plots/<sub>/name.png */
        const char *rel = strncmp(line, r->out, out_len) == 0 && line[out_len] == '/'
                              ? line + out_len + 1 : line;
        const char *slash = strrchr(rel, '/');
        fputs("<figure><a href=\"", f);
        html_text(f, rel);
        fputs("\"><img loading=eager src=\"", f);
        html_text(f, rel);
        fputs("\" alt=\"", f);
        html_text(f, slash ? slash + 1 : rel);
        fputs("\"></a><figcaption>", f);
        html_text(f, slash ? slash + 1 : rel);
        fputs("</figcaption></figure>\n", f);
    }
    fputs("</div>\n", f);
    free(written);
    return EBM_OK;
}

static int write_page(report *r, char *const *inputs, int n_inputs, ebm_error *err) {
    FILE *f = r->html;
    fputs("<!doctype html>\n<html lang=en><head><meta charset=utf-8>\n<title>ebm report", f);
    for (int i = 0; i < n_inputs; i++) {
        fputs(i ? ", " : ": ", f);
        html_text(f, inputs[i]);
    }
    fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>ebm report</h1>\n", style);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fputs("<p>Of ", f);
    for (int i = 0; i < n_inputs; i++) {
        fputs(i ? ", <code>" : "<code>", f);
        html_text(f, inputs[i]);
        fputs("</code>", f);
    }
    fprintf(f, "; written %s by ebm ", stamp);
    html_text(f, ebm_version());
    fputs(". <span id=image-check>(pictures not checked yet)</span></p>\n", f);
    expect_table(r);
    int rc = runs_section(r, err);
    for (int s = 0; !rc && s < r->n_sweeps; s++) rc = sweep_section(r, s, err);
    fputs("<h2 id=plots>Plots</h2>\n", f);
    if (!rc && r->n_runs) rc = plots(r, r->runs, r->n_runs, "runs", "the runs", err);
    for (int s = 0; !rc && s < r->n_sweeps; s++) {
        char sub[32];
        snprintf(sub, sizeof sub, "sweep-%d", s);
        rc = plots(r, &r->sweeps[s], 1, sub, r->sweeps[s], err);
    }
    fprintf(f, "<script>\n%s</script>\n</body></html>\n", script);
    return rc;
}

static void report_free(report *r) {
    for (int i = 0; i < r->n_runs; i++) {
        free(r->runs[i]);
        free(r->run_names[i]);
    }
    free(r->runs);
    free(r->run_names);
    for (int i = 0; i < r->n_sweeps; i++) free(r->sweeps[i]);
    free(r->sweeps);
    ebm_reproduce_rows_free(r->rows, r->n_rows);
}

int ebm_report(const ebm_report_opts *opts, char **index, ebm_error *err) {
    *index = NULL;
    if (opts->n_inputs < 1)
        return ebm_fail(err, EBM_EINVAL, "report: give a run, sweep or reproduce directory");
    report r;
    memset(&r, 0, sizeof r);
    int rc = EBM_OK;
    for (int i = 0; !rc && i < opts->n_inputs; i++) {
        if (!ebm_proc_is_dir(opts->inputs[i]))
            rc = ebm_fail(err, EBM_EINVAL, "%s: not a directory", opts->inputs[i]);
        else
            rc = gather_dir(&r, opts->inputs[i], 0, err);
    }
    char out[PATH_SIZE], path[PATH_SIZE + 16];
    if (opts->out_dir) snprintf(out, sizeof out, "%s", opts->out_dir);
    else snprintf(out, sizeof out, "%s/report", opts->inputs[0]);
    r.out = out;
    if (!rc) rc = ebm_proc_mkdirs(out, err);
    snprintf(path, sizeof path, "%s/index.html.part", out);
    char *text = NULL;
    size_t len = 0;
    if (!rc && !(r.html = open_memstream(&text, &len)))
        rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    if (!rc) {
        rc = write_page(&r, opts->inputs, opts->n_inputs, err);
        fclose(r.html);
        /* written whole, then put in place */
        snprintf(path, sizeof path, "%s/index.html", out);
        if (!rc) rc = ebm_claim_write_file(path, text, err);
        if (!rc && !(*index = strdup(path))) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    free(text);
    report_free(&r);
    return rc;
}
