/* dbm_block.c — the DBM's parameters and layer algebra (dbm.h): allocation,
 * the energy, each layer's input from its two neighbours (and the top one's
 * from the labels) by GEMM, the energy gradient by GEMM, and filling layers
 * from pretrained RBMs. */
#include "dbm.h"

#include <stdlib.h>
#include <string.h>

#include "gemm.h"

int ebm_dbm_init(ebm_dbm *m, const size_t *size, int n_hidden_layers,
                 ebm_error *err) {
    return ebm_dbm_init_labels(m, size, n_hidden_layers, 0, err);
}

int ebm_dbm_init_labels(ebm_dbm *m, const size_t *size, int n_hidden_layers,
                        size_t n_labels, ebm_error *err) {
    memset(m, 0, sizeof *m);
    if (n_hidden_layers < 1 || n_hidden_layers > EBM_DBM_MAX_HIDDEN)
        return ebm_fail(err, EBM_EINVAL, "dbm: %d hidden layers; 1 to %d are supported",
                        n_hidden_layers, EBM_DBM_MAX_HIDDEN);
    m->n_hidden_layers = n_hidden_layers;
    m->mean_field = (ebm_dbm_mean_field){.tolerance = 1e-4, .max_iterations = 50};
    for (int l = 0; l <= n_hidden_layers; l++) {
        if (size[l] == 0) return ebm_fail(err, EBM_EINVAL, "dbm: layer %d has no units", l);
        m->size[l] = size[l];
        m->offset[l] = m->units;
        m->units += size[l];
        if (l == 0) {   /* y right after v: both are data */
            m->n_labels = n_labels;
            m->label_offset = m->units;
            m->units += n_labels;
        }
    }
    int ok = 1;
    for (int l = 0; l <= n_hidden_layers; l++) {
        m->bias[l] = calloc(size[l], sizeof *m->bias[l]);
        if (l > 0) m->W[l] = calloc(size[l - 1] * size[l], sizeof *m->W[l]);
        ok &= m->bias[l] != NULL && (l == 0 || m->W[l] != NULL);
    }
    if (n_labels) {
        m->U = calloc(n_labels * size[n_hidden_layers], sizeof *m->U);
        m->label_bias = calloc(n_labels, sizeof *m->label_bias);
        ok &= m->U != NULL && m->label_bias != NULL;
    }
    m->data_mask = calloc(m->units, 1);
    if (!ok || !m->data_mask) {
        ebm_dbm_free(m);
        return ebm_fail(err, EBM_ENOMEM, "dbm: parameters of %zu units", m->units);
    }
    memset(m->data_mask, 1, size[0] + n_labels);
    return EBM_OK;
}

void ebm_dbm_free(ebm_dbm *m) {
    for (int l = 0; l <= EBM_DBM_MAX_HIDDEN; l++) {
        free(m->W[l]);
        free(m->bias[l]);
    }
    free(m->U);
    free(m->label_bias);
    free(m->data_mask);
    free(m->scratch);
    free(m->means);
    ebm_node_free(m->pretrain);
    memset(m, 0, sizeof *m);
}

float *ebm_dbm_scratch(ebm_dbm *m, size_t floats) {
    return ebm_scratch_grow(&m->scratch, &m->scratch_size, floats);
}

double ebm_dbm_energy(const ebm_dbm *m, const float *state) {
    double e = 0;
    for (int l = 0; l <= m->n_hidden_layers; l++) {
        const float *x = state + m->offset[l];
        for (size_t i = 0; i < m->size[l]; i++) e -= (double)m->bias[l][i] * x[i];
        if (l == 0) continue;
        /* x_{l−1}ᵀ W_l x_l, skipping the zero units below */
        const float *below = state + m->offset[l - 1];
        for (size_t i = 0; i < m->size[l - 1]; i++) {
            if (below[i] == 0.0f) continue;
            const float *w = m->W[l] + i * m->size[l];
            double wx = 0;
            for (size_t j = 0; j < m->size[l]; j++) wx += (double)w[j] * x[j];
            e -= below[i] * wx;
        }
    }
    /* −b_yᵀy − yᵀ U x_L */
    const float *y = state + m->label_offset, *top = state + m->offset[m->n_hidden_layers];
    size_t top_size = m->size[m->n_hidden_layers];
    for (size_t c = 0; c < m->n_labels; c++) {
        if (y[c] == 0.0f) continue;
        double uh = m->label_bias[c];
        for (size_t j = 0; j < top_size; j++) uh += (double)m->U[c * top_size + j] * top[j];
        e -= y[c] * uh;
    }
    return e;
}

void ebm_dbm_layer_input(const ebm_dbm *m, int l, const float *states, size_t n,
                         float *out, size_t ldo) {
    ebm_dbm_layer_input_below(m, l, states, n, out, ldo);
    ebm_dbm_layer_input_above(m, l, states, n, out, ldo);
}

void ebm_dbm_layer_input_below(const ebm_dbm *m, int l, const float *states, size_t n,
                               float *out, size_t ldo) {
    size_t width = m->size[l];
    for (size_t r = 0; r < n; r++) memcpy(out + r * ldo, m->bias[l], width * sizeof *out);
    if (n > 0 && l > 0)   /* from below: x_{l−1} W_l */
        ebm_sgemm(0, 0, n, width, m->size[l - 1], 1.0f, states + m->offset[l - 1],
                  m->units, m->W[l], width, 1.0f, out, ldo);
}

void ebm_dbm_layer_input_above(const ebm_dbm *m, int l, const float *states, size_t n,
                               float *out, size_t ldo) {
    size_t width = m->size[l];
    if (n == 0) return;
    if (l < m->n_hidden_layers)   /* from above: x_{l+1} W_{l+1}ᵀ */
        ebm_sgemm(0, 1, n, width, m->size[l + 1], 1.0f, states + m->offset[l + 1],
                  m->units, m->W[l + 1], m->size[l + 1], 1.0f, out, ldo);
    else if (m->n_labels)         /* the top layer from the labels: y U */
        ebm_sgemm(0, 0, n, width, m->n_labels, 1.0f, states + m->label_offset, m->units,
                  m->U, width, 1.0f, out, ldo);
}

/* ∂E/∂W_l = −x_{l−1} x_lᵀ and ∂E/∂b_l = −x_l; ∂E/∂U = −y x_Lᵀ, ∂E/∂b_y = −y. */
void ebm_dbm_energy_grad(const ebm_dbm *m, const float *states, size_t n,
                         double scale, ebm_tensor *grads) {
    if (n == 0) return;
    int L = m->n_hidden_layers;
    float s = (float)(-scale / (double)n);
    for (int l = 1; l <= L; l++)
        ebm_sgemm(1, 0, m->size[l - 1], m->size[l], n, s, states + m->offset[l - 1],
                  m->units, states + m->offset[l], m->units, 1.0f, grads[l - 1].data,
                  m->size[l]);
    for (int l = 0; l <= L; l++) {
        float *gb = grads[L + l].data;
        for (size_t r = 0; r < n; r++) {
            const float *x = states + r * m->units + m->offset[l];
            for (size_t i = 0; i < m->size[l]; i++) gb[i] += s * x[i];
        }
    }
    if (!m->n_labels) return;
    ebm_sgemm(1, 0, m->n_labels, m->size[L], n, s, states + m->label_offset, m->units,
              states + m->offset[L], m->units, 1.0f, grads[2 * L + 1].data, m->size[L]);
    float *gy = grads[2 * L + 2].data;
    for (size_t r = 0; r < n; r++) {
        const float *y = states + r * m->units + m->label_offset;
        for (size_t c = 0; c < m->n_labels; c++) gy[c] += s * y[c];
    }
}

int ebm_dbm_set_layer(ebm_dbm *m, int l, const ebm_rbm *rbm, double weight_scale,
                      double lower_share, double upper_share, ebm_error *err) {
    if (l < 1 || l > m->n_hidden_layers)
        return ebm_fail(err, EBM_EINVAL, "dbm: no weights between layers %d and %d "
                        "(the DBM has %d hidden layers)", l - 1, l, m->n_hidden_layers);
    if (rbm->gaussian)
        return ebm_fail(err, EBM_EINVAL, "dbm: layer %d: a Gaussian RBM cannot fill a "
                        "Bernoulli DBM", l);
    /* The top RBM of a DBM with labels sees [x_{L−1} | y]. */
    size_t labels = l == m->n_hidden_layers ? m->n_labels : 0;
    if (rbm->n_visible != m->size[l - 1] + labels || rbm->n_hidden != m->size[l])
        return ebm_fail(err, EBM_EINVAL, "dbm: layer %d is %zu%s x %zu units but the RBM "
                        "is %zu visible x %zu hidden", l, m->size[l - 1] + labels,
                        labels ? " (with labels)" : "", m->size[l], rbm->n_visible,
                        rbm->n_hidden);
    size_t below = m->size[l - 1] * m->size[l];
    for (size_t k = 0; k < below; k++) m->W[l][k] = (float)(weight_scale * rbm->W[k]);
    for (size_t k = 0; k < labels * m->size[l]; k++)
        m->U[k] = (float)(weight_scale * rbm->W[below + k]);
    for (size_t c = 0; c < labels; c++) m->label_bias[c] = rbm->b[m->size[l - 1] + c];
    for (size_t i = 0; i < m->size[l - 1]; i++)
        m->bias[l - 1][i] += (float)(lower_share * rbm->b[i]);
    for (size_t j = 0; j < m->size[l]; j++) m->bias[l][j] += (float)(upper_share * rbm->c[j]);
    return EBM_OK;
}

void ebm_dbm_zero_biases(ebm_dbm *m) {
    for (int l = 0; l <= m->n_hidden_layers; l++)
        memset(m->bias[l], 0, m->size[l] * sizeof *m->bias[l]);
    if (m->n_labels) memset(m->label_bias, 0, m->n_labels * sizeof *m->label_bias);
}
