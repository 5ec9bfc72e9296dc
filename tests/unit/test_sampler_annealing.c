/* test_sampler_annealing.c — the annealing sampler: it finds the exact
 * (brute-force) ground state of small SK spin glasses in most seeded trials,
 * ends every chain in the lowest-energy state it visited, keeps clamped
 * units and logs its schedule. */
#include "test.h"

#include "log.h"
#include "sampler_testutil.h"

#define TRIALS 50
#define SPINS 12

static double brute_force_minimum(void *m, size_t n) {
    float x[32];
    double best = INFINITY;
    for (size_t k = 0; k < ((size_t)1 << n); k++) {
        for (size_t j = 0; j < n; j++) x[j] = (k >> j) & 1 ? 1.0f : -1.0f;
        double e = ebm_model_ising.xEnergy(m, x);
        if (e < best) best = e;
    }
    return best;
}

/* One chain with the default schedule (geometric 10 → 0.01, α = 0.95, 10
 * sweeps per level) per instance. Measured: 50 of 50 instances. */
TEST(finds_sk_ground_states) {
    int found = 0;
    for (uint64_t seed = 1; seed <= TRIALS; seed++) {
        void *m = st_ising("{lattice: sk, n: 12}", seed);
        ASSERT(m);
        double exact = brute_force_minimum(m, SPINS);
        float x[SPINS] = {0};
        ebm_chains chains = {.n = 1, .units = SPINS, .x = x};
        ebm_sampler_stats stats = {0};
        ebm_error err = {0};
        ASSERT_OK(st_run(&ebm_sampler_annealing, "{}", &ebm_model_ising, m, &chains,
                         seed, NULL, &stats, &err));
        double e = ebm_model_ising.xEnergy(m, x);
        ASSERT(e >= exact - 1e-9);
        ASSERT_NEAR(stats.best_energy, e, 1e-9);
        found += e <= exact + 1e-6;
        ebm_model_ising.xDestroy(m);
    }
    printf("  ground state found in %d of %d instances\n", found, TRIALS);
    ASSERT(found >= TRIALS * 9 / 10);
}

/* A one-level schedule far too hot to settle: the chain still ends in the
 * best state it passed through, below the energy it was at when it
 * stopped, and best_energy is the mean over chains. */
TEST(keeps_the_best_state_visited) {
    void *m = st_ising("{lattice: sk, n: 30}", 3);
    ASSERT(m);
    float x[4 * 30] = {0};
    ebm_chains chains = {.n = 4, .units = 30, .x = x};
    ebm_sampler_stats stats = {0};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    ebm_log_begin(log, 0, "a", "sample", "train");
    ASSERT_OK(st_run(&ebm_sampler_annealing,
                     "{schedule: linear, levels: 1, t_max: 3, t_min: 3, sweeps_per_level: 50}",
                     &ebm_model_ising, m, &chains, 5, log, &stats, &err));
    double mean = 0, last_energy = NAN, last_t = NAN;
    for (int c = 0; c < 4; c++) mean += ebm_model_ising.xEnergy(m, x + c * 30) / 4;
    ASSERT_NEAR(stats.best_energy, mean, 1e-9);
    ASSERT(ebm_log_last(log, "a_energy", &last_energy));
    ASSERT(ebm_log_last(log, "a_temperature", &last_t));
    ASSERT_NEAR(last_t, 3.0, 0);
    /* Mean energy per unit where the chains stopped, against their best. */
    printf("  stopped at %.4f per unit, best %.4f\n", last_energy, mean / 30);
    ASSERT(mean / 30 < last_energy);
    ASSERT_EQ(stats.proposed, 4 * 30 * 50);
    ebm_log_free(log);
    ebm_model_ising.xDestroy(m);
}

/* The schedule ends at t_min; a geometric one from 8 with α = 0.5 to 1 is
 * 8, 4, 2, 1; clamped units keep their values with start: keep. */
TEST(schedule_and_clamps) {
    void *m = st_ising("{lattice: sk, n: 8, field: 0.5}", 4);
    ASSERT(m);
    static const unsigned char clamped[8] = {0, 1, 0, 0, 0, 0, 1, 0};
    float x[2 * 8];
    for (int k = 0; k < 16; k++) x[k] = (k % 3) ? 1.0f : -1.0f;
    float before[16];
    memcpy(before, x, sizeof x);
    ebm_chains chains = {.n = 2, .units = 8, .x = x, .clamped = clamped};
    ebm_sampler_stats stats = {0};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    ebm_log_begin(log, 0, "s", "sample", "train");
    ASSERT_OK(st_run(&ebm_sampler_annealing,
                     "{t_max: 8, t_min: 1, alpha: 0.5, sweeps_per_level: 3, start: keep}",
                     &ebm_model_ising, m, &chains, 6, log, &stats, &err));
    ASSERT_EQ(stats.proposed, 2 * 6 * 3 * 4);   /* 6 free units, 4 levels */
    double last_t = NAN;
    ASSERT(ebm_log_last(log, "s_temperature", &last_t));
    ASSERT_NEAR(last_t, 1.0, 0);
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 8; i++)
            if (clamped[i]) ASSERT(x[c * 8 + i] == before[c * 8 + i]);
    /* t_min above t_max is refused. */
    ASSERT(st_run(&ebm_sampler_annealing, "{t_max: 1, t_min: 2}", &ebm_model_ising, m,
                  &chains, 6, NULL, NULL, &err) == EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "t_min");
    ebm_log_free(log);
    ebm_model_ising.xDestroy(m);
}

int main(void) {
    RUN(finds_sk_ground_states);
    RUN(keeps_the_best_state_visited);
    RUN(schedule_and_clamps);
    TEST_MAIN_END();
}
