/* plot.h — `ebm plot`: export a run's or a sweep's data as text files and
 * draw PNGs with the gnuplot scripts in scripts/. */
#ifndef EBM_PLOT_H
#define EBM_PLOT_H

#include "error.h"

typedef struct ebm_plot_opts {
    char *const *inputs;    /* run directories, run.h5 files or sweep dirs */
    int n_inputs;
    const char *out_dir;    /* NULL: <first input>/plots */
    /* Series longer than a picture shows are thinned to the minimum and
     * maximum of each of 2000 buckets, unless all_points. */
    int all_points;
} ebm_plot_opts;

/* Writes the PNGs (and the .dat files gnuplot read) and lists the PNG paths in
 * *written (malloc'd, newline-separated) for the CLI to print. */
int ebm_plot(const ebm_plot_opts *opts, char **written, ebm_error *err);

#endif
