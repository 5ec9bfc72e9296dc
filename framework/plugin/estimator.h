/* estimator.h — the ops every estimator plugin implements: something measured
 * on a model at a log point (retrieval overlap, log-likelihood, ...). */
#ifndef EBM_ESTIMATOR_H
#define EBM_ESTIMATOR_H

#include <signal.h>
#include <stdint.h>

#include "cfg.h"
#include "dataset.h"
#include "log.h"
#include "model.h"
#include "plugin.h"
#include "rng.h"

/* Everything an estimator may use at one log point. */
typedef struct ebm_eval {
    const ebm_model_ops *ops;
    void *model;
    const ebm_dataset *data;     /* the split the config names */
    const ebm_dataset *train, *valid;   /* both splits (valid may be empty),
                                           for estimators that compare them */
    const ebm_node *cfg;         /* this estimator's own validated map */
    ebm_rng *rng;                /* a stream for this estimator at this step */
    ebm_log *log;                /* metrics go here, prefix already set */
    const volatile sig_atomic_t *stop;  /* nonzero: return EBM_EINTERRUPT soon */
    int64_t step;
    int is_final;                /* the run's last log point */
} ebm_eval;

#define EBM_ESTIMATOR_OPS_VERSION 1

typedef struct ebm_estimator_ops {
    ebm_plugin info;
    /* v1, required */
    int (*xEvaluate)(const ebm_eval *ev, ebm_error *err);
    /* v1, optional: NULL if the estimator works on any model; otherwise
     * returns 0 and explains in why[] when it cannot work on this model. */
    int (*xSupports)(const ebm_model_ops *model, char *why, size_t why_size);
} ebm_estimator_ops;

#endif
