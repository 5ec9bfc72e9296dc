/* test_gemm.c — ebm_sgemm and ebm_sgemm_bias against a plain triple loop on
 * every way a product is cut (column blocks, row blocks, column blocks with
 * row parts; either operand transposed; with and without bias and beta), and
 * the same bits for 1, 2 and 3 threads. The exact comparisons use small
 * integers, whose products and sums floats hold exactly in any order, so a
 * block that reads the wrong rows or columns, or is never computed, shows. */
#include <string.h>

#include "gemm.h"
#include "rng.h"
#include "test.h"

typedef struct product {
    size_t m, n, k;
    int trans_a, trans_b, with_bias;
    float alpha, beta;
} product;

/* Shapes that reach each cut: a 784 × 256 weight gradient (two column blocks
 * times two row parts), a 500 × 1000 one (eight blocks, parts of 240 and
 * 260), a layer input (column blocks only), a narrow C (row blocks), and one
 * too small to cut. */
static const product products[] = {
    {784, 256, 100, 1, 0, 0, 0.01f, 1.0f}, {500, 1000, 50, 1, 0, 0, -0.5f, 1.0f},
    {600, 300, 20, 0, 1, 1, 1.0f, 1.0f},   {100, 500, 784, 0, 0, 1, 1.0f, 1.0f},
    {1000, 64, 30, 0, 1, 0, 2.0f, 0.5f},   {3, 5, 2, 1, 1, 0, 1.0f, 0.0f},
};

typedef struct operands {
    float *a, *b, *bias, *c0;
} operands;

/* Integers in [-3, 3], or uniform floats in [-1, 1) when !integers. */
static void fill(float *x, size_t len, ebm_rng *rng, int integers) {
    for (size_t i = 0; i < len; i++)
        x[i] = integers ? (float)ebm_rng_below(rng, 7) - 3.0f
                        : (float)(2.0 * ebm_rng_uniform(rng) - 1.0);
}

/* Every pointer NULL when an allocation failed. */
static operands make_operands(const product *p, ebm_rng *rng, int integers) {
    operands o = {malloc(p->m * p->k * sizeof(float)), malloc(p->k * p->n * sizeof(float)),
                  malloc(p->n * sizeof(float)), malloc(p->m * p->n * sizeof(float))};
    if (!o.a || !o.b || !o.bias || !o.c0) {
        free(o.a), free(o.b), free(o.bias), free(o.c0);
        return (operands){0};
    }
    fill(o.a, p->m * p->k, rng, integers);
    fill(o.b, p->k * p->n, rng, integers);
    fill(o.bias, p->n, rng, integers);
    fill(o.c0, p->m * p->n, rng, integers);
    return o;
}

static void free_operands(operands *o) {
    free(o->a);
    free(o->b);
    free(o->bias);
    free(o->c0);
}

/* op(A) is m × k: stored k × m when transposed. */
static float op_a(const product *p, const operands *o, size_t i, size_t l) {
    return p->trans_a ? o->a[l * p->m + i] : o->a[i * p->k + l];
}
static float op_b(const product *p, const operands *o, size_t l, size_t j) {
    return p->trans_b ? o->b[j * p->k + l] : o->b[l * p->n + j];
}

static void run_product(const product *p, const operands *o, float *c) {
    size_t lda = p->trans_a ? p->m : p->k, ldb = p->trans_b ? p->k : p->n;
    if (p->with_bias) {
        ebm_sgemm_bias(p->trans_a, p->trans_b, p->m, p->n, p->k, p->alpha, o->a, lda, o->b,
                       ldb, o->bias, c, p->n);
    } else {
        memcpy(c, o->c0, p->m * p->n * sizeof *c);
        ebm_sgemm(p->trans_a, p->trans_b, p->m, p->n, p->k, p->alpha, o->a, lda, o->b, ldb,
                  p->beta, c, p->n);
    }
}

TEST(every_cut_matches_the_triple_loop) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 7);
    for (size_t t = 0; t < sizeof products / sizeof products[0]; t++) {
        const product *p = &products[t];
        operands o = make_operands(p, &rng, 1);
        ASSERT(o.a);
        float *c = malloc(p->m * p->n * sizeof *c);
        ASSERT(c);
        run_product(p, &o, c);
        size_t wrong = 0;
        for (size_t i = 0; i < p->m; i++) {
            for (size_t j = 0; j < p->n; j++) {
                double sum = 0.0;
                for (size_t l = 0; l < p->k; l++) sum += (double)op_a(p, &o, i, l) * op_b(p, &o, l, j);
                /* With alpha a power of two (or 0.01 on sums it leaves
                 * within a float's rounding) the reference is exact. */
                double before = p->with_bias ? o.bias[j] : p->beta * o.c0[i * p->n + j];
                double want = before + (double)p->alpha * sum;
                double got = c[i * p->n + j];
                if (fabs(got - want) > 1e-6 * (1.0 + fabs(want))) wrong++;
            }
        }
        if (wrong) fprintf(stderr, "product %zu (%zu x %zu x %zu): %zu entries wrong\n", t, p->m,
                           p->n, p->k, wrong);
        ASSERT_EQ(wrong, 0);
        free(c);
        free_operands(&o);
    }
}

TEST(same_bits_for_any_thread_count) {
    ebm_rng rng;
    ebm_rng_seed(&rng, 11);
    for (size_t t = 0; t < sizeof products / sizeof products[0]; t++) {
        const product *p = &products[t];
        operands o = make_operands(p, &rng, 0);
        ASSERT(o.a);
        size_t len = p->m * p->n;
        float *one = malloc(len * sizeof *one), *many = malloc(len * sizeof *many);
        ASSERT(one && many);
        ebm_threads_set(1);
        run_product(p, &o, one);
        for (int threads = 2; threads <= 3; threads++) {
            ebm_threads_set(threads);
            run_product(p, &o, many);
            ASSERT(memcmp(one, many, len * sizeof *one) == 0);
        }
        free(one);
        free(many);
        free_operands(&o);
    }
}

int main(void) {
    RUN(every_cut_matches_the_triple_loop);
    RUN(same_bits_for_any_thread_count);
    TEST_MAIN_END();
}
