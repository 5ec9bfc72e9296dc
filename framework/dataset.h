/* dataset.h — what a dataset plugin produces and the ops it implements.
 * Binary data are stored as {0,1} floats; models with ±1 units convert. */
#ifndef EBM_DATASET_H
#define EBM_DATASET_H

#include <stddef.h>

#include "cfg.h"
#include "error.h"
#include "registry.h"
#include "rng.h"

typedef struct ebm_dataset {
    size_t n, dim;
    float *x;           /* n × dim, row-major */
    int *labels;        /* n class labels in [0, n_classes), or NULL */
    int n_classes;
    int height, width;  /* image shape of a row; 0 × 0 when rows are not images */
} ebm_dataset;

void ebm_dataset_free(ebm_dataset *d);
/* Appends each row's label as n_classes one-hot columns (for models with
 * label units); an error if the data have no labels. */
int ebm_dataset_append_labels(ebm_dataset *d, ebm_error *err);
/* Moves the last `count` rows of d into valid (both keep labels and shape). */
int ebm_dataset_split(ebm_dataset *d, size_t count, ebm_dataset *valid,
                      ebm_error *err);

#define EBM_DATASET_OPS_VERSION 1

typedef struct ebm_dataset_ops {
    ebm_plugin info;
    /* v1: fills out from the validated `data` section. rng is the run's
     * "data" stream (for generated or shuffled data). */
    int (*xLoad)(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                 ebm_error *err);
} ebm_dataset_ops;

/* IDX files (LeCun's format, as in MNIST and Fashion-MNIST), plain or
 * gzip-compressed (idx.c). Images come back as floats in [0, 1] (bytes/255),
 * labels as ints. Truncated files and wrong headers are errors naming the
 * file and what was found. */
int ebm_idx_read_images(const char *path, size_t limit, ebm_dataset *out,
                        ebm_error *err);
int ebm_idx_read_labels(const char *path, size_t limit, int **labels,
                        size_t *n, ebm_error *err);

#endif
