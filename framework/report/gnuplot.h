/* gnuplot.h — the gnuplot calls `ebm plot` queues while it exports data, run
 * one by one once every file is written: a script of scripts/ with its -e
 * assignments, and the PNG it must leave behind. */
#ifndef EBM_GNUPLOT_H
#define EBM_GNUPLOT_H

#include "error.h"
#include "plot_text.h"

typedef struct ebm_gp_job {
    char *script;   /* "metric.gp" */
    char *assign;   /* the -e text */
    char *png;
} ebm_gp_job;

typedef struct ebm_gp_jobs {
    ebm_gp_job *items;
    int n;
} ebm_gp_jobs;

/* Queues script with the assignments (taking assign's text, also on
 * failure) to draw png. */
int ebm_gp_jobs_add(ebm_gp_jobs *jobs, const char *script, ebm_plot_text *assign,
                    const char *png, ebm_error *err);

/* Runs every job with the gnuplot found on PATH and the scripts in ebm's
 * scripts/ directory (datadir.h), appending each PNG's path
 * and a newline to written. data_dir names where the exported files are, for
 * the message when gnuplot is missing. */
int ebm_gp_jobs_run(const ebm_gp_jobs *jobs, const char *data_dir,
                    ebm_plot_text *written, ebm_error *err);

void ebm_gp_jobs_free(ebm_gp_jobs *jobs);

#endif
