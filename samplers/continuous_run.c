/* continuous_run.c — the chain loop of the continuous samplers: starts, moves
 * by a kernel, step adaptation in burn-in then frozen, collection, stats and
 * logging; the kernels (mh.c, mala.c, langevin.c) only say how to move. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "continuous.h"

/* Buffers of one chain, freed in one place. */
typedef struct cont_scratch {
    float *proposal, *grad, *grad_proposal;
} cont_scratch;

static void scratch_free(cont_scratch *s) {
    free(s->proposal);
    free(s->grad);
    free(s->grad_proposal);
}

/* E and ∂E/∂x at the chain's state, as the kernel needs them. */
static int prepare_chain(const ebm_cont_kernel *kernel, ebm_cont_chain *ch,
                         ebm_error *err) {
    const ebm_model_ops *ops = ch->ctx->ops;
    ch->has_energy = 0;
    if (kernel->tracks_energy) {
        ch->energy = ops->xEnergy(ch->ctx->model, ch->x);
        ch->has_energy = 1;
    }
    if (kernel->need_grad) {
        int rc = ebm_model_state_grad(ops, ch->ctx->model, ch->x, 1, ch->grad, err);
        if (rc) return ebm_error_prefix(err, "%s: dE/dx at the start", kernel->sampler);
    }
    return EBM_OK;
}

/* What every chain shares: settings and the adaptation plan. */
typedef struct cont_plan {
    ebm_smp_settings st;
    double step, target;
    int adapt;
} cont_plan;

static int run_chain(const ebm_cont_kernel *kernel, ebm_cont_chain *ch,
                     const cont_plan *plan, ebm_chains *chains, size_t c,
                     size_t base, ebm_rng *rng, ebm_smp_trace *tr,
                     ebm_sampler_stats *counts, ebm_error *err) {
    const ebm_smp_settings *st = &plan->st;
    int rc = prepare_chain(kernel, ch, err);
    if (rc) return rc;
    ebm_smp_adapt adapt;
    ebm_smp_adapt_init(&adapt, plan->step, plan->target, st->burn_in);
    ch->step = plan->step;
    int total = st->burn_in + st->sweeps;
    for (int s = 1; s <= total; s++) {
        if ((s & 1023) == 0 && ebm_smp_stopped(ch->ctx))
            return ebm_fail(err, EBM_EINTERRUPT, "%s: interrupted", kernel->sampler);
        double accept_prob = 0.0;
        int accepted = 0;
        rc = kernel->move(ch, rng, &accept_prob, &accepted, err);
        if (rc) return rc;
        counts->proposed++;
        counts->accepted += accepted;
        if (s > st->burn_in) {
            tr->proposed_after++;
            tr->accepted_after += accepted;
        }
        if (plan->adapt && s <= st->burn_in) {
            ch->step = ebm_smp_adapt_update(&adapt, accept_prob);
            /* After burn-in the step never changes again, so what follows is
             * a time-homogeneous MH chain with p as its invariant law. */
            if (s == st->burn_in) ch->step = ebm_smp_adapt_final(&adapt);
        }
        if (ch->ctx->log) {
            double e = ch->has_energy ? ch->energy
                                      : ch->ctx->ops->xEnergy(ch->ctx->model, ch->x);
            ebm_smp_trace_add(tr, st, s, chains->n, e, ch->step);
        }
        size_t k;
        if (ebm_smp_is_collect_sweep(st, s, &k)) ebm_smp_collect(chains, base, k, c, ch->x);
    }
    tr->step_sum += ch->step;
    return EBM_OK;
}

static int read_plan(const ebm_cont_kernel *kernel, const ebm_sample_ctx *ctx,
                     int steps, size_t n_free, cont_plan *plan, ebm_error *err) {
    ebm_smp_read_settings(ctx, steps, &plan->st);
    plan->step = ebm_cfg_double(ctx->cfg, "step", 0.1);
    if (!(plan->step > 0.0) || !isfinite(plan->step))
        return ebm_fail(err, EBM_ECONFIG, "%s: step must be a positive number, not %g",
                        kernel->sampler, plan->step);
    plan->adapt = kernel->can_adapt && ebm_cfg_bool(ctx->cfg, "adapt", 1) &&
                  plan->st.burn_in > 0;
    plan->target = kernel->default_target ? kernel->default_target(n_free) : 0.5;
    if (ebm_node_child(ctx->cfg, "target_acceptance"))
        plan->target = ebm_cfg_double(ctx->cfg, "target_acceptance", plan->target);
    if (!(plan->target > 0.0 && plan->target < 1.0))
        return ebm_fail(err, EBM_ECONFIG, "%s: target_acceptance must lie in (0, 1), "
                        "not %g", kernel->sampler, plan->target);
    return EBM_OK;
}

int ebm_cont_run(const ebm_cont_kernel *kernel, const ebm_sample_ctx *ctx,
                 ebm_chains *chains, int steps, ebm_sampler_stats *stats,
                 ebm_error *err) {
    int rc = ebm_smp_require_continuous(kernel->sampler, ctx->ops, ctx->model,
                                        kernel->need_grad, err);
    if (rc) return rc;
    ebm_smp_sites sites;
    rc = ebm_smp_sites_init(&sites, chains, err);
    if (rc) return rc;
    cont_plan plan;
    rc = read_plan(kernel, ctx, steps, sites.n_free, &plan, err);
    size_t units = chains->units;
    cont_scratch scratch = {0};
    if (!rc) {
        scratch.proposal = malloc((units ? units : 1) * sizeof(float));
        scratch.grad = calloc(units ? units : 1, sizeof(float));
        scratch.grad_proposal = calloc(units ? units : 1, sizeof(float));
        if (!scratch.proposal || !scratch.grad || !scratch.grad_proposal)
            rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory for %zu units",
                          kernel->sampler, units);
    }
    ebm_smp_trace tr = {0};
    if (!rc) rc = ebm_smp_trace_init(&tr, ctx, plan.st.burn_in + plan.st.sweeps, err);
    ebm_cont_chain ch = {
        .ctx = ctx, .units = units, .n_free = sites.n_free,
        .free_units = sites.free_units, .temperature = plan.st.temperature,
        .proposal = scratch.proposal, .grad = scratch.grad,
        .grad_proposal = scratch.grad_proposal};
    if (!rc) {
        ch.noise = ebm_node_child(ctx->cfg, "noise")
                       ? ebm_cfg_double(ctx->cfg, "noise", 0.0)
                       : sqrt(plan.step);
        ch.clip = ebm_cfg_double(ctx->cfg, "clip", 0.0);
    }
    ebm_sampler_stats counts = {0};
    size_t base = chains->n_collected;
    for (size_t c = 0; c < chains->n && !rc; c++) {
        if (ebm_smp_stopped(ctx)) {
            rc = ebm_fail(err, EBM_EINTERRUPT, "%s: interrupted", kernel->sampler);
            break;
        }
        ebm_rng rng;
        ebm_rng_derive(&rng, ctx->rng, c);
        ch.x = chains->x + c * units;
        if (plan.st.random_start)
            rc = ebm_smp_noise_start(ctx, ch.x, units, chains->clamped, &rng, err);
        if (!rc) rc = run_chain(kernel, &ch, &plan, chains, c, base, &rng, &tr,
                                &counts, err);
    }
    if (!rc) {
        ebm_smp_collect_done(chains, base, (size_t)(plan.st.sweeps / plan.st.thin));
        if (stats) {
            stats->proposed += counts.proposed;
            stats->accepted += counts.accepted;
        }
        rc = ebm_smp_trace_log(&tr, ctx, chains->n, err);
    }
    ebm_smp_trace_free(&tr);
    scratch_free(&scratch);
    ebm_smp_sites_free(&sites);
    return rc;
}
