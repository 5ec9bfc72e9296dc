/* dbm_labels.c — the DBM's one-hot label units on its top layer: their
 * input and softmax draw (block Gibbs), the data's label columns, and class
 * scores from the mean-field bound with the label clamped to each class. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dbm.h"
#include "gemm.h"

void ebm_dbm_label_input(const ebm_dbm *m, const float *states, size_t n, float *out,
                         size_t ldo) {
    size_t k = m->n_labels, top = m->size[m->n_hidden_layers];
    for (size_t r = 0; r < n; r++) memcpy(out + r * ldo, m->label_bias, k * sizeof *out);
    if (n == 0 || k == 0) return;
    ebm_sgemm(0, 1, n, k, top, 1.0f, states + m->offset[m->n_hidden_layers], m->units,
              m->U, top, 1.0f, out, ldo);
}

void ebm_dbm_softmax(float *z, size_t n, size_t k, size_t ld, float beta) {
    for (size_t r = 0; r < n; r++) {
        float *x = z + r * ld, top = -INFINITY;
        for (size_t c = 0; c < k; c++) top = fmaxf(top, beta * x[c]);
        double sum = 0;
        for (size_t c = 0; c < k; c++) sum += (x[c] = expf(beta * x[c] - top));
        for (size_t c = 0; c < k; c++) x[c] = (float)(x[c] / sum);
    }
}

void ebm_dbm_sample_labels(const ebm_dbm *m, float *states, size_t n, float beta,
                           ebm_rng *rngs, float *in) {
    size_t k = m->n_labels;
    ebm_dbm_label_input(m, states, n, in, k);
    ebm_dbm_softmax(in, n, k, k, beta);
    for (size_t r = 0; r < n; r++) {
        const float *p = in + r * k;
        float *y = states + r * m->units + m->label_offset;
        double u = ebm_rng_uniform(&rngs[r]);
        size_t pick = k - 1;   /* what rounding leaves past the last class */
        for (size_t c = 0; c + 1 < k; c++) {
            if (u < p[c]) {
                pick = c;
                break;
            }
            u -= p[c];
        }
        for (size_t c = 0; c < k; c++) y[c] = c == pick ? 1.0f : 0.0f;
    }
}

double ebm_dbm_log_sum_exp(const double *z, size_t k) {
    double top = -INFINITY, sum = 0;
    for (size_t c = 0; c < k; c++) top = fmax(top, z[c]);
    if (!isfinite(top)) return top;
    for (size_t c = 0; c < k; c++) sum += exp(z[c] - top);
    return top + log(sum);
}

int ebm_dbm_check_label_columns(const ebm_dataset *d, size_t n_labels, const char *who,
                                ebm_error *err) {
    if (d->dim <= n_labels)
        return ebm_fail(err, EBM_ECONFIG, "%s: %zu label units, but data rows have only "
                        "%zu columns (set data.append_labels: true)", who, n_labels, d->dim);
    size_t first = d->dim - n_labels;
    for (size_t r = 0; r < d->n; r++) {
        const float *y = d->x + r * d->dim + first;
        size_t on = 0, off = 0;
        for (size_t c = 0; c < n_labels; c++) {
            on += y[c] == 1.0f;
            off += y[c] == 0.0f;
        }
        if (on != 1 || off != n_labels - 1)
            return ebm_fail(err, EBM_EDATA, "%s: row %zu has no one-hot label in its last "
                            "%zu columns (set data.append_labels: true)", who, r, n_labels);
    }
    return EBM_OK;
}

int ebm_dbm_mean_field_scores(ebm_dbm *m, const float *rows, size_t n, size_t ld,
                              double *scores, ebm_error *err) {
    size_t k = m->n_labels, n_visible = m->size[0];
    if (k == 0)
        return ebm_fail(err, EBM_EINVAL, "dbm: mean-field class scores need label units "
                        "(model.labels)");
    enum { ROWS_PER_BLOCK = 256 };
    size_t block = (n < ROWS_PER_BLOCK ? n : ROWS_PER_BLOCK) * k;
    float *states = calloc((block ? block : 1) * m->units, sizeof *states);
    float *means = malloc((block ? block : 1) * m->units * sizeof *means);
    double *bound = malloc((block ? block : 1) * sizeof *bound);
    int rc = states && means && bound
                 ? EBM_OK
                 : ebm_fail(err, EBM_ENOMEM, "dbm: class-score buffers for %zu rows", n);
    ebm_dbm_mean_field how = m->mean_field;
    how.free_labels = 0;
    for (size_t start = 0; !rc && start < n; start += ROWS_PER_BLOCK) {
        size_t rows_here = n - start < ROWS_PER_BLOCK ? n - start : ROWS_PER_BLOCK;
        /* one state per (row, class): v, then y = e_c */
        for (size_t r = 0; r < rows_here; r++)
            for (size_t c = 0; c < k; c++) {
                float *s = states + (r * k + c) * m->units;
                memcpy(s, rows + (start + r) * ld, n_visible * sizeof *s);
                for (size_t j = 0; j < k; j++) s[m->label_offset + j] = j == c ? 1.0f : 0.0f;
            }
        rc = ebm_dbm_infer(m, states, rows_here * k, &how, means, NULL, NULL, err);
        if (rc) break;
        ebm_dbm_bound(m, means, rows_here * k, bound);
        memcpy(scores + start * k, bound, rows_here * k * sizeof *scores);
    }
    free(states);
    free(means);
    free(bound);
    return rc;
}
