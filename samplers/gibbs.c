/* gibbs.c — the gibbs sampler: heat-bath sweeps over the free units at a
 * temperature T — whole layers at once for layered models (RBM, DBM), else
 * one binary unit at a time — several independent chains, burn-in, thinning
 * and collection of states. */
#include <stdlib.h>

#include "common.h"
#include "plugins.h"

static const ebm_param gibbs_params[] = {EBM_SMP_COMMON_PARAMS, EBM_PARAM_END};

/* All sweeps of one chain with its own stream. */
static void run_chain(ebm_chains *chains, size_t c,
                      const ebm_smp_settings *st, ebm_smp_sites *sites,
                      ebm_smp_sweeper *sweeper, size_t base, ebm_rng *rng) {
    float *x = chains->x + c * chains->units;
    int total = st->burn_in + st->sweeps;
    ebm_smp_sweeper_start(sweeper, x);
    for (int s = 1; s <= total; s++) {
        ebm_smp_scan(sites, st->random_scan, rng);
        for (size_t t = 0; t < sites->n_free; t++)
            ebm_smp_sweeper_update(sweeper, x, sites->order[t], st->temperature, rng);
        size_t k;
        if (ebm_smp_is_collect_sweep(st, s, &k)) ebm_smp_collect(chains, base, k, c, x);
    }
}

/* Layered models: every chain advances together, one block step per sweep,
 * in segments between collection points. Segment s draws from
 * ebm_rng_derive(ctx->rng, s), and within it row c from its own stream. */
static int run_blocks(const ebm_sample_ctx *ctx, ebm_chains *chains,
                      const ebm_smp_settings *st, ebm_error *err) {
    double model_t = ebm_model_temperature(ctx->ops, ctx->model);
    double beta = model_t / st->temperature;
    size_t base = chains->n_collected;
    int total = st->burn_in + st->sweeps, done = 0;
    uint64_t segment = 0;
    while (done < total) {
        if (ebm_smp_stopped(ctx)) return ebm_fail(err, EBM_EINTERRUPT, "gibbs: interrupted");
        /* Up to the next collection point (or the end of burn-in). */
        int next = done < st->burn_in ? st->burn_in : done + st->thin;
        if (next > total) next = total;
        ebm_rng segment_rng;
        ebm_rng_derive(&segment_rng, ctx->rng, segment++);
        int rc = ebm_gibbs_steps(ctx->ops, ctx->model, chains, next - done, beta,
                                 &segment_rng, ctx->stop, err);
        if (rc) return rc;
        done = next;
        size_t k;
        if (ebm_smp_is_collect_sweep(st, done, &k))
            for (size_t c = 0; c < chains->n; c++)
                ebm_smp_collect(chains, base, k, c, chains->x + c * chains->units);
    }
    ebm_smp_collect_done(chains, base, (size_t)(st->sweeps / st->thin));
    return EBM_OK;
}

static int random_starts(const ebm_sample_ctx *ctx, ebm_chains *chains, ebm_error *err) {
    for (size_t c = 0; c < chains->n; c++) {
        ebm_rng rng, start_rng;
        ebm_rng_derive(&rng, ctx->rng, c);
        ebm_rng_named(&start_rng, &rng, "start");
        int rc = ebm_smp_random_state(ctx->ops, ctx->model, chains->x + c * chains->units,
                                      chains->units, chains->clamped, &start_rng, err);
        if (rc) return rc;
    }
    return EBM_OK;
}

static int gibbs_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                     ebm_sampler_stats *stats, ebm_error *err) {
    char why[256];
    if (!ebm_gibbs_supports("gibbs", ctx->ops, why, sizeof why))
        return ebm_fail(err, EBM_ENOTSUP, "%s", why);
    ebm_smp_settings st;
    ebm_smp_read_settings(ctx, steps, &st);
    if (ebm_model_has_layers(ctx->ops)) {
        int rc = st.random_start ? random_starts(ctx, chains, err) : EBM_OK;
        if (!rc) rc = run_blocks(ctx, chains, &st, err);
        if (!rc && stats) {
            long updates = (long)chains->n * (long)chains->units *
                           (long)(st.burn_in + st.sweeps);
            stats->proposed += updates;
            stats->accepted += updates;
        }
        return rc;
    }
    ebm_smp_sites sites;
    ebm_smp_sweeper sweeper;
    int rc = ebm_smp_sites_init(&sites, chains, err);
    if (rc) return rc;
    rc = ebm_smp_sweeper_open(&sweeper, ctx->ops, ctx->model, err);
    if (rc) {
        ebm_smp_sites_free(&sites);
        return rc;
    }
    size_t base = chains->n_collected, n_free = sites.n_free;
    for (size_t c = 0; c < chains->n && !rc; c++) {
        ebm_rng rng;
        rc = ebm_smp_begin_chain(ctx, &st, chains, c, "gibbs", &rng, err);
        if (!rc) run_chain(chains, c, &st, &sites, &sweeper, base, &rng);
    }
    ebm_smp_sweeper_close(&sweeper);
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
    return ebm_gibbs_supports("gibbs", model, why, why_size);
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
