/* rbm_ais.c — the `ais` estimator: log Z of an RBM by annealed importance
 * sampling from a base-rate model (Salakhutdinov & Murray 2008), every run a
 * row of one matrix so that each β step is two GEMMs over all runs; and
 * RAISE, the same chains run backwards from data rows, for a stochastic lower
 * bound on the log-likelihood (Burda, Grosse & Salakhutdinov 2015). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais.h"
#include "estimator.h"
#include "fastmath.h"
#include "rbm.h"
#include "plugins.h"

extern const ebm_model_ops ebm_model_rbm;

static const ebm_param ais_params[] = {
    EBM_AIS_COMMON_PARAMS,
    {.name = "rows", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "log-likelihood over the first this many rows of the split (0 = all)"},
    EBM_PARAM_END};

void ebm_rbm_base_rates(const ebm_rbm *m, const float *x, size_t rows, size_t ld,
                        float *b_base) {
    for (size_t i = 0; i < m->n_visible; i++) {
        double sum = 0;
        for (size_t r = 0; r < rows; r++) sum += x[r * ld + i];
        double mean = rows ? sum / (double)rows : (m->gaussian ? 0.0 : 0.5);
        if (m->gaussian) {
            b_base[i] = (float)mean;
        } else {
            double p = fmin(fmax(mean, 1e-3), 1 - 1e-3);
            b_base[i] = (float)log(p / (1 - p));
        }
    }
}

/* The runs' state. Both models share B's hidden units: at β = 0 they are
 * uncoupled fair coins (the base model A, whose own hidden units have zero
 * weights and never touch v, so they need no sampling), at β = 1 they are
 * B's. The intermediate distributions, hidden units summed out, are
 *   log p*_β(v) = (1−β) a(v) + β m(v) + Σ_j softplus(β (c_j + (vW)_j)),
 * a and m the base's and the model's visible terms (b_Aᵀv, bᵀv, or for
 * Gaussian units −½‖v − b_A‖², −½‖v − b‖²). Their difference is linear in v:
 * m(v) − a(v) = (b − b_A)ᵀv + visible_const. */
typedef struct ais_runs {
    ebm_rbm *m;
    size_t n;              /* runs */
    float *v, *x, *h, *vin;   /* n × n_visible, n × n_hidden (×2), n × n_visible */
    size_t width;             /* max(n_visible, n_hidden): the rows below */
    float *u;                 /* each row's uniforms */
    float *p, *gain;          /* each row's σ(βx) and q (e^{|Δβ x|} − 1) */
    float *b_base;
    double *b_diff, visible_const;
    double *log_w;
    ebm_rng *rngs;
} ais_runs;

static void runs_free(ais_runs *a) {
    free(a->v);
    free(a->x);
    free(a->h);
    free(a->vin);
    free(a->u);
    free(a->p);
    free(a->gain);
    free(a->b_base);
    free(a->b_diff);
    free(a->log_w);
    free(a->rngs);
}

static int runs_init(ais_runs *a, ebm_rbm *m, size_t n, const ebm_eval *ev,
                     ebm_error *err) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    memset(a, 0, sizeof *a);
    a->m = m;
    a->n = n;
    a->v = malloc(n * nv * sizeof *a->v);
    a->vin = malloc(n * nv * sizeof *a->vin);
    a->x = malloc(n * nh * sizeof *a->x);
    a->h = malloc(n * nh * sizeof *a->h);
    a->width = nv > nh ? nv : nh;
    a->u = malloc(n * a->width * sizeof *a->u);
    a->p = malloc(n * a->width * sizeof *a->p);
    a->gain = malloc(n * a->width * sizeof *a->gain);
    a->b_base = malloc(nv * sizeof *a->b_base);
    a->b_diff = malloc(nv * sizeof *a->b_diff);
    a->log_w = calloc(n, sizeof *a->log_w);
    a->rngs = malloc(n * sizeof *a->rngs);
    if (!a->v || !a->vin || !a->x || !a->h || !a->u || !a->p || !a->gain || !a->b_base || !a->b_diff || !a->log_w ||
        !a->rngs) {
        runs_free(a);
        return ebm_fail(err, EBM_ENOMEM, "ais: buffers for %zu runs of %zu x %zu", n,
                        nv, nh);
    }
    /* The base rates come from the training data; an evaluation given only
     * its own split (a test, `ebm sample`) uses that. */
    const ebm_dataset *d = ev->train && ev->train->n ? ev->train : ev->data;
    if (d && d->n && d->dim == nv)
        ebm_rbm_base_rates(m, d->x, d->n, d->dim, a->b_base);
    else
        ebm_rbm_base_rates(m, NULL, 0, nv, a->b_base);
    double base_sq = 0, model_sq = 0;
    for (size_t i = 0; i < nv; i++) {
        a->b_diff[i] = (double)m->b[i] - a->b_base[i];
        base_sq += (double)a->b_base[i] * a->b_base[i];
        model_sq += (double)m->b[i] * m->b[i];
    }
    a->visible_const = m->gaussian ? 0.5 * (base_sq - model_sq) : 0.0;
    for (size_t r = 0; r < n; r++) ebm_rng_derive(&a->rngs[r], ev->rng, r);
    return EBM_OK;
}

/* log Z_A: the base's visible units and n_hidden fair coins. */
static double base_log_z(const ais_runs *a) {
    const ebm_rbm *m = a->m;
    double log_z = (double)m->n_hidden * log(2.0);
    if (m->gaussian) return log_z + 0.5 * (double)m->n_visible * log(2 * M_PI);
    for (size_t i = 0; i < m->n_visible; i++) log_z += ebm_softplus(a->b_base[i]);
    return log_z;
}

/* v ~ p_A exactly: independent units with the base rates. */
static void sample_base(ais_runs *a) {
    size_t nv = a->m->n_visible;
    for (size_t r = 0; r < a->n; r++) {
        float *v = a->v + r * nv;
        ebm_rng *rng = &a->rngs[r];
        for (size_t i = 0; i < nv; i++) {
            if (a->m->gaussian)
                v[i] = a->b_base[i] + (float)ebm_rng_normal(rng);
            else
                v[i] = ebm_rng_uniformf(rng) * (1.0f + expf(-a->b_base[i])) < 1.0f;
        }
    }
}

/* One row's hidden units at β (input x, step Δβ): p = σ(βx) and
 * gain = q (e^{|Δβ x|} − 1) with q = σ(−|βx|), see weigh_and_sample_hidden. */
static EBM_HOT_LOOP void hidden_terms(const float *restrict x, size_t nh, float beta,
                                   float dbeta, float *restrict p,
                                   float *restrict gain) {
    for (size_t j = 0; j < nh; j++) {
        float z = fabsf(beta * x[j]), y = fabsf(dbeta * x[j]);
        float q = 1.0f / (1.0f + ebm_fast_expf(z));
        gain[j] = q * ebm_fast_expm1f_nonneg(y);
        p[j] = x[j] > 0 ? 1.0f - q : q;
    }
}

/* RAISE's hidden probabilities at its drawing β: p = σ(βx). */
static EBM_HOT_LOOP void probabilities_at(const float *restrict x, size_t nh, float beta,
                                          float *restrict p) {
    for (size_t j = 0; j < nh; j++) p[j] = 1.0f / (1.0f + ebm_fast_expf(-beta * x[j]));
}

/* One row of Bernoulli visible units from their input z:
 * u < σ(z) ⇔ u (1 + e^{−z}) < 1. */
static EBM_HOT_LOOP void bernoulli_draws(const float *restrict in,
                                      const float *restrict b_base, size_t nv,
                                      float beta, const float *restrict u,
                                      float *restrict v) {
    float base = 1.0f - beta;
    for (size_t i = 0; i < nv; i++) {
        float z = base * b_base[i] + beta * in[i];
        v[i] = u[i] * (1.0f + ebm_fast_expf(-z)) < 1.0f ? 1.0f : 0.0f;
    }
}

/* The units ebm_ais_factor_sums leaves out, |y| ≥ 60 (a huge step): y if
 * positive, minus log(1 + q(e^{|y|} − 1)) ≈ softplus(|y| + log q). */
static double large_steps(const float *x, size_t nh, float beta, float dbeta) {
    double sum = 0;
    for (size_t j = 0; j < nh; j++) {
        float y = dbeta * x[j];
        if (fabsf(y) < 60.0f) continue;
        sum += (y > 0 ? (double)y : 0.0) -
               ebm_softplus(fabs((double)y) - ebm_softplus(fabs((double)beta * x[j])));
    }
    return sum;
}

/* log p*_β(v) − log p*_{β_prev}(v), hidden part: Σ_j softplus(z_j) −
 * softplus(z_j − y_j) with z = βx, y = Δβ·x. With q = σ(−|z|) ≤ ½,
 *   z ≤ 0:  −log(1 + q (e^{−y} − 1)),     z > 0:  y − log(1 + q (e^{y} − 1)),
 * exact identities whose factors are ≥ 1 (y has the sign of z) and keep
 * float's digits when Δβ = 1e-5 makes the difference tiny; the factors are
 * multiplied in double and one log taken per row (ebm_ais_factor_sums; a
 * factor is below 2, as |y| ≤ |z|). q also gives σ(z), the probability the
 * hidden draw needs. Hidden input x = c + vW, one GEMM, serves both. Unless
 * last, h ~ p(h | v) at draw_beta: β going forward, β_prev going back
 * (RAISE). Rows are independent (each its own stream), so they are shared
 * among threads. */
static void weigh_and_sample_hidden(ais_runs *a, double beta_prev, double beta,
                                    int last, double draw_beta) {
    ebm_rbm *m = a->m;
    size_t nv = m->n_visible, nh = m->n_hidden, width = a->width;
    ebm_rbm_hidden_input(m, a->v, nv, a->n, a->x, nh);
    float b = (float)beta, db = (float)(beta - beta_prev);
    #pragma omp parallel for schedule(static)
    for (size_t r = 0; r < a->n; r++) {
        const float *v = a->v + r * nv, *x = a->x + r * nh;
        float *h = a->h + r * nh, *p = a->p + r * width, *gain = a->gain + r * width,
              *u = a->u + r * width;
        hidden_terms(x, nh, b, db, p, gain);
        double log_product, positive, negative;
        int large = ebm_ais_factor_sums(gain, x, db, nh, &log_product, &positive, &negative);
        double hidden = positive - log_product + (large ? large_steps(x, nh, b, db) : 0.0);
        double visible = a->visible_const + ebm_ais_dot(a->b_diff, v, nv);
        a->log_w[r] += (beta - beta_prev) * visible + hidden;
        if (last) continue;
        if (draw_beta != beta) probabilities_at(x, nh, (float)draw_beta, p);
        ebm_rng_fill_uniformf(&a->rngs[r], u, nh);
        for (size_t j = 0; j < nh; j++) h[j] = u[j] < p[j] ? 1.0f : 0.0f;
    }
}

/* v ~ p(v | h) at β, where the base and the model mix their visible terms:
 * input (1−β) b_A + β (b + Wh); unit variance for Gaussian units at every β,
 * since their quadratic terms weigh (1−β) + β = 1. */
static void sample_visible(ais_runs *a, double beta) {
    ebm_rbm *m = a->m;
    size_t nv = m->n_visible, nh = m->n_hidden, width = a->width;
    ebm_rbm_visible_input(m, a->h, nh, a->n, a->vin, nv);
    float b = (float)beta, base = (float)(1.0 - beta);
    #pragma omp parallel for schedule(static)
    for (size_t r = 0; r < a->n; r++) {
        const float *in = a->vin + r * nv;
        float *v = a->v + r * nv, *u = a->u + r * width;
        ebm_rng *rng = &a->rngs[r];
        if (m->gaussian) {
            for (size_t i = 0; i < nv; i++)
                v[i] = base * a->b_base[i] + b * in[i] + (float)ebm_rng_normal(rng);
        } else {
            ebm_rng_fill_uniformf(rng, u, nv);
            bernoulli_draws(in, a->b_base, nv, b, u, v);
        }
    }
}

static ebm_ais_result summarise(const ais_runs *a) {
    return ebm_ais_summarise(a->log_w, a->n, base_log_z(a));
}

/* Mean of −F(v) over the first `rows` rows of the split (all when 0). */
static int mean_neg_free_energy(const ebm_eval *ev, ebm_rbm *m, double *out,
                                ebm_error *err) {
    const ebm_dataset *d = ev->data;
    if (d->dim != m->n_visible)
        return ebm_fail(err, EBM_EDATA, "ais: data rows have %zu values, the rbm %zu "
                        "visible units", d->dim, m->n_visible);
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > d->n) rows = d->n;
    double *neg_f = malloc(rows * sizeof *neg_f);
    if (!neg_f) return ebm_fail(err, EBM_ENOMEM, "ais: %zu free energies", rows);
    int rc = ebm_rbm_log_unnormalized(m, d->x, d->dim, rows, 1.0, neg_f, err);
    double total = 0;
    for (size_t r = 0; !rc && r < rows; r++) total += neg_f[r];
    free(neg_f);
    *out = total / (double)rows;
    return rc;
}

static int log_results(const ebm_eval *ev, ebm_rbm *m, const ebm_ais_result *res,
                       ebm_error *err) {
    int rc = ebm_log_metric(ev->log, "log_z", res->log_z, err);
    if (!rc) rc = ebm_log_metric(ev->log, "log_z_lo", res->log_z_lo, err);
    if (!rc) rc = ebm_log_metric(ev->log, "log_z_hi", res->log_z_hi, err);
    if (!rc && ev->data && ev->data->n) {
        double neg_f = 0;
        rc = mean_neg_free_energy(ev, m, &neg_f, err);
        /* A low log Z means a high likelihood: the bounds swap. */
        if (!rc) rc = ebm_log_metric(ev->log, "loglik", neg_f - res->log_z, err);
        if (!rc) rc = ebm_log_metric(ev->log, "loglik_lo", neg_f - res->log_z_hi, err);
        if (!rc) rc = ebm_log_metric(ev->log, "loglik_hi", neg_f - res->log_z_lo, err);
    }
    if (!rc) rc = ebm_log_metric(ev->log, "ess", res->ess, err);
    return rc;
}

/* RAISE: a chain per chosen row runs the forward chains' transitions in
 * reverse order, from the row (β = 1) down to the base (β = 0), and sums
 * the same weight increments Δ_k(x) = log p*_k(x) − log p*_{k−1}(x) at the
 * state x_{k−1} each transition T_k leaves; then
 *   log p̂(v) = log p*(v) − log Z_A − Σ_k Δ_k(x_{k−1}),
 * whose expectation is at most log p_ann(v), the likelihood of the annealed
 * model the forward chains define (it approaches p(v) as the schedule
 * lengthens). T_k (h given v, then v given h, hidden summed out) is
 * reversible, so it is its own reversal. Fills log_p[0..n) and, in neg_f,
 * log p*(v) of the same rows. */
static int raise_rows(const ebm_eval *ev, ebm_rbm *m, const double *beta, size_t count,
                      size_t rows, size_t n, double *log_p, double *neg_f,
                      ebm_error *err) {
    const ebm_dataset *d = ev->data;
    size_t nv = m->n_visible;
    ebm_rng raise_rng;
    ebm_rng_named(&raise_rng, ev->rng, "raise");
    ebm_eval reverse = *ev;
    reverse.rng = &raise_rng;
    ais_runs a;
    int rc = runs_init(&a, m, n, &reverse, err);
    if (rc) return rc;
    for (size_t r = 0; r < n; r++)
        memcpy(a.v + r * nv, d->x + ebm_raise_row(r, n, rows) * d->dim, nv * sizeof *a.v);
    rc = ebm_rbm_log_unnormalized(m, a.v, nv, n, 1.0, neg_f, err);
    /* x_{K−1} ~ T_K(· | v): Δβ = 0 adds nothing to the weights */
    if (!rc) {
        weigh_and_sample_hidden(&a, 1.0, 1.0, 0, 1.0);
        sample_visible(&a, 1.0);
    }
    for (size_t k = count - 1; !rc && k >= 1; k--) {
        if ((rc = ebm_ais_tick(ev, "ais: RAISE", count - k, count - 1, 1, 2, err))) break;
        int last = k == 1;
        weigh_and_sample_hidden(&a, beta[k - 1], beta[k], last, beta[k - 1]);
        if (!last) sample_visible(&a, beta[k - 1]);
    }
    double log_z_base = base_log_z(&a);
    for (size_t r = 0; !rc && r < n; r++) log_p[r] = neg_f[r] - log_z_base - a.log_w[r];
    runs_free(&a);
    return rc;
}

/* RAISE on `raise_rows` of the split, and the sandwich with the forward
 * result, logged. */
static int log_sandwich(const ebm_eval *ev, ebm_rbm *m, const double *beta, size_t count,
                        const ais_runs *forward, const ebm_ais_result *res,
                        ebm_error *err) {
    const ebm_dataset *d = ev->data;   /* its width checked by log_results */
    size_t rows = (size_t)ebm_cfg_int(ev->cfg, "rows", 0);
    if (rows == 0 || rows > d->n) rows = d->n;
    size_t n = (size_t)ebm_cfg_int(ev->cfg, "raise_rows", 100);
    if (n > rows) n = rows;
    double *log_p = malloc(2 * n * sizeof *log_p);
    if (!log_p) return ebm_fail(err, EBM_ENOMEM, "ais: RAISE estimates of %zu rows", n);
    double *neg_f = log_p + n;
    int rc = raise_rows(ev, m, beta, count, rows, n, log_p, neg_f, err);
    if (!rc) {
        double neg_f_mean = 0;
        for (size_t r = 0; r < n; r++) neg_f_mean += neg_f[r] / (double)n;
        double halves = ebm_ais_halves_gap(forward->log_w, forward->n, base_log_z(forward));
        ebm_sandwich s = ebm_ais_sandwich(log_p, neg_f, n, neg_f_mean, res, halves, forward->n,
                                          ev->cfg);
        const char *names[8];
        double values[8];
        int k = ebm_sandwich_metrics(&s, names, values);
        for (int i = 0; !rc && i < k; i++) rc = ebm_log_metric(ev->log, names[i], values[i], err);
    }
    free(log_p);
    return rc;
}

static int ais_evaluate(const ebm_eval *ev, ebm_error *err) {
    ebm_rbm *m = ev->model;
    size_t count;
    double *beta = ebm_ais_schedule(ev->cfg, &count);
    if (!beta) return ebm_fail(err, EBM_ENOMEM, "ais: schedule");
    ais_runs a;
    int rc = runs_init(&a, m, (size_t)ebm_cfg_int(ev->cfg, "runs", 100), ev, err);
    if (rc) {
        free(beta);
        return rc;
    }
    sample_base(&a);
    int sandwich = ev->data && ev->data->n && ebm_cfg_bool(ev->cfg, "sandwich", 1);
    for (size_t k = 1; k < count; k++) {
        if ((rc = ebm_ais_tick(ev, "ais: forward", k, count - 1, 0, 1 + sandwich, err))) break;
        int last = k == count - 1;
        weigh_and_sample_hidden(&a, beta[k - 1], beta[k], last, beta[k]);
        if (!last) sample_visible(&a, beta[k]);
    }
    /* The likelihoods are of binary rows, the same ones forward and back. */
    ebm_eval scored = *ev;
    ebm_dataset drawn = {0};
    if (!rc && ev->data && ev->data->n &&
        !(scored.data = ebm_eval_binary_rows(ev, (size_t)ebm_cfg_int(ev->cfg, "rows", 0),
                                             &drawn, err)))
        rc = EBM_ENOMEM;
    if (!rc) {
        ebm_ais_result res = summarise(&a);
        rc = log_results(&scored, m, &res, err);
        if (!rc && sandwich)
            rc = log_sandwich(&scored, m, beta, count, &a, &res, err);
    }
    ebm_dataset_free(&drawn);
    runs_free(&a);
    free(beta);
    return rc;
}

const ebm_estimator_ops ebm_estimator_ais = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "ais",
             .help = "RBM log Z by annealed importance sampling from the data base "
                     "rates, +-3 sd bounds, log-likelihood, and its sandwich: RAISE "
                     "from data rows below, forward AIS above, with a verdict",
             .params = ais_params},
    .xEvaluate = ais_evaluate,
    .model_type = "rbm",
};
