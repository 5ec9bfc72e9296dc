/* fit.h — the one minibatch training loop: an epoch of gradient steps over a
 * dataset, shared by the runner's training and the DBM's greedy pretraining
 * of its layer RBMs, so both train the same way from the same streams. */
#ifndef EBM_FIT_H
#define EBM_FIT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#include "dataset.h"
#include "error.h"
#include "model.h"
#include "optim.h"
#include "rng.h"
#include "train.h"

/* What one epoch needs. ebm_fit_open sets it all up and ebm_fit_close frees
 * what it made; a test may also fill it by hand (then it owns everything).
 * order (data->n) and batch (batch_size × data->dim) are scratch. */
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
    double max_abs_param;        /* train.max_abs_param: past it, training diverged */
    size_t skipped;
    int64_t steps;               /* gradient steps taken, counted up */
    size_t batches_done;         /* of the current epoch, when it returned */
    /* Called after every optimiser step except the epoch's last (whose end
     * work, lr decay, follows); nonzero ends the epoch with that code. NULL:
     * none. The checkpoints hang here. */
    int (*after_step)(void *ctx, int epoch, size_t batches_done, ebm_error *err);
    void *after_step_ctx;
    /* What ebm_fit_open made, for ebm_fit_close. */
    ebm_optim own_optim;
    int owns;
} ebm_fit;

/* The one training set-up, used by the runner, the DBM's pretraining of its
 * layer RBMs and the benchmark, so all three train the same way:
 *  - `train` is a train-shaped section: its sampler (and positive_sweeps) for
 *    the contrastive trainer, `shuffle` (default true), `on_divergence`
 *    (default stop) and `max_abs_param`; `optim` an optim section (optim.h);
 *  - batch is the minibatch size (0 or more than the data: the whole data);
 *  - a model with its own gradient (xGradient) steps by it; any other learns
 *    contrastively, its persistent chains started from chains_rng (at noise
 *    or at rows of data: the sampler's `start`, ebm_trainer_start);
 *  - params (n_params, the model's xParams) stay the caller's; gradients,
 *    trainer, optimiser and buffers are f's until ebm_fit_close.
 * On failure f holds nothing (closing it is still safe). */
int ebm_fit_open(ebm_fit *f, const ebm_model_ops *ops, void *model, const ebm_dataset *data,
                 ebm_tensor *params, int n_params, const ebm_node *train,
                 const ebm_node *optim, size_t batch, const ebm_rng *chains_rng,
                 const volatile sig_atomic_t *stop, ebm_error *err);
void ebm_fit_close(ebm_fit *f);

/* One pass over the data in minibatches: rows shuffled by the stream
 * ebm_rng_derive(train_rng, epoch), minibatch b drawn (stochastic
 * binarisation) and its gradient taken from ebm_rng_derive(that, b), one
 * optimiser step each, then the epoch's end (learning-rate decay) and a check
 * that every parameter is finite (EBM_ENUMERIC naming the first that is not).
 * `epoch` is 1-based; it starts at minibatch first_batch. EBM_EINTERRUPT when
 * *stop turns nonzero, always between minibatches (batches_done says where),
 * so the state is whole and can be checkpointed. */
int ebm_fit_epoch(ebm_fit *f, const ebm_rng *train_rng, int epoch, ebm_error *err);

/* The part of an epoch the last ebm_fit_epoch trained, when it started at
 * minibatch first_batch: 1 for a whole epoch, less for one a resume picked
 * up part way or a signal stopped. */
double ebm_fit_epoch_fraction(const ebm_fit *f, size_t first_batch);

#endif
