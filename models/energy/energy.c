/* energy.c — the `energy` model plugin: a learned or analytic energy E(x) on
 * x ∈ ℝᵈ from one of the families below, the L2 penalty on energy magnitudes
 * folded into the contrastive statistics, and noise starts for chains. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy.h"
#include "plugins.h"

/* Every family, one line each. */
static const ebm_energy_family *const families[] = {
    &ebm_energy_mlp,
    &ebm_energy_quadratic,
    &ebm_energy_mixture,
    &ebm_energy_double_well,
    NULL};

static const ebm_param energy_params[] = {
    {.name = "family", .type = EBM_P_ENUM, .def = "mlp",
     .choices = "mlp|quadratic|mixture|double_well",
     .help = "the energy: mlp (learned), quadratic (Gaussian), mixture (Gaussian "
             "mixture), double_well (a (x^2-1)^2 + tilt x per coordinate)"},
    {.name = "dim", .type = EBM_P_INT, .range = "[1, inf)", .flags = EBM_PF_OPTIONAL,
     .help = "length of a state (default: the data's columns; may differ only "
             "from data: none)"},
    {.name = "energy_l2", .type = EBM_P_FLOAT, .def = "0", .range = "[0, inf)",
     .help = "alpha of the penalty alpha (E(x+)^2 + E(x-)^2) on energy magnitudes "
             "(Du & Mordatch 2019)"},
    {.name = "layers", .type = EBM_P_FLOATS, .def = "[64, 64]", .range = "[1, inf)",
     .help = "mlp: hidden layer sizes from the input side (input: dim units; output: one energy)"},
    {.name = "activation", .type = EBM_P_ENUM, .def = "swish",
     .choices = "softplus|swish|tanh|relu", .help = "mlp: hidden activation"},
    {.name = "init_scale", .type = EBM_P_FLOAT, .def = "1", .range = "[0, inf)",
     .help = "mlp: weights drawn from N(0, init_scale^2 / fan_in), biases 0"},
    {.name = "mean", .type = EBM_P_FLOATS, .def = "0",
     .help = "quadratic: the initial (or true) mean, one value or dim values"},
    {.name = "scales", .type = EBM_P_FLOATS, .def = "1", .range = "(0, inf)",
     .help = "quadratic: standard deviations (one or dim values); mixture: the "
             "initial component standard deviation (one value)"},
    {.name = "correlation", .type = EBM_P_FLOAT, .def = "0", .range = "(-1, 1)",
     .help = "quadratic: rho of the AR(1) covariance Sigma_ij = s_i s_j rho^|i-j|"},
    {.name = "components", .type = EBM_P_INT, .def = "8", .range = "[1, inf)",
     .help = "mixture: number of isotropic Gaussian components"},
    {.name = "centers", .type = EBM_P_FLOATS, .flags = EBM_PF_OPTIONAL,
     .help = "mixture: initial component means, components x dim values row by "
             "row (default: random training rows)"},
    {.name = "barrier", .type = EBM_P_FLOAT, .def = "1", .range = "[0, inf)",
     .help = "double_well: a in E = a (x^2 - 1)^2, the barrier height at 0"},
    {.name = "tilt", .type = EBM_P_FLOATS, .def = "0",
     .help = "double_well: t in E += t x (one value or dim values)"},
    EBM_PARAM_END};

typedef struct energy_model {
    const ebm_energy_family *family;
    void *self;
    size_t dim;
    double energy_l2;
    /* Noise box: the training data's range enlarged by 10% each side; NULL
     * when there are no data to bound (noise is then N(0, 1)). */
    float *box_low, *box_high;
    double *energy, *weight;   /* per-row scratch of xEnergyGrad */
    size_t rows_cap;
} energy_model;

static const ebm_energy_family *family_named(const char *name) {
    for (int i = 0; families[i]; i++)
        if (strcmp(families[i]->name, name) == 0) return families[i];
    return NULL;
}

/* ---------------------------------------------------------- shared helpers */

int ebm_energy_per_dim(const ebm_node *cfg, const char *key, double def, size_t dim,
                       double *out, ebm_error *err) {
    int given = ebm_cfg_doubles(cfg, key, out, (int)dim);
    if (given <= 0) {
        for (size_t i = 0; i < dim; i++) out[i] = def;
    } else if (given == 1) {
        for (size_t i = 1; i < dim; i++) out[i] = out[0];
    } else if ((size_t)given != dim) {
        return ebm_fail(err, EBM_ECONFIG, "model.%s: %d values for %zu dimensions "
                        "(give one value or %zu)", key, given, dim, dim);
    }
    return EBM_OK;
}

void ebm_energy_diag(ebm_diags *diags, const ebm_node *model_cfg, const char *key,
                     const char *fmt, ...) {
    const ebm_node *at = ebm_node_child(model_cfg, key);
    ebm_mark mark = at ? at->mark : model_cfg->mark;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ebm_diags_add(diags, "%s: model.%s: %s", ebm_where_of(mark).text, key, msg);
}

/* ---------------------------------------------------------------- plugin */

static void energy_destroy(void *model) {
    energy_model *m = model;
    if (!m) return;
    if (m->self) m->family->xDestroy(m->self);
    free(m->box_low);
    free(m->box_high);
    free(m->energy);
    free(m->weight);
    free(m);
}

/* The data's box, 10% wider on each side (a constant column gets ±1). */
static int data_box(energy_model *m, const ebm_dataset *train, ebm_error *err) {
    m->box_low = malloc(m->dim * sizeof *m->box_low);
    m->box_high = malloc(m->dim * sizeof *m->box_high);
    if (!m->box_low || !m->box_high) return ebm_fail(err, EBM_ENOMEM, "energy: noise box");
    for (size_t i = 0; i < m->dim; i++) {
        float low = train->x[i], high = train->x[i];
        for (size_t r = 1; r < train->n; r++) {
            float v = train->x[r * train->dim + i];
            low = v < low ? v : low;
            high = v > high ? v : high;
        }
        float margin = high > low ? 0.1f * (high - low) : 1.0f;
        m->box_low[i] = low - margin;
        m->box_high[i] = high + margin;
    }
    return EBM_OK;
}

/* A state is dim values (the data's, unless the section gives its own). */
static void energy_size(const ebm_node *cfg, size_t data_dim, ebm_model_size *out) {
    *out = (ebm_model_size){.units = (double)ebm_cfg_int(cfg, "dim", (int64_t)data_dim),
                            .key = "dim"};
}

static int energy_create(const ebm_node *cfg, const ebm_dataset *train, ebm_rng *rng,
                         void **out, ebm_error *err) {
    const char *name = ebm_cfg_str(cfg, "family", "mlp");
    const ebm_energy_family *family = family_named(name);
    if (!family) return ebm_fail(err, EBM_ECONFIG, "model.family: unknown family %s", name);
    size_t data_dim = train ? train->dim : 0, data_rows = train ? train->n : 0;
    size_t dim = (size_t)ebm_cfg_int(cfg, "dim", (int64_t)data_dim);
    /* A dim of its own only where the data say nothing (data: none holds one
     * row); otherwise training would feed rows of the wrong length. */
    int use_data = data_rows > 1 || (data_rows == 1 && dim == data_dim);
    if (dim == 0)
        return ebm_fail(err, EBM_ECONFIG, "model.dim: the data have no columns; set dim");
    if (data_rows > 1 && dim != data_dim)
        return ebm_fail(err, EBM_ECONFIG, "model.dim: %zu, but the data have %zu "
                        "columns", dim, data_dim);
    energy_model *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "energy model");
    m->family = family;
    m->dim = dim;
    m->energy_l2 = ebm_cfg_double(cfg, "energy_l2", 0.0);
    int rc = use_data && data_rows > 1 ? data_box(m, train, err) : EBM_OK;
    if (!rc) rc = family->xCreate(cfg, dim, use_data ? train : NULL, rng, &m->self, err);
    if (rc) {
        energy_destroy(m);
        return rc;
    }
    *out = m;
    return EBM_OK;
}

static size_t energy_units(void *model) { return ((energy_model *)model)->dim; }

static double energy_energy(void *model, const float *state) {
    energy_model *m = model;
    return m->family->xEnergy(m->self, state);
}

static int energy_energies(void *model, const float *states, size_t n, double *energy,
                           ebm_error *err) {
    energy_model *m = model;
    return n ? m->family->xEnergies(m->self, states, n, energy, err) : EBM_OK;
}

static int energy_params_list(void *model, ebm_tensor *out, int max) {
    energy_model *m = model;
    return m->family->xParams(m->self, out, max);
}

static int grow_rows(energy_model *m, size_t n, ebm_error *err) {
    if (n <= m->rows_cap) return EBM_OK;
    double *energy = realloc(m->energy, n * sizeof *energy);
    if (energy) m->energy = energy;
    double *weight = realloc(m->weight, n * sizeof *weight);
    if (weight) m->weight = weight;
    if (!energy || !weight) return ebm_fail(err, EBM_ENOMEM, "energy: %zu rows", n);
    m->rows_cap = n;
    return EBM_OK;
}

static int states_finite(const energy_model *m, const float *states, size_t n,
                         ebm_error *err) {
    for (size_t k = 0; k < n * m->dim; k++)
        if (!isfinite(states[k]))
            return ebm_fail(err, EBM_ENUMERIC, "energy: state %zu, coordinate %zu is "
                            "%s (a chain diverged; lower the sampler's step size)",
                            k / m->dim, k % m->dim, isnan(states[k]) ? "NaN" : "infinite");
    return EBM_OK;
}

/* grads += scale · mean over rows of ∂E/∂θ, plus the energy penalty
 * α (E(x⁺)² + E(x⁻)²): its gradient 2αE ∂E/∂θ has the same sign on data
 * (scale +1) and model samples (scale −1), so row r weighs
 * (scale + 2α E(x_r) |scale|) / n. Overflowing energies or gradients are an
 * EBM_ENUMERIC error naming the quantity, never silent NaNs. */
static int energy_energy_grad(void *model, const float *states, size_t n, double scale,
                              ebm_tensor *grads, ebm_error *err) {
    energy_model *m = model;
    if (n == 0) return EBM_OK;
    int rc = grow_rows(m, n, err);
    if (!rc) rc = states_finite(m, states, n, err);
    if (!rc) rc = m->family->xEnergies(m->self, states, n, m->energy, err);
    if (rc) return rc;
    for (size_t r = 0; r < n; r++) {
        if (!isfinite(m->energy[r]))
            return ebm_fail(err, EBM_ENUMERIC, "energy: E(x) of row %zu is %s (the "
                            "energy overflowed; lower train.optim.lr or raise "
                            "model.energy_l2)", r, isnan(m->energy[r]) ? "NaN" : "infinite");
        m->weight[r] = (scale + 2.0 * m->energy_l2 * m->energy[r] * fabs(scale)) /
                       (double)n;
    }
    rc = m->family->xParamGrad(m->self, states, n, m->weight, grads, err);
    if (rc) return rc;
    ebm_tensor params[EBM_ENERGY_MAX_TENSORS];
    int n_params = m->family->xParams(m->self, params, EBM_ENERGY_MAX_TENSORS);
    for (int t = 0; t < n_params; t++) {
        size_t size = ebm_tensor_size(&grads[t]);
        for (size_t i = 0; i < size; i++)
            if (!isfinite(grads[t].data[i]))
                return ebm_fail(err, EBM_ENUMERIC, "energy: dE/d%s[%zu] is %s (the "
                                "gradient overflowed; lower train.optim.lr)",
                                params[t].name, i, isnan(grads[t].data[i]) ? "NaN"
                                                                        : "infinite");
    }
    return EBM_OK;
}

static int energy_state_grad(void *model, const float *states, size_t n, float *grad,
                             ebm_error *err) {
    energy_model *m = model;
    return n ? m->family->xStateGrad(m->self, states, n, grad, err) : EBM_OK;
}

static int energy_energies_grad(void *model, const float *states, size_t n,
                                double *energy, float *grad, ebm_error *err) {
    energy_model *m = model;
    if (!n) return EBM_OK;
    if (m->family->xEnergiesGrad)
        return m->family->xEnergiesGrad(m->self, states, n, energy, grad, err);
    int rc = m->family->xEnergies(m->self, states, n, energy, err);
    return rc ? rc : m->family->xStateGrad(m->self, states, n, grad, err);
}

/* Uniform over the data's enlarged box, or N(0, 1) without data. */
static void energy_noise(void *model, float *states, size_t n, ebm_rng *rng) {
    energy_model *m = model;
    for (size_t r = 0; r < n; r++) {
        float *x = states + r * m->dim;
        for (size_t i = 0; i < m->dim; i++)
            x[i] = m->box_low ? m->box_low[i] + (m->box_high[i] - m->box_low[i]) *
                                                    ebm_rng_uniformf(rng)
                              : (float)ebm_rng_normal(rng);
    }
}

static void energy_check(const ebm_node *experiment, ebm_diags *diags) {
    const ebm_node *cfg = ebm_node_child(experiment, "model");
    const ebm_energy_family *family = family_named(ebm_cfg_str(cfg, "family", "mlp"));
    if (!family || !family->xCheck) return;   /* the validator names a bad family */
    family->xCheck(cfg, (size_t)ebm_cfg_int(cfg, "dim", 0), diags);
}

int ebm_energy_gaussian_truth(const ebm_model_ops *ops, void *model, double *mean,
                              double *cov, double *log_z) {
    if (ops != &ebm_model_energy || !model) return EBM_ENOTSUP;
    energy_model *m = model;
    if (!m->family->xGaussian) return EBM_ENOTSUP;
    double *mean_buf = malloc(m->dim * sizeof *mean_buf);
    double *cov_buf = malloc(m->dim * m->dim * sizeof *cov_buf);
    double log_z_buf;
    int rc = EBM_ENOMEM;
    if (mean_buf && cov_buf)
        rc = m->family->xGaussian(m->self, mean_buf, cov_buf, &log_z_buf, NULL);
    if (!rc) {
        if (mean) memcpy(mean, mean_buf, m->dim * sizeof *mean);
        if (cov) memcpy(cov, cov_buf, m->dim * m->dim * sizeof *cov);
        if (log_z) *log_z = log_z_buf;
    }
    free(mean_buf);
    free(cov_buf);
    return rc;
}

static const ebm_model_continuous energy_continuous = {
    .xStateGrad = energy_state_grad,
    .xEnergies = energy_energies,
    .xEnergiesGrad = energy_energies_grad,
    .xNoise = energy_noise,
};

static const ebm_model_learning energy_learning = {
    .xEnergyGrad = energy_energy_grad,
};

/* The named features of the energy model (model.h). */
static int energy_gaussian_truth(void *model, double *mean, double *cov, double *log_z) {
    return ebm_energy_gaussian_truth(&ebm_model_energy, model, mean, cov, log_z);
}

static ebm_model_feature energy_feature(const char *name) {
    if (strcmp(name, "gaussian_truth") == 0) {
        ebm_gaussian_truth_fn fn = energy_gaussian_truth;
        return (ebm_model_feature)fn;
    }
    return NULL;
}

const ebm_model_ops ebm_model_energy = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "energy",
             .help = "generic energy-based model on real vectors, p(x) = exp(-E(x))/Z, "
                     "E from a family: mlp, quadratic, mixture, double_well",
             .params = energy_params},
    .example = "{data: {type: toy2d, shape: two_moons, n: 50}, model: {type: energy, "
               "family: mlp, layers: [8]}}",
    .xCreate = energy_create,
    .xSize = energy_size,
    .xDestroy = energy_destroy,
    .xUnits = energy_units,
    .xEnergy = energy_energy,
    .xParams = energy_params_list,
    .xCheck = energy_check,
    .xFeature = energy_feature,
    .continuous = &energy_continuous,
    .learning = &energy_learning,
};
