/* gibbs.c — the gibbs sampler: single-site heat-bath sweeps over the free
 * units of binary models at a temperature T, several independent chains,
 * burn-in, thinning and collection of states. */
#include <stdlib.h>

#include "common.h"

static const ebm_param gibbs_params[] = {EBM_SMP_COMMON_PARAMS, EBM_PARAM_END};

/* All sweeps of one chain with its own stream. */
static void run_chain(const ebm_sample_ctx *ctx, ebm_chains *chains, size_t c,
                      const ebm_smp_settings *st, ebm_smp_sites *sites,
                      size_t base, ebm_rng *rng) {
    float *x = chains->x + c * chains->units;
    int total = st->burn_in + st->sweeps;
    for (int s = 1; s <= total; s++) {
        /* Block updates (all units of one RBM/DBM layer at once, given the
         * others) hook in here when the model offers a block-conditional op:
         * one sweep becomes one pass over its blocks instead of its sites. */
        ebm_smp_scan(sites, st->random_scan, rng);
        for (size_t t = 0; t < sites->n_free; t++)
            ebm_smp_heat_bath(ctx->ops, ctx->model, x, sites->order[t],
                              st->temperature, rng);
        size_t k;
        if (ebm_smp_is_collect_sweep(st, s, &k)) ebm_smp_collect(chains, base, k, c, x);
    }
}

static int gibbs_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                     ebm_sampler_stats *stats, ebm_error *err) {
    char why[256];
    if (!ebm_smp_supports_binary("gibbs", ctx->ops, why, sizeof why))
        return ebm_fail(err, EBM_ENOTSUP, "%s", why);
    ebm_smp_settings st;
    ebm_smp_read_settings(ctx, steps, &st);
    ebm_smp_sites sites;
    int rc = ebm_smp_sites_init(&sites, chains, err);
    if (rc) return rc;
    size_t base = chains->n_collected, n_free = sites.n_free;
    for (size_t c = 0; c < chains->n && !rc; c++) {
        if (ebm_smp_stopped(ctx)) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "gibbs: interrupted");
            break;
        }
        ebm_rng rng;
        ebm_rng_derive(&rng, ctx->rng, c);
        if (st.random_start)
            rc = ebm_smp_random_state(ctx->ops, ctx->model, chains->x + c * chains->units,
                                      chains->units, chains->clamped, &rng, err);
        if (!rc) run_chain(ctx, chains, c, &st, &sites, base, &rng);
    }
    ebm_smp_sites_free(&sites);
    if (rc) return rc;
    ebm_smp_collect_done(chains, base, (size_t)(st.sweeps / st.thin));
    if (stats) {
        long updates = (long)chains->n * (long)n_free *
                       (long)(st.burn_in + st.sweeps);
        stats->proposed += updates;
        stats->accepted += updates;
    }
    return EBM_OK;
}

static int gibbs_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    return ebm_smp_supports_binary("gibbs", model, why, why_size);
}

const ebm_sampler_ops ebm_sampler_gibbs = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "gibbs",
             .help = "single-site heat-bath Gibbs sampling of binary units at "
                     "temperature T: unit i flips with probability "
                     "sigma(-dE_i/T)",
             .params = gibbs_params},
    .xRun = gibbs_run,
    .xSupports = gibbs_supports,
};
