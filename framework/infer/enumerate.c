/* enumerate.c — exact log Z, log p(v), marginals and moments of small binary
 * models by visiting every state in Gray-code order through the model ops. */
#include "enumerate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Incremental energies are exact to rounding; recomputing every this many
 * flips keeps 2^20 additions from drifting, at a negligible cost. */
#define ENUM_RESYNC 1024

int ebm_enum_init(ebm_enum *e, const ebm_model_ops *ops, void *model,
                  int max_units, ebm_error *err) {
    memset(e, 0, sizeof *e);
    if (!ebm_model_has_binary(ops))
        return ebm_fail(err, EBM_ENOTSUP,
                        "%s: exact enumeration needs binary units (the model "
                        "has no xUnitValues)", ops->info.name);
    if (!ebm_model_all_binary(ops, model))
        return ebm_fail(err, EBM_ENOTSUP, "%s: exact enumeration needs binary units, "
                        "and this one has real-valued units", ops->info.name);
    if (max_units < 0 || max_units > EBM_ENUM_HARD_LIMIT)
        return ebm_fail(err, EBM_EINVAL, "enumeration limit of %d units is outside "
                        "[0, %d]", max_units, EBM_ENUM_HARD_LIMIT);
    e->ops = ops;
    e->model = model;
    e->units = ops->xUnits(model);
    e->temperature = ebm_model_temperature(ops, model);
    if (!(e->temperature > 0.0) || !isfinite(e->temperature))
        return ebm_fail(err, EBM_EINVAL, "%s: temperature %g is not positive",
                        ops->info.name, e->temperature);
    e->data_mask = ebm_model_data_mask(ops, model);
    e->max_units = max_units;
    size_t n = e->units ? e->units : 1;
    e->all = malloc(n * sizeof *e->all);
    e->hidden = malloc(n * sizeof *e->hidden);
    e->low = malloc(n * sizeof *e->low);
    e->high = malloc(n * sizeof *e->high);
    if (!e->all || !e->hidden || !e->low || !e->high) {
        ebm_enum_free(e);
        return ebm_fail(err, EBM_ENOMEM, "enumeration: out of memory");
    }
    ebm_model_unit_values(ops, model, e->low, e->high);
    for (size_t i = 0; i < e->units; i++) {
        e->all[i] = i;
        if (e->data_mask && !e->data_mask[i]) e->hidden[e->n_hidden++] = i;
    }
    return EBM_OK;
}

void ebm_enum_free(ebm_enum *e) {
    free(e->all);
    free(e->hidden);
    free(e->low);
    free(e->high);
    e->all = e->hidden = NULL;
    e->low = e->high = NULL;
}

int ebm_enum_check(const ebm_enum *e, size_t n_free, const char *what,
                   ebm_error *err) {
    if (n_free <= (size_t)e->max_units) return EBM_OK;
    return ebm_fail(err, EBM_ELIMIT,
                    "%s needs 2^%zu states; the limit is 2^%d (units ≤ %d)",
                    what, n_free, e->max_units, e->max_units);
}

static double flip_energy(const ebm_enum *e, float *state, size_t unit,
                          double energy) {
    if (ebm_model_can_flip(e->ops)) return ebm_model_flip_energy(e->ops, e->model, state, unit);
    float keep = state[unit];
    state[unit] = keep == e->low[unit] ? e->high[unit] : e->low[unit];
    double flipped = e->ops->xEnergy(e->model, state);
    state[unit] = keep;
    return flipped - energy;
}

int ebm_enum_visit(const ebm_enum *e, float *state, const size_t *free_units,
                   size_t n_free, ebm_enum_visit_fn visit, void *ctx) {
    if (n_free > EBM_ENUM_HARD_LIMIT) return EBM_ELIMIT;
    float saved[EBM_ENUM_HARD_LIMIT];
    for (size_t k = 0; k < n_free; k++) {
        saved[k] = state[free_units[k]];
        state[free_units[k]] = e->low[free_units[k]];
    }
    double energy = e->ops->xEnergy(e->model, state);
    int rc = visit(state, energy, ctx);
    uint64_t count = (uint64_t)1 << n_free;
    /* Gray code: step g flips the bit that changes from g−1 to g, the lowest
     * set bit of g. */
    for (uint64_t g = 1; g < count && rc == 0; g++) {
        size_t unit = free_units[__builtin_ctzll(g)];
        double delta = flip_energy(e, state, unit, energy);
        state[unit] = state[unit] == e->low[unit] ? e->high[unit] : e->low[unit];
        energy = g % ENUM_RESYNC == 0 ? e->ops->xEnergy(e->model, state)
                                      : energy + delta;
        rc = visit(state, energy, ctx);
    }
    for (size_t k = 0; k < n_free; k++) state[free_units[k]] = saved[k];
    return rc;
}

/* Running log-sum-exp: the largest term and the sum of exp(term − largest). */
typedef struct lse {
    double max, sum, inv_t;
} lse;

static int lse_visit(const float *state, double energy, void *ctx) {
    (void)state;
    lse *acc = ctx;
    double x = -energy * acc->inv_t;
    if (x > acc->max) {
        acc->sum = acc->sum * exp(acc->max - x) + 1.0;
        acc->max = x;
    } else {
        acc->sum += exp(x - acc->max);
    }
    return 0;
}

int ebm_enum_log_sum(const ebm_enum *e, float *state, const size_t *free_units,
                     size_t n_free, const char *what, double *out,
                     ebm_error *err) {
    int rc = ebm_enum_check(e, n_free, what, err);
    if (rc) return rc;
    lse acc = {.max = -INFINITY, .sum = 0.0, .inv_t = 1.0 / e->temperature};
    ebm_enum_visit(e, state, free_units, n_free, lse_visit, &acc);
    *out = acc.max + log(acc.sum);
    if (!isfinite(*out))
        return ebm_fail(err, EBM_ENUMERIC, "%s: the sum of exp(-E/T) is %g "
                        "(non-finite energies?)", what, *out);
    return EBM_OK;
}

int ebm_enum_log_z(const ebm_enum *e, double *log_z, ebm_error *err) {
    float *state = calloc(e->units ? e->units : 1, sizeof *state);
    if (!state) return ebm_fail(err, EBM_ENOMEM, "exact log Z: out of memory");
    int rc = ebm_enum_log_sum(e, state, e->all, e->units, "exact log Z", log_z, err);
    free(state);
    return rc;
}

int ebm_enum_log_p_data(const ebm_enum *e, const float *state, double log_z,
                        double *log_p, ebm_error *err) {
    float *copy = malloc((e->units ? e->units : 1) * sizeof *copy);
    if (!copy) return ebm_fail(err, EBM_ENOMEM, "exact log p(v): out of memory");
    memcpy(copy, state, e->units * sizeof *copy);
    double log_sum;
    int rc = ebm_enum_log_sum(e, copy, e->hidden, e->n_hidden,
                              "exact log p(v) with hidden units summed out",
                              &log_sum, err);
    free(copy);
    if (rc) return rc;
    *log_p = log_sum - log_z;
    return EBM_OK;
}

typedef struct moments {
    const ebm_enum *e;
    double log_norm, inv_t;
    double *mean, *second;
} moments;

static int moments_visit(const float *state, double energy, void *ctx) {
    moments *acc = ctx;
    size_t n = acc->e->units;
    double p = exp(-energy * acc->inv_t - acc->log_norm);
    for (size_t i = 0; i < n; i++) {
        if (state[i] == 0.0f) continue;
        double ps = p * state[i];
        acc->mean[i] += ps;
        if (!acc->second) continue;
        double *row = acc->second + i * n;
        for (size_t j = 0; j < n; j++) row[j] += ps * state[j];
    }
    return 0;
}

int ebm_enum_moments(const ebm_enum *e, float *state, const size_t *free_units,
                     size_t n_free, double log_norm, double *mean,
                     double *second, ebm_error *err) {
    int rc = ebm_enum_check(e, n_free, "exact moments", err);
    if (rc) return rc;
    size_t n = e->units;
    memset(mean, 0, n * sizeof *mean);
    if (second) memset(second, 0, n * n * sizeof *second);
    moments acc = {.e = e, .log_norm = log_norm, .inv_t = 1.0 / e->temperature,
                   .mean = mean, .second = second};
    ebm_enum_visit(e, state, free_units, n_free, moments_visit, &acc);
    return EBM_OK;
}

int ebm_enum_marginals(const ebm_enum *e, double log_z, double *p_high,
                       ebm_error *err) {
    float *state = calloc(e->units ? e->units : 1, sizeof *state);
    if (!state) return ebm_fail(err, EBM_ENOMEM, "exact marginals: out of memory");
    int rc = ebm_enum_check(e, e->units, "exact marginals", err);
    if (!rc) rc = ebm_enum_moments(e, state, e->all, e->units, log_z, p_high, NULL, err);
    free(state);
    if (rc) return rc;
    /* ⟨s_i⟩ = low + (high − low) p(s_i = high) */
    for (size_t i = 0; i < e->units; i++)
        p_high[i] = (p_high[i] - e->low[i]) / ((double)e->high[i] - e->low[i]);
    return EBM_OK;
}
