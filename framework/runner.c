/* runner.c — one experiment from YAML to run file: compose and validate the
 * config, load the data, build, fit and train the model, evaluate the
 * estimators at the log points, save the parameters. */
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "dataset.h"
#include "estimator.h"
#include "fit.h"
#include "gemm.h"
#include "log.h"
#include "model.h"
#include "optim.h"
#include "proc.h"
#include "registry.h"
#include "rng.h"
#include "runfile.h"
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
    ebm_tensor params[MAX_TENSORS], grads[MAX_TENSORS];
    int n_params;
    ebm_runfile *rf;
    ebm_log *log;
    ebm_trainer *trainer;   /* contrastive training, when the model has no xGradient */
    ebm_dataset *tests;     /* per estimator: its `test` dataset, loaded on first use */
    struct timespec started;
    int epochs;
} run;

char *ebm_resolve(const char *experiment, char *const *overrides,
                  int n_overrides, ebm_diags *diags) {
    ebm_node *cfg = ebm_cfg_compose(experiment, overrides, n_overrides, diags);
    if (!cfg) return NULL;
    char *yaml = NULL;
    if (ebm_cfg_validate(cfg, diags) == 0) yaml = ebm_cfg_to_yaml(cfg);
    ebm_node_free(cfg);
    return yaml;
}

static int choose_out_dir(const run *r, char *out, size_t size, ebm_error *err) {
    if (r->opts->out_dir) {
        if (snprintf(out, size, "%s", r->opts->out_dir) >= (int)size)
            return ebm_fail(err, EBM_EINVAL, "--out: path too long");
    } else {
        char stamp[32];
        ebm_proc_timestamp(stamp, sizeof stamp);
        const char *name = ebm_cfg_str(r->cfg, "name", "run");
        snprintf(out, size, "runs/%s/%s", name, stamp);
        /* Two runs started within the same second get -2, -3, ... */
        for (int k = 2; ebm_proc_is_dir(out) && k < 1000; k++)
            snprintf(out, size, "runs/%s/%s-%d", name, stamp, k);
    }
    return ebm_proc_mkdirs(out, err);
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
    if (fit && ops->xFit) {
        ebm_rng fit_rng;
        ebm_rng_named(&fit_rng, root, "fit");
        rc = ops->xFit(*model, train, &fit_rng, stop, err);
        if (rc) return ebm_error_prefix(err, "model (%s): fit", ops->info.name);
    }
    return EBM_OK;
}

static void report(const run *r, int epoch, const char *phase) {
    if (!r->opts->progress) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ebm_progress_event ev = {
        .name = ebm_cfg_str(r->cfg, "name", "run"), .epoch = epoch,
        .epochs = r->epochs, .phase = phase,
        .elapsed_s = (double)(now.tv_sec - r->started.tv_sec) +
                     1e-9 * (double)(now.tv_nsec - r->started.tv_nsec)};
    int n = r->log ? ebm_log_count(r->log) : 0;
    if (n > 0) {
        ev.metric = ebm_log_name(r->log, n - 1);
        ebm_log_last(r->log, ev.metric, &ev.value);
    }
    r->opts->progress(r->opts->progress_ctx, &ev);
}

static int is_log_point(int epoch, int epochs, int every) {
    return epoch == 0 || epoch == epochs || (every > 0 && epoch % every == 0);
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
            if (!rc && test->dim != r->train.dim)
                rc = ebm_fail(err, EBM_EDATA, "rows have %zu columns, the training "
                              "data %zu", test->dim, r->train.dim);
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

/* Runs every estimator whose schedule includes this epoch, then flushes. */
static int evaluate(run *r, int epoch, ebm_error *err) {
    const ebm_node *list = ebm_node_at(r->cfg, "log.estimators");
    int every = (int)ebm_cfg_int(r->cfg, "log.every.epochs", 1);
    int evaluated = 0;
    ebm_rng estimators_rng;
    ebm_rng_named(&estimators_rng, &r->root, "estimators");
    for (int i = 0; list && i < list->n; i++) {
        const ebm_node *est_cfg = list->values[i];
        int own_every = (int)ebm_cfg_int(est_cfg, "every.epochs", every);
        if (!is_log_point(epoch, r->epochs, own_every)) continue;
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
        report(r, epoch, type);
        ebm_eval ev = {.ops = r->ops, .model = r->model, .data = data,
                       .train = &r->train, .valid = &r->valid,
                       .cfg = est_cfg, .rng = &step_rng, .log = r->log,
                       .stop = r->opts->stop, .step = epoch,
                       .is_final = epoch == r->epochs};
        rc = ops->xEvaluate(&ev, err);
        if (rc) return ebm_error_prefix(err, "step %d: estimator %s", epoch, type);
    }
    /* Flushing (H5Fflush + fsync) is what makes a log point survive a crash,
     * and it costs a disk sync, so it happens only when something was logged. */
    return evaluated ? ebm_runfile_flush(r->rf, err) : EBM_OK;
}

static int stopped(const run *r) { return r->opts->stop && *r->opts->stop; }

/* One pass over the (shuffled) training data in minibatches: fit.c's loop,
 * which the DBM's layer-wise pretraining shares. */
static int train_epoch(run *r, ebm_optim *optim, size_t *order, float *batch,
                       size_t batch_size, int epoch, ebm_error *err) {
    ebm_rng train_rng;
    ebm_rng_named(&train_rng, &r->root, "train");
    ebm_fit fit = {.ops = r->ops, .model = r->model, .trainer = r->trainer,
                   .optim = optim, .params = r->params, .grads = r->grads,
                   .n_params = r->n_params, .data = &r->train, .batch_size = batch_size,
                   .shuffle = ebm_cfg_bool(r->cfg, "train.shuffle", 1),
                   .stop = r->opts->stop, .order = order, .batch = batch};
    return ebm_fit_epoch(&fit, &train_rng, epoch, err);
}

/* What the training sampler reports, as metrics of every epoch: the swap
 * acceptance of tempering ("train_swap_rate"). */
static int log_sampler_stats(run *r, int epoch, ebm_error *err) {
    if (!r->trainer) return EBM_OK;
    ebm_sampler_stats stats;
    ebm_trainer_take_stats(r->trainer, &stats);
    if (stats.swaps_proposed == 0) return EBM_OK;
    ebm_log_begin(r->log, epoch, "train", "trainer", "train");
    return ebm_log_metric(r->log, "swap_rate",
                          (double)stats.swaps_accepted / (double)stats.swaps_proposed, err);
}

static int alloc_grads(run *r, ebm_error *err) {
    for (int t = 0; t < r->n_params; t++) {
        r->grads[t] = r->params[t];
        r->grads[t].data = calloc(ebm_tensor_size(&r->params[t]) ? ebm_tensor_size(&r->params[t]) : 1,
                                  sizeof(float));
        if (!r->grads[t].data) return ebm_fail(err, EBM_ENOMEM, "gradient of %s", r->params[t].name);
    }
    return EBM_OK;
}

static int train(run *r, ebm_error *err) {
    int rc = evaluate(r, 0, err);
    if (rc || r->epochs == 0) return rc;
    size_t batch_size = (size_t)ebm_cfg_int(r->cfg, "train.batch", 0);
    if (batch_size == 0 || batch_size > r->train.n) batch_size = r->train.n;
    if (!r->ops->xGradient) {
        /* Models without a gradient of their own learn contrastively. */
        if (!r->ops->xEnergyGrad)
            return ebm_fail(err, EBM_ECONFIG, "train.epochs: model %s does not learn by "
                            "gradient steps; set train.epochs: 0", r->ops->info.name);
        ebm_rng chains_rng;
        ebm_rng_named(&chains_rng, &r->root, "chains");
        r->trainer = ebm_trainer_new(ebm_node_child(r->cfg, "train"), r->ops, r->model,
                                     r->train.dim, batch_size, &chains_rng, r->opts->stop,
                                     err);
        if (!r->trainer) return err ? err->code : EBM_ECONFIG;
    }
    ebm_optim optim;
    if ((rc = alloc_grads(r, err))) return rc;
    if ((rc = ebm_optim_init(&optim, ebm_node_at(r->cfg, "train.optim"), r->params,
                             r->n_params, err)))
        return rc;
    size_t *order = malloc(r->train.n * sizeof *order);
    float *batch = malloc(batch_size * r->train.dim * sizeof *batch);
    if (!order || !batch) rc = ebm_fail(err, EBM_ENOMEM, "minibatch buffers");
    for (int epoch = 1; !rc && epoch <= r->epochs; epoch++) {
        rc = train_epoch(r, &optim, order, batch, batch_size, epoch, err);
        if (!rc) rc = log_sampler_stats(r, epoch, err);
        if (!rc) report(r, epoch, "train");
        if (!rc) rc = evaluate(r, epoch, err);
        if (!rc && stopped(r)) rc = EBM_EINTERRUPT;
    }
    free(order);
    free(batch);
    ebm_optim_free(&optim);
    return rc;
}

static void run_free(run *r) {
    ebm_trainer_free(r->trainer);
    const ebm_node *list = r->cfg ? ebm_node_at(r->cfg, "log.estimators") : NULL;
    for (int i = 0; r->tests && list && i < list->n; i++) ebm_dataset_free(&r->tests[i]);
    free(r->tests);
    if (r->model) r->ops->xDestroy(r->model);
    for (int t = 0; t < r->n_params; t++) free(r->grads[t].data);
    ebm_dataset_free(&r->train);
    ebm_dataset_free(&r->valid);
    ebm_log_free(r->log);
    ebm_node_free(r->cfg);
    free(r->yaml);
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

int ebm_run(const ebm_run_opts *opts, ebm_diags *diags, char *out_dir_used,
            size_t out_dir_size, ebm_error *err) {
    run r;
    memset(&r, 0, sizeof r);
    r.opts = opts;
    r.cfg = ebm_cfg_compose(opts->experiment, opts->overrides, opts->n_overrides, diags);
    if (!r.cfg || ebm_cfg_validate(r.cfg, diags) != 0) {
        run_free(&r);
        return ebm_fail(err, EBM_ECONFIG, "%s: invalid configuration", opts->experiment);
    }
    for (int i = 0; i < opts->n_overrides; i++)
        if (strchr(opts->overrides[i], '=') &&
            ebm_is_sweep_value(strchr(opts->overrides[i], '=') + 1)) {
            ebm_diags_add(diags, "<override %d>: '%s' is a sweep; use `ebm sweep`",
                          i + 1, opts->overrides[i]);
            run_free(&r);
            return ebm_fail(err, EBM_ECONFIG, "sweep expression given to run");
        }
    r.yaml = ebm_cfg_to_yaml(r.cfg);
    r.epochs = (int)ebm_cfg_int(r.cfg, "train.epochs", 0);
    ebm_threads_set((int)ebm_cfg_int(r.cfg, "threads", 0));
    ebm_rng_seed(&r.root, (uint64_t)ebm_cfg_int(r.cfg, "seed", 0));

    /* The data first: a bad data file then leaves no run directory behind. */
    char dir[4096] = "", path[4200];
    int rc = ebm_setup_data(r.cfg, &r.root, &r.train, &r.valid, err);
    if (!rc) rc = choose_out_dir(&r, dir, sizeof dir, err);
    if (!rc && out_dir_used) snprintf(out_dir_used, out_dir_size, "%s", dir);
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    if (!rc) rc = ebm_proc_write_file(path, r.yaml ? r.yaml : "", err);
    if (!rc) rc = ebm_setup_model(r.cfg, &r.root, &r.train, 1, opts->stop, &r.ops,
                                  &r.model, err);
    if (!rc) r.n_params = r.ops->xParams(r.model, r.params, MAX_TENSORS);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    if (!rc) {
        r.rf = ebm_runfile_create(path, r.yaml, (uint64_t)ebm_cfg_int(r.cfg, "seed", 0), err);
        if (!r.rf) rc = err ? err->code : EBM_EIO;
    }
    if (!rc) {
        r.log = ebm_log_new(r.rf);
        clock_gettime(CLOCK_MONOTONIC, &r.started);
        report(&r, 0, "start");
        rc = train(&r, err);
    }
    rc = finish(&r, rc, err);
    run_free(&r);
    return rc;
}
