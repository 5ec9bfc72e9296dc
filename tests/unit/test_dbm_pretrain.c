/* test_dbm_pretrain.c — greedy pretraining of the dbm: the RBM input
 * multipliers give exactly the conditionals of an RBM with a doubled layer
 * (two tied copies, enumerated here), the plain multipliers change nothing,
 * pretraining a small DBM on bars and stripes raises its exact
 * log-likelihood well above the random start, and `epochs: 0` skips it. */
#include "test.h"

#include <math.h>
#include <stdint.h>

#include "dbm.h"

extern const ebm_model_ops ebm_model_dbm;

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* An RBM with W ~ N(0, 1), b and c ~ N(0, 0.5²). */
static int random_rbm(ebm_rbm *m, size_t nv, size_t nh, uint64_t seed) {
    ebm_error err = {0};
    if (ebm_rbm_init(m, nv, nh, 0, &err)) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (size_t k = 0; k < nv * nh; k++) m->W[k] = (float)ebm_rng_normal(&rng);
    for (size_t i = 0; i < nv; i++) m->b[i] = (float)(0.5 * ebm_rng_normal(&rng));
    for (size_t j = 0; j < nh; j++) m->c[j] = (float)(0.5 * ebm_rng_normal(&rng));
    return 0;
}

/* p(h_j = 1 | v, v') by enumerating h for an RBM whose visible layer is two
 * copies [v, v'] of the same units with tied weights, both set to v:
 * E = −c·h − (vW h + v'W h) (the visible biases cancel in the ratio). */
static double doubled_hidden_p(const ebm_rbm *m, const float *v, size_t j) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    double on = 0, all = 0;
    for (uint64_t code = 0; code < ((uint64_t)1 << nh); code++) {
        double neg_e = 0;
        for (size_t k = 0; k < nh; k++) {
            double h = (double)((code >> k) & 1);
            double field = m->c[k];
            for (size_t i = 0; i < nv; i++) field += 2.0 * v[i] * m->W[i * nh + k];   /* v and v' */
            neg_e += h * field;
        }
        double w = exp(neg_e);
        all += w;
        if ((code >> j) & 1) on += w;
    }
    return on / all;
}

/* p(v_i = 1 | h, h') likewise, the hidden layer doubled. */
static double doubled_visible_p(const ebm_rbm *m, const float *h, size_t i) {
    size_t nv = m->n_visible, nh = m->n_hidden;
    double on = 0, all = 0;
    for (uint64_t code = 0; code < ((uint64_t)1 << nv); code++) {
        double neg_e = 0;
        for (size_t k = 0; k < nv; k++) {
            double v = (double)((code >> k) & 1);
            double field = m->b[k];
            for (size_t j = 0; j < nh; j++) field += 2.0 * m->W[k * nh + j] * h[j];
            neg_e += v * field;
        }
        double w = exp(neg_e);
        all += w;
        if ((code >> i) & 1) on += w;
    }
    return on / all;
}

TEST(multipliers_are_doubled_layers) {
    ebm_rbm m;
    ASSERT_OK(random_rbm(&m, 4, 3, 11));
    ASSERT(m.hidden_input_scale == 1.0f && m.visible_input_scale == 1.0f);
    float in[4], v[4], h[3];
    /* the bottom layer's RBM: (2, 1) */
    ebm_dbm_pretrain_scales(1, 2, &m.hidden_input_scale, &m.visible_input_scale);
    ASSERT(m.hidden_input_scale == 2.0f && m.visible_input_scale == 1.0f);
    for (uint64_t code = 0; code < 16; code++) {
        for (size_t i = 0; i < 4; i++) v[i] = (float)((code >> i) & 1);
        ebm_rbm_hidden_input(&m, v, 4, 1, in, 3);
        for (size_t j = 0; j < 3; j++)
            ASSERT_NEAR(sigmoid(in[j]), doubled_hidden_p(&m, v, j), 1e-6);
    }
    for (uint64_t code = 0; code < 8; code++) {
        for (size_t j = 0; j < 3; j++) h[j] = (float)((code >> j) & 1);
        ebm_rbm_visible_input(&m, h, 3, 1, in, 4);
        for (size_t i = 0; i < 4; i++) {   /* the visible side is a plain RBM's */
            double field = m.b[i];
            for (size_t j = 0; j < 3; j++) field += m.W[i * 3 + j] * h[j];
            ASSERT_NEAR(in[i], field, 1e-5);
        }
    }
    /* the top layer's RBM: (1, 2) */
    ebm_dbm_pretrain_scales(2, 2, &m.hidden_input_scale, &m.visible_input_scale);
    ASSERT(m.hidden_input_scale == 1.0f && m.visible_input_scale == 2.0f);
    for (uint64_t code = 0; code < 8; code++) {
        for (size_t j = 0; j < 3; j++) h[j] = (float)((code >> j) & 1);
        ebm_rbm_visible_input(&m, h, 3, 1, in, 4);
        for (size_t i = 0; i < 4; i++)
            ASSERT_NEAR(sigmoid(in[i]), doubled_visible_p(&m, h, i), 1e-6);
    }
    /* a middle layer's (2, 2) and a lone layer's (1, 1) */
    ebm_dbm_pretrain_scales(2, 3, &m.hidden_input_scale, &m.visible_input_scale);
    ASSERT(m.hidden_input_scale == 2.0f && m.visible_input_scale == 2.0f);
    ebm_dbm_pretrain_scales(1, 1, &m.hidden_input_scale, &m.visible_input_scale);
    ASSERT(m.hidden_input_scale == 1.0f && m.visible_input_scale == 1.0f);
    ebm_rbm_free(&m);
}

/* The default multipliers leave the inputs bit for bit what a plain
 * c + vW in float gives: a GEMM times 1. */
TEST(plain_multipliers_change_nothing) {
    ebm_rbm m;
    ASSERT_OK(random_rbm(&m, 5, 4, 12));
    float v[5] = {1, 0, 1, 1, 0}, in[4], again[4];
    ebm_rbm_hidden_input(&m, v, 5, 1, in, 4);
    m.hidden_input_scale = 3.0f;
    ebm_rbm_hidden_input(&m, v, 5, 1, again, 4);
    for (size_t j = 0; j < 4; j++) {
        double plain = m.c[j], tripled = m.c[j];
        for (size_t i = 0; i < 5; i++) {
            plain += v[i] * m.W[i * 4 + j];
            tripled += 3.0 * v[i] * m.W[i * 4 + j];
        }
        ASSERT_NEAR(in[j], plain, 1e-5);
        ASSERT_NEAR(again[j], tripled, 1e-5);
    }
    ebm_rbm_free(&m);
}

/* The 30 distinct 4×4 bars-and-stripes images and the two blank/full ones
 * again (as the dataset with duplicates: 32 rows). */
static void bars_and_stripes(ebm_dataset *d) {
    d->n = 32;
    d->dim = 16;
    d->x = calloc(32 * 16, sizeof *d->x);
    for (int code = 0; code < 16; code++)
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++) {
                d->x[code * 16 + r * 4 + c] = (float)((code >> r) & 1);          /* rows */
                d->x[(16 + code) * 16 + r * 4 + c] = (float)((code >> c) & 1);   /* columns */
            }
}

static ebm_dbm *dbm_from(const char *yaml, const ebm_dataset *data, uint64_t seed) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
    if (!cfg) return NULL;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    void *m = NULL;
    if (ebm_model_dbm.xCreate(cfg, data, &rng, &m, &err)) {
        fprintf(stderr, "xCreate: %s\n", err.msg);
        m = NULL;
    }
    ebm_node_free(cfg);
    return m;
}

/* Mean exact log p(v) over the rows. */
static double exact_loglik(ebm_dbm *m, const ebm_dataset *d) {
    ebm_error err = {0};
    double log_z, total = 0, free_energy[64];
    float states[64 * 64] = {0};
    if (ebm_dbm_log_z(m, 20, &log_z, &err)) return NAN;
    for (size_t r = 0; r < d->n; r++) memcpy(states + r * m->units, d->x + r * d->dim, d->dim * sizeof(float));
    if (ebm_dbm_free_energy(m, states, d->n, 20, free_energy, &err)) return NAN;
    for (size_t r = 0; r < d->n; r++) total -= free_energy[r];
    return total / (double)d->n - log_z;
}

static const char *pretrain_yaml =
    "{layers: [12, 8], init_scale: 0.01, pretrain: {epochs: 300, batch: 32, data: means, "
    "sampler: {type: cd, k: 1}, optim: {type: sgd, lr: 0.05, momentum: [0.5, 0.9], "
    "momentum_switch: 5}}}";

TEST(pretraining_raises_the_likelihood) {
    ebm_dataset d = {0};
    bars_and_stripes(&d);
    ebm_dbm *m = dbm_from(pretrain_yaml, &d, 7);
    ASSERT(m != NULL);
    double before = exact_loglik(m, &d);
    ebm_rng fit_rng;
    ebm_rng_seed(&fit_rng, 8);
    ebm_error err = {0};
    int rc = ebm_model_dbm.xFit(m, &d, &fit_rng, NULL, &err);
    if (rc) fprintf(stderr, "xFit: %s\n", err.msg);
    ASSERT_OK(rc);
    double after = exact_loglik(m, &d);
    fprintf(stderr, "exact log-likelihood per pattern: %.4f at the start, %.4f pretrained\n",
            before, after);
    /* The start is near the data marginals (−11.1 nats: 16 fair bits, as
     * bars and stripes has p = ½ everywhere); the optimum is −3.38. */
    ASSERT(before < -10.5);
    ASSERT(after > before + 1.5);
    /* the DBM took its weights from the RBMs: no longer the small start */
    double norm = 0;
    for (size_t k = 0; k < 16 * 12; k++) norm += fabs(m->W[1][k]);
    ASSERT(norm / (16 * 12) > 0.1);
    ebm_model_dbm.xDestroy(m);
    ebm_dataset_free(&d);
}

TEST(zero_epochs_skip_pretraining) {
    ebm_dataset d = {0};
    bars_and_stripes(&d);
    ebm_dbm *m = dbm_from("{layers: [6, 4], pretrain: {epochs: 0}}", &d, 3);
    ebm_dbm *same = dbm_from("{layers: [6, 4]}", &d, 3);
    ASSERT(m != NULL && same != NULL);
    ebm_rng fit_rng;
    ebm_rng_seed(&fit_rng, 8);
    ebm_error err = {0};
    ASSERT_OK(ebm_model_dbm.xFit(m, &d, &fit_rng, NULL, &err));
    ASSERT(memcmp(m->W[1], same->W[1], 16 * 6 * sizeof(float)) == 0);
    ASSERT(memcmp(m->bias[0], same->bias[0], 16 * sizeof(float)) == 0);
    ebm_model_dbm.xDestroy(m);
    ebm_model_dbm.xDestroy(same);
    ebm_dataset_free(&d);
}

/* A per-layer override with a training-incapable sampler is refused with
 * the layer named. */
TEST(a_bad_layer_sampler_names_the_layer) {
    ebm_dataset d = {0};
    bars_and_stripes(&d);
    ebm_dbm *m = dbm_from("{layers: [6, 4], pretrain: {epochs: 1, batch: 8, "
                          "sampler: {type: cd}, optim: {lr: 0.05}, "
                          "layers: [{}, {sampler: {type: gibbs}}]}}", &d, 3);
    ASSERT(m != NULL);
    ebm_rng fit_rng;
    ebm_rng_seed(&fit_rng, 8);
    ebm_error err = {0};
    ASSERT(ebm_model_dbm.xFit(m, &d, &fit_rng, NULL, &err) != 0);
    ASSERT_STR_CONTAINS(err.msg, "pretraining layer 2");
    ASSERT_STR_CONTAINS(err.msg, "gibbs");
    ebm_model_dbm.xDestroy(m);
    ebm_dataset_free(&d);
}

int main(void) {
    RUN(multipliers_are_doubled_layers);
    RUN(plain_multipliers_change_nothing);
    RUN(pretraining_raises_the_likelihood);
    RUN(zero_epochs_skip_pretraining);
    RUN(a_bad_layer_sampler_names_the_layer);
    TEST_MAIN_END();
}
