/* rbm_exact.c — the RBM's exact log Z: enumerate the smaller layer and sum
 * the other out in closed form, in double, blocks of states through GEMM. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "rbm.h"

enum { STATES_PER_BLOCK = 1024 };

/* A running log Σ exp(x) over blocks: the sum is kept relative to the
 * largest term seen so far, rescaled when a larger one arrives. */
typedef struct log_sum {
    double max, sum;
} log_sum;

static void log_sum_add(log_sum *acc, const double *x, size_t n) {
    double block_max = -INFINITY;
    for (size_t r = 0; r < n; r++) block_max = fmax(block_max, x[r]);
    if (block_max > acc->max) {
        acc->sum *= exp(acc->max - block_max);
        acc->max = block_max;
    }
    for (size_t r = 0; r < n; r++) acc->sum += exp(x[r] - acc->max);
}

/* What one layer's state contributes: the enumerated layer's states come in
 * as rows of 0/1 doubles, `input` (rows × n_other) is the other layer's
 * input from them, bias included. */
typedef struct layers {
    size_t n_enum, n_other;
    const float *enum_bias;     /* the enumerated layer's biases */
    const float *other_bias;    /* the summed-out layer's biases */
    int other_gaussian;         /* summed-out layer: unit-variance Gaussian */
    int transpose;              /* input = S·Wᵀ (enumerating hidden) or S·W */
} layers;

/* log Σ_{other} exp(−E) for every enumerated state of the block:
 *   Bernoulli other layer: aᵀs + Σ_i softplus(input_i)
 *   Gaussian visible:      aᵀs + ½‖input‖² − ½‖b‖² + (n/2) log 2π
 * (∫ exp(−½‖v − b‖² + vᵀWh) dv = (2π)^{n/2} exp(½‖b + Wh‖² − ½‖b‖²)). */
static void block_terms(const layers *L, const double *states, const double *input,
                        size_t rows, double gaussian_const, double *out) {
    for (size_t r = 0; r < rows; r++) {
        const double *s = states + r * L->n_enum, *in = input + r * L->n_other;
        double t = 0;
        for (size_t j = 0; j < L->n_enum; j++) t += L->enum_bias[j] * s[j];
        if (L->other_gaussian) {
            double sq = 0;
            for (size_t i = 0; i < L->n_other; i++) sq += in[i] * in[i];
            t += 0.5 * sq + gaussian_const;
        } else {
            for (size_t i = 0; i < L->n_other; i++) t += ebm_softplus(in[i]);
        }
        out[r] = t;
    }
}

static int enumerate_layer(const ebm_rbm *m, const layers *L, double *log_z,
                           ebm_error *err) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    uint64_t total = (uint64_t)1 << L->n_enum;
    size_t block = total < STATES_PER_BLOCK ? (size_t)total : STATES_PER_BLOCK;
    double *W = malloc(nv * nh * sizeof *W);
    double *states = malloc(block * (L->n_enum ? L->n_enum : 1) * sizeof *states);
    double *input = malloc(block * (L->n_other ? L->n_other : 1) * sizeof *input);
    double *terms = malloc(block * sizeof *terms);
    if (!W || !states || !input || !terms) {
        free(W);
        free(states);
        free(input);
        free(terms);
        return ebm_fail(err, EBM_ENOMEM, "rbm: exact log Z buffers (%zu x %zu)",
                        block, L->n_other);
    }
    for (size_t k = 0; k < nv * nh; k++) W[k] = m->W[k];
    double gaussian_const = 0;
    if (L->other_gaussian) {
        double b_sq = 0;
        for (size_t i = 0; i < L->n_other; i++)
            b_sq += (double)L->other_bias[i] * L->other_bias[i];
        gaussian_const = 0.5 * (double)L->n_other * log(2 * M_PI) - 0.5 * b_sq;
    }
    log_sum acc = {-INFINITY, 0};
    for (uint64_t first = 0; first < total; first += block) {
        size_t rows = total - first < block ? (size_t)(total - first) : block;
        for (size_t r = 0; r < rows; r++) {
            uint64_t code = first + r;
            for (size_t j = 0; j < L->n_enum; j++)
                states[r * L->n_enum + j] = (double)((code >> j) & 1);
            for (size_t i = 0; i < L->n_other; i++)
                input[r * L->n_other + i] = L->other_bias[i];
        }
        if (L->n_enum && L->n_other)
            cblas_dgemm(CblasRowMajor, CblasNoTrans,
                        L->transpose ? CblasTrans : CblasNoTrans, (int)rows,
                        (int)L->n_other, (int)L->n_enum, 1.0, states, (int)L->n_enum,
                        W, (int)nh, 1.0, input, (int)L->n_other);
        block_terms(L, states, input, rows, gaussian_const, terms);
        log_sum_add(&acc, terms, rows);
    }
    free(W);
    free(states);
    free(input);
    free(terms);
    *log_z = acc.max + log(acc.sum);
    return EBM_OK;
}

int ebm_rbm_log_z(ebm_rbm *m, int max_bits, double *log_z, ebm_error *err) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    int hidden_side = m->gaussian || nh <= nv;
    size_t n_enum = hidden_side ? nh : nv;
    if (max_bits < 0 || n_enum > (size_t)max_bits || n_enum > 62)
        return ebm_fail(err, EBM_ELIMIT,
                        "rbm: exact log Z enumerates the %s layer, 2^%zu states "
                        "(%zu visible, %zu hidden units%s); the limit is 2^%d",
                        hidden_side ? "hidden" : "visible", n_enum, nv, nh,
                        m->gaussian ? "; Gaussian visible units leave only the "
                                      "hidden layer to enumerate" : "",
                        max_bits);
    layers L;
    if (hidden_side)
        L = (layers){.n_enum = nh, .n_other = nv, .enum_bias = m->c,
                     .other_bias = m->b, .other_gaussian = m->gaussian,
                     .transpose = 1};
    else
        L = (layers){.n_enum = nv, .n_other = nh, .enum_bias = m->b,
                     .other_bias = m->c, .other_gaussian = 0, .transpose = 0};
    return enumerate_layer(m, &L, log_z, err);
}

int ebm_rbm_log_partition(void *model, int max_bits, double *log_z,
                          ebm_error *err) {
    return ebm_rbm_log_z(model, max_bits, log_z, err);
}
