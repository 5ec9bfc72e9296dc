/* plot_sweep.h — `ebm plot` on a sweep directory: every point's metrics
 * overlaid (plot_runs.h), and each final metric against each numeric swept
 * key, one line per combination of the other keys (sweep_final.gp). */
#ifndef EBM_PLOT_SWEEP_H
#define EBM_PLOT_SWEEP_H

#include "error.h"
#include "plot_ctx.h"

/* Exports the sweep in dir (its summary.csv and its points' run files);
 * prefix_points puts sweep_name before each point's legend, for plots that
 * hold several inputs. */
int ebm_plot_sweep(ebm_plot_ctx *ctx, const char *dir, const char *sweep_name,
                   int prefix_points, ebm_error *err);

#endif
