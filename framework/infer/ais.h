/* ais.h — what the RBM's and the DBM's AIS estimators share: the β schedule,
 * the summary of the importance weights, their common parameters, and the
 * sandwich: forward AIS bounds log p from above (in expectation, as it
 * underestimates log Z), reverse AIS (RAISE, Burda, Grosse & Salakhutdinov
 * 2015) from below, with a verdict on whether the pair can be trusted. */
#ifndef EBM_MODELS_AIS_H
#define EBM_MODELS_AIS_H

#include <stddef.h>

#include "cfg.h"
#include "error.h"
#include "estimator.h"

/* Parameter-table entries both AIS estimators take (runs, schedule, steps). */
#define EBM_AIS_COMMON_PARAMS                                                   \
    {.name = "runs", .type = EBM_P_INT, .def = "100", .range = "[2, inf)",      \
     .flags = EBM_PF_STATES,                                                    \
     .help = "independent AIS runs M (rows of one matrix)"},                    \
    {.name = "schedule", .type = EBM_P_ENUM, .def = "default",                  \
     .choices = "default|linear",                                               \
     .help = "default: 14,500 steps, beta 0->0.5 by 1e-3, ->0.9 by 1e-4, ->1 "  \
             "by 1e-5 (Salakhutdinov & Murray); linear: `steps` equal steps"},  \
    {.name = "steps", .type = EBM_P_INT, .def = "1000", .range = "[1, inf)",    \
     .help = "linear schedule: number of beta steps"},                        \
    {.name = "sandwich", .type = EBM_P_BOOL, .def = "true",                     \
     .help = "also run RAISE (reverse AIS from data rows, the same schedule and "\
             "transitions) and log sandwich_lo/_hi/_gap and the verdict reliable"},\
    {.name = "raise_rows", .type = EBM_P_INT, .def = "100", .range = "[2, inf)", \
     .help = "RAISE chains, one per row, spread evenly over the rows used (as " \
             "many as there are rows or more: all of them, the forward figure's " \
             "rows); the sandwich is the mean log-likelihood of these rows"},    \
    {.name = "reliable_gap", .type = EBM_P_FLOAT, .def = "1", .range = "(0, inf)",\
     .help = "verdict: the largest sandwich_hi - sandwich_lo (nats) trusted"},  \
    {.name = "reliable_halves", .type = EBM_P_FLOAT, .def = "0.5",              \
     .range = "(0, inf)",                                                       \
     .help = "verdict: the largest disagreement (nats) of log Z from the two "  \
             "halves of the forward runs"},                                     \
    {.name = "reliable_ess", .type = EBM_P_FLOAT, .def = "0.1", .range = "[0, 1]",\
     .help = "verdict: the smallest forward ESS trusted, as a share of runs"}

/* β_0 = 0 < β_1 < … < β_K = 1 from the estimator's config; K + 1 values in
 * *count, NULL when out of memory. */
double *ebm_ais_schedule(const ebm_node *cfg, size_t *count);

/* Before β step k (1..steps) of pass `pass` (0-based) of `passes` (forward
 * AIS, then RAISE when the sandwich is on): EBM_EINTERRUPT, naming what was
 * interrupted (`what`, e.g. "ais: RAISE"), once *ev->stop is set (looked at
 * every 64 steps); and every 256 steps the steps done of all passes go to
 * the progress line (ebm_eval_progress), cheap beside a β step. */
int ebm_ais_tick(const ebm_eval *ev, const char *what, size_t k, size_t steps, int pass,
                 int passes, ebm_error *err);

typedef struct ebm_ais_result {
    double log_z, log_z_lo, log_z_hi, ess;
} ebm_ais_result;

/* A weight's increment over one layer of independent units, each giving a
 * factor 1 + gain_i ≥ 1 and a step s_i = scale · x_i: over the units with
 * |s_i| < 60, *log_product = Σ log(1 + gain_i), *positive = Σ_{s_i > 0} s_i
 * and *negative = Σ_{s_i < 0} s_i. The factors are multiplied in double in
 * eight fixed lanes (unit i in lane i mod 8, lanes combined in order: the
 * same bits on every CPU) and folded into a log once a lane passes 1e200,
 * before a factor below e^60 could overflow it. Returns 1 when some unit
 * has |s_i| ≥ 60: its factor would overflow float, and the caller takes
 * those units apart. */
int ebm_ais_factor_sums(const float *gain, const float *x, float scale, size_t n,
                        double *log_product, double *positive, double *negative);

/* Σ_i w_i x_i in double, in eight fixed lanes as above. */
double ebm_ais_dot(const double *w, const float *x, size_t n);

/* log Ẑ = log Z_A + log mean w, and log(mean w ± 3 sd(w)/√M), the weights
 * scaled by their largest so nothing overflows; the lower end is −∞ when the
 * interval reaches 0 (the runs then cannot bound log Z from below). ESS is
 * (Σw)²/Σw². */
ebm_ais_result ebm_ais_summarise(const double *log_w, size_t runs, double base_log_z);

/* |log Ẑ(first half of the runs) − log Ẑ(second half)|: two independent
 * estimates that a healthy run makes agree. */
double ebm_ais_halves_gap(const double *log_w, size_t runs, double base_log_z);

/* The rows RAISE starts from: n of the first `rows`, spread evenly (row
 * r·rows/n), so a sorted split is sampled throughout. */
size_t ebm_raise_row(size_t r, size_t n, size_t rows);

typedef struct ebm_sandwich {
    double raise_loglik, raise_se;  /* mean RAISE log p̂ over its rows, its s.e. */
    double lo, hi, gap;             /* raise − 3 s.e.; forward's upper end; hi − lo */
    double halves_gap;              /* ebm_ais_halves_gap */
    int reliable;                   /* 1 when 0 <= gap and gap, halves and ESS pass
                                       cfg's limits */
} ebm_sandwich;

/* The sandwich from RAISE's per-row estimates log p̂(v_r) (n rows), the
 * forward result and the halves' gap; the verdict's limits come from the
 * estimator's cfg. The rows are fixed, so the standard error is that of the
 * chains' part ref_r − log p̂(v_r), ref_r the row's own term (log p*(v_r),
 * or its one-sample estimate), not the spread of the rows' likelihoods. hi
 * is the mean log p*(v) of the rows (neg_f_mean) minus the forward log Z's
 * lower end: +∞ when that is open or when log p*(v) is not known (NaN). */
ebm_sandwich ebm_ais_sandwich(const double *raise_log_p, const double *ref, size_t n,
                              double neg_f_mean, const ebm_ais_result *forward,
                              double halves_gap, size_t runs, const ebm_node *cfg);

/* The sandwich's metrics, in the order they are logged: names (without the
 * estimator's prefix) and values; returns how many (at most 8). */
int ebm_sandwich_metrics(const ebm_sandwich *s, const char **names, double *values);

#endif
