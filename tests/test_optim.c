/* test_optim.c — the shared optimiser: exact SGD, momentum switching, weight
 * decay on weights only, and learning-rate decay, against hand computation. */
#include "cfg.h"
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

int main(void) {
    RUN(plain_sgd_and_weight_decay_on_weights_only);
    RUN(momentum_switches_and_lr_decays);
    TEST_MAIN_END();
}
