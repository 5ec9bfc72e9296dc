/* sweep_grid.h — from sweep expressions to the list of points: the axes of an
 * experiment's `sweep:` block and the command line, their Cartesian product,
 * and each point's overrides and directory name. No processes, no files. */
#ifndef EBM_SWEEP_GRID_H
#define EBM_SWEEP_GRID_H

#include "cfg.h"
#include "sweep_expr.h"

typedef struct ebm_sweep_point {
    char *name;          /* directory name: its number, "000", "001", ... */
    char **overrides;    /* one "key=value" per axis, in axis order */
    int *index;          /* per axis: which of its values */
} ebm_sweep_point;

typedef struct ebm_sweep_grid {
    int n_axes;
    ebm_sweep_axis *axes;   /* file keys first, then new command-line keys */
    int n_plain;
    char **plain;           /* the other command-line overrides, for every point */
    int n_points;
    ebm_sweep_point *points;   /* last axis varying fastest */
} ebm_sweep_grid;

/* Builds the grid from the experiment's `sweep:` node (NULL when it has none)
 * and the command-line args. A command-line expression replaces a file axis
 * of the same key, and so does a plain `key=value` (as a one-value axis). */
int ebm_sweep_grid_build(const ebm_node *sweep_block, char *const *args,
                         int n_args, ebm_sweep_grid *grid, ebm_error *err);
void ebm_sweep_grid_free(ebm_sweep_grid *grid);

/* The directory name of point index of n_points: its number, zero-padded to
 * three digits (more past 1000 points) so names sort in grid order; a
 * point's overrides are in sweep.yaml, summary.* and its run file. Returns a
 * malloc'd string. */
char *ebm_sweep_point_name(int index, int n_points);

/* Checks a `sweep:` block alone (each entry parses, the grid is not too
 * large) without building its points; *n_points (may be NULL) gets the size
 * of its grid. Errors carry the entry's file:line:column. */
int ebm_sweep_block_check(const ebm_node *sweep_block, int *n_points, ebm_error *err);

/* For `ebm run FILE overrides`: the number of points of FILE's `sweep:` block
 * when the run leaves at least one of its keys at the base value (so the
 * user may have meant `ebm sweep`); 0 when there is no block, it cannot be
 * read, or the overrides set every key it sweeps (as a sweep's own points
 * do). */
int ebm_sweep_block_points(const char *experiment, char *const *overrides,
                           int n_overrides);

#endif
