/* test_recall.c — the recall estimator against the same procedure written
 * out by hand (mask or flip, the dynamics, the nearest stored pattern by
 * brute force), on the classic network (query by query) and the modern one
 * (its batched update), and on patterns that a half mask cannot tell apart. */
#include "test.h"

#include <signal.h>

#include "estimator.h"
#include "hopfield_testutil.h"
#include "log.h"
#include "plugins.h"

static int evaluate(const ebm_model_ops *ops, void *model, const char *yaml,
                    const ebm_dataset *data, ebm_log *log, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, 3);
    ebm_log_begin(log, 0, "recall", "recall", "train");
    ebm_eval ev = {.ops = ops, .model = model, .data = data, .cfg = cfg, .rng = &rng,
                   .log = log};
    int rc = ebm_estimator_recall.xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

static double last(const ebm_log *log, const char *name) {
    double v = NAN;
    if (!ebm_log_last(log, name, &v)) return NAN;
    return v;
}

static void *built(const ebm_model_ops *ops, const char *yaml, const ebm_dataset *d) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "model.yaml", &err);
    void *m = NULL;
    if (ops->xCreate(cfg, d, NULL, &m, &err) || ops->xFit(m, d, NULL, NULL, &err)) m = NULL;
    ebm_node_free(cfg);
    return m;
}

/* The estimator's numbers for lower-half queries and one synchronous sweep,
 * recomputed naively: encode, mask, evolve, nearest by squared distance. */
static void by_hand(const ebm_model_ops *ops, void *m, const ebm_dataset *d,
                    double *correct, double *error) {
    size_t n = d->dim;
    float *xi = malloc(d->n * n * sizeof *xi), *y = malloc(n * sizeof *y);
    float *row = malloc(n * sizeof *row);
    for (size_t p = 0; p < d->n; p++) ops->xEncode(m, d->x + p * n, xi + p * n);
    *correct = *error = 0;
    for (size_t p = 0; p < d->n; p++) {
        memcpy(y, xi + p * n, n * sizeof *y);
        for (size_t i = n - n / 2; i < n; i++) y[i] = 0.0f;
        ebm_evolve how = {.mode = EBM_EVOLVE_SYNC, .max_sweeps = 1};
        ebm_evolve_result res;
        ops->dynamics->xEvolve(m, y, &how, NULL, &res);
        size_t best = 0;
        double low = INFINITY;
        for (size_t mu = 0; mu < d->n; mu++) {
            double dist = 0;
            for (size_t i = 0; i < n; i++)
                dist += ((double)y[i] - xi[mu * n + i]) * ((double)y[i] - xi[mu * n + i]);
            if (dist < low - 1e-9) {
                low = dist;
                best = mu;
            }
        }
        *correct += best == p;
        ops->xDecode(m, y, row);
        double e = 0;
        for (size_t i = 0; i < n; i++) e += fabs((double)row[i] - d->x[p * n + i]);
        *error += e / (double)n / (double)d->n;
    }
    *correct /= (double)d->n;
    free(xi);
    free(y);
    free(row);
}

TEST(recall_agrees_with_the_procedure_written_out) {
    /* 150 patterns of 100 units: load 1.5, so the classic network recalls some
     * and garbles others; the modern one (β = 1) recalls every one. */
    ebm_dataset d = hop_patterns(150, 100, 61);
    void *classic = built(&ebm_model_hopfield, "{rule: hebbian}", &d);
    void *modern = built(&ebm_model_modern_hopfield, "{beta: 1}", &d);
    ASSERT(classic && modern);
    const char *cfg = "{query: mask, mask: 0.5, patterns: 0, steps: 1, mode: sync, images: 4}";
    double want_correct, want_error;
    ebm_error err = {0};

    ebm_log *log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_model_hopfield, classic, cfg, &d, log, &err));
    by_hand(&ebm_model_hopfield, classic, &d, &want_correct, &want_error);
    printf("  classic: recalled %.3f, error %.4f\n", want_correct, want_error);
    ASSERT(want_correct > 0.05 && want_correct < 0.95);
    ASSERT_NEAR(last(log, "recall_correct"), want_correct, 1e-12);
    ASSERT_NEAR(last(log, "recall_error"), want_error, 1e-9);
    ebm_log_free(log);

    log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_model_modern_hopfield, modern, cfg, &d, log, &err));
    by_hand(&ebm_model_modern_hopfield, modern, &d, &want_correct, &want_error);
    ASSERT_NEAR(want_correct, 1.0, 0);
    ASSERT_NEAR(last(log, "recall_correct"), want_correct, 1e-12);
    ASSERT_NEAR(last(log, "recall_error"), want_error, 1e-5);
    ASSERT(last(log, "recall_error") < 1e-4);
    ebm_log_free(log);

    /* At small β one update only starts towards an average: the batched
     * path must stop after exactly one, as the dynamics do. */
    void *soft = built(&ebm_model_modern_hopfield, "{beta: 0.02}", &d);
    ASSERT(soft);
    log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_model_modern_hopfield, soft, cfg, &d, log, &err));
    by_hand(&ebm_model_modern_hopfield, soft, &d, &want_correct, &want_error);
    ASSERT(want_error > 0.05);
    ASSERT_NEAR(last(log, "recall_correct"), want_correct, 1e-12);
    ASSERT_NEAR(last(log, "recall_error"), want_error, 1e-5);
    ebm_log_free(log);
    ebm_model_modern_hopfield.xDestroy(soft);

    ebm_model_hopfield.xDestroy(classic);
    ebm_model_modern_hopfield.xDestroy(modern);
    ebm_dataset_free(&d);
}

/* Patterns 0 and 1 share their first half, so a half-masked query from
 * either is the same: at most one of the two can count as recalled (the tie
 * goes to the first), 9 of 10 at best. */
TEST(a_half_mask_cannot_tell_twins_apart) {
    ebm_dataset d = hop_patterns(10, 64, 62);
    memcpy(d.x + 64, d.x, 32 * sizeof *d.x);
    void *modern = built(&ebm_model_modern_hopfield, "{beta: 2}", &d);
    ASSERT(modern);
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_model_modern_hopfield, modern, "{query: mask, patterns: 0}",
                       &d, log, &err));
    ASSERT_NEAR(last(log, "recall_correct"), 0.9, 1e-12);
    ebm_log_free(log);
    /* Flipped queries keep the second halves: every pattern comes back. */
    log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_model_modern_hopfield, modern,
                       "{query: flip, flip: 0.1, patterns: 0}", &d, log, &err));
    ASSERT_NEAR(last(log, "recall_correct"), 1.0, 0);
    ebm_log_free(log);
    ebm_model_modern_hopfield.xDestroy(modern);
    ebm_dataset_free(&d);
}

int main(void) {
    RUN(recall_agrees_with_the_procedure_written_out);
    RUN(a_half_mask_cannot_tell_twins_apart);
    TEST_MAIN_END();
}
