/* optim.h — the optimiser every gradient-trained model shares: SGD with
 * momentum (optionally switched from an initial to a final value) or Adam
 * (Kingma & Ba 2015, bias-corrected), L2 weight decay on weight matrices and
 * a per-epoch learning-rate decay. */
#ifndef EBM_OPTIM_H
#define EBM_OPTIM_H

#include <stdint.h>

#include "cfg.h"
#include "error.h"
#include "param.h"
#include "model.h"
#include "state.h"

/* The keys of an `optim:` section (one table, the optimiser's own): for
 * training, and with pretraining's defaults for the DBM's layer RBMs. */
extern const ebm_param ebm_optim_params[];
extern const ebm_param ebm_optim_pretrain_params[];

typedef enum { EBM_OPTIM_SGD, EBM_OPTIM_ADAM } ebm_optim_type;

typedef struct ebm_optim {
    int n;                 /* number of parameter tensors */
    float **velocity;      /* one buffer per tensor (Adam: the first moment m) */
    size_t *size;
    double lr, lr_decay, weight_decay;
    double momentum_initial, momentum_final;
    int momentum_switch;   /* epochs (1-based) that use the initial momentum */
    /* Adam only */
    ebm_optim_type type;
    double beta1, beta2, eps;
    float **second;        /* the second moment v, one buffer per tensor */
    uint64_t steps;        /* steps taken, t in the bias corrections */
} ebm_optim;

/* Reads train.optim (validated) and allocates velocities for params. */
int ebm_optim_init(ebm_optim *o, const ebm_node *optim_cfg,
                   const ebm_tensor *params, int n, ebm_error *err);
/* SGD: params -= lr * (grads + weight_decay * params), with momentum.
 * Adam: g = grads + weight_decay * params (coupled L2, as in SGD, not AdamW's
 * decoupled decay); m = β1 m + (1−β1) g, v = β2 v + (1−β2) g²,
 * params -= lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + eps), t counting steps
 * from 1; momentum is unused. Either way weight decay applies to tensors of
 * rank >= 2 only (weights, not biases); SGD without momentum at any epoch
 * leaves the velocities at 0. `epoch` is 1-based. Returns 1, or 0
 * without changing anything when some gradient entry is NaN or infinite. */
int ebm_optim_step(ebm_optim *o, ebm_tensor *params, const ebm_tensor *grads,
                   int epoch);
void ebm_optim_end_epoch(ebm_optim *o);
/* The velocities (Adam: both moments), the step count and the decayed
 * learning rate, for checkpoints; params give the names. */
int ebm_optim_state(ebm_optim *o, const ebm_tensor *params, ebm_state_list *out,
                    ebm_error *err);
void ebm_optim_free(ebm_optim *o);

#endif
