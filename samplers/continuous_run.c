/* continuous_run.c — the chain loop of the continuous samplers: starts, moves
 * by a kernel, step adaptation in burn-in then frozen, collection, stats and
 * logging; the kernels (mh.c, mala.c, langevin.c) only say how to move.
 * Every chain takes its step together: the kernels propose chain by chain,
 * the model evaluates all proposals as the rows of one batched call (one
 * GEMM per layer for an MLP, in place of one one-row pass per chain), and
 * the kernels accept or reject chain by chain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "continuous.h"

/* What every chain shares: settings and the adaptation plan. */
typedef struct cont_plan {
    ebm_smp_settings st;
    double step, target;
    int adapt;
} cont_plan;

/* The rows of all chains and what each chain keeps, freed in one place. */
typedef struct cont_batch {
    size_t n;
    float *proposal, *grad, *grad_proposal;   /* n × units each */
    double *e_new, *e_now;                    /* n each */
    ebm_cont_chain *chain;                    /* n */
    ebm_smp_adapt *adapt;                     /* n */
    ebm_rng *rng;                             /* n: chain c's stream */
    int *accepted;                            /* n */
    double *accept_prob;                      /* n */
} cont_batch;

static void batch_free(cont_batch *b) {
    free(b->proposal);
    free(b->grad);
    free(b->grad_proposal);
    free(b->e_new);
    free(b->e_now);
    free(b->chain);
    free(b->adapt);
    free(b->rng);
    free(b->accepted);
    free(b->accept_prob);
}

static int batch_alloc(cont_batch *b, size_t n, size_t units) {
    size_t rows = (n ? n : 1) * (units ? units : 1);
    size_t m = n ? n : 1;
    b->n = n;
    b->proposal = malloc(rows * sizeof *b->proposal);
    b->grad = calloc(rows, sizeof *b->grad);
    b->grad_proposal = calloc(rows, sizeof *b->grad_proposal);
    b->e_new = calloc(m, sizeof *b->e_new);
    b->e_now = calloc(m, sizeof *b->e_now);
    b->chain = calloc(m, sizeof *b->chain);
    b->adapt = calloc(m, sizeof *b->adapt);
    b->rng = calloc(m, sizeof *b->rng);
    b->accepted = calloc(m, sizeof *b->accepted);
    b->accept_prob = calloc(m, sizeof *b->accept_prob);
    return b->proposal && b->grad && b->grad_proposal && b->e_new && b->e_now &&
           b->chain && b->adapt && b->rng && b->accepted && b->accept_prob;
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

/* E and ∂E/∂x at every chain's state, as the kernel needs them. */
static int prepare(const ebm_cont_kernel *kernel, const ebm_sample_ctx *ctx,
                   ebm_chains *chains, cont_batch *b, ebm_error *err) {
    if (kernel->tracks_energy) {
        int rc = ebm_model_energies(ctx->ops, ctx->model, chains->x, b->n, b->e_now, err);
        if (rc) return ebm_error_prefix(err, "%s: E at the start", kernel->sampler);
        for (size_t c = 0; c < b->n; c++) b->chain[c].energy = b->e_now[c];
    }
    if (kernel->need_grad) {
        int rc = ebm_model_state_grad(ctx->ops, ctx->model, chains->x, b->n, b->grad, err);
        if (rc) return ebm_error_prefix(err, "%s: dE/dx at the start", kernel->sampler);
    }
    return EBM_OK;
}

/* Below this many floats a step's proposals are cheaper than waking threads
 * (and on a loaded machine far cheaper). */
#define PARALLEL_MIN 65536

/* One step of every chain. Proposing and accepting touch only chain c's
 * rows and stream, so they may run on several threads without changing any
 * result. */
static int step_all(const ebm_cont_kernel *kernel, const ebm_sample_ctx *ctx,
                    cont_batch *b, ebm_error *err) {
    long n = (long)b->n;
    int threads = b->n * b->chain[0].units >= PARALLEL_MIN;
    #pragma omp parallel for schedule(static) if (threads)
    for (long c = 0; c < n; c++) kernel->propose(&b->chain[c], &b->rng[c]);
    if (kernel->tracks_energy && kernel->need_grad) {
        int rc = ebm_model_energies_grad(ctx->ops, ctx->model, b->proposal, b->n, b->e_new,
                                         b->grad_proposal, err);
        if (rc) return ebm_error_prefix(err, "%s: E and dE/dx of the proposals",
                                        kernel->sampler);
    } else if (kernel->tracks_energy) {
        int rc = ebm_model_energies(ctx->ops, ctx->model, b->proposal, b->n, b->e_new, err);
        if (rc) return ebm_error_prefix(err, "%s: E of the proposals", kernel->sampler);
    } else if (kernel->need_grad) {
        int rc = ebm_model_state_grad(ctx->ops, ctx->model, b->proposal, b->n,
                                      b->grad_proposal, err);
        if (rc) return ebm_error_prefix(err, "%s: dE/dx of the proposals", kernel->sampler);
    }
    #pragma omp parallel for schedule(static) if (threads)
    for (long c = 0; c < n; c++) {
        ebm_cont_chain *ch = &b->chain[c];
        b->accept_prob[c] = 1.0;
        b->accepted[c] = kernel->accept ? kernel->accept(ch, b->e_new[c], &b->rng[c],
                                                         &b->accept_prob[c])
                                        : 1;
        if (!b->accepted[c]) continue;
        memcpy(ch->x, ch->proposal, ch->units * sizeof *ch->x);
        ch->energy = b->e_new[c];
        if (kernel->need_grad)
            memcpy(ch->grad, ch->grad_proposal, ch->units * sizeof *ch->grad);
    }
    return EBM_OK;
}

/* After step s: counts, adaptation, the traces and collection, chain by
 * chain in order (the traces are sums over chains). */
static int after_step(const ebm_cont_kernel *kernel, const ebm_sample_ctx *ctx,
                      const cont_plan *plan, ebm_chains *chains, cont_batch *b, int s,
                      size_t base, ebm_smp_trace *tr, ebm_sampler_stats *counts,
                      ebm_error *err) {
    const ebm_smp_settings *st = &plan->st;
    if (ctx->log && !kernel->tracks_energy) {
        int rc = ebm_model_energies(ctx->ops, ctx->model, chains->x, b->n, b->e_now, err);
        if (rc) return ebm_error_prefix(err, "%s: E for the trace", kernel->sampler);
    }
    size_t k;
    int collect = ebm_smp_is_collect_sweep(st, s, &k);
    for (size_t c = 0; c < b->n; c++) {
        ebm_cont_chain *ch = &b->chain[c];
        counts->proposed++;
        counts->accepted += b->accepted[c];
        if (s > st->burn_in) {
            tr->proposed_after++;
            tr->accepted_after += b->accepted[c];
        }
        if (plan->adapt && s <= st->burn_in) {
            ch->step = ebm_smp_adapt_update(&b->adapt[c], b->accept_prob[c]);
            /* After burn-in the step never changes again, so what follows is
             * a time-homogeneous MH chain with p as its invariant law. */
            if (s == st->burn_in) ch->step = ebm_smp_adapt_final(&b->adapt[c]);
        }
        if (ctx->log)
            ebm_smp_trace_add(tr, st, s, b->n,
                              kernel->tracks_energy ? ch->energy : b->e_now[c], ch->step);
        if (collect) ebm_smp_collect(chains, base, k, c, ch->x);
    }
    return EBM_OK;
}

static int run_all(const ebm_cont_kernel *kernel, const ebm_sample_ctx *ctx,
                   const cont_plan *plan, ebm_chains *chains, cont_batch *b,
                   ebm_smp_trace *tr, ebm_sampler_stats *counts, ebm_error *err) {
    size_t base = chains->n_collected;
    if (ebm_smp_stopped(ctx))
        return ebm_fail(err, EBM_EINTERRUPT, "%s: interrupted", kernel->sampler);
    int rc = prepare(kernel, ctx, chains, b, err);
    int total = plan->st.burn_in + plan->st.sweeps;
    for (int s = 1; s <= total && !rc; s++) {
        if ((s & 1023) == 0 && ebm_smp_stopped(ctx))
            return ebm_fail(err, EBM_EINTERRUPT, "%s: interrupted", kernel->sampler);
        rc = step_all(kernel, ctx, b, err);
        if (!rc) rc = after_step(kernel, ctx, plan, chains, b, s, base, tr, counts, err);
    }
    if (rc) return rc;
    for (size_t c = 0; c < b->n; c++) tr->step_sum += b->chain[c].step;
    ebm_smp_collect_done(chains, base, (size_t)(plan->st.sweeps / plan->st.thin));
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
    size_t units = chains->units, n = chains->n;
    cont_batch b = {0};
    if (!rc && !batch_alloc(&b, n, units))
        rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory for %zu chains of %zu units",
                      kernel->sampler, n, units);
    ebm_smp_trace tr = {0};
    if (!rc) rc = ebm_smp_trace_init(&tr, ctx, plan.st.burn_in + plan.st.sweeps, err);
    double noise = ebm_node_child(ctx->cfg, "noise") ? ebm_cfg_double(ctx->cfg, "noise", 0.0)
                                                     : sqrt(plan.step);
    double clip = ebm_cfg_double(ctx->cfg, "clip", 0.0);
    for (size_t c = 0; c < n && !rc; c++) {
        ebm_rng_derive(&b.rng[c], ctx->rng, c);
        b.chain[c] = (ebm_cont_chain){
            .ctx = ctx, .units = units, .n_free = sites.n_free,
            .free_units = sites.free_units, .temperature = plan.st.temperature,
            .step = plan.step, .noise = noise, .clip = clip,
            .x = chains->x + c * units, .proposal = b.proposal + c * units,
            .grad = b.grad + c * units, .grad_proposal = b.grad_proposal + c * units};
        ebm_smp_adapt_init(&b.adapt[c], plan.step, plan.target, plan.st.burn_in);
        if (plan.st.random_start)
            rc = ebm_smp_noise_start(ctx, b.chain[c].x, units, chains->clamped, &b.rng[c],
                                     err);
    }
    ebm_sampler_stats counts = {0};
    if (!rc && n > 0) rc = run_all(kernel, ctx, &plan, chains, &b, &tr, &counts, err);
    if (!rc) {
        if (n == 0) ebm_smp_collect_done(chains, chains->n_collected, 0);
        if (stats) {
            stats->proposed += counts.proposed;
            stats->accepted += counts.accepted;
        }
        rc = ebm_smp_trace_log(&tr, ctx, n, err);
    }
    ebm_smp_trace_free(&tr);
    batch_free(&b);
    ebm_smp_sites_free(&sites);
    return rc;
}
