/* dbm_exact.c — the DBM's exact log Z and free energy: enumerate the odd or
 * the even layers (whichever have fewer states; v and y held fixed for the
 * free energy) and sum the others out in closed form, in double, blocks of
 * states through GEMM. One-hot labels count K states, enumerated with their
 * parity or summed out by a log-sum-exp over the K classes. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbm.h"

enum { STATES_PER_BLOCK = 1024 };

/* Units in the layers of one parity (0: v, h2, …; 1: h1, h3, …). */
static size_t parity_units(const ebm_dbm *m, int parity) {
    size_t total = 0;
    for (int l = parity; l <= m->n_hidden_layers; l += 2) total += m->size[l];
    return total;
}

/* The labels' parity: that of x_{L−1}, the layers x_L's other neighbours. */
static int label_parity(const ebm_dbm *m) { return (m->n_hidden_layers + 1) % 2; }

/* ceil(log2 K): the bits K label states count as. */
static size_t label_bits(const ebm_dbm *m) {
    size_t bits = 0;
    while (((size_t)1 << bits) < m->n_labels) bits++;
    return bits;
}

/* "784-500-1000" into buf. */
static const char *describe_sizes(const ebm_dbm *m, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    for (int l = 0; l <= m->n_hidden_layers && used < size; l++)
        used += (size_t)snprintf(buf + used, size - used, "%s%zu", l ? "-" : "", m->size[l]);
    return buf;
}

typedef struct exact_buffers {
    double *W[EBM_DBM_MAX_HIDDEN + 1];   /* the weights in double */
    double *U;                           /* the label weights in double */
    double *states;                      /* rows × units, enumerated layers set */
    double *input;                       /* rows × widest summed-out layer */
    double *label_input;                 /* rows × K */
    double *terms;                       /* rows */
    /* With v given and the odd layers summed (parity 0), what v alone
     * contributes, the same for every enumerated state: h1's input b_1 +
     * W_1ᵀv, and v's term b_0ᵀv. NULL / unused otherwise. */
    double *v_input;                     /* size[1] */
    double v_term;
} exact_buffers;

/* How the labels enter a sum: held in the states (the data's, or the
 * enumerated class), or summed out over the K classes. */
enum { LABELS_NONE, LABELS_IN_STATES, LABELS_SUMMED };

static void free_buffers(exact_buffers *b) {
    for (int l = 0; l <= EBM_DBM_MAX_HIDDEN; l++) free(b->W[l]);
    free(b->U);
    free(b->label_input);
    free(b->states);
    free(b->input);
    free(b->terms);
    free(b->v_input);
}

/* log Σ over the summed layers of exp(−E), for every enumerated state of a
 * block: Σ_{l enumerated} b_lᵀx_l + Σ_{l summed} Σ_i softplus(input_{l,i}).
 * With v_fixed (parity 1: the odd layers enumerated, v held at its rows'
 * values, the even hidden layers summed), v is not summed: its term is
 * vᵀ(b + W_1 h_1) instead of the softplus. Labels in the states add b_yᵀy
 * (and yᵀU x_L when x_L is enumerated, else x_L's input holds yU); summed
 * labels add log Σ_c exp(b_y,c + U_c x_L). */
static void block_terms(const ebm_dbm *m, int parity, int v_fixed, int labels,
                        const exact_buffers *b, size_t rows) {
    size_t units = m->units, k = m->n_labels;
    int L = m->n_hidden_layers;
    for (size_t r = 0; r < rows; r++) b->terms[r] = 0;
    if (labels != LABELS_NONE) {
        size_t top = m->size[L];
        for (size_t r = 0; r < rows; r++) {
            double *z = b->label_input + r * k;
            for (size_t c = 0; c < k; c++) z[c] = m->label_bias[c];
        }
        /* z = b_y + U x_L, meaningful when x_L is enumerated */
        if (L % 2 == parity)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)k, (int)top,
                        1.0, b->states + m->offset[L], (int)units, b->U, (int)top, 1.0,
                        b->label_input, (int)k);
        for (size_t r = 0; r < rows; r++) {
            const double *z = b->label_input + r * k;
            const double *y = b->states + r * units + m->label_offset;
            if (labels == LABELS_SUMMED) {
                b->terms[r] += ebm_dbm_log_sum_exp(z, k);
                continue;
            }
            for (size_t c = 0; c < k; c++)
                b->terms[r] += y[c] * (L % 2 == parity ? z[c] : m->label_bias[c]);
        }
    }
    for (int l = parity; l <= L; l += 2)
        for (size_t r = 0; r < rows; r++) {
            if (l == 0 && b->v_input) {
                b->terms[r] += b->v_term;
                continue;
            }
            const double *x = b->states + r * units + m->offset[l];
            for (size_t i = 0; i < m->size[l]; i++) b->terms[r] += m->bias[l][i] * x[i];
        }
    for (int l = 1 - parity; l <= L; l += 2) {
        size_t width = m->size[l];
        int v_given = l == 1 && b->v_input;
        for (size_t r = 0; r < rows; r++)
            for (size_t i = 0; i < width; i++)
                b->input[r * width + i] = v_given ? b->v_input[i] : m->bias[l][i];
        if (l > 0 && !v_given)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)width,
                        (int)m->size[l - 1], 1.0, b->states + m->offset[l - 1], (int)units,
                        b->W[l], (int)width, 1.0, b->input, (int)width);
        if (l < L)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)width,
                        (int)m->size[l + 1], 1.0, b->states + m->offset[l + 1], (int)units,
                        b->W[l + 1], (int)m->size[l + 1], 1.0, b->input, (int)width);
        else if (labels == LABELS_IN_STATES)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)width,
                        (int)k, 1.0, b->states + m->label_offset, (int)units, b->U,
                        (int)width, 1.0, b->input, (int)width);
        int fixed = l == 0 && v_fixed;
        for (size_t r = 0; r < rows; r++) {
            const double *x = b->states + r * units + m->offset[l];
            for (size_t i = 0; i < width; i++)
                b->terms[r] += fixed ? x[i] * b->input[r * width + i]
                                     : ebm_softplus(b->input[r * width + i]);
        }
    }
}

static int alloc_buffers(const ebm_dbm *m, int parity, size_t block, exact_buffers *b,
                         ebm_error *err) {
    size_t widest = 1;
    for (int l = 1 - parity; l <= m->n_hidden_layers; l += 2)
        if (m->size[l] > widest) widest = m->size[l];
    memset(b, 0, sizeof *b);
    int ok = 1;
    for (int l = 1; l <= m->n_hidden_layers; l++) {
        size_t count = m->size[l - 1] * m->size[l];
        b->W[l] = malloc(count * sizeof *b->W[l]);
        ok &= b->W[l] != NULL;
        for (size_t k = 0; ok && k < count; k++) b->W[l][k] = m->W[l][k];
    }
    size_t n_u = m->n_labels * m->size[m->n_hidden_layers];
    if (m->n_labels) {
        b->U = malloc(n_u * sizeof *b->U);
        b->label_input = malloc(block * m->n_labels * sizeof *b->label_input);
        ok &= b->U != NULL && b->label_input != NULL;
        for (size_t k = 0; ok && k < n_u; k++) b->U[k] = m->U[k];
    }
    b->states = calloc(block * m->units, sizeof *b->states);
    b->input = malloc(block * widest * sizeof *b->input);
    b->terms = malloc(block * sizeof *b->terms);
    if (!ok || !b->states || !b->input || !b->terms) {
        free_buffers(b);
        return ebm_fail(err, EBM_ENOMEM, "dbm: exact sum buffers (%zu x %zu)", block,
                        m->units);
    }
    return EBM_OK;
}

/* The labels' role in a sum over the parity's layers (v given or not). */
static int labels_mode(const ebm_dbm *m, int parity, int v_given) {
    if (!m->n_labels) return LABELS_NONE;
    if (v_given || label_parity(m) == parity) return LABELS_IN_STATES;
    return LABELS_SUMMED;
}

/* log Σ exp(terms) over every code of the enumerated layers (those of the
 * parity, v excepted when v is given: then every state holds v and y), and
 * of the K classes when the labels are enumerated: code = bits·K + class. */
static double log_sum_codes(const ebm_dbm *m, int parity, const float *v, size_t n_enum,
                            exact_buffers *b, size_t block) {
    int labels = labels_mode(m, parity, v != NULL);
    uint64_t classes = labels == LABELS_IN_STATES && !v ? m->n_labels : 1;
    uint64_t total = ((uint64_t)1 << n_enum) * classes;
    size_t data = m->size[0] + m->n_labels;
    if (v)
        for (size_t r = 0; r < block; r++)
            for (size_t i = 0; i < data; i++) b->states[r * m->units + i] = v[i];
    if (b->v_input) {
        /* the states' first row holds v: its contributions once, not per state */
        size_t width = m->size[1];
        for (size_t i = 0; i < width; i++) b->v_input[i] = m->bias[1][i];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, (int)width,
                    (int)m->size[0], 1.0, b->states, (int)m->units, b->W[1], (int)width, 1.0,
                    b->v_input, (int)width);
        b->v_term = 0;
        for (size_t i = 0; i < m->size[0]; i++) b->v_term += m->bias[0][i] * b->states[i];
    }
    /* kept relative to the largest term seen so far */
    double top = -INFINITY, sum = 0;
    for (uint64_t first = 0; first < total; first += block) {
        size_t rows = total - first < block ? (size_t)(total - first) : block;
        for (size_t r = 0; r < rows; r++) {
            uint64_t code = (first + r) / classes;
            if (classes > 1) {
                double *y = b->states + r * m->units + m->label_offset;
                for (size_t c = 0; c < m->n_labels; c++)
                    y[c] = (uint64_t)c == (first + r) % classes ? 1.0 : 0.0;
            }
            int bit = 0;
            for (int l = parity; l <= m->n_hidden_layers; l += 2) {
                if (l == 0 && v) continue;
                for (size_t i = 0; i < m->size[l]; i++, bit++)
                    b->states[r * m->units + m->offset[l] + i] = (double)((code >> bit) & 1);
            }
        }
        block_terms(m, parity, v && parity == 1, labels, b, rows);
        double block_top = -INFINITY;
        for (size_t r = 0; r < rows; r++) block_top = fmax(block_top, b->terms[r]);
        if (block_top > top) {
            sum *= exp(top - block_top);
            top = block_top;
        }
        for (size_t r = 0; r < rows; r++) sum += exp(b->terms[r] - top);
    }
    return top + log(sum);
}

static size_t block_for(size_t n_bits) {
    uint64_t total = (uint64_t)1 << n_bits;
    return total < STATES_PER_BLOCK ? (size_t)total : STATES_PER_BLOCK;
}

int ebm_dbm_log_z(ebm_dbm *m, int max_bits, double *log_z, ebm_error *err) {
    size_t odd = parity_units(m, 1), even = parity_units(m, 0);
    /* the labels' K states count ceil(log2 K) bits on their parity's side */
    size_t odd_bits = odd + (label_parity(m) == 1 ? label_bits(m) : 0);
    size_t even_bits = even + (label_parity(m) == 0 ? label_bits(m) : 0);
    int parity = odd_bits <= even_bits;
    size_t n_enum = parity ? odd : even, n_bits = parity ? odd_bits : even_bits;
    if (max_bits < 0 || n_bits > (size_t)max_bits || n_bits > 62) {
        char sizes[128];
        return ebm_fail(err, EBM_ELIMIT,
                        "dbm: exact log Z enumerates the %s layers, 2^%zu states (layers "
                        "%s%s; odd layers %zu units, even layers %zu); the limit is 2^%d",
                        parity ? "odd (h1, h3, ...)" : "even (v, h2, ...)", n_bits,
                        describe_sizes(m, sizes, sizeof sizes),
                        m->n_labels ? ", with labels" : "", odd, even, max_bits);
    }
    size_t block = block_for(n_bits);
    exact_buffers b;
    int rc = alloc_buffers(m, parity, block, &b, err);
    if (rc) return rc;
    *log_z = log_sum_codes(m, parity, NULL, n_enum, &b, block);
    free_buffers(&b);
    return EBM_OK;
}

int ebm_dbm_log_partition(void *model, int max_bits, double *log_z, ebm_error *err) {
    return ebm_dbm_log_z(model, max_bits, log_z, err);
}

int ebm_dbm_free_energy(ebm_dbm *m, const float *states, size_t n, int max_bits,
                        double *free_energy, ebm_error *err) {
    size_t odd = parity_units(m, 1), even_hidden = parity_units(m, 0) - m->size[0];
    int parity = even_hidden <= odd ? 0 : 1;
    size_t n_enum = parity ? odd : even_hidden;
    if (max_bits < 0 || n_enum > (size_t)max_bits || n_enum > 62) {
        char sizes[128];
        return ebm_fail(err, EBM_ELIMIT,
                        "dbm: the exact free energy enumerates, for every row, the %s "
                        "hidden layers, 2^%zu states (layers %s); the limit is 2^%d",
                        parity ? "odd (h1, h3, ...)" : "even (h2, h4, ...)", n_enum,
                        describe_sizes(m, sizes, sizeof sizes), max_bits);
    }
    if (n == 0) return EBM_OK;
    size_t block = block_for(n_enum);
    exact_buffers b;
    int rc = alloc_buffers(m, parity, block, &b, err);
    if (rc) return rc;
    if (parity == 0 && !(b.v_input = malloc(m->size[1] * sizeof *b.v_input))) {
        free_buffers(&b);
        return ebm_fail(err, EBM_ENOMEM, "dbm: exact sum buffers (%zu)", m->size[1]);
    }
    for (size_t r = 0; r < n; r++)
        free_energy[r] = -log_sum_codes(m, parity, states + r * m->units, n_enum, &b, block);
    free_buffers(&b);
    return EBM_OK;
}

int ebm_dbm_free_energy_op(void *model, const float *states, size_t n,
                           double *free_energy, ebm_error *err) {
    return ebm_dbm_free_energy(model, states, n, EBM_DBM_FREE_ENERGY_MAX_BITS, free_energy,
                               err);
}
