/* sweep.h — grids of runs: Hydra-style sweep expressions, the Cartesian
 * product, N child `ebm run` processes at a time, and the summary table. */
#ifndef EBM_SWEEP_H
#define EBM_SWEEP_H

#include <signal.h>
#include <stddef.h>

#include "error.h"

/* One swept key: "model.lr=0.1,0.01" or "data.load=range(0.05,0.26,0.01)"
 * (stop excluded, floats allowed, step defaults to 1). */
typedef struct ebm_sweep_axis {
    char *key;
    int n;
    char **values;   /* as YAML scalar text */
} ebm_sweep_axis;

int ebm_sweep_parse_axis(const char *expr, ebm_sweep_axis *axis, ebm_error *err);
void ebm_sweep_axis_free(ebm_sweep_axis *axis);

typedef struct ebm_sweep_opts {
    const char *experiment;
    char *const *args;        /* sweep expressions and plain overrides, mixed */
    int n_args;
    const char *out_dir;      /* NULL: runs/<name>/sweep-<UTC timestamp> */
    int jobs;                 /* child processes at a time (>= 1) */
    const char *self_exe;     /* the ebm binary to run points with */
    /* Called whenever a point starts or ends, so the CLI can draw progress;
     * NULL for none. */
    void (*progress)(void *ctx, int done, int total, int running, int failed);
    void *progress_ctx;
    const volatile sig_atomic_t *stop;
} ebm_sweep_opts;

/* Runs the grid (the file's `sweep:` block, with command-line expressions
 * replacing or adding keys). Writes DIR/sweep.yaml (command and config),
 * DIR/<point>/ per point (named from its overrides, e.g. data.load=0.05),
 * DIR/summary.csv and DIR/summary.h5. A failed point is recorded and the
 * others go on; *n_failed says how many failed. */
int ebm_sweep(const ebm_sweep_opts *opts, int *n_failed, char *out_dir_used,
              size_t out_dir_size, ebm_error *err);

#endif
