/* test_continuous.c — the samplers of real-valued states (mh kernel gaussian,
 * mala, langevin), the ESS estimator and the moments estimator, on models
 * defined here with exact answers: a correlated 2-D Gaussian and a tilted
 * 1-D double well.
 *
 * Bounds. Moments are checked as z-scores against the Monte Carlo error the
 * effective sample size predicts (iid Gaussian formulas with n = ESS of the
 * coordinate, ESS by Geyer's initial monotone sequence):
 *   mean_z = max_i |x̄_i − μ_i| / sqrt(Σ_ii / ESS_i),
 *   cov_z  = max_ij |Ŝ_ij − Σ_ij| / sqrt((Σ_ii Σ_jj + Σ_ij²) / min ESS),
 * both below Z_BOUND = 4.5: five quantities in 2-D, so a correct sampler
 * fails with probability about 5 · 7e-6 even allowing ±20% error in the
 * ESS. The double well's histogram (24 bins on [−2.4, 2.4] plus two tails)
 * must lie within TV_FACTOR = 4 times the expected total variation of ESS
 * independent draws, Σ_k sqrt(2 p_k(1 − p_k)/(π ESS))/2 — the bound
 * test_samplers.c uses for binary samplers, with n the ESS of x (its slowest
 * part is the hopping between wells). */
#include "test.h"

#include <stdint.h>

#include "continuous.h"
#include "ess.h"
#include "log.h"
#include "sampler_testutil.h"

extern const ebm_sampler_ops ebm_sampler_mala;
extern const ebm_sampler_ops ebm_sampler_langevin;

#define Z_BOUND 4.5
#define TV_FACTOR 4.0

/* ---- a d-dimensional Gaussian, E(x) = ½ (x − μ)ᵀ P (x − μ), P = Σ⁻¹ ---- */
typedef struct gauss {
    size_t d;
    double mu[2], sigma[4], prec[4];
    double grad_factor;   /* 1; the test of MALA with a wrong gradient sets 3 */
} gauss;

/* μ = (1, −2), scales (1, 0.5), correlation 0.9. */
static gauss gauss_2d(void) {
    gauss g = {.d = 2, .mu = {1.0, -2.0}, .grad_factor = 1.0};
    double s0 = 1.0, s1 = 0.5, rho = 0.9;
    g.sigma[0] = s0 * s0;
    g.sigma[1] = g.sigma[2] = rho * s0 * s1;
    g.sigma[3] = s1 * s1;
    double det = g.sigma[0] * g.sigma[3] - g.sigma[1] * g.sigma[2];
    g.prec[0] = g.sigma[3] / det;
    g.prec[1] = g.prec[2] = -g.sigma[1] / det;
    g.prec[3] = g.sigma[0] / det;
    return g;
}

static size_t gauss_units(void *m) { return ((gauss *)m)->d; }

static double gauss_energy(void *m, const float *x) {
    const gauss *g = m;
    double e = 0.0;
    for (size_t i = 0; i < g->d; i++)
        for (size_t j = 0; j < g->d; j++)
            e += 0.5 * (x[i] - g->mu[i]) * g->prec[i * g->d + j] * (x[j] - g->mu[j]);
    return e;
}

static int gauss_grad(void *m, const float *x, size_t n, float *grad, ebm_error *err) {
    (void)err;
    const gauss *g = m;
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < g->d; i++) {
            double s = 0.0;
            for (size_t j = 0; j < g->d; j++)
                s += g->prec[i * g->d + j] * (x[r * g->d + j] - g->mu[j]);
            grad[r * g->d + i] = (float)(g->grad_factor * s);
        }
    return EBM_OK;
}

/* Uniform over μ ± 4 on every axis. */
static void gauss_noise(void *m, float *x, size_t n, ebm_rng *rng) {
    const gauss *g = m;
    for (size_t k = 0; k < n * g->d; k++)
        x[k] = (float)(g->mu[k % g->d] + 8.0 * (ebm_rng_uniform(rng) - 0.5));
}

static const ebm_model_continuous gauss_continuous = {
    .xStateGrad = gauss_grad,
    .xNoise = gauss_noise,
};

static const ebm_model_ops gauss_ops = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "test_gauss"},
    .xUnits = gauss_units,
    .xEnergy = gauss_energy,
    .continuous = &gauss_continuous,
};

/* ---- a tilted double well, E(x) = a (x² − 1)² + b x ---- */
#define WELL_A 2.0
#define WELL_B 0.3

static size_t well_units(void *m) {
    (void)m;
    return 1;
}

static double well_energy_at(double x) {
    return WELL_A * (x * x - 1) * (x * x - 1) + WELL_B * x;
}

static double well_energy(void *m, const float *x) {
    (void)m;
    return well_energy_at(x[0]);
}

static int well_grad(void *m, const float *x, size_t n, float *grad, ebm_error *err) {
    (void)m;
    (void)err;
    for (size_t r = 0; r < n; r++)
        grad[r] = (float)(4.0 * WELL_A * x[r] * (x[r] * x[r] - 1) + WELL_B);
    return EBM_OK;
}

static void well_noise(void *m, float *x, size_t n, ebm_rng *rng) {
    (void)m;
    for (size_t k = 0; k < n; k++) x[k] = (float)(4.0 * (ebm_rng_uniform(rng) - 0.5));
}

static const ebm_model_continuous well_continuous = {
    .xStateGrad = well_grad,
    .xNoise = well_noise,
};

static const ebm_model_ops well_ops = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "test_double_well"},
    .xUnits = well_units,
    .xEnergy = well_energy,
    .continuous = &well_continuous,
};

/* ---- running and checking ---- */

/* Samples `chains_n` chains from random starts with a sampler config; the
 * collected states (points per chain) go to *out (malloc'd). */
static int sample(const ebm_sampler_ops *sampler, const char *yaml,
                  const ebm_model_ops *ops, void *model, size_t n_chains,
                  size_t points, uint64_t seed, ebm_log *log, float **out,
                  ebm_sampler_stats *stats, ebm_error *err) {
    size_t units = ops->xUnits(model);
    float *x = calloc(n_chains * units, sizeof *x);
    *out = malloc(n_chains * points * units * sizeof **out);
    ebm_chains chains = {.n = n_chains, .units = units, .x = x, .collect = *out,
                         .max_collect = n_chains * points};
    int rc = st_run(sampler, yaml, ops, model, &chains, seed, log, stats, err);
    if (!rc && chains.n_collected != n_chains * points) rc = -2;
    free(x);
    return rc;
}

/* The z-scores of the sample mean and covariance against (μ, Σ). */
typedef struct zscores {
    double mean_z, cov_z, ess_min;
    double cov[4];
} zscores;

static zscores moments_z(const float *s, size_t points, size_t n_chains, size_t d,
                         const double *mu, const double *sigma) {
    zscores z = {.ess_min = INFINITY};
    size_t n = points * n_chains;
    double mean[2] = {0, 0}, ess[2];
    for (size_t i = 0; i < d; i++) {
        ebm_error err = {0};
        if (ebm_ess(s, points, n_chains, d, i, &ess[i], &err)) ess[i] = 1;
        z.ess_min = fmin(z.ess_min, ess[i]);
        for (size_t r = 0; r < n; r++) mean[i] += s[r * d + i];
        mean[i] /= (double)n;
        z.mean_z = fmax(z.mean_z, fabs(mean[i] - mu[i]) / sqrt(sigma[i * d + i] / ess[i]));
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double c = 0.0;
            for (size_t r = 0; r < n; r++) c += (s[r * d + i] - mean[i]) * (s[r * d + j] - mean[j]);
            z.cov[i * d + j] = c / (double)(n - 1);
            double sij = sigma[i * d + j];
            double se = sqrt((sigma[i * d + i] * sigma[j * d + j] + sij * sij) /
                             fmin(ess[i], ess[j]));
            z.cov_z = fmax(z.cov_z, fabs(z.cov[i * d + j] - sij) / se);
        }
    return z;
}

/* Runs a sampler on the 2-D Gaussian (8 chains, 20 000 collected points
 * each) and returns the z-scores against `sigma` (the truth unless a test
 * passes Langevin's biased covariance). */
static zscores gauss_check(const ebm_sampler_ops *sampler, const char *yaml,
                           gauss *g, const double *sigma, uint64_t seed) {
    size_t n_chains = 8, points = 20000;
    float *s = NULL;
    ebm_error err = {0};
    zscores z = {.mean_z = INFINITY, .cov_z = INFINITY};
    if (sample(sampler, yaml, &gauss_ops, g, n_chains, points, seed, NULL, &s, NULL,
               &err) == 0)
        z = moments_z(s, points, n_chains, 2, g->mu, sigma);
    else
        fprintf(stderr, "sampling failed: %s\n", err.msg);
    free(s);
    printf("  %s %s: mean_z %.2f cov_z %.2f ess %.0f\n", sampler->info.name, yaml,
           z.mean_z, z.cov_z, z.ess_min);
    return z;
}

/* ---- tests ---- */

/* ESS of AR(1) series x_t = φ x_{t−1} + N(0, 1): τ = (1 + φ)/(1 − φ). */
TEST(ess_of_ar1_and_iid_series) {
    size_t n_chains = 4, points = 20000;
    float *s = malloc(n_chains * points * sizeof *s);
    double phis[2] = {0.0, 0.8};
    for (int k = 0; k < 2; k++) {
        double phi = phis[k];
        for (size_t c = 0; c < n_chains; c++) {
            ebm_rng rng;
            ebm_rng_seed(&rng, 100 + c);
            double x = ebm_rng_normal(&rng) / sqrt(1 - phi * phi);
            for (size_t t = 0; t < points; t++) {
                x = phi * x + ebm_rng_normal(&rng);
                s[t * n_chains + c] = (float)x;
            }
        }
        double ess = 0, expected = (double)(n_chains * points) * (1 - phi) / (1 + phi);
        ebm_error err = {0};
        ASSERT_OK(ebm_ess(s, points, n_chains, 1, 0, &ess, &err));
        /* The estimator's relative error is about sqrt(2τ·L/N) ≈ 3% here. */
        ASSERT_NEAR(ess / expected, 1.0, 0.12);
    }
    /* Chains stuck at different values are not independent samples. */
    for (size_t c = 0; c < n_chains; c++)
        for (size_t t = 0; t < points; t++) s[t * n_chains + c] = (float)c + 0.01f * (float)(t % 2);
    double ess = 0;
    ebm_error err = {0};
    ASSERT_OK(ebm_ess(s, points, n_chains, 1, 0, &ess, &err));
    ASSERT(ess < 10);
    free(s);
}

TEST(mh_gaussian_reproduces_a_correlated_gaussian) {
    gauss g = gauss_2d();
    zscores z = gauss_check(&ebm_sampler_mh, "{kernel: gaussian, step: 0.5, burn_in: 2000, "
                            "sweeps: 20000, start: random}", &g, g.sigma, 1);
    ASSERT(z.mean_z < Z_BOUND);
    ASSERT(z.cov_z < Z_BOUND);
    ASSERT(z.ess_min > 2000);   /* the bound is tight enough to mean something */
    /* the default kernel (auto) on real-valued states is the same walk */
    zscores by_default = gauss_check(&ebm_sampler_mh, "{step: 0.5, burn_in: 2000, "
                                     "sweeps: 20000, start: random}", &g, g.sigma, 1);
    ASSERT(by_default.mean_z == z.mean_z && by_default.cov_z == z.cov_z);
}

TEST(mala_reproduces_a_correlated_gaussian) {
    gauss g = gauss_2d();
    zscores z = gauss_check(&ebm_sampler_mala, "{step: 0.2, burn_in: 2000, "
                            "sweeps: 20000, start: random}", &g, g.sigma, 2);
    ASSERT(z.mean_z < Z_BOUND);
    ASSERT(z.cov_z < Z_BOUND);
    ASSERT(z.ess_min > 2000);
    /* The Hastings correction makes any drift exact: a gradient three times
     * too steep only slows it down. */
    g.grad_factor = 3.0;
    z = gauss_check(&ebm_sampler_mala, "{step: 0.2, burn_in: 2000, sweeps: 20000, "
                    "start: random}", &g, g.sigma, 3);
    ASSERT(z.mean_z < Z_BOUND);
    ASSERT(z.cov_z < Z_BOUND);
}

/* MALA without the proposal densities in its acceptance (the mistake of
 * treating the Langevin proposal as symmetric), at a large step: the same
 * check must reject it. */
static void uncorrected_propose(ebm_cont_chain *ch, ebm_rng *rng) {
    double eps = ch->step, c = eps * eps / (2.0 * ch->temperature);
    for (size_t i = 0; i < ch->units; i++)
        ch->proposal[i] = (float)(ch->x[i] - c * ch->grad[i] + eps * ebm_rng_normal(rng));
}

static int uncorrected_accept(const ebm_cont_chain *ch, double e_new, ebm_rng *rng,
                              double *accept_prob) {
    *accept_prob = fmin(1.0, exp(-(e_new - ch->energy) / ch->temperature));
    return ebm_rng_uniform(rng) < *accept_prob;
}

static const ebm_cont_kernel uncorrected_kernel = {
    .sampler = "uncorrected mala", .need_grad = 1, .tracks_energy = 1,
    .propose = uncorrected_propose, .accept = uncorrected_accept};

static int uncorrected_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                           ebm_sampler_stats *stats, ebm_error *err) {
    return ebm_cont_run(&uncorrected_kernel, ctx, chains, steps, stats, err);
}

static const ebm_sampler_ops uncorrected_mala = {
    .info = {.name = "uncorrected_mala"}, .xRun = uncorrected_run};

TEST(mala_without_the_correction_fails_the_check) {
    gauss g = gauss_2d();
    zscores z = gauss_check(&uncorrected_mala, "{step: 0.35, burn_in: 2000, "
                            "sweeps: 20000, start: random}", &g, g.sigma, 4);
    ASSERT(z.cov_z > 2 * Z_BOUND);
    /* The real mala at the same (frozen) step passes. */
    z = gauss_check(&ebm_sampler_mala, "{step: 0.35, adapt: false, burn_in: 2000, "
                    "sweeps: 20000, start: random}", &g, g.sigma, 4);
    ASSERT(z.mean_z < Z_BOUND);
    ASSERT(z.cov_z < Z_BOUND);
}

/* Exact bin probabilities of the double well by Simpson's rule on [−3, 3]
 * (E(±3) > 100, so the mass outside is below e^−100): bins k = 1..24 cover
 * [−2.4, 2.4] in steps of 0.2, bin 0 and 25 the tails. */
#define WELL_BINS 26
static int well_bin(double x) {
    if (x < -2.4) return 0;
    if (x >= 2.4) return WELL_BINS - 1;
    int k = 1 + (int)floor((x + 2.4) / 0.2);
    return k < 1 ? 1 : k > WELL_BINS - 2 ? WELL_BINS - 2 : k;
}

static void well_exact(double *p) {
    memset(p, 0, WELL_BINS * sizeof *p);
    int m = 600000;   /* even: Simpson panels of width 1e-5 */
    double h = 6.0 / m, z = 0.0;
    for (int k = 0; k <= m; k++) {
        double x = -3.0 + k * h;
        double w = (k == 0 || k == m) ? 1 : (k % 2 ? 4 : 2);
        double v = w * exp(-well_energy_at(x)) * h / 3;
        p[well_bin(x)] += v;
        z += v;
    }
    for (int k = 0; k < WELL_BINS; k++) p[k] /= z;
}

static void double_well_case(const ebm_sampler_ops *sampler, const char *yaml,
                             uint64_t seed, double *tv, double *bound) {
    size_t n_chains = 8, points = 25000;
    float *s = NULL;
    ebm_error err = {0};
    *tv = INFINITY;
    *bound = 0;
    if (sample(sampler, yaml, &well_ops, NULL, n_chains, points, seed, NULL, &s, NULL,
               &err)) {
        fprintf(stderr, "sampling failed: %s\n", err.msg);
        free(s);
        return;
    }
    double p[WELL_BINS], q[WELL_BINS] = {0}, ess = 1;
    well_exact(p);
    size_t n = n_chains * points;
    for (size_t r = 0; r < n; r++) q[well_bin(s[r])] += 1.0 / (double)n;
    ebm_ess(s, points, n_chains, 1, 0, &ess, &err);
    *tv = st_tv(q, p, WELL_BINS);
    *bound = TV_FACTOR * st_expected_tv(p, WELL_BINS, (size_t)ess);
    printf("  %s double well: TV %.4f bound %.4f (ESS %.0f)\n", sampler->info.name, *tv,
           *bound, ess);
    free(s);
}

TEST(double_well_histogram) {
    double tv, bound;
    double_well_case(&ebm_sampler_mh, "{kernel: gaussian, step: 1, burn_in: 2000, "
                     "sweeps: 25000, start: random}", 5, &tv, &bound);
    ASSERT(tv < bound);
    double_well_case(&ebm_sampler_mala, "{step: 0.5, burn_in: 2000, sweeps: 25000, "
                     "start: random}", 6, &tv, &bound);
    ASSERT(tv < bound);
    /* The check has power: the histogram at T = 1.5 (a different law) fails. */
    double_well_case(&ebm_sampler_mh, "{kernel: gaussian, step: 1, burn_in: 2000, "
                     "sweeps: 25000, start: random, temperature: 1.5}", 5, &tv, &bound);
    ASSERT(tv > 2 * bound);
}

/* The step adapts during burn-in only: the logged per-step trace (mean over
 * chains) is constant after burn-in, and the acceptance after burn-in is
 * near the target (the adapted step is a noisy root of the acceptance
 * curve; ±0.05 allows for that and for the 8 × 5000 proposals' ±0.003). */
static void adaptation_case(const ebm_sampler_ops *sampler, const char *yaml,
                            const char *prefix, double target, int adapts) {
    gauss g = gauss_2d();
    ebm_log *log = ebm_log_new(NULL);
    ebm_log_begin(log, 0, prefix, "test", "train");
    float *s = NULL;
    ebm_error err = {0};
    ebm_sampler_stats stats = {0};
    int rc = sample(sampler, yaml, &gauss_ops, &g, 8, 5000, 7, log, &s, &stats, &err);
    free(s);
    if (rc) {
        ebm_log_free(log);
        FAIL_("sampling failed: %s", err.msg);
    }
    char name[64];
    double acceptance = -1, step = -1, last = -1;
    snprintf(name, sizeof name, "%s_acceptance", prefix);
    ASSERT(ebm_log_last(log, name, &acceptance));
    snprintf(name, sizeof name, "%s_step", prefix);
    ASSERT(ebm_log_last(log, name, &step));
    /* The log keeps a trace's last entry: the step after burn-in. */
    snprintf(name, sizeof name, "%s_step_trace", prefix);
    ASSERT(ebm_log_last(log, name, &last));
    ebm_log_free(log);
    printf("  %s: acceptance %.3f step %.4f (target %.3f)\n", prefix, acceptance, step,
           target);
    ASSERT_NEAR(last, step, 1e-9 * step);
    ASSERT_EQ(stats.proposed, 8 * (3000 + 5000));
    if (adapts) {
        ASSERT_NEAR(acceptance, target, 0.05);
        ASSERT(fabs(log10(step / 5.0)) > 0.5);   /* moved far from the start */
    } else {
        ASSERT_NEAR(step, 5.0, 1e-12);
    }
}

/* The per-step trace itself, read through a sampler run with our own loop:
 * the driver's step after burn-in never changes. */
static double trace_step_values[8000];
static int trace_n;
static void recording_propose(ebm_cont_chain *ch, ebm_rng *rng) {
    if (trace_n < 8000) trace_step_values[trace_n++] = ch->step;
    /* The random walk itself, as mh's gaussian kernel does it. */
    for (size_t i = 0; i < ch->units; i++)
        ch->proposal[i] = (float)(ch->x[i] + ch->step * ebm_rng_normal(rng));
}

static int recording_accept(const ebm_cont_chain *ch, double e_new, ebm_rng *rng,
                            double *accept_prob) {
    *accept_prob = fmin(1.0, exp(-(e_new - ch->energy)));
    return ebm_rng_uniform(rng) < *accept_prob;
}

static const ebm_cont_kernel recording_kernel = {
    .sampler = "recording", .tracks_energy = 1, .can_adapt = 1,
    .default_target = ebm_smp_rw_target, .propose = recording_propose,
    .accept = recording_accept};

static int recording_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                         ebm_sampler_stats *stats, ebm_error *err) {
    return ebm_cont_run(&recording_kernel, ctx, chains, steps, stats, err);
}

static const ebm_sampler_ops recording_sampler = {
    .info = {.name = "recording"}, .xRun = recording_run};

TEST(adaptation_stops_after_burn_in) {
    adaptation_case(&ebm_sampler_mh, "{kernel: gaussian, step: 5, burn_in: 3000, "
                    "sweeps: 5000, start: random}", "mh", 0.352, 1);
    adaptation_case(&ebm_sampler_mala, "{step: 5, burn_in: 3000, sweeps: 5000, "
                    "start: random}", "mala", 0.574, 1);
    adaptation_case(&ebm_sampler_mh, "{kernel: gaussian, step: 5, adapt: false, "
                    "burn_in: 3000, sweeps: 5000, start: random}", "fixed", 0, 0);
    ASSERT_NEAR(ebm_smp_rw_target(1), 0.441, 1e-12);
    ASSERT_NEAR(ebm_smp_rw_target(50), 0.234, 1e-12);

    /* Every step a move sees: varying during burn-in, one value after. */
    gauss g = gauss_2d();
    float *s = NULL;
    ebm_error err = {0};
    trace_n = 0;
    ASSERT_OK(sample(&recording_sampler, "{step: 5, burn_in: 3000, sweeps: 5000, "
                     "start: random}", &gauss_ops, &g, 1, 5000, 8, NULL, &s, NULL, &err));
    free(s);
    ASSERT_EQ(trace_n, 8000);
    int changes_in_burn_in = 0;
    for (int t = 1; t < 3000; t++) changes_in_burn_in += trace_step_values[t] != trace_step_values[t - 1];
    ASSERT(changes_in_burn_in > 2900);
    for (int t = 3001; t < 8000; t++) ASSERT(trace_step_values[t] == trace_step_values[3000]);
    ASSERT(trace_step_values[3000] < 1.0);   /* adapted down from 5 */
}

/* Unadjusted Langevin on a Gaussian: x' = (I − λP/2)x + √λ ξ is a Gaussian
 * AR process whose stationary covariance solves S = A S A + λI, A = I − λP/2;
 * A commutes with P, so S = Σ (I − λP/4)⁻¹: each eigen-variance v becomes
 * v/(1 − λ/(4v)), a relative bias of λ/(4v) + O(λ²). Here the smallest
 * eigen-variance is 0.039, so λ = 0.01 biases that direction by +6.8% and
 * λ = 0.1 by +180%. */
static void langevin_covariance(const gauss *g, double lambda, double *s) {
    double m[4];   /* I − λP/4, then its inverse */
    for (int k = 0; k < 4; k++) m[k] = (k == 0 || k == 3) - lambda * g->prec[k] / 4;
    double det = m[0] * m[3] - m[1] * m[2];
    double inv[4] = {m[3] / det, -m[1] / det, -m[2] / det, m[0] / det};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            s[i * 2 + j] = g->sigma[i * 2] * inv[j] + g->sigma[i * 2 + 1] * inv[2 + j];
}

TEST(langevin_matches_up_to_its_step_bias) {
    gauss g = gauss_2d();
    double biased[4];
    langevin_covariance(&g, 0.01, biased);
    zscores z = gauss_check(&ebm_sampler_langevin, "{step: 0.01, burn_in: 2000, "
                            "sweeps: 20000, start: random}", &g, biased, 9);
    ASSERT(z.mean_z < Z_BOUND);
    ASSERT(z.cov_z < Z_BOUND);
    /* The bias is what the formula says, not noise: at λ = 0.1 the samples
     * match S(λ) and miss Σ by far. */
    langevin_covariance(&g, 0.1, biased);
    z = gauss_check(&ebm_sampler_langevin, "{step: 0.1, burn_in: 2000, sweeps: 20000, "
                    "start: random}", &g, biased, 10);
    ASSERT(z.mean_z < Z_BOUND);
    ASSERT(z.cov_z < Z_BOUND);
    z = gauss_check(&ebm_sampler_langevin, "{step: 0.1, burn_in: 2000, sweeps: 20000, "
                    "start: random}", &g, g.sigma, 10);
    ASSERT(z.cov_z > 2 * Z_BOUND);
    /* Without noise it is gradient descent and stops at the mode. */
    float *s = NULL;
    ebm_error err = {0};
    ASSERT_OK(sample(&ebm_sampler_langevin, "{step: 0.05, noise: 0, burn_in: 3000, "
                     "sweeps: 1, start: random}", &gauss_ops, &g, 2, 1, 11, NULL, &s,
                     NULL, &err));
    for (int c = 0; c < 2; c++) {
        ASSERT_NEAR(s[c * 2], g.mu[0], 1e-3);
        ASSERT_NEAR(s[c * 2 + 1], g.mu[1], 1e-3);
    }
    free(s);
    /* Clipping bounds each move's drift: from far away, one step of
     * gradient descent moves by at most λ/2 · clip per coordinate. */
    float x[2] = {100.0f, 100.0f};
    ebm_chains one = {.n = 1, .units = 2, .x = x};
    ASSERT_OK(st_run(&ebm_sampler_langevin, "{step: 0.1, noise: 0, clip: 2, sweeps: 1}",
                     &gauss_ops, &g, &one, 1, NULL, NULL, &err));
    /* There ∂E/∂x = P(x − μ) = (−446, +1210). */
    ASSERT_NEAR(x[0], 100.0 + 0.05 * 2, 1e-4);
    ASSERT_NEAR(x[1], 100.0 - 0.05 * 2, 1e-4);
}

/* Chain c depends only on its own stream. */
TEST(chains_do_not_depend_on_how_many_run) {
    gauss g = gauss_2d();
    const char *yaml = "{step: 0.3, burn_in: 50, sweeps: 20, start: random}";
    float *three = NULL, *one = NULL;
    ebm_error err = {0};
    ASSERT_OK(sample(&ebm_sampler_mala, yaml, &gauss_ops, &g, 3, 20, 12, NULL, &three,
                     NULL, &err));
    ASSERT_OK(sample(&ebm_sampler_mala, yaml, &gauss_ops, &g, 1, 20, 12, NULL, &one,
                     NULL, &err));
    int same = 1;
    for (size_t k = 0; k < 20; k++)
        same &= three[k * 3 * 2] == one[k * 2] && three[k * 3 * 2 + 1] == one[k * 2 + 1];
    ASSERT(same);
    free(three);
    free(one);
}

static int binary_instance(void *m) {
    (void)m;
    return 1;
}

/* Continuous kernels refuse binary models, flips refuse real-valued ones,
 * and gradient samplers need ∂E/∂x. */
TEST(samplers_refuse_the_wrong_models) {
    char why[512] = "";
    ASSERT(!ebm_sampler_mala.xSupports(&st_bm01_ops, why, sizeof why));
    ASSERT_STR_CONTAINS(why, "binary");
    ASSERT(!ebm_sampler_langevin.xSupports(&st_bm01_ops, why, sizeof why));
    ASSERT(ebm_sampler_mala.xSupports(&gauss_ops, why, sizeof why));
    ASSERT(ebm_sampler_mh.xSupports(&gauss_ops, why, sizeof why));
    ASSERT(ebm_sampler_mh.xSupports(&st_bm01_ops, why, sizeof why));
    ebm_model_continuous energies_only = gauss_continuous;
    energies_only.xStateGrad = NULL;
    ebm_model_ops no_grad = gauss_ops;
    no_grad.continuous = &energies_only;
    ASSERT(!ebm_sampler_mala.xSupports(&no_grad, why, sizeof why));
    ASSERT_STR_CONTAINS(why, "xStateGrad");
    ASSERT(ebm_sampler_mh.xSupports(&no_grad, why, sizeof why));

    st_bm01 bm;
    st_bm01_random(&bm, 4, 0.5, 1);
    float bits[4] = {0, 1, 0, 1};
    ebm_chains binary = {.n = 1, .units = 4, .x = bits};
    ebm_error err = {0};
    ASSERT(st_run(&ebm_sampler_mh, "{kernel: gaussian}", &st_bm01_ops, &bm, &binary, 1,
                  NULL, NULL, &err) == EBM_ENOTSUP);
    ASSERT_STR_CONTAINS(err.msg, "kernel: flip");
    gauss g = gauss_2d();
    float x[2] = {0, 0};
    ebm_chains real = {.n = 1, .units = 2, .x = x};
    ASSERT(st_run(&ebm_sampler_mh, "{kernel: flip}", &gauss_ops, &g, &real, 1, NULL,
                  NULL, &err) == EBM_ENOTSUP);
    ASSERT_STR_CONTAINS(err.msg, "xFlipEnergy");
    /* An instance that says it is binary after all. */
    ebm_model_binary binary_after_all = {.xAllBinary = binary_instance};
    ebm_model_ops says_binary = gauss_ops;
    says_binary.binary = &binary_after_all;
    ASSERT(st_run(&ebm_sampler_mala, "{}", &says_binary, &g, &real, 1, NULL, NULL,
                  &err) == EBM_ENOTSUP);
    /* No noise distribution: start: random is refused, keep works. */
    ebm_model_continuous noiseless = gauss_continuous;
    noiseless.xNoise = NULL;
    ebm_model_ops no_noise = gauss_ops;
    no_noise.continuous = &noiseless;
    ASSERT(st_run(&ebm_sampler_mala, "{start: random}", &no_noise, &g, &real, 1, NULL,
                  NULL, &err) == EBM_ENOTSUP);
    ASSERT_STR_CONTAINS(err.msg, "xNoise");
    ASSERT_OK(st_run(&ebm_sampler_mala, "{sweeps: 3}", &no_noise, &g, &real, 1, NULL,
                     NULL, &err));
}

/* mh counts one proposal per chain and step; at a flat energy all accept. */
TEST(counts_and_clamped_units) {
    gauss g = gauss_2d();
    float x[2 * 2] = {0, -2, 0, -2};
    unsigned char clamped[2] = {0, 1};
    ebm_chains chains = {.n = 2, .units = 2, .x = x, .clamped = clamped};
    ebm_sampler_stats stats = {0};
    ebm_error err = {0};
    ASSERT_OK(st_run(&ebm_sampler_mh, "{kernel: gaussian, burn_in: 10, sweeps: 30, "
                     "start: random}", &gauss_ops, &g, &chains, 1, NULL, &stats, &err));
    ASSERT_EQ(stats.proposed, 2 * 40);
    ASSERT(stats.accepted > 0 && stats.accepted < stats.proposed);
    ASSERT(x[1] == -2.0f && x[3] == -2.0f);   /* clamped units never move */
    ASSERT(x[0] != 0.0f && x[2] != 0.0f);
    stats = (ebm_sampler_stats){0};
    ASSERT_OK(st_run(&ebm_sampler_langevin, "{sweeps: 7}", &gauss_ops, &g, &chains, 1,
                     NULL, &stats, &err));
    ASSERT_EQ(stats.proposed, 14);
    ASSERT_EQ(stats.accepted, 14);
    ASSERT(x[1] == -2.0f && x[3] == -2.0f);
}

int main(void) {
    RUN(ess_of_ar1_and_iid_series);
    RUN(mh_gaussian_reproduces_a_correlated_gaussian);
    RUN(mala_reproduces_a_correlated_gaussian);
    RUN(mala_without_the_correction_fails_the_check);
    RUN(double_well_histogram);
    RUN(adaptation_stops_after_burn_in);
    RUN(langevin_matches_up_to_its_step_bias);
    RUN(chains_do_not_depend_on_how_many_run);
    RUN(samplers_refuse_the_wrong_models);
    RUN(counts_and_clamped_units);
    TEST_MAIN_END();
}
