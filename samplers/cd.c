/* cd.c — the training samplers cd (CD-k: model-term chains restarted at the
 * minibatch's data) and pcd (persistent chains kept across updates, Tieleman
 * 2008). Both advance their chains by k Gibbs sweeps of the shared kernel:
 * whole layers at once for layered models, single sites otherwise; in
 * training pcd lets a model that can (xChainGrad) fuse its sweeps with the
 * model term. */
#include "common.h"
#include "plugins.h"

static const ebm_param cd_params[] = {
    {.name = "k", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "Gibbs sweeps (block steps for an RBM) per parameter update"},
    EBM_PARAM_END};

static const ebm_param pcd_params[] = {
    {.name = "k", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "Gibbs sweeps (block steps for an RBM) per parameter update"},
    {.name = "chains", .type = EBM_P_INT, .def = "100", .range = "[1, inf)",
     .flags = EBM_PF_STATES,
     .help = "persistent chains (the model term averages over all of them)"},
    EBM_SMP_CHAINS_START_PARAM,
    EBM_PARAM_END};

/* Every unit of every chain is updated once per sweep (Gibbs: all accepted). */
static void count_updates(ebm_sampler_stats *stats, const ebm_chains *chains, int k) {
    if (!stats) return;
    long updates = (long)chains->n * (long)chains->units * k;
    stats->proposed += updates;
    stats->accepted += updates;
}

static int sweeps(const ebm_sample_ctx *ctx, int steps) {
    return steps > 0 ? steps : (int)ebm_cfg_int(ctx->cfg, "k", 1);
}

static int cd_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                  ebm_sampler_stats *stats, ebm_error *err) {
    int k = sweeps(ctx, steps);
    int rc = ebm_gibbs_steps(ctx->ops, ctx->model, chains, k, 1.0, ctx->rng, ctx->stop, err);
    if (!rc) count_updates(stats, chains, k);
    return rc;
}

/* pcd's sweeps and model term in one pass where the model fuses them
 * (xChainGrad: an RBM's step then takes three GEMMs, not four), else the
 * shared Gibbs kernel and then the model term. */
static int pcd_run_grad(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                        double scale, ebm_tensor *grads, ebm_sampler_stats *stats,
                        ebm_error *err) {
    int k = sweeps(ctx, steps), rc;
    if (ebm_model_has_chain_grad(ctx->ops) && !chains->clamped) {
        rc = ebm_model_chain_grad(ctx->ops, ctx->model, chains->x, chains->n, k, ctx->rng,
                                  scale, grads, err);
    } else {
        rc = ebm_gibbs_steps(ctx->ops, ctx->model, chains, k, 1.0, ctx->rng, ctx->stop, err);
        if (!rc) rc = ebm_model_term_grad(ctx->ops, ctx->model, chains->x, chains->n, scale,
                                          grads, err);
    }
    if (!rc) count_updates(stats, chains, k);
    return rc;
}

static int cd_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    return ebm_gibbs_supports("cd", model, why, why_size);
}

const ebm_sampler_ops ebm_sampler_cd = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "cd",
             .help = "contrastive divergence CD-k (training): the model term from "
                     "chains started at the minibatch and run k Gibbs sweeps",
             .params = cd_params},
    .xRun = cd_run,
    .xSupports = cd_supports,
    .training = EBM_CHAINS_RESTART,
};

const ebm_sampler_ops ebm_sampler_pcd = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "pcd",
             .help = "persistent contrastive divergence (training): the model term "
                     "from `chains` chains kept across updates, k Gibbs sweeps each",
             .params = pcd_params},
    .xRun = cd_run,
    .xSupports = cd_supports,
    .training = EBM_CHAINS_PERSISTENT,
    .xRunGrad = pcd_run_grad,
};
