/* mala.c — the mala sampler: the Metropolis-adjusted Langevin algorithm for
 * real-valued states, a Langevin proposal corrected by the Hastings ratio of
 * its asymmetric proposal densities, step adapted in burn-in then frozen. */
#include <math.h>
#include <string.h>

#include "continuous.h"
#include "plugins.h"

static const ebm_param mala_params[] = {
    EBM_SMP_CONTINUOUS_PARAMS,
    {.name = "step", .type = EBM_P_FLOAT, .def = "0.1", .range = "(0, inf)",
     .help = "eps in x' = x - (eps^2/2T) dE/dx + eps*N(0, I) (the initial one "
             "when it adapts)"},
    {.name = "adapt", .type = EBM_P_BOOL, .def = "true",
     .help = "adapt log(eps) by Robbins-Monro towards target_acceptance during "
             "burn-in only, then freeze it"},
    {.name = "target_acceptance", .type = EBM_P_FLOAT, .def = "0.574",
     .range = "(0, 1)",
     .help = "acceptance rate adaptation aims at (0.574: Roberts & Rosenthal 1998)"},
    EBM_PARAM_END};

/* Σ over the free units of (to − from + c·g)², g the gradient at `from`:
 * ‖to − mean(from)‖² for the proposal mean from − c·∇E(from), c = ε²/2T. */
static double mismatch(const ebm_cont_chain *ch, const float *to, const float *from,
                       const float *g, double c) {
    double sum = 0.0;
    for (size_t j = 0; j < ch->n_free; j++) {
        size_t i = ch->free_units[j];
        double d = (double)to[i] - ((double)from[i] - c * g[i]);
        sum += d * d;
    }
    return sum;
}

/* ε²/2T: the drift's step, shared by the proposal and its density. */
static double drift_scale(const ebm_cont_chain *ch) {
    return ch->step * ch->step / (2.0 * ch->temperature);
}

/* x' = x − (ε²/2T)∇E(x) + εξ on the free units. */
static void mala_propose(ebm_cont_chain *ch, ebm_rng *rng) {
    double eps = ch->step, c = drift_scale(ch);
    memcpy(ch->proposal, ch->x, ch->units * sizeof *ch->x);
    for (size_t j = 0; j < ch->n_free; j++) {
        size_t i = ch->free_units[j];
        ch->proposal[i] = (float)(ch->x[i] - c * ch->grad[i] + eps * ebm_rng_normal(rng));
    }
}

/* With log q(b|a) = −‖b − a + (ε²/2T)∇E(a)‖²/(2ε²),
 * log α = −(E(x') − E(x))/T + log q(x|x') − log q(x'|x).
 * The densities use the stored (float) proposal, so rounding cannot make
 * the two directions disagree. */
static int mala_accept(const ebm_cont_chain *ch, double e_new, ebm_rng *rng,
                       double *accept_prob) {
    double eps = ch->step, c = drift_scale(ch);
    double log_forward = -mismatch(ch, ch->proposal, ch->x, ch->grad, c) / (2 * eps * eps);
    double log_backward =
        -mismatch(ch, ch->x, ch->proposal, ch->grad_proposal, c) / (2 * eps * eps);
    double log_alpha = -(e_new - ch->energy) / ch->temperature + log_backward - log_forward;
    *accept_prob = log_alpha >= 0.0 ? 1.0 : exp(log_alpha);
    if (isnan(log_alpha)) *accept_prob = 0.0;
    return *accept_prob >= 1.0 || ebm_rng_uniform(rng) < *accept_prob;
}

static double mala_target(size_t n_free) {
    (void)n_free;
    return 0.574;
}

static const ebm_cont_kernel mala_kernel = {
    .sampler = "mala",
    .need_grad = 1,
    .tracks_energy = 1,
    .can_adapt = 1,
    .default_target = mala_target,
    .propose = mala_propose,
    .accept = mala_accept,
};

static int mala_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                    ebm_sampler_stats *stats, ebm_error *err) {
    return ebm_cont_run(&mala_kernel, ctx, chains, steps, stats, err);
}

static int mala_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    return ebm_smp_supports_continuous("mala", model, 1, why, why_size);
}

const ebm_sampler_ops ebm_sampler_mala = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "mala",
             .help = "Metropolis-adjusted Langevin for real-valued states: "
                     "x' = x - (eps^2/2T) dE/dx + eps*N(0, I), accepted by the "
                     "Hastings ratio; eps adapted in burn-in towards 0.574",
             .params = mala_params},
    .xRun = mala_run,
    .xSupports = mala_supports,
};
