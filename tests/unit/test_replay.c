/* test_replay.c — the replay buffer of the short_run training sampler: ring
 * order, the share of picks that come from the buffer, uniform picks. */
#include "test.h"

#include "replay.h"

TEST(the_ring_replaces_its_oldest_state_first) {
    ebm_replay r;
    ebm_error err;
    ASSERT_OK(ebm_replay_init(&r, 3, 2, &err));
    float rows[8] = {1, 1, 2, 2, 3, 3, 4, 4};
    ebm_replay_push(&r, rows, 2);
    ASSERT(r.filled == 2);
    ebm_replay_push(&r, rows + 4, 2);   /* 3 fills the last slot, 4 replaces 1 */
    ASSERT(r.filled == 3);
    ASSERT(r.states[0] == 4 && r.states[1] == 4);
    ASSERT(r.states[2] == 2 && r.states[4] == 3);
    ebm_replay_free(&r);
}

TEST(an_empty_buffer_always_asks_for_noise) {
    ebm_replay r;
    ebm_error err;
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ASSERT_OK(ebm_replay_init(&r, 4, 1, &err));
    for (int i = 0; i < 100; i++) ASSERT(ebm_replay_pick(&r, 1.0, &rng) == NULL);
    ebm_replay_free(&r);
}

/* 20000 picks at fraction 0.95: the buffer's share has standard deviation
 * sqrt(0.95·0.05/20000) = 0.0015, so ±0.01 is more than 6 of them; each of
 * the 4 stored states gets a quarter of the picks (sd 0.0034, bound 0.02). */
TEST(picks_come_from_the_buffer_at_the_fraction_and_uniformly) {
    ebm_replay r;
    ebm_error err;
    ebm_rng rng;
    ebm_rng_seed(&rng, 2);
    ASSERT_OK(ebm_replay_init(&r, 4, 1, &err));
    float rows[4] = {0, 1, 2, 3};
    ebm_replay_push(&r, rows, 4);
    int from_buffer = 0, count[4] = {0};
    enum { PICKS = 20000 };
    for (int i = 0; i < PICKS; i++) {
        const float *x = ebm_replay_pick(&r, 0.95, &rng);
        if (!x) continue;
        from_buffer++;
        count[(int)x[0]]++;
    }
    ASSERT_NEAR((double)from_buffer / PICKS, 0.95, 0.01);
    for (int k = 0; k < 4; k++) ASSERT_NEAR((double)count[k] / from_buffer, 0.25, 0.02);
    ebm_replay_free(&r);
}

int main(void) {
    RUN(the_ring_replaces_its_oldest_state_first);
    RUN(an_empty_buffer_always_asks_for_noise);
    RUN(picks_come_from_the_buffer_at_the_fraction_and_uniformly);
    TEST_MAIN_END();
}
