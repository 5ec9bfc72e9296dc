/* test_quadrature_baseline.c — quadrature's `baseline` option: loglik_gap is
 * its exact log-likelihood minus a metric an earlier estimator logged (the
 * kde baseline of experiments/ebm-2d.yaml), and a missing baseline is a
 * config error that says how to fix it. */
#include "estimator.h"
#include "test.h"

#define LOG_2PI 1.8378770664093454836

extern const ebm_estimator_ops ebm_estimator_quadrature;
extern const ebm_estimator_ops ebm_estimator_kde;

/* The standard normal in 2-D, E = |x|²/2: log p = −E − log 2π exactly. */
static double normal_energy(void *model, const float *x) {
    (void)model;
    return 0.5 * ((double)x[0] * x[0] + (double)x[1] * x[1]);
}

static int normal_state_grad(void *model, const float *states, size_t n, float *grad,
                             ebm_error *err) {
    (void)model;
    (void)err;
    memcpy(grad, states, 2 * n * sizeof *grad);
    return EBM_OK;
}

static size_t normal_units(void *model) {
    (void)model;
    return 2;
}

static const ebm_model_ops normal_ops = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "test_normal",
             .help = "test-local standard normal"},
    .xUnits = normal_units,
    .xEnergy = normal_energy,
    .continuous = &(const ebm_model_continuous){.xStateGrad = normal_state_grad},
};

/* n points of N(0, I) from a fixed seed. */
static ebm_dataset normal_points(size_t n, uint64_t seed) {
    ebm_dataset d = {.n = n, .dim = 2, .x = malloc(2 * n * sizeof(float))};
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (size_t i = 0; d.x && i < 2 * n; i++) d.x[i] = (float)ebm_rng_normal(&rng);
    return d;
}

/* Runs one estimator with config yaml on the split `data` (train: `train`). */
static int evaluate(const ebm_estimator_ops *est, const char *prefix, const char *yaml,
                    ebm_log *log, const ebm_dataset *train, const ebm_dataset *data,
                    ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), prefix, err);
    if (!cfg) return EBM_ECONFIG;
    ebm_rng rng;
    ebm_rng_seed(&rng, 3);
    ebm_log_begin(log, 5, prefix, prefix, "valid");
    ebm_eval ev = {.ops = &normal_ops, .data = data, .train = train, .valid = data,
                   .cfg = cfg, .rng = &rng, .log = log, .step = 5};
    int rc = est->xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

static double last(const ebm_log *log, const char *name) {
    double v = NAN;
    return ebm_log_last(log, name, &v) ? v : NAN;
}

/* A kde on 500 training points, then quadrature on 300 held-out points:
 * loglik is the exact mean log density (the ±8 sd box holds all but ~1e-14
 * of the mass), and loglik_gap is loglik minus kde_loglik to rounding. The
 * true density beats a kde of its own samples, so the gap is positive. */
TEST(gap_is_loglik_minus_the_kde_baseline) {
    ebm_dataset train = normal_points(500, 11), valid = normal_points(300, 12);
    ASSERT(train.x && valid.x);
    double exact = 0.0;
    for (size_t r = 0; r < valid.n; r++)
        exact += -normal_energy(NULL, valid.x + 2 * r) - LOG_2PI;
    exact /= (double)valid.n;
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_kde, "kde", "{}", log, &train, &valid, &err));
    ASSERT_OK(evaluate(&ebm_estimator_quadrature, "quadrature",
                       "{grid: 300, box: [-8, 8, -8, 8], baseline: kde_loglik}", log,
                       &train, &valid, &err));
    double loglik = last(log, "quadrature_loglik"), kde = last(log, "kde_loglik");
    ASSERT_NEAR(loglik, exact, 1e-6);
    ASSERT(isfinite(kde));
    ASSERT_NEAR(last(log, "quadrature_loglik_gap"), loglik - kde, 1e-12);
    ASSERT(last(log, "quadrature_loglik_gap") > 0.0);
    ebm_log_free(log);
    free(train.x);
    free(valid.x);
}

/* Any metric may be the baseline; its latest value is what counts. */
TEST(gap_uses_the_latest_value_of_any_metric) {
    ebm_dataset valid = normal_points(50, 13);
    ASSERT(valid.x != NULL);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ebm_log_begin(log, 0, "ref", "ref", "valid");
    ASSERT_OK(ebm_log_metric(log, "level", 100.0, &err));
    ASSERT_OK(ebm_log_metric(log, "level", -2.5, &err));
    ASSERT_OK(evaluate(&ebm_estimator_quadrature, "q",
                       "{grid: 200, box: [-8, 8, -8, 8], baseline: ref_level}", log,
                       &valid, &valid, &err));
    ASSERT_NEAR(last(log, "q_loglik_gap"), last(log, "q_loglik") + 2.5, 1e-12);
    ebm_log_free(log);
    free(valid.x);
}

/* Without a baseline nothing extra is logged; a baseline not logged yet (the
 * kde listed after quadrature, or misspelt) is a config error naming it. */
TEST(missing_baseline_is_a_config_error) {
    ebm_dataset valid = normal_points(50, 14);
    ASSERT(valid.x != NULL);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    ASSERT_OK(evaluate(&ebm_estimator_quadrature, "quadrature",
                       "{grid: 50, box: [-8, 8, -8, 8]}", log, &valid, &valid, &err));
    ASSERT(isfinite(last(log, "quadrature_loglik")));
    ASSERT(isnan(last(log, "quadrature_loglik_gap")));
    ASSERT_EQ(evaluate(&ebm_estimator_quadrature, "quadrature",
                       "{grid: 50, box: [-8, 8, -8, 8], baseline: kde_loglik}", log,
                       &valid, &valid, &err),
              EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "kde_loglik");
    ASSERT_STR_CONTAINS(err.msg, "before this one");
    ebm_log_free(log);
    free(valid.x);
}

int main(void) {
    RUN(gap_is_loglik_minus_the_kde_baseline);
    RUN(gap_uses_the_latest_value_of_any_metric);
    RUN(missing_baseline_is_a_config_error);
    TEST_MAIN_END();
}
