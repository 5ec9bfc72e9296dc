/* dbm.c — the deep Boltzmann machine plugin: Bernoulli layers v, h1, …, hL
 * and optional one-hot labels on hL; block Gibbs (odd layers, then even
 * ones, each through GEMM; the labels a softmax with hL−1's parity), the energy
 * gradient for the model term, the mean-field data term (xPositiveGrad) and
 * exact log Z for small machines. The algebra is in dbm_block.c,
 * dbm_meanfield.c and dbm_exact.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbm.h"
#include "plugins.h"

static const ebm_param mean_field_params[] = {
    {.name = "tolerance", .type = EBM_P_FLOAT, .def = "1.0e-4", .range = "(0, inf)",
     .help = "stop when every mean is this close to sigmoid(its input)"},
    {.name = "max_iterations", .type = EBM_P_INT, .def = "50", .range = "[1, inf)",
     .help = "iterations at most (each updates the odd, then the even hidden layers)"},
    {.name = "damping", .type = EBM_P_FLOAT, .def = "0", .range = "[0, 1)",
     .help = "new mean = damping * old + (1 - damping) * sigmoid(input)"},
    EBM_PARAM_END};

static const ebm_param dbm_params[] = {
    {.name = "layers", .type = EBM_P_FLOATS, .flags = EBM_PF_REQUIRED, .range = "[1, inf)",
     .help = "hidden layer sizes, bottom up (e.g. [500, 1000]); the visible layer's "
             "comes from the data"},
    {.name = "labels", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "one-hot (softmax) label units on the top layer: the last this many data "
             "columns (set data.append_labels: true); weights U and label_bias"},
    {.name = "init_scale", .type = EBM_P_FLOAT, .def = "0.01", .range = "[0, inf)",
     .help = "initial weights drawn from N(0, init_scale^2)"},
    {.name = "bias_init", .type = EBM_P_ENUM, .def = "data", .choices = "data|zero",
     .help = "data: visible biases log(p/(1-p)) of the data marginals, label biases "
             "log of the class frequencies, hidden 0; zero: all 0"},
    {.name = "mean_field", .type = EBM_P_TABLE, .sub = mean_field_params,
     .help = "the mean-field posterior of the positive phase"},
    {.name = "pretrain", .type = EBM_P_TABLE, .sub = ebm_dbm_pretrain_params,
     .help = "greedy layer-wise pretraining with RBMs before joint training "
             "(Salakhutdinov & Hinton 2009); epochs: 0 skips it"},
    EBM_PARAM_END};

/* The layer sizes from `layers`, or a message saying what is wrong with
 * them; returns the number of hidden layers, or −1. */
static int read_layers(const ebm_node *model_cfg, size_t *size, char *why, size_t why_size) {
    double given[EBM_DBM_MAX_HIDDEN + 1];
    int count = ebm_cfg_doubles(model_cfg, "layers", given, EBM_DBM_MAX_HIDDEN + 1);
    if (count < 1 || count > EBM_DBM_MAX_HIDDEN) {
        snprintf(why, why_size, "%d hidden layers; 1 to %d are supported", count,
                 EBM_DBM_MAX_HIDDEN);
        return -1;
    }
    for (int l = 0; l < count; l++) {
        if (given[l] < 1 || given[l] != floor(given[l]) || given[l] > 1e9) {
            snprintf(why, why_size, "layer %d: expected a whole number of units, got %g",
                     l + 1, given[l]);
            return -1;
        }
        size[l + 1] = (size_t)given[l];
    }
    return count;
}

/* Layers are checked by dbm_check; sizes of bad ones are not counted. */
static void dbm_size(const ebm_node *cfg, size_t data_dim, ebm_model_size *out) {
    double given[EBM_DBM_MAX_HIDDEN + 1];
    int count = ebm_cfg_doubles(cfg, "layers", given, EBM_DBM_MAX_HIDDEN + 1);
    double below = (double)data_dim, labels = (double)ebm_cfg_int(cfg, "labels", 0);
    *out = (ebm_model_size){.units = below, .key = "layers"};
    for (int l = 0; l < count && l < EBM_DBM_MAX_HIDDEN; l++) {
        out->units += given[l];
        out->params += below * given[l] + given[l];
        below = given[l];
    }
    out->params += labels * below + (double)data_dim;
}

static void dbm_check(const ebm_node *experiment, ebm_diags *diags) {
    const ebm_node *model = ebm_node_child(experiment, "model");
    const ebm_node *layers = ebm_node_at(experiment, "model.layers");
    if (!model || !layers) return;
    size_t size[EBM_DBM_MAX_HIDDEN + 1];
    char why[160];
    int n_hidden_layers = read_layers(model, size, why, sizeof why);
    if (n_hidden_layers < 0)
        ebm_diags_add(diags, "%s: model.layers: %s", ebm_where_of(layers->mark).text, why);
    const ebm_node *per_layer = ebm_node_at(experiment, "model.pretrain.layers");
    if (n_hidden_layers > 0 && per_layer && per_layer->kind == EBM_NODE_SEQ &&
        per_layer->n > n_hidden_layers)
        ebm_diags_add(diags, "%s: model.pretrain.layers: %d entries for %d hidden layers",
                      ebm_where_of(per_layer->mark).text, per_layer->n, n_hidden_layers);
}

/* Visible biases log(p/(1−p)) of the data marginals, p kept inside
 * [1e-3, 1 − 1e-3] so constant pixels get a finite bias. */
static void data_biases(ebm_dbm *m, const ebm_dataset *train) {
    size_t nv = m->size[0];
    for (size_t i = 0; i < nv; i++) {
        double sum = 0;
        for (size_t r = 0; r < train->n; r++) sum += train->x[r * train->dim + i];
        double p = train->n ? sum / (double)train->n : 0.5;
        p = fmin(fmax(p, 1e-3), 1 - 1e-3);
        m->bias[0][i] = (float)log(p / (1 - p));
    }
    /* softmax(log p) = p: each class at its frequency (smoothed by ½) */
    for (size_t c = 0; c < m->n_labels; c++) {
        double count = 0;
        for (size_t r = 0; r < train->n; r++) count += train->x[r * train->dim + nv + c];
        m->label_bias[c] = (float)log((count + 0.5) / ((double)train->n + 0.5 * m->n_labels));
    }
}

static void dbm_destroy(void *model);

static int dbm_create(const ebm_node *cfg, const ebm_dataset *train, ebm_rng *rng,
                      void **out, ebm_error *err) {
    size_t size[EBM_DBM_MAX_HIDDEN + 1];
    char why[160];
    int n_hidden_layers = read_layers(cfg, size, why, sizeof why);
    if (n_hidden_layers < 0) return ebm_fail(err, EBM_ECONFIG, "model.layers: %s", why);
    int64_t labels = ebm_cfg_int(cfg, "labels", 0);
    if (labels < 0 || labels > 1000000)
        return ebm_fail(err, EBM_ECONFIG, "model.labels: %lld label units", (long long)labels);
    size_t n_labels = (size_t)labels;
    if (n_labels) {
        if (train->label_columns && train->label_columns != n_labels)
            return ebm_fail(err, EBM_ECONFIG, "model.labels: %zu label units, but the data "
                            "carry %zu label columns", n_labels, train->label_columns);
        int rc = ebm_dbm_check_label_columns(train, n_labels, "model.labels", err);
        if (rc) return rc;
    }
    size[0] = train->dim - n_labels;
    ebm_dbm *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "dbm");
    int rc = ebm_dbm_init_labels(m, size, n_hidden_layers, n_labels, err);
    if (rc) {
        free(m);
        return rc;
    }
    m->mean_field = (ebm_dbm_mean_field){
        .tolerance = ebm_cfg_double(cfg, "mean_field.tolerance", 1e-4),
        .max_iterations = (int)ebm_cfg_int(cfg, "mean_field.max_iterations", 50),
        .damping = ebm_cfg_double(cfg, "mean_field.damping", 0.0)};
    double scale = ebm_cfg_double(cfg, "init_scale", 0.01);
    m->init_scale = scale;
    const ebm_node *pretrain = ebm_node_child(cfg, "pretrain");
    if (pretrain && pretrain->kind == EBM_NODE_MAP && !(m->pretrain = ebm_node_clone(pretrain))) {
        dbm_destroy(m);
        return ebm_fail(err, EBM_ENOMEM, "dbm: pretraining settings");
    }
    for (int l = 1; l <= n_hidden_layers; l++)
        for (size_t k = 0; k < size[l - 1] * size[l]; k++)
            m->W[l][k] = (float)(scale * ebm_rng_normal(rng));
    for (size_t k = 0; k < n_labels * size[n_hidden_layers]; k++)
        m->U[k] = (float)(scale * ebm_rng_normal(rng));
    if (strcmp(ebm_cfg_str(cfg, "bias_init", "data"), "data") == 0) data_biases(m, train);
    *out = m;
    return EBM_OK;
}

static void dbm_destroy(void *model) {
    ebm_dbm_free(model);
    free(model);
}

static size_t dbm_units(void *model) { return ((ebm_dbm *)model)->units; }

static double dbm_energy(void *model, const float *state) {
    return ebm_dbm_energy(model, state);
}

static const char *const weight_names[EBM_DBM_MAX_HIDDEN + 1] = {
    "", "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"};
static const char *const bias_names[EBM_DBM_MAX_HIDDEN + 1] = {
    "b", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"};

/* W1 … WL, then b (visible), c1 … cL: the names of docs/math.md; then, with
 * labels, U and label_bias (last, so the others keep their places). */
static int dbm_params_list(void *model, ebm_tensor *out, int max) {
    ebm_dbm *m = model;
    int L = m->n_hidden_layers;
    ebm_tensor all[2 * EBM_DBM_MAX_HIDDEN + 3];
    for (int l = 1; l <= L; l++)
        all[l - 1] = (ebm_tensor){.name = weight_names[l], .data = m->W[l], .rank = 2,
                                  .shape = {m->size[l - 1], m->size[l]}};
    for (int l = 0; l <= L; l++)
        all[L + l] = (ebm_tensor){.name = bias_names[l], .data = m->bias[l], .rank = 1,
                                  .shape = {m->size[l]}};
    if (!m->n_labels) return ebm_tensor_list(out, max, all, 2 * L + 1);
    all[2 * L + 1] = (ebm_tensor){.name = "U", .data = m->U, .rank = 2,
                                  .shape = {m->n_labels, m->size[L]}};
    all[2 * L + 2] = (ebm_tensor){.name = "label_bias", .data = m->label_bias, .rank = 1,
                                  .shape = {m->n_labels}};
    return ebm_tensor_list(out, max, all, 2 * L + 3);
}

/* A row [v | y] is the start of a state [v | y | h…]. */
static void dbm_encode(void *model, const float *row, float *state) {
    ebm_dbm *m = model;
    size_t data = m->size[0] + m->n_labels;
    memcpy(state, row, data * sizeof *state);
    memset(state + data, 0, (m->units - data) * sizeof *state);
}

static void dbm_decode(void *model, const float *state, float *row) {
    ebm_dbm *m = model;
    memcpy(row, state, (m->size[0] + m->n_labels) * sizeof *row);
}

/* Unit i's layer; −1 for a label unit. */
static int layer_of(const ebm_dbm *m, size_t i) {
    if (i >= m->label_offset && i < m->label_offset + m->n_labels) return -1;
    int l = m->n_hidden_layers;
    while (l > 0 && i < m->offset[l]) l--;
    return l;
}

/* E(state with unit i flipped) − E(state) = −(1 − 2 x_i) · input_i, a label
 * unit's input b_y,c + U_c x_L (y read as independent bits: the energy is
 * defined off the one-hot states too). */
static double dbm_flip_energy(void *model, const float *s, size_t i) {
    ebm_dbm *m = model;
    int l = layer_of(m, i);
    int L = m->n_hidden_layers;
    if (l < 0) {
        size_t c = i - m->label_offset, top = m->size[L];
        const float *u = m->U + c * top, *h = s + m->offset[L];
        double field = m->label_bias[c];
        for (size_t j = 0; j < top; j++) field += (double)u[j] * h[j];
        return -(1.0 - 2.0 * s[i]) * field;
    }
    size_t j = i - m->offset[l], width = m->size[l];
    double field = m->bias[l][j];
    if (l > 0) {
        const float *below = s + m->offset[l - 1];
        for (size_t k = 0; k < m->size[l - 1]; k++)
            field += (double)m->W[l][k * width + j] * below[k];
    }
    if (l < m->n_hidden_layers) {
        const float *above = s + m->offset[l + 1], *w = m->W[l + 1] + j * m->size[l + 1];
        for (size_t k = 0; k < m->size[l + 1]; k++) field += (double)w[k] * above[k];
    } else {
        const float *y = s + m->label_offset;
        for (size_t c = 0; c < m->n_labels; c++) field += (double)m->U[c * width + j] * y[c];
    }
    return -(1.0 - 2.0 * s[i]) * field;
}

static void dbm_flip_unit(void *model, float *s, size_t i) {
    (void)model;
    s[i] = 1.0f - s[i];
}

static void dbm_flip_energies(void *model, const float *s, double *delta) {
    size_t n = dbm_units(model);
    for (size_t i = 0; i < n; i++) delta[i] = dbm_flip_energy(model, s, i);
}

static const unsigned char *dbm_data_mask(void *model) {
    return ((ebm_dbm *)model)->data_mask;
}

static void dbm_unit_values(void *model, float *low, float *high) {
    size_t n = dbm_units(model);
    for (size_t i = 0; i < n; i++) {
        low[i] = 0.0f;
        high[i] = 1.0f;
    }
}

static int dbm_energy_grad(void *model, const float *states, size_t n, double scale,
                           ebm_tensor *grads, ebm_error *err) {
    (void)err;
    ebm_dbm_energy_grad(model, states, n, scale, grads);
    return EBM_OK;
}

/* One step resamples the odd layers (h1, h3, …) given the even ones, then
 * the even layers (v, h2, …) given the odd ones; layers of one parity do not
 * touch each other, so going through them one by one is the same as all at
 * once. A layer whose units are all clamped is skipped. The labels, which
 * touch only hL, go with hL−1's parity as one softmax block, kept when any
 * of their units is clamped. */
static int dbm_block_gibbs(void *model, float *states, size_t n,
                           const unsigned char *clamped, int steps, double beta,
                           ebm_rng *rng, ebm_error *err) {
    ebm_dbm *m = model;
    int L = m->n_hidden_layers;
    if (n == 0) return EBM_OK;
    size_t widest = m->n_labels;
    for (int l = 0; l <= L; l++) widest = m->size[l] > widest ? m->size[l] : widest;
    float *in = ebm_dbm_scratch(m, n * widest);
    ebm_rng *rngs = malloc(n * sizeof *rngs);
    if (!in || !rngs) {
        free(rngs);
        return ebm_fail(err, EBM_ENOMEM, "dbm: block Gibbs buffers for %zu chains", n);
    }
    for (size_t r = 0; r < n; r++) ebm_rng_derive(&rngs[r], rng, r);
    int layer_free[EBM_DBM_MAX_HIDDEN + 1];
    for (int l = 0; l <= L; l++) {
        layer_free[l] = !clamped;
        for (size_t i = 0; clamped && i < m->size[l]; i++)
            layer_free[l] |= !clamped[m->offset[l] + i];
    }
    int labels_free = m->n_labels > 0;
    for (size_t c = 0; clamped && c < m->n_labels; c++)
        labels_free &= !clamped[m->label_offset + c];
    for (int step = 0; step < steps; step++)
        for (int parity = 1; parity >= 0; parity--) {
            for (int l = parity; l <= L; l += 2) {
                if (!layer_free[l]) continue;
                size_t width = m->size[l];
                ebm_dbm_layer_input(m, l, states, n, in, width);
                ebm_rbm_sample_layer(in, width, states + m->offset[l], m->units, n, width,
                                     0, (float)beta, rngs,
                                     clamped ? clamped + m->offset[l] : NULL);
            }
            if (labels_free && parity != L % 2)
                ebm_dbm_sample_labels(m, states, n, (float)beta, rngs, in);
        }
    free(rngs);
    return EBM_OK;
}

static const ebm_model_binary dbm_binary = {
    .xFlipEnergies = dbm_flip_energies,
    .xFlipEnergy = dbm_flip_energy,
    .xFlipUnit = dbm_flip_unit,
    .xUnitValues = dbm_unit_values,
};

static const ebm_model_layered dbm_layered = {
    .xBlockGibbs = dbm_block_gibbs,
    .xLogPartition = ebm_dbm_log_partition,
    .xFreeEnergy = ebm_dbm_free_energy_op,
};

static const ebm_model_learning dbm_learning = {
    .xEnergyGrad = dbm_energy_grad,
    .xPositiveGrad = ebm_dbm_positive_grad,
};

/* The named features of the DBM (model.h): class scores by mean field. */
static int dbm_class_scores(void *model, const float *rows, size_t n, size_t ld,
                            size_t labels, double *scores, ebm_error *err) {
    ebm_dbm *m = model;
    if (labels != m->n_labels)
        return ebm_fail(err, EBM_ECONFIG, "labels is %zu, but the dbm has %zu label units "
                        "(model.labels)", labels, m->n_labels);
    return n ? ebm_dbm_mean_field_scores(m, rows, n, ld, scores, err) : EBM_OK;
}

static ebm_model_feature dbm_feature(const char *name) {
    if (strcmp(name, "class_scores") == 0) {
        ebm_class_scores_fn fn = dbm_class_scores;
        return (ebm_model_feature)fn;
    }
    return NULL;
}

const ebm_model_ops ebm_model_dbm = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "dbm",
             .help = "deep Boltzmann machine: Bernoulli layers v, h1, ..., hL, optional "
                     "one-hot labels y on hL; E = -sum_l b_l'x_l - sum_l x_{l-1}'W_l x_l "
                     "- b_y'y - y'U hL; mean-field data term, block Gibbs (odd layers, "
                     "then even) for the model term",
             .params = dbm_params},
    .example = "{data: {type: bars_stripes, side: 2}, model: {type: dbm, layers: [3, 2], "
               "init_scale: 0.5, pretrain: {epochs: 0}}}",
    .xCreate = dbm_create,
    .xSize = dbm_size,
    .xDestroy = dbm_destroy,
    .xUnits = dbm_units,
    .xEnergy = dbm_energy,
    .xParams = dbm_params_list,
    .xCheck = dbm_check,
    .xFit = ebm_dbm_fit,
    .xEncode = dbm_encode,
    .xDecode = dbm_decode,
    .xDataMask = dbm_data_mask,
    .xFeature = dbm_feature,
    .binary = &dbm_binary,
    .layered = &dbm_layered,
    .learning = &dbm_learning,
};
