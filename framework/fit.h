/* fit.h — the one minibatch training loop: an epoch of gradient steps over a
 * dataset, shared by the runner's training and the DBM's greedy pretraining
 * of its layer RBMs, so both train the same way from the same streams. */
#ifndef EBM_FIT_H
#define EBM_FIT_H

#include <signal.h>
#include <stddef.h>

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
} ebm_fit;

/* One pass over the data in minibatches: rows shuffled by the stream
 * ebm_rng_derive(train_rng, epoch), minibatch b drawn (stochastic
 * binarisation) and its gradient taken from ebm_rng_derive(that, b), one
 * optimiser step each, then the epoch's end (learning-rate decay) and a check
 * that every parameter is finite (EBM_ENUMERIC naming the first that is not).
 * `epoch` is 1-based. EBM_EINTERRUPT when *stop turns nonzero. */
int ebm_fit_epoch(ebm_fit *f, const ebm_rng *train_rng, int epoch, ebm_error *err);

#endif
