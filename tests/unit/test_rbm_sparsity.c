/* test_rbm_sparsity.c — the rbm's sparsity target (model.sparsity, Hinton's
 * practical guide §11): the penalty xDataGrad adds on the data minibatch,
 * against a computation in double, the decaying average across minibatches,
 * and training that brings the hidden units' mean activation to the target. */
#include "test.h"

#include "gemm.h"
#include "rbm_est_testutil.h"
#include "rbm_train_testutil.h"

/* An rbm built by its plugin from `yaml`, then W, b, c ~ N(0, 1) from seed
 * (the same parameters for the same seed whatever the sparsity keys). */
static ebm_rbm *rbm_from(const char *yaml, size_t n_visible, uint64_t seed) {
    ebm_node *cfg = parse_yaml(yaml);
    ebm_dataset shape = {.n = 0, .dim = n_visible};
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    void *model = NULL;
    ebm_error err = {0};
    if (!cfg || ebm_model_rbm.xCreate(cfg, &shape, &rng, &model, &err)) {
        fprintf(stderr, "rbm_from: %s\n", err.msg);
        ebm_node_free(cfg);
        return NULL;
    }
    ebm_node_free(cfg);
    ebm_rbm *m = model;
    for (size_t k = 0; k < m->n_visible * m->n_hidden; k++)
        m->W[k] = (float)ebm_rng_normal(&rng);
    for (size_t i = 0; i < m->n_visible; i++) m->b[i] = (float)ebm_rng_normal(&rng);
    for (size_t j = 0; j < m->n_hidden; j++) m->c[j] = (float)ebm_rng_normal(&rng);
    return m;
}

enum { G_VIS = 4, G_HID = 3, G_ROWS = 6, G_UNITS = G_VIS + G_HID };

typedef struct grad_set {
    float W[G_VIS * G_HID], b[G_VIS], c[G_HID];
    ebm_tensor t[3];
} grad_set;

static void grad_set_init(grad_set *g) {
    memset(g, 0, sizeof *g);
    g->t[0] = (ebm_tensor){.name = "W", .data = g->W, .rank = 2, .shape = {G_VIS, G_HID}};
    g->t[1] = (ebm_tensor){.name = "b", .data = g->b, .rank = 1, .shape = {G_VIS}};
    g->t[2] = (ebm_tensor){.name = "c", .data = g->c, .rank = 1, .shape = {G_HID}};
}

/* Each hidden unit's mean p(h_j = 1 | v) over the rows, and each visible
 * unit's mean value, in double. */
static void batch_means(const ebm_rbm *m, const float *states, size_t n, double *mean_h,
                        double *mean_v) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    memset(mean_h, 0, nh * sizeof *mean_h);
    memset(mean_v, 0, nv * sizeof *mean_v);
    for (size_t r = 0; r < n; r++) {
        const float *v = states + r * (nv + nh);
        for (size_t j = 0; j < nh; j++) {
            double x = m->c[j];
            for (size_t i = 0; i < nv; i++) x += (double)v[i] * m->W[i * nh + j];
            mean_h[j] += 1.0 / (1.0 + exp(-x)) / (double)n;
        }
        for (size_t i = 0; i < nv; i++) mean_v[i] += v[i] / (double)n;
    }
}

/* With the same parameters, the sparse rbm's xDataGrad on data (scale > 0)
 * is the plain rbm's plus cost (q_j − target) on c_j and cost (q_j − target)
 * mean_r v_ri on W_ij, b untouched; q is the first batch's mean p(h|v), then
 * decay q + (1 − decay) (the next batch's); a negative-phase call (scale < 0)
 * adds nothing and leaves q alone. */
TEST(penalty_gradient_and_decaying_average) {
    const double target = 0.2, cost = 0.5, decay = 0.9;
    ebm_rbm *plain = rbm_from("{hidden: 3, bias_init: zero}", G_VIS, 3);
    ebm_rbm *sparse = rbm_from("{hidden: 3, bias_init: zero, "
                               "sparsity: {target: 0.2, cost: 0.5, decay: 0.9}}", G_VIS, 3);
    ASSERT(plain && sparse);
    ASSERT(plain->hidden_mean == NULL && plain->sparsity_cost == 0);
    ASSERT(sparse->hidden_mean != NULL);
    ASSERT_NEAR(sparse->sparsity_target, target, 0);
    ASSERT_NEAR(sparse->sparsity_decay, decay, 0);
    float batches[2][G_ROWS * G_UNITS];
    ebm_rng rng;
    ebm_rng_seed(&rng, 4);
    for (int k = 0; k < 2; k++)
        for (int e = 0; e < G_ROWS * G_UNITS; e++)
            batches[k][e] = (float)ebm_rng_bernoulli(&rng, k == 0 ? 0.3 : 0.7);
    double q[G_HID], mean_h[G_HID], mean_v[G_VIS];
    ebm_error err = {0};
    double largest_penalty = 0;
    for (int k = 0; k < 2; k++) {
        grad_set with, without;
        grad_set_init(&with);
        grad_set_init(&without);
        ASSERT_OK(ebm_model_positive_grad(&ebm_model_rbm, plain, batches[k], G_ROWS, 1.0, without.t, &err));
        ASSERT_OK(ebm_model_positive_grad(&ebm_model_rbm, sparse, batches[k], G_ROWS, 1.0, with.t, &err));
        batch_means(sparse, batches[k], G_ROWS, mean_h, mean_v);
        for (int j = 0; j < G_HID; j++) {
            q[j] = k == 0 ? mean_h[j] : decay * q[j] + (1 - decay) * mean_h[j];
            ASSERT_NEAR(sparse->hidden_mean[j], q[j], 1e-6);
            double d = cost * (q[j] - target);
            largest_penalty = fmax(largest_penalty, fabs(d));
            ASSERT_NEAR(with.c[j] - without.c[j], d, 1e-6);
            for (int i = 0; i < G_VIS; i++)
                ASSERT_NEAR(with.W[i * G_HID + j] - without.W[i * G_HID + j],
                            d * mean_v[i], 1e-6);
        }
        for (int i = 0; i < G_VIS; i++) ASSERT_NEAR(with.b[i], without.b[i], 0);
    }
    ASSERT(largest_penalty > 0.05);   /* the penalty is not trivially 0 */
    /* the negative phase: the plain gradient, q unchanged */
    grad_set with, without;
    grad_set_init(&with);
    grad_set_init(&without);
    ASSERT_OK(ebm_model_positive_grad(&ebm_model_rbm, plain, batches[0], G_ROWS, -1.0, without.t, &err));
    ASSERT_OK(ebm_model_positive_grad(&ebm_model_rbm, sparse, batches[0], G_ROWS, -1.0, with.t, &err));
    ASSERT(memcmp(with.W, without.W, sizeof with.W) == 0);
    ASSERT(memcmp(with.c, without.c, sizeof with.c) == 0);
    for (int j = 0; j < G_HID; j++) ASSERT_NEAR(sparse->hidden_mean[j], q[j], 1e-6);
    rbm_destroy(plain);
    rbm_destroy(sparse);
}

/* cost 0 turns the penalty off: no average is kept and the gradient is the
 * plain one bit for bit. */
TEST(zero_cost_is_off) {
    ebm_rbm *plain = rbm_from("{hidden: 3, bias_init: zero}", G_VIS, 5);
    ebm_rbm *off = rbm_from("{hidden: 3, bias_init: zero, sparsity: {cost: 0}}", G_VIS, 5);
    ASSERT(plain && off);
    ASSERT(off->hidden_mean == NULL);
    float states[G_ROWS * G_UNITS];
    ebm_rng rng;
    ebm_rng_seed(&rng, 6);
    for (int e = 0; e < G_ROWS * G_UNITS; e++) states[e] = (float)ebm_rng_bernoulli(&rng, 0.5);
    grad_set a, b;
    grad_set_init(&a);
    grad_set_init(&b);
    ebm_error err = {0};
    ASSERT_OK(ebm_model_positive_grad(&ebm_model_rbm, plain, states, G_ROWS, 1.0, a.t, &err));
    ASSERT_OK(ebm_model_positive_grad(&ebm_model_rbm, off, states, G_ROWS, 1.0, b.t, &err));
    ASSERT(memcmp(&a.W, &b.W, sizeof a.W) == 0);
    ASSERT(memcmp(&a.c, &b.c, sizeof a.c) == 0);
    rbm_destroy(plain);
    rbm_destroy(off);
}

/* Mean p(h_j = 1 | v) over the rows for every hidden unit; returns the mean
 * over units and the largest |unit mean − target| in *worst. */
static double mean_activation(const ebm_rbm *m, const ebm_dataset *data, double target,
                              double *worst) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    double total = 0;
    *worst = 0;
    for (size_t j = 0; j < nh; j++) {
        double unit = 0;
        for (size_t r = 0; r < data->n; r++) {
            double x = m->c[j];
            for (size_t i = 0; i < nv; i++) x += (double)data->x[r * nv + i] * m->W[i * nh + j];
            unit += 1.0 / (1.0 + exp(-x)) / (double)data->n;
        }
        total += unit / (double)nh;
        *worst = fmax(*worst, fabs(unit - target));
    }
    return total;
}

/* 20 hidden units on 4×4 bars-and-stripes, CD-1, whole batch, lr 0.05, 2000
 * updates, with and without {target: 0.1, cost: SPARSE_COST}. Without the
 * penalty the hidden units are on about half the time; with it their mean
 * activation over the data ends within MEAN_TOLERANCE of the target and
 * every unit within UNIT_TOLERANCE. */
#define SPARSE_COST 1.0
#define MEAN_TOLERANCE 0.01
#define UNIT_TOLERANCE 0.02

static ebm_rbm *trained(const ebm_dataset *data, const char *model_yaml) {
    ebm_node *cfg = parse_yaml(model_yaml);
    ebm_rng rng;
    ebm_rng_seed(&rng, 8);
    void *model = NULL;
    ebm_error err = {0};
    int rc = cfg ? ebm_model_rbm.xCreate(cfg, data, &rng, &model, &err) : -1;
    ebm_node_free(cfg);
    if (!rc) rc = train_rbm(model, data, "{sampler: {type: cd, k: 1}, optim: {lr: 0.05}}",
                            2000, &err);
    if (rc) {
        fprintf(stderr, "%s: %s\n", model_yaml, err.msg);
        if (model) ebm_model_rbm.xDestroy(model);
        return NULL;
    }
    return model;
}

TEST(training_brings_hidden_activity_to_the_target) {
    ebm_dataset data = {0};
    ebm_error err = {0};
    ASSERT_OK(load_bars(&data, &err));
    char yaml[160];
    snprintf(yaml, sizeof yaml, "{hidden: 20, sparsity: {target: 0.1, cost: %g, "
             "decay: 0.95}}", SPARSE_COST);
    ebm_rbm *plain = trained(&data, "{hidden: 20}"), *sparse = trained(&data, yaml);
    ASSERT(plain && sparse);
    double worst_plain, worst_sparse;
    double plain_mean = mean_activation(plain, &data, 0.1, &worst_plain);
    double sparse_mean = mean_activation(sparse, &data, 0.1, &worst_sparse);
    printf("  mean hidden activation on the data: %.4f without the penalty, %.4f with "
           "it (target 0.1; worst unit off by %.4f, %.4f)\n", plain_mean, sparse_mean,
           worst_plain, worst_sparse);
    ASSERT(fabs(plain_mean - 0.1) > 5 * MEAN_TOLERANCE);   /* the penalty is what moved it */
    ASSERT_NEAR(sparse_mean, 0.1, MEAN_TOLERANCE);
    ASSERT(worst_sparse < UNIT_TOLERANCE);
    /* q tracks the activation the penalty acts on */
    double q_mean = 0;
    for (size_t j = 0; j < sparse->n_hidden; j++) q_mean += sparse->hidden_mean[j] / 20.0;
    ASSERT_NEAR(q_mean, sparse_mean, MEAN_TOLERANCE);
    rbm_destroy(plain);
    rbm_destroy(sparse);
    ebm_dataset_free(&data);
}

int main(void) {
    ebm_threads_set(1);   /* tiny products: see test_rbm_trained.c */
    RUN(penalty_gradient_and_decaying_average);
    RUN(zero_cost_is_off);
    RUN(training_brings_hidden_activity_to_the_target);
    TEST_MAIN_END();
}
