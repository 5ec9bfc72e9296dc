/* test_fit.c — the training loop's divergence handling, resume position and
 * step hook (framework/train/fit.c), on a one-parameter model whose gradient is 1,
 * or NaN / +inf on the rows marked 99 / 98. */
#include <math.h>

#include "fit.h"
#include "test.h"

typedef struct toy {
    float w;
} toy;

static int toy_params(void *model, ebm_tensor *out, int max) {
    toy *m = model;
    if (max < 1) return 0;
    out[0] = (ebm_tensor){.name = "w", .data = &m->w, .rank = 1, .shape = {1}};
    return 1;
}

static int toy_gradient(void *model, const float *batch, size_t n, ebm_tensor *grads,
                        ebm_rng *rng, ebm_error *err) {
    (void)model, (void)rng, (void)err;
    grads[0].data[0] = 0.0f;
    for (size_t r = 0; r < n; r++)
        grads[0].data[0] += batch[r] == 99.0f ? NAN : batch[r] == 98.0f ? INFINITY : 1.0f;
    return EBM_OK;
}

static const ebm_model_learning toy_learning = {.xGradient = toy_gradient};
static const ebm_model_ops toy_ops = {.xParams = toy_params, .learning = &toy_learning};

/* The state one epoch over rows needs; batch size 1, no shuffling. */
typedef struct setup {
    toy model;
    ebm_tensor params[1], grads[1];
    float grad;
    ebm_optim optim;
    ebm_dataset data;
    size_t order[16];
    float batch[16];
    ebm_fit fit;
    int hook_calls;
    size_t last_done;
} setup;

static int count_hook(void *ctx, int epoch, size_t done, ebm_error *err) {
    (void)epoch, (void)err;
    setup *s = ctx;
    s->hook_calls++;
    s->last_done = done;
    return EBM_OK;
}

static void make(setup *s, float *rows, size_t n, int skip) {
    memset(s, 0, sizeof *s);
    toy_params(&s->model, s->params, 1);
    s->grads[0] = s->params[0];
    s->grads[0].data = &s->grad;
    ebm_error err;
    ebm_node *cfg = ebm_cfg_parse_string("{lr: 0.5}", 9, "<test>", &err);
    ebm_optim_init(&s->optim, cfg, s->params, 1, &err);
    ebm_node_free(cfg);
    s->data = (ebm_dataset){.n = n, .dim = 1, .x = rows};
    s->fit = (ebm_fit){.ops = &toy_ops, .model = &s->model, .optim = &s->optim,
                       .params = s->params, .grads = s->grads, .n_params = 1,
                       .data = &s->data, .batch_size = 1, .order = s->order,
                       .batch = s->batch, .skip_nonfinite = skip, .max_abs_param = 1e8,
                       .after_step = count_hook, .after_step_ctx = s};
}

TEST(stop_names_the_step_and_parameter) {
    float rows[6] = {0, 0, 0, 99, 0, 0};
    setup s;
    make(&s, rows, 6, 0);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_error err;
    ebm_error_clear(&err);
    ASSERT_EQ(ebm_fit_epoch(&s.fit, &rng, 2, &err), EBM_ENUMERIC);
    ASSERT_STR_CONTAINS(err.msg, "epoch 2, minibatch 4 (step 4)");
    ASSERT_STR_CONTAINS(err.msg, "the gradient of w[0] is NaN");
    ASSERT_STR_CONTAINS(err.msg, "on_divergence: skip_batch");
    /* Three good steps of −0.5 each were taken, none after. */
    ASSERT_NEAR(s.model.w, -1.5, 1e-6);
    ebm_optim_free(&s.optim);
}

TEST(skip_counts_and_leaves_the_parameters) {
    float rows[6] = {0, 98, 0, 99, 0, 0};
    setup s;
    make(&s, rows, 6, 1);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_error err;
    ebm_error_clear(&err);
    ASSERT_OK(ebm_fit_epoch(&s.fit, &rng, 1, &err));
    ASSERT_EQ(s.fit.skipped, 2);
    ASSERT_EQ(s.fit.steps, 6);
    ASSERT_NEAR(s.model.w, -2.0, 1e-6);   /* four good steps */
    ASSERT(isfinite(s.model.w));
    ebm_optim_free(&s.optim);
}

/* A parameter past max_abs_param ends the epoch as a NaN would, even under
 * skip_batch: the parameters are the damage, not one minibatch. */
TEST(exploded_parameter_stops_after_the_epoch) {
    float rows[6] = {0, 0, 0, 0, 0, 0};
    for (int skip = 0; skip < 2; skip++) {
        setup s;
        make(&s, rows, 6, skip);
        s.fit.max_abs_param = 2.5;
        ebm_rng rng;
        ebm_rng_seed(&rng, 1);
        ebm_error err;
        ebm_error_clear(&err);
        ASSERT_EQ(ebm_fit_epoch(&s.fit, &rng, 3, &err), EBM_ENUMERIC);
        ASSERT_STR_CONTAINS(err.msg, "epoch 3: parameter w[0] is -3");
        ASSERT_STR_CONTAINS(err.msg, "past train.max_abs_param (2.5)");
        ebm_optim_free(&s.optim);
        /* the same epoch within the limit passes */
        make(&s, rows, 6, skip);
        s.fit.max_abs_param = 3.0;
        ASSERT_OK(ebm_fit_epoch(&s.fit, &rng, 3, &err));
        ebm_optim_free(&s.optim);
    }
}

TEST(hook_after_every_step_but_the_last) {
    float rows[5] = {0, 0, 0, 0, 0};
    setup s;
    make(&s, rows, 5, 0);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_error err;
    ASSERT_OK(ebm_fit_epoch(&s.fit, &rng, 1, &err));
    ASSERT_EQ(s.hook_calls, 4);
    ASSERT_EQ(s.last_done, 4);
    ASSERT_EQ(s.fit.batches_done, 5);
    ebm_optim_free(&s.optim);
}

/* Starting at minibatch 3 does the epoch's last two steps only, and the next
 * epoch starts from its first again. */
TEST(first_batch_resumes_mid_epoch) {
    float rows[5] = {0, 0, 0, 0, 0};
    setup s;
    make(&s, rows, 5, 0);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_error err;
    s.fit.first_batch = 3;
    ASSERT_OK(ebm_fit_epoch(&s.fit, &rng, 1, &err));
    ASSERT_EQ(s.fit.steps, 2);
    ASSERT_NEAR(s.model.w, -1.0, 1e-6);
    /* the run's ETA counts this epoch as the two fifths it trained */
    ASSERT_NEAR(ebm_fit_epoch_fraction(&s.fit, 3), 0.4, 1e-12);
    ASSERT_OK(ebm_fit_epoch(&s.fit, &rng, 2, &err));
    ASSERT_EQ(s.fit.steps, 7);
    ASSERT_NEAR(ebm_fit_epoch_fraction(&s.fit, 0), 1.0, 1e-12);
    ebm_optim_free(&s.optim);
}

/* A stop request is honoured between minibatches, saying where. */
TEST(stop_flag_between_minibatches) {
    float rows[5] = {0, 0, 0, 0, 0};
    setup s;
    make(&s, rows, 5, 0);
    volatile sig_atomic_t stop = 1;
    s.fit.stop = &stop;
    s.fit.first_batch = 2;
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_error err;
    ASSERT_EQ(ebm_fit_epoch(&s.fit, &rng, 1, &err), EBM_EINTERRUPT);
    ASSERT_EQ(s.fit.batches_done, 2);
    ASSERT_EQ(s.fit.steps, 0);
    ASSERT_NEAR(ebm_fit_epoch_fraction(&s.fit, 2), 0.0, 0);
    ebm_optim_free(&s.optim);
}

int main(void) {
    RUN(stop_names_the_step_and_parameter);
    RUN(skip_counts_and_leaves_the_parameters);
    RUN(exploded_parameter_stops_after_the_epoch);
    RUN(hook_after_every_step_but_the_last);
    RUN(first_batch_resumes_mid_epoch);
    RUN(stop_flag_between_minibatches);
    TEST_MAIN_END();
}
