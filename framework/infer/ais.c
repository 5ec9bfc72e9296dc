/* ais.c — the AIS schedule, the sums of a weight's increment and the
 * weight summary (ais.h). */
#include "ais.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fastmath.h"

/* Eight lanes (fastmath.h's vector types), so the association is written
 * out, not left to the vectoriser: every clone (AVX-512, AVX2, baseline)
 * rounds the same, and the eight chains of multiplications run side by side
 * instead of one long one. */
enum { LANES = 8 };

EBM_HOT_LOOP int ebm_ais_factor_sums(const float *restrict gain, const float *restrict x,
                                     float scale, size_t n, double *log_product,
                                     double *positive, double *negative) {
    ebm_f64x8 up = {0}, down = {0}, product = {1, 1, 1, 1, 1, 1, 1, 1};
    ebm_i32x8 large = {0};
    double log_sum = 0;
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        ebm_f32x8 xs, gs;
        memcpy(&xs, x + i, sizeof xs);
        memcpy(&gs, gain + i, sizeof gs);
        ebm_f32x8 s = scale * xs;
        ebm_i32x8 small = ((ebm_i32x8)s & 0x7fffffff) < 0x42700000;   /* |s| < 60, on the bits */
        large |= ~small;
        /* a unit left out adds 0 and multiplies by 1: its lane is unchanged */
        ebm_f32x8 s_up = (ebm_f32x8)((ebm_i32x8)s & small & (s > 0.0f));
        ebm_f32x8 s_down = (ebm_f32x8)((ebm_i32x8)s & small & (s < 0.0f));
        ebm_f32x8 g = (ebm_f32x8)((ebm_i32x8)gs & small);
        up += __builtin_convertvector(s_up, ebm_f64x8);
        down += __builtin_convertvector(s_down, ebm_f64x8);
        product *= 1.0 + __builtin_convertvector(g, ebm_f64x8);
        ebm_i64x8 over = product > 1e200;
        int fold = 0;
        for (int l = 0; l < LANES; l++) fold |= over[l] != 0;
        if (fold)
            for (int l = 0; l < LANES; l++) {
                log_sum += log(product[l]);
                product[l] = 1;
            }
    }
    int any_large = 0;
    for (int l = 0; l < LANES; l++) any_large |= large[l] != 0;
    for (int l = 0; i < n; i++, l++) {
        float s = scale * x[i];
        if (!(fabsf(s) < 60.0f)) {
            any_large = 1;
            continue;
        }
        up[l] += s > 0 ? (double)s : 0.0;
        down[l] += s < 0 ? (double)s : 0.0;
        product[l] *= 1.0 + (double)gain[i];
    }
    double total_up = 0, total_down = 0, total_product = 1;
    for (int l = 0; l < LANES; l++) {
        total_up += up[l];
        total_down += down[l];
        total_product *= product[l];
        if (total_product > 1e100) {
            log_sum += log(total_product);
            total_product = 1;
        }
    }
    *log_product = log_sum + log(total_product);
    *positive = total_up;
    *negative = total_down;
    return any_large;
}

EBM_HOT_LOOP double ebm_ais_dot(const double *restrict w, const float *restrict x, size_t n) {
    ebm_f64x8 lane = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        ebm_f64x8 ws;
        ebm_f32x8 xs;
        memcpy(&ws, w + i, sizeof ws);
        memcpy(&xs, x + i, sizeof xs);
        lane += ws * __builtin_convertvector(xs, ebm_f64x8);
    }
    for (int l = 0; i < n; i++, l++) lane[l] += w[i] * (double)x[i];
    double sum = 0;
    for (int l = 0; l < LANES; l++) sum += lane[l];
    return sum;
}

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

int ebm_ais_tick(const ebm_eval *ev, const char *what, size_t k, size_t steps, int pass,
                 int passes, ebm_error *err) {
    if (k % 64 != 0) return EBM_OK;
    if (ev->stop && *ev->stop)
        return ebm_fail(err, EBM_EINTERRUPT, "%s interrupted at step %zu of %zu", what, k,
                        steps);
    if (k % 256 == 0)
        ebm_eval_progress(ev, (uint64_t)pass * steps + k, (uint64_t)passes * steps);
    return EBM_OK;
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

double ebm_ais_halves_gap(const double *log_w, size_t n, double base_log_z) {
    size_t half = n / 2;
    if (half < 1) return INFINITY;
    ebm_ais_result a = ebm_ais_summarise(log_w, half, base_log_z);
    ebm_ais_result b = ebm_ais_summarise(log_w + half, n - half, base_log_z);
    return fabs(a.log_z - b.log_z);
}

size_t ebm_raise_row(size_t r, size_t n, size_t rows) {
    return n >= rows ? r : (size_t)((uint64_t)r * rows / n);
}

ebm_sandwich ebm_ais_sandwich(const double *raise_log_p, const double *ref, size_t n,
                              double neg_f_mean, const ebm_ais_result *forward,
                              double halves_gap, size_t runs, const ebm_node *cfg) {
    double mean = 0, chains_mean = 0, sum_sq = 0;
    for (size_t r = 0; r < n; r++) {
        mean += raise_log_p[r] / (double)n;
        chains_mean += (ref[r] - raise_log_p[r]) / (double)n;
    }
    for (size_t r = 0; r < n; r++) {
        double d = ref[r] - raise_log_p[r] - chains_mean;
        sum_sq += d * d;
    }
    double se = n > 1 ? sqrt(sum_sq / (double)(n - 1) / (double)n) : INFINITY;
    double hi = isnan(neg_f_mean) ? INFINITY : neg_f_mean - forward->log_z_lo;
    ebm_sandwich s = {.raise_loglik = mean, .raise_se = se, .lo = mean - 3.0 * se,
                      .hi = hi, .halves_gap = halves_gap};
    s.gap = s.hi - s.lo;
    /* Ends that cross (lo > hi, beyond their 3 s.e.) disagree: RAISE bounds
     * the annealed model, which sits above the model when the forward
     * chains end in the data's modes more often than the model does. */
    s.reliable = s.gap >= 0 && s.gap <= ebm_cfg_double(cfg, "reliable_gap", 1.0) &&
                 halves_gap <= ebm_cfg_double(cfg, "reliable_halves", 0.5) &&
                 forward->ess >= ebm_cfg_double(cfg, "reliable_ess", 0.1) * (double)runs;
    return s;
}

int ebm_sandwich_metrics(const ebm_sandwich *s, const char **names, double *values) {
    const char *n[] = {"raise_loglik", "raise_loglik_se", "sandwich_lo", "sandwich_hi",
                       "sandwich_gap", "halves_gap", "reliable"};
    const double v[] = {s->raise_loglik, s->raise_se, s->lo, s->hi, s->gap,
                        s->halves_gap, s->reliable ? 1.0 : 0.0};
    for (int i = 0; i < 7; i++) {
        names[i] = n[i];
        values[i] = v[i];
    }
    return 7;
}
