/* ess.c — effective sample size by Geyer's initial monotone sequence: the
 * autocorrelation pooled over chains, summed in pairs while the pairs stay
 * positive (beyond that lag they are noise). */
#include "ess.h"

#include <stdlib.h>

/* Autocovariance at lag t, averaged over chains, of centred series. */
static double autocov(const double *x, size_t n_points, size_t n_chains, size_t t) {
    double sum = 0.0;
    for (size_t c = 0; c < n_chains; c++) {
        const double *s = x + c * n_points;
        for (size_t k = 0; k + t < n_points; k++) sum += s[k] * s[k + t];
    }
    return sum / (double)(n_chains * n_points);
}

int ebm_ess(const float *samples, size_t n_points, size_t n_chains, size_t dim,
            size_t coord, double *ess, ebm_error *err) {
    size_t total = n_points * n_chains;
    if (total == 0 || coord >= dim)
        return ebm_fail(err, EBM_EINVAL, "ess: no samples or coordinate %zu of %zu",
                        coord, dim);
    double *x = malloc(total * sizeof *x);
    if (!x) return ebm_fail(err, EBM_ENOMEM, "ess: out of memory for %zu samples", total);
    double mean = 0.0;
    for (size_t k = 0; k < n_points; k++)
        for (size_t c = 0; c < n_chains; c++) {
            double v = samples[(k * n_chains + c) * dim + coord];
            x[c * n_points + k] = v;
            mean += v;
        }
    mean /= (double)total;
    for (size_t i = 0; i < total; i++) x[i] -= mean;
    double gamma0 = autocov(x, n_points, n_chains, 0);
    if (!(gamma0 > 0.0)) {
        free(x);
        *ess = (double)total;
        return EBM_OK;
    }
    /* One point per chain has no lags to look at: count the points as
     * independent. */
    double tau = n_points < 2 ? 1.0 : -1.0, previous = 2.0;
    for (size_t t = 0; t + 1 < n_points; t += 2) {
        double pair = (autocov(x, n_points, n_chains, t) +
                       autocov(x, n_points, n_chains, t + 1)) / gamma0;
        if (pair <= 0.0) break;
        if (pair > previous) pair = previous;   /* the monotone envelope */
        tau += 2.0 * pair;
        previous = pair;
    }
    free(x);
    if (tau < 1.0 / (double)total) tau = 1.0 / (double)total;
    *ess = (double)total / tau;
    return EBM_OK;
}
