/* dynamics.h — what the estimators of deterministic dynamics (retrieval,
 * fixed_points, energy_gap) share: sizes, corrupted starts. */
#ifndef EBM_EST_DYNAMICS_H
#define EBM_EST_DYNAMICS_H

#include <stddef.h>

#include "estimator.h"

/* Checks that the split is non-empty and its rows match the model's units;
 * sets *units and *tested = the first `patterns` rows (0 = all). */
int ebm_est_patterns(const ebm_eval *ev, const char *estimator,
                     long long patterns, size_t *units, size_t *tested,
                     ebm_error *err);

/* dst = src with each unit's sign flipped with probability flip. */
void ebm_est_corrupt(const float *src, float *dst, size_t n, double flip,
                     ebm_rng *rng);

/* Nonzero when the run was asked to stop. */
int ebm_est_stopped(const ebm_eval *ev);

#endif
