/* dbm_exact.c — the DBM's exact log Z and free energy: enumerate the odd or
 * the even layers (whichever have fewer units; v held fixed for the free
 * energy) and sum the others out in closed form, in double, blocks of states
 * through GEMM. */
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
    double *states;                      /* rows × units, enumerated layers set */
    double *input;                       /* rows × widest summed-out layer */
    double *terms;                       /* rows */
} exact_buffers;

static void free_buffers(exact_buffers *b) {
    for (int l = 0; l <= EBM_DBM_MAX_HIDDEN; l++) free(b->W[l]);
    free(b->states);
    free(b->input);
    free(b->terms);
}

/* log Σ over the summed layers of exp(−E), for every enumerated state of a
 * block: Σ_{l enumerated} b_lᵀx_l + Σ_{l summed} Σ_i softplus(input_{l,i}).
 * With v_fixed (parity 1: the odd layers enumerated, v held at its rows'
 * values, the even hidden layers summed), v is not summed: its term is
 * vᵀ(b + W_1 h_1) instead of the softplus. */
static void block_terms(const ebm_dbm *m, int parity, int v_fixed, const exact_buffers *b,
                        size_t rows) {
    size_t units = m->units;
    int L = m->n_hidden_layers;
    for (size_t r = 0; r < rows; r++) b->terms[r] = 0;
    for (int l = parity; l <= L; l += 2)
        for (size_t r = 0; r < rows; r++) {
            const double *x = b->states + r * units + m->offset[l];
            for (size_t i = 0; i < m->size[l]; i++) b->terms[r] += m->bias[l][i] * x[i];
        }
    for (int l = 1 - parity; l <= L; l += 2) {
        size_t width = m->size[l];
        for (size_t r = 0; r < rows; r++)
            for (size_t i = 0; i < width; i++) b->input[r * width + i] = m->bias[l][i];
        if (l > 0)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)width,
                        (int)m->size[l - 1], 1.0, b->states + m->offset[l - 1], (int)units,
                        b->W[l], (int)width, 1.0, b->input, (int)width);
        if (l < L)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)width,
                        (int)m->size[l + 1], 1.0, b->states + m->offset[l + 1], (int)units,
                        b->W[l + 1], (int)m->size[l + 1], 1.0, b->input, (int)width);
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

/* log Σ exp(terms) over every code of the enumerated layers (those of the
 * parity, v excepted when v is given: then every state holds v). */
static double log_sum_codes(const ebm_dbm *m, int parity, const float *v, size_t n_enum,
                            const exact_buffers *b, size_t block) {
    uint64_t total = (uint64_t)1 << n_enum;
    if (v)
        for (size_t r = 0; r < block; r++)
            for (size_t i = 0; i < m->size[0]; i++) b->states[r * m->units + i] = v[i];
    /* kept relative to the largest term seen so far */
    double top = -INFINITY, sum = 0;
    for (uint64_t first = 0; first < total; first += block) {
        size_t rows = total - first < block ? (size_t)(total - first) : block;
        for (size_t r = 0; r < rows; r++) {
            uint64_t code = first + r;
            int bit = 0;
            for (int l = parity; l <= m->n_hidden_layers; l += 2) {
                if (l == 0 && v) continue;
                for (size_t i = 0; i < m->size[l]; i++, bit++)
                    b->states[r * m->units + m->offset[l] + i] = (double)((code >> bit) & 1);
            }
        }
        block_terms(m, parity, v && parity == 1, b, rows);
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

static size_t block_for(size_t n_enum) {
    uint64_t total = (uint64_t)1 << n_enum;
    return total < STATES_PER_BLOCK ? (size_t)total : STATES_PER_BLOCK;
}

int ebm_dbm_log_z(ebm_dbm *m, int max_bits, double *log_z, ebm_error *err) {
    size_t odd = parity_units(m, 1), even = parity_units(m, 0);
    int parity = odd <= even;
    size_t n_enum = parity ? odd : even;
    if (max_bits < 0 || n_enum > (size_t)max_bits || n_enum > 62) {
        char sizes[128];
        return ebm_fail(err, EBM_ELIMIT,
                        "dbm: exact log Z enumerates the %s layers, 2^%zu states (layers "
                        "%s; odd layers %zu units, even layers %zu); the limit is 2^%d",
                        parity ? "odd (h1, h3, ...)" : "even (v, h2, ...)", n_enum,
                        describe_sizes(m, sizes, sizeof sizes), odd, even, max_bits);
    }
    size_t block = block_for(n_enum);
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
