/* test_rng.c — the RNG streams: determinism, independence of derived streams
 * from creation order, the distributions (chi-square and moment checks
 * with bounds a correct generator fails with probability < 1e-6), and the
 * side-by-side uniforms equal to the one-stream ones. */
#include "rng.h"
#include "test.h"

TEST(same_seed_same_numbers) {
    ebm_rng a, b;
    ebm_rng_seed(&a, 42);
    ebm_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++) ASSERT(ebm_rng_u64(&a) == ebm_rng_u64(&b));
    ebm_rng_seed(&b, 43);
    ebm_rng_seed(&a, 42);
    int same = 0;
    for (int i = 0; i < 1000; i++) same += ebm_rng_u64(&a) == ebm_rng_u64(&b);
    ASSERT(same == 0);
}

TEST(derived_streams_ignore_order_and_parent_use) {
    ebm_rng root, c1, c2, again;
    ebm_rng_seed(&root, 7);
    ebm_rng_derive(&c1, &root, 5);
    uint64_t first = ebm_rng_u64(&c1);
    /* Drawing from the parent and deriving other children first changes nothing. */
    for (int i = 0; i < 10; i++) ebm_rng_u64(&root);
    ebm_rng_derive(&c2, &root, 4);
    ebm_rng_derive(&again, &root, 5);
    ASSERT(ebm_rng_u64(&again) == first);
    ASSERT(ebm_rng_u64(&c2) != first);
    ebm_rng n1, n2;
    ebm_rng_named(&n1, &root, "data");
    ebm_rng_named(&n2, &root, "model");
    ASSERT(ebm_rng_u64(&n1) != ebm_rng_u64(&n2));
}

TEST(uniform_chi_square) {
    ebm_rng r;
    ebm_rng_seed(&r, 1);
    enum { BINS = 64, N = 640000 };
    long counts[BINS] = {0};
    for (int i = 0; i < N; i++) {
        double u = ebm_rng_uniform(&r);
        ASSERT(u >= 0.0 && u < 1.0);
        counts[(int)(u * BINS)]++;
    }
    double chi2 = 0, expected = (double)N / BINS;
    for (int k = 0; k < BINS; k++) chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
    /* 63 degrees of freedom: P(chi2 > 130) < 1e-6 */
    ASSERT(chi2 < 130.0);
}

TEST(below_is_unbiased) {
    ebm_rng r;
    ebm_rng_seed(&r, 2);
    enum { N = 7, DRAWS = 700000 };
    long counts[N] = {0};
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = ebm_rng_below(&r, N);
        ASSERT(v < N);
        counts[v]++;
    }
    double chi2 = 0, expected = (double)DRAWS / N;
    for (int k = 0; k < N; k++) chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
    ASSERT(chi2 < 40.0);   /* 6 dof: P(chi2 > 40) ~ 5e-7 */
    ASSERT_EQ(ebm_rng_below(&r, 1), 0);
}

TEST(normal_moments) {
    ebm_rng r;
    ebm_rng_seed(&r, 3);
    enum { N = 400000 };
    double sum = 0, sum2 = 0, sum4 = 0;
    for (int i = 0; i < N; i++) {
        double x = ebm_rng_normal(&r);
        sum += x;
        sum2 += x * x;
        sum4 += x * x * x * x;
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    /* 5-sigma bounds: sd(mean) = 1/sqrt(N), sd(var) ~ sqrt(2/N), sd(m4) ~ sqrt(96/N) */
    ASSERT_NEAR(mean, 0.0, 5.0 / sqrt((double)N));
    ASSERT_NEAR(var, 1.0, 5.0 * sqrt(2.0 / N));
    ASSERT_NEAR(sum4 / N, 3.0, 5.0 * sqrt(96.0 / N));
}

TEST(shuffle_is_a_permutation_and_uniform) {
    ebm_rng r;
    ebm_rng_seed(&r, 4);
    enum { DRAWS = 60000 };
    long counts[6] = {0};   /* the 3! orders of {0,1,2} */
    for (int i = 0; i < DRAWS; i++) {
        size_t idx[3] = {0, 1, 2};
        ebm_rng_shuffle(&r, idx, 3);
        ASSERT(idx[0] + idx[1] + idx[2] == 3 && idx[0] != idx[1] && idx[1] != idx[2] &&
               idx[0] != idx[2]);
        counts[idx[0] * 2 + (idx[1] > idx[2])]++;
    }
    double chi2 = 0, expected = DRAWS / 6.0;
    for (int k = 0; k < 6; k++) chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
    ASSERT(chi2 < 37.0);   /* 5 dof: P(chi2 > 37) ~ 6e-7 */
}

/* Every lane count, odd and even lengths, a row stride wider than the row,
 * and two calls in a row (the states written back): the same floats, the
 * same states, as each stream filled on its own; the stride's gap untouched. */
TEST(lanes_give_the_one_stream_floats) {
    enum { LD = 40 };
    ebm_rng parent;
    ebm_rng_seed(&parent, 11);
    for (size_t lanes = 1; lanes <= EBM_RNG_LANES; lanes++)
        for (size_t n = 1; n <= 33; n += 4) {
            ebm_rng alone[EBM_RNG_LANES], together[EBM_RNG_LANES];
            for (size_t l = 0; l < lanes; l++) {
                ebm_rng_derive(&alone[l], &parent, 100 * lanes + l);
                together[l] = alone[l];
            }
            for (int call = 0; call < 2; call++) {
                float want[EBM_RNG_LANES][LD], got[EBM_RNG_LANES][LD];
                for (size_t l = 0; l < EBM_RNG_LANES; l++)
                    for (size_t i = 0; i < LD; i++) got[l][i] = -1.0f;
                for (size_t l = 0; l < lanes; l++) ebm_rng_fill_uniformf(&alone[l], want[l], n);
                ebm_rng_fill_uniformf_lanes(together, lanes, got[0], LD, n);
                for (size_t l = 0; l < lanes; l++) {
                    ASSERT(memcmp(want[l], got[l], n * sizeof(float)) == 0);
                    for (size_t i = n; i < LD; i++) ASSERT(got[l][i] == -1.0f);
                    ASSERT(memcmp(alone[l].s, together[l].s, sizeof alone[l].s) == 0);
                }
                for (size_t l = lanes; l < EBM_RNG_LANES; l++) ASSERT(got[l][0] == -1.0f);
            }
        }
}

int main(void) {
    RUN(same_seed_same_numbers);
    RUN(derived_streams_ignore_order_and_parent_use);
    RUN(uniform_chi_square);
    RUN(below_is_unbiased);
    RUN(normal_moments);
    RUN(shuffle_is_a_permutation_and_uniform);
    RUN(lanes_give_the_one_stream_floats);
    TEST_MAIN_END();
}
