/* test_train.c — the contrastive trainer (framework/train/train.c): with long
 * enough chains its gradient, averaged over calls, equals the exact
 * maximum-likelihood gradient (1/T)(⟨∂E/∂θ⟩_data − ⟨∂E/∂θ⟩_model) computed
 * by enumeration, for persistent and for restarted chains, with a hidden
 * unit and T ≠ 1; and `start: data` puts the persistent chains at training
 * rows with their hidden units drawn given the row. */
#include "test.h"

#include "boltzmann_testutil.h"
#include "enumerate.h"
#include "train.h"

enum { VISIBLE = 3, UNITS = 4, ROWS = 4, COPIES = 100, CALLS = 40 };

static const float data_rows[ROWS * VISIBLE] = {1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1};

/* Exact gradient of the mean negative log-likelihood over data_rows:
 * ∂E/∂w_ij = −s_i s_j, ∂E/∂b_i = −s_i. */
static int exact_gradient(void *m, double temperature, double *gw, double *gb) {
    ebm_enum e;
    ebm_error err;
    if (ebm_enum_init(&e, &ebm_model_boltzmann, m, EBM_ENUM_MAX_UNITS, &err)) return -1;
    double mean[UNITS], second[UNITS * UNITS], log_norm;
    float s[UNITS];
    memset(gw, 0, sizeof(double) * UNITS * UNITS);
    memset(gb, 0, sizeof(double) * UNITS);
    for (int r = 0; r < ROWS; r++) {
        ebm_model_boltzmann.xEncode(m, data_rows + r * VISIBLE, s);
        if (ebm_enum_log_sum(&e, s, e.hidden, e.n_hidden, "data", &log_norm, &err) ||
            ebm_enum_moments(&e, s, e.hidden, e.n_hidden, log_norm, mean, second, &err))
            return -1;
        for (int i = 0; i < UNITS; i++) {
            gb[i] -= mean[i] / ROWS;
            for (int j = 0; j < UNITS; j++)
                if (i != j) gw[i * UNITS + j] -= second[i * UNITS + j] / ROWS;
        }
    }
    memset(s, 0, sizeof s);
    if (ebm_enum_log_z(&e, &log_norm, &err) ||
        ebm_enum_moments(&e, s, e.all, UNITS, log_norm, mean, second, &err))
        return -1;
    for (int i = 0; i < UNITS; i++) {
        gb[i] = (gb[i] + mean[i]) / temperature;
        for (int j = 0; j < UNITS; j++)
            if (i != j) gw[i * UNITS + j] = (gw[i * UNITS + j] + second[i * UNITS + j]) / temperature;
    }
    ebm_enum_free(&e);
    return 0;
}

static void check_trainer(const char *train_yaml) {
    void *m = bm_new("{hidden: 1, temperature: 0.8}", VISIBLE);
    ASSERT(m);
    bm_randomise(m, 0.8, 0.4, 77);
    double exact_w[UNITS * UNITS], exact_b[UNITS];
    ASSERT_OK(exact_gradient(m, 0.8, exact_w, exact_b));

    ebm_error err;
    ebm_node *cfg = ebm_cfg_parse_string(train_yaml, strlen(train_yaml), "train", &err);
    ASSERT(cfg);
    /* Many copies of the rows, so one call already averages the data term. */
    float *rows = malloc(sizeof(float) * ROWS * COPIES * VISIBLE);
    for (int c = 0; c < COPIES; c++)
        memcpy(rows + c * ROWS * VISIBLE, data_rows, sizeof data_rows);
    ebm_rng root, chains;
    ebm_rng_seed(&root, 11);
    ebm_rng_named(&chains, &root, "chains");
    ebm_trainer *t = ebm_trainer_new(cfg, &ebm_model_boltzmann, m, VISIBLE, ROWS * COPIES,
                                     &chains, NULL, &err);
    ASSERT(t);
    float gw[UNITS * UNITS], gb[UNITS];
    double sum_w[UNITS * UNITS] = {0}, sum_b[UNITS] = {0};
    ebm_tensor grads[2] = {{.name = "W", .data = gw, .rank = 2, .shape = {UNITS, UNITS}},
                           {.name = "b", .data = gb, .rank = 1, .shape = {UNITS}}};
    for (int call = 0; call < CALLS; call++) {
        ebm_rng call_rng;
        ebm_rng_derive(&call_rng, &root, (uint64_t)call);
        ASSERT_OK(ebm_trainer_gradient(t, rows, ROWS * COPIES, grads, 2, &call_rng, &err));
        for (int i = 0; i < UNITS * UNITS; i++) sum_w[i] += gw[i] / CALLS;
        for (int i = 0; i < UNITS; i++) sum_b[i] += gb[i] / CALLS;
    }
    /* Standard errors are below 0.005 here (16000 data-term and >= 16000
     * model-term states); 0.03 is six of them and more. */
    double largest = 0.0;
    for (int i = 0; i < UNITS; i++) {
        ASSERT_NEAR(sum_b[i], exact_b[i], 0.03);
        largest = fmax(largest, fabs(exact_b[i]));
        for (int j = 0; j < UNITS; j++) {
            if (i == j) continue;
            ASSERT_NEAR(sum_w[i * UNITS + j], exact_w[i * UNITS + j], 0.03);
            largest = fmax(largest, fabs(exact_w[i * UNITS + j]));
        }
    }
    ASSERT(largest > 0.1);   /* the gradient is not trivially small */
    ebm_trainer_free(t);
    free(rows);
    ebm_node_free(cfg);
    ebm_model_boltzmann.xDestroy(m);
}

TEST(persistent_chains_give_the_exact_gradient) {
    check_trainer("{sampler: {type: pcd, chains: 400, k: 20}, positive_sweeps: 20}");
}

TEST(restarted_chains_with_long_runs_give_the_exact_gradient) {
    check_trainer("{sampler: {type: cd, k: 50}, positive_sweeps: 20}");
}

TEST(short_runs_from_noise_give_the_exact_gradient) {
    check_trainer("{sampler: {type: short_run, start: noise, sampler: {type: gibbs, "
                  "sweeps: 30}}, positive_sweeps: 20}");
}

TEST(short_runs_from_the_replay_buffer_give_the_exact_gradient) {
    check_trainer("{sampler: {type: short_run, start: replay, replay_fraction: 0.95, "
                  "buffer: 1000, sampler: {type: gibbs, sweeps: 30}}, positive_sweeps: 20}");
}

TEST(a_model_without_energy_gradient_is_refused) {
    extern const ebm_model_ops ebm_model_ising;
    ebm_error err;
    const char *yaml = "{sampler: {type: pcd}}";
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "train", &err);
    ebm_model_ops no_grad = ebm_model_boltzmann;
    no_grad.learning = NULL;
    void *m = bm_new("{hidden: 1}", VISIBLE);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ASSERT(ebm_trainer_new(cfg, &no_grad, m, VISIBLE, 4, &rng, NULL, &err) == NULL);
    ASSERT_STR_CONTAINS(err.msg, "no energy gradient");
    ebm_model_boltzmann.xDestroy(m);
    ebm_node_free(cfg);
    (void)ebm_model_ising;
}

/* start: data — every chain's data units are one of the rows, every row is
 * used, and the hidden unit follows p(h = 1 | v) = σ(−ΔE/T), ΔE the energy
 * of switching it on (averaged over chains, within four standard errors). */
TEST(data_started_chains_are_training_rows_with_hidden_units_drawn) {
    enum { CHAINS = 2000 };
    void *m = bm_new("{hidden: 1, temperature: 0.8}", VISIBLE);
    ASSERT(m);
    bm_randomise(m, 1.5, 0.5, 21);
    ebm_error err;
    const char *yaml = "{sampler: {type: pcd, chains: 2000, start: data}}";
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "train", &err);
    ASSERT(cfg);
    ebm_dataset data = {.n = ROWS, .dim = VISIBLE, .x = (float *)data_rows};
    ebm_rng chains_rng;
    ebm_rng_seed(&chains_rng, 3);
    ebm_trainer *t = ebm_trainer_new(cfg, &ebm_model_boltzmann, m, VISIBLE, ROWS,
                                     &chains_rng, NULL, &err);
    ASSERT(t);
    ASSERT_OK(ebm_trainer_start(t, &data, &chains_rng, &err));
    const ebm_chains *chains = ebm_trainer_chains(t);
    ASSERT(chains && chains->n == CHAINS && chains->units == UNITS);
    const unsigned char *mask = ebm_model_data_mask(&ebm_model_boltzmann, m);
    ASSERT(mask);
    size_t hidden = 0;
    while (hidden < UNITS && mask[hidden]) hidden++;
    ASSERT(hidden < UNITS);
    int used[ROWS] = {0};
    double excess = 0.0;
    for (size_t c = 0; c < CHAINS; c++) {
        float state[UNITS], row[VISIBLE];
        memcpy(state, chains->x + c * UNITS, sizeof state);
        ebm_model_boltzmann.xDecode(m, state, row);
        int found = -1;
        for (int r = 0; r < ROWS && found < 0; r++)
            if (!memcmp(row, data_rows + r * VISIBLE, sizeof row)) found = r;
        ASSERT(found >= 0);
        used[found] = 1;
        double on = state[hidden];
        state[hidden] = 0.0f;
        double delta = ebm_model_flip_energy(&ebm_model_boltzmann, m, state, hidden);
        excess += (on - 1.0 / (1.0 + exp(delta / 0.8))) / CHAINS;
    }
    for (int r = 0; r < ROWS; r++) ASSERT(used[r]);
    ASSERT(fabs(excess) < 4 * 0.5 / sqrt(CHAINS));
    ebm_trainer_free(t);
    ebm_node_free(cfg);
    ebm_model_boltzmann.xDestroy(m);
}

int main(void) {
    RUN(persistent_chains_give_the_exact_gradient);
    RUN(restarted_chains_with_long_runs_give_the_exact_gradient);
    RUN(short_runs_from_noise_give_the_exact_gradient);
    RUN(short_runs_from_the_replay_buffer_give_the_exact_gradient);
    RUN(a_model_without_energy_gradient_is_refused);
    RUN(data_started_chains_are_training_rows_with_hidden_units_drawn);
    TEST_MAIN_END();
}
