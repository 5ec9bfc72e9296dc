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
    /* Where a long estimator stands (done of total units of work), for the
     * progress line and the ETA; NULL for none. Called through
     * ebm_eval_progress, every few hundred steps: the library never prints. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} ebm_eval;

/* Reports done of total to ev's progress hook, if it has one. */
void ebm_eval_progress(const ebm_eval *ev, uint64_t done, uint64_t total);

/* The split's first `rows` rows as a likelihood is measured on them. A
 * stochastically binarised split holds grey levels, and a binary model
 * gives no probability to a grey row (an RBM's −F at the grey levels lies
 * below the mean of −F over the rows' draws, −F being convex), so its rows
 * are drawn binary once, in order, from ev->rng's "binarize" stream, into *copy
 * (the caller frees it with ebm_dataset_free). Any other split is returned
 * as it is, *copy left empty. NULL when out of memory. */
const ebm_dataset *ebm_eval_binary_rows(const ebm_eval *ev, size_t rows, ebm_dataset *copy,
                                        ebm_error *err);

#define EBM_ESTIMATOR_OPS_VERSION 2

typedef struct ebm_estimator_ops {
    ebm_plugin info;
    /* required */
    int (*xEvaluate)(const ebm_eval *ev, ebm_error *err);
    /* What it needs of a model, checked at validation (ebm_estimator_supports)
     * so a run never starts with an estimator that cannot measure its model:
     * the model type it reads the internals of (NULL: any), and the
     * capabilities (EBM_CAP_* bits, model.h) it uses, all of them. */
    const char *model_type;
    unsigned needs;
} ebm_estimator_ops;

/* 1 when e can measure models of ops; otherwise 0 and, in why, what it needs
 * that the model lacks, in one format for every estimator. */
int ebm_estimator_supports(const ebm_estimator_ops *e, const ebm_model_ops *ops, char *why,
                           size_t why_size);

#endif
