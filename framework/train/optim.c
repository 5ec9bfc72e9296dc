/* optim.c — SGD with momentum, or Adam, with weight decay over a model's
 * tensors. */
#include "optim.h"

#include "gemm.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys of every `optim:` section. Training and DBM pretraining share them
 * and differ only in the defaults of lr and momentum (pretraining follows
 * Salakhutdinov & Hinton's RBM recipe). */
#define OPTIM_PARAMS(lr, momentum)                                                      \
    {.name = "type", .type = EBM_P_ENUM, .def = "sgd", .choices = "sgd|adam",           \
     .help = "sgd (with momentum) or adam (bias-corrected; momentum unused)"},          \
    {.name = "lr", .type = EBM_P_FLOAT, .def = lr, .range = "(0, inf)",                 \
     .help = "learning rate"},                                                          \
    {.name = "momentum", .type = EBM_P_FLOATS, .def = momentum, .range = "[0, 1)",      \
     .help = "one value, or [initial, final] switching after momentum_switch epochs"},  \
    {.name = "momentum_switch", .type = EBM_P_INT, .def = "5", .range = "[0, inf)",     \
     .help = "epoch at which momentum switches from initial to final"},                 \
    {.name = "weight_decay", .type = EBM_P_FLOAT, .def = "0", .range = "[0, inf)",      \
     .help = "L2 penalty on the weights"},                                              \
    {.name = "lr_decay", .type = EBM_P_FLOAT, .def = "1", .range = "(0, 1]",            \
     .help = "lr is multiplied by this after every epoch"},                             \
    {.name = "betas", .type = EBM_P_FLOATS, .def = "[0.9, 0.999]", .range = "[0, 1)",   \
     .help = "adam: decay rates [beta1, beta2] of the first and second moments"},       \
    {.name = "eps", .type = EBM_P_FLOAT, .def = "1e-8", .range = "(0, inf)",            \
     .help = "adam: added to the root of the second moment"},                           \
    EBM_PARAM_END

const ebm_param ebm_optim_params[] = {OPTIM_PARAMS("0.01", "0")};
const ebm_param ebm_optim_pretrain_params[] = {OPTIM_PARAMS("0.05", "[0.5, 0.9]")};

int ebm_optim_init(ebm_optim *o, const ebm_node *optim_cfg,
                   const ebm_tensor *params, int n, ebm_error *err) {
    memset(o, 0, sizeof *o);
    o->lr = ebm_cfg_double(optim_cfg, "lr", 0.01);
    o->lr_decay = ebm_cfg_double(optim_cfg, "lr_decay", 1.0);
    o->weight_decay = ebm_cfg_double(optim_cfg, "weight_decay", 0.0);
    double momentum[2] = {0, 0};
    int n_momentum = ebm_cfg_doubles(optim_cfg, "momentum", momentum, 2);
    o->momentum_initial = momentum[0];
    o->momentum_final = n_momentum >= 2 ? momentum[1] : momentum[0];
    o->momentum_switch = (int)ebm_cfg_int(optim_cfg, "momentum_switch", 5);
    o->type = strcmp(ebm_cfg_str(optim_cfg, "type", "sgd"), "adam") == 0 ? EBM_OPTIM_ADAM
                                                                        : EBM_OPTIM_SGD;
    double betas[2] = {0.9, 0.999};
    ebm_cfg_doubles(optim_cfg, "betas", betas, 2);
    o->beta1 = betas[0];
    o->beta2 = betas[1];
    o->eps = ebm_cfg_double(optim_cfg, "eps", 1e-8);
    o->n = n;
    o->velocity = calloc((size_t)(n ? n : 1), sizeof *o->velocity);
    o->size = calloc((size_t)(n ? n : 1), sizeof *o->size);
    if (o->type == EBM_OPTIM_ADAM) o->second = calloc((size_t)(n ? n : 1), sizeof *o->second);
    if (!o->velocity || !o->size || (o->type == EBM_OPTIM_ADAM && !o->second)) {
        ebm_optim_free(o);
        return ebm_fail(err, EBM_ENOMEM, "optimiser state");
    }
    for (int t = 0; t < n; t++) {
        o->size[t] = ebm_tensor_size(&params[t]);
        o->velocity[t] = calloc(o->size[t] ? o->size[t] : 1, sizeof(float));
        if (o->second) o->second[t] = calloc(o->size[t] ? o->size[t] : 1, sizeof(float));
        if (!o->velocity[t] || (o->second && !o->second[t])) {
            ebm_optim_free(o);
            return ebm_fail(err, EBM_ENOMEM, "optimiser state for %s", params[t].name);
        }
    }
    return EBM_OK;
}

/* 1 when x holds a NaN or an infinity: all its exponent bits are set. An
 * integer OR the compiler vectorises. */
static uint32_t nonfinite_bits(const float *x, size_t lo, size_t hi) {
    uint32_t bad = 0;
    for (size_t i = lo; i < hi; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        bad |= (~bits & 0x7f800000u) == 0;
    }
    return bad;
}

/* What one step does to entries [lo, hi) of tensor k. The bias corrections
 * of Adam are computed in double once per step (ebm_optim_step), so β2ᵗ
 * does not lose its digits in float over long runs. */
typedef struct step_rule {
    float lr, momentum;                  /* sgd */
    float beta1, beta2, eps, step1, correct2;   /* adam */
} step_rule;

static void update(const ebm_optim *o, const step_rule *rule, ebm_tensor *param,
                   const float *g, int k, size_t lo, size_t hi) {
    float decay = param->rank >= 2 ? (float)o->weight_decay : 0.0f;
    float *theta = param->data, *v = o->velocity[k];
    if (o->type == EBM_OPTIM_SGD && o->momentum_initial == 0 && o->momentum_final == 0) {
        /* No step ever reads the velocity, so it is not kept (it stays 0):
         * a third less memory to move, and θ − x rounds as θ + (0·v − x). */
        for (size_t i = lo; i < hi; i++) theta[i] -= rule->lr * (g[i] + decay * theta[i]);
        return;
    }
    if (o->type == EBM_OPTIM_SGD) {
        for (size_t i = lo; i < hi; i++) {
            v[i] = rule->momentum * v[i] - rule->lr * (g[i] + decay * theta[i]);
            theta[i] += v[i];
        }
        return;
    }
    float *second = o->second[k];
    for (size_t i = lo; i < hi; i++) {
        float gi = g[i] + decay * theta[i];
        v[i] = rule->beta1 * v[i] + (1.0f - rule->beta1) * gi;
        second[i] = rule->beta2 * second[i] + (1.0f - rule->beta2) * gi * gi;
        theta[i] -= rule->step1 * v[i] / (sqrtf(second[i] * rule->correct2) + rule->eps);
    }
}

/* The check and the update share one parallel region and one static split
 * of every tensor, so each thread updates the part of the gradient its own
 * check has just brought into its cache. */
int ebm_optim_step(ebm_optim *o, ebm_tensor *params, const ebm_tensor *grads,
                   int epoch) {
    step_rule rule = {.lr = (float)o->lr,
                      .momentum = (float)(epoch <= o->momentum_switch ? o->momentum_initial
                                                                      : o->momentum_final)};
    if (o->type == EBM_OPTIM_ADAM) {
        double t = (double)(o->steps + 1);
        rule.beta1 = (float)o->beta1;
        rule.beta2 = (float)o->beta2;
        rule.eps = (float)o->eps;
        rule.step1 = (float)(o->lr / (1.0 - pow(o->beta1, t)));
        rule.correct2 = (float)(1.0 / (1.0 - pow(o->beta2, t)));
    }
    size_t total = 0;
    for (int k = 0; k < o->n; k++) total += o->size[k];
    uint32_t bad = 0;
    #pragma omp parallel if (total > EBM_PARALLEL_MIN)
    {
        int threads = omp_get_num_threads(), me = omp_get_thread_num();
        uint32_t mine = 0;
        for (int k = 0; k < o->n; k++) {
            size_t lo = o->size[k] * (size_t)me / (size_t)threads;
            size_t hi = o->size[k] * (size_t)(me + 1) / (size_t)threads;
            mine |= nonfinite_bits(grads[k].data, lo, hi);
        }
        #pragma omp atomic
        bad |= mine;
        #pragma omp barrier
        for (int k = 0; !bad && k < o->n; k++) {
            size_t lo = o->size[k] * (size_t)me / (size_t)threads;
            size_t hi = o->size[k] * (size_t)(me + 1) / (size_t)threads;
            update(o, &rule, &params[k], grads[k].data, k, lo, hi);
        }
    }
    if (bad) return 0;
    if (o->type == EBM_OPTIM_ADAM) o->steps++;
    return 1;
}

void ebm_optim_end_epoch(ebm_optim *o) { o->lr *= o->lr_decay; }

int ebm_optim_state(ebm_optim *o, const ebm_tensor *params, ebm_state_list *out,
                    ebm_error *err) {
    char name[80];
    int rc = ebm_state_add(out, "optim/steps", EBM_STATE_U64, &o->steps, 1, err);
    if (!rc) rc = ebm_state_add(out, "optim/lr", EBM_STATE_F64, &o->lr, 1, err);
    for (int t = 0; !rc && t < o->n; t++) {
        snprintf(name, sizeof name, "optim/%s/velocity", params[t].name);
        rc = ebm_state_add(out, name, EBM_STATE_F32, o->velocity[t], o->size[t], err);
        if (!rc && o->second) {
            snprintf(name, sizeof name, "optim/%s/second", params[t].name);
            rc = ebm_state_add(out, name, EBM_STATE_F32, o->second[t], o->size[t], err);
        }
    }
    return rc;
}

void ebm_optim_free(ebm_optim *o) {
    if (o->velocity)
        for (int t = 0; t < o->n; t++) free(o->velocity[t]);
    if (o->second)
        for (int t = 0; t < o->n; t++) free(o->second[t]);
    free(o->velocity);
    free(o->second);
    free(o->size);
    memset(o, 0, sizeof *o);
}
