/* linalg.h — the few dense double-precision helpers BLAS does not give us
 * (no LAPACK dependency): a Cholesky factorisation and the solves built on it. */
#ifndef EBM_LINALG_H
#define EBM_LINALG_H

#include <stddef.h>

/* Factorises the symmetric positive definite n × n row-major matrix a (leading
 * dimension lda) in place as a = L Lᵀ; L ends up in the lower triangle, the
 * strict upper triangle is zeroed. A pivot at or below rel_tol times the
 * largest diagonal entry means a is singular (or not positive definite) to
 * working precision: returns the 1-based index of that column, else 0. */
size_t ebm_cholesky(double *a, size_t n, size_t lda, double rel_tol);

/* Solves L Y = B in place for the n × nrhs row-major block b (leading
 * dimension ldb), L the factor from ebm_cholesky. */
void ebm_cholesky_forward(const double *l, size_t n, size_t lda, double *b,
                          size_t nrhs, size_t ldb);

/* Solves A X = B in place (A = L Lᵀ from ebm_cholesky). */
void ebm_cholesky_solve(const double *l, size_t n, size_t lda, double *b,
                        size_t nrhs, size_t ldb);

#endif
