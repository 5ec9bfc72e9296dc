/* rbm.c — the restricted Boltzmann machine plugin: Bernoulli or Gaussian
 * visible units, Bernoulli hidden units, block Gibbs and the exact
 * conditional gradient through GEMM (the algebra is in rbm_block.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "model.h"
#include "rbm.h"
#include "plugins.h"

static const ebm_param sparsity_params[] = {
    {.name = "target", .type = EBM_P_FLOAT, .def = "0.1", .range = "(0, 1)",
     .help = "wanted mean probability that a hidden unit is on, over the data"},
    {.name = "cost", .type = EBM_P_FLOAT, .def = "0.01", .range = "[0, inf)",
     .help = "weight of the penalty: cost*(q - target) joins each hidden unit's "
             "bias gradient, times the batch's mean v_i its weights' (0 = off)"},
    {.name = "decay", .type = EBM_P_FLOAT, .def = "0.95", .range = "[0, 1)",
     .help = "q <- decay*q + (1-decay)*(this minibatch's mean p(h=1|v))"},
    EBM_PARAM_END};

static const ebm_param rbm_params[] = {
    {.name = "hidden", .type = EBM_P_INT, .flags = EBM_PF_REQUIRED, .range = "[1, inf)",
     .help = "hidden units"},
    {.name = "visible_units", .type = EBM_P_ENUM, .def = "bernoulli",
     .choices = "bernoulli|gaussian",
     .help = "bernoulli {0,1}, or gaussian with unit variance (standardise the "
             "data: data.standardize: true)"},
    {.name = "init_scale", .type = EBM_P_FLOAT, .def = "0.01", .range = "[0, inf)",
     .help = "initial weights drawn from N(0, init_scale^2) (Hinton's guide: 0.01)"},
    {.name = "bias_init", .type = EBM_P_ENUM, .def = "data", .choices = "data|zero",
     .help = "data: visible biases log(p/(1-p)) of the data marginals (Bernoulli) "
             "or the data means (Gaussian), hidden biases 0; zero: all 0"},
    {.name = "sparsity", .type = EBM_P_TABLE, .flags = EBM_PF_OPTIONAL,
     .sub = sparsity_params,
     .help = "sparsity target (Hinton's practical guide, section 11): pulls each "
             "hidden unit's mean activation on the data towards target"},
    EBM_PARAM_END};

/* Visible biases from the training data: a unit alone then matches its
 * marginal. p is kept inside [1e-3, 1 − 1e-3] so constant pixels get a
 * finite bias (−6.9) rather than −∞. */
static void data_biases(ebm_rbm *m, const ebm_dataset *train) {
    size_t nv = m->n_visible;
    double *sum = calloc(nv, sizeof *sum);
    if (!sum) return;
    for (size_t r = 0; r < train->n; r++)
        for (size_t i = 0; i < nv; i++) sum[i] += train->x[r * train->dim + i];
    for (size_t i = 0; i < nv; i++) {
        double mean = train->n ? sum[i] / (double)train->n : 0.5;
        if (m->gaussian) {
            m->b[i] = (float)mean;
        } else {
            double p = fmin(fmax(mean, 1e-3), 1 - 1e-3);
            m->b[i] = (float)log(p / (1 - p));
        }
    }
    free(sum);
}

static void rbm_size(const ebm_node *cfg, size_t data_dim, ebm_model_size *out) {
    double nv = (double)data_dim, nh = (double)ebm_cfg_int(cfg, "hidden", 1);
    *out = (ebm_model_size){.units = nv + nh, .params = nv * nh + nv + nh, .key = "hidden"};
}

static int rbm_create(const ebm_node *cfg, const ebm_dataset *train, ebm_rng *rng,
                      void **out, ebm_error *err) {
    ebm_rbm *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "rbm");
    int gaussian = strcmp(ebm_cfg_str(cfg, "visible_units", "bernoulli"), "gaussian") == 0;
    int rc = ebm_rbm_init(m, train->dim, (size_t)ebm_cfg_int(cfg, "hidden", 1), gaussian, err);
    if (rc) {
        free(m);
        return rc;
    }
    const ebm_node *sparsity = ebm_node_child(cfg, "sparsity");
    if (sparsity && sparsity->kind == EBM_NODE_MAP) {
        m->sparsity_target = ebm_cfg_double(sparsity, "target", 0.1);
        m->sparsity_cost = ebm_cfg_double(sparsity, "cost", 0.01);
        m->sparsity_decay = ebm_cfg_double(sparsity, "decay", 0.95);
    }
    if (m->sparsity_cost > 0) {
        m->hidden_mean = calloc(m->n_hidden, sizeof *m->hidden_mean);
        if (!m->hidden_mean) {
            size_t n_hidden = m->n_hidden;
            ebm_rbm_free(m);
            free(m);
            return ebm_fail(err, EBM_ENOMEM, "rbm: sparsity averages for %zu hidden units",
                            n_hidden);
        }
    }
    double scale = ebm_cfg_double(cfg, "init_scale", 0.01);
    for (size_t k = 0; k < m->n_visible * m->n_hidden; k++)
        m->W[k] = (float)(scale * ebm_rng_normal(rng));
    if (strcmp(ebm_cfg_str(cfg, "bias_init", "data"), "data") == 0) data_biases(m, train);
    *out = m;
    return EBM_OK;
}

static void rbm_destroy(void *model) {
    ebm_rbm *m = model;
    free(m->hidden_mean);
    ebm_rbm_free(m);
    free(m);
}

static size_t rbm_units(void *model) {
    ebm_rbm *m = model;
    return m->n_visible + m->n_hidden;
}

static double rbm_energy(void *model, const float *s) {
    ebm_rbm *m = model;
    const float *v = s, *h = s + m->n_visible;
    double e = 0;
    for (size_t j = 0; j < m->n_hidden; j++) e -= (double)m->c[j] * h[j];
    for (size_t i = 0; i < m->n_visible; i++) {
        if (m->gaussian) {
            double d = (double)v[i] - m->b[i];
            e += 0.5 * d * d;
        } else {
            e -= (double)m->b[i] * v[i];
        }
        if (v[i] == 0.0f) continue;
        const float *w = m->W + i * m->n_hidden;
        double vw = 0;
        for (size_t j = 0; j < m->n_hidden; j++) vw += (double)w[j] * h[j];
        e -= v[i] * vw;
    }
    return e;
}

static int rbm_params_list(void *model, ebm_tensor *out, int max) {
    ebm_rbm *m = model;
    const ebm_tensor all[] = {
        {.name = "W", .data = m->W, .rank = 2, .shape = {m->n_visible, m->n_hidden}},
        {.name = "b", .data = m->b, .rank = 1, .shape = {m->n_visible}},
        {.name = "c", .data = m->c, .rank = 1, .shape = {m->n_hidden}},
    };
    return ebm_tensor_list(out, max, all, 3);
}

static void rbm_encode(void *model, const float *row, float *state) {
    ebm_rbm *m = model;
    memcpy(state, row, m->n_visible * sizeof *state);
    memset(state + m->n_visible, 0, m->n_hidden * sizeof *state);
}

static void rbm_decode(void *model, const float *state, float *row) {
    ebm_rbm *m = model;
    memcpy(row, state, m->n_visible * sizeof *row);
}

/* Single-site moves for the binary samplers (Bernoulli visible units only:
 * a Gaussian unit has no flip; the samplers then use xBlockGibbs). */
static double rbm_flip_energy(void *model, const float *s, size_t i) {
    ebm_rbm *m = model;
    size_t nv = m->n_visible, nh = m->n_hidden;
    double field;
    if (i < nv) {
        const float *w = m->W + i * nh;
        field = m->b[i];
        for (size_t j = 0; j < nh; j++) field += (double)w[j] * s[nv + j];
    } else {
        size_t j = i - nv;
        field = m->c[j];
        for (size_t k = 0; k < nv; k++) field += (double)m->W[k * nh + j] * s[k];
    }
    return -(1.0 - 2.0 * s[i]) * field;
}

static void rbm_flip_unit(void *model, float *s, size_t i) {
    (void)model;
    s[i] = 1.0f - s[i];
}

static void rbm_flip_energies(void *model, const float *s, double *delta) {
    size_t n = rbm_units(model);
    for (size_t i = 0; i < n; i++) delta[i] = rbm_flip_energy(model, s, i);
}

static int rbm_all_binary(void *model) { return !((ebm_rbm *)model)->gaussian; }

static const unsigned char *rbm_data_mask(void *model) {
    return ((ebm_rbm *)model)->data_mask;
}

static void rbm_unit_values(void *model, float *low, float *high) {
    size_t n = rbm_units(model);
    for (size_t i = 0; i < n; i++) {
        low[i] = 0.0f;
        high[i] = 1.0f;
    }
}

/* grads += scale/n · Σ_rows ∂E/∂θ with hidden values H (samples or p(h|v)):
 *   ∂E/∂W = −v hᵀ,  ∂E/∂c = −h,  ∂E/∂b = −v (Bernoulli) or b − v (Gaussian). */
static int add_grad(ebm_rbm *m, const float *states, size_t n, const float *H,
                    size_t ldh, double scale, ebm_tensor *grads) {
    size_t nv = m->n_visible, nh = m->n_hidden, units = nv + nh;
    float *gW = grads[0].data, *gb = grads[1].data, *gc = grads[2].data;
    float s = (float)(-scale / (double)n);
    ebm_sgemm(1, 0, nv, nh, n, s, states, units, H, ldh, 1.0f, gW, nh);
    ebm_rbm_add_column_sums(gb, states, units, n, nv, s, m->gaussian ? m->b : NULL);
    ebm_rbm_add_column_sums(gc, H, ldh, n, nh, s, NULL);
    return EBM_OK;
}

static int rbm_energy_grad(void *model, const float *states, size_t n, double scale,
                           ebm_tensor *grads, ebm_error *err) {
    (void)err;
    ebm_rbm *m = model;
    if (n == 0) return EBM_OK;
    return add_grad(m, states, n, states + m->n_visible, m->n_visible + m->n_hidden,
                    scale, grads);
}

/* The sparsity penalty (Hinton's practical guide §11) for one data
 * minibatch whose hidden probabilities are H (n × n_hidden): first
 *   q_j ← decay·q_j + (1 − decay)·mean_r H_rj   (q_j = that mean on the first
 *                                                minibatch, not 0, so the
 *                                                start does not push biases up),
 * then, d_j = cost·(q_j − target) being the derivative of the cross-entropy
 * penalty with respect to unit j's total input c_j + (vW)_j,
 *   gc_j += d_j,   gW_ij += d_j · mean_r v_ri,
 * descended like the likelihood gradient: a unit on more often than the
 * target has its bias and its weights from active inputs lowered. */
static void add_sparsity_grad(ebm_rbm *m, const float *states, size_t n, const float *H,
                              float *sums, ebm_tensor *grads) {
    size_t nv = m->n_visible, nh = m->n_hidden, units = nv + nh;
    float *mean_v = sums, *mean_h = sums + nv;
    memset(sums, 0, (nv + nh) * sizeof *sums);
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < nv; i++) mean_v[i] += states[r * units + i];
        for (size_t j = 0; j < nh; j++) mean_h[j] += H[r * nh + j];
    }
    for (size_t i = 0; i < nv; i++) mean_v[i] /= (float)n;
    for (size_t j = 0; j < nh; j++) mean_h[j] /= (float)n;
    float decay = m->hidden_mean_seeded ? (float)m->sparsity_decay : 0.0f;
    float *gW = grads[0].data, *gc = grads[2].data;
    for (size_t j = 0; j < nh; j++) {
        m->hidden_mean[j] = decay * m->hidden_mean[j] + (1 - decay) * mean_h[j];
        float d = (float)(m->sparsity_cost * (m->hidden_mean[j] - m->sparsity_target));
        gc[j] += d;
        for (size_t i = 0; i < nv; i++) gW[i * nh + j] += d * mean_v[i];
    }
    m->hidden_mean_seeded = 1;
}

/* The trainer calls this with scale > 0 on the data minibatch (the positive
 * phase) and with scale < 0 on the model's samples; the sparsity penalty,
 * when configured, joins the positive call only, unscaled. */
static int rbm_data_grad(void *model, const float *states, size_t n, double scale,
                         ebm_tensor *grads, ebm_error *err) {
    ebm_rbm *m = model;
    size_t nv = m->n_visible, nh = m->n_hidden;
    if (n == 0) return EBM_OK;
    int sparsity = scale > 0 && m->sparsity_cost > 0 && m->hidden_mean;
    float *H = ebm_rbm_scratch(m, n * nh + (sparsity ? nv + nh : 0));
    if (!H) return ebm_fail(err, EBM_ENOMEM, "rbm: %zu x %zu hidden probabilities", n, nh);
    ebm_rbm_hidden_input(m, states, nv + nh, n, H, nh);
    ebm_rbm_sigmoid(H, n, nh, nh, 1.0f);
    int rc = add_grad(m, states, n, H, nh, scale, grads);
    if (!rc && sparsity) add_sparsity_grad(m, states, n, H, H + n * nh, grads);
    return rc;
}

/* What a step over n chains needs: scratch for one layer's inputs (*width
 * floats a row) and a random stream per chain, chain r's from
 * ebm_rng_derive(rng, r) so results do not depend on the thread count. The
 * caller frees *rngs. */
static int chain_buffers(ebm_rbm *m, size_t n, ebm_rng *rng, float **in, size_t *width,
                         ebm_rng **rngs, ebm_error *err) {
    *width = m->n_visible > m->n_hidden ? m->n_visible : m->n_hidden;
    *in = ebm_rbm_scratch(m, n * *width);
    *rngs = malloc(n * sizeof **rngs);
    if (!*in || !*rngs) {
        free(*rngs);
        return ebm_fail(err, EBM_ENOMEM, "rbm: buffers for %zu chains", n);
    }
    for (size_t r = 0; r < n; r++) ebm_rng_derive(&(*rngs)[r], rng, r);
    return EBM_OK;
}

/* One step: h ~ p(h|v), then v ~ p(v|h), each layer for all rows at once.
 * A layer whose units are all clamped is skipped. */
static int rbm_block_gibbs(void *model, float *states, size_t n,
                           const unsigned char *clamped, int steps, double beta,
                           ebm_rng *rng, ebm_error *err) {
    ebm_rbm *m = model;
    size_t nv = m->n_visible, nh = m->n_hidden, units = nv + nh;
    if (n == 0) return EBM_OK;
    float *in;
    size_t width;
    ebm_rng *rngs;
    if (chain_buffers(m, n, rng, &in, &width, &rngs, err)) return EBM_ENOMEM;
    int visible_free = 1, hidden_free = 1;
    if (clamped) {
        visible_free = hidden_free = 0;
        for (size_t i = 0; i < nv; i++) visible_free |= !clamped[i];
        for (size_t j = 0; j < nh; j++) hidden_free |= !clamped[nv + j];
    }
    float b = (float)beta;
    for (int step = 0; step < steps; step++) {
        if (hidden_free) {
            ebm_rbm_hidden_input(m, states, units, n, in, width);
            ebm_rbm_sample_layer(in, width, states + nv, units, n, nh, 0, b, rngs,
                                 clamped ? clamped + nv : NULL);
        }
        if (visible_free) {
            ebm_rbm_visible_input(m, states + nv, units, n, in, width);
            ebm_rbm_sample_layer(in, width, states, units, n, nv, m->gaussian, b, rngs,
                                 clamped);
        }
    }
    free(rngs);
    return EBM_OK;
}

/* The persistent chains' model term (xChainGrad) in three GEMMs a step:
 * v' ~ p(v|h), then P = p(h|v'), then h' ~ P and grads += scale·mean ∂E/∂θ
 * at (v', P). Why this is still PCD: each half-step is a Gibbs update of one
 * layer, so the step leaves p(v,h) invariant, and the model term
 * E_p[∂E/∂θ] = E_{p(v)} Σ_h p(h|v) ∂E/∂θ is estimated at each chain's v' by
 * the inner sum exactly (Rao-Blackwellised, as before); h' does not enter the
 * estimate, and drawing it from the same P is the next step's first half.
 * The chains' visible states follow the same law as with the order h|v,
 * v|h and the gradient taken after: only the parameters change, since the
 * draw h ~ p(h|v') now happens before the update, under the parameters that
 * gave the gradient, rather than after it (scikit-learn's BernoulliRBM does
 * the same). The stored h is part of the chain, so checkpoints keep it. */
static int rbm_chain_grad(void *model, float *states, size_t n, int steps, ebm_rng *rng,
                          double scale, ebm_tensor *grads, ebm_error *err) {
    ebm_rbm *m = model;
    size_t nv = m->n_visible, nh = m->n_hidden, units = nv + nh;
    if (n == 0) return EBM_OK;
    float *in;
    size_t width;
    ebm_rng *rngs;
    if (chain_buffers(m, n, rng, &in, &width, &rngs, err)) return EBM_ENOMEM;
    if (steps < 1) ebm_rbm_hidden_input(m, states, units, n, in, width);
    for (int step = 0; step < steps; step++) {
        ebm_rbm_visible_input(m, states + nv, units, n, in, width);
        ebm_rbm_sample_layer(in, width, states, units, n, nv, m->gaussian, 1.0f, rngs, NULL);
        ebm_rbm_hidden_input(m, states, units, n, in, width);
        if (step + 1 < steps)
            ebm_rbm_sample_layer(in, width, states + nv, units, n, nh, 0, 1.0f, rngs, NULL);
    }
    ebm_rbm_sigmoid_draw(in, width, states + nv, units, n, nh, rngs);
    free(rngs);
    return add_grad(m, states, n, in, width, scale, grads);
}

static int rbm_free_energy(void *model, const float *states, size_t n, double *out,
                           ebm_error *err) {
    ebm_rbm *m = model;
    int rc = ebm_rbm_log_unnormalized(m, states, m->n_visible + m->n_hidden, n, 1.0,
                                      out, err);
    for (size_t r = 0; !rc && r < n; r++) out[r] = -out[r];
    return rc;
}

/* The sparsity target's running mean q is training state, not a parameter. */
static int rbm_state(void *model, ebm_state_list *out, ebm_error *err) {
    ebm_rbm *m = model;
    if (!m->hidden_mean) return EBM_OK;
    int rc = ebm_state_add(out, "hidden_mean", EBM_STATE_F32, m->hidden_mean,
                           m->n_hidden, err);
    if (!rc) rc = ebm_state_add(out, "hidden_mean_seeded", EBM_STATE_I32,
                                &m->hidden_mean_seeded, 1, err);
    return rc;
}

static const ebm_model_binary rbm_binary = {
    .xFlipEnergies = rbm_flip_energies,
    .xFlipEnergy = rbm_flip_energy,
    .xFlipUnit = rbm_flip_unit,
    .xUnitValues = rbm_unit_values,
    .xAllBinary = rbm_all_binary,
};

static const ebm_model_layered rbm_layered = {
    .xBlockGibbs = rbm_block_gibbs,
    .xFreeEnergy = rbm_free_energy,
    .xLogPartition = ebm_rbm_log_partition,
};

static const ebm_model_learning rbm_learning = {
    .xEnergyGrad = rbm_energy_grad,
    .xPositiveGrad = rbm_data_grad,
    .exact_posterior = 1,
    .xChainGrad = rbm_chain_grad,
    .xState = rbm_state,
};

const ebm_model_ops ebm_model_rbm = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "rbm",
             .help = "restricted Boltzmann machine: Bernoulli or Gaussian visible, "
                     "Bernoulli hidden units; E = -b'v - c'h - v'Wh (Gaussian: "
                     "|v-b|^2/2 - c'h - v'Wh)",
             .params = rbm_params},
    .example = "{data: {type: bars_stripes, side: 2}, model: {type: rbm, hidden: 3, "
               "init_scale: 0.5}}",
    .xCreate = rbm_create,
    .xSize = rbm_size,
    .xDestroy = rbm_destroy,
    .xUnits = rbm_units,
    .xEnergy = rbm_energy,
    .xParams = rbm_params_list,
    .xEncode = rbm_encode,
    .xDecode = rbm_decode,
    .xDataMask = rbm_data_mask,
    .binary = &rbm_binary,
    .layered = &rbm_layered,
    .learning = &rbm_learning,
};
