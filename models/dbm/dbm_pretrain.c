/* dbm_pretrain.c — greedy layer-wise pretraining of a DBM (Salakhutdinov &
 * Hinton 2009), its xFit: every layer is an RBM made by the rbm plugin
 * (ebm_model_rbm.xCreate) and trained by the contrastive trainer and the
 * optimiser through fit.c's epoch loop, exactly as `ebm run` trains a
 * `model: {type: rbm}`; the trained RBMs then become the DBM's weights.
 * With label units the top RBM learns [layer below | labels] and its weights
 * split into W_L and U (its label units Bernoulli, not a softmax, and with
 * the top RBM's doubled visible input: a starting point, not the model). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbm.h"
#include "fit.h"
#include "optim.h"
#include "plugins.h"
#include "train.h"

static const ebm_param pretrain_layer_params[] = {
    {.name = "epochs", .type = EBM_P_INT, .flags = EBM_PF_OPTIONAL, .range = "[0, inf)",
     .help = "this layer's epochs (default: pretrain.epochs)"},
    {.name = "batch", .type = EBM_P_INT, .flags = EBM_PF_OPTIONAL, .range = "[1, inf)",
     .help = "this layer's minibatch (default: pretrain.batch)"},
    {.name = "sampler", .type = EBM_P_PLUGIN, .flags = EBM_PF_OPTIONAL,
     .kind = EBM_KIND_SAMPLER, .help = "this layer's training sampler"},
    {.name = "optim", .type = EBM_P_TABLE, .flags = EBM_PF_OPTIONAL,
     .sub = ebm_optim_pretrain_params,
     .help = "this layer's optimiser (replaces pretrain.optim whole)"},
    EBM_PARAM_END};

const ebm_param ebm_dbm_pretrain_params[] = {
    {.name = "epochs", .type = EBM_P_INT, .def = "10", .range = "[0, inf)",
     .help = "epochs of each layer's RBM (0: no pretraining)"},
    {.name = "batch", .type = EBM_P_INT, .def = "100", .range = "[1, inf)",
     .help = "minibatch size"},
    {.name = "sampler", .type = EBM_P_PLUGIN, .def = "{type: cd, k: 1}",
     .kind = EBM_KIND_SAMPLER, .help = "training sampler of every layer's RBM"},
    {.name = "optim", .type = EBM_P_TABLE, .sub = ebm_optim_pretrain_params,
     .help = "optimiser of every layer's RBM"},
    {.name = "data", .type = EBM_P_ENUM, .def = "means", .choices = "means|samples",
     .help = "what the next RBM learns from: the layer's probabilities "
             "sigmoid(2vW + c) (means), or Bernoulli draws of them, fresh each "
             "minibatch (samples)"},
    {.name = "layers", .type = EBM_P_TABLES, .flags = EBM_PF_OPTIONAL,
     .sub = pretrain_layer_params,
     .help = "per-layer overrides, bottom up: [{epochs: 20, optim: {lr: 0.01}}, ...]"},
    EBM_PARAM_END};

/* The settings of layer l (1-based): its entry in `layers` where it gives a
 * key, else the shared one. */
typedef struct layer_plan {
    int epochs;
    size_t batch;
    const ebm_node *sampler_holder;   /* a map whose `sampler` the trainer reads */
    const ebm_node *optim;
} layer_plan;

static layer_plan plan_layer(const ebm_node *cfg, int l) {
    const ebm_node *list = ebm_node_child(cfg, "layers");
    const ebm_node *own = list && list->kind == EBM_NODE_SEQ && l <= list->n
                              ? list->values[l - 1] : NULL;
    if (own && own->kind != EBM_NODE_MAP) own = NULL;
    layer_plan p = {
        .epochs = (int)ebm_cfg_int(cfg, "epochs", 10),
        .batch = (size_t)ebm_cfg_int(cfg, "batch", 100),
        .sampler_holder = cfg,
        .optim = ebm_node_child(cfg, "optim")};
    if (own && ebm_node_child(own, "epochs")) p.epochs = (int)ebm_cfg_int(own, "epochs", 10);
    if (own && ebm_node_child(own, "batch")) p.batch = (size_t)ebm_cfg_int(own, "batch", 100);
    if (own && ebm_node_child(own, "sampler")) p.sampler_holder = own;
    if (own && ebm_node_child(own, "optim")) p.optim = ebm_node_child(own, "optim");
    return p;
}

void ebm_dbm_pretrain_scales(int l, int n_hidden_layers, float *hidden_input_scale,
                             float *visible_input_scale) {
    int bottom = l == 1, top = l == n_hidden_layers;
    /* A layer below the top gets input from above in the DBM: its RBM
     * doubles the input from below to stand in for it, and likewise a layer
     * above v doubles its input from above. One hidden layer: a plain RBM. */
    *hidden_input_scale = top ? 1.0f : 2.0f;
    *visible_input_scale = bottom ? 1.0f : 2.0f;
}

/* A Bernoulli RBM from the rbm plugin, {hidden: n, init_scale: s}, its
 * visible biases from the data's marginals (the plugin's bias_init: data). */
static int make_rbm(size_t n_hidden, double init_scale, const ebm_dataset *data,
                    ebm_rng *rng, ebm_rbm **out, ebm_error *err) {
    char yaml[128];
    snprintf(yaml, sizeof yaml, "{hidden: %zu, init_scale: %.17g}", n_hidden, init_scale);
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "<pretrain layer>", err);
    if (!cfg) return err ? err->code : EBM_ECONFIG;
    void *model = NULL;
    int rc = ebm_model_rbm.xCreate(cfg, data, rng, &model, err);
    ebm_node_free(cfg);
    *out = rc ? NULL : model;
    return rc;
}

/* A copy of `left` (width columns of each row read, stride left->dim) with
 * the last `labels` columns of train appended (labels 0: just the copy);
 * `stochastic` as left's; the appended columns marked as labels, so draws
 * leave them alone. The top RBM of a DBM with labels learns from this. */
static int with_columns(const ebm_dataset *left, size_t width, const ebm_dataset *train,
                        size_t labels, ebm_dataset *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    size_t dim = width + labels;
    out->x = malloc((left->n ? left->n : 1) * dim * sizeof *out->x);
    if (!out->x)
        return ebm_fail(err, EBM_ENOMEM, "pretraining: %zu x %zu rows", left->n, dim);
    out->n = left->n;
    out->dim = dim;
    out->stochastic = left->stochastic;
    out->label_columns = labels;
    for (size_t r = 0; r < left->n; r++) {
        memcpy(out->x + r * dim, left->x + r * left->dim, width * sizeof *out->x);
        memcpy(out->x + r * dim + width, train->x + (r + 1) * train->dim - labels,
               labels * sizeof *out->x);
    }
    return EBM_OK;
}

/* Trains rbm on data for plan->epochs epochs, with the runner's own set-up
 * and loop (fit.h). */
static int train_rbm(ebm_rbm *rbm, const ebm_dataset *data, const layer_plan *plan,
                     const ebm_rng *rng, const volatile sig_atomic_t *stop,
                     ebm_error *err) {
    const ebm_model_ops *ops = &ebm_model_rbm;
    ebm_tensor params[3];
    int n_params = ops->xParams(rbm, params, 3);
    ebm_rng chains_rng, train_rng;
    ebm_rng_named(&chains_rng, rng, "chains");
    ebm_rng_named(&train_rng, rng, "train");
    ebm_fit fit;
    int rc = ebm_fit_open(&fit, ops, rbm, data, params, n_params, plan->sampler_holder,
                          plan->optim, (size_t)plan->batch, &chains_rng, stop, err);
    for (int epoch = 1; !rc && epoch <= plan->epochs; epoch++)
        rc = ebm_fit_epoch(&fit, &train_rng, epoch, err);
    ebm_fit_close(&fit);
    return rc;
}

/* The next RBM's data: p(h = 1 | v) of every row under the trained RBM
 * (its doubled input included), read as probabilities, or drawn binary per
 * minibatch when `samples`. */
static int next_data(ebm_rbm *rbm, const ebm_dataset *below, int samples,
                     ebm_dataset *out, ebm_error *err) {
    size_t n_hidden = rbm->n_hidden;
    memset(out, 0, sizeof *out);
    out->x = malloc(below->n * n_hidden * sizeof *out->x);
    if (!out->x)
        return ebm_fail(err, EBM_ENOMEM, "pretraining: %zu x %zu layer features",
                        below->n, n_hidden);
    out->n = below->n;
    out->dim = n_hidden;
    out->stochastic = samples;
    ebm_rbm_hidden_input(rbm, below->x, below->dim, below->n, out->x, n_hidden);
    ebm_rbm_sigmoid(out->x, below->n, n_hidden, n_hidden, 1.0f);
    return EBM_OK;
}

int ebm_dbm_pretrain(ebm_dbm *m, const ebm_node *cfg, const ebm_dataset *train,
                     ebm_rng *rng, const volatile sig_atomic_t *stop, ebm_error *err) {
    int L = m->n_hidden_layers;
    int any = 0;
    for (int l = 1; l <= L; l++) any |= plan_layer(cfg, l).epochs > 0;
    if (!any) return EBM_OK;
    size_t labels = m->n_labels;
    if (train->dim != m->size[0] + labels)
        return ebm_fail(err, EBM_EDATA, "pretraining: data rows have %zu values, the dbm "
                        "%zu visible and %zu label units", train->dim, m->size[0], labels);
    int samples = strcmp(ebm_cfg_str(cfg, "data", "means"), "samples") == 0;
    ebm_rbm *rbms[EBM_DBM_MAX_HIDDEN + 1] = {0};
    ebm_dataset features = {0};   /* the data of the RBM being trained, above v */
    ebm_dataset top = {0};        /* with labels: [the layer below | labels] */
    const ebm_dataset *data = train;
    int rc = EBM_OK;
    /* With labels below a higher top layer, the bottom RBM sees v alone. */
    if (labels && L > 1) {
        rc = with_columns(train, m->size[0], train, 0, &features, err);
        data = &features;
    }
    for (int l = 1; !rc && l <= L; l++) {
        layer_plan plan = plan_layer(cfg, l);
        if (l == L && labels && L > 1) {
            rc = with_columns(data, data->dim, train, labels, &top, err);
            if (rc) break;
            data = &top;
        }
        ebm_rng layer_rng, create_rng;
        ebm_rng_derive(&layer_rng, rng, (uint64_t)l);
        ebm_rng_named(&create_rng, &layer_rng, "create");
        rc = make_rbm(m->size[l], m->init_scale, data, &create_rng, &rbms[l], err);
        if (rc) break;
        ebm_dbm_pretrain_scales(l, L, &rbms[l]->hidden_input_scale,
                                &rbms[l]->visible_input_scale);
        rc = train_rbm(rbms[l], data, &plan, &layer_rng, stop, err);
        if (!rc && l < L) {
            ebm_dataset above;
            rc = next_data(rbms[l], data, samples, &above, err);
            ebm_dataset_free(&features);
            features = above;
            data = &features;
        }
        if (rc) ebm_error_prefix(err, "pretraining layer %d (%zu x %zu)", l, m->size[l - 1],
                                 m->size[l]);
    }
    if (!rc) {
        /* Weights as trained (the doubled inputs of pretraining are halved
         * by each layer now hearing both neighbours); a layer's bias is
         * shared half and half by the two RBMs that touch it. */
        ebm_dbm_zero_biases(m);
        for (int l = 1; !rc && l <= L; l++)
            rc = ebm_dbm_set_layer(m, l, rbms[l], 1.0, l == 1 ? 1.0 : 0.5,
                                   l == L ? 1.0 : 0.5, err);
    }
    for (int l = 1; l <= L; l++)
        if (rbms[l]) ebm_model_rbm.xDestroy(rbms[l]);
    ebm_dataset_free(&features);
    ebm_dataset_free(&top);
    return rc;
}

int ebm_dbm_fit(void *model, const ebm_dataset *train, ebm_rng *rng,
                const volatile sig_atomic_t *stop, ebm_error *err) {
    ebm_dbm *m = model;
    if (!m->pretrain) return EBM_OK;
    return ebm_dbm_pretrain(m, m->pretrain, train, rng, stop, err);
}
