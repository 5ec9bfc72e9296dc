/* dense_memory.c — the dense associative memory (Krotov & Hopfield 2016):
 * ±1 units, E(σ) = −Σ_μ F(ξ^μ·σ) over the stored patterns, F(x) = xⁿ, the
 * rectified polynomial, or exp (Demircigil et al. 2017), with zero-temperature
 * dynamics by the sign of each flip's energy difference.
 *
 * Everything goes through the overlaps x_μ = ξ^μ·σ, integers in [−N, N]:
 * flipping unit i moves each by −2 s_μ, s_μ = σ_i ξ_i^μ, so
 *   ΔE_i = −Σ_μ [F(x_μ − 2 s_μ) − F(x_μ)],
 * O(K) per unit once the overlaps are known, and F is read from a table.
 *
 * The exponential is measured in units of e^N: E = −Σ_μ exp(x_μ − N). A
 * constant positive factor changes neither the order of the states nor the
 * sign of any difference, so the dynamics and fixed points are Demircigil's
 * exactly, and every term is at most 1 (a stored pattern alone would give
 * e^1000 at N = 1000, far beyond a double). Differences are summed relative
 * to the largest overlap, top: ΔE = −e^(top−N) Σ_μ [g(x_μ − 2s_μ) − g(x_μ)],
 * g(x) = exp(x − top) ≤ e², so the sign the dynamics use is exact even
 * where the value itself underflows (states far from every pattern). */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "plugins.h"

typedef enum { F_POLY, F_RECTIFIED, F_EXP } dense_function;

typedef struct dense_memory {
    size_t n;              /* units N */
    size_t k;              /* stored patterns K */
    float *xi;             /* K × N, ±1: the parameter "patterns" */
    dense_function f;
    int degree;
    double temperature;    /* T of p(σ) = exp(−E/T)/Z, for the samplers */
    /* Polynomials: table[x + N] = F(x), x in [−N, N]. The exponential:
     * table[d] = exp(2 − d), d = top + 2 − x in [0, 2N + 2]. */
    double *table;
} dense_memory;

static const ebm_param dense_params[] = {
    {.name = "function", .type = EBM_P_ENUM, .def = "poly", .choices = "poly|rectified|exp",
     .help = "F in E = -sum_mu F(xi_mu . s): x^n (poly), x^n for x > 0 else 0 "
             "(rectified), or exp(x) (measured in units of e^N)"},
    {.name = "degree", .type = EBM_P_INT, .def = "3", .range = "[2, 30]",
     .help = "n of the polynomials (n = 2 is the classic Hebbian network); "
             "ignored by exp"},
    {.name = "temperature", .type = EBM_P_FLOAT, .def = "1", .range = "(0, inf)",
     .help = "T in p = exp(-E/T)/Z for the samplers (gibbs, mh, annealing); the "
             "zero-temperature dynamics ignore it"},
    EBM_PARAM_END};

static const char *const function_names[] = {"poly", "rectified", "exp"};

/* ---------------------------------------------------------------- overlaps */

/* x_μ = ξ^μ·σ for every pattern, counted as agreements minus disagreements
 * so that any float state reads as its signs. */
static void overlaps(const dense_memory *m, const float *state, int *x) {
    for (size_t mu = 0; mu < m->k; mu++) {
        const float *row = m->xi + mu * m->n;
        int s = 0;
        for (size_t i = 0; i < m->n; i++) s += (row[i] > 0) == (state[i] > 0) ? 1 : -1;
        x[mu] = s;
    }
}

static int max_overlap(const dense_memory *m, const int *x) {
    int top = -(int)m->n;
    for (size_t mu = 0; mu < m->k; mu++) top = x[mu] > top ? x[mu] : top;
    return top;
}

/* F(x) for the polynomials, g(x) = exp(x − top) for the exponential. */
static double f_of(const dense_memory *m, int x, int top) {
    if (m->f == F_EXP) return m->table[top + 2 - x];
    return m->table[x + (int)m->n];
}

/* The energy relative to the scale: E = scale · Σ, scale = −1 for the
 * polynomials and −e^(top−N) for the exponential. */
static double scale_of(const dense_memory *m, int top) {
    return m->f == F_EXP ? -exp((double)(top - (int)m->n)) : -1.0;
}

static double energy_of_overlaps(const dense_memory *m, const int *x) {
    int top = max_overlap(m, x);
    double sum = 0.0;
    for (size_t mu = 0; mu < m->k; mu++) sum += f_of(m, x[mu], top);
    return scale_of(m, top) * sum;
}

/* Σ_μ [F(x_μ − 2s_μ) − F(x_μ)] for unit i at value y: ΔE_i / scale. Its sign
 * (opposite to ΔE's) is exact for the exponential too. */
static double flip_sum(const dense_memory *m, const int *x, int top, size_t i, float y) {
    const float *col = m->xi + i;
    int sign = y > 0 ? 1 : -1;
    double sum = 0.0;
    for (size_t mu = 0; mu < m->k; mu++) {
        int after = x[mu] - (col[mu * m->n] > 0 ? 2 * sign : -2 * sign);
        sum += f_of(m, after, top) - f_of(m, x[mu], top);
    }
    return sum;
}

/* Unit i changed to y_new: every overlap moves by 2 y_new ξ_i^μ. */
static void flip_update(const dense_memory *m, int *x, size_t i, float y_new) {
    const float *col = m->xi + i;
    int twice = y_new > 0 ? 2 : -2;
    for (size_t mu = 0; mu < m->k; mu++) x[mu] += col[mu * m->n] > 0 ? twice : -twice;
}

/* ---------------------------------------------------------------- dynamics */

/* Flip when ΔE < 0 strictly, i.e. when the flip sum (ΔE / scale, scale < 0)
 * is positive; a unit with ΔE = 0 keeps its value, as in the classic rule. */
static int wants_flip(const dense_memory *m, const int *x, int top, size_t i, float y) {
    return flip_sum(m, x, top, i, y) > 0.0;
}

static void fill_trace(const ebm_evolve *how, int from, double e) {
    if (!how->energy_trace) return;
    for (int s = from; s <= how->max_sweeps; s++) how->energy_trace[s] = e;
}

static long async_sweep(const dense_memory *m, float *y, int *x, const size_t *order) {
    long flips = 0;
    int top = max_overlap(m, x);
    for (size_t t = 0; t < m->n; t++) {
        size_t i = order[t];
        if (!wants_flip(m, x, top, i, y[i])) continue;
        y[i] = -y[i];
        flip_update(m, x, i, y[i]);
        if (m->f == F_EXP) top = max_overlap(m, x);
        flips++;
    }
    return flips;
}

/* The same walk as the classic network's (models/hopfield.c): the same
 * shuffles of the same stream, the same stops, so n = 2 retraces it. */
static int evolve_async(const dense_memory *m, float *y, int *x, const ebm_evolve *how,
                        ebm_rng *rng, ebm_evolve_result *res) {
    size_t n = m->n;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) return EBM_ENOMEM;
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (int s = 1; s <= how->max_sweeps; s++) {
        if (how->mode == EBM_EVOLVE_RANDOM) ebm_rng_shuffle(rng, order, n);
        long flips = async_sweep(m, y, x, order);
        res->sweeps = s;
        res->flips += flips;
        if (how->energy_trace) how->energy_trace[s] = energy_of_overlaps(m, x);
        if (flips == 0) {
            res->outcome = EBM_EVOLVE_FIXED_POINT;
            break;
        }
    }
    free(order);
    return EBM_OK;
}

/* Every unit decides from the same state; older catches a 2-cycle. */
static int evolve_sync(const dense_memory *m, float *y, int *x, const ebm_evolve *how,
                       ebm_evolve_result *res) {
    size_t n = m->n;
    float *next = malloc((n ? n : 1) * sizeof *next);
    float *older = malloc((n ? n : 1) * sizeof *older);
    if (!next || !older) {
        free(next);
        free(older);
        return EBM_ENOMEM;
    }
    for (int s = 1; s <= how->max_sweeps; s++) {
        long flips = 0;
        int top = max_overlap(m, x);
        for (size_t i = 0; i < n; i++) {
            next[i] = wants_flip(m, x, top, i, y[i]) ? -y[i] : y[i];
            flips += next[i] != y[i];
        }
        res->sweeps = s;
        if (flips == 0) {
            if (how->energy_trace) how->energy_trace[s] = energy_of_overlaps(m, x);
            res->outcome = EBM_EVOLVE_FIXED_POINT;
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (next[i] != y[i]) flip_update(m, x, i, next[i]);
        res->flips += flips;
        int cycle = s >= 2 && memcmp(next, older, n * sizeof *next) == 0;
        memcpy(older, y, n * sizeof *y);
        memcpy(y, next, n * sizeof *y);
        if (how->energy_trace) how->energy_trace[s] = energy_of_overlaps(m, x);
        if (cycle) {
            res->outcome = EBM_EVOLVE_TWO_CYCLE;
            break;
        }
    }
    free(next);
    free(older);
    return EBM_OK;
}

static int dense_evolve(void *model, float *state, const ebm_evolve *how, ebm_rng *rng,
                        ebm_evolve_result *res) {
    const dense_memory *m = model;
    res->sweeps = 0;
    res->outcome = EBM_EVOLVE_LIMIT;
    res->flips = 0;
    if (how->mode == EBM_EVOLVE_RANDOM && !rng) return EBM_EINVAL;
    if (how->max_sweeps < 0) return EBM_EINVAL;
    int *x = calloc(m->k ? m->k : 1, sizeof *x);
    if (!x) return EBM_ENOMEM;
    for (size_t i = 0; i < m->n; i++) state[i] = state[i] > 0.0f ? 1.0f : -1.0f;
    overlaps(m, state, x);
    if (how->energy_trace) how->energy_trace[0] = energy_of_overlaps(m, x);
    int rc = how->mode == EBM_EVOLVE_SYNC ? evolve_sync(m, state, x, how, res)
                                          : evolve_async(m, state, x, how, rng, res);
    if (rc == EBM_OK) fill_trace(how, res->sweeps + 1, energy_of_overlaps(m, x));
    free(x);
    return rc;
}

/* ---------------------------------------------------------------- ops */

static int function_from_name(const char *name) {
    for (int f = 0; f < 3; f++)
        if (strcmp(name, function_names[f]) == 0) return f;
    return -1;
}

/* The table of F (see the struct). Powers by repeated products of integers
 * in double: exact while below 2^53, which n = 2 (the classic network's
 * comparison) always is. */
static void fill_table(dense_memory *m) {
    int n = (int)m->n;
    if (m->f == F_EXP) {
        for (int d = 0; d <= 2 * n + 2; d++) m->table[d] = exp(2.0 - d);
        return;
    }
    for (int x = -n; x <= n; x++) {
        double p = 1.0;
        for (int e = 0; e < m->degree; e++) p *= x;
        m->table[x + n] = m->f == F_RECTIFIED && x <= 0 ? 0.0 : p;
    }
}

static void dense_destroy(void *model) {
    dense_memory *m = model;
    if (!m) return;
    free(m->xi);
    free(m->table);
    free(m);
}

static int dense_create(const ebm_node *cfg, const ebm_dataset *train, ebm_rng *rng,
                        void **out, ebm_error *err) {
    (void)rng;
    *out = NULL;
    if (!train || train->dim == 0 || train->n == 0)
        return ebm_fail(err, EBM_EINVAL, "dense_memory: needs training data: its rows "
                        "are the stored patterns and fix the number of units");
    size_t n = train->dim, k = train->n;
    if (n > 1000000 || k > 100000000 || (double)n * (double)k > 4e8)
        return ebm_fail(err, EBM_ELIMIT, "dense_memory: %zu patterns of %zu units are "
                        "too many (at most 4e8 values)", k, n);
    int f = function_from_name(ebm_cfg_str(cfg, "function", "poly"));
    if (f < 0) return ebm_fail(err, EBM_ECONFIG, "dense_memory: unknown function");
    dense_memory *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "dense_memory: out of memory");
    m->n = n;
    m->k = k;
    m->f = (dense_function)f;
    m->degree = (int)ebm_cfg_int(cfg, "degree", 3);
    m->temperature = ebm_cfg_double(cfg, "temperature", 1.0);
    m->xi = calloc(k * n, sizeof *m->xi);
    m->table = calloc(2 * n + 3, sizeof *m->table);
    if (!m->xi || !m->table) {
        dense_destroy(m);
        return ebm_fail(err, EBM_ENOMEM, "dense_memory: out of memory for %zu patterns "
                        "of %zu units", k, n);
    }
    fill_table(m);
    for (size_t v = 0; v < k * n; v++) m->xi[v] = 1.0f;
    *out = m;
    return EBM_OK;
}

/* Stores the training rows as the patterns (row > ½ is +1). */
static int dense_fit(void *model, const ebm_dataset *train, ebm_rng *rng,
                     const volatile sig_atomic_t *stop, ebm_error *err) {
    (void)rng;
    (void)stop;
    dense_memory *m = model;
    if (!train || train->dim != m->n || train->n != m->k)
        return ebm_fail(err, EBM_EDATA, "dense_memory: the data hold %zu rows of %zu "
                        "values, the network %zu patterns of %zu units",
                        train ? train->n : 0, train ? train->dim : 0, m->k, m->n);
    for (size_t v = 0; v < m->k * m->n; v++)
        m->xi[v] = train->x[v] > 0.5f ? 1.0f : -1.0f;
    return EBM_OK;
}

static size_t dense_units(void *model) { return ((dense_memory *)model)->n; }

static double dense_temperature(void *model) { return ((dense_memory *)model)->temperature; }

static double dense_energy(void *model, const float *state) {
    const dense_memory *m = model;
    int *x = calloc(m->k ? m->k : 1, sizeof *x);
    if (!x) return NAN;
    overlaps(m, state, x);
    double e = energy_of_overlaps(m, x);
    free(x);
    return e;
}

static void dense_flip_energies(void *model, const float *state, double *delta) {
    const dense_memory *m = model;
    int *x = calloc(m->k ? m->k : 1, sizeof *x);
    if (!x) {
        for (size_t i = 0; i < m->n; i++) delta[i] = NAN;
        return;
    }
    overlaps(m, state, x);
    int top = max_overlap(m, x);
    double scale = scale_of(m, top);
    for (size_t i = 0; i < m->n; i++) delta[i] = scale * flip_sum(m, x, top, i, state[i]);
    free(x);
}

static double dense_flip_energy(void *model, const float *state, size_t i) {
    const dense_memory *m = model;
    int *x = calloc(m->k ? m->k : 1, sizeof *x);
    if (!x) return NAN;
    overlaps(m, state, x);
    int top = max_overlap(m, x);
    double d = scale_of(m, top) * flip_sum(m, x, top, i, state[i]);
    free(x);
    return d;
}

static void dense_flip_unit(void *model, float *state, size_t i) {
    (void)model;
    state[i] = state[i] > 0.0f ? -1.0f : 1.0f;
}

static void dense_unit_values(void *model, float *low, float *high) {
    const dense_memory *m = model;
    for (size_t i = 0; i < m->n; i++) {
        low[i] = -1.0f;
        high[i] = 1.0f;
    }
}

static int dense_params_of(void *model, ebm_tensor *out, int max) {
    dense_memory *m = model;
    ebm_tensor t[1] = {
        {.name = "patterns", .data = m->xi, .rank = 2, .shape = {m->k, m->n}},
    };
    return ebm_tensor_list(out, max, t, 1);
}

static void dense_encode(void *model, const float *row, float *state) {
    const dense_memory *m = model;
    for (size_t i = 0; i < m->n; i++) state[i] = row[i] > 0.5f ? 1.0f : -1.0f;
}

static void dense_decode(void *model, const float *state, float *row) {
    const dense_memory *m = model;
    for (size_t i = 0; i < m->n; i++) row[i] = state[i] > 0.0f ? 1.0f : 0.0f;
}

/* The patterns are stored in one shot; there is nothing to train. */
static void dense_check(const ebm_node *experiment, ebm_diags *diags) {
    ebm_model_check_one_shot("dense_memory", experiment, diags);
}

static const ebm_model_binary dense_binary = {
    .xUnitValues = dense_unit_values,
    .xFlipEnergy = dense_flip_energy,
    .xFlipUnit = dense_flip_unit,
    .xFlipEnergies = dense_flip_energies,
};

static const ebm_model_dynamics dense_dynamics = {
    .xEvolve = dense_evolve,
};

const ebm_model_ops ebm_model_dense_memory = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "dense_memory",
             .help = "dense associative memory (Krotov & Hopfield 2016): +-1 units, "
                     "E = -sum_mu F(xi_mu . s), F = x^n, rectified x^n or exp",
             .params = dense_params},
    .example = "{data: {type: random_patterns, dim: 8, count: 3}, "
               "model: {type: dense_memory, degree: 3, temperature: 100}}",
    .xCreate = dense_create,
    .xDestroy = dense_destroy,
    .xUnits = dense_units,
    .xEnergy = dense_energy,
    .xParams = dense_params_of,
    .xCheck = dense_check,
    .xFit = dense_fit,
    .xEncode = dense_encode,
    .xDecode = dense_decode,
    .xTemperature = dense_temperature,
    .binary = &dense_binary,
    .dynamics = &dense_dynamics,
};
