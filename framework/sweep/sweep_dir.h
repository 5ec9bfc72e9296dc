/* sweep_dir.h — a sweep's directory: made and filled before the points run
 * (sweep.yaml, config.yaml, one directory per point), and read back when a
 * sweep is resumed (what it recorded, whether it is still the same sweep,
 * which points completed). */
#ifndef EBM_SWEEP_DIR_H
#define EBM_SWEEP_DIR_H

#include <stddef.h>

#include "cfg.h"
#include "error.h"
#include "sweep_opts.h"
#include "sweep_grid.h"

/* Room for a sweep directory's path with a point's name under it. */
#define EBM_SWEEP_PATH_SIZE 4400

/* Makes the sweep's directory (opts->out_dir, else runs/<name>/sweep-<UTC
 * timestamp>, written to dir) and writes sweep.yaml (the command and its
 * grid) and config.yaml (the resolved base config); makes every point's
 * directory, clearing what an earlier sweep into it left there. The
 * directory is locked for this process (*lock_fd, claim.h); an --out that
 * holds results is refused unless opts->force (runner.h). */
int ebm_sweep_dir_prepare(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid,
                          const ebm_node *base, char *dir, size_t dir_size,
                          int *lock_fd, ebm_error *err);

/* The experiment and arguments a sweep directory was made with, from its
 * sweep.yaml (experiment and args point into yaml). */
typedef struct ebm_sweep_record {
    ebm_node *yaml;
    const char *experiment;
    char **args;
    int n_args;
} ebm_sweep_record;

int ebm_sweep_record_read(const char *dir, ebm_sweep_record *rec, ebm_error *err);
void ebm_sweep_record_free(ebm_sweep_record *rec);

/* A resumed sweep must be the same sweep: the resolved base config must
 * still be DIR/config.yaml and the grid's points those DIR/sweep.yaml lists.
 * EBM_ECONFIG naming the first difference otherwise. */
int ebm_sweep_record_check(const char *dir, const ebm_sweep_record *rec,
                           const ebm_sweep_grid *grid, const ebm_node *base,
                           ebm_error *err);

/* 1 if DIR/<point>/run.h5 says the point completed. */
int ebm_sweep_point_completed(const char *dir, const char *point);

#endif
