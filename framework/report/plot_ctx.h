/* plot_ctx.h — what one `ebm plot` collects while it exports its inputs:
 * where files go, the file labels used so far, the metric overlays (one
 * plot per metric over every run) and the gnuplot jobs queued. */
#ifndef EBM_PLOT_CTX_H
#define EBM_PLOT_CTX_H

#include <stddef.h>

#include "gnuplot.h"

/* A metric drawn from several runs: the data files and their legends. */
typedef struct ebm_plot_overlay {
    char *metric, *axis;
    int n;
    char **files, **titles;
} ebm_plot_overlay;

typedef struct ebm_plot_ctx {
    char out[4096], data[4200];   /* the PNGs' directory, and its data/ */
    ebm_gp_jobs jobs;
    ebm_plot_overlay *overlays;
    int n_overlays;
    char **labels;   /* file labels used so far, to keep them distinct */
    int n_labels;
} ebm_plot_ctx;

/* A file label made of label's safe characters and not used before ("run",
 * then "run-2", ...), remembered. -1 when out of memory. */
int ebm_plot_unique_label(ebm_plot_ctx *ctx, const char *label, char *out,
                          size_t size);

/* Frees what ctx holds (not ctx itself). */
void ebm_plot_ctx_free(ebm_plot_ctx *ctx);

#endif
