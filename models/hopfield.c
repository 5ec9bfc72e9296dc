/* hopfield.c — the Hopfield network: ±1 units, symmetric zero-diagonal W and
 * bias b, E(y) = −½ yᵀWy − bᵀy; one-shot rules (Hebbian, Storkey,
 * pseudo-inverse), the gradient rule, and zero-temperature dynamics. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "model.h"
#include "plugins.h"

typedef enum {
    RULE_HEBBIAN,
    RULE_STORKEY,
    RULE_PSEUDO_INVERSE,
    RULE_GRADIENT
} hopfield_rule;

static const char *const rule_names[] = {"hebbian", "storkey", "pseudo_inverse",
                                         "gradient"};

typedef struct hopfield {
    size_t n;            /* units = data dimension */
    float *w;            /* n × n, symmetric, zero diagonal */
    float *b;            /* n; stays 0 unless the gradient rule learns it */
    hopfield_rule rule;
    int learn_bias;
    int evolve_steps;    /* gradient rule: sweeps from corrupted start to y' */
    double corrupt;      /* gradient rule: flip probability of that start */
} hopfield;

static const ebm_param hopfield_params[] = {
    {.name = "rule", .type = EBM_P_ENUM, .def = "hebbian",
     .choices = "hebbian|storkey|pseudo_inverse|gradient",
     .help = "learning rule: one-shot hebbian, storkey or pseudo_inverse, or "
             "gradient (trained over train.epochs)"},
    {.name = "bias", .type = EBM_P_BOOL, .def = "false",
     .help = "learn a bias vector (rule gradient only; one-shot rules keep b = 0)"},
    {.name = "evolve_steps", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "rule gradient: asynchronous sweeps from a corrupted pattern to its "
             "negative y'"},
    {.name = "corrupt", .type = EBM_P_FLOAT, .def = "0.1", .range = "[0, 1]",
     .help = "rule gradient: probability each unit of a negative's start is "
             "flipped"},
    EBM_PARAM_END};

/* ---------------------------------------------------------------- helpers */

static int rule_from_name(const char *name) {
    for (int r = 0; r < (int)(sizeof rule_names / sizeof *rule_names); r++)
        if (strcmp(name, rule_names[r]) == 0) return r;
    return -1;
}

/* Data rows may be {0,1} or grey levels in [0,1]; anything above one half
 * is "on", so y = 2x − 1 on binary data. */
static void encode_row(size_t n, const float *row, float *state) {
    for (size_t i = 0; i < n; i++) state[i] = row[i] > 0.5f ? 1.0f : -1.0f;
}

/* Copies the strict upper triangle onto the lower one and clears the
 * diagonal: the invariant every rule must leave W in. */
static void symmetrise_upper(float *w, size_t n) {
    for (size_t i = 0; i < n; i++) {
        w[i * n + i] = 0.0f;
        for (size_t j = i + 1; j < n; j++) w[j * n + i] = w[i * n + j];
    }
}

/* h = W y + b in double. Row j of W is column j (symmetry), so the sum runs
 * as axpy passes that vectorise; with the weights the one-shot rules make
 * (multiples of 1/N in float) every partial sum is exact in double, so these
 * fields agree bit for bit with the incremental updates done later. */
static void local_fields(const hopfield *m, const float *y, double *h) {
    size_t n = m->n;
    for (size_t i = 0; i < n; i++) h[i] = m->b[i];
    for (size_t j = 0; j < n; j++) {
        const float *row = m->w + j * n;
        double yj = y[j];
        for (size_t i = 0; i < n; i++) h[i] += yj * row[i];
    }
}

/* y_i flipped to y_new: every field moves by 2 y_new w_ki (w_ii = 0). */
static void flip_update(const hopfield *m, double *h, size_t i, float y_new) {
    const float *row = m->w + i * m->n;
    double twice = 2.0 * y_new;
    for (size_t k = 0; k < m->n; k++) h[k] += twice * row[k];
}

/* E = −½ yᵀ(h − b) − bᵀy = −½ Σ y_i (h_i + b_i): O(N) once h is known. */
static double energy_from_fields(const hopfield *m, const float *y,
                                 const double *h) {
    double e = 0.0;
    for (size_t i = 0; i < m->n; i++) e -= 0.5 * y[i] * (h[i] + m->b[i]);
    return e;
}

static float sign_or_keep(double h, float y) {
    return h > 0.0 ? 1.0f : h < 0.0 ? -1.0f : y;
}

/* ---------------------------------------------------------------- dynamics */

static void fill_trace(const ebm_evolve *how, int from, double e) {
    if (!how->energy_trace) return;
    for (int s = from; s <= how->max_sweeps; s++) how->energy_trace[s] = e;
}

/* One asynchronous sweep in the given order; returns the flips it made. */
static long async_sweep(const hopfield *m, float *y, double *h,
                        const size_t *order) {
    long flips = 0;
    for (size_t t = 0; t < m->n; t++) {
        size_t i = order[t];
        float want = sign_or_keep(h[i], y[i]);
        if (want != y[i]) {
            y[i] = want;
            flip_update(m, h, i, want);
            flips++;
        }
    }
    return flips;
}

static int evolve_async(const hopfield *m, float *y, double *h,
                        const ebm_evolve *how, ebm_rng *rng,
                        ebm_evolve_result *res) {
    size_t n = m->n;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) return EBM_ENOMEM;
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (int s = 1; s <= how->max_sweeps; s++) {
        if (how->mode == EBM_EVOLVE_RANDOM) ebm_rng_shuffle(rng, order, n);
        long flips = async_sweep(m, y, h, order);
        res->sweeps = s;
        res->flips += flips;
        if (how->energy_trace) how->energy_trace[s] = energy_from_fields(m, y, h);
        if (flips == 0) {
            res->outcome = EBM_EVOLVE_FIXED_POINT;
            break;
        }
    }
    free(order);
    return EBM_OK;
}

/* Synchronous steps; older holds the state two steps back so a 2-cycle
 * (y_t = y_{t−2} ≠ y_{t−1}) is caught as soon as it closes. */
static int evolve_sync(const hopfield *m, float *y, double *h,
                       const ebm_evolve *how, ebm_evolve_result *res) {
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
        for (size_t i = 0; i < n; i++) {
            next[i] = sign_or_keep(h[i], y[i]);
            flips += next[i] != y[i];
        }
        res->sweeps = s;
        if (flips == 0) {
            if (how->energy_trace) how->energy_trace[s] = energy_from_fields(m, y, h);
            res->outcome = EBM_EVOLVE_FIXED_POINT;
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (next[i] != y[i]) flip_update(m, h, i, next[i]);
        res->flips += flips;
        int cycle = s >= 2 && memcmp(next, older, n * sizeof *next) == 0;
        memcpy(older, y, n * sizeof *y);
        memcpy(y, next, n * sizeof *y);
        if (how->energy_trace) how->energy_trace[s] = energy_from_fields(m, y, h);
        if (cycle) {
            res->outcome = EBM_EVOLVE_TWO_CYCLE;
            break;
        }
    }
    free(next);
    free(older);
    return EBM_OK;
}

/* Fields are kept up to date flip by flip, so a sweep that changes nothing
 * costs O(N) and a flip O(N); only the start pays O(N²). A fixed point is a
 * sweep without a flip, and that sweep counts in res->sweeps. */
static int evolve_state(const hopfield *m, float *state, const ebm_evolve *how,
                        ebm_rng *rng, ebm_evolve_result *res) {
    res->sweeps = 0;
    res->outcome = EBM_EVOLVE_LIMIT;
    res->flips = 0;
    if (how->mode == EBM_EVOLVE_RANDOM && !rng) return EBM_EINVAL;
    if (how->max_sweeps < 0) return EBM_EINVAL;
    size_t n = m->n;
    double *h = malloc((n ? n : 1) * sizeof *h);
    if (!h) return EBM_ENOMEM;
    for (size_t i = 0; i < n; i++) state[i] = state[i] > 0.0f ? 1.0f : -1.0f;
    local_fields(m, state, h);
    if (how->energy_trace) how->energy_trace[0] = energy_from_fields(m, state, h);
    int rc = how->mode == EBM_EVOLVE_SYNC
                 ? evolve_sync(m, state, h, how, res)
                 : evolve_async(m, state, h, how, rng, res);
    if (rc == EBM_OK) fill_trace(how, res->sweeps + 1, energy_from_fields(m, state, h));
    free(h);
    return rc;
}

/* ---------------------------------------------------------------- rules */

static void fit_hebbian(hopfield *m, const float *y, size_t p) {
    size_t n = m->n;
    if (p > 0)
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)p,
                    1.0f / (float)n, y, (int)n, 0.0f, m->w, (int)n);
    else
        memset(m->w, 0, n * n * sizeof *m->w);
    symmetrise_upper(m->w, n);
}

/* Storkey's rule with h_ij = g_i − w_ij ξ_j (g = Wξ, w_ii = 0) folds into
 *   Δw_ij = (1/N)(ξ_i ξ_j − ξ_i g_j − g_i ξ_j + 2 w_ij),
 * so each pattern costs one sgemv and one O(N²) pass. Only the upper
 * triangle is computed and then mirrored, so W stays exactly symmetric. */
static int fit_storkey(hopfield *m, const float *y, size_t p) {
    size_t n = m->n;
    float *g = malloc((n ? n : 1) * sizeof *g);
    if (!g) return EBM_ENOMEM;
    memset(m->w, 0, n * n * sizeof *m->w);
    float inv_n = 1.0f / (float)n, keep = 1.0f + 2.0f / (float)n;
    for (size_t mu = 0; mu < p; mu++) {
        const float *xi = y + mu * n;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)n, 1.0f, m->w,
                    (int)n, xi, 1, 0.0f, g, 1);
        for (size_t i = 0; i < n; i++) {
            float *row = m->w + i * n;
            float xi_i = xi[i], g_i = g[i];
            for (size_t j = i + 1; j < n; j++)
                row[j] = keep * row[j] +
                         inv_n * (xi_i * xi[j] - xi_i * g[j] - g_i * xi[j]);
        }
        symmetrise_upper(m->w, n);
    }
    free(g);
    return EBM_OK;
}

/* Projection rule W = Ξ(ΞᵀΞ)⁻¹Ξᵀ. With the Gram matrix G = L Lᵀ and
 * Z = L⁻¹Ξᵀ (P × N), W = ZᵀZ, symmetric by construction. The projection
 * has w_ii = ‖P e_i‖² < 1 on its diagonal; we zero it, as every rule does:
 * then W ξ = ξ becomes h_i = (1 − w_ii) ξ_i, the same sign, so every stored
 * pattern stays a fixed point (tested), and the dynamics keep their
 * energy-descent guarantee, which self-couplings would break. */
static int fit_pseudo_inverse(hopfield *m, const float *y, size_t p,
                              ebm_error *err) {
    size_t n = m->n;
    if (p == 0) {
        memset(m->w, 0, n * n * sizeof *m->w);
        return EBM_OK;
    }
    double *xd = malloc(p * n * sizeof *xd);
    double *gram = malloc(p * p * sizeof *gram);
    float *z = malloc(p * n * sizeof *z);
    int rc = EBM_ENOMEM;
    if (!xd || !gram || !z) {
        rc = ebm_fail(err, EBM_ENOMEM, "hopfield: pseudo_inverse: out of memory "
                      "for %zu patterns of %zu units", p, n);
        goto out;
    }
    for (size_t k = 0; k < p * n; k++) xd[k] = y[k];
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)p, (int)n, 1.0,
                xd, (int)n, 0.0, gram, (int)p);
    size_t bad = ebm_cholesky(gram, p, p, 1e-9);
    if (bad) {
        rc = ebm_fail(err, EBM_ENUMERIC,
                      "hopfield: rule pseudo_inverse: the %zu patterns are "
                      "linearly dependent (pattern %zu is a combination of the "
                      "ones before it%s), so their Gram matrix is singular; "
                      "store fewer, distinct patterns or use rule storkey",
                      p, bad, p >= n ? "; more patterns than units" : "");
        goto out;
    }
    ebm_cholesky_forward(gram, p, p, xd, n, n);
    for (size_t k = 0; k < p * n; k++) z[k] = (float)xd[k];
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)p, 1.0f, z,
                (int)n, 0.0f, m->w, (int)n);
    symmetrise_upper(m->w, n);
    rc = EBM_OK;
out:
    free(xd);
    free(gram);
    free(z);
    return rc;
}

/* ---------------------------------------------------------------- ops */

/* W is n x n for rows of n values: the data, not a key, decide its size. */
static void hopfield_size(const ebm_node *cfg, size_t data_dim, ebm_model_size *out) {
    (void)cfg;
    double n = (double)data_dim;
    *out = (ebm_model_size){.units = n, .params = n * n + n};
}

static int hopfield_create(const ebm_node *cfg, const ebm_dataset *train,
                           ebm_rng *rng, void **out, ebm_error *err) {
    (void)rng;
    *out = NULL;
    if (!train || train->dim == 0)
        return ebm_fail(err, EBM_EINVAL,
                        "hopfield: needs training data to fix the number of units");
    size_t n = train->dim;
    if (n > 32768)
        return ebm_fail(err, EBM_ELIMIT,
                        "hopfield: %zu units need a %zu x %zu weight matrix; "
                        "at most 32768 units are supported", n, n, n);
    const char *rule_name = ebm_cfg_str(cfg, "rule", "hebbian");
    int rule = rule_from_name(rule_name);
    if (rule < 0)
        return ebm_fail(err, EBM_ECONFIG, "hopfield: unknown rule '%s'", rule_name);
    hopfield *m = calloc(1, sizeof *m);
    if (!m) return ebm_fail(err, EBM_ENOMEM, "hopfield: out of memory");
    m->n = n;
    m->rule = (hopfield_rule)rule;
    m->learn_bias = ebm_cfg_bool(cfg, "bias", 0);
    m->evolve_steps = (int)ebm_cfg_int(cfg, "evolve_steps", 1);
    m->corrupt = ebm_cfg_double(cfg, "corrupt", 0.1);
    m->w = calloc(n * n, sizeof *m->w);
    m->b = calloc(n, sizeof *m->b);
    if (!m->w || !m->b) {
        free(m->w);
        free(m->b);
        free(m);
        return ebm_fail(err, EBM_ENOMEM,
                        "hopfield: out of memory for %zu x %zu weights", n, n);
    }
    *out = m;
    return EBM_OK;
}

static void hopfield_destroy(void *model) {
    hopfield *m = model;
    if (!m) return;
    free(m->w);
    free(m->b);
    free(m);
}

static size_t hopfield_units(void *model) { return ((hopfield *)model)->n; }

static double hopfield_energy(void *model, const float *state) {
    const hopfield *m = model;
    size_t n = m->n;
    double e = 0.0;
    for (size_t i = 0; i < n; i++) {
        const float *row = m->w + i * n;
        double s = 0.0;
        for (size_t j = 0; j < n; j++) s += (double)row[j] * state[j];
        e -= 0.5 * state[i] * s + (double)m->b[i] * state[i];
    }
    return e;
}

static int hopfield_params_of(void *model, ebm_tensor *out, int max) {
    hopfield *m = model;
    ebm_tensor t[2] = {
        {.name = "W", .data = m->w, .rank = 2, .shape = {m->n, m->n}},
        {.name = "b", .data = m->b, .rank = 1, .shape = {m->n}},
    };
    return ebm_tensor_list(out, max, t, 2);
}

static void hopfield_encode(void *model, const float *row, float *state) {
    encode_row(((hopfield *)model)->n, row, state);
}

static void hopfield_decode(void *model, const float *state, float *row) {
    size_t n = ((hopfield *)model)->n;
    for (size_t i = 0; i < n; i++) row[i] = state[i] > 0.0f ? 1.0f : 0.0f;
}

static void hopfield_flip_energies(void *model, const float *state,
                                   double *delta) {
    const hopfield *m = model;
    local_fields(m, state, delta);
    for (size_t i = 0; i < m->n; i++) delta[i] *= 2.0 * state[i];
}

/* E(y with y_i → −y_i) − E(y) = 2 y_i h_i, h_i = Σ_j w_ij y_j + b_i (w_ii = 0):
 * what the samplers use, O(N). */
static double hopfield_flip_energy(void *model, const float *state, size_t i) {
    const hopfield *m = model;
    const float *row = m->w + i * m->n;
    double h = m->b[i];
    for (size_t j = 0; j < m->n; j++) h += (double)row[j] * state[j];
    return 2.0 * state[i] * h;
}

static int hopfield_pairwise(void *model, ebm_pairwise *out) {
    const hopfield *m = model;
    *out = (ebm_pairwise){.w = m->w, .bias = m->b};
    return 1;
}

static void hopfield_flip_unit(void *model, float *state, size_t i) {
    (void)model;
    state[i] = state[i] > 0.0f ? -1.0f : 1.0f;
}

static void hopfield_unit_values(void *model, float *low, float *high) {
    const hopfield *m = model;
    for (size_t i = 0; i < m->n; i++) {
        low[i] = -1.0f;
        high[i] = 1.0f;
    }
}

static int hopfield_evolve(void *model, float *state, const ebm_evolve *how,
                           ebm_rng *rng, ebm_evolve_result *res) {
    return evolve_state(model, state, how, rng, res);
}

static int hopfield_fit(void *model, const ebm_dataset *train, ebm_rng *rng,
                        const volatile sig_atomic_t *stop, ebm_error *err) {
    (void)rng;
    (void)stop;
    hopfield *m = model;
    size_t n = m->n, p = train ? train->n : 0;
    if (train && train->dim != n)
        return ebm_fail(err, EBM_EDATA,
                        "hopfield: data rows have %zu values, the network %zu units",
                        train->dim, n);
    memset(m->b, 0, n * sizeof *m->b);
    if (m->rule == RULE_GRADIENT) {
        memset(m->w, 0, n * n * sizeof *m->w);
        return EBM_OK;
    }
    if (p > (size_t)INT32_MAX)
        return ebm_fail(err, EBM_ELIMIT, "hopfield: too many patterns (%zu)", p);
    float *y = malloc((p ? p : 1) * n * sizeof *y);
    if (!y)
        return ebm_fail(err, EBM_ENOMEM, "hopfield: out of memory for %zu patterns", p);
    for (size_t mu = 0; mu < p; mu++) encode_row(n, train->x + mu * n, y + mu * n);
    int rc = EBM_OK;
    switch (m->rule) {
    case RULE_HEBBIAN: fit_hebbian(m, y, p); break;
    case RULE_STORKEY:
        rc = fit_storkey(m, y, p);
        if (rc) ebm_fail(err, rc, "hopfield: storkey: out of memory");
        break;
    case RULE_PSEUDO_INVERSE: rc = fit_pseudo_inverse(m, y, p, err); break;
    case RULE_GRADIENT: break;
    }
    free(y);
    return rc;
}

/* Loss = mean over the batch of E(ξ) − E(ξ'), ξ' reached from ξ by flipping
 * each unit with probability `corrupt` and then `evolve_steps` asynchronous
 * sweeps. ∂E/∂w_ij = −y_i y_j, so grad W = −(1/n) Σ (ξξᵀ − ξ'ξ'ᵀ) off the
 * diagonal and grad b = −(1/n) Σ (ξ − ξ'); the runner steps W ← W − lr·grad. */
static int hopfield_gradient(void *model, const float *batch, size_t rows,
                             ebm_tensor *grads, ebm_rng *rng, ebm_error *err) {
    hopfield *m = model;
    size_t n = m->n;
    if (rows == 0) return ebm_fail(err, EBM_EINVAL, "hopfield: empty batch");
    if (!rng) return ebm_fail(err, EBM_EINVAL, "hopfield: gradient needs an rng");
    if (rows > (size_t)INT32_MAX)
        return ebm_fail(err, EBM_ELIMIT, "hopfield: batch of %zu rows", rows);
    float *pos = malloc(rows * n * sizeof *pos);
    float *neg = malloc(rows * n * sizeof *neg);
    if (!pos || !neg) {
        free(pos);
        free(neg);
        return ebm_fail(err, EBM_ENOMEM, "hopfield: out of memory for a batch "
                        "of %zu rows", rows);
    }
    ebm_evolve how = {.mode = EBM_EVOLVE_RANDOM, .max_sweeps = m->evolve_steps};
    for (size_t r = 0; r < rows; r++) {
        float *xi = pos + r * n, *y = neg + r * n;
        encode_row(n, batch + r * n, xi);
        for (size_t i = 0; i < n; i++)
            y[i] = ebm_rng_bernoulli(rng, m->corrupt) ? -xi[i] : xi[i];
        ebm_evolve_result res;
        int rc = evolve_state(m, y, &how, rng, &res);
        if (rc) {
            free(pos);
            free(neg);
            return ebm_fail(err, rc, "hopfield: evolving a negative: %s",
                            ebm_strerror(rc));
        }
    }
    float *gw = grads[0].data, *gb = grads[1].data;
    float inv = 1.0f / (float)rows;
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)rows, -inv,
                pos, (int)n, 0.0f, gw, (int)n);
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)rows, inv,
                neg, (int)n, 1.0f, gw, (int)n);
    symmetrise_upper(gw, n);
    memset(gb, 0, n * sizeof *gb);
    if (m->learn_bias) {
        for (size_t r = 0; r < rows; r++)
            for (size_t i = 0; i < n; i++)
                gb[i] -= inv * (pos[r * n + i] - neg[r * n + i]);
    }
    free(pos);
    free(neg);
    return EBM_OK;
}

/* Cross-field rules: which rules train over epochs, and which learn a bias. */
static void hopfield_check(const ebm_node *experiment, ebm_diags *diags) {
    const char *rule = ebm_cfg_str(experiment, "model.rule", "hebbian");
    if (rule_from_name(rule) < 0) return;   /* the validator reports it */
    int gradient = strcmp(rule, "gradient") == 0;
    long long epochs = (long long)ebm_cfg_int(experiment, "train.epochs", 0);
    if (gradient && epochs < 1) {
        ebm_mark at = ebm_mark_near(experiment, "model.rule");
        ebm_diags_add(diags,
                      "%s: model.rule: rule gradient learns over epochs "
                      "and needs train.epochs >= 1 (it is %lld)",
                      ebm_where_of(at).text, epochs);
    }
    if (!gradient && epochs > 0) {
        ebm_mark at = ebm_mark_near(experiment, "model.rule");
        ebm_diags_add(diags,
                      "%s: model.rule: rule %s is one-shot; train.epochs "
                      "applies to rule: gradient (train.epochs is %lld; set it "
                      "to 0 or use rule: gradient)",
                      ebm_where_of(at).text, rule, epochs);
    }
    if (!gradient && ebm_cfg_bool(experiment, "model.bias", 0)) {
        ebm_mark at = ebm_mark_near(experiment, "model.bias");
        ebm_diags_add(diags,
                      "%s: model.bias: bias: true needs rule: gradient; "
                      "rule %s is one-shot and keeps b = 0",
                      ebm_where_of(at).text, rule);
    }
}

static const ebm_model_binary hopfield_binary = {
    .xFlipEnergies = hopfield_flip_energies,
    .xFlipEnergy = hopfield_flip_energy,
    .xFlipUnit = hopfield_flip_unit,
    .xUnitValues = hopfield_unit_values,
    .xPairwise = hopfield_pairwise,
};

static const ebm_model_learning hopfield_learning = {
    .xGradient = hopfield_gradient,
};

static const ebm_model_dynamics hopfield_dynamics = {
    .xEvolve = hopfield_evolve,
};

const ebm_model_ops ebm_model_hopfield = {
    .info = {.version = EBM_MODEL_OPS_VERSION,
             .name = "hopfield",
             .help = "Hopfield network: +-1 units, E = -1/2 y'Wy - b'y, one-shot or "
                     "gradient learning, zero-temperature recall",
             .params = hopfield_params},
    .example = "{data: {type: random_patterns, dim: 8, count: 2}, model: {type: hopfield}}",
    .xCreate = hopfield_create,
    .xSize = hopfield_size,
    .xDestroy = hopfield_destroy,
    .xUnits = hopfield_units,
    .xEnergy = hopfield_energy,
    .xParams = hopfield_params_of,
    .xCheck = hopfield_check,
    .xFit = hopfield_fit,
    .xEncode = hopfield_encode,
    .xDecode = hopfield_decode,
    .binary = &hopfield_binary,
    .learning = &hopfield_learning,
    .dynamics = &hopfield_dynamics,
};
