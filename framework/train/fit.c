/* fit.c — the training set-up and one epoch of minibatch gradient steps
 * (fit.h): the training loop the runner, the DBM's layer-wise pretraining and
 * the benchmark share. */
#include "fit.h"
#include "gemm.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Run after every epoch: a NaN or infinite parameter, or one past
 * train.max_abs_param (lr=1e30 gives finite nonsense long before inf), ends
 * the run. skip_batch cannot help here: the damage is in the parameters,
 * not in one minibatch's gradient. */
static int params_in_bounds(const ebm_fit *f, int epoch, ebm_error *err) {
    for (int t = 0; t < f->n_params; t++) {
        size_t size = ebm_tensor_size(&f->params[t]);
        for (size_t i = 0; i < size; i++) {
            float x = f->params[t].data[i];
            if (!isfinite(x))
                return ebm_fail(err, EBM_ENUMERIC,
                                "epoch %d: parameter %s[%zu] is %s; lower train.optim.lr",
                                epoch, f->params[t].name, i, isnan(x) ? "NaN" : "infinite");
            if (fabs(x) > f->max_abs_param)
                return ebm_fail(err, EBM_ENUMERIC,
                                "epoch %d: parameter %s[%zu] is %g, past train.max_abs_param "
                                "(%g): training diverged; lower train.optim.lr", epoch,
                                f->params[t].name, i, (double)x, f->max_abs_param);
        }
    }
    return EBM_OK;
}

/* The first non-finite gradient entry: its tensor (or -1) and index. Only
 * for the message once the optimiser has refused a step. */
static int first_nonfinite(const ebm_fit *f, size_t *index) {
    for (int t = 0; t < f->n_params; t++) {
        size_t size = ebm_tensor_size(&f->grads[t]);
        for (size_t i = 0; i < size; i++)
            if (!isfinite(f->grads[t].data[i])) {
                *index = i;
                return t;
            }
    }
    return -1;
}

static size_t batches_per_epoch(const ebm_fit *f) {
    return (f->data->n + f->batch_size - 1) / f->batch_size;
}

int ebm_fit_epoch(ebm_fit *f, const ebm_rng *train_rng, int epoch, ebm_error *err) {
    size_t n = f->data->n, dim = f->data->dim, batch_size = f->batch_size;
    size_t n_batches = batches_per_epoch(f);
    ebm_rng epoch_rng;
    ebm_rng_derive(&epoch_rng, train_rng, (uint64_t)epoch);
    for (size_t i = 0; i < n; i++) f->order[i] = i;
    if (f->shuffle) ebm_rng_shuffle(&epoch_rng, f->order, n);
    size_t first = f->first_batch;
    f->first_batch = 0;
    for (size_t b = first; b < n_batches; b++) {
        f->batches_done = b;
        if (f->stop && *f->stop) return EBM_EINTERRUPT;
        size_t start = b * batch_size;
        size_t rows = n - start < batch_size ? n - start : batch_size;
        #pragma omp parallel for schedule(static) if (rows * dim > EBM_PARALLEL_MIN)
        for (size_t k = 0; k < rows; k++)
            memcpy(f->batch + k * dim, f->data->x + f->order[start + k] * dim,
                   dim * sizeof *f->batch);
        ebm_rng batch_rng, draw_rng;
        ebm_rng_derive(&batch_rng, &epoch_rng, b);
        ebm_rng_named(&draw_rng, &batch_rng, "binarize");
        ebm_dataset_draw_rows(f->data, f->batch, rows, &draw_rng);
        int rc = f->trainer ? ebm_trainer_gradient(f->trainer, f->batch, rows, f->grads,
                                                   f->n_params, &batch_rng, err)
                            : ebm_model_gradient(f->ops, f->model, f->batch, rows, f->grads,
                                                &batch_rng, err);
        if (rc) return ebm_error_prefix(err, "epoch %d: gradient", epoch);
        if (!ebm_optim_step(f->optim, f->params, f->grads, epoch)) {
            size_t at = 0;
            int bad = first_nonfinite(f, &at);
            if (!f->skip_nonfinite && bad >= 0)
                return ebm_fail(err, EBM_ENUMERIC,
                                "epoch %d, minibatch %zu (step %lld): the gradient of "
                                "%s[%zu] is %s; lower train.optim.lr, or set "
                                "train.on_divergence: skip_batch", epoch, b + 1,
                                (long long)f->steps + 1, f->grads[bad].name, at,
                                isnan(f->grads[bad].data[at]) ? "NaN" : "infinite");
            f->skipped++;
        }
        f->steps++;
        f->batches_done = b + 1;
        if (f->after_step && b + 1 < n_batches &&
            (rc = f->after_step(f->after_step_ctx, epoch, b + 1, err)))
            return rc;
    }
    ebm_optim_end_epoch(f->optim);
    return params_in_bounds(f, epoch, err);
}

double ebm_fit_epoch_fraction(const ebm_fit *f, size_t first_batch) {
    size_t n_batches = batches_per_epoch(f);
    if (n_batches == 0 || f->batches_done <= first_batch) return 0.0;
    return (double)(f->batches_done - first_batch) / (double)n_batches;
}

int ebm_fit_open(ebm_fit *f, const ebm_model_ops *ops, void *model, const ebm_dataset *data,
                 ebm_tensor *params, int n_params, const ebm_node *train,
                 const ebm_node *optim, size_t batch, const ebm_rng *chains_rng,
                 const volatile sig_atomic_t *stop, ebm_error *err) {
    *f = (ebm_fit){.ops = ops, .model = model, .params = params, .n_params = n_params,
                   .data = data, .stop = stop, .owns = 1,
                   .shuffle = ebm_cfg_bool(train, "shuffle", 1),
                   .skip_nonfinite = strcmp(ebm_cfg_str(train, "on_divergence", "stop"),
                                            "skip_batch") == 0,
                   .max_abs_param = ebm_cfg_double(train, "max_abs_param", 1e8)};
    f->batch_size = batch == 0 || batch > data->n ? data->n : batch;
    if (!ebm_model_has_gradient(ops)) {
        /* Models without a gradient of their own learn contrastively. */
        if (!ebm_model_learns_contrastively(ops))
            return ebm_fail(err, EBM_ECONFIG, "train.epochs: model %s does not learn by "
                            "gradient steps; set train.epochs: 0", ops->info.name);
        ebm_rng rng = *chains_rng;
        f->trainer = ebm_trainer_new(train, ops, model, data->dim, f->batch_size, &rng, stop,
                                     err);
        if (!f->trainer) return err && err->code ? err->code : EBM_ECONFIG;
        int rc = ebm_trainer_start(f->trainer, data, &rng, err);
        if (rc) {
            ebm_fit_close(f);
            return rc;
        }
    }
    f->grads = calloc((size_t)(n_params ? n_params : 1), sizeof *f->grads);
    if (!f->grads) {
        ebm_fit_close(f);
        return ebm_fail(err, EBM_ENOMEM, "gradient list");
    }
    for (int t = 0; t < n_params; t++) {
        size_t size = ebm_tensor_size(&params[t]);
        f->grads[t] = params[t];
        f->grads[t].data = calloc(size ? size : 1, sizeof(float));
        if (!f->grads[t].data) {
            ebm_fit_close(f);
            return ebm_fail(err, EBM_ENOMEM, "gradient of %s", params[t].name);
        }
    }
    int rc = ebm_optim_init(&f->own_optim, optim, params, n_params, err);
    if (rc) {
        ebm_fit_close(f);
        return rc;
    }
    f->optim = &f->own_optim;
    f->order = malloc((data->n ? data->n : 1) * sizeof *f->order);
    f->batch = malloc((f->batch_size ? f->batch_size : 1) * data->dim * sizeof *f->batch);
    if (!f->order || !f->batch) {
        ebm_fit_close(f);
        return ebm_fail(err, EBM_ENOMEM, "minibatch buffers (%zu rows of %zu)", data->n,
                        data->dim);
    }
    return EBM_OK;
}

void ebm_fit_close(ebm_fit *f) {
    if (!f->owns) return;
    free(f->order);
    free(f->batch);
    if (f->optim) ebm_optim_free(f->optim);
    ebm_trainer_free(f->trainer);
    for (int t = 0; f->grads && t < f->n_params; t++) free(f->grads[t].data);
    free(f->grads);
    *f = (ebm_fit){0};
}
