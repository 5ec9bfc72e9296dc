/* train.c — the contrastive trainer: the data term from the posterior over
 * the hidden units (xPositiveGrad: exact for an RBM, a DBM's mean field) or
 * with them sampled given the data, the model term from the training
 * sampler's chains (restarted at the data or persistent). */
#include "train.h"
#include "catalog.h"
#include "gemm.h"

#include <stdlib.h>
#include <string.h>


struct ebm_trainer {
    const ebm_model_ops *ops;
    void *model;
    const ebm_sampler_ops *sampler;
    const ebm_node *sampler_cfg;
    const volatile sig_atomic_t *stop;
    void *sampler_state;              /* what the sampler's xOpen made */
    ebm_sampler_stats stats;          /* summed since the last ebm_trainer_take_stats */
    size_t units, data_dim;
    int persistent, positive_sweeps;
    const unsigned char *data_mask;   /* NULL: every unit is data */
    float *positive;                  /* max_rows states */
    float *negative;                  /* restart: max_rows; persistent: chains */
    ebm_chains persistent_chains;
};

void ebm_trainer_free(ebm_trainer *t) {
    if (!t) return;
    if (t->sampler->xClose) t->sampler->xClose(t->sampler_state);
    free(t->positive);
    free(t->negative);
    free(t);
}

/* Random starts: the model's noise for real-valued states, else uniform
 * over the units' two values. */
static void random_states(const ebm_trainer *t, float *x, size_t n, ebm_rng *rng) {
    if (ebm_model_has_noise(t->ops)) {
        ebm_model_noise(t->ops, t->model, x, n, rng);
        return;
    }
    float *low = malloc(t->units * sizeof *low), *high = malloc(t->units * sizeof *high);
    if (!low || !high) {
        free(low);
        free(high);
        memset(x, 0, n * t->units * sizeof *x);
        return;
    }
    ebm_model_unit_values(t->ops, t->model, low, high);
    for (size_t c = 0; c < n; c++) {
        ebm_rng chain_rng;
        ebm_rng_derive(&chain_rng, rng, c);
        for (size_t i = 0; i < t->units; i++)
            x[c * t->units + i] = ebm_rng_uniform(&chain_rng) < 0.5 ? low[i] : high[i];
    }
    free(low);
    free(high);
}

ebm_trainer *ebm_trainer_new(const ebm_node *train_cfg, const ebm_model_ops *ops,
                             void *model, size_t data_dim, size_t max_rows, ebm_rng *rng,
                             const volatile sig_atomic_t *stop, ebm_error *err) {
    const ebm_node *sampler_cfg = ebm_node_child(train_cfg, "sampler");
    const char *name = ebm_cfg_str(sampler_cfg, "type", "");
    const ebm_sampler_ops *sampler =
        ebm_sampler_find(name);
    if (!sampler_cfg || !sampler) {
        ebm_fail(err, EBM_ECONFIG, "train.sampler: model %s trains contrastively and "
                 "needs a training sampler (e.g. train.sampler: {type: pcd})",
                 ops->info.name);
        return NULL;
    }
    if (sampler->training == EBM_CHAINS_NONE) {
        ebm_fail(err, EBM_ECONFIG, "train.sampler: %s draws samples but does not "
                 "train; use cd, pcd or pt", name);
        return NULL;
    }
    /* Persistent chains start at random: from noise (real-valued units) or
     * uniform over binary units' two values; ebm_trainer_start may then put
     * them at training rows. */
    if (!ebm_model_learns_contrastively(ops) ||
        (sampler->training == EBM_CHAINS_PERSISTENT && !ebm_model_has_binary(ops) &&
         !ebm_model_has_noise(ops))) {
        ebm_fail(err, EBM_ECONFIG, "train.sampler: model %s has no energy gradient "
                 "(xEnergyGrad), so it cannot be trained contrastively", ops->info.name);
        return NULL;
    }
    char why[256] = "";
    if (sampler->xSupports && !sampler->xSupports(ops, why, sizeof why)) {
        ebm_fail(err, EBM_ECONFIG, "train.sampler: %s", why);
        return NULL;
    }
    ebm_trainer *t = calloc(1, sizeof *t);
    if (!t) {
        ebm_fail(err, EBM_ENOMEM, "trainer");
        return NULL;
    }
    t->ops = ops;
    t->model = model;
    t->sampler = sampler;
    t->sampler_cfg = sampler_cfg;
    t->stop = stop;
    t->units = ops->xUnits(model);
    t->data_dim = data_dim;
    t->persistent = sampler->training == EBM_CHAINS_PERSISTENT;
    t->positive_sweeps = (int)ebm_cfg_int(train_cfg, "positive_sweeps", 1);
    t->data_mask = ebm_model_data_mask(ops, model);
    size_t n_negative = t->persistent ? (size_t)ebm_cfg_int(sampler_cfg, "chains", 100)
                                      : max_rows;
    t->positive = malloc(max_rows * t->units * sizeof *t->positive);
    t->negative = malloc(n_negative * t->units * sizeof *t->negative);
    if (!t->positive || !t->negative) {
        ebm_fail(err, EBM_ENOMEM, "trainer chains (%zu x %zu units)", n_negative, t->units);
        ebm_trainer_free(t);
        return NULL;
    }
    if (t->persistent) {
        random_states(t, t->negative, n_negative, rng);
        t->persistent_chains = (ebm_chains){.n = n_negative, .units = t->units,
                                            .x = t->negative};
    }
    if (sampler->xOpen) {
        ebm_rng open_rng;
        ebm_rng_named(&open_rng, rng, "sampler");
        ebm_sample_ctx ctx = {.ops = ops, .model = model, .cfg = sampler_cfg,
                              .rng = &open_rng, .stop = stop};
        if (sampler->xOpen(&ctx, n_negative, t->units, &t->sampler_state, err)) {
            ebm_trainer_free(t);
            return NULL;
        }
    }
    return t;
}

static int any_hidden(const ebm_trainer *t) {
    if (!t->data_mask) return 0;
    for (size_t i = 0; i < t->units; i++)
        if (!t->data_mask[i]) return 1;
    return 0;
}

/* The hidden units of a data start come from the same clamped Gibbs sweeps
 * as the data term's (positive_sweeps of them): for an RBM one sweep is an
 * exact draw from p(h|v); a DBM's layers approach theirs. */
int ebm_trainer_start(ebm_trainer *t, const ebm_dataset *data, const ebm_rng *rng,
                      ebm_error *err) {
    if (!t->persistent || strcmp(ebm_cfg_str(t->sampler_cfg, "start", "data"), "data"))
        return EBM_OK;
    if (data->n == 0)
        return ebm_fail(err, EBM_ECONFIG, "train.sampler.start: data needs training rows, "
                        "and the training set is empty");
    float *row = malloc((data->dim ? data->dim : 1) * sizeof *row);
    if (!row) return ebm_fail(err, EBM_ENOMEM, "a training row");
    ebm_rng start_rng, hidden_rng;
    ebm_rng_named(&start_rng, rng, "start");
    ebm_rng_named(&hidden_rng, rng, "start-hidden");
    ebm_chains *chains = &t->persistent_chains;
    for (size_t c = 0; c < chains->n; c++) {
        ebm_rng chain_rng;
        ebm_rng_derive(&chain_rng, &start_rng, c);
        size_t r = (size_t)ebm_rng_below(&chain_rng, data->n);
        memcpy(row, data->x + r * data->dim, data->dim * sizeof *row);
        ebm_dataset_draw_rows(data, row, 1, &chain_rng);
        ebm_model_encode(t->ops, t->model, row, data->dim, chains->x + c * t->units);
    }
    free(row);
    if (!any_hidden(t)) return EBM_OK;
    ebm_chains clamped = *chains;
    clamped.clamped = t->data_mask;
    return ebm_gibbs_steps(t->ops, t->model, &clamped, t->positive_sweeps, 1.0, &hidden_rng,
                           t->stop, err);
}

const ebm_chains *ebm_trainer_chains(const ebm_trainer *t) {
    return t->persistent ? &t->persistent_chains : NULL;
}

_Static_assert(sizeof(long) == sizeof(uint64_t), "sampler counters are saved as u64");

int ebm_trainer_state(ebm_trainer *t, ebm_state_list *out, ebm_error *err) {
    int rc = EBM_OK;
    if (t->persistent)
        rc = ebm_state_add(out, "trainer/chains", EBM_STATE_F32, t->negative,
                           t->persistent_chains.n * t->units, err);
    long *counters[] = {&t->stats.proposed, &t->stats.accepted, &t->stats.swaps_proposed,
                        &t->stats.swaps_accepted};
    static const char *const names[] = {"trainer/proposed", "trainer/accepted",
                                        "trainer/swaps_proposed", "trainer/swaps_accepted"};
    for (int i = 0; !rc && i < 4; i++)
        rc = ebm_state_add(out, names[i], EBM_STATE_U64, counters[i], 1, err);
    if (!rc && t->sampler->xState) {
        const char *outer = out->prefix;
        out->prefix = "sampler";
        rc = t->sampler->xState(t->sampler_state, out, err);
        out->prefix = outer;
    }
    return rc;
}

void ebm_trainer_take_stats(ebm_trainer *t, ebm_sampler_stats *stats) {
    *stats = t->stats;
    memset(&t->stats, 0, sizeof t->stats);
}

int ebm_trainer_gradient(ebm_trainer *t, const float *rows, size_t n,
                         ebm_tensor *grads, int n_grads, ebm_rng *rng,
                         ebm_error *err) {
    for (int g = 0; g < n_grads; g++) {
        float *grad = grads[g].data;
        size_t size = ebm_tensor_size(&grads[g]);
        #pragma omp parallel for simd schedule(static) if (size > EBM_PARALLEL_MIN)
        for (size_t i = 0; i < size; i++) grad[i] = 0.0f;
    }
    size_t units = t->units;
    double inv_t = 1.0 / (ebm_model_temperature(t->ops, t->model));
    ebm_rng positive_rng, negative_rng;
    ebm_rng_named(&positive_rng, rng, "positive");
    ebm_rng_named(&negative_rng, rng, "negative");

    /* Data term: the rows as states, hidden units sampled with the data clamped. */
    #pragma omp parallel for schedule(static) if (n * units > EBM_PARALLEL_MIN)
    for (size_t r = 0; r < n; r++) {
        float *state = t->positive + r * units;
        ebm_model_encode(t->ops, t->model, rows + r * t->data_dim, units, state);
    }
    ebm_chains positive = {.n = n, .units = units, .x = t->positive,
                           .clamped = t->data_mask};
    int rc = EBM_OK;
    if (ebm_model_has_positive_grad(t->ops)) {
        rc = ebm_model_positive_grad(t->ops, t->model, t->positive, n, inv_t, grads, err);
    } else {
        if (any_hidden(t))
            rc = ebm_gibbs_steps(t->ops, t->model, &positive, t->positive_sweeps, 1.0,
                                 &positive_rng, NULL, err);
        if (!rc) rc = ebm_model_energy_grad(t->ops, t->model, t->positive, n, inv_t, grads, err);
    }
    if (rc) return rc;

    /* Model term: chains restarted from the data states, or the persistent ones. */
    ebm_chains restart = {.n = n, .units = units, .x = t->negative};
    ebm_chains *negative = t->persistent ? &t->persistent_chains : &restart;
    if (!t->persistent) memcpy(t->negative, t->positive, n * units * sizeof *t->negative);
    /* No stop flag inside a step: the fit loop stops between minibatches,
     * where the chains are whole and a checkpoint can keep them. */
    ebm_sample_ctx ctx = {.ops = t->ops, .model = t->model, .cfg = t->sampler_cfg,
                          .rng = &negative_rng, .state = t->sampler_state};
    if (t->sampler->xRunGrad)
        return t->sampler->xRunGrad(&ctx, negative, 0, -inv_t, grads, &t->stats, err);
    rc = t->sampler->xRun(&ctx, negative, 0, &t->stats, err);
    return rc ? rc : ebm_model_term_grad(t->ops, t->model, negative->x, negative->n, -inv_t,
                                         grads, err);
}
