/* dbm_labels.c — the DBM's one-hot label units on its top layer: their
 * input and softmax draw (block Gibbs) and the data's label columns. (Class
 * scores by mean field are in dbm_meanfield.c.) */
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
