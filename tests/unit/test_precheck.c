/* test_precheck.c — what `ebm validate` checks of the data before reading a
 * row (ebm_precheck), and how a test set is made like the training rows
 * (ebm_dataset_prepare_like). The memory check from the config must count
 * what the check on the loaded data counts, to the byte; a test set that
 * cannot be read, or whose rows are not the training rows' length, must be
 * refused at validation with the message the run would give; and a test
 * set must be labelled and standardised as the training rows were. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "config_testutil.h"
#include "dataset.h"
#include "footprint.h"
#include "precheck.h"
#include "runner.h"
#include "test.h"

static char dir[] = "/tmp/ebm-test-precheck-XXXXXX";

/* Before the data are read, the shape stands in for them: the check from
 * the config alone must say what the check on the loaded, labelled and
 * split data says, to the byte (a limit of 1 byte makes both print the
 * whole count). */
TEST(config_check_counts_as_the_loaded_data) {
    static const char *const experiments[] = {
        "name: t\ndata: {type: bars_stripes, side: 4}\n"
        "model: {type: rbm, hidden: 1000}\n"
        "train: {epochs: 1, batch: 8, sampler: {type: pt, chains: 32, temperatures: 10}}\n"
        "log: {estimators: [{type: ais, runs: 50}]}\n",
        /* labels appended (2 classes) and 6 rows held out: 24 rows of 18 */
        "name: t\ndata: {type: bars_stripes, side: 4, append_labels: true, valid: 6}\n"
        "model: {type: rbm, hidden: 300}\n"
        "train: {epochs: 1, batch: 100, sampler: {type: pcd, chains: 7}}\n",
        "name: t\ndata: {type: shifter, bits: 5, valid: 90}\n"
        "model: {type: dbm, layers: [30, 20], pretrain: {epochs: 0}}\n"
        "train: {epochs: 2, batch: 20}\n"
        "log: {estimators: [{type: dbm_ais, runs: 40}]}\n",
    };
    for (size_t i = 0; i < sizeof experiments / sizeof *experiments; i++) {
        ebm_node *cfg = ct_experiment(experiments[i]);
        ASSERT(cfg);
        ebm_rng root;
        ebm_rng_seed(&root, 1);
        ebm_dataset train, valid;
        ebm_error err = {0}, loaded = {0}, from_config = {0};
        ASSERT_OK(ebm_setup_data(cfg, &root, &train, &valid, &err));
        ASSERT_EQ(ebm_footprint_check(cfg, &train, 1, &loaded), EBM_ECONFIG);
        ASSERT_EQ(ebm_precheck(cfg, 1, &from_config), EBM_ECONFIG);
        if (strcmp(loaded.msg, from_config.msg) != 0)
            FAIL_("experiment %zu:\n  loaded      %s\n  from config %s", i, loaded.msg,
                  from_config.msg);
        ebm_dataset_free(&train);
        ebm_dataset_free(&valid);
        ebm_node_free(cfg);
    }
}

/* An experiment on dir/train.csv (3 feature columns) whose one estimator
 * reads `test` as its test set. */
static ebm_node *with_test_set(const char *test) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "name: t\ndata: {type: csv, path: %s/train.csv}\n"
             "model: {type: rbm, hidden: 2}\n"
             "log: {estimators: [{type: reconstruction, split: test, test: %s}]}\n",
             dir, test);
    return ct_experiment(yaml);
}

TEST(a_test_set_must_open_and_match_the_rows) {
    char test[600];
    ebm_error err = {0};
    snprintf(test, sizeof test, "{type: csv, path: %s/test.csv}", dir);
    ebm_node *cfg = with_test_set(test);
    ASSERT(cfg);
    ASSERT_OK(ebm_precheck(cfg, 0, &err));
    ebm_node_free(cfg);

    snprintf(test, sizeof test, "{type: csv, path: %s/missing.csv}", dir);
    cfg = with_test_set(test);
    ASSERT(cfg);
    ASSERT_EQ(ebm_precheck(cfg, 0, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "log.estimators[0] (reconstruction): test: data (csv): ");
    ASSERT_STR_CONTAINS(err.msg, "missing.csv: cannot open");
    ebm_node_free(cfg);

    snprintf(test, sizeof test, "{type: csv, path: %s/wide.csv}", dir);
    cfg = with_test_set(test);
    ASSERT(cfg);
    ASSERT_EQ(ebm_precheck(cfg, 0, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "rows have 4 columns, the training data 3");
    ebm_node_free(cfg);
}

/* Standardised training rows: a test set holding the same rows must come
 * out the same, by the training rows' statistics (a test set standardised
 * by its own, or not at all, would not). */
TEST(a_test_set_is_standardised_by_the_training_statistics) {
    float train_x[] = {1, 10, 3, 20, 5, 60}, test_x[] = {3, 20, 7, 0};
    ebm_dataset train = {.n = 3, .dim = 2}, test = {.n = 2, .dim = 2};
    train.x = malloc(sizeof train_x);
    test.x = malloc(sizeof test_x);
    ASSERT(train.x && test.x);
    memcpy(train.x, train_x, sizeof train_x);
    memcpy(test.x, test_x, sizeof test_x);
    ebm_error err = {0};
    ASSERT_OK(ebm_dataset_standardize(&train, NULL, &err));
    ASSERT_OK(ebm_dataset_prepare_like(&train, &test, &err));
    /* the test's first row is the training's second */
    ASSERT(test.x[0] == train.x[2] && test.x[1] == train.x[3]);
    /* column 0: mean 3, sd sqrt(8/3); 7 is 4 above the mean */
    ASSERT(fabs(test.x[2] - 4.0 / sqrt(8.0 / 3.0)) < 1e-6);
    ebm_dataset_free(&train);
    ebm_dataset_free(&test);
}

/* Labels appended to the training rows: the test set gets the same number
 * of one-hot columns even when its own labels stop short of the last
 * class, and a label past the training classes is refused. */
TEST(a_test_set_gets_the_training_label_columns) {
    ebm_dataset train = {.n = 2, .dim = 1, .n_classes = 3}, test = {.n = 1, .dim = 1,
                                                                    .n_classes = 1};
    train.x = calloc(2, sizeof *train.x);
    train.labels = calloc(2, sizeof *train.labels);
    test.x = calloc(1, sizeof *test.x);
    test.labels = calloc(1, sizeof *test.labels);
    ASSERT(train.x && train.labels && test.x && test.labels);
    train.labels[1] = 2;
    ebm_error err = {0};
    ASSERT_OK(ebm_dataset_append_labels(&train, &err));
    ASSERT_OK(ebm_dataset_prepare_like(&train, &test, &err));
    ASSERT_EQ(test.dim, 4);
    ASSERT(test.x[1] == 1.0f && test.x[2] == 0.0f && test.x[3] == 0.0f);

    ebm_dataset wide = {.n = 1, .dim = 1, .n_classes = 4};
    wide.x = calloc(1, sizeof *wide.x);
    wide.labels = calloc(1, sizeof *wide.labels);
    ASSERT(wide.x && wide.labels);
    wide.labels[0] = 3;
    ASSERT_EQ(ebm_dataset_prepare_like(&train, &wide, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "labels up to 3, and the training rows have 3 classes");
    ebm_dataset_free(&train);
    ebm_dataset_free(&test);
    ebm_dataset_free(&wide);
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    ct_write_file(dir, "train.csv", "1,2,3\n4,5,6\n");
    ct_write_file(dir, "test.csv", "7,8,9\n");
    ct_write_file(dir, "wide.csv", "1,2,3,4\n");
    RUN(config_check_counts_as_the_loaded_data);
    RUN(a_test_set_must_open_and_match_the_rows);
    RUN(a_test_set_is_standardised_by_the_training_statistics);
    RUN(a_test_set_gets_the_training_label_columns);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    TEST_MAIN_END();
}
