/* test_rbm_exact.c — the RBM's exact log Z (models/rbm/rbm_exact.c) against naive
 * sums over both layers and, for Gaussian visible units, against quadrature;
 * its size limit; the exact estimator's RBM path (xLogPartition and
 * xFreeEnergy) against naive log-likelihoods. */
#include "test.h"

#include "rbm_est_testutil.h"

extern const ebm_estimator_ops ebm_estimator_exact;

TEST(log_z_matches_naive_sum_over_both_layers) {
    /* hidden layer smaller, visible smaller, equal: both enumeration sides */
    const size_t sizes[3][2] = {{10, 6}, {6, 10}, {8, 8}};
    for (int c = 0; c < 3; c++) {
        ebm_rbm *m = rbm_random(sizes[c][0], sizes[c][1], 0, 1.0, 1.0, 100 + (uint64_t)c);
        ASSERT(m);
        double want = naive_log_z(m), got = NAN;
        ebm_error err = {0};
        ASSERT_OK(ebm_rbm_log_z(m, 25, &got, &err));
        ASSERT_NEAR(got, want, 1e-10 * fabs(want) + 1e-10);
        /* the model op is the same function */
        double op = NAN;
        ASSERT_OK(ebm_model_log_partition(&ebm_model_rbm, m, 25, &op, &err));
        ASSERT_NEAR(op, got, 0);
        rbm_destroy(m);
    }
}

/* A Gaussian RBM's log Z = log ∫ Σ_h exp(−E(v, h)) dv, here by a Riemann sum
 * over a 2-D grid wide enough that the tails are below double precision
 * (the integrand is smooth and decays like a Gaussian, so the sum converges
 * far faster than the grid step suggests). */
TEST(gaussian_log_z_matches_quadrature) {
    ebm_rbm *m = rbm_random(2, 3, 1, 0.7, 0.8, 7);
    ASSERT(m);
    const double lo = -14.0, step = 0.02;
    const int points = 1400;
    double top = -INFINITY, sum = 0;
    float v[2];
    for (int a = 0; a < points; a++) {
        v[0] = (float)(lo + step * a);
        for (int b = 0; b < points; b++) {
            v[1] = (float)(lo + step * b);
            double t = naive_neg_free_energy(m, v);
            if (t > top) {
                sum *= exp(top - t);
                top = t;
            }
            sum += exp(t - top);
        }
    }
    double want = top + log(sum * step * step), got = NAN;
    ebm_error err = {0};
    ASSERT_OK(ebm_rbm_log_z(m, 25, &got, &err));
    ASSERT_NEAR(got, want, 1e-6);
    rbm_destroy(m);
}

/* The hidden-side formula on an RBM too wide for the visible side:
 * logsumexp_h [cᵀh + Σ_i softplus(b_i + (Wh)_i)], written out in the test. */
TEST(log_z_of_a_wide_rbm_by_the_hidden_layer) {
    ebm_rbm *m = rbm_random(40, 4, 0, 0.8, 0.5, 9);
    ASSERT(m);
    double top = -INFINITY, sum = 0;
    for (int h = 0; h < 16; h++) {
        double t = 0;
        for (size_t j = 0; j < 4; j++) t += ((h >> j) & 1) ? m->c[j] : 0.0;
        for (size_t i = 0; i < 40; i++) {
            double in = m->b[i];
            for (size_t j = 0; j < 4; j++) in += ((h >> j) & 1) ? m->W[i * 4 + j] : 0.0;
            t += log1p(exp(in));
        }
        if (t > top) {
            sum *= exp(top - t);
            top = t;
        }
        sum += exp(t - top);
    }
    double got = NAN;
    ebm_error err = {0};
    ASSERT_OK(ebm_rbm_log_z(m, 4, &got, &err));
    ASSERT_NEAR(got, top + log(sum), 1e-10 * fabs(got));
    rbm_destroy(m);
}

TEST(refuses_beyond_the_limit_naming_the_layers) {
    ebm_rbm *m = rbm_random(30, 26, 0, 0.1, 0.1, 1);
    ASSERT(m);
    ebm_error err = {0};
    double log_z = 0;
    ASSERT_EQ(ebm_rbm_log_z(m, 25, &log_z, &err), EBM_ELIMIT);
    ASSERT_STR_CONTAINS(err.msg, "30 visible, 26 hidden");
    ASSERT_STR_CONTAINS(err.msg, "2^26 states");
    ASSERT_STR_CONTAINS(err.msg, "the limit is 2^25");
    rbm_destroy(m);
    /* Gaussian visible units: only the hidden layer can be enumerated, even
     * when the visible layer is smaller. */
    m = rbm_random(3, 26, 1, 0.1, 0.1, 1);
    ASSERT(m);
    ASSERT_EQ(ebm_rbm_log_z(m, 25, &log_z, &err), EBM_ELIMIT);
    ASSERT_STR_CONTAINS(err.msg, "hidden layer, 2^26 states");
    ASSERT_STR_CONTAINS(err.msg, "Gaussian");
    rbm_destroy(m);
}

/* The estimator's log-likelihood: mean over the rows of −F(v) − log Z, with
 * 44 units in all (beyond the generic path's limit of 20) but 4 hidden. */
TEST(exact_estimator_uses_the_rbm_log_partition) {
    const size_t nv = 40, nh = 4, rows = 12;
    ebm_rbm *m = rbm_random(nv, nh, 0, 0.8, 0.5, 11);
    ASSERT(m);
    float x[12 * 40];
    ebm_rng rng;
    ebm_rng_seed(&rng, 5);
    for (size_t k = 0; k < rows * nv; k++) x[k] = (float)ebm_rng_bernoulli(&rng, 0.3);
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    double log_z = NAN, want = 0;
    ebm_error err = {0};
    ASSERT_OK(ebm_rbm_log_z(m, 25, &log_z, &err));
    for (size_t r = 0; r < rows; r++) want += naive_neg_free_energy(m, x + r * nv) - log_z;
    want /= (double)rows;
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_exact, "{max_units: 20}", m, &data, &data,
                          NULL, 1, log, &err);
    if (rc) FAIL_("exact: %s", err.msg);
    ASSERT_NEAR(metric(log, "exact_log_z"), log_z, 0);
    ASSERT_NEAR(metric(log, "exact_loglik"), want, 1e-4);
    /* rows: 3 uses the first three rows only */
    double want3 = 0;
    for (size_t r = 0; r < 3; r++) want3 += naive_neg_free_energy(m, x + r * nv) - log_z;
    rc = rbm_evaluate(&ebm_estimator_exact, "{rows: 3}", m, &data, &data, NULL, 1, log, &err);
    if (rc) FAIL_("exact: %s", err.msg);
    ASSERT_NEAR(metric(log, "exact_loglik"), want3 / 3, 1e-4);
    /* a limit below the hidden layer is refused with the RBM's message */
    ASSERT_EQ(rbm_evaluate(&ebm_estimator_exact, "{max_units: 3}", m, &data, &data, NULL,
                           1, log, &err), EBM_ELIMIT);
    ASSERT_STR_CONTAINS(err.msg, "40 visible, 4 hidden");
    ebm_log_free(log);
    rbm_destroy(m);
}

/* Σ_v p(v) = 1 through the estimator on a small RBM: the mean log p over all
 * 2^8 rows, exponentiated row by row, is checked via the naive sum. */
TEST(exact_estimator_likelihoods_normalise) {
    const size_t nv = 8, nh = 5;
    ebm_rbm *m = rbm_random(nv, nh, 0, 1.0, 1.0, 13);
    ASSERT(m);
    static float x[256 * 8];
    for (uint64_t code = 0; code < 256; code++) bits_of(code, nv, x + code * nv);
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    double total = 0;
    for (size_t r = 0; r < 256; r++) {
        ebm_dataset one = {.n = 1, .dim = nv, .x = x + r * nv};
        int rc = rbm_evaluate(&ebm_estimator_exact, "{marginals: false}", m, &one, &one,
                              NULL, 1, log, &err);
        if (rc) FAIL_("exact: %s", err.msg);
        total += exp(metric(log, "exact_loglik"));
    }
    ASSERT_NEAR(total, 1.0, 1e-5);
    ASSERT_NEAR(metric(log, "exact_log_z"), naive_log_z(m), 1e-9 * fabs(naive_log_z(m)));
    ebm_log_free(log);
    rbm_destroy(m);
}

/* A stochastically binarised split is scored as binary rows drawn from it,
 * not at its grey levels, which no binary model gives a probability. */
TEST(exact_estimator_scores_stochastic_rows_drawn) {
    static float x[4000 * GREY_UNITS];
    ebm_dataset data;
    double want, se;
    ebm_rbm *m = grey_split(x, 4000, &data, &want, &se);
    ASSERT(m);
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    if (rbm_evaluate(&ebm_estimator_exact, "{marginals: false}", m, &data, &data, NULL, 1,
                     log, &err))
        FAIL_("exact: %s", err.msg);
    double neg_f = metric(log, "exact_loglik") + metric(log, "exact_log_z");
    if (fabs(neg_f - want) > 5 * se)
        FAIL_("mean -F %.4f, over binary draws %.4f +- %.4f (at the grey levels %.4f)", neg_f,
              want, se, M_LN2);
    ebm_log_free(log);
    rbm_destroy(m);
}

int main(void) {
    RUN(log_z_matches_naive_sum_over_both_layers);
    RUN(gaussian_log_z_matches_quadrature);
    RUN(log_z_of_a_wide_rbm_by_the_hidden_layer);
    RUN(refuses_beyond_the_limit_naming_the_layers);
    RUN(exact_estimator_uses_the_rbm_log_partition);
    RUN(exact_estimator_likelihoods_normalise);
    RUN(exact_estimator_scores_stochastic_rows_drawn);
    TEST_MAIN_END();
}
