/* precheck.h — what validation can check of an experiment's data before any
 * row is read: that every dataset it names can be read, and that the model
 * and its chains fit in memory. */
#ifndef EBM_PRECHECK_H
#define EBM_PRECHECK_H

#include "cfg.h"
#include "error.h"

/* For a validated experiment, from each dataset's xShape (a file's header,
 * a generator's settings): the training data (`data`) and every estimator's
 * test set (`log.estimators[i].test`) must open and give their rows, a test
 * set with the training data's row length; then ebm_footprint_check against
 * `memory_bytes` (0: this machine's), with the training rows and row length
 * the shape gives after data.append_labels and data.valid, as the run
 * applies them. What a shape leaves unknown (a CSV file's rows and classes)
 * is left out, so a refusal is never wrong; a dataset without xShape is not
 * checked (the run checks it after loading). Errors read as the run's. */
int ebm_precheck(const ebm_node *cfg, double memory_bytes, ebm_error *err);

#endif
