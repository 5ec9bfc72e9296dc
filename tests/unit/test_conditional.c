/* test_conditional.c — classification and generation with label units:
 * sampled P(c | v) against the exact sum over hidden units, the conditional
 * estimator's clamped samples on models whose P(v | c) is known, and where
 * fresh chains start (ebm_chains_start). */
#include "test.h"

#include <unistd.h>

#include "boltzmann_testutil.h"
#include "rbm_est_testutil.h"
#include "estimator.h"
#include "log.h"
#include "condsample.h"
#include "runfile.h"

extern const ebm_estimator_ops ebm_estimator_classify;
extern const ebm_estimator_ops ebm_estimator_conditional;

#define N_VISIBLE 4
#define N_LABELS 3
#define N_DATA (N_VISIBLE + N_LABELS)

static int evaluate(const ebm_estimator_ops *est, const char *yaml, void *model,
                    const ebm_dataset *data, ebm_log *log, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, 11);
    ebm_log_begin(log, 5, est->info.name, est->info.name, "train");
    ebm_eval ev = {.ops = &ebm_model_boltzmann, .model = model, .data = data,
                   .cfg = cfg, .rng = &rng, .log = log, .step = 5};
    int rc = est->xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

static double last(const ebm_log *log, const char *name) {
    double v = NAN;
    if (!ebm_log_last(log, name, &v)) return NAN;
    return v;
}

/* One row: visible bits of v, label c one-hot. */
static void one_row(ebm_dataset *d, unsigned v, int c, float *x, int *label) {
    for (int i = 0; i < N_VISIBLE; i++) x[i] = (v >> i) & 1u ? 1.0f : 0.0f;
    for (int k = 0; k < N_LABELS; k++) x[N_VISIBLE + k] = k == c ? 1.0f : 0.0f;
    *label = c;
    *d = (ebm_dataset){.n = 1, .dim = N_DATA, .x = x, .labels = label,
                       .n_classes = N_LABELS};
}

/* P(c | v) by the classify estimator with the given method, as the
 * exponential of its log P(true c | v) on a one-row split labelled c. */
static int class_probs(void *m, const char *method, int max_units, unsigned v,
                       double *p, ebm_error *err) {
    char yaml[200];
    snprintf(yaml, sizeof yaml, "{labels: %d, method: %s, max_units: %d, "
             "burn_in: 200, sweeps: 100000}", N_LABELS, method, max_units);
    for (int c = 0; c < N_LABELS; c++) {
        float x[N_DATA];
        int label;
        ebm_dataset d;
        one_row(&d, v, c, x, &label);
        ebm_log *log = ebm_log_new(NULL);
        int rc = evaluate(&ebm_estimator_classify, yaml, m, &d, log, err);
        p[c] = exp(last(log, "classify_loglik"));
        ebm_log_free(log);
        if (rc) return rc;
    }
    return 0;
}

/* A model with 4 hidden units and strong random couplings, {0,1} and ±1, at
 * T = 1 and 0.7. The sampled estimate averages P(c | v, h) over 100000
 * sweeps; each term lies in [0, 1], so with an integrated autocorrelation
 * time τ its standard error is at most 0.5·sqrt(τ/100000): 0.02 allows τ up
 * to 160 sweeps at one standard error, and is 2.7 times the worst error
 * observed (0.0073, the ±1 model, whose couplings are effectively 4 times
 * stronger and mix slowest; it shrinks to 0.0046 at 500000 sweeps, so it is
 * noise, not bias). The streams are seeded, so the test is deterministic. */
TEST(sampled_classification_matches_exact) {
    const char *cfgs[3] = {"{hidden: 4, labels: 3, init_scale: 0}",
                           "{hidden: 4, labels: 3, init_scale: 0, units: pm1}",
                           "{hidden: 4, labels: 3, init_scale: 0, temperature: 0.7}"};
    double worst = 0.0;
    for (int k = 0; k < 3; k++) {
        void *m = bm_new(cfgs[k], N_DATA);
        ASSERT(m);
        bm_randomise(m, 0.9, 0.5, 40 + (uint64_t)k);
        unsigned inputs[3] = {0u, 5u, 14u};
        for (int t = 0; t < 3; t++) {
            double exact[N_LABELS], sampled[N_LABELS], auto_p[N_LABELS], sum = 0.0;
            ebm_error err = {0};
            ASSERT_OK(class_probs(m, "exact", 20, inputs[t], exact, &err));
            ASSERT_OK(class_probs(m, "sampled", 20, inputs[t], sampled, &err));
            /* auto samples when the hidden units exceed max_units */
            ASSERT_OK(class_probs(m, "auto", 2, inputs[t], auto_p, &err));
            for (int c = 0; c < N_LABELS; c++) {
                sum += exact[c];
                ASSERT_NEAR(sampled[c], exact[c], 0.02);
                ASSERT_NEAR(auto_p[c], sampled[c], 1e-12);
                if (fabs(sampled[c] - exact[c]) > worst) worst = fabs(sampled[c] - exact[c]);
            }
            ASSERT_NEAR(sum, 1.0, 1e-9);
        }
        /* exact with too few units allowed is refused, not approximated */
        double p[N_LABELS];
        ebm_error err = {0};
        ASSERT_EQ(class_probs(m, "exact", 2, 0u, p, &err), EBM_ELIMIT);
        ebm_model_boltzmann.xDestroy(m);
    }
    printf("     worst |sampled - exact| P(c | v): %.4f\n", worst);
}

/* Class c's pattern: visible bit i on when bit i of patterns[c] is. */
static const unsigned patterns[N_LABELS] = {0x3u, 0x9u, 0xEu};

static void class_data(float *x, int *labels, ebm_dataset *d) {
    for (int c = 0; c < N_LABELS; c++) {
        float *row = x + c * N_DATA;
        for (int i = 0; i < N_VISIBLE; i++) row[i] = (patterns[c] >> i) & 1u ? 1.0f : 0.0f;
        for (int k = 0; k < N_LABELS; k++) row[N_VISIBLE + k] = k == c ? 1.0f : 0.0f;
        labels[c] = c;
    }
    *d = (ebm_dataset){.n = N_LABELS, .dim = N_DATA, .x = x, .labels = labels,
                       .n_classes = N_LABELS};
}

/* No hidden units; label unit c pulls visible bit i towards bit i of
 * pattern c with weight ±8, so given label c each bit is right with
 * probability σ(8) = 0.99966 and all four with 0.9987: the expected match
 * is 0.9987, and 200 samples with under 0.97 (6 or more misses, each with
 * probability 0.0013) happen with probability below 1e-5. A model without
 * weights draws uniform v, matching pattern c with probability 1/16: the
 * same 200 samples reach 0.25 with probability below 1e-9. */
TEST(conditional_samples_belong_to_the_clamped_class) {
    char path[] = "/tmp/ebm-test-conditional-XXXXXX";
    int fd = mkstemp(path);
    ASSERT(fd >= 0);
    close(fd);
    float x[N_LABELS * N_DATA];
    int labels[N_LABELS];
    ebm_dataset d;
    class_data(x, labels, &d);
    for (int strong = 0; strong < 2; strong++) {
        void *m = bm_new("{hidden: 0, labels: 3, init_scale: 0}", N_DATA);
        ASSERT(m);
        float *w = bm_w(m);
        for (int c = 0; strong && c < N_LABELS; c++)
            for (int i = 0; i < N_VISIBLE; i++) {
                float s = (patterns[c] >> i) & 1u ? 8.0f : -8.0f;
                w[(N_VISIBLE + c) * N_DATA + i] = w[i * N_DATA + N_VISIBLE + c] = s;
            }
        ebm_error err = {0};
        ebm_runfile *rf = ebm_runfile_create(path, "name: t\n", 1, &err);
        ASSERT(rf);
        ebm_log *log = ebm_log_new(rf);
        ASSERT_OK(evaluate(&ebm_estimator_conditional,
                           "{labels: 3, samples: 200, burn_in: 50, images: 4}", m, &d,
                           log, &err));
        for (int c = 0; c < N_LABELS; c++) {
            char name[64];
            snprintf(name, sizeof name, "conditional_match_class%d", c);
            double match = last(log, name);
            if (strong) ASSERT(match >= 0.97);
            else ASSERT(match < 0.25);
        }
        double mean = last(log, "conditional_match");
        ASSERT(strong ? mean >= 0.97 : mean < 0.25);
        ebm_log_free(log);
        ASSERT_OK(ebm_runfile_close(rf, &err));
        ebm_model_boltzmann.xDestroy(m);

        /* 4 samples per class, one class per column of the grid */
        ebm_image_set *sets = NULL;
        int n_sets = 0;
        ASSERT_OK(ebm_runfile_read_images(path, &sets, &n_sets, &err));
        ASSERT_EQ(n_sets, 1);
        ASSERT(strcmp(sets[0].group, "images/conditional_samples") == 0);
        ASSERT_EQ(sets[0].n, 4 * N_LABELS);
        ASSERT_EQ(sets[0].dim, N_VISIBLE);
        ASSERT(strcmp(sets[0].layout, "label=0,label=1,label=2") == 0);
        int right = 0;
        for (size_t r = 0; r < sets[0].n; r++) {
            unsigned bits = 0;
            for (int i = 0; i < N_VISIBLE; i++)
                bits |= (sets[0].data[r * N_VISIBLE + i] > 0.5f ? 1u : 0u) << i;
            right += bits == patterns[r % N_LABELS];
        }
        if (strong) ASSERT(right >= 11);
        ebm_image_sets_free(sets, n_sets);
    }
    unlink(path);
}

/* Class numbers from the one-hot tail, or the split's labels without one. */
TEST(row_class_reads_one_hot_labels) {
    float x[2 * N_DATA] = {0};
    int labels[2] = {2, 1};
    x[N_VISIBLE + 1] = 1.0f;                        /* row 0: one-hot 1 */
    ebm_dataset d = {.n = 2, .dim = N_DATA, .x = x, .labels = labels, .n_classes = 3};
    ASSERT_EQ(ebm_cond_row_class(&d, 0, N_LABELS), 1);
    ASSERT_EQ(ebm_cond_row_class(&d, 1, N_LABELS), 1);   /* no one-hot: the label */
    x[N_VISIBLE + 2] = 1.0f;                        /* row 0: two labels on */
    ASSERT_EQ(ebm_cond_row_class(&d, 0, N_LABELS), -1);
}

/* Binary units start uniformly over their two values; a Gaussian RBM's
 * visible units start at the rows (far from 0 and 1 here, as a data set's
 * own units may be), its hidden units at 0; with no rows and no noise
 * distribution there is no start, and the error says why. */
TEST(chains_start_by_the_kind_of_units) {
    enum { NV = 6, NH = 3, ROWS = 4, CHAINS = 10 };
    float rows[ROWS * NV];
    for (size_t k = 0; k < ROWS * NV; k++) rows[k] = 40.0f + (float)k;
    ebm_dataset data = {.n = ROWS, .dim = NV, .x = rows};
    float x[CHAINS * (NV + NH)];
    ebm_rng rng;
    ebm_rng_seed(&rng, 5);
    ebm_error err = {0};

    ebm_rbm *binary = rbm_random(NV, NH, 0, 1.0, 0.0, 6);
    ASSERT(binary);
    ASSERT_OK(ebm_chains_start(&ebm_model_rbm, binary, &data, CHAINS, NV + NH, &rng, x, &err));
    size_t ones = 0;
    for (size_t k = 0; k < CHAINS * (NV + NH); k++) {
        ASSERT(x[k] == 0.0f || x[k] == 1.0f);
        ones += x[k] == 1.0f;
    }
    ASSERT(ones > 10 && ones < CHAINS * (NV + NH) - 10);
    rbm_destroy(binary);

    ebm_rbm *gaussian = rbm_random(NV, NH, 1, 1.0, 0.0, 7);
    ASSERT(gaussian);
    ASSERT_OK(ebm_chains_start(&ebm_model_rbm, gaussian, &data, CHAINS, NV + NH, &rng, x,
                               &err));
    for (size_t c = 0; c < CHAINS; c++)
        for (size_t i = 0; i < NV + NH; i++)
            ASSERT_EQ(x[c * (NV + NH) + i], i < NV ? rows[(c % ROWS) * NV + i] : 0.0f);
    ASSERT_EQ(ebm_chains_start(&ebm_model_rbm, gaussian, NULL, CHAINS, NV + NH, &rng, x,
                               &err), EBM_ENOTSUP);
    ASSERT_STR_CONTAINS(err.msg, "real-valued units");
    rbm_destroy(gaussian);
}

int main(void) {
    RUN(chains_start_by_the_kind_of_units);
    RUN(sampled_classification_matches_exact);
    RUN(conditional_samples_belong_to_the_clamped_class);
    RUN(row_class_reads_one_hot_labels);
    TEST_MAIN_END();
}
