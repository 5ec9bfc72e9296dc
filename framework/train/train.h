/* train.h — contrastive (maximum-likelihood) training of any model that gives
 * xEnergyGrad: the gradient of the negative log-likelihood is
 *   (1/T) (⟨∂E/∂θ⟩_data − ⟨∂E/∂θ⟩_model),
 * the data term with the data units clamped and the others sampled, the model
 * term from chains restarted from the data or kept across updates. */
#ifndef EBM_TRAIN_H
#define EBM_TRAIN_H

#include <signal.h>

#include "cfg.h"
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "rng.h"
#include "sampler.h"

typedef struct ebm_trainer ebm_trainer;

/* Reads train.sampler (cd, pcd or pt: its chain policy says whether the
 * model-term chains restart or persist) and positive_sweeps. Data rows
 * have data_dim columns (xEncode turns them into states); max_rows is the
 * largest minibatch; rng seeds the persistent chains' random starts. */
ebm_trainer *ebm_trainer_new(const ebm_node *train_cfg, const ebm_model_ops *ops,
                             void *model, size_t data_dim, size_t max_rows,
                             ebm_rng *rng,
                             const volatile sig_atomic_t *stop, ebm_error *err);
void ebm_trainer_free(ebm_trainer *t);

/* Where the persistent chains start, the sampler's `start`: noise (what
 * ebm_trainer_new left) or data, each chain a training row drawn uniformly
 * (stochastic data drawn binary), encoded as a state, its hidden units
 * drawn with the row clamped. Streams: rng's "start" and "start-hidden". A
 * no-op for restarted chains. */
int ebm_trainer_start(ebm_trainer *t, const ebm_dataset *data, const ebm_rng *rng,
                      ebm_error *err);

/* Zeroes grads and fills them with the gradient for these data rows. */
int ebm_trainer_gradient(ebm_trainer *t, const float *rows, size_t n,
                         ebm_tensor *grads, int n_grads, ebm_rng *rng,
                         ebm_error *err);

/* The persistent chains (NULL when they restart), for checkpoints and for
 * logging samples. */
const ebm_chains *ebm_trainer_chains(const ebm_trainer *t);

/* What a checkpoint keeps: the persistent chains, the sampler's counters
 * and its own state (xState), appended to out. */
int ebm_trainer_state(ebm_trainer *t, ebm_state_list *out, ebm_error *err);

/* The sampler's statistics summed since the last call (swap counts of pt),
 * then zeroed. */
void ebm_trainer_take_stats(ebm_trainer *t, ebm_sampler_stats *stats);

#endif
