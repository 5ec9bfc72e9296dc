/* test_energy.c — the generic energy model: for every family, ∂E/∂θ (through
 * xEnergyGrad, row weights and the energy penalty included) and ∂E/∂x match
 * central finite differences of an independent double-precision reference;
 * batch energies equal single ones; the quadratic's closed-form log Z, mean
 * and covariance equal a 2-D quadrature; noise, NaN/∞ errors and config checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "energy.h"
#include "model.h"
#include "rng.h"
#include "test.h"

#define MAX_T EBM_ENERGY_MAX_TENSORS

static void *make_model(const char *yaml, const ebm_dataset *data, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "model.yaml", err);
    if (!cfg) return NULL;
    ebm_rng rng;
    ebm_rng_seed(&rng, 7);
    void *m = NULL;
    if (ebm_model_energy.xCreate(cfg, data, &rng, &m, err)) m = NULL;
    ebm_node_free(cfg);
    return m;
}

/* A dataset of n zero rows of dim columns (sizes only). */
static ebm_dataset shape_only(size_t dim) {
    return (ebm_dataset){.n = 0, .dim = dim};
}

/* ------------------------------------------------ reference, in double */

typedef enum { F_MLP, F_QUADRATIC, F_MIXTURE, F_DOUBLE_WELL } family_id;

typedef struct reference {
    family_id family;
    const char *activation;
    size_t dim;
    int n_tensors;
    ebm_tensor tensors[MAX_T];   /* the model's, for shapes and names */
    double *theta[MAX_T];        /* double copies of their values */
} reference;

static void reference_of(void *model, family_id family, const char *activation,
                         reference *ref) {
    memset(ref, 0, sizeof *ref);
    ref->family = family;
    ref->activation = activation;
    ref->dim = ebm_model_energy.xUnits(model);
    ref->n_tensors = ebm_model_energy.xParams(model, ref->tensors, MAX_T);
    for (int t = 0; t < ref->n_tensors; t++) {
        size_t size = ebm_tensor_size(&ref->tensors[t]);
        ref->theta[t] = malloc(size * sizeof(double));
        for (size_t i = 0; i < size; i++) ref->theta[t][i] = ref->tensors[t].data[i];
    }
}

static void reference_free(reference *ref) {
    for (int t = 0; t < ref->n_tensors; t++) free(ref->theta[t]);
}

static double act(const char *name, double z) {
    if (strcmp(name, "softplus") == 0) return log(1 + exp(z));
    if (strcmp(name, "swish") == 0) return z / (1 + exp(-z));
    if (strcmp(name, "tanh") == 0) return tanh(z);
    return z > 0 ? z : 0;
}

static double lse(const double *v, size_t n) {
    double top = v[0], s = 0;
    for (size_t i = 1; i < n; i++) top = v[i] > top ? v[i] : top;
    for (size_t i = 0; i < n; i++) s += exp(v[i] - top);
    return top + log(s);
}

/* E(x) straight from the definitions in energy_*.c's header comments. */
static double reference_energy(const reference *ref, const double *x) {
    size_t d = ref->dim;
    switch (ref->family) {
    case F_MLP: {
        double in[64], out[64];
        memcpy(in, x, d * sizeof *in);
        size_t width_in = d;
        for (int t = 0; t < ref->n_tensors; t += 2) {
            size_t width = ref->tensors[t].shape[1];
            const double *W = ref->theta[t], *b = ref->theta[t + 1];
            for (size_t j = 0; j < width; j++) {
                double z = b[j];
                for (size_t i = 0; i < width_in; i++) z += in[i] * W[i * width + j];
                out[j] = t + 2 < ref->n_tensors ? act(ref->activation, z) : z;
            }
            memcpy(in, out, width * sizeof *in);
            width_in = width;
        }
        return in[0];
    }
    case F_QUADRATIC: {
        const double *mu = ref->theta[0], *L = ref->theta[1];
        double e = 0;
        for (size_t j = 0; j < d; j++) {
            double u = 0;
            for (size_t i = j; i < d; i++) u += L[i * d + j] * (x[i] - mu[i]);
            e += 0.5 * u * u;
        }
        return e;
    }
    case F_MIXTURE: {
        size_t k = ref->tensors[1].shape[0];
        const double *mu = ref->theta[0], *alpha = ref->theta[1], *s = ref->theta[2];
        double ell[16] = {0}, norm = lse(alpha, k);
        for (size_t c = 0; c < k; c++) {
            double sigma2 = exp(2 * s[c]), dist2 = 0;
            for (size_t i = 0; i < d; i++) dist2 += (x[i] - mu[c * d + i]) * (x[i] - mu[c * d + i]);
            ell[c] = alpha[c] - norm - 0.5 * (double)d * log(2 * 3.141592653589793 * sigma2) -
                     dist2 / (2 * sigma2);
        }
        return -lse(ell, k);
    }
    case F_DOUBLE_WELL: {
        double e = 0;
        for (size_t i = 0; i < d; i++)
            e += ref->theta[0][0] * (x[i] * x[i] - 1) * (x[i] * x[i] - 1) + ref->theta[1][i] * x[i];
        return e;
    }
    }
    return NAN;
}

/* ------------------------------------------------ the gradient check */

typedef struct grad_case {
    const char *name, *yaml, *activation;
    family_id family;
    double alpha;          /* the yaml's energy_l2 */
    double theta_noise;    /* parameters get N(0, theta_noise²) added */
} grad_case;

/* x_r for the check, a fixed draw. */
static void case_states(size_t n, size_t dim, uint64_t seed, float *x) {
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (size_t k = 0; k < n * dim; k++) x[k] = (float)(1.2 * ebm_rng_normal(&rng));
}

/* Tolerances: the model runs in float32 against a double reference, and the
 * central differences (h = 1e-5, truncation O(h²) ≈ 1e-10) are exact to
 * ~1e-9; float rounding over a few dozen terms stays below 1e-5 relative.
 * So |model − FD| ≤ 2e-4 (1 + |FD|): a wrong term is off by O(1). */
#define GRAD_TOL(ref_value) (2e-4 * (1.0 + fabs(ref_value)))

static void check_case(const grad_case *c) {
    enum { N_DATA = 4, N_MODEL = 3 };
    ebm_error err = {0};
    size_t dim = c->family == F_MLP || c->family == F_QUADRATIC ? 3 : 2;
    ebm_dataset shape = shape_only(dim);
    void *m = make_model(c->yaml, &shape, &err);
    if (!m) FAIL_("%s: create: %s", c->name, err.msg);
    ASSERT_EQ(ebm_model_energy.xUnits(m), dim);
    ASSERT_EQ(ebm_model_all_binary(&ebm_model_energy, m), 0);
    /* Random parameters (biases too, so every path carries a signal); the
     * quadratic keeps its L lower triangular. */
    ebm_tensor params[MAX_T], grads[MAX_T];
    int n_t = ebm_model_energy.xParams(m, params, MAX_T);
    ebm_rng rng;
    ebm_rng_seed(&rng, 99);
    for (int t = 0; t < n_t; t++) {
        size_t size = ebm_tensor_size(&params[t]);
        for (size_t i = 0; i < size; i++) {
            int upper = c->family == F_QUADRATIC && t == 1 && i % dim > i / dim;
            if (!upper) params[t].data[i] += (float)(c->theta_noise * ebm_rng_normal(&rng));
        }
        grads[t] = params[t];
        grads[t].data = calloc(size, sizeof(float));
    }
    reference ref;
    reference_of(m, c->family, c->activation, &ref);

    float data[N_DATA * 3], negatives[N_MODEL * 3];
    case_states(N_DATA, dim, 1, data);
    case_states(N_MODEL, dim, 2, negatives);
    /* Accumulate a data batch (scale +1.3) and a model batch (scale −0.7): row
     * weights are (scale + 2α E |scale|)/n, never 1. */
    ASSERT_OK(ebm_model_energy_grad(&ebm_model_energy, m, data, N_DATA, 1.3, grads, &err));
    ASSERT_OK(ebm_model_energy_grad(&ebm_model_energy, m, negatives, N_MODEL, -0.7, grads, &err));

    const struct { const float *x; size_t n; double scale; } batches[2] = {
        {data, N_DATA, 1.3}, {negatives, N_MODEL, -0.7}};
    const double h = 1e-5;
    int bad = 0;
    for (int t = 0; t < n_t && !bad; t++) {
        size_t size = ebm_tensor_size(&params[t]);
        for (size_t i = 0; i < size && !bad; i++) {
            double expected = 0, keep = ref.theta[t][i];
            for (int b = 0; b < 2; b++)
                for (size_t r = 0; r < batches[b].n; r++) {
                    double x[8];
                    for (size_t k = 0; k < dim; k++) x[k] = batches[b].x[r * dim + k];
                    double e = reference_energy(&ref, x);
                    ref.theta[t][i] = keep + h;
                    double up = reference_energy(&ref, x);
                    ref.theta[t][i] = keep - h;
                    double down = reference_energy(&ref, x);
                    ref.theta[t][i] = keep;
                    double weight = (batches[b].scale + 2 * c->alpha * e *
                                     fabs(batches[b].scale)) / (double)batches[b].n;
                    expected += weight * (up - down) / (2 * h);
                }
            double got = grads[t].data[i];
            if (!(fabs(got - expected) <= GRAD_TOL(expected))) {
                fprintf(stderr, "%s: dE/d%s[%zu]: model %.8g, finite differences %.8g\n",
                        c->name, params[t].name, i, got, expected);
                bad = 1;
            }
        }
    }
    ASSERT(!bad);

    /* ∂E/∂x and E itself, row by row. */
    float state_grad[N_DATA * 3];
    double energies[N_DATA];
    ASSERT_OK(ebm_model_state_grad(&ebm_model_energy, m, data, N_DATA, state_grad, &err));
    ASSERT_OK(ebm_model_energies(&ebm_model_energy, m, data, N_DATA, energies, &err));
    for (size_t r = 0; r < N_DATA; r++) {
        double x[8];
        for (size_t k = 0; k < dim; k++) x[k] = data[r * dim + k];
        double e = reference_energy(&ref, x);
        ASSERT_NEAR(energies[r], e, 1e-5 * (1 + fabs(e)));
        for (size_t k = 0; k < dim; k++) {
            double keep = x[k];
            x[k] = keep + h;
            double up = reference_energy(&ref, x);
            x[k] = keep - h;
            double down = reference_energy(&ref, x);
            x[k] = keep;
            double fd = (up - down) / (2 * h);
            if (!(fabs(state_grad[r * dim + k] - fd) <= GRAD_TOL(fd)))
                FAIL_("%s: dE/dx[%zu][%zu]: model %.8g, finite differences %.8g", c->name,
                      r, k, state_grad[r * dim + k], fd);
        }
    }
    reference_free(&ref);
    for (int t = 0; t < n_t; t++) free(grads[t].data);
    ebm_model_energy.xDestroy(m);
}

static const grad_case cases[] = {
    {"mlp softplus", "{family: mlp, layers: [5, 4], activation: softplus, energy_l2: 0.3}",
     "softplus", F_MLP, 0.3, 0.3},
    {"mlp swish", "{family: mlp, layers: [5, 4], activation: swish, energy_l2: 0.3}",
     "swish", F_MLP, 0.3, 0.3},
    {"mlp tanh", "{family: mlp, layers: [5, 4], activation: tanh, energy_l2: 0.3}",
     "tanh", F_MLP, 0.3, 0.3},
    {"mlp relu", "{family: mlp, layers: [5, 4], activation: relu, energy_l2: 0.3}",
     "relu", F_MLP, 0.3, 0.3},
    {"mlp swish 3 layers", "{family: mlp, layers: [6, 5, 3], activation: swish, "
     "energy_l2: 0.1, init_scale: 1.5}", "swish", F_MLP, 0.1, 0.2},
    {"quadratic", "{family: quadratic, mean: [0.1, -0.2, 0.3], scales: [1, 2, 0.5], "
     "correlation: 0.5, energy_l2: 0.2}", NULL, F_QUADRATIC, 0.2, 0.1},
    {"mixture", "{family: mixture, components: 3, centers: [0, 0, 1, -1, -1, 2], "
     "scales: 0.8, energy_l2: 0.05}", NULL, F_MIXTURE, 0.05, 0.3},
    {"double_well", "{family: double_well, barrier: 1.5, tilt: [0.2, -0.3], "
     "energy_l2: 0.1}", NULL, F_DOUBLE_WELL, 0.1, 0.1},
};

TEST(gradients_match_finite_differences) {
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i]);
}

/* xEnergies over a batch equals xEnergy row by row (exactly for the
 * analytic families, which share the code; the mlp's batched GEMM may round
 * differently from a one-row one). */
TEST(batch_energies_equal_single_energies) {
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ebm_error err = {0};
        size_t dim = cases[c].family == F_MLP || cases[c].family == F_QUADRATIC ? 3 : 2;
        ebm_dataset shape = shape_only(dim);
        void *m = make_model(cases[c].yaml, &shape, &err);
        if (!m) FAIL_("%s: create: %s", cases[c].name, err.msg);
        enum { N = 37 };
        float x[N * 3];
        double batch[N];
        case_states(N, dim, 5, x);
        ASSERT_OK(ebm_model_energies(&ebm_model_energy, m, x, N, batch, &err));
        double tol_rel = cases[c].family == F_MLP ? 1e-6 : 0.0;
        for (size_t r = 0; r < N; r++) {
            double single = ebm_model_energy.xEnergy(m, x + r * dim);
            ASSERT_NEAR(batch[r], single, tol_rel * (1 + fabs(single)));
        }
        ebm_model_energy.xDestroy(m);
    }
}

/* The closed-form log Z, mean and covariance of a correlated 2-D Gaussian
 * against a midpoint-rule quadrature of exp(−E) over ±12 standard deviations
 * (the rule converges geometrically for a Gaussian: 600² cells give ~1e-12). */
TEST(quadratic_truth_matches_quadrature) {
    ebm_error err = {0};
    ebm_dataset shape = shape_only(2);
    void *m = make_model("{family: quadratic, mean: [0.5, -1], scales: [1, 0.7], "
                         "correlation: 0.6}", &shape, &err);
    if (!m) FAIL_("create: %s", err.msg);
    double mean[2], cov[4], log_z;
    ASSERT_OK(ebm_energy_gaussian_truth(&ebm_model_energy, m, mean, cov, &log_z));
    /* The configured AR(1) truth (L is stored in float: 1e-6). */
    ASSERT_NEAR(mean[0], 0.5, 1e-7);
    ASSERT_NEAR(mean[1], -1.0, 1e-7);
    ASSERT_NEAR(cov[0], 1.0, 1e-6);
    ASSERT_NEAR(cov[3], 0.49, 1e-6);
    ASSERT_NEAR(cov[1], 0.6 * 0.7, 1e-6);
    ASSERT_NEAR(cov[2], 0.6 * 0.7, 1e-6);
    double det = 0.49 - 0.42 * 0.42;
    ASSERT_NEAR(log_z, log(2 * 3.141592653589793) + 0.5 * log(det), 1e-6);

    enum { G = 600 };
    double lo[2] = {0.5 - 12, -1 - 12 * 0.7}, width[2] = {24, 24 * 0.7};
    double cell = width[0] / G * width[1] / G;
    float *row = malloc(G * 2 * sizeof *row);
    double *e = malloc(G * sizeof *e);
    double z = 0, m0 = 0, m1 = 0, s00 = 0, s01 = 0, s11 = 0;
    for (int i = 0; i < G; i++) {
        double x0 = lo[0] + (i + 0.5) * width[0] / G;
        for (int j = 0; j < G; j++) {
            row[2 * j] = (float)x0;
            row[2 * j + 1] = (float)(lo[1] + (j + 0.5) * width[1] / G);
        }
        ASSERT_OK(ebm_model_energies(&ebm_model_energy, m, row, G, e, &err));
        for (int j = 0; j < G; j++) {
            double p = exp(-e[j]) * cell, a = row[2 * j], b = row[2 * j + 1];
            z += p;
            m0 += p * a;
            m1 += p * b;
            s00 += p * a * a;
            s01 += p * a * b;
            s11 += p * b * b;
        }
    }
    free(row);
    free(e);
    m0 /= z;
    m1 /= z;
    /* Grid points are rounded to float (~1e-7 relative). */
    ASSERT_NEAR(log(z), log_z, 1e-6);
    ASSERT_NEAR(m0, mean[0], 1e-6);
    ASSERT_NEAR(m1, mean[1], 1e-6);
    ASSERT_NEAR(s00 / z - m0 * m0, cov[0], 1e-5);
    ASSERT_NEAR(s01 / z - m0 * m1, cov[1], 1e-5);
    ASSERT_NEAR(s11 / z - m1 * m1, cov[3], 1e-5);
    ebm_model_energy.xDestroy(m);
}

TEST(gaussian_truth_only_for_the_quadratic) {
    ebm_error err = {0};
    ebm_dataset shape = shape_only(2);
    void *m = make_model("{family: mlp, layers: [3], activation: tanh}", &shape, &err);
    if (!m) FAIL_("create: %s", err.msg);
    double mean[2], cov[4], log_z;
    ASSERT_EQ(ebm_energy_gaussian_truth(&ebm_model_energy, m, mean, cov, &log_z),
              EBM_ENOTSUP);
    ebm_model_ops other = ebm_model_energy;   /* any other model's ops */
    ASSERT_EQ(ebm_energy_gaussian_truth(&other, m, mean, cov, &log_z), EBM_ENOTSUP);
    ebm_model_energy.xDestroy(m);
}

/* Overflowing energies and diverged chains are EBM_ENUMERIC errors naming
 * the quantity, not NaN gradients. */
TEST(overflow_is_a_clear_error) {
    ebm_error err = {0};
    ebm_dataset shape = shape_only(2);
    void *m = make_model("{family: mlp, layers: [3], activation: relu}", &shape, &err);
    if (!m) FAIL_("create: %s", err.msg);
    ebm_tensor params[4], grads[4];
    int n_t = ebm_model_energy.xParams(m, params, 4);
    ASSERT_EQ(n_t, 4);
    float zeros[16] = {0};
    for (int t = 0; t < n_t; t++) {
        grads[t] = params[t];
        grads[t].data = zeros;
    }
    for (int k = 0; k < 6; k++) params[0].data[k] = 1e30f;   /* W1 */
    for (int k = 0; k < 3; k++) params[2].data[k] = 1e30f;   /* W2 */
    float x[2] = {1e5f, 1e5f};
    ASSERT_EQ(ebm_model_energy_grad(&ebm_model_energy, m, x, 1, 1.0, grads, &err), EBM_ENUMERIC);
    ASSERT_STR_CONTAINS(err.msg, "E(x) of row 0 is");
    float nan_state[2] = {0.0f, NAN};
    ASSERT_EQ(ebm_model_energy_grad(&ebm_model_energy, m, nan_state, 1, 1.0, grads, &err), EBM_ENUMERIC);
    ASSERT_STR_CONTAINS(err.msg, "coordinate 1 is NaN");
    ebm_model_energy.xDestroy(m);

    /* Finite energies whose gradient overflows float: a double well at
     * x = 1e13 has E ≈ 1e52 (fine in double) but dE/da ≈ 1e52 (not in float). */
    m = make_model("{family: double_well, barrier: 1, tilt: 0}", &shape, &err);
    if (!m) FAIL_("create: %s", err.msg);
    n_t = ebm_model_energy.xParams(m, params, 4);
    ASSERT_EQ(n_t, 2);
    memset(zeros, 0, sizeof zeros);
    for (int t = 0; t < n_t; t++) {
        grads[t] = params[t];
        grads[t].data = zeros + 4 * t;
    }
    float far[2] = {1e13f, 0.0f};
    ASSERT_EQ(ebm_model_energy_grad(&ebm_model_energy, m, far, 1, 1.0, grads, &err), EBM_ENUMERIC);
    ASSERT_STR_CONTAINS(err.msg, "dE/dbarrier[0] is");
    ebm_model_energy.xDestroy(m);
}

/* Noise: uniform over the data's box widened by 10% each side, or N(0, 1)
 * without data. */
TEST(noise_fills_the_widened_data_box) {
    float rows[8] = {0, -2, 1, 2, 0.5f, 0, 0.25f, 1};
    ebm_dataset data = {.n = 4, .dim = 2, .x = rows};
    ebm_error err = {0};
    void *m = make_model("{family: double_well}", &data, &err);
    if (!m) FAIL_("create: %s", err.msg);
    enum { N = 4000 };
    float *x = malloc(N * 2 * sizeof *x);
    ebm_rng rng;
    ebm_rng_seed(&rng, 3);
    ebm_model_noise(&ebm_model_energy, m, x, N, &rng);
    float lo[2] = {1e9f, 1e9f}, hi[2] = {-1e9f, -1e9f};
    for (int r = 0; r < N; r++)
        for (int i = 0; i < 2; i++) {
            lo[i] = fminf(lo[i], x[2 * r + i]);
            hi[i] = fmaxf(hi[i], x[2 * r + i]);
        }
    /* 4000 uniform draws come within 0.3% of the box's width of each edge
     * with probability 1 − 1e-5. */
    ASSERT(lo[0] >= -0.1f && lo[0] < -0.1f + 0.004f);
    ASSERT(hi[0] <= 1.1f && hi[0] > 1.1f - 0.004f);
    ASSERT(lo[1] >= -2.4f && lo[1] < -2.4f + 0.015f);
    ASSERT(hi[1] <= 2.4f && hi[1] > 2.4f - 0.015f);
    ebm_model_energy.xDestroy(m);

    ebm_dataset none = shape_only(2);
    m = make_model("{family: double_well, dim: 2}", &none, &err);
    if (!m) FAIL_("create: %s", err.msg);
    ebm_model_noise(&ebm_model_energy, m, x, N, &rng);
    double sum = 0, sum2 = 0;
    for (int k = 0; k < 2 * N; k++) {
        sum += x[k];
        sum2 += (double)x[k] * x[k];
    }
    /* 8000 N(0,1) draws: mean sd 0.011, variance sd 0.016; 5 sd bounds. */
    ASSERT_NEAR(sum / (2 * N), 0.0, 0.06);
    ASSERT_NEAR(sum2 / (2 * N), 1.0, 0.08);
    free(x);
    ebm_model_energy.xDestroy(m);
}

TEST(bad_configs_are_refused) {
    float rows[6] = {0, 1, 2, 3, 4, 5};
    ebm_dataset data = {.n = 3, .dim = 2, .x = rows};
    ebm_error err = {0};
    ASSERT(!make_model("{family: double_well, dim: 3}", &data, &err));
    ASSERT_EQ(err.code, EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "model.dim: 3, but the data have 2 columns");
    ASSERT(!make_model("{family: quadratic, mean: [1, 2, 3]}", &data, &err));
    ASSERT_STR_CONTAINS(err.msg, "model.mean: 3 values for 2 dimensions");
    ASSERT(!make_model("{family: mixture, components: 2, centers: [1, 2, 3]}", &data, &err));
    ASSERT_STR_CONTAINS(err.msg, "model.centers: 3 values");
    ASSERT(!make_model("{family: mlp, layers: [4, 2.5]}", &data, &err));
    ASSERT_STR_CONTAINS(err.msg, "model.layers");
}

/* The validator knows the model, fills its defaults and the new optimiser
 * keys, and the family's own checks report with a position. */
TEST(validation) {
    const char *good = "name: t\ndata: {type: none}\nmodel: {type: energy, dim: 2}\n";
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_string(good, strlen(good), "t.yaml", &err);
    ASSERT(root);
    ebm_diags diags = {0};
    ASSERT_EQ(ebm_cfg_validate(root, &diags), 0);
    ASSERT_STR_CONTAINS(ebm_cfg_str(root, "model.family", "?"), "mlp");
    ASSERT_STR_CONTAINS(ebm_cfg_str(root, "model.activation", "?"), "swish");
    ASSERT_STR_CONTAINS(ebm_cfg_str(root, "train.optim.type", "?"), "sgd");
    double betas[2] = {0, 0};
    ASSERT_EQ(ebm_cfg_doubles(root, "train.optim.betas", betas, 2), 2);
    ASSERT_NEAR(betas[1], 0.999, 0);
    ebm_diags_free(&diags);
    ebm_node_free(root);

    /* Cross-checks run once the plain checks pass, so one problem each. */
    const char *bad_layers = "name: t\ndata: {type: none}\n"
                             "model: {type: energy, dim: 2,\n"
                             "        layers: [4, 2.5]}\n";
    const char *bad_optim = "name: t\ndata: {type: none}\nmodel: {type: energy}\n"
                            "train: {optim: {type: adamw}}\n";
    const char *texts[2] = {bad_layers, bad_optim};
    const char *needles[2] = {"t.yaml:4:17: model.layers: layer 2 has 2.5 units",
                              "t.yaml:4:23: train.optim.type: expected one of sgd|adam"};
    for (int k = 0; k < 2; k++) {
        root = ebm_cfg_parse_string(texts[k], strlen(texts[k]), "t.yaml", &err);
        ASSERT(root);
        memset(&diags, 0, sizeof diags);
        ASSERT_EQ(ebm_cfg_validate(root, &diags), 1);
        ASSERT_STR_CONTAINS(diags.items[0], needles[k]);
        ebm_diags_free(&diags);
        ebm_node_free(root);
    }
}

int main(void) {
    RUN(gradients_match_finite_differences);
    RUN(batch_energies_equal_single_energies);
    RUN(quadratic_truth_matches_quadrature);
    RUN(gaussian_truth_only_for_the_quadratic);
    RUN(overflow_is_a_clear_error);
    RUN(noise_fills_the_widened_data_box);
    RUN(bad_configs_are_refused);
    RUN(validation);
    TEST_MAIN_END();
}
