/* test_modern_hopfield.c — the modern Hopfield network against its energy:
 * the update x ← Ξ softmax(βΞᵀx) is the gradient step x − ∇E(x) (finite
 * differences), never raises E, keeps 0 ≤ E ≤ 2M², retrieves well-separated
 * patterns in one step, averages them all as β → 0, and MALA samples
 * exp(−E) (at β = 1 a mixture of unit Gaussians on the patterns). */
#include "test.h"

#include <stdint.h>

#include "ess.h"
#include "hopfield_testutil.h"
#include "plugins.h"
#include "sampler_testutil.h"

static const ebm_model_ops *const modern = &ebm_model_modern_hopfield;

static void *mh_new(double beta, const ebm_dataset *d) {
    char yaml[64];
    snprintf(yaml, sizeof yaml, "{beta: %.17g}", beta);
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "model.yaml", &err);
    if (!cfg) return NULL;
    void *m = NULL;
    if (modern->xCreate(cfg, d, NULL, &m, &err) || modern->xFit(m, d, NULL, NULL, &err)) {
        fprintf(stderr, "mh_new: %s\n", err.msg);
        if (m) modern->xDestroy(m);
        m = NULL;
    }
    ebm_node_free(cfg);
    return m;
}

static ebm_hopfield_update_fn update_of(void) {
    return (ebm_hopfield_update_fn)ebm_model_find_feature(modern, "hopfield_update");
}

/* Grey-level patterns in [0,1] (coded to [−1, 1]). */
static ebm_dataset grey_patterns(size_t k, size_t n, ebm_rng *rng) {
    ebm_dataset d = {.n = k, .dim = n, .x = malloc(k * n * sizeof(float))};
    for (size_t v = 0; v < k * n; v++) d.x[v] = ebm_rng_uniformf(rng);
    return d;
}

TEST(update_is_the_gradient_step_of_the_energy) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 21);
    const double betas[] = {0.05, 0.5, 2.0};
    int checked = 0;
    for (int net = 0; net < 12; net++) {
        size_t n = 3 + ebm_rng_below(&rng, 20), k = 1 + ebm_rng_below(&rng, 15);
        ebm_dataset d = grey_patterns(k, n, &rng);
        void *m = mh_new(betas[net % 3], &d);
        ASSERT(m != NULL);
        float *x = malloc(4 * n * sizeof *x), *u = malloc(4 * n * sizeof *u);
        float *g = malloc(4 * n * sizeof *g);
        for (size_t v = 0; v < 4 * n; v++) x[v] = (float)ebm_rng_normal(&rng);
        ebm_error err = {0};
        ASSERT_OK(update_of()(m, x, 4, u, &err));
        ASSERT_OK(modern->continuous->xStateGrad(m, x, 4, g, &err));
        for (size_t r = 0; r < 4; r++)
            for (size_t i = 0; i < n; i++) {
                float *xr = x + r * n, keep = xr[i];
                const float h = 1e-2f;
                xr[i] = keep + h;
                double up = modern->xEnergy(m, xr);
                xr[i] = keep - h;
                double down = modern->xEnergy(m, xr);
                xr[i] = keep;
                double fd = (up - down) / (2.0 * h);
                double step = keep - fd;
                if (fabs(u[r * n + i] - step) > 2e-3 * (1 + fabs(step)))
                    FAIL_("N=%zu K=%zu beta=%g: update %.6g, x - dE/dx (finite "
                          "differences) %.6g", n, k, betas[net % 3], u[r * n + i], step);
                ASSERT_NEAR(g[r * n + i], fd, 2e-3 * (1 + fabs(fd)));
                checked++;
            }
        free(x);
        free(u);
        free(g);
        modern->xDestroy(m);
        ebm_dataset_free(&d);
    }
    ASSERT(checked > 100);
}

/* The concave–convex step: E never rises along the updates, from any start,
 * and stays within [0, 2M²] (Ramsauer et al., Lemma A1). */
TEST(updates_never_raise_the_energy) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 22);
    for (int net = 0; net < 30; net++) {
        size_t n = 2 + ebm_rng_below(&rng, 30), k = 1 + ebm_rng_below(&rng, 40);
        double beta = exp(-4.0 + 7.0 * ebm_rng_uniform(&rng));
        ebm_dataset d = grey_patterns(k, n, &rng);
        void *m = mh_new(beta, &d);
        ASSERT(m != NULL);
        double m2 = 0.0;
        for (size_t mu = 0; mu < k; mu++) {
            double s = 0.0;
            for (size_t i = 0; i < n; i++) {
                double v = 2.0 * d.x[mu * n + i] - 1.0;
                s += v * v;
            }
            m2 = s > m2 ? s : m2;
        }
        float *x = malloc(n * sizeof *x);
        double trace[21];
        for (int start = 0; start < 3; start++) {
            for (size_t i = 0; i < n; i++) x[i] = (float)(2.0 * ebm_rng_normal(&rng));
            ebm_evolve how = {.mode = EBM_EVOLVE_SYNC, .max_sweeps = 20, .energy_trace = trace};
            ebm_evolve_result res;
            ASSERT_OK(modern->dynamics->xEvolve(m, x, &how, &rng, &res));
            for (int t = 1; t <= 20; t++) {
                if (!(trace[t] <= trace[t - 1] + 1e-9 * (1 + fabs(trace[t - 1]))))
                    FAIL_("beta %g: E rose at update %d: %.12g -> %.12g", beta, t,
                          trace[t - 1], trace[t]);
                ASSERT(trace[t] >= -1e-9 && trace[t] <= 2 * m2 + 1e-9);
            }
        }
        free(x);
        modern->xDestroy(m);
        ebm_dataset_free(&d);
    }
}

/* 20 random ±1 patterns of 256 units (overlaps about ±16 against 256): from
 * half-masked and from 20%-flipped queries, one update lands on the pattern
 * (to float precision) and a second one changes nothing. */
TEST(well_separated_patterns_are_retrieved_in_one_step) {
    const size_t n = 256, k = 20;
    ebm_dataset d = hop_patterns(k, n, 23);
    void *m = mh_new(1.0, &d);
    ASSERT(m != NULL);
    float q[2 * 20 * 256], u[2 * 20 * 256], v[2 * 20 * 256];
    ebm_rng rng;
    ebm_rng_seed(&rng, 24);
    for (size_t mu = 0; mu < k; mu++)
        for (size_t i = 0; i < n; i++) {
            float xi = 2.0f * d.x[mu * n + i] - 1.0f;
            q[mu * n + i] = i < n / 2 ? xi : 0.0f;
            q[(k + mu) * n + i] = ebm_rng_bernoulli(&rng, 0.2) ? -xi : xi;
        }
    ebm_error err = {0};
    ASSERT_OK(update_of()(m, q, 2 * k, u, &err));
    ASSERT_OK(update_of()(m, u, 2 * k, v, &err));
    for (size_t r = 0; r < 2 * k; r++)
        for (size_t i = 0; i < n; i++) {
            float xi = 2.0f * d.x[(r % k) * n + i] - 1.0f;
            ASSERT_NEAR(u[r * n + i], xi, 1e-5);
            ASSERT_NEAR(v[r * n + i], u[r * n + i], 1e-6);
        }
    /* The single-state dynamics agree and call it a fixed point at once. */
    ebm_evolve how = {.mode = EBM_EVOLVE_SYNC, .max_sweeps = 10};
    ebm_evolve_result res;
    ASSERT_OK(modern->dynamics->xEvolve(m, q, &how, NULL, &res));
    ASSERT_EQ(res.outcome, EBM_EVOLVE_FIXED_POINT);
    ASSERT_EQ(res.sweeps, 2);
    for (size_t i = 0; i < n; i++) ASSERT_NEAR(q[i], 2.0f * d.x[i] - 1.0f, 1e-5);
    modern->xDestroy(m);
    ebm_dataset_free(&d);
}

/* β → 0: softmax is uniform, so one update gives the mean of the patterns
 * whatever the query (the global averaging fixed point). */
TEST(small_beta_averages_every_pattern) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 25);
    const size_t n = 30, k = 12;
    ebm_dataset d = grey_patterns(k, n, &rng);
    void *m = mh_new(1e-6, &d);
    ASSERT(m != NULL);
    float x[30], u[30];
    for (size_t i = 0; i < n; i++) x[i] = (float)ebm_rng_normal(&rng);
    ebm_error err = {0};
    ASSERT_OK(update_of()(m, x, 1, u, &err));
    for (size_t i = 0; i < n; i++) {
        double mean = 0.0;
        for (size_t mu = 0; mu < k; mu++) mean += (2.0 * d.x[mu * n + i] - 1.0) / (double)k;
        ASSERT_NEAR(u[i], mean, 1e-4);
    }
    modern->xDestroy(m);
    ebm_dataset_free(&d);
}

/* At β = T = 1, exp(−E(x)) ∝ Σ_μ exp(ξ^μ·x − ½x·x) ∝ Σ_μ e^(½‖ξ^μ‖²) N(x; ξ^μ, I):
 * with ξ = (1, 1) and (−1, 1) an even mixture of mean (0, 1) and covariance
 * diag(2, 1). MALA through the continuous ops must find both moments
 * (z-scores from the effective sample size, below 4.5). */
TEST(mala_samples_the_energy) {
    float rows[4] = {1, 1, 0, 1};
    ebm_dataset d = {.n = 2, .dim = 2, .x = rows};
    void *m = mh_new(1.0, &d);
    ASSERT(m != NULL);
    const size_t chains_n = 8, points = 20000;
    float *x = calloc(chains_n * 2, sizeof *x), *s = malloc(chains_n * points * 2 * sizeof *s);
    ebm_chains chains = {.n = chains_n, .units = 2, .x = x, .collect = s,
                         .max_collect = chains_n * points};
    ebm_error err = {0};
    ASSERT_OK(st_run(&ebm_sampler_mala, "{step: 0.8, burn_in: 1000, sweeps: 20000, "
                     "start: random}", modern, m, &chains, 31, NULL, NULL, &err));
    ASSERT_EQ(chains.n_collected, chains_n * points);
    const double mu[2] = {0, 1}, var[2] = {2, 1};
    double mean[2] = {0, 0}, sq[2] = {0, 0}, cross = 0;
    size_t n = chains_n * points;
    for (size_t r = 0; r < n; r++)
        for (int i = 0; i < 2; i++) mean[i] += s[r * 2 + i] / (double)n;
    for (size_t r = 0; r < n; r++) {
        for (int i = 0; i < 2; i++) sq[i] += pow(s[r * 2 + i] - mean[i], 2) / (double)(n - 1);
        cross += (s[r * 2] - mean[0]) * (s[r * 2 + 1] - mean[1]) / (double)(n - 1);
    }
    for (int i = 0; i < 2; i++) {
        double ess;
        ASSERT_OK(ebm_ess(s, points, chains_n, 2, (size_t)i, &ess, &err));
        ASSERT(ess > 2000);
        double z_mean = fabs(mean[i] - mu[i]) / sqrt(var[i] / ess);
        /* the variance of a sample variance: (μ4 − σ⁴)/n; here μ4 ≤ 3σ⁴ + 1 */
        double z_var = fabs(sq[i] - var[i]) / sqrt((2 * var[i] * var[i] + 1) / ess);
        printf("  coordinate %d: mean %.3f (z %.2f), variance %.3f (z %.2f), ess %.0f\n", i,
               mean[i], z_mean, sq[i], z_var, ess);
        ASSERT(z_mean < 4.5 && z_var < 4.5);
    }
    ASSERT(fabs(cross) < 0.05);
    free(x);
    free(s);
    modern->xDestroy(m);
}

int main(void) {
    RUN(update_is_the_gradient_step_of_the_energy);
    RUN(updates_never_raise_the_energy);
    RUN(well_separated_patterns_are_retrieved_in_one_step);
    RUN(small_beta_averages_every_pattern);
    RUN(mala_samples_the_energy);
    TEST_MAIN_END();
}
