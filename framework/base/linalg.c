/* linalg.c — Cholesky factorisation (unblocked: the matrices it sees are the
 * P × P Gram matrices of stored patterns, small next to the N × N work around
 * them) and triangular solves through BLAS. */
#include "linalg.h"

#include <cblas.h>
#include <math.h>

size_t ebm_cholesky(double *a, size_t n, size_t lda, double rel_tol) {
    double max_diag = 0.0;
    for (size_t i = 0; i < n; i++)
        if (a[i * lda + i] > max_diag) max_diag = a[i * lda + i];
    if (n > 0 && !(max_diag > 0.0)) return 1;
    double floor = rel_tol * max_diag;
    for (size_t j = 0; j < n; j++) {
        double *row_j = a + j * lda;
        double pivot = row_j[j];
        for (size_t k = 0; k < j; k++) pivot -= row_j[k] * row_j[k];
        if (!(pivot > floor)) return j + 1;   /* also catches NaN */
        double ljj = sqrt(pivot);
        row_j[j] = ljj;
        for (size_t i = j + 1; i < n; i++) {
            double *row_i = a + i * lda;
            double s = row_i[j];
            for (size_t k = 0; k < j; k++) s -= row_i[k] * row_j[k];
            row_i[j] = s / ljj;
        }
        for (size_t k = j + 1; k < n; k++) row_j[k] = 0.0;
    }
    return 0;
}

void ebm_cholesky_forward(const double *l, size_t n, size_t lda, double *b,
                          size_t nrhs, size_t ldb) {
    if (n == 0 || nrhs == 0) return;
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans,
                CblasNonUnit, (int)n, (int)nrhs, 1.0, l, (int)lda, b, (int)ldb);
}

void ebm_cholesky_solve(const double *l, size_t n, size_t lda, double *b,
                        size_t nrhs, size_t ldb) {
    if (n == 0 || nrhs == 0) return;
    ebm_cholesky_forward(l, n, lda, b, nrhs, ldb);
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasTrans,
                CblasNonUnit, (int)n, (int)nrhs, 1.0, l, (int)lda, b, (int)ldb);
}
