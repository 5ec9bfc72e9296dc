/* dataset.h — what a dataset plugin produces and the ops it implements.
 * Binary data are stored as {0,1} floats; models with ±1 units convert. */
#ifndef EBM_DATASET_H
#define EBM_DATASET_H

#include <stddef.h>

#include "cfg.h"
#include "error.h"
#include "plugin.h"
#include "rng.h"

typedef struct ebm_dataset {
    size_t n, dim;
    float *x;           /* n × dim, row-major */
    int *labels;        /* n class labels in [0, n_classes), or NULL */
    int n_classes;
    int height, width;  /* image shape of a row; 0 × 0 when rows are not images */
    /* Stochastic binarisation (`binarize: stochastic`): x holds grey levels in
     * [0, 1] read as probabilities, and each minibatch is drawn binary afresh
     * by ebm_dataset_draw_rows. Whoever reads x directly (estimators, model
     * initialisation from data marginals) sees the grey levels: an estimator
     * that needs binary data must threshold or draw them itself (a
     * likelihood: ebm_eval_binary_rows). */
    int stochastic;
    /* How many trailing columns of x are one-hot labels appended by
     * ebm_dataset_append_labels (0 if none). They are never drawn nor
     * standardised. */
    size_t label_columns;
    /* After ebm_dataset_standardize, on the training rows: each column's
     * shift and scale, x ← (x − shift)·scale, kept so that rows loaded later
     * (a test set) are standardised alike, and its standard deviation on the
     * training rows (0 for a constant column, whose scale is 1), which maps
     * samples back. NULL otherwise. */
    double *standard_shift, *standard_scale, *standard_spread;
} ebm_dataset;

void ebm_dataset_free(ebm_dataset *d);
/* Appends each row's label as n_classes one-hot columns (for models with
 * label units); an error if the data have no labels. Keeps `stochastic`. */
int ebm_dataset_append_labels(ebm_dataset *d, ebm_error *err);
/* Moves the last `count` rows of d into valid (both keep labels, shape,
 * `stochastic` and `label_columns`). */
int ebm_dataset_split(ebm_dataset *d, size_t count, ebm_dataset *valid,
                      ebm_error *err);

/* When d->stochastic, replaces the n rows of `rows` (n × d->dim, copied from
 * d->x) by Bernoulli draws in place: each feature entry p becomes 1 with
 * probability p, else 0 (entries 0 and 1 stay as they are). Label columns are
 * left alone. A no-op when d is not stochastic. The draws depend only on the
 * rng's state and n × dim (one 64-bit number per two entries), so a run is
 * reproducible from its seed. */
void ebm_dataset_draw_rows(const ebm_dataset *d, float *rows, size_t n,
                           ebm_rng *rng);

/* `standardize: true` (for Gaussian visible units): shifts and scales every
 * column of train to mean 0 and variance 1 (the population variance, 1/n),
 * from statistics of train alone, and applies the same transform to valid
 * (which may be empty, n = 0). A column constant on train becomes 0 there and
 * is only shifted (scale 1) in valid. Refused (EBM_ECONFIG) for stochastic
 * data, whose rows must stay probabilities, and for data with appended label
 * columns, which are binary label units. The runner calls it after the split:
 *   if (ebm_cfg_bool(data_cfg, "standardize", 0))
 *       rc = ebm_dataset_standardize(train, valid, err); */
int ebm_dataset_standardize(ebm_dataset *train, ebm_dataset *valid,
                            ebm_error *err);

/* The inverse of ebm_dataset_standardize for n rows of train's length
 * (row r at rows + r·train->dim): x ← shift + x·(standard deviation), so a
 * model's samples of standardised rows come out in the data's own units (a
 * column constant on the training rows comes out as that constant). Nothing
 * when train was not standardised. */
void ebm_dataset_unstandardize(const ebm_dataset *train, float *rows, size_t n);

/* Rows loaded apart from the training data (an estimator's test set) made
 * like the training rows: labels appended as as many one-hot columns as the
 * training rows have (a label beyond their classes is an error), and
 * standardised with the training rows' statistics. An error when the rows
 * then differ in length from the training rows. */
int ebm_dataset_prepare_like(const ebm_dataset *train, ebm_dataset *other,
                             ebm_error *err);

/* What xLoad would return, told without reading the rows: enough for
 * `ebm validate` to check that an experiment fits in memory. */
typedef struct ebm_data_shape {
    size_t n;        /* rows; 0 when only reading them all could tell */
    size_t dim;      /* values per row */
    int n_classes;   /* label classes; 0 when none or not known */
} ebm_data_shape;

#define EBM_DATASET_OPS_VERSION 2   /* 2: xShape */

typedef struct ebm_dataset_ops {
    ebm_plugin info;
    /* v1: fills out from the validated `data` section. rng is the run's
     * "data" stream (for generated or shuffled data). */
    int (*xLoad)(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                 ebm_error *err);
    /* v2, optional: the shape xLoad would give for cfg, from a file's header
     * or the generator's settings, never from the rows themselves; errors
     * are those xLoad would report first (a missing file). NULL: validation
     * cannot check memory for this dataset, and the run checks it after
     * loading. */
    int (*xShape)(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err);
} ebm_dataset_ops;

/* IDX files (LeCun's format, as in MNIST and Fashion-MNIST), plain or
 * gzip-compressed (datasets/idx.c). Images come back as floats in [0, 1] (bytes/255),
 * labels as ints. Truncated files and wrong headers are errors naming the
 * file and what was found. */
int ebm_idx_read_images(const char *path, size_t limit, ebm_dataset *out,
                        ebm_error *err);
int ebm_idx_read_labels(const char *path, size_t limit, int **labels,
                        size_t *n, ebm_error *err);
/* The header of an images file alone: how many images, of how many pixels
 * (height × width), with ebm_idx_read_images's checks of the header. */
int ebm_idx_image_shape(const char *path, size_t *n, int *height, int *width,
                        ebm_error *err);

#endif
