/* test_rbm_ais.c — the ais estimator (models/rbm/rbm_ais.c) against the exact log Z
 * of RBMs small enough to enumerate: Bernoulli and Gaussian visible units,
 * the interval, the likelihood built on it, and the downward bias of a
 * short schedule. */
#include "test.h"

#include "ais.h"

#include "rbm_est_testutil.h"

extern const ebm_estimator_ops ebm_estimator_ais;
extern const ebm_model_ops ebm_model_hopfield;

/* rows × n of Bernoulli(p) draws, the data whose marginals make the base. */
static float *random_rows(size_t rows, size_t n, double p, uint64_t seed) {
    float *x = malloc(rows * n * sizeof *x);
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (size_t k = 0; x && k < rows * n; k++) x[k] = (float)ebm_rng_bernoulli(&rng, p);
    return x;
}

/* Both schedules run from β = 0 to exactly β = 1, strictly rising: one that
 * stops short anneals to another model, and its log Z is off by
 * (1 − β_K)·(what the last step leaves out) with nothing to show it. */
TEST(schedules_end_at_beta_one) {
    const char *cfgs[3] = {"{schedule: default}", "{schedule: linear, steps: 10}",
                           "{schedule: linear, steps: 1}"};
    const size_t counts[3] = {14501, 11, 2};
    for (int k = 0; k < 3; k++) {
        ebm_error err = {0};
        ebm_node *cfg = ebm_cfg_parse_string(cfgs[k], strlen(cfgs[k]), "ais", &err);
        ASSERT(cfg);
        size_t n = 0;
        double *beta = ebm_ais_schedule(cfg, &n);
        ASSERT(beta);
        ASSERT_EQ(n, counts[k]);
        ASSERT(beta[0] == 0.0 && beta[n - 1] == 1.0);
        for (size_t i = 1; i < n; i++) ASSERT(beta[i] > beta[i - 1]);
        free(beta);
        ebm_node_free(cfg);
    }
}

/* The summary of weights 1, 2, 3, 4 (base log Z 0.5): mean 2.5, sd √(5/3),
 * so log Ẑ = 0.5 + log 2.5 and the ±3 sd/√M interval is 2.5 ± 3·1.2910/2;
 * ESS = 10²/30. Weights 1 and 100 leave the interval open below. */
TEST(weight_summary_by_hand) {
    const double log_w[4] = {0, log(2.0), log(3.0), log(4.0)};
    ebm_ais_result r = ebm_ais_summarise(log_w, 4, 0.5);
    double half = 3.0 * sqrt(5.0 / 3.0) / 2.0;
    ASSERT_NEAR(r.log_z, 0.5 + log(2.5), 1e-12);
    ASSERT_NEAR(r.log_z_hi, 0.5 + log(2.5 + half), 1e-12);
    ASSERT_NEAR(r.log_z_lo, 0.5 + log(2.5 - half), 1e-12);
    ASSERT_NEAR(r.ess, 100.0 / 30.0, 1e-12);
    const double wide[2] = {0, log(100.0)};
    ASSERT(isinf(ebm_ais_summarise(wide, 2, 0).log_z_lo));
    /* the halves: {1, 2} and {3, 4} give log 1.5 and log 3.5 */
    ASSERT_NEAR(ebm_ais_halves_gap(log_w, 4, 0.5), log(3.5 / 1.5), 1e-12);
}

/* The sandwich by hand: RAISE's mean and its standard error (of the chains'
 * part ref − log p̂), the ends, and a verdict that needs both ends to agree:
 * a narrow sandwich is reliable, one whose ends cross (RAISE above the
 * forward end: the annealed model above the model) is not. */
TEST(sandwich_by_hand) {
    const double raise_log_p[4] = {-10, -11, -12, -13}, ref[4] = {-9, -11, -11, -13};
    ebm_ais_result forward = {.log_z = 5, .log_z_lo = 4.9, .log_z_hi = 5.1, .ess = 50};
    ebm_node *cfg = ebm_cfg_parse_string("{}", 2, "est.yaml", NULL);
    /* chains' part: {1, 0, 1, 0}, mean 0.5, sd sqrt(1/3), se sqrt(1/12) */
    ebm_sandwich s = ebm_ais_sandwich(raise_log_p, ref, 4, -7.0, &forward, 0.1, 100, cfg);
    ASSERT_NEAR(s.raise_loglik, -11.5, 1e-12);
    ASSERT_NEAR(s.raise_se, sqrt(1.0 / 12.0), 1e-12);
    ASSERT_NEAR(s.lo, -11.5 - 3 * sqrt(1.0 / 12.0), 1e-12);
    ASSERT_NEAR(s.hi, -7.0 - 4.9, 1e-12);
    ASSERT(s.reliable);
    /* the forward end 1.5 nats lower: the ends cross */
    s = ebm_ais_sandwich(raise_log_p, ref, 4, -8.5, &forward, 0.1, 100, cfg);
    ASSERT(s.gap < 0 && !s.reliable);
    /* no exact free energy: open above, not reliable */
    s = ebm_ais_sandwich(raise_log_p, ref, 4, NAN, &forward, 0.1, 100, cfg);
    ASSERT(isinf(s.hi) && !s.reliable);
    ebm_node_free(cfg);
}

TEST(default_schedule_matches_exact_log_z) {
    const size_t nv = 12, nh = 8, rows = 200;
    ebm_rbm *m = rbm_random(nv, nh, 0, 1.0, 0.5, 21);
    float *x = random_rows(rows, nv, 0.3, 22);
    ASSERT(m && x);
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    double exact = naive_log_z(m);
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 100}", m, &data, &data, NULL, 3,
                          log, &err);
    if (rc) FAIL_("ais: %s", err.msg);
    double log_z = metric(log, "ais_log_z"), lo = metric(log, "ais_log_z_lo"),
           hi = metric(log, "ais_log_z_hi");
    ASSERT_NEAR(log_z, exact, 0.05);
    ASSERT(lo <= exact && exact <= hi);
    ASSERT(lo < log_z && log_z < hi);
    /* the likelihood is mean −F(v) − log Ẑ, its bounds from the other end */
    double neg_f = 0;
    for (size_t r = 0; r < rows; r++) neg_f += naive_neg_free_energy(m, x + r * nv);
    neg_f /= (double)rows;
    ASSERT_NEAR(metric(log, "ais_loglik"), neg_f - log_z, 1e-4);
    ASSERT_NEAR(metric(log, "ais_loglik_lo"), neg_f - hi, 1e-4);
    ASSERT_NEAR(metric(log, "ais_loglik_hi"), neg_f - lo, 1e-4);
    /* a long schedule leaves the weights nearly equal */
    double ess = metric(log, "ais_ess");
    ASSERT(ess > 50 && ess <= 100 + 1e-9);
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

/* Gaussian visible units: base N(b_A, 1), exact log Z by the hidden layer
 * (itself checked against quadrature in test_rbm_exact). */
TEST(gaussian_visible_units_match_exact_log_z) {
    const size_t nv = 6, nh = 8, rows = 100;
    ebm_rbm *m = rbm_random(nv, nh, 1, 0.4, 0.5, 31);
    float *x = random_rows(rows, nv, 0.5, 32);
    ASSERT(m && x);
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    double exact = NAN;
    ebm_error err = {0};
    ASSERT_OK(ebm_rbm_log_z(m, 25, &exact, &err));
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 100}", m, &data, &data, NULL, 4,
                          log, &err);
    if (rc) FAIL_("ais: %s", err.msg);
    double log_z = metric(log, "ais_log_z");
    ASSERT_NEAR(log_z, exact, 0.05);
    ASSERT(metric(log, "ais_log_z_lo") <= exact && exact <= metric(log, "ais_log_z_hi"));
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

/* E[Ẑ] = Z, so by Jensen E[log Ẑ] ≤ log Z, with a gap that grows with the
 * variance of the log weights: a 10-step schedule, far from equilibrium,
 * must come out low on average over many seeds (each estimate alone may
 * land on either side). */
TEST(short_schedule_underestimates_on_average) {
    const size_t nv = 12, nh = 8, rows = 200;
    ebm_rbm *m = rbm_random(nv, nh, 0, 1.0, 0.5, 21);
    float *x = random_rows(rows, nv, 0.3, 22);
    ASSERT(m && x);
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    double exact = naive_log_z(m), mean_error = 0;
    const int seeds = 40;
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    for (int s = 0; s < seeds; s++) {
        int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 10, schedule: linear, steps: 10}",
                              m, &data, &data, NULL, 100 + (uint64_t)s, log, &err);
        if (rc) FAIL_("ais: %s", err.msg);
        mean_error += (metric(log, "ais_log_z") - exact) / seeds;
    }
    ASSERT(mean_error < -0.05);
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

TEST(same_seed_same_estimate) {
    ebm_rbm *m = rbm_random(12, 8, 0, 1.0, 0.5, 21);
    float *x = random_rows(50, 12, 0.3, 22);
    ASSERT(m && x);
    ebm_dataset data = {.n = 50, .dim = 12, .x = x};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    double first[2];
    for (int k = 0; k < 2; k++) {
        int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 7, schedule: linear, steps: 50}",
                              m, &data, &data, NULL, 9, log, &err);
        if (rc) FAIL_("ais: %s", err.msg);
        first[k] = metric(log, "ais_log_z");
    }
    ASSERT_NEAR(first[0], first[1], 0);
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

/* Mean exact log p(v) over the rows. */
static double exact_loglik(ebm_rbm *m, const float *x, size_t rows) {
    double log_z = naive_log_z(m), total = 0;
    for (size_t r = 0; r < rows; r++) total += naive_neg_free_energy(m, x + r * m->n_visible);
    return total / (double)rows - log_z;
}

/* An RBM with no weights and no hidden biases whose visible biases are the
 * base rates of *x (rows × nv, Bernoulli(0.3), made here): the base model's
 * visible part, so AIS's visible term is 0. */
static ebm_rbm *rbm_at_base_rates(size_t nv, size_t nh, size_t rows, float **x) {
    ebm_rbm *m = rbm_random(nv, nh, 0, 0.0, 0.0, 5);
    *x = random_rows(rows, nv, 0.3, 6);
    float *base = malloc(nv * sizeof *base);
    if (m && *x && base) {
        ebm_rbm_base_rates(m, *x, rows, nv, base);
        memcpy(m->b, base, nv * sizeof *base);
    }
    free(base);
    return m;
}

/* RAISE's annealed model is the model itself when every intermediate
 * distribution is the same: visible biases at the base rates, no weights,
 * no hidden biases. Then every increment is 0 and log p̂(v) = log p(v)
 * exactly, which pins base log Z, −F(v) and the signs. */
TEST(raise_is_exact_when_annealing_changes_nothing) {
    const size_t nv = 8, nh = 5, rows = 40;
    float *x = NULL;
    ebm_rbm *m = rbm_at_base_rates(nv, nh, rows, &x);
    ASSERT(m && x);
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 10, schedule: linear, steps: 20, "
                          "raise_rows: 40}", m, &data, &data, NULL, 3, log, &err);
    if (rc) FAIL_("ais: %s", err.msg);
    ASSERT_NEAR(metric(log, "ais_raise_loglik"), exact_loglik(m, x, rows), 1e-5);
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

/* With no weights the hidden units do not see v, and one step from β = 0
 * to 1 gives every run the same weight, Σ_j softplus(c_j) − n_h log 2, so
 * the estimate is exactly log Z = Σ softplus(b) + Σ softplus(c). 9003
 * hidden units whose biases reach ±55 and beyond ±60 take every path of
 * the weight's hidden part: the eight-lane chunks and the leftover units,
 * lanes of over 1,100 factors near 2 whose products pass 1e200 (folded into
 * the log sum), and units past |Δβ x| = 60 summed apart. */
TEST(one_step_is_exact_when_hidden_units_ignore_v) {
    const size_t nv = 8, nh = 9003, rows = 40;
    float *x = NULL;
    ebm_rbm *m = rbm_at_base_rates(nv, nh, rows, &x);
    ASSERT(m && x);
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    double exact = 0;
    for (size_t j = 0; j < nh; j++) {
        static const float bias[] = {55.0f, -54.5f, 3.0f, 57.25f, -58.0f, 61.0f, -75.0f};
        m->c[j] = bias[j % 7];
        exact += ebm_softplus(m->c[j]);
    }
    for (size_t i = 0; i < nv; i++) exact += ebm_softplus(m->b[i]);
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 10, schedule: linear, steps: 1}", m,
                          &data, &data, NULL, 3, log, &err);
    if (rc) FAIL_("ais: %s", err.msg);
    printf("  one-step log Z %.6f, exact %.6f\n", metric(log, "ais_log_z"), exact);
    ASSERT_NEAR(metric(log, "ais_log_z"), exact, 1e-3);
    ebm_log_free(log);
    free(x);
    rbm_destroy(m);
}

/* RAISE bounds log p from below in expectation: on three RBMs small enough
 * to enumerate (weights of scale 1, 2 and 3: the last strongly multimodal),
 * its mean over 100 rows lies below the exact mean log-likelihood (within
 * two of its standard errors), the sandwich [lo, hi] holds the exact value, and a
 * longer schedule moves RAISE closer to it. */
TEST(raise_is_below_the_exact_loglik_and_the_sandwich_holds_it) {
    const size_t nv = 10, nh = 6, rows = 100;
    const double scales[3] = {1.0, 2.0, 3.0};
    for (int k = 0; k < 3; k++) {
        ebm_rbm *m = rbm_random(nv, nh, 0, scales[k], 0.5, 40 + (uint64_t)k);
        float *x = random_rows(rows, nv, 0.4, 50 + (uint64_t)k);
        ASSERT(m && x);
        ebm_dataset data = {.n = rows, .dim = nv, .x = x};
        double exact = exact_loglik(m, x, rows), gap[2];
        const char *cfgs[2] = {"{runs: 100, schedule: linear, steps: 10, raise_rows: 100}",
                               "{runs: 100, schedule: linear, steps: 1000, raise_rows: 100}"};
        for (int c = 0; c < 2; c++) {
            ebm_error err = {0};
            ebm_log *log = ebm_log_new(NULL);
            int rc = rbm_evaluate(&ebm_estimator_ais, cfgs[c], m, &data, &data, NULL, 7, log,
                                  &err);
            if (rc) FAIL_("ais: %s", err.msg);
            double raise = metric(log, "ais_raise_loglik"), se = metric(log, "ais_raise_loglik_se");
            double lo = metric(log, "ais_sandwich_lo"), hi = metric(log, "ais_sandwich_hi");
            printf("  scale %g, %s: exact %.4f, RAISE %.4f +- %.4f, sandwich [%.4f, %.4f], "
                   "reliable %g\n", scales[k], c ? "1000 steps" : "10 steps", exact, raise,
                   se, lo, hi, metric(log, "ais_reliable"));
            ASSERT(se > 0 && raise < exact + 2 * se);
            ASSERT(lo <= exact && exact <= hi);
            ASSERT(isinf(hi) ? isinf(metric(log, "ais_sandwich_gap"))
                             : fabs(metric(log, "ais_sandwich_gap") - (hi - lo)) < 1e-9);
            gap[c] = exact - raise;
            ebm_log_free(log);
        }
        ASSERT(gap[1] < gap[0]);
        ASSERT(gap[1] < 0.1);
        free(x);
        rbm_destroy(m);
    }
}

/* log p*_β(v) of the annealing path (rbm_ais.c's header), hidden units summed out. */
static double annealed_log_unnorm(const ebm_rbm *m, const float *base, double beta,
                                  const float *v) {
    double total = 0;
    for (size_t i = 0; i < m->n_visible; i++)
        total += ((1 - beta) * base[i] + beta * m->b[i]) * v[i];
    for (size_t j = 0; j < m->n_hidden; j++) {
        double x = m->c[j];
        for (size_t i = 0; i < m->n_visible; i++) x += v[i] * m->W[i * m->n_hidden + j];
        total += ebm_softplus(beta * x);
    }
    return total;
}

/* T_β(to | from) over visible states: h ~ p_β(h | v), then v ~ p_β(v | h),
 * by enumerating h. Written from the definition, not from the sampler. */
static double annealed_transition(const ebm_rbm *m, const float *base, double beta,
                                  const float *from, const float *to) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    double total = 0;
    for (uint64_t code = 0; code < ((uint64_t)1 << nh); code++) {
        double p = 1;
        for (size_t j = 0; j < nh; j++) {
            double x = m->c[j];
            for (size_t i = 0; i < nv; i++) x += from[i] * m->W[i * nh + j];
            double on = 1 / (1 + exp(-beta * x));
            p *= (code >> j) & 1 ? on : 1 - on;
        }
        for (size_t i = 0; i < nv; i++) {
            double x = m->b[i];
            for (size_t j = 0; j < nh; j++) x += (double)((code >> j) & 1) * m->W[i * nh + j];
            double on = 1 / (1 + exp(-((1 - beta) * base[i] + beta * x)));
            p *= to[i] > 0.5f ? on : 1 - on;
        }
        total += p;
    }
    return total;
}

/* On a two-step schedule (β = 0, ½, 1) RAISE from v runs x_a ~ T_1(·|v),
 * x_b ~ T_½(·|x_a) and reports log p*(v) − log Z_A − Δ_2(x_a) − Δ_1(x_b),
 * Δ_k = log p*_{β_k} − log p*_{β_{k−1}}. Its expectation is a finite sum over
 * (x_a, x_b), enumerated here for every v of a 4-unit RBM with strong
 * weights; the mean over 32,000 chains must land within 4 standard errors.
 * A transition at the wrong temperature (hidden drawn at β_k on the way
 * down) moves the mean by O(Δβ), which longer schedules hide. */
TEST(raise_mean_matches_its_enumerated_expectation) {
    const size_t nv = 4, nh = 3, copies = 2000, states = 16, rows = states * copies;
    ebm_rbm *m = rbm_random(nv, nh, 0, 2.0, 0.5, 70);
    float *x = malloc(rows * nv * sizeof *x);
    ASSERT(m && x);
    for (size_t r = 0; r < rows; r++) bits_of(r / copies, nv, x + r * nv);
    float base[4];
    ebm_rbm_base_rates(m, x, rows, nv, base);
    size_t count = 0;
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string("{schedule: linear, steps: 2}", 28, "s.yaml", &err);
    double *beta = cfg ? ebm_ais_schedule(cfg, &count) : NULL;
    ASSERT(beta && count == 3);
    double log_z_base = 0;
    {
        double sum = 0;
        float v[4];
        for (uint64_t c = 0; c < states; c++) {
            bits_of(c, nv, v);
            sum += exp(annealed_log_unnorm(m, base, 0.0, v));
        }
        log_z_base = log(sum);
    }
    double expected = 0;
    for (uint64_t c = 0; c < states; c++) {
        float v[4], xa[4], xb[4];
        bits_of(c, nv, v);
        double e = annealed_log_unnorm(m, base, 1.0, v) - log_z_base;
        for (uint64_t a = 0; a < states; a++) {
            bits_of(a, nv, xa);
            double pa = annealed_transition(m, base, beta[2], v, xa);
            e -= pa * (annealed_log_unnorm(m, base, beta[2], xa) -
                       annealed_log_unnorm(m, base, beta[1], xa));
            for (uint64_t b = 0; b < states; b++) {
                bits_of(b, nv, xb);
                double pb = annealed_transition(m, base, beta[1], xa, xb);
                e -= pa * pb * (annealed_log_unnorm(m, base, beta[1], xb) -
                                annealed_log_unnorm(m, base, beta[0], xb));
            }
        }
        expected += e / (double)states;
    }
    ebm_dataset data = {.n = rows, .dim = nv, .x = x};
    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 10, schedule: linear, steps: 2, "
                          "raise_rows: 32000}", m, &data, &data, NULL, 11, log, &err);
    if (rc) FAIL_("ais: %s", err.msg);
    double raise = metric(log, "ais_raise_loglik"), se = metric(log, "ais_raise_loglik_se");
    printf("  RAISE %.4f +- %.4f, enumerated expectation %.4f\n", raise, se, expected);
    ASSERT(se > 0 && se < 0.05);
    ASSERT(fabs(raise - expected) < 4 * se);
    ebm_log_free(log);
    ebm_node_free(cfg);
    free(beta);
    free(x);
    rbm_destroy(m);
}

TEST(supports_only_the_rbm) {
    char why[256] = "";
    ASSERT(ebm_estimator_supports(&ebm_estimator_ais, &ebm_model_rbm, why,
                                  sizeof why));
    ASSERT(!ebm_estimator_supports(&ebm_estimator_ais, &ebm_model_hopfield, why,
                                  sizeof why));
    ASSERT_STR_CONTAINS(why, "hopfield");
}

/* A stochastically binarised split is scored as binary rows drawn from it,
 * the same rows forward (loglik + log_z = their mean −F) and back (the
 * sandwich's upper end + log_z_lo = the mean −F of RAISE's rows), not at its
 * grey levels, which no binary model gives a probability. */
TEST(stochastic_rows_are_scored_drawn_forward_and_back) {
    static float x[4000 * GREY_UNITS];
    ebm_dataset data;
    double want, se;
    ebm_rbm *m = grey_split(x, 4000, &data, &want, &se);
    ASSERT(m);
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    if (rbm_evaluate(&ebm_estimator_ais, "{runs: 50, schedule: linear, steps: 200}", m, &data,
                     &data, NULL, 1, log, &err))
        FAIL_("ais: %s", err.msg);
    double forward = metric(log, "ais_loglik") + metric(log, "ais_log_z");
    double back = metric(log, "ais_sandwich_hi") + metric(log, "ais_log_z_lo");
    if (fabs(forward - want) > 5 * se)
        FAIL_("forward: mean -F %.4f, over binary draws %.4f +- %.4f (grey levels: %.4f)",
              forward, want, se, M_LN2);
    double se_100 = se * sqrt(4000.0 / 100.0);   /* RAISE's 100 rows */
    if (!(fabs(back - want) < 5 * se_100))
        FAIL_("RAISE rows: mean -F %.4f, over binary draws %.4f +- %.4f (grey levels: %.4f)",
              back, want, se_100, M_LN2);
    ebm_log_free(log);
    rbm_destroy(m);
}

int main(void) {
    RUN(schedules_end_at_beta_one);
    RUN(weight_summary_by_hand);
    RUN(sandwich_by_hand);
    RUN(default_schedule_matches_exact_log_z);
    RUN(gaussian_visible_units_match_exact_log_z);
    RUN(short_schedule_underestimates_on_average);
    RUN(same_seed_same_estimate);
    RUN(raise_is_exact_when_annealing_changes_nothing);
    RUN(one_step_is_exact_when_hidden_units_ignore_v);
    RUN(raise_is_below_the_exact_loglik_and_the_sandwich_holds_it);
    RUN(raise_mean_matches_its_enumerated_expectation);
    RUN(supports_only_the_rbm);
    RUN(stochastic_rows_are_scored_drawn_forward_and_back);
    TEST_MAIN_END();
}
