/* ais.h — what the RBM's and the DBM's AIS estimators share: the β schedule,
 * the summary of the importance weights, and their common parameters. */
#ifndef EBM_MODELS_AIS_H
#define EBM_MODELS_AIS_H

#include <stddef.h>

#include "cfg.h"

/* Parameter-table entries both AIS estimators take (runs, schedule, steps). */
#define EBM_AIS_COMMON_PARAMS                                                   \
    {.name = "runs", .type = EBM_P_INT, .def = "100", .range = "[2, inf)",      \
     .help = "independent AIS runs M (rows of one matrix)"},                    \
    {.name = "schedule", .type = EBM_P_ENUM, .def = "default",                  \
     .choices = "default|linear",                                               \
     .help = "default: 14,500 steps, beta 0->0.5 by 1e-3, ->0.9 by 1e-4, ->1 "  \
             "by 1e-5 (Salakhutdinov & Murray); linear: `steps` equal steps"},  \
    {.name = "steps", .type = EBM_P_INT, .def = "1000", .range = "[1, inf)",    \
     .help = "linear schedule: number of beta steps"}

/* β_0 = 0 < β_1 < … < β_K = 1 from the estimator's config; K + 1 values in
 * *count, NULL when out of memory. */
double *ebm_ais_schedule(const ebm_node *cfg, size_t *count);

typedef struct ebm_ais_result {
    double log_z, log_z_lo, log_z_hi, ess;
} ebm_ais_result;

/* log Ẑ = log Z_A + log mean w, and log(mean w ± 3 sd(w)/√M), the weights
 * scaled by their largest so nothing overflows; the lower end is −∞ when the
 * interval reaches 0 (the runs then cannot bound log Z from below). ESS is
 * (Σw)²/Σw². */
ebm_ais_result ebm_ais_summarise(const double *log_w, size_t runs, double base_log_z);

#endif
