/* run_summary.h — what `ebm run` says when a run ends: the final value of
 * every metric, headline first, and PASS/FAIL for the `expect:` entries one
 * run can evaluate (those without `crossing` or `at`, which need a sweep). */
#ifndef EBM_RUN_SUMMARY_H
#define EBM_RUN_SUMMARY_H

#include <stdio.h>

#include "cfg.h"
#include "error.h"
#include "expect.h"
#include "runfile.h"

typedef struct ebm_run_summary {
    ebm_runinfo run;
    const char *headline;          /* log.headline, else the first metric; may be "" */
    ebm_reproduce_row *rows;       /* the expect: entries evaluated */
    int n_rows;
    int n_skipped;                 /* expect: entries that need a sweep */
} ebm_run_summary;

/* The metric a run's tables lead with: log.headline when the run logged it,
 * else the one the run file names (its first estimator's first metric),
 * else (older files) the first by name of the first estimator's metrics,
 * else the first metric; "" for none. cfg (the run's resolved config) may be NULL. */
const char *ebm_headline_metric(const ebm_node *cfg, const ebm_runinfo *run);

/* The expect: entries of a run's config (cfg, may be NULL) that need no
 * sweep, evaluated against DIR/run.h5 and appended to *rows; *n_skipped
 * counts those that need one. */
int ebm_run_expectations(const ebm_node *cfg, const char *dir, ebm_reproduce_row **rows,
                         int *n_rows, int *n_skipped, ebm_error *err);

/* Reads DIR/run.h5 and evaluates its config's expect: entries. */
int ebm_run_summary_read(const char *dir, ebm_run_summary *out, ebm_error *err);
void ebm_run_summary_free(ebm_run_summary *s);

/* The table "metric  final  at", then one line per expect: entry. */
void ebm_run_summary_write(FILE *to, const ebm_run_summary *s);

#endif
