/* catalog.h — the built-in samplers by name. The trainer, the estimators that
 * draw samples and the samplers that nest another (short_run) find theirs
 * here: they sit below the registry, which serves every other lookup. */
#ifndef EBM_SAMPLER_CATALOG_H
#define EBM_SAMPLER_CATALOG_H

#include "sampler.h"

/* The sampler, or NULL. */
const ebm_sampler_ops *ebm_sampler_find(const char *name);
/* The i-th sampler in list order, NULL past the end. */
const ebm_sampler_ops *ebm_sampler_at(int i);

#endif
