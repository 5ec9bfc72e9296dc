/* expect.h — evaluating an experiment's `expect:` entries against what its
 * run or sweep produced (used by `ebm reproduce`; separate so it can be
 * tested on synthetic result directories without running anything).
 *
 * An entry: quantity, source, value + tolerance or range [lo, hi], and how to
 * obtain it: metric (+ reduce final|max|min|mean, + at {key: value} to pick a
 * sweep point; in a sweep without `at`, reduce max|min|mean acts on every
 * point's final value instead, e.g. a mean over seeds) or crossing {metric,
 * level, over, direction below|above}.
 * With neither, the quantity names the metric (reduce final).
 * A sampled log-likelihood (<est>_loglik, reduce final, whose estimator
 * logged <est>_sandwich_lo/_hi at the same step) passes when the documented
 * value ± tolerance (or range) meets the sandwich, and the note says so. */
#ifndef EBM_EXPECT_H
#define EBM_EXPECT_H

#include <stdio.h>

#include "cfg.h"

/* One line of `ebm reproduce`'s table: a documented value and what a run
 * obtained. */
typedef struct ebm_reproduce_row {
    char *experiment, *quantity, *source;
    double documented, tolerance;  /* tolerance < 0 when a range is given */
    double low, high;              /* the accepted interval */
    double obtained;               /* NaN if it could not be computed */
    int pass;
    char *note;                    /* why it failed to compute, or "" */
} ebm_reproduce_row;

/* Appends one row per entry of expect (a list) to *rows. result_dir holds
 * run.h5 (is_sweep = 0) or summary.csv and the point directories. A quantity
 * that cannot be obtained gets NaN, pass = 0 and a note; only running out of
 * memory is an error. */
int ebm_expect_evaluate(const char *experiment, const ebm_node *expect,
                        const char *result_dir, int is_sweep,
                        ebm_reproduce_row **rows, int *n_rows, ebm_error *err);

/* Rows for every entry of expect with obtained = NaN and the same note (the
 * run failed, the config did not load). */
int ebm_expect_fail_all(const char *experiment, const ebm_node *expect,
                        const char *note, ebm_reproduce_row **rows,
                        int *n_rows, ebm_error *err);

/* The expect: entries of the sweep in dir (its config.yaml), evaluated
 * over its points (summary.csv) and appended to *rows: none when it has no
 * expect: block or no summary yet. Only running out of memory is an error. */
int ebm_expect_evaluate_sweep(const char *dir, ebm_reproduce_row **rows, int *n_rows,
                              ebm_error *err);

/* A documented range as text, numbers to `digits` significant digits:
 * "[LO, HI]", or "≥ LO" / "≤ HI" when the other end is infinite (an entry's
 * `range: [2, .inf]`). */
void ebm_expect_range_text(double low, double high, int digits, char *out, size_t size);

/* One line per row, as `ebm run` and `ebm sweep` end:
 * "expect: QUANTITY = OBTAINED, documented [LO, HI] (SOURCE): PASS|FAIL"
 * (the range as ebm_expect_range_text writes it);
 * then, when n_skipped > 0 (a single run's entries that only a sweep can
 * check), a line that says how many. */
void ebm_expect_write_lines(FILE *to, const ebm_reproduce_row *rows, int n_rows,
                            int n_skipped);

/* Where an expect: entry shows on the plot of a sweep's final metric
 * against swept key: a documented point (an entry of that metric whose `at`
 * names key alone: x its value, y the documented one, [low, high] around y)
 * or a documented crossing (of that metric over key: x the documented value,
 * [low, high] around x, y the level). An infinite end of a range stops at
 * the documented value, so a one-sided range draws as a bar to its finite
 * end. */
typedef struct ebm_expect_mark {
    int is_crossing;
    double x, y, low, high;
} ebm_expect_mark;

/* 1 and *out when entry belongs on that plot, else 0. */
int ebm_expect_mark_for(const ebm_node *entry, const char *metric, const char *key,
                        ebm_expect_mark *out);

/* The first x where y goes below (below = 1) or above level, linearly
 * interpolated between the neighbouring points; x ascending. NaN when it
 * never does or already has at x[0], with the reason in note. */
double ebm_expect_crossing(const double *x, const double *y, int n,
                           double level, int below, char *note,
                           size_t note_size);

#endif
