/* gemm.c — deterministic parallel sgemm over OpenBLAS (see gemm.h): blocks
 * of BLOCK columns of C (or rows, when C is narrow), one single-threaded
 * cblas_sgemm each, shared among OpenMP threads. */
#include "gemm.h"

#include <cblas.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>

/* Wide enough that the repacking of op(A) for every block costs little
 * against the block's arithmetic, narrow enough that 784 or 500 columns give
 * work to two or four threads. */
#define BLOCK 128

/* openblas_set_num_threads changes a process-wide setting of the library;
 * doing it once, before any product, is the whole of ebm's say in it. */
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static void hold_blas_to_one_thread(void) { openblas_set_num_threads(1); }

void ebm_threads_set(int n) {
    pthread_once(&blas_once, hold_blas_to_one_thread);
    if (n > 0) omp_set_num_threads(n);
}

int ebm_threads(void) { return omp_get_max_threads(); }

void ebm_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
               float alpha, const float *a, size_t lda, const float *b,
               size_t ldb, float beta, float *c, size_t ldc) {
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
    #pragma omp parallel for schedule(static) if (blocks > 1)
    for (size_t blk = 0; blk < blocks; blk++) {
        size_t start = blk * step;
        if (start >= extent) continue;
        size_t width = extent - start < step ? extent - start : step;
        if (by_columns) {
            /* Columns start.. of C need columns start.. of op(B). */
            const float *b_part = trans_b ? b + start * ldb : b + start;
            cblas_sgemm(CblasRowMajor, ta, tb, (int)m, (int)width, (int)k, alpha, a,
                        (int)lda, b_part, (int)ldb, beta, c + start, (int)ldc);
        } else {
            /* Rows start.. of C need rows start.. of op(A). */
            const float *a_part = trans_a ? a + start : a + start * lda;
            cblas_sgemm(CblasRowMajor, ta, tb, (int)width, (int)n, (int)k, alpha, a_part,
                        (int)lda, b, (int)ldb, beta, c + start * ldc, (int)ldc);
        }
    }
}

float *ebm_scratch_grow(float **buf, size_t *size, size_t floats) {
    if (floats <= *size) return *buf;
    float *grown = realloc(*buf, floats * sizeof *grown);
    if (!grown) return NULL;
    *buf = grown;
    *size = floats;
    return grown;
}
