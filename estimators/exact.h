/* exact.h — what the enumeration estimators (exact, classify) share:
 * their model check, the split's shape check, and rows encoded to states. */
#ifndef EBM_EST_EXACT_H
#define EBM_EST_EXACT_H

#include <stddef.h>

#include "enumerate.h"
#include "estimator.h"

/* The split is non-empty and its rows are as long as the model's data
 * (visible and label) units. */
int ebm_exact_data_units(const ebm_eval *ev, const ebm_enum *e,
                         const char *estimator, ebm_error *err);

/* A data row to a model state (xEncode, or a copy when the model has none). */
void ebm_exact_encode(const ebm_eval *ev, const float *row, float *state);

#endif
