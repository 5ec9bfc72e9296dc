/* test_hopfield_estimators.c — the retrieval, fixed_points and energy_gap
 * estimators and the random_patterns dataset, through their ops and an
 * in-memory metric log. */
#include "test.h"

#include <signal.h>

#include "estimator.h"
#include "hopfield_testutil.h"
#include "log.h"
#include "registry.h"

extern const ebm_dataset_ops ebm_dataset_random_patterns;
extern const ebm_estimator_ops ebm_estimator_retrieval;
extern const ebm_estimator_ops ebm_estimator_fixed_points;
extern const ebm_estimator_ops ebm_estimator_energy_gap;

/* One estimator run: its config as YAML, a log with prefix = its name. */
static int evaluate(const ebm_estimator_ops *est, const char *yaml, void *model,
                    const ebm_dataset *data, uint64_t seed,
                    const volatile sig_atomic_t *stop, ebm_log *log, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    ebm_log_begin(log, 7, est->info.name, est->info.name, "train");
    ebm_eval ev = {.ops = &ebm_model_hopfield, .model = model, .data = data,
                   .cfg = cfg, .rng = &rng, .log = log, .stop = stop, .step = 7};
    int rc = est->xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

static double last(const ebm_log *log, const char *name) {
    double v = NAN;
    if (!ebm_log_last(log, name, &v)) return NAN;
    return v;
}

static void *hebbian(const ebm_dataset *d) {
    void *m = hop_new("{rule: hebbian}", d->dim);
    ebm_error err = {0};
    if (m && ebm_model_hopfield.xFit(m, d, NULL, NULL, &err)) return NULL;
    return m;
}

TEST(retrieval_from_clean_patterns_is_exact) {
    ebm_dataset d = hop_patterns(10, 200, 51);
    void *m = hebbian(&d);
    ASSERT(m);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_retrieval,
                       "{flip: 0, patterns: 0, max_sweeps: 20, images: 3}", m, &d, 1,
                       NULL, log, &err));
    ASSERT_NEAR(last(log, "retrieval_overlap"), 1.0, 0);
    ASSERT_NEAR(last(log, "retrieval_recalled"), 1.0, 0);
    ASSERT_NEAR(last(log, "retrieval_sweeps"), 1.0, 0);
    ASSERT_NEAR(last(log, "retrieval_converged"), 1.0, 0);
    /* The energy trace is flat at the mean E(ξ)/N. */
    double mean_e = 0.0;
    float y[200];
    for (size_t p = 0; p < d.n; p++) {
        ebm_model_hopfield.xEncode(m, d.x + p * 200, y);
        mean_e += ebm_model_hopfield.xEnergy(m, y) / 200.0 / (double)d.n;
    }
    ASSERT_NEAR(last(log, "retrieval_energy"), mean_e, 1e-9);
    ASSERT_EQ(ebm_log_count(log), 5);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

TEST(retrieval_is_reproducible_and_measures_capacity) {
    ebm_dataset low = hop_patterns(15, 300, 52), high = hop_patterns(75, 300, 53);
    void *a = hebbian(&low), *b = hebbian(&high);
    ASSERT(a && b);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    const char *cfg = "{flip: 0.1, repeats: 2, mode: random, max_sweeps: 50}";
    ASSERT_OK(evaluate(&ebm_estimator_retrieval, cfg, a, &low, 2, NULL, log, &err));
    double overlap_low = last(log, "retrieval_overlap");
    double energy_low = last(log, "retrieval_energy");
    ASSERT(overlap_low > 0.97);
    ASSERT_NEAR(last(log, "retrieval_converged"), 1.0, 0);
    ASSERT(last(log, "retrieval_sweeps") >= 2.0);   /* flips, then a quiet sweep */
    /* Same seed, same numbers (per-trial streams). */
    ASSERT_OK(evaluate(&ebm_estimator_retrieval, cfg, a, &low, 2, NULL, log, &err));
    ASSERT(last(log, "retrieval_overlap") == overlap_low);
    ASSERT(last(log, "retrieval_energy") == energy_low);
    ASSERT_OK(evaluate(&ebm_estimator_retrieval, cfg, b, &high, 2, NULL, log, &err));
    double overlap_high = last(log, "retrieval_overlap");
    printf("  overlap at load 0.05: %.4f, at 0.25: %.4f\n", overlap_low, overlap_high);
    ASSERT(overlap_high < 0.8);
    ASSERT(last(log, "retrieval_recalled") < 0.1);
    /* Synchronous mode is accepted and converges at low load. */
    ASSERT_OK(evaluate(&ebm_estimator_retrieval, "{flip: 0.1, mode: sync}", a, &low, 3,
                       NULL, log, &err));
    ASSERT(last(log, "retrieval_overlap") > 0.97);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(a);
    ebm_model_hopfield.xDestroy(b);
    free(low.x);
    free(high.x);
}

TEST(retrieval_energy_trace_descends) {
    ebm_dataset d = hop_patterns(30, 200, 54);
    void *m = hebbian(&d);
    ASSERT(m);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_retrieval, "{flip: 0.3, max_sweeps: 30}", m, &d,
                       4, NULL, log, &err));
    /* The final energy is below the corrupted starts' (which sit near 0). */
    double e_final = last(log, "retrieval_energy");
    ASSERT(e_final < -0.2);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

TEST(estimators_stop_when_asked) {
    ebm_dataset d = hop_patterns(5, 50, 55);
    void *m = hebbian(&d);
    ASSERT(m);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    volatile sig_atomic_t stop = 1;
    ASSERT_EQ(evaluate(&ebm_estimator_retrieval, "{}", m, &d, 1, &stop, log, &err),
              EBM_EINTERRUPT);
    ASSERT_EQ(evaluate(&ebm_estimator_fixed_points, "{}", m, &d, 1, &stop, log, &err),
              EBM_EINTERRUPT);
    ASSERT_EQ(evaluate(&ebm_estimator_energy_gap, "{}", m, &d, 1, &stop, log, &err),
              EBM_EINTERRUPT);
    ASSERT_EQ(ebm_log_count(log), 0);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

TEST(estimators_refuse_mismatched_data) {
    ebm_dataset d = hop_patterns(5, 50, 56), other = hop_patterns(5, 40, 57);
    ebm_dataset empty = {.n = 0, .dim = 50};
    void *m = hebbian(&d);
    ASSERT(m);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_EQ(evaluate(&ebm_estimator_retrieval, "{}", m, &other, 1, NULL, log, &err),
              EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "40 values but the model has 50 units");
    ASSERT_EQ(evaluate(&ebm_estimator_fixed_points, "{}", m, &empty, 1, NULL, log, &err),
              EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "no patterns");
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
    free(other.x);
}

TEST(fixed_points_counts_stored_patterns) {
    ebm_dataset d = hop_patterns(60, 200, 58);
    void *pinv = hop_new("{rule: pseudo_inverse}", 200), *hebb = hebbian(&d);
    ebm_error err = {0};
    ASSERT(pinv && hebb);
    ASSERT_OK(ebm_model_hopfield.xFit(pinv, &d, NULL, NULL, &err));
    ebm_log *log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_estimator_fixed_points, "{patterns: 0}", pinv, &d, 1, NULL,
                       log, &err));
    ASSERT_NEAR(last(log, "fixed_points"), 1.0, 0);
    double mean_e = 0.0;
    float y[200];
    for (size_t p = 0; p < d.n; p++) {
        ebm_model_hopfield.xEncode(pinv, d.x + p * 200, y);
        mean_e += ebm_model_hopfield.xEnergy(pinv, y) / 200.0 / (double)d.n;
    }
    ASSERT_NEAR(last(log, "fixed_points_energy"), mean_e, 1e-9);
    ASSERT_OK(evaluate(&ebm_estimator_fixed_points, "{patterns: 10}", hebb, &d, 1, NULL,
                       log, &err));
    ASSERT(last(log, "fixed_points") < 0.2);
    /* Only the first ten were tested: the count is a multiple of 1/10. */
    double tenths = last(log, "fixed_points") * 10.0;
    ASSERT_NEAR(tenths, round(tenths), 1e-12);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(pinv);
    ebm_model_hopfield.xDestroy(hebb);
    free(d.x);
}

/* A pattern one unit short of a fixed point is not one: on a hand-made
 * 4-unit network, all-ones has fields 0.5, 0.5, 0.5 on its first three
 * units (stable) and −1.5 on the last (unstable), so the count is 0 of 1;
 * with the last coupling made positive it is 1 of 1. */
/* The overlap is |ξ·y|/N: a network stores −ξ with ξ, so a start with every
 * unit flipped stays at −ξ, which overlaps ξ fully (1) but is not ξ. */
TEST(retrieval_of_the_mirror_pattern) {
    ebm_dataset d = hop_patterns(10, 200, 52);
    void *m = hebbian(&d);
    ASSERT(m);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_retrieval, "{flip: 1, patterns: 0, max_sweeps: 20}",
                       m, &d, 1, NULL, log, &err));
    ASSERT_NEAR(last(log, "retrieval_overlap"), 1.0, 0);
    ASSERT_NEAR(last(log, "retrieval_recalled"), 0.0, 0);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

TEST(fixed_points_needs_every_unit_stable) {
    void *m = hop_new("{rule: gradient}", 4);
    ASSERT(m);
    ebm_tensor params[2];
    ASSERT(ebm_model_hopfield.xParams(m, params, 2) >= 1);
    float *w = params[0].data;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            w[i * 4 + j] = i == j ? 0.0f : (i == 3 || j == 3) ? -0.5f : 0.5f;
    float row[4] = {1, 1, 1, 1};
    ebm_dataset d = {.n = 1, .dim = 4, .x = row};
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_fixed_points, "{patterns: 0}", m, &d, 1, NULL, log,
                       &err));
    ASSERT_NEAR(last(log, "fixed_points"), 0.0, 0);
    for (int i = 0; i < 3; i++) w[i * 4 + 3] = w[3 * 4 + i] = 0.5f;
    ASSERT_OK(evaluate(&ebm_estimator_fixed_points, "{patterns: 0}", m, &d, 1, NULL, log,
                       &err));
    ASSERT_NEAR(last(log, "fixed_points"), 1.0, 0);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(m);
}

TEST(energy_gap_is_zero_without_weights_and_positive_after_learning) {
    ebm_dataset d = hop_patterns(10, 200, 59);
    void *blank = hop_new("{rule: gradient}", 200), *hebb = hebbian(&d);
    ASSERT(blank && hebb);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_energy_gap, "{}", blank, &d, 1, NULL, log, &err));
    ASSERT_NEAR(last(log, "energy_gap"), 0.0, 0);
    ASSERT_OK(evaluate(&ebm_estimator_energy_gap, "{flip: 0.2, evolve_steps: 0}", hebb,
                       &d, 1, NULL, log, &err));
    /* At load 0.05, E/N ≈ −½ m² for a state at overlap m with one pattern:
     * −½ at the pattern, −½·0.6² after flipping 20 %, so the gap ≈ 0.32. */
    double gap = last(log, "energy_gap");
    printf("  energy gap %.4f\n", gap);
    ASSERT(gap > 0.27 && gap < 0.37);
    ebm_log_free(log);
    ebm_model_hopfield.xDestroy(blank);
    ebm_model_hopfield.xDestroy(hebb);
    free(d.x);
}

static int no_evolve(void *model, float *s, const ebm_evolve *h, ebm_rng *r,
                     ebm_evolve_result *res) {
    (void)model, (void)s, (void)h, (void)r, (void)res;
    return 0;
}

TEST(estimators_need_dynamics) {
    ebm_model_ops bare = {.info = {.name = "bare"}};
    char why[256] = "";
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_retrieval, &bare, why, sizeof why), 0);
    ASSERT_STR_CONTAINS(why, "needs zero-temperature dynamics (xEvolve) and a coding");
    ASSERT_STR_CONTAINS(why, "model bare lacks");
    static const ebm_model_dynamics evolves = {.xEvolve = no_evolve};
    bare.dynamics = &evolves;
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_energy_gap, &bare, why, sizeof why), 0);
    ASSERT_STR_CONTAINS(why, "energy_gap needs a coding of data rows as states (xEncode");
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_fixed_points, &ebm_model_hopfield, why,
                                     sizeof why), 1);
}

TEST(registry_lists_the_plugins) {
    ASSERT(ebm_registry_find(EBM_KIND_MODEL, "hopfield") == &ebm_model_hopfield.info);
    ASSERT(ebm_registry_find(EBM_KIND_DATASET, "random_patterns") ==
           &ebm_dataset_random_patterns.info);
    ASSERT(ebm_registry_find(EBM_KIND_ESTIMATOR, "retrieval") ==
           &ebm_estimator_retrieval.info);
    ASSERT(ebm_registry_find(EBM_KIND_ESTIMATOR, "fixed_points") ==
           &ebm_estimator_fixed_points.info);
    ASSERT(ebm_registry_find(EBM_KIND_ESTIMATOR, "energy_gap") ==
           &ebm_estimator_energy_gap.info);
}

/* ---- random_patterns ---- */

static int load(const char *yaml, uint64_t seed, ebm_dataset *out, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "data.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    memset(out, 0, sizeof *out);
    int rc = ebm_dataset_random_patterns.xLoad(cfg, &rng, out, err);
    ebm_node_free(cfg);
    return rc;
}

TEST(random_patterns_by_count_honour_p) {
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("{dim: 100, count: 50, p: 0.3}", 1, &d, &err));
    ASSERT_EQ(d.n, 50);
    ASSERT_EQ(d.dim, 100);
    ASSERT(d.labels == NULL && d.height == 0 && d.width == 0);
    double ones = 0.0;
    for (size_t k = 0; k < d.n * d.dim; k++) {
        ASSERT(d.x[k] == 0.0f || d.x[k] == 1.0f);
        ones += d.x[k];
    }
    double mean = ones / 5000.0, sigma = sqrt(0.3 * 0.7 / 5000.0);
    ASSERT_NEAR(mean, 0.3, 4 * sigma);
    ebm_dataset_free(&d);
}

TEST(random_patterns_by_load) {
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("{dim: 1000, load: 0.138}", 1, &d, &err));
    ASSERT_EQ(d.n, 138);
    ASSERT_EQ(d.dim, 1000);
    double ones = 0.0;
    for (size_t k = 0; k < d.n * d.dim; k++) ones += d.x[k];
    ASSERT_NEAR(ones / 138000.0, 0.5, 4 * sqrt(0.25 / 138000.0));
    ebm_dataset_free(&d);
}

TEST(random_patterns_depend_only_on_the_seed) {
    ebm_dataset a, b, c;
    ebm_error err = {0};
    ASSERT_OK(load("{dim: 64, count: 10}", 5, &a, &err));
    ASSERT_OK(load("{dim: 64, count: 10}", 5, &b, &err));
    ASSERT_OK(load("{dim: 64, count: 10}", 6, &c, &err));
    ASSERT(memcmp(a.x, b.x, 640 * sizeof *a.x) == 0);
    ASSERT(memcmp(a.x, c.x, 640 * sizeof *a.x) != 0);
    ebm_dataset_free(&a);
    ebm_dataset_free(&b);
    ebm_dataset_free(&c);
}

TEST(random_patterns_need_count_or_load) {
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_EQ(load("{dim: 10, count: 3, load: 0.5}", 1, &d, &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "data.yaml:1:1");
    ASSERT_STR_CONTAINS(err.msg, "exactly one of count");
    ASSERT_STR_CONTAINS(err.msg, "and load");
    ASSERT_STR_CONTAINS(err.msg, "both are given");
    ASSERT_EQ(load("{dim: 10}", 1, &d, &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "neither is given");
    ASSERT_EQ(load("{dim: 10, load: 0.01}", 1, &d, &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "rounds to no pattern");
    ASSERT(d.x == NULL);
}

int main(void) {
    RUN(retrieval_from_clean_patterns_is_exact);
    RUN(retrieval_is_reproducible_and_measures_capacity);
    RUN(retrieval_energy_trace_descends);
    RUN(estimators_stop_when_asked);
    RUN(estimators_refuse_mismatched_data);
    RUN(fixed_points_counts_stored_patterns);
    RUN(fixed_points_needs_every_unit_stable);
    RUN(retrieval_of_the_mirror_pattern);
    RUN(energy_gap_is_zero_without_weights_and_positive_after_learning);
    RUN(estimators_need_dynamics);
    RUN(registry_lists_the_plugins);
    RUN(random_patterns_by_count_honour_p);
    RUN(random_patterns_by_load);
    RUN(random_patterns_depend_only_on_the_seed);
    RUN(random_patterns_need_count_or_load);
    TEST_MAIN_END();
}
