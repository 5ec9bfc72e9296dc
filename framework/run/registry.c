/* registry.c — the plugin list (plugins.h) expanded into one table per kind,
 * and the lookups over them. Adding a plugin changes nothing here. */
#include "registry.h"

#include <string.h>

#include "catalog.h"
#include "plugins.h"

#define EBM_MODEL_ROW(name) &ebm_model_##name.info,
#define EBM_DATASET_ROW(name) &ebm_dataset_##name.info,
#define EBM_ESTIMATOR_ROW(name) &ebm_estimator_##name.info,
static const ebm_plugin *const models[] = {EBM_MODELS(EBM_MODEL_ROW) NULL};
static const ebm_plugin *const datasets[] = {EBM_DATASETS(EBM_DATASET_ROW) NULL};
static const ebm_plugin *const estimators[] = {EBM_ESTIMATORS(EBM_ESTIMATOR_ROW) NULL};

/* The samplers' table lives below, in samplers/catalog.c. */
static const ebm_plugin *const *const tables[EBM_KIND_COUNT] = {
    [EBM_KIND_MODEL] = models,
    [EBM_KIND_DATASET] = datasets,
    [EBM_KIND_ESTIMATOR] = estimators,
};

const ebm_plugin *ebm_registry_at(ebm_kind kind, int i) {
    if ((unsigned)kind >= EBM_KIND_COUNT || i < 0) return NULL;
    if (kind == EBM_KIND_SAMPLER) {
        const ebm_sampler_ops *s = ebm_sampler_at(i);
        return s ? &s->info : NULL;
    }
    const ebm_plugin *const *table = tables[kind];
    for (int j = 0; j <= i; j++)
        if (!table[j]) return NULL;
    return table[i];
}

/* The interface version this build of each kind's ops has. */
static const int interface_version[EBM_KIND_COUNT] = {
    [EBM_KIND_MODEL] = EBM_MODEL_OPS_VERSION,
    [EBM_KIND_SAMPLER] = EBM_SAMPLER_OPS_VERSION,
    [EBM_KIND_DATASET] = EBM_DATASET_OPS_VERSION,
    [EBM_KIND_ESTIMATOR] = EBM_ESTIMATOR_OPS_VERSION,
};

const ebm_plugin *ebm_registry_find(ebm_kind kind, const char *name) {
    const ebm_plugin *p;
    for (int i = 0; (p = ebm_registry_at(kind, i)); i++)
        if (strcmp(p->name, name) == 0)
            return p->version == interface_version[kind] ? p : NULL;
    return NULL;
}

int ebm_registry_version(ebm_kind kind) {
    return (unsigned)kind < EBM_KIND_COUNT ? interface_version[kind] : -1;
}
