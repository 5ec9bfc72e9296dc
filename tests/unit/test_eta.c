/* test_eta.c — the run's ETA counts evaluation, estimator by estimator: an
 * estimator due every fifth epoch costs its own time at each of its epochs,
 * the log point just trained for is still to come, and the estimator under
 * way is finished by its reported progress. */
#include "cfg.h"
#include "eta.h"
#include "test.h"

static ebm_node *parse(const char *yaml) {
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "test.yaml", &err);
    if (!cfg) {
        fprintf(stderr, "parse: %s\n", err.msg);
        exit(1);
    }
    return cfg;
}

/* 10 epochs of 1 s; a cheap estimator every epoch (0.1 s) and AIS every
 * fifth (20 s), both timed once at the start. */
static const char *const schedule =
    "train: {epochs: 10}\n"
    "log:\n"
    "  every: {epochs: 1}\n"
    "  estimators:\n"
    "    - {type: recon}\n"
    "    - {type: ais, every: {epochs: 5}}\n";

TEST(each_estimator_at_its_own_epochs) {
    ebm_node *cfg = parse(schedule);
    ebm_eta eta;
    ebm_error err = {0};
    ASSERT_OK(ebm_eta_init(&eta, cfg, &err));
    ASSERT(ebm_eta_due(&eta, 1, 0) && ebm_eta_due(&eta, 1, 5) && ebm_eta_due(&eta, 1, 10));
    ASSERT(!ebm_eta_due(&eta, 1, 3) && ebm_eta_due(&eta, 0, 3));
    ebm_eta_estimator_took(&eta, 0, 0.1);
    ebm_eta_estimator_took(&eta, 1, 20.0);
    /* before any epoch is timed nothing is known */
    ASSERT(ebm_eta_left(&eta, 0, -1, 0, 0, 1) < 0);
    ebm_eta_epoch_took(&eta, 1.0, 1.0);
    /* after epoch 1, its log point still to come: 9 epochs, 10 cheap
     * evaluations (epochs 1..10) and AIS at 5 and 10 */
    ASSERT_NEAR(ebm_eta_left(&eta, 1, -1, 0, 0, 0), 9 + 1.0 + 40, 1e-9);
    /* once logged: epochs 2..10 */
    ASSERT_NEAR(ebm_eta_left(&eta, 1, -1, 0, 0, 1), 9 + 0.9 + 40, 1e-9);
    /* after epoch 9, AIS at 10 is still 20 s away from the end */
    ASSERT_NEAR(ebm_eta_left(&eta, 9, -1, 0, 0, 1), 1 + 0.1 + 20, 1e-9);
    ebm_eta_free(&eta);
    ebm_node_free(cfg);
}

TEST(the_estimator_under_way_by_its_progress) {
    ebm_node *cfg = parse(schedule);
    ebm_eta eta;
    ebm_error err = {0};
    ASSERT_OK(ebm_eta_init(&eta, cfg, &err));
    ebm_eta_estimator_took(&eta, 0, 0.1);
    ebm_eta_estimator_took(&eta, 1, 20.0);
    ebm_eta_epoch_took(&eta, 1.0, 1.0);
    /* the final log point, AIS 30 s in and a quarter done: 90 s more,
     * not the 0 its mean of 20 s would say */
    ASSERT_NEAR(ebm_eta_left(&eta, 10, 1, 30.0, 0.25, 0), 90.0, 1e-9);
    /* without progress, what its mean leaves */
    ASSERT_NEAR(ebm_eta_left(&eta, 10, 1, 5.0, 0, 0), 15.0, 1e-9);
    /* the cheap one under way at epoch 10: AIS still to come after it */
    ASSERT_NEAR(ebm_eta_left(&eta, 10, 0, 0.0, 0, 0), 0.1 + 20.0, 1e-9);
    ebm_eta_free(&eta);
    ebm_node_free(cfg);
}

TEST(a_one_shot_model_by_its_estimators) {
    ebm_node *cfg = parse("log: {estimators: [{type: ais}]}\n");
    ebm_eta eta;
    ebm_error err = {0};
    ASSERT_OK(ebm_eta_init(&eta, cfg, &err));
    ASSERT(ebm_eta_due(&eta, 0, 0));
    ASSERT_NEAR(ebm_eta_left(&eta, 0, 0, 10.0, 0.5, 0), 10.0, 1e-9);
    ebm_eta_free(&eta);
    ebm_node_free(cfg);
}

/* A resume part way through epoch 3 trains its last quarter in 0.25 s:
 * that is a quarter of an epoch, not a whole one, so the 7 epochs left take
 * 7 s, not 1.75 s. A stop before any minibatch counts nothing. */
TEST(a_resumed_epoch_counts_as_the_part_it_trained) {
    ebm_node *cfg = parse("train: {epochs: 10}\n");
    ebm_eta eta;
    ebm_error err = {0};
    ASSERT_OK(ebm_eta_init(&eta, cfg, &err));
    ebm_eta_epoch_took(&eta, 0.01, 0.0);
    ASSERT(ebm_eta_left(&eta, 3, -1, 0, 0, 1) < 0);
    ebm_eta_epoch_took(&eta, 0.25, 0.25);
    ASSERT_NEAR(ebm_eta_left(&eta, 3, -1, 0, 0, 1), 7.0, 1e-9);
    ebm_eta_epoch_took(&eta, 1.5, 1.0);
    ASSERT_NEAR(ebm_eta_left(&eta, 4, -1, 0, 0, 1), 6 * 1.75 / 1.25, 1e-9);
    ebm_eta_free(&eta);
    ebm_node_free(cfg);
}

int main(void) {
    RUN(each_estimator_at_its_own_epochs);
    RUN(the_estimator_under_way_by_its_progress);
    RUN(a_one_shot_model_by_its_estimators);
    RUN(a_resumed_epoch_counts_as_the_part_it_trained);
    TEST_MAIN_END();
}
