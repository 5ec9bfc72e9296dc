/* enumerate.h — exact sums over the states of a model with binary units, by
 * visiting every state (Gray-code order, one flip per step), reached only
 * through model ops: xUnits, xUnitValues, xEnergy, xFlipEnergy, xTemperature
 * and xDataMask. For systems small enough: at most 2^max_units states a sum. */
#ifndef EBM_ENUMERATE_H
#define EBM_ENUMERATE_H

#include <stddef.h>

#include "error.h"
#include "model.h"

#define EBM_ENUM_MAX_UNITS 20    /* default limit: 2^20 states in one sum */
#define EBM_ENUM_HARD_LIMIT 40   /* no configured limit may exceed this */

/* What enumeration knows of one model; filled by ebm_enum_init. */
typedef struct ebm_enum {
    const ebm_model_ops *ops;
    void *model;
    size_t units;
    double temperature;        /* xTemperature, or 1 */
    float *low, *high;         /* each unit's two values (xUnitValues) */
    const unsigned char *data_mask;  /* xDataMask, or NULL: every unit is data */
    int max_units;             /* one sum may range over this many units */
    size_t *all;               /* 0..units−1 */
    size_t *hidden;            /* the units the data do not clamp */
    size_t n_hidden;
} ebm_enum;

/* Fails with EBM_ENOTSUP when the model has no xUnitValues (not binary). */
int ebm_enum_init(ebm_enum *e, const ebm_model_ops *ops, void *model,
                  int max_units, ebm_error *err);
void ebm_enum_free(ebm_enum *e);

/* EBM_ELIMIT when a sum over n_free units is beyond the limit, with
 * "<what> needs 2^24 states; the limit is 2^20 (units ≤ 20)". */
int ebm_enum_check(const ebm_enum *e, size_t n_free, const char *what,
                   ebm_error *err);

/* Called once per state with E(state) (the model's energy, before dividing
 * by T); a nonzero return stops the visit and is returned by it. */
typedef int (*ebm_enum_visit_fn)(const float *state, double energy, void *ctx);

/* Visits all 2^n_free assignments of the free units, the other units keeping
 * the values they have in state; the free units are restored on return.
 * Each step flips one unit and adds xFlipEnergy (when the model has it),
 * with xEnergy recomputed now and then so rounding cannot drift. The limit is
 * the caller's to check (ebm_enum_check); this refuses only n_free > 40. */
int ebm_enum_visit(const ebm_enum *e, float *state, const size_t *free_units,
                   size_t n_free, ebm_enum_visit_fn visit, void *ctx);

/* log Σ over the free units of exp(−E(state)/T), in double (log-sum-exp);
 * checks the limit, naming `what` in the error. */
int ebm_enum_log_sum(const ebm_enum *e, float *state, const size_t *free_units,
                     size_t n_free, const char *what, double *out,
                     ebm_error *err);

/* log Z over every unit. */
int ebm_enum_log_z(const ebm_enum *e, double *log_z, ebm_error *err);

/* log p(v) = log Σ_h exp(−E(v, h)/T) − log Z: state holds v on the data
 * units (its other units are ignored); the non-data units are summed out. */
int ebm_enum_log_p_data(const ebm_enum *e, const float *state, double log_z,
                        double *log_p, ebm_error *err);

/* Expectations under p(free units | the others as in state) ∝ exp(−E/T),
 * log_norm being that distribution's log Σ exp(−E/T) (ebm_enum_log_sum):
 * mean[i] = ⟨s_i⟩ and, unless second is NULL, second[i·units + j] = ⟨s_i s_j⟩,
 * over every unit (clamped ones at their values). With every unit free and
 * log_norm = log Z these are the model's moments; with the hidden units free
 * and the data clamped, the data term of the likelihood gradient. */
int ebm_enum_moments(const ebm_enum *e, float *state, const size_t *free_units,
                     size_t n_free, double log_norm, double *mean,
                     double *second, ebm_error *err);

/* p(s_i = high) for every unit under the model (log_z from ebm_enum_log_z). */
int ebm_enum_marginals(const ebm_enum *e, double log_z, double *p_high,
                       ebm_error *err);

#endif
