/* test_log.c — the metric log: full names from prefix and quantity, latest
 * values in first-logged order, and write-through to the run file. */
#include <unistd.h>

#include "log.h"
#include "runfile.h"
#include "test.h"

static char tmp_dir[64];

TEST(names_and_latest_values_in_memory) {
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    ASSERT(log);
    ASSERT_EQ(ebm_log_count(log), 0);
    ebm_log_begin(log, 1, "ais", "ais", "valid");
    ASSERT_OK(ebm_log_metric(log, "logz", -120.5, &err));
    ASSERT_OK(ebm_log_metric(log, NULL, -80.25, &err));
    ebm_log_begin(log, 2, "recon", NULL, NULL);
    ASSERT_OK(ebm_log_metric(log, "", 0.5, &err));
    ebm_log_begin(log, 3, "ais", "ais", "valid");
    ASSERT_OK(ebm_log_metric(log, "logz", -110, &err));
    ebm_log_begin(log, 3, "", NULL, NULL);
    ASSERT_OK(ebm_log_metric(log, "lr", 0.01, &err));
    ebm_log_begin(log, 4, NULL, NULL, NULL);
    ASSERT_OK(ebm_log_metric(log, "nan_here", NAN, &err));
    ASSERT_EQ(ebm_log_metric(log, NULL, 1, &err), EBM_EINVAL);

    static const char *const order[] = {"ais_logz", "ais", "recon", "lr", "nan_here"};
    ASSERT_EQ(ebm_log_count(log), 5);
    for (int i = 0; i < 5; i++) {
        const char *name = ebm_log_name(log, i);
        if (!name || strcmp(name, order[i]) != 0)
            FAIL_("metric %d is %s, expected %s", i, name ? name : "(null)", order[i]);
    }
    ASSERT(ebm_log_name(log, 5) == NULL && ebm_log_name(log, -1) == NULL);
    double v = 0;
    ASSERT_EQ(ebm_log_last(log, "ais_logz", &v), 1);
    ASSERT(v == -110);
    ASSERT_EQ(ebm_log_last(log, "ais", &v), 1);
    ASSERT(v == -80.25);
    ASSERT_EQ(ebm_log_last(log, "recon", &v), 1);
    ASSERT(v == 0.5);
    ASSERT_EQ(ebm_log_last(log, "lr", &v), 1);
    ASSERT(v == 0.01);
    ASSERT_EQ(ebm_log_last(log, "nan_here", &v), 1);
    ASSERT(isnan(v));
    v = 7;
    ASSERT_EQ(ebm_log_last(log, "logz", &v), 0);
    ASSERT(v == 7);

    /* a trace's latest value is its last element; an empty one records nothing */
    ebm_log_begin(log, 5, "recall", "recall", NULL);
    const double energy[3] = {-1, -4, -4.5};
    ASSERT_OK(ebm_log_trace(log, "energy", energy, 3, "sweep", &err));
    ASSERT_EQ(ebm_log_last(log, "recall_energy", &v), 1);
    ASSERT(v == -4.5);
    ASSERT_OK(ebm_log_trace(log, "empty", NULL, 0, "sweep", &err));
    ASSERT_EQ(ebm_log_last(log, "recall_empty", &v), 0);
    /* without a run file, images go nowhere and that is fine */
    float x[4] = {0};
    ASSERT_OK(ebm_log_images(log, NULL, x, 1, 4, 2, 2, NULL, &err));
    ASSERT_EQ(ebm_log_count(log), 6);
    ebm_log_free(log);
    ebm_log_free(NULL);
}

TEST(many_metrics_grow) {
    ebm_error err = {0};
    ebm_log *log = ebm_log_new(NULL);
    ASSERT(log);
    char quantity[16];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 100; i++) {
            snprintf(quantity, sizeof quantity, "q%d", i);
            ebm_log_begin(log, round, "m", NULL, NULL);
            ASSERT_OK(ebm_log_metric(log, quantity, 1000 * round + i, &err));
        }
    ASSERT_EQ(ebm_log_count(log), 100);
    ASSERT(strcmp(ebm_log_name(log, 57), "m_q57") == 0);
    double v;
    ASSERT_EQ(ebm_log_last(log, "m_q57", &v), 1);
    ASSERT(v == 1057);
    ebm_log_free(log);
}

TEST(writes_through_to_run_file) {
    char path[128];
    snprintf(path, sizeof path, "%s/log.h5", tmp_dir);
    ebm_error err = {0};
    ebm_runfile *rf = ebm_runfile_create(path, "seed: 1\n", 1, &err);
    ASSERT(rf);
    ebm_log *log = ebm_log_new(rf);
    ASSERT(log);
    ebm_log_begin(log, 10, "pl", "pseudo_likelihood", "valid");
    ASSERT_OK(ebm_log_metric(log, NULL, -0.75, &err));
    ebm_log_begin(log, 20, "pl", "pseudo_likelihood", "valid");
    ASSERT_OK(ebm_log_metric(log, NULL, -0.5, &err));
    ebm_log_begin(log, 20, "recall", "recall", NULL);
    ASSERT_OK(ebm_log_metric(log, "overlap", 0.875, &err));
    const double energy[2] = {-2, -3};
    ASSERT_OK(ebm_log_trace(log, "energy", energy, 2, "sweep", &err));
    float samples[6] = {1, 2, 3, 4, 5, 6};
    ASSERT_OK(ebm_log_images(log, NULL, samples, 1, 6, 2, 3, NULL, &err));
    float triples[6] = {1, 0, 0, 1, 1, 1};
    ASSERT_OK(ebm_log_images(log, "triples", triples, 3, 2, 0, 0, "pattern,corrupted,recalled", &err));
    /* a bad name fails in the run file and is then not remembered either */
    ASSERT_EQ(ebm_log_metric(log, "a/b", 1, &err), EBM_EINVAL);
    double v;
    ASSERT_EQ(ebm_log_last(log, "recall_a/b", &v), 0);
    ASSERT_OK(ebm_runfile_close(rf, &err));
    ebm_log_free(log);

    ebm_runinfo info;
    int rc = ebm_runfile_read(path, &info, &err);
    if (rc) FAIL_("read: %s", err.msg);
    ASSERT_EQ(info.n_metrics, 3);
    const ebm_series *pl = ebm_runinfo_metric(&info, "pl");
    ASSERT(pl && pl->n == 2 && pl->step[0] == 10 && pl->step[1] == 20);
    ASSERT(pl->value[0] == -0.75 && pl->value[1] == -0.5);
    ASSERT(strcmp(pl->estimator, "pseudo_likelihood") == 0 && strcmp(pl->split, "valid") == 0);
    const ebm_series *overlap = ebm_runinfo_metric(&info, "recall_overlap");
    ASSERT(overlap && overlap->n == 1 && overlap->step[0] == 20 && overlap->value[0] == 0.875);
    ASSERT(strcmp(overlap->estimator, "recall") == 0 && strcmp(overlap->split, "") == 0);
    const ebm_series *trace = ebm_runinfo_metric(&info, "recall_energy");
    ASSERT(trace && trace->n == 2 && trace->step[1] == 1 && trace->value[1] == -3);
    ASSERT(strcmp(trace->axis, "sweep") == 0 && strcmp(trace->estimator, "recall") == 0);
    ebm_runinfo_free(&info);

    ebm_image_set *sets;
    int n;
    rc = ebm_runfile_read_images(path, &sets, &n, &err);
    if (rc) FAIL_("read images: %s", err.msg);
    ASSERT_EQ(n, 2);
    ASSERT(strcmp(sets[0].path, "/images/recall_triples/0000000020") == 0);
    ASSERT(strcmp(sets[0].layout, "pattern,corrupted,recalled") == 0);
    ASSERT(sets[0].n == 3 && sets[0].dim == 2 && sets[0].data[5] == 1);
    ASSERT(strcmp(sets[1].path, "/samples/0000000020") == 0);
    ASSERT(sets[1].height == 2 && sets[1].width == 3 && sets[1].data[5] == 6);
    ebm_image_sets_free(sets, n);
    unlink(path);
}

/* NaN anywhere, and an infinity except at an interval's end or as an AIS
 * sandwich's width, is what the runner stops on; the first one is kept until cleared. */
TEST(divergence_is_the_first_non_finite_metric) {
    ebm_log *log = ebm_log_new(NULL);
    ebm_error err;
    double value = 0;
    ebm_log_begin(log, 3, "ais", "ais", "test");
    ASSERT_OK(ebm_log_metric(log, "loglik", -80.0, &err));
    ASSERT_OK(ebm_log_metric(log, "loglik_lo", -INFINITY, &err));
    ASSERT_OK(ebm_log_metric(log, "log_z_hi", INFINITY, &err));
    ASSERT_OK(ebm_log_metric(log, "sandwich_gap", INFINITY, &err));
    ASSERT(ebm_log_divergence(log, &value) == NULL);
    ASSERT_OK(ebm_log_metric(log, "ess", NAN, &err));
    ASSERT_OK(ebm_log_metric(log, "log_z", INFINITY, &err));
    const char *name = ebm_log_divergence(log, &value);
    ASSERT(name && strcmp(name, "ais_ess") == 0);
    ASSERT(isnan(value));
    ebm_log_clear_divergence(log);
    ASSERT(ebm_log_divergence(log, &value) == NULL);
    ASSERT_OK(ebm_log_metric(log, "log_z", -INFINITY, &err));
    name = ebm_log_divergence(log, &value);
    ASSERT(name && strcmp(name, "ais_log_z") == 0 && value < 0);
    ebm_log_free(log);
}

int main(void) {
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ebm-test-log-XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(names_and_latest_values_in_memory);
    RUN(many_metrics_grow);
    RUN(writes_through_to_run_file);
    RUN(divergence_is_the_first_non_finite_metric);
    rmdir(tmp_dir);
    TEST_MAIN_END();
}
