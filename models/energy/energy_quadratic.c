/* energy_quadratic.c — the `quadratic` energy family, a Gaussian:
 * E(x) = ½ (x − μ)ᵀ P (x − μ) with P = L Lᵀ, L lower triangular (trainable μ
 * and L; any such L with a non-zero diagonal is a valid precision). Started
 * from an AR(1) covariance Σ_ij = s_i s_j ρ^|i−j|, so the truth is known:
 * mean μ, covariance P⁻¹, log Z = (d/2) log 2π − Σ_i log |L_ii|. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "energy.h"
#include "linalg.h"

typedef struct quadratic {
    size_t dim;
    float *mean;   /* μ, dim */
    float *L;      /* dim × dim, lower triangle used, upper kept 0 */
    ebm_tensor tensors[2];
} quadratic;

static void quadratic_check(const ebm_node *cfg, size_t dim, ebm_diags *diags) {
    if (!dim) return;   /* list lengths are checked against the data's dim later */
    const char *keys[] = {"mean", "scales"};
    for (int k = 0; k < 2; k++) {
        double first;
        int given = ebm_cfg_doubles(cfg, keys[k], &first, 1);
        if (given > 1 && (size_t)given != dim)
            ebm_energy_diag(diags, cfg, keys[k], "%d values for dim %zu (give one "
                            "value or %zu)", given, dim, dim);
    }
}

static void quadratic_destroy(void *self) {
    quadratic *q = self;
    if (!q) return;
    free(q->mean);
    free(q->L);
    free(q);
}

/* L with L Lᵀ = Σ⁻¹ for the AR(1) Σ of the config. */
static int precision_factor(const ebm_node *cfg, size_t dim, float *L, ebm_error *err) {
    double *scales = malloc(dim * sizeof *scales);
    double *sigma = malloc(dim * dim * sizeof *sigma);
    double *precision = calloc(dim * dim, sizeof *precision);
    int rc = scales && sigma && precision ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "quadratic");
    if (!rc) rc = ebm_energy_per_dim(cfg, "scales", 1.0, dim, scales, err);
    if (!rc) {
        double rho = ebm_cfg_double(cfg, "correlation", 0.0);
        for (size_t i = 0; i < dim; i++)
            for (size_t j = 0; j < dim; j++)
                sigma[i * dim + j] = scales[i] * scales[j] *
                                     pow(rho, (double)(i > j ? i - j : j - i));
        for (size_t i = 0; i < dim; i++) precision[i * dim + i] = 1.0;
        if (ebm_cholesky(sigma, dim, dim, 1e-12) != 0)
            rc = ebm_fail(err, EBM_ECONFIG, "model.correlation: the covariance is "
                          "singular to working precision");
    }
    if (!rc) {
        ebm_cholesky_solve(sigma, dim, dim, precision, dim, dim);
        if (ebm_cholesky(precision, dim, dim, 1e-14) != 0)
            rc = ebm_fail(err, EBM_ECONFIG, "model.correlation: the precision is "
                          "singular to working precision");
    }
    for (size_t k = 0; !rc && k < dim * dim; k++) L[k] = (float)precision[k];
    free(scales);
    free(sigma);
    free(precision);
    return rc;
}

static int quadratic_create(const ebm_node *cfg, size_t dim, const ebm_dataset *train,
                            ebm_rng *rng, void **self, ebm_error *err) {
    (void)train;
    (void)rng;
    quadratic *q = calloc(1, sizeof *q);
    double *mean = malloc(dim * sizeof *mean);
    if (q) {
        q->dim = dim;
        q->mean = malloc(dim * sizeof *q->mean);
        q->L = calloc(dim * dim, sizeof *q->L);
    }
    int rc = q && mean && q->mean && q->L ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "quadratic");
    if (!rc) rc = ebm_energy_per_dim(cfg, "mean", 0.0, dim, mean, err);
    if (!rc) rc = precision_factor(cfg, dim, q->L, err);
    if (rc) {
        free(mean);
        quadratic_destroy(q);
        return rc;
    }
    for (size_t i = 0; i < dim; i++) q->mean[i] = (float)mean[i];
    free(mean);
    q->tensors[0] = (ebm_tensor){.name = "mean", .data = q->mean, .rank = 1,
                                 .shape = {dim}};
    q->tensors[1] = (ebm_tensor){.name = "L", .data = q->L, .rank = 2,
                                 .shape = {dim, dim}};
    *self = q;
    return EBM_OK;
}

static int quadratic_params(void *self, ebm_tensor *out, int max) {
    quadratic *q = self;
    return ebm_tensor_list(out, max, q->tensors, 2);
}

/* d = x − μ and u = Lᵀ d (u_j = Σ_{i≥j} L_ij d_i); E = ½ ‖u‖². */
static double project(const quadratic *q, const float *x, double *d, double *u) {
    size_t dim = q->dim;
    for (size_t i = 0; i < dim; i++) d[i] = (double)x[i] - q->mean[i];
    double e = 0;
    for (size_t j = 0; j < dim; j++) {
        double s = 0;
        for (size_t i = j; i < dim; i++) s += (double)q->L[i * dim + j] * d[i];
        u[j] = s;
        e += s * s;
    }
    return 0.5 * e;
}

/* P d = L u (row i of L has entries j ≤ i). */
static double precision_times(const quadratic *q, const double *u, size_t i) {
    double s = 0;
    for (size_t j = 0; j <= i; j++) s += (double)q->L[i * q->dim + j] * u[j];
    return s;
}

static double quadratic_energy(void *self, const float *x) {
    const quadratic *q = self;
    double *buf = malloc(2 * q->dim * sizeof *buf);
    if (!buf) return NAN;
    double e = project(q, x, buf, buf + q->dim);
    free(buf);
    return e;
}

static int quadratic_energies(void *self, const float *x, size_t n, double *energy,
                              ebm_error *err) {
    const quadratic *q = self;
    double *buf = malloc(2 * q->dim * sizeof *buf);
    if (!buf) return ebm_fail(err, EBM_ENOMEM, "quadratic");
    for (size_t r = 0; r < n; r++) energy[r] = project(q, x + r * q->dim, buf, buf + q->dim);
    free(buf);
    return EBM_OK;
}

/* ∂E/∂μ = −P d = −L u, ∂E/∂L_ij = d_i u_j (i ≥ j). */
static int quadratic_param_grad(void *self, const float *x, size_t n,
                                const double *weight, ebm_tensor *grads, ebm_error *err) {
    const quadratic *q = self;
    size_t dim = q->dim;
    double *buf = malloc(2 * dim * sizeof *buf);
    if (!buf) return ebm_fail(err, EBM_ENOMEM, "quadratic");
    double *d = buf, *u = buf + dim;
    float *g_mean = grads[0].data, *g_L = grads[1].data;
    for (size_t r = 0; r < n; r++) {
        project(q, x + r * dim, d, u);
        for (size_t i = 0; i < dim; i++) {
            g_mean[i] -= (float)(weight[r] * precision_times(q, u, i));
            for (size_t j = 0; j <= i; j++) g_L[i * dim + j] += (float)(weight[r] * d[i] * u[j]);
        }
    }
    free(buf);
    return EBM_OK;
}

/* ∂E/∂x = P d = L u. */
static int quadratic_state_grad(void *self, const float *x, size_t n, float *grad,
                                ebm_error *err) {
    const quadratic *q = self;
    size_t dim = q->dim;
    double *buf = malloc(2 * dim * sizeof *buf);
    if (!buf) return ebm_fail(err, EBM_ENOMEM, "quadratic");
    for (size_t r = 0; r < n; r++) {
        project(q, x + r * dim, buf, buf + dim);
        for (size_t i = 0; i < dim; i++)
            grad[r * dim + i] = (float)precision_times(q, buf + dim, i);
    }
    free(buf);
    return EBM_OK;
}

/* E and ∂E/∂x from one projection per state. */
static int quadratic_energies_grad(void *self, const float *x, size_t n, double *energy,
                                   float *grad, ebm_error *err) {
    const quadratic *q = self;
    size_t dim = q->dim;
    double *buf = malloc(2 * dim * sizeof *buf);
    if (!buf) return ebm_fail(err, EBM_ENOMEM, "quadratic");
    for (size_t r = 0; r < n; r++) {
        energy[r] = project(q, x + r * dim, buf, buf + dim);
        for (size_t i = 0; i < dim; i++)
            grad[r * dim + i] = (float)precision_times(q, buf + dim, i);
    }
    free(buf);
    return EBM_OK;
}

static int quadratic_gaussian(void *self, double *mean, double *cov, double *log_z,
                              ebm_error *err) {
    const quadratic *q = self;
    size_t dim = q->dim;
    double *precision = malloc(dim * dim * sizeof *precision);
    if (!precision) return ebm_fail(err, EBM_ENOMEM, "quadratic");
    double log_det_l = 0;
    for (size_t i = 0; i < dim; i++) {
        mean[i] = q->mean[i];
        log_det_l += log(fabs((double)q->L[i * dim + i]));
        for (size_t j = 0; j < dim; j++) {
            double s = 0;
            size_t top = i < j ? i : j;
            for (size_t k = 0; k <= top; k++)
                s += (double)q->L[i * dim + k] * q->L[j * dim + k];
            precision[i * dim + j] = s;
            cov[i * dim + j] = i == j;
        }
    }
    int rc = EBM_OK;
    if (ebm_cholesky(precision, dim, dim, 1e-14) != 0)
        rc = ebm_fail(err, EBM_ENUMERIC, "quadratic: the precision L L' is singular");
    else
        ebm_cholesky_solve(precision, dim, dim, cov, dim, dim);
    *log_z = 0.5 * (double)dim * log(2 * 3.14159265358979323846) - log_det_l;
    free(precision);
    return rc;
}

const ebm_energy_family ebm_energy_quadratic = {
    .name = "quadratic",
    .xCheck = quadratic_check,
    .xCreate = quadratic_create,
    .xDestroy = quadratic_destroy,
    .xParams = quadratic_params,
    .xEnergy = quadratic_energy,
    .xEnergies = quadratic_energies,
    .xParamGrad = quadratic_param_grad,
    .xStateGrad = quadratic_state_grad,
    .xEnergiesGrad = quadratic_energies_grad,
    .xGaussian = quadratic_gaussian,
};
