/* log.h — where estimators and the runner put what they measure. A log keeps
 * the latest value of every metric in memory (for the progress line, sweeps
 * and tests) and, when it has a run file, writes through to it. */
#ifndef EBM_LOG_H
#define EBM_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct ebm_runfile ebm_runfile;
typedef struct ebm_log ebm_log;

ebm_log *ebm_log_new(ebm_runfile *rf /* may be NULL */);
void ebm_log_free(ebm_log *log);

/* Sets the context of the next records: the step, the metric-name prefix
 * (an estimator's `name`, else its type), and the attributes written with a
 * new metric (estimator type, split). Strings are copied. */
void ebm_log_begin(ebm_log *log, int64_t step, const char *prefix,
                   const char *estimator, const char *split);

/* Records "<prefix>_<quantity>" = value at the current step, or just
 * "<prefix>" when quantity is NULL or "" (and just "<quantity>" when the
 * prefix is empty). NaN and inf are recorded too: the runner decides what a
 * divergence means. */
int ebm_log_metric(ebm_log *log, const char *quantity, double value,
                   ebm_error *err);
/* A whole series along another axis (an energy trace over sweeps): stored as
 * metric "<prefix>_<quantity>" with step = 0..n-1 and attribute axis; a later
 * call replaces it. */
int ebm_log_trace(ebm_log *log, const char *quantity, const double *values,
                  size_t n, const char *axis, ebm_error *err);
/* Images or samples at the current step: what == NULL writes the model's
 * samples (/samples/<step>), otherwise /images/<prefix>_<what>/<step>.
 * layout says how rows group (e.g. "pattern,corrupted,recalled"), or NULL. */
int ebm_log_images(ebm_log *log, const char *what, const float *x, size_t n,
                   size_t dim, int height, int width, const char *layout,
                   ebm_error *err);

/* The first metric recorded as NaN, or infinite (except an interval's end,
 * a name ending in _lo or _hi), since the last clear; NULL when none. */
const char *ebm_log_divergence(const ebm_log *log, double *value);
void ebm_log_clear_divergence(ebm_log *log);

/* Latest value of a full metric name; returns 0 if never logged. */
int ebm_log_last(const ebm_log *log, const char *name, double *value);
/* A counter of records: a metric i was recorded after ebm_log_mark returned
 * mark when ebm_log_since(log, i, mark) is 1 (the runner's line per log
 * point lists those). */
unsigned long ebm_log_mark(const ebm_log *log);
int ebm_log_since(const ebm_log *log, int i, unsigned long mark);
/* Iterates the metrics logged so far, in first-logged order. */
int ebm_log_count(const ebm_log *log);
const char *ebm_log_name(const ebm_log *log, int i);

#endif
