/* test_exact.c — enumeration (framework/infer/enumerate.c) and the exact and
 * classify estimators against naive sums over states; the maximum-likelihood
 * gradient built from xEnergyGrad against finite differences of the exact
 * log-likelihood; the size limit. */
#include "test.h"

#include "boltzmann_testutil.h"
#include "enumerate.h"
#include "estimator.h"
#include "log.h"

extern const ebm_model_ops ebm_model_hopfield;
extern const ebm_estimator_ops ebm_estimator_exact;
extern const ebm_estimator_ops ebm_estimator_classify;

static int evaluate(const ebm_estimator_ops *est, const char *yaml,
                    const ebm_model_ops *ops, void *model, const ebm_dataset *data,
                    ebm_log *log, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_log_begin(log, 3, est->info.name, est->info.name, "train");
    ebm_eval ev = {.ops = ops, .model = model, .data = data, .cfg = cfg,
                   .rng = &rng, .log = log, .step = 3};
    int rc = est->xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

static double last(const ebm_log *log, const char *name) {
    double v = NAN;
    if (!ebm_log_last(log, name, &v)) return NAN;
    return v;
}

/* log p(v) by the naive double loop: v on the first d units, the rest summed. */
static double naive_log_p(void *m, const float *v, size_t d, double log_z) {
    size_t n = ebm_model_boltzmann.xUnits(m);
    float low, high, s[32];
    bm_unit_values(&ebm_model_boltzmann, m, &low, &high);
    double t = ebm_model_temperature(&ebm_model_boltzmann, m), sum = 0.0;
    for (uint64_t h = 0; h < ((uint64_t)1 << (n - d)); h++) {
        for (size_t i = 0; i < d; i++) s[i] = v[i];
        bm_state_of(h, n - d, low, high, s + d);
        sum += exp(-bm_naive_energy(bm_w(m), bm_b(m), n, s) / t - log_z);
    }
    return log(sum);
}

/* ---------------------------------------------------------------- log Z */

static ebm_model_ops without_flip_energy(void) {
    static ebm_model_binary binary;
    binary = *ebm_model_boltzmann.binary;
    binary.xFlipEnergy = NULL;
    ebm_model_ops ops = ebm_model_boltzmann;
    ops.binary = &binary;
    return ops;
}

TEST(log_z_matches_naive_enumeration) {
    const char *cfgs[4] = {"{hidden: 3, temperature: 1}",
                           "{hidden: 3, temperature: 0.5}",
                           "{hidden: 3, units: pm1}",
                           "{hidden: 3, units: pm1, temperature: 0.5}"};
    ebm_model_ops slow = without_flip_energy();
    for (int c = 0; c < 4; c++) {
        void *m = bm_new(cfgs[c], 11);   /* 14 units: past the resync interval */
        bm_randomise(m, 0.5, 0.5, 500 + (uint64_t)c);
        float low, high;
        ASSERT_OK(bm_unit_values(&ebm_model_boltzmann, m, &low, &high));
        double want = bm_naive_log_z(bm_w(m), bm_b(m), 14, low, high,
                                     ebm_model_temperature(&ebm_model_boltzmann, m));
        ebm_enum e;
        ebm_error err = {0};
        double log_z;
        ASSERT_OK(ebm_enum_init(&e, &ebm_model_boltzmann, m, EBM_ENUM_MAX_UNITS, &err));
        ASSERT_OK(ebm_enum_log_z(&e, &log_z, &err));
        ASSERT_NEAR(log_z, want, 1e-9 * fabs(want) + 1e-10);
        ebm_enum_free(&e);
        /* The same through xEnergy alone (no xFlipEnergy). */
        ASSERT_OK(ebm_enum_init(&e, &slow, m, EBM_ENUM_MAX_UNITS, &err));
        ASSERT_OK(ebm_enum_log_z(&e, &log_z, &err));
        ASSERT_NEAR(log_z, want, 1e-9 * fabs(want) + 1e-10);
        ebm_enum_free(&e);
        ebm_model_boltzmann.xDestroy(m);
    }
}

TEST(log_z_of_a_hopfield_network) {
    const char *yaml = "{rule: hebbian}";
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "m", &err);
    ebm_dataset shape = {.n = 0, .dim = 10};
    void *m = NULL;
    ASSERT_OK(ebm_model_hopfield.xCreate(cfg, &shape, NULL, &m, &err));
    ebm_node_free(cfg);
    ebm_tensor t[2];
    ebm_model_hopfield.xParams(m, t, 2);
    ebm_rng rng;
    ebm_rng_seed(&rng, 8);
    for (size_t i = 0; i < 10; i++) {
        for (size_t j = i + 1; j < 10; j++)
            t[0].data[i * 10 + j] = t[0].data[j * 10 + i] = (float)(0.4 * ebm_rng_normal(&rng));
        t[1].data[i] = (float)(0.3 * ebm_rng_normal(&rng));
    }
    double want = bm_naive_log_z(t[0].data, t[1].data, 10, -1.0f, 1.0f, 1.0);
    ebm_enum e;
    double log_z;
    ASSERT_OK(ebm_enum_init(&e, &ebm_model_hopfield, m, EBM_ENUM_MAX_UNITS, &err));
    ASSERT_EQ(e.n_hidden, 0);
    ASSERT_OK(ebm_enum_log_z(&e, &log_z, &err));
    ASSERT_NEAR(log_z, want, 1e-10);
    ebm_enum_free(&e);
    ebm_model_hopfield.xDestroy(m);
}

/* ---------------------------------------------------------------- visiting */

typedef struct seen {
    void *m;
    unsigned char count[1 << 6];
    int bad_energy;
} seen;

static int mark_seen(const float *s, double energy, void *ctx) {
    seen *sn = ctx;
    /* free units are 1, 3, 4, 6, 7, 8 (of 10) */
    static const int free_units[6] = {1, 3, 4, 6, 7, 8};
    unsigned k = 0;
    for (int b = 0; b < 6; b++) k |= (s[free_units[b]] > 0.0f) << b;
    sn->count[k]++;
    if (fabs(energy - ebm_model_boltzmann.xEnergy(sn->m, s)) > 1e-9) sn->bad_energy++;
    return 0;
}

TEST(visit_sees_every_state_once_and_restores_the_rest) {
    void *m = bm_new("{hidden: 4, units: pm1}", 6);
    bm_randomise(m, 1.0, 1.0, 600);
    ebm_enum e;
    ebm_error err = {0};
    ASSERT_OK(ebm_enum_init(&e, &ebm_model_boltzmann, m, EBM_ENUM_MAX_UNITS, &err));
    ASSERT_EQ(e.n_hidden, 4);
    ASSERT_EQ(e.hidden[0], 6);
    float s[10] = {1, 1, -1, 1, -1, 1, -1, 1, 1, -1}, before[10];
    memcpy(before, s, sizeof s);
    size_t free_units[6] = {1, 3, 4, 6, 7, 8};
    seen sn = {.m = m};
    ASSERT_OK(ebm_enum_visit(&e, s, free_units, 6, mark_seen, &sn));
    for (int k = 0; k < 64; k++) ASSERT_EQ(sn.count[k], 1);
    ASSERT_EQ(sn.bad_energy, 0);
    for (int i = 0; i < 10; i++) ASSERT_NEAR(s[i], before[i], 0);
    ebm_enum_free(&e);
    ebm_model_boltzmann.xDestroy(m);
}

/* ---------------------------------------------------------------- log p(v) */

/* With labels and hidden units summed out, Σ_v p(v) = 1 over all 2^D rows,
 * and each log p(v) is the naive one. */
TEST(log_p_of_data_sums_to_one) {
    const char *cfgs[2] = {"{hidden: 3, labels: 2, temperature: 0.8}",
                           "{hidden: 3, labels: 2, units: pm1, temperature: 1.3}"};
    for (int c = 0; c < 2; c++) {
        void *m = bm_new(cfgs[c], 6);
        bm_randomise(m, 0.6, 0.4, 700 + (uint64_t)c);
        ebm_enum e;
        ebm_error err = {0};
        double log_z, total = 0.0;
        ASSERT_OK(ebm_enum_init(&e, &ebm_model_boltzmann, m, EBM_ENUM_MAX_UNITS, &err));
        ASSERT_EQ(e.n_hidden, 3);
        ASSERT_OK(ebm_enum_log_z(&e, &log_z, &err));
        float row[6], s[9];
        for (uint64_t v = 0; v < 64; v++) {
            bm_state_of(v, 6, 0.0f, 1.0f, row);
            ebm_model_boltzmann.xEncode(m, row, s);
            double log_p;
            ASSERT_OK(ebm_enum_log_p_data(&e, s, log_z, &log_p, &err));
            ASSERT_NEAR(log_p, naive_log_p(m, s, 6, log_z), 1e-9);
            total += exp(log_p);
        }
        ASSERT_NEAR(total, 1.0, 1e-12);
        ebm_enum_free(&e);
        ebm_model_boltzmann.xDestroy(m);
    }
}

TEST(marginals_and_moments_match_naive_sums) {
    void *m = bm_new("{hidden: 2, units: pm1, temperature: 0.7}", 5);
    bm_randomise(m, 0.8, 0.5, 800);
    size_t n = 7;
    double t = 0.7;
    double log_z = bm_naive_log_z(bm_w(m), bm_b(m), n, -1.0f, 1.0f, t);
    double want_p[7] = {0}, want_2[49] = {0};
    float s[7];
    for (uint64_t k = 0; k < 128; k++) {
        bm_state_of(k, n, -1.0f, 1.0f, s);
        double p = exp(-bm_naive_energy(bm_w(m), bm_b(m), n, s) / t - log_z);
        for (size_t i = 0; i < n; i++) {
            want_p[i] += s[i] > 0 ? p : 0.0;
            for (size_t j = 0; j < n; j++) want_2[i * n + j] += p * s[i] * s[j];
        }
    }
    ebm_enum e;
    ebm_error err = {0};
    double p_high[7], mean[7], second[49], got_z;
    ASSERT_OK(ebm_enum_init(&e, &ebm_model_boltzmann, m, EBM_ENUM_MAX_UNITS, &err));
    ASSERT_OK(ebm_enum_log_z(&e, &got_z, &err));
    ASSERT_OK(ebm_enum_marginals(&e, got_z, p_high, &err));
    float zero[7] = {0};
    ASSERT_OK(ebm_enum_moments(&e, zero, e.all, n, got_z, mean, second, &err));
    for (size_t i = 0; i < n; i++) {
        ASSERT_NEAR(p_high[i], want_p[i], 1e-12);
        ASSERT_NEAR(mean[i], 2.0 * want_p[i] - 1.0, 1e-12);
        for (size_t j = 0; j < n; j++) ASSERT_NEAR(second[i * n + j], want_2[i * n + j], 1e-12);
    }
    ebm_enum_free(&e);
    ebm_model_boltzmann.xDestroy(m);
}

/* ---------------------------------------------------------------- gradient */

typedef struct grad_acc {
    void *m;
    ebm_tensor *grads;
    double log_norm, inv_t, weight;   /* weight: ±1/rows or −1 */
    int rc;
} grad_acc;

/* grads += weight · p(state) · ∂E(state)/∂θ, one state at a time. */
static int add_energy_grad(const float *s, double energy, void *ctx) {
    grad_acc *acc = ctx;
    double p = exp(-energy * acc->inv_t - acc->log_norm);
    ebm_error err = {0};
    acc->rc |= ebm_model_energy_grad(&ebm_model_boltzmann, acc->m, s, 1, acc->weight * p,
                                               acc->grads, &err);
    return 0;
}

static double mean_loglik(void *m, const float *rows, size_t count, size_t d) {
    ebm_enum e;
    ebm_error err = {0};
    double log_z, total = 0.0;
    float s[16];
    if (ebm_enum_init(&e, &ebm_model_boltzmann, m, EBM_ENUM_MAX_UNITS, &err)) return NAN;
    if (ebm_enum_log_z(&e, &log_z, &err)) log_z = NAN;
    for (size_t r = 0; r < count; r++) {
        double log_p = NAN;
        ebm_model_boltzmann.xEncode(m, rows + r * d, s);
        ebm_enum_log_p_data(&e, s, log_z, &log_p, &err);
        total += log_p;
    }
    ebm_enum_free(&e);
    return total / (double)count;
}

/* The trainer's gradient of the mean negative log-likelihood,
 *   (1/T) (⟨∂E/∂θ⟩_data − ⟨∂E/∂θ⟩_model),
 * assembled from xEnergyGrad with exact weights (data term: hidden units
 * weighted by p(h|v); model term: every state by p(s)), equals a central
 * finite difference of −mean log p(v) in every parameter. T ≠ 1, so a
 * missing 1/T fails it. */
TEST(likelihood_gradient_matches_finite_differences) {
    const char *cfgs[2] = {"{hidden: 2, temperature: 0.8}",
                           "{hidden: 2, units: pm1, temperature: 0.8}"};
    const float rows[4 * 3] = {1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1};
    size_t n = 5, d = 3, count = 4;
    for (int c = 0; c < 2; c++) {
        void *m = bm_new(cfgs[c], d);
        bm_randomise(m, 0.7, 0.5, 900 + (uint64_t)c);
        float gw[25] = {0}, gb[5] = {0};
        ebm_tensor grads[2] = {{.name = "W", .data = gw, .rank = 2, .shape = {5, 5}},
                               {.name = "b", .data = gb, .rank = 1, .shape = {5}}};
        ebm_enum e;
        ebm_error err = {0};
        ASSERT_OK(ebm_enum_init(&e, &ebm_model_boltzmann, m, EBM_ENUM_MAX_UNITS, &err));
        grad_acc acc = {.m = m, .grads = grads, .inv_t = 1.0 / 0.8};
        float s[5];
        for (size_t r = 0; r < count; r++) {
            ebm_model_boltzmann.xEncode(m, rows + r * d, s);
            ASSERT_OK(ebm_enum_log_sum(&e, s, e.hidden, e.n_hidden, "data", &acc.log_norm, &err));
            acc.weight = 1.0 / (double)count;
            ebm_enum_visit(&e, s, e.hidden, e.n_hidden, add_energy_grad, &acc);
        }
        ASSERT_OK(ebm_enum_log_z(&e, &acc.log_norm, &err));
        acc.weight = -1.0;
        memset(s, 0, sizeof s);
        ebm_enum_visit(&e, s, e.all, n, add_energy_grad, &acc);
        ASSERT_OK(acc.rc);
        ebm_enum_free(&e);

        float *w = bm_w(m), *b = bm_b(m);
        double eps = 1e-3, worst = 0.0, largest = 0.0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = i + 1; j < n; j++) {
                float keep = w[i * n + j];
                w[i * n + j] = w[j * n + i] = (float)(keep + eps);
                double hi = w[i * n + j], up = mean_loglik(m, rows, count, d);
                w[i * n + j] = w[j * n + i] = (float)(keep - eps);
                double lo = w[i * n + j], down = mean_loglik(m, rows, count, d);
                w[i * n + j] = w[j * n + i] = keep;
                double fd = -(up - down) / (hi - lo);
                double got = gw[i * n + j] / 0.8;
                ASSERT_NEAR(got, fd, 2e-5);
                ASSERT_NEAR(gw[j * n + i], gw[i * n + j], 0);
                worst = fmax(worst, fabs(got - fd));
                largest = fmax(largest, fabs(fd));
            }
            float keep = b[i];
            b[i] = (float)(keep + eps);
            double hi = b[i], up = mean_loglik(m, rows, count, d);
            b[i] = (float)(keep - eps);
            double lo = b[i], down = mean_loglik(m, rows, count, d);
            b[i] = keep;
            ASSERT_NEAR(gb[i] / 0.8, -(up - down) / (hi - lo), 2e-5);
        }
        ASSERT(largest > 0.05);   /* the check is not vacuous */
        ebm_model_boltzmann.xDestroy(m);
    }
}

/* ---------------------------------------------------------------- estimators */

TEST(exact_estimator_logs_log_z_loglik_and_marginals) {
    const float rows[5 * 4] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1};
    ebm_dataset data = {.n = 5, .dim = 4, .x = (float *)rows};
    void *m = bm_new("{hidden: 2, temperature: 0.9}", 4);
    bm_randomise(m, 0.8, 0.4, 1000);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_exact, "{}", &ebm_model_boltzmann, m, &data, log, &err));
    ASSERT_EQ(ebm_log_count(log), 3);
    ASSERT(strcmp(ebm_log_name(log, 0), "exact_log_z") == 0);
    ASSERT(strcmp(ebm_log_name(log, 1), "exact_loglik") == 0);
    ASSERT(strcmp(ebm_log_name(log, 2), "exact_marginals") == 0);
    double log_z = bm_naive_log_z(bm_w(m), bm_b(m), 6, 0.0f, 1.0f, 0.9);
    ASSERT_NEAR(last(log, "exact_log_z"), log_z, 1e-9);
    double want = 0.0;
    for (size_t r = 0; r < 5; r++) want += naive_log_p(m, rows + r * 4, 4, log_z) / 5.0;
    ASSERT_NEAR(last(log, "exact_loglik"), want, 1e-9);
    ASSERT(want < 0.0);
    /* A trace's latest value is its last unit: hidden unit 5's marginal. */
    double p5 = 0.0;
    float s[6];
    for (uint64_t k = 32; k < 64; k++) {
        bm_state_of(k, 6, 0.0f, 1.0f, s);
        p5 += exp(-bm_naive_energy(bm_w(m), bm_b(m), 6, s) / 0.9 - log_z);
    }
    ASSERT_NEAR(last(log, "exact_marginals"), p5, 1e-12);
    /* rows: 2 uses only the first two; marginals: false logs no trace. */
    ebm_log_free(log);
    log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_estimator_exact, "{rows: 2, marginals: false}",
                       &ebm_model_boltzmann, m, &data, log, &err));
    ASSERT_EQ(ebm_log_count(log), 2);
    want = (naive_log_p(m, rows, 4, log_z) + naive_log_p(m, rows + 4, 4, log_z)) / 2.0;
    ASSERT_NEAR(last(log, "exact_loglik"), want, 1e-9);
    /* Rows of the wrong length are a data error, not a crash. */
    ebm_dataset wrong = {.n = 4, .dim = 5, .x = (float *)rows};
    ASSERT_EQ(evaluate(&ebm_estimator_exact, "{}", &ebm_model_boltzmann, m, &wrong, log, &err),
              EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "5 values");
    ebm_log_free(log);
    ebm_model_boltzmann.xDestroy(m);
}

/* Units: v0 v1 | three one-hot labels | one hidden. The label unit c gets the
 * field 8c(v0 + v1) − 4c², largest at c = v0 + v1 by a margin of 4; the
 * hidden unit's small weights cannot overturn that. */
static void *counting_model(void) {
    void *m = bm_new("{hidden: 1, labels: 3, init_scale: 0}", 5);
    float *w = bm_w(m), *b = bm_b(m);
    size_t n = 6;
    for (size_t c = 0; c < 3; c++) {
        size_t u = 2 + c;
        b[u] = -4.0f * (float)(c * c);
        w[u * n + 0] = w[0 * n + u] = 8.0f * (float)c;
        w[u * n + 1] = w[1 * n + u] = 8.0f * (float)c;
        w[u * n + 5] = w[5 * n + u] = 0.3f * (float)c - 0.2f;
    }
    w[0 * n + 5] = w[5 * n + 0] = 0.4f;
    b[5] = -0.3f;
    return m;
}

static void fill_rows(float *rows, int shift) {
    for (int v = 0; v < 4; v++) {
        float *r = rows + v * 5;
        r[0] = (float)(v & 1);
        r[1] = (float)(v >> 1);
        int c = ((v & 1) + (v >> 1) + shift) % 3;
        for (int k = 0; k < 3; k++) r[2 + k] = k == c ? 1.0f : 0.0f;
    }
}

/* log P(c | v) by the naive double loop over c and the hidden unit. */
static double naive_log_p_label(void *m, const float *row) {
    double score[3], max = -INFINITY, sum = 0.0;
    float s[6];
    int truth = 0;
    for (int c = 0; c < 3; c++) {
        if (row[2 + c] > 0.5f) truth = c;
        s[0] = row[0];
        s[1] = row[1];
        for (int k = 0; k < 3; k++) s[2 + k] = k == c;
        double z = 0.0;
        for (int h = 0; h < 2; h++) {
            s[5] = (float)h;
            z += exp(-bm_naive_energy(bm_w(m), bm_b(m), 6, s));
        }
        score[c] = log(z);
        max = fmax(max, score[c]);
    }
    for (int c = 0; c < 3; c++) sum += exp(score[c] - max);
    return score[truth] - max - log(sum);
}

TEST(classify_finds_labels_the_visible_units_determine) {
    float rows[4 * 5];
    fill_rows(rows, 0);
    ebm_dataset data = {.n = 4, .dim = 5, .x = rows};
    void *m = counting_model();
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3}", &ebm_model_boltzmann, m,
                       &data, log, &err));
    ASSERT_NEAR(last(log, "classify_accuracy"), 1.0, 0);
    double want = 0.0;
    for (int r = 0; r < 4; r++) want += naive_log_p_label(m, rows + r * 5) / 4.0;
    ASSERT_NEAR(last(log, "classify_loglik"), want, 1e-9);
    ASSERT(want > -0.1);   /* confident and right */
    /* Labels shifted by one: every row wrong, log P(true) very negative. */
    fill_rows(rows, 1);
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3}", &ebm_model_boltzmann, m,
                       &data, log, &err));
    ASSERT_NEAR(last(log, "classify_accuracy"), 0.0, 0);
    want = 0.0;
    for (int r = 0; r < 4; r++) want += naive_log_p_label(m, rows + r * 5) / 4.0;
    ASSERT_NEAR(last(log, "classify_loglik"), want, 1e-9);
    ASSERT(want < -2.0);
    /* Half right. */
    fill_rows(rows, 0);
    rows[2 * 5 + 3] = 0.0f;   /* row 2 is v = (0,1), class 1: say 0 */
    rows[2 * 5 + 2] = 1.0f;
    rows[3 * 5 + 4] = 0.0f;   /* row 3 is v = (1,1), class 2: say 1 */
    rows[3 * 5 + 3] = 1.0f;
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3}", &ebm_model_boltzmann, m,
                       &data, log, &err));
    ASSERT_NEAR(last(log, "classify_accuracy"), 0.5, 0);
    /* A row without a one-hot label is a data error. */
    rows[3 * 5 + 3] = 0.0f;
    ASSERT_EQ(evaluate(&ebm_estimator_classify, "{labels: 3}", &ebm_model_boltzmann, m,
                       &data, log, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "row 3 has no one-hot label");
    ebm_log_free(log);
    ebm_model_boltzmann.xDestroy(m);
}

/* ---------------------------------------------------------------- limits */

TEST(too_many_states_are_refused_with_the_count) {
    void *m = bm_new("{}", 24);
    float rows[24] = {0};
    ebm_dataset data = {.n = 1, .dim = 24, .x = rows};
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_EQ(evaluate(&ebm_estimator_exact, "{}", &ebm_model_boltzmann, m, &data, log, &err),
              EBM_ELIMIT);
    ASSERT_STR_CONTAINS(err.msg, "exact log Z needs 2^24 states; the limit is 2^20 (units ≤ 20)");
    ASSERT_EQ(ebm_log_count(log), 0);
    ebm_model_boltzmann.xDestroy(m);

    /* A configured limit, on the hidden units of log p(v) and of classify. */
    m = bm_new("{hidden: 4, labels: 2}", 4);
    ebm_enum e;
    ASSERT_OK(ebm_enum_init(&e, &ebm_model_boltzmann, m, 3, &err));
    float s[8] = {0};
    double log_p;
    ASSERT_EQ(ebm_enum_log_p_data(&e, s, 0.0, &log_p, &err), EBM_ELIMIT);
    ASSERT_STR_CONTAINS(err.msg, "needs 2^4 states; the limit is 2^3 (units ≤ 3)");
    ebm_enum_free(&e);
    float rows4[4] = {1, 0, 0, 1};
    ebm_dataset small = {.n = 1, .dim = 4, .x = rows4};
    ASSERT_EQ(evaluate(&ebm_estimator_classify, "{labels: 2, max_units: 3}",
                       &ebm_model_boltzmann, m, &small, log, &err), EBM_ELIMIT);
    ASSERT_STR_CONTAINS(err.msg, "2^4 states");
    ebm_log_free(log);
    ebm_model_boltzmann.xDestroy(m);
}

TEST(estimators_need_enumerable_units) {
    ebm_model_ops ops = ebm_model_boltzmann;
    ops.binary = NULL;
    char why[256] = "";
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_exact, &ops, why,
                                     sizeof why), 0);
    ASSERT_STR_CONTAINS(why, "xUnitValues");
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_classify, &ops, why,
                                     sizeof why), 0);
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_exact, &ebm_model_boltzmann, why,
                                     sizeof why), 1);
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_exact, &ebm_model_hopfield, why,
                                     sizeof why), 1);
    ebm_enum e;
    ebm_error err = {0};
    ASSERT_EQ(ebm_enum_init(&e, &ops, NULL, 20, &err), EBM_ENOTSUP);
}

int main(void) {
    RUN(log_z_matches_naive_enumeration);
    RUN(log_z_of_a_hopfield_network);
    RUN(visit_sees_every_state_once_and_restores_the_rest);
    RUN(log_p_of_data_sums_to_one);
    RUN(marginals_and_moments_match_naive_sums);
    RUN(likelihood_gradient_matches_finite_differences);
    RUN(exact_estimator_logs_log_z_loglik_and_marginals);
    RUN(classify_finds_labels_the_visible_units_determine);
    RUN(too_many_states_are_refused_with_the_count);
    RUN(estimators_need_enumerable_units);
    TEST_MAIN_END();
}
