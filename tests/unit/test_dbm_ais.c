/* test_dbm_ais.c — the DBM's likelihood estimators against exact answers:
 * the exact free energy (either half of the hidden layers enumerated)
 * against enumeration of every hidden unit, the exact estimator on a DBM,
 * dbm_ais's interval around the exact log Z of small DBMs (random weights
 * of scale 1 with two and three hidden layers, and a pretrained one), the
 * variational bound below the exact log-likelihood, and RAISE below it with
 * the sandwich around it, for DBMs with and without label units and with
 * the base's hidden units as fair coins or at the data's activations
 * (start: data), and for a Fashion-MNIST DBM where forward AIS misses a
 * mode. */
#include "test.h"

#include <math.h>
#include <stdint.h>

#include "dbm.h"
#include "enumerate.h"
#include "estimator.h"
#include "log.h"
#include "runfile.h"
#include "runner.h"

extern const ebm_model_ops ebm_model_dbm;
extern const ebm_estimator_ops ebm_estimator_dbm_ais;
extern const ebm_estimator_ops ebm_estimator_exact;

static ebm_dbm *dbm_from(const char *yaml, const ebm_dataset *data, uint64_t seed) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
    if (!cfg) return NULL;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    void *m = NULL;
    if (ebm_model_dbm.xCreate(cfg, data, &rng, &m, &err)) {
        fprintf(stderr, "xCreate: %s\n", err.msg);
        m = NULL;
    }
    ebm_node_free(cfg);
    return m;
}

/* W ~ N(0, w²), biases ~ N(0, bias²). */
static void randomise(ebm_dbm *m, double w, double bias, uint64_t seed) {
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (int l = 0; l <= m->n_hidden_layers; l++) {
        for (size_t i = 0; i < m->size[l]; i++) m->bias[l][i] = (float)(bias * ebm_rng_normal(&rng));
        if (l == 0) continue;
        for (size_t k = 0; k < m->size[l - 1] * m->size[l]; k++)
            m->W[l][k] = (float)(w * ebm_rng_normal(&rng));
    }
    for (size_t c = 0; c < m->n_labels; c++) m->label_bias[c] = (float)(bias * ebm_rng_normal(&rng));
    for (size_t k = 0; k < m->n_labels * m->size[m->n_hidden_layers]; k++)
        m->U[k] = (float)(w * ebm_rng_normal(&rng));
}

/* n random binary rows of dim values. */
static void random_rows(ebm_dataset *d, size_t n, size_t dim, uint64_t seed) {
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    d->n = n;
    d->dim = dim;
    d->x = malloc(n * dim * sizeof *d->x);
    for (size_t k = 0; k < n * dim; k++) d->x[k] = ebm_rng_uniform(&rng) < 0.4 ? 1.0f : 0.0f;
}

static double metric(const ebm_log *log, const char *name) {
    double v = NAN;
    return ebm_log_last(log, name, &v) ? v : NAN;
}

static int evaluate(const ebm_estimator_ops *est, const char *yaml, ebm_dbm *m,
                    const ebm_dataset *data, uint64_t seed, ebm_log *log) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", &err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    ebm_log_begin(log, 1, est->info.name, est->info.name, "train");
    ebm_eval ev = {.ops = &ebm_model_dbm, .model = m, .data = data, .train = data,
                   .cfg = cfg, .rng = &rng, .log = log, .step = 1};
    int rc = est->xEvaluate(&ev, &err);
    if (rc) fprintf(stderr, "%s: %s\n", est->info.name, err.msg);
    ebm_node_free(cfg);
    return rc;
}

/* F(v) by enumerating every hidden unit (enumerate.c, through xEnergy and
 * xFlipEnergy) against the DBM's half-enumeration, for shapes where the
 * odd and where the even hidden layers are the smaller half. */
TEST(free_energy_matches_enumeration) {
    static const char *shapes[] = {"{layers: [3, 5], bias_init: zero}",
                                   "{layers: [5, 3], bias_init: zero}",
                                   "{layers: [3, 2, 4], bias_init: zero}",
                                   "{layers: [4], bias_init: zero}"};
    for (int s = 0; s < 4; s++) {
        ebm_dataset shape = {.dim = 5};
        ebm_dbm *m = dbm_from(shapes[s], &shape, 1);
        ASSERT(m != NULL);
        randomise(m, 1.0, 0.5, 20 + (uint64_t)s);
        ebm_enum e;
        ebm_error err = {0};
        ASSERT_OK(ebm_enum_init(&e, &ebm_model_dbm, m, 20, &err));
        float *state = calloc(m->units, sizeof *state);
        for (uint64_t code = 0; code < 32; code++) {
            for (size_t i = 0; i < 5; i++) state[i] = (float)((code >> i) & 1);
            double log_p, free_energy;
            ASSERT_OK(ebm_enum_log_p_data(&e, state, 0.0, &log_p, &err));
            ASSERT_OK(ebm_dbm_free_energy(m, state, 1, 20, &free_energy, &err));
            ASSERT_NEAR(-free_energy, log_p, 1e-9 * (1 + fabs(log_p)));
        }
        double log_z, enum_log_z;
        ASSERT_OK(ebm_dbm_log_z(m, 20, &log_z, &err));
        ASSERT_OK(ebm_enum_log_z(&e, &enum_log_z, &err));
        ASSERT_NEAR(log_z, enum_log_z, 1e-9 * fabs(enum_log_z));
        /* beyond the limit: refused, naming the layers */
        ASSERT(ebm_dbm_free_energy(m, state, 1, 1, &log_z, &err) == EBM_ELIMIT ||
               s == 3);
        free(state);
        ebm_enum_free(&e);
        ebm_model_dbm.xDestroy(m);
    }
}

/* The exact estimator uses the DBM's own log Z and free energy, and agrees
 * with enumerating everything. */
TEST(exact_estimator_on_a_dbm) {
    ebm_dataset d = {0};
    random_rows(&d, 20, 6, 5);
    ebm_dbm *m = dbm_from("{layers: [4, 3], bias_init: zero}", &d, 2);
    ASSERT(m != NULL);
    randomise(m, 1.0, 0.5, 31);
    ebm_log *log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_estimator_exact, "{max_units: 20, marginals: true}", m, &d, 1, log));
    ebm_enum e;
    ebm_error err = {0};
    ASSERT_OK(ebm_enum_init(&e, &ebm_model_dbm, m, 20, &err));
    double log_z, total = 0;
    ASSERT_OK(ebm_enum_log_z(&e, &log_z, &err));
    float state[13] = {0};
    for (size_t r = 0; r < d.n; r++) {
        double log_p;
        memcpy(state, d.x + r * 6, 6 * sizeof(float));
        ASSERT_OK(ebm_enum_log_p_data(&e, state, log_z, &log_p, &err));
        total += log_p;
    }
    ASSERT_NEAR(metric(log, "exact_log_z"), log_z, 1e-9 * fabs(log_z));
    ASSERT_NEAR(metric(log, "exact_loglik"), total / 20, 1e-8);
    /* too big for the limit: a clear refusal */
    ebm_log_free(log);
    log = ebm_log_new(NULL);
    ASSERT(evaluate(&ebm_estimator_exact, "{max_units: 3}", m, &d, 1, log) == EBM_ELIMIT);
    ebm_enum_free(&e);
    ebm_log_free(log);
    ebm_model_dbm.xDestroy(m);
    ebm_dataset_free(&d);
}

/* dbm_ais's ±3σ interval holds the exact log Z, and the bound with its
 * interval sits below the exact log-likelihood within the interval's slack. */
static void check_ais(ebm_dbm *m, const ebm_dataset *d, const char *yaml, uint64_t seed,
                      double tolerance) {
    ebm_log *log = ebm_log_new(NULL);
    int rc = evaluate(&ebm_estimator_dbm_ais, yaml, m, d, seed, log);
    double log_z = 0;
    ebm_error err = {0};
    int rc_z = ebm_dbm_log_z(m, 24, &log_z, &err);
    double est = metric(log, "dbm_ais_log_z"), lo = metric(log, "dbm_ais_log_z_lo"),
           hi = metric(log, "dbm_ais_log_z_hi");
    double bound = metric(log, "dbm_ais_loglik_bound"),
           bound_lo = metric(log, "dbm_ais_loglik_bound_lo"),
           exact = metric(log, "dbm_ais_loglik_exact"),
           bound_below = metric(log, "dbm_ais_bound_below_exact");
    double raise = metric(log, "dbm_ais_raise_loglik"), se = metric(log, "dbm_ais_raise_loglik_se"),
           sandwich_lo = metric(log, "dbm_ais_sandwich_lo"),
           sandwich_hi = metric(log, "dbm_ais_sandwich_hi");
    fprintf(stderr, "log Z %.4f, AIS %.4f [%.4f, %.4f] ess %.1f; loglik %.4f, bound %.4f; "
            "RAISE %.4f +- %.4f, sandwich [%.4f, %.4f], reliable %g\n", log_z, est, lo, hi,
            metric(log, "dbm_ais_ess"), exact, bound, raise, se, sandwich_lo, sandwich_hi,
            metric(log, "dbm_ais_reliable"));
    ebm_log_free(log);
    /* RAISE lies below the exact log-likelihood (within two of its standard
     * errors), and the sandwich holds it */
    ASSERT(se > 0 && raise < exact + 2 * se);
    ASSERT(sandwich_lo <= exact && exact <= sandwich_hi);
    /* and close to it: these schedules leave RAISE 0.005-0.08 nats low */
    ASSERT(exact - raise < 0.15);
    ASSERT_OK(rc);
    ASSERT_OK(rc_z);
    ASSERT(lo <= log_z && log_z <= hi);
    ASSERT_NEAR(est, log_z, tolerance);
    ASSERT(bound_lo <= exact);
    ASSERT(bound_below == 1);
    ASSERT(bound <= exact + tolerance);
    /* with the exact log Z the bound is a bound: the mean-field gap ≥ 0 */
    ASSERT(bound + (est - log_z) <= exact + 1e-9);
}

TEST(ais_contains_exact_log_z_random) {
    ebm_dataset d = {0};
    random_rows(&d, 50, 8, 6);
    ebm_dbm *m = dbm_from("{layers: [6, 5], bias_init: zero}", &d, 3);
    ASSERT(m != NULL);
    randomise(m, 1.0, 0.5, 41);
    check_ais(m, &d, "{runs: 200, exact_max_units: 20}", 1, 0.1);
    ebm_model_dbm.xDestroy(m);
    m = dbm_from("{layers: [5, 4, 6], bias_init: zero}", &d, 3);
    ASSERT(m != NULL);
    randomise(m, 1.0, 0.5, 42);
    check_ais(m, &d, "{runs: 200, exact_max_units: 20}", 2, 0.1);
    check_ais(m, &d, "{runs: 200, exact_max_units: 20, start: data}", 2, 0.1);
    ebm_model_dbm.xDestroy(m);
    ebm_dataset_free(&d);
}

/* Labelled DBMs: the sandwich and the exact value are those of log p(v, y),
 * RAISE holding y at the row's label until its first transition. The
 * labels go with x_{L−1}: even (summed out by the forward runs) for one
 * hidden layer, odd (in the runs' states) for two. */
TEST(sandwich_of_labelled_dbms) {
    enum { N = 60, VISIBLE = 7, K = 3 };
    ebm_dataset d = {0};
    random_rows(&d, N, VISIBLE + K, 9);
    for (size_t r = 0; r < N; r++)
        for (size_t c = 0; c < K; c++) d.x[r * d.dim + VISIBLE + c] = c == r % K ? 1.0f : 0.0f;
    static const char *shapes[] = {"{layers: [6], labels: 3, bias_init: zero}",
                                   "{layers: [5, 4], labels: 3, bias_init: zero}"};
    for (int s = 0; s < 2; s++) {
        ebm_dbm *m = dbm_from(shapes[s], &d, 3);
        ASSERT(m != NULL);
        ASSERT(m->n_labels == K);
        randomise(m, 1.0, 0.5, 50 + (uint64_t)s);
        check_ais(m, &d, "{runs: 200, exact_max_units: 20}", 5 + (uint64_t)s, 0.1);
        check_ais(m, &d, "{runs: 200, exact_max_units: 20, start: data}", 5 + (uint64_t)s,
                  0.1);
        ebm_model_dbm.xDestroy(m);
    }
    ebm_dataset_free(&d);
}

/* A DBM pretrained on structured data (strong weights, a peaked p). */
TEST(ais_contains_exact_log_z_trained) {
    ebm_dataset d = {0};
    d.n = 32;
    d.dim = 16;
    d.x = calloc(32 * 16, sizeof *d.x);
    for (int code = 0; code < 16; code++)
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++) {
                d.x[code * 16 + r * 4 + c] = (float)((code >> r) & 1);
                d.x[(16 + code) * 16 + r * 4 + c] = (float)((code >> c) & 1);
            }
    ebm_dbm *m = dbm_from("{layers: [12, 8], pretrain: {epochs: 300, batch: 32, "
                          "sampler: {type: cd, k: 1}, optim: {lr: 0.05, "
                          "momentum: [0.5, 0.9]}}}", &d, 7);
    ASSERT(m != NULL);
    ebm_rng fit_rng;
    ebm_rng_seed(&fit_rng, 8);
    ebm_error err = {0};
    ASSERT_OK(ebm_model_dbm.xFit(m, &d, &fit_rng, NULL, &err));
    check_ais(m, &d, "{runs: 200, exact_max_units: 20}", 3, 0.1);
    /* the base's hidden units at the data's mean activations */
    check_ais(m, &d, "{runs: 200, exact_max_units: 20, start: data}", 3, 0.1);
    /* a linear schedule of few steps: noisier, but the interval still holds */
    check_ais(m, &d, "{runs: 400, schedule: linear, steps: 2000, exact_max_units: 20}", 4, 0.5);
    ebm_model_dbm.xDestroy(m);
    ebm_dataset_free(&d);
}

/* ---- RAISE's expectation on a 3-2-2 DBM, from the definitions ---- */

enum { E_V = 3, E_H1 = 2, E_H2 = 2 };

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }
static double bern(double p, int on) { return on ? p : 1 - p; }

/* h1's input from v and h2 (β = 1), v's from h1, h2's from h1. */
static double in_h1(const ebm_dbm *m, int j, const int *v, const int *h2) {
    double x = m->bias[1][j];
    for (int i = 0; i < E_V; i++) x += v[i] * m->W[1][i * E_H1 + j];
    for (int k = 0; k < E_H2; k++) x += h2[k] * m->W[2][j * E_H2 + k];
    return x;
}
static double in_v(const ebm_dbm *m, int i, const int *h1) {
    double x = m->bias[0][i];
    for (int j = 0; j < E_H1; j++) x += h1[j] * m->W[1][i * E_H1 + j];
    return x;
}
static double in_h2(const ebm_dbm *m, int k, const int *h1) {
    double x = m->bias[2][k];
    for (int j = 0; j < E_H1; j++) x += h1[j] * m->W[2][j * E_H2 + k];
    return x;
}
static void unpack(int code, int n, int *bits) {
    for (int i = 0; i < n; i++) bits[i] = (code >> i) & 1;
}

/* log f_β(h1): the annealed odd marginal, v and h2 summed out, v's base
 * inputs a (the base rates' logits). */
static double log_f(const ebm_dbm *m, const double *a, double beta, const int *h1) {
    double sum = 0;
    for (int j = 0; j < E_H1; j++) sum += beta * m->bias[1][j] * h1[j];
    for (int i = 0; i < E_V; i++) sum += ebm_softplus(a[i] + beta * (in_v(m, i, h1) - a[i]));
    for (int k = 0; k < E_H2; k++) sum += ebm_softplus(beta * in_h2(m, k, h1));
    return sum;
}

/* T_β(h1 → h1'): v and h2 drawn given h1, then h1' given them, all at β. */
static double transition(const ebm_dbm *m, const double *a, double beta, const int *from,
                         const int *to) {
    double total = 0;
    int v[E_V], h2[E_H2];
    for (int cv = 0; cv < 1 << E_V; cv++)
        for (int ch = 0; ch < 1 << E_H2; ch++) {
            unpack(cv, E_V, v);
            unpack(ch, E_H2, h2);
            double p = 1;
            for (int i = 0; i < E_V; i++)
                p *= bern(sigmoid(a[i] + beta * (in_v(m, i, from) - a[i])), v[i]);
            for (int k = 0; k < E_H2; k++) p *= bern(sigmoid(beta * in_h2(m, k, from)), h2[k]);
            for (int j = 0; j < E_H1; j++) p *= bern(sigmoid(beta * in_h1(m, j, v, h2)), to[j]);
            total += p;
        }
    return total;
}

/* On a two-step schedule (β = 0, ½, 1) RAISE from v draws h1 ~ q(· | v)
 * (the mean field), x_a ~ T_1(· | h1), x_b ~ T_½(· | x_a) and reports
 * log f_1(v, h1) − log q(h1) − log Z_A − Δ_2(x_a) − Δ_1(x_b). Its
 * expectation, a finite sum, against the mean of 6,000 chains from one row:
 * the DBM's RAISE checked against its definition, not only against a bound
 * (so a RAISE above the exact value, as the ends crossing in the README,
 * is the annealed model's doing, not the code's). */
TEST(raise_mean_matches_its_enumerated_expectation) {
    enum { COPIES = 6000 };
    static const int rows_v[2][E_V] = {{1, 0, 1}, {0, 1, 1}};
    for (int t = 0; t < 2; t++) {
        ebm_dataset d = {.n = COPIES, .dim = E_V};
        d.x = malloc(COPIES * E_V * sizeof *d.x);
        for (size_t r = 0; r < COPIES; r++)
            for (int i = 0; i < E_V; i++) d.x[r * E_V + i] = (float)rows_v[t][i];
        ebm_dbm *m = dbm_from("{layers: [2, 2], bias_init: zero}", &d, 4);
        ASSERT(m != NULL);
        randomise(m, 1.5, 0.5, 60 + (uint64_t)t);
        const int *v = rows_v[t];
        /* v's base inputs as dbm_ais makes them: the rows' rates, clamped */
        double a[E_V], log_z_base = (E_H1 + E_H2) * log(2.0);
        for (int i = 0; i < E_V; i++) {
            double p = fmin(fmax((double)v[i], 1e-3), 1 - 1e-3);
            a[i] = (float)log(p / (1 - p));
            log_z_base += ebm_softplus(a[i]);
        }
        float state[E_V + E_H1 + E_H2] = {0}, means[E_V + E_H1 + E_H2];
        for (int i = 0; i < E_V; i++) state[i] = (float)v[i];
        ebm_error err = {0};
        ASSERT_OK(ebm_dbm_infer(m, state, 1, &m->mean_field, means, NULL, NULL, &err));
        double expected = 0;
        int h1[E_H1], xa[E_H1], xb[E_H1];
        for (int c = 0; c < 1 << E_H1; c++) {
            unpack(c, E_H1, h1);
            double q = 1, log_joint = 0;
            for (int j = 0; j < E_H1; j++) {
                double mu = fmin(fmax(means[E_V + j], 1e-6), 1 - 1e-6);
                q *= bern(mu, h1[j]);
                log_joint += m->bias[1][j] * h1[j];
            }
            for (int i = 0; i < E_V; i++) log_joint += v[i] * in_v(m, i, h1);
            for (int k = 0; k < E_H2; k++) log_joint += ebm_softplus(in_h2(m, k, h1));
            double e = log_joint - log(q) - log_z_base;
            for (int ca = 0; ca < 1 << E_H1; ca++) {
                unpack(ca, E_H1, xa);
                double pa = transition(m, a, 1.0, h1, xa);
                e -= pa * (log_f(m, a, 1.0, xa) - log_f(m, a, 0.5, xa));
                for (int cb = 0; cb < 1 << E_H1; cb++) {
                    unpack(cb, E_H1, xb);
                    double pb = transition(m, a, 0.5, xa, xb);
                    e -= pa * pb * (log_f(m, a, 0.5, xb) - log_f(m, a, 0.0, xb));
                }
            }
            expected += q * e;
        }
        ebm_log *log = ebm_log_new(NULL);
        ASSERT_OK(evaluate(&ebm_estimator_dbm_ais,
                           "{runs: 2, schedule: linear, steps: 2, raise_rows: 6000}", m, &d,
                           70 + (uint64_t)t, log));
        double mean = metric(log, "dbm_ais_raise_loglik"),
               se = metric(log, "dbm_ais_raise_loglik_se");
        fprintf(stderr, "v = %d%d%d: RAISE mean %.4f +- %.4f, enumerated expectation %.4f "
                "(%.1f se)\n", v[0], v[1], v[2], mean, se, expected, (mean - expected) / se);
        ASSERT(se > 0 && fabs(mean - expected) < 4 * se);
        ebm_log_free(log);
        ebm_model_dbm.xDestroy(m);
        ebm_dataset_free(&d);
    }
}

/* Data of a `data:` block (the run's own loader): the training split. */
static int load_data(const char *data_yaml, ebm_dataset *out) {
    char yaml[256];
    snprintf(yaml, sizeof yaml, "{seed: 1, data: %s}", data_yaml);
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "data.yaml", &err);
    ebm_rng root;
    ebm_rng_seed(&root, 1);
    ebm_dataset valid = {0};
    int rc = cfg ? ebm_setup_data(cfg, &root, out, &valid, &err) : -1;
    if (rc) fprintf(stderr, "%s (install Debian's dataset-fashion-mnist)\n", err.msg);
    ebm_dataset_free(&valid);
    ebm_node_free(cfg);
    return rc;
}

/* A DBM 784-16-16 trained on Fashion-MNIST where forward AIS misses the
 * mode that holds most of the mass: tests/fixtures/dbm-fashion-16-16.h5 is
 * the /model of `ebm run experiments/dbm-sandwich.yaml seed=1` (its final
 * parameters; the run's dbm_ais saw the same). On the first 100 test images
 * forward AIS puts log Z 2.5 nats low (5.5 in the run) with an interval that excludes
 * the truth, so the old forward-only figure (the mean-field bound minus
 * log Ẑ) claims a lower bound above the exact log-likelihood; RAISE stays
 * below it and the sandwich, open above, holds it. */
TEST(sandwich_holds_where_forward_ais_misses_a_mode) {
    ebm_dataset train = {0}, test = {0};
    ASSERT_OK(load_data("{type: fashion_mnist, binarize: threshold}", &train));
    ASSERT_OK(load_data("{type: fashion_mnist, binarize: threshold, split: test, count: 100}",
                        &test));
    ebm_dbm *m = dbm_from("{layers: [16, 16]}", &train, 1);
    ASSERT(m != NULL);
    char path[4096];
    const char *src = getenv("EBM_SRC");
    snprintf(path, sizeof path, "%s/tests/fixtures/dbm-fashion-16-16.h5", src ? src : ".");
    ebm_tensor params[8];
    int n = ebm_model_dbm.xParams(m, params, 8);
    ASSERT(n == 5);
    for (int i = 0; i < n; i++) {
        ebm_tensor stored = {0};
        ebm_error err = {0};
        ASSERT_OK(ebm_runfile_read_param(path, params[i].name, &stored, &err));
        ASSERT(ebm_tensor_size(&stored) == ebm_tensor_size(&params[i]));
        memcpy(params[i].data, stored.data, ebm_tensor_size(&stored) * sizeof(float));
        free(stored.data);
    }
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    static const char est[] = "{runs: 100, raise_rows: 50, exact_max_units: 16}";
    ebm_node *cfg = ebm_cfg_parse_string(est, strlen(est), "est.yaml", &err);
    ASSERT(cfg != NULL);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_log_begin(log, 1, "dbm_ais", "dbm_ais", "test");
    ebm_eval ev = {.ops = &ebm_model_dbm, .model = m, .data = &test, .train = &train,
                   .cfg = cfg, .rng = &rng, .log = log, .step = 1};
    ASSERT_OK(ebm_estimator_dbm_ais.xEvaluate(&ev, &err));
    double error = metric(log, "dbm_ais_log_z_error"), exact = metric(log, "dbm_ais_loglik_exact"),
           raise = metric(log, "dbm_ais_raise_loglik"), se = metric(log, "dbm_ais_raise_loglik_se");
    fprintf(stderr, "log Z error %.2f (ESS %.1f); exact %.2f, forward-only bound %.2f from "
            "%.2f; RAISE %.2f +- %.2f, sandwich [%.2f, %g], reliable %g\n", error,
            metric(log, "dbm_ais_ess"), exact, metric(log, "dbm_ais_loglik_bound"),
            metric(log, "dbm_ais_loglik_bound_lo"), raise, se,
            metric(log, "dbm_ais_sandwich_lo"), metric(log, "dbm_ais_sandwich_hi"),
            metric(log, "dbm_ais_reliable"));
    /* forward AIS misses: log Z too low beyond its interval, and the old
     * figure's "lower bound" lies above the truth */
    ASSERT(error < -1);
    ASSERT(metric(log, "dbm_ais_log_z_hi") < metric(log, "dbm_ais_log_z_exact"));
    ASSERT(metric(log, "dbm_ais_bound_below_exact") == 0);
    /* RAISE does not: below the exact value of its rows, the sandwich
     * holding it */
    double exact_of_rows = metric(log, "dbm_ais_sandwich_exact");
    fprintf(stderr, "exact of RAISE's 50 rows %.2f\n", exact_of_rows);
    ASSERT(raise < exact_of_rows + 2 * se);
    ASSERT(metric(log, "dbm_ais_sandwich_holds_exact") == 1);
    ASSERT(metric(log, "dbm_ais_reliable") == 0);
    ebm_log_free(log);
    ebm_node_free(cfg);
    ebm_model_dbm.xDestroy(m);
    ebm_dataset_free(&train);
    ebm_dataset_free(&test);
}

int main(void) {
    RUN(free_energy_matches_enumeration);
    RUN(exact_estimator_on_a_dbm);
    RUN(ais_contains_exact_log_z_random);
    RUN(ais_contains_exact_log_z_trained);
    RUN(sandwich_of_labelled_dbms);
    RUN(raise_mean_matches_its_enumerated_expectation);
    RUN(sandwich_holds_where_forward_ais_misses_a_mode);
    TEST_MAIN_END();
}
