/* test_dense_memory.c — the dense associative memory against independent
 * computations: a naive long-double energy, enumeration of tiny networks
 * (local minima, Gibbs), the classic Hebbian network (n = 2), and the
 * exponential at N = 1000 with K = 10,000 patterns. */
#include "test.h"

#include <float.h>
#include <stdint.h>

#include "hopfield_testutil.h"
#include "plugins.h"
#include "sampler.h"

static const ebm_model_ops *const dense = &ebm_model_dense_memory;

/* A dense memory storing the rows of d, from a model section in YAML. */
static void *dm_new(const char *model_yaml, const ebm_dataset *d) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(model_yaml, strlen(model_yaml), "model.yaml", &err);
    if (!cfg) return NULL;
    void *m = NULL;
    if (dense->xCreate(cfg, d, NULL, &m, &err) || dense->xFit(m, d, NULL, NULL, &err)) {
        fprintf(stderr, "dm_new: %s\n", err.msg);
        if (m) dense->xDestroy(m);
        m = NULL;
    }
    ebm_node_free(cfg);
    return m;
}

typedef struct naive {
    const ebm_dataset *d;
    int exp_f, degree, rectified;
} naive;

/* E(σ) = −Σ_μ F(ξ^μ·σ) in long double, the exponential in units of e^N. */
static long double naive_energy(const naive *z, const float *s) {
    size_t n = z->d->dim;
    long double e = 0;
    for (size_t mu = 0; mu < z->d->n; mu++) {
        long x = 0;
        for (size_t i = 0; i < n; i++)
            x += ((z->d->x[mu * n + i] > 0.5f) == (s[i] > 0)) ? 1 : -1;
        long double f;
        if (z->exp_f) {
            f = expl((long double)(x - (long)n));
        } else {
            f = 1;
            for (int k = 0; k < z->degree; k++) f *= x;
            if (z->rectified && x <= 0) f = 0;
        }
        e -= f;
    }
    return e;
}

typedef struct variant {
    const char *yaml;
    naive shape;
} variant;

static const variant variants[] = {
    {"{function: poly, degree: 2}", {NULL, 0, 2, 0}},
    {"{function: poly, degree: 3}", {NULL, 0, 3, 0}},
    {"{function: poly, degree: 4}", {NULL, 0, 4, 0}},
    {"{function: poly, degree: 5}", {NULL, 0, 5, 0}},
    {"{function: rectified, degree: 3}", {NULL, 0, 3, 1}},
    {"{function: rectified, degree: 4}", {NULL, 0, 4, 1}},
    {"{function: exp}", {NULL, 1, 0, 0}},
};
enum { VARIANTS = sizeof variants / sizeof *variants };

static void random_pm1(float *s, size_t n, ebm_rng *rng) {
    for (size_t i = 0; i < n; i++) s[i] = ebm_rng_bernoulli(rng, 0.5) ? 1.0f : -1.0f;
}

/* Over random networks of every F: the energy agrees with the naive sum,
 * each flip's difference with E(flipped) − E, asynchronous dynamics never
 * raise it, and where they stop no single flip lowers it. */
TEST(energy_never_rises_under_asynchronous_updates) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 18);
    int networks = 0;
    for (int v = 0; v < VARIANTS; v++) {
        for (int net = 0; net < 25; net++) {
            size_t n = 4 + ebm_rng_below(&rng, 37), k = 1 + ebm_rng_below(&rng, 2 * n);
            ebm_dataset d = hop_patterns(k, n, ebm_rng_u64(&rng));
            naive z = variants[v].shape;
            z.d = &d;
            void *m = dm_new(variants[v].yaml, &d);
            ASSERT(m != NULL);
            float *s = malloc(n * sizeof *s), *t = malloc(n * sizeof *t);
            double *delta = malloc(n * sizeof *delta), trace[41];
            for (int start = 0; start < 4; start++) {
                random_pm1(s, n, &rng);
                long double e = naive_energy(&z, s);
                double got = dense->xEnergy(m, s);
                ASSERT(fabsl(got - e) <= 1e-12L * (1 + fabsl(e)));
                dense->binary->xFlipEnergies(m, s, delta);
                for (size_t i = 0; i < n; i++) {
                    memcpy(t, s, n * sizeof *t);
                    t[i] = -t[i];
                    long double want = naive_energy(&z, t) - e;
                    ASSERT(fabsl(delta[i] - want) <= 1e-9L * (1 + fabsl(e)));
                }
                ebm_evolve how = {.mode = start % 2 ? EBM_EVOLVE_FIXED : EBM_EVOLVE_RANDOM,
                                  .max_sweeps = 40, .energy_trace = trace};
                ebm_evolve_result res;
                ebm_rng walk;
                ebm_rng_derive(&walk, &rng, (uint64_t)start);
                ASSERT_OK(dense->dynamics->xEvolve(m, s, &how, &walk, &res));
                for (int sweep = 1; sweep <= 40; sweep++)
                    if (!(trace[sweep] <= trace[sweep - 1] + 1e-12 * fabs(trace[sweep - 1])))
                        FAIL_("%s, N=%zu K=%zu: E rose at sweep %d: %.17g -> %.17g",
                              variants[v].yaml, n, k, sweep, trace[sweep - 1], trace[sweep]);
                ASSERT_EQ(res.outcome, EBM_EVOLVE_FIXED_POINT);
                ASSERT(fabs(trace[40] - dense->xEnergy(m, s)) <= 1e-12 * (1 + fabs(trace[40])));
                dense->binary->xFlipEnergies(m, s, delta);
                for (size_t i = 0; i < n; i++) ASSERT(delta[i] >= 0.0);
            }
            free(s);
            free(t);
            free(delta);
            dense->xDestroy(m);
            ebm_dataset_free(&d);
            networks++;
        }
    }
    ASSERT_EQ(networks, 25 * VARIANTS);
}

/* Tiny networks, every state: a sweep of the dynamics leaves a state alone
 * exactly when enumeration finds no single flip that lowers the energy. */
TEST(fixed_points_of_tiny_networks_are_the_enumerated_local_minima) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 1018);
    for (int v = 0; v < VARIANTS; v++) {
        size_t n = 9, k = 2 + (size_t)v % 3;
        ebm_dataset d = hop_patterns(k, n, 100 + (uint64_t)v);
        naive z = variants[v].shape;
        z.d = &d;
        void *m = dm_new(variants[v].yaml, &d);
        ASSERT(m != NULL);
        float s[9], t[9];
        int minima = 0;
        for (unsigned code = 0; code < 1u << n; code++) {
            for (size_t i = 0; i < n; i++) s[i] = (code >> i) & 1 ? 1.0f : -1.0f;
            long double e = naive_energy(&z, s);
            int minimum = 1;
            for (size_t i = 0; i < n && minimum; i++) {
                memcpy(t, s, sizeof s);
                t[i] = -t[i];
                minimum = naive_energy(&z, t) >= e;
            }
            ebm_evolve how = {.mode = EBM_EVOLVE_FIXED, .max_sweeps = 1};
            ebm_evolve_result res;
            memcpy(t, s, sizeof s);
            ASSERT_OK(dense->dynamics->xEvolve(m, t, &how, NULL, &res));
            ASSERT_EQ(res.flips == 0, minimum);
            minima += minimum;
        }
        /* The stored patterns are among them at these loads. */
        ASSERT(minima >= 1);
        dense->xDestroy(m);
        ebm_dataset_free(&d);
    }
}

/* The exponential at N = 1000 with K = 10,000 patterns: a stored pattern
 * alone is e^1000, so a naive double energy overflows; ours (in units of e^N)
 * gives finite differences equal to the long-double sum term by term, down
 * to states so far from every pattern that they underflow. */
TEST(exponential_differences_are_finite_and_exact_at_n1000_k10000) {
    const size_t n = 1000, k = 10000;
    ebm_dataset d = hop_patterns(k, n, 77);
    void *m = dm_new("{function: exp}", &d);
    ASSERT(m != NULL);
    float *s = malloc(n * sizeof *s);
    double *delta = malloc(n * sizeof *delta);
    long *x = malloc(k * sizeof *x);
    const double flips[] = {0.0, 0.1, 0.3, 0.45};
    ebm_rng rng;
    ebm_rng_seed(&rng, 5);
    size_t checked = 0, representable = 0;
    for (int f = 0; f < 4; f++) {
        for (size_t i = 0; i < n; i++)
            s[i] = (d.x[i] > 0.5f ? 1.0f : -1.0f) * (ebm_rng_bernoulli(&rng, flips[f]) ? -1 : 1);
        double e = dense->xEnergy(m, s);
        ASSERT(isfinite(e) && e <= 0 && e >= -(double)k);
        dense->binary->xFlipEnergies(m, s, delta);
        for (size_t mu = 0; mu < k; mu++) {
            long o = 0;
            for (size_t i = 0; i < n; i++) o += (d.x[mu * n + i] > 0.5f) == (s[i] > 0) ? 1 : -1;
            x[mu] = o;
        }
        for (size_t i = 0; i < n; i++) {
            ASSERT(isfinite(delta[i]));
            if (i % 10) continue;
            long double want = 0;
            for (size_t mu = 0; mu < k; mu++) {
                long step = (d.x[mu * n + i] > 0.5f) == (s[i] > 0) ? -2 : 2;
                want -= expl((long double)(x[mu] + step - (long)n)) -
                        expl((long double)(x[mu] - (long)n));
            }
            long double err = fabsl((long double)delta[i] - want);
            if (fabsl(want) >= DBL_MIN) {
                representable++;
                if (err > 1e-10L * fabsl(want))
                    FAIL_("flip %.2f, unit %zu: dE %.17g, long double %.17Lg", flips[f], i,
                          delta[i], want);
            } else if (err > 2 * DBL_MIN) {
                FAIL_("flip %.2f, unit %zu: dE %.17g should underflow like %.5Lg", flips[f],
                      i, delta[i], want);
            }
            checked++;
        }
    }
    ASSERT_EQ(checked, 400);
    ASSERT(representable >= 300);
    /* From 30% corruption the dynamics recall the pattern exactly. */
    for (size_t i = 0; i < n; i++)
        s[i] = (d.x[i] > 0.5f ? 1.0f : -1.0f) * (ebm_rng_bernoulli(&rng, 0.3) ? -1 : 1);
    ebm_evolve how = {.mode = EBM_EVOLVE_RANDOM, .max_sweeps = 5};
    ebm_evolve_result res;
    ASSERT_OK(dense->dynamics->xEvolve(m, s, &how, &rng, &res));
    for (size_t i = 0; i < n; i++) ASSERT_EQ(s[i], d.x[i] > 0.5f ? 1.0f : -1.0f);
    free(s);
    free(delta);
    free(x);
    dense->xDestroy(m);
    ebm_dataset_free(&d);
}

/* n = 2: E = −Σ(ξ·σ)² = 2N·E_Hebbian − NK, so every flip decision is the
 * classic network's. With N even and K odd no field is ever 0, and the same
 * stream gives the same walk: final states, sweeps and flips bit for bit. */
TEST(degree_two_is_the_classic_network_bit_for_bit) {
    const size_t n = 100;
    const size_t loads[] = {5, 11, 13, 21};
    ebm_rng rng;
    ebm_rng_seed(&rng, 2);
    int walks = 0, moved = 0;
    for (int l = 0; l < 4; l++) {
        size_t k = loads[l];
        ebm_dataset d = hop_patterns(k, n, 300 + (uint64_t)l);
        void *dm = dm_new("{function: poly, degree: 2}", &d);
        void *hop = hop_new("{rule: hebbian}", n);
        ebm_error err = {0};
        ASSERT(dm && hop);
        ASSERT_OK(ebm_model_hopfield.xFit(hop, &d, NULL, NULL, &err));
        float a[100], b[100];
        double ta[31], tb[31], da[100], db[100];
        for (int trial = 0; trial < 30; trial++) {
            size_t p = (size_t)trial % k;
            for (size_t i = 0; i < n; i++)
                a[i] = (d.x[p * n + i] > 0.5f ? 1.0f : -1.0f) *
                       (ebm_rng_bernoulli(&rng, 0.25) ? -1 : 1);
            memcpy(b, a, sizeof a);
            dense->binary->xFlipEnergies(dm, a, da);
            ebm_model_hopfield.binary->xFlipEnergies(hop, b, db);
            for (size_t i = 0; i < n; i++) ASSERT_NEAR(da[i], 2.0 * n * db[i], 1e-5 * fabs(da[i]) + 1e-9);
            ebm_evolve_mode mode = trial % 3 == 0 ? EBM_EVOLVE_RANDOM
                                   : trial % 3 == 1 ? EBM_EVOLVE_FIXED : EBM_EVOLVE_SYNC;
            ebm_evolve how_a = {.mode = mode, .max_sweeps = 30, .energy_trace = ta};
            ebm_evolve how_b = {.mode = mode, .max_sweeps = 30, .energy_trace = tb};
            ebm_rng ra, rb;
            ebm_rng_derive(&ra, &rng, (uint64_t)trial);
            rb = ra;
            ebm_evolve_result res_a, res_b;
            ASSERT_OK(dense->dynamics->xEvolve(dm, a, &how_a, &ra, &res_a));
            ASSERT_OK(ebm_model_hopfield.dynamics->xEvolve(hop, b, &how_b, &rb, &res_b));
            ASSERT(memcmp(a, b, sizeof a) == 0);
            ASSERT_EQ(res_a.sweeps, res_b.sweeps);
            ASSERT_EQ(res_a.flips, res_b.flips);
            ASSERT_EQ(res_a.outcome, res_b.outcome);
            for (int s = 0; s <= 30; s++)
                ASSERT_NEAR(ta[s], 2.0 * n * tb[s] - (double)(n * k), 1e-6 * fabs(ta[s]));
            walks++;
            moved += res_a.flips > 0;
        }
        dense->xDestroy(dm);
        ebm_model_hopfield.xDestroy(hop);
        ebm_dataset_free(&d);
    }
    ASSERT_EQ(walks, 120);
    ASSERT(moved > 100);
}

/* Gibbs (heat bath, single flips) on 6 units: the histogram of 40,000 chains
 * after 100 sweeps against exp(−E/T)/Z by enumeration. */
TEST(gibbs_on_a_tiny_network_matches_enumeration) {
    const char *models[] = {"{function: poly, degree: 3, temperature: 40}",
                            "{function: exp, temperature: 0.3}",
                            "{function: rectified, degree: 3, temperature: 150}"};
    for (int v = 0; v < 3; v++) {
        const size_t n = 6, chains = 40000;
        ebm_dataset d = hop_patterns(3, n, 40 + (uint64_t)v);
        void *m = dm_new(models[v], &d);
        ASSERT(m != NULL);
        double t = ebm_model_temperature(dense, m);
        float *x = malloc(chains * n * sizeof *x);
        ebm_rng rng;
        ebm_rng_seed(&rng, 9 + (uint64_t)v);
        for (size_t c = 0; c < chains; c++) random_pm1(x + c * n, n, &rng);
        ebm_chains ch = {.n = chains, .units = n, .x = x};
        ebm_error err = {0};
        ASSERT_OK(ebm_gibbs_steps(dense, m, &ch, 100, 1.0, &rng, NULL, &err));
        double count[64] = {0}, p[64], top = -INFINITY, z = 0, tv = 0;
        for (size_t c = 0; c < chains; c++) {
            unsigned code = 0;
            for (size_t i = 0; i < n; i++) code |= (unsigned)(x[c * n + i] > 0) << i;
            count[code]++;
        }
        float s[6];
        for (unsigned code = 0; code < 64; code++) {
            for (size_t i = 0; i < n; i++) s[i] = (code >> i) & 1 ? 1.0f : -1.0f;
            p[code] = -dense->xEnergy(m, s) / t;
            top = p[code] > top ? p[code] : top;
        }
        for (unsigned code = 0; code < 64; code++) z += exp(p[code] - top);
        double biggest = 0;
        for (unsigned code = 0; code < 64; code++) {
            double want = exp(p[code] - top) / z;
            biggest = want > biggest ? want : biggest;
            tv += 0.5 * fabs(count[code] / (double)chains - want);
        }
        /* E[TV] <= ½ √(64/40000) = 0.02; a wrong conditional is far off. */
        printf("  %s: TV %.4f, largest probability %.3f\n", models[v], tv, biggest);
        if (!(tv < 0.03)) FAIL_("%s: TV %.4f from enumeration", models[v], tv);
        /* Not a trivial distribution: no state holds nearly all the mass. */
        ASSERT(biggest < 0.5);
        free(x);
        dense->xDestroy(m);
        ebm_dataset_free(&d);
    }
}

int main(void) {
    RUN(energy_never_rises_under_asynchronous_updates);
    RUN(fixed_points_of_tiny_networks_are_the_enumerated_local_minima);
    RUN(exponential_differences_are_finite_and_exact_at_n1000_k10000);
    RUN(degree_two_is_the_classic_network_bit_for_bit);
    RUN(gibbs_on_a_tiny_network_matches_enumeration);
    TEST_MAIN_END();
}
