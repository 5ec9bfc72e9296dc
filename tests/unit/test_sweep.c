/* test_sweep.c — sweep expressions (lists, Hydra ranges, errors), the grid's
 * order and point names, child-process spawning, and the summary table built
 * from synthetic run files (CSV text checked exactly, HDF5 read back). */
#include <hdf5.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "claim.h"
#include "proc.h"
#include "runfile.h"
#include "summary.h"
#include "sweep_grid.h"
#include "test.h"

static int values_are(const ebm_sweep_axis *axis, const char *const *want, int n) {
    if (axis->n != n) return 0;
    for (int i = 0; i < n; i++)
        if (strcmp(axis->values[i], want[i]) != 0) return 0;
    return 1;
}

TEST(axis_lists) {
    ebm_sweep_axis axis;
    ebm_error err;
    ASSERT_OK(ebm_sweep_parse_axis("model.rule=hebb,storkey", &axis, &err));
    ASSERT(strcmp(axis.key, "model.rule") == 0);
    ASSERT(values_are(&axis, (const char *[]){"hebb", "storkey"}, 2));
    ebm_sweep_axis_free(&axis);

    /* commas inside brackets, braces and quotes do not split; blanks trim */
    ASSERT_OK(ebm_sweep_parse_axis("a.b= [1,2] , {k: 1, j: 2},'x,y', \"p,q\"",
                                   &axis, &err));
    ASSERT(values_are(&axis, (const char *[]){"[1,2]", "{k: 1, j: 2}", "'x,y'",
                                              "\"p,q\""}, 4));
    ebm_sweep_axis_free(&axis);

    ASSERT_OK(ebm_sweep_parse_axis("seed=7", &axis, &err));
    ASSERT(values_are(&axis, (const char *[]){"7"}, 1));
    ebm_sweep_axis_free(&axis);
}

TEST(axis_ranges) {
    ebm_sweep_axis axis;
    ebm_error err;
    /* floats, stop excluded, values from start + i*step printed with %.10g */
    ASSERT_OK(ebm_sweep_parse_axis("data.load=range(0.05,0.26,0.01)", &axis, &err));
    ASSERT_EQ(axis.n, 21);
    ASSERT(strcmp(axis.values[0], "0.05") == 0);
    ASSERT(strcmp(axis.values[1], "0.06") == 0);
    ASSERT(strcmp(axis.values[10], "0.15") == 0);
    ASSERT(strcmp(axis.values[20], "0.25") == 0);
    ebm_sweep_axis_free(&axis);

    /* 0.1 + 2*0.1 shows as 0.3; 0.4 (stop, up to rounding) is excluded */
    ASSERT_OK(ebm_sweep_parse_axis("x=range(0.1,0.4,0.1)", &axis, &err));
    ASSERT(values_are(&axis, (const char *[]){"0.1", "0.2", "0.3"}, 3));
    ebm_sweep_axis_free(&axis);

    ASSERT_OK(ebm_sweep_parse_axis("model.hidden=range(64,513,64)", &axis, &err));
    ASSERT(values_are(&axis, (const char *[]){"64", "128", "192", "256", "320",
                                              "384", "448", "512"}, 8));
    ebm_sweep_axis_free(&axis);

    ASSERT_OK(ebm_sweep_parse_axis("k=range(0,3)", &axis, &err));
    ASSERT(values_are(&axis, (const char *[]){"0", "1", "2"}, 3));
    ebm_sweep_axis_free(&axis);

    /* integral floats still print as integers, no "-0" */
    ASSERT_OK(ebm_sweep_parse_axis("k=range(2.0, -1, -1.0)", &axis, &err));
    ASSERT(values_are(&axis, (const char *[]){"2", "1", "0"}, 3));
    ebm_sweep_axis_free(&axis);

    ASSERT_OK(ebm_sweep_parse_axis("t=range(1,0,-0.25)", &axis, &err));
    ASSERT(values_are(&axis, (const char *[]){"1", "0.75", "0.5", "0.25"}, 4));
    ebm_sweep_axis_free(&axis);
}

TEST(axis_errors) {
    ebm_sweep_axis axis;
    ebm_error err;
    struct {
        const char *expr, *reason;
    } cases[] = {
        {"k=range(0,1,0)", "step is zero"},
        {"k=range(5)", "got 1 argument"},
        {"k=range(1,2,3,4)", "got 4 argument"},
        {"k=range(0,abc)", "'abc' is not a number"},
        {"k=range(0,1", "not closed"},
        {"k=range(1,0)", "empty"},
        {"k=1,,2", "empty value (value 2)"},
        {"k=1,2,", "empty value (value 3)"},
        {"k=", "no values"},
        {"=1,2", "empty key"},
        {"k", "expected key=values"},
        {"k='a,b", "unterminated quote"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ebm_error_clear(&err);
        int rc = ebm_sweep_parse_axis(cases[i].expr, &axis, &err);
        if (rc != EBM_ECONFIG) FAIL_("%s: rc %d, want ECONFIG", cases[i].expr, rc);
        ASSERT_STR_CONTAINS(err.msg, cases[i].expr);
        ASSERT_STR_CONTAINS(err.msg, cases[i].reason);
        ASSERT(axis.n == 0 && axis.values == NULL && axis.key == NULL);
    }
}

static ebm_node *sweep_block(const char *yaml) {
    ebm_error err;
    ebm_node *root = ebm_cfg_parse_string(yaml, strlen(yaml), "exp.yaml", &err);
    if (!root) fprintf(stderr, "parse: %s\n", err.msg);
    return root;
}

TEST(grid_order_and_names) {
    ebm_node *root = sweep_block("name: x\n"
                                 "sweep:\n"
                                 "  data.load: \"range(0.05,0.08,0.01)\"\n"
                                 "  model.rule: [hebb, storkey]\n");
    ASSERT(root);
    char *args[] = {"model.rule=hebb,storkey,pinv", "train.epochs=3", "seed=1,2"};
    ebm_sweep_grid grid;
    ebm_error err;
    int rc = ebm_sweep_grid_build(ebm_node_at(root, "sweep"), args, 3, &grid, &err);
    ebm_node_free(root);
    if (rc) FAIL_("grid: %s", err.msg);
    /* file keys first (model.rule replaced in place), then new keys */
    ASSERT_EQ(grid.n_axes, 3);
    ASSERT(strcmp(grid.axes[0].key, "data.load") == 0);
    ASSERT(strcmp(grid.axes[1].key, "model.rule") == 0);
    ASSERT(strcmp(grid.axes[2].key, "seed") == 0);
    ASSERT_EQ(grid.axes[1].n, 3);
    ASSERT_EQ(grid.n_plain, 1);
    ASSERT(strcmp(grid.plain[0], "train.epochs=3") == 0);
    ASSERT_EQ(grid.n_points, 18);
    /* the last key varies fastest */
    ASSERT(strcmp(grid.points[0].name, "000") == 0);
    ASSERT(strcmp(grid.points[0].overrides[0], "data.load=0.05") == 0);
    ASSERT(strcmp(grid.points[1].overrides[2], "seed=2") == 0);
    ASSERT(strcmp(grid.points[2].overrides[1], "model.rule=storkey") == 0);
    ASSERT(strcmp(grid.points[6].overrides[0], "data.load=0.06") == 0);
    ASSERT(strcmp(grid.points[17].name, "017") == 0);
    ASSERT(strcmp(grid.points[17].overrides[0], "data.load=0.07") == 0);
    ASSERT(strcmp(grid.points[17].overrides[2], "seed=2") == 0);
    ASSERT(strcmp(grid.points[17].overrides[1], "model.rule=pinv") == 0);
    ASSERT_EQ(grid.points[17].index[0], 2);
    ebm_sweep_grid_free(&grid);
}

TEST(grid_plain_override_pins_file_axis) {
    ebm_node *root = sweep_block("sweep: {data.load: \"0.1,0.2\", model.rule: hebb}\n");
    ASSERT(root);
    char *args[] = {"data.load=0.3"};
    ebm_sweep_grid grid;
    ebm_error err;
    int rc = ebm_sweep_grid_build(ebm_node_at(root, "sweep"), args, 1, &grid, &err);
    ebm_node_free(root);
    if (rc) FAIL_("grid: %s", err.msg);
    ASSERT_EQ(grid.n_plain, 0);
    ASSERT_EQ(grid.n_points, 1);
    ASSERT(strcmp(grid.points[0].overrides[0], "data.load=0.3") == 0);
    ASSERT(strcmp(grid.points[0].overrides[1], "model.rule=hebb") == 0);
    ebm_sweep_grid_free(&grid);

    /* no axes at all: one point */
    ASSERT_OK(ebm_sweep_grid_build(NULL, NULL, 0, &grid, &err));
    ASSERT_EQ(grid.n_points, 1);
    ASSERT(strcmp(grid.points[0].name, "000") == 0);
    ebm_sweep_grid_free(&grid);
}

/* Point names become directories: values that sanitise alike ("a/b" and
 * "a_b") must still give every point its own. */
TEST(grid_points_never_share_a_directory) {
    char *args[] = {"data.path=a/b,a_b,a:b", "seed=1,2"};
    ebm_sweep_grid grid;
    ebm_error err;
    int rc = ebm_sweep_grid_build(NULL, args, 2, &grid, &err);
    if (rc) FAIL_("grid: %s", err.msg);
    ASSERT_EQ(grid.n_points, 6);
    for (int i = 0; i < grid.n_points; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(grid.points[i].name, grid.points[j].name) == 0)
                FAIL_("points %d and %d share the directory %s", j, i, grid.points[i].name);
    ebm_sweep_grid_free(&grid);
}

TEST(grid_file_errors_have_positions) {
    ebm_node *root = sweep_block("sweep:\n  data.load: \"range(0,1,0)\"\n");
    ASSERT(root);
    ebm_sweep_grid grid;
    ebm_error err;
    ASSERT_EQ(ebm_sweep_grid_build(ebm_node_at(root, "sweep"), NULL, 0, &grid, &err),
              EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "exp.yaml:2:");
    ASSERT_STR_CONTAINS(err.msg, "sweep.data.load");
    ASSERT_STR_CONTAINS(err.msg, "step is zero");
    ebm_node_free(root);

    root = sweep_block("sweep:\n  model: {rule: hebb}\n");
    ASSERT_EQ(ebm_sweep_grid_build(ebm_node_at(root, "sweep"), NULL, 0, &grid, &err),
              EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "exp.yaml:2:");
    ebm_node_free(root);
}

TEST(point_names) {
    /* numbered, three digits, more when the grid needs them, so that they
     * sort in grid order */
    char *name = ebm_sweep_point_name(0, 21);
    ASSERT(name && strcmp(name, "000") == 0);
    free(name);
    name = ebm_sweep_point_name(20, 21);
    ASSERT(name && strcmp(name, "020") == 0);
    free(name);
    name = ebm_sweep_point_name(999, 1000);
    ASSERT(name && strcmp(name, "999") == 0);
    free(name);
    name = ebm_sweep_point_name(7, 1001);
    ASSERT(name && strcmp(name, "0007") == 0);
    free(name);
}

static void make_tmp(char *dir, size_t size) {
    snprintf(dir, size, "/tmp/ebm-test-sweep-XXXXXX");
    if (!mkdtemp(dir)) dir[0] = '\0';
}

static char *slurp(const char *path) {
    ebm_error err;
    return ebm_proc_read_file(path, NULL, &err);
}

TEST(spawn_and_wait) {
    char dir[64], log[128];
    make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    char *argv[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    pid_t pid;
    ebm_error err;
    ASSERT_OK(ebm_proc_spawn(argv, log, &pid, &err));
    int status = 0;
    ASSERT_EQ(ebm_proc_wait(pid, 1, &status), 1);
    ASSERT_EQ(ebm_proc_exit_code(status), 3);
    char *text = slurp(log);
    ASSERT(text && strcmp(text, "out\nerr\n") == 0);
    free(text);

    char *killed[] = {"/bin/sh", "-c", "kill -TERM $$; sleep 5", NULL};
    ASSERT_OK(ebm_proc_spawn(killed, NULL, &pid, &err));
    ASSERT_EQ(ebm_proc_wait(pid, 1, &status), 1);
    ASSERT_EQ(ebm_proc_exit_code(status), 128 + 15);

    char *missing[] = {"/nonexistent/ebm", "run", NULL};
    ASSERT_EQ(ebm_proc_spawn(missing, NULL, &pid, &err), EBM_EIO);
    ASSERT_STR_CONTAINS(err.msg, "/nonexistent/ebm");

    char *capture[] = {"/bin/sh", "-c", "echo 0123456789; echo tail >&2; exit 1", NULL};
    char *output = NULL;
    int code = 0;
    ASSERT_OK(ebm_proc_run_capture(capture, &output, 8, &code, &err));
    ASSERT_EQ(code, 1);
    ASSERT(output && strcmp(output, "89\ntail\n") == 0);   /* the last 8 bytes */
    free(output);
    unlink(log);
    rmdir(dir);
}

/* A run file with the given status and metrics (name, values...). */
static int write_run(const char *dir, const char *point, const char *status,
                     int n_metrics, const char *const *names, const int *counts,
                     const double *values) {
    char path[512];
    ebm_error err;
    snprintf(path, sizeof path, "%s/%s", dir, point);
    if (ebm_proc_mkdirs(path, &err)) return -1;
    snprintf(path, sizeof path, "%s/%s/run.h5", dir, point);
    ebm_runfile *rf = ebm_runfile_create(path, "name: t\n", 1, &err);
    if (!rf) return -1;
    int at = 0, rc = 0;
    for (int m = 0; m < n_metrics; m++)
        for (int i = 0; i < counts[m]; i++, at++)
            rc |= ebm_runfile_metric(rf, names[m], i, values[at], NULL, NULL, &err);
    rc |= ebm_runfile_status(rf, status, &err);
    rc |= ebm_runfile_close(rf, &err);
    return rc;
}

static double read_h5_double(const char *path, const char *dataset, int index) {
    double values[8] = {0};
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t set = H5Dopen2(file, dataset, H5P_DEFAULT);
    H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    H5Dclose(set);
    H5Fclose(file);
    return values[index];
}

TEST(summary_csv_and_h5) {
    char dir[64];
    make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    const char *p1 = "data.load=0.05,model.rule=hebb";
    const char *p2 = "data.load=0.06,model.rule=hebb";
    const char *p3 = "data.load=0.07,model.rule=hebb";
    ASSERT_OK(write_run(dir, p1, "completed", 2, (const char *[]){"recall", "energy"},
                        (int[]){3, 1}, (double[]){0.5, 0.75, 1.0, -12.25}));
    ASSERT_OK(write_run(dir, p2, "failed", 2, (const char *[]){"recall", "zeta"},
                        (int[]){1, 1}, (double[]){0.1, 1e-20}));
    /* p3 has no run file: failed */
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, p3);
    mkdir(path, 0755);

    char *points[] = {(char *)p1, (char *)p2, (char *)p3};
    char *keys[] = {"data.load", "model.rule"};
    char *params[] = {"0.05", "hebb", "0.06", "hebb", "0.07", "hebb"};
    ebm_summary s;
    ebm_error err;
    int rc = ebm_summary_collect(dir, 3, points, 2, keys, params, &s, &err);
    if (rc) FAIL_("collect: %s", err.msg);
    ASSERT_EQ(s.n_metrics, 3);
    ASSERT_OK(ebm_summary_set_status(&s, 2, "interrupted"));
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    ASSERT_OK(ebm_summary_write_csv(&s, path, &err));
    char *text = slurp(path);
    const char *want =
        "point,data.load,model.rule,status,energy,recall,zeta\n"
        "\"data.load=0.05,model.rule=hebb\",0.05,hebb,completed,-12.25,1,\n"
        "\"data.load=0.06,model.rule=hebb\",0.06,hebb,failed,,0.1,1e-20\n"
        "\"data.load=0.07,model.rule=hebb\",0.07,hebb,interrupted,,,\n";
    if (!text || strcmp(text, want) != 0)
        FAIL_("summary.csv:\n%s\nwant:\n%s", text ? text : "(null)", want);
    free(text);

    ebm_summary back;
    rc = ebm_summary_read_csv(path, &back, &err);
    if (rc) FAIL_("read csv: %s", err.msg);
    ASSERT_EQ(back.n_points, 3);
    ASSERT_EQ(back.n_keys, 2);
    ASSERT_EQ(back.n_metrics, 3);
    ASSERT(strcmp(back.points[1], p2) == 0);
    ASSERT(strcmp(back.params[2 * 2 + 0], "0.07") == 0);
    ASSERT(strcmp(back.status[2], "interrupted") == 0);
    ASSERT(back.final[0 * 3 + 0] == -12.25);
    ASSERT(back.final[1 * 3 + 2] == 1e-20);
    ASSERT(isnan(back.final[1 * 3 + 0]));
    ASSERT_EQ(ebm_summary_key(&back, "model.rule"), 1);
    ASSERT_EQ(ebm_summary_metric(&back, "zeta"), 2);
    ebm_summary_free(&back);

    snprintf(path, sizeof path, "%s/summary.h5", dir);
    ASSERT_OK(ebm_summary_write_h5(&s, path, &err));
    ASSERT(read_h5_double(path, "/metrics/recall", 0) == 1.0);
    ASSERT(read_h5_double(path, "/metrics/recall", 1) == 0.1);
    ASSERT(isnan(read_h5_double(path, "/metrics/recall", 2)));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "h5dump -d /params/data.load -d /status %s", path);
    FILE *dump = popen(cmd, "r");
    char buf[8192] = "";
    size_t got = dump ? fread(buf, 1, sizeof buf - 1, dump) : 0;
    buf[got] = '\0';
    if (dump) pclose(dump);
    ASSERT_STR_CONTAINS(buf, "(0): 0.05, 0.06, 0.07");
    ASSERT_STR_CONTAINS(buf, "\"completed\", \"failed\", \"interrupted\"");
    ebm_summary_free(&s);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ASSERT_OK(system(cmd));
}

/* The HDF5 type class of a summary.h5 dataset and its values as doubles. */
static H5T_class_t h5_class(const char *path, const char *dataset) {
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t set = H5Dopen2(file, dataset, H5P_DEFAULT);
    hid_t type = H5Dget_type(set);
    H5T_class_t c = H5Tget_class(type);
    H5Tclose(type);
    H5Dclose(set);
    H5Fclose(file);
    return c;
}

/* Swept numbers are stored as numbers, so a reader (h5py) can plot a final
 * metric against them; a key with any text stays strings. */
TEST(summary_h5_keeps_swept_numbers_as_numbers) {
    char dir[64], path[128];
    make_tmp(dir, sizeof dir);
    char *points[] = {"000", "001", "002"};
    char *keys[] = {"train.optim.lr", "model.hidden", "model.rule", "model.mixed"};
    char *params[] = {"0.05", "64", "hebb", "1",
                      "1e-3", "128", "storkey", "x",
                      "-2", "-7", "hebb", "3"};
    ebm_summary s;
    ebm_error err;
    ASSERT_OK(ebm_summary_collect(dir, 3, points, 4, keys, params, &s, &err));
    ASSERT_EQ(ebm_summary_key_kind(&s, 0), EBM_KEY_NUMBER);
    ASSERT_EQ(ebm_summary_key_kind(&s, 1), EBM_KEY_INT);
    ASSERT_EQ(ebm_summary_key_kind(&s, 2), EBM_KEY_TEXT);
    ASSERT_EQ(ebm_summary_key_kind(&s, 3), EBM_KEY_TEXT);
    snprintf(path, sizeof path, "%s/summary.h5", dir);
    ASSERT_OK(ebm_summary_write_h5(&s, path, &err));
    ASSERT_EQ(h5_class(path, "/params/train.optim.lr"), H5T_FLOAT);
    ASSERT_EQ(h5_class(path, "/params/model.hidden"), H5T_INTEGER);
    ASSERT_EQ(h5_class(path, "/params/model.rule"), H5T_STRING);
    ASSERT_EQ(h5_class(path, "/params/model.mixed"), H5T_STRING);
    ASSERT(read_h5_double(path, "/params/train.optim.lr", 1) == 1e-3);
    ASSERT(read_h5_double(path, "/params/model.hidden", 2) == -7);
    ebm_summary_free(&s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ASSERT_OK(system(cmd));
}

TEST(summary_csv_rejects_bad_files) {
    char dir[64], path[128];
    make_tmp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    ebm_error err;
    ebm_summary s;
    ASSERT_OK(ebm_claim_write_file(path, "a,b\n1,2\n", &err));
    ASSERT_EQ(ebm_summary_read_csv(path, &s, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "not a sweep summary");
    ASSERT_OK(ebm_claim_write_file(path, "point,k,status,m\np,1,completed\n", &err));
    ASSERT_EQ(ebm_summary_read_csv(path, &s, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, ":2: expected 4 fields, found 3");
    ASSERT_OK(ebm_claim_write_file(path, "point,k,status,m\n\"p,1,completed,2\n", &err));
    ASSERT_EQ(ebm_summary_read_csv(path, &s, &err), EBM_EDATA);
    ASSERT_OK(ebm_claim_write_file(path, "point,k,status,m\np,1,completed,x2\n", &err));
    ASSERT_EQ(ebm_summary_read_csv(path, &s, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "'x2' is not a number");
    unlink(path);
    rmdir(dir);
}

int main(void) {
    RUN(axis_lists);
    RUN(axis_ranges);
    RUN(axis_errors);
    RUN(grid_order_and_names);
    RUN(grid_plain_override_pins_file_axis);
    RUN(grid_file_errors_have_positions);
    RUN(grid_points_never_share_a_directory);
    RUN(point_names);
    RUN(spawn_and_wait);
    RUN(summary_csv_and_h5);
    RUN(summary_h5_keeps_swept_numbers_as_numbers);
    RUN(summary_csv_rejects_bad_files);
    TEST_MAIN_END();
}
