/* modern_hopfield.c — the modern (continuous) Hopfield network of Ramsauer
 * et al. (ICLR 2021): real states x ∈ ℝᴺ, stored patterns ξ^μ (the training
 * rows, coded 2·row − 1), and
 *   E(x) = −β⁻¹ log Σ_μ exp(β ξ^μ·x) + ½ x·x + β⁻¹ log K + ½ M²,
 * M = max_μ ‖ξ^μ‖ (the constants make 0 ≤ E ≤ 2M², their Lemma A1). Its
 * gradient is x − Ξ softmax(β Ξᵀx), so the update
 *   x ← Ξ softmax(β Ξᵀx)
 * is a gradient step of length 1; it is also the concave–convex procedure's
 * step, which never raises E. One update of a batch of queries is two GEMMs
 * (the "hopfield_update" feature); single states are done in double. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "model.h"
#include "plugins.h"

typedef struct modern_hopfield {
    size_t n;      /* units N */
    size_t k;      /* stored patterns K */
    float *xi;     /* K × N: the parameter "patterns" */
    double beta;
} modern_hopfield;

static const ebm_param modern_params[] = {
    {.name = "beta", .type = EBM_P_FLOAT, .def = "1", .range = "(0, inf)",
     .help = "inverse temperature of the softmax in x <- Xi softmax(beta Xi'x): "
             "large retrieves single patterns, small averages them (metastable states)"},
    EBM_PARAM_END};

/* ------------------------------------------------------------ one state */

/* scores s_μ = β ξ^μ·x into s (K doubles); returns log Σ_μ exp(s_μ) and,
 * when sq_max is given, max_μ ‖ξ^μ‖². */
static double log_sum_scores(const modern_hopfield *m, const float *x, double *s,
                             double *sq_max) {
    double top = -INFINITY, most = 0.0;
    for (size_t mu = 0; mu < m->k; mu++) {
        const float *row = m->xi + mu * m->n;
        double dot = 0.0, sq = 0.0;
        for (size_t i = 0; i < m->n; i++) {
            dot += (double)row[i] * x[i];
            sq += (double)row[i] * row[i];
        }
        s[mu] = m->beta * dot;
        top = s[mu] > top ? s[mu] : top;
        most = sq > most ? sq : most;
    }
    double sum = 0.0;
    for (size_t mu = 0; mu < m->k; mu++) sum += exp(s[mu] - top);
    if (sq_max) *sq_max = most;
    return top + log(sum);
}

/* out = Ξ softmax(β Ξᵀx), in double; s is K doubles of scratch. */
static void update_one(const modern_hopfield *m, const float *x, double *s, double *out) {
    double lse = log_sum_scores(m, x, s, NULL);
    for (size_t i = 0; i < m->n; i++) out[i] = 0.0;
    for (size_t mu = 0; mu < m->k; mu++) {
        double p = exp(s[mu] - lse);
        const float *row = m->xi + mu * m->n;
        for (size_t i = 0; i < m->n; i++) out[i] += p * row[i];
    }
}

static double energy_one(const modern_hopfield *m, const float *x, double *s) {
    double sq_max, half_sq = 0.0;
    double lse = log_sum_scores(m, x, s, &sq_max);
    for (size_t i = 0; i < m->n; i++) half_sq += 0.5 * (double)x[i] * x[i];
    return -lse / m->beta + half_sq + log((double)m->k) / m->beta + 0.5 * sq_max;
}

/* ------------------------------------------------------------ batches */

/* One update of n states (rows of N floats) into out: S = β X Ξᵀ, a row
 * softmax, then S Ξ; 256 rows at a time so S stays small. */
static int modern_update_batch(void *model, const float *in, size_t n, float *out,
                               ebm_error *err) {
    const modern_hopfield *m = model;
    const size_t block = 256;
    float *s = malloc((n < block ? (n ? n : 1) : block) * m->k * sizeof *s);
    if (!s) return ebm_fail(err, EBM_ENOMEM, "modern_hopfield: out of memory for "
                            "%zu scores", block * m->k);
    for (size_t r0 = 0; r0 < n; r0 += block) {
        size_t rows = n - r0 < block ? n - r0 : block;
        ebm_sgemm(0, 1, rows, m->k, m->n, (float)m->beta, in + r0 * m->n, m->n, m->xi,
                  m->n, 0.0f, s, m->k);
        for (size_t r = 0; r < rows; r++) {
            float *row = s + r * m->k;
            float top = -INFINITY;
            for (size_t mu = 0; mu < m->k; mu++) top = row[mu] > top ? row[mu] : top;
            double sum = 0.0;
            for (size_t mu = 0; mu < m->k; mu++) sum += exp((double)row[mu] - top);
            for (size_t mu = 0; mu < m->k; mu++)
                row[mu] = (float)(exp((double)row[mu] - top) / sum);
        }
        ebm_sgemm(0, 0, rows, m->n, m->k, 1.0f, s, m->k, m->xi, m->n, 0.0f,
                  out + r0 * m->n, m->n);
    }
    free(s);
    return EBM_OK;
}

/* ------------------------------------------------------------ dynamics */

/* Repeated updates (a sweep is one update of the whole state; the modes of
 * the binary networks do not apply) until the state moves by less than
 * 1e-6 per unit, or a sweep limit. */
static int modern_evolve(void *model, float *state, const ebm_evolve *how, ebm_rng *rng,
                         ebm_evolve_result *res) {
    (void)rng;
    const modern_hopfield *m = model;
    res->sweeps = 0;
    res->outcome = EBM_EVOLVE_LIMIT;
    res->flips = 0;
    if (how->max_sweeps < 0) return EBM_EINVAL;
    double *s = malloc((m->k ? m->k : 1) * sizeof *s);
    double *next = malloc((m->n ? m->n : 1) * sizeof *next);
    if (!s || !next) {
        free(s);
        free(next);
        return EBM_ENOMEM;
    }
    if (how->energy_trace) how->energy_trace[0] = energy_one(m, state, s);
    int sweep = 1;
    for (; sweep <= how->max_sweeps; sweep++) {
        update_one(m, state, s, next);
        double moved = 0.0;
        for (size_t i = 0; i < m->n; i++) {
            double d = fabs(next[i] - state[i]);
            moved = d > moved ? d : moved;
            if ((float)next[i] != state[i]) res->flips++;
            state[i] = (float)next[i];
        }
        res->sweeps = sweep;
        if (how->energy_trace) how->energy_trace[sweep] = energy_one(m, state, s);
        if (moved <= 1e-6) {
            res->outcome = EBM_EVOLVE_FIXED_POINT;
            break;
        }
    }
    if (how->energy_trace) {
        double e = energy_one(m, state, s);
        for (int t = res->sweeps + 1; t <= how->max_sweeps; t++) how->energy_trace[t] = e;
    }
    free(s);
    free(next);
    return EBM_OK;
}

/* ------------------------------------------------------------ ops */

static void modern_destroy(void *model) {
    modern_hopfield *m = model;
    if (!m) return;
    free(m->xi);
    free(m);
}

static int modern_create(const ebm_node *cfg, const ebm_dataset *train, ebm_rng *rng,
                         void **out, ebm_error *err) {
    (void)rng;
    *out = NULL;
    if (!train || train->dim == 0 || train->n == 0)
        return ebm_fail(err, EBM_EINVAL, "modern_hopfield: needs training data: its "
                        "rows are the stored patterns and fix the number of units");
    size_t n = train->dim, k = train->n;
    if ((double)n * (double)k > 4e8)
        return ebm_fail(err, EBM_ELIMIT, "modern_hopfield: %zu patterns of %zu units "
                        "are too many (at most 4e8 values)", k, n);
    modern_hopfield *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "modern_hopfield: out of memory");
    m->n = n;
    m->k = k;
    m->beta = ebm_cfg_double(cfg, "beta", 1.0);
    m->xi = calloc(n * k, sizeof *m->xi);
    if (!m->xi) {
        modern_destroy(m);
        return ebm_fail(err, EBM_ENOMEM, "modern_hopfield: out of memory for %zu "
                        "patterns of %zu units", k, n);
    }
    *out = m;
    return EBM_OK;
}

static void modern_encode(void *model, const float *row, float *state) {
    const modern_hopfield *m = model;
    for (size_t i = 0; i < m->n; i++) state[i] = 2.0f * row[i] - 1.0f;
}

static void modern_decode(void *model, const float *state, float *row) {
    const modern_hopfield *m = model;
    for (size_t i = 0; i < m->n; i++) {
        float v = 0.5f * (state[i] + 1.0f);
        row[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
}

/* Stores the training rows, coded as states, as the patterns. */
static int modern_fit(void *model, const ebm_dataset *train, ebm_rng *rng,
                      const volatile sig_atomic_t *stop, ebm_error *err) {
    (void)rng;
    (void)stop;
    modern_hopfield *m = model;
    if (!train || train->dim != m->n || train->n != m->k)
        return ebm_fail(err, EBM_EDATA, "modern_hopfield: the data hold %zu rows of "
                        "%zu values, the network %zu patterns of %zu units",
                        train ? train->n : 0, train ? train->dim : 0, m->k, m->n);
    for (size_t mu = 0; mu < m->k; mu++)
        modern_encode(m, train->x + mu * m->n, m->xi + mu * m->n);
    return EBM_OK;
}

static size_t modern_units(void *model) { return ((modern_hopfield *)model)->n; }

static double modern_energy(void *model, const float *state) {
    const modern_hopfield *m = model;
    double *s = malloc((m->k ? m->k : 1) * sizeof *s);
    if (!s) return NAN;
    double e = energy_one(m, state, s);
    free(s);
    return e;
}

/* ∂E/∂x = x − Ξ softmax(β Ξᵀx), row by row in double. */
static int modern_state_grad(void *model, const float *states, size_t n, float *grad,
                             ebm_error *err) {
    const modern_hopfield *m = model;
    double *s = malloc((m->k ? m->k : 1) * sizeof *s);
    double *mean = malloc((m->n ? m->n : 1) * sizeof *mean);
    if (!s || !mean) {
        free(s);
        free(mean);
        return ebm_fail(err, EBM_ENOMEM, "modern_hopfield: out of memory");
    }
    for (size_t r = 0; r < n; r++) {
        const float *x = states + r * m->n;
        update_one(m, x, s, mean);
        for (size_t i = 0; i < m->n; i++) grad[r * m->n + i] = (float)(x[i] - mean[i]);
    }
    free(s);
    free(mean);
    return EBM_OK;
}

/* Uniform over [−1, 1]ᴺ, the box the coded data live in. */
static void modern_noise(void *model, float *states, size_t n, ebm_rng *rng) {
    const modern_hopfield *m = model;
    for (size_t v = 0; v < n * m->n; v++) states[v] = 2.0f * ebm_rng_uniformf(rng) - 1.0f;
}

static int modern_params_of(void *model, ebm_tensor *out, int max) {
    modern_hopfield *m = model;
    ebm_tensor t[1] = {
        {.name = "patterns", .data = m->xi, .rank = 2, .shape = {m->k, m->n}},
    };
    return ebm_tensor_list(out, max, t, 1);
}

static ebm_model_feature modern_feature(const char *name) {
    if (strcmp(name, "hopfield_update") == 0) {
        ebm_hopfield_update_fn fn = modern_update_batch;
        return (ebm_model_feature)fn;
    }
    return NULL;
}

static void modern_check(const ebm_node *experiment, ebm_diags *diags) {
    ebm_model_check_one_shot("modern_hopfield", experiment, diags);
}

static const ebm_model_continuous modern_continuous = {
    .xStateGrad = modern_state_grad,
    .xNoise = modern_noise,
};

static const ebm_model_dynamics modern_dynamics = {
    .xEvolve = modern_evolve,
};

const ebm_model_ops ebm_model_modern_hopfield = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "modern_hopfield",
             .help = "modern Hopfield network (Ramsauer et al. 2021): real states, "
                     "E = -lse(beta, Xi'x)/beta + x'x/2 + const, x <- Xi softmax(beta Xi'x)",
             .params = modern_params},
    .example = "{data: {type: random_patterns, dim: 6, count: 3}, "
               "model: {type: modern_hopfield, beta: 0.5}}",
    .xCreate = modern_create,
    .xDestroy = modern_destroy,
    .xUnits = modern_units,
    .xEnergy = modern_energy,
    .xParams = modern_params_of,
    .xCheck = modern_check,
    .xFit = modern_fit,
    .xEncode = modern_encode,
    .xDecode = modern_decode,
    .xFeature = modern_feature,
    .continuous = &modern_continuous,
    .dynamics = &modern_dynamics,
};
