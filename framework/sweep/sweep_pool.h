/* sweep_pool.h — running a sweep's points: child `ebm run` processes N at a
 * time here, the others handed to the workers (MPI ranks) through the hub,
 * each point's state kept, and a line in DIR/sweep.log as each one starts and
 * ends. */
#ifndef EBM_SWEEP_POOL_H
#define EBM_SWEEP_POOL_H

#include <stdio.h>
#include <sys/types.h>

#include "error.h"
#include "sweep_opts.h"
#include "sweep_dir.h"
#include "sweep_grid.h"

enum {
    EBM_POINT_PENDING,
    EBM_POINT_RUNNING,
    EBM_POINT_DONE,
    EBM_POINT_NOT_RUN,
    EBM_POINT_KEPT      /* completed in an earlier run of a resumed sweep */
};

typedef struct ebm_point_state {
    int state;
    pid_t pid;          /* when run here */
    int worker;         /* who runs it: 0 here, else a worker's number */
    int exit_code;      /* -1: could not be started */
    int stopped;        /* it was told to stop */
    double started_s;   /* when it started (monotonic seconds), for sweep.log */
} ebm_point_state;

/* One sweep's points in progress. */
typedef struct ebm_sweep_pool {
    const ebm_sweep_opts *opts;
    const ebm_sweep_grid *grid;
    const char *experiment;   /* the file the points are run from */
    const char *dir;
    ebm_point_state *st;      /* one per point of the grid */
    int *todo;                /* the points to run, in grid order */
    int n_todo, next;
    int local_running;
    int stopping;
    int changes;              /* bumped on every point state change */
    FILE *ledger;             /* DIR/sweep.log */
    /* The command of the point last started, reused for every point. */
    char **argv;
    char point_dir[EBM_SWEEP_PATH_SIZE];
    char log_path[EBM_SWEEP_PATH_SIZE + 16];
} ebm_sweep_pool;

/* Readies the pool for the grid's points in dir: in a resumed sweep
 * (opts->resume_dir) the points that completed before are kept and the
 * others to do; opens DIR/sweep.log for appending. Free with
 * ebm_sweep_pool_free, also after a failure. */
int ebm_sweep_pool_init(ebm_sweep_pool *pool, const ebm_sweep_opts *opts,
                        const ebm_sweep_grid *grid, const char *experiment,
                        const char *dir, ebm_error *err);

/* Runs the points to do, at most opts->jobs at a time here, while the
 * workers (if any) take the others; stops them all on opts->stop, or at the
 * first failure with opts->fail_fast. Returns EBM_OK (however the points
 * ended: see st), or an error from the workers. */
int ebm_sweep_pool_run(ebm_sweep_pool *pool, ebm_error *err);

/* How many points finished: ended by themselves, or kept from before. */
int ebm_sweep_pool_finished(const ebm_sweep_pool *pool);

void ebm_sweep_pool_free(ebm_sweep_pool *pool);

#endif
