/* overview.h — `ebm show` on a directory that is not one run: a sweep (one
 * row per point: its overrides, status, duration, headline metric) or a
 * directory of runs and sweeps (one row each, newest first). Read once,
 * written as a table or as JSON. */
#ifndef EBM_OVERVIEW_H
#define EBM_OVERVIEW_H

#include <stdio.h>

#include "error.h"

typedef struct ebm_overview_row {
    char *name;          /* the point's or run's directory name */
    char *kind;          /* "run" or "sweep" (a sweep inside a runs directory) */
    char *status;        /* completed | failed | interrupted | running | pending */
    char *started;       /* ISO 8601 UTC, "" when unknown */
    double duration_s;   /* NaN when unknown */
    char *overrides;     /* the point's "key=value ..." (space separated), or "" */
    char **values;       /* sweep: per swept key, the value's text */
    int n_metrics;
    char **metric_names; /* every final metric, by name */
    double *metric_values;
    char *headline;      /* the metric the table shows, or "" */
    double headline_value;
    char *config;        /* a run's resolved YAML, or NULL */
    char *command, *host, *version;   /* its provenance, or NULL */
} ebm_overview_row;

typedef struct ebm_overview {
    int is_sweep;        /* else a directory of runs */
    char *dir;
    char *experiment;    /* sweep: its experiment file */
    int n_keys;
    char **keys;         /* sweep: the swept keys */
    int n_rows;
    ebm_overview_row *rows;
} ebm_overview;

/* 1 when dir is a sweep directory (it holds sweep.yaml). */
int ebm_overview_is_sweep(const char *dir);

/* Reads a sweep directory, or a directory whose sub-directories are runs
 * (run.h5) or sweeps (sweep.yaml). A directory with neither is EBM_EINVAL. */
int ebm_overview_read(const char *dir, ebm_overview *out, ebm_error *err);
void ebm_overview_free(ebm_overview *ov);
/* Rows for the given run directories (each holding run.h5), in that order,
 * named by names[i]. */
int ebm_overview_read_runs(char *const *dirs, char *const *names, int n, ebm_overview *out,
                           ebm_error *err);

/* A table that fits 100 columns where it can. */
void ebm_overview_write(FILE *to, const ebm_overview *ov);
/* {"kind": "sweep"|"runs", "dir", "keys", "rows": [{name, kind, status,
 * started, duration_s, overrides: {key: value}, headline, metrics: {...}}]},
 * swept values typed (numbers as numbers). */
void ebm_overview_write_json(FILE *to, const ebm_overview *ov);

#endif
