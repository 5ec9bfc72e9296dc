/* optim.c — SGD with momentum and weight decay over a model's tensors. */
#include "optim.h"

#include <stdlib.h>
#include <string.h>

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
    o->n = n;
    o->velocity = calloc((size_t)(n ? n : 1), sizeof *o->velocity);
    o->size = calloc((size_t)(n ? n : 1), sizeof *o->size);
    if (!o->velocity || !o->size) {
        ebm_optim_free(o);
        return ebm_fail(err, EBM_ENOMEM, "optimiser state");
    }
    for (int t = 0; t < n; t++) {
        o->size[t] = ebm_tensor_size(&params[t]);
        o->velocity[t] = calloc(o->size[t] ? o->size[t] : 1, sizeof(float));
        if (!o->velocity[t]) {
            ebm_optim_free(o);
            return ebm_fail(err, EBM_ENOMEM, "optimiser state for %s", params[t].name);
        }
    }
    return EBM_OK;
}

void ebm_optim_step(ebm_optim *o, ebm_tensor *params, const ebm_tensor *grads,
                    int epoch) {
    float momentum = (float)(epoch <= o->momentum_switch ? o->momentum_initial
                                                         : o->momentum_final);
    float lr = (float)o->lr;
    for (int t = 0; t < o->n; t++) {
        float decay = params[t].rank >= 2 ? (float)o->weight_decay : 0.0f;
        float *theta = params[t].data, *v = o->velocity[t];
        const float *g = grads[t].data;
        #pragma omp parallel for simd schedule(static) if (o->size[t] > 65536)
        for (size_t i = 0; i < o->size[t]; i++) {
            v[i] = momentum * v[i] - lr * (g[i] + decay * theta[i]);
            theta[i] += v[i];
        }
    }
}

void ebm_optim_end_epoch(ebm_optim *o) { o->lr *= o->lr_decay; }

void ebm_optim_free(ebm_optim *o) {
    if (o->velocity)
        for (int t = 0; t < o->n; t++) free(o->velocity[t]);
    free(o->velocity);
    free(o->size);
    memset(o, 0, sizeof *o);
}
