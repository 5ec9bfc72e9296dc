/* energy_double_well.c — the `double_well` energy family, for the 1-D
 * double-well sampler checks: E(x) = Σ_i [a (x_i² − 1)² + t_i x_i], minima
 * near ±1 separated by a barrier of height a at 0; a and t are trainable.
 * ∂E/∂x_i = 4a x_i (x_i² − 1) + t_i, ∂E/∂a = Σ_i (x_i² − 1)², ∂E/∂t_i = x_i. */
#include <math.h>
#include <stdlib.h>

#include "energy.h"

typedef struct double_well {
    size_t dim;
    float barrier[1];   /* a */
    float *tilt;        /* t, dim */
    ebm_tensor tensors[2];
} double_well;

static void double_well_check(const ebm_node *cfg, size_t dim, ebm_diags *diags) {
    double first;
    int given = ebm_cfg_doubles(cfg, "tilt", &first, 1);
    if (dim && given > 1 && (size_t)given != dim)
        ebm_energy_diag(diags, cfg, "tilt", "%d values for dim %zu (give one value "
                        "or %zu)", given, dim, dim);
}

static void double_well_destroy(void *self) {
    double_well *w = self;
    if (!w) return;
    free(w->tilt);
    free(w);
}

static int double_well_create(const ebm_node *cfg, size_t dim, const ebm_dataset *train,
                              ebm_rng *rng, void **self, ebm_error *err) {
    (void)train;
    (void)rng;
    double_well *w = calloc(1, sizeof *w);
    double *tilt = malloc(dim * sizeof *tilt);
    int rc = w && tilt ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "double_well");
    if (!rc) {
        w->dim = dim;
        w->tilt = malloc(dim * sizeof *w->tilt);
        if (!w->tilt) rc = ebm_fail(err, EBM_ENOMEM, "double_well");
    }
    if (!rc) rc = ebm_energy_per_dim(cfg, "tilt", 0.0, dim, tilt, err);
    if (rc) {
        free(tilt);
        double_well_destroy(w);
        return rc;
    }
    for (size_t i = 0; i < dim; i++) w->tilt[i] = (float)tilt[i];
    free(tilt);
    w->barrier[0] = (float)ebm_cfg_double(cfg, "barrier", 1.0);
    w->tensors[0] = (ebm_tensor){.name = "barrier", .data = w->barrier, .rank = 1,
                                 .shape = {1}};
    w->tensors[1] = (ebm_tensor){.name = "tilt", .data = w->tilt, .rank = 1,
                                 .shape = {dim}};
    *self = w;
    return EBM_OK;
}

static int double_well_params(void *self, ebm_tensor *out, int max) {
    double_well *w = self;
    return ebm_tensor_list(out, max, w->tensors, 2);
}

static double double_well_energy(void *self, const float *x) {
    const double_well *w = self;
    double e = 0;
    for (size_t i = 0; i < w->dim; i++) {
        double s = (double)x[i] * x[i] - 1.0;
        e += w->barrier[0] * s * s + (double)w->tilt[i] * x[i];
    }
    return e;
}

static int double_well_energies(void *self, const float *x, size_t n, double *energy,
                                ebm_error *err) {
    (void)err;
    const double_well *w = self;
    for (size_t r = 0; r < n; r++) energy[r] = double_well_energy(self, x + r * w->dim);
    return EBM_OK;
}

static int double_well_param_grad(void *self, const float *x, size_t n,
                                  const double *weight, ebm_tensor *grads,
                                  ebm_error *err) {
    (void)err;
    const double_well *w = self;
    float *g_barrier = grads[0].data, *g_tilt = grads[1].data;
    for (size_t r = 0; r < n; r++) {
        const float *xr = x + r * w->dim;
        double sum = 0;
        for (size_t i = 0; i < w->dim; i++) {
            double s = (double)xr[i] * xr[i] - 1.0;
            sum += s * s;
            g_tilt[i] += (float)(weight[r] * xr[i]);
        }
        g_barrier[0] += (float)(weight[r] * sum);
    }
    return EBM_OK;
}

static int double_well_state_grad(void *self, const float *x, size_t n, float *grad,
                                  ebm_error *err) {
    (void)err;
    const double_well *w = self;
    for (size_t k = 0; k < n * w->dim; k++) {
        double v = x[k];
        grad[k] = (float)(4.0 * w->barrier[0] * v * (v * v - 1.0) + w->tilt[k % w->dim]);
    }
    return EBM_OK;
}

const ebm_energy_family ebm_energy_double_well = {
    .name = "double_well",
    .xCheck = double_well_check,
    .xCreate = double_well_create,
    .xDestroy = double_well_destroy,
    .xParams = double_well_params,
    .xEnergy = double_well_energy,
    .xEnergies = double_well_energies,
    .xParamGrad = double_well_param_grad,
    .xStateGrad = double_well_state_grad,
};
