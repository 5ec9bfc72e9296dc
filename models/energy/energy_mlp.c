/* energy_mlp.c — the `mlp` energy family: E(x) = a scalar multilayer
 * perceptron of x, dense layers through ebm_sgemm, and hand-written backprop
 * for ∂E/∂θ (rows weighted) and ∂E/∂x.
 *
 * Layers l = 1..L: z_l = a_{l−1} W_l + b_l (a_0 = x), a_l = f(z_l) for hidden
 * layers, E = z_L (width 1). Backprop: δ_L = row weight, ∂W_l = a_{l−1}ᵀ δ_l,
 * ∂b_l = Σ_rows δ_l, δ_{l−1} = (δ_l W_lᵀ) ⊙ f'(z_{l−1}), ∂E/∂x = δ_1 W_1ᵀ. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "energy.h"
#include "fastmath.h"
#include "gemm.h"

#define MAX_HIDDEN 16
#define MAX_LAYERS (MAX_HIDDEN + 1)

typedef enum { ACT_SOFTPLUS, ACT_SWISH, ACT_TANH, ACT_RELU } activation;
static const char *const activation_names[] = {"softplus", "swish", "tanh", "relu"};

/* The buffers of one pass over n rows: every layer's pre-activations z
 * (after activate, swish's σ(z)) and activations a (n × width each, one
 * after the other), two δ blocks. */
typedef struct mlp_work {
    float *z, *a, *delta, *back;
    size_t rows_cap;
    const float *x;   /* the states of the last forward pass, and how many */
    size_t n;
} mlp_work;

typedef struct mlp {
    size_t dim;
    int n_layers;                    /* weight layers: hidden + 1 */
    size_t width[MAX_LAYERS + 1];    /* width[0] = dim, width[n_layers] = 1 */
    size_t offset[MAX_LAYERS + 1];   /* layer l's columns start at offset[l] */
    size_t total_width, max_width;
    activation act;
    float *W[MAX_LAYERS + 1], *b[MAX_LAYERS + 1];   /* 1-based */
    char names[2 * MAX_LAYERS][8];
    ebm_tensor tensors[2 * MAX_LAYERS];
    mlp_work cache;                  /* of xEnergies, reused by xParamGrad */
} mlp;

static activation activation_from(const char *name) {
    for (int i = 0; i < 4; i++)
        if (strcmp(name, activation_names[i]) == 0) return (activation)i;
    return ACT_SWISH;
}

/* σ(z) through ebm_fast_expf, so the loops over a layer's units vectorise
 * (libm's expf does not); relative error ~2e-7, and 0 < σ ≤ 1 for any z. */
static inline EBM_VECTORISE float sigmoid(float z) {
    return 1.0f / (1.0f + ebm_fast_expf(-z));
}

/* One loop per activation, so each vectorises. Swish keeps σ(z) in place
 * of z (its derivative needs only σ and a), so the backward pass takes no
 * second exponential. */
static EBM_HOT_LOOP void activate(activation act, float *z, float *a, size_t count) {
    switch (act) {
    case ACT_SOFTPLUS:
        for (size_t i = 0; i < count; i++)
            a[i] = z[i] > 0 ? z[i] + log1pf(expf(-z[i])) : log1pf(expf(z[i]));
        break;
    case ACT_SWISH:
        for (size_t i = 0; i < count; i++) {
            float s = sigmoid(z[i]);
            a[i] = z[i] * s;
            z[i] = s;
        }
        break;
    case ACT_TANH:
        for (size_t i = 0; i < count; i++) a[i] = tanhf(z[i]);
        break;
    case ACT_RELU:
        for (size_t i = 0; i < count; i++) a[i] = z[i] > 0 ? z[i] : 0.0f;
        break;
    }
}

/* g ⊙= f'(z) from what activate left: z (swish: σ(z)) and a = f(z), which
 * saves tanh and swish a second evaluation. Swish: f' = σ + zσ(1 − σ) =
 * σ + a(1 − σ), the same floats as computing σ again. */
static EBM_HOT_LOOP void times_derivative(activation act, const float *z, const float *a,
                                           float *g, size_t count) {
    switch (act) {
    case ACT_SOFTPLUS:
        for (size_t i = 0; i < count; i++) g[i] *= sigmoid(z[i]);
        break;
    case ACT_SWISH:
        for (size_t i = 0; i < count; i++) g[i] *= z[i] + a[i] * (1.0f - z[i]);
        break;
    case ACT_TANH:
        for (size_t i = 0; i < count; i++) g[i] *= 1.0f - a[i] * a[i];
        break;
    case ACT_RELU:
        for (size_t i = 0; i < count; i++) g[i] *= z[i] > 0 ? 1.0f : 0.0f;
        break;
    }
}

static void work_free(mlp_work *w) {
    free(w->z);
    free(w->a);
    free(w->delta);
    free(w->back);
    memset(w, 0, sizeof *w);
}

static int work_reserve(const mlp *m, mlp_work *w, size_t n, ebm_error *err) {
    if (n <= w->rows_cap) return EBM_OK;
    work_free(w);
    w->z = malloc(n * m->total_width * sizeof *w->z);
    w->a = malloc(n * m->total_width * sizeof *w->a);
    w->delta = malloc(n * m->max_width * sizeof *w->delta);
    w->back = malloc(n * m->max_width * sizeof *w->back);
    if (!w->z || !w->a || !w->delta || !w->back) {
        work_free(w);
        return ebm_fail(err, EBM_ENOMEM, "mlp: buffers for %zu rows", n);
    }
    w->rows_cap = n;
    return EBM_OK;
}

static float *layer_z(const mlp *m, const mlp_work *w, int l, size_t n) {
    return w->z + n * m->offset[l];
}
static float *layer_a(const mlp *m, const mlp_work *w, int l, size_t n) {
    return w->a + n * m->offset[l];
}

static void forward(const mlp *m, mlp_work *w, const float *x, size_t n, double *energy) {
    const float *in = x;
    for (int l = 1; l <= m->n_layers; l++) {
        size_t fan_in = m->width[l - 1], width = m->width[l];
        float *z = layer_z(m, w, l, n);
        for (size_t r = 0; r < n; r++) memcpy(z + r * width, m->b[l], width * sizeof *z);
        ebm_sgemm(0, 0, n, width, fan_in, 1.0f, in, fan_in, m->W[l], width, 1.0f, z, width);
        if (l < m->n_layers) {
            activate(m->act, z, layer_a(m, w, l, n), n * width);
            in = layer_a(m, w, l, n);
        }
    }
    const float *out = layer_z(m, w, m->n_layers, n);
    if (energy)
        for (size_t r = 0; r < n; r++) energy[r] = out[r];
    w->x = x;
    w->n = n;
}

/* From the forward pass in w: grads (if not NULL) += Σ_r weight[r] ∂E_r/∂θ,
 * state_grad (if not NULL) = weight[r] ∂E_r/∂x (weight NULL: all 1). */
static void backward(const mlp *m, mlp_work *w, const float *x, size_t n,
                     const double *weight, ebm_tensor *grads, float *state_grad) {
    float *delta = w->delta, *back = w->back;
    for (size_t r = 0; r < n; r++) delta[r] = weight ? (float)weight[r] : 1.0f;
    for (int l = m->n_layers; l >= 1; l--) {
        size_t fan_in = m->width[l - 1], width = m->width[l];
        const float *in = l == 1 ? x : layer_a(m, w, l - 1, n);
        if (grads) {
            float *gW = grads[2 * (l - 1)].data, *gb = grads[2 * (l - 1) + 1].data;
            ebm_sgemm(1, 0, fan_in, width, n, 1.0f, in, fan_in, delta, width, 1.0f, gW,
                      width);
            for (size_t r = 0; r < n; r++)
                for (size_t j = 0; j < width; j++) gb[j] += delta[r * width + j];
        }
        if (l == 1) {
            if (state_grad)
                ebm_sgemm(0, 1, n, fan_in, width, 1.0f, delta, width, m->W[1], width,
                          0.0f, state_grad, fan_in);
            break;
        }
        ebm_sgemm(0, 1, n, fan_in, width, 1.0f, delta, width, m->W[l], width, 0.0f, back,
                  fan_in);
        times_derivative(m->act, layer_z(m, w, l - 1, n), layer_a(m, w, l - 1, n), back,
                         n * fan_in);
        float *swap = delta;
        delta = back;
        back = swap;
    }
}

/* ------------------------------------------------------------ family ops */

static int layer_sizes(const ebm_node *cfg, double *sizes, int *count) {
    *count = ebm_cfg_doubles(cfg, "layers", sizes, MAX_HIDDEN);
    if (*count > MAX_HIDDEN) return -1;
    for (int i = 0; i < *count; i++)
        if (sizes[i] < 1 || sizes[i] != floor(sizes[i]) || sizes[i] > 1e6) return i + 1;
    return 0;
}

static void mlp_check(const ebm_node *cfg, size_t dim, ebm_diags *diags) {
    (void)dim;
    double sizes[MAX_HIDDEN];
    int count, bad = layer_sizes(cfg, sizes, &count);
    if (bad < 0)
        ebm_energy_diag(diags, cfg, "layers", "%d hidden layers; at most %d", count,
                        MAX_HIDDEN);
    else if (bad > 0)
        ebm_energy_diag(diags, cfg, "layers", "layer %d has %g units; sizes are whole "
                        "numbers from 1 to 1000000", bad, sizes[bad - 1]);
}

static void mlp_destroy(void *self) {
    mlp *m = self;
    if (!m) return;
    for (int l = 1; l <= m->n_layers; l++) {
        free(m->W[l]);
        free(m->b[l]);
    }
    work_free(&m->cache);
    free(m);
}

static int mlp_create(const ebm_node *cfg, size_t dim, const ebm_dataset *train,
                      ebm_rng *rng, void **self, ebm_error *err) {
    (void)train;
    double sizes[MAX_HIDDEN];
    int hidden;
    if (layer_sizes(cfg, sizes, &hidden))
        return ebm_fail(err, EBM_ECONFIG, "model.layers: whole numbers from 1 to "
                        "1000000, at most %d of them", MAX_HIDDEN);
    mlp *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "mlp");
    m->dim = dim;
    m->n_layers = hidden + 1;
    m->act = activation_from(ebm_cfg_str(cfg, "activation", "swish"));
    m->width[0] = dim;
    for (int l = 1; l <= hidden; l++) m->width[l] = (size_t)sizes[l - 1];
    m->width[m->n_layers] = 1;
    double init_scale = ebm_cfg_double(cfg, "init_scale", 1.0);
    for (int l = 1; l <= m->n_layers; l++) {
        size_t fan_in = m->width[l - 1], width = m->width[l];
        m->offset[l] = m->total_width;
        m->total_width += width;
        if (fan_in > m->max_width) m->max_width = fan_in;
        if (width > m->max_width) m->max_width = width;
        m->W[l] = malloc(fan_in * width * sizeof *m->W[l]);
        m->b[l] = calloc(width, sizeof *m->b[l]);
        if (!m->W[l] || !m->b[l]) {
            m->n_layers = l;
            mlp_destroy(m);
            return ebm_fail(err, EBM_ENOMEM, "mlp: layer %d (%zu x %zu)", l, fan_in, width);
        }
        /* LeCun's scaling keeps a unit's input variance near init_scale²
         * whatever the fan-in. */
        double sd = init_scale / sqrt((double)fan_in);
        for (size_t k = 0; k < fan_in * width; k++) m->W[l][k] = (float)(sd * ebm_rng_normal(rng));
        int t = 2 * (l - 1);
        snprintf(m->names[t], sizeof m->names[t], "W%d", l);
        snprintf(m->names[t + 1], sizeof m->names[t + 1], "b%d", l);
        m->tensors[t] = (ebm_tensor){.name = m->names[t], .data = m->W[l], .rank = 2,
                                     .shape = {fan_in, width}};
        m->tensors[t + 1] = (ebm_tensor){.name = m->names[t + 1], .data = m->b[l],
                                         .rank = 1, .shape = {width}};
    }
    *self = m;
    return EBM_OK;
}

static int mlp_params(void *self, ebm_tensor *out, int max) {
    mlp *m = self;
    return ebm_tensor_list(out, max, m->tensors, 2 * m->n_layers);
}

/* Buffers of its own, so chains on several threads may call it at once. */
static double mlp_energy(void *self, const float *x) {
    const mlp *m = self;
    mlp_work w = {0};
    double e = NAN;
    if (work_reserve(m, &w, 1, NULL) == EBM_OK) forward(m, &w, x, 1, &e);
    work_free(&w);
    return e;
}

static int mlp_energies(void *self, const float *x, size_t n, double *energy,
                        ebm_error *err) {
    mlp *m = self;
    int rc = work_reserve(m, &m->cache, n, err);
    if (!rc) forward(m, &m->cache, x, n, energy);
    return rc;
}

static int mlp_param_grad(void *self, const float *x, size_t n, const double *weight,
                          ebm_tensor *grads, ebm_error *err) {
    mlp *m = self;
    int rc = work_reserve(m, &m->cache, n, err);
    if (rc) return rc;
    /* The forward pass of xEnergies on these states is normally still there. */
    if (m->cache.x != x || m->cache.n != n) forward(m, &m->cache, x, n, NULL);
    backward(m, &m->cache, x, n, weight, grads, NULL);
    return EBM_OK;
}

static int mlp_state_grad(void *self, const float *x, size_t n, float *grad,
                          ebm_error *err) {
    mlp *m = self;
    int rc = work_reserve(m, &m->cache, n, err);
    if (rc) return rc;
    forward(m, &m->cache, x, n, NULL);
    backward(m, &m->cache, x, n, NULL, NULL, grad);
    return EBM_OK;
}

static int mlp_energies_grad(void *self, const float *x, size_t n, double *energy,
                             float *grad, ebm_error *err) {
    mlp *m = self;
    int rc = work_reserve(m, &m->cache, n, err);
    if (rc) return rc;
    forward(m, &m->cache, x, n, energy);
    backward(m, &m->cache, x, n, NULL, NULL, grad);
    return EBM_OK;
}

const ebm_energy_family ebm_energy_mlp = {
    .name = "mlp",
    .xCheck = mlp_check,
    .xCreate = mlp_create,
    .xDestroy = mlp_destroy,
    .xParams = mlp_params,
    .xEnergy = mlp_energy,
    .xEnergies = mlp_energies,
    .xParamGrad = mlp_param_grad,
    .xStateGrad = mlp_state_grad,
    .xEnergiesGrad = mlp_energies_grad,
};
