/* sweep_opts.h — what `ebm sweep` is asked to do (ebm_sweep_opts) and the
 * worker hook it runs points through beside its own children: the types of
 * sweep.h, in a header of their own so that the sweep's parts (sweep_dir.c,
 * sweep_pool.c) can use them without including the module that drives them. */
#ifndef EBM_SWEEP_OPTS_H
#define EBM_SWEEP_OPTS_H

#include <signal.h>

#include "error.h"

/* One point's command, as handed to a worker: argv[0] is the ebm binary,
 * argv is NULL-terminated, output goes to log_path (appended). Valid until
 * the next call of the hub's next(). */
typedef struct ebm_sweep_job {
    int point;
    char *const *argv;
    const char *log_path;
} ebm_sweep_job;

/* The sweep's side of a worker pool: hands out points and hears how they
 * ended. `worker` names who asks (an MPI rank), for DIR/sweep.log. */
typedef struct ebm_sweep_hub {
    void *ctx;
    /* 1 and *job filled: run this point; 0: nothing left (or stopping). */
    int (*next)(void *ctx, int worker, ebm_sweep_job *job);
    /* exit_code as a shell shows it (-1: could not start); stopped: it was
     * told to stop; not_run: it was never started. */
    void (*ended)(void *ctx, int worker, int point, int exit_code, int stopped,
                  int not_run);
} ebm_sweep_hub;

/* Other processes that run points beside this one (the MPI ranks of
 * sweep_mpi.c); the sweep polls them between its own children. */
typedef struct ebm_sweep_workers {
    void *ctx;
    /* Answers the workers' requests through hub->next (hub NULL: "nothing
     * left") and passes their finished points to hub->ended. Returns how many
     * workers are still at work (0: all done), or -1 with err. */
    int (*poll)(void *ctx, const ebm_sweep_hub *hub, ebm_error *err);
    /* Tells every worker to stop its points; they report them as stopped. */
    void (*stop)(void *ctx);
} ebm_sweep_workers;

typedef struct ebm_sweep_opts {
    const char *experiment;
    char *const *args;        /* sweep expressions and plain overrides, mixed */
    int n_args;
    const char *out_dir;      /* NULL: runs/<name>/sweep-<UTC timestamp> */
    int force;                /* out_dir's earlier results moved aside, not refused */
    int jobs;                 /* child processes at a time (>= 1) */
    const char *self_exe;     /* the ebm binary to run points with */
    /* Called whenever a point starts or ends, so the CLI can draw progress;
     * NULL for none. */
    void (*progress)(void *ctx, int done, int total, int running, int failed);
    void *progress_ctx;
    const volatile sig_atomic_t *stop;
    /* Continue the sweep in this directory (experiment, args and out_dir are
     * then NULL: they come from DIR/sweep.yaml): points whose run.h5 says
     * completed are kept, the others run again (from their checkpoint when
     * they have one). Refused (EBM_ECONFIG) when the resolved config or the
     * grid differs from what DIR/config.yaml and DIR/sweep.yaml recorded. */
    const char *resume_dir;
    /* Stop at the first failed point: the running ones are stopped (status
     * interrupted), the rest not started. */
    int fail_fast;
    /* NULL: every point runs here, `jobs` at a time. */
    const ebm_sweep_workers *workers;
} ebm_sweep_opts;

#endif
