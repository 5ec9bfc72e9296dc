/* ais.c — the AIS schedule and weight summary (ais.h). */
#include "ais.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double *ebm_ais_schedule(const ebm_node *cfg, size_t *count) {
    int linear = strcmp(ebm_cfg_str(cfg, "schedule", "default"), "linear") == 0;
    size_t steps = linear ? (size_t)ebm_cfg_int(cfg, "steps", 1000) : 14500;
    double *beta = malloc((steps + 1) * sizeof *beta);
    if (!beta) return NULL;
    for (size_t k = 0; k <= steps; k++) {
        if (linear)
            beta[k] = (double)k / (double)steps;
        else if (k <= 500)
            beta[k] = 1e-3 * (double)k;
        else if (k <= 4500)
            beta[k] = 0.5 + 1e-4 * (double)(k - 500);
        else
            beta[k] = 0.9 + 1e-5 * (double)(k - 4500);
    }
    beta[steps] = 1.0;
    *count = steps + 1;
    return beta;
}

ebm_ais_result ebm_ais_summarise(const double *log_w, size_t n, double base_log_z) {
    double top = -INFINITY;
    for (size_t r = 0; r < n; r++) top = fmax(top, log_w[r]);
    double sum = 0, sum_sq = 0;
    for (size_t r = 0; r < n; r++) {
        double w = exp(log_w[r] - top);
        sum += w;
        sum_sq += w * w;
    }
    double mean = sum / (double)n;
    double var = (sum_sq - (double)n * mean * mean) / (double)(n - 1);
    double half = 3.0 * sqrt(fmax(var, 0.0) / (double)n);
    double offset = base_log_z + top;
    return (ebm_ais_result){.log_z = offset + log(mean),
                            .log_z_hi = offset + log(mean + half),
                            .log_z_lo = mean > half ? offset + log(mean - half) : -INFINITY,
                            .ess = sum * sum / sum_sq};
}
