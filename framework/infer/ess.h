/* ess.h — effective sample size of MCMC output, by Geyer's initial positive
 * (monotone) sequence estimator on the autocorrelation pooled over chains. */
#ifndef EBM_ESS_H
#define EBM_ESS_H

#include <stddef.h>

#include "error.h"

/* ESS of coordinate `coord` of samples laid out as the samplers collect them:
 * point k of chain c is row k·n_chains + c (rows of dim floats), n_points
 * points per chain. Autocovariances are taken around the pooled mean and
 * averaged over chains, so chains that stay apart count as correlated;
 * τ = −1 + 2 Σ_j Γ_j with Γ_j = ρ(2j) + ρ(2j+1) summed while positive and
 * made non-increasing (Geyer 1992), and ESS = n_chains·n_points / τ. A
 * coordinate with no variance at all gets ESS = n_chains·n_points. Cost:
 * O(n_chains·n_points·τ). */
int ebm_ess(const float *samples, size_t n_points, size_t n_chains, size_t dim,
            size_t coord, double *ess, ebm_error *err);

#endif
