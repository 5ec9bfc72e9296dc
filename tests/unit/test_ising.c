/* test_ising.c — the ising model (SK and periodic grid): energies and flip
 * energies against direct sums, the SK coupling statistics and seeding, its
 * config checks; the 2-D ferromagnet sampled by gibbs against Onsager's
 * magnetisation; the sample estimator and the none dataset. */
#include "test.h"

#include "estimator.h"
#include "log.h"
#include "sampler_testutil.h"

extern const ebm_estimator_ops ebm_estimator_sample;
extern const ebm_dataset_ops ebm_dataset_none;

static float *random_spins(size_t n, ebm_rng *rng) {
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = ebm_rng_bernoulli(rng, 0.5) ? 1.0f : -1.0f;
    return x;
}

/* ΔE of every single flip equals E(flipped) − E(state), and xFlipEnergies
 * gives them all at once. */
static void check_flip_energies(const char *yaml, size_t n) {
    void *m = st_ising(yaml, 21);
    ASSERT(m);
    ASSERT_EQ(ebm_model_ising.xUnits(m), n);
    ebm_rng rng;
    ebm_rng_seed(&rng, 3);
    double *all = malloc(n * sizeof *all);
    for (int trial = 0; trial < 20; trial++) {
        float *x = random_spins(n, &rng);
        double e = ebm_model_ising.xEnergy(m, x);
        ebm_model_flip_energies(&ebm_model_ising, m, x, all);
        for (size_t i = 0; i < n; i++) {
            double delta = ebm_model_flip_energy(&ebm_model_ising, m, x, i);
            ebm_model_flip_unit(&ebm_model_ising, m, x, i);
            double flipped = ebm_model_ising.xEnergy(m, x);
            ebm_model_flip_unit(&ebm_model_ising, m, x, i);
            ASSERT_NEAR(delta, flipped - e, 1e-9);
            ASSERT_NEAR(all[i], delta, 0);
        }
        free(x);
    }
    free(all);
    ebm_model_ising.xDestroy(m);
}

TEST(flip_energies_match_energy_differences) {
    check_flip_energies("{lattice: sk, n: 17, field: 0.4, coupling: 2}", 17);
    check_flip_energies("{lattice: grid, side: 5, field: -0.3, coupling: 0.7}", 25);
    check_flip_energies("{lattice: grid, side: 4, coupling: -1}", 16);
    check_flip_energies("{lattice: grid, side: 2, field: 0.2}", 4);
}

/* Direct sums over bonds: all up has 2N bonds of −J and field −hN; the
 * checkerboard (L even) has every bond at +J. */
TEST(grid_energies) {
    void *m = st_ising("{lattice: grid, side: 6, coupling: 0.5, field: 0.25}", 1);
    ASSERT(m);
    float x[36];
    for (int i = 0; i < 36; i++) x[i] = 1.0f;
    ASSERT_NEAR(ebm_model_ising.xEnergy(m, x), -2 * 36 * 0.5 - 0.25 * 36, 1e-12);
    for (int i = 0; i < 36; i++) x[i] = ((i / 6 + i % 6) % 2) ? 1.0f : -1.0f;
    ASSERT_NEAR(ebm_model_ising.xEnergy(m, x), 2 * 36 * 0.5, 1e-12);
    ebm_tensor t[2];
    ASSERT_EQ(ebm_model_ising.xParams(m, t, 2), 1);
    ASSERT_EQ(t[0].rank, 1);
    ASSERT_NEAR(t[0].data[0], 0.5, 0);
    ASSERT_NEAR(ebm_model_temperature(&ebm_model_ising, m), 1.0, 0);
    ebm_model_ising.xDestroy(m);
}

/* J symmetric with zero diagonal, mean 0 and variance coupling²/N (79 800
 * pairs: the sample variance is within 3% with overwhelming probability);
 * the seed picks the instance. E = −Σ_{i<j} J_ij s_i s_j − h Σ s_i. */
TEST(sk_couplings) {
    size_t n = 400;
    void *m = st_ising("{lattice: sk, n: 400, coupling: 1.5, field: 0.1}", 7);
    void *same = st_ising("{lattice: sk, n: 400, coupling: 1.5, field: 0.1}", 7);
    void *other = st_ising("{lattice: sk, n: 400, coupling: 1.5, field: 0.1}", 8);
    ASSERT(m && same && other);
    ebm_tensor t, t_same, t_other;
    ASSERT_EQ(ebm_model_ising.xParams(m, &t, 1), 1);
    ebm_model_ising.xParams(same, &t_same, 1);
    ebm_model_ising.xParams(other, &t_other, 1);
    ASSERT_EQ(t.rank, 2);
    ASSERT_EQ(t.shape[0], n);
    ASSERT(memcmp(t.data, t_same.data, n * n * sizeof(float)) == 0);
    ASSERT(memcmp(t.data, t_other.data, n * n * sizeof(float)) != 0);
    double sum = 0, sq = 0;
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++) {
        ASSERT(t.data[i * n + i] == 0.0f);
        for (size_t j = i + 1; j < n; j++) {
            ASSERT(t.data[i * n + j] == t.data[j * n + i]);
            sum += t.data[i * n + j];
            sq += (double)t.data[i * n + j] * t.data[i * n + j];
            pairs++;
        }
    }
    double mean = sum / (double)pairs, var = sq / (double)pairs - mean * mean;
    ASSERT_NEAR(mean, 0, 5 * sqrt(1.5 * 1.5 / (double)n / (double)pairs));
    ASSERT_NEAR(var / (1.5 * 1.5 / (double)n), 1.0, 0.03);
    /* Direct sum on a random state. */
    ebm_rng rng;
    ebm_rng_seed(&rng, 9);
    float *x = random_spins(n, &rng);
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        e -= 0.1 * x[i];
        for (size_t j = i + 1; j < n; j++) e -= (double)t.data[i * n + j] * x[i] * x[j];
    }
    ASSERT_NEAR(ebm_model_ising.xEnergy(m, x), e, 1e-9);
    free(x);
    ebm_model_ising.xDestroy(m);
    ebm_model_ising.xDestroy(same);
    ebm_model_ising.xDestroy(other);
}

static int check_experiment(const char *model_yaml, ebm_diags *diags) {
    char text[256];
    snprintf(text, sizeof text, "{model: %s}", model_yaml);
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_string(text, strlen(text), "exp.yaml", &err);
    if (!root) return -1;
    ebm_model_ising.xCheck(root, diags);
    ebm_node_free(root);
    return diags->n;
}

/* Each lattice needs its size key and refuses the other's. */
TEST(config_checks) {
    ebm_diags d = {0};
    ASSERT_EQ(check_experiment("{type: ising, lattice: sk, n: 5}", &d), 0);
    ASSERT_EQ(check_experiment("{type: ising, lattice: grid, side: 5}", &d), 0);
    ASSERT_EQ(check_experiment("{type: ising, lattice: grid}", &d), 1);
    ASSERT_STR_CONTAINS(d.items[0], "model.side");
    ASSERT_EQ(check_experiment("{type: ising, n: 4, side: 3}", &d), 2);
    ASSERT_STR_CONTAINS(d.items[1], "model.side: applies to lattice grid");
    ebm_diags_free(&d);
    ASSERT(st_ising("{lattice: grid}", 1) == NULL);
}

/* Mean |m| = |Σ s_i|/N over `samples` states collected by gibbs. */
static double mean_abs_magnetisation(void *m, size_t units, const char *sampler_yaml,
                                     int ordered_start) {
    size_t n_chains = 20, samples = 20 * 100;
    float *x = malloc(n_chains * units * sizeof *x);
    float *collect = malloc(samples * units * sizeof *collect);
    ebm_rng rng;
    ebm_rng_seed(&rng, 5);
    for (size_t k = 0; k < n_chains * units; k++)
        x[k] = ordered_start || ebm_rng_bernoulli(&rng, 0.5) ? 1.0f : -1.0f;
    ebm_chains chains = {.n = n_chains, .units = units, .x = x, .collect = collect,
                         .max_collect = samples};
    ebm_error err = {0};
    double total = NAN;
    if (st_run(&ebm_sampler_gibbs, sampler_yaml, &ebm_model_ising, m, &chains, 8, NULL,
               NULL, &err) == 0 && chains.n_collected == samples) {
        total = 0;
        for (size_t s = 0; s < samples; s++) {
            double sum = 0;
            for (size_t i = 0; i < units; i++) sum += collect[s * units + i];
            total += fabs(sum) / (double)units;
        }
        total /= (double)samples;
    }
    free(x);
    free(collect);
    return total;
}

/* L = 16 at T = 1.5 (the model's temperature; the sampler has none): |m|
 * near Onsager–Yang's M = (1 − sinh(2/T)^−4)^{1/8} = 0.9865 (finite-size
 * effects are tiny this far below T_c = 2.269; tolerance 0.02). At T = 5
 * there is no order: |m| is the finite-size fluctuation, ≈ 0.8·sqrt(χT/N)
 * ≈ 0.09 for N = 256 from the high-temperature series; below 0.15. */
TEST(two_dimensional_ferromagnet) {
    void *cold = st_ising("{lattice: grid, side: 16, temperature: 1.5}", 1);
    void *hot = st_ising("{lattice: grid, side: 16, temperature: 5}", 1);
    ASSERT(cold && hot);
    double onsager = pow(1.0 - pow(sinh(2.0 / 1.5), -4.0), 0.125);
    double m_cold = mean_abs_magnetisation(
        cold, 256, "{burn_in: 200, sweeps: 500, thin: 5, start: keep}", 1);
    double m_hot = mean_abs_magnetisation(
        hot, 256, "{burn_in: 200, sweeps: 500, thin: 5, start: random}", 0);
    printf("  T=1.5: |m| %.4f (Onsager %.4f); T=5: |m| %.4f\n", m_cold, onsager, m_hot);
    ASSERT_NEAR(m_cold, onsager, 0.02);
    ASSERT(m_hot < 0.15);
    ASSERT(m_hot > 0.02);
    ebm_model_ising.xDestroy(cold);
    ebm_model_ising.xDestroy(hot);
}

static double last(const ebm_log *log, const char *name) {
    double v = NAN;
    return ebm_log_last(log, name, &v) ? v : NAN;
}

static int evaluate_sample(void *m, const char *yaml, ebm_log *log, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, 4);
    float row = 0;
    ebm_dataset none = {.n = 1, .dim = 1, .x = &row};
    ebm_log_begin(log, 0, "sample", "sample", "train");
    ebm_eval ev = {.ops = &ebm_model_ising, .model = m, .data = &none, .cfg = cfg,
                   .rng = &rng, .log = log};
    int rc = ebm_estimator_sample.xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

/* The estimator's metrics: a cold ferromagnet from random starts lowers its
 * energy per unit from 0 towards −2 and orders; mh reports an acceptance
 * below one; annealing's schedule lands under sample_annealing_*. */
TEST(sample_estimator) {
    void *m = st_ising("{lattice: grid, side: 8, temperature: 1}", 1);
    ASSERT(m);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate_sample(m, "{chains: 6, images: 2, sampler: {type: gibbs, sweeps: 300}}",
                              log, &err));
    double energy = last(log, "sample_energy"), best = last(log, "sample_best_energy");
    ASSERT(energy < -1.5 && energy > -2.0 - 1e-12);
    ASSERT(best <= energy);
    ASSERT(last(log, "sample_magnetisation") > 0.5);
    ASSERT_NEAR(last(log, "sample_acceptance"), 1.0, 0);
    ASSERT_OK(evaluate_sample(m, "{chains: 3, sampler: {type: mh, sweeps: 50}}", log, &err));
    double acceptance = last(log, "sample_acceptance");
    ASSERT(acceptance > 0 && acceptance < 0.5);
    ASSERT_OK(evaluate_sample(m, "{chains: 2, sampler: {type: annealing, t_min: 0.5}}",
                              log, &err));
    ASSERT_NEAR(last(log, "sample_annealing_temperature"), 0.5, 0);
    ASSERT(last(log, "sample_annealing_energy") < -1.0);
    ASSERT(last(log, "sample_best_energy") <= last(log, "sample_annealing_energy") + 1e-12);
    ebm_log_free(log);
    ebm_model_ising.xDestroy(m);
}

TEST(none_dataset) {
    ebm_dataset d = {0};
    ebm_error err = {0};
    ASSERT_OK(ebm_dataset_none.xLoad(NULL, NULL, &d, &err));
    ASSERT_EQ(d.n, 1);
    ASSERT_EQ(d.dim, 1);
    ASSERT(d.x && d.x[0] == 0.0f);
    ebm_dataset_free(&d);
}

int main(void) {
    RUN(flip_energies_match_energy_differences);
    RUN(grid_energies);
    RUN(sk_couplings);
    RUN(config_checks);
    RUN(two_dimensional_ferromagnet);
    RUN(sample_estimator);
    RUN(none_dataset);
    TEST_MAIN_END();
}
