/* rbm_block.c — the RBM's block operations (rbm.h): layer inputs by GEMM,
 * layer sampling with one random stream per row, and the free energy. Row
 * loops are shared among OpenMP threads; every row's result depends only on
 * that row (its own stream), so the thread count never changes a bit. */
#include "rbm.h"

#include "fastmath.h"
#include "gemm.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

int ebm_rbm_init(ebm_rbm *m, size_t n_visible, size_t n_hidden, int gaussian,
                 ebm_error *err) {
    memset(m, 0, sizeof *m);
    m->n_visible = n_visible;
    m->n_hidden = n_hidden;
    m->gaussian = gaussian;
    m->W = calloc(n_visible * n_hidden, sizeof *m->W);
    m->b = calloc(n_visible, sizeof *m->b);
    m->c = calloc(n_hidden, sizeof *m->c);
    m->data_mask = calloc(n_visible + n_hidden, 1);
    if (!m->W || !m->b || !m->c || !m->data_mask) {
        ebm_rbm_free(m);
        return ebm_fail(err, EBM_ENOMEM, "rbm: %zu x %zu weights", n_visible, n_hidden);
    }
    memset(m->data_mask, 1, n_visible);
    m->hidden_input_scale = m->visible_input_scale = 1.0f;
    return EBM_OK;
}

void ebm_rbm_free(ebm_rbm *m) {
    free(m->W);
    free(m->b);
    free(m->c);
    free(m->data_mask);
    free(m->scratch);
    memset(m, 0, sizeof *m);
}

float *ebm_rbm_scratch(ebm_rbm *m, size_t floats) {
    return ebm_scratch_grow(&m->scratch, &m->scratch_size, floats);
}

/* out rows ← bias + scale · x · op(W). */
static void affine(const float *x, size_t ldx, size_t n, const float *W,
                   int transpose, size_t in_width, size_t out_width, float scale,
                   const float *bias, float *out, size_t ldo) {
    /* W is n_visible × n_hidden: x·W when x is visible, x·Wᵀ when hidden. */
    ebm_sgemm_bias(0, transpose, n, out_width, in_width, scale, x, ldx, W,
                   transpose ? in_width : out_width, bias, out, ldo);
}

void ebm_rbm_hidden_input(const ebm_rbm *m, const float *v, size_t ldv,
                          size_t n, float *out, size_t ldo) {
    affine(v, ldv, n, m->W, 0, m->n_visible, m->n_hidden, m->hidden_input_scale, m->c,
           out, ldo);
}

void ebm_rbm_visible_input(const ebm_rbm *m, const float *h, size_t ldh,
                           size_t n, float *out, size_t ldo) {
    affine(h, ldh, n, m->W, 1, m->n_hidden, m->n_visible, m->visible_input_scale, m->b,
           out, ldo);
}

static EBM_HOT_LOOP void sigmoid_row(float *restrict row, size_t width, float beta) {
    for (size_t i = 0; i < width; i++) row[i] = 1.0f / (1.0f + ebm_fast_expf(-beta * row[i]));
}

/* u < σ(βx)  ⇔  u (1 + e^{−βx}) < 1: one exp and no division. */
static EBM_HOT_LOOP void bernoulli_draws(const float *restrict x, const float *restrict u,
                                          float *restrict y, size_t len, float beta) {
    for (size_t i = 0; i < len; i++)
        y[i] = u[i] * (1.0f + ebm_fast_expf(-beta * x[i])) < 1.0f ? 1.0f : 0.0f;
}

void ebm_rbm_sigmoid(float *x, size_t n, size_t width, size_t ld, float beta) {
    #pragma omp parallel for schedule(static) if (n * width > EBM_PARALLEL_MIN)
    for (size_t r = 0; r < n; r++) sigmoid_row(x + r * ld, width, beta);
}

/* Rows [lo, hi) split among the threads in contiguous ranges, as
 * schedule(static) splits them: the range of thread t of T. */
static void my_rows(size_t n, size_t *lo, size_t *hi) {
    size_t threads = (size_t)omp_get_num_threads(), me = (size_t)omp_get_thread_num();
    *lo = n * me / threads;
    *hi = n * (me + 1) / threads;
}

/* Rows r0 .. r0 + lanes − 1 of a Bernoulli layer: their uniforms drawn side
 * by side (ebm_rng_fill_uniformf_lanes), chunk by chunk, then each row's
 * draws: from inputs at inverse temperature beta (units with keep[i] left
 * alone), or, with `probabilities`, y = [u < x] from probabilities x. */
static void bernoulli_rows(const float *in, size_t ld_in, float *out, size_t ld_out,
                           size_t r0, size_t lanes, size_t width, float beta,
                           ebm_rng *rngs, const unsigned char *keep, int probabilities) {
    enum { CHUNK = 256 };
    float u[EBM_RNG_LANES][CHUNK];
    for (size_t start = 0; start < width; start += CHUNK) {
        size_t len = width - start < CHUNK ? width - start : CHUNK;
        ebm_rng_fill_uniformf_lanes(&rngs[r0], lanes, u[0], CHUNK, len);
        for (size_t l = 0; l < lanes; l++) {
            const float *xs = in + (r0 + l) * ld_in + start;
            float *ys = out + (r0 + l) * ld_out + start;
            if (probabilities) {
                for (size_t i = 0; i < len; i++) ys[i] = u[l][i] < xs[i] ? 1.0f : 0.0f;
            } else if (!keep) {
                bernoulli_draws(xs, u[l], ys, len, beta);
            } else {
                const unsigned char *ks = keep + start;
                for (size_t i = 0; i < len; i++)
                    if (!ks[i])
                        ys[i] = u[l][i] * (1.0f + expf(-beta * xs[i])) < 1.0f ? 1.0f : 0.0f;
            }
        }
    }
}

void ebm_rbm_sample_layer(const float *in, size_t ld_in, float *out,
                          size_t ld_out, size_t n, size_t width, int gaussian,
                          float beta, ebm_rng *rngs, const unsigned char *keep) {
    float sd = gaussian ? 1.0f / sqrtf(beta) : 0.0f;
    #pragma omp parallel if (n * width > EBM_PARALLEL_MIN)
    {
        size_t lo, hi;
        my_rows(n, &lo, &hi);
        for (size_t r = lo; gaussian && r < hi; r++) {
            const float *x = in + r * ld_in;
            float *y = out + r * ld_out;
            for (size_t i = 0; i < width; i++)
                if (!keep || !keep[i]) y[i] = x[i] + sd * (float)ebm_rng_normal(&rngs[r]);
        }
        for (size_t r = lo; !gaussian && r < hi; r += EBM_RNG_LANES) {
            size_t lanes = hi - r < EBM_RNG_LANES ? hi - r : EBM_RNG_LANES;
            bernoulli_rows(in, ld_in, out, ld_out, r, lanes, width, beta, rngs, keep, 0);
        }
    }
}

void ebm_rbm_sigmoid_draw(float *x, size_t ld, float *out, size_t ld_out, size_t n,
                          size_t width, ebm_rng *rngs) {
    #pragma omp parallel if (n * width > EBM_PARALLEL_MIN)
    {
        size_t lo, hi;
        my_rows(n, &lo, &hi);
        for (size_t r0 = lo; r0 < hi; r0 += EBM_RNG_LANES) {
            size_t lanes = hi - r0 < EBM_RNG_LANES ? hi - r0 : EBM_RNG_LANES;
            for (size_t l = 0; l < lanes; l++) sigmoid_row(x + (r0 + l) * ld, width, 1.0f);
            bernoulli_rows(x, ld, out, ld_out, r0, lanes, width, 1.0f, rngs, NULL, 1);
        }
    }
}

/* Columns in chunks: each thread sums a band of columns down all the rows,
 * so every sum adds its rows in order, as one thread would. */
void ebm_rbm_add_column_sums(float *sums, const float *x, size_t ld, size_t n,
                             size_t width, float scale, const float *offset) {
    enum { BAND = 64 };
    size_t bands = (width + BAND - 1) / BAND;
    #pragma omp parallel for schedule(static) if (n * width > EBM_PARALLEL_MIN)
    for (size_t band = 0; band < bands; band++) {
        size_t lo = band * BAND, hi = lo + BAND < width ? lo + BAND : width;
        for (size_t r = 0; r < n; r++) {
            const float *row = x + r * ld;
            if (offset)
                for (size_t i = lo; i < hi; i++) sums[i] += scale * (row[i] - offset[i]);
            else
                for (size_t i = lo; i < hi; i++) sums[i] += scale * row[i];
        }
    }
}

double ebm_softplus(double x) {
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

int ebm_rbm_log_unnormalized(ebm_rbm *m, const float *v, size_t ldv, size_t n,
                             double beta, double *out, ebm_error *err) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    /* In blocks of rows so the scratch stays small for large n. */
    enum { BLOCK = 256 };
    float *in = ebm_rbm_scratch(m, (size_t)BLOCK * (nh ? nh : 1));
    if (!in) return ebm_fail(err, EBM_ENOMEM, "rbm: free-energy scratch");
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t rows = n - start < BLOCK ? n - start : BLOCK;
        ebm_rbm_hidden_input(m, v + start * ldv, ldv, rows, in, nh);
        #pragma omp parallel for schedule(static) if (rows * nh > EBM_PARALLEL_MIN)
        for (size_t r = 0; r < rows; r++) {
            const float *x = v + (start + r) * ldv;
            double visible = 0;
            for (size_t i = 0; i < nv; i++) {
                if (m->gaussian) {
                    double d = (double)x[i] - m->b[i];
                    visible -= 0.5 * d * d;
                } else {
                    visible += (double)m->b[i] * x[i];
                }
            }
            double hidden = 0;
            for (size_t j = 0; j < nh; j++) hidden += ebm_softplus(beta * in[r * nh + j]);
            out[start + r] = beta * visible + hidden;
        }
    }
    return EBM_OK;
}
