/* test_model_properties.c — every registered model's ops against its own
 * energy, walking the registry so a new model is covered by this file
 * without a line added here: each model's example experiment is built with
 * random biases (never zero, so no term can hide), and for random states
 *  - every single-flip difference equals E(flipped) − E(state), and the
 *    all-units version equals the one-unit one;
 *  - Gibbs updates with part of the data units clamped leave them alone and
 *    draw the free units from their exact conditional (enumeration, TV);
 *  - the free energy and log Z equal their sums by enumeration;
 *  - ∂E/∂θ (xEnergyGrad) and ∂E/∂x (xStateGrad) equal finite differences, the
 *    exact posterior statistics (xPositiveGrad) the enumerated average, and
 *    batched energies the one-by-one ones;
 *  - zero-temperature dynamics never raise the energy;
 *  - no sampler that supports the model moves a clamped unit. */
#include "test.h"

#include <stdint.h>

#include "catalog.h"
#include "contract.h"
#include "registry.h"
#include "runner.h"
#include "validate.h"

#define MAX_TENSORS 16

typedef struct subject {
    const ebm_model_ops *ops;
    void *model;
    ebm_node *cfg;
    ebm_dataset train, valid;
    size_t units;
    float *low, *high;   /* binary models: each unit's two values */
    ebm_tensor params[MAX_TENSORS];
    int n_params;
    double temperature;
    unsigned char *clamp;   /* every other data unit (every other unit without a mask) */
} subject;

/* A failed property names the model and goes on: one run shows every breach. */
#define CHECK(s, cond, ...)                                                    \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: model %s: ", __FILE__, __LINE__,           \
                    (s)->ops->info.name);                                      \
            fprintf(stderr, __VA_ARGS__);                                      \
            fprintf(stderr, "\n");                                             \
            test_failures_++;                                                  \
        }                                                                      \
    } while (0)

static void close_subject(subject *s) {
    if (s->model) s->ops->xDestroy(s->model);
    ebm_dataset_free(&s->train);
    ebm_dataset_free(&s->valid);
    ebm_node_free(s->cfg);
    free(s->low);
    free(s->high);
    free(s->clamp);
    memset(s, 0, sizeof *s);
}

static int open_subject(const ebm_model_ops *ops, subject *s) {
    memset(s, 0, sizeof *s);
    s->ops = ops;
    ebm_diags diags = {0};
    s->cfg = ebm_model_example_config(ops, &diags);
    for (int i = 0; i < diags.n; i++) fprintf(stderr, "  %s\n", diags.items[i]);
    ebm_diags_free(&diags);
    if (!s->cfg) return -1;
    ebm_rng root;
    ebm_rng_seed(&root, 1);
    ebm_error err = {0};
    const ebm_model_ops *made = NULL;
    if (ebm_setup_data(s->cfg, &root, &s->train, &s->valid, &err) ||
        ebm_setup_model(s->cfg, &root, &s->train, 1, NULL, &made, &s->model, &err)) {
        fprintf(stderr, "  model %s: %s\n", ops->info.name, err.msg);
        return -1;
    }
    s->units = ops->xUnits(s->model);
    s->temperature = ebm_model_temperature(ops, s->model);
    s->n_params = ops->xParams(s->model, s->params, MAX_TENSORS);
    /* Random biases: every rank-1 tensor, uniform in (−1, 1) away from 0. */
    ebm_rng rng;
    ebm_rng_named(&rng, &root, ops->info.name);
    for (int t = 0; t < s->n_params; t++) {
        if (s->params[t].rank != 1) continue;
        for (size_t i = 0; i < ebm_tensor_size(&s->params[t]); i++) {
            double u = ebm_rng_uniform(&rng);
            s->params[t].data[i] = (float)((u < 0.5 ? -1 : 1) * (0.2 + 0.8 * u));
        }
    }
    s->clamp = calloc(s->units, 1);
    const unsigned char *mask = ebm_model_data_mask(ops, s->model);
    for (size_t i = 0, k = 0; i < s->units; i++)
        if (!mask || mask[i]) s->clamp[i] = (unsigned char)(k++ % 2 == 0);
    if (ebm_model_has_binary(ops)) {
        s->low = malloc(s->units * sizeof *s->low);
        s->high = malloc(s->units * sizeof *s->high);
        ebm_model_unit_values(ops, s->model, s->low, s->high);
    }
    return 0;
}

static int binary(const subject *s) { return ebm_model_all_binary(s->ops, s->model); }

static void random_state(const subject *s, ebm_rng *rng, float *x) {
    for (size_t i = 0; i < s->units; i++)
        x[i] = binary(s) ? ((ebm_rng_u64(rng) >> 63) ? s->high[i] : s->low[i])
                         : (float)ebm_rng_normal(rng);
}

static double energy(const subject *s, const float *x) { return s->ops->xEnergy(s->model, x); }

/* log Σ exp(−E/T) over the 2^k states of the listed units, the others as in x. */
static double log_sum_over(const subject *s, float *x, const size_t *units, size_t k) {
    double top = -INFINITY, sum = 0;
    double *e = malloc(((size_t)1 << k) * sizeof *e);
    for (size_t code = 0; code < ((size_t)1 << k); code++) {
        for (size_t j = 0; j < k; j++)
            x[units[j]] = (code >> j) & 1 ? s->high[units[j]] : s->low[units[j]];
        e[code] = -energy(s, x) / s->temperature;
        if (e[code] > top) top = e[code];
    }
    for (size_t code = 0; code < ((size_t)1 << k); code++) sum += exp(e[code] - top);
    free(e);
    return top + log(sum);
}

static void check_flips(const subject *s, ebm_rng *rng) {
    float *x = malloc(s->units * sizeof *x), *y = malloc(s->units * sizeof *y);
    double *delta = malloc(s->units * sizeof *delta);
    for (int trial = 0; trial < 4; trial++) {
        random_state(s, rng, x);
        double e = energy(s, x);
        ebm_model_flip_energies(s->ops, s->model, x, delta);
        for (size_t i = 0; i < s->units; i++) {
            memcpy(y, x, s->units * sizeof *y);
            ebm_model_flip_unit(s->ops, s->model, y, i);
            size_t changed = 0;
            for (size_t j = 0; j < s->units; j++) changed += y[j] != x[j];
            CHECK(s, changed == 1 && y[i] == (x[i] == s->low[i] ? s->high[i] : s->low[i]),
                  "flipping unit %zu changed %zu units", i, changed);
            double want = energy(s, y) - e;
            double got = ebm_model_flip_energy(s->ops, s->model, x, i);
            CHECK(s, fabs(got - want) <= 1e-4 * (1 + fabs(e)),
                  "flip energy of unit %zu is %.6g, E(flipped) - E is %.6g", i, got, want);
            CHECK(s, fabs(delta[i] - got) <= 1e-4 * (1 + fabs(e)),
                  "all-units flip energy of unit %zu is %.6g, the one-unit op %.6g", i,
                  delta[i], got);
        }
    }
    free(x);
    free(y);
    free(delta);
}

/* A model that says its energy is dense pairwise (xPairwise) has exactly
 * that energy: −½ xᵀWx − Σ_i (b_i + field) x_i equals xEnergy. */
static void check_pairwise(const subject *s, ebm_rng *rng) {
    ebm_pairwise pw;
    if (!ebm_model_pairwise(s->ops, s->model, &pw)) return;
    float *x = malloc(s->units * sizeof *x);
    size_t n = s->units;
    for (int trial = 0; trial < 4; trial++) {
        random_state(s, rng, x);
        double e = 0.0;
        for (size_t i = 0; i < n; i++) {
            CHECK(s, pw.w[i * n + i] == 0.0f, "pairwise W has w_%zu%zu = %g", i, i,
                  pw.w[i * n + i]);
            e -= ((pw.bias ? pw.bias[i] : 0.0) + pw.field) * x[i];
            for (size_t j = 0; j < n; j++) {
                CHECK(s, pw.w[i * n + j] == pw.w[j * n + i], "pairwise W is not symmetric");
                e -= 0.5 * pw.w[i * n + j] * x[i] * x[j];
            }
        }
        CHECK(s, fabs(e - energy(s, x)) <= 1e-5 * (1 + fabs(e)),
              "pairwise energy %.8g, xEnergy %.8g", e, energy(s, x));
    }
    free(x);
}

/* Gibbs with part of the data clamped: clamped units stay, and the free units'
 * histogram over many chains matches their exact conditional. */
static void check_conditionals(const subject *s, ebm_rng *rng) {
    size_t free_units[24], k = 0;
    for (size_t i = 0; i < s->units && k < 24; i++)
        if (!s->clamp[i]) free_units[k++] = i;
    if (k > 10) return;   /* the histogram would need too many chains */
    const size_t chains = 20000;
    float *x = malloc(chains * s->units * sizeof *x), *base = malloc(s->units * sizeof *base);
    random_state(s, rng, base);
    for (size_t c = 0; c < chains; c++) {
        random_state(s, rng, x + c * s->units);
        for (size_t i = 0; i < s->units; i++)
            if (s->clamp[i]) x[c * s->units + i] = base[i];
    }
    ebm_chains ch = {.n = chains, .units = s->units, .x = x, .clamped = s->clamp};
    ebm_error err = {0};
    ebm_rng gibbs_rng;
    ebm_rng_derive(&gibbs_rng, rng, 7);
    int rc = ebm_gibbs_steps(s->ops, s->model, &ch, 30, 1.0, &gibbs_rng, NULL, &err);
    CHECK(s, rc == EBM_OK, "gibbs: %s", err.msg);
    double *count = calloc((size_t)1 << k, sizeof *count);
    size_t moved = 0;
    for (size_t c = 0; c < chains; c++) {
        const float *xc = x + c * s->units;
        size_t code = 0;
        for (size_t i = 0; i < s->units; i++) moved += s->clamp[i] && xc[i] != base[i];
        for (size_t j = 0; j < k; j++)
            code |= (size_t)(xc[free_units[j]] == s->high[free_units[j]]) << j;
        count[code]++;
    }
    CHECK(s, moved == 0, "gibbs moved clamped units %zu times", moved);
    double log_z = log_sum_over(s, base, free_units, k), tv = 0;
    for (size_t code = 0; code < ((size_t)1 << k); code++) {
        for (size_t j = 0; j < k; j++)
            base[free_units[j]] =
                (code >> j) & 1 ? s->high[free_units[j]] : s->low[free_units[j]];
        double p = exp(-energy(s, base) / s->temperature - log_z);
        tv += 0.5 * fabs(count[code] / (double)chains - p);
    }
    /* E[TV] ≈ ½ Σ √(p/n) ≤ ½ √(2^k / n) = 0.11 at k = 10; a wrong conditional
     * is off by far more. */
    double bound = 0.5 * sqrt((double)((size_t)1 << k) / (double)chains) * 2.5 + 0.01;
    CHECK(s, tv <= bound, "free units' histogram is %.3f (TV) from the exact conditional "
          "(bound %.3f)", tv, bound);
    free(count);
    free(x);
    free(base);
}

/* The units the data do not fill (hidden units), at most max of them. */
static size_t hidden_units(const subject *s, size_t *out, size_t max) {
    const unsigned char *mask = ebm_model_data_mask(s->ops, s->model);
    size_t k = 0;
    for (size_t i = 0; mask && i < s->units; i++)
        if (!mask[i] && k < max) out[k++] = i;
    return k;
}

static void check_free_energy_and_log_z(const subject *s, ebm_rng *rng) {
    size_t hidden[20];
    size_t k = hidden_units(s, hidden, 20);
    float *x = malloc(s->units * sizeof *x);
    ebm_error err = {0};
    for (int trial = 0; k <= 16 && trial < 3; trial++) {
        random_state(s, rng, x);
        double f = 0;
        CHECK(s, ebm_model_free_energy(s->ops, s->model, x, 1, &f, &err) == EBM_OK, "%s",
              err.msg);
        double want = -s->temperature * log_sum_over(s, x, hidden, k);
        CHECK(s, fabs(f - want) <= 1e-4 * (1 + fabs(want)),
              "free energy %.6g, by enumeration %.6g", f, want);
    }
    if (s->units <= 18) {
        size_t all[18];
        for (size_t i = 0; i < s->units; i++) all[i] = i;
        double log_z = 0;
        CHECK(s, ebm_model_log_partition(s->ops, s->model, 20, &log_z, &err) == EBM_OK, "%s",
              err.msg);
        double want = log_sum_over(s, x, all, s->units);
        CHECK(s, fabs(log_z - want) <= 1e-4 * (1 + fabs(want)),
              "log Z %.8g, by enumeration %.8g", log_z, want);
    }
    free(x);
}

/* grads of one state by the op, against central differences of E. A square
 * tensor that is symmetric holds one parameter per pair: both entries move
 * together (and a zero diagonal is no parameter). */
static void check_energy_grad(const subject *s, ebm_rng *rng) {
    ebm_tensor grads[MAX_TENSORS];
    float *x = malloc(s->units * sizeof *x);
    random_state(s, rng, x);
    for (int t = 0; t < s->n_params; t++) {
        grads[t] = s->params[t];
        grads[t].data = calloc(ebm_tensor_size(&s->params[t]), sizeof(float));
    }
    ebm_error err = {0};
    CHECK(s, ebm_model_energy_grad(s->ops, s->model, x, 1, 1.0, grads, &err) == 0, "%s",
          err.msg);
    for (int t = 0; t < s->n_params; t++) {
        const ebm_tensor *p = &s->params[t];
        size_t size = ebm_tensor_size(p), rows = p->rank == 2 ? p->shape[0] : 1;
        int pairs = p->rank == 2 && p->shape[0] == p->shape[1];
        for (size_t i = 0; pairs && i < rows; i++)
            for (size_t j = 0; j < i; j++) pairs &= p->data[i * rows + j] == p->data[j * rows + i];
        for (size_t at = 0; at < size; at += 1 + size / 40) {
            size_t i = at / (pairs ? rows : 1), j = at % (pairs ? rows : 1);
            size_t mirror = pairs ? j * rows + i : at;
            if (pairs && i == j && p->data[at] == 0) continue;
            float keep = p->data[at], keep_mirror = p->data[mirror];
            const float h = 1e-2f;
            p->data[at] = keep + h;
            if (mirror != at) p->data[mirror] = keep_mirror + h;
            double up = energy(s, x);
            p->data[at] = keep - h;
            if (mirror != at) p->data[mirror] = keep_mirror - h;
            double down = energy(s, x);
            p->data[at] = keep;
            p->data[mirror] = keep_mirror;
            double fd = (up - down) / (2 * h), got = grads[t].data[at];
            CHECK(s, fabs(got - fd) <= 2e-2 * (1 + fabs(fd)),
                  "dE/d%s[%zu] is %.5g, finite differences %.5g", p->name, at, got, fd);
        }
    }
    for (int t = 0; t < s->n_params; t++) free(grads[t].data);
    free(x);
}

static void check_state_grad_and_energies(const subject *s, ebm_rng *rng) {
    enum { N = 5 };
    float *x = malloc(N * s->units * sizeof *x), *grad = malloc(N * s->units * sizeof *grad);
    double batch[N];
    for (int r = 0; r < N; r++) random_state(s, rng, x + r * s->units);
    ebm_error err = {0};
    CHECK(s, ebm_model_energies(s->ops, s->model, x, N, batch, &err) == EBM_OK, "%s", err.msg);
    for (int r = 0; r < N; r++)
        CHECK(s, fabs(batch[r] - energy(s, x + r * s->units)) <= 1e-5 * (1 + fabs(batch[r])),
              "batched energy %d is %.7g, one by one %.7g", r, batch[r],
              energy(s, x + r * s->units));
    if (!ebm_model_has_state_grad(s->ops)) goto done;
    CHECK(s, ebm_model_state_grad(s->ops, s->model, x, N, grad, &err) == EBM_OK, "%s", err.msg);
    for (int r = 0; r < N; r++)
        for (size_t i = 0; i < s->units; i++) {
            float *xr = x + r * s->units, keep = xr[i];
            const float h = 1e-2f;
            xr[i] = keep + h;
            double up = energy(s, xr);
            xr[i] = keep - h;
            double down = energy(s, xr);
            xr[i] = keep;
            double fd = (up - down) / (2 * h);
            CHECK(s, fabs(grad[r * s->units + i] - fd) <= 2e-2 * (1 + fabs(fd)),
                  "dE/dx[%zu] of state %d is %.5g, finite differences %.5g", i, r,
                  grad[r * s->units + i], fd);
        }
done:
    free(x);
    free(grad);
}

/* With an exact posterior, the data term is Σ_h p(h|v) ∂E(v,h)/∂θ. */
static void check_positive_grad(const subject *s, ebm_rng *rng) {
    size_t hidden[16];
    size_t k = hidden_units(s, hidden, 16);
    if (!ebm_model_exact_posterior(s->ops) || k == 0 || k > 12) return;
    float *x = malloc(s->units * sizeof *x);
    random_state(s, rng, x);
    ebm_tensor got[MAX_TENSORS], want[MAX_TENSORS];
    for (int t = 0; t < s->n_params; t++) {
        got[t] = want[t] = s->params[t];
        got[t].data = calloc(ebm_tensor_size(&s->params[t]), sizeof(float));
        want[t].data = calloc(ebm_tensor_size(&s->params[t]), sizeof(float));
    }
    ebm_error err = {0};
    CHECK(s, ebm_model_positive_grad(s->ops, s->model, x, 1, 1.0, got, &err) == EBM_OK, "%s",
          err.msg);
    double log_z = log_sum_over(s, x, hidden, k);
    for (size_t code = 0; code < ((size_t)1 << k); code++) {
        for (size_t j = 0; j < k; j++)
            x[hidden[j]] = (code >> j) & 1 ? s->high[hidden[j]] : s->low[hidden[j]];
        double p = exp(-energy(s, x) / s->temperature - log_z);
        ebm_model_energy_grad(s->ops, s->model, x, 1, p, want, &err);
    }
    for (int t = 0; t < s->n_params; t++)
        for (size_t i = 0; i < ebm_tensor_size(&s->params[t]); i++)
            CHECK(s, fabs(got[t].data[i] - want[t].data[i]) <= 1e-4,
                  "posterior statistic %s[%zu] is %.6g, by enumeration %.6g", got[t].name, i,
                  got[t].data[i], want[t].data[i]);
    for (int t = 0; t < s->n_params; t++) {
        free(got[t].data);
        free(want[t].data);
    }
    free(x);
}

static void check_dynamics(const subject *s, ebm_rng *rng) {
    enum { SWEEPS = 20 };
    float *x = malloc(s->units * sizeof *x);
    double trace[SWEEPS + 1];
    for (int trial = 0; trial < 4; trial++) {
        random_state(s, rng, x);
        ebm_evolve how = {.mode = EBM_EVOLVE_RANDOM, .max_sweeps = SWEEPS,
                          .energy_trace = trace};
        ebm_evolve_result res;
        ebm_model_evolve(s->ops, s->model, x, &how, rng, &res);
        for (int t = 1; t <= SWEEPS; t++)
            CHECK(s, trace[t] <= trace[t - 1] + 1e-6 * (1 + fabs(trace[t - 1])),
                  "asynchronous dynamics raised the energy at sweep %d: %.6g -> %.6g", t,
                  trace[t - 1], trace[t]);
    }
    free(x);
}

/* The example with one sample estimator using the sampler, validated so every
 * default is filled as in a run; NULL when it does not validate. */
static int supports(const ebm_sampler_ops *sampler, const ebm_model_ops *ops) {
    char why[320];
    return !sampler->xSupports || sampler->xSupports(ops, why, sizeof why);
}

/* A sampler that nests another (short_run) gets the first one that moves the
 * model and nests none itself. */
static const char *nested(const ebm_sampler_ops *sampler, const ebm_model_ops *ops,
                          char *out, size_t size) {
    out[0] = '\0';
    for (const ebm_param *p = sampler->info.params; p && p->name; p++) {
        if (p->type != EBM_P_PLUGIN || !(p->flags & EBM_PF_REQUIRED)) continue;
        const ebm_sampler_ops *inner;
        for (int i = 0; (inner = ebm_sampler_at(i)); i++) {
            char none[8];
            if (inner != sampler && supports(inner, ops) && !nested(inner, ops, none, 1) &&
                inner->training == EBM_CHAINS_NONE) {
                snprintf(out, size, ", %s: {type: %s}", p->name, inner->info.name);
                break;
            }
        }
    }
    return out[0] ? out : NULL;
}

static ebm_node *sampler_experiment(const subject *s, const ebm_sampler_ops *sampler) {
    ebm_node *experiment = ebm_node_clone(s->cfg);
    char override[300], inner[100];
    nested(sampler, s->ops, inner, sizeof inner);
    snprintf(override, sizeof override,
             "log.estimators=[{type: sample, chains: 2, sampler: {type: %s%s}}]",
             sampler->info.name, inner);
    ebm_diags diags = {0};
    if (!experiment || ebm_cfg_apply_override(experiment, override, 0, &diags) != EBM_OK ||
        ebm_cfg_validate(experiment, &diags) != 0) {
        for (int i = 0; i < diags.n; i++) fprintf(stderr, "  %s\n", diags.items[i]);
        ebm_node_free(experiment);
        experiment = NULL;
    }
    ebm_diags_free(&diags);
    return experiment;
}

/* Returns how many samplers ran. */
static int check_samplers_keep_clamps(const subject *s, ebm_rng *rng) {
    const ebm_sampler_ops *sampler;
    int ran = 0;
    for (int i = 0; (sampler = ebm_sampler_at(i)); i++) {
        if (!supports(sampler, s->ops)) continue;
        ebm_node *experiment = sampler_experiment(s, sampler);
        CHECK(s, experiment != NULL, "sampler %s: its example with a sample estimator does "
              "not validate", sampler->info.name);
        if (!experiment) continue;
        const ebm_node *cfg =
            ebm_node_child(ebm_node_at(experiment, "log.estimators")->values[0], "sampler");
        enum { CHAINS = 4 };
        float *x = malloc(CHAINS * s->units * sizeof *x);
        float *start = malloc(CHAINS * s->units * sizeof *start);
        for (int c = 0; c < CHAINS; c++) random_state(s, rng, x + c * s->units);
        memcpy(start, x, CHAINS * s->units * sizeof *x);
        ebm_chains ch = {.n = CHAINS, .units = s->units, .x = x, .clamped = s->clamp};
        ebm_rng run_rng;
        ebm_rng_derive(&run_rng, rng, (uint64_t)i);
        ebm_sample_ctx ctx = {.ops = s->ops, .model = s->model, .cfg = cfg, .rng = &run_rng};
        ebm_error err = {0};
        int rc = sampler->xOpen ? sampler->xOpen(&ctx, CHAINS, s->units, &ctx.state, &err) : 0;
        ebm_sampler_stats stats = {0};
        if (!rc) rc = sampler->xRun(&ctx, &ch, 3, &stats, &err);
        if (sampler->xClose && ctx.state) sampler->xClose(ctx.state);
        /* Refusing clamped chains with a reason (tempering does) is fine;
         * moving a clamped unit never is. */
        CHECK(s, rc == EBM_OK || rc == EBM_ENOTSUP || rc == EBM_EINVAL, "sampler %s: %s",
              sampler->info.name, err.msg);
        size_t moved = 0;
        for (size_t u = 0; u < CHAINS * s->units; u++)
            moved += s->clamp[u % s->units] && x[u] != start[u];
        CHECK(s, moved == 0, "sampler %s moved clamped units %zu times", sampler->info.name,
              moved);
        if (rc != EBM_OK)
            printf("  %s: sampler %s refuses clamped chains: %s\n", s->ops->info.name,
                   sampler->info.name, err.msg);
        ran += rc == EBM_OK;
        free(x);
        free(start);
        ebm_node_free(experiment);
    }
    return ran;
}

TEST(every_model_agrees_with_its_energy) {
    const ebm_plugin *p;
    int models = 0;
    for (int m = 0; (p = ebm_registry_at(EBM_KIND_MODEL, m)); m++) {
        subject s;
        int opened = open_subject((const ebm_model_ops *)p, &s);
        ASSERT_EQ(opened, 0);
        models++;
        ebm_rng rng;
        ebm_rng_seed(&rng, 1000 + (uint64_t)m);
        const ebm_model_ops *ops = s.ops;
        int flips = binary(&s) && ebm_model_can_flip(ops);
        if (flips) check_flips(&s, &rng);
        if (binary(&s)) check_pairwise(&s, &rng);
        if (binary(&s) && ebm_gibbs_supports("gibbs", ops, (char[256]){0}, 256))
            check_conditionals(&s, &rng);
        if (binary(&s) && ebm_model_has_layers(ops)) check_free_energy_and_log_z(&s, &rng);
        if (ebm_model_learns_contrastively(ops)) check_energy_grad(&s, &rng);
        if (binary(&s)) check_positive_grad(&s, &rng);
        check_state_grad_and_energies(&s, &rng);
        if (ebm_model_has_dynamics(ops)) check_dynamics(&s, &rng);
        int samplers = check_samplers_keep_clamps(&s, &rng);
        CHECK(&s, samplers > 0, "no sampler could run on it");
        printf("  %s: checked (%zu units, %d parameter tensors, %d samplers)\n",
               ops->info.name, s.units, s.n_params, samplers);
        close_subject(&s);
    }
    ASSERT(models >= 6);
}

int main(void) {
    RUN(every_model_agrees_with_its_energy);
    TEST_MAIN_END();
}
