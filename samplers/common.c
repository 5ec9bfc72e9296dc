/* common.c — helpers shared by the binary samplers: settings, random starts,
 * scan orders, the heat-bath site update and state collection. */
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double ebm_smp_temperature(const ebm_sample_ctx *ctx) {
    if (ebm_node_child(ctx->cfg, "temperature"))
        return ebm_cfg_double(ctx->cfg, "temperature", 1.0);
    return ebm_model_temperature(ctx->ops, ctx->model);
}

void ebm_smp_read_settings(const ebm_sample_ctx *ctx, int steps,
                           ebm_smp_settings *out) {
    out->temperature = ebm_smp_temperature(ctx);
    out->sweeps = steps > 0 ? steps : (int)ebm_cfg_int(ctx->cfg, "sweeps", 1);
    out->burn_in = (int)ebm_cfg_int(ctx->cfg, "burn_in", 0);
    out->thin = (int)ebm_cfg_int(ctx->cfg, "thin", 1);
    if (out->thin < 1) out->thin = 1;
    out->random_scan = strcmp(ebm_cfg_str(ctx->cfg, "scan", "random"), "fixed") != 0;
    out->random_start = strcmp(ebm_cfg_str(ctx->cfg, "start", "keep"), "random") == 0;
}

int ebm_smp_supports_binary(const char *sampler, const ebm_model_ops *model,
                            char *why, size_t why_size) {
    if (ebm_model_can_flip(model)) return 1;
    snprintf(why, why_size, "%s updates one binary unit at a time and needs the "
             "model ops xFlipEnergy and xFlipUnit; model %s lacks them", sampler,
             model->info.name);
    return 0;
}

int ebm_smp_require_binary(const char *sampler, const ebm_model_ops *ops,
                           void *model, ebm_error *err) {
    char why[256];
    if (!ebm_smp_supports_binary(sampler, ops, why, sizeof why))
        return ebm_fail(err, EBM_ENOTSUP, "%s", why);
    if (!ebm_model_all_binary(ops, model))
        return ebm_fail(err, EBM_ENOTSUP, "%s flips binary units, but this %s has "
                        "real-valued units (e.g. visible_units: gaussian); use gibbs",
                        sampler, ops->info.name);
    return EBM_OK;
}

int ebm_smp_sites_init(ebm_smp_sites *s, const ebm_chains *chains,
                       ebm_error *err) {
    size_t units = chains->units;
    s->free_units = malloc((units ? units : 1) * sizeof *s->free_units);
    s->order = malloc((units ? units : 1) * sizeof *s->order);
    s->n_free = 0;
    if (!s->free_units || !s->order) {
        ebm_smp_sites_free(s);
        return ebm_fail(err, EBM_ENOMEM, "sampler: out of memory for %zu units",
                        units);
    }
    for (size_t i = 0; i < units; i++)
        if (!chains->clamped || !chains->clamped[i]) s->free_units[s->n_free++] = i;
    return EBM_OK;
}

void ebm_smp_sites_free(ebm_smp_sites *s) {
    free(s->free_units);
    free(s->order);
    s->free_units = s->order = NULL;
}

void ebm_smp_scan(ebm_smp_sites *s, int random, ebm_rng *rng) {
    memcpy(s->order, s->free_units, s->n_free * sizeof *s->order);
    if (random) ebm_rng_shuffle(rng, s->order, s->n_free);
}

int ebm_smp_random_state(const ebm_model_ops *ops, void *model, float *x,
                         size_t units, const unsigned char *clamped,
                         ebm_rng *rng, ebm_error *err) {
    if (!ebm_model_has_binary(ops))
        return ebm_fail(err, EBM_ENOTSUP, "sampler: model %s has no binary units "
                        "(xUnitValues), so no random start", ops->info.name);
    float *low = malloc((units ? units : 1) * sizeof *low);
    float *high = malloc((units ? units : 1) * sizeof *high);
    if (!low || !high) {
        free(low);
        free(high);
        return ebm_fail(err, EBM_ENOMEM, "sampler: out of memory for a random start");
    }
    ebm_model_unit_values(ops, model, low, high);
    for (size_t i = 0; i < units; i++) {
        int up = (int)(ebm_rng_u64(rng) >> 63);
        if (!clamped || !clamped[i]) x[i] = up ? high[i] : low[i];
    }
    free(low);
    free(high);
    return EBM_OK;
}

double ebm_smp_sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

double ebm_smp_heat_bath(const ebm_model_ops *ops, void *model, float *x,
                         size_t i, double t, ebm_rng *rng) {
    double delta = ebm_model_flip_energy(ops, model, x, i);
    /* p(flipped | rest) = e^{−E'/T} / (e^{−E/T} + e^{−E'/T}) = σ(−ΔE/T). */
    if (ebm_rng_uniform(rng) < ebm_smp_sigmoid(-delta / t)) {
        ebm_model_flip_unit(ops, model, x, i);
        return delta;
    }
    return 0.0;
}

int ebm_smp_sweeper_open(ebm_smp_sweeper *sw, const ebm_model_ops *ops, void *model,
                         ebm_error *err) {
    memset(sw, 0, sizeof *sw);
    sw->ops = ops;
    sw->model = model;
    if (!ebm_model_pairwise(ops, model, &sw->pw)) return EBM_OK;
    size_t n = ops->xUnits(model);
    sw->low = malloc((n ? n : 1) * sizeof *sw->low);
    sw->high = malloc((n ? n : 1) * sizeof *sw->high);
    sw->field = malloc((n ? n : 1) * sizeof *sw->field);
    if (!sw->low || !sw->high || !sw->field) {
        ebm_smp_sweeper_close(sw);
        return ebm_fail(err, EBM_ENOMEM, "sampler: out of memory for %zu local fields", n);
    }
    ebm_model_unit_values(ops, model, sw->low, sw->high);
    sw->n = n;
    sw->pairwise = 1;
    return EBM_OK;
}

void ebm_smp_sweeper_close(ebm_smp_sweeper *sw) {
    free(sw->low);
    free(sw->high);
    free(sw->field);
    sw->low = sw->high = NULL;
    sw->field = NULL;
    sw->pairwise = 0;
}

/* Row j of W is its column j (symmetry), so the fields build up as axpy
 * passes over the rows of the units that are not 0, which vectorise. */
void ebm_smp_sweeper_start(ebm_smp_sweeper *sw, const float *x) {
    if (!sw->pairwise) return;
    size_t n = sw->n;
    double *h = sw->field;
    for (size_t i = 0; i < n; i++) h[i] = (sw->pw.bias ? sw->pw.bias[i] : 0.0) + sw->pw.field;
    for (size_t j = 0; j < n; j++) {
        if (x[j] == 0.0f) continue;
        const float *row = sw->pw.w + j * n;
        double xj = x[j];
        for (size_t i = 0; i < n; i++) h[i] += xj * row[i];
    }
}

/* Changing x_i by d changes E by −d·h_i (w_ii = 0), and every field h_k by
 * d·w_ki. */
double ebm_smp_sweeper_update(ebm_smp_sweeper *sw, float *x, size_t i, double t,
                              ebm_rng *rng) {
    if (!sw->pairwise) return ebm_smp_heat_bath(sw->ops, sw->model, x, i, t, rng);
    double d = x[i] == sw->high[i] ? (double)sw->low[i] - sw->high[i]
                                   : (double)sw->high[i] - sw->low[i];
    double delta = -d * sw->field[i];
    if (ebm_rng_uniform(rng) >= ebm_smp_sigmoid(-delta / t)) return 0.0;
    ebm_model_flip_unit(sw->ops, sw->model, x, i);
    const float *row = sw->pw.w + i * sw->n;
    double *h = sw->field;
    for (size_t k = 0; k < sw->n; k++) h[k] += d * row[k];
    return delta;
}

int ebm_smp_is_collect_sweep(const ebm_smp_settings *st, int s, size_t *k) {
    int after = s - st->burn_in;
    if (after <= 0 || after % st->thin != 0) return 0;
    *k = (size_t)(after / st->thin - 1);
    return 1;
}

void ebm_smp_collect(ebm_chains *chains, size_t base, size_t k, size_t c,
                     const float *x) {
    if (!chains->collect) return;
    size_t slot = base + k * chains->n + c;
    if (slot >= chains->max_collect) return;
    memcpy(chains->collect + slot * chains->units, x,
           chains->units * sizeof *x);
}

void ebm_smp_collect_done(ebm_chains *chains, size_t base, size_t points) {
    if (!chains->collect) return;
    size_t total = base + points * chains->n;
    chains->n_collected = total < chains->max_collect ? total : chains->max_collect;
}

int ebm_smp_stopped(const ebm_sample_ctx *ctx) {
    return ctx->stop && *ctx->stop;
}

int ebm_smp_begin_chain(const ebm_sample_ctx *ctx, const ebm_smp_settings *st,
                        ebm_chains *chains, size_t c, const char *sampler, ebm_rng *rng,
                        ebm_error *err) {
    if (ebm_smp_stopped(ctx)) return ebm_fail(err, EBM_EINTERRUPT, "%s: interrupted", sampler);
    ebm_rng_derive(rng, ctx->rng, c);
    if (!st->random_start) return EBM_OK;
    return ebm_smp_random_state(ctx->ops, ctx->model, chains->x + c * chains->units,
                                chains->units, chains->clamped, rng, err);
}

int ebm_gibbs_supports(const char *sampler, const ebm_model_ops *model,
                       char *why, size_t why_size) {
    if (ebm_model_has_layers(model)) return 1;
    return ebm_smp_supports_binary(sampler, model, why, why_size);
}

int ebm_gibbs_steps(const ebm_model_ops *ops, void *model, ebm_chains *chains,
                    int steps, double beta, ebm_rng *rng,
                    const volatile sig_atomic_t *stop, ebm_error *err) {
    double model_t = ebm_model_temperature(ops, model);
    if (steps <= 0 || chains->n == 0) return EBM_OK;
    if (ebm_model_has_layers(ops))
        return ebm_model_block_gibbs(ops, model, chains->x, chains->n, chains->clamped,
                                     steps, beta / model_t, rng, err);
    int rc = ebm_smp_require_binary("gibbs", ops, model, err);
    if (rc) return rc;
    ebm_smp_sites sites;
    ebm_smp_sweeper sweeper;
    rc = ebm_smp_sites_init(&sites, chains, err);
    if (rc) return rc;
    rc = ebm_smp_sweeper_open(&sweeper, ops, model, err);
    if (rc) {
        ebm_smp_sites_free(&sites);
        return rc;
    }
    double t = model_t / beta;
    for (size_t c = 0; c < chains->n; c++) {
        if (stop && *stop) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "gibbs: interrupted");
            break;
        }
        ebm_rng chain_rng;
        ebm_rng_derive(&chain_rng, rng, c);
        float *x = chains->x + c * chains->units;
        ebm_smp_sweeper_start(&sweeper, x);
        for (int s = 0; s < steps; s++) {
            ebm_smp_scan(&sites, 1, &chain_rng);
            for (size_t k = 0; k < sites.n_free; k++)
                ebm_smp_sweeper_update(&sweeper, x, sites.order[k], t, &chain_rng);
        }
    }
    ebm_smp_sweeper_close(&sweeper);
    ebm_smp_sites_free(&sites);
    return rc;
}
