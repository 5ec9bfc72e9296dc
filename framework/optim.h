/* optim.h — the optimiser every gradient-trained model shares: SGD with
 * momentum (optionally switched from an initial to a final value), L2 weight
 * decay on weight matrices and a per-epoch learning-rate decay. */
#ifndef EBM_OPTIM_H
#define EBM_OPTIM_H

#include "cfg.h"
#include "error.h"
#include "model.h"

typedef struct ebm_optim {
    int n;                 /* number of parameter tensors */
    float **velocity;      /* one buffer per tensor */
    size_t *size;
    double lr, lr_decay, weight_decay;
    double momentum_initial, momentum_final;
    int momentum_switch;   /* epochs (1-based) that use the initial momentum */
} ebm_optim;

/* Reads train.optim (validated) and allocates velocities for params. */
int ebm_optim_init(ebm_optim *o, const ebm_node *optim_cfg,
                   const ebm_tensor *params, int n, ebm_error *err);
/* params -= lr * (grads + weight_decay * params), with momentum; weight decay
 * applies to tensors of rank >= 2 only (weights, not biases). `epoch` is
 * 1-based. */
void ebm_optim_step(ebm_optim *o, ebm_tensor *params, const ebm_tensor *grads,
                    int epoch);
void ebm_optim_end_epoch(ebm_optim *o);
void ebm_optim_free(ebm_optim *o);

#endif
