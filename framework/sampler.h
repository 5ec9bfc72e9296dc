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
#include "registry.h"
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
} ebm_sample_ctx;

#define EBM_SAMPLER_OPS_VERSION 1

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
} ebm_sampler_ops;

#endif
