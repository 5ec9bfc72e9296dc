/* rbm.h — the restricted Boltzmann machine's parameters and the block
 * operations that its plugin (rbm.c), its estimators (exact log Z, AIS,
 * pseudo-likelihood) and the DBM's greedy pretraining share.
 *
 * A state is [v (n_visible) | h (n_hidden)], T = 1:
 *   Bernoulli visible:  E(v,h) = −bᵀv − cᵀh − vᵀWh,        v ∈ {0,1}
 *   Gaussian visible:   E(v,h) = ½‖v − b‖² − cᵀh − vᵀWh,    v ∈ ℝ (unit variance)
 * so p(h_j = 1 | v) = σ(c_j + (vW)_j), and p(v | h) is Bernoulli σ(b + Wh)
 * or N(b + Wh, 1). At inverse temperature β every input is scaled by β (a
 * Gaussian's variance becomes 1/β). */
#ifndef EBM_MODELS_RBM_H
#define EBM_MODELS_RBM_H

#include <stddef.h>

#include "error.h"
#include "rng.h"

typedef struct ebm_rbm {
    size_t n_visible, n_hidden;
    int gaussian;              /* visible units Gaussian (else Bernoulli) */
    float *W;                  /* n_visible × n_hidden, row-major */
    float *b;                  /* visible biases */
    float *c;                  /* hidden biases */
    unsigned char *data_mask;  /* n_visible + n_hidden: 1 for visible units */
    float *scratch;            /* grown on demand by the block operations */
    size_t scratch_size;
    /* Sparsity target (model.sparsity, Hinton's practical guide §11); off
     * while sparsity_cost is 0. rbm.c's xDataGrad updates hidden_mean, the
     * decaying average q of each hidden unit's mean p(h_j = 1 | v) over the
     * data minibatches, and adds the penalty's gradient; see rbm.c. */
    double sparsity_target, sparsity_cost, sparsity_decay;
    float *hidden_mean;        /* n_hidden: q; NULL while sparsity is off */
    int hidden_mean_seeded;    /* q holds a first minibatch's mean */
    /* Input multipliers for the DBM's greedy pretraining (Salakhutdinov &
     * Hinton 2009): the hidden input is c + hidden_input_scale·vW, the
     * visible input b + visible_input_scale·hWᵀ (2 stands for two tied copies
     * of the layer below or above). ebm_rbm_init sets both to 1: a plain RBM. */
    float hidden_input_scale, visible_input_scale;
} ebm_rbm;

/* Allocates zero parameters; ebm_rbm_free releases them. */
int ebm_rbm_init(ebm_rbm *m, size_t n_visible, size_t n_hidden, int gaussian,
                 ebm_error *err);
void ebm_rbm_free(ebm_rbm *m);

/* At least `floats` floats of m->scratch, or NULL when out of memory. */
float *ebm_rbm_scratch(ebm_rbm *m, size_t floats);

/* Layer inputs for n rows through one GEMM each (ld* are row strides, so the
 * visible or hidden part of [v|h] states can be passed in place):
 *   hidden_input:  out = c + hidden_input_scale · v W     (n × n_hidden)
 *   visible_input: out = b + visible_input_scale · h Wᵀ   (n × n_visible) */
void ebm_rbm_hidden_input(const ebm_rbm *m, const float *v, size_t ldv,
                          size_t n, float *out, size_t ldo);
void ebm_rbm_visible_input(const ebm_rbm *m, const float *h, size_t ldh,
                           size_t n, float *out, size_t ldo);

/* In place over an n × width block with row stride ld: x ← σ(β x). */
void ebm_rbm_sigmoid(float *x, size_t n, size_t width, size_t ld, float beta);

/* Draws a layer from its inputs at inverse temperature β, for n rows of
 * `width` units (row strides ld_in and ld_out; in and out may alias):
 * Bernoulli x = [u < σ(β·in)], Gaussian x = in + N(0, 1/β). Row r draws from
 * rngs[r]; units with keep[i] = 1 (keep may be NULL) are left unchanged. */
void ebm_rbm_sample_layer(const float *in, size_t ld_in, float *out,
                          size_t ld_out, size_t n, size_t width, int gaussian,
                          float beta, ebm_rng *rngs, const unsigned char *keep);

/* sums[i] += scale · Σ_r (x[r][i] − offset[i]) over n rows of `width`
 * (row stride ld); offset NULL counts as zeros. */
void ebm_rbm_add_column_sums(float *sums, const float *x, size_t ld, size_t n,
                             size_t width, float scale, const float *offset);

/* For n rows of `width` inputs x (row stride ld, at T = 1): x ← σ(x) in
 * place, and out ← [u < σ(x)], a Bernoulli draw from those probabilities
 * (row stride ld_out), row r's uniforms from rngs[r]. */
void ebm_rbm_sigmoid_draw(float *x, size_t ld, float *out, size_t ld_out, size_t n,
                          size_t width, ebm_rng *rngs);

/* log Σ_h exp(−β E(v,h)) for n visible rows (stride ldv), in double: the
 * negative free energy at β (for a Gaussian RBM, of the unnormalised
 * density in v). Uses m->scratch. Returns EBM_ENOMEM on failure. */
int ebm_rbm_log_unnormalized(ebm_rbm *m, const float *v, size_t ldv, size_t n,
                             double beta, double *out, ebm_error *err);

/* log(1 + e^x) without overflow. */
double ebm_softplus(double x);

/* ---- exact log Z and the likelihood estimators (rbm_exact.c, rbm_ais.c,
 * rbm_pll.c, rbm_recon.c) ---- */

/* Exact log Z in double by enumerating the smaller layer (always the hidden
 * one for Gaussian visible units, whose integral over v is closed-form),
 * the other layer summed out; blocks of states go through one GEMM each.
 * EBM_ELIMIT, naming both layer sizes, when that layer has more than
 * max_bits units. */
int ebm_rbm_log_z(ebm_rbm *m, int max_bits, double *log_z, ebm_error *err);

/* The model op xLogPartition for rbm.c: ebm_rbm_log_z on a void model. */
int ebm_rbm_log_partition(void *model, int max_bits, double *log_z,
                          ebm_error *err);

/* The AIS base model's visible biases from the data: Bernoulli
 * log(p/(1−p)) of the column means (p kept in [1e-3, 1 − 1e-3], as the
 * model's data initialisation does), Gaussian the column means. With no
 * rows, 0. */
void ebm_rbm_base_rates(const ebm_rbm *m, const float *x, size_t rows,
                        size_t ld, float *b_base);

#endif
