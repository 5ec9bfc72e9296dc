/* test_plot_titles.c — the titles of `ebm plot`'s pictures: fitted to the
 * picture (wrapped at spaces, cut with "..."), naming the experiment, the
 * run and the step, and for samples the sampler and clamp that drew them
 * (from the run's /config, or the attributes `ebm sample` writes). A fake
 * gnuplot on PATH records each picture's -e text and leaves a file where
 * the PNG would be, so the titles are read as gnuplot would get them; and
 * the one pattern of PNG names, <what>.png in a folder that says whose. */
#include <hdf5.h>
#include <sys/stat.h>

#include "h5util.h"
#include "plot.h"
#include "plot_text.h"
#include "proc.h"
#include "runfile.h"
#include "test.h"
#include "text_table.h"

/* Lines of text, each at most width characters (UTF-8 code points). */
static int lines_fit(const char *text, int width, int *lines) {
    int col = 0, ok = 1;
    *lines = 1;
    for (const char *c = text; *c; c++) {
        if (*c == '\n') {
            (*lines)++;
            col = 0;
        } else if (((unsigned char)*c & 0xC0) != 0x80 && ++col > width) {
            ok = 0;
        }
    }
    return ok;
}

TEST(fit_title) {
    char out[256];
    int lines;
    ebm_plot_fit_title(out, sizeof out, "short title", 40, 2);
    ASSERT(strcmp(out, "short title") == 0);
    /* wrapped at the last space that fits */
    ebm_plot_fit_title(out, sizeof out, "exp: loss run lr=0.05 hidden=500", 16, 3);
    ASSERT(strcmp(out, "exp: loss run\nlr=0.05\nhidden=500") == 0);
    /* more than max_lines: the last line ends with "...", within the width */
    ebm_plot_fit_title(out, sizeof out, "aaaa bbbb cccc dddd eeee ffff", 10, 2);
    ASSERT(strcmp(out, "aaaa bbbb\ncccc...") == 0);
    ASSERT(lines_fit(out, 10, &lines) && lines == 2);
    /* a word longer than a line is split; one line only: cut */
    ebm_plot_fit_title(out, sizeof out, "name=boltzmann-shifter_description=Boltzmann", 12, 1);
    ASSERT(strcmp(out, "name=boltz...") == 0 || strcmp(out, "name=bolt...") == 0);
    ASSERT(lines_fit(out, 12, &lines) && lines == 1);
    /* characters, not bytes: "·" and "α" are one each */
    ebm_plot_fit_title(out, sizeof out, "α·β α·β α·β", 7, 2);
    ASSERT(strcmp(out, "α·β α·β\nα·β") == 0);
    /* a newline always breaks */
    ebm_plot_fit_title(out, sizeof out, "one\ntwo", 40, 2);
    ASSERT(strcmp(out, "one\ntwo") == 0);
    /* a title of parts: each keeps its own lines */
    out[0] = '\0';
    ebm_plot_title_add(out, sizeof out, "exp: metric", 20, 2);
    ebm_plot_title_add(out, sizeof out, "run a-very-long-label-that-does-not-fit", 20, 1);
    ASSERT(strncmp(out, "exp: metric\nrun a-very-long-", 27) == 0);
    ASSERT(lines_fit(out, 20, &lines) && lines == 2);
    /* gnuplot gets a newline as "\n" joined between quoted parts */
    ebm_plot_text t = {0};
    ebm_plot_text_gp(&t, "plottitle", "it's\nnext");
    ASSERT(t.text && strcmp(t.text, "plottitle='it''s'.\"\\n\".'next'; ") == 0);
    free(t.text);
}

/* A swept value in a legend or a column: whole when every value of its key
 * fits; else what the points share at the front, up to a ", ", is elided and
 * the rest cut, counted in characters. */
TEST(shown_value_keeps_what_differs) {
    char out[256];
    const char *short_values[] = {"{type: cd, k: 1}", "{type: pcd, k: 1}"};
    ebm_text_shown_value(out, sizeof out, short_values[1], short_values, 2, 1, 20);
    ASSERT(strcmp(out, "{type: pcd, k: 1}") == 0);
    /* strided as a sweep summary holds them: key 1 of 2 per point */
    const char *grid[] = {
        "0.1", "{type: short_run, buffer: 100, sampler: {type: langevin, step: 0.01}}",
        "0.2", "{type: short_run, buffer: 100, sampler: {type: mh, kernel: gaussian}}"};
    ebm_text_shown_value(out, sizeof out, grid[1], grid + 1, 2, 2, 40);
    ASSERT(strcmp(out, "...sampler: {type: langevin, step: 0.01}}") != 0);   /* 41: cut */
    ASSERT(strcmp(out, "...sampler: {type: langevin, step: 0....") == 0);
    ebm_text_shown_value(out, sizeof out, grid[3], grid + 1, 2, 2, 50);
    ASSERT(strcmp(out, "...sampler: {type: mh, kernel: gaussian}}") == 0);
    /* nothing shared up to a ", ": the front stays, the end is cut */
    const char *apart[] = {"{alpha: 1, beta: 2, gamma: 3}", "{zeta: 1, eta: 2, theta: 3, iota: 4}"};
    ebm_text_shown_value(out, sizeof out, apart[1], apart, 2, 1, 12);
    ASSERT(strcmp(out, "{zeta: 1,...") == 0);
    /* characters, not bytes */
    const char *greek[] = {"αβγδεζηθικλμ", "ab"};
    ebm_text_shown_value(out, sizeof out, greek[0], greek, 2, 1, 8);
    ASSERT(strcmp(out, "αβγδε...") == 0);
}

/* A gnuplot that appends its arguments, one a line, to log and writes a
 * stand-in file at each outfile='...'. */
static int fake_gnuplot(const char *bin, const char *log) {
    char path[512];
    snprintf(path, sizeof path, "%s/gnuplot", bin);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "#!/bin/sh\n"
               "for a in \"$@\"; do\n"
               "  printf '%%s\\n' \"$a\" >>'%s'\n"
               "  out=$(printf '%%s' \"$a\" | sed -n \"s/.*outfile='\\([^']*\\)'.*/\\1/p\")\n"
               "  [ -n \"$out\" ] && printf 'png' >\"$out\"\n"
               "done\n"
               "exit 0\n", log);
    fclose(f);
    return chmod(path, 0755);
}

/* The title of the picture drawn to png (a path, or its end), as gnuplot's -e text gives it
 * ('' a quote, '."\n".' a newline), into out; 0 when not found. */
static int title_of(const char *log, const char *png, char *out, size_t size) {
    char key[600];
    snprintf(key, sizeof key, "%s'; ", png);
    const char *line = strstr(log, key);
    if (!line) return 0;
    while (line > log && line[-1] != '\n') line--;
    const char *t = strstr(line, "plottitle='");
    const char *end = strchr(line, '\n');
    if (!t || (end && t > end)) return 0;
    t += strlen("plottitle='");
    size_t n = 0;
    while (*t && n + 1 < size) {
        if (strncmp(t, "''", 2) == 0) out[n++] = '\'', t += 2;
        else if (strncmp(t, "'.\"\\n\".'", 8) == 0) out[n++] = '\n', t += 8;
        else if (*t == '\'') break;
        else out[n++] = *t++;
    }
    out[n] = '\0';
    return 1;
}

static const char *CONFIG =
    "name: exp-titles\n"
    "log:\n"
    "  estimators:\n"
    "    - {type: sample, sampler: {type: gibbs, sweeps: 7}, chains: 4, images: 4}\n"
    "    - {type: conditional, name: cond, labels: 2, burn_in: 300, images: 2}\n";

/* A run of CONFIG: loss at 3 epochs, swap_rate at 300, samples at epochs 2 and 5 (the sample
 * estimator's), class-conditional samples at 5 (the conditional's), and a
 * 4 × 4 density image at 5 as the quadrature estimator writes it. */
static int write_run(const char *dir) {
    char path[512];
    ebm_error err;
    if (ebm_proc_mkdirs(dir, &err)) return -1;
    snprintf(path, sizeof path, "%s/run.h5", dir);
    ebm_runfile *rf = ebm_runfile_create(path, CONFIG, 1, &err);
    if (!rf) return -1;
    int rc = 0;
    for (int step = 0; step < 3; step++)
        rc |= ebm_runfile_metric(rf, "loss", step, 1.0 / (step + 1), NULL, NULL, &err);
    for (int step = 0; step < 300; step++)
        rc |= ebm_runfile_metric(rf, "swap_rate", step, 0.5 + 0.1 * (step % 3), NULL, NULL,
                                 &err);
    float x[4 * 4];
    for (int i = 0; i < 16; i++) x[i] = (float)(i % 2);
    rc |= ebm_runfile_images(rf, "samples", 2, x, 4, 4, 2, 2, NULL, &err);
    rc |= ebm_runfile_images(rf, "samples", 5, x, 4, 4, 2, 2, NULL, &err);
    rc |= ebm_runfile_images(rf, "images/cond_samples", 5, x, 4, 4, 2, 2,
                             "label=0,label=1", &err);
    rc |= ebm_runfile_images(rf, "images/quadrature_density", 5, x, 1, 16, 4, 4,
                             "density box=-5.10917926,5.19066787,-3.38906765,3.92198825",
                             &err);
    rc |= ebm_runfile_status(rf, "completed", &err);
    rc |= ebm_runfile_close(rf, &err);
    return rc;
}

/* A file as `ebm sample --clamp label=1` writes it: /images/label_1/0 with
 * the sampler (block YAML) and clamped attributes. */
static int write_sample_file(const char *path) {
    ebm_error err;
    ebm_runfile *rf = ebm_runfile_create(path, CONFIG, 1, &err);
    if (!rf) return -1;
    float x[4 * 4] = {0};
    int rc = ebm_runfile_images(rf, "images/label_1", 0, x, 4, 4, 2, 2, NULL, &err);
    rc |= ebm_runfile_status(rf, "completed", &err);
    rc |= ebm_runfile_close(rf, &err);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t ds = file < 0 ? -1 : H5Dopen2(file, "/images/label_1/0000000000", H5P_DEFAULT);
    if (ds < 0 || ebm_h5_write_str_attr(ds, "clamped", "label=1") < 0 ||
        ebm_h5_write_str_attr(ds, "sampler", "type: gibbs\nburn_in: 200\n") < 0)
        rc = -1;
    if (ds >= 0) H5Dclose(ds);
    if (file >= 0) H5Fclose(file);
    return rc;
}

/* Runs ebm plot on inputs with the fake gnuplot; the recorded log. */
static char *plot_with_fake(const char *dir, char **inputs, int n, const char *out) {
    char bin[256], log[256];
    snprintf(bin, sizeof bin, "%s/bin", dir);
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    remove(log);
    mkdir(bin, 0755);
    if (fake_gnuplot(bin, log)) return NULL;
    char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    /* found first; sed and the rest from the PATH as it was */
    char path[4096];
    snprintf(path, sizeof path, "%s:%s", bin, saved ? saved : "/usr/bin:/bin");
    setenv("PATH", path, 1);
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = n, .out_dir = out};
    char *written = NULL;
    ebm_error err;
    int rc = ebm_plot(&opts, &written, &err);
    if (saved) setenv("PATH", saved, 1);
    free(saved);
    free(written);
    if (rc) {
        fprintf(stderr, "plot: %s\n", err.msg);
        return NULL;
    }
    ebm_error ignored;
    return ebm_proc_read_file(log, NULL, &ignored);
}

TEST(titles_name_experiment_run_step_and_sampler) {
    char dir[64], run[128], png[512], title[2000];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(run, sizeof run, "%s/lr-high", dir);
    ASSERT_OK(write_run(run));
    char *inputs[] = {run};
    char *log = plot_with_fake(dir, inputs, 1, NULL);
    ASSERT(log != NULL);
    int lines;
    /* a metric: the experiment, the metric, and the one run's label */
    snprintf(png, sizeof png, "%s/plots/loss.png", run);
    ASSERT(title_of(log, png, title, sizeof title));
    ASSERT(strcmp(title, "exp-titles: loss\nrun lr-high") == 0);
    /* 3 points are marked; 300 would merge into a band, so a line alone */
    ASSERT(strstr(log, "marks1=1; ") && strstr(log, "marks1=0; "));
    const char *loss = strstr(log, "/plots/loss.png'");
    const char *swap = strstr(log, "/plots/swap_rate.png'");
    ASSERT(loss && swap);
    while (loss > log && loss[-1] != '\n') loss--;
    while (swap > log && swap[-1] != '\n') swap--;
    ASSERT(strncmp(strstr(loss, "marks1="), "marks1=1", 8) == 0);
    ASSERT(strncmp(strstr(swap, "marks1="), "marks1=0", 8) == 0);
    /* samples: the step drawn (the latest), the sample estimator's sampler,
     * nothing clamped */
    snprintf(png, sizeof png, "%s/plots/samples.png", run);
    ASSERT(title_of(log, png, title, sizeof title));
    ASSERT_STR_CONTAINS(title, "exp-titles: samples, epoch 5\nrun lr-high\n");
    ASSERT_STR_CONTAINS(title, "sampler {type: gibbs, sweeps: 7}; clamped: none");
    /* conditional samples: the conditional estimator's default sampler
     * (its burn_in), the label clamped */
    snprintf(png, sizeof png, "%s/plots/images_cond_samples.png", run);
    ASSERT(title_of(log, png, title, sizeof title));
    ASSERT_STR_CONTAINS(title, "exp-titles: cond_samples, epoch 5 (label=0,label=1)");
    ASSERT_STR_CONTAINS(title, "sampler {type: gibbs, burn_in: 300, sweeps: 1}");
    ASSERT(lines_fit(title, ebm_plot_title_width(480), &lines));
    for (char *c = title; *c; c++) *c = *c == '\n' ? ' ' : *c;   /* wrapped anywhere */
    ASSERT_STR_CONTAINS(title, "clamped: the label, one class a column");
    /* a density: its box is on the axes, not in digits in the title */
    snprintf(png, sizeof png, "%s/plots/images_quadrature_density.png", run);
    ASSERT(title_of(log, png, title, sizeof title));
    ASSERT_STR_CONTAINS(title, "exp-titles: quadrature_density, epoch 5 (density)");
    ASSERT(strstr(title, "5.109") == NULL);
    free(log);

    /* a file of `ebm sample`: its attributes say the sampler and clamp */
    char sample_file[256];
    snprintf(sample_file, sizeof sample_file, "%s/samples.h5", run);
    ASSERT_OK(write_sample_file(sample_file));
    char *sample_inputs[] = {sample_file};
    log = plot_with_fake(dir, sample_inputs, 1, NULL);
    ASSERT(log != NULL);
    snprintf(png, sizeof png, "%s/plots/samples/images_label_1.png", run);
    ASSERT(title_of(log, png, title, sizeof title));
    ASSERT_STR_CONTAINS(title, "exp-titles: label_1, drawn by ebm sample");
    ASSERT_STR_CONTAINS(title, "sampler {type: gibbs, burn_in: 200}; clamped: label=1");
    free(log);
    test_remove_tree(dir);
}

/* A run label longer than a picture: every title line fits, the metric and
 * the step are kept and the label is cut. */
TEST(long_titles_fit) {
    char dir[64], run[512], png[1024], title[2000];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(run, sizeof run, "%s/name=boltzmann-shifter_description=Boltzmann_machine_with_"
             "hidden_and_label_units_on_the_4-bit_shifter,_exact_likelihood,_conditional_"
             "samples_seed=7_data.type=shifter", dir);
    ASSERT_OK(write_run(run));
    char *inputs[] = {run};
    char *log = plot_with_fake(dir, inputs, 1, NULL);
    ASSERT(log != NULL);
    int lines;
    snprintf(png, sizeof png, "%s/plots/loss.png", run);
    ASSERT(title_of(log, png, title, sizeof title));
    if (strncmp(title, "exp-titles: loss\nrun name=boltzmann-shifter", 43) != 0)
        FAIL_("title: %s", title);
    ASSERT(lines_fit(title, ebm_plot_title_width(900), &lines) && lines == 2);
    ASSERT_STR_CONTAINS(title, "...");
    ASSERT(title_of(log, "/plots/samples.png", title, sizeof title));
    ASSERT_STR_CONTAINS(title, "exp-titles: samples, epoch 5\n");
    ASSERT(lines_fit(title, ebm_plot_title_width(480), &lines) && lines <= 5);
    free(log);
    test_remove_tree(dir);
}

/* Every PNG in written is <folder>/<what>.png with no run label in the
 * name ("run__samples.png" was the old pattern). */
static int no_label_in_names(const char *written) {
    for (const char *line = written; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *slash = line;
        for (const char *c = line; c < line + len; c++)
            if (*c == '/') slash = c;
        for (const char *c = slash; c + 1 < line + len; c++)
            if (c[0] == '_' && c[1] == '_') return 0;
        line += len + (end ? 1 : 0);
    }
    return 1;
}

TEST(png_names_one_pattern) {
    char dir[64], a[128], b[128], out[128], sample_file[256];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    ASSERT_OK(write_run(a));
    ASSERT_OK(write_run(b));
    snprintf(sample_file, sizeof sample_file, "%s/samples.h5", a);
    ASSERT_OK(write_sample_file(sample_file));
    char *inputs[] = {a, b, sample_file};
    /* several inputs under --out: overlays in OUT, each input's images in
     * OUT/<label>/ */
    char *log = plot_with_fake(dir, inputs, 3, out);
    ASSERT(log != NULL);
    const char *expected[] = {"out/loss.png", "out/a/samples.png", "out/a/images_cond_samples.png",
                              "out/b/samples.png", "out/samples/images_label_1.png"};
    char path[512];
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, expected[i]);
        if (!ebm_proc_is_file(path)) FAIL_("%s not written", path);
    }
    free(log);
    /* without --out: each run's own plots/, a sample file's in
     * plots/<its stem>/ beside the run's */
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = 3};
    char bin[256], search[4200], *written = NULL;
    snprintf(bin, sizeof bin, "%s/bin", dir);
    char *saved = strdup(getenv("PATH"));
    snprintf(search, sizeof search, "%s:%s", bin, saved);
    setenv("PATH", search, 1);
    ebm_error err;
    int rc = ebm_plot(&opts, &written, &err);
    setenv("PATH", saved, 1);
    free(saved);
    ASSERT_OK(rc);
    const char *own[] = {"a/plots/loss.png", "a/plots/samples.png", "b/plots/samples.png",
                         "a/plots/samples/images_label_1.png"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, own[i]);
        ASSERT_STR_CONTAINS(written, path);
    }
    ASSERT(no_label_in_names(written));
    free(written);
    test_remove_tree(dir);
}

int main(void) {
    RUN(fit_title);
    RUN(shown_value_keeps_what_differs);
    RUN(titles_name_experiment_run_step_and_sampler);
    RUN(long_titles_fit);
    RUN(png_names_one_pattern);
    TEST_MAIN_END();
}
