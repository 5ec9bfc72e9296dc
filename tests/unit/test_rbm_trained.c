/* test_rbm_trained.c — the RBM after real training rather than at random
 * parameters: AIS's log Ẑ against the exact log Z of a 16 × 20 RBM trained on
 * 4×4 bars-and-stripes, and the trainer's CD-k gradient closing on the exact
 * likelihood gradient as k grows (PCD with long runs reaching it), on an RBM
 * small enough to enumerate. */
#include "test.h"

#include "gemm.h"
#include "rbm_est_testutil.h"
#include "rbm_testutil.h"
#include "rbm_train_testutil.h"

extern const ebm_estimator_ops ebm_estimator_ais;

/* ------------------------------------------------- training on 4×4 BAS */

/* Mean exact log-likelihood of the rows: mean −F(v) − log Z, log Z by the
 * model's xLogPartition (here the 16 visible units are enumerated). */
static double exact_loglik(ebm_rbm *m, const ebm_dataset *data, double *log_z) {
    ebm_error err = {0};
    double *neg_free_energy = malloc(data->n * sizeof *neg_free_energy);
    if (!neg_free_energy || ebm_model_log_partition(&ebm_model_rbm, m, 25, log_z, &err) ||
        ebm_rbm_log_unnormalized(m, data->x, data->dim, data->n, 1.0, neg_free_energy,
                                 &err)) {
        fprintf(stderr, "exact_loglik: %s\n", err.msg);
        free(neg_free_energy);
        return NAN;
    }
    double sum = 0;
    for (size_t r = 0; r < data->n; r++) sum += neg_free_energy[r];
    free(neg_free_energy);
    return sum / (double)data->n - *log_z;
}

/* A 16 × 20 RBM with the model's own initialisation (weights N(0, 0.01²),
 * visible biases from the data marginals), trained by PCD. NULL on failure. */
static ebm_rbm *trained_bars_rbm(const ebm_dataset *data, int updates, double *before,
                                 double *after, double *log_z) {
    ebm_node *cfg = parse_yaml("{hidden: 20}");
    ebm_rng rng;
    ebm_rng_seed(&rng, 5);
    void *model = NULL;
    ebm_error err = {0};
    if (!cfg || ebm_model_rbm.xCreate(cfg, data, &rng, &model, &err)) {
        fprintf(stderr, "rbm: %s\n", err.msg);
        ebm_node_free(cfg);
        return NULL;
    }
    ebm_node_free(cfg);
    ebm_rbm *m = model;
    *before = exact_loglik(m, data, log_z);
    if (train_rbm(m, data, "{sampler: {type: pcd, k: 1, chains: 64}, optim: {lr: 0.05}}",
                  updates, &err)) {
        fprintf(stderr, "training: %s\n", err.msg);
        ebm_model_rbm.xDestroy(m);
        return NULL;
    }
    *after = exact_loglik(m, data, log_z);
    return m;
}

/* Before training every pixel is a fair coin (−16 log 2 = −11.09 nats per
 * image); the optimum for these 32 images is −3.379. Training must have
 * moved well towards it, so that AIS faces a multimodal model whose log Z is
 * far from the base model's. Then the default schedule (14,500 β) with 100
 * runs: the ±3σ interval holds the exact log Z and the estimate is within
 * AIS_BOUND of it. The base rates and the likelihood come from the same
 * images. Measured: −4.40 nats per image after 4000 PCD-1 updates (−4.36 to
 * −4.68 over six training seeds), AIS off by +0.004 (at most 0.016 over
 * those seeds), interval half-width 0.025. */
#define AIS_BOUND 0.05

TEST(ais_on_a_trained_rbm_matches_exact_log_z) {
    ebm_dataset data = {0};
    ebm_error err = {0};
    ASSERT_OK(load_bars(&data, &err));
    ASSERT_EQ(data.n, 32);
    ASSERT_EQ(data.dim, 16);
    double before = NAN, after = NAN, log_z = NAN;
    ebm_rbm *m = trained_bars_rbm(&data, 4000, &before, &after, &log_z);
    ASSERT(m);
    double largest_weight = 0;
    for (size_t k = 0; k < m->n_visible * m->n_hidden; k++)
        largest_weight = fmax(largest_weight, fabs(m->W[k]));
    printf("  exact log-likelihood per image %.3f before, %.3f after training; "
           "log Z %.4f, largest |W| %.2f\n", before, after, log_z, largest_weight);
    ASSERT_NEAR(before, -16 * log(2.0), 0.05);
    ASSERT(after > before + 5.0);
    ASSERT(after <= -3.379 + 1e-6);   /* never above the optimum */
    ASSERT(largest_weight > 2.0);

    ebm_log *log = ebm_log_new(NULL);
    int rc = rbm_evaluate(&ebm_estimator_ais, "{runs: 100}", m, &data, &data, NULL, 7, log,
                          &err);
    if (rc) {
        ebm_log_free(log);
        rbm_destroy(m);
        ebm_dataset_free(&data);
        FAIL_("ais: %s", err.msg);
    }
    double est = metric(log, "ais_log_z"), lo = metric(log, "ais_log_z_lo"),
           hi = metric(log, "ais_log_z_hi");
    printf("  ais log Z %.4f [%.4f, %.4f] vs exact %.4f: error %+.4f, ess %.1f\n", est, lo,
           hi, log_z, est - log_z, metric(log, "ais_ess"));
    ASSERT(lo <= log_z && log_z <= hi);
    ASSERT_NEAR(est, log_z, AIS_BOUND);
    ASSERT_NEAR(metric(log, "ais_loglik"), after - (est - log_z), 1e-3);
    ebm_log_free(log);
    rbm_destroy(m);
    ebm_dataset_free(&data);
}

/* ------------------------------------------- CD-k against the exact gradient */

enum { K_VIS = 5, K_HID = 3, K_ROWS = 5, K_COPIES = 200, K_CALLS = 50,
       K_PARAMS = K_VIS * K_HID + K_VIS + K_HID };
static const float k_rows[K_ROWS * K_VIS] = {1, 1, 0, 0, 0,  0, 0, 1, 1, 1,  1, 0, 1, 0, 1,
                                             1, 1, 1, 1, 0,  0, 0, 0, 1, 0};

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* ∂F(v)/∂θ in rt_param_at's order: −v_i σ_j(v) for W, −v_i for b, −σ_j(v)
 * for c, with σ_j(v) = p(h_j = 1 | v). */
static void free_energy_grad(const rt_params *p, const double *v, double *g) {
    double on[RT_MAX_HIDDEN];
    for (size_t j = 0; j < p->n_hidden; j++) {
        double x = p->c[j];
        for (size_t i = 0; i < p->n_visible; i++) x += v[i] * p->W[i * p->n_hidden + j];
        on[j] = sigmoid(x);
    }
    size_t nw = p->n_visible * p->n_hidden;
    for (size_t i = 0; i < p->n_visible; i++) {
        for (size_t j = 0; j < p->n_hidden; j++) g[i * p->n_hidden + j] = -v[i] * on[j];
        g[nw + i] = -v[i];
    }
    for (size_t j = 0; j < p->n_hidden; j++) g[nw + p->n_visible + j] = -on[j];
}

/* The exact gradient of the mean negative log-likelihood mean_r F(v_r) + log Z:
 * mean_data ∂F/∂θ − Σ_v p(v) ∂F/∂θ, p(v) ∝ e^{−F(v)} over all 2^5 v. */
static void exact_gradient(const rt_params *p, double *grad) {
    double v[RT_MAX_VISIBLE], g[K_PARAMS], log_p[1 << K_VIS];
    memset(grad, 0, K_PARAMS * sizeof *grad);
    for (int r = 0; r < K_ROWS; r++) {
        for (int i = 0; i < K_VIS; i++) v[i] = k_rows[r * K_VIS + i];
        free_energy_grad(p, v, g);
        for (int k = 0; k < K_PARAMS; k++) grad[k] += g[k] / K_ROWS;
    }
    for (size_t s = 0; s < (1u << K_VIS); s++) {
        rt_bits(s, K_VIS, v);
        log_p[s] = rt_log_sum_h(p, v, 1.0);
    }
    double log_z = rt_log_sum_exp(log_p, 1u << K_VIS);
    for (size_t s = 0; s < (1u << K_VIS); s++) {
        rt_bits(s, K_VIS, v);
        free_energy_grad(p, v, g);
        for (int k = 0; k < K_PARAMS; k++) grad[k] -= exp(log_p[s] - log_z) * g[k];
    }
}

typedef struct gradient_gap {
    double distance;   /* ‖mean trainer gradient − exact‖₂ */
    double noise;      /* √Σ_k se_k²: the distance a bias-free estimate
                          would show, se_k from the spread over calls */
} gradient_gap;

/* The trainer's gradient averaged over K_CALLS calls, each on K_COPIES copies
 * of the rows, for an RBM with weights of scale 2 (slow enough mixing that
 * short chains are visibly biased). distance < 0 when the trainer failed. */
static gradient_gap trainer_gap(const char *train_yaml, double *exact_norm) {
    gradient_gap gap = {-1, 0};
    void *m = rt_rbm_new(K_VIS, K_HID, 0, 2.0, 0.5, 73);
    if (!m) return gap;
    rt_params p;
    rt_params_of(m, K_VIS, K_HID, 0, &p);
    double exact[K_PARAMS], sum[K_PARAMS] = {0}, sum_sq[K_PARAMS] = {0};
    exact_gradient(&p, exact);
    float gW[K_VIS * K_HID], gb[K_VIS], gc[K_HID];
    ebm_tensor grads[3] = {
        {.name = "W", .data = gW, .rank = 2, .shape = {K_VIS, K_HID}},
        {.name = "b", .data = gb, .rank = 1, .shape = {K_VIS}},
        {.name = "c", .data = gc, .rank = 1, .shape = {K_HID}},
    };
    float *rows = malloc(sizeof(float) * K_ROWS * K_COPIES * K_VIS);
    for (int c = 0; rows && c < K_COPIES; c++)
        memcpy(rows + c * K_ROWS * K_VIS, k_rows, sizeof k_rows);
    ebm_node *cfg = parse_yaml(train_yaml);
    ebm_rng root, chains;
    ebm_rng_seed(&root, 29);
    ebm_rng_named(&chains, &root, "chains");
    ebm_error err = {0};
    ebm_trainer *t = rows && cfg ? ebm_trainer_new(cfg, &ebm_model_rbm, m, K_VIS,
                                                   K_ROWS * K_COPIES, &chains, NULL, &err)
                                 : NULL;
    int rc = t ? 0 : -1;
    for (int call = 0; !rc && call < K_CALLS; call++) {
        ebm_rng call_rng;
        ebm_rng_derive(&call_rng, &root, (uint64_t)call);
        rc = ebm_trainer_gradient(t, rows, K_ROWS * K_COPIES, grads, 3, &call_rng, &err);
        for (int k = 0; !rc && k < K_PARAMS; k++) {
            double g = k < K_VIS * K_HID ? gW[k]
                     : k < K_VIS * K_HID + K_VIS ? gb[k - K_VIS * K_HID]
                                                 : gc[k - K_VIS * K_HID - K_VIS];
            sum[k] += g;
            sum_sq[k] += g * g;
        }
    }
    if (!rc) {
        double dist2 = 0, noise2 = 0, norm2 = 0;
        for (int k = 0; k < K_PARAMS; k++) {
            double mean = sum[k] / K_CALLS;
            double var = (sum_sq[k] - K_CALLS * mean * mean) / (K_CALLS - 1);
            dist2 += (mean - exact[k]) * (mean - exact[k]);
            noise2 += fmax(var, 0.0) / K_CALLS;
            norm2 += exact[k] * exact[k];
        }
        gap.distance = sqrt(dist2);
        gap.noise = sqrt(noise2);
        *exact_norm = sqrt(norm2);
        printf("  %-50s |mean - exact| %.5f  noise %.5f  (|exact| %.3f)\n", train_yaml,
               gap.distance, gap.noise, *exact_norm);
    } else {
        fprintf(stderr, "%s: %s\n", train_yaml, err.msg);
    }
    ebm_trainer_free(t);
    ebm_node_free(cfg);
    free(rows);
    ebm_model_rbm.xDestroy(m);
    return gap;
}

/* CD-k's bias shrinks as its chains run longer: from k = 1 to 5 to 50 the
 * distance to the exact gradient falls by more than NOISE_MARGIN times the
 * larger noise level each time, and CD-50 and PCD (2000 chains, k = 20)
 * end within NOISE_MARGIN noise levels of exact. The noise level, what a
 * bias-free estimate's distance would be, is 0.005–0.007 here; measured:
 * CD-1 0.553, CD-5 0.052, CD-50 0.005, PCD 0.003, against |exact| 1.09.
 * (PCD with k = 50 and 1000 chains would repeat CD-50 to the last digit:
 * its chains draw from the same per-row streams and coalesce with CD's
 * within 50 steps on so small a model.) */
#define NOISE_MARGIN 3.0

TEST(cd_k_approaches_the_exact_gradient_as_k_grows) {
    static const char *const configs[] = {
        "{sampler: {type: cd, k: 1}}",
        "{sampler: {type: cd, k: 5}}",
        "{sampler: {type: cd, k: 50}}",
        "{sampler: {type: pcd, k: 20, chains: 2000}}",
    };
    gradient_gap gap[4];
    double norm = 0;
    for (int c = 0; c < 4; c++) {
        gap[c] = trainer_gap(configs[c], &norm);
        ASSERT(gap[c].distance >= 0);
    }
    ASSERT(norm > 0.5);   /* a gradient worth approaching */
    for (int c = 0; c < 2; c++)
        ASSERT(gap[c].distance - gap[c + 1].distance >
               NOISE_MARGIN * fmax(gap[c].noise, gap[c + 1].noise));
    ASSERT(gap[2].distance < NOISE_MARGIN * gap[2].noise);
    ASSERT(gap[3].distance < NOISE_MARGIN * gap[3].noise);
}

int main(void) {
    /* Results do not depend on the thread count (cli_rbm_threads checks it
     * bit for bit); one thread spares the tens of thousands of tiny parallel
     * regions here (two per AIS step) barrier waits that cost ten times the
     * work on a loaded 2-core machine. */
    ebm_threads_set(1);
    RUN(ais_on_a_trained_rbm_matches_exact_log_z);
    RUN(cd_k_approaches_the_exact_gradient_as_k_grows);
    TEST_MAIN_END();
}
