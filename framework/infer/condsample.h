/* condsample.h — drawing states from a model with its label units clamped to
 * one class (or free), shared by `ebm sample` and the conditional estimator,
 * and checking drawn visible parts against the training rows of a class. */
#ifndef EBM_CONDSAMPLE_H
#define EBM_CONDSAMPLE_H

#include <signal.h>
#include <stddef.h>

#include "dataset.h"
#include "model.h"
#include "sampler.h"

/* One batch of independent chains. A model's label units are the last
 * n_labels of its data units (data.append_labels puts one-hot columns at the
 * end of each row, and data column j is state unit j). */
typedef struct ebm_cond_draw {
    const ebm_model_ops *ops;
    void *model;
    const ebm_sampler_ops *sampler;
    const ebm_node *sampler_cfg;   /* the sampler's validated map */
    size_t n_data, n_labels;       /* data units, of which the last are labels */
    int label;                     /* the clamped class, or -1: all units free */
    size_t n;                      /* chains, one sample each */
    const volatile sig_atomic_t *stop;
    /* The rows chains of a model with real-valued units start from
     * (ebm_chains_start). */
    const ebm_dataset *start_rows;
} ebm_cond_draw;

/* Where n fresh chains of `units` units start, into x (n × units), for
 * every caller that runs a sampler on new chains (the sample estimator,
 * `ebm sample`, the conditional estimator): a model whose units are all
 * binary from a uniform random state over its unit values; any other (a
 * continuous energy, an RBM with Gaussian visible units) from row c mod n of
 * `rows`, encoded, when its states hold data rows, else from its noise
 * distribution (xNoise). Chain c draws from ebm_rng_derive of rng's "start"
 * stream, c only. EBM_ENOTSUP when none of the three applies. */
int ebm_chains_start(const ebm_model_ops *ops, void *model, const ebm_dataset *rows,
                     size_t n, size_t units, ebm_rng *rng, float *x, ebm_error *err);

/* Starts every chain as ebm_chains_start does from start_rows, its label
 * units then set one-hot at `label` and kept clamped; runs the sampler as its
 * config says, and writes each chain's final state, decoded to a data row, without
 * the label columns: rows is n × (n_data − n_labels) values (in {0, 1} for
 * binary models). Chain c draws from ebm_rng_derive(rng, c) only. */
int ebm_cond_sample(const ebm_cond_draw *how, ebm_rng *rng, float *rows,
                    ebm_error *err);

/* The class of data row r: the one label column that is on, else the
 * dataset's label; -1 when there is neither or the one-hot is broken. */
int ebm_cond_row_class(const ebm_dataset *d, size_t r, size_t n_labels);

/* How many of the n visible rows (n_visible values each, the first columns
 * of data rows) equal, bit for bit (values above ½ are on), some row of d of
 * class `label` (any class when label < 0). */
size_t ebm_cond_count_matches(const ebm_dataset *d, size_t n_labels, int label,
                              const float *rows, size_t n, size_t n_visible);

#endif
