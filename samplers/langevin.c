/* langevin.c — the langevin sampler: unadjusted Langevin dynamics as Du &
 * Mordatch (2019) use for EBM negatives, x ← x − (λ/2)∇(E/T) + N(0, σ²I),
 * no accept/reject, so biased by O(λ) (see the help). */
#include <string.h>

#include "continuous.h"
#include "plugins.h"

static const ebm_param langevin_params[] = {
    EBM_SMP_CONTINUOUS_PARAMS,
    {.name = "step", .type = EBM_P_FLOAT, .def = "0.01", .range = "(0, inf)",
     .help = "lambda in x <- x - (lambda/2) d(E/T)/dx + N(0, noise^2 I)"},
    {.name = "noise", .type = EBM_P_FLOAT, .range = "[0, inf)",
     .flags = EBM_PF_OPTIONAL,
     .help = "sigma of the added noise (default sqrt(step), the Langevin "
             "discretisation; smaller values sample a colder, sharper law)"},
    {.name = "clip", .type = EBM_P_FLOAT, .range = "(0, inf)",
     .flags = EBM_PF_OPTIONAL,
     .help = "clip every component of d(E/T)/dx to [-clip, clip] (default: "
             "no clipping)"},
    EBM_PARAM_END};

/* Every proposal is taken: the driver moves x there with its gradient. */
static void langevin_propose(ebm_cont_chain *ch, ebm_rng *rng) {
    double half_step = 0.5 * ch->step, inv_t = 1.0 / ch->temperature;
    memcpy(ch->proposal, ch->x, ch->units * sizeof *ch->x);
    for (size_t j = 0; j < ch->n_free; j++) {
        size_t i = ch->free_units[j];
        double g = ch->grad[i] * inv_t;
        if (ch->clip > 0.0) g = g > ch->clip ? ch->clip : g < -ch->clip ? -ch->clip : g;
        ch->proposal[i] = (float)(ch->x[i] - half_step * g + ch->noise * ebm_rng_normal(rng));
    }
}

static const ebm_cont_kernel langevin_kernel = {
    .sampler = "langevin",
    .need_grad = 1,
    .propose = langevin_propose,
};

static int langevin_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                        ebm_sampler_stats *stats, ebm_error *err) {
    return ebm_cont_run(&langevin_kernel, ctx, chains, steps, stats, err);
}

static int langevin_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    return ebm_smp_supports_continuous("langevin", model, 1, why, why_size);
}

const ebm_sampler_ops ebm_sampler_langevin = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "langevin",
             .help = "unadjusted Langevin (Du & Mordatch 2019): x <- x - "
                     "(step/2) d(E/T)/dx + N(0, noise^2), no accept/reject, so "
                     "biased by O(step) (a Gaussian's variance by 1/(1 - step/4v))",
             .params = langevin_params},
    .xRun = langevin_run,
    .xSupports = langevin_supports,
};
