/* runner.h — one experiment run: compose and validate the config, load data,
 * build and train the model, evaluate estimators at log points, and write the
 * run directory (run.h5, config.yaml, and log.txt: a line per log point). */
#ifndef EBM_RUNNER_H
#define EBM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "rng.h"

/* What the runner reports to a progress callback. */
typedef struct ebm_progress_event {
    const char *name;        /* the experiment's name */
    int epoch, epochs;       /* done so far, in all (0 for one-shot models) */
    const char *phase;       /* "start", "train", the estimator being evaluated,
                              * or "logged" when a log point is complete */
    uint64_t done, total;    /* the estimator's own progress (AIS: beta steps
                              * done of all its passes); total 0 when none */
    const char *metric;      /* the headline metric (log.headline, else the first
                              * estimator's first metric) once logged, or NULL */
    double value;
    double elapsed_s;        /* since the run started */
    double epochs_per_s;     /* training speed: epochs per second of training
                              * alone (log points excluded), 0 until timed */
    double eta_s;            /* training and evaluation left, estimated; < 0 unknown */
    const char *line;        /* "logged": the log point as one plain line (time,
                              * epoch, every metric logged), as in DIR/log.txt */
} ebm_progress_event;

typedef struct ebm_run_opts {
    const char *experiment;          /* path to the YAML file */
    char *const *overrides;          /* "a.b=v", "+a.b=v", "~a.b" */
    int n_overrides;
    const char *out_dir;             /* NULL: runs/<name>/<UTC timestamp> */
    /* Continue the run in out_dir from its checkpoint (DIR/checkpoint.h5):
     * experiment and overrides are ignored, the config is DIR/config.yaml.
     * Without a checkpoint the run starts over in DIR from that config. */
    int resume;
    /* out_dir may hold an earlier run or sweep: it is moved aside (to
     * out_dir.old-N, never deleted) rather than refused. */
    int force;
    /* Called at the start, after every epoch, before each estimator, as a
     * long estimator progresses (every few hundred AIS steps) and when a log
     * point is complete, so the CLI can draw a progress line or print
     * the log point; NULL for none. */
    void (*progress)(void *ctx, const struct ebm_progress_event *event);
    void *progress_ctx;
    const volatile sig_atomic_t *stop;   /* set by a signal handler; may be NULL */
    /* The command line that started the run, recorded in the run file as
     * its `command` attribute; NULL for none. */
    const char *command;
} ebm_run_opts;

/* Takes --out DIR for a run or a sweep ("what"): made if missing and locked
 * for this process (*lock_fd, claim.h). A DIR that holds an earlier run or
 * sweep is refused (EBM_EINVAL, with the ways forward: --resume, another
 * --out, --force), or with force moved aside to DIR.old-N, never deleted;
 * a DIR another process holds is refused naming its pid. */
int ebm_out_dir_claim(const char *dir, int force, const char *what, int *lock_fd,
                      ebm_error *err);

/* Runs it. Config problems come back in diags (all of them) with EBM_ECONFIG
 * and nothing written; any other failure in err. The directory used is copied
 * to out_dir_used. On interruption the run file says status "interrupted" and
 * EBM_EINTERRUPT is returned. */
int ebm_run(const ebm_run_opts *opts, ebm_diags *diags, char *out_dir_used,
            size_t out_dir_size, ebm_error *err);

/* Composes and validates only (ebm validate): the resolved YAML (malloc'd) or
 * NULL with every problem in diags. A valid config is also held to
 * ebm_precheck: its datasets must open, and the run must fit in memory. */
char *ebm_resolve(const char *experiment, char *const *overrides,
                  int n_overrides, ebm_diags *diags);

/* A resolved config saved by an earlier run or sweep, resolved again by this
 * version (malloc'd; NULL when it no longer validates): a key added since,
 * with its default, then appears in both texts a resume compares, and only a
 * real edit differs. */
char *ebm_reresolve(const char *resolved_yaml);

/* What a run builds before training, shared with `ebm sample` (which then
 * loads the trained parameters): the configured data, split, and the model
 * built (and fitted) from them, drawing from the same streams of root (the
 * stream seeded by the config's seed) as the run did. On failure after
 * creation *model is still set, for the caller to destroy. */
int ebm_setup_data(const ebm_node *cfg, const ebm_rng *root, ebm_dataset *train,
                   ebm_dataset *valid, ebm_error *err);
/* fit: also run the model's xFit (one-shot learning, pretraining); 0 when
 * the parameters come from a file next. stop may be NULL. */
int ebm_setup_model(const ebm_node *cfg, const ebm_rng *root, const ebm_dataset *train,
                    int fit, const volatile sig_atomic_t *stop,
                    const ebm_model_ops **ops, void **model, ebm_error *err);

#endif
