/* summary.h — a sweep's summary table: one row per point with its swept
 * values, its status and the final value of every metric any point logged,
 * written as summary.csv and summary.h5 and read back by plot and reproduce. */
#ifndef EBM_SUMMARY_H
#define EBM_SUMMARY_H

#include "error.h"

typedef struct ebm_summary {
    int n_points, n_keys, n_metrics;
    char **points;    /* point directory names */
    char **keys;      /* swept keys, in grid order */
    char **params;    /* n_points × n_keys value texts, row-major */
    char **status;    /* completed | failed | interrupted */
    char **metrics;   /* union of metric names, sorted */
    double *final;    /* n_points × n_metrics, NaN where a point lacks one */
} ebm_summary;

/* Reads DIR/<point>/run.h5 of every point: status ("failed" when the file is
 * missing or unreadable) and the last value of each metric. params is
 * n_points × n_keys, copied. */
int ebm_summary_collect(const char *dir, int n_points, char *const *points,
                        int n_keys, char *const *keys, char *const *params,
                        ebm_summary *out, ebm_error *err);

/* Replaces a point's status (e.g. "interrupted" for one never started). */
int ebm_summary_set_status(ebm_summary *s, int point, const char *status);

/* CSV (RFC 4180 quoting): header "point,<keys>,status,<metrics>"; numbers
 * with 10 significant digits (summary.h5 holds them exactly); a missing
 * metric is an empty field. */
int ebm_summary_write_csv(const ebm_summary *s, const char *path, ebm_error *err);
int ebm_summary_read_csv(const char *path, ebm_summary *out, ebm_error *err);

/* HDF5: /points, /status, /keys (strings), /params/<key> (a swept key's
 * values: int64 or float64 when every point's is a number, so h5py can plot
 * a metric against it; strings otherwise), /metrics/<name> (float64, NaN
 * where missing). */
int ebm_summary_write_h5(const ebm_summary *s, const char *path, ebm_error *err);

void ebm_summary_free(ebm_summary *s);

/* What a swept key's values are: integers, numbers (finite, in the sense of
 * strtod), or text when any point's is not a number. */
typedef enum { EBM_KEY_TEXT, EBM_KEY_INT, EBM_KEY_NUMBER } ebm_key_kind;
ebm_key_kind ebm_summary_key_kind(const ebm_summary *s, int k);

/* Helpers for readers of the table: the column of a key or metric, or -1. */
int ebm_summary_key(const ebm_summary *s, const char *key);
int ebm_summary_metric(const ebm_summary *s, const char *name);

#endif
