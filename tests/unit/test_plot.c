/* test_plot.c — `ebm plot` on synthetic run files and a synthetic sweep: the
 * exported .dat/.matrix files (exact text), what the PNGs gnuplot draws show
 * (every curve in its colour, image cells black and white in the right
 * proportion to the gaps), and the message when gnuplot is missing. */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.h"
#include "claim.h"
#include "png_pixels.h"
#include "proc.h"
#include "runfile.h"
#include "summary.h"
#include "test.h"

static int have_gnuplot(void) {
    char path[4096];
    return ebm_proc_find_in_path("gnuplot", path, sizeof path) == 0;
}

static int is_png(const char *path) {
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(head, 1, sizeof head, f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return got == 8 && memcmp(head, signature, 8) == 0 && size > 1000;
}

/* What share of the picture is within 40 of colour (0xRRGGBB): 0 when the
 * file is not a readable PNG. */
static double colour_share(const char *path, unsigned colour) {
    png_pixels img;
    if (png_read_pixels(path, &img) != 0) return 0.0;
    double share = (double)png_count_colour(&img, colour, 40) /
                   ((double)img.width * img.height);
    free(img.rgb);
    return share;
}

/* gnuplot's first two line colours, the images' gap colour (images.gp) */
enum { CURVE_1 = 0x9400d3, CURVE_2 = 0x009e73, GAP = 0x7f8fb0, BLACK = 0, WHITE = 0xffffff };

static char *slurp(const char *path) {
    ebm_error err;
    return ebm_proc_read_file(path, NULL, &err);
}

/* A run with metric loss (scaled by `scale`), a trace, samples at steps 1
 * and 5 (3x3 images), and one set of recall triples (2x2 images). */
static int write_run(const char *dir, double scale) {
    char path[512];
    ebm_error err;
    if (ebm_proc_mkdirs(dir, &err)) return -1;
    snprintf(path, sizeof path, "%s/run.h5", dir);
    ebm_runfile *rf = ebm_runfile_create(path, "name: t\n", 1, &err);
    if (!rf) return -1;
    int rc = 0;
    for (int step = 0; step < 4; step++)
        rc |= ebm_runfile_metric(rf, "loss", step * 10, scale / (step + 1), NULL,
                                 NULL, &err);
    double trace[3] = {-1, -2.5, -3};
    rc |= ebm_runfile_trace(rf, "energy_trace", trace, 3, "sweep", NULL, &err);
    float samples[4 * 9];
    for (int i = 0; i < 4 * 9; i++) samples[i] = (float)(i % 2);
    rc |= ebm_runfile_images(rf, "samples", 1, samples, 4, 9, 3, 3, NULL, &err);
    samples[0] = 0.5f;   /* the last step is the one drawn */
    rc |= ebm_runfile_images(rf, "samples", 5, samples, 4, 9, 3, 3, NULL, &err);
    float triples[6 * 4];
    for (int i = 0; i < 6 * 4; i++) triples[i] = i < 4 ? 1.0f : -1.0f;
    rc |= ebm_runfile_images(rf, "images/recall", 0, triples, 6, 4, 2, 2,
                             "pattern,corrupted,recalled", &err);
    rc |= ebm_runfile_status(rf, "completed", &err);
    rc |= ebm_runfile_close(rf, &err);
    if (rc) fprintf(stderr, "write_run: %s\n", err.msg);
    return rc;
}

static int count_lines(const char *text) {
    int n = 0;
    for (; *text; text++) n += *text == '\n';
    return n;
}

TEST(plot_runs_overlaid) {
    char dir[64], run_a[128], run_b[128], out[128], path[512];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(run_a, sizeof run_a, "%s/runA", dir);
    snprintf(run_b, sizeof run_b, "%s/runB", dir);
    snprintf(out, sizeof out, "%s/plots", dir);
    ASSERT_OK(write_run(run_a, 1.0));
    ASSERT_OK(write_run(run_b, 2.0));
    char run_b_file[160];
    snprintf(run_b_file, sizeof run_b_file, "%s/run.h5", run_b);
    char *inputs[] = {run_a, run_b_file};
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = 2, .out_dir = out};
    char *written = NULL;
    ebm_error err;
    int rc = ebm_plot(&opts, &written, &err);

    /* the data is exported whether or not gnuplot is there */
    snprintf(path, sizeof path, "%s/data/runB__loss.dat", out);
    char *text = slurp(path);
    ASSERT(text && strcmp(text, "# loss: step value\n0 2\n10 1\n20 0.66666666666666663\n"
                                "30 0.5\n") == 0);
    free(text);
    snprintf(path, sizeof path, "%s/data/runA__energy_trace.dat", out);
    text = slurp(path);
    ASSERT(text && strcmp(text, "# energy_trace: step value\n0 -1\n1 -2.5\n2 -3\n") == 0);
    free(text);
    /* recall triples: 2 rows of pattern|corrupted|recalled, 2x2 images with
     * one NaN gap: 5 lines of 8 cells; the first line is the bottom row */
    snprintf(path, sizeof path, "%s/data/runA__images_recall.matrix", out);
    text = slurp(path);
    ASSERT(text && count_lines(text) == 5);
    ASSERT(text && strncmp(text, "-1 -1 NaN -1 -1 NaN -1 -1\n", 26) == 0);
    ASSERT(text && strstr(text, "\n1 1 NaN -1 -1 NaN -1 -1\n"));   /* top: pattern 0 */
    free(text);
    /* samples: the last step (5), where cell 0 is 0.5; 2x2 grid of 3x3 */
    snprintf(path, sizeof path, "%s/data/runA__samples.matrix", out);
    text = slurp(path);
    ASSERT(text && count_lines(text) == 7);
    ASSERT(text && strstr(text, "\n0.5 1 0 NaN 1 0 1\n"));
    free(text);

    if (!have_gnuplot()) {
        printf("skip: gnuplot not on PATH\n");
        ASSERT_EQ(rc, EBM_ENOTSUP);
        free(written);
        test_remove_tree(dir);
        return;
    }
    if (rc) FAIL_("plot: %s", err.msg);
    /* one name pattern, <what>.png, the folder saying whose: several runs
     * under --out each have OUT/<label>/ */
    const char *pngs[] = {"loss.png", "energy_trace.png", "runA/samples.png",
                          "runA/images_recall.png", "runB/samples.png",
                          "runB/images_recall.png"};
    for (size_t i = 0; i < sizeof pngs / sizeof pngs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", out, pngs[i]);
        if (!is_png(path)) FAIL_("%s is not a PNG", path);
        ASSERT_STR_CONTAINS(written, path);
    }
    ASSERT_EQ(count_lines(written), 6);
    /* What the pictures show, not only that they exist: both runs' loss
     * curves in their colours; recall triples with 20 black (-1) cells to 16
     * gap cells, samples with 17 black (0) cells to 13 gap cells (an
     * inverted palette or an empty image breaks the ratio). */
    snprintf(path, sizeof path, "%s/loss.png", out);
    ASSERT(colour_share(path, CURVE_1) > 2e-4 && colour_share(path, CURVE_2) > 2e-4);
    snprintf(path, sizeof path, "%s/runA/images_recall.png", out);
    ASSERT(colour_share(path, GAP) > 0.05);
    ASSERT_NEAR(colour_share(path, BLACK) / colour_share(path, GAP), 20.0 / 16.0, 0.15);
    snprintf(path, sizeof path, "%s/runA/samples.png", out);
    ASSERT(colour_share(path, GAP) > 0.03);
    ASSERT_NEAR(colour_share(path, BLACK) / colour_share(path, GAP), 17.0 / 13.0, 0.15);
    free(written);
    test_remove_tree(dir);
}

/* A run whose config sets lr, with ll and its interval ll_lo/ll_hi and
 * exact value ll_exact at 3 epochs (all shifted by off), a metric logged once, and a trace of
 * 10000 points. */
static int write_band_run(const char *dir, const char *lr, double off) {
    char path[512], config[128];
    ebm_error err;
    if (ebm_proc_mkdirs(dir, &err)) return -1;
    snprintf(path, sizeof path, "%s/run.h5", dir);
    snprintf(config, sizeof config, "name: t\ntrain:\n  optim: {lr: %s, momentum: 0.9}\n", lr);
    ebm_runfile *rf = ebm_runfile_create(path, config, 1, &err);
    if (!rf) return -1;
    int rc = 0;
    for (int step = 0; step < 3; step++) {
        rc |= ebm_runfile_metric(rf, "ll", step, off - 10.0 + step, NULL, NULL, &err);
        rc |= ebm_runfile_metric(rf, "ll_lo", step, off - 11.0 + step, NULL, NULL, &err);
        rc |= ebm_runfile_metric(rf, "ll_hi", step, off - 9.0 + step, NULL, NULL, &err);
        rc |= ebm_runfile_metric(rf, "ll_exact", step, off - 10.5 + step, NULL, NULL, &err);
    }
    rc |= ebm_runfile_metric(rf, "once", 0, 0.25, NULL, NULL, &err);
    static double trace[10000];
    for (int i = 0; i < 10000; i++) trace[i] = i % 7 == 0 ? 100.0 + i : -(double)i;
    rc |= ebm_runfile_trace(rf, "energy", trace, 10000, "sweep", NULL, &err);
    rc |= ebm_runfile_status(rf, "completed", &err);
    rc |= ebm_runfile_close(rf, &err);
    return rc;
}

TEST(plot_labels_bands_single_points_thinning) {
    char dir[64], run_a[128], run_b[128], out[128], path[512];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(run_a, sizeof run_a, "%s/a", dir);
    snprintf(run_b, sizeof run_b, "%s/b", dir);
    snprintf(out, sizeof out, "%s/plots", dir);
    ASSERT_OK(write_band_run(run_a, "0.05", 0));
    ASSERT_OK(write_band_run(run_b, "0.5", 5));
    char *inputs[] = {run_a, run_b};
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = 2, .out_dir = out};
    char *written = NULL;
    ebm_error err;
    int rc = ebm_plot(&opts, &written, &err);
    /* labelled by the key that differs (train.optim.lr, shortened), not by
     * the directory names */
    snprintf(path, sizeof path, "%s/data/lr=0.05__ll.dat", out);
    ASSERT(ebm_proc_is_file(path));
    snprintf(path, sizeof path, "%s/data/a__ll.dat", out);
    ASSERT(!ebm_proc_is_file(path));
    /* ll_lo and ll_hi are one band file, "step lo hi" */
    snprintf(path, sizeof path, "%s/data/lr=0.5__ll_band.dat", out);
    char *text = slurp(path);
    ASSERT(text && strcmp(text, "# ll: step ll_lo ll_hi\n0 -6 -4\n1 -5 -3\n2 -4 -2\n") == 0);
    free(text);
    snprintf(path, sizeof path, "%s/data/lr=0.5__ll_lo.dat", out);
    ASSERT(!ebm_proc_is_file(path));
    /* the one-point metric is a table row, not a picture */
    snprintf(path, sizeof path, "%s/single_values.csv", out);
    text = slurp(path);
    ASSERT(text && strcmp(text, "metric,run,value\n\"once\",\"lr=0.05\",0.25\n"
                                "\"once\",\"lr=0.5\",0.25\n") == 0);
    free(text);
    /* 10000 points thinned to each bucket's extremes, the spikes kept */
    snprintf(path, sizeof path, "%s/data/lr=0.05__energy.dat", out);
    text = slurp(path);
    ASSERT(text && count_lines(text) > 2000 && count_lines(text) <= 4003);
    ASSERT(text && strstr(text, "\n9996 10096\n") && strstr(text, "\n9999 -9999\n"));
    free(text);
    if (have_gnuplot()) {
        if (rc) FAIL_("plot: %s", err.msg);
        snprintf(path, sizeof path, "%s/ll.png", out);
        ASSERT(is_png(path));
        /* both runs' curves in their colours, the band a light shade of each */
        ASSERT(colour_share(path, CURVE_1) > 2e-4 && colour_share(path, CURVE_2) > 2e-4);
        ASSERT(colour_share(path, 0xe9d4f6) > 0.01);   /* purple at 20% on white */
        snprintf(path, sizeof path, "%s/ll_lo.png", out);
        ASSERT(!ebm_proc_is_file(path));
        snprintf(path, sizeof path, "%s/once.png", out);
        ASSERT(!ebm_proc_is_file(path));
    }
    free(written);
    /* --all-points keeps every point */
    opts.all_points = 1;
    rc = ebm_plot(&opts, &written, &err);
    snprintf(path, sizeof path, "%s/data/lr=0.05__energy.dat", out);
    text = slurp(path);
    ASSERT(text && count_lines(text) == 10001);
    free(text);
    free(written);
    test_remove_tree(dir);
}

TEST(plot_sweep) {
    char dir[64], sweep[128], path[512];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(sweep, sizeof sweep, "%s/sw", dir);
    char *points[] = {"load=0.2,rule=a", "load=0.1,rule=a", "load=0.1,rule=b",
                      "load=0.2,rule=b"};
    char *keys[] = {"load", "rule"};
    char *params[] = {"0.2", "a", "0.1", "a", "0.1", "b", "0.2", "b"};
    for (int p = 0; p < 4; p++) {
        snprintf(path, sizeof path, "%s/%s", sweep, points[p]);
        ASSERT_OK(write_run(path, 1.0 + p));
    }
    ebm_summary s;
    ebm_error err;
    ASSERT_OK(ebm_summary_collect(sweep, 4, points, 2, keys, params, &s, &err));
    snprintf(path, sizeof path, "%s/summary.csv", sweep);
    ASSERT_OK(ebm_summary_write_csv(&s, path, &err));
    ebm_summary_free(&s);

    char *inputs[] = {sweep};
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = 1, .out_dir = NULL};
    char *written = NULL;
    int rc = ebm_plot(&opts, &written, &err);
    /* final loss (scale/4) against load, one series per rule, sorted by load */
    snprintf(path, sizeof path, "%s/plots/data/sw__final_loss_vs_load__1.dat", sweep);
    char *text = slurp(path);
    ASSERT(text && strcmp(text, "# load final loss (rule=a)\n0.10000000000000001 0.5\n"
                                "0.20000000000000001 0.25\n") == 0);
    free(text);
    snprintf(path, sizeof path, "%s/plots/data/sw__final_loss_vs_load__2.dat", sweep);
    text = slurp(path);
    ASSERT(text && strcmp(text, "# load final loss (rule=b)\n0.10000000000000001 0.75\n"
                                "0.20000000000000001 1\n") == 0);
    free(text);
    /* points' metrics are overlaid, labelled by their swept values; their
     * images are drawn into each point's own plots/ */
    snprintf(path, sizeof path, "%s/plots/data/load=0.1_rule=b__loss.dat", sweep);
    ASSERT(ebm_proc_is_file(path));
    snprintf(path, sizeof path, "%s/plots/data/load=0.1_rule=b__samples.matrix", sweep);
    ASSERT(ebm_proc_is_file(path));

    if (!have_gnuplot()) {
        printf("skip: gnuplot not on PATH\n");
        free(written);
        test_remove_tree(dir);
        return;
    }
    if (rc) FAIL_("plot: %s", err.msg);
    const char *pngs[] = {"loss.png", "energy_trace.png", "final_loss_vs_load.png",
                          "final_energy_trace_vs_load.png"};
    for (size_t i = 0; i < sizeof pngs / sizeof pngs[0]; i++) {
        snprintf(path, sizeof path, "%s/plots/%s", sweep, pngs[i]);
        if (!is_png(path)) FAIL_("%s is not a PNG", path);
        ASSERT_STR_CONTAINS(written, path);
    }
    /* rule is text: its values are categories at x = 0, 1 in the order the
     * points give them, labelled, one series per load */
    snprintf(path, sizeof path, "%s/plots/data/sw__final_loss_vs_rule__1.dat", sweep);
    text = slurp(path);
    ASSERT(text && strcmp(text, "# rule final loss (load=0.2)\n0 0.25 \"a\"\n1 1 \"b\"\n") == 0);
    free(text);
    snprintf(path, sizeof path, "%s/plots/final_loss_vs_rule.png", sweep);
    ASSERT(is_png(path));
    ASSERT(colour_share(path, CURVE_1) > 2e-4 && colour_share(path, CURVE_2) > 2e-4);
    /* each point's samples and recall triples in its own plots/ */
    ASSERT_EQ(count_lines(written), 6 + 2 * 4);
    snprintf(path, sizeof path, "%s/load=0.1,rule=b/plots/samples.png", sweep);
    ASSERT(is_png(path));
    ASSERT_STR_CONTAINS(written, path);
    /* final loss against load: one curve per rule, each in its colour */
    snprintf(path, sizeof path, "%s/plots/final_loss_vs_load.png", sweep);
    ASSERT(colour_share(path, CURVE_1) > 2e-4 && colour_share(path, CURVE_2) > 2e-4);
    free(written);
    test_remove_tree(dir);
}

/* A sweep of 6 points over one numeric key: the curves are coloured along
 * a gradient with a colour bar (its yellow end), not a legend line each. */
TEST(plot_sweep_gradient) {
    char dir[64], sweep[128], path[512];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(sweep, sizeof sweep, "%s/sw", dir);
    char *points[] = {"000", "001", "002", "003", "004", "005"};
    char *keys[] = {"train.optim.lr"};
    char *params[] = {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6"};
    for (int p = 0; p < 6; p++) {
        snprintf(path, sizeof path, "%s/%s", sweep, points[p]);
        ASSERT_OK(write_run(path, 1.0 + p));
    }
    ebm_summary s;
    ebm_error err;
    ASSERT_OK(ebm_summary_collect(sweep, 6, points, 1, keys, params, &s, &err));
    snprintf(path, sizeof path, "%s/summary.csv", sweep);
    ASSERT_OK(ebm_summary_write_csv(&s, path, &err));
    ebm_summary_free(&s);
    char *inputs[] = {sweep};
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = 1};
    char *written = NULL;
    int rc = ebm_plot(&opts, &written, &err);
    /* legends from the swept value, the key shortened */
    snprintf(path, sizeof path, "%s/plots/data/lr=0.6__loss.dat", sweep);
    ASSERT(ebm_proc_is_file(path));
    if (have_gnuplot()) {
        if (rc) FAIL_("plot: %s", err.msg);
        snprintf(path, sizeof path, "%s/plots/loss.png", sweep);
        ASSERT(colour_share(path, 0xfde725) > 1e-3);   /* the colour bar's top */
        ASSERT(colour_share(path, CURVE_1) < 1e-5);    /* no legend colours */
    }
    free(written);
    test_remove_tree(dir);
}

TEST(plot_without_gnuplot) {
    char dir[64], run[128], empty[128];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(run, sizeof run, "%s/r", dir);
    snprintf(empty, sizeof empty, "%s/empty-bin", dir);
    ASSERT_OK(write_run(run, 1.0));
    mkdir(empty, 0755);
    char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", empty, 1);
    char *inputs[] = {run};
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = 1, .out_dir = NULL};
    char *written = NULL;
    ebm_error err;
    int rc = ebm_plot(&opts, &written, &err);
    if (saved) setenv("PATH", saved, 1);
    else unsetenv("PATH");
    free(saved);
    ASSERT_EQ(rc, EBM_ENOTSUP);
    ASSERT_STR_CONTAINS(err.msg, "gnuplot not found on PATH; install gnuplot-nox");
    ASSERT_STR_CONTAINS(err.msg, "/r/plots/data");
    char path[256];
    snprintf(path, sizeof path, "%s/plots/data/r__loss.dat", run);
    ASSERT(ebm_proc_is_file(path));
    free(written);
    test_remove_tree(dir);
}

TEST(plot_bad_inputs) {
    char dir[64];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    char *missing[] = {"/nonexistent/run"};
    ebm_plot_opts opts = {.inputs = missing, .n_inputs = 1, .out_dir = NULL};
    char *written = NULL;
    ebm_error err;
    ASSERT_EQ(ebm_plot(&opts, &written, &err), EBM_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "/nonexistent/run: no such file or directory");
    char *not_a_run[] = {dir};
    opts.inputs = not_a_run;
    ASSERT_EQ(ebm_plot(&opts, &written, &err), EBM_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "neither a run directory");
    char path[128];
    snprintf(path, sizeof path, "%s/other.h5", dir);
    ASSERT_OK(ebm_claim_write_file(path, "not hdf5", &err));
    char *not_h5[] = {path};
    opts.inputs = not_h5;
    ASSERT(ebm_plot(&opts, &written, &err) != 0);
    ASSERT_STR_CONTAINS(err.msg, "other.h5");
    ASSERT(written == NULL);
    test_remove_tree(dir);
}

int main(void) {
    RUN(plot_runs_overlaid);
    RUN(plot_labels_bands_single_points_thinning);
    RUN(plot_sweep);
    RUN(plot_sweep_gradient);
    RUN(plot_without_gnuplot);
    RUN(plot_bad_inputs);
    TEST_MAIN_END();
}
