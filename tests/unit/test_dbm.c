/* test_dbm.c — the dbm model against exact answers computed here in double
 * straight from docs/math.md (energy by the formula, sums by visiting every
 * state): energy and flips, block conditionals and the gibbs sampler's
 * histogram against enumeration (with a kernel at the wrong β that the same
 * checks reject), exact log Z, the energy gradient against finite
 * differences, mean-field inference (fixed point, monotone bound, bound
 * below log p(v), exact for one hidden layer), and the trainer's positive
 * phase equal to the mean-field statistics.
 *
 * Histogram checks (as in test_rbm.c): the total-variation distance of an
 * n-sample histogram from the exact p must stay below 4 times its expected
 * value for independent draws, Σ_k sqrt(2 p_k (1 − p_k) / (π n)) / 2; the
 * TV concentrates around its mean (McDiarmid: P(TV > E + t) ≤ exp(−2 n t²),
 * below 1e-9 for t = 3E at these sizes). Conditionals: 10 000 draws per
 * condition, bound 0.02–0.05 per condition. Gibbs: 100 000 joint states of a
 * 3-2-2 DBM (128 states), bound about 0.08, chains 3 block steps apart (the
 * residual correlation inflates the TV by well under 2). */
#include "test.h"

#include <stdint.h>

#include "dbm.h"
#include "enumerate.h"
#include "gemm.h"
#include "sampler_testutil.h"
#include "train.h"

extern const ebm_model_ops ebm_model_dbm;

#define BOUND_FACTOR 4.0
#define MAX_LAYERS 5   /* v and up to 4 hidden layers here */
#define MAX_UNITS 16

/* ------------------------------------------------------------ reference */

/* The parameters as doubles, in the model's layout (W[l] is size[l−1] ×
 * size[l], l ≥ 1). */
typedef struct ref_dbm {
    int L;
    size_t size[MAX_LAYERS], offset[MAX_LAYERS], units;
    double W[MAX_LAYERS][1024], b[MAX_LAYERS][64];   /* room for the big shapes too */
} ref_dbm;

static ebm_node *parse(const char *yaml) {
    ebm_error err = {0};
    return ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
}

/* A dbm made by its plugin with layers sizes[1..L] (sizes[0] visible), then
 * every W ~ N(0, w_scale²) and bias ~ N(0, bias_scale²) from seed; its
 * double copy in ref. `extra` is more YAML for the model section. */
static void *dbm_new(const size_t *sizes, int L, double w_scale, double bias_scale,
                     uint64_t seed, const char *extra, ref_dbm *ref) {
    char yaml[256], list[64] = "";
    size_t used = 0;
    for (int l = 1; l <= L; l++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%zu", l > 1 ? ", " : "",
                                 sizes[l]);
    snprintf(yaml, sizeof yaml, "{layers: [%s], init_scale: 0, bias_init: zero%s%s}", list,
             extra ? ", " : "", extra ? extra : "");
    ebm_node *cfg = parse(yaml);
    if (!cfg) return NULL;
    ebm_dataset shape = {.n = 0, .dim = sizes[0]};
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    ebm_error err = {0};
    void *m = NULL;
    if (ebm_model_dbm.xCreate(cfg, &shape, &rng, &m, &err)) {
        fprintf(stderr, "xCreate: %s\n", err.msg);
        m = NULL;
    }
    ebm_node_free(cfg);
    if (!m) return NULL;
    ebm_tensor t[2 * MAX_LAYERS];
    int n_tensors = ebm_model_dbm.xParams(m, t, 2 * MAX_LAYERS);
    if (n_tensors != 2 * L + 1) return NULL;
    memset(ref, 0, sizeof *ref);
    ref->L = L;
    for (int l = 0; l <= L; l++) {
        ref->size[l] = sizes[l];
        ref->offset[l] = ref->units;
        ref->units += sizes[l];
    }
    for (int l = 1; l <= L; l++)
        for (size_t k = 0; k < sizes[l - 1] * sizes[l]; k++)
            ref->W[l][k] = t[l - 1].data[k] = (float)(w_scale * ebm_rng_normal(&rng));
    for (int l = 0; l <= L; l++)
        for (size_t i = 0; i < sizes[l]; i++)
            ref->b[l][i] = t[L + l].data[i] = (float)(bias_scale * ebm_rng_normal(&rng));
    return m;
}

/* E = −Σ_l b_lᵀx_l − Σ_l x_{l−1}ᵀ W_l x_l (docs/math.md), x as doubles. */
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
    return e;
}

static double ref_energy_f(const ref_dbm *p, const float *x) {
    double d[MAX_UNITS];
    for (size_t i = 0; i < p->units; i++) d[i] = x[i];
    return ref_energy(p, d);
}

static double log_sum_exp(const double *x, size_t n) {
    double top = -INFINITY, s = 0;
    for (size_t k = 0; k < n; k++) top = x[k] > top ? x[k] : top;
    for (size_t k = 0; k < n; k++) s += exp(x[k] - top);
    return top + log(s);
}

/* log Σ exp(−E) over every unit from `first` on, the units before it as in x. */
static double ref_log_sum_from(const ref_dbm *p, const double *x, size_t first) {
    size_t n_free = p->units - first, K = (size_t)1 << n_free;
    double *terms = malloc(K * sizeof *terms), s[MAX_UNITS];
    memcpy(s, x, p->units * sizeof *s);
    for (size_t k = 0; k < K; k++) {
        for (size_t j = 0; j < n_free; j++) s[first + j] = (double)((k >> j) & 1);
        terms[k] = -ref_energy(p, s);
    }
    double out = log_sum_exp(terms, K);
    free(terms);
    return out;
}

static double ref_log_z(const ref_dbm *p) {
    double x[MAX_UNITS] = {0};
    return ref_log_sum_from(p, x, 0);
}

/* Input of layer l at the (mean) state x, in double. */
static double ref_input(const ref_dbm *p, const double *x, int l, size_t j) {
    double in = p->b[l][j];
    if (l > 0)
        for (size_t k = 0; k < p->size[l - 1]; k++)
            in += x[p->offset[l - 1] + k] * p->W[l][k * p->size[l] + j];
    if (l < p->L)
        for (size_t k = 0; k < p->size[l + 1]; k++)
            in += p->W[l + 1][j * p->size[l + 1] + k] * x[p->offset[l + 1] + k];
    return in;
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* Mean-field means for visible v, in double, started as dbm.h says (one
 * bottom-up pass, weights doubled below the top) and iterated odd layers
 * then even ones until nothing moves by 1e-13. */
static void ref_mean_field(const ref_dbm *p, const float *v, double *x) {
    memset(x, 0, p->units * sizeof *x);
    for (size_t i = 0; i < p->size[0]; i++) x[i] = v[i];
    for (int l = 1; l <= p->L; l++)
        for (size_t j = 0; j < p->size[l]; j++) {
            double in = p->b[l][j];
            for (size_t k = 0; k < p->size[l - 1]; k++)
                in += (l < p->L ? 2 : 1) * x[p->offset[l - 1] + k] * p->W[l][k * p->size[l] + j];
            x[p->offset[l] + j] = sigmoid(in);
        }
    for (int it = 0; it < 100000; it++) {
        double change = 0;
        for (int parity = 1; parity >= 0; parity--)
            for (int l = parity ? 1 : 2; l <= p->L; l += 2)
                for (size_t j = 0; j < p->size[l]; j++) {
                    double next = sigmoid(ref_input(p, x, l, j));
                    change = fmax(change, fabs(next - x[p->offset[l] + j]));
                    x[p->offset[l] + j] = next;
                }
        if (change < 1e-13) break;
    }
}

static void random_binary(float *x, size_t n, uint64_t seed) {
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    for (size_t k = 0; k < n; k++) x[k] = (float)ebm_rng_bernoulli(&rng, 0.5);
}

/* Gradient tensors shaped like the model's, zeroed; free with grads_free. */
static int grads_new(void *m, ebm_tensor *g) {
    int n = ebm_model_dbm.xParams(m, g, 2 * MAX_LAYERS);
    for (int k = 0; k < n; k++) g[k].data = calloc(ebm_tensor_size(&g[k]), sizeof(float));
    return n;
}

static void grads_free(ebm_tensor *g, int n) {
    for (int k = 0; k < n; k++) free(g[k].data);
}

/* Pointer to the k-th parameter of ref and the k-th gradient entry, in the
 * model's xParams order (W1 … WL, b, c1 … cL). */
static double *ref_param_at(ref_dbm *p, const ebm_tensor *g, int n_tensors, size_t k,
                            float **grad) {
    for (int t = 0; t < n_tensors; t++) {
        size_t len = ebm_tensor_size(&g[t]);
        if (k < len) {
            *grad = &g[t].data[k];
            return t < p->L ? &p->W[t + 1][k] : &p->b[t - p->L][k];
        }
        k -= len;
    }
    return NULL;
}

static size_t n_params(const ebm_tensor *g, int n) {
    size_t total = 0;
    for (int k = 0; k < n; k++) total += ebm_tensor_size(&g[k]);
    return total;
}

/* --------------------------------------------------------------- energy */

/* xEnergy against the formula, xFlipEnergy and xFlipEnergies against the
 * energy change, for a 3-hidden-layer DBM (every layer with two neighbours
 * but the ends); the tensors named as docs/math.md names them. */
TEST(energy_and_flips_match_the_formula) {
    static const size_t sizes[] = {3, 4, 2, 3};
    ref_dbm p;
    void *m = dbm_new(sizes, 3, 1.0, 0.5, 7, NULL, &p);
    ASSERT(m);
    ASSERT_EQ(ebm_model_dbm.xUnits(m), 12);
    ebm_tensor t[8];
    ASSERT_EQ(ebm_model_dbm.xParams(m, t, 8), 7);
    static const char *const names[] = {"W1", "W2", "W3", "b", "c1", "c2", "c3"};
    for (int k = 0; k < 7; k++) ASSERT(strcmp(t[k].name, names[k]) == 0);
    ASSERT(t[1].rank == 2 && t[1].shape[0] == 4 && t[1].shape[1] == 2);
    const unsigned char *mask = ebm_model_data_mask(&ebm_model_dbm, m);
    for (size_t i = 0; i < 12; i++) ASSERT_EQ(mask[i], i < 3);
    float x[12];
    double delta[12];
    double spread = 0, first = 0;
    for (int trial = 0; trial < 50; trial++) {
        random_binary(x, 12, 100 + (uint64_t)trial);
        double e = ref_energy_f(&p, x);
        if (trial == 0) first = e;
        spread = fmax(spread, fabs(e - first));
        ASSERT_NEAR(ebm_model_dbm.xEnergy(m, x), e, 1e-9 * (1 + fabs(e)));
        ebm_model_flip_energies(&ebm_model_dbm, m, x, delta);
        for (size_t i = 0; i < 12; i++) {
            double before = ebm_model_dbm.xEnergy(m, x);
            double d = ebm_model_flip_energy(&ebm_model_dbm, m, x, i);
            ebm_model_flip_unit(&ebm_model_dbm, m, x, i);
            double after = ref_energy_f(&p, x);
            ebm_model_flip_unit(&ebm_model_dbm, m, x, i);
            ASSERT_NEAR(d, after - before, 1e-9 * (1 + fabs(after)));
            ASSERT_NEAR(delta[i], d, 1e-12);
        }
    }
    ASSERT(spread > 1.0);
    ebm_model_dbm.xDestroy(m);
}

/* ---------------------------------------------------------- conditionals */

enum { C_PER = 10000 };

/* One xBlockGibbs step with every layer but l clamped, C_PER rows for each
 * configuration of the clamped units, at beta_sample; returns the largest TV
 * / bound over the conditions against p(x_l | rest) ∝ exp(−beta_truth E)
 * from the reference energy, or -1 when clamped units moved or the call
 * failed. */
static double conditional_ratio(void *m, const ref_dbm *p, int l, double beta_sample,
                                double beta_truth) {
    size_t units = p->units, width = p->size[l], K = (size_t)1 << width;
    size_t n_clamped = units - width, n_cond = (size_t)1 << n_clamped, n = n_cond * C_PER;
    unsigned char clamped[MAX_UNITS];
    size_t clamped_units[MAX_UNITS], c = 0;
    for (size_t i = 0; i < units; i++) {
        clamped[i] = i < p->offset[l] || i >= p->offset[l] + width;
        if (clamped[i]) clamped_units[c++] = i;
    }
    float *x = calloc(n * units, sizeof *x);
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < n_clamped; j++)
            x[r * units + clamped_units[j]] = (float)(((r % n_cond) >> j) & 1);
    ebm_rng rng;
    ebm_rng_seed(&rng, 500 + (uint64_t)l);
    ebm_error err = {0};
    double *count = calloc(n_cond * K, sizeof *count), worst = -1;
    if (ebm_model_block_gibbs(&ebm_model_dbm, m, x, n, clamped, 1, beta_sample, &rng, &err)) {
        fprintf(stderr, "xBlockGibbs: %s\n", err.msg);
        goto done;
    }
    for (size_t r = 0; r < n; r++) {
        const float *s = x + r * units;
        for (size_t j = 0; j < n_clamped; j++)
            if (s[clamped_units[j]] != (float)(((r % n_cond) >> j) & 1)) goto done;
        size_t idx = 0;
        for (size_t i = 0; i < width; i++) {
            float v = s[p->offset[l] + i];
            if (v != 0.0f && v != 1.0f) goto done;
            if (v == 1.0f) idx |= (size_t)1 << i;
        }
        count[(r % n_cond) * K + idx] += 1.0 / C_PER;
    }
    worst = 0;
    for (size_t k = 0; k < n_cond; k++) {
        double s[MAX_UNITS] = {0}, pk[1 << 4];
        for (size_t j = 0; j < n_clamped; j++) s[clamped_units[j]] = (double)((k >> j) & 1);
        for (size_t f = 0; f < K; f++) {
            for (size_t i = 0; i < width; i++) s[p->offset[l] + i] = (double)((f >> i) & 1);
            pk[f] = -beta_truth * ref_energy(p, s);
        }
        double log_norm = log_sum_exp(pk, K);
        for (size_t f = 0; f < K; f++) pk[f] = exp(pk[f] - log_norm);
        double ratio = st_tv(count + k * K, pk, K) / (BOUND_FACTOR * st_expected_tv(pk, K, C_PER));
        worst = fmax(worst, ratio);
    }
done:
    if (worst < 0) fprintf(stderr, "layer %d: a clamped unit moved or a unit left {0,1}\n", l);
    free(count);
    free(x);
    return worst;
}

/* Every layer given its neighbours, at β = 1 and 0.5, for 3-2-2 and
 * 2-2-2-2 DBMs; samples drawn at β = 1 fail against β = 0.5. */
TEST(block_conditionals_match_enumeration) {
    static const size_t shapes[2][5] = {{3, 2, 2}, {2, 2, 2, 2}};
    static const int depth[2] = {2, 3};
    for (int s = 0; s < 2; s++) {
        ref_dbm p;
        void *m = dbm_new(shapes[s], depth[s], 1.0, 0.5, 11 + (uint64_t)s, NULL, &p);
        ASSERT(m);
        for (int l = 0; l <= depth[s]; l++) {
            double at1 = conditional_ratio(m, &p, l, 1.0, 1.0);
            double at_half = conditional_ratio(m, &p, l, 0.5, 0.5);
            double wrong = conditional_ratio(m, &p, l, 1.0, 0.5);
            printf("  %d hidden layers, layer %d: worst TV/bound %.3f at beta 1, %.3f at "
                   "beta 0.5, %.3f for beta ignored\n", depth[s], l, at1, at_half, wrong);
            ASSERT(at1 >= 0 && at1 < 1);
            ASSERT(at_half >= 0 && at_half < 1);
            ASSERT(wrong > 1);
        }
        ebm_model_dbm.xDestroy(m);
    }
}

/* -------------------------------------------------------------- sampler */

enum { S_CHAINS = 100, S_PER_CHAIN = 1000, S_THIN = 3, S_BURN = 100 };
#define S_SAMPLES ((size_t)S_CHAINS * S_PER_CHAIN)

static int block_gibbs_too_hot(void *m, float *x, size_t n, const unsigned char *clamped,
                               int steps, double beta, ebm_rng *rng, ebm_error *err) {
    return ebm_model_block_gibbs(&ebm_model_dbm, m, x, n, clamped, steps, 0.5 * beta, rng, err);
}

/* The gibbs sampler (block path) on a 3-2-2 DBM: TV of the joint histogram
 * over its bound, or -1 when sampling failed. */
static double gibbs_ratio(const ebm_model_ops *ops, void *m, double t) {
    enum { UNITS = 7 };
    size_t all[UNITS], K = (size_t)1 << UNITS;
    float high[UNITS], base[UNITS] = {0};
    for (size_t i = 0; i < UNITS; i++) {
        all[i] = i;
        high[i] = 1.0f;
    }
    float *x = calloc(S_CHAINS * UNITS, sizeof *x);
    float *collect = malloc(sizeof(float) * S_SAMPLES * UNITS);
    double *p = malloc(K * sizeof *p), *q = calloc(K, sizeof *q), ratio = -1;
    ebm_chains chains = {.n = S_CHAINS, .units = UNITS, .x = x, .collect = collect,
                         .max_collect = S_SAMPLES};
    char yaml[160];
    snprintf(yaml, sizeof yaml, "{temperature: %g, sweeps: %d, burn_in: %d, thin: %d, "
             "start: random}", t, S_PER_CHAIN * S_THIN, S_BURN, S_THIN);
    ebm_error err = {0};
    if (st_run(&ebm_sampler_gibbs, yaml, ops, m, &chains, 42, NULL, NULL, &err) == 0 &&
        chains.n_collected == S_SAMPLES) {
        for (size_t s = 0; s < S_SAMPLES; s++)
            q[st_index(collect + s * UNITS, all, UNITS, high)] += 1.0 / S_SAMPLES;
        st_exact(&ebm_model_dbm, m, t, base, all, UNITS, p);
        double expected = st_expected_tv(p, K, S_SAMPLES), tv = st_tv(q, p, K);
        ratio = tv / (BOUND_FACTOR * expected);
        printf("  gibbs T=%g: TV %.4f, bound %.4f (%.2f x expected)\n", t, tv,
               BOUND_FACTOR * expected, tv / expected);
    } else {
        fprintf(stderr, "gibbs: %s\n", err.msg);
    }
    free(x);
    free(collect);
    free(p);
    free(q);
    return ratio;
}

TEST(gibbs_matches_the_boltzmann_distribution) {
    static const size_t sizes[] = {3, 2, 2};
    ref_dbm p;
    void *m = dbm_new(sizes, 2, 1.0, 0.5, 21, NULL, &p);
    ASSERT(m);
    double at1 = gibbs_ratio(&ebm_model_dbm, m, 1.0), at2 = gibbs_ratio(&ebm_model_dbm, m, 2.0);
    ASSERT(at1 >= 0 && at1 < 1);
    ASSERT(at2 >= 0 && at2 < 1);
    ebm_model_layered hot_layers = *ebm_model_dbm.layered;
    hot_layers.xBlockGibbs = block_gibbs_too_hot;
    ebm_model_ops too_hot = ebm_model_dbm;
    too_hot.layered = &hot_layers;
    ASSERT(gibbs_ratio(&too_hot, m, 1.0) > 1);
    ebm_model_dbm.xDestroy(m);
}

/* The same seed gives the same chains whatever the thread count (row r
 * draws only from its own stream). */
TEST(block_gibbs_is_reproducible_across_threads) {
    static const size_t sizes[] = {30, 20, 10};
    ref_dbm p;
    void *m = dbm_new(sizes, 2, 0.3, 0.5, 23, NULL, &p);
    ASSERT(m);
    enum { N = 700, UNITS = 60 };
    float *a = malloc(sizeof(float) * N * UNITS), *b = malloc(sizeof(float) * N * UNITS);
    random_binary(a, N * UNITS, 3);
    memcpy(b, a, sizeof(float) * N * UNITS);
    int threads = ebm_threads();
    ebm_error err = {0};
    ebm_rng rng;
    ebm_threads_set(1);
    ebm_rng_seed(&rng, 4);
    ASSERT_OK(ebm_model_block_gibbs(&ebm_model_dbm, m, a, N, NULL, 3, 1.0, &rng, &err));
    ebm_threads_set(2);
    ebm_rng_seed(&rng, 4);
    ASSERT_OK(ebm_model_block_gibbs(&ebm_model_dbm, m, b, N, NULL, 3, 1.0, &rng, &err));
    ebm_threads_set(threads);
    ASSERT(memcmp(a, b, sizeof(float) * N * UNITS) == 0);
    free(a);
    free(b);
    ebm_model_dbm.xDestroy(m);
}

/* ---------------------------------------------------------- exact log Z */

/* xLogPartition against every state visited, here and by the framework's
 * enumeration, for shapes where the odd layers are enumerated (3-2-2,
 * 2-2-3-2) and where the even ones are (2-4-1, 1-3-1-3); refused with a
 * clear message beyond the limit. */
TEST(log_partition_matches_enumeration) {
    static const size_t shapes[4][5] = {{3, 2, 2}, {2, 2, 3, 2}, {2, 4, 1}, {1, 3, 1, 3}};
    static const int depth[4] = {2, 3, 2, 3};
    for (int s = 0; s < 4; s++) {
        ref_dbm p;
        void *m = dbm_new(shapes[s], depth[s], 1.5, 1.0, 31 + (uint64_t)s, NULL, &p);
        ASSERT(m);
        double log_z = 0, by_enum = 0, exact = ref_log_z(&p);
        ebm_error err = {0};
        ASSERT_OK(ebm_model_log_partition(&ebm_model_dbm, m, 20, &log_z, &err));
        ebm_enum e;
        ASSERT_OK(ebm_enum_init(&e, &ebm_model_dbm, m, 20, &err));
        ASSERT_OK(ebm_enum_log_z(&e, &by_enum, &err));
        ebm_enum_free(&e);
        printf("  shape %d: log Z %.10f, enumerated %.10f, framework %.10f\n", s, log_z,
               exact, by_enum);
        ASSERT_NEAR(log_z, exact, 1e-9 * (1 + fabs(exact)));
        ASSERT_NEAR(by_enum, exact, 1e-9 * (1 + fabs(exact)));
        ASSERT(fabs(exact - (double)p.units * log(2.0)) > 0.1);   /* not the zero-weight value */
        ebm_model_dbm.xDestroy(m);
    }
    static const size_t big[] = {30, 25, 30};
    ref_dbm p;
    void *m = dbm_new(big, 2, 0.1, 0.1, 39, NULL, &p);
    ASSERT(m);
    double log_z = 0;
    ebm_error err = {0};
    ASSERT_EQ(ebm_model_log_partition(&ebm_model_dbm, m, 20, &log_z, &err), EBM_ELIMIT);
    ASSERT_STR_CONTAINS(err.msg, "2^25");
    ASSERT_STR_CONTAINS(err.msg, "30-25-30");
    ASSERT_STR_CONTAINS(err.msg, "limit is 2^20");
    ebm_model_dbm.xDestroy(m);
}

/* ------------------------------------------------------------- gradient */

/* xEnergyGrad with scale 1 is the mean over rows of ∂E/∂θ: central
 * differences (ε = 1e-4, in double) of the reference energy, on binary
 * states and on states of means in (0, 1) (what the positive phase passes). */
TEST(energy_gradient_matches_finite_differences) {
    static const size_t sizes[] = {3, 4, 2, 3};
    enum { ROWS = 5, UNITS = 12 };
    ref_dbm p;
    void *m = dbm_new(sizes, 3, 1.0, 0.5, 41, NULL, &p);
    ASSERT(m);
    float states[ROWS * UNITS];
    ebm_rng rng;
    ebm_rng_seed(&rng, 42);
    for (int fractional = 0; fractional <= 1; fractional++) {
        for (int k = 0; k < ROWS * UNITS; k++)
            states[k] = fractional ? (float)ebm_rng_uniform(&rng)
                                   : (float)ebm_rng_bernoulli(&rng, 0.5);
        ebm_tensor g[2 * MAX_LAYERS];
        int n_g = grads_new(m, g);
        ebm_error err = {0};
        ASSERT_OK(ebm_model_energy_grad(&ebm_model_dbm, m, states, ROWS, 1.0, g, &err));
        const double eps = 1e-4;
        double largest = 0;
        size_t total = n_params(g, n_g);
        ASSERT_EQ(total, 3 * 4 + 4 * 2 + 2 * 3 + 12);
        for (size_t k = 0; k < total; k++) {
            float *grad;
            double *theta = ref_param_at(&p, g, n_g, k, &grad);
            double saved = *theta, up = 0, down = 0;
            *theta = saved + eps;
            for (int r = 0; r < ROWS; r++) up += ref_energy_f(&p, states + r * UNITS) / ROWS;
            *theta = saved - eps;
            for (int r = 0; r < ROWS; r++) down += ref_energy_f(&p, states + r * UNITS) / ROWS;
            *theta = saved;
            double fd = (up - down) / (2 * eps);
            ASSERT_NEAR(*grad, fd, 1e-5 * (1 + fabs(fd)));
            largest = fmax(largest, fabs(fd));
        }
        ASSERT(largest > 0.3);
        /* grads accumulate: scale −1 takes them back to 0 */
        ASSERT_OK(ebm_model_energy_grad(&ebm_model_dbm, m, states, ROWS, -1.0, g, &err));
        for (int t = 0; t < n_g; t++)
            for (size_t k = 0; k < ebm_tensor_size(&g[t]); k++) ASSERT_NEAR(g[t].data[k], 0, 1e-6);
        grads_free(g, n_g);
    }
    ebm_model_dbm.xDestroy(m);
}

/* ----------------------------------------------------------- mean field */

/* For each of ROWS visible vectors, one at a time: the bound after every
 * iteration never falls (slack 1e-9 for rounding), the final means satisfy
 * μ = σ(input(μ)) within the tolerance (plus 1e-6 of float rounding), and
 * the bound stays below log Σ_h exp(−E(v, h)) (log p(v) + log Z) by
 * enumeration; checked without and with damping, on 5-4-3 and 4-3-3-2. */
static void check_mean_field(const size_t *sizes, int L, uint64_t seed, double damping) {
    enum { ROWS = 8 };
    ref_dbm p;
    void *m = dbm_new(sizes, L, 1.5, 0.5, seed, NULL, &p);
    ASSERT(m);
    ebm_dbm *dbm = m;
    const ebm_dbm_mean_field how = {.tolerance = 1e-5, .max_iterations = 200,
                                    .damping = damping};
    float *states = calloc(ROWS * p.units, sizeof *states), *means = malloc(sizeof(float) * p.units);
    for (int r = 0; r < ROWS; r++)
        random_binary(states + r * p.units, p.size[0], seed * 100 + (uint64_t)r);
    double trace[201], worst_residual = 0, smallest_gap = INFINITY, largest_rise = 0;
    int most_iterations = 0;
    ebm_error err = {0};
    for (int r = 0; r < ROWS; r++) {
        int iterations = 0;
        ASSERT_OK(ebm_dbm_infer(dbm, states + r * p.units, 1, &how, means, trace,
                                &iterations, &err));
        ASSERT(iterations >= 1 && iterations < how.max_iterations);
        most_iterations = iterations > most_iterations ? iterations : most_iterations;
        for (int k = 1; k <= how.max_iterations; k++)
            ASSERT(trace[k] >= trace[k - 1] - 1e-9 * (1 + fabs(trace[k])));
        largest_rise = fmax(largest_rise, trace[iterations] - trace[0]);
        double x[MAX_UNITS], bound;
        for (size_t i = 0; i < p.units; i++) x[i] = means[i];
        for (size_t i = 0; i < p.size[0]; i++) ASSERT(means[i] == states[r * p.units + i]);
        for (int l = 1; l <= L; l++)
            for (size_t j = 0; j < p.size[l]; j++)
                worst_residual = fmax(worst_residual,
                                      fabs(x[p.offset[l] + j] - sigmoid(ref_input(&p, x, l, j))));
        ebm_dbm_bound(dbm, means, 1, &bound);
        ASSERT_NEAR(bound, trace[iterations], 1e-12);
        double exact = ref_log_sum_from(&p, x, p.size[0]);
        ASSERT(bound <= exact + 1e-9);
        smallest_gap = fmin(smallest_gap, exact - bound);
    }
    printf("  %d hidden layers, damping %g: at most %d iterations, residual %.2e, "
           "bound rose by up to %.3f, gap to log p(v) + log Z at least %.4f\n", L, damping,
           most_iterations, worst_residual, largest_rise, smallest_gap);
    ASSERT(worst_residual <= how.tolerance + 1e-6);
    /* the batch gives the same means as the rows one by one */
    float *batch = malloc(sizeof(float) * ROWS * p.units);
    ASSERT_OK(ebm_dbm_infer(dbm, states, ROWS, &how, batch, NULL, NULL, &err));
    ASSERT_NEAR(batch[(ROWS - 1) * p.units + p.units - 1], means[p.units - 1],
                2 * how.tolerance);
    free(batch);
    free(states);
    free(means);
    ebm_model_dbm.xDestroy(m);
}

TEST(mean_field_fixed_point_and_monotone_bound) {
    static const size_t two[] = {5, 4, 3}, three[] = {4, 3, 3, 2};
    check_mean_field(two, 2, 51, 0.0);
    check_mean_field(two, 2, 52, 0.5);
    check_mean_field(three, 3, 53, 0.0);
}

/* With one hidden layer the posterior factorises, so the bound is exact:
 * L(v) = log Σ_h exp(−E(v, h)) (= −F(v)), after one iteration. */
TEST(mean_field_bound_is_exact_for_one_hidden_layer) {
    static const size_t sizes[] = {4, 5};
    ref_dbm p;
    void *m = dbm_new(sizes, 1, 1.5, 0.5, 61, NULL, &p);
    ASSERT(m);
    const ebm_dbm_mean_field how = {.tolerance = 1e-6, .max_iterations = 20};
    float states[16 * 9] = {0}, means[16 * 9];
    for (int r = 0; r < 16; r++)
        for (int i = 0; i < 4; i++) states[r * 9 + i] = (float)((r >> i) & 1);
    ebm_error err = {0};
    int iterations = 0;
    ASSERT_OK(ebm_dbm_infer(m, states, 16, &how, means, NULL, &iterations, &err));
    ASSERT(iterations <= 2);
    double bound[16];
    ebm_dbm_bound(m, means, 16, bound);
    for (int r = 0; r < 16; r++) {
        double x[9];
        for (int i = 0; i < 9; i++) x[i] = states[r * 9 + i];
        double exact = ref_log_sum_from(&p, x, 4);
        ASSERT_NEAR(bound[r], exact, 1e-5 * (1 + fabs(exact)));
    }
    ebm_model_dbm.xDestroy(m);
}

/* ------------------------------------------------------- positive phase */

/* The mean-field statistics −mean(x_{l−1} μ_lᵀ), −mean(μ_l) from the
 * reference fixed point, in xParams order, into expect (n_params entries). */
static void ref_positive(const ref_dbm *p, const float *rows, size_t ld, size_t n,
                         const ebm_tensor *g, int n_g, double *expect) {
    size_t total = n_params(g, n_g);
    memset(expect, 0, total * sizeof *expect);
    for (size_t r = 0; r < n; r++) {
        double x[MAX_UNITS];
        ref_mean_field(p, rows + r * ld, x);
        size_t k = 0;
        for (int l = 1; l <= p->L; l++)
            for (size_t i = 0; i < p->size[l - 1]; i++)
                for (size_t j = 0; j < p->size[l]; j++)
                    expect[k++] -= x[p->offset[l - 1] + i] * x[p->offset[l] + j] / (double)n;
        for (int l = 0; l <= p->L; l++)
            for (size_t i = 0; i < p->size[l]; i++) expect[k++] -= x[p->offset[l] + i] / (double)n;
    }
}

enum { P_ROWS = 6 };
static const float p_rows[P_ROWS * 4] = {1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0,
                                         1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0};

/* xPositiveGrad equals the reference mean-field statistics (tolerance 1e-7
 * in the model, so 1e-5 covers float rounding). */
TEST(positive_gradient_is_the_mean_field_statistics) {
    static const size_t sizes[] = {4, 3, 2};
    ref_dbm p;
    void *m = dbm_new(sizes, 2, 1.5, 0.5, 71, "mean_field: {tolerance: 1.0e-7, "
                      "max_iterations: 500}", &p);
    ASSERT(m);
    float states[P_ROWS * 9] = {0};
    for (int r = 0; r < P_ROWS; r++) memcpy(states + r * 9, p_rows + r * 4, 4 * sizeof(float));
    ebm_tensor g[2 * MAX_LAYERS];
    int n_g = grads_new(m, g);
    double expect[64];
    ref_positive(&p, states, 9, P_ROWS, g, n_g, expect);
    ebm_error err = {0};
    ASSERT_OK(ebm_model_positive_grad(&ebm_model_dbm, m, states, P_ROWS, 1.0, g, &err));
    size_t k = 0;
    for (int t = 0; t < n_g; t++)
        for (size_t i = 0; i < ebm_tensor_size(&g[t]); i++, k++)
            ASSERT_NEAR(g[t].data[i], expect[k], 1e-5);
    grads_free(g, n_g);
    ebm_model_dbm.xDestroy(m);
}

/* The trainer with pcd on a 4-3-2 DBM: its gradient minus the model term
 * (xEnergyGrad on the persistent chains it leaves, scale −1) is the
 * mean-field statistics of the minibatch. Returns the largest deviation
 * over three calls, or -1 when something failed. With ops lacking
 * xPositiveGrad the trainer samples the hidden units instead, and misses
 * them by sampling noise of order 0.1 with 6 rows. */
static double trainer_positive_deviation(const ebm_model_ops *ops) {
    static const size_t sizes[] = {4, 3, 2};
    ref_dbm p;
    void *m = dbm_new(sizes, 2, 1.5, 0.5, 81, "mean_field: {tolerance: 1.0e-7, "
                      "max_iterations: 500}", &p);
    if (!m) return -1;
    ebm_node *cfg = parse("{sampler: {type: pcd, k: 5, chains: 50}}");
    ebm_rng root, chains_rng;
    ebm_rng_seed(&root, 82);
    ebm_rng_named(&chains_rng, &root, "chains");
    ebm_error err = {0};
    ebm_trainer *t = ebm_trainer_new(cfg, ops, m, 4, P_ROWS, &chains_rng, NULL, &err);
    if (!t) return -1;
    ebm_tensor g[2 * MAX_LAYERS], model_term[2 * MAX_LAYERS];
    int n_g = grads_new(m, g);
    grads_new(m, model_term);
    double expect[64];
    ref_positive(&p, p_rows, 4, P_ROWS, g, n_g, expect);
    double deviation = 0;
    for (int call = 0; call < 3 && deviation >= 0; call++) {
        ebm_rng call_rng;
        ebm_rng_derive(&call_rng, &root, (uint64_t)call);
        const ebm_chains *chains = ebm_trainer_chains(t);
        for (int k = 0; k < n_g; k++)
            memset(model_term[k].data, 0, ebm_tensor_size(&g[k]) * sizeof(float));
        if (ebm_trainer_gradient(t, p_rows, P_ROWS, g, n_g, &call_rng, &err) ||
            !chains || chains->n != 50 || chains->units != 9 ||
            ebm_model_energy_grad(&ebm_model_dbm, m, chains->x, chains->n, -1.0, model_term, &err)) {
            deviation = -1;
            break;
        }
        size_t k = 0;
        double largest_model_term = 0;
        for (int tn = 0; tn < n_g; tn++)
            for (size_t i = 0; i < ebm_tensor_size(&g[tn]); i++, k++) {
                double positive = (double)g[tn].data[i] - model_term[tn].data[i];
                deviation = fmax(deviation, fabs(positive - expect[k]));
                largest_model_term = fmax(largest_model_term, fabs(model_term[tn].data[i]));
            }
        if (largest_model_term < 0.1) deviation = -1;   /* the chains did not count */
    }
    grads_free(g, n_g);
    grads_free(model_term, n_g);
    ebm_trainer_free(t);
    ebm_node_free(cfg);
    ebm_model_dbm.xDestroy(m);
    return deviation;
}

TEST(trainer_positive_term_is_mean_field) {
    double mean_field = trainer_positive_deviation(&ebm_model_dbm);
    ebm_model_learning sampling_learning = *ebm_model_dbm.learning;
    sampling_learning.xPositiveGrad = NULL;
    ebm_model_ops sampled = ebm_model_dbm;
    sampled.learning = &sampling_learning;
    double sampling = trainer_positive_deviation(&sampled);
    printf("  positive term off the mean-field statistics by %.2e (sampled instead: %.3f)\n",
           mean_field, sampling);
    ASSERT(mean_field >= 0 && mean_field < 1e-5);
    ASSERT(sampling > 0.02);
}

/* ---------------------------------------------------------------- config */

/* Layer sizes must be whole numbers, 1 to 8 layers; a DBM filled from RBMs
 * takes their weights and adds their biases. */
TEST(layers_are_checked_and_rbms_fill_layers) {
    static const char *const bad[] = {"{layers: [3, 2.5]}", "{layers: [1, 2, 3, 4, 5, 6, 7, 8, 9]}"};
    static const char *const why[] = {"whole number", "1 to 8"};
    for (int k = 0; k < 2; k++) {
        ebm_node *cfg = parse(bad[k]);
        ebm_dataset shape = {.n = 0, .dim = 4};
        ebm_rng rng;
        ebm_rng_seed(&rng, 1);
        ebm_error err = {0};
        void *m = NULL;
        ASSERT_EQ(ebm_model_dbm.xCreate(cfg, &shape, &rng, &m, &err), EBM_ECONFIG);
        ASSERT_STR_CONTAINS(err.msg, why[k]);
        ebm_node_free(cfg);
    }
    static const size_t sizes[] = {4, 3, 2};
    ref_dbm p;
    ebm_dbm *m = dbm_new(sizes, 2, 1.0, 0.5, 91, NULL, &p);
    ASSERT(m);
    ebm_rbm lower, upper;
    ebm_error err = {0};
    ASSERT_OK(ebm_rbm_init(&lower, 4, 3, 0, &err));
    ASSERT_OK(ebm_rbm_init(&upper, 3, 2, 0, &err));
    for (int k = 0; k < 12; k++) lower.W[k] = (float)k;
    for (int k = 0; k < 6; k++) upper.W[k] = (float)-k;
    for (int i = 0; i < 3; i++) lower.c[i] = upper.b[i] = 1.0f;
    ebm_dbm_zero_biases(m);
    ASSERT_OK(ebm_dbm_set_layer(m, 1, &lower, 0.5, 1.0, 0.5, &err));
    ASSERT_OK(ebm_dbm_set_layer(m, 2, &upper, 0.5, 0.5, 1.0, &err));
    ASSERT(m->W[1][5] == 2.5f && m->W[2][5] == -2.5f);
    ASSERT(m->bias[1][2] == 1.0f);   /* half from each RBM */
    ASSERT_EQ(ebm_dbm_set_layer(m, 2, &lower, 1.0, 1.0, 1.0, &err), EBM_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "3 x 2");
    ebm_rbm_free(&lower);
    ebm_rbm_free(&upper);
    ebm_model_dbm.xDestroy(m);
}

int main(void) {
    RUN(energy_and_flips_match_the_formula);
    RUN(block_conditionals_match_enumeration);
    RUN(gibbs_matches_the_boltzmann_distribution);
    RUN(block_gibbs_is_reproducible_across_threads);
    RUN(log_partition_matches_enumeration);
    RUN(energy_gradient_matches_finite_differences);
    RUN(mean_field_fixed_point_and_monotone_bound);
    RUN(mean_field_bound_is_exact_for_one_hidden_layer);
    RUN(positive_gradient_is_the_mean_field_statistics);
    RUN(trainer_positive_term_is_mean_field);
    RUN(layers_are_checked_and_rbms_fill_layers);
    TEST_MAIN_END();
}
