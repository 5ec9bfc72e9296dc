/* test_kde.c — the kde estimator: the bandwidth rules and the log density on
 * hand examples (direct sums), leave-one-out on the training split, a point
 * far from all data (log-sum-exp), and convergence to a known Gaussian. */
#include "estimator.h"
#include "test.h"

#define LOG_2PI 1.8378770664093454836

extern const ebm_estimator_ops ebm_estimator_kde;

/* kde never calls the model; the ops only fill the eval. */
static size_t no_units(void *model) { (void)model; return 0; }
static double no_energy(void *model, const float *x) { (void)model; (void)x; return 0; }
static const ebm_model_ops no_model = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "none", .help = "-"},
    .xUnits = no_units, .xEnergy = no_energy};

/* Runs kde (config yaml) fitted on train, evaluated on data; fills the
 * loglik and bandwidth metrics. Returns the estimator's code. */
static int run_kde(const char *yaml, const ebm_dataset *train, const ebm_dataset *data,
                   double *loglik, double *bandwidth, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "kde", err);
    if (!cfg) return -1;
    ebm_log *log = ebm_log_new(NULL);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_log_begin(log, 0, "kde", "kde", "valid");
    ebm_eval ev = {.ops = &no_model, .data = data, .train = train, .cfg = cfg,
                   .rng = &rng, .log = log};
    int rc = ebm_estimator_kde.xEvaluate(&ev, err);
    *loglik = *bandwidth = NAN;
    ebm_log_last(log, "kde_loglik", loglik);
    ebm_log_last(log, "kde_bandwidth", bandwidth);
    ebm_log_free(log);
    ebm_node_free(cfg);
    return rc;
}

static double log_phi(double z) { return -0.5 * z * z - 0.5 * LOG_2PI; }

/* 1-D train {0, 1, 2, 3, 4}: sample std √2.5; Scott h = √2.5 · 5^(−1/5),
 * Silverman h = √2.5 · (5·3/4)^(−1/5). At x = 0.5 the density is
 * (1/5) Σ φ((0.5 − t)/h)/h, summed directly here. */
TEST(bandwidth_rules_on_hand_example) {
    float train_x[5] = {0, 1, 2, 3, 4}, eval_x[1] = {0.5f};
    ebm_dataset train = {.n = 5, .dim = 1, .x = train_x};
    ebm_dataset eval = {.n = 1, .dim = 1, .x = eval_x};
    const char *rules[2] = {"{rule: scott}", "{rule: silverman}"};
    double factors[2] = {pow(5.0, -0.2), pow(15.0 / 4.0, -0.2)};
    for (int k = 0; k < 2; k++) {
        double loglik, bandwidth, h = sqrt(2.5) * factors[k];
        ebm_error err;
        ASSERT_OK(run_kde(rules[k], &train, &eval, &loglik, &bandwidth, &err));
        ASSERT_NEAR(bandwidth, h, 1e-12);
        double p = 0;
        for (int i = 0; i < 5; i++) p += exp(log_phi((0.5 - i) / h)) / h;
        ASSERT_NEAR(loglik, log(p / 5), 1e-12);
    }
    /* the default is Scott's */
    double loglik, bandwidth;
    ebm_error err;
    ASSERT_OK(run_kde("{}", &train, &eval, &loglik, &bandwidth, &err));
    ASSERT_NEAR(bandwidth, sqrt(2.5) * factors[0], 1e-12);
}

/* 2-D, each dimension its own std: train {(0,0), (2,0), (1,4)} has stds 1
 * and √(16/3); d = 2 makes Scott's factor 3^(−1/6). The reported bandwidth
 * is the geometric mean of the two. A given bandwidth is used as is. */
TEST(per_dimension_and_given_bandwidth) {
    float train_x[6] = {0, 0, 2, 0, 1, 4}, eval_x[2] = {1, 1};
    ebm_dataset train = {.n = 3, .dim = 2, .x = train_x};
    ebm_dataset eval = {.n = 1, .dim = 2, .x = eval_x};
    double loglik, bandwidth;
    ebm_error err;
    ASSERT_OK(run_kde("{}", &train, &eval, &loglik, &bandwidth, &err));
    double f = pow(3.0, -1.0 / 6), h0 = f * 1.0, h1 = f * sqrt(16.0 / 3);
    ASSERT_NEAR(bandwidth, sqrt(h0 * h1), 1e-12);
    double p = 0;
    for (int i = 0; i < 3; i++)
        p += exp(log_phi((1 - train_x[2 * i]) / h0) + log_phi((1 - train_x[2 * i + 1]) / h1)) /
             (h0 * h1);
    ASSERT_NEAR(loglik, log(p / 3), 1e-12);

    ASSERT_OK(run_kde("{bandwidth: 0.5}", &train, &eval, &loglik, &bandwidth, &err));
    ASSERT_NEAR(bandwidth, 0.5, 0);
    p = 0;
    for (int i = 0; i < 3; i++)
        p += exp(log_phi((1 - train_x[2 * i]) / 0.5) + log_phi((1 - train_x[2 * i + 1]) / 0.5)) /
             0.25;
    ASSERT_NEAR(loglik, log(p / 3), 1e-12);
}

/* Evaluated on its own training split, each point leaves itself out:
 * train {0, 1, 3}, h = 1: mean over i of log((1/2) Σ_{j≠i} φ(x_i − x_j)). */
TEST(leave_one_out_on_train) {
    float x[3] = {0, 1, 3};
    ebm_dataset train = {.n = 3, .dim = 1, .x = x};
    double loglik, bandwidth;
    ebm_error err;
    ASSERT_OK(run_kde("{bandwidth: 1}", &train, &train, &loglik, &bandwidth, &err));
    double expected = 0;
    for (int i = 0; i < 3; i++) {
        double p = 0;
        for (int j = 0; j < 3; j++)
            if (j != i) p += exp(log_phi(x[i] - x[j]));
        expected += log(p / 2);
    }
    ASSERT_NEAR(loglik, expected / 3, 1e-12);
    /* a copy of the same rows is another split: no point is left out */
    ebm_dataset copy = train;
    ASSERT_OK(run_kde("{bandwidth: 1}", &train, &copy, &loglik, &bandwidth, &err));
    ASSERT(loglik > expected / 3 + 0.1);
}

/* A point 1000 bandwidths from the data: every kernel underflows in double,
 * yet log-sum-exp gives the exact log density −½·1000² − ½ log 2π. */
TEST(far_point_is_finite) {
    float train_x[1] = {0}, eval_x[1] = {1000};
    ebm_dataset train = {.n = 1, .dim = 1, .x = train_x};
    ebm_dataset eval = {.n = 1, .dim = 1, .x = eval_x};
    double loglik, bandwidth;
    ebm_error err;
    ASSERT_OK(run_kde("{bandwidth: 1}", &train, &eval, &loglik, &bandwidth, &err));
    ASSERT_NEAR(loglik, log_phi(1000), 1e-6);
}

/* Fitted on n draws of N(0, I₂) and evaluated on 2000 fresh ones, the mean
 * log density approaches the truth's on the same points (the paired gap
 * cancels the sampling noise of the points; it estimates KL(p‖p̂) > 0):
 * the gap shrinks as n grows (100, 1000, 8000; measured 0.046, 0.021,
 * 0.0067 with Scott's h = n^(−1/6)) and ends in (0, 0.015) nats. The truth's
 * own mean is within 4 standard errors of −H = −(1 + log 2π). */
TEST(converges_to_known_density) {
    size_t n_eval = 2000, sizes[3] = {100, 1000, 8000};
    ebm_rng rng;
    ebm_rng_seed(&rng, 2024);
    ebm_dataset eval = {.n = n_eval, .dim = 2, .x = malloc(2 * n_eval * sizeof(float))};
    ebm_dataset train = {.dim = 2, .x = malloc(2 * sizes[2] * sizeof(float))};
    ASSERT(eval.x && train.x);
    double truth = 0;
    for (size_t i = 0; i < 2 * n_eval; i++) {
        eval.x[i] = (float)ebm_rng_normal(&rng);
        truth += log_phi(eval.x[i]);
    }
    truth /= (double)n_eval;
    ASSERT_NEAR(truth, -(1 + LOG_2PI), 4.0 / sqrt((double)n_eval));
    for (size_t i = 0; i < 2 * sizes[2]; i++) train.x[i] = (float)ebm_rng_normal(&rng);
    double gaps[3];
    for (int k = 0; k < 3; k++) {
        train.n = sizes[k];
        double loglik, bandwidth;
        ebm_error err;
        ASSERT_OK(run_kde("{}", &train, &eval, &loglik, &bandwidth, &err));
        ASSERT_NEAR(bandwidth, pow((double)sizes[k], -1.0 / 6), 0.1);
        gaps[k] = truth - loglik;
    }
    ASSERT(gaps[0] > gaps[1] && gaps[1] > gaps[2]);
    ASSERT(gaps[2] > 0 && gaps[2] < 0.015);
    free(eval.x);
    free(train.x);
}

TEST(bad_input) {
    float x[4] = {0, 1, 2, 3};
    ebm_dataset one_d = {.n = 4, .dim = 1, .x = x}, two_d = {.n = 2, .dim = 2, .x = x};
    ebm_dataset empty = {.n = 0, .dim = 1, .x = x};
    double loglik, bandwidth;
    ebm_error err;
    ASSERT_EQ(run_kde("{}", &one_d, &two_d, &loglik, &bandwidth, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "columns");
    ASSERT_EQ(run_kde("{}", &empty, &one_d, &loglik, &bandwidth, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "training split is empty");
    ebm_dataset single = {.n = 1, .dim = 1, .x = x};
    ASSERT_EQ(run_kde("{}", &single, &single, &loglik, &bandwidth, &err), EBM_EDATA);
    /* a constant column borrows the other columns' std */
    float flat[6] = {5, 0, 5, 1, 5, 2};
    ebm_dataset flat_d = {.n = 3, .dim = 2, .x = flat};
    ASSERT_OK(run_kde("{}", &flat_d, &flat_d, &loglik, &bandwidth, &err));
    ASSERT_NEAR(bandwidth, pow(3.0, -1.0 / 6), 1e-12);
    ASSERT(isfinite(loglik));
}

int main(void) {
    RUN(bandwidth_rules_on_hand_example);
    RUN(per_dimension_and_given_bandwidth);
    RUN(leave_one_out_on_train);
    RUN(far_point_is_finite);
    RUN(converges_to_known_density);
    RUN(bad_input);
    TEST_MAIN_END();
}
