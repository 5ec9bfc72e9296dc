/* test_hopfield.c — the Hopfield model's energy and dynamics against naive
 * computations and exhaustive enumeration, its config checks, and the
 * Cholesky helpers of linalg.c. */
#include "test.h"

#include "hopfield_testutil.h"
#include "linalg.h"

/* E = −Σ_{i<j} w_ij y_i y_j − Σ b_i y_i, written out as docs/math.md does. */
static double naive_energy(void *m, size_t n, const float *y) {
    const float *w = hop_w(m), *b = hop_b(m);
    double e = 0.0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) e -= (double)w[i * n + j] * y[i] * y[j];
        e -= (double)b[i] * y[i];
    }
    return e;
}

TEST(energy_matches_naive_sum) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    for (int net = 0; net < 20; net++) {
        size_t n = 3 + ebm_rng_below(&rng, 40);
        void *m = hop_new("{rule: hebbian}", n);
        ASSERT(m);
        hop_randomise(m, n, 0.5, &rng);
        float y[64];
        for (int s = 0; s < 10; s++) {
            hop_random_state(y, n, &rng);
            double e = ebm_model_hopfield.xEnergy(m, y);
            ASSERT_NEAR(e, naive_energy(m, n, y), 1e-9 * (1.0 + fabs(e)));
        }
        ebm_model_hopfield.xDestroy(m);
    }
}

TEST(flip_changes_energy_by_two_y_h) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 2);
    for (int net = 0; net < 20; net++) {
        size_t n = 2 + ebm_rng_below(&rng, 50);
        void *m = hop_new("{}", n);
        ASSERT(m);
        hop_randomise(m, n, 1.0, &rng);
        float y[64];
        hop_random_state(y, n, &rng);
        for (size_t i = 0; i < n; i++) {
            double before = ebm_model_hopfield.xEnergy(m, y);
            double expect = 2.0 * y[i] * hop_field(m, n, y, i);
            y[i] = -y[i];
            double after = ebm_model_hopfield.xEnergy(m, y);
            ASSERT_NEAR(after - before, expect, 1e-9 * (1.0 + fabs(before)));
        }
        ebm_model_hopfield.xDestroy(m);
    }
}

TEST(encode_decode_round_trip) {
    void *m = hop_new("{}", 4);
    ASSERT(m);
    float row[4] = {0, 1, 1, 0}, y[4], back[4];
    ebm_model_hopfield.xEncode(m, row, y);
    ASSERT(y[0] == -1.0f && y[1] == 1.0f && y[2] == 1.0f && y[3] == -1.0f);
    ebm_model_hopfield.xDecode(m, y, back);
    ASSERT(memcmp(row, back, sizeof row) == 0);
    ASSERT_EQ(ebm_model_hopfield.xUnits(m), 4);
    ebm_tensor t[3];
    ASSERT_EQ(ebm_model_hopfield.xParams(m, t, 3), 2);
    ASSERT(strcmp(t[0].name, "W") == 0 && t[0].rank == 2 && t[0].shape[0] == 4 &&
           t[0].shape[1] == 4);
    ASSERT(strcmp(t[1].name, "b") == 0 && t[1].rank == 1 && t[1].shape[0] == 4);
    ebm_model_hopfield.xDestroy(m);
}

/* The property docs/math.md promises: asynchronous updates never raise E, and the
 * dynamics stop only at a state no single update changes. */
TEST(async_evolution_never_raises_energy) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 3);
    enum { MAX_SWEEPS = 500 };
    double trace[MAX_SWEEPS + 1];
    float y[64];
    for (int net = 0; net < 240; net++) {
        size_t n = 5 + ebm_rng_below(&rng, 56);
        void *m = hop_new("{}", n);
        ASSERT(m);
        hop_randomise(m, n, net % 2 ? 0.7 : 0.0, &rng);
        hop_random_state(y, n, &rng);
        ebm_evolve how = {.mode = net % 3 ? EBM_EVOLVE_RANDOM : EBM_EVOLVE_FIXED,
                          .max_sweeps = MAX_SWEEPS, .energy_trace = trace};
        ebm_evolve_result res;
        double e0 = ebm_model_hopfield.xEnergy(m, y);
        ASSERT_OK(ebm_model_evolve(&ebm_model_hopfield, m, y, &how, &rng, &res));
        ASSERT_NEAR(trace[0], e0, 1e-6 * (1.0 + fabs(e0)));
        for (int s = 1; s <= MAX_SWEEPS; s++)
            ASSERT(trace[s] <= trace[s - 1] + 1e-4 * (double)n);
        /* Gaussian weights: no ties, so the descent must end at a fixed point. */
        ASSERT_EQ(res.outcome, EBM_EVOLVE_FIXED_POINT);
        ASSERT(res.sweeps >= 1 && res.sweeps <= MAX_SWEEPS);
        ASSERT(hop_is_fixed(m, n, y));
        double e_final = ebm_model_hopfield.xEnergy(m, y);
        ASSERT_NEAR(trace[res.sweeps], e_final, 1e-6 * (1.0 + fabs(e_final)));
        ASSERT_NEAR(trace[MAX_SWEEPS], e_final, 1e-6 * (1.0 + fabs(e_final)));
        ASSERT(res.flips >= 0 && (res.flips > 0 || res.sweeps == 1));
        ebm_model_hopfield.xDestroy(m);
    }
}

/* One synchronous step computed naively. */
static void naive_sync_step(void *m, size_t n, const float *y, float *out) {
    for (size_t i = 0; i < n; i++) {
        double h = hop_field(m, n, y, i);
        out[i] = h > 0 ? 1.0f : h < 0 ? -1.0f : y[i];
    }
}

TEST(sync_evolution_ends_in_fixed_point_or_two_cycle) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 4);
    float y[64], a[64], b[64];
    int cycles = 0, fixed = 0;
    for (int net = 0; net < 200; net++) {
        size_t n = 5 + ebm_rng_below(&rng, 56);
        void *m = hop_new("{}", n);
        ASSERT(m);
        hop_randomise(m, n, 0.3, &rng);
        hop_random_state(y, n, &rng);
        ebm_evolve how = {.mode = EBM_EVOLVE_SYNC, .max_sweeps = 1000};
        ebm_evolve_result res;
        ASSERT_OK(ebm_model_evolve(&ebm_model_hopfield, m, y, &how, NULL, &res));
        naive_sync_step(m, n, y, a);
        naive_sync_step(m, n, a, b);
        if (res.outcome == EBM_EVOLVE_FIXED_POINT) {
            fixed++;
            ASSERT(memcmp(a, y, n * sizeof *y) == 0);
        } else {
            ASSERT_EQ(res.outcome, EBM_EVOLVE_TWO_CYCLE);
            cycles++;
            ASSERT(memcmp(a, y, n * sizeof *y) != 0);
            ASSERT(memcmp(b, y, n * sizeof *y) == 0);
        }
        ebm_model_hopfield.xDestroy(m);
    }
    /* Random symmetric networks produce both endings; both branches ran. */
    ASSERT(cycles > 0 && fixed > 0);
}

TEST(sync_two_cycle_of_a_known_network) {
    /* Two units coupled by w = −1 from (+1, +1): sync flips both forever. */
    void *m = hop_new("{}", 2);
    ASSERT(m);
    float *w = hop_w(m);
    w[1] = w[2] = -1.0f;
    float y[2] = {1, 1};
    double trace[11];
    ebm_evolve how = {.mode = EBM_EVOLVE_SYNC, .max_sweeps = 10, .energy_trace = trace};
    ebm_evolve_result res;
    ASSERT_OK(ebm_model_evolve(&ebm_model_hopfield, m, y, &how, NULL, &res));
    ASSERT_EQ(res.outcome, EBM_EVOLVE_TWO_CYCLE);
    ASSERT_EQ(res.sweeps, 2);
    ASSERT_EQ(res.flips, 4);
    ASSERT(y[0] == 1.0f && y[1] == 1.0f);
    for (int s = 0; s <= 10; s++) ASSERT_NEAR(trace[s], 1.0, 0);
    /* Asynchronous from the same start: one flip reaches a fixed point. */
    ebm_evolve async = {.mode = EBM_EVOLVE_FIXED, .max_sweeps = 10, .energy_trace = trace};
    ASSERT_OK(ebm_model_evolve(&ebm_model_hopfield, m, y, &async, NULL, &res));
    ASSERT_EQ(res.outcome, EBM_EVOLVE_FIXED_POINT);
    ASSERT_EQ(res.flips, 1);
    ASSERT_EQ(res.sweeps, 2);
    ASSERT(y[0] == -1.0f && y[1] == 1.0f);
    ASSERT_NEAR(trace[0], 1.0, 0);
    ASSERT_NEAR(trace[1], -1.0, 0);
    ASSERT_NEAR(trace[10], -1.0, 0);
    ebm_model_hopfield.xDestroy(m);
}

TEST(max_sweeps_limit_is_reported) {
    void *m = hop_new("{}", 2);
    ASSERT(m);
    float *w = hop_w(m);
    w[1] = w[2] = -1.0f;
    float y[2] = {1, 1};
    ebm_evolve how = {.mode = EBM_EVOLVE_SYNC, .max_sweeps = 1};
    ebm_evolve_result res;
    ASSERT_OK(ebm_model_evolve(&ebm_model_hopfield, m, y, &how, NULL, &res));
    ASSERT_EQ(res.outcome, EBM_EVOLVE_LIMIT);
    ASSERT_EQ(res.sweeps, 1);
    ASSERT(y[0] == -1.0f && y[1] == -1.0f);
    /* Random order without an rng is refused, not a crash. */
    ebm_evolve random = {.mode = EBM_EVOLVE_RANDOM, .max_sweeps = 1};
    ASSERT(ebm_model_evolve(&ebm_model_hopfield, m, y, &random, NULL, &res) != 0);
    ebm_model_hopfield.xDestroy(m);
}

/* All 2^10 states of a Hebbian network: the states the dynamics stop at are
 * exactly the fixed points found by enumeration. With 4 patterns the
 * weights are even multiples of 1/N, so ties h_i = 0 occur and are tested. */
TEST(exhaustive_fixed_points_n10) {
    enum { N = 10, STATES = 1 << N };
    ebm_dataset pats = hop_patterns(4, N, 5);
    void *m = hop_new("{rule: hebbian}", N);
    ASSERT(m);
    ebm_error err = {0};
    ASSERT_OK(ebm_model_hopfield.xFit(m, &pats, NULL, NULL, &err));
    static char is_fixed[STATES], is_stop[STATES];
    memset(is_stop, 0, sizeof is_stop);
    float y[N];
    int n_fixed = 0, ties = 0;
    for (int s = 0; s < STATES; s++) {
        for (int i = 0; i < N; i++) {
            y[i] = (s >> i) & 1 ? 1.0f : -1.0f;
            ties += hop_field(m, N, y, (size_t)i) == 0.0;
        }
        is_fixed[s] = (char)hop_is_fixed(m, N, y);
        n_fixed += is_fixed[s];
    }
    ASSERT(ties > 0);
    ASSERT(n_fixed >= 2);   /* at least a stored pattern and its negative */
    ebm_rng rng;
    ebm_rng_seed(&rng, 6);
    for (int s = 0; s < STATES; s++) {
        for (int i = 0; i < N; i++) y[i] = (s >> i) & 1 ? 1.0f : -1.0f;
        ebm_evolve how = {.mode = s % 2 ? EBM_EVOLVE_RANDOM : EBM_EVOLVE_FIXED,
                          .max_sweeps = 100};
        ebm_evolve_result res;
        ASSERT_OK(ebm_model_evolve(&ebm_model_hopfield, m, y, &how, &rng, &res));
        ASSERT_EQ(res.outcome, EBM_EVOLVE_FIXED_POINT);
        int stop = 0;
        for (int i = 0; i < N; i++) stop |= (y[i] > 0) << i;
        ASSERT(is_fixed[stop]);
        is_stop[stop] = 1;
        if (is_fixed[s]) {
            ASSERT_EQ(stop, s);
            ASSERT_EQ(res.sweeps, 1);
            ASSERT_EQ(res.flips, 0);
        }
    }
    ASSERT(memcmp(is_fixed, is_stop, sizeof is_fixed) == 0);
    ebm_model_hopfield.xDestroy(m);
    free(pats.x);
}

/* ---- xCheck ---- */

static int check(const char *yaml, ebm_diags *diags) {
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_string(yaml, strlen(yaml), "exp.yaml", &err);
    if (!root) return -1;
    ebm_model_hopfield.xCheck(root, diags);
    ebm_node_free(root);
    return diags->n;
}

TEST(check_one_shot_rule_with_epochs) {
    ebm_diags d = {0};
    ASSERT_EQ(check("model:\n  type: hopfield\n  rule: storkey\ntrain:\n  epochs: 3\n", &d), 1);
    ASSERT_STR_CONTAINS(d.items[0], "exp.yaml:3:9: model.rule: rule storkey is "
                                    "one-shot; train.epochs applies to rule: gradient");
    ebm_diags_free(&d);
}

TEST(check_gradient_rule_without_epochs) {
    ebm_diags d = {0};
    ASSERT_EQ(check("model: {type: hopfield, rule: gradient}\ntrain: {epochs: 0}\n", &d), 1);
    ASSERT_STR_CONTAINS(d.items[0], "exp.yaml:1:");
    ASSERT_STR_CONTAINS(d.items[0], "model.rule: rule gradient");
    ASSERT_STR_CONTAINS(d.items[0], "train.epochs >= 1");
    ebm_diags_free(&d);
}

TEST(check_bias_needs_gradient_rule) {
    ebm_diags d = {0};
    ASSERT_EQ(check("model:\n  type: hopfield\n  bias: true\n", &d), 1);
    ASSERT_STR_CONTAINS(d.items[0], "exp.yaml:3:9: model.bias: bias: true needs "
                                    "rule: gradient");
    ASSERT_STR_CONTAINS(d.items[0], "rule hebbian");
    ebm_diags_free(&d);
}

TEST(check_accepts_valid_configs) {
    ebm_diags d = {0};
    ASSERT_EQ(check("model: {type: hopfield, rule: pseudo_inverse}\ntrain: {epochs: 0}\n", &d), 0);
    ASSERT_EQ(check("model: {type: hopfield}\n", &d), 0);
    /* A misspelt rule is the validator's to report, not a second message. */
    ASSERT_EQ(check("model: {type: hopfield, rule: hebian}\ntrain: {epochs: 2}\n", &d), 0);
    ASSERT_EQ(check("model: {type: hopfield, rule: gradient, bias: true}\n"
                    "train: {epochs: 5}\n", &d), 0);
    ebm_diags_free(&d);
}

TEST(create_refuses_missing_data) {
    ebm_error err = {0};
    void *m = (void *)1;
    ebm_node *cfg = ebm_cfg_parse_string("{}", 2, "m.yaml", &err);
    ASSERT(cfg);
    ASSERT_EQ(ebm_model_hopfield.xCreate(cfg, NULL, NULL, &m, &err), EBM_EINVAL);
    ASSERT(m == NULL);
    ASSERT_STR_CONTAINS(err.msg, "hopfield");
    ebm_node_free(cfg);
}

/* ---- linalg ---- */

TEST(cholesky_solves_a_known_system) {
    /* A = [[4,2,0],[2,5,3],[0,3,10]] = L Lᵀ with L = [[2,0,0],[1,2,0],[0,1.5,sqrt(7.75)]]. */
    double a[9] = {4, 2, 0, 2, 5, 3, 0, 3, 10};
    ASSERT_EQ(ebm_cholesky(a, 3, 3, 1e-12), 0);
    ASSERT_NEAR(a[0], 2, 1e-15);
    ASSERT_NEAR(a[3], 1, 1e-15);
    ASSERT_NEAR(a[4], 2, 1e-15);
    ASSERT_NEAR(a[7], 1.5, 1e-15);
    ASSERT_NEAR(a[8], sqrt(7.75), 1e-15);
    ASSERT(a[1] == 0 && a[2] == 0 && a[5] == 0);
    /* A x = (6, 10, 13) has the solution x = (1, 1, 1). */
    double x[3] = {6, 10, 13};
    ebm_cholesky_solve(a, 3, 3, x, 1, 1);
    for (int i = 0; i < 3; i++) ASSERT_NEAR(x[i], 1.0, 1e-14);
}

TEST(cholesky_reports_singular_column) {
    /* Third row = first + second. */
    double a[9] = {2, 1, 3, 1, 2, 3, 3, 3, 6};
    ASSERT_EQ(ebm_cholesky(a, 3, 3, 1e-12), 3);
    double neg[4] = {1, 2, 2, 1};   /* indefinite */
    ASSERT_EQ(ebm_cholesky(neg, 2, 2, 1e-12), 2);
}

int main(void) {
    RUN(energy_matches_naive_sum);
    RUN(flip_changes_energy_by_two_y_h);
    RUN(encode_decode_round_trip);
    RUN(async_evolution_never_raises_energy);
    RUN(sync_evolution_ends_in_fixed_point_or_two_cycle);
    RUN(sync_two_cycle_of_a_known_network);
    RUN(max_sweeps_limit_is_reported);
    RUN(exhaustive_fixed_points_n10);
    RUN(check_one_shot_rule_with_epochs);
    RUN(check_gradient_rule_without_epochs);
    RUN(check_bias_needs_gradient_rule);
    RUN(check_accepts_valid_configs);
    RUN(create_refuses_missing_data);
    RUN(cholesky_solves_a_known_system);
    RUN(cholesky_reports_singular_column);
    TEST_MAIN_END();
}
