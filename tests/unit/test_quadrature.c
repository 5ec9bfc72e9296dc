/* test_quadrature.c — the quadrature estimator on a test-local Gaussian
 * energy E = ½(x−μ)ᵀP(x−μ): log Z against the closed form (whole plane and a
 * truncating box, by erf), the exact log-likelihood of the Gaussian's own
 * samples, the edge diagnostics, and the density image it writes. */
#include <stdint.h>
#include <unistd.h>

#include "estimator.h"
#include "runfile.h"
#include "test.h"

#define LOG_2PI 1.8378770664093454836

extern const ebm_estimator_ops ebm_estimator_quadrature;

typedef struct gauss {
    size_t units;       /* 2, or something else to see the refusal */
    double mean[2];
    double prec[2][2];  /* P = Σ⁻¹ */
    long calls;         /* xEnergies calls, to see that batches are used */
} gauss;

static double gauss_energy(void *model, const float *x) {
    const gauss *g = model;
    double d0 = x[0] - g->mean[0], d1 = x[1] - g->mean[1];
    return 0.5 * (g->prec[0][0] * d0 * d0 + 2 * g->prec[0][1] * d0 * d1 +
                  g->prec[1][1] * d1 * d1);
}

static int gauss_energies(void *model, const float *states, size_t n, double *energy,
                          ebm_error *err) {
    (void)err;
    ((gauss *)model)->calls++;
    for (size_t i = 0; i < n; i++) energy[i] = gauss_energy(model, states + 2 * i);
    return EBM_OK;
}

static int gauss_state_grad(void *model, const float *states, size_t n, float *grad,
                            ebm_error *err) {
    (void)err;
    const gauss *g = model;
    for (size_t i = 0; i < n; i++) {
        double d0 = states[2 * i] - g->mean[0], d1 = states[2 * i + 1] - g->mean[1];
        grad[2 * i] = (float)(g->prec[0][0] * d0 + g->prec[0][1] * d1);
        grad[2 * i + 1] = (float)(g->prec[0][1] * d0 + g->prec[1][1] * d1);
    }
    return EBM_OK;
}

static size_t gauss_units(void *model) { return ((gauss *)model)->units; }
static double gauss_temperature(void *model) { (void)model; return 2.0; }

static const ebm_model_continuous gauss_continuous = {
    .xStateGrad = gauss_state_grad,
    .xEnergies = gauss_energies,
};

static const ebm_model_ops gauss_ops = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "test_gauss",
             .help = "test-local quadratic energy"},
    .xUnits = gauss_units,
    .xEnergy = gauss_energy,
    .continuous = &gauss_continuous,
};

/* A Gaussian with covariance Σ (given as s00, s01, s11) and mean μ. */
static gauss make_gauss(double m0, double m1, double s00, double s01, double s11) {
    double det = s00 * s11 - s01 * s01;
    gauss g = {.units = 2, .mean = {m0, m1},
               .prec = {{s11 / det, -s01 / det}, {-s01 / det, s00 / det}}};
    return g;
}

/* log Z = log 2π + ½ log det Σ = log 2π − ½ log det P. */
static double exact_log_z(const gauss *g) {
    double det_p = g->prec[0][0] * g->prec[1][1] - g->prec[0][1] * g->prec[0][1];
    return LOG_2PI - 0.5 * log(det_p);
}

typedef struct harness {
    ebm_node *cfg;
    ebm_log *log;
    ebm_runfile *rf;
    ebm_rng rng;
    ebm_eval ev;
    ebm_error err;
} harness;

/* An evaluation of `model` with estimator config `yaml` on data (may be
 * NULL), logging to run file `path` when given. */
static int setup(harness *h, gauss *model, const char *yaml, const ebm_dataset *data,
                 const char *path) {
    memset(h, 0, sizeof *h);
    h->cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "quadrature", &h->err);
    if (!h->cfg) return -1;
    if (path && !(h->rf = ebm_runfile_create(path, "name: t\n", 1, &h->err))) return -1;
    h->log = ebm_log_new(h->rf);
    if (!h->log) return -1;
    ebm_log_begin(h->log, 7, "quadrature", "quadrature", "train");
    ebm_rng_seed(&h->rng, 1);
    h->ev = (ebm_eval){.ops = &gauss_ops, .model = model, .data = data, .train = data,
                       .valid = NULL, .cfg = h->cfg, .rng = &h->rng, .log = h->log,
                       .step = 7};
    return 0;
}

static void teardown(harness *h) {
    ebm_log_free(h->log);
    if (h->rf) ebm_runfile_close(h->rf, &h->err);
    ebm_node_free(h->cfg);
}

static double metric(const harness *h, const char *name) {
    double v = NAN;
    if (!ebm_log_last(h->log, name, &v)) return NAN;
    return v;
}

/* A correlated Gaussian on a box of ±8 sd: the midpoint rule converges
 * exponentially for such a smooth, decaying integrand (error about
 * exp(−2π²σ²/h²)), so what is left is float32 rounding of the cell centres:
 * |error| < 1e-7 on a 200 grid and on a 40 grid alike (measured: 1e-9 and
 * 5e-9), with cells 0.75 sd wide along the narrow axis at 40. */
TEST(log_z_matches_closed_form) {
    gauss g = make_gauss(0.3, -0.2, 0.5, 0.3, 0.4);
    double box[4] = {0.3 - 8 * sqrt(0.5), 0.3 + 8 * sqrt(0.5), -0.2 - 8 * sqrt(0.4),
                     -0.2 + 8 * sqrt(0.4)};
    int grids[2] = {200, 40};
    double tol[2] = {1e-7, 1e-7};
    for (int k = 0; k < 2; k++) {
        char yaml[256];
        snprintf(yaml, sizeof yaml, "{grid: %d, box: [%.17g, %.17g, %.17g, %.17g]}",
                 grids[k], box[0], box[1], box[2], box[3]);
        harness h;
        ASSERT_OK(setup(&h, &g, yaml, NULL, NULL));
        ASSERT_OK(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err));
        ASSERT_NEAR(metric(&h, "quadrature_log_z"), exact_log_z(&g), tol[k]);
        /* nothing reaches the edge of a ±8 sd box */
        ASSERT(metric(&h, "quadrature_edge_density") < 1e-10);
        ASSERT(metric(&h, "quadrature_edge_mass") < 1e-10);
        ASSERT(isnan(metric(&h, "quadrature_loglik")));   /* no data: not logged */
        teardown(&h);
    }
    /* 40000 cells go to the model in batches, not one call per state */
    ASSERT(g.calls > 0 && g.calls <= 12);
}

/* A box that cuts the Gaussian N(0, diag(1, 0.25)) off at x = ±1.5, y = −0.5
 * and y = 1: log Z_box = log Z + log P(box), P by erf. The midpoint rule's
 * error is O(h²) at the cut edges: < 1e-5 with 400 cells (measured 2e-6). The largest
 * density on the edge is at the cell centre nearest (0, −0.5). */
TEST(truncating_box_and_edge_diagnostics) {
    gauss g = make_gauss(0, 0, 1.0, 0.0, 0.25);
    harness h;
    ASSERT_OK(setup(&h, &g, "{grid: 400, box: [-1.5, 1.5, -0.5, 1.0]}", NULL, NULL));
    ASSERT_OK(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err));
    double p_x = erf(1.5 / sqrt(2.0));
    double p_y = 0.5 * (erf(1.0 / (0.5 * sqrt(2.0))) + erf(0.5 / (0.5 * sqrt(2.0))));
    ASSERT_NEAR(metric(&h, "quadrature_log_z"), exact_log_z(&g) + log(p_x * p_y), 1e-5);
    double hx = 3.0 / 400, hy = 1.5 / 400;
    double near_x = hx / 2, near_y = 0.5 - hy / 2;
    double edge = exp(-0.5 * (near_x * near_x + near_y * near_y / 0.25));
    ASSERT_NEAR(metric(&h, "quadrature_edge_density"), edge, 1e-5);
    /* a box this tight holds real mass in its outermost ring of cells */
    double edge_mass = metric(&h, "quadrature_edge_mass");
    ASSERT(edge_mass > 1e-3 && edge_mass < 0.05);
    teardown(&h);
}

/* 2000 samples x = μ + L z (L the Cholesky factor of Σ): the estimator's
 * loglik equals the mean of the analytic log p(x) on the same points within
 * 1e-5 (the default box, data ± 25%, leaves out 2e-6 of the mass), and that lies within 4 standard errors (sd of
 * log p is √(d/2) = 1) of −H = −(1 + log 2π + ½ log det Σ). */
TEST(loglik_of_own_samples) {
    double s00 = 0.5, s01 = 0.3, s11 = 0.4;
    gauss g = make_gauss(0.3, -0.2, s00, s01, s11);
    double l00 = sqrt(s00), l10 = s01 / l00, l11 = sqrt(s11 - l10 * l10);
    size_t n = 2000;
    ebm_dataset d = {.n = n, .dim = 2, .x = malloc(2 * n * sizeof(float))};
    ASSERT(d.x != NULL);
    ebm_rng rng;
    ebm_rng_seed(&rng, 99);
    double det_sigma = s00 * s11 - s01 * s01, exact_mean = 0.0;
    for (size_t r = 0; r < n; r++) {
        double z0 = ebm_rng_normal(&rng), z1 = ebm_rng_normal(&rng);
        d.x[2 * r] = (float)(0.3 + l00 * z0);
        d.x[2 * r + 1] = (float)(-0.2 + l10 * z0 + l11 * z1);
        exact_mean += -gauss_energy(&g, d.x + 2 * r) - LOG_2PI - 0.5 * log(det_sigma);
    }
    exact_mean /= (double)n;
    /* the default box: the data's bounding box with a 25% margin */
    harness h;
    ASSERT_OK(setup(&h, &g, "{grid: 200}", &d, NULL));
    ASSERT_OK(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err));
    ASSERT_NEAR(metric(&h, "quadrature_loglik"), exact_mean, 1e-5);
    ASSERT_NEAR(metric(&h, "quadrature_log_z"), exact_log_z(&g), 1e-5);
    double neg_entropy = -(1 + LOG_2PI + 0.5 * log(det_sigma));
    ASSERT_NEAR(metric(&h, "quadrature_loglik"), neg_entropy, 4.0 / sqrt((double)n));
    teardown(&h);

    /* rows: only the first 10 rows count */
    double first10 = 0.0;
    for (size_t r = 0; r < 10; r++)
        first10 += -gauss_energy(&g, d.x + 2 * r) - exact_log_z(&g);
    ASSERT_OK(setup(&h, &g, "{grid: 200, rows: 10}", &d, NULL));
    ASSERT_OK(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err));
    ASSERT_NEAR(metric(&h, "quadrature_loglik"), first10 / 10, 1e-5);
    teardown(&h);
    free(d.x);
}

/* The image: grid x grid densities, row 0 at the top, integrating to 1, the
 * largest at the cell holding the mean; the box (the data's bounding box
 * [0, 2] x [0, 1] widened by 0.25 x 2 each side) in the layout; the data
 * points beside it. */
TEST(density_image_in_run_file) {
    char dir[] = "/tmp/ebm-test-quadrature-XXXXXX", path[128];
    ASSERT(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    float points[8] = {0, 0, 2, 1, 1, 0.5f, 0.5f, 0.25f};
    ebm_dataset d = {.n = 4, .dim = 2, .x = points};
    gauss g = make_gauss(1.96, 1.18, 0.04, 0.0, 0.04);
    harness h;
    ASSERT_OK(setup(&h, &g, "{grid: 30}", &d, path));
    ASSERT_OK(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err));
    teardown(&h);

    ebm_image_set *sets;
    int n_sets;
    ebm_error err;
    ASSERT_OK(ebm_runfile_read_images(path, &sets, &n_sets, &err));
    ASSERT_EQ(n_sets, 2);
    const ebm_image_set *data = &sets[0], *density = &sets[1];
    ASSERT(strcmp(data->group, "images/quadrature_data") == 0);
    ASSERT(strcmp(density->group, "images/quadrature_density") == 0);
    ASSERT_EQ(density->step, 7);
    ASSERT_EQ(density->n, 1);
    ASSERT_EQ(density->height, 30);
    ASSERT_EQ(density->width, 30);
    ASSERT(strcmp(density->layout, "density box=-0.5,2.5,-0.5,1.5") == 0);
    double total = 0.0;
    size_t best = 0;
    for (size_t i = 0; i < density->dim; i++) {
        total += density->data[i];
        if (density->data[i] > density->data[best]) best = i;
    }
    ASSERT_NEAR(total * (3.0 / 30) * (2.0 / 30), 1.0, 1e-5);
    /* μ = (1.96, 1.18): column ⌊2.46 / 0.1⌋ = 24, row from the top
     * ⌊(1.5 − 1.18) / (2/30)⌋ = 4 */
    ASSERT_EQ(best, 4 * 30 + 24);
    ASSERT_EQ(data->n, 4);
    ASSERT_EQ(data->dim, 2);
    ASSERT(strcmp(data->layout, "points") == 0);
    ASSERT(memcmp(data->data, points, sizeof points) == 0);
    ebm_image_sets_free(sets, n_sets);
    unlink(path);
    rmdir(dir);
}

/* A model at T = 2 has p ∝ exp(−E/2): the Gaussian with covariance 2Σ,
 * whose log Z is the T = 1 value plus (d/2) log 2 = log 2. */
TEST(temperature_scales_energy) {
    gauss g = make_gauss(0, 0, 0.5, 0.1, 0.3);
    ebm_model_ops hot = gauss_ops;
    hot.xTemperature = gauss_temperature;
    harness h;
    ASSERT_OK(setup(&h, &g, "{grid: 200, box: [-10, 10, -10, 10]}", NULL, NULL));
    h.ev.ops = &hot;
    ASSERT_OK(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err));
    ASSERT_NEAR(metric(&h, "quadrature_log_z"), exact_log_z(&g) + log(2.0), 1e-7);
    teardown(&h);
}

TEST(refusals) {
    gauss g = make_gauss(0, 0, 1, 0, 1);
    g.units = 3;
    harness h;
    ASSERT_OK(setup(&h, &g, "{box: [-1, 1, -1, 1]}", NULL, NULL));
    ASSERT_EQ(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err), EBM_ENOTSUP);
    ASSERT_STR_CONTAINS(h.err.msg, "exactly 2");
    teardown(&h);

    g.units = 2;
    ASSERT_OK(setup(&h, &g, "{}", NULL, NULL));   /* no data, no box */
    ASSERT_EQ(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err), EBM_EDATA);
    ASSERT_STR_CONTAINS(h.err.msg, "give box");
    teardown(&h);

    ASSERT_OK(setup(&h, &g, "{box: [1, -1, -1, 1]}", NULL, NULL));
    ASSERT_EQ(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err), EBM_ECONFIG);
    teardown(&h);

    ASSERT_OK(setup(&h, &g, "{box: [-1, 1, -1, 1]}", NULL, NULL));
    volatile sig_atomic_t stop = 1;
    h.ev.stop = &stop;
    ASSERT_EQ(ebm_estimator_quadrature.xEvaluate(&h.ev, &h.err), EBM_EINTERRUPT);
    teardown(&h);

    /* a model without continuous states is refused up front */
    ebm_model_ops binary = gauss_ops;
    binary.continuous = NULL;
    char why[256];
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_quadrature, &binary, why,
                                     sizeof why), 0);
    ASSERT_STR_CONTAINS(why, "continuous");
    ASSERT_EQ(ebm_estimator_supports(&ebm_estimator_quadrature, &gauss_ops, why,
                                     sizeof why), 1);
}

int main(void) {
    RUN(log_z_matches_closed_form);
    RUN(truncating_box_and_edge_diagnostics);
    RUN(loglik_of_own_samples);
    RUN(density_image_in_run_file);
    RUN(temperature_scales_energy);
    RUN(refusals);
    TEST_MAIN_END();
}
