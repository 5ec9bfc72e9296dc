/* energy.h — the generic energy model `energy` (p(x) = exp(−E(x))/Z, x ∈ ℝᵈ)
 * and the small ops struct its energy families implement (mlp, quadratic,
 * mixture, double_well; one file each, listed in energy.c's table). */
#ifndef EBM_MODELS_ENERGY_H
#define EBM_MODELS_ENERGY_H

#include <stddef.h>

#include "cfg.h"
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "rng.h"

/* No family hands out more tensors than this (an mlp's hidden layers are
 * limited to match). */
#define EBM_ENERGY_MAX_TENSORS 40

/* One energy family. `self` is what xCreate made. A family is not safe to call
 * from several threads at once, except xEnergy (one state, no shared
 * scratch), which samplers may call from their chains' threads. */
typedef struct ebm_energy_family {
    const char *name;
    /* Cross-field checks on the validated `model` section (path "model");
     * dim is the configured model.dim, 0 when it comes from the data. */
    void (*xCheck)(const ebm_node *model_cfg, size_t dim, ebm_diags *diags);
    /* Builds the family for states of `dim` floats; train may be NULL or
     * empty (data-dependent initialisation then falls back to N(0, 1)). */
    int (*xCreate)(const ebm_node *model_cfg, size_t dim, const ebm_dataset *train,
                   ebm_rng *rng, void **self, ebm_error *err);
    void (*xDestroy)(void *self);
    int (*xParams)(void *self, ebm_tensor *out, int max);
    /* E(x) of one state, thread-safe. */
    double (*xEnergy)(void *self, const float *x);
    /* E for n states (rows of dim floats). */
    int (*xEnergies)(void *self, const float *x, size_t n, double *energy,
                     ebm_error *err);
    /* grads += Σ_r weight[r] · ∂E(x_r)/∂θ. Called right after xEnergies on the
     * same states, so a family may reuse what that forward pass kept. */
    int (*xParamGrad)(void *self, const float *x, size_t n, const double *weight,
                      ebm_tensor *grads, ebm_error *err);
    /* grad = ∂E/∂x for n states (n × dim). */
    int (*xStateGrad)(void *self, const float *x, size_t n, float *grad,
                      ebm_error *err);
    /* Optional: xEnergies and xStateGrad on the same states from one pass. */
    int (*xEnergiesGrad)(void *self, const float *x, size_t n, double *energy,
                         float *grad, ebm_error *err);
    /* Optional (NULL unless the density is a Gaussian): the exact mean (dim),
     * covariance (dim × dim, row-major) and log Z of exp(−E). */
    int (*xGaussian)(void *self, double *mean, double *cov, double *log_z,
                     ebm_error *err);
} ebm_energy_family;

extern const ebm_energy_family ebm_energy_mlp;
extern const ebm_energy_family ebm_energy_quadratic;
extern const ebm_energy_family ebm_energy_mixture;
extern const ebm_energy_family ebm_energy_double_well;

extern const ebm_model_ops ebm_model_energy;

/* For a model made by ebm_model_energy with a Gaussian family (quadratic):
 * its exact mean (xUnits values), covariance (xUnits², row-major) and log Z
 * (any of the three may be NULL). EBM_ENOTSUP for any other model or family. */
int ebm_energy_gaussian_truth(const ebm_model_ops *ops, void *model, double *mean,
                              double *cov, double *log_z);

/* Helpers the families share (energy.c). */
/* Reads a number-or-list key as dim values: a scalar repeats, a list must have
 * dim entries (EBM_ECONFIG naming model.KEY otherwise); absent keys give def. */
int ebm_energy_per_dim(const ebm_node *cfg, const char *key, double def, size_t dim,
                       double *out, ebm_error *err);
/* Position of a key of the model section for diagnostics ("file:line:col"). */
void ebm_energy_diag(ebm_diags *diags, const ebm_node *model_cfg, const char *key,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
