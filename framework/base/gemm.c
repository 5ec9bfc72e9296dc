/* gemm.c — deterministic parallel sgemm over OpenBLAS (see gemm.h): blocks
 * of BLOCK columns of C (or rows, when C is narrow), tall C cut into two row
 * parts as well, one single-threaded cblas_sgemm each, shared among OpenMP
 * threads. */
#include "gemm.h"

#include <cblas.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Wide enough that the repacking of op(A) for every block costs little
 * against the block's arithmetic, narrow enough that 784 or 500 columns give
 * work to two or four threads. */
#define BLOCK 128

/* A tall C (a weight gradient, 784 × 500) is also cut into two parts of
 * rows, so that each thread writes the same rows of it that the element-wise
 * loops over the tensor (zeroing, the optimiser, which give thread t the t-th
 * contiguous range) read and write. Without the cut every column block spans
 * all rows and the tensor moves between the cores' caches at each step: on a
 * 2-core machine whose cores share little cache that made the gradient phases
 * of an RBM step two to three times slower. The cut falls on a multiple of
 * ROW_QUANTUM rows. OpenBLAS's Haswell kernel computes C's rows in tiles of
 * 12, and an entry's rounding depends on its place in its tile: cut at a
 * multiple of 12, every entry has the same bits as uncut (measured on
 * 784 × 256, 784 × 500 and 500 × 1000), cut elsewhere thousands differ. 48 is
 * also a multiple of the 4, 8 and 16 of other kernels. Like the blocks, the
 * cut depends on the shape only, so with any kernel the bits do not depend
 * on the thread count. */
#define ROW_PARTS 2
#define ROW_QUANTUM 48

/* openblas_set_num_threads changes a process-wide setting of the library;
 * doing it once, before any product, is the whole of ebm's say in it. */
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static void hold_blas_to_one_thread(void) { openblas_set_num_threads(1); }

void ebm_threads_set(int n) {
    pthread_once(&blas_once, hold_blas_to_one_thread);
    if (n > 0) omp_set_num_threads(n);
}

int ebm_threads(void) { return omp_get_max_threads(); }

/* ebm_sgemm and ebm_sgemm_bias: with a bias, each block first fills its own
 * part of C with the bias row, so the fill runs on the block's thread and
 * leaves that part in its cache for the product. */
static void blocked_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                          float alpha, const float *a, size_t lda, const float *b,
                          size_t ldb, const float *bias, float beta, float *c,
                          size_t ldc) {
    pthread_once(&blas_once, hold_blas_to_one_thread);
    if (m == 0 || n == 0) return;
    enum CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
    enum CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
    int by_columns = n >= m || n >= 2 * BLOCK;
    size_t extent = by_columns ? n : m;
    /* An even number of equal blocks, so two or four threads get the same
     * work: 784 columns are 8 blocks of 98, 256 are 2 of 128. */
    size_t blocks = (extent + BLOCK - 1) / BLOCK;
    if (blocks > 1) blocks += blocks % 2;
    size_t step = (extent + blocks - 1) / blocks;
    size_t row_parts = by_columns && m >= 2 * BLOCK ? ROW_PARTS : 1;
    size_t part_rows = row_parts > 1 ? m / row_parts / ROW_QUANTUM * ROW_QUANTUM : m;
    /* Tasks run part by part, so with two threads thread t has part t. */
    size_t tasks = row_parts * blocks;
    #pragma omp parallel for schedule(static) if (tasks > 1)
    for (size_t task = 0; task < tasks; task++) {
        size_t blk = task % blocks, part = task / blocks;
        size_t start = blk * step;
        if (start >= extent) continue;
        size_t width = extent - start < step ? extent - start : step;
        size_t first_row = by_columns ? part * part_rows : start;
        size_t rows = !by_columns ? width : part + 1 < row_parts ? part_rows
                                                                 : m - first_row;
        size_t cols = by_columns ? width : n, first_col = by_columns ? start : 0;
        float *c_part = c + first_row * ldc + first_col;
        if (bias) {
            for (size_t r = 0; r < rows; r++)
                memcpy(c_part + r * ldc, bias + first_col, cols * sizeof *c_part);
        }
        if (k == 0 && bias) continue;
        /* Rows first_row.. of C need rows first_row.. of op(A); columns
         * first_col.. of C need columns first_col.. of op(B). */
        const float *a_part = trans_a ? a + first_row : a + first_row * lda;
        const float *b_part = trans_b ? b + first_col * ldb : b + first_col;
        cblas_sgemm(CblasRowMajor, ta, tb, (int)rows, (int)cols, (int)k, alpha, a_part,
                    (int)lda, b_part, (int)ldb, beta, c_part, (int)ldc);
    }
}

void ebm_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
               float alpha, const float *a, size_t lda, const float *b,
               size_t ldb, float beta, float *c, size_t ldc) {
    blocked_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, NULL, beta, c, ldc);
}

void ebm_sgemm_bias(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                    float alpha, const float *a, size_t lda, const float *b,
                    size_t ldb, const float *bias, float *c, size_t ldc) {
    blocked_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, bias, 1.0f, c, ldc);
}

float *ebm_scratch_grow(float **buf, size_t *size, size_t floats) {
    if (floats <= *size) return *buf;
    float *grown = realloc(*buf, floats * sizeof *grown);
    if (!grown) return NULL;
    *buf = grown;
    *size = floats;
    return grown;
}
