/* test_hopfield_rules.c — the Hopfield learning rules: each one-shot rule
 * against a naive implementation of docs/math.md, their capacities relative to
 * each other, and the gradient rule's gradient and training effect. */
#include "test.h"

#include "hopfield_testutil.h"

static void *fitted(const char *model_yaml, const ebm_dataset *d) {
    void *m = hop_new(model_yaml, d->dim);
    ebm_error err = {0};
    if (m && ebm_model_hopfield.xFit(m, d, NULL, NULL, &err)) {
        ebm_model_hopfield.xDestroy(m);
        return NULL;
    }
    return m;
}

static double pm(const ebm_dataset *d, size_t mu, size_t i) {
    return d->x[mu * d->dim + i] > 0.5f ? 1.0 : -1.0;
}

static void assert_symmetric_zero_diagonal(const float *w, size_t n, int *ok) {
    *ok = 1;
    for (size_t i = 0; i < n; i++) {
        if (w[i * n + i] != 0.0f) *ok = 0;
        for (size_t j = 0; j < n; j++)
            if (w[i * n + j] != w[j * n + i]) *ok = 0;
    }
}

TEST(hebbian_matches_formula) {
    enum { N = 30, P = 7 };
    ebm_dataset d = hop_patterns(P, N, 31);
    void *m = fitted("{rule: hebbian}", &d);
    ASSERT(m);
    const float *w = hop_w(m);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double s = 0.0;
            for (size_t mu = 0; mu < P; mu++) s += pm(&d, mu, i) * pm(&d, mu, j);
            ASSERT_NEAR(w[i * N + j], i == j ? 0.0 : s / N, 1e-7);
        }
    for (size_t i = 0; i < N; i++) ASSERT(hop_b(m)[i] == 0.0f);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

/* docs/math.md's Storkey rule written out literally, in double. */
TEST(storkey_matches_formula) {
    enum { N = 12, P = 5 };
    ebm_dataset d = hop_patterns(P, N, 32);
    static double w[N][N], next[N][N];
    memset(w, 0, sizeof w);
    for (size_t mu = 0; mu < P; mu++) {
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++) {
                if (i == j) {
                    next[i][j] = 0.0;
                    continue;
                }
                double h_ij = 0.0, h_ji = 0.0;
                for (size_t k = 0; k < N; k++) {
                    if (k != i && k != j) h_ij += w[i][k] * pm(&d, mu, k);
                    if (k != j && k != i) h_ji += w[j][k] * pm(&d, mu, k);
                }
                double xi_i = pm(&d, mu, i), xi_j = pm(&d, mu, j);
                next[i][j] = w[i][j] + (xi_i * xi_j - xi_i * h_ji - h_ij * xi_j) / N;
            }
        memcpy(w, next, sizeof w);
    }
    void *m = fitted("{rule: storkey}", &d);
    ASSERT(m);
    const float *got = hop_w(m);
    int ok;
    assert_symmetric_zero_diagonal(got, N, &ok);
    ASSERT(ok);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) ASSERT_NEAR(got[i * N + j], w[i][j], 1e-6);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

/* W = Ξ(ΞᵀΞ)⁻¹Ξᵀ off the diagonal, with the Gram matrix inverted by
 * Gauss–Jordan here (not the Cholesky path the model uses). */
TEST(pseudo_inverse_matches_formula) {
    enum { N = 25, P = 8 };
    ebm_dataset d = hop_patterns(P, N, 33);
    double g[P][2 * P];
    for (size_t a = 0; a < P; a++)
        for (size_t b = 0; b < 2 * P; b++) {
            double s = 0.0;
            if (b < P)
                for (size_t i = 0; i < N; i++) s += pm(&d, a, i) * pm(&d, b, i);
            else
                s = b - P == a;
            g[a][b] = s;
        }
    for (size_t c = 0; c < P; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < P; r++)
            if (fabs(g[r][c]) > fabs(g[piv][c])) piv = r;
        for (size_t b = 0; b < 2 * P; b++) {
            double t = g[c][b];
            g[c][b] = g[piv][b];
            g[piv][b] = t;
        }
        double inv = 1.0 / g[c][c];
        for (size_t b = 0; b < 2 * P; b++) g[c][b] *= inv;
        for (size_t r = 0; r < P; r++)
            if (r != c) {
                double f = g[r][c];
                for (size_t b = 0; b < 2 * P; b++) g[r][b] -= f * g[c][b];
            }
    }
    void *m = fitted("{rule: pseudo_inverse}", &d);
    ASSERT(m);
    const float *w = hop_w(m);
    int ok;
    assert_symmetric_zero_diagonal(w, N, &ok);
    ASSERT(ok);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            if (i == j) continue;
            double s = 0.0;
            for (size_t a = 0; a < P; a++)
                for (size_t b = 0; b < P; b++) s += pm(&d, a, i) * g[a][P + b] * pm(&d, b, j);
            ASSERT_NEAR(w[i * N + j], s, 1e-5);
        }
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

TEST(pseudo_inverse_refuses_dependent_patterns) {
    enum { N = 20 };
    ebm_dataset d = hop_patterns(4, N, 34);
    memcpy(d.x + 3 * N, d.x + 1 * N, N * sizeof *d.x);   /* pattern 4 = pattern 2 */
    void *m = hop_new("{rule: pseudo_inverse}", N);
    ASSERT(m);
    ebm_error err = {0};
    ASSERT_EQ(ebm_model_hopfield.xFit(m, &d, NULL, NULL, &err), EBM_ENUMERIC);
    ASSERT_STR_CONTAINS(err.msg, "linearly dependent");
    ASSERT_STR_CONTAINS(err.msg, "pattern 4");
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
    /* More patterns than units are always dependent. */
    ebm_dataset many = hop_patterns(12, 10, 35);
    m = hop_new("{rule: pseudo_inverse}", 10);
    ASSERT_EQ(ebm_model_hopfield.xFit(m, &many, NULL, NULL, &err), EBM_ENUMERIC);
    ASSERT_STR_CONTAINS(err.msg, "more patterns than units");
    ebm_model_hopfield.xDestroy(m);
    free(many.x);
}

/* The capacity's shape: recall is near perfect well below α_c ≈ 0.138 and
 * breaks down well above it. */
TEST(hebbian_capacity_shape) {
    enum { N = 400 };
    ebm_dataset low = hop_patterns((size_t)(0.05 * N), N, 36);
    ebm_dataset high = hop_patterns((size_t)(0.25 * N), N, 37);
    void *a = fitted("{rule: hebbian}", &low), *b = fitted("{rule: hebbian}", &high);
    ASSERT(a && b);
    double m_low = hop_overlap(a, &low, 0.05, 1), m_high = hop_overlap(b, &high, 0.05, 2);
    printf("  overlap at load 0.05: %.4f, at 0.25: %.4f\n", m_low, m_high);
    ASSERT(m_low > 0.95);
    ASSERT(m_high < 0.8);
    ebm_model_hopfield.xDestroy(a);
    ebm_model_hopfield.xDestroy(b);
    free(low.x);
    free(high.x);
}

/* At α = 0.3 the Hebbian rule stores (almost) nothing exactly; Storkey's
 * rule stores most patterns and the projection rule all of them. */
TEST(storkey_and_pseudo_inverse_beat_hebbian) {
    enum { N = 200, P = 60 };
    ebm_dataset d = hop_patterns(P, N, 38);
    void *h = fitted("{rule: hebbian}", &d), *s = fitted("{rule: storkey}", &d),
         *p = fitted("{rule: pseudo_inverse}", &d);
    ASSERT(h && s && p);
    double fh = hop_fixed_fraction(h, &d), fs = hop_fixed_fraction(s, &d),
           fp = hop_fixed_fraction(p, &d);
    printf("  fixed-point fraction at load 0.3: hebbian %.3f storkey %.3f "
           "pseudo_inverse %.3f\n", fh, fs, fp);
    ASSERT(fh < 0.2);
    ASSERT(fs > fh + 0.5);
    ASSERT_NEAR(fp, 1.0, 0);
    ebm_model_hopfield.xDestroy(h);
    ebm_model_hopfield.xDestroy(s);
    ebm_model_hopfield.xDestroy(p);
    free(d.x);
}

/* With bias on and one row, grad b = −(ξ − ξ') reveals the negative ξ', so
 * the loss E(ξ) − E(ξ') can be differentiated numerically at that ξ'. */
TEST(gradient_matches_finite_difference) {
    enum { N = 16 };
    ebm_dataset d = hop_patterns(1, N, 39);
    void *m = hop_new("{rule: gradient, bias: true, evolve_steps: 50, corrupt: 0.3}", N);
    ASSERT(m);
    ebm_rng rng;
    ebm_rng_seed(&rng, 40);
    hop_randomise(m, N, 0.5, &rng);
    float gw[N * N], gb[N], xi[N], neg[N];
    ebm_tensor grads[2] = {{.name = "W", .data = gw, .rank = 2, .shape = {N, N}},
                           {.name = "b", .data = gb, .rank = 1, .shape = {N}}};
    ebm_error err = {0};
    ASSERT_OK(ebm_model_gradient(&ebm_model_hopfield, m, d.x, 1, grads, &rng, &err));
    ebm_model_hopfield.xEncode(m, d.x, xi);
    int differs = 0;
    for (size_t i = 0; i < N; i++) {
        neg[i] = xi[i] + gb[i];
        ASSERT(neg[i] == 1.0f || neg[i] == -1.0f);
        differs |= neg[i] != xi[i];
    }
    ASSERT(differs);
    /* 50 sweeps from a random-weight start end at a fixed point. */
    ASSERT(hop_is_fixed(m, N, neg));
    float *w = hop_w(m), *b = hop_b(m);
    const double eps = 1e-2;
#define LOSS() (ebm_model_hopfield.xEnergy(m, xi) - ebm_model_hopfield.xEnergy(m, neg))
    for (size_t i = 0; i < N; i++) {
        ASSERT(gw[i * N + i] == 0.0f);
        for (size_t j = i + 1; j < N; j++) {
            float keep = w[i * N + j];
            w[i * N + j] = w[j * N + i] = keep + (float)eps;
            double up = LOSS();
            w[i * N + j] = w[j * N + i] = keep - (float)eps;
            double down = LOSS();
            w[i * N + j] = w[j * N + i] = keep;
            ASSERT_NEAR((up - down) / (2 * eps), gw[i * N + j], 1e-4);
            ASSERT(gw[i * N + j] == gw[j * N + i]);
        }
        float keep = b[i];
        b[i] = keep + (float)eps;
        double up = LOSS();
        b[i] = keep - (float)eps;
        double down = LOSS();
        b[i] = keep;
        ASSERT_NEAR((up - down) / (2 * eps), gb[i], 1e-4);
    }
#undef LOSS
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

TEST(gradient_without_bias_leaves_b_alone) {
    enum { N = 10 };
    ebm_dataset d = hop_patterns(3, N, 41);
    void *m = hop_new("{rule: gradient}", N);
    ASSERT(m);
    float gw[N * N], gb[N];
    memset(gb, 0x7f, sizeof gb);
    ebm_tensor grads[2] = {{.name = "W", .data = gw, .rank = 2, .shape = {N, N}},
                           {.name = "b", .data = gb, .rank = 1, .shape = {N}}};
    ebm_rng rng;
    ebm_rng_seed(&rng, 42);
    ebm_error err = {0};
    ASSERT_OK(ebm_model_hopfield.xFit(m, &d, NULL, NULL, &err));
    ASSERT_OK(ebm_model_gradient(&ebm_model_hopfield, m, d.x, 3, grads, &rng, &err));
    for (size_t i = 0; i < N; i++) ASSERT(gb[i] == 0.0f);
    /* W = 0: nothing moves, so ξ' is the corrupted start and
     * grad W = −(1/3) Σ (ξξᵀ − ξ'ξ'ᵀ) has entries in {0, ±2/3, ±4/3, ±2}. */
    for (size_t k = 0; k < N * N; k++) {
        double scaled = gw[k] * 3.0 / 2.0;
        ASSERT_NEAR(scaled, round(scaled), 1e-6);
        ASSERT(fabs(gw[k]) <= 2.0f + 1e-6f);
    }
    ASSERT_EQ(ebm_model_gradient(&ebm_model_hopfield, m, d.x, 0, grads, &rng, &err), EBM_EINVAL);
    ebm_model_hopfield.xDestroy(m);
    free(d.x);
}

static double energy_gap(void *m, const ebm_dataset *d, uint64_t seed) {
    size_t n = d->dim;
    float *xi = malloc(n * sizeof *xi), *y = malloc(n * sizeof *y);
    ebm_rng root, rng;
    ebm_rng_seed(&root, seed);
    double gap = 0.0;
    for (size_t p = 0; p < d->n; p++) {
        ebm_rng_derive(&rng, &root, p);
        ebm_model_hopfield.xEncode(m, d->x + p * n, xi);
        for (size_t i = 0; i < n; i++) y[i] = ebm_rng_bernoulli(&rng, 0.1) ? -xi[i] : xi[i];
        ebm_evolve how = {.mode = EBM_EVOLVE_RANDOM, .max_sweeps = 1};
        ebm_evolve_result res;
        ebm_model_evolve(&ebm_model_hopfield, m, y, &how, &rng, &res);
        gap += (ebm_model_hopfield.xEnergy(m, y) - ebm_model_hopfield.xEnergy(m, xi)) / n;
    }
    free(xi);
    free(y);
    return gap / (double)d->n;
}

/* Training by the corrected-sign rule digs the patterns into minima: at
 * load 0.25, beyond the Hebbian capacity, they end up fixed points and are
 * recalled from 10 % noise. */
TEST(gradient_training_stores_patterns) {
    enum { N = 100, P = 25, BATCH = 5, EPOCHS = 30 };
    ebm_dataset d = hop_patterns(P, N, 21);
    void *m = fitted("{rule: gradient, evolve_steps: 1, corrupt: 0.1}", &d);
    void *hebb = fitted("{rule: hebbian}", &d);
    ASSERT(m && hebb);
    ASSERT_NEAR(energy_gap(m, &d, 5), 0.0, 0);
    double overlap_before = hop_overlap(m, &d, 0.1, 3);
    static float gw[N * N], gb[N];
    ebm_tensor grads[2] = {{.name = "W", .data = gw, .rank = 2, .shape = {N, N}},
                           {.name = "b", .data = gb, .rank = 1, .shape = {N}}};
    ebm_rng rng;
    ebm_rng_seed(&rng, 9);
    ebm_error err = {0};
    float *w = hop_w(m);
    for (int epoch = 0; epoch < EPOCHS; epoch++)
        for (size_t s = 0; s < P; s += BATCH) {
            ASSERT_OK(ebm_model_gradient(&ebm_model_hopfield, m, d.x + s * N, BATCH, grads, &rng, &err));
            for (size_t k = 0; k < N * N; k++) w[k] -= 0.01f * gw[k];
        }
    double gap = energy_gap(m, &d, 5), fixed = hop_fixed_fraction(m, &d),
           overlap = hop_overlap(m, &d, 0.1, 3), overlap_hebb = hop_overlap(hebb, &d, 0.1, 3);
    printf("  trained: gap %.4f fixed %.3f overlap %.3f (before %.3f, hebbian %.3f)\n",
           gap, fixed, overlap, overlap_before, overlap_hebb);
    ASSERT(gap > 0.003);
    ASSERT(fixed >= 0.95);
    ASSERT(overlap > 0.95);
    ASSERT(overlap > overlap_hebb + 0.2);
    int ok;
    assert_symmetric_zero_diagonal(w, N, &ok);
    ASSERT(ok);
    ebm_model_hopfield.xDestroy(m);
    ebm_model_hopfield.xDestroy(hebb);
    free(d.x);
}

int main(void) {
    RUN(hebbian_matches_formula);
    RUN(storkey_matches_formula);
    RUN(pseudo_inverse_matches_formula);
    RUN(pseudo_inverse_refuses_dependent_patterns);
    RUN(hebbian_capacity_shape);
    RUN(storkey_and_pseudo_inverse_beat_hebbian);
    RUN(gradient_matches_finite_difference);
    RUN(gradient_without_bias_leaves_b_alone);
    RUN(gradient_training_stores_patterns);
    TEST_MAIN_END();
}
