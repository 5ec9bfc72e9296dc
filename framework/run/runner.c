/* runner.c — one experiment from YAML to run file: compose and validate the
 * config, load the data, build, fit and train the model, evaluate the
 * estimators at the log points, save the parameters. */
#include "runner.h"
#include "sweep_expr.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "checkpoint.h"
#include "claim.h"
#include "footprint.h"
#include "precheck.h"
#include "dataset.h"
#include "estimator.h"
#include "eta.h"
#include "fit.h"
#include "gemm.h"
#include "log.h"
#include "model.h"
#include "optim.h"
#include "proc.h"
#include "registry.h"
#include "rng.h"
#include "runfile.h"
#include "schema.h"
#include "textdiff.h"
#include "train.h"

#define MAX_TENSORS 16

/* Everything one run holds; torn down in one place (run_free). */
typedef struct run {
    const ebm_run_opts *opts;
    ebm_node *cfg;
    char *yaml;
    ebm_rng root;
    ebm_dataset train, valid;
    const ebm_model_ops *ops;
    void *model;
    ebm_tensor params[MAX_TENSORS];
    int n_params;
    ebm_runfile *rf;
    ebm_log *log;
    ebm_dataset *tests;     /* per estimator: its `test` dataset, loaded on first use */
    struct timespec started;
    double duration_before;  /* seconds the run took before this resume */
    FILE *log_txt;          /* DIR/log.txt: a line per log point */
    char headline[256];     /* the metric the progress line shows, once known */
    /* for the ETA: time spent training and in each estimator so far, and
     * the estimator under way (-1: none) with its start and progress */
    ebm_eta eta;
    int current;
    double current_started_s, current_fraction;
    int epochs;
    char dir[4096];         /* the run directory */
    int lock_fd;            /* DIR/.ebm-lock, held while this process writes DIR */
    int resuming;           /* continuing from DIR/checkpoint.h5 */
    ebm_checkpoint_pos resume_pos;   /* where, read whole before DIR changes */
    int start_logged;       /* the step-0 log point is in the run file */
    /* training: the minibatch loop (its trainer, optimiser and buffers) and
     * what a checkpoint keeps */
    ebm_fit fit;
    ebm_state_list state;
    int64_t checkpoint_steps, steps_at_checkpoint;
    double checkpoint_minutes;
    struct timespec last_checkpoint;
} run;

char *ebm_resolve(const char *experiment, char *const *overrides,
                  int n_overrides, ebm_diags *diags) {
    ebm_node *cfg = ebm_cfg_compose(experiment, overrides, n_overrides, diags);
    if (!cfg) return NULL;
    char *yaml = NULL;
    ebm_error err;
    ebm_error_clear(&err);
    if (ebm_cfg_validate(cfg, diags) == 0) {
        if (ebm_precheck(cfg, 0, &err))
            ebm_diags_add(diags, "%s: %s", experiment, err.msg);
        else
            yaml = ebm_cfg_to_yaml(cfg);
    }
    ebm_node_free(cfg);
    return yaml;
}

char *ebm_reresolve(const char *resolved_yaml) {
    ebm_error ignored;
    ebm_node *cfg = ebm_cfg_parse_string(resolved_yaml, strlen(resolved_yaml), "config.yaml",
                                         &ignored);
    ebm_diags diags = {0};
    char *out = cfg && ebm_cfg_validate(cfg, &diags) == 0 ? ebm_cfg_to_yaml(cfg) : NULL;
    ebm_diags_free(&diags);
    ebm_node_free(cfg);
    return out;
}

int ebm_out_dir_claim(const char *dir, int force, const char *what, int *lock_fd,
                      ebm_error *err) {
    *lock_fd = -1;
    const char *held = ebm_claim_results_in(dir);
    int sweep = held && (strcmp(held, "sweep.yaml") == 0 || strcmp(held, "summary.csv") == 0);
    if (held && !force)
        return ebm_fail(err, EBM_EINVAL, "--out %s: it holds a %s (%s); nothing was "
                        "written. Give another --out, continue it with `ebm %s --resume "
                        "%s` if it did not complete, or add --force to move it aside to "
                        "%s.old-N (nothing is deleted)", dir, sweep ? "sweep" : "run", held,
                        sweep ? "sweep" : "run", dir, dir);
    int rc = EBM_OK, old_fd = -1;
    if (held) {
        /* A live run's or sweep's directory is never moved aside; the probe
         * writes nothing, so the old results move byte for byte. Its lock
         * is held until the new directory is ours, or a second --force
         * could take the old one's place and move ours aside. */
        rc = ebm_claim_probe_hold(dir, sweep ? "sweep" : "run", &old_fd, err);
        if (!rc) rc = ebm_claim_move_aside(dir, NULL, 0, err);
    }
    if (!rc) rc = ebm_proc_mkdirs(dir, err);
    /* Locked, then looked at again: another process may have written
     * results into it meanwhile. */
    if (!rc) rc = ebm_claim_lock(dir, what, lock_fd, err);
    if (old_fd >= 0) close(old_fd);
    if (!rc && (held = ebm_claim_results_in(dir)))
        rc = ebm_fail(err, EBM_EINVAL, "--out %s: another process wrote results into it "
                      "(%s) a moment ago; nothing was written", dir, held);
    if (rc && *lock_fd >= 0) {
        close(*lock_fd);
        *lock_fd = -1;
    }
    return rc;
}

static int choose_out_dir(run *r, char *out, size_t size, ebm_error *err) {
    if (!r->opts->out_dir) {
        /* mkdir is atomic: runs started in the same second get -2, -3, ... */
        char stamp[32], base[4096];
        ebm_proc_timestamp(stamp, sizeof stamp);
        snprintf(base, sizeof base, "runs/%s/%s", ebm_cfg_str(r->cfg, "name", "run"), stamp);
        int rc = ebm_claim_new_dir(base, out, size, err);
        return rc ? rc : ebm_claim_lock(out, "run", &r->lock_fd, err);
    }
    if (snprintf(out, size, "%s", r->opts->out_dir) >= (int)size)
        return ebm_fail(err, EBM_EINVAL, "--out: path too long");
    return ebm_out_dir_claim(out, r->opts->force, "run", &r->lock_fd, err);
}

int ebm_setup_data(const ebm_node *cfg, const ebm_rng *root, ebm_dataset *train,
                   ebm_dataset *valid, ebm_error *err) {
    const ebm_node *data_cfg = ebm_node_child(cfg, "data");
    const ebm_dataset_ops *ops = (const ebm_dataset_ops *)ebm_registry_find(
        EBM_KIND_DATASET, ebm_cfg_str(data_cfg, "type", ""));
    if (!ops) return ebm_fail(err, EBM_ECONFIG, "data.type: unknown dataset");
    ebm_rng data_rng;
    ebm_rng_named(&data_rng, root, "data");
    int rc = ops->xLoad(data_cfg, &data_rng, train, err);
    if (rc) return ebm_error_prefix(err, "data (%s)", ops->info.name);
    if (train->n == 0 || train->dim == 0)
        return ebm_fail(err, EBM_EDATA, "data (%s): the dataset is empty", ops->info.name);
    if (ebm_cfg_bool(data_cfg, "append_labels", 0) &&
        (rc = ebm_dataset_append_labels(train, err)))
        return rc;
    rc = ebm_dataset_split(train, (size_t)ebm_cfg_int(data_cfg, "valid", 0), valid, err);
    if (!rc && ebm_cfg_bool(data_cfg, "standardize", 0))
        rc = ebm_dataset_standardize(train, valid, err);
    return rc;
}

int ebm_setup_model(const ebm_node *cfg, const ebm_rng *root, const ebm_dataset *train,
                    int fit, const volatile sig_atomic_t *stop,
                    const ebm_model_ops **ops_out, void **model, ebm_error *err) {
    const ebm_node *model_cfg = ebm_node_child(cfg, "model");
    const ebm_model_ops *ops = (const ebm_model_ops *)ebm_registry_find(
        EBM_KIND_MODEL, ebm_cfg_str(model_cfg, "type", ""));
    if (!ops) return ebm_fail(err, EBM_ECONFIG, "model.type: unknown model");
    *ops_out = ops;
    ebm_rng model_rng;
    ebm_rng_named(&model_rng, root, "model");
    int rc = ops->xCreate(model_cfg, train, &model_rng, model, err);
    if (rc) {
        *model = NULL;
        return ebm_error_prefix(err, "model (%s)", ops->info.name);
    }
    if (fit) {
        ebm_rng fit_rng;
        ebm_rng_named(&fit_rng, root, "fit");
        rc = ebm_model_fit(ops, *model, train, &fit_rng, stop, err);
        if (rc) return ebm_error_prefix(err, "model (%s): fit", ops->info.name);
    }
    return EBM_OK;
}

static double seconds_since(const struct timespec *t) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + 1e-9 * (double)(now.tv_nsec - t->tv_nsec);
}

/* Seconds left (eta.h), from what this phase says is under way. */
static double eta_seconds(const run *r, int epoch, const char *phase) {
    int logged = strcmp(phase, "logged") == 0;
    double current_s = r->current >= 0
        ? seconds_since(&r->started) - r->current_started_s : 0.0;
    return ebm_eta_left(&r->eta, epoch, r->current, current_s, r->current_fraction, logged);
}

static void report_progress(const run *r, int epoch, const char *phase, const char *line,
                            uint64_t done, uint64_t total) {
    if (!r->opts->progress) return;
    ebm_progress_event ev = {
        .name = ebm_cfg_str(r->cfg, "name", "run"), .epoch = epoch,
        .epochs = r->epochs, .phase = phase, .done = done, .total = total,
        .elapsed_s = seconds_since(&r->started), .eta_s = eta_seconds(r, epoch, phase),
        .epochs_per_s = r->eta.train_s > 0 ? r->eta.epochs_timed / r->eta.train_s : 0.0,
        .line = line};
    if (r->log && r->headline[0] && ebm_log_last(r->log, r->headline, &ev.value))
        ev.metric = r->headline;
    r->opts->progress(r->opts->progress_ctx, &ev);
}

static void report(const run *r, int epoch, const char *phase) {
    report_progress(r, epoch, phase, NULL, 0, 0);
}

/* What the current estimator is and where: the progress hook's context. */
typedef struct estimator_at {
    run *r;
    int epoch;
    const char *type;
} estimator_at;

/* An estimator's progress (ebm_eval_progress): kept for the ETA and drawn. */
static void estimator_progress(void *ctx, uint64_t done, uint64_t total) {
    estimator_at *at = ctx;
    at->r->current_fraction = total ? (double)done / (double)total : 0.0;
    report_progress(at->r, at->epoch, at->type, NULL, done, total);
}

/* The log point just evaluated as one line, "<UTC time>  epoch 3/20  name
 * value ...", written to DIR/log.txt and handed to the progress callback (a
 * batch job's stderr gets it). */
static void log_point_line(run *r, int epoch, unsigned long mark) {
    char stamp[32], line[4096];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    size_t len = r->epochs > 0
        ? (size_t)snprintf(line, sizeof line, "%s  epoch %d/%d", stamp, epoch, r->epochs)
        : (size_t)snprintf(line, sizeof line, "%s  done", stamp);
    for (int i = 0; i < ebm_log_count(r->log) && len < sizeof line; i++) {
        double value;
        const char *name = ebm_log_name(r->log, i);
        if (!ebm_log_since(r->log, i, mark) || !ebm_log_last(r->log, name, &value)) continue;
        len += (size_t)snprintf(line + len, sizeof line - len, "  %s %.6g", name, value);
    }
    if (r->log_txt) {
        fprintf(r->log_txt, "%s\n", line);
        fflush(r->log_txt);
    }
    report_progress(r, epoch, "logged", line, 0, 0);
}

/* The data an estimator reads: a split, or its own `test` dataset (loaded
 * once, from the data stream of its index, so every log point sees the same
 * rows). */
static int estimator_data(run *r, int i, const ebm_node *est_cfg, const char *type,
                          const ebm_dataset **out, ebm_error *err) {
    const char *split = ebm_cfg_str(est_cfg, "split", "train");
    const ebm_node *test_cfg = ebm_node_child(est_cfg, "test");
    if (strcmp(split, "test") != 0) {
        if (test_cfg)
            return ebm_fail(err, EBM_ECONFIG, "log.estimators[%d] (%s): `test` is "
                            "read only with split: test", i, type);
        *out = strcmp(split, "valid") == 0 ? &r->valid : &r->train;
    } else {
        if (!test_cfg)
            return ebm_fail(err, EBM_ECONFIG, "log.estimators[%d] (%s): split: test "
                            "needs `test`, the dataset to read (e.g. {type: "
                            "fashion_mnist, split: test})", i, type);
        const ebm_node *list = ebm_node_at(r->cfg, "log.estimators");
        if (!r->tests && !(r->tests = calloc((size_t)list->n, sizeof *r->tests)))
            return ebm_fail(err, EBM_ENOMEM, "test datasets");
        ebm_dataset *test = &r->tests[i];
        if (test->n == 0) {
            const ebm_dataset_ops *ops = (const ebm_dataset_ops *)ebm_registry_find(
                EBM_KIND_DATASET, ebm_cfg_str(test_cfg, "type", ""));
            ebm_rng data_rng, test_rng;
            ebm_rng_named(&data_rng, &r->root, "data");
            ebm_rng_derive(&test_rng, &data_rng, 1 + (uint64_t)i);
            int rc = ops->xLoad(test_cfg, &test_rng, test, err);
            if (!rc) rc = ebm_dataset_prepare_like(&r->train, test, err);
            if (rc)
                return ebm_error_prefix(err, "log.estimators[%d] (%s): test data (%s)", i,
                                        type, ops->info.name);
        }
        *out = test;
    }
    if ((*out)->n == 0)
        return ebm_fail(err, EBM_ECONFIG,
                        "log.estimators[%d] (%s): split '%s' is empty%s", i, type, split,
                        strcmp(split, "valid") == 0 ? "; set data.valid" : "");
    return EBM_OK;
}

/* The headline: the one the config names (ebm_schema_headline) once it has
 * been logged, else the first metric the first estimator to log anything
 * logged (first = index of the metrics that estimator added). */
static void choose_headline(run *r, int first) {
    const char *named = ebm_schema_headline(r->cfg);
    double value;
    if (named[0] && ebm_log_last(r->log, named, &value))
        snprintf(r->headline, sizeof r->headline, "%s", named);
    else if (!r->headline[0] && ebm_log_count(r->log) > first)
        snprintf(r->headline, sizeof r->headline, "%s", ebm_log_name(r->log, first));
}

/* Runs every estimator whose schedule includes this epoch, then flushes. */
static int evaluate(run *r, int epoch, ebm_error *err) {
    const ebm_node *list = ebm_node_at(r->cfg, "log.estimators");
    int evaluated = 0;
    unsigned long mark = ebm_log_mark(r->log);
    ebm_rng estimators_rng;
    ebm_rng_named(&estimators_rng, &r->root, "estimators");
    for (int i = 0; list && i < list->n; i++) {
        const ebm_node *est_cfg = list->values[i];
        if (!ebm_eta_due(&r->eta, i, epoch)) continue;
        evaluated++;
        const char *type = ebm_cfg_str(est_cfg, "type", "");
        const ebm_estimator_ops *ops = (const ebm_estimator_ops *)ebm_registry_find(
            EBM_KIND_ESTIMATOR, type);
        const char *split = ebm_cfg_str(est_cfg, "split", "train");
        const ebm_dataset *data = NULL;
        int rc = estimator_data(r, i, est_cfg, type, &data, err);
        if (rc) return rc;
        ebm_rng est_rng, step_rng;
        ebm_rng_derive(&est_rng, &estimators_rng, (uint64_t)i);
        ebm_rng_derive(&step_rng, &est_rng, (uint64_t)epoch);
        ebm_log_begin(r->log, epoch, ebm_cfg_str(est_cfg, "name", type), type, split);
        r->current = i;
        r->current_fraction = 0;
        r->current_started_s = seconds_since(&r->started);
        report(r, epoch, type);
        int before = ebm_log_count(r->log);
        estimator_at at = {.r = r, .epoch = epoch, .type = type};
        ebm_eval ev = {.ops = r->ops, .model = r->model, .data = data,
                       .train = &r->train, .valid = &r->valid,
                       .cfg = est_cfg, .rng = &step_rng, .log = r->log,
                       .stop = r->opts->stop, .step = epoch,
                       .is_final = epoch == r->epochs,
                       .progress = estimator_progress, .progress_ctx = &at};
        rc = ops->xEvaluate(&ev, err);
        ebm_eta_estimator_took(&r->eta, i, seconds_since(&r->started) - r->current_started_s);
        r->current = -1;
        if (rc) return ebm_error_prefix(err, "step %d: estimator %s", epoch, type);
        choose_headline(r, before);
        double bad;
        const char *metric = ebm_log_divergence(r->log, &bad);
        if (metric) {
            /* Logged first, so the run file shows it; then the run stops. */
            rc = ebm_fail(err, EBM_ENUMERIC, "step %d: estimator %s: metric %s is %s", epoch,
                          type, metric, isnan(bad) ? "NaN" : bad > 0 ? "+inf" : "-inf");
            ebm_runfile_flush(r->rf, NULL);
            return rc;
        }
    }
    if (!evaluated) return EBM_OK;
    log_point_line(r, epoch, mark);
    /* Flushing (H5Fflush + fsync) is what makes a log point survive a crash,
     * and it costs a disk sync, so it happens only when something was logged. */
    return ebm_runfile_flush(r->rf, err);
}

static int stopped(const run *r) { return r->opts->stop && *r->opts->stop; }

/* What the training sampler reports, as metrics of every epoch: the swap
 * acceptance of tempering ("train_swap_rate"), and the minibatches skipped
 * for a non-finite gradient under on_divergence: skip_batch. */
static int log_training_stats(run *r, int epoch, ebm_error *err) {
    int rc = EBM_OK;
    if (r->fit.skip_nonfinite) {
        ebm_log_begin(r->log, epoch, "train", "trainer", "train");
        rc = ebm_log_metric(r->log, "skipped_batches", (double)r->fit.skipped, err);
        r->fit.skipped = 0;
    }
    if (rc || !r->fit.trainer) return rc;
    ebm_sampler_stats stats;
    ebm_trainer_take_stats(r->fit.trainer, &stats);
    if (stats.swaps_proposed == 0) return EBM_OK;
    ebm_log_begin(r->log, epoch, "train", "trainer", "train");
    return ebm_log_metric(r->log, "swap_rate",
                          (double)stats.swaps_accepted / (double)stats.swaps_proposed, err);
}

/* ---- checkpoints (checkpoint.h) ---- */

/* Everything that changes during training besides the parameters. */
static int collect_state(run *r, ebm_error *err) {
    int rc = ebm_optim_state(r->fit.optim, r->params, &r->state, err);
    if (!rc) rc = ebm_state_add(&r->state, "fit/skipped", EBM_STATE_U64, &r->fit.skipped, 1, err);
    if (!rc && r->fit.trainer) rc = ebm_trainer_state(r->fit.trainer, &r->state, err);
    if (!rc) {
        r->state.prefix = "model";
        rc = ebm_model_state(r->ops, r->model, &r->state, err);
        r->state.prefix = NULL;
    }
    return rc;
}

static int write_checkpoint(run *r, int epochs_done, size_t batches_done, ebm_error *err) {
    ebm_checkpoint_pos pos = {.epoch = epochs_done, .batch = (int64_t)batches_done,
                              .step = r->fit.steps,
                              .start_pending = epochs_done == 0 && batches_done == 0 &&
                                               r->fit.steps == 0 && !r->start_logged};
    int rc = ebm_runfile_flush(r->rf, err);
    if (!rc) rc = ebm_checkpoint_write(r->dir, ebm_runfile_path(r->rf), &pos, r->params,
                                       r->n_params, &r->state, err);
    clock_gettime(CLOCK_MONOTONIC, &r->last_checkpoint);
    r->steps_at_checkpoint = r->fit.steps;
    return rc;
}

static int checkpoint_due(const run *r) {
    return (r->checkpoint_steps > 0 &&
            r->fit.steps - r->steps_at_checkpoint >= r->checkpoint_steps) ||
           (r->checkpoint_minutes > 0 &&
            seconds_since(&r->last_checkpoint) >= 60.0 * r->checkpoint_minutes);
}

/* fit.c's hook after a minibatch (never the epoch's last). */
static int after_step(void *ctx, int epoch, size_t batches_done, ebm_error *err) {
    run *r = ctx;
    if (!checkpoint_due(r)) return EBM_OK;
    return write_checkpoint(r, epoch - 1, batches_done, err);
}

/* The trainer, optimiser and buffers of the minibatch loop (fit.c). */
static int setup_training(run *r, ebm_error *err) {
    ebm_rng chains_rng;
    ebm_rng_named(&chains_rng, &r->root, "chains");
    int rc = ebm_fit_open(&r->fit, r->ops, r->model, &r->train, r->params, r->n_params,
                          ebm_node_child(r->cfg, "train"), ebm_node_at(r->cfg, "train.optim"),
                          (size_t)ebm_cfg_int(r->cfg, "train.batch", 0), &chains_rng,
                          r->opts->stop, err);
    if (rc) return rc;
    r->fit.after_step = after_step;
    r->fit.after_step_ctx = r;
    r->checkpoint_steps = ebm_cfg_int(r->cfg, "checkpoint.steps", 0);
    r->checkpoint_minutes = ebm_cfg_double(r->cfg, "checkpoint.minutes", 10);
    return collect_state(r, err);
}

/* Resuming: the checkpoint must be this run's. It carries the resolved
 * config it was made from (/config) and the run's identity (seed, run_id):
 * DIR/config.yaml must still resolve to that config (an edited lr, epochs
 * or seed would make run.h5 record what it did not do), and DIR/run.h5,
 * when it can be read, must be the same run (another run's checkpoint of
 * the same shapes would otherwise be taken). */
static int check_identity(const run *r, const char *path, const ebm_runinfo *ck,
                          ebm_error *err) {
    char was[200], now[200];
    char *then = ebm_reresolve(ck->config_yaml);
    int line = ebm_text_first_difference(then ? then : ck->config_yaml,
                                         r->yaml ? r->yaml : "", was, now, sizeof was);
    free(then);
    if (line)
        return ebm_fail(err, EBM_EDATA, "cannot resume %s: %s/config.yaml no longer gives "
                        "the config the checkpoint was made from (line %d: the checkpoint "
                        "has '%s', config.yaml now gives '%s'); put config.yaml back, or "
                        "start a new run", r->dir, r->dir, line, was, now);
    char run_path[4200];
    snprintf(run_path, sizeof run_path, "%s/run.h5", r->dir);
    ebm_runinfo info;
    ebm_error ignored;
    if (ebm_runfile_read(run_path, &info, &ignored) != EBM_OK) return EBM_OK;
    int rc = EBM_OK;
    if (info.seed != ck->seed || strcmp(info.run_id, ck->run_id) != 0)
        rc = ebm_fail(err, EBM_EDATA, "cannot resume %s: %s is another run's checkpoint "
                      "(run %s, seed %llu; run.h5 is run %s, seed %llu)", r->dir, path,
                      ck->run_id[0] ? ck->run_id : "without id", (unsigned long long)ck->seed,
                      info.run_id[0] ? info.run_id : "without id",
                      (unsigned long long)info.seed);
    ebm_runinfo_free(&info);
    return rc;
}

/* Resuming: the checkpoint is read whole (position, every parameter and
 * state array) and checked against this run's config before anything in
 * DIR changes, so a refused resume leaves the directory as it was. */
static int load_checkpoint(run *r, ebm_error *err) {
    char path[4200];
    ebm_checkpoint_path(r->dir, path, sizeof path);
    if (r->epochs == 0)
        return ebm_fail(err, EBM_EDATA, "cannot resume: %s: the run's config trains no "
                        "epochs, so the checkpoint is not this run's", path);
    /* It is a copy of the run file too, and will become run.h5. */
    ebm_runinfo info;
    int rc = ebm_runfile_read(path, &info, err);
    if (rc) return ebm_error_prefix(err, "cannot resume: the checkpoint's run file");
    rc = check_identity(r, path, &info, err);
    if (isfinite(info.duration_s)) r->duration_before = info.duration_s;
    ebm_runinfo_free(&info);
    if (rc) return rc;
    if ((rc = setup_training(r, err))) return rc;
    ebm_checkpoint_pos *pos = &r->resume_pos;
    rc = ebm_checkpoint_read(path, pos, r->params, r->n_params, &r->state, err);
    if (rc) return ebm_error_prefix(err, "cannot resume");
    size_t n_batches = (r->train.n + r->fit.batch_size - 1) / r->fit.batch_size;
    if (pos->epoch >= r->epochs || (uint64_t)pos->batch >= n_batches ||
        pos->step > pos->epoch * (int64_t)n_batches + pos->batch)
        return ebm_fail(err, EBM_EDATA, "cannot resume: %s: the checkpoint stands at epoch "
                        "%lld, minibatch %lld, step %lld, which this run (%d epochs of %zu "
                        "minibatches) never reaches", path, (long long)pos->epoch,
                        (long long)pos->batch, (long long)pos->step, r->epochs, n_batches);
    return EBM_OK;
}

static int train(run *r, ebm_error *err) {
    int rc = EBM_OK;
    if (r->epochs == 0) return r->resuming ? EBM_OK : evaluate(r, 0, err);
    int first_epoch = 1;
    if (r->resuming) {
        /* set up and read by load_checkpoint */
        first_epoch = (int)r->resume_pos.epoch + 1;
        r->fit.first_batch = (size_t)r->resume_pos.batch;
        r->fit.steps = r->resume_pos.step;
        r->steps_at_checkpoint = r->resume_pos.step;
        clock_gettime(CLOCK_MONOTONIC, &r->last_checkpoint);
        r->start_logged = !r->resume_pos.start_pending;
    } else {
        if ((rc = setup_training(r, err))) return rc;
        /* Right after set-up and before the step-0 log point, so a resume
         * never repeats a pretraining, even after a signal or a crash
         * during that log point (the resume runs it first). */
        rc = write_checkpoint(r, 0, 0, err);
    }
    if (!rc && !r->start_logged) rc = evaluate(r, 0, err);
    if (!rc) r->start_logged = 1;
    ebm_rng train_rng;
    ebm_rng_named(&train_rng, &r->root, "train");
    for (int epoch = first_epoch; !rc && epoch <= r->epochs; epoch++) {
        double began = seconds_since(&r->started);
        size_t first_batch = r->fit.first_batch;
        rc = ebm_fit_epoch(&r->fit, &train_rng, epoch, err);
        ebm_eta_epoch_took(&r->eta, seconds_since(&r->started) - began,
                           ebm_fit_epoch_fraction(&r->fit, first_batch));
        if (rc == EBM_EINTERRUPT) {
            /* Stopped between minibatches: the state is whole. */
            int saved = write_checkpoint(r, epoch - 1, r->fit.batches_done, err);
            return saved ? saved : EBM_EINTERRUPT;
        }
        if (!rc) rc = log_training_stats(r, epoch, err);
        if (!rc) report(r, epoch, "train");
        if (!rc) rc = evaluate(r, epoch, err);
        /* An interrupted evaluation leaves a partial log point: the last
         * checkpoint stays the one to resume from. */
        if (!rc && epoch < r->epochs && (stopped(r) || checkpoint_due(r)))
            rc = write_checkpoint(r, epoch, 0, err);
        if (!rc && stopped(r)) rc = EBM_EINTERRUPT;
    }
    return rc;
}

static void run_free(run *r) {
    ebm_fit_close(&r->fit);
    ebm_state_list_free(&r->state);
    const ebm_node *list = r->cfg ? ebm_node_at(r->cfg, "log.estimators") : NULL;
    for (int i = 0; r->tests && list && i < list->n; i++) ebm_dataset_free(&r->tests[i]);
    free(r->tests);
    if (r->model) r->ops->xDestroy(r->model);
    ebm_dataset_free(&r->train);
    ebm_dataset_free(&r->valid);
    ebm_log_free(r->log);
    ebm_eta_free(&r->eta);
    ebm_node_free(r->cfg);
    free(r->yaml);
    if (r->log_txt) fclose(r->log_txt);
    if (r->lock_fd >= 0) close(r->lock_fd);
}

/* Writes the final status; keeps the first error if there was one. */
static int finish(run *r, int rc, ebm_error *err) {
    if (!r->rf) return rc;
    ebm_error close_err;
    ebm_error_clear(&close_err);
    const char *status = rc == EBM_OK ? "completed"
                         : rc == EBM_EINTERRUPT ? "interrupted" : "failed";
    if (r->model && r->n_params > 0)
        ebm_runfile_model(r->rf, r->ops->info.name, r->params, r->n_params, &close_err);
    ebm_runfile_duration(r->rf, r->duration_before + seconds_since(&r->started), &close_err);
    if (r->headline[0]) ebm_runfile_headline(r->rf, r->headline, &close_err);
    if (rc != EBM_OK && rc != EBM_EINTERRUPT && err && err->msg[0])
        ebm_runfile_failure(r->rf, err->msg, &close_err);
    int rc2 = ebm_runfile_status(r->rf, status, &close_err);
    int rc3 = ebm_runfile_close(r->rf, &close_err);
    r->rf = NULL;
    if (rc == EBM_OK && (rc2 || rc3)) {
        if (err) *err = close_err;
        return close_err.code;
    }
    if (rc == EBM_EINTERRUPT && err && err->code != EBM_EINTERRUPT)
        ebm_fail(err, EBM_EINTERRUPT, "interrupted; the run file keeps what was logged");
    return rc;
}

/* The config a run starts from: the experiment and overrides, or, resuming,
 * the run directory's own config.yaml (the resolved config, unchanged). */
static int load_config(run *r, ebm_diags *diags, ebm_error *err) {
    const ebm_run_opts *opts = r->opts;
    char path[4200];
    const char *experiment = opts->experiment;
    if (opts->resume) {
        if (!opts->out_dir || !ebm_proc_is_dir(opts->out_dir))
            return ebm_fail(err, EBM_EINVAL, "--resume %s: no such run directory",
                            opts->out_dir ? opts->out_dir : "(none)");
        snprintf(path, sizeof path, "%s/config.yaml", opts->out_dir);
        if (access(path, R_OK) != 0)
            return ebm_fail(err, EBM_EDATA, "--resume %s: not an ebm run directory (no "
                            "config.yaml)", opts->out_dir);
        experiment = path;
    }
    /* A sweep first: validating it as one value would only say it is not
     * an integer. */
    for (int i = 0; !opts->resume && i < opts->n_overrides; i++)
        if (strchr(opts->overrides[i], '=') &&
            ebm_is_sweep_value(strchr(opts->overrides[i], '=') + 1)) {
            ebm_diags_add(diags, "<override %d>: '%s' is a sweep; use `ebm sweep`",
                          i + 1, opts->overrides[i]);
            return ebm_fail(err, EBM_ECONFIG, "sweep expression given to run");
        }
    r->cfg = ebm_cfg_compose(experiment, opts->resume ? NULL : opts->overrides,
                             opts->resume ? 0 : opts->n_overrides, diags);
    if (!r->cfg || ebm_cfg_validate(r->cfg, diags) != 0)
        return ebm_fail(err, EBM_ECONFIG, "%s: invalid configuration", experiment);
    return EBM_OK;
}

/* Resuming: the checkpoint (when there is one) must be readable, and the run
 * must not have completed already. */
static int check_resumable(run *r, ebm_error *err) {
    char path[4200];
    snprintf(path, sizeof path, "%s/run.h5", r->dir);
    ebm_runinfo info;
    ebm_error read_err;
    ebm_error_clear(&read_err);
    if (ebm_runfile_read(path, &info, &read_err) == 0) {
        int completed = strcmp(info.status, "completed") == 0;
        ebm_runinfo_free(&info);
        if (completed)
            return ebm_fail(err, EBM_EINVAL, "--resume %s: the run has completed; nothing "
                            "to resume", r->dir);
    }
    ebm_checkpoint_path(r->dir, path, sizeof path);
    if (access(path, F_OK) != 0) return EBM_OK;   /* no checkpoint: start over */
    ebm_checkpoint_info ck;
    int rc = ebm_checkpoint_peek(path, &ck, err);
    if (rc) return ebm_error_prefix(err, "--resume %s", r->dir);
    r->resuming = 1;
    return EBM_OK;
}

/* command, overrides and host as root attributes (a resumed run keeps the
 * ones it started with). */
static int write_provenance(run *r, ebm_error *err) {
    size_t len = 1;
    for (int i = 0; i < r->opts->n_overrides; i++) len += strlen(r->opts->overrides[i]) + 1;
    char *joined = malloc(len);
    if (!joined) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    joined[0] = '\0';
    for (int i = 0; i < r->opts->n_overrides; i++) {
        if (i) strcat(joined, " ");
        strcat(joined, r->opts->overrides[i]);
    }
    int rc = ebm_runfile_provenance(r->rf, r->opts->command, joined, err);
    free(joined);
    return rc;
}

/* The run file: a fresh one, or the checkpoint's copy continued. */
static int open_run_file(run *r, ebm_error *err) {
    char path[4200], checkpoint[4200];
    snprintf(path, sizeof path, "%s/run.h5", r->dir);
    ebm_checkpoint_path(r->dir, checkpoint, sizeof checkpoint);
    if (r->resuming) {
        int rc = ebm_checkpoint_restore(checkpoint, path, err);
        if (rc) return rc;
        r->rf = ebm_runfile_open(path, err);
    } else {
        unlink(checkpoint);   /* a stale one from an earlier run in this directory */
        r->rf = ebm_runfile_create(path, r->yaml, (uint64_t)ebm_cfg_int(r->cfg, "seed", 0),
                                   err);
        if (r->rf) return write_provenance(r, err);
    }
    return r->rf ? EBM_OK : err ? err->code : EBM_EIO;
}

int ebm_run(const ebm_run_opts *opts, ebm_diags *diags, char *out_dir_used,
            size_t out_dir_size, ebm_error *err) {
    run r;
    memset(&r, 0, sizeof r);
    r.opts = opts;
    r.lock_fd = -1;
    r.current = -1;
    clock_gettime(CLOCK_MONOTONIC, &r.started);
    int rc = load_config(&r, diags, err);
    /* One writer per directory: a resume of a live run is refused at once;
     * the lock itself is taken before the first write (below). */
    if (!rc && opts->resume) rc = ebm_claim_probe(opts->out_dir, "run", err);
    if (rc) {
        run_free(&r);
        return rc;
    }
    r.yaml = ebm_cfg_to_yaml(r.cfg);
    r.epochs = (int)ebm_cfg_int(r.cfg, "train.epochs", 0);
    rc = ebm_eta_init(&r.eta, r.cfg, err);
    if (rc) {
        run_free(&r);
        return rc;
    }
    ebm_threads_set((int)ebm_cfg_int(r.cfg, "threads", 0));
    ebm_rng_seed(&r.root, (uint64_t)ebm_cfg_int(r.cfg, "seed", 0));

    /* The data first: a bad data file then leaves no run directory behind. */
    char path[4200];
    rc = ebm_setup_data(r.cfg, &r.root, &r.train, &r.valid, err);
    if (!rc) rc = ebm_footprint_check(r.cfg, &r.train, 0, err);
    if (!rc && opts->resume) {
        snprintf(r.dir, sizeof r.dir, "%s", opts->out_dir);
        rc = check_resumable(&r, err);
    } else if (!rc) {
        rc = choose_out_dir(&r, r.dir, sizeof r.dir, err);
        snprintf(path, sizeof path, "%s/config.yaml", r.dir);
        if (!rc) rc = ebm_claim_write_file(path, r.yaml ? r.yaml : "", err);
    }
    if (!rc && out_dir_used) snprintf(out_dir_used, out_dir_size, "%s", r.dir);
    /* Resuming, the parameters come from the checkpoint: no pretraining. */
    if (!rc) rc = ebm_setup_model(r.cfg, &r.root, &r.train, !r.resuming, opts->stop, &r.ops,
                                  &r.model, err);
    if (!rc) r.n_params = r.ops->xParams(r.model, r.params, MAX_TENSORS);
    if (!rc && r.resuming) rc = load_checkpoint(&r, err);
    if (!rc && opts->resume) rc = ebm_claim_lock(r.dir, "run", &r.lock_fd, err);
    if (!rc) rc = open_run_file(&r, err);
    if (!rc) {
        /* a line per log point, after the sweep's own lines when a point */
        snprintf(path, sizeof path, "%s/log.txt", r.dir);
        r.log_txt = fopen(path, "a");
        r.log = ebm_log_new(r.rf);
        report(&r, 0, "start");
        rc = train(&r, err);
    }
    rc = finish(&r, rc, err);
    if (rc == EBM_OK) {
        /* A completed run needs no checkpoint. */
        ebm_checkpoint_path(r.dir, path, sizeof path);
        unlink(path);
    }
    run_free(&r);
    return rc;
}
