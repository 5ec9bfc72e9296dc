/* fit.c — one epoch of minibatch gradient steps (fit.h): the training loop
 * the runner and the DBM's layer-wise pretraining share. */
#include "fit.h"

#include <math.h>
#include <string.h>

static int params_finite(const ebm_fit *f, int epoch, ebm_error *err) {
    for (int t = 0; t < f->n_params; t++) {
        size_t size = ebm_tensor_size(&f->params[t]);
        for (size_t i = 0; i < size; i++)
            if (!isfinite(f->params[t].data[i]))
                return ebm_fail(err, EBM_ENUMERIC,
                                "epoch %d: parameter %s[%zu] is %s; lower train.optim.lr",
                                epoch, f->params[t].name, i,
                                isnan(f->params[t].data[i]) ? "NaN" : "infinite");
    }
    return EBM_OK;
}

int ebm_fit_epoch(ebm_fit *f, const ebm_rng *train_rng, int epoch, ebm_error *err) {
    size_t n = f->data->n, dim = f->data->dim, batch_size = f->batch_size;
    ebm_rng epoch_rng;
    ebm_rng_derive(&epoch_rng, train_rng, (uint64_t)epoch);
    for (size_t i = 0; i < n; i++) f->order[i] = i;
    if (f->shuffle) ebm_rng_shuffle(&epoch_rng, f->order, n);
    for (size_t start = 0, b = 0; start < n; start += batch_size, b++) {
        if (f->stop && *f->stop) return EBM_EINTERRUPT;
        size_t rows = n - start < batch_size ? n - start : batch_size;
        for (size_t k = 0; k < rows; k++)
            memcpy(f->batch + k * dim, f->data->x + f->order[start + k] * dim,
                   dim * sizeof *f->batch);
        ebm_rng batch_rng, draw_rng;
        ebm_rng_derive(&batch_rng, &epoch_rng, b);
        ebm_rng_named(&draw_rng, &batch_rng, "binarize");
        ebm_dataset_draw_rows(f->data, f->batch, rows, &draw_rng);
        int rc = f->trainer ? ebm_trainer_gradient(f->trainer, f->batch, rows, f->grads,
                                                   f->n_params, &batch_rng, err)
                            : f->ops->xGradient(f->model, f->batch, rows, f->grads,
                                                &batch_rng, err);
        if (rc) return ebm_error_prefix(err, "epoch %d: gradient", epoch);
        ebm_optim_step(f->optim, f->params, f->grads, epoch);
    }
    ebm_optim_end_epoch(f->optim);
    return params_finite(f, epoch, err);
}
