/* contract.c — the check that every built-in plugin keeps the contract of its
 * kind's interface (contract.h); run by the registry's contract test. */
#include "contract.h"

#include <stdio.h>
#include <string.h>

#include "plugins.h"
#include "registry.h"
#include "schema.h"
#include "validate.h"

/* The ops a plugin of its kind cannot do without; NULL when all are there. */
static const char *missing_op(ebm_kind kind, const ebm_plugin *p) {
    switch (kind) {
    case EBM_KIND_MODEL: {
        const ebm_model_ops *m = (const ebm_model_ops *)p;
        if (!m->xCreate) return "xCreate";
        if (!m->xDestroy) return "xDestroy";
        if (!m->xUnits) return "xUnits";
        if (!m->xEnergy) return "xEnergy";
        if (!m->xParams) return "xParams";
        /* each capability table it points to has that table's required ops */
        if (m->binary && !m->binary->xUnitValues) return "binary->xUnitValues";
        if (m->layered && (!m->layered->xBlockGibbs || !m->layered->xFreeEnergy ||
                           !m->layered->xLogPartition))
            return "layered->xBlockGibbs, xFreeEnergy and xLogPartition";
        if (m->learning && !m->learning->xGradient && !m->learning->xEnergyGrad)
            return "learning->xGradient or xEnergyGrad";
        if (m->learning && m->learning->exact_posterior && !m->learning->xPositiveGrad)
            return "learning->xPositiveGrad (exact_posterior is set)";
        if (m->learning && m->learning->xChainGrad &&
            (!m->learning->exact_posterior || !m->layered))
            return "exact_posterior and layers with learning->xChainGrad";
        if (m->dynamics && !m->dynamics->xEvolve) return "dynamics->xEvolve";
        if ((m->xEncode == NULL) != (m->xDecode == NULL)) return "xEncode and xDecode together";
        return NULL;
    }
    case EBM_KIND_SAMPLER:
        return ((const ebm_sampler_ops *)p)->xRun ? NULL : "xRun";
    case EBM_KIND_DATASET:
        return ((const ebm_dataset_ops *)p)->xLoad ? NULL : "xLoad";
    case EBM_KIND_ESTIMATOR: {
        const ebm_estimator_ops *e = (const ebm_estimator_ops *)p;
        if (!e->xEvaluate) return "xEvaluate";
        if (e->model_type && !ebm_registry_find(EBM_KIND_MODEL, e->model_type))
            return "model_type naming a registered model";
        return NULL;
    }
    default:
        return NULL;
    }
}

ebm_node *ebm_model_example_config(const ebm_model_ops *ops, ebm_diags *diags) {
    if (!ops->example) {
        ebm_diags_add(diags, "model %s: no example experiment", ops->info.name);
        return NULL;
    }
    ebm_error err = {0};
    char where[160];
    snprintf(where, sizeof where, "<model %s example>", ops->info.name);
    ebm_node *cfg = ebm_cfg_parse_string(ops->example, strlen(ops->example), where, &err);
    if (!cfg) {
        ebm_diags_add(diags, "%s", err.msg);
        return NULL;
    }
    char name[160];
    snprintf(name, sizeof name, "example-%s", ops->info.name);
    int rc = EBM_OK;
    if (!ebm_node_child(cfg, "name"))
        rc = ebm_node_set(cfg, "name", ebm_node_new_scalar(name, cfg->mark));
    if (!rc && !ebm_node_child(cfg, "seed"))
        rc = ebm_node_set(cfg, "seed", ebm_node_new_scalar("1", cfg->mark));
    if (rc || ebm_cfg_validate(cfg, diags) != 0) {
        if (rc) ebm_diags_add(diags, "%s: out of memory", where);
        ebm_node_free(cfg);
        return NULL;
    }
    return cfg;
}

int ebm_registry_check(ebm_diags *diags) {
    long before = ebm_diags_total(diags);
    for (int kind = 0; kind < EBM_KIND_COUNT; kind++) {
        const char *kind_name = ebm_kind_name((ebm_kind)kind);
        const ebm_plugin *p;
        for (int i = 0; (p = ebm_registry_at((ebm_kind)kind, i)); i++) {
            char who[160];
            snprintf(who, sizeof who, "%s %s", kind_name, p->name ? p->name : "(no name)");
            if (!p->name || !*p->name) {
                ebm_diags_add(diags, "%s #%d: no name", kind_name, i + 1);
                continue;
            }
            for (int j = 0; j < i; j++)
                if (strcmp(ebm_registry_at((ebm_kind)kind, j)->name, p->name) == 0)
                    ebm_diags_add(diags, "%s: the name is taken by an earlier %s", who,
                                  kind_name);
            if (p->version != ebm_registry_version((ebm_kind)kind))
                ebm_diags_add(diags, "%s: built for interface version %d; this ebm has %d",
                              who, p->version, ebm_registry_version((ebm_kind)kind));
            if (!p->help || !*p->help || strchr(p->help, '\n'))
                ebm_diags_add(diags, "%s: needs one line of help", who);
            const char *op = missing_op((ebm_kind)kind, p);
            if (op) ebm_diags_add(diags, "%s: the required op %s is missing", who, op);
            ebm_param_table_check(p->params, who, diags);
            if (kind == EBM_KIND_MODEL) {
                ebm_node *example = ebm_model_example_config((const ebm_model_ops *)p, diags);
                if (example && strcmp(ebm_cfg_str(example, "model.type", ""), p->name) != 0)
                    ebm_diags_add(diags, "%s: its example is of model %s", who,
                                  ebm_cfg_str(example, "model.type", "(none)"));
                ebm_node_free(example);
            }
        }
    }
    ebm_param_table_check(ebm_experiment_params, "experiment", diags);
    return (int)(ebm_diags_total(diags) - before);
}
