/* test_samplers.c — gibbs and mh against exact Boltzmann distributions by
 * enumeration: an SK instance with a field, a model with clamped units and a
 * {0,1} model, with the deliberately wrong samplers the same check rejects.
 *
 * Two checks, each a histogram of N_SAMPLES = 100 000 collected states over
 * the 2^m states of the m ≤ 9 free units, whose total-variation distance to
 * the exact distribution must stay below BOUND_FACTOR = 4 times its expected
 * value for independent draws, Σ_k sqrt(2 p_k (1 − p_k)/(π n)) / 2 (about
 * 0.003–0.03 here):
 *  - stationarity, at T = 0.5, 1 and 2: 10 000 chains start from exact draws
 *    of p and take 10 samples each, THIN_STATIONARY = 3 sweeps apart. A
 *    correct kernel keeps p exactly whether or not it mixes (at T = 0.5 the
 *    SK instance's spin-reversed valleys hardly exchange chains), so only a
 *    wrong update rule drifts away.
 *  - convergence, at T = 1 and 2: 100 chains from uniform random states, 100
 *    sweeps of burn-in, 1000 samples each THIN = 5 sweeps apart; this is
 *    what catches a kernel that cannot reach every state.
 * The TV of a histogram concentrates tightly around its mean (McDiarmid:
 * each sample moves it by at most 1/n, so P(TV > E + t) ≤ exp(−2 n t²),
 * below 1e-10 for t = 3 × the expectation here), and the residual correlation
 * of samples inflates it by well under a factor 2 (measured 0.7–1.8 ×). The
 * wrong samplers (σ(+ΔE/T), or ΔE doubled) land 7 to 16 times above the
 * bound, and an mh that always flips exactly 2 units (it never changes the
 * parity of the state, so half the states are unreachable) failed the
 * convergence check at 5 to 16 × the expected TV before the kernel was
 * fixed to flip 1 to k units. */
#include "test.h"

#include "hopfield_testutil.h"
#include "sampler_testutil.h"

#define N_SAMPLES 100000
#define THIN 5
#define THIN_STATIONARY 3
#define BOUND_FACTOR 4.0

/* A model to sample and what is clamped in it. */
typedef struct target {
    const char *name;
    const ebm_model_ops *ops;
    void *model;
    const unsigned char *clamped;   /* NULL: none */
    const float *base;              /* clamped values (others overwritten) */
} target;

/* Draws chain starts from the exact distribution p of the free units. */
static void exact_starts(float *x, size_t n_chains, size_t units, const double *p,
                         size_t K, const size_t *free_units, size_t n_free,
                         const float *low, const float *high) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 77);
    for (size_t c = 0; c < n_chains; c++) {
        double u = ebm_rng_uniform(&rng), below = 0;
        size_t k = 0;
        while (k + 1 < K && u >= below + p[k]) below += p[k++];
        for (size_t j = 0; j < n_free; j++)
            x[c * units + free_units[j]] = (k >> j) & 1 ? high[free_units[j]]
                                                      : low[free_units[j]];
    }
}

/* Samples `target` with sampler + settings at temperature t (from exact
 * draws when stationary, else from random states), compared with the exact
 * distribution of the free units of `truth` (normally the same model; the
 * wrong-sampler tests pass the right one here). Returns TV, fills *bound. */
static double sampled_tv(const ebm_sampler_ops *sampler, const char *settings,
                         double t, const target *tg, const target *truth,
                         int stationary, double *bound) {
    size_t units = tg->ops->xUnits(tg->model), n_free = 0;
    size_t free_units[16];
    for (size_t i = 0; i < units; i++)
        if (!tg->clamped || !tg->clamped[i]) free_units[n_free++] = i;
    size_t n_chains = stationary ? 10000 : 100, per_chain = N_SAMPLES / n_chains;
    int thin = stationary ? THIN_STATIONARY : THIN;
    size_t K = (size_t)1 << n_free, n = N_SAMPLES;
    float *x = malloc(n_chains * units * sizeof *x);
    float *collect = malloc(n * units * sizeof *collect);
    float *low = malloc(units * sizeof *low), *high = malloc(units * sizeof *high);
    double *p = malloc(K * sizeof *p), *q = calloc(K, sizeof *q);
    for (size_t c = 0; c < n_chains; c++)
        memcpy(x + c * units, tg->base, units * sizeof *x);
    ebm_model_unit_values(tg->ops, tg->model, low, high);
    st_exact(truth->ops, truth->model, t, tg->base, free_units, n_free, p);
    if (stationary) exact_starts(x, n_chains, units, p, K, free_units, n_free, low, high);
    ebm_chains chains = {.n = n_chains, .units = units, .x = x, .clamped = tg->clamped,
                         .collect = collect, .max_collect = n};
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "{temperature: %.17g, sweeps: %zu, burn_in: %d, thin: %d, start: %s, %s}",
             t, per_chain * (size_t)thin, stationary ? 0 : 100, thin,
             stationary ? "keep" : "random", settings);
    ebm_error err = {0};
    int rc = st_run(sampler, yaml, tg->ops, tg->model, &chains, 42, NULL, NULL, &err);
    double tv = NAN;
    if (rc == 0 && chains.n_collected == n) {
        for (size_t s = 0; s < n; s++)
            q[st_index(collect + s * units, free_units, n_free, high)] += 1.0 / (double)n;
        tv = st_tv(q, p, K);
        *bound = BOUND_FACTOR * st_expected_tv(p, K, n);
    } else {
        fprintf(stderr, "sampler failed: rc %d, %zu collected: %s\n", rc,
                chains.n_collected, err.msg);
    }
    free(x);
    free(collect);
    free(low);
    free(high);
    free(p);
    free(q);
    return tv;
}

/* The samplers and settings under test. */
typedef struct variant {
    const char *name;
    const ebm_sampler_ops *sampler;
    const char *settings;
} variant;

static const variant variants[] = {
    {"gibbs random scan", &ebm_sampler_gibbs, "scan: random"},
    {"gibbs fixed scan", &ebm_sampler_gibbs, "scan: fixed"},
    {"mh 1 flip, random scan", &ebm_sampler_mh, "scan: random, flips: 1"},
    {"mh 1 flip, fixed scan", &ebm_sampler_mh, "scan: fixed, flips: 1"},
    {"mh 2 flips", &ebm_sampler_mh, "flips: 2"},
};

static const double temperatures[] = {1.0, 0.5, 2.0};

/* Every variant on one target: stationarity at every temperature,
 * convergence from random starts at T = 1 and 2. */
static int check_target(const target *tg) {
    int failures = 0;
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++)
        for (int stationary = 1; stationary >= 0; stationary--)
            for (size_t k = 0; k < sizeof temperatures / sizeof *temperatures; k++) {
                double bound = 0, t = temperatures[k];
                if (!stationary && t < 1) continue;
                double tv = sampled_tv(variants[v].sampler, variants[v].settings, t,
                                       tg, tg, stationary, &bound);
                int ok = tv < bound;
                printf("  %-7s %-23s %-10s T=%-4g TV %.5f  bound %.5f  (%.2f x "
                       "expected)%s\n", tg->name, variants[v].name,
                       stationary ? "stationary" : "from random", t, tv, bound,
                       tv / bound * BOUND_FACTOR, ok ? "" : "  <-- FAIL");
                failures += !ok;
            }
    return failures;
}

static float *random_spins(size_t n, uint64_t seed) {
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = ebm_rng_bernoulli(&rng, 0.5) ? 1.0f : -1.0f;
    return x;
}

TEST(sk_instance_with_field) {
    void *m = st_ising("{lattice: sk, n: 9, field: 0.3}", 11);
    ASSERT(m);
    float *base = random_spins(9, 1);
    target tg = {"sk9", &ebm_model_ising, m, NULL, base};
    ASSERT_EQ(check_target(&tg), 0);
    free(base);
    ebm_model_ising.xDestroy(m);
}

/* Three of ten units clamped: the free seven follow the exact conditional
 * distribution given the clamped values, and the clamped ones never move. */
TEST(clamped_units_follow_the_conditional) {
    void *m = st_ising("{lattice: sk, n: 10, field: -0.2}", 12);
    ASSERT(m);
    static const unsigned char clamped[10] = {1, 0, 0, 0, 1, 0, 0, 1, 0, 0};
    float *base = random_spins(10, 2);
    target tg = {"sk10|3", &ebm_model_ising, m, clamped, base};
    ASSERT_EQ(check_target(&tg), 0);
    /* Clamped units are untouched in every collected state. */
    float x[10], collect[200 * 10];
    memcpy(x, base, sizeof x);
    for (int i = 0; i < 10; i++) x[i] = clamped[i] ? base[i] : 0.0f;
    ebm_chains chains = {.n = 1, .units = 10, .x = x, .clamped = clamped,
                         .collect = collect, .max_collect = 200};
    ebm_error err = {0};
    ASSERT_OK(st_run(&ebm_sampler_mh, "{sweeps: 200, start: random, flips: 3}",
                     &ebm_model_ising, m, &chains, 3, NULL, NULL, &err));
    ASSERT_EQ(chains.n_collected, 200);
    for (size_t s = 0; s < 200; s++)
        for (int i = 0; i < 10; i++)
            if (clamped[i]) ASSERT(collect[s * 10 + i] == base[i]);
            else ASSERT(collect[s * 10 + i] == 1.0f || collect[s * 10 + i] == -1.0f);
    free(base);
    ebm_model_ising.xDestroy(m);
}

TEST(zero_one_units) {
    st_bm01 bm;
    st_bm01_random(&bm, 8, 1.0, 5);
    float base[8] = {0};
    target tg = {"bm01", &st_bm01_ops, &bm, NULL, base};
    ASSERT_EQ(check_target(&tg), 0);
}

/* The samplers reach the Hopfield network only through its ops: a random
 * 8-unit network with biases samples exactly as well. */
TEST(hopfield_network) {
    void *m = hop_new("{rule: hebbian}", 8);
    ASSERT(m);
    ebm_rng rng;
    ebm_rng_seed(&rng, 17);
    hop_randomise(m, 8, 0.5, &rng);
    /* Scaled to SK size (std 1/sqrt(N)): unit-variance weights make the
     * network so glassy at T = 1 that 100 chains cannot equilibrate. */
    float *w = hop_w(m);
    for (int k = 0; k < 64; k++) w[k] *= 0.35f;
    float *base = random_spins(8, 3);
    target tg = {"hopfield", &ebm_model_hopfield, m, NULL, base};
    ASSERT_EQ(check_target(&tg), 0);
    free(base);
    ebm_model_hopfield.xDestroy(m);
}

/* The same check rejects a sampler that uses σ(+ΔE/T) (it samples
 * exp(+E/T)) and one with the notes' stray factor 2 (it samples at T/2). */
TEST(wrong_samplers_fail_the_check) {
    void *m = st_ising("{lattice: sk, n: 9, field: 0.3}", 11);
    ASSERT(m);
    float *base = random_spins(9, 1);
    target right = {"sk9", &ebm_model_ising, m, NULL, base};
    static const double factors[] = {-1.0, 2.0};
    for (int f = 0; f < 2; f++) {
        st_wrong wrong = {&ebm_model_ising, m, factors[f]};
        target tg = {"wrong", &st_wrong_ops, &wrong, NULL, base};
        for (int s = 0; s < 2; s++) {   /* gibbs from random starts, mh stationary */
            const variant *v = &variants[s == 0 ? 0 : 2];
            double bound = 0;
            double tv = sampled_tv(v->sampler, v->settings, 1.0, &tg, &right, s, &bound);
            printf("  wrong x%-3g %-24s TV %.4f  bound %.5f\n", factors[f], v->name,
                   tv, bound);
            ASSERT(tv > 2 * bound);
        }
    }
    free(base);
    ebm_model_ising.xDestroy(m);
}

/* Without a temperature in the sampler's config the model's xTemperature
 * applies: sampling an ising model with temperature 0.5 matches T = 0.5. */
TEST(model_temperature_is_the_default) {
    void *m = st_ising("{lattice: sk, n: 8, coupling: 1.5, temperature: 0.5}", 13);
    ASSERT(m);
    size_t units = 8, n = 100 * 1000;
    size_t free_units[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    float *x = malloc(100 * units * sizeof *x), *collect = malloc(n * units * sizeof *collect);
    for (size_t k = 0; k < 100 * units; k++) x[k] = 1.0f;
    ebm_chains chains = {.n = 100, .units = units, .x = x, .collect = collect,
                         .max_collect = n};
    ebm_error err = {0};
    ASSERT_OK(st_run(&ebm_sampler_gibbs, "{sweeps: 5000, burn_in: 50, thin: 5, start: random}",
                     &ebm_model_ising, m, &chains, 4, NULL, NULL, &err));
    double p[256], q[256] = {0}, p_unit[256];
    float high[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    for (size_t s = 0; s < n; s++)
        q[st_index(collect + s * units, free_units, 8, high)] += 1.0 / (double)n;
    st_exact(&ebm_model_ising, m, 0.5, x, free_units, 8, p);
    st_exact(&ebm_model_ising, m, 1.0, x, free_units, 8, p_unit);
    double bound = BOUND_FACTOR * st_expected_tv(p, 256, n);
    printf("  model T=0.5: TV %.4f (bound %.4f); against T=1: %.4f\n",
           st_tv(q, p, 256), bound, st_tv(q, p_unit, 256));
    ASSERT(st_tv(q, p, 256) < bound);
    ASSERT(st_tv(q, p_unit, 256) > 5 * bound);
    free(x);
    free(collect);
    ebm_model_ising.xDestroy(m);
}

/* Chain c depends only on stream c: the first two of four chains end where
 * two chains alone end, and collection is chain-major within a sweep. */
TEST(chains_are_independent_of_how_many_run) {
    void *m = st_ising("{lattice: sk, n: 12, field: 0.1}", 14);
    ASSERT(m);
    for (int s = 0; s < 2; s++) {
        const ebm_sampler_ops *sampler = s ? &ebm_sampler_mh : &ebm_sampler_gibbs;
        float four[4 * 12], two[2 * 12], col4[4 * 3 * 12], col2[2 * 3 * 12];
        for (int k = 0; k < 4 * 12; k++) four[k] = 1.0f;
        for (int k = 0; k < 2 * 12; k++) two[k] = 1.0f;
        ebm_chains a = {.n = 4, .units = 12, .x = four, .collect = col4, .max_collect = 12};
        ebm_chains b = {.n = 2, .units = 12, .x = two, .collect = col2, .max_collect = 6};
        ebm_error err = {0};
        const char *cfg = "{sweeps: 6, thin: 2, burn_in: 3, start: random}";
        ASSERT_OK(st_run(sampler, cfg, &ebm_model_ising, m, &a, 9, NULL, NULL, &err));
        ASSERT_OK(st_run(sampler, cfg, &ebm_model_ising, m, &b, 9, NULL, NULL, &err));
        ASSERT_EQ(a.n_collected, 12);   /* 3 collection points × 4 chains */
        ASSERT_EQ(b.n_collected, 6);
        ASSERT(memcmp(four, two, sizeof two) == 0);
        for (int k = 0; k < 3; k++)   /* point k, chains 0 and 1 */
            ASSERT(memcmp(col4 + (size_t)k * 4 * 12, col2 + (size_t)k * 2 * 12,
                          2 * 12 * sizeof(float)) == 0);
        /* The last point is the final state. */
        ASSERT(memcmp(col4 + (size_t)(2 * 4 + 3) * 12, four + 3 * 12, 12 * sizeof(float)) == 0);
    }
    ebm_model_ising.xDestroy(m);
}

/* Kept local fields (xPairwise) change the cost of an update, not the
 * chain: the gibbs sampler and the shared Gibbs kernel give the same states
 * bit for bit as through xFlipEnergy alone, on an SK instance with a field
 * and three units clamped, at a temperature where about half the updates
 * flip. */
TEST(local_fields_give_the_same_chains) {
    void *m = st_ising("{lattice: sk, n: 60, field: 0.2, temperature: 0.8}", 15);
    ASSERT(m);
    ebm_model_binary plain_binary = *ebm_model_ising.binary;
    plain_binary.xPairwise = NULL;
    ebm_model_ops plain = ebm_model_ising;
    plain.binary = &plain_binary;
    unsigned char clamped[60] = {0};
    clamped[3] = clamped[17] = clamped[59] = 1;
    float *start = random_spins(3 * 60, 5);
    float fast[3 * 60], slow[3 * 60];
    ebm_error err = {0};
    const char *cfg = "{sweeps: 40, burn_in: 5}";
    memcpy(fast, start, sizeof fast);
    memcpy(slow, start, sizeof slow);
    ebm_chains a = {.n = 3, .units = 60, .x = fast, .clamped = clamped};
    ebm_chains b = {.n = 3, .units = 60, .x = slow, .clamped = clamped};
    ASSERT_OK(st_run(&ebm_sampler_gibbs, cfg, &ebm_model_ising, m, &a, 4, NULL, NULL, &err));
    ASSERT_OK(st_run(&ebm_sampler_gibbs, cfg, &plain, m, &b, 4, NULL, NULL, &err));
    ASSERT(memcmp(fast, slow, sizeof fast) == 0);
    ASSERT(memcmp(fast, start, sizeof fast) != 0);
    ebm_rng rng;
    ebm_rng_seed(&rng, 6);
    ASSERT_OK(ebm_gibbs_steps(&ebm_model_ising, m, &a, 30, 1.0, &rng, NULL, &err));
    ASSERT_OK(ebm_gibbs_steps(&plain, m, &b, 30, 1.0, &rng, NULL, &err));
    ASSERT(memcmp(fast, slow, sizeof fast) == 0);
    for (int c = 0; c < 3; c++)
        ASSERT(fast[c * 60 + 17] == start[c * 60 + 17]);
    free(start);
    ebm_model_ising.xDestroy(m);
}

/* Collection stops when the buffer is full; steps overrides sweeps. */
TEST(collection_fills_up_and_steps_override) {
    void *m = st_ising("{lattice: sk, n: 5}", 15);
    ASSERT(m);
    float x[3 * 5], col[7 * 5];
    for (int k = 0; k < 15; k++) x[k] = -1.0f;
    ebm_chains chains = {.n = 3, .units = 5, .x = x, .collect = col, .max_collect = 7};
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string("{sweeps: 100}", 13, "s.yaml", &err);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_sample_ctx ctx = {.ops = &ebm_model_ising, .model = m, .cfg = cfg, .rng = &rng};
    ebm_sampler_stats stats = {0};
    ASSERT_OK(ebm_sampler_gibbs.xRun(&ctx, &chains, 2, &stats, &err));
    ASSERT_EQ(chains.n_collected, 6);            /* steps = 2: 2 points × 3 chains */
    ASSERT_EQ(stats.proposed, 3 * 2 * 5);
    ASSERT_OK(ebm_sampler_gibbs.xRun(&ctx, &chains, 2, &stats, &err));
    ASSERT_EQ(chains.n_collected, 7);            /* appended until full */
    ebm_node_free(cfg);
    ebm_model_ising.xDestroy(m);
}

/* MH counts its proposals; with no couplings and no field every move is
 * free (ΔE = 0) and accepted, and a proposal changes 1 to k units uniformly. */
TEST(mh_counts_and_flat_energy_accepts_all) {
    void *m = st_ising("{lattice: sk, n: 6, coupling: 0}", 16);
    ASSERT(m);
    float x[2 * 6] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    ebm_chains chains = {.n = 2, .units = 6, .x = x};
    ebm_sampler_stats stats = {0};
    ebm_error err = {0};
    ASSERT_OK(st_run(&ebm_sampler_mh, "{sweeps: 10, flips: 3}", &ebm_model_ising, m,
                     &chains, 1, NULL, &stats, &err));
    ASSERT_EQ(stats.proposed, 2 * 10 * 2);   /* ceil(6/3) proposals per sweep */
    ASSERT_EQ(stats.accepted, stats.proposed);
    /* One proposal of up to 6 flips per sweep on 6 units: from all +1, the
     * number of units changed is uniform on 1..6 (all accepted). Over 3000
     * seeds each count is 500 ± 20 (one σ); allow ± 100. */
    int counts[7] = {0};
    for (uint64_t seed = 0; seed < 3000; seed++) {
        float y[6] = {1, 1, 1, 1, 1, 1};
        ebm_chains one = {.n = 1, .units = 6, .x = y};
        ASSERT_OK(st_run(&ebm_sampler_mh, "{sweeps: 1, flips: 6}", &ebm_model_ising, m,
                         &one, seed, NULL, NULL, &err));
        int changed = 0;
        for (int i = 0; i < 6; i++) changed += y[i] < 0;
        counts[changed]++;
    }
    ASSERT_EQ(counts[0], 0);
    for (int k = 1; k <= 6; k++) ASSERT_NEAR(counts[k], 500, 100);
    float y[6] = {1, 1, 1, 1, 1, 1};
    ebm_chains one = {.n = 1, .units = 6, .x = y};
    /* More flips than free units is refused. */
    ASSERT(st_run(&ebm_sampler_mh, "{flips: 7}", &ebm_model_ising, m, &one, 2, NULL,
                  NULL, &err) == EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "flips");
    ebm_model_ising.xDestroy(m);
}

/* A model without single-unit flips is refused with the reason. */
TEST(samplers_refuse_models_without_flips) {
    ebm_model_ops bare = {.info = {.name = "bare"}};
    char why[256] = "";
    ASSERT(!ebm_sampler_gibbs.xSupports(&bare, why, sizeof why));
    ASSERT_STR_CONTAINS(why, "xFlipEnergy");
    ASSERT(!ebm_sampler_mh.xSupports(&bare, why, sizeof why));
    ASSERT(!ebm_sampler_annealing.xSupports(&bare, why, sizeof why));
    ASSERT(ebm_sampler_gibbs.xSupports(&ebm_model_ising, why, sizeof why));
    ASSERT(ebm_sampler_mh.xSupports(&st_bm01_ops, why, sizeof why));
}

int main(void) {
    RUN(sk_instance_with_field);
    RUN(clamped_units_follow_the_conditional);
    RUN(zero_one_units);
    RUN(hopfield_network);
    RUN(wrong_samplers_fail_the_check);
    RUN(model_temperature_is_the_default);
    RUN(chains_are_independent_of_how_many_run);
    RUN(local_fields_give_the_same_chains);
    RUN(collection_fills_up_and_steps_override);
    RUN(mh_counts_and_flat_energy_accepts_all);
    RUN(samplers_refuse_models_without_flips);
    TEST_MAIN_END();
}
