/* continuous.h — what the samplers of real-valued states (mh's gaussian
 * kernel, mala, langevin) share: the model checks, noise starts, step-size
 * adaptation during burn-in, and the acceptance/energy/step logging. */
#ifndef EBM_SAMPLERS_CONTINUOUS_H
#define EBM_SAMPLERS_CONTINUOUS_H

#include <stddef.h>

#include "common.h"

/* Parameter-table entries the continuous samplers share: a sweep there is
 * one move of every free unit at once. */
#define EBM_SMP_CONTINUOUS_PARAMS                                               \
    {.name = "temperature", .type = EBM_P_FLOAT, .range = "(0, inf)",           \
     .flags = EBM_PF_OPTIONAL,                                                  \
     .help = "T in p(x) = exp(-E(x)/T)/Z (default: the model's, else 1)"},      \
    {.name = "sweeps", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",      \
     .help = "steps after burn-in; a step moves every free unit at once"},      \
    {.name = "burn_in", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",     \
     .help = "steps before any state is collected (and while the step "         \
             "size adapts)"},                                                   \
    {.name = "thin", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",        \
     .help = "collect every chain's state every this many steps"},              \
    {.name = "start", .type = EBM_P_ENUM, .def = "keep",                        \
     .choices = "keep|random",                                                  \
     .help = "start from the chains' states as given, or from the model's "     \
             "noise distribution (xNoise; clamped units kept)"}

/* 1 when the model has real-valued states a continuous sampler can move:
 * xBinary (a model without it has only binary units) and no single-unit
 * flips (a model with them has binary units somewhere, like the hidden layer
 * of a Gaussian RBM); need_grad: also ∂E/∂x (xStateGrad). Otherwise 0 and
 * the reason. */
int ebm_smp_supports_continuous(const char *sampler, const ebm_model_ops *model,
                                int need_grad, char *why, size_t why_size);
/* The same for the model instance of ctx, at run time (xBinary must say 0):
 * EBM_OK or EBM_ENOTSUP with the reason. */
int ebm_smp_require_continuous(const char *sampler, const ebm_model_ops *ops,
                               void *model, int need_grad, ebm_error *err);

/* Chain c's start from the model's noise distribution (xNoise with the
 * stream "start" under ebm_rng_derive(rng, c)); clamped units keep their
 * values. EBM_ENOTSUP when the model has no xNoise. */
int ebm_smp_noise_start(const ebm_sample_ctx *ctx, float *x, size_t units,
                        const unsigned char *clamped, const ebm_rng *chain_rng,
                        ebm_error *err);

/* Robbins–Monro adaptation of a step size during burn-in:
 *   log s ← log s + t^(−0.6) (α_t − target)
 * with α_t the acceptance probability of proposal t (less noisy than the
 * accept indicator). What is frozen after burn-in is the mean of log s over
 * the second half of burn-in (Polyak–Ruppert averaging), so it does not
 * depend on the last few proposals' luck. */
typedef struct ebm_smp_adapt {
    double log_step;      /* the current iterate */
    double target;        /* acceptance rate aimed at */
    long t, n_avg;        /* updates so far; how many went into the average */
    double sum_avg;       /* Σ log s over the second half of burn-in */
    long burn_in;         /* updates adaptation runs for */
} ebm_smp_adapt;

void ebm_smp_adapt_init(ebm_smp_adapt *a, double step, double target, long burn_in);
/* One proposal's acceptance probability; returns the step for the next. */
double ebm_smp_adapt_update(ebm_smp_adapt *a, double accept_prob);
/* The step frozen after burn-in (the initial one when nothing adapted). */
double ebm_smp_adapt_final(const ebm_smp_adapt *a);

/* The default acceptance target of a Gaussian random walk in d dimensions:
 * 0.234 for d > 4 (Roberts, Gelman & Gilks 1997), and for small d the optima
 * of Gelman, Roberts & Gilks (1996, table 1): 0.441, 0.352, 0.316, 0.279. */
double ebm_smp_rw_target(size_t d);

/* What a continuous sampler logs at the end of a run, when ctx->log is set:
 * acceptance (after burn-in), mean_energy (over chains and collected steps),
 * step (the frozen step, mean over chains), and the per-step traces
 * energy_trace and step_trace (means over chains, burn-in included). */
typedef struct ebm_smp_trace {
    double *energy, *step;   /* burn_in + sweeps entries each, or NULL */
    int n;
    double energy_sum;       /* Σ over chains and steps after burn-in */
    long energy_count;
    double step_sum;         /* Σ over chains of the frozen step */
    long proposed_after, accepted_after;   /* after burn-in */
} ebm_smp_trace;

/* Allocates the traces unless steps is beyond a sane size (then only the
 * scalar metrics are kept). */
int ebm_smp_trace_init(ebm_smp_trace *tr, const ebm_sample_ctx *ctx, int steps,
                       ebm_error *err);
/* Chain c (of n) at step s (1-based, burn-in included) is at energy e with
 * step size h. */
void ebm_smp_trace_add(ebm_smp_trace *tr, const ebm_smp_settings *st, int s,
                       size_t n, double e, double h);
int ebm_smp_trace_log(ebm_smp_trace *tr, const ebm_sample_ctx *ctx, size_t n,
                      ebm_error *err);
void ebm_smp_trace_free(ebm_smp_trace *tr);

/* ---- the chain driver the three samplers share (continuous_run.c) ---- */

/* One chain as a kernel sees it. Only the free units move. Its rows live in
 * buffers of all chains, so the model sees every chain's proposal in one
 * batched call (xEnergies, xStateGrad). */
typedef struct ebm_cont_chain {
    const ebm_sample_ctx *ctx;
    size_t units, n_free;
    const size_t *free_units;
    double temperature;
    double step;          /* the current step size (adapted in burn-in) */
    double noise;         /* langevin: σ of the added noise */
    double clip;          /* langevin: |∂(E/T)/∂x_i| clipped to this; 0 = none */
    float *x;             /* the chain's state (a row of chains->x) */
    float *proposal;      /* units floats */
    float *grad, *grad_proposal;   /* ∂E/∂x at x and at the proposal */
    double energy;        /* E(x), when the kernel tracks it */
} ebm_cont_chain;

/* A move: mh's random walk, mala, or langevin, in two halves around the
 * model's batched evaluation of every chain's proposal. */
typedef struct ebm_cont_kernel {
    const char *sampler;  /* for messages: "mh (kernel gaussian)", "mala" */
    int need_grad;        /* keeps ch->grad = ∂E/∂x at x up to date */
    int tracks_energy;    /* the move needs E (MH-type kernels) */
    int can_adapt;        /* has `adapt` and `target_acceptance` */
    double (*default_target)(size_t n_free);
    /* Writes ch->proposal (x with the free units moved). */
    void (*propose)(ebm_cont_chain *ch, ebm_rng *rng);
    /* With the proposal's energy e_new (when tracks_energy) and its gradient
     * in ch->grad_proposal (when need_grad): *accept_prob is min(1, Hastings
     * ratio) (1 for an unadjusted move) and the return value whether the
     * chain moves to the proposal. NULL: always (langevin). */
    int (*accept)(const ebm_cont_chain *ch, double e_new, ebm_rng *rng,
                  double *accept_prob);
} ebm_cont_kernel;

/* Runs every chain: checks the model, reads sweeps/burn_in/thin/start/
 * temperature/step/adapt/target_acceptance/noise/clip, starts (keep or
 * xNoise), moves every chain a step at a time (their proposals evaluated in
 * one batched call), adapts each chain's step during burn-in then freezes
 * it, collects, fills stats and logs (ebm_smp_trace_log). Chain c draws only
 * from ebm_rng_derive(ctx->rng, c), so the draws do not depend on how many
 * chains run or on the thread count. */
int ebm_cont_run(const ebm_cont_kernel *kernel, const ebm_sample_ctx *ctx,
                 ebm_chains *chains, int steps, ebm_sampler_stats *stats,
                 ebm_error *err);

#endif
