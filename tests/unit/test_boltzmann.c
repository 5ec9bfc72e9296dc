/* test_boltzmann.c — the Boltzmann machine's ops: layout, encoding, energy,
 * flip energies, the energy gradient against finite differences; and the
 * Hopfield network's sampler ops against its energy. */
#include "test.h"

#include "boltzmann_testutil.h"
#include "registry.h"

extern const ebm_model_ops ebm_model_hopfield;

TEST(layout_mask_and_unit_values) {
    void *m = bm_new("{hidden: 3, labels: 2, units: pm1, temperature: 0.5}", 6);
    ASSERT(m);
    ASSERT_EQ(ebm_model_boltzmann.xUnits(m), 9);
    const unsigned char *mask = ebm_model_data_mask(&ebm_model_boltzmann, m);
    for (size_t i = 0; i < 9; i++) ASSERT_EQ(mask[i], i < 6);
    float low, high;
    ASSERT_OK(bm_unit_values(&ebm_model_boltzmann, m, &low, &high));
    ASSERT_NEAR(low, -1.0, 0);
    ASSERT_NEAR(high, 1.0, 0);
    ASSERT_NEAR(ebm_model_temperature(&ebm_model_boltzmann, m), 0.5, 0);
    ebm_tensor t[3];
    ASSERT_EQ(ebm_model_boltzmann.xParams(m, t, 3), 2);
    ASSERT(strcmp(t[0].name, "W") == 0 && t[0].rank == 2 && t[0].shape[0] == 9 &&
           t[0].shape[1] == 9);
    ASSERT(strcmp(t[1].name, "b") == 0 && t[1].rank == 1 && t[1].shape[0] == 9);
    /* Initial weights: N(0, 0.01²), symmetric, zero diagonal, not all zero. */
    const float *w = t[0].data;
    double sq = 0.0;
    for (size_t i = 0; i < 9; i++) {
        ASSERT_NEAR(w[i * 9 + i], 0.0, 0);
        for (size_t j = 0; j < 9; j++) {
            ASSERT_NEAR(w[i * 9 + j], w[j * 9 + i], 0);
            sq += (double)w[i * 9 + j] * w[i * 9 + j];
        }
    }
    ASSERT(sq > 0.0 && sqrt(sq / 72.0) < 0.03);
    ebm_model_boltzmann.xDestroy(m);

    m = bm_new("{}", 4);
    ASSERT_OK(bm_unit_values(&ebm_model_boltzmann, m, &low, &high));
    ASSERT_NEAR(low, 0.0, 0);
    ASSERT_NEAR(high, 1.0, 0);
    ASSERT_NEAR(ebm_model_temperature(&ebm_model_boltzmann, m), 1.0, 0);
    ebm_model_boltzmann.xDestroy(m);
}

TEST(too_many_labels_is_a_clear_error) {
    ebm_error err = {0};
    void *m = bm_new_data("{labels: 5}", 4, NULL, &err);
    ASSERT(m == NULL);
    ASSERT_EQ(err.code, EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "5 label units");
    ASSERT_STR_CONTAINS(err.msg, "only 4 columns");
    ebm_dataset none = {.n = 0, .dim = 0};
    ebm_node *cfg = ebm_cfg_parse_string("{}", 2, "m", &err);
    ASSERT_EQ(ebm_model_boltzmann.xCreate(cfg, &none, NULL, &m, &err), EBM_EINVAL);
    ebm_node_free(cfg);
}

/* With no weights a unit is on with probability σ(b/T) ({0,1}) or σ(2b/T)
 * (±1): bias_init data makes that the smoothed data marginal. */
TEST(data_biases_match_marginals) {
    float rows[4 * 3] = {1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1};
    ebm_dataset d = {.n = 4, .dim = 3, .x = rows};
    const char *cfgs[2] = {"{hidden: 1, init_scale: 0, temperature: 0.5}",
                           "{hidden: 1, init_scale: 0, temperature: 0.5, units: pm1}"};
    for (int k = 0; k < 2; k++) {
        ebm_error err = {0};
        void *m = bm_new_data(cfgs[k], 3, &d, &err);
        ASSERT(m);
        const float *b = bm_b(m);
        double on[3] = {3, 1, 2};
        for (int i = 0; i < 3; i++) {
            double p = (on[i] + 0.5) / 5.0;
            ASSERT_NEAR(bm_sigmoid((k ? 2.0 : 1.0) * b[i] / 0.5), p, 1e-6);
        }
        ASSERT_NEAR(b[3], 0.0, 0);   /* hidden */
        ebm_model_boltzmann.xDestroy(m);
    }
}

TEST(encode_and_decode) {
    float row[4] = {1, 0, 0.7f, 0.2f}, s[6], back[4];
    void *m = bm_new("{hidden: 2, labels: 1, units: pm1}", 4);
    ebm_model_boltzmann.xEncode(m, row, s);
    float want_pm1[6] = {1, -1, 1, -1, -1, -1};
    for (int i = 0; i < 6; i++) ASSERT_NEAR(s[i], want_pm1[i], 0);
    ebm_model_boltzmann.xDecode(m, s, back);
    float want_row[4] = {1, 0, 1, 0};
    for (int i = 0; i < 4; i++) ASSERT_NEAR(back[i], want_row[i], 0);
    ebm_model_boltzmann.xDestroy(m);

    m = bm_new("{hidden: 2}", 4);
    ebm_model_boltzmann.xEncode(m, row, s);
    float want_bin[6] = {1, 0, 1, 0, 0, 0};
    for (int i = 0; i < 6; i++) ASSERT_NEAR(s[i], want_bin[i], 0);
    ebm_model_boltzmann.xDecode(m, s, back);
    for (int i = 0; i < 4; i++) ASSERT_NEAR(back[i], want_row[i], 0);
    ebm_model_boltzmann.xDestroy(m);
}

/* xEnergy, xFlipEnergy, xFlipEnergies and xFlipUnit against the textbook
 * energy, on every state of a 7-unit model, for both unit kinds. */
TEST(energy_and_flip_energies_agree_with_the_definition) {
    const char *cfgs[2] = {"{hidden: 2, labels: 1, temperature: 0.7}",
                           "{hidden: 2, labels: 1, temperature: 0.7, units: pm1}"};
    for (int k = 0; k < 2; k++) {
        void *m = bm_new(cfgs[k], 5);
        ASSERT(m);
        bm_randomise(m, 1.0, 0.5, 11 + (uint64_t)k);
        size_t n = 7;
        float low, high, s[7], t[7];
        ASSERT_OK(bm_unit_values(&ebm_model_boltzmann, m, &low, &high));
        double delta[7];
        for (uint64_t st = 0; st < 128; st++) {
            bm_state_of(st, n, low, high, s);
            double e = ebm_model_boltzmann.xEnergy(m, s);
            ASSERT_NEAR(e, bm_naive_energy(bm_w(m), bm_b(m), n, s), 1e-9);
            ebm_model_flip_energies(&ebm_model_boltzmann, m, s, delta);
            for (size_t i = 0; i < n; i++) {
                memcpy(t, s, sizeof s);
                ebm_model_flip_unit(&ebm_model_boltzmann, m, t, i);
                for (size_t j = 0; j < n; j++)
                    ASSERT_NEAR(t[j], j == i ? (s[i] == low ? high : low) : s[j], 0);
                double want = bm_naive_energy(bm_w(m), bm_b(m), n, t) - e;
                ASSERT_NEAR(ebm_model_flip_energy(&ebm_model_boltzmann, m, s, i), want, 1e-9);
                ASSERT_NEAR(delta[i], want, 1e-9);
            }
        }
        ebm_model_boltzmann.xDestroy(m);
    }
}

/* E is linear in each parameter, so a central difference is exact up to the
 * rounding of the perturbed float; w_ij and w_ji move together (one
 * parameter). grads += scale · mean over states, accumulating. */
TEST(energy_grad_matches_finite_differences) {
    const char *cfgs[2] = {"{hidden: 2}", "{hidden: 2, units: pm1}"};
    for (int k = 0; k < 2; k++) {
        void *m = bm_new(cfgs[k], 3);
        bm_randomise(m, 1.0, 0.5, 21 + (uint64_t)k);
        size_t n = 5, count = 6;
        float low, high, states[6 * 5];
        ASSERT_OK(bm_unit_values(&ebm_model_boltzmann, m, &low, &high));
        for (size_t r = 0; r < count; r++) bm_state_of(r * 5 + 3, n, low, high, states + r * n);
        float gw[25], gb[5];
        for (int i = 0; i < 25; i++) gw[i] = 0.25f;   /* accumulates onto this */
        for (int i = 0; i < 25; i += 6) gw[i] = 0.0f;
        for (int i = 0; i < 5; i++) gb[i] = -0.5f;
        ebm_tensor grads[2] = {{.name = "W", .data = gw, .rank = 2, .shape = {5, 5}},
                               {.name = "b", .data = gb, .rank = 1, .shape = {5}}};
        ebm_error err = {0};
        double scale = 1.5;
        ASSERT_OK(ebm_model_energy_grad(&ebm_model_boltzmann, m, states, count, scale, grads, &err));
        float *w = bm_w(m), *b = bm_b(m);
        double eps = 0.125;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                double want = 0.0;
                if (i != j) {
                    float keep = w[i * n + j];
                    double up = 0.0, down = 0.0;
                    w[i * n + j] = w[j * n + i] = (float)(keep + eps);
                    double hi = w[i * n + j];
                    for (size_t r = 0; r < count; r++)
                        up += ebm_model_boltzmann.xEnergy(m, states + r * n);
                    w[i * n + j] = w[j * n + i] = (float)(keep - eps);
                    double lo = w[i * n + j];
                    for (size_t r = 0; r < count; r++)
                        down += ebm_model_boltzmann.xEnergy(m, states + r * n);
                    w[i * n + j] = w[j * n + i] = keep;
                    want = 0.25 + scale * (up - down) / (hi - lo) / (double)count;
                }
                ASSERT_NEAR(gw[i * n + j], want, 1e-5);
            }
            float keep = b[i];
            double up = 0.0, down = 0.0;
            b[i] = (float)(keep + eps);
            double hi = b[i];
            for (size_t r = 0; r < count; r++) up += ebm_model_boltzmann.xEnergy(m, states + r * n);
            b[i] = (float)(keep - eps);
            double lo = b[i];
            for (size_t r = 0; r < count; r++) down += ebm_model_boltzmann.xEnergy(m, states + r * n);
            b[i] = keep;
            ASSERT_NEAR(gb[i], -0.5 + scale * (up - down) / (hi - lo) / (double)count, 1e-5);
        }
        /* The same states with scale −1.5 take it back to where it started. */
        ASSERT_OK(ebm_model_energy_grad(&ebm_model_boltzmann, m, states, count, -scale, grads, &err));
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) ASSERT_NEAR(gw[i * n + j], i == j ? 0.0 : 0.25, 1e-6);
            ASSERT_NEAR(gb[i], -0.5, 1e-6);
        }
        /* Wrong tensors are refused, not overrun. */
        ebm_tensor small[2] = {{.name = "W", .data = gw, .rank = 2, .shape = {4, 4}},
                               {.name = "b", .data = gb, .rank = 1, .shape = {4}}};
        ASSERT_EQ(ebm_model_energy_grad(&ebm_model_boltzmann, m, states, count, 1.0, small, &err),
                  EBM_EINVAL);
        ebm_model_boltzmann.xDestroy(m);
    }
}

TEST(registered_with_its_parameters) {
    const ebm_plugin *p = ebm_registry_find(EBM_KIND_MODEL, "boltzmann");
    ASSERT(p == &ebm_model_boltzmann.info);
    const char *want[] = {"hidden", "labels", "units", "temperature", "init_scale"};
    for (int k = 0; k < 5; k++) {
        int found = 0;
        for (const ebm_param *q = p->params; q->name; q++) found |= strcmp(q->name, want[k]) == 0;
        ASSERT(found);
    }
    ASSERT(ebm_registry_find(EBM_KIND_ESTIMATOR, "exact"));
    ASSERT(ebm_registry_find(EBM_KIND_ESTIMATOR, "classify"));
}

/* What the samplers see of a Hopfield network: flips that agree with its
 * energy, ±1 values, and T = 1. */
TEST(hopfield_sampler_ops_agree_with_its_energy) {
    const char *yaml = "{rule: hebbian}";
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "m", &err);
    ebm_dataset shape = {.n = 0, .dim = 9};
    void *m = NULL;
    ASSERT_OK(ebm_model_hopfield.xCreate(cfg, &shape, NULL, &m, &err));
    ebm_node_free(cfg);
    ebm_tensor t[2];
    ebm_model_hopfield.xParams(m, t, 2);
    ebm_rng rng;
    ebm_rng_seed(&rng, 5);
    for (size_t i = 0; i < 9; i++) {
        for (size_t j = i + 1; j < 9; j++)
            t[0].data[i * 9 + j] = t[0].data[j * 9 + i] = (float)ebm_rng_normal(&rng);
        t[1].data[i] = (float)(0.5 * ebm_rng_normal(&rng));
    }
    float low, high, s[9], f[9];
    ASSERT_OK(bm_unit_values(&ebm_model_hopfield, m, &low, &high));
    ASSERT_NEAR(low, -1.0, 0);
    ASSERT_NEAR(high, 1.0, 0);
    ASSERT(ebm_model_hopfield.xTemperature == NULL);
    for (uint64_t st = 0; st < 512; st += 7) {
        bm_state_of(st, 9, low, high, s);
        double e = ebm_model_hopfield.xEnergy(m, s);
        for (size_t i = 0; i < 9; i++) {
            memcpy(f, s, sizeof s);
            ebm_model_flip_unit(&ebm_model_hopfield, m, f, i);
            ASSERT_NEAR(f[i], -s[i], 0);
            ASSERT_NEAR(ebm_model_flip_energy(&ebm_model_hopfield, m, s, i),
                        ebm_model_hopfield.xEnergy(m, f) - e, 1e-9);
        }
    }
    ebm_model_hopfield.xDestroy(m);
}

int main(void) {
    RUN(layout_mask_and_unit_values);
    RUN(too_many_labels_is_a_clear_error);
    RUN(data_biases_match_marginals);
    RUN(encode_and_decode);
    RUN(energy_and_flip_energies_agree_with_the_definition);
    RUN(energy_grad_matches_finite_differences);
    RUN(registered_with_its_parameters);
    RUN(hopfield_sampler_ops_agree_with_its_energy);
    TEST_MAIN_END();
}
