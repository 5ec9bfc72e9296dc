/* gemm.h — ebm's one entry to matrix products, and who owns the cores.
 *
 * OpenBLAS's threaded sgemm does not give the same bits for 1 and 2 threads
 * (measured: every shape we use differs in the last place), and its thread
 * pool oversubscribes the cores when our own threads run beside it. So ebm
 * owns the cores: OpenBLAS is held to one thread, and a product is cut into
 * blocks of C whose layout depends only on the shape, never on the thread
 * count; OpenMP threads compute the blocks. Every result is then the same bit
 * for bit whatever the number of threads. */
#ifndef EBM_GEMM_H
#define EBM_GEMM_H

#include <stddef.h>

/* C ← alpha · op(A) · op(B) + beta · C, row-major, op(X) = Xᵀ when trans_x.
 * C is m × n, op(A) m × k, op(B) k × n; lda, ldb, ldc are row strides. */
void ebm_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
               float alpha, const float *a, size_t lda, const float *b,
               size_t ldb, float beta, float *c, size_t ldc);

/* C rows ← bias (n floats), then C ← C + alpha · op(A) · op(B): an affine
 * map of m rows, the same bits as filling C and calling ebm_sgemm with
 * beta = 1, with the fill shared among the threads. k may be 0. */
void ebm_sgemm_bias(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                    float alpha, const float *a, size_t lda, const float *b,
                    size_t ldb, const float *bias, float *c, size_t ldc);

/* Below this many floats (or units times rows) a loop over memory runs on
 * one thread: waking the others would cost more than the loop. Shared by
 * every threaded loop of the library, so one number decides. */
#define EBM_PARALLEL_MIN 16384

/* Threads for ebm_sgemm and the parallel loops of the models: n > 0, or 0
 * for OMP_NUM_THREADS (else every core). Also holds OpenBLAS to one thread. */
void ebm_threads_set(int n);
/* The number in use. */
int ebm_threads(void);

/* A float buffer that block operations reuse between calls (the layer
 * inputs of a minibatch): at least `floats` floats of *buf, grown when
 * *size is short, or NULL when out of memory (*buf is then unchanged). */
float *ebm_scratch_grow(float **buf, size_t *size, size_t floats);

#endif
