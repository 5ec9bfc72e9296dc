/* plot_runs.h — `ebm plot` on one run file: every metric series written as
 * a data file and added to its metric's overlay, the overlays then queued as
 * one metric.gp plot each; and the run's images (plot_images.h). */
#ifndef EBM_PLOT_RUNS_H
#define EBM_PLOT_RUNS_H

#include "error.h"
#include "plot_ctx.h"

/* Exports one run file: its metric series (for the overlays), titled with
 * legend, and, unless with_images is 0, the last step of each image group. */
int ebm_plot_run(ebm_plot_ctx *ctx, const char *run_path, const char *legend,
                 int with_images, ebm_error *err);

/* Queues one plot per metric, over every run that logged a finite value of
 * it (a _lo/_hi pair as a band, _exact as a dashed line); metrics of a
 * single point go to OUT/single_values.csv instead. Called after every
 * input is exported. */
int ebm_plot_overlays(ebm_plot_ctx *ctx, ebm_error *err);

/* The x axis's label: "epoch" for the log points' axis, else the axis. */
const char *ebm_plot_axis_label(const char *axis);

#endif
