/* test_footprint.c — the memory check a run passes before it writes
 * anything: what it counts (parameters and their gradient, minibatch
 * states, every section's chains x temperatures and AIS runs, each times
 * the model's state length) and the key it names, against a memory size
 * given by the test so the answers do not depend on the machine. */
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "config_testutil.h"
#include "footprint.h"
#include "registry.h"
#include "test.h"

/* Rows of 16 values, 32 of them: only the sizes are read. */
static const ebm_dataset rows16 = {.n = 32, .dim = 16};

/* An RBM 16-1000 trained by PT (32 chains x 10 temperatures), batch 8, with
 * an AIS of 50 runs: parameters 16*1000 + 16 + 1000 = 17,016 floats, twice
 * in training (136,128 bytes); minibatch 2 x 8 x 1016 floats (65,024 bytes);
 * PT 320 x 1016 floats (1,300,480 bytes); AIS 50 x 1016 (203,200 bytes).
 * Total 1,704,832 bytes. */
static const char rbm_pt[] =
    "name: t\ndata: {type: bars_stripes, side: 4}\n"
    "model: {type: rbm, hidden: 1000}\n"
    "train: {epochs: 1, batch: 8, sampler: {type: pt, chains: 32, temperatures: 10}}\n"
    "log: {estimators: [{type: ais, runs: 50}]}\n";

TEST(counts_every_buffer_it_names) {
    ebm_node *cfg = ct_experiment(rbm_pt);
    ASSERT(cfg);
    ebm_error err = {0};
    ASSERT_EQ(ebm_footprint_check(cfg, &rows16, 1704832, &err), EBM_OK);
    ASSERT_EQ(ebm_footprint_check(cfg, &rows16, 1704831, &err), EBM_ECONFIG);
    ASSERT(strstr(err.msg, "needs at least 1.6 MB of memory and this machine has 1.6 MB"));
    ASSERT(strstr(err.msg, "the largest part is train.sampler's 320 states (chains x "
                           "temperatures) of 1016 units (1.2 MB): lower train.sampler.chains "
                           "or model.hidden"));
    ebm_node_free(cfg);
}

TEST(names_the_model_key_when_parameters_dominate) {
    ebm_node *cfg = ct_experiment("name: t\ndata: {type: bars_stripes, side: 4}\n"
                               "model: {type: rbm, hidden: 1e12}\n"
                               "train: {epochs: 0}\n");
    ASSERT(cfg);
    ebm_error err = {0};
    ASSERT_EQ(ebm_footprint_check(cfg, &rows16, 1e12, &err), EBM_ECONFIG);
    if (!strstr(err.msg, "the model's 1.7e+13 parameters (61.8 TB): lower model.hidden"))
        FAIL_("message: %s", err.msg);
    ebm_node_free(cfg);
}

TEST(a_shipped_size_passes_on_a_small_machine) {
    /* 784-500 with PCD: a few MB; 1 GB of memory is plenty. */
    ebm_node *cfg = ct_experiment("name: t\ndata: {type: bars_stripes, side: 4}\n"
                               "model: {type: rbm, hidden: 500}\n"
                               "train: {epochs: 5, batch: 100, sampler: {type: pcd}}\n"
                               "log: {estimators: [{type: ais}]}\n");
    ASSERT(cfg);
    ebm_dataset fashion = {.n = 60000, .dim = 784};
    ebm_error err = {0};
    ASSERT_EQ(ebm_footprint_check(cfg, &fashion, 1 << 30, &err), EBM_OK);
    ebm_node_free(cfg);
}

TEST(dbm_layers_are_summed) {
    /* 16-8-4 with 2 labels: 16*8 + 8 + 8*4 + 4 + 2*4 + 16 = 196 floats, no
     * training: 784 bytes; no chains. */
    ebm_node *cfg = ct_experiment("name: t\ndata: {type: bars_stripes, side: 4}\n"
                               "model: {type: dbm, layers: [8, 4], labels: 2, "
                               "pretrain: {epochs: 0}}\n"
                               "train: {epochs: 0}\n");
    ASSERT(cfg);
    ebm_error err = {0};
    ASSERT_EQ(ebm_footprint_check(cfg, &rows16, 784, &err), EBM_OK);
    ASSERT_EQ(ebm_footprint_check(cfg, &rows16, 783, &err), EBM_ECONFIG);
    ASSERT(strstr(err.msg, "lower model.layers"));
    ebm_node_free(cfg);
}

int main(void) {
    RUN(counts_every_buffer_it_names);
    RUN(names_the_model_key_when_parameters_dominate);
    RUN(a_shipped_size_passes_on_a_small_machine);
    RUN(dbm_layers_are_summed);
    TEST_MAIN_END();
}
