/* energy_mixture.c — the `mixture` energy family: a mixture of K isotropic
 * Gaussians, E(x) = −log Σ_k w_k N(x; μ_k, σ_k² I) with w = softmax(α) and
 * σ_k = exp(s_k); μ, α and s are trainable. The density is normalised (log Z
 * = 0) whatever the parameters.
 *
 * With ℓ_k = log w_k + log N_k(x) and responsibilities r = softmax(ℓ):
 * ∂E/∂x = Σ_k r_k (x − μ_k)/σ_k², ∂E/∂μ_k = −r_k (x − μ_k)/σ_k²,
 * ∂E/∂s_k = r_k (d − ‖x − μ_k‖²/σ_k²), ∂E/∂α_k = w_k − r_k. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "energy.h"

#define LOG_2PI 1.83787706640934548356

typedef struct mixture {
    size_t dim, k;
    float *centers;       /* K × dim */
    float *log_weights;   /* α, K (softmax gives the weights) */
    float *log_scales;    /* s, K */
    ebm_tensor tensors[3];
    double *scratch;      /* 2K doubles for the batch ops */
} mixture;

static void mixture_check(const ebm_node *cfg, size_t dim, ebm_diags *diags) {
    double first;
    int given = ebm_cfg_doubles(cfg, "scales", &first, 1);
    if (given > 1)
        ebm_energy_diag(diags, cfg, "scales", "mixture takes one initial scale, "
                        "got %d values", given);
    given = ebm_cfg_doubles(cfg, "centers", &first, 1);
    size_t k = (size_t)ebm_cfg_int(cfg, "components", 8);
    if (given > 0 && dim && (size_t)given != k * dim)
        ebm_energy_diag(diags, cfg, "centers", "%d values; components x dim = %zu",
                        given, k * dim);
}

static void mixture_destroy(void *self) {
    mixture *m = self;
    if (!m) return;
    free(m->centers);
    free(m->log_weights);
    free(m->log_scales);
    free(m->scratch);
    free(m);
}

/* Centres from the config, else K random training rows, else N(0, 1). */
static int init_centers(mixture *m, const ebm_node *cfg, const ebm_dataset *train,
                        ebm_rng *rng, ebm_error *err) {
    size_t count = m->k * m->dim;
    double *given = malloc(count * sizeof *given);
    if (!given) return ebm_fail(err, EBM_ENOMEM, "mixture");
    int n_given = ebm_cfg_doubles(cfg, "centers", given, (int)count);
    int rc = EBM_OK;
    if (n_given > 0 && (size_t)n_given != count) {
        rc = ebm_fail(err, EBM_ECONFIG, "model.centers: %d values; components x dim = "
                      "%zu", n_given, count);
    } else if (n_given > 0) {
        for (size_t i = 0; i < count; i++) m->centers[i] = (float)given[i];
    } else if (train && train->n > 0) {
        for (size_t c = 0; c < m->k; c++)
            memcpy(m->centers + c * m->dim,
                   train->x + ebm_rng_below(rng, train->n) * train->dim,
                   m->dim * sizeof *m->centers);
    } else {
        for (size_t i = 0; i < count; i++) m->centers[i] = (float)ebm_rng_normal(rng);
    }
    free(given);
    return rc;
}

static int mixture_create(const ebm_node *cfg, size_t dim, const ebm_dataset *train,
                          ebm_rng *rng, void **self, ebm_error *err) {
    mixture *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "mixture");
    m->dim = dim;
    m->k = (size_t)ebm_cfg_int(cfg, "components", 8);
    m->centers = malloc(m->k * dim * sizeof *m->centers);
    m->log_weights = calloc(m->k, sizeof *m->log_weights);
    m->log_scales = malloc(m->k * sizeof *m->log_scales);
    m->scratch = malloc(2 * m->k * sizeof *m->scratch);
    int rc = m->centers && m->log_weights && m->log_scales && m->scratch
                 ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "mixture of %zu", m->k);
    if (!rc) rc = init_centers(m, cfg, train, rng, err);
    if (rc) {
        mixture_destroy(m);
        return rc;
    }
    double scale = ebm_cfg_double(cfg, "scales", 1.0);
    for (size_t c = 0; c < m->k; c++) m->log_scales[c] = (float)log(scale);
    m->tensors[0] = (ebm_tensor){.name = "centers", .data = m->centers, .rank = 2,
                                 .shape = {m->k, dim}};
    m->tensors[1] = (ebm_tensor){.name = "log_weights", .data = m->log_weights,
                                 .rank = 1, .shape = {m->k}};
    m->tensors[2] = (ebm_tensor){.name = "log_scales", .data = m->log_scales,
                                 .rank = 1, .shape = {m->k}};
    *self = m;
    return EBM_OK;
}

static int mixture_params(void *self, ebm_tensor *out, int max) {
    mixture *m = self;
    return ebm_tensor_list(out, max, m->tensors, 3);
}

static double log_sum_exp(const double *v, size_t n) {
    double top = -INFINITY;
    for (size_t i = 0; i < n; i++) top = v[i] > top ? v[i] : top;
    if (!isfinite(top)) return top;
    double s = 0;
    for (size_t i = 0; i < n; i++) s += exp(v[i] - top);
    return top + log(s);
}

/* log w_k into log_w (K); returns nothing, log_w sums to 1 after exp. */
static void log_weights(const mixture *m, double *log_w) {
    for (size_t c = 0; c < m->k; c++) log_w[c] = m->log_weights[c];
    double norm = log_sum_exp(log_w, m->k);
    for (size_t c = 0; c < m->k; c++) log_w[c] -= norm;
}

/* ℓ_k for one state into ell (K); returns E = −log Σ_k exp ℓ_k. */
static double component_logs(const mixture *m, const double *log_w, const float *x,
                             double *ell) {
    for (size_t c = 0; c < m->k; c++) {
        const float *mu = m->centers + c * m->dim;
        double s = m->log_scales[c], dist2 = 0;
        for (size_t i = 0; i < m->dim; i++) {
            double d = (double)x[i] - mu[i];
            dist2 += d * d;
        }
        ell[c] = log_w[c] - 0.5 * (double)m->dim * LOG_2PI - (double)m->dim * s -
                 0.5 * dist2 * exp(-2.0 * s);
    }
    return -log_sum_exp(ell, m->k);
}

static double mixture_energy(void *self, const float *x) {
    const mixture *m = self;
    double *buf = malloc(2 * m->k * sizeof *buf);
    if (!buf) return NAN;
    log_weights(m, buf);
    double e = component_logs(m, buf, x, buf + m->k);
    free(buf);
    return e;
}

static int mixture_energies(void *self, const float *x, size_t n, double *energy,
                            ebm_error *err) {
    (void)err;
    mixture *m = self;
    double *log_w = m->scratch, *ell = m->scratch + m->k;
    log_weights(m, log_w);
    for (size_t r = 0; r < n; r++) energy[r] = component_logs(m, log_w, x + r * m->dim, ell);
    return EBM_OK;
}

/* ell ← responsibilities r_k = exp(ℓ_k + E). */
static void responsibilities(size_t k, double energy, double *ell) {
    for (size_t c = 0; c < k; c++) ell[c] = exp(ell[c] + energy);
}

static int mixture_param_grad(void *self, const float *x, size_t n, const double *weight,
                              ebm_tensor *grads, ebm_error *err) {
    (void)err;
    mixture *m = self;
    double *log_w = m->scratch, *resp = m->scratch + m->k;
    float *g_centers = grads[0].data, *g_log_w = grads[1].data, *g_log_s = grads[2].data;
    log_weights(m, log_w);
    for (size_t r = 0; r < n; r++) {
        const float *xr = x + r * m->dim;
        responsibilities(m->k, component_logs(m, log_w, xr, resp), resp);
        for (size_t c = 0; c < m->k; c++) {
            const float *mu = m->centers + c * m->dim;
            double inv_var = exp(-2.0 * m->log_scales[c]), dist2 = 0;
            for (size_t i = 0; i < m->dim; i++) {
                double d = (double)xr[i] - mu[i];
                dist2 += d * d;
                g_centers[c * m->dim + i] -= (float)(weight[r] * resp[c] * d * inv_var);
            }
            g_log_s[c] += (float)(weight[r] * resp[c] * ((double)m->dim - dist2 * inv_var));
            g_log_w[c] += (float)(weight[r] * (exp(log_w[c]) - resp[c]));
        }
    }
    return EBM_OK;
}

static int mixture_state_grad(void *self, const float *x, size_t n, float *grad,
                              ebm_error *err) {
    (void)err;
    mixture *m = self;
    double *log_w = m->scratch, *resp = m->scratch + m->k;
    log_weights(m, log_w);
    for (size_t r = 0; r < n; r++) {
        const float *xr = x + r * m->dim;
        float *g = grad + r * m->dim;
        responsibilities(m->k, component_logs(m, log_w, xr, resp), resp);
        for (size_t i = 0; i < m->dim; i++) {
            double s = 0;
            for (size_t c = 0; c < m->k; c++)
                s += resp[c] * ((double)xr[i] - m->centers[c * m->dim + i]) *
                     exp(-2.0 * m->log_scales[c]);
            g[i] = (float)s;
        }
    }
    return EBM_OK;
}

const ebm_energy_family ebm_energy_mixture = {
    .name = "mixture",
    .xCheck = mixture_check,
    .xCreate = mixture_create,
    .xDestroy = mixture_destroy,
    .xParams = mixture_params,
    .xEnergy = mixture_energy,
    .xEnergies = mixture_energies,
    .xParamGrad = mixture_param_grad,
    .xStateGrad = mixture_state_grad,
};
