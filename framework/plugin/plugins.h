/* plugins.h — the list of built-in plugins, one line each. Every plugin file
 * includes it, so the compiler checks each definition against the declaration
 * made here; the registry (run/registry.c) and the sampler catalogue
 * (samplers/catalog.c) expand the same lists into their tables. Adding a
 * plugin is its file plus one line below. */
#ifndef EBM_PLUGINS_H
#define EBM_PLUGINS_H

#include "dataset.h"
#include "estimator.h"
#include "model.h"
#include "sampler.h"

/* The order is the order of `ebm list`. Every row ends with a backslash, so
 * a new plugin is one added line. */
#define EBM_MODELS(X)   \
    X(hopfield)         \
    X(ising)            \
    X(boltzmann)        \
    X(rbm)              \
    X(energy)           \
    X(dbm)              \
    X(dense_memory)     \
    X(modern_hopfield)  \
    /* end of list: add a plugin as one line above */

#define EBM_SAMPLERS(X) \
    X(gibbs)            \
    X(mh)               \
    X(annealing)        \
    X(cd)               \
    X(pcd)              \
    X(pt)               \
    X(short_run)        \
    X(mala)             \
    X(langevin)         \
    /* end of list: add a plugin as one line above */

#define EBM_DATASETS(X) \
    X(fashion_mnist)    \
    X(bars_stripes)     \
    X(shifter)          \
    X(random_patterns)  \
    X(none)             \
    X(csv)              \
    X(toy2d)            \
    /* end of list: add a plugin as one line above */

#define EBM_ESTIMATORS(X)\
    X(retrieval)        \
    X(fixed_points)     \
    X(energy_gap)       \
    X(sample)           \
    X(exact)            \
    X(classify)         \
    X(filters)          \
    X(conditional)      \
    X(ais)              \
    X(pseudo_likelihood)\
    X(reconstruction)   \
    X(free_energy_gap)  \
    X(moments)          \
    X(quadrature)       \
    X(kde)              \
    X(dbm_ais)          \
    X(dbm_features)     \
    X(recall)           \
    /* end of list: add a plugin as one line above */

#define EBM_DECLARE_MODEL(name) extern const ebm_model_ops ebm_model_##name;
#define EBM_DECLARE_SAMPLER(name) extern const ebm_sampler_ops ebm_sampler_##name;
#define EBM_DECLARE_DATASET(name) extern const ebm_dataset_ops ebm_dataset_##name;
#define EBM_DECLARE_ESTIMATOR(name) extern const ebm_estimator_ops ebm_estimator_##name;
EBM_MODELS(EBM_DECLARE_MODEL)
EBM_SAMPLERS(EBM_DECLARE_SAMPLER)
EBM_DATASETS(EBM_DECLARE_DATASET)
EBM_ESTIMATORS(EBM_DECLARE_ESTIMATOR)

#endif
