/* continuous.c — helpers of the samplers of real-valued states: model checks,
 * noise starts, Robbins–Monro step adaptation and the logged summaries. */
#include "continuous.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ebm_smp_supports_continuous(const char *sampler, const ebm_model_ops *model,
                                int need_grad, char *why, size_t why_size) {
    if (!ebm_model_is_continuous(model) || ebm_model_can_flip(model)) {
        snprintf(why, why_size, "%s moves real-valued states, but model %s has "
                 "binary units (%s); use gibbs or mh with kernel: flip", sampler,
                 model->info.name,
                 ebm_model_can_flip(model) ? "it flips units with xFlipEnergy"
                                           : "it declares no real-valued units");
        return 0;
    }
    if (need_grad && !ebm_model_has_state_grad(model)) {
        snprintf(why, why_size, "%s follows the energy gradient and needs the model "
                 "op xStateGrad (dE/dx); model %s lacks it (mh with kernel: gaussian "
                 "needs only the energy)", sampler, model->info.name);
        return 0;
    }
    return 1;
}

int ebm_smp_require_continuous(const char *sampler, const ebm_model_ops *ops,
                               void *model, int need_grad, ebm_error *err) {
    char why[320];
    if (!ebm_smp_supports_continuous(sampler, ops, need_grad, why, sizeof why))
        return ebm_fail(err, EBM_ENOTSUP, "%s", why);
    if (ebm_model_all_binary(ops, model))
        return ebm_fail(err, EBM_ENOTSUP, "%s moves real-valued states, but this %s "
                        "has binary units; use gibbs or mh with kernel: flip",
                        sampler, ops->info.name);
    return EBM_OK;
}

int ebm_smp_noise_start(const ebm_sample_ctx *ctx, float *x, size_t units,
                        const unsigned char *clamped, const ebm_rng *chain_rng,
                        ebm_error *err) {
    if (!ebm_model_has_noise(ctx->ops))
        return ebm_fail(err, EBM_ENOTSUP, "start: random needs the model's noise "
                        "distribution (xNoise); model %s has none, so give the "
                        "chains their states (start: keep)", ctx->ops->info.name);
    float *noise = malloc((units ? units : 1) * sizeof *noise);
    if (!noise) return ebm_fail(err, EBM_ENOMEM, "sampler: out of memory for a start");
    ebm_rng start;
    ebm_rng_named(&start, chain_rng, "start");
    ebm_model_noise(ctx->ops, ctx->model, noise, 1, &start);
    for (size_t i = 0; i < units; i++)
        if (!clamped || !clamped[i]) x[i] = noise[i];
    free(noise);
    return EBM_OK;
}


/* ------------------------------------------------------------ adaptation */

void ebm_smp_adapt_init(ebm_smp_adapt *a, double step, double target, long burn_in) {
    memset(a, 0, sizeof *a);
    a->log_step = log(step);
    a->target = target;
    a->burn_in = burn_in;
}

double ebm_smp_adapt_update(ebm_smp_adapt *a, double accept_prob) {
    a->t++;
    /* Gains t^(−0.6): Σγ = ∞ and Σγ² < ∞, the Robbins–Monro conditions, and
     * a slower decay than 1/t so a poor initial step is left quickly. */
    a->log_step += pow((double)a->t, -0.6) * (accept_prob - a->target);
    /* A step that underflows or overflows would freeze the chain for good. */
    if (a->log_step < -40.0) a->log_step = -40.0;
    if (a->log_step > 40.0) a->log_step = 40.0;
    if (2 * a->t > a->burn_in) {
        a->sum_avg += a->log_step;
        a->n_avg++;
    }
    return exp(a->log_step);
}

double ebm_smp_adapt_final(const ebm_smp_adapt *a) {
    return a->n_avg ? exp(a->sum_avg / (double)a->n_avg) : exp(a->log_step);
}

double ebm_smp_rw_target(size_t d) {
    static const double small[] = {0.441, 0.441, 0.352, 0.316, 0.279};
    return d <= 4 ? small[d] : 0.234;
}

/* ------------------------------------------------------------ logging */

/* Traces longer than this are not kept (8 MB each); the scalar summaries
 * are logged whatever the length. */
#define MAX_TRACE 1000000

int ebm_smp_trace_init(ebm_smp_trace *tr, const ebm_sample_ctx *ctx, int steps,
                       ebm_error *err) {
    memset(tr, 0, sizeof *tr);
    if (!ctx->log || steps <= 0 || steps > MAX_TRACE) return EBM_OK;
    tr->energy = calloc((size_t)steps, sizeof *tr->energy);
    tr->step = calloc((size_t)steps, sizeof *tr->step);
    if (!tr->energy || !tr->step) {
        ebm_smp_trace_free(tr);
        return ebm_fail(err, EBM_ENOMEM, "sampler: out of memory for %d-step traces",
                        steps);
    }
    tr->n = steps;
    return EBM_OK;
}

void ebm_smp_trace_add(ebm_smp_trace *tr, const ebm_smp_settings *st, int s,
                       size_t n, double e, double h) {
    if (s > st->burn_in) {
        tr->energy_sum += e;
        tr->energy_count++;
    }
    if (s >= 1 && s <= tr->n) {
        tr->energy[s - 1] += e / (double)n;
        tr->step[s - 1] += h / (double)n;
    }
}

int ebm_smp_trace_log(ebm_smp_trace *tr, const ebm_sample_ctx *ctx, size_t n,
                      ebm_error *err) {
    if (!ctx->log) return EBM_OK;
    int rc = EBM_OK;
    if (tr->proposed_after > 0)
        rc = ebm_log_metric(ctx->log, "acceptance",
                            (double)tr->accepted_after / (double)tr->proposed_after, err);
    if (!rc && tr->energy_count > 0)
        rc = ebm_log_metric(ctx->log, "mean_energy",
                            tr->energy_sum / (double)tr->energy_count, err);
    if (!rc && n > 0) rc = ebm_log_metric(ctx->log, "step", tr->step_sum / (double)n, err);
    if (!rc && tr->n > 0)
        rc = ebm_log_trace(ctx->log, "energy_trace", tr->energy, (size_t)tr->n,
                           "sampler step", err);
    if (!rc && tr->n > 0)
        rc = ebm_log_trace(ctx->log, "step_trace", tr->step, (size_t)tr->n,
                           "sampler step", err);
    return rc;
}

void ebm_smp_trace_free(ebm_smp_trace *tr) {
    free(tr->energy);
    free(tr->step);
    tr->energy = tr->step = NULL;
}
