/* test_rbm_pll.c — the RBM monitors: pseudo_likelihood (models/rbm/rbm_pll.c)
 * against brute-force conditionals from naive free energies, its one-site
 * estimate against the all-site sum; reconstruction and free_energy_gap
 * (models/rbm/rbm_recon.c) against values worked out by hand. */
#include "test.h"

#include "rbm_est_testutil.h"

extern const ebm_estimator_ops ebm_estimator_pseudo_likelihood;
extern const ebm_estimator_ops ebm_estimator_reconstruction;
extern const ebm_estimator_ops ebm_estimator_free_energy_gap;

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* log p(v_i | v_−i) = log p(v) − log(p(v) + p(ṽ)), p ∝ exp(−F) summed naively. */
static double brute_site(ebm_rbm *m, const float *v, size_t i) {
    float flipped[64];
    memcpy(flipped, v, m->n_visible * sizeof *v);
    flipped[i] = 1.0f - flipped[i];
    double a = naive_neg_free_energy(m, v), b = naive_neg_free_energy(m, flipped);
    double top = fmax(a, b);
    return a - (top + log(exp(a - top) + exp(b - top)));
}

static float *random_rows(size_t rows, size_t n, uint64_t seed) {
    float *x = malloc(rows * n * sizeof *x);
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (size_t k = 0; x && k < rows * n; k++) x[k] = (float)ebm_rng_bernoulli(&rng, 0.4);
    return x;
}

TEST(all_sites_match_brute_force) {
    const size_t nv = 10, nh = 6, rows = 30;
    ebm_rbm *m = rbm_random(nv, nh, 0, 1.5, 1.0, 41);
    float *x = random_rows(rows, nv, 42);
    ASSERT(m && x);
    /* weights past float's e^88 take the direct route */
    m->W[0] = 95.0f;
    m->W[7] = -95.0f;
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    double want = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < nv; i++) want += brute_site(m, x + r * nv, i);
    want /= (double)rows;
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_pseudo_likelihood, "{sites: all}", m, &data,
                          &data, NULL, 1, log, &err);
    if (rc) FAIL_("pseudo_likelihood: %s", err.msg);
    ASSERT_NEAR(metric(log, "pseudo_likelihood"), want, 1e-4 * fabs(want));
    /* rows: 5 averages the first five rows only */
    double want5 = 0;
    for (size_t r = 0; r < 5; r++)
        for (size_t i = 0; i < nv; i++) want5 += brute_site(m, x + r * nv, i);
    rc = rbm_evaluate(&ebm_estimator_pseudo_likelihood, "{rows: 5}", m, &data, &data, NULL,
                      1, log, &err);
    if (rc) FAIL_("pseudo_likelihood: %s", err.msg);
    ASSERT_NEAR(metric(log, "pseudo_likelihood"), want5 / 5, 1e-4 * fabs(want5 / 5));
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

/* n_visible · log p(v_i | v_−i) at a uniform random i has mean Σ_i log p(v_i | v_−i):
 * 30 rows, each repeated 200 times, so the one-site mean must land within a
 * few standard errors (computed from the exact per-site values) of the
 * all-site mean. */
TEST(one_site_mean_matches_all_sites) {
    const size_t nv = 10, nh = 6, distinct = 30, copies = 200, rows = distinct * copies;
    ebm_rbm *m = rbm_random(nv, nh, 0, 1.5, 1.0, 43);
    float *x = random_rows(distinct, nv, 44), *big = malloc(rows * nv * sizeof *big);
    ASSERT(m && x && big);
    double all = 0, var_sum = 0;
    for (size_t r = 0; r < distinct; r++) {
        double site[16], mean = 0, var = 0;
        for (size_t i = 0; i < nv; i++) mean += (site[i] = brute_site(m, x + r * nv, i)) / nv;
        for (size_t i = 0; i < nv; i++) var += (site[i] - mean) * (site[i] - mean) / nv;
        all += mean * nv / distinct;
        var_sum += copies * (double)(nv * nv) * var;
        for (size_t c = 0; c < copies; c++)
            memcpy(big + (c * distinct + r) * nv, x + r * nv, nv * sizeof *big);
    }
    double standard_error = sqrt(var_sum) / (double)rows;
    ebm_dataset data = {.n = rows, .dim = nv, .x = big};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_pseudo_likelihood, "{sites: one, rows: 0}", m,
                          &data, &data, NULL, 5, log, &err);
    if (rc) FAIL_("pseudo_likelihood: %s", err.msg);
    double one = metric(log, "pseudo_likelihood");
    ASSERT(standard_error > 0.01);
    ASSERT_NEAR(one, all, 4 * standard_error);
    /* and it is an estimate, not the exact sum */
    ASSERT(fabs(one - all) > 1e-6);
    ebm_log_free(log);
    free(big);
    free(x);
    rbm_destroy(m);
}

/* On grey rows `sites: one` is scikit-learn's score_samples exactly:
 * n_visible · log σ(F(ṽ) − F(v)) with ṽ_i = 1 − v_i, F of the grey rows
 * summed naively here, at the site the estimator's stream picks per row. */
TEST(one_site_on_grey_rows_is_scikit_learns_formula) {
    const size_t nv = 8, nh = 5, rows = 40;
    const uint64_t seed = 9;
    ebm_rbm *m = rbm_random(nv, nh, 0, 1.0, 0.5, 45);
    float *x = malloc(rows * nv * sizeof *x);
    ASSERT(m && x);
    ebm_rng draw;
    ebm_rng_seed(&draw, 46);
    for (size_t k = 0; k < rows * nv; k++) x[k] = (float)ebm_rng_uniform(&draw);
    x[0] = 1.0f;   /* a binary value among the grey ones takes the table route */
    double want = 0;
    ebm_rng root;
    ebm_rng_seed(&root, seed);
    for (size_t r = 0; r < rows; r++) {
        ebm_rng rng;
        ebm_rng_derive(&rng, &root, r);
        size_t i = (size_t)ebm_rng_below(&rng, nv);
        float flipped[16];
        memcpy(flipped, x + r * nv, nv * sizeof *flipped);
        flipped[i] = 1.0f - flipped[i];
        double gap = naive_neg_free_energy(m, x + r * nv) - naive_neg_free_energy(m, flipped);
        want += (double)nv * -log1p(exp(-gap)) / (double)rows;
    }
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_pseudo_likelihood, "{sites: one, rows: 0}", m, &data,
                          &data, NULL, seed, log, &err);
    if (rc) FAIL_("pseudo_likelihood: %s", err.msg);
    ASSERT_NEAR(metric(log, "pseudo_likelihood"), want, 1e-5 * fabs(want));
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

/* A stochastically binarised split is scored over every site as binary rows
 * drawn from it, as exact and ais score it, not thresholded: grey_split's
 * rows are all 0.5, which the threshold reads as all units on. The mean of
 * Σ_i log p(v_i | v_−i) over the 1,024 equally likely draws (enumerated,
 * with brute_site) is the target, within 5 standard errors. */
TEST(all_sites_score_stochastic_rows_drawn) {
    enum { ROWS = 4000 };
    static float x[ROWS * GREY_UNITS];
    ebm_dataset data;
    double unused_mean, unused_se;
    ebm_rbm *m = grey_split(x, ROWS, &data, &unused_mean, &unused_se);
    ASSERT(m);
    double m1 = 0, m2 = 0;
    for (unsigned state = 0; state < 1u << GREY_UNITS; state++) {
        float v[GREY_UNITS];
        for (int i = 0; i < GREY_UNITS; i++) v[i] = (float)((state >> i) & 1u);
        double pl = 0;
        for (size_t i = 0; i < GREY_UNITS; i++) pl += brute_site(m, v, i);
        m1 += pl / 1024.0;
        m2 += pl * pl / 1024.0;
    }
    double se = sqrt((m2 - m1 * m1) / ROWS);
    float ones[GREY_UNITS];
    for (int i = 0; i < GREY_UNITS; i++) ones[i] = 1.0f;
    double thresholded = 0;
    for (size_t i = 0; i < GREY_UNITS; i++) thresholded += brute_site(m, ones, i);
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    if (rbm_evaluate(&ebm_estimator_pseudo_likelihood, "{sites: all, rows: 0}", m, &data,
                     &data, NULL, 3, log, &err))
        FAIL_("pseudo_likelihood: %s", err.msg);
    double got = metric(log, "pseudo_likelihood");
    if (fabs(got - m1) > 5 * se)
        FAIL_("pseudo-likelihood %.4f, over binary draws %.4f +- %.4f (thresholded %.4f)", got,
              m1, se, thresholded);
    ASSERT(fabs(thresholded - m1) > 100 * se);   /* the test tells the two apart */
    ebm_log_free(log);
    rbm_destroy(m);
}

TEST(gaussian_visible_units_are_refused) {
    ebm_rbm *m = rbm_random(4, 3, 1, 0.5, 0.5, 45);
    ASSERT(m);
    float x[4] = {0.1f, -0.3f, 1.0f, 0.0f};
    ebm_dataset data = {.n = 1, .dim = 4, .x = x};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    ASSERT_EQ(rbm_evaluate(&ebm_estimator_pseudo_likelihood, "{}", m, &data, &data, NULL,
                           1, log, &err), EBM_ENOTSUP);
    ASSERT_STR_CONTAINS(err.msg, "Gaussian");
    ebm_log_free(log);
    rbm_destroy(m);
}

/* W = [1, −1]ᵀ, b = 0, c = 0, v = (1, 0): p = σ(1), r = (σ(p), σ(−p)), so the
 * error per unit is ((1 − σ(p))² + σ(−p)²)/2 = σ(−p)². Gaussian: r = b + pW. */
TEST(reconstruction_by_hand) {
    ebm_rbm *m = rbm_random(2, 1, 0, 0.0, 0.0, 1);
    ASSERT(m);
    m->W[0] = 1.0f;
    m->W[1] = -1.0f;
    float x[2] = {1.0f, 0.0f};
    ebm_dataset data = {.n = 1, .dim = 2, .x = x};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    ASSERT_OK(rbm_evaluate(&ebm_estimator_reconstruction, "{}", m, &data, &data, NULL, 1,
                           log, &err));
    double p = sigmoid(1.0);
    ASSERT_NEAR(metric(log, "reconstruction"), sigmoid(-p) * sigmoid(-p), 1e-6);
    rbm_destroy(m);
    /* Gaussian, b = (0.5, 0), v = (2, −1): input 2 − (−1) = 3, p = σ(3),
     * r = (0.5 + p, −p), error ((1.5 − p)² + (p − 1)²)/2. */
    m = rbm_random(2, 1, 1, 0.0, 0.0, 1);
    ASSERT(m);
    m->W[0] = 1.0f;
    m->W[1] = -1.0f;
    m->b[0] = 0.5f;
    float g[2] = {2.0f, -1.0f};
    data.x = g;
    ASSERT_OK(rbm_evaluate(&ebm_estimator_reconstruction, "{}", m, &data, &data, NULL, 1,
                           log, &err));
    p = sigmoid(3.0);
    ASSERT_NEAR(metric(log, "reconstruction"),
                ((1.5 - p) * (1.5 - p) + (p - 1) * (p - 1)) / 2, 1e-6);
    ebm_log_free(log);
    rbm_destroy(m);
}

/* One visible and one hidden unit, W = 2, b = 0.5, c = −1:
 *   F(0) = −softplus(−1),  F(1) = −0.5 − softplus(1),
 * and softplus(1) − softplus(−1) = 1, so F(0) − F(1) = 1.5 exactly. */
TEST(free_energy_gap_by_hand) {
    ebm_rbm *m = rbm_random(1, 1, 0, 0.0, 0.0, 1);
    ASSERT(m);
    m->W[0] = 2.0f;
    m->b[0] = 0.5f;
    m->c[0] = -1.0f;
    float ones[3] = {1, 1, 1}, zeros[2] = {0, 0}, mixed[2] = {1, 0};
    ebm_dataset train = {.n = 3, .dim = 1, .x = ones}, valid = {.n = 2, .dim = 1, .x = zeros};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    /* two rows of each (the smaller split's size) */
    ASSERT_OK(rbm_evaluate(&ebm_estimator_free_energy_gap, "{}", m, &train, &train, &valid,
                           1, log, &err));
    ASSERT_NEAR(metric(log, "free_energy_gap"), 1.5, 1e-6);
    ASSERT_NEAR(metric(log, "free_energy_gap_f_train"), -0.5 - log1p(exp(1.0)), 1e-6);
    ASSERT_NEAR(metric(log, "free_energy_gap_f_valid"), -log1p(exp(-1.0)), 1e-6);
    /* train rows {1, 0}: mean F halfway, gap 0.75 */
    train = (ebm_dataset){.n = 2, .dim = 1, .x = mixed};
    ASSERT_OK(rbm_evaluate(&ebm_estimator_free_energy_gap, "{rows: 0}", m, &train, &train,
                           &valid, 1, log, &err));
    ASSERT_NEAR(metric(log, "free_energy_gap"), 0.75, 1e-6);
    /* no validation rows: an error that says what to set */
    ebm_dataset empty = {.n = 0, .dim = 1, .x = NULL};
    ASSERT_EQ(rbm_evaluate(&ebm_estimator_free_energy_gap, "{}", m, &train, &train, &empty,
                           1, log, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "data.valid");
    ebm_log_free(log);
    rbm_destroy(m);
}

int main(void) {
    RUN(all_sites_match_brute_force);
    RUN(one_site_mean_matches_all_sites);
    RUN(one_site_on_grey_rows_is_scikit_learns_formula);
    RUN(all_sites_score_stochastic_rows_drawn);
    RUN(gaussian_visible_units_are_refused);
    RUN(reconstruction_by_hand);
    RUN(free_energy_gap_by_hand);
    TEST_MAIN_END();
}
