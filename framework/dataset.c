/* dataset.c — owning and splitting ebm_dataset values, and the tensor size
 * helper every model and the optimiser share. */
#include "dataset.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"

void ebm_dataset_free(ebm_dataset *d) {
    if (!d) return;
    free(d->x);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

int ebm_dataset_split(ebm_dataset *d, size_t count, ebm_dataset *valid,
                      ebm_error *err) {
    memset(valid, 0, sizeof *valid);
    if (count == 0) return EBM_OK;
    if (count >= d->n)
        return ebm_fail(err, EBM_ECONFIG,
                        "data.valid: %zu rows requested for validation but the "
                        "data has only %zu (training would be empty)",
                        count, d->n);
    size_t keep = d->n - count;
    *valid = *d;
    valid->n = count;
    valid->x = malloc(count * d->dim * sizeof *valid->x);
    valid->labels = d->labels ? malloc(count * sizeof *valid->labels) : NULL;
    if (!valid->x || (d->labels && !valid->labels)) {
        free(valid->x);
        free(valid->labels);
        memset(valid, 0, sizeof *valid);
        return ebm_fail(err, EBM_ENOMEM, "splitting %zu validation rows", count);
    }
    memcpy(valid->x, d->x + keep * d->dim, count * d->dim * sizeof *d->x);
    if (d->labels) memcpy(valid->labels, d->labels + keep, count * sizeof *d->labels);
    d->n = keep;
    return EBM_OK;
}

int ebm_dataset_append_labels(ebm_dataset *d, ebm_error *err) {
    if (!d->labels || d->n_classes <= 0)
        return ebm_fail(err, EBM_ECONFIG, "data.append_labels: this dataset has no labels");
    size_t dim = d->dim + (size_t)d->n_classes;
    float *x = calloc(d->n * dim, sizeof *x);
    if (!x) return ebm_fail(err, EBM_ENOMEM, "appending labels to %zu rows", d->n);
    for (size_t r = 0; r < d->n; r++) {
        memcpy(x + r * dim, d->x + r * d->dim, d->dim * sizeof *x);
        int label = d->labels[r];
        if (label < 0 || label >= d->n_classes) {
            free(x);
            return ebm_fail(err, EBM_EDATA, "row %zu has label %d outside [0, %d)", r,
                            label, d->n_classes);
        }
        x[r * dim + d->dim + (size_t)label] = 1.0f;
    }
    free(d->x);
    d->x = x;
    d->dim = dim;
    d->height = d->width = 0;   /* rows are no longer plain images */
    return EBM_OK;
}

size_t ebm_tensor_size(const ebm_tensor *t) {
    size_t size = 1;
    for (int i = 0; i < t->rank; i++) size *= t->shape[i];
    return size;
}

int ebm_tensor_list(ebm_tensor *out, int max, const ebm_tensor *all, int n) {
    int k = max < n ? (max > 0 ? max : 0) : n;
    for (int i = 0; i < k; i++) out[i] = all[i];
    return k;
}
