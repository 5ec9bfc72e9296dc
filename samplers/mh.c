/* mh.c — the mh sampler: Metropolis–Hastings with a choice of proposal
 * kernel ("flip": 1 to k distinct free binary units flipped at once;
 * "gaussian": a random walk of real-valued states with its step adapted in
 * burn-in), accepted with min(1, exp(−ΔE/T)); reports proposals and
 * acceptances. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "continuous.h"
#include "plugins.h"

static const ebm_param mh_params[] = {
    EBM_SMP_COMMON_PARAMS,
    {.name = "kernel", .type = EBM_P_ENUM, .def = "auto", .choices = "auto|flip|gaussian",
     .help = "proposal: flip = flip between 1 and `flips` distinct random free "
             "binary units; gaussian = x' = x + step*N(0, I) on every free "
             "real-valued unit, one proposal per sweep (both symmetric); auto = "
             "flip for a model of binary units, else gaussian"},
    {.name = "flips", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "kernel flip: at most this many units per proposal (1: the unit "
             "comes from the scan order; k > 1: m ~ U{1..k} random distinct "
             "units, ceil(N/k) proposals per sweep)"},
    {.name = "step", .type = EBM_P_FLOAT, .def = "0.5", .range = "(0, inf)",
     .help = "kernel gaussian: the random walk's standard deviation (the "
             "initial one when it adapts)"},
    {.name = "adapt", .type = EBM_P_BOOL, .def = "true",
     .help = "kernel gaussian: adapt log(step) by Robbins-Monro towards "
             "target_acceptance during burn-in only, then freeze it"},
    {.name = "target_acceptance", .type = EBM_P_FLOAT, .range = "(0, 1)",
     .flags = EBM_PF_OPTIONAL,
     .help = "kernel gaussian: acceptance rate adaptation aims at (default "
             "0.234 for d > 4; 0.441, 0.352, 0.316, 0.279 for d = 1..4)"},
    EBM_PARAM_END};

/* One chain's working state. */
typedef struct mh_chain {
    const ebm_sample_ctx *ctx;
    double temperature;
    size_t flips;
    size_t *pool;      /* the free units, partially shuffled to pick k of
                          them; reset for every chain so chains stay
                          independent of each other's draws */
    size_t n_free;
    long proposed, accepted;
} mh_chain;

/* A proposal kernel: makes one proposal on x (in place), decides it with the
 * Metropolis rule, leaves x at the accepted or the old state, and returns 1
 * when accepted. `site` is the scan's suggestion for kernels that move one
 * unit; others ignore it. */
typedef struct mh_kernel {
    const char *name;
    size_t (*proposals_per_sweep)(const mh_chain *ch);
    int (*step)(mh_chain *ch, float *x, size_t site, ebm_rng *rng);
    /* Kernels of real-valued states run through the continuous samplers'
     * chain loop instead (continuous_run.c); then the two above are NULL. */
    const ebm_cont_kernel *continuous;
} mh_kernel;

/* Symmetric proposal, so the Hastings ratio is exp(−ΔE/T) alone. */
static int metropolis_accept(double delta, double temperature, ebm_rng *rng) {
    return delta <= 0.0 || ebm_rng_uniform(rng) < exp(-delta / temperature);
}

static size_t flip_per_sweep(const mh_chain *ch) {
    return ch->flips == 1 ? ch->n_free : (ch->n_free + ch->flips - 1) / ch->flips;
}

static int flip_step(mh_chain *ch, float *x, size_t site, ebm_rng *rng) {
    const ebm_model_ops *ops = ch->ctx->ops;
    void *model = ch->ctx->model;
    if (ch->flips == 1) {
        double delta = ebm_model_flip_energy(ops, model, x, site);
        if (!metropolis_accept(delta, ch->temperature, rng)) return 0;
        ebm_model_flip_unit(ops, model, x, site);
        return 1;
    }
    /* m ~ U{1..k} distinct units: a partial Fisher–Yates shuffle of the pool
     * puts them first. The reverse move has the same m, units and
     * probability, so the proposal stays symmetric; always flipping exactly
     * k would, for even k, never change the parity of the number of high
     * units and leave half the states unreachable. ΔE of the move is the sum
     * of single-flip energies taken one after another on the changing state,
     * exactly E(x') − E(x). */
    size_t m = 1 + (size_t)ebm_rng_below(rng, ch->flips);
    double delta = 0.0;
    for (size_t j = 0; j < m; j++) {
        size_t pick = j + (size_t)ebm_rng_below(rng, ch->n_free - j);
        size_t unit = ch->pool[pick];
        ch->pool[pick] = ch->pool[j];
        ch->pool[j] = unit;
        delta += ebm_model_flip_energy(ops, model, x, unit);
        ebm_model_flip_unit(ops, model, x, unit);
    }
    if (metropolis_accept(delta, ch->temperature, rng)) return 1;
    for (size_t j = m; j-- > 0;) ebm_model_flip_unit(ops, model, x, ch->pool[j]);
    return 0;
}

/* The random walk x' = x + s·ε, ε ~ N(0, I) on the free units: symmetric,
 * so the same Metropolis rule on ΔE from the model's energies. A proposal
 * whose energy is NaN is rejected. */
static void gaussian_propose(ebm_cont_chain *ch, ebm_rng *rng) {
    memcpy(ch->proposal, ch->x, ch->units * sizeof *ch->x);
    for (size_t j = 0; j < ch->n_free; j++) {
        size_t i = ch->free_units[j];
        ch->proposal[i] = (float)(ch->x[i] + ch->step * ebm_rng_normal(rng));
    }
}

static int gaussian_accept(const ebm_cont_chain *ch, double e_new, ebm_rng *rng,
                           double *accept_prob) {
    double delta = e_new - ch->energy;
    *accept_prob = delta <= 0.0 ? 1.0 : exp(-delta / ch->temperature);
    if (isnan(delta)) *accept_prob = 0.0;
    return *accept_prob >= 1.0 || ebm_rng_uniform(rng) < *accept_prob;
}

static const ebm_cont_kernel gaussian_kernel = {
    .sampler = "mh (kernel gaussian)",
    .tracks_energy = 1,
    .can_adapt = 1,
    .default_target = ebm_smp_rw_target,
    .propose = gaussian_propose,
    .accept = gaussian_accept,
};

/* The kernels, by the `kernel` parameter's value. */
static const mh_kernel kernels[] = {
    {"flip", flip_per_sweep, flip_step, NULL},
    {"gaussian", NULL, NULL, &gaussian_kernel},
};

static const mh_kernel *find_kernel(const char *name) {
    for (size_t k = 0; k < sizeof kernels / sizeof *kernels; k++)
        if (strcmp(kernels[k].name, name) == 0) return &kernels[k];
    return NULL;
}

static void run_chain(mh_chain *ch, const mh_kernel *kernel, ebm_chains *chains,
                      size_t c, const ebm_smp_settings *st, ebm_smp_sites *sites,
                      size_t base, ebm_rng *rng) {
    float *x = chains->x + c * chains->units;
    int total = st->burn_in + st->sweeps;
    size_t per_sweep = kernel->proposals_per_sweep(ch);
    for (int s = 1; s <= total; s++) {
        ebm_smp_scan(sites, st->random_scan, rng);
        for (size_t t = 0; t < per_sweep; t++) {
            size_t site = sites->n_free ? sites->order[t % sites->n_free] : 0;
            ch->accepted += kernel->step(ch, x, site, rng);
            ch->proposed++;
        }
        size_t k;
        if (ebm_smp_is_collect_sweep(st, s, &k)) ebm_smp_collect(chains, base, k, c, x);
    }
}

static int mh_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                  ebm_sampler_stats *stats, ebm_error *err) {
    const char *kernel_name = ebm_cfg_str(ctx->cfg, "kernel", "auto");
    if (strcmp(kernel_name, "auto") == 0) {
        ebm_error ignored = {0};
        kernel_name = ebm_smp_require_binary("mh", ctx->ops, ctx->model, &ignored) == EBM_OK
                          ? "flip" : "gaussian";
    }
    const mh_kernel *kernel = find_kernel(kernel_name);
    if (!kernel)
        return ebm_fail(err, EBM_ECONFIG, "mh: unknown kernel '%s'", kernel_name);
    if (kernel->continuous)
        return ebm_cont_run(kernel->continuous, ctx, chains, steps, stats, err);
    int rc = ebm_smp_require_binary("mh (kernel flip)", ctx->ops, ctx->model, err);
    if (rc) return rc;
    ebm_smp_settings st;
    ebm_smp_read_settings(ctx, steps, &st);
    ebm_smp_sites sites;
    rc = ebm_smp_sites_init(&sites, chains, err);
    if (rc) return rc;
    mh_chain ch = {.ctx = ctx, .temperature = st.temperature,
                   .flips = (size_t)ebm_cfg_int(ctx->cfg, "flips", 1),
                   .n_free = sites.n_free};
    if (ch.flips > ch.n_free) {
        ebm_smp_sites_free(&sites);
        return ebm_fail(err, EBM_ECONFIG, "mh: flips = %zu but only %zu units "
                        "are free", ch.flips, ch.n_free);
    }
    ch.pool = malloc((ch.n_free ? ch.n_free : 1) * sizeof *ch.pool);
    if (!ch.pool) {
        ebm_smp_sites_free(&sites);
        return ebm_fail(err, EBM_ENOMEM, "mh: out of memory");
    }
    size_t base = chains->n_collected;
    for (size_t c = 0; c < chains->n && !rc; c++) {
        ebm_rng rng;
        rc = ebm_smp_begin_chain(ctx, &st, chains, c, "mh", &rng, err);
        memcpy(ch.pool, sites.free_units, ch.n_free * sizeof *ch.pool);
        if (!rc) run_chain(&ch, kernel, chains, c, &st, &sites, base, &rng);
    }
    ebm_smp_sites_free(&sites);
    free(ch.pool);
    if (rc) return rc;
    ebm_smp_collect_done(chains, base, (size_t)(st.sweeps / st.thin));
    if (stats) {
        stats->proposed += ch.proposed;
        stats->accepted += ch.accepted;
    }
    return EBM_OK;
}

/* Either kernel's models; which one applies is checked at run time, when the
 * config's kernel is known. */
static int mh_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    char why_continuous[320];
    if (ebm_smp_supports_binary("mh", model, why, why_size)) return 1;
    if (ebm_smp_supports_continuous("mh", model, 0, why_continuous,
                                    sizeof why_continuous))
        return 1;
    snprintf(why, why_size, "mh needs binary units it can flip (kernel flip: "
             "xFlipEnergy, xFlipUnit) or real-valued states (kernel gaussian: "
             "the continuous ops, no flips); model %s has neither",
             model->info.name);
    return 0;
}

const ebm_sampler_ops ebm_sampler_mh = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "mh",
             .help = "Metropolis-Hastings: propose flipping 1 to `flips` free units "
                     "(kernel flip) or a Gaussian random walk (kernel gaussian), "
                     "accept with min(1, exp(-dE/T)); reports the acceptance rate",
             .params = mh_params},
    .xRun = mh_run,
    .xSupports = mh_supports,
};
