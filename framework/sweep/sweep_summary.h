/* sweep_summary.h — the summary of a sweep that ran: every point's row
 * collected from its run file, its status settled by how its process ended,
 * written as DIR/summary.csv and DIR/summary.h5 (summary.h's table). */
#ifndef EBM_SWEEP_SUMMARY_H
#define EBM_SWEEP_SUMMARY_H

#include "error.h"
#include "sweep_grid.h"
#include "sweep_pool.h"

/* st holds one state per point of the grid; *n_failed gets how many points
 * the summary calls failed. */
int ebm_sweep_write_summary(const char *dir, const ebm_sweep_grid *grid,
                            const ebm_point_state *st, int *n_failed,
                            ebm_error *err);

#endif
