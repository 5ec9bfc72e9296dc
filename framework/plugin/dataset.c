/* dataset.c — owning, splitting and transforming ebm_dataset values
 * (appended labels, stochastic binarisation, standardisation), and the tensor
 * size helper every model and the optimiser share. */
#include "dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void ebm_dataset_free(ebm_dataset *d) {
    if (!d) return;
    free(d->x);
    free(d->labels);
    free(d->standard_shift);
    free(d->standard_scale);
    free(d->standard_spread);
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
    /* the statistics are d's to own */
    valid->standard_shift = valid->standard_scale = valid->standard_spread = NULL;
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
    d->label_columns += (size_t)d->n_classes;
    d->height = d->width = 0;   /* rows are no longer plain images */
    return EBM_OK;
}

/* 1 with probability p from 32 random bits: u < p·2^32 in double, so p = 0
 * never and p = 1 always gives 1 (u ≤ 2^32 − 1), and the bias is below 2^-32. */
static float bernoulli_from_bits(float p, uint32_t bits) {
    return (double)bits < (double)p * 4294967296.0 ? 1.0f : 0.0f;
}

void ebm_dataset_draw_rows(const ebm_dataset *d, float *rows, size_t n,
                           ebm_rng *rng) {
    if (!d->stochastic) return;
    size_t features = d->dim - d->label_columns;
    for (size_t r = 0; r < n; r++) {
        float *row = rows + r * d->dim;
        /* Two draws per 64-bit number: the RNG is a visible cost beside the
         * GEMMs of a minibatch of RBM training. */
        for (size_t j = 0; j < features; j += 2) {
            uint64_t bits = ebm_rng_u64(rng);
            row[j] = bernoulli_from_bits(row[j], (uint32_t)bits);
            if (j + 1 < features)
                row[j + 1] = bernoulli_from_bits(row[j + 1], (uint32_t)(bits >> 32));
        }
    }
}

/* d's rows ← (x − shift)·scale with train's statistics. */
static void standardize_rows(const ebm_dataset *train, ebm_dataset *d) {
    size_t dim = d->dim;
    const double *mean = train->standard_shift, *scale = train->standard_scale;
    for (size_t r = 0; r < d->n; r++)
        for (size_t j = 0; j < dim; j++) {
            float *x = d->x + r * dim + j;
            *x = (float)((*x - mean[j]) * scale[j]);
        }
}

void ebm_dataset_unstandardize(const ebm_dataset *train, float *rows, size_t n) {
    const double *shift = train->standard_shift, *spread = train->standard_spread;
    if (!shift || !spread) return;
    size_t dim = train->dim;
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < dim; j++) {
            float *x = rows + r * dim + j;
            *x = (float)(shift[j] + *x * spread[j]);
        }
}

int ebm_dataset_standardize(ebm_dataset *train, ebm_dataset *valid,
                            ebm_error *err) {
    if (train->stochastic)
        return ebm_fail(err, EBM_ECONFIG,
                        "data.standardize: cannot be combined with binarize: stochastic "
                        "(stochastic rows are probabilities to draw from, standardised "
                        "rows are not); use binarize: none");
    if (train->label_columns)
        return ebm_fail(err, EBM_ECONFIG,
                        "data.standardize: cannot be combined with append_labels (the "
                        "one-hot label columns are binary label units)");
    if (train->n == 0)
        return ebm_fail(err, EBM_EDATA, "data.standardize: the training split is empty");
    if (valid && valid->n && valid->dim != train->dim)
        return ebm_fail(err, EBM_EINVAL,
                        "data.standardize: validation rows have %zu columns, training "
                        "rows %zu", valid->dim, train->dim);
    size_t n = train->n, dim = train->dim;
    double *mean = calloc(dim ? dim : 1, sizeof *mean);
    double *scale = calloc(dim ? dim : 1, sizeof *scale);   /* 1 / std */
    double *spread = calloc(dim ? dim : 1, sizeof *spread); /* std, 0 if constant */
    if (!mean || !scale || !spread) {
        free(mean);
        free(scale);
        free(spread);
        return ebm_fail(err, EBM_ENOMEM, "data.standardize: statistics of %zu columns", dim);
    }
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < dim; j++) mean[j] += train->x[r * dim + j];
    for (size_t j = 0; j < dim; j++) mean[j] /= (double)n;
    /* Two passes (mean, then squared deviations) rather than E[x²] − E[x]²,
     * which cancels catastrophically for columns with a large offset. */
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < dim; j++) {
            double dev = train->x[r * dim + j] - mean[j];
            scale[j] += dev * dev;
        }
    for (size_t j = 0; j < dim; j++) {
        /* A constant column is found by comparing its values, not by a zero
         * variance: the summed mean of many equal floats need not equal them
         * exactly, and 1/sqrt of a rounding residue would blow the column up. */
        int constant = 1;
        float first = train->x[j];
        for (size_t r = 1; r < n && constant; r++)
            constant = train->x[r * dim + j] == first;
        if (constant) mean[j] = first;
        spread[j] = constant ? 0.0 : sqrt(scale[j] / (double)n);
        scale[j] = constant ? 1.0 : 1.0 / sqrt(scale[j] / (double)n);
    }
    free(train->standard_shift);
    free(train->standard_scale);
    free(train->standard_spread);
    train->standard_shift = mean;
    train->standard_scale = scale;
    train->standard_spread = spread;
    standardize_rows(train, train);
    if (valid) standardize_rows(train, valid);
    return EBM_OK;
}

int ebm_dataset_prepare_like(const ebm_dataset *train, ebm_dataset *other,
                             ebm_error *err) {
    if (train->label_columns) {
        if (!other->labels || other->n_classes <= 0)
            return ebm_fail(err, EBM_EDATA, "these rows have no labels, and the training "
                            "rows have their labels appended (data.append_labels)");
        if ((size_t)other->n_classes > train->label_columns)
            return ebm_fail(err, EBM_EDATA, "labels up to %d, and the training rows have "
                            "%zu classes", other->n_classes - 1, train->label_columns);
        other->n_classes = (int)train->label_columns;
        int rc = ebm_dataset_append_labels(other, err);
        if (rc) return rc;
    }
    if (other->dim != train->dim)
        return ebm_fail(err, EBM_EDATA, "rows have %zu columns, the training data %zu",
                        other->dim - other->label_columns, train->dim - train->label_columns);
    if (train->standard_shift) standardize_rows(train, other);
    return EBM_OK;
}
