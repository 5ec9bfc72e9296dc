/* dbm_meanfield.c — the DBM's mean-field posterior over its hidden layers
 * (the positive phase of training and the variational bound on log p(v)):
 * fixed-point iterations, whole layers of every row through GEMM; label
 * units clamped as the states give them, or inferred as a categorical; and
 * class scores, the bound with the label clamped to each class. */
#include "dbm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"

static size_t widest_hidden(const ebm_dbm *m) {
    size_t width = m->n_labels;
    for (int l = 1; l <= m->n_hidden_layers; l++)
        if (m->size[l] > width) width = m->size[l];
    return width;
}

/* −μ log μ − (1 − μ) log(1 − μ), 0 at either end. */
static double bernoulli_entropy(double mu) {
    double h = 0;
    if (mu > 0) h -= mu * log(mu);
    if (mu < 1) h -= (1 - mu) * log1p(-mu);
    return h;
}

void ebm_dbm_bound(const ebm_dbm *m, const float *means, size_t n, double *bound) {
    size_t first_hidden = m->offset[1];
    #pragma omp parallel for schedule(static) if (n > 16)
    for (size_t r = 0; r < n; r++) {
        const float *x = means + r * m->units;
        double entropy = 0;
        for (size_t i = first_hidden; i < m->units; i++) entropy += bernoulli_entropy(x[i]);
        for (size_t c = 0; c < m->n_labels; c++) {   /* categorical q(y) */
            double p = x[m->label_offset + c];
            if (p > 0) entropy -= p * log(p);
        }
        bound[r] = -ebm_dbm_energy(m, x) + entropy;
    }
}

static double mean_bound(const ebm_dbm *m, const float *means, size_t n, double *per_row) {
    ebm_dbm_bound(m, means, n, per_row);
    double sum = 0;
    for (size_t r = 0; r < n; r++) sum += per_row[r];
    return n ? sum / (double)n : 0;
}

/* The starting means: one pass up, μ_l = σ(b_l + factor · μ_{l−1} W_l) with
 * factor 2 below the top layer (the input from above, not yet known, is
 * taken to equal the input from below). */
static void bottom_up(const ebm_dbm *m, float *means, size_t n, float *in) {
    int L = m->n_hidden_layers;
    for (int l = 1; l <= L; l++) {
        size_t width = m->size[l];
        for (size_t r = 0; r < n; r++) memcpy(in + r * width, m->bias[l], width * sizeof *in);
        ebm_sgemm(0, 0, n, width, m->size[l - 1], l < L ? 2.0f : 1.0f,
                  means + m->offset[l - 1], m->units, m->W[l], width, 1.0f, in, width);
        if (l == L && m->n_labels)   /* the labels (clamped or their start) */
            ebm_sgemm(0, 0, n, width, m->n_labels, 1.0f, means + m->label_offset, m->units,
                      m->U, width, 1.0f, in, width);
        ebm_rbm_sigmoid(in, n, width, width, 1.0f);
        for (size_t r = 0; r < n; r++)
            memcpy(means + r * m->units + m->offset[l], in + r * width, width * sizeof *in);
    }
}

/* One layer's update, μ_l ← damping·μ_l + (1 − damping)·σ(input); returns
 * the largest |σ(input) − μ_l| before it (how far the layer was from its
 * fixed-point equation, whatever the damping). `below` (layer 1 only, else
 * NULL) is b_1 + v W_1, the same at every iteration. */
static double update_layer(const ebm_dbm *m, int l, float *means, size_t n, float *in,
                           const float *below, double damping) {
    size_t width = m->size[l];
    if (below) {
        memcpy(in, below, n * width * sizeof *in);
        ebm_dbm_layer_input_above(m, l, means, n, in, width);
    } else {
        ebm_dbm_layer_input(m, l, means, n, in, width);
    }
    ebm_rbm_sigmoid(in, n, width, width, 1.0f);
    float keep = (float)damping, take = (float)(1.0 - damping);
    double residual = 0;
    /* rows on the threads; a maximum is the same in any order */
    #pragma omp parallel for schedule(static) reduction(max:residual) \
        if (n * width > EBM_PARALLEL_MIN)
    for (size_t r = 0; r < n; r++) {
        float *mu = means + r * m->units + m->offset[l];
        const float *target = in + r * width;
        for (size_t i = 0; i < width; i++) {
            residual = fmax(residual, fabs((double)target[i] - mu[i]));
            mu[i] = damping > 0 ? keep * mu[i] + take * target[i] : target[i];
        }
    }
    return residual;
}

/* The free labels' update, q(y) ← damping·q + (1 − damping)·softmax(b_y +
 * U μ_L); returns the largest change it asked for, as update_layer. */
static double update_labels(const ebm_dbm *m, float *means, size_t n, float *in,
                            double damping) {
    size_t k = m->n_labels;
    ebm_dbm_label_input(m, means, n, in, k);
    ebm_dbm_softmax(in, n, k, k, 1.0f);
    double residual = 0;
    for (size_t r = 0; r < n; r++) {
        float *q = means + r * m->units + m->label_offset;
        for (size_t c = 0; c < k; c++) {
            float target = in[r * k + c];
            residual = fmax(residual, fabs((double)target - q[c]));
            q[c] = (float)(damping * q[c] + (1.0 - damping) * target);
        }
    }
    return residual;
}

int ebm_dbm_infer(ebm_dbm *m, const float *states, size_t n,
                  const ebm_dbm_mean_field *how, float *means, double *bound_trace,
                  int *iterations, ebm_error *err) {
    int done = 0;
    if (iterations) *iterations = 0;
    if (n == 0) {
        if (bound_trace)
            for (int k = 0; k <= how->max_iterations; k++) bound_trace[k] = 0;
        return EBM_OK;
    }
    float *in = ebm_dbm_scratch(m, n * widest_hidden(m));
    double *per_row = bound_trace ? malloc(n * sizeof *per_row) : NULL;
    float *below = malloc(n * m->size[1] * sizeof *below);
    if (!in || !below || (bound_trace && !per_row)) {
        free(per_row);
        free(below);
        return ebm_fail(err, EBM_ENOMEM, "dbm: mean-field buffers for %zu rows", n);
    }
    /* v and y (clamped) or v alone (free labels start at softmax(b_y)) */
    int free_labels = m->n_labels && how->free_labels;
    size_t given = m->size[0] + (free_labels ? 0 : m->n_labels);
    for (size_t r = 0; r < n; r++) {
        float *x = means + r * m->units;
        memcpy(x, states + r * m->units, given * sizeof *means);
        memset(x + given, 0, (m->units - given) * sizeof *means);
        if (free_labels) memcpy(x + m->label_offset, m->label_bias, m->n_labels * sizeof *x);
    }
    if (free_labels)
        ebm_dbm_softmax(means + m->label_offset, n, m->n_labels, m->units, 1.0f);
    bottom_up(m, means, n, in);
    ebm_dbm_layer_input_below(m, 1, means, n, below, m->size[1]);
    if (bound_trace) bound_trace[0] = mean_bound(m, means, n, per_row);
    /* Odd hidden layers are independent given the even ones, so updating
     * them one after another is the same as all at once; then the even. */
    while (done < how->max_iterations) {
        double residual = 0;
        for (int parity = 1; parity >= 0; parity--) {
            for (int l = parity ? 1 : 2; l <= m->n_hidden_layers; l += 2)
                residual = fmax(residual, update_layer(m, l, means, n, in,
                                                       l == 1 ? below : NULL, how->damping));
            if (free_labels && parity != m->n_hidden_layers % 2)   /* with x_{L−1} */
                residual = fmax(residual, update_labels(m, means, n, in, how->damping));
        }
        done++;
        if (bound_trace) bound_trace[done] = mean_bound(m, means, n, per_row);
        if (residual < how->tolerance) break;
    }
    if (bound_trace)
        for (int k = done + 1; k <= how->max_iterations; k++) bound_trace[k] = bound_trace[done];
    if (iterations) *iterations = done;
    free(per_row);
    free(below);
    return EBM_OK;
}

int ebm_dbm_positive_grad(void *model, const float *states, size_t n, double scale,
                          ebm_tensor *grads, ebm_error *err) {
    ebm_dbm *m = model;
    if (n == 0) return EBM_OK;
    if (!ebm_scratch_grow(&m->means, &m->means_size, n * m->units))
        return ebm_fail(err, EBM_ENOMEM, "dbm: mean-field means for %zu rows", n);
    int iterations = 0;
    int rc = ebm_dbm_infer(m, states, n, &m->mean_field, m->means, NULL, &iterations, err);
    m->mean_field_iterations += iterations;
    if (!rc) ebm_dbm_energy_grad(m, m->means, n, scale, grads);
    return rc;
}

/* Class scores by mean field: the bound of each (row, class) with the label
 * clamped; they call the mean field, so they live beside it. */
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
