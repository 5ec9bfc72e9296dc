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

/* What a model's section implies before anything is allocated (xSize), in
 * doubles because a config can ask for more than size_t counts. */
typedef struct ebm_model_size {
    double units;        /* floats in one state: a chain, an encoded row */
    double params;       /* floats of parameters */
    const char *key;     /* the model key that sets params ("hidden"), or NULL
                            when the data's row length does */
} ebm_model_size;

typedef struct ebm_evolve_result {
    int sweeps;      /* sweeps done until the stop */
    int outcome;     /* one of the values below */
    long flips;      /* units changed in all */
} ebm_evolve_result;

enum { EBM_EVOLVE_LIMIT = 0, EBM_EVOLVE_FIXED_POINT = 1, EBM_EVOLVE_TWO_CYCLE = 2 };

#define EBM_MODEL_OPS_VERSION 6   /* 6: xSize */

/* ---- capability tables: a model points to the ones it really has, NULL
 * for the others. Callers go through the wrappers at the end of this file,
 * which supply each optional op's default in one place. ---- */

/* A dense pairwise energy over binary units (T = 1):
 *   E(s) = −½ sᵀWs − Σ_i (b_i + field) s_i,
 * W n × n row-major, symmetric, zero diagonal. */
typedef struct ebm_pairwise {
    const float *w;
    const float *bias;   /* n values, or NULL for none */
    double field;        /* added to every unit's bias */
} ebm_pairwise;

/* Units that take one of two values (±1 or {0,1}): enumeration, single-site
 * samplers (Gibbs, MH, annealing) and random starts. */
typedef struct ebm_model_binary {
    /* Each unit's two values: low and high (−1/+1 or 0/1). */
    void (*xUnitValues)(void *model, float *low, float *high);
    /* E(state with unit i flipped) − E(state), in O(degree). Optional, with
     * xFlipUnit: single-site samplers need both; enumeration without them
     * recomputes energies. */
    double (*xFlipEnergy)(void *model, const float *state, size_t i);
    /* Flips unit i in place (±1 → ∓1, or {0,1} → 1 − x). */
    void (*xFlipUnit)(void *model, float *state, size_t i);
    /* Optional: delta[i] = xFlipEnergy(state, i) for every unit at once, when
     * the model does it faster (for ±1 units with a pairwise energy it is
     * 2·y_i·h_i). NULL: the wrapper loops over xFlipEnergy. */
    void (*xFlipEnergies)(void *model, const float *state, double *delta);
    /* Optional: 0 when this instance has real-valued units after all (an RBM
     * with Gaussian visible units), so flips and enumeration do not apply.
     * NULL: every unit is binary. */
    int (*xAllBinary)(void *model);
    /* Optional: 1 and *out filled when this instance's energy is dense
     * pairwise as ebm_pairwise says (an SK spin glass, a Boltzmann machine,
     * a Hopfield network), else 0. Single-site samplers then keep every
     * unit's local field Σ_j w_ij s_j + b_i up to date flip by flip: O(N)
     * per flip and O(1) per unit left as it was, where xFlipEnergy costs
     * O(N) per update. */
    int (*xPairwise)(void *model, ebm_pairwise *out);
} ebm_model_binary;

/* States made of layers that are conditionally independent given their
 * neighbours (RBM, DBM): [visible | hidden layers]. */
typedef struct ebm_model_layered {
    /* `steps` block-Gibbs steps for n states (rows of xUnits floats) at
     * inverse temperature beta (the model's own 1/T included). A step
     * resamples every layer given its neighbours in the model's order;
     * units whose clamped byte is 1 keep their values. Row r draws only from
     * ebm_rng_derive(rng, r), so the result does not depend on how rows are
     * split across threads; callers pass a fresh stream to every call. */
    int (*xBlockGibbs)(void *model, float *states, size_t n,
                       const unsigned char *clamped, int steps, double beta,
                       ebm_rng *rng, ebm_error *err);
    /* Free energy F(v) = −T log Σ_h exp(−E(v,h)/T) of the visible part of
     * each of n states (rows of xUnits floats). */
    int (*xFreeEnergy)(void *model, const float *states, size_t n,
                       double *free_energy, ebm_error *err);
    /* Exact log Z (T included) by the model's cheapest enumeration (an RBM
     * enumerates its smaller layer and sums the other out analytically);
     * EBM_ELIMIT with a clear message beyond 2^max_bits terms. */
    int (*xLogPartition)(void *model, int max_bits, double *log_z, ebm_error *err);
} ebm_model_layered;

/* Real-valued states (the generic energy model). */
typedef struct ebm_model_continuous {
    /* ∂E/∂x for n states (rows of xUnits floats), written to grad (same
     * shape), T = 1. What Langevin and MALA move along (optional: MH with a
     * Gaussian kernel needs only energies). */
    int (*xStateGrad)(void *model, const float *states, size_t n, float *grad,
                      ebm_error *err);
    /* Optional: E(x) for n states at once (a GEMM-shaped model does this
     * faster than n calls of xEnergy); NULL: the wrapper loops over xEnergy. */
    int (*xEnergies)(void *model, const float *states, size_t n, double *energy,
                     ebm_error *err);
    /* Optional: n random starting states from the model's own noise
     * distribution (e.g. uniform over the data's box); without it chains
     * start where they are given. */
    void (*xNoise)(void *model, float *states, size_t n, ebm_rng *rng);
    /* Optional: E(x) and ∂E/∂x of n states from one pass (an MLP's forward
     * pass gives the energies its backward pass needs); NULL: the wrapper
     * calls xEnergies (or xEnergy) and xStateGrad. */
    int (*xEnergiesGrad)(void *model, const float *states, size_t n, double *energy,
                         float *grad, ebm_error *err);
} ebm_model_continuous;

/* Learning by gradient steps: the model's own gradient, or the statistics
 * contrastive training needs. */
typedef struct ebm_model_learning {
    /* Gradient of the training loss (to be minimised) for a minibatch of n
     * data rows, written into grads (same names and shapes as xParams). The
     * runner then lets the optimiser step. NULL: the model learns
     * contrastively from the statistics below. */
    int (*xGradient)(void *model, const float *batch, size_t n,
                     ebm_tensor *grads, ebm_rng *rng, ebm_error *err);
    /* Contrastive statistics: grads += scale · mean over the n states of
     * ∂E(x)/∂θ. The trainer calls it with +1 on data states (hidden units
     * sampled given the data) and −1 on model samples, so grads ends as the
     * gradient of the negative log-likelihood. */
    int (*xEnergyGrad)(void *model, const float *states, size_t n, double scale,
                       ebm_tensor *grads, ebm_error *err);
    /* Optional: grads += scale · mean over the n states of E_q[∂E/∂θ], q the
     * posterior over the hidden units given the visible part: exact when
     * `exact_posterior` (an RBM's p(h|v) is a product), else an approximation
     * (a DBM's mean field). The trainer uses it for the data term; when exact
     * also for the model term, in place of xEnergyGrad on sampled hidden
     * units (the same gradient in expectation, with less variance). NULL:
     * the trainer samples the hidden units given the data. */
    int (*xPositiveGrad)(void *model, const float *states, size_t n, double scale,
                         ebm_tensor *grads, ebm_error *err);
    int exact_posterior;
    /* Optional, with exact_posterior and layers: the model term of n
     * persistent chains (rows of xUnits floats, nothing clamped) in one pass.
     * Each state's hidden units were drawn given its visible ones (or at
     * random); `steps` block-Gibbs steps at the model's temperature, each
     * drawing the visible layer given the hidden and then the hidden given
     * the visible, then grads += scale · mean over the chains of
     * E_{p(h|v)}[∂E/∂θ] at their final visible units. The last p(h|v) serves
     * both the last hidden draw and the gradient, so it is computed once.
     * Row r draws only from ebm_rng_derive(rng, r). NULL: the chains move by
     * the samplers' Gibbs kernel and xPositiveGrad adds the term. */
    int (*xChainGrad)(void *model, float *states, size_t n, int steps, ebm_rng *rng,
                      double scale, ebm_tensor *grads, ebm_error *err);
    /* Optional: state besides the parameters that training changes and a
     * resumed run needs (the RBM's running mean of hidden activities for its
     * sparsity target), appended to out. */
    int (*xState)(void *model, ebm_state_list *out, ebm_error *err);
} ebm_model_learning;

/* Zero-temperature dynamics (Hopfield-style). */
typedef struct ebm_model_dynamics {
    /* Evolves `state` in place until a fixed point, a two-cycle or the limit. */
    int (*xEvolve)(void *model, float *state, const ebm_evolve *how,
                   ebm_rng *rng, ebm_evolve_result *res);
} ebm_model_dynamics;

/* Features of one model family that an estimator uses, reached by name
 * (xFeature) so no estimator includes a model's header. Each name has one
 * function type: */
typedef void (*ebm_model_feature)(void);
/* "class_scores": per row (n rows of ld floats: visible units, then the
 * labels' columns), a score per class whose softmax approximates
 * P(class | v) more cheaply than enumeration (a DBM: the mean-field bound with
 * the label clamped); n × labels doubles. EBM_ECONFIG when labels is not the
 * model's number of label units (with n = 0 it only checks that). */
typedef int (*ebm_class_scores_fn)(void *model, const float *rows, size_t n, size_t ld,
                                   size_t labels, double *scores, ebm_error *err);
/* "gaussian_truth": the exact mean (xUnits values), covariance (xUnits²,
 * row-major) and log Z of a Gaussian instance (any may be NULL);
 * EBM_ENOTSUP when this instance is not Gaussian. */
typedef int (*ebm_gaussian_truth_fn)(void *model, double *mean, double *cov,
                                     double *log_z);
/* "hopfield_update": one update of n states (rows of xUnits floats) at once
 * into out, e.g. a modern Hopfield network's x <- Xi softmax(beta Xi'x) as
 * two GEMMs; the same as one sweep of xEvolve on each row, faster. */
typedef int (*ebm_hopfield_update_fn)(void *model, const float *in, size_t n, float *out,
                                      ebm_error *err);

typedef struct ebm_model_ops {
    ebm_plugin info;
    /* A small experiment with this model (YAML, data and model sections),
     * the smaller the better: the property test builds it and checks every
     * op against the energy, and the contract test requires it to validate. */
    const char *example;

    /* ---- the core, required ---- */
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

    /* ---- the core, optional (the wrappers give the defaults) ---- */
    /* Cross-field checks on the whole experiment at validation time, e.g. a
     * one-shot learning rule with train.epochs set. Adds to diags. */
    void (*xCheck)(const ebm_node *experiment, ebm_diags *diags);
    /* The sizes the section cfg implies for data rows of data_dim values,
     * without allocating them, so a model too large for the machine is
     * refused before a run writes anything. NULL: a state is a data row and
     * the parameters are too small to matter. */
    void (*xSize)(const ebm_node *cfg, size_t data_dim, ebm_model_size *out);
    /* One-shot learning (or data-dependent set-up, e.g. the DBM's greedy
     * pretraining) before any epoch; it sets parameters only, so a resumed run
     * skips it. EBM_EINTERRUPT once *stop (may be NULL) turns nonzero. */
    int (*xFit)(void *model, const ebm_dataset *train, ebm_rng *rng,
                const volatile sig_atomic_t *stop, ebm_error *err);
    /* Data row ({0,1} floats) to model state; a copy when NULL. Touches
     * nothing but the row and the state: the trainer encodes a minibatch's
     * rows on several threads at once. */
    void (*xEncode)(void *model, const float *row, float *state);
    /* Model state back to a data row; a copy when NULL. */
    void (*xDecode)(void *model, const float *state, float *row);
    /* The model's temperature T in p(x) = exp(−E(x)/T)/Z (1 when NULL). */
    double (*xTemperature)(void *model);
    /* Units the data fill (visible and label units), as a mask of xUnits
     * bytes; NULL (or NULL returned) when every unit is data. Training clamps
     * them; the exact estimators sum over the others. */
    const unsigned char *(*xDataMask)(void *model);
    /* The named feature (see above), or NULL. */
    ebm_model_feature (*xFeature)(const char *name);

    /* ---- capabilities (NULL: the model has none of that kind) ---- */
    const ebm_model_binary *binary;
    const ebm_model_layered *layered;
    const ebm_model_continuous *continuous;
    const ebm_model_learning *learning;
    const ebm_model_dynamics *dynamics;
} ebm_model_ops;

/* ---- capabilities as bits: what an estimator declares it needs ---- */
enum {
    EBM_CAP_BINARY = 1 << 0,        /* the binary table */
    EBM_CAP_FLIPS = 1 << 1,         /* single-unit flips in it */
    EBM_CAP_LAYERED = 1 << 2,       /* the layered table */
    EBM_CAP_CONTINUOUS = 1 << 3,    /* the continuous table */
    EBM_CAP_STATE_GRAD = 1 << 4,    /* ∂E/∂x in it */
    EBM_CAP_DYNAMICS = 1 << 5,      /* the dynamics table */
    EBM_CAP_CODING = 1 << 6,        /* xEncode and xDecode */
    EBM_CAP_LEARNING = 1 << 7       /* the learning table */
};
/* The capabilities the model has, as EBM_CAP_* bits. */
unsigned ebm_model_caps(const ebm_model_ops *ops);
/* What the lowest bit of caps means, for messages: "binary units
 * (xUnitValues)". */
const char *ebm_model_cap_name(unsigned caps);

/* ---- wrappers (model.c): callers use these, never the raw pointers ---- */

/* The model's cross-field checks on an experiment (none without xCheck). */
void ebm_model_check(const ebm_model_ops *ops, const ebm_node *experiment, ebm_diags *diags);
/* The model's xSize, or its default: a state of data_dim units, no
 * parameters worth counting. */
void ebm_model_size_of(const ebm_model_ops *ops, const ebm_node *cfg, size_t data_dim,
                       ebm_model_size *out);
/* For the xCheck of a model that stores its patterns in one shot and has
 * nothing to train: refuses train.epochs > 0, naming the model. */
void ebm_model_check_one_shot(const char *model, const ebm_node *experiment,
                              ebm_diags *diags);
/* Its one-shot fit (EBM_OK without xFit). */
int ebm_model_fit(const ebm_model_ops *ops, void *model, const ebm_dataset *train,
                  ebm_rng *rng, const volatile sig_atomic_t *stop, ebm_error *err);
double ebm_model_temperature(const ebm_model_ops *ops, void *model);
/* A data row to a state, and back; a model without its own coding copies the
 * first n floats (the caller's row length). */
void ebm_model_encode(const ebm_model_ops *ops, void *model, const float *row, size_t n,
                      float *state);
void ebm_model_decode(const ebm_model_ops *ops, void *model, const float *state, size_t n,
                      float *row);
/* Has its own coding of data rows (xEncode and xDecode), e.g. ±1 units or
 * hidden units after the data's. */
int ebm_model_has_coding(const ebm_model_ops *ops);
/* The length of the row a state decodes to: data_dim when the states hold
 * data rows (the model marks its data units, or a state is exactly a row
 * long), else every unit (a model that ignores its data, such as the Ising
 * lattice over data: none, whose samples are whole states). */
size_t ebm_model_row_length(const ebm_model_ops *ops, void *model, size_t data_dim);
ebm_model_feature ebm_model_find_feature(const ebm_model_ops *ops, const char *name);

/* binary */
int ebm_model_has_binary(const ebm_model_ops *ops);
/* Has single-site flips (xFlipEnergy and xFlipUnit). */
int ebm_model_can_flip(const ebm_model_ops *ops);
/* Has binary units and this instance has no real-valued ones. */
int ebm_model_all_binary(const ebm_model_ops *ops, void *model);
void ebm_model_unit_values(const ebm_model_ops *ops, void *model, float *low, float *high);
double ebm_model_flip_energy(const ebm_model_ops *ops, void *model, const float *state,
                             size_t i);
void ebm_model_flip_unit(const ebm_model_ops *ops, void *model, float *state, size_t i);
void ebm_model_flip_energies(const ebm_model_ops *ops, void *model, const float *state,
                             double *delta);
/* 1 and *out when the instance is dense pairwise (xPairwise), else 0. */
int ebm_model_pairwise(const ebm_model_ops *ops, void *model, ebm_pairwise *out);

/* layered */
int ebm_model_has_layers(const ebm_model_ops *ops);
int ebm_model_block_gibbs(const ebm_model_ops *ops, void *model, float *states, size_t n,
                          const unsigned char *clamped, int steps, double beta,
                          ebm_rng *rng, ebm_error *err);
int ebm_model_free_energy(const ebm_model_ops *ops, void *model, const float *states,
                          size_t n, double *free_energy, ebm_error *err);
int ebm_model_log_partition(const ebm_model_ops *ops, void *model, int max_bits,
                            double *log_z, ebm_error *err);

/* continuous */
int ebm_model_is_continuous(const ebm_model_ops *ops);
int ebm_model_has_state_grad(const ebm_model_ops *ops);
int ebm_model_has_noise(const ebm_model_ops *ops);
int ebm_model_state_grad(const ebm_model_ops *ops, void *model, const float *states,
                         size_t n, float *grad, ebm_error *err);
int ebm_model_energies(const ebm_model_ops *ops, void *model, const float *states,
                       size_t n, double *energy, ebm_error *err);
/* Energies and ∂E/∂x of the same n states (the model needs xStateGrad). */
int ebm_model_energies_grad(const ebm_model_ops *ops, void *model, const float *states,
                            size_t n, double *energy, float *grad, ebm_error *err);
void ebm_model_noise(const ebm_model_ops *ops, void *model, float *states, size_t n,
                     ebm_rng *rng);

/* learning */
int ebm_model_has_gradient(const ebm_model_ops *ops);        /* its own xGradient */
int ebm_model_learns_contrastively(const ebm_model_ops *ops); /* xEnergyGrad */
int ebm_model_gradient(const ebm_model_ops *ops, void *model, const float *batch, size_t n,
                       ebm_tensor *grads, ebm_rng *rng, ebm_error *err);
int ebm_model_energy_grad(const ebm_model_ops *ops, void *model, const float *states,
                          size_t n, double scale, ebm_tensor *grads, ebm_error *err);
int ebm_model_has_positive_grad(const ebm_model_ops *ops);
int ebm_model_exact_posterior(const ebm_model_ops *ops);
int ebm_model_positive_grad(const ebm_model_ops *ops, void *model, const float *states,
                            size_t n, double scale, ebm_tensor *grads, ebm_error *err);
/* The model term of n chains: grads += scale · mean ∂E/∂θ, through the exact
 * posterior over the hidden units where the model has one (xPositiveGrad),
 * else at the chains' sampled hidden units (xEnergyGrad). */
int ebm_model_term_grad(const ebm_model_ops *ops, void *model, const float *states,
                        size_t n, double scale, ebm_tensor *grads, ebm_error *err);
int ebm_model_has_chain_grad(const ebm_model_ops *ops);
int ebm_model_chain_grad(const ebm_model_ops *ops, void *model, float *states, size_t n,
                         int steps, ebm_rng *rng, double scale, ebm_tensor *grads,
                         ebm_error *err);
const unsigned char *ebm_model_data_mask(const ebm_model_ops *ops, void *model);
/* Appends the model's training state to out (nothing when it has none). */
int ebm_model_state(const ebm_model_ops *ops, void *model, ebm_state_list *out,
                    ebm_error *err);

/* dynamics */
int ebm_model_has_dynamics(const ebm_model_ops *ops);
int ebm_model_evolve(const ebm_model_ops *ops, void *model, float *state,
                     const ebm_evolve *how, ebm_rng *rng, ebm_evolve_result *res);

#endif
