/* registry.c — the table of every built-in plugin. Adding a plugin is one line
 * here (and its file); nothing else in the framework changes. */
#include "registry.h"

#include <string.h>

#include "dataset.h"
#include "estimator.h"
#include "model.h"
#include "sampler.h"

/* Models */
extern const ebm_model_ops ebm_model_hopfield;
extern const ebm_model_ops ebm_model_ising;
extern const ebm_model_ops ebm_model_boltzmann;
extern const ebm_model_ops ebm_model_rbm;
extern const ebm_model_ops ebm_model_energy;
extern const ebm_model_ops ebm_model_dbm;

/* Samplers */
extern const ebm_sampler_ops ebm_sampler_gibbs;
extern const ebm_sampler_ops ebm_sampler_mh;
extern const ebm_sampler_ops ebm_sampler_annealing;
extern const ebm_sampler_ops ebm_sampler_cd;
extern const ebm_sampler_ops ebm_sampler_pcd;
extern const ebm_sampler_ops ebm_sampler_pt;
extern const ebm_sampler_ops ebm_sampler_short_run;
extern const ebm_sampler_ops ebm_sampler_mala;
extern const ebm_sampler_ops ebm_sampler_langevin;

/* Datasets */
extern const ebm_dataset_ops ebm_dataset_fashion_mnist;
extern const ebm_dataset_ops ebm_dataset_bars_stripes;
extern const ebm_dataset_ops ebm_dataset_shifter;
extern const ebm_dataset_ops ebm_dataset_random_patterns;
extern const ebm_dataset_ops ebm_dataset_none;
extern const ebm_dataset_ops ebm_dataset_csv;
extern const ebm_dataset_ops ebm_dataset_toy2d;

/* Estimators */
extern const ebm_estimator_ops ebm_estimator_retrieval;
extern const ebm_estimator_ops ebm_estimator_fixed_points;
extern const ebm_estimator_ops ebm_estimator_energy_gap;
extern const ebm_estimator_ops ebm_estimator_sample;
extern const ebm_estimator_ops ebm_estimator_exact;
extern const ebm_estimator_ops ebm_estimator_classify;
extern const ebm_estimator_ops ebm_estimator_filters;
extern const ebm_estimator_ops ebm_estimator_conditional;
extern const ebm_estimator_ops ebm_estimator_ais;
extern const ebm_estimator_ops ebm_estimator_pseudo_likelihood;
extern const ebm_estimator_ops ebm_estimator_reconstruction;
extern const ebm_estimator_ops ebm_estimator_free_energy_gap;
extern const ebm_estimator_ops ebm_estimator_moments;
extern const ebm_estimator_ops ebm_estimator_quadrature;
extern const ebm_estimator_ops ebm_estimator_kde;
extern const ebm_estimator_ops ebm_estimator_dbm_ais;
extern const ebm_estimator_ops ebm_estimator_dbm_features;

static const ebm_plugin *const models[] = {
    &ebm_model_hopfield.info,
    &ebm_model_ising.info,
    &ebm_model_boltzmann.info,
    &ebm_model_rbm.info,
    &ebm_model_energy.info,
    &ebm_model_dbm.info,
    NULL};
static const ebm_plugin *const samplers[] = {
    &ebm_sampler_gibbs.info,
    &ebm_sampler_mh.info,
    &ebm_sampler_annealing.info,
    &ebm_sampler_cd.info,
    &ebm_sampler_pcd.info,
    &ebm_sampler_pt.info,
    &ebm_sampler_short_run.info,
    &ebm_sampler_mala.info,
    &ebm_sampler_langevin.info,
    NULL};
static const ebm_plugin *const datasets[] = {
    &ebm_dataset_fashion_mnist.info,
    &ebm_dataset_bars_stripes.info,
    &ebm_dataset_shifter.info,
    &ebm_dataset_random_patterns.info,
    &ebm_dataset_none.info,
    &ebm_dataset_csv.info,
    &ebm_dataset_toy2d.info,
    NULL};
static const ebm_plugin *const estimators[] = {
    &ebm_estimator_retrieval.info,
    &ebm_estimator_fixed_points.info,
    &ebm_estimator_energy_gap.info,
    &ebm_estimator_sample.info,
    &ebm_estimator_exact.info,
    &ebm_estimator_classify.info,
    &ebm_estimator_filters.info,
    &ebm_estimator_conditional.info,
    &ebm_estimator_ais.info,
    &ebm_estimator_pseudo_likelihood.info,
    &ebm_estimator_reconstruction.info,
    &ebm_estimator_free_energy_gap.info,
    &ebm_estimator_moments.info,
    &ebm_estimator_quadrature.info,
    &ebm_estimator_kde.info,
    &ebm_estimator_dbm_ais.info,
    &ebm_estimator_dbm_features.info,
    NULL};

static const ebm_plugin *const *const tables[EBM_KIND_COUNT] = {
    [EBM_KIND_MODEL] = models,
    [EBM_KIND_SAMPLER] = samplers,
    [EBM_KIND_DATASET] = datasets,
    [EBM_KIND_ESTIMATOR] = estimators,
};

static const char *const kind_names[EBM_KIND_COUNT] = {
    "model", "sampler", "dataset", "estimator"};

const char *ebm_kind_name(ebm_kind kind) {
    return (unsigned)kind < EBM_KIND_COUNT ? kind_names[kind] : "?";
}

int ebm_kind_from_name(const char *name) {
    for (int k = 0; k < EBM_KIND_COUNT; k++) {
        size_t len = strlen(kind_names[k]);
        if (strcmp(name, kind_names[k]) == 0) return k;
        if (strncmp(name, kind_names[k], len) == 0 && strcmp(name + len, "s") == 0)
            return k;
    }
    return -1;
}

const ebm_plugin *ebm_registry_at(ebm_kind kind, int i) {
    if ((unsigned)kind >= EBM_KIND_COUNT || i < 0) return NULL;
    const ebm_plugin *const *table = tables[kind];
    for (int j = 0; j <= i; j++)
        if (!table[j]) return NULL;
    return table[i];
}

const ebm_plugin *ebm_registry_find(ebm_kind kind, const char *name) {
    const ebm_plugin *p;
    for (int i = 0; (p = ebm_registry_at(kind, i)); i++)
        if (strcmp(p->name, name) == 0) return p;
    return NULL;
}
