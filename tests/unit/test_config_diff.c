/* test_config_diff.c — what differs between runs' configs and the legend
 * labels made from it: the differing keys shortened where unambiguous, the
 * experiment's name alone when runs of different experiments are compared,
 * the description never. */
#include "config_diff.h"
#include "test.h"

static void label(const char *const *yamls, int n, int i, char *out, size_t size) {
    ebm_config_diff d;
    ebm_error err;
    ebm_error_clear(&err);
    if (ebm_config_diff_make(yamls, n, &d, &err) != EBM_OK) {
        snprintf(out, size, "(the diff failed)");
        return;
    }
    ebm_config_diff_label(&d, i, out, size);
    ebm_config_diff_free(&d);
}

TEST(sweep_points_are_labelled_by_their_keys) {
    const char *yamls[] = {
        "name: cap\ndescription: a sweep\ndata: {load: 0.05}\nmodel: {rule: hebbian}\n",
        "name: cap\ndescription: a sweep\ndata: {load: 0.1}\nmodel: {rule: storkey}\n"};
    char text[256];
    label(yamls, 2, 1, text, sizeof text);
    ASSERT(strcmp(text, "load=0.1 rule=storkey") == 0);
    label(yamls, 2, 0, text, sizeof text);
    ASSERT(strcmp(text, "load=0.05 rule=hebbian") == 0);
}

TEST(different_experiments_are_labelled_by_name) {
    const char *yamls[] = {
        "name: rbm-tour\ndescription: an RBM on Fashion\nmodel: {type: rbm, hidden: 64}\n",
        "name: dbm-bas\ndescription: a DBM on bars\nmodel: {type: dbm, layers: [4, 4]}\n"};
    char text[256];
    label(yamls, 2, 0, text, sizeof text);
    ASSERT(strcmp(text, "rbm-tour") == 0);
    label(yamls, 2, 1, text, sizeof text);
    ASSERT(strcmp(text, "dbm-bas") == 0);
}

TEST(descriptions_stay_out_of_labels) {
    const char *yamls[] = {"name: a\ndescription: first try\ntrain: {optim: {lr: 0.1}}\n",
                           "name: a\ndescription: second try\ntrain: {optim: {lr: 0.01}}\n"};
    char text[256];
    label(yamls, 2, 1, text, sizeof text);
    ASSERT(strcmp(text, "lr=0.01") == 0);
}

int main(void) {
    RUN(sweep_points_are_labelled_by_their_keys);
    RUN(different_experiments_are_labelled_by_name);
    RUN(descriptions_stay_out_of_labels);
    TEST_MAIN_END();
}
