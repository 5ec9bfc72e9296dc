/* test_optim.c — the shared optimiser against hand computation: exact SGD,
 * momentum switching, weight decay on weights only and learning-rate decay;
 * Adam's first steps against the closed-form bias-corrected values, its
 * coupled weight decay on weights only, convergence on an ill-conditioned
 * quadratic; SGD bit for bit as before the Adam keys; and a step refused,
 * nothing changed, when any gradient entry is NaN or infinite. */
#include "cfg.h"
#include "gemm.h"
#include "optim.h"
#include "test.h"

static ebm_node *optim_cfg(const char *yaml) {
    ebm_error err;
    return ebm_cfg_parse_string(yaml, strlen(yaml), "optim", &err);
}

TEST(plain_sgd_and_weight_decay_on_weights_only) {
    ebm_node *cfg = optim_cfg("{lr: 0.5, momentum: 0, weight_decay: 0.1}");
    ASSERT(cfg);
    float w[2] = {1.0f, 2.0f}, b[1] = {3.0f}, gw[2] = {0.2f, -0.4f}, gb[1] = {1.0f};
    ebm_tensor params[2] = {{.name = "W", .data = w, .rank = 2, .shape = {1, 2}},
                            {.name = "b", .data = b, .rank = 1, .shape = {1}}};
    ebm_tensor grads[2] = {params[0], params[1]};
    grads[0].data = gw;
    grads[1].data = gb;
    ebm_optim o;
    ebm_error err;
    ASSERT_OK(ebm_optim_init(&o, cfg, params, 2, &err));
    ebm_optim_step(&o, params, grads, 1);
    /* w -= 0.5 * (g + 0.1 w); b -= 0.5 * g (no decay on a bias) */
    ASSERT_NEAR(w[0], 1.0 - 0.5 * (0.2 + 0.1), 1e-6);
    ASSERT_NEAR(w[1], 2.0 - 0.5 * (-0.4 + 0.2), 1e-6);
    ASSERT_NEAR(b[0], 3.0 - 0.5, 1e-6);
    ebm_optim_free(&o);
    ebm_node_free(cfg);
}

TEST(momentum_switches_and_lr_decays) {
    ebm_node *cfg = optim_cfg("{lr: 1.0, momentum: [0.5, 0.9], momentum_switch: 1, lr_decay: 0.5}");
    ASSERT(cfg);
    float x[1] = {0.0f}, g[1] = {1.0f};
    ebm_tensor params[1] = {{.name = "b", .data = x, .rank = 1, .shape = {1}}};
    ebm_tensor grads[1] = {params[0]};
    grads[0].data = g;
    ebm_optim o;
    ebm_error err;
    ASSERT_OK(ebm_optim_init(&o, cfg, params, 1, &err));
    ebm_optim_step(&o, params, grads, 1);      /* v = -1, x = -1 */
    ASSERT_NEAR(x[0], -1.0, 1e-6);
    ebm_optim_step(&o, params, grads, 1);      /* v = 0.5*-1 - 1 = -1.5, x = -2.5 */
    ASSERT_NEAR(x[0], -2.5, 1e-6);
    ebm_optim_end_epoch(&o);                   /* lr = 0.5 */
    ebm_optim_step(&o, params, grads, 2);      /* v = 0.9*-1.5 - 0.5 = -1.85 */
    ASSERT_NEAR(x[0], -2.5 - 1.85, 1e-6);
    ebm_optim_free(&o);
    ebm_node_free(cfg);
}

/* m_t = β1 m + (1−β1) g, v_t = β2 v + (1−β2) g², θ −= lr m̂/(√v̂ + ε) with
 * m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), computed here in double. */
TEST(first_steps_are_the_bias_corrected_values) {
    ebm_node *cfg = optim_cfg("{type: adam, lr: 0.1, betas: [0.8, 0.99], eps: 1e-3}");
    ASSERT(cfg);
    float x[2] = {1.0f, -2.0f}, g[2];
    ebm_tensor params[1] = {{.name = "b", .data = x, .rank = 1, .shape = {2}}};
    ebm_tensor grads[1] = {params[0]};
    grads[0].data = g;
    ebm_optim o;
    ebm_error err;
    ASSERT_OK(ebm_optim_init(&o, cfg, params, 1, &err));
    const double gs[4][2] = {{0.5, -3}, {-0.2, 1}, {1.0, 0}, {0.3, 2}};
    double theta[2] = {1, -2}, m[2] = {0, 0}, v[2] = {0, 0};
    for (int t = 1; t <= 4; t++) {
        for (int i = 0; i < 2; i++) g[i] = (float)gs[t - 1][i];
        ebm_optim_step(&o, params, grads, 1);
        for (int i = 0; i < 2; i++) {
            m[i] = 0.8 * m[i] + 0.2 * gs[t - 1][i];
            v[i] = 0.99 * v[i] + 0.01 * gs[t - 1][i] * gs[t - 1][i];
            double m_hat = m[i] / (1 - pow(0.8, t)), v_hat = v[i] / (1 - pow(0.99, t));
            theta[i] -= 0.1 * m_hat / (sqrt(v_hat) + 1e-3);
            ASSERT_NEAR(x[i], theta[i], 1e-6);
        }
        if (t == 1) {
            /* The first step is lr · g/(|g| + ε) whatever g's size. */
            ASSERT_NEAR(x[0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-3), 1e-6);
            ASSERT_NEAR(x[1], -2.0 + 0.1 * 3 / (3 + 1e-3), 1e-6);
        }
    }
    ebm_optim_free(&o);
    ebm_node_free(cfg);
}

/* Coupled L2: g + weight_decay · θ enters both moments, for rank ≥ 2 only. */
TEST(weight_decay_is_coupled_and_on_weights_only) {
    ebm_node *cfg = optim_cfg("{type: adam, lr: 0.01, weight_decay: 0.5}");
    ASSERT(cfg);
    float w[2] = {2.0f, -1.0f}, b[1] = {2.0f}, gw[2] = {0.0f, 1.5f}, gb[1] = {0.0f};
    ebm_tensor params[2] = {{.name = "W", .data = w, .rank = 2, .shape = {1, 2}},
                            {.name = "b", .data = b, .rank = 1, .shape = {1}}};
    ebm_tensor grads[2] = {params[0], params[1]};
    grads[0].data = gw;
    grads[1].data = gb;
    ebm_optim o;
    ebm_error err;
    ASSERT_OK(ebm_optim_init(&o, cfg, params, 2, &err));
    ebm_optim_step(&o, params, grads, 1);
    /* First step: −lr · sign(g + 0.5 θ): W[0] sees g = 1, W[1] sees g = 1. */
    ASSERT_NEAR(w[0], 2.0 - 0.01 * 1.0 / (1.0 + 1e-8), 1e-6);
    ASSERT_NEAR(w[1], -1.0 - 0.01 * 1.0 / (1.0 + 1e-8), 1e-6);
    ASSERT_NEAR(b[0], 2.0, 0);   /* zero gradient, no decay on a bias */
    ebm_optim_free(&o);
    ebm_node_free(cfg);
}

/* f(θ) = ½ Σ a_i (θ_i − c_i)², curvatures 1e2..1e-2: Adam's steps are scale
 * free, so every coordinate arrives; lr halves every 500 steps so the final
 * jitter (of order lr) dies out. */
TEST(minimises_an_ill_conditioned_quadratic) {
    ebm_node *cfg = optim_cfg("{type: adam, lr: 0.05, lr_decay: 0.5}");
    ASSERT(cfg);
    const double a[3] = {100, 1, 0.01}, c[3] = {1.5, -2, 3};
    float x[3] = {0, 0, 0}, g[3];
    ebm_tensor params[1] = {{.name = "x", .data = x, .rank = 1, .shape = {3}}};
    ebm_tensor grads[1] = {params[0]};
    grads[0].data = g;
    ebm_optim o;
    ebm_error err;
    ASSERT_OK(ebm_optim_init(&o, cfg, params, 1, &err));
    for (int epoch = 1; epoch <= 8; epoch++) {
        for (int step = 0; step < 500; step++) {
            for (int i = 0; i < 3; i++) g[i] = (float)(a[i] * (x[i] - c[i]));
            ebm_optim_step(&o, params, grads, epoch);
        }
        ebm_optim_end_epoch(&o);
    }
    for (int i = 0; i < 3; i++) ASSERT_NEAR(x[i], c[i], 1e-3);
    ebm_optim_free(&o);
    ebm_node_free(cfg);
}

/* type: sgd with the Adam keys set gives the same bits as a config without
 * them, and both equal the SGD recurrence written out in float. */
TEST(sgd_is_unchanged) {
    ebm_node *plain = optim_cfg("{lr: 0.3, momentum: [0.5, 0.9], momentum_switch: 2, "
                                "weight_decay: 0.05, lr_decay: 0.9}");
    ebm_node *typed = optim_cfg("{type: sgd, lr: 0.3, momentum: [0.5, 0.9], "
                                "momentum_switch: 2, weight_decay: 0.05, lr_decay: 0.9, "
                                "betas: [0.1, 0.2], eps: 1}");
    ASSERT(plain && typed);
    float xa[3] = {1, -1, 0.5f}, xb[3] = {1, -1, 0.5f}, g[3];
    float ref[3] = {1, -1, 0.5f}, vel[3] = {0, 0, 0};
    ebm_tensor pa[1] = {{.name = "W", .data = xa, .rank = 2, .shape = {1, 3}}};
    ebm_tensor pb[1] = {{.name = "W", .data = xb, .rank = 2, .shape = {1, 3}}};
    ebm_tensor grads[1] = {pa[0]};
    grads[0].data = g;
    ebm_optim oa, ob;
    ebm_error err;
    ASSERT_OK(ebm_optim_init(&oa, plain, pa, 1, &err));
    ASSERT_OK(ebm_optim_init(&ob, typed, pb, 1, &err));
    double lr_exact = 0.3;   /* decays as the optimiser's double does */
    float lr = (float)lr_exact;
    for (int epoch = 1; epoch <= 4; epoch++) {
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < 3; i++) g[i] = (float)(0.7 * xa[i] - 0.1 * step + 0.05 * i);
            float momentum = epoch <= 2 ? 0.5f : 0.9f;
            for (int i = 0; i < 3; i++) {
                vel[i] = momentum * vel[i] - lr * (g[i] + 0.05f * ref[i]);
                ref[i] += vel[i];
            }
            ebm_optim_step(&oa, pa, grads, epoch);
            ebm_optim_step(&ob, pb, grads, epoch);
        }
        ebm_optim_end_epoch(&oa);
        ebm_optim_end_epoch(&ob);
        lr_exact *= 0.9;
        lr = (float)lr_exact;
    }
    ASSERT(memcmp(xa, xb, sizeof xa) == 0);
    ASSERT(memcmp(xa, ref, sizeof xa) == 0);
    ebm_optim_free(&oa);
    ebm_optim_free(&ob);
    ebm_node_free(plain);
    ebm_node_free(typed);
}

/* A weight matrix large enough for the threaded path, so the bad entry sits
 * in the second thread's part while the first thread's part is clean; the
 * refused step must leave parameters, velocities and Adam's step count as
 * they were, whichever tensor holds the bad entry. */
TEST(a_nonfinite_gradient_changes_nothing) {
    enum { N = 300 * 300 };
    ebm_threads_set(2);
    const char *configs[] = {"{lr: 0.1, momentum: 0.5, weight_decay: 0.01}",
                             "{type: adam, lr: 0.1, weight_decay: 0.01}"};
    float *w = malloc(N * sizeof *w), *gw = malloc(N * sizeof *gw);
    float *w_before = malloc(N * sizeof *w), *v_before = malloc(N * sizeof *w);
    ASSERT(w && gw && w_before && v_before);
    for (int c = 0; c < 2; c++) {
        ebm_node *cfg = optim_cfg(configs[c]);
        ASSERT(cfg);
        float b[2] = {0.5f, -0.5f}, gb[2] = {0.1f, 0.2f};
        for (int i = 0; i < N; i++) {
            w[i] = 0.001f * (float)(i % 97);
            gw[i] = 0.01f * (float)(i % 13) - 0.05f;
        }
        ebm_tensor params[2] = {{.name = "W", .data = w, .rank = 2, .shape = {300, 300}},
                                {.name = "b", .data = b, .rank = 1, .shape = {2}}};
        ebm_tensor grads[2] = {params[0], params[1]};
        grads[0].data = gw;
        grads[1].data = gb;
        ebm_optim o;
        ebm_error err;
        ASSERT_OK(ebm_optim_init(&o, cfg, params, 2, &err));
        ASSERT_EQ(ebm_optim_step(&o, params, grads, 1), 1);   /* velocities now nonzero */
        const float bad_values[] = {NAN, INFINITY, -INFINITY};
        for (int where = 0; where < 2; where++) {
            for (int k = 0; k < 3; k++) {
                float b_before[2] = {b[0], b[1]};
                memcpy(w_before, w, N * sizeof *w);
                memcpy(v_before, o.velocity[0], N * sizeof *w);
                uint64_t steps = o.steps;
                float *bad = where == 0 ? &gw[N - 1] : &gb[1];
                float saved = *bad;
                *bad = bad_values[k];
                ASSERT_EQ(ebm_optim_step(&o, params, grads, 1), 0);
                *bad = saved;
                ASSERT(memcmp(w, w_before, N * sizeof *w) == 0);
                ASSERT(memcmp(o.velocity[0], v_before, N * sizeof *w) == 0);
                ASSERT(memcmp(b, b_before, sizeof b) == 0);
                ASSERT_EQ(o.steps, steps);
            }
        }
        ASSERT_EQ(ebm_optim_step(&o, params, grads, 1), 1);
        ASSERT(memcmp(w, w_before, N * sizeof *w) != 0);
        ebm_optim_free(&o);
        ebm_node_free(cfg);
    }
    free(w);
    free(gw);
    free(w_before);
    free(v_before);
}

int main(void) {
    RUN(plain_sgd_and_weight_decay_on_weights_only);
    RUN(momentum_switches_and_lr_decays);
    RUN(first_steps_are_the_bias_corrected_values);
    RUN(weight_decay_is_coupled_and_on_weights_only);
    RUN(minimises_an_ill_conditioned_quadratic);
    RUN(sgd_is_unchanged);
    RUN(a_nonfinite_gradient_changes_nothing);
    TEST_MAIN_END();
}
