/* dbm.h — the deep Boltzmann machine's parameters and the operations its
 * plugin (dbm.c), its exact log Z (dbm_exact.c), mean-field inference
 * (dbm_meanfield.c), label units (dbm_labels.c), greedy pretraining and AIS
 * share.
 *
 * Layers x_0 = v, x_1 = h1, …, x_L = hL, all Bernoulli {0,1}, and optionally
 * K one-hot label units y (model.labels) attached to the top layer only. A
 * state is [v | y | x_1 | … | x_L]: v and y are the data units (a data row
 * ends in its K label columns, data.append_labels), so xEncode is a copy and
 * xDataMask marks both. With T = 1,
 *   E(x) = −Σ_l b_lᵀ x_l − Σ_{l=1..L} x_{l−1}ᵀ W_l x_l − b_yᵀ y − yᵀ U x_L,
 * W_l of size[l−1] × size[l], U of K × size[L]. Given its two neighbours a
 * layer is a product of Bernoullis: p(x_l = 1 | rest) = σ(b_l + x_{l−1} W_l +
 * W_{l+1} x_{l+1}) (+ yU for the top layer), so the odd layers (h1, h3, …)
 * are independent given the even ones (v, h2, …) and vice versa. y sees only
 * x_L: p(y = e_c | rest) = softmax_c(b_y + U x_L), so y belongs with the
 * parity of x_{L−1} (with v when L = 1). The model is the restriction to
 * one-hot y: log Z and F sum y over its K values, block Gibbs draws it as a
 * softmax; E itself (and xFlipEnergy) is the formula for any y in {0,1}^K,
 * which is what single-unit estimators (classify) need. */
#ifndef EBM_MODELS_DBM_H
#define EBM_MODELS_DBM_H

#include <stddef.h>

#include "error.h"
#include "model.h"
#include "rbm.h"

#define EBM_DBM_MAX_HIDDEN 8   /* hidden layers a DBM may have */

/* Mean-field settings: iterate until every mean is within tolerance of its
 * fixed-point equation's right side, |μ − σ(input)| < tolerance (measured
 * as each layer is updated), at most max_iterations; each new mean is
 * damping·old + (1 − damping)·σ(input). */
typedef struct ebm_dbm_mean_field {
    double tolerance;
    int max_iterations;
    double damping;
    /* With label units: 0 keeps y as the states give it (clamped, e.g. the
     * positive phase); 1 infers q(y) = softmax(b_y + U μ_L) as well (from v
     * alone), updated with the layers of x_{L−1}'s parity. */
    int free_labels;
} ebm_dbm_mean_field;

typedef struct ebm_dbm {
    int n_hidden_layers;                   /* L */
    size_t size[EBM_DBM_MAX_HIDDEN + 1];   /* units of x_0 … x_L */
    size_t offset[EBM_DBM_MAX_HIDDEN + 1]; /* where x_l starts in a state */
    size_t units;                          /* Σ size + n_labels */
    size_t n_labels;                       /* K (0: no label units) */
    size_t label_offset;                   /* where y starts: size[0] */
    float *U;                              /* K × size[L], or NULL */
    float *label_bias;                     /* b_y, K, or NULL */
    float *W[EBM_DBM_MAX_HIDDEN + 1];      /* W[l], l = 1..L; W[0] unused */
    float *bias[EBM_DBM_MAX_HIDDEN + 1];   /* b_l, l = 0..L */
    unsigned char *data_mask;              /* 1 for the visible and label units */
    ebm_dbm_mean_field mean_field;         /* the positive phase's settings */
    float *scratch;                        /* layer inputs, grown on demand */
    size_t scratch_size;
    float *means;                          /* mean-field states, grown on demand */
    long mean_field_iterations;            /* made by the positive phase so far
                                              (what bench/dbm counts FLOPs by) */
    size_t means_size;
    double init_scale;                     /* sd of the initial weights */
    ebm_node *pretrain;                    /* model.pretrain (a copy, owned), or
                                              NULL: xFit does nothing */
} ebm_dbm;

/* Allocates zero parameters for layer sizes size[0..n_hidden_layers]
 * (size[0] visible); the mean-field settings get their defaults (1e-4, 50,
 * no damping). ebm_dbm_free releases everything. */
int ebm_dbm_init(ebm_dbm *m, const size_t *size, int n_hidden_layers,
                 ebm_error *err);
/* The same with n_labels one-hot label units on the top layer (U and b_y 0). */
int ebm_dbm_init_labels(ebm_dbm *m, const size_t *size, int n_hidden_layers,
                        size_t n_labels, ebm_error *err);
void ebm_dbm_free(ebm_dbm *m);

/* At least `floats` floats of m->scratch, or NULL when out of memory. */
float *ebm_dbm_scratch(ebm_dbm *m, size_t floats);

/* Energy of one state, in double. */
double ebm_dbm_energy(const ebm_dbm *m, const float *state);

/* The input of layer l for n states (rows of m->units floats, layers read
 * in place): out = b_l + x_{l−1} W_l + x_{l+1} W_{l+1}ᵀ (+ y U for l = L
 * with labels), GEMMs (n × size[l], row stride ldo). The states may hold
 * samples or means. */
void ebm_dbm_layer_input(const ebm_dbm *m, int l, const float *states, size_t n,
                         float *out, size_t ldo);
/* Its two halves, in the order ebm_dbm_layer_input takes them: out = b_l +
 * x_{l−1} W_l, then out += x_{l+1} W_{l+1}ᵀ (or y U for l = L). The mean
 * field keeps the first half of layer 1 (the visible units never change). */
void ebm_dbm_layer_input_below(const ebm_dbm *m, int l, const float *states, size_t n,
                               float *out, size_t ldo);
void ebm_dbm_layer_input_above(const ebm_dbm *m, int l, const float *states, size_t n,
                         float *out, size_t ldo);

/* grads += scale/n · Σ_rows ∂E/∂θ at the given states (samples, or
 * mean-field means: E is linear in each layer and has no terms inside a
 * layer, so under a factorised q, E_q[∂E/∂θ] is ∂E/∂θ at the means).
 * grads in xParams order: W1 … WL, b, c1 … cL, then with labels U and
 * label_bias (∂E/∂U = −y x_Lᵀ, ∂E/∂b_y = −y). */
void ebm_dbm_energy_grad(const ebm_dbm *m, const float *states, size_t n,
                         double scale, ebm_tensor *grads);

/* ---- label units (dbm_labels.c) ---- */

/* The labels' input for n states: out = b_y + x_L Uᵀ (n × K, stride ldo). */
void ebm_dbm_label_input(const ebm_dbm *m, const float *states, size_t n, float *out,
                         size_t ldo);

/* In place over n rows of K inputs (stride ld): z ← softmax(β z). */
void ebm_dbm_softmax(float *z, size_t n, size_t k, size_t ld, float beta);

/* Draws y of n states one-hot from softmax(β (b_y + U x_L)), row r from
 * rngs[r]; in is n × K scratch. */
void ebm_dbm_sample_labels(const ebm_dbm *m, float *states, size_t n, float beta,
                           ebm_rng *rngs, float *in);

/* log Σ_c exp(z_c) of K inputs, in double. */
double ebm_dbm_log_sum_exp(const double *z, size_t k);

/* Approximate class scores for n data rows [v | one-hot y] (stride ld; the
 * label columns are ignored): scores[r·K + c] = L(v, e_c), the mean-field
 * lower bound on log Σ_h exp(−E(v, e_c, h)) with y clamped to class c (m's
 * own mean-field settings), so P(c | v) ≈ softmax_c(scores). Exact when the
 * posterior over h given (v, y) factorises (one hidden layer); otherwise each
 * score is low by that class's KL(q || p(h | v, c)). EBM_EINVAL without
 * labels. */
int ebm_dbm_mean_field_scores(ebm_dbm *m, const float *rows, size_t n, size_t ld,
                              double *scores, ebm_error *err);

/* Checks that the last K columns of every row of d are one-hot (a dataset
 * without append_labels may carry them itself); EBM_EDATA naming the row. */
int ebm_dbm_check_label_columns(const ebm_dataset *d, size_t n_labels,
                                const char *who, ebm_error *err);

/* ---- mean-field inference (dbm_meanfield.c) ---- */

/* The mean-field posterior q(h | v) = Π Bernoulli(μ) for n rows: states
 * (rows of m->units floats) give v (and y, unless how->free_labels: then
 * q(y) is a categorical inferred too); means receives [v | y | μ_1 | … | μ_L].
 * Starts from one bottom-up pass (each layer below the top driven by twice
 * the weights from below, standing in for the missing input from above, as
 * Salakhutdinov & Hinton's code does), then iterates odd hidden layers, then
 * even ones, each the exact maximiser of the bound given the others, so the
 * bound never decreases. bound_trace (optional, how->max_iterations + 1
 * entries) receives the mean over the rows of ebm_dbm_bound after the start
 * and after each iteration, entries past the stop repeating the last;
 * *iterations (optional) the iterations made. */
int ebm_dbm_infer(ebm_dbm *m, const float *states, size_t n,
                  const ebm_dbm_mean_field *how, float *means, double *bound_trace,
                  int *iterations, ebm_error *err);

/* The variational lower bound of every row of means ([v | y | μ]):
 *   L(v) = −E_q[E(v, h)] + H(q) = −E(v, μ) + Σ_hidden H(μ_i),
 * H(μ) = −μ log μ − (1 − μ) log(1 − μ), in double; log p(v) ≥ L(v) − log Z.
 * With labels, the y block adds its categorical entropy −Σ_c y_c log y_c (0
 * for a clamped one-hot y, whose bound is then on log p(v, y) + log Z). */
void ebm_dbm_bound(const ebm_dbm *m, const float *means, size_t n, double *bound);

/* The model op xPositiveGrad: mean-field means for the n states, then
 * ebm_dbm_energy_grad at the means. */
int ebm_dbm_positive_grad(void *model, const float *states, size_t n, double scale,
                          ebm_tensor *grads, ebm_error *err);

/* ---- exact log Z (dbm_exact.c) ---- */

/* Exact log Z in double: enumerates whichever set of layers, odd or even,
 * has fewer states, the other set summed out in closed form (given the
 * enumerated layers its units are independent Bernoullis):
 *   log Σ exp(−E) = Σ_{l enumerated} b_lᵀx_l + Σ_{l summed} Σ_i softplus(input_{l,i}).
 * Label units count K states, not 2^K: enumerated with their parity (y's
 * term b_yᵀy), or summed out as log Σ_c exp(b_y,c + U_c x_L).
 * EBM_ELIMIT, naming the layer sizes, beyond 2^max_bits terms. */
int ebm_dbm_log_z(ebm_dbm *m, int max_bits, double *log_z, ebm_error *err);

/* The model op xLogPartition: ebm_dbm_log_z on a void model. */
int ebm_dbm_log_partition(void *model, int max_bits, double *log_z, ebm_error *err);

/* Exact free energy F(v) = −log Σ_h exp(−E(v, h)) of the visible part of n
 * states (rows of m->units floats), in double: for every row, enumerates
 * the hidden layers of whichever parity has fewer units (odd h1, h3, … or
 * even h2, h4, …) and sums the other hidden layers out in closed form. With
 * labels, the visible part is (v, y): F(v, y), y as the state holds it.
 * EBM_ELIMIT beyond 2^max_bits terms a row. */
int ebm_dbm_free_energy(ebm_dbm *m, const float *states, size_t n, int max_bits,
                        double *free_energy, ebm_error *err);

/* The model op xFreeEnergy: ebm_dbm_free_energy with this limit. */
#define EBM_DBM_FREE_ENERGY_MAX_BITS 24
int ebm_dbm_free_energy_op(void *model, const float *states, size_t n,
                           double *free_energy, ebm_error *err);

/* ---- composing a DBM from RBMs (greedy pretraining) ---- */

/* Puts a Bernoulli RBM between layers l−1 and l (1 ≤ l ≤ L; the RBM's
 * visible layer is x_{l−1}, its hidden layer x_l, sizes must match):
 * W_l ← weight_scale · W, and ADDS lower_share · b to b_{l−1} and
 * upper_share · c to b_l. For the top layer of a DBM with labels the RBM's
 * visible layer is [x_{L−1} | y] (size[L−1] + K units): its last K rows of W
 * become weight_scale · U and its last K visible biases set b_y (whole).
 * Zero the biases first (ebm_dbm_zero_biases); a middle layer then gets its
 * bias from both RBMs that touch it, with the shares the pretraining scheme
 * chooses (e.g. ½ each). */
int ebm_dbm_set_layer(ebm_dbm *m, int l, const ebm_rbm *rbm, double weight_scale,
                      double lower_share, double upper_share, ebm_error *err);
void ebm_dbm_zero_biases(ebm_dbm *m);

/* ---- AIS and the variational bound (dbm_ais.c, the dbm_ais estimator) ---- */

/* Mean over the rows of ebm_dbm_bound at the mean-field posterior (m's own
 * settings): the variational lower bound on log p(v) before − log Z.
 * states are rows of m->units floats holding v (and y: then the bound is on
 * log p(v, y)). */
int ebm_dbm_mean_bound(ebm_dbm *m, const float *states, size_t rows, double *mean,
                       ebm_error *err);

/* ---- greedy pretraining (dbm_pretrain.c) ---- */

/* The keys of model.pretrain. */
extern const ebm_param ebm_dbm_pretrain_params[];

/* The input multipliers of layer l's RBM among n_hidden_layers
 * (Salakhutdinov & Hinton 2009): bottom (2, 1), top (1, 2), middle (2, 2),
 * a single hidden layer (1, 1); see ebm_rbm's hidden_input_scale. */
void ebm_dbm_pretrain_scales(int l, int n_hidden_layers, float *hidden_input_scale,
                             float *visible_input_scale);

/* Trains one RBM per layer, bottom up (with labels, the top RBM's visible
 * layer is [layer below | labels], Salakhutdinov & Hinton's top RBM), with
 * the rbm plugin's ops, the contrastive trainer and the optimiser (fit.c's
 * loop) as cfg (a validated model.pretrain map) says, each on the layer below's p(h | v) (or draws of
 * it), then sets the DBM from them: W_l the RBM's weights, each bias the
 * sum of halves from the two RBMs that touch its layer (whole at v and at
 * the top). Random streams derive from rng, layer l from
 * ebm_rng_derive(rng, l). Does nothing when every layer has 0 epochs. */
int ebm_dbm_pretrain(ebm_dbm *m, const ebm_node *cfg, const ebm_dataset *train,
                     ebm_rng *rng, const volatile sig_atomic_t *stop, ebm_error *err);

/* The model op xFit: ebm_dbm_pretrain with m->pretrain. */
int ebm_dbm_fit(void *model, const ebm_dataset *train, ebm_rng *rng,
                const volatile sig_atomic_t *stop, ebm_error *err);

#endif
