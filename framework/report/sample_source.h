/* sample_source.h — what drew the samples a picture shows, for its title:
 * the sampler (its settings) and what was clamped. */
#ifndef EBM_SAMPLE_SOURCE_H
#define EBM_SAMPLE_SOURCE_H

#include <stddef.h>

#include "cfg.h"
#include "runfile.h"

/* "sampler {type: gibbs, sweeps: 100}; clamped: none" for a set of samples,
 * "" for any other set or when nothing says. Files of `ebm sample` carry
 * it in the dataset's sampler and clamped attributes; in a run file it is
 * the sampler block of the estimator that logged the set, found in cfg (the
 * run's /config; NULL when unreadable): /samples comes from a `sample`
 * estimator that logs images, /images/<name>_samples from the conditional
 * estimator named <name>. */
void ebm_sample_source(const ebm_node *cfg, const ebm_image_set *set, char *out,
                       size_t size);

#endif
