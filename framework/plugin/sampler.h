/* sampler.h — the ops every sampler plugin implements. A sampler advances a
 * set of chains of a model's states, reaching the model only through its ops
 * (xFlipEnergy, xFlipUnit, xEnergy, ...), so it works on any model that
 * provides what it needs (xSupports says which). */
#ifndef EBM_SAMPLER_H
#define EBM_SAMPLER_H

#include <signal.h>
#include <stddef.h>

#include "cfg.h"
#include "error.h"
#include "log.h"
#include "model.h"
#include "plugin.h"
#include "rng.h"

/* n chains of `units` floats each, row-major. Units whose clamp byte is 1
 * never change (NULL: nothing clamped). */
typedef struct ebm_chains {
    size_t n, units;
    float *x;
    const unsigned char *clamped;
    /* Optional: room for max_collect states. Samplers that keep samples
     * (gibbs, mh) append every chain's state after burn-in, every `thin`
     * sweeps, until it is full (chain-major within a sweep). */
    float *collect;
    size_t max_collect, n_collected;
} ebm_chains;

/* What a run of a sampler reports back. */
typedef struct ebm_sampler_stats {
    long proposed, accepted;   /* MH moves (Gibbs: site updates, all accepted) */
    long swaps_proposed, swaps_accepted;   /* tempering: replica exchanges */
    double best_energy;        /* annealing: lowest energy seen (per chain mean) */
} ebm_sampler_stats;

/* Everything a sampler may use for one call. */
typedef struct ebm_sample_ctx {
    const ebm_model_ops *ops;
    void *model;
    const ebm_node *cfg;       /* the sampler's own validated map */
    ebm_rng *rng;              /* chain c draws from ebm_rng_derive(rng, c) */
    ebm_log *log;              /* may be NULL; annealing logs its schedule */
    const volatile sig_atomic_t *stop;
    void *state;               /* what xOpen made (NULL without xOpen) */
} ebm_sample_ctx;

/* What contrastive training does with a training sampler's model-term chains
 * between parameter updates. Samplers with EBM_CHAINS_NONE (gibbs, mh,
 * annealing) are for drawing samples, not for training. */
typedef enum {
    EBM_CHAINS_NONE = 0,
    EBM_CHAINS_RESTART,      /* from the minibatch's data states (CD-k) */
    EBM_CHAINS_PERSISTENT    /* kept across updates (PCD, tempering); their
                                number is the sampler's `chains` */
} ebm_chain_policy;

#define EBM_SAMPLER_OPS_VERSION 4

typedef struct ebm_sampler_ops {
    ebm_plugin info;
    /* v1, required: advances every chain as the config says (sweeps,
     * burn-in, schedule). `steps` > 0 overrides the configured number of
     * sweeps (the trainer's k); 0 keeps the config's. Chain c must use only
     * the stream ebm_rng_derive(ctx->rng, c), so results do not depend on how
     * chains are split across threads. */
    int (*xRun)(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                ebm_sampler_stats *stats, ebm_error *err);
    /* v1, optional: 0 and a reason when the model lacks what it needs. */
    int (*xSupports)(const ebm_model_ops *model, char *why, size_t why_size);

    /* v2 */
    ebm_chain_policy training;
    /* Optional: state kept across calls for n chains of `units` floats (the
     * replicas of parallel tempering), handed to xRun as ctx->state. */
    int (*xOpen)(const ebm_sample_ctx *ctx, size_t n, size_t units,
                 void **state, ebm_error *err);
    void (*xClose)(void *state);
    /* v3, optional with xOpen: what of the xOpen state a checkpoint must keep
     * (replicas, buffers, call counters), appended to out. */
    int (*xState)(void *state, ebm_state_list *out, ebm_error *err);

    /* v4, optional for training samplers: what xRun does, then the model
     * term grads += scale · mean over the chains of ∂E/∂θ (as
     * ebm_model_term_grad gives it), in one call so that the sampler can
     * share work between the two (pcd: the model's xChainGrad). NULL: the
     * trainer calls xRun, then ebm_model_term_grad. */
    int (*xRunGrad)(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                    double scale, ebm_tensor *grads, ebm_sampler_stats *stats,
                    ebm_error *err);
} ebm_sampler_ops;

/* The Gibbs kernel the samplers and the trainer share (samplers/common.c):
 * `steps` sweeps of every chain at beta times the model's inverse temperature
 * (beta = 1: the model's own T). Whole layers at once through xBlockGibbs when
 * the model has it; otherwise random-scan heat-bath sweeps over the free
 * units, chain c drawing from ebm_rng_derive(rng, c). */
int ebm_gibbs_steps(const ebm_model_ops *ops, void *model, ebm_chains *chains,
                    int steps, double beta, ebm_rng *rng,
                    const volatile sig_atomic_t *stop, ebm_error *err);

/* 1 when ebm_gibbs_steps works on the model (block or single-site binary
 * updates), otherwise 0 and the reason. */
int ebm_gibbs_supports(const char *sampler, const ebm_model_ops *model,
                       char *why, size_t why_size);

#endif
