/* sweep.h — grids of runs: Hydra-style sweep expressions, the Cartesian
 * product, N child `ebm run` processes at a time, and the summary table. */
#ifndef EBM_SWEEP_H
#define EBM_SWEEP_H

#include <stddef.h>

#include "error.h"
#include "sweep_opts.h"   /* ebm_sweep_opts, the worker hook */

/* Runs the grid (the file's `sweep:` block, with command-line expressions
 * replacing or adding keys). Writes DIR/sweep.yaml (command and config),
 * DIR/<point>/ per point (named from its overrides, e.g. data.load=0.05),
 * DIR/sweep.log (a line as each point starts and ends, with the worker that
 * ran it), DIR/summary.csv and DIR/summary.h5. A failed point is recorded and
 * the others go on (unless fail_fast); *n_failed says how many failed. */
int ebm_sweep(const ebm_sweep_opts *opts, int *n_failed, char *out_dir_used,
              size_t out_dir_size, ebm_error *err);

#endif
