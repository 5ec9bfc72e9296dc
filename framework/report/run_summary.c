/* run_summary.c — the end-of-run table of `ebm run`: final metrics and the
 * expect: entries a single run can check (see run_summary.h). */
#include "run_summary.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "reproduce.h"
#include "schema.h"

/* The expect: entries of the run's own config that need no sweep, as a
 * list node that borrows them (only its values array is owned). */
static int single_run_entries(const ebm_node *expect, ebm_node *out, int *n_skipped) {
    memset(out, 0, sizeof *out);
    out->kind = EBM_NODE_SEQ;
    *n_skipped = 0;
    if (!expect || expect->kind != EBM_NODE_SEQ || expect->n == 0) return EBM_OK;
    if (!(out->values = calloc((size_t)expect->n, sizeof *out->values))) return EBM_ENOMEM;
    for (int i = 0; i < expect->n; i++) {
        const ebm_node *e = expect->values[i];
        if (ebm_node_child(e, "crossing") || ebm_node_child(e, "at")) (*n_skipped)++;
        else out->values[out->n++] = expect->values[i];
    }
    return EBM_OK;
}

const char *ebm_headline_metric(const ebm_node *cfg, const ebm_runinfo *run) {
    const char *named = ebm_schema_headline(cfg);
    const ebm_series *s = named[0] ? ebm_runinfo_metric(run, named) : NULL;
    if (!s && run->headline && run->headline[0]) s = ebm_runinfo_metric(run, run->headline);
    if (s) return s->name;
    const ebm_node *first = cfg ? ebm_node_at(cfg, "log.estimators") : NULL;
    first = first && first->kind == EBM_NODE_SEQ && first->n ? first->values[0] : NULL;
    const char *prefix = first ? ebm_cfg_str(first, "name", ebm_cfg_str(first, "type", "")) : "";
    size_t len = strlen(prefix);
    for (int i = 0; len && i < run->n_metrics; i++) {
        const char *name = run->metrics[i].name;
        if (strncmp(name, prefix, len) == 0 && (name[len] == '\0' || name[len] == '_'))
            return name;
    }
    return run->n_metrics ? run->metrics[0].name : "";
}

int ebm_run_expectations(const ebm_node *cfg, const char *dir, ebm_reproduce_row **rows,
                         int *n_rows, int *n_skipped, ebm_error *err) {
    ebm_node entries;
    int rc = single_run_entries(cfg ? ebm_node_child(cfg, "expect") : NULL, &entries,
                                n_skipped);
    if (rc) return ebm_fail(err, rc, "out of memory");
    if (entries.n > 0)
        rc = ebm_expect_evaluate(ebm_cfg_str(cfg, "name", "run"), &entries, dir, 0, rows,
                                 n_rows, err);
    free(entries.values);
    return rc;
}

int ebm_run_summary_read(const char *dir, ebm_run_summary *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    char path[4200];
    snprintf(path, sizeof path, "%s/run.h5", dir);
    int rc = ebm_runfile_read(path, &out->run, err);
    if (rc) return rc;
    ebm_error ignored;
    ebm_node *cfg = ebm_cfg_parse_string(out->run.config_yaml, strlen(out->run.config_yaml),
                                         path, &ignored);
    out->headline = ebm_headline_metric(cfg, &out->run);
    rc = ebm_run_expectations(cfg, dir, &out->rows, &out->n_rows, &out->n_skipped, err);
    ebm_node_free(cfg);
    if (rc) ebm_run_summary_free(out);
    return rc;
}

void ebm_run_summary_free(ebm_run_summary *s) {
    if (!s) return;
    ebm_runinfo_free(&s->run);
    ebm_reproduce_rows_free(s->rows, s->n_rows);
    memset(s, 0, sizeof *s);
}

static void write_metric(FILE *to, const ebm_series *s, int width) {
    if (s->n == 0) {
        fprintf(to, "  %-*s  (no points)\n", width, s->name);
    } else if (s->axis[0] && strcmp(s->axis, "step") != 0) {
        fprintf(to, "  %-*s  %-14.10g last of %zu along %s\n", width, s->name,
                s->value[s->n - 1], s->n, s->axis);
    } else {
        fprintf(to, "  %-*s  %-14.10g epoch %" PRId64 "\n", width, s->name, s->value[s->n - 1],
                s->step[s->n - 1]);
    }
}

void ebm_run_summary_write(FILE *to, const ebm_run_summary *s) {
    const ebm_runinfo *run = &s->run;
    int width = 6;
    for (int i = 0; i < run->n_metrics; i++) {
        int len = (int)strlen(run->metrics[i].name);
        if (len > width) width = len;
    }
    if (width > 40) width = 40;
    fprintf(to, "%s: %s", run->status, run->n_metrics ? "final values\n" : "no metrics\n");
    if (run->n_metrics) fprintf(to, "  %-*s  %-14s at\n", width, "metric", "value");
    const ebm_series *head = s->headline[0] ? ebm_runinfo_metric(run, s->headline) : NULL;
    if (head) write_metric(to, head, width);
    for (int i = 0; i < run->n_metrics; i++)
        if (&run->metrics[i] != head) write_metric(to, &run->metrics[i], width);
    ebm_expect_write_lines(to, s->rows, s->n_rows, s->n_skipped);
}
