/* fit.h — the one minibatch training loop: an epoch of gradient steps over a
 * dataset, shared by the runner's training and the DBM's greedy pretraining
 * of its layer RBMs, so both train the same way from the same streams. */
#ifndef EBM_FIT_H
#define EBM_FIT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "error.h"
#include "model.h"
#include "optim.h"
#include "rng.h"
#include "train.h"

/* What one epoch needs. The caller owns everything here; order (data->n)
 * and batch (batch_size × data->dim) are scratch. */
typedef struct ebm_fit {
    const ebm_model_ops *ops;
    void *model;
    ebm_trainer *trainer;        /* contrastive; NULL: the model's xGradient */
    ebm_optim *optim;
    ebm_tensor *params, *grads;
    int n_params;
    const ebm_dataset *data;
    size_t batch_size;           /* 1 ≤ batch_size ≤ data->n */
    int shuffle;                 /* a fresh order every epoch */
    const volatile sig_atomic_t *stop;   /* may be NULL */
    size_t *order;
    float *batch;
    /* Resuming: minibatches of this epoch already done (0 otherwise). */
    size_t first_batch;
    /* A NaN or infinite gradient: 0 stops with EBM_ENUMERIC naming the step
     * and parameter; 1 skips the minibatch and counts it in `skipped`. */
    int skip_nonfinite;
    size_t skipped;
    int64_t steps;               /* gradient steps taken, counted up */
    size_t batches_done;         /* of the current epoch, when it returned */
    /* Called after every optimiser step except the epoch's last (whose end
     * work, lr decay, follows); nonzero ends the epoch with that code. NULL:
     * none. The checkpoints hang here. */
    int (*after_step)(void *ctx, int epoch, size_t batches_done, ebm_error *err);
    void *after_step_ctx;
} ebm_fit;

/* One pass over the data in minibatches: rows shuffled by the stream
 * ebm_rng_derive(train_rng, epoch), minibatch b drawn (stochastic
 * binarisation) and its gradient taken from ebm_rng_derive(that, b), one
 * optimiser step each, then the epoch's end (learning-rate decay) and a check
 * that every parameter is finite (EBM_ENUMERIC naming the first that is not).
 * `epoch` is 1-based; it starts at minibatch first_batch. EBM_EINTERRUPT when
 * *stop turns nonzero, always between minibatches (batches_done says where),
 * so the state is whole and can be checkpointed. */
int ebm_fit_epoch(ebm_fit *f, const ebm_rng *train_rng, int epoch, ebm_error *err);

#endif
