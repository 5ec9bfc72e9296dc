/* test_dbm_labels.c — the DBM's one-hot label units (model.labels) against
 * answers computed here in double from the energy
 *   E = −Σ b_lᵀx_l − Σ x_{l−1}ᵀW_l x_l − b_yᵀy − yᵀU x_L
 * summed over every state with y one-hot: energy, flips and parameters,
 * the block conditionals (h_L's and the label softmax) and block Gibbs
 * marginals, exact log Z and F(v, y) for either label parity, the gradient
 * against finite differences of the exact log-likelihood and the mean-field
 * positive phase against those of the bound, classify (exact, sampled,
 * mean field) against enumeration, dbm_ais, and pretraining's top RBM. */
#include "test.h"

#include <math.h>
#include <stdint.h>

#include "dbm.h"
#include "rbm.h"
#include "estimator.h"
#include "log.h"

extern const ebm_model_ops ebm_model_dbm;
extern const ebm_model_ops ebm_model_boltzmann;
extern const ebm_estimator_ops ebm_estimator_classify;
extern const ebm_estimator_ops ebm_estimator_dbm_ais;
extern const ebm_estimator_ops ebm_estimator_dbm_features;

#define MAX_UNITS 20
#define MAX_STATES 4096

/* ------------------------------------------------------------ reference */

/* The parameters in double and every state of the one-hot support. */
typedef struct ref_dbm {
    int L;
    size_t size[6], offset[6], K, label_offset, units;
    double W[6][256], b[6][32], U[256], by[16];
    size_t n_states;               /* 2^(binary units) · K */
    double (*states)[MAX_UNITS];   /* every state, [v | y | h…] */
    double *energy;
} ref_dbm;

static double ref_energy(const ref_dbm *p, const double *x) {
    double e = 0;
    for (int l = 0; l <= p->L; l++) {
        const double *xl = x + p->offset[l];
        for (size_t i = 0; i < p->size[l]; i++) e -= p->b[l][i] * xl[i];
        if (l == 0) continue;
        const double *below = x + p->offset[l - 1];
        for (size_t i = 0; i < p->size[l - 1]; i++)
            for (size_t j = 0; j < p->size[l]; j++)
                e -= below[i] * p->W[l][i * p->size[l] + j] * xl[j];
    }
    const double *y = x + p->label_offset, *top = x + p->offset[p->L];
    for (size_t c = 0; c < p->K; c++) {
        e -= p->by[c] * y[c];
        for (size_t j = 0; j < p->size[p->L]; j++)
            e -= y[c] * p->U[c * p->size[p->L] + j] * top[j];
    }
    return e;
}

/* Fills p->states with every state (binary units from a code, y one-hot). */
static void ref_enumerate(ref_dbm *p) {
    size_t binary = p->units - p->K;
    p->n_states = ((size_t)1 << binary) * p->K;
    p->states = calloc(p->n_states, sizeof *p->states);
    p->energy = malloc(p->n_states * sizeof *p->energy);
    for (size_t s = 0; s < p->n_states; s++) {
        size_t code = s / p->K, c = s % p->K, bit = 0;
        double *x = p->states[s];
        for (size_t i = 0; i < p->units; i++) {
            if (i >= p->label_offset && i < p->label_offset + p->K)
                x[i] = i - p->label_offset == c;
            else
                x[i] = (double)((code >> bit++) & 1);
        }
        p->energy[s] = ref_energy(p, x);
    }
}

static void ref_free(ref_dbm *p) {
    free(p->states);
    free(p->energy);
}

static double log_sum_exp(const double *x, size_t n) {
    double top = -INFINITY, s = 0;
    for (size_t k = 0; k < n; k++) top = x[k] > top ? x[k] : top;
    for (size_t k = 0; k < n; k++) s += exp(x[k] - top);
    return top + log(s);
}

/* log Σ exp(−E) over the states that agree with x on the units where
 * match[i] (all of them when match is NULL). */
static double ref_log_sum(const ref_dbm *p, const double *x, const unsigned char *match) {
    double *terms = malloc(p->n_states * sizeof *terms);
    size_t n = 0;
    for (size_t s = 0; s < p->n_states; s++) {
        int ok = 1;
        for (size_t i = 0; match && i < p->units; i++)
            ok &= !match[i] || p->states[s][i] == x[i];
        if (ok) terms[n++] = -p->energy[s];
    }
    double out = log_sum_exp(terms, n);
    free(terms);
    return out;
}

static double ref_log_z(const ref_dbm *p) { return ref_log_sum(p, NULL, NULL); }

/* log Σ_h exp(−E(v, y, h)): the data units matched. */
static double ref_neg_free(const ref_dbm *p, const double *x) {
    unsigned char match[MAX_UNITS] = {0};
    memset(match, 1, p->size[0] + p->K);
    return ref_log_sum(p, x, match);
}

/* A dbm with labels made by its plugin (zero weights), then every parameter
 * ~ N(0, scale²) from seed, copied into ref with its support enumerated. */
static ebm_dbm *labelled_dbm(const size_t *size, int L, size_t K, double w_scale,
                             double b_scale, uint64_t seed, const char *extra,
                             ref_dbm *ref) {
    char yaml[256], list[64] = "";
    size_t used = 0;
    for (int l = 1; l <= L; l++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%zu", l > 1 ? ", " : "",
                                 size[l]);
    snprintf(yaml, sizeof yaml, "{layers: [%s], labels: %zu, init_scale: 0, "
             "bias_init: zero%s%s}", list, K, extra ? ", " : "", extra ? extra : "");
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
    if (!cfg) return NULL;
    ebm_dataset shape = {.n = 0, .dim = size[0] + K, .label_columns = K};
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    void *model = NULL;
    if (ebm_model_dbm.xCreate(cfg, &shape, &rng, &model, &err)) {
        fprintf(stderr, "xCreate: %s\n", err.msg);
        model = NULL;
    }
    ebm_node_free(cfg);
    ebm_dbm *m = model;
    if (!m) return NULL;
    memset(ref, 0, sizeof *ref);
    ref->L = L;
    ref->K = K;
    for (int l = 0; l <= L; l++) {
        ref->size[l] = size[l];
        ref->offset[l] = m->offset[l];
    }
    ref->label_offset = m->label_offset;
    ref->units = m->units;
    for (int l = 0; l <= L; l++) {
        for (size_t i = 0; i < size[l]; i++)
            ref->b[l][i] = m->bias[l][i] = (float)(b_scale * ebm_rng_normal(&rng));
        for (size_t k = 0; l > 0 && k < size[l - 1] * size[l]; k++)
            ref->W[l][k] = m->W[l][k] = (float)(w_scale * ebm_rng_normal(&rng));
    }
    for (size_t c = 0; c < K; c++) {
        ref->by[c] = m->label_bias[c] = (float)(b_scale * ebm_rng_normal(&rng));
        for (size_t j = 0; j < size[L]; j++)
            ref->U[c * size[L] + j] = m->U[c * size[L] + j] =
                (float)(w_scale * ebm_rng_normal(&rng));
    }
    ref_enumerate(ref);
    return m;
}

static void to_float(const double *x, size_t n, float *out) {
    for (size_t i = 0; i < n; i++) out[i] = (float)x[i];
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* ------------------------------------------------------------ the model */

TEST(layout_parameters_energy_and_flips) {
    const size_t size[] = {3, 2, 4};
    ref_dbm p;
    ebm_dbm *m = labelled_dbm(size, 2, 3, 1.0, 0.5, 1, NULL, &p);
    ASSERT(m != NULL);
    ASSERT_EQ(m->units, (size_t)(3 + 3 + 2 + 4));
    ASSERT_EQ(m->label_offset, (size_t)3);
    ASSERT_EQ(m->offset[1], (size_t)6);
    const unsigned char *mask = ebm_model_data_mask(&ebm_model_dbm, m);
    for (size_t i = 0; i < m->units; i++) ASSERT_EQ(mask[i], i < 6);
    ebm_tensor t[8];
    ASSERT_EQ(ebm_model_dbm.xParams(m, t, 8), 7);
    ASSERT(strcmp(t[5].name, "U") == 0 && t[5].shape[0] == 3 && t[5].shape[1] == 4);
    ASSERT(strcmp(t[6].name, "label_bias") == 0 && t[6].shape[0] == 3);
    ASSERT(t[5].data == m->U && t[6].data == m->label_bias);
    /* energy and every flip (labels read as bits) against the formula */
    ebm_rng rng;
    ebm_rng_seed(&rng, 2);
    for (int trial = 0; trial < 50; trial++) {
        double x[MAX_UNITS];
        float s[MAX_UNITS];
        for (size_t i = 0; i < m->units; i++) x[i] = ebm_rng_uniform(&rng) < 0.5;
        to_float(x, m->units, s);
        double e = ref_energy(&p, x);
        ASSERT_NEAR(ebm_model_dbm.xEnergy(m, s), e, 1e-9 * (1 + fabs(e)));
        for (size_t i = 0; i < m->units; i++) {
            x[i] = 1 - x[i];
            double flipped = ref_energy(&p, x);
            x[i] = 1 - x[i];
            ASSERT_NEAR(ebm_model_flip_energy(&ebm_model_dbm, m, s, i), flipped - e, 1e-5);
        }
    }
    /* encode/decode carry v and y */
    float row[6] = {1, 0, 1, 0, 0, 1}, state[MAX_UNITS], back[6];
    ebm_model_dbm.xEncode(m, row, state);
    ebm_model_dbm.xDecode(m, state, back);
    ASSERT(memcmp(row, back, sizeof row) == 0);
    for (size_t i = 6; i < m->units; i++) ASSERT_EQ(state[i], 0.0f);
    ref_free(&p);
    ebm_model_dbm.xDestroy(m);
}

TEST(bad_label_columns_are_refused) {
    ebm_error err = {0};
    const char *yaml = "{layers: [2], labels: 2}";
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
    float rows[2 * 4] = {1, 0, 1, 0, 1, 1, 1, 1};   /* row 1's labels are not one-hot */
    ebm_dataset d = {.n = 2, .dim = 4, .x = rows};
    void *m = NULL;
    ASSERT_EQ(ebm_model_dbm.xCreate(cfg, &d, NULL, &m, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "row 1 has no one-hot label");
    d.label_columns = 3;
    ASSERT_EQ(ebm_model_dbm.xCreate(cfg, &d, NULL, &m, &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "3 label columns");
    ebm_dataset narrow = {.n = 0, .dim = 2};
    ASSERT_EQ(ebm_model_dbm.xCreate(cfg, &narrow, NULL, &m, &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "append_labels");
    ebm_node_free(cfg);
}

/* p(x_L = 1 | rest) and p(y = e_c | rest) from the layer inputs against
 * ratios of enumerated sums, at random states. */
TEST(conditionals_match_enumeration) {
    const size_t size[] = {3, 2, 2};
    ref_dbm p;
    ebm_dbm *m = labelled_dbm(size, 2, 3, 1.5, 0.5, 3, NULL, &p);
    ASSERT(m != NULL);
    size_t top = m->offset[2], K = 3;
    for (size_t s = 0; s < p.n_states; s += 7) {
        float x[MAX_UNITS], in[8];
        to_float(p.states[s], m->units, x);
        unsigned char match[MAX_UNITS];
        memset(match, 1, m->units);
        /* the top layer given its neighbours (h1 below, y beside) */
        ebm_dbm_layer_input(m, 2, x, 1, in, 2);
        for (size_t j = 0; j < 2; j++) {
            double on[MAX_UNITS];
            memcpy(on, p.states[s], sizeof on);
            match[top + j] = 0;   /* sum over this unit only: both values */
            double all = ref_log_sum(&p, on, match);
            on[top + j] = 1;
            match[top + j] = 1;
            ASSERT_NEAR(sigmoid(in[j]), exp(ref_log_sum(&p, on, match) - all), 1e-5);
        }
        /* the labels: a softmax over the K one-hot states */
        ebm_dbm_label_input(m, x, 1, in, K);
        ebm_dbm_softmax(in, 1, K, K, 1.0f);
        for (size_t i = 0; i < K; i++) match[m->label_offset + i] = 0;
        double all = ref_log_sum(&p, p.states[s], match);
        for (size_t c = 0; c < K; c++) {
            double with[MAX_UNITS];
            memcpy(with, p.states[s], sizeof with);
            for (size_t i = 0; i < K; i++) with[m->label_offset + i] = i == c;
            for (size_t i = 0; i < K; i++) match[m->label_offset + i] = 1;
            double one = ref_log_sum(&p, with, match);
            for (size_t i = 0; i < K; i++) match[m->label_offset + i] = 0;
            ASSERT_NEAR(in[c], exp(one - all), 1e-5);
        }
    }
    ref_free(&p);
    ebm_model_dbm.xDestroy(m);
}

/* Block Gibbs (xBlockGibbs) from random states: every unit's marginal and
 * the joint of (label, top layer) match the exact ones (20 000 chains, sd
 * of a frequency ≤ 0.0036; tolerance 0.02), labels stay one-hot; clamped
 * labels stay as they are. For L = 1 (labels with v) and 2 (with h1). */
static void check_gibbs(const size_t *size, int L, uint64_t seed) {
    ref_dbm p;
    ebm_dbm *m = labelled_dbm(size, L, 3, 1.0, 0.5, seed, NULL, &p);
    ASSERT(m != NULL);
    size_t n = 20000, units = m->units, K = 3, top = m->offset[L], top_size = size[L];
    float *x = malloc(n * units * sizeof *x);
    ebm_rng rng;
    ebm_rng_seed(&rng, seed + 100);
    for (size_t k = 0; k < n * units; k++) x[k] = ebm_rng_uniform(&rng) < 0.5;
    ebm_error err = {0};
    ASSERT_OK(ebm_model_block_gibbs(&ebm_model_dbm, m, x, n, NULL, 20, 1.0, &rng, &err));
    double log_z = ref_log_z(&p), exact[MAX_UNITS] = {0}, joint_exact[64] = {0};
    for (size_t s = 0; s < p.n_states; s++) {
        double w = exp(-p.energy[s] - log_z);
        size_t cell = 0;
        for (size_t i = 0; i < units; i++) exact[i] += w * p.states[s][i];
        for (size_t c = 0; c < K; c++) cell += c * (p.states[s][m->label_offset + c] == 1);
        for (size_t j = 0; j < top_size; j++) cell = cell * 2 + (size_t)p.states[s][top + j];
        joint_exact[cell] += w;
    }
    double seen[MAX_UNITS] = {0}, joint[64] = {0};
    for (size_t r = 0; r < n; r++) {
        const float *s = x + r * units;
        double ones = 0;
        size_t cell = 0;
        for (size_t c = 0; c < K; c++) {
            ones += s[m->label_offset + c];
            cell += c * (s[m->label_offset + c] == 1.0f);
        }
        ASSERT_EQ(ones, 1.0);
        for (size_t j = 0; j < top_size; j++) cell = cell * 2 + (size_t)s[top + j];
        joint[cell] += 1.0 / (double)n;
        for (size_t i = 0; i < units; i++) seen[i] += s[i] / (double)n;
    }
    for (size_t i = 0; i < units; i++) ASSERT_NEAR(seen[i], exact[i], 0.02);
    for (size_t cell = 0; cell < (K << top_size); cell++)
        ASSERT_NEAR(joint[cell], joint_exact[cell], 0.02);
    /* clamped labels (the data mask) stay */
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < K; c++) x[r * units + m->label_offset + c] = c == r % K;
    ASSERT_OK(ebm_model_block_gibbs(&ebm_model_dbm, m, x, n, ebm_model_data_mask(&ebm_model_dbm, m), 2, 1.0, &rng,
                                        &err));
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < K; c++)
            ASSERT_EQ(x[r * units + m->label_offset + c], (float)(c == r % K));
    free(x);
    ref_free(&p);
    ebm_model_dbm.xDestroy(m);
}

TEST(block_gibbs_matches_enumeration) {
    const size_t one[] = {3, 3}, two[] = {2, 3, 2};
    check_gibbs(one, 1, 11);
    check_gibbs(two, 2, 12);
}

/* ------------------------------------------------------------ exact sums */

/* log Z and F(v, y) for shapes whose labels are enumerated or summed out,
 * on either side, and with both free-energy parities. */
TEST(exact_log_z_and_free_energy_match_brute_force) {
    static const struct { size_t size[4]; int L; size_t K; } shapes[] = {
        {{3, 2}, 1, 3},          /* odd enumerated, labels (even) summed */
        {{1, 4}, 1, 2},          /* even enumerated with the labels */
        {{3, 2, 2}, 2, 3},       /* odd enumerated with the labels */
        {{2, 3, 1}, 2, 4},       /* even enumerated, labels (odd) summed */
        {{2, 2, 2, 2}, 3, 3},    /* three hidden layers, labels with h2 */
        {{2, 1, 3, 2}, 3, 2}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        ref_dbm p;
        ebm_dbm *m = labelled_dbm(shapes[k].size, shapes[k].L, shapes[k].K, 1.0, 0.5,
                                  20 + k, NULL, &p);
        ASSERT(m != NULL);
        ebm_error err = {0};
        double log_z, want = ref_log_z(&p);
        ASSERT_OK(ebm_dbm_log_z(m, 20, &log_z, &err));
        ASSERT_NEAR(log_z, want, 1e-9 * (1 + fabs(want)));
        for (size_t s = 0; s < p.n_states; s += 5) {
            float x[MAX_UNITS];
            to_float(p.states[s], m->units, x);
            double f, want_f = -ref_neg_free(&p, p.states[s]);
            ASSERT_OK(ebm_dbm_free_energy(m, x, 1, 20, &f, &err));
            ASSERT_NEAR(f, want_f, 1e-9 * (1 + fabs(want_f)));
        }
        /* the limit counts K label states as ceil(log2 K) bits */
        ASSERT_EQ(ebm_dbm_log_z(m, 1, &log_z, &err), EBM_ELIMIT);
        ASSERT_STR_CONTAINS(err.msg, "with labels");
        ref_free(&p);
        ebm_model_dbm.xDestroy(m);
    }
}

/* ------------------------------------------------------------ gradients */

/* log p(v, y) = −F(v, y) − log Z exactly, mean over rows. */
static double exact_loglik(ebm_dbm *m, const float *rows, size_t n) {
    ebm_error err = {0};
    double log_z, total = 0, f;
    ebm_dbm_log_z(m, 20, &log_z, &err);
    for (size_t r = 0; r < n; r++) {
        ebm_dbm_free_energy(m, rows + r * m->units, 1, 20, &f, &err);
        total += -f - log_z;
    }
    return total / (double)n;
}

static double mean_bound(ebm_dbm *m, const float *rows, size_t n) {
    double out = 0;
    ebm_error err = {0};
    ebm_dbm_mean_bound(m, rows, n, &out, &err);
    return out;
}

/* The exact gradient of log p(v, y), E_model[∂E/∂θ] − E_{h|v,y}[∂E/∂θ] by
 * ebm_dbm_energy_grad over the enumerated states, against central
 * differences of the exact log-likelihood for every parameter (U and b_y
 * included); then the mean-field positive phase (xPositiveGrad) against
 * differences of the mean bound. */
TEST(gradients_match_finite_differences) {
    const size_t size[] = {3, 2, 3};
    ref_dbm p;
    ebm_dbm *m = labelled_dbm(size, 2, 3, 1.0, 0.5, 31, "mean_field: {tolerance: 1.0e-9, "
                              "max_iterations: 2000}", &p);
    ASSERT(m != NULL);
    size_t units = m->units, n_rows = 3;
    float rows[3 * MAX_UNITS] = {0};
    const float data[3][6] = {{1, 0, 1, 1, 0, 0}, {0, 1, 1, 0, 0, 1}, {1, 1, 0, 0, 1, 0}};
    for (size_t r = 0; r < n_rows; r++) memcpy(rows + r * units, data[r], sizeof data[r]);
    ebm_tensor params[8], grads[8];
    int n_params = ebm_model_dbm.xParams(m, params, 8);
    ASSERT_EQ(n_params, 7);
    for (int t = 0; t < n_params; t++) {
        grads[t] = params[t];
        grads[t].data = calloc(ebm_tensor_size(&params[t]), sizeof(float));
    }
    /* + E_{h | v, y}[∂E/∂θ] for each row, − E_model[∂E/∂θ] */
    double log_z = ref_log_z(&p);
    for (size_t s = 0; s < p.n_states; s++) {
        float x[MAX_UNITS];
        to_float(p.states[s], units, x);
        ebm_dbm_energy_grad(m, x, 1, -exp(-p.energy[s] - log_z), grads);
        for (size_t r = 0; r < n_rows; r++) {
            int same = 1;
            for (size_t i = 0; i < 6; i++) same &= rows[r * units + i] == x[i];
            if (!same) continue;
            double neg_f = ref_neg_free(&p, p.states[s]);
            ebm_dbm_energy_grad(m, x, 1, exp(-p.energy[s] - neg_f) / (double)n_rows, grads);
        }
    }
    const double eps = 1e-3;
    for (int t = 0; t < n_params; t++)
        for (size_t k = 0; k < ebm_tensor_size(&params[t]); k++) {
            float keep = params[t].data[k];
            params[t].data[k] = keep + (float)eps;
            double up = exact_loglik(m, rows, n_rows);
            params[t].data[k] = keep - (float)eps;
            double down = exact_loglik(m, rows, n_rows);
            params[t].data[k] = keep;
            /* grads hold ∂(−log p)/∂θ */
            ASSERT_NEAR(-grads[t].data[k], (up - down) / (2 * eps), 2e-4);
        }
    /* the mean-field data term is the gradient of the bound (a fixed point
     * of the mean field: the bound is stationary in μ) */
    for (int t = 0; t < n_params; t++)
        memset(grads[t].data, 0, ebm_tensor_size(&params[t]) * sizeof(float));
    ebm_error err = {0};
    ASSERT_OK(ebm_model_positive_grad(&ebm_model_dbm, m, rows, n_rows, 1.0, grads, &err));
    for (int t = 0; t < n_params; t++)
        for (size_t k = 0; k < ebm_tensor_size(&params[t]); k++) {
            float keep = params[t].data[k];
            params[t].data[k] = keep + (float)eps;
            double up = mean_bound(m, rows, n_rows);
            params[t].data[k] = keep - (float)eps;
            double down = mean_bound(m, rows, n_rows);
            params[t].data[k] = keep;
            ASSERT_NEAR(-grads[t].data[k], (up - down) / (2 * eps), 2e-4);
        }
    for (int t = 0; t < n_params; t++) free(grads[t].data);
    ref_free(&p);
    ebm_model_dbm.xDestroy(m);
}

/* ------------------------------------------------------------ estimators */

static double metric(const ebm_log *log, const char *name) {
    double v = NAN;
    return ebm_log_last(log, name, &v) ? v : NAN;
}

static int evaluate(const ebm_estimator_ops *est, const char *yaml, const ebm_model_ops *ops,
                    void *m, const ebm_dataset *data, ebm_log *log, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "est.yaml", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, 9);
    ebm_log_begin(log, 1, est->info.name, est->info.name, "train");
    ebm_eval ev = {.ops = ops, .model = m, .data = data, .train = data, .cfg = cfg,
                   .rng = &rng, .log = log, .step = 1};
    int rc = est->xEvaluate(&ev, err);
    ebm_node_free(cfg);
    return rc;
}

/* Rows [v | one-hot y] of every v (2^n_visible), each with label c(v). */
static ebm_dataset all_rows(size_t n_visible, size_t K) {
    size_t n = (size_t)1 << n_visible, dim = n_visible + K;
    ebm_dataset d = {.n = n, .dim = dim, .label_columns = K};
    d.x = calloc(n * dim, sizeof *d.x);
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < n_visible; i++) d.x[r * dim + i] = (float)((r >> i) & 1);
        d.x[r * dim + n_visible + (r * 7 + 1) % K] = 1;
    }
    return d;
}

/* Mean log P(true c | v) and the accuracy of argmax, by enumeration. */
static void ref_classify(const ref_dbm *p, const ebm_dataset *d, double *loglik,
                         double *accuracy) {
    *loglik = *accuracy = 0;
    for (size_t r = 0; r < d->n; r++) {
        double x[MAX_UNITS] = {0}, score[16] = {0};
        size_t truth = 0, best = 0;
        for (size_t i = 0; i < p->size[0]; i++) x[i] = d->x[r * d->dim + i];
        for (size_t c = 0; c < p->K; c++) {
            if (d->x[r * d->dim + p->size[0] + c] == 1) truth = c;
            for (size_t i = 0; i < p->K; i++) x[p->label_offset + i] = i == c;
            score[c] = ref_neg_free(p, x);
            if (score[c] > score[best]) best = c;
        }
        *loglik += (score[truth] - log_sum_exp(score, p->K)) / (double)d->n;
        *accuracy += (best == truth) / (double)d->n;
    }
}

TEST(classify_matches_enumeration) {
    const size_t size[] = {3, 2, 3};
    ref_dbm p;
    ebm_dbm *m = labelled_dbm(size, 2, 3, 1.5, 0.5, 41, NULL, &p);
    ASSERT(m != NULL);
    ebm_dataset d = all_rows(3, 3);
    double want_loglik, want_accuracy;
    ref_classify(&p, &d, &want_loglik, &want_accuracy);
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err = {0};
    /* exact (the DBM's free energy) */
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3}", &ebm_model_dbm, m, &d, log,
                       &err));
    ASSERT_NEAR(metric(log, "classify_loglik"), want_loglik, 1e-9);
    ASSERT_NEAR(metric(log, "classify_accuracy"), want_accuracy, 1e-12);
    /* sampled: Gibbs over h with the label block drawn exactly */
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3, method: sampled, sweeps: 3000}",
                       &ebm_model_dbm, m, &d, log, &err));
    ASSERT_NEAR(metric(log, "classify_loglik"), want_loglik, 0.03);
    /* mean field: every score a lower bound on its exact log-sum, and close */
    double scores[8 * 3];
    ASSERT_OK(ebm_dbm_mean_field_scores(m, d.x, d.n, d.dim, scores, &err));
    for (size_t r = 0; r < d.n; r++)
        for (size_t c = 0; c < 3; c++) {
            double x[MAX_UNITS] = {0};
            for (size_t i = 0; i < 3; i++) x[i] = d.x[r * d.dim + i];
            x[3 + c] = 1;
            double exact = ref_neg_free(&p, x);
            ASSERT(scores[r * 3 + c] <= exact + 1e-6);
            ASSERT(scores[r * 3 + c] > exact - 0.5);
        }
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3, method: mean_field}",
                       &ebm_model_dbm, m, &d, log, &err));
    ASSERT_NEAR(metric(log, "classify_loglik"), want_loglik, 0.1);
    /* auto: 5 hidden units within max_units 4? no: mean field */
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3, method: auto, max_units: 4}",
                       &ebm_model_dbm, m, &d, log, &err));
    double mean_field = metric(log, "classify_loglik");
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3, method: mean_field}",
                       &ebm_model_dbm, m, &d, log, &err));
    ASSERT_NEAR(mean_field, metric(log, "classify_loglik"), 0);
    /* refusals: a label count that is not the model's, mean field elsewhere */
    ASSERT_EQ(evaluate(&ebm_estimator_classify, "{labels: 2}", &ebm_model_dbm, m, &d, log,
                       &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "3 label units");
    ebm_log_free(log);
    ebm_dataset_free(&d);
    ref_free(&p);
    ebm_model_dbm.xDestroy(m);
    /* one hidden layer: the posterior factorises, mean field is exact */
    const size_t one[] = {3, 4};
    m = labelled_dbm(one, 1, 3, 1.5, 0.5, 42, "mean_field: {tolerance: 1.0e-8}", &p);
    ASSERT(m != NULL);
    d = all_rows(3, 3);
    ref_classify(&p, &d, &want_loglik, &want_accuracy);
    log = ebm_log_new(NULL);
    ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 3, method: mean_field}",
                       &ebm_model_dbm, m, &d, log, &err));
    ASSERT_NEAR(metric(log, "classify_loglik"), want_loglik, 1e-5);
    ASSERT_NEAR(metric(log, "classify_accuracy"), want_accuracy, 1e-12);
    ebm_log_free(log);
    ebm_dataset_free(&d);
    ref_free(&p);
    ebm_model_dbm.xDestroy(m);
}

/* dbm_ais with labels: the ±3σ interval holds the exact log Z (labels with
 * v, with h1, with h2), and the bound on log p(v, y) lies below the exact. */
TEST(ais_with_labels_matches_exact_log_z) {
    static const struct { size_t size[4]; int L; } shapes[] = {
        {{4, 5}, 1}, {{4, 4, 3}, 2}, {{3, 3, 2, 3}, 3}};
    for (size_t k = 0; k < 3; k++) {
        ref_dbm p;
        ebm_dbm *m = labelled_dbm(shapes[k].size, shapes[k].L, 3, 1.0, 0.5, 50 + k, NULL, &p);
        ASSERT(m != NULL);
        ebm_dataset d = all_rows(shapes[k].size[0], 3);
        ebm_log *log = ebm_log_new(NULL);
        ebm_error err = {0};
        ASSERT_OK(evaluate(&ebm_estimator_dbm_ais, "{runs: 200, exact_max_units: 20}",
                           &ebm_model_dbm, m, &d, log, &err));
        double log_z = ref_log_z(&p), lo = metric(log, "dbm_ais_log_z_lo"),
               hi = metric(log, "dbm_ais_log_z_hi");
        fprintf(stderr, "L=%d: log Z %.4f, AIS %.4f [%.4f, %.4f]\n", shapes[k].L, log_z,
                metric(log, "dbm_ais_log_z"), lo, hi);
        ASSERT(lo <= log_z && log_z <= hi);
        ASSERT_NEAR(metric(log, "dbm_ais_log_z"), log_z, 0.1);
        ASSERT_NEAR(metric(log, "dbm_ais_log_z_exact"), log_z, 1e-9 * fabs(log_z));
        double want = 0;
        for (size_t r = 0; r < d.n; r++) {
            double x[MAX_UNITS] = {0};
            for (size_t i = 0; i < d.dim; i++) x[i] = d.x[r * d.dim + i];
            want += (ref_neg_free(&p, x) - log_z) / (double)d.n;
        }
        ASSERT_NEAR(metric(log, "dbm_ais_loglik_exact"), want, 1e-9 * fabs(want));
        ASSERT(metric(log, "dbm_ais_gap") >= -0.1);
        /* features from v alone: free labels, means in (0, 1) */
        ASSERT_OK(evaluate(&ebm_estimator_dbm_features, "{rows: 0}", &ebm_model_dbm, m, &d,
                           log, &err));
        double mean = metric(log, "dbm_features_mean");
        ASSERT(mean > 0 && mean < 1);
        ebm_log_free(log);
        ebm_dataset_free(&d);
        ref_free(&p);
        ebm_model_dbm.xDestroy(m);
    }
}

/* ------------------------------------------------------------ pretraining */

/* The top RBM of [x_{L−1} | y] split into W_L, U and b_y: for one hidden
 * layer the DBM's energy is the RBM's, E = −bᵀ[v|y] − cᵀh − [v|y]ᵀWh, at
 * every state (one-hot y or not). */
TEST(top_rbm_split_keeps_the_energy) {
    const size_t size[] = {3, 4};
    ref_dbm p;
    ebm_dbm *m = labelled_dbm(size, 1, 2, 1.0, 0.5, 61, NULL, &p);
    ASSERT(m != NULL);
    ebm_rbm rbm;
    ebm_error err = {0};
    ASSERT_OK(ebm_rbm_init(&rbm, 5, 4, 0, &err));
    ebm_rng rng;
    ebm_rng_seed(&rng, 62);
    for (size_t k = 0; k < 20; k++) rbm.W[k] = (float)ebm_rng_normal(&rng);
    for (size_t i = 0; i < 5; i++) rbm.b[i] = (float)ebm_rng_normal(&rng);
    for (size_t j = 0; j < 4; j++) rbm.c[j] = (float)ebm_rng_normal(&rng);
    ebm_dbm_zero_biases(m);
    ASSERT_OK(ebm_dbm_set_layer(m, 1, &rbm, 1.0, 1.0, 1.0, &err));
    for (uint64_t code = 0; code < 512; code++) {
        float s[MAX_UNITS];
        for (size_t i = 0; i < 9; i++) s[i] = (float)((code >> i) & 1);
        double e = 0;
        for (size_t i = 0; i < 5; i++) {
            e -= rbm.b[i] * s[i];
            for (size_t j = 0; j < 4; j++) e -= s[i] * rbm.W[i * 4 + j] * s[5 + j];
        }
        for (size_t j = 0; j < 4; j++) e -= rbm.c[j] * s[5 + j];
        ASSERT_NEAR(ebm_dbm_energy(m, s), e, 1e-5);
    }
    /* an RBM of the wrong width is refused, naming the labels */
    ebm_rbm narrow;
    ASSERT_OK(ebm_rbm_init(&narrow, 3, 4, 0, &err));
    ASSERT_EQ(ebm_dbm_set_layer(m, 1, &narrow, 1.0, 1.0, 1.0, &err), EBM_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "with labels");
    ebm_rbm_free(&narrow);
    ebm_rbm_free(&rbm);
    ref_free(&p);
    ebm_model_dbm.xDestroy(m);
}

/* Greedy pretraining on 3x3 bars (label 0) and stripes (label 1), the blank
 * and full images left out (they are both): the top RBM learns the labels
 * with its layer below, so U is set, and the pretrained DBM already tells
 * bars from stripes (exact classify; obtained 1, 1 and 0.67 for one, two
 * and three hidden layers). */
TEST(pretraining_with_labels_learns_the_labels) {
    ebm_dataset d = {.n = 12, .dim = 11, .label_columns = 2};
    d.x = calloc(12 * 11, sizeof *d.x);
    for (int kind = 0, r = 0; kind < 2; kind++)
        for (unsigned mask = 1; mask < 7; mask++, r++) {
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    d.x[r * 11 + i * 3 + j] = (float)((mask >> (kind ? i : j)) & 1);
            d.x[r * 11 + 9 + kind] = 1;
        }
    static const char *layers[] = {"[8]", "[8, 6]", "[6, 6, 6]"};
    for (int k = 0; k < 3; k++) {
        char yaml[256];
        snprintf(yaml, sizeof yaml, "{layers: %s, labels: 2, pretrain: {epochs: 300, "
                 "batch: 12, sampler: {type: cd, k: 1}, optim: {lr: 0.1, momentum: [0.5, 0.9]}}}",
                 layers[k]);
        ebm_error err = {0};
        ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
        ebm_rng rng;
        ebm_rng_seed(&rng, 70 + (uint64_t)k);
        void *model = NULL;
        ASSERT_OK(ebm_model_dbm.xCreate(cfg, &d, &rng, &model, &err));
        ebm_node_free(cfg);
        ebm_dbm *m = model;
        int rc = ebm_model_dbm.xFit(m, &d, &rng, NULL, &err);
        if (rc) fprintf(stderr, "xFit: %s\n", err.msg);
        ASSERT_OK(rc);
        double norm = 0;
        for (size_t i = 0; i < 2 * m->size[m->n_hidden_layers]; i++) norm += fabs(m->U[i]);
        ASSERT(norm > 0.5);
        ebm_log *log = ebm_log_new(NULL);
        ASSERT_OK(evaluate(&ebm_estimator_classify, "{labels: 2}", &ebm_model_dbm, m, &d,
                           log, &err));
        fprintf(stderr, "layers %s: pretrained accuracy %.3f, loglik %.3f\n", layers[k],
                metric(log, "classify_accuracy"), metric(log, "classify_loglik"));
        /* three layers pass the labels through two doubled-input RBMs:
         * weaker before joint training, still above chance */
        ASSERT(metric(log, "classify_accuracy") >= (k < 2 ? 0.99 : 0.6));
        ebm_log_free(log);
        ebm_model_dbm.xDestroy(m);
    }
    ebm_dataset_free(&d);
}

int main(void) {
    RUN(layout_parameters_energy_and_flips);
    RUN(bad_label_columns_are_refused);
    RUN(conditionals_match_enumeration);
    RUN(block_gibbs_matches_enumeration);
    RUN(exact_log_z_and_free_energy_match_brute_force);
    RUN(gradients_match_finite_differences);
    RUN(classify_matches_enumeration);
    RUN(ais_with_labels_matches_exact_log_z);
    RUN(top_rbm_split_keeps_the_energy);
    RUN(pretraining_with_labels_learns_the_labels);
    TEST_MAIN_END();
}
