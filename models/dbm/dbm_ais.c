/* dbm_ais.c — the `dbm_ais` estimator: log Z of a DBM by annealed importance
 * sampling from a base-rate model (Salakhutdinov & Hinton 2009), and the
 * variational lower bound on log p(v) from the mean-field posterior minus
 * log Ẑ. A DBM is bipartite between its odd layers (h1, h3, …) and its even
 * ones (v, h2, …): the runs' states hold the odd layers, the even layers are
 * summed out analytically in the weights and drawn only to move the chains
 * (block Gibbs: even given odd, then odd given even), every run a row of one
 * matrix, so each β step is a few GEMMs over all runs. One-hot labels go
 * with x_{L−1}'s parity: in the runs' states when that is odd, else summed
 * out (log Σ_c exp(β z_c), z = b_y + U x_L); the base draws them uniformly.
 * With labels, the bound and the likelihoods are those of (v, y). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbm.h"
#include "ais.h"
#include "estimator.h"
#include "fastmath.h"
#include "gemm.h"
#include "plugins.h"

extern const ebm_model_ops ebm_model_dbm;

static const ebm_param dbm_ais_params[] = {
    EBM_AIS_COMMON_PARAMS,
    {.name = "rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "the bound over the first this many rows of the split (0 = all)"},
    {.name = "start", .type = EBM_P_ENUM, .def = "noise", .choices = "noise|data",
     .help = "the base model's hidden units, where the forward runs start: fair "
             "coins (noise), or each unit on with its mean-field activation "
             "averaged over training rows (data), so the runs start near the "
             "states the data use; the visible units take the data's base rates "
             "either way"},
    {.name = "exact_max_units", .type = EBM_P_INT, .def = "0", .range = "[0, 30]",
     .help = "when > 0 and the DBM is small enough, also the exact log Z and "
             "log-likelihood (enumerating at most 2^this states a sum), the gap "
             "exact loglik - bound, log_z_error (AIS - exact), bound_below_exact "
             "(1 when the bound's interval starts at or below the exact value) "
             "and whether the sandwich holds it, to check them"},
    EBM_PARAM_END};

/* The annealed distributions p*_β(x) = exp(−(1−β) E_A(x) − β E(x)), E_A =
 * −Σ_l a_lᵀx_l (the base: independent units, v at the data's base rates,
 * the hidden units fair coins (a_l = 0) or, with start: data, at their mean
 * activations over training rows). With the even layers summed out, an even
 * layer's units see the input z = a + β d (d = its DBM input minus a), so
 *   log p*_β(odd) = Σ_{odd l} (a_l + β (b_l − a_l))ᵀx_l
 *                 + Σ_{even l} Σ_i softplus(a_i + β d_i),
 * plus β b_yᵀy for odd labels or log Σ_c exp(β z_c) for even ones. */
typedef struct ais_runs {
    ebm_dbm *m;
    size_t n, widest;
    float *states;      /* n × units: odd layers the chains, even ones scratch */
    float *in;          /* n × widest: one layer's inputs */
    float *gain;        /* n × widest: per-unit factors of the weight update */
    float *delta;       /* n × widest: each unit's input step δ = Δβ d */
    float *base[EBM_DBM_MAX_HIDDEN + 1];   /* a_l, borrowed from an ais_base */
    double *odd_diff;   /* units: b_l − a_l of the odd layers, at their offsets */
    double *log_w;
    ebm_rng *rngs;
} ais_runs;

static void runs_free(ais_runs *a) {
    free(a->states);
    free(a->in);
    free(a->gain);
    free(a->delta);
    free(a->odd_diff);
    free(a->log_w);
    free(a->rngs);
}

/* The base's log-odds a_l, computed once per evaluation and shared by the
 * forward runs and RAISE: v's from the training data's base rates, each
 * hidden layer's NULL (fair coins) or, with start: data, from its mean
 * activation over training rows. */
typedef struct ais_base {
    float *rates[EBM_DBM_MAX_HIDDEN + 1];
} ais_base;

static void base_free(ais_base *b) {
    for (int l = 0; l <= EBM_DBM_MAX_HIDDEN; l++) free(b->rates[l]);
    memset(b, 0, sizeof *b);
}

/* start: data — each hidden unit's base rate is its mean-field activation
 * averaged over (up to 10,000) training rows, kept in [1e-3, 1 − 1e-3]. */
static int hidden_base_from_data(ais_base *b, ebm_dbm *m, const ebm_dataset *d,
                                 ebm_error *err) {
    enum { MAX_ROWS = 10000, BLOCK = 500 };
    size_t rows = d->n < MAX_ROWS ? d->n : MAX_ROWS, units = m->units;
    double *sum = calloc(units, sizeof *sum);
    float *states = calloc(BLOCK * units, sizeof *states), *means = malloc(BLOCK * units * sizeof *means);
    int rc = sum && states && means ? EBM_OK
                                    : ebm_fail(err, EBM_ENOMEM, "dbm_ais: start: data buffers");
    for (int l = 1; !rc && l <= m->n_hidden_layers; l++)
        if (!(b->rates[l] = malloc(m->size[l] * sizeof *b->rates[l])))
            rc = ebm_fail(err, EBM_ENOMEM, "dbm_ais: base rates of layer %d", l);
    for (size_t first = 0; !rc && first < rows; first += BLOCK) {
        size_t n = rows - first < BLOCK ? rows - first : BLOCK;
        for (size_t r = 0; r < n; r++)
            memcpy(states + r * units, d->x + (first + r) * d->dim,
                   (m->size[0] + m->n_labels) * sizeof *states);
        rc = ebm_dbm_infer(m, states, n, &m->mean_field, means, NULL, NULL, err);
        for (size_t r = 0; !rc && r < n; r++)
            for (size_t u = 0; u < units; u++) sum[u] += means[r * units + u];
    }
    for (int l = 1; !rc && l <= m->n_hidden_layers; l++)
        for (size_t i = 0; i < m->size[l]; i++) {
            double p = fmin(fmax(sum[m->offset[l] + i] / (double)rows, 1e-3), 1 - 1e-3);
            b->rates[l][i] = (float)log(p / (1 - p));
        }
    free(sum);
    free(states);
    free(means);
    return rc;
}

static int base_init(ais_base *b, ebm_dbm *m, const ebm_eval *ev, ebm_error *err) {
    memset(b, 0, sizeof *b);
    if (!(b->rates[0] = malloc(m->size[0] * sizeof *b->rates[0])))
        return ebm_fail(err, EBM_ENOMEM, "dbm_ais: base rates of %zu visible units",
                        m->size[0]);
    /* Base rates from the training data (an evaluation given only its own
     * split uses that), as the RBM's AIS does; p kept in [1e-3, 1 − 1e-3]. */
    const ebm_dataset *d = ev->train && ev->train->n ? ev->train : ev->data;
    int usable = d && d->n && d->dim == m->size[0] + m->n_labels;
    for (size_t i = 0; i < m->size[0]; i++) {
        double sum = 0;
        for (size_t r = 0; usable && r < d->n; r++) sum += d->x[r * d->dim + i];
        double p = usable ? sum / (double)d->n : 0.5;
        p = fmin(fmax(p, 1e-3), 1 - 1e-3);
        b->rates[0][i] = (float)log(p / (1 - p));
    }
    int rc = EBM_OK;
    if (usable && strcmp(ebm_cfg_str(ev->cfg, "start", "noise"), "data") == 0)
        rc = hidden_base_from_data(b, m, d, err);
    if (rc) base_free(b);
    return rc;
}

static int runs_init(ais_runs *a, ebm_dbm *m, size_t n, const ais_base *base,
                     const ebm_eval *ev, ebm_error *err) {
    memset(a, 0, sizeof *a);
    a->m = m;
    a->n = n;
    a->widest = m->n_labels;
    for (int l = 0; l <= m->n_hidden_layers; l++)
        if (m->size[l] > a->widest) a->widest = m->size[l];
    a->states = calloc(n * m->units, sizeof *a->states);
    a->in = malloc(n * a->widest * sizeof *a->in);
    a->gain = malloc(n * a->widest * sizeof *a->gain);
    a->delta = malloc(n * a->widest * sizeof *a->delta);
    a->odd_diff = calloc(m->units, sizeof *a->odd_diff);
    a->log_w = calloc(n, sizeof *a->log_w);
    a->rngs = malloc(n * sizeof *a->rngs);
    if (!a->states || !a->in || !a->gain || !a->delta || !a->odd_diff || !a->log_w ||
        !a->rngs) {
        runs_free(a);
        return ebm_fail(err, EBM_ENOMEM, "dbm_ais: buffers for %zu runs of %zu units", n,
                        m->units);
    }
    memcpy(a->base, base->rates, sizeof a->base);
    for (int l = 1; l <= m->n_hidden_layers; l += 2)
        for (size_t i = 0; i < m->size[l]; i++)
            a->odd_diff[m->offset[l] + i] =
                (double)m->bias[l][i] - (a->base[l] ? a->base[l][i] : 0.0);
    for (size_t r = 0; r < n; r++) ebm_rng_derive(&a->rngs[r], ev->rng, r);
    return EBM_OK;
}

/* Labels odd (in the runs' states): L even. */
static int labels_odd(const ebm_dbm *m) {
    return m->n_labels && m->n_hidden_layers % 2 == 0;
}

/* log Z_A: Σ_l Σ_i softplus(a_l,i) (log 2 for a fair coin), the label
 * uniform over its K classes. */
static double base_log_z(const ais_runs *a) {
    const ebm_dbm *m = a->m;
    size_t coins = 0;
    for (int l = 1; l <= m->n_hidden_layers; l++)
        if (!a->base[l]) coins += m->size[l];
    double log_z = (double)coins * log(2.0);
    if (m->n_labels) log_z += log((double)m->n_labels);
    for (int l = 0; l <= m->n_hidden_layers; l++)
        for (size_t i = 0; a->base[l] && i < m->size[l]; i++)
            log_z += ebm_softplus(a->base[l][i]);
    return log_z;
}

/* The exact sample of the base's odd layers: each unit on with σ(a_l,i)
 * (a fair coin, one bit of the stream, without base rates). */
static void sample_base(ais_runs *a) {
    const ebm_dbm *m = a->m;
    for (size_t r = 0; r < a->n; r++)
        for (int l = 1; l <= m->n_hidden_layers; l += 2) {
            float *x = a->states + r * m->units + m->offset[l];
            const float *rate = a->base[l];
            for (size_t i = 0; i < m->size[l]; i++) {
                int on = rate ? ebm_rng_uniform(&a->rngs[r]) < 1 / (1 + exp(-rate[i]))
                              : (int)(ebm_rng_u64(&a->rngs[r]) >> 63);
                x[i] = on ? 1.0f : 0.0f;
            }
        }
    if (!labels_odd(m)) return;
    for (size_t r = 0; r < a->n; r++) {
        float *y = a->states + r * m->units + m->label_offset;
        uint64_t pick = ebm_rng_below(&a->rngs[r], m->n_labels);
        for (size_t c = 0; c < m->n_labels; c++) y[c] = c == pick ? 1.0f : 0.0f;
    }
}

/* Even labels summed out: log Σ_c exp(β z_c) − log Σ_c exp(β_prev z_c) =
 * log(1 + Σ_c p_c expm1(Δβ z_c)), p = softmax(β_prev z), per run, added
 * to log_w; z = b_y + U x_L from the runs' (odd) top layer. */
static void even_labels_delta(ais_runs *a, double beta_prev, double dbeta) {
    const ebm_dbm *m = a->m;
    size_t k = m->n_labels;
    ebm_dbm_label_input(m, a->states, a->n, a->in, k);
    for (size_t r = 0; r < a->n; r++) {
        const float *z = a->in + r * k;
        double top = -INFINITY, norm = 0, gain = 0;
        for (size_t c = 0; c < k; c++) top = fmax(top, beta_prev * z[c]);
        for (size_t c = 0; c < k; c++) {
            double p = exp(beta_prev * z[c] - top);
            norm += p;
            gain += p * expm1(dbeta * z[c]);
        }
        a->log_w[r] += log1p(gain / norm);
    }
}

/* One row of an even layer: z0 = a + β_prev d, δ = Δβ d, and
 *   softplus(z0 + δ) − softplus(z0) = log(1 + σ(z0)(e^δ − 1))            (δ ≥ 0)
 *                                  = δ + log(1 + σ(−z0)(e^{−δ} − 1))     (δ < 0),
 * exact identities whose factors are ≥ 1, so float keeps the digits of a
 * difference that Δβ = 1e-5 makes tiny. gain receives each factor − 1 and
 * delta each δ; in becomes the new input z0 + δ, which the draw needs. */
static EBM_HOT_LOOP void even_terms(float *restrict in, const float *restrict base,
                                     size_t width, float beta_prev, float dbeta,
                                     float *restrict gain, float *restrict delta_out) {
    for (size_t i = 0; i < width; i++) {
        float a = base ? base[i] : 0.0f, d = in[i] - a;
        float z0 = a + beta_prev * d, delta = dbeta * d;
        float s = delta >= 0 ? -z0 : z0;   /* σ(±z0) = 1 / (1 + e^{s}) */
        float y = fabsf(delta);
        gain[i] = ebm_fast_expm1f_nonneg(y < 60.0f ? y : 60.0f) / (1.0f + ebm_fast_expf(s));
        in[i] = z0 + delta;
        delta_out[i] = delta;
    }
}

/* Σ_i [softplus(z0_i + δ_i) − softplus(z0_i)] of one row from even_terms'
 * factors, multiplied in double and one log taken (ebm_ais_factor_sums); a
 * step too large for the factors (|δ| ≥ 60, coarse linear schedules) is
 * taken in double from the new input z1 directly. */
static double row_delta(const float *z1, const float *gain, const float *delta,
                        size_t width) {
    double log_product, positive, negative;
    int large = ebm_ais_factor_sums(gain, delta, 1.0f, width, &log_product, &positive,
                                    &negative);
    double sum = negative + log_product;
    for (size_t i = 0; large && i < width; i++)
        if (fabsf(delta[i]) >= 60.0f)
            sum += ebm_softplus(z1[i]) - ebm_softplus((double)z1[i] - delta[i]);
    return sum;
}

/* One annealing step β_prev → β: every even layer's input from the odd
 * layers (one or two GEMMs), the weights updated, then (unless last) the
 * even layers drawn and the odd layers given them, at β going forward and
 * at β_prev going back (RAISE: back_draw). */
static void step(ais_runs *a, double beta_prev, double beta, int last, int back_draw) {
    ebm_dbm *m = a->m;
    size_t units = m->units, n = a->n;
    int L = m->n_hidden_layers;
    double dbeta = beta - beta_prev;
    #pragma omp parallel for schedule(static) if (n * units > EBM_PARALLEL_MIN)
    for (size_t r = 0; r < n; r++) {
        double odd_bias = 0;
        for (int l = 1; l <= L; l += 2)
            odd_bias += ebm_ais_dot(a->odd_diff + m->offset[l],
                                    a->states + r * units + m->offset[l], m->size[l]);
        if (labels_odd(m)) {
            const float *y = a->states + r * units + m->label_offset;
            for (size_t c = 0; c < m->n_labels; c++) odd_bias += (double)m->label_bias[c] * y[c];
        }
        a->log_w[r] += dbeta * odd_bias;
    }
    for (int l = 0; l <= L; l += 2) {
        size_t width = m->size[l];
        const float *base = a->base[l];
        ebm_dbm_layer_input(m, l, a->states, n, a->in, width);
        #pragma omp parallel for schedule(static) if (n * width > EBM_PARALLEL_MIN)
        for (size_t r = 0; r < n; r++) {
            float *in = a->in + r * width, *gain = a->gain + r * width,
                  *delta = a->delta + r * width;
            even_terms(in, base, width, (float)beta_prev, (float)dbeta, gain, delta);
            a->log_w[r] += row_delta(in, gain, delta, width);
            if (back_draw)   /* the input at β_prev: z0 = z1 − δ */
                for (size_t i = 0; i < width; i++) in[i] -= delta[i];
        }
        if (!last)
            ebm_rbm_sample_layer(a->in, width, a->states + m->offset[l], units, n, width, 0,
                                 1.0f, a->rngs, NULL);
    }
    float draw = (float)(back_draw ? beta_prev : beta);
    if (m->n_labels && !labels_odd(m)) {
        even_labels_delta(a, beta_prev, dbeta);
        if (!last) ebm_dbm_sample_labels(m, a->states, n, draw, a->rngs, a->in);
    }
    if (last) return;
    for (int l = 1; l <= L; l += 2) {
        size_t width = m->size[l];
        const float *base = a->base[l];
        ebm_dbm_layer_input(m, l, a->states, n, a->in, width);
        if (base) {   /* the input a + β (in − a), drawn at β = 1 */
            #pragma omp parallel for schedule(static) if (n * width > EBM_PARALLEL_MIN)
            for (size_t r = 0; r < n; r++) {
                float *in = a->in + r * width;
                for (size_t i = 0; i < width; i++) in[i] = base[i] + draw * (in[i] - base[i]);
            }
        }
        ebm_rbm_sample_layer(a->in, width, a->states + m->offset[l], units, n, width, 0,
                             base ? 1.0f : draw, a->rngs, NULL);
    }
    if (labels_odd(m)) ebm_dbm_sample_labels(m, a->states, n, draw, a->rngs, a->in);
}

static ebm_ais_result summarise(const ais_runs *a) {
    return ebm_ais_summarise(a->log_w, a->n, base_log_z(a));
}

/* 2 when RAISE follows the forward pass (the sandwich is on and there are
 * rows to start it from), else 1: the passes the progress line counts. */
static int with_raise(const ebm_eval *ev) {
    return ev->data && ev->data->n && ebm_cfg_bool(ev->cfg, "sandwich", 1) ? 2 : 1;
}

/* Forward AIS: log Ẑ with its interval and ESS, and the halves' gap. */
static int ais_log_z(ebm_dbm *m, const ebm_eval *ev, const ais_base *base,
                     ebm_ais_result *res, double *halves, ebm_error *err) {
    size_t count;
    double *beta = ebm_ais_schedule(ev->cfg, &count);
    if (!beta) return ebm_fail(err, EBM_ENOMEM, "dbm_ais: schedule");
    ais_runs a;
    int rc = runs_init(&a, m, (size_t)ebm_cfg_int(ev->cfg, "runs", 100), base, ev, err);
    if (rc) {
        free(beta);
        return rc;
    }
    sample_base(&a);
    for (size_t k = 1; k < count; k++) {
        if ((rc = ebm_ais_tick(ev, "dbm_ais: forward", k, count - 1, 0, with_raise(ev),
                               err)))
            break;
        step(&a, beta[k - 1], beta[k], k == count - 1, 0);
    }
    if (!rc) {
        *res = summarise(&a);
        *halves = ebm_ais_halves_gap(a.log_w, a.n, base_log_z(&a));
    }
    runs_free(&a);
    free(beta);
    return rc;
}

/* log p*(v, y, odd layers) of each run's state, v and the labels y held
 * at the data and the even hidden layers summed out:
 *   Σ_odd b_lᵀx_l + vᵀ(b_0 + W_1 x_1) + Σ_{even l ≥ 2} Σ_i softplus(in_i)
 * plus b_yᵀy when the labels are odd (x_L's input holds yU), or yᵀ(b_y +
 * U x_L) when they are even. */
static void joint_log(ais_runs *a, double *out) {
    const ebm_dbm *m = a->m;
    size_t units = m->units, n = a->n, k = m->n_labels;
    if (k && !labels_odd(m)) ebm_dbm_label_input(m, a->states, n, a->in, k);
    for (size_t r = 0; r < n; r++) {
        double sum = 0;
        for (int l = 1; l <= m->n_hidden_layers; l += 2) {
            const float *x = a->states + r * units + m->offset[l];
            for (size_t i = 0; i < m->size[l]; i++) sum += (double)m->bias[l][i] * x[i];
        }
        const float *y = a->states + r * units + m->label_offset;
        const float *z = labels_odd(m) ? m->label_bias : a->in + r * k;
        for (size_t c = 0; c < k; c++) sum += (double)z[c] * y[c];
        out[r] = sum;
    }
    for (int l = 0; l <= m->n_hidden_layers; l += 2) {
        size_t width = m->size[l];
        ebm_dbm_layer_input(m, l, a->states, n, a->in, width);
        for (size_t r = 0; r < n; r++) {
            const float *in = a->in + r * width, *v = a->states + r * units;
            double sum = 0;
            for (size_t i = 0; i < width; i++)
                sum += l == 0 ? (double)v[i] * in[i] : ebm_softplus(in[i]);
            out[r] += sum;
        }
    }
}

/* RAISE (Burda, Grosse & Salakhutdinov 2015) from n rows (states holding v,
 * and y with labels): the odd layers start from the mean-field posterior
 * q(x | v), a product of Bernoullis (its density known, so any q keeps the
 * bound), and the forward transitions then run backwards from β = 1 to the
 * base, summing the same increments Δ_k at the states they leave:
 *   log p̂(v) = log p*(v, x_K) − log q(x_K | v) − log Z_A − Σ_k Δ_k(x_{k−1}),
 * a stochastic lower bound on log p_ann(v). With labels v stands for (v, y)
 * throughout: q and p* hold y at the data, and the first transition (at
 * β = 1) lets it go. ref receives each row's log p*(v, x_K) − log q(x_K | v),
 * a one-sample estimate of log p*(v). */
static int raise_rows(const ebm_eval *ev, ebm_dbm *m, const ais_base *base,
                      const float *rows_states, size_t n, double *log_p, double *ref,
                      ebm_error *err) {
    size_t count, units = m->units;
    double *beta = ebm_ais_schedule(ev->cfg, &count);
    float *means = malloc(n * units * sizeof *means);
    if (!beta || !means) {
        free(beta);
        free(means);
        return ebm_fail(err, EBM_ENOMEM, "dbm_ais: RAISE buffers for %zu rows", n);
    }
    ebm_rng raise_rng;
    ebm_rng_named(&raise_rng, ev->rng, "raise");
    ebm_eval reverse = *ev;
    reverse.rng = &raise_rng;
    ais_runs a;
    int rc = runs_init(&a, m, n, base, &reverse, err);
    int have_runs = rc == EBM_OK;
    ebm_dbm_mean_field clamped = m->mean_field;
    clamped.free_labels = 0;
    if (!rc) rc = ebm_dbm_infer(m, rows_states, n, &clamped, means, NULL, NULL, err);
    for (size_t r = 0; !rc && r < n; r++) {
        float *x = a.states + r * units;
        memcpy(x, rows_states + r * units, (m->size[0] + m->n_labels) * sizeof *x);
        double log_q = 0;
        for (int l = 1; l <= m->n_hidden_layers; l += 2)
            for (size_t i = 0; i < m->size[l]; i++) {
                size_t u = m->offset[l] + i;
                double mu = fmin(fmax(means[r * units + u], 1e-6), 1 - 1e-6);
                x[u] = ebm_rng_uniform(&a.rngs[r]) < mu ? 1.0f : 0.0f;
                log_q += log(x[u] > 0 ? mu : 1 - mu);
            }
        ref[r] = -log_q;
    }
    if (!rc) {
        joint_log(&a, log_p);
        for (size_t r = 0; r < n; r++) ref[r] += log_p[r];
        /* x_{K−1} ~ T_K(· | x_K): Δβ = 0 adds nothing to the weights */
        step(&a, 1.0, 1.0, 0, 0);
    }
    for (size_t k = count - 1; !rc && k >= 1; k--) {
        if ((rc = ebm_ais_tick(ev, "dbm_ais: RAISE", count - k, count - 1, 1, 2, err)))
            break;
        step(&a, beta[k - 1], beta[k], k == 1, 1);
    }
    for (size_t r = 0; !rc && r < n; r++) log_p[r] = ref[r] - base_log_z(&a) - a.log_w[r];
    if (have_runs) runs_free(&a);
    free(means);
    free(beta);
    return rc;
}

/* RAISE on raise_rows of the rows used, and the sandwich, logged. Its
 * upper end needs log p*(v), known only when exact_max_units lets the free
 * energy be summed; otherwise it stays open (+∞): the mean-field bound
 * minus log Ẑ errs in both directions and bounds nothing. */
static int log_sandwich(const ebm_eval *ev, ebm_dbm *m, const ais_base *base,
                        const float *states, size_t rows, const ebm_ais_result *res,
                        double halves, ebm_error *err) {
    size_t units = m->units, n = (size_t)ebm_cfg_int(ev->cfg, "raise_rows", 100);
    if (n > rows) n = rows;
    float *chosen = malloc(n * units * sizeof *chosen);
    double *log_p = malloc(3 * n * sizeof *log_p);
    if (!chosen || !log_p) {
        free(chosen);
        free(log_p);
        return ebm_fail(err, EBM_ENOMEM, "dbm_ais: RAISE estimates of %zu rows", n);
    }
    double *ref = log_p + n, *free_energy = log_p + 2 * n;
    for (size_t r = 0; r < n; r++)
        memcpy(chosen + r * units, states + ebm_raise_row(r, n, rows) * units,
               units * sizeof *chosen);
    int rc = raise_rows(ev, m, base, chosen, n, log_p, ref, err);
    double neg_f_mean = NAN;
    int max_bits = (int)ebm_cfg_int(ev->cfg, "exact_max_units", 0);
    if (!rc && max_bits > 0) {
        rc = ebm_dbm_free_energy(m, chosen, n, max_bits, free_energy, err);
        neg_f_mean = 0;
        for (size_t r = 0; !rc && r < n; r++) neg_f_mean -= free_energy[r] / (double)n;
    }
    if (!rc) {
        ebm_sandwich s = ebm_ais_sandwich(log_p, ref, n, neg_f_mean, res, halves,
                                          (size_t)ebm_cfg_int(ev->cfg, "runs", 100), ev->cfg);
        const char *names[8];
        double values[8];
        int k = ebm_sandwich_metrics(&s, names, values);
        for (int i = 0; !rc && i < k; i++) rc = ebm_log_metric(ev->log, names[i], values[i], err);
        /* With the exact log Z: does the sandwich hold the truth of its rows? */
        double log_z = 0;
        if (!rc && max_bits > 0 && !(rc = ebm_dbm_log_z(m, max_bits, &log_z, err))) {
            double exact = neg_f_mean - log_z;
            rc = ebm_log_metric(ev->log, "sandwich_exact", exact, err);
            if (!rc)
                rc = ebm_log_metric(ev->log, "sandwich_holds_exact",
                                    s.lo <= exact && exact <= s.hi ? 1.0 : 0.0, err);
        }
    }
    free(chosen);
    free(log_p);
    return rc;
}

/* The split's first `rows` rows as DBM states (v, hidden 0), binary
 * (ebm_eval_binary_rows). */
static float *split_states(const ebm_eval *ev, const ebm_dbm *m, size_t rows,
                           ebm_error *err) {
    ebm_dataset copy;
    const ebm_dataset *d = ebm_eval_binary_rows(ev, rows, &copy, err);
    float *states = d ? calloc(rows * m->units, sizeof *states) : NULL;
    if (d && !states) ebm_fail(err, EBM_ENOMEM, "dbm: %zu states of %zu units", rows, m->units);
    for (size_t r = 0; states && r < rows; r++)
        memcpy(states + r * m->units, d->x + r * d->dim,
               (m->size[0] + m->n_labels) * sizeof *states);
    ebm_dataset_free(&copy);
    return states;
}

int ebm_dbm_mean_bound(ebm_dbm *m, const float *states, size_t rows, double *mean,
                       ebm_error *err) {
    enum { ROWS_PER_BLOCK = 1000 };
    size_t block = rows < ROWS_PER_BLOCK ? rows : ROWS_PER_BLOCK;
    float *means = malloc((block ? block : 1) * m->units * sizeof *means);
    double *bound = malloc((block ? block : 1) * sizeof *bound);
    int rc = means && bound ? EBM_OK
                            : ebm_fail(err, EBM_ENOMEM, "dbm: mean-field buffers");
    double total = 0;
    for (size_t start = 0; !rc && start < rows; start += block) {
        size_t n = rows - start < block ? rows - start : block;
        rc = ebm_dbm_infer(m, states + start * m->units, n, &m->mean_field, means, NULL,
                           NULL, err);
        if (rc) break;
        ebm_dbm_bound(m, means, n, bound);
        for (size_t r = 0; r < n; r++) total += bound[r];
    }
    free(means);
    free(bound);
    *mean = rows ? total / (double)rows : 0.0;
    return rc;
}

/* The exact log Z and mean log-likelihood, when exact_max_units allows, and
 * whether the forward-only figure (mean-field bound − log Ẑ, low end
 * bound − log_z_hi) really lies below the truth: when AIS misses a mode it
 * does not, however healthy its interval looks. */
static int log_exact(const ebm_eval *ev, ebm_dbm *m, const float *states, size_t rows,
                     double mean_bound, const ebm_ais_result *res, ebm_error *err) {
    int max_bits = (int)ebm_cfg_int(ev->cfg, "exact_max_units", 0);
    double log_z, *free_energy = malloc((rows ? rows : 1) * sizeof *free_energy);
    if (!free_energy) return ebm_fail(err, EBM_ENOMEM, "dbm_ais: %zu free energies", rows);
    int rc = ebm_dbm_log_z(m, max_bits, &log_z, err);
    if (!rc) rc = ebm_dbm_free_energy(m, states, rows, max_bits, free_energy, err);
    double loglik = 0;
    for (size_t r = 0; !rc && r < rows; r++) loglik -= free_energy[r];
    free(free_energy);
    if (rc) return ebm_error_prefix(err, "dbm_ais: exact_max_units");
    loglik = loglik / (double)rows - log_z;
    rc = ebm_log_metric(ev->log, "log_z_exact", log_z, err);
    if (!rc) rc = ebm_log_metric(ev->log, "loglik_exact", loglik, err);
    if (!rc) rc = ebm_log_metric(ev->log, "gap", loglik - (mean_bound - res->log_z), err);
    if (!rc) rc = ebm_log_metric(ev->log, "log_z_error", res->log_z - log_z, err);
    if (!rc)
        rc = ebm_log_metric(ev->log, "bound_below_exact",
                            mean_bound - res->log_z_hi <= loglik ? 1.0 : 0.0, err);
    return rc;
}

/* What dbm_ais_evaluate logs about the data rows once log Z is known: the
 * mean-field bound, the exact value when the model is small enough, and
 * RAISE's sandwich. */
static int log_likelihoods(const ebm_eval *ev, ebm_dbm *m, const ais_base *base,
                           const ebm_ais_result *res, double halves, ebm_error *err) {
    double log_z = res->log_z, lo = res->log_z_lo, hi = res->log_z_hi;
    const ebm_dataset *d = ev->data;
    if (d->dim != m->size[0] + m->n_labels)
        return ebm_fail(err, EBM_EDATA, "dbm_ais: data rows have %zu values, the dbm %zu "
                        "visible and %zu label units", d->dim, m->size[0], m->n_labels);
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > d->n) rows = d->n;
    float *states = split_states(ev, m, rows, err);
    if (!states) return err ? err->code : EBM_ENOMEM;
    double bound = 0;
    int rc = ebm_dbm_mean_bound(m, states, rows, &bound, err);
    /* A low log Z means a high bound: the interval's ends swap. */
    if (!rc) rc = ebm_log_metric(ev->log, "loglik_bound", bound - log_z, err);
    if (!rc) rc = ebm_log_metric(ev->log, "loglik_bound_lo", bound - hi, err);
    if (!rc) rc = ebm_log_metric(ev->log, "loglik_bound_hi", bound - lo, err);
    if (!rc && ebm_cfg_int(ev->cfg, "exact_max_units", 0) > 0)
        rc = log_exact(ev, m, states, rows, bound, res, err);
    if (!rc && with_raise(ev) == 2)
        rc = log_sandwich(ev, m, base, states, rows, res, halves, err);
    free(states);
    return rc;
}

static int dbm_ais_evaluate(const ebm_eval *ev, ebm_error *err) {
    ebm_dbm *m = ev->model;
    ebm_ais_result res = {0};
    double halves = 0;
    ais_base base;
    int rc = base_init(&base, m, ev, err);
    if (rc) return rc;
    rc = ais_log_z(m, ev, &base, &res, &halves, err);
    double log_z = res.log_z, lo = res.log_z_lo, hi = res.log_z_hi;
    if (!rc) rc = ebm_log_metric(ev->log, "log_z", log_z, err);
    if (!rc) rc = ebm_log_metric(ev->log, "log_z_lo", lo, err);
    if (!rc) rc = ebm_log_metric(ev->log, "log_z_hi", hi, err);
    if (!rc) rc = ebm_log_metric(ev->log, "ess", res.ess, err);
    if (!rc && ev->data && ev->data->n) rc = log_likelihoods(ev, m, &base, &res, halves, err);
    base_free(&base);
    return rc;
}

const ebm_estimator_ops ebm_estimator_dbm_ais = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "dbm_ais",
             .help = "DBM log Z by annealed importance sampling (even layers summed "
                     "out, block Gibbs over odd/even), +-3 sd bounds, the mean-field "
                     "bound on log p(v), and RAISE's lower end of the sandwich",
             .params = dbm_ais_params},
    .xEvaluate = dbm_ais_evaluate,
    .model_type = "dbm",
};
