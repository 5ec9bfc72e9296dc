/* model.h — the ops every model plugin implements. The runner, the
 * estimators and (later) the samplers reach a model only through these. */
#ifndef EBM_MODEL_H
#define EBM_MODEL_H

#include <signal.h>
#include <stddef.h>

#include "cfg.h"
#include "dataset.h"
#include "error.h"
#include "plugin.h"
#include "rng.h"
#include "state.h"
#include "tensor.h"

/* Deterministic evolution (Hopfield-style dynamics at zero temperature). */
typedef enum {
    EBM_EVOLVE_RANDOM,   /* asynchronous, a fresh random order each sweep */
    EBM_EVOLVE_FIXED,    /* asynchronous, units 0..N-1 in order */
    EBM_EVOLVE_SYNC      /* all units at once */
} ebm_evolve_mode;

typedef struct ebm_evolve {
    ebm_evolve_mode mode;
    int max_sweeps;        /* a sweep: N single-unit updates, or one sync step */
    double *energy_trace;  /* optional, max_sweeps + 1 entries: energy before
                              the first sweep and after each one; entries past
                              the stop repeat the final energy */
} ebm_evolve;

typedef struct ebm_evolve_result {
    int sweeps;      /* sweeps done until the stop */
    int outcome;     /* one of the values below */
    long flips;      /* units changed in all */
} ebm_evolve_result;

enum { EBM_EVOLVE_LIMIT = 0, EBM_EVOLVE_FIXED_POINT = 1, EBM_EVOLVE_TWO_CYCLE = 2 };

#define EBM_MODEL_OPS_VERSION 4

typedef struct ebm_model_ops {
    ebm_plugin info;

    /* ---- v1, required ---- */
    /* Builds the model from its validated `model` section. `train` is the
     * training data (for sizes and data-dependent initialisation); rng is the
     * run's "model" stream. */
    int (*xCreate)(const ebm_node *cfg, const ebm_dataset *train, ebm_rng *rng,
                   void **model, ebm_error *err);
    void (*xDestroy)(void *model);
    size_t (*xUnits)(void *model);                 /* length of a state */
    double (*xEnergy)(void *model, const float *state);   /* E(x), T = 1 */
    /* Its parameters, at most max of them; returns how many. */
    int (*xParams)(void *model, ebm_tensor *out, int max);

    /* ---- v1, optional (NULL when the model has no such thing) ---- */
    /* Cross-field checks on the whole experiment at validation time, e.g. a
     * one-shot learning rule with train.epochs set. Adds to diags. */
    void (*xCheck)(const ebm_node *experiment, ebm_diags *diags);
    /* One-shot learning (or data-dependent set-up, e.g. the DBM's greedy
     * pretraining) before any epoch; it sets parameters only, so a resumed run
     * skips it. EBM_EINTERRUPT once *stop (may be NULL) turns nonzero. */
    int (*xFit)(void *model, const ebm_dataset *train, ebm_rng *rng,
                const volatile sig_atomic_t *stop, ebm_error *err);
    /* Gradient of the training loss (to be minimised) for a minibatch of n
     * data rows, written into grads (same names and shapes as xParams). The
     * runner then lets the optimiser step. */
    int (*xGradient)(void *model, const float *batch, size_t n,
                     ebm_tensor *grads, ebm_rng *rng, ebm_error *err);
    /* Data row ({0,1} floats) to model state; identity when NULL. */
    void (*xEncode)(void *model, const float *row, float *state);
    /* Model state back to a data row; identity when NULL. */
    void (*xDecode)(void *model, const float *state, float *row);
    /* Zero-temperature dynamics from `state`, in place. */
    int (*xEvolve)(void *model, float *state, const ebm_evolve *how,
                   ebm_rng *rng, ebm_evolve_result *res);
    /* Binary models: delta[i] = E(state with unit i flipped) − E(state), for
     * every unit at once (what single-flip samplers and stability checks
     * need; for ±1 units with a pairwise energy it is 2·y_i·h_i). */
    void (*xFlipEnergies)(void *model, const float *state, double *delta);

    /* ---- v2: what samplers and contrastive training use ---- */
    /* Binary models: E(state with unit i flipped) − E(state), in O(degree). */
    double (*xFlipEnergy)(void *model, const float *state, size_t i);
    /* Binary models: flips unit i in place (±1 → ∓1, or {0,1} → 1 − x). */
    void (*xFlipUnit)(void *model, float *state, size_t i);
    /* The model's temperature T in p(x) = exp(−E(x)/T)/Z (1 when NULL). */
    double (*xTemperature)(void *model);
    /* Units the data clamp during training (visible and label units), as a
     * mask of xUnits bytes; NULL (or a NULL op) when every unit is data. */
    const unsigned char *(*xDataMask)(void *model);
    /* Contrastive statistics: grads += scale · mean over the n states of
     * ∂E(x)/∂θ. The trainer calls it with +1 on data states (hidden units
     * sampled given the data) and −1 on model samples, so grads ends as the
     * gradient of the negative log-likelihood. */
    int (*xEnergyGrad)(void *model, const float *states, size_t n, double scale,
                       ebm_tensor *grads, ebm_error *err);
    /* Each unit's possible values for enumeration and random starts: the
     * low and high value of a binary unit (−1/+1 or 0/1). */
    void (*xUnitValues)(void *model, float *low, float *high);

    /* ---- v3: layered models (RBM, DBM), whose states are [visible | hidden
     * layers] and whose layers are conditionally independent given their
     * neighbours, so a whole layer of every chain updates in one GEMM ---- */
    /* `steps` block-Gibbs steps for n states (rows of xUnits floats) at
     * inverse temperature beta (the model's own 1/T included). A step
     * resamples every layer given its neighbours in the model's order;
     * units whose clamped byte is 1 keep their values. Row r draws only from
     * ebm_rng_derive(rng, r), so the result does not depend on how rows are
     * split across threads; callers pass a fresh stream to every call. */
    int (*xBlockGibbs)(void *model, float *states, size_t n,
                       const unsigned char *clamped, int steps, double beta,
                       ebm_rng *rng, ebm_error *err);
    /* Exact conditional statistics: grads += scale · mean over the n states
     * of E[∂E/∂θ | visible part], the hidden units summed out analytically
     * (an RBM's p(h|v) is a product). The trainer then uses it for both
     * phases instead of xEnergyGrad on sampled hidden units: the same
     * gradient in expectation, with less variance. */
    int (*xDataGrad)(void *model, const float *states, size_t n, double scale,
                     ebm_tensor *grads, ebm_error *err);
    /* Free energy F(v) = −T log Σ_h exp(−E(v,h)/T) of the visible part of
     * each of n states (rows of xUnits floats). */
    int (*xFreeEnergy)(void *model, const float *states, size_t n,
                       double *free_energy, ebm_error *err);
    /* Exact log Z (T included) by the model's cheapest enumeration (an RBM
     * enumerates its smaller layer and sums the other out analytically);
     * EBM_ELIMIT with a clear message beyond 2^max_bits terms. NULL: the
     * exact estimator enumerates every unit. */
    int (*xLogPartition)(void *model, int max_bits, double *log_z, ebm_error *err);
    /* 0 when some units are real-valued in this instance (an RBM with
     * Gaussian visible units), so single-site flips and enumeration do not
     * apply; NULL means every unit is binary. */
    int (*xBinary)(void *model);

    /* ---- v3: continuous states (the generic energy model) ---- */
    /* ∂E/∂x for n states (rows of xUnits floats), written to grad (same
     * shape), T = 1. What Langevin and MALA move along. */
    int (*xStateGrad)(void *model, const float *states, size_t n, float *grad,
                      ebm_error *err);
    /* E(x) for n states at once (a GEMM-shaped model does this faster than n
     * calls of xEnergy); NULL: callers loop over xEnergy. */
    int (*xEnergies)(void *model, const float *states, size_t n, double *energy,
                     ebm_error *err);
    /* n random starting states from the model's own noise distribution
     * (continuous models: e.g. uniform over the data's box); NULL: uniform
     * over xUnitValues. */
    void (*xNoise)(void *model, float *states, size_t n, ebm_rng *rng);

    /* ---- v3: approximate inference (the DBM) ---- */
    /* Approximate data-term statistics when the hidden units cannot be
     * summed out exactly: grads += scale · mean over the n states of
     * E_q[∂E/∂θ], q an approximate posterior over the hidden units given
     * the visible part (the DBM's mean-field posterior). The trainer uses
     * it for the positive phase when the model has no xDataGrad; the
     * negative phase keeps xEnergyGrad on the chains' samples. */
    int (*xPositiveGrad)(void *model, const float *states, size_t n, double scale,
                         ebm_tensor *grads, ebm_error *err);

    /* ---- v4: checkpoints ---- */
    /* State besides the parameters that training changes and a resumed run
     * needs (the RBM's running mean of hidden activities for its sparsity
     * target), appended to out; NULL: none. */
    int (*xState)(void *model, ebm_state_list *out, ebm_error *err);
} ebm_model_ops;

#endif
