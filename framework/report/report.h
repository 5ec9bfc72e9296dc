/* report.h — `ebm report DIR...`: one static HTML page (plain HTML and CSS,
 * a few lines of inline script to sort tables and check pictures) for a
 * run, a sweep, several runs or an `ebm reproduce` directory: what ran and
 * where, how the configs differ, the final metrics, the expect: verdicts
 * and every plot, linked relatively so the directory can be copied or
 * served as it is. */
#ifndef EBM_REPORT_H
#define EBM_REPORT_H

#include "error.h"

typedef struct ebm_report_opts {
    char *const *inputs;   /* run, sweep or reproduce directories */
    int n_inputs;
    const char *out_dir;   /* NULL: <first input>/report */
} ebm_report_opts;

/* Draws the plots into OUT/plots and writes OUT/index.html; *index gets its
 * path (malloc'd). */
int ebm_report(const ebm_report_opts *opts, char **index, ebm_error *err);

#endif
