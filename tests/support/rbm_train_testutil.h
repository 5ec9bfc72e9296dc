/* rbm_train_testutil.h — what the tests of trained RBMs share: the 4×4
 * bars-and-stripes images through their dataset plugin, and whole-batch
 * training by the contrastive trainer and the shared optimiser, as the
 * runner drives them. */
#ifndef EBM_RBM_TRAIN_TESTUTIL_H
#define EBM_RBM_TRAIN_TESTUTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "dataset.h"
#include "model.h"
#include "optim.h"
#include "registry.h"
#include "train.h"

extern const ebm_model_ops ebm_model_rbm;

static inline ebm_node *parse_yaml(const char *yaml) {
    ebm_error err = {0};
    return ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
}

/* ------------------------------------------------- training on 4×4 BAS */

/* The 32 bars-and-stripes images of side 4 (blank and full listed twice),
 * through the dataset plugin as a run would load them. */
static inline int load_bars(ebm_dataset *data, ebm_error *err) {
    const ebm_dataset_ops *bars =
        (const ebm_dataset_ops *)ebm_registry_find(EBM_KIND_DATASET, "bars_stripes");
    if (!bars) return ebm_fail(err, EBM_EINVAL, "bars_stripes is not registered");
    ebm_node *cfg = parse_yaml("{side: 4, duplicates: true}");
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    int rc = cfg ? bars->xLoad(cfg, &rng, data, err) : -1;
    ebm_node_free(cfg);
    return rc;
}

/* Whole-batch updates of the trainer and the shared optimiser, as the runner
 * makes them (a fresh stream per update). */
static inline int train_rbm(void *m, const ebm_dataset *data, const char *train_yaml,
                             int updates, ebm_error *err) {
    ebm_node *cfg = parse_yaml(train_yaml);
    if (!cfg) return ebm_fail(err, EBM_ECONFIG, "bad train yaml");
    ebm_rng root, chains;
    ebm_rng_seed(&root, 17);
    ebm_rng_named(&chains, &root, "chains");
    ebm_tensor params[3], grads[3];
    ebm_model_rbm.xParams(m, params, 3);
    float *grad_data[3] = {NULL, NULL, NULL};
    for (int g = 0; g < 3; g++) {
        grads[g] = params[g];
        grad_data[g] = calloc(ebm_tensor_size(&params[g]), sizeof(float));
        grads[g].data = grad_data[g];
    }
    ebm_optim optim;
    int rc = ebm_optim_init(&optim, ebm_node_child(cfg, "optim"), params, 3, err);
    if (rc) {
        for (int g = 0; g < 3; g++) free(grad_data[g]);
        ebm_node_free(cfg);
        return rc;
    }
    ebm_trainer *t = ebm_trainer_new(cfg, &ebm_model_rbm, m, data->dim, data->n, &chains,
                                     NULL, err);
    rc = t && grad_data[0] && grad_data[1] && grad_data[2] ? EBM_OK : -1;
    for (int u = 0; !rc && u < updates; u++) {
        ebm_rng step_rng;
        ebm_rng_derive(&step_rng, &root, (uint64_t)u);
        rc = ebm_trainer_gradient(t, data->x, data->n, grads, 3, &step_rng, err);
        if (!rc) ebm_optim_step(&optim, params, grads, 1 + u / 100);
    }
    ebm_trainer_free(t);
    ebm_optim_free(&optim);
    for (int g = 0; g < 3; g++) free(grad_data[g]);
    ebm_node_free(cfg);
    return rc;
}

#endif
