/* model.c — the wrappers callers reach a model through (model.h): each
 * optional op's default lives here, once. A capability a caller needs is
 * checked where the caller starts (validation, an estimator's or sampler's
 * xSupports); the wrappers of a capability's required ops assume it. */
#include "model.h"

#include <string.h>

void ebm_model_check(const ebm_model_ops *ops, const ebm_node *experiment, ebm_diags *diags) {
    if (ops->xCheck) ops->xCheck(experiment, diags);
}

void ebm_model_size_of(const ebm_model_ops *ops, const ebm_node *cfg, size_t data_dim,
                       ebm_model_size *out) {
    *out = (ebm_model_size){.units = (double)data_dim};
    if (ops->xSize) ops->xSize(cfg, data_dim, out);
}

void ebm_model_check_one_shot(const char *model, const ebm_node *experiment,
                              ebm_diags *diags) {
    long long epochs = (long long)ebm_cfg_int(experiment, "train.epochs", 0);
    if (epochs > 0)
        ebm_diags_add(diags, "%s: train.epochs: %s stores its patterns in one shot and "
                      "has nothing to train (train.epochs is %lld; set it to 0)",
                      ebm_where_of(ebm_mark_near(experiment, "train.epochs")).text, model,
                      epochs);
}

int ebm_model_fit(const ebm_model_ops *ops, void *model, const ebm_dataset *train,
                  ebm_rng *rng, const volatile sig_atomic_t *stop, ebm_error *err) {
    return ops->xFit ? ops->xFit(model, train, rng, stop, err) : EBM_OK;
}

double ebm_model_temperature(const ebm_model_ops *ops, void *model) {
    return ops->xTemperature ? ops->xTemperature(model) : 1.0;
}

void ebm_model_encode(const ebm_model_ops *ops, void *model, const float *row, size_t n,
                      float *state) {
    if (ops->xEncode) ops->xEncode(model, row, state);
    else memcpy(state, row, n * sizeof *state);
}

void ebm_model_decode(const ebm_model_ops *ops, void *model, const float *state, size_t n,
                      float *row) {
    if (ops->xDecode) ops->xDecode(model, state, row);
    else memcpy(row, state, n * sizeof *row);
}

int ebm_model_has_coding(const ebm_model_ops *ops) { return ops->xEncode && ops->xDecode; }

size_t ebm_model_row_length(const ebm_model_ops *ops, void *model, size_t data_dim) {
    size_t units = ops->xUnits(model);
    if (data_dim == units || (data_dim < units && ebm_model_data_mask(ops, model)))
        return data_dim;
    return units;
}

ebm_model_feature ebm_model_find_feature(const ebm_model_ops *ops, const char *name) {
    return ops->xFeature ? ops->xFeature(name) : NULL;
}

/* ---- binary ---- */

int ebm_model_has_binary(const ebm_model_ops *ops) { return ops->binary != NULL; }

int ebm_model_can_flip(const ebm_model_ops *ops) {
    return ops->binary && ops->binary->xFlipEnergy && ops->binary->xFlipUnit;
}

int ebm_model_all_binary(const ebm_model_ops *ops, void *model) {
    return ops->binary && (!ops->binary->xAllBinary || ops->binary->xAllBinary(model));
}

void ebm_model_unit_values(const ebm_model_ops *ops, void *model, float *low, float *high) {
    ops->binary->xUnitValues(model, low, high);
}

double ebm_model_flip_energy(const ebm_model_ops *ops, void *model, const float *state,
                             size_t i) {
    return ops->binary->xFlipEnergy(model, state, i);
}

void ebm_model_flip_unit(const ebm_model_ops *ops, void *model, float *state, size_t i) {
    ops->binary->xFlipUnit(model, state, i);
}

void ebm_model_flip_energies(const ebm_model_ops *ops, void *model, const float *state,
                             double *delta) {
    if (ops->binary->xFlipEnergies) {
        ops->binary->xFlipEnergies(model, state, delta);
        return;
    }
    size_t units = ops->xUnits(model);
    for (size_t i = 0; i < units; i++) delta[i] = ops->binary->xFlipEnergy(model, state, i);
}

int ebm_model_pairwise(const ebm_model_ops *ops, void *model, ebm_pairwise *out) {
    return ops->binary && ops->binary->xPairwise && ops->binary->xPairwise(model, out);
}

/* ---- layered ---- */

int ebm_model_has_layers(const ebm_model_ops *ops) { return ops->layered != NULL; }

int ebm_model_block_gibbs(const ebm_model_ops *ops, void *model, float *states, size_t n,
                          const unsigned char *clamped, int steps, double beta,
                          ebm_rng *rng, ebm_error *err) {
    return ops->layered->xBlockGibbs(model, states, n, clamped, steps, beta, rng, err);
}

int ebm_model_free_energy(const ebm_model_ops *ops, void *model, const float *states,
                          size_t n, double *free_energy, ebm_error *err) {
    return ops->layered->xFreeEnergy(model, states, n, free_energy, err);
}

int ebm_model_log_partition(const ebm_model_ops *ops, void *model, int max_bits,
                            double *log_z, ebm_error *err) {
    return ops->layered->xLogPartition(model, max_bits, log_z, err);
}

/* ---- continuous ---- */

int ebm_model_is_continuous(const ebm_model_ops *ops) { return ops->continuous != NULL; }

int ebm_model_has_noise(const ebm_model_ops *ops) {
    return ops->continuous && ops->continuous->xNoise;
}

int ebm_model_has_state_grad(const ebm_model_ops *ops) {
    return ops->continuous && ops->continuous->xStateGrad;
}

int ebm_model_state_grad(const ebm_model_ops *ops, void *model, const float *states,
                         size_t n, float *grad, ebm_error *err) {
    return ops->continuous->xStateGrad(model, states, n, grad, err);
}

int ebm_model_energies(const ebm_model_ops *ops, void *model, const float *states,
                       size_t n, double *energy, ebm_error *err) {
    if (ops->continuous && ops->continuous->xEnergies)
        return ops->continuous->xEnergies(model, states, n, energy, err);
    size_t units = ops->xUnits(model);
    for (size_t r = 0; r < n; r++) energy[r] = ops->xEnergy(model, states + r * units);
    return EBM_OK;
}

int ebm_model_energies_grad(const ebm_model_ops *ops, void *model, const float *states,
                            size_t n, double *energy, float *grad, ebm_error *err) {
    if (ops->continuous->xEnergiesGrad)
        return ops->continuous->xEnergiesGrad(model, states, n, energy, grad, err);
    int rc = ebm_model_energies(ops, model, states, n, energy, err);
    return rc ? rc : ops->continuous->xStateGrad(model, states, n, grad, err);
}

void ebm_model_noise(const ebm_model_ops *ops, void *model, float *states, size_t n,
                     ebm_rng *rng) {
    ops->continuous->xNoise(model, states, n, rng);
}

/* ---- learning ---- */

int ebm_model_has_gradient(const ebm_model_ops *ops) {
    return ops->learning && ops->learning->xGradient;
}

int ebm_model_learns_contrastively(const ebm_model_ops *ops) {
    return ops->learning && ops->learning->xEnergyGrad;
}

int ebm_model_gradient(const ebm_model_ops *ops, void *model, const float *batch, size_t n,
                       ebm_tensor *grads, ebm_rng *rng, ebm_error *err) {
    return ops->learning->xGradient(model, batch, n, grads, rng, err);
}

int ebm_model_energy_grad(const ebm_model_ops *ops, void *model, const float *states,
                          size_t n, double scale, ebm_tensor *grads, ebm_error *err) {
    return ops->learning->xEnergyGrad(model, states, n, scale, grads, err);
}

int ebm_model_has_positive_grad(const ebm_model_ops *ops) {
    return ops->learning && ops->learning->xPositiveGrad;
}

int ebm_model_exact_posterior(const ebm_model_ops *ops) {
    return ebm_model_has_positive_grad(ops) && ops->learning->exact_posterior;
}

int ebm_model_positive_grad(const ebm_model_ops *ops, void *model, const float *states,
                            size_t n, double scale, ebm_tensor *grads, ebm_error *err) {
    return ops->learning->xPositiveGrad(model, states, n, scale, grads, err);
}

int ebm_model_term_grad(const ebm_model_ops *ops, void *model, const float *states,
                        size_t n, double scale, ebm_tensor *grads, ebm_error *err) {
    if (ebm_model_exact_posterior(ops))
        return ops->learning->xPositiveGrad(model, states, n, scale, grads, err);
    return ops->learning->xEnergyGrad(model, states, n, scale, grads, err);
}

int ebm_model_has_chain_grad(const ebm_model_ops *ops) {
    return ebm_model_exact_posterior(ops) && ops->learning->xChainGrad;
}

int ebm_model_chain_grad(const ebm_model_ops *ops, void *model, float *states, size_t n,
                         int steps, ebm_rng *rng, double scale, ebm_tensor *grads,
                         ebm_error *err) {
    return ops->learning->xChainGrad(model, states, n, steps, rng, scale, grads, err);
}

const unsigned char *ebm_model_data_mask(const ebm_model_ops *ops, void *model) {
    return ops->xDataMask ? ops->xDataMask(model) : NULL;
}

int ebm_model_state(const ebm_model_ops *ops, void *model, ebm_state_list *out,
                    ebm_error *err) {
    return ops->learning && ops->learning->xState ? ops->learning->xState(model, out, err)
                                                  : EBM_OK;
}

/* ---- dynamics ---- */

int ebm_model_has_dynamics(const ebm_model_ops *ops) { return ops->dynamics != NULL; }

int ebm_model_evolve(const ebm_model_ops *ops, void *model, float *state,
                     const ebm_evolve *how, ebm_rng *rng, ebm_evolve_result *res) {
    return ops->dynamics->xEvolve(model, state, how, rng, res);
}

/* ---- capabilities ---- */

unsigned ebm_model_caps(const ebm_model_ops *ops) {
    unsigned caps = 0;
    if (ebm_model_has_binary(ops)) caps |= EBM_CAP_BINARY;
    if (ebm_model_can_flip(ops)) caps |= EBM_CAP_FLIPS;
    if (ebm_model_has_layers(ops)) caps |= EBM_CAP_LAYERED;
    if (ebm_model_is_continuous(ops)) caps |= EBM_CAP_CONTINUOUS;
    if (ebm_model_has_state_grad(ops)) caps |= EBM_CAP_STATE_GRAD;
    if (ebm_model_has_dynamics(ops)) caps |= EBM_CAP_DYNAMICS;
    if (ebm_model_has_coding(ops)) caps |= EBM_CAP_CODING;
    if (ops->learning) caps |= EBM_CAP_LEARNING;
    return caps;
}

const char *ebm_model_cap_name(unsigned caps) {
    unsigned bit = caps & -caps;
    switch (bit) {
    case EBM_CAP_BINARY: return "binary units (xUnitValues)";
    case EBM_CAP_FLIPS: return "single-unit flips (xFlipEnergy, xFlipUnit)";
    case EBM_CAP_LAYERED: return "layers (xBlockGibbs, xFreeEnergy, xLogPartition)";
    case EBM_CAP_CONTINUOUS: return "continuous states";
    case EBM_CAP_STATE_GRAD: return "continuous states with an energy gradient (xStateGrad)";
    case EBM_CAP_DYNAMICS: return "zero-temperature dynamics (xEvolve)";
    case EBM_CAP_CODING: return "a coding of data rows as states (xEncode, xDecode)";
    case EBM_CAP_LEARNING: return "learning ops";
    default: return "nothing";
    }
}
