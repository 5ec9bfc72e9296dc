/* test_density_plot.c — `ebm plot` on a run of a 2-D model: the quadrature
 * estimator's density image becomes a heat map (grid file, exact text) with
 * the data and the 2-D samples overlaid, and those sets are not also drawn
 * as image grids. The model is a test-local mixture of eight Gaussians. */
#include <sys/stat.h>
#include <unistd.h>

#include "estimator.h"
#include "plot.h"
#include "proc.h"
#include "runfile.h"
#include "test.h"

extern const ebm_estimator_ops ebm_estimator_quadrature;
extern const ebm_dataset_ops ebm_dataset_toy2d;

/* E(x) = −log Σ_k exp(−|x − c_k|²/(2σ²)), c_k the toy2d centres. */
static double mixture_energy(void *model, const float *x) {
    (void)model;
    double radius = 4.0 / 1.414, sigma = 0.5 / 1.414, terms[8], top = -INFINITY;
    for (int k = 0; k < 8; k++) {
        double dx = x[0] - radius * cos(k * M_PI / 4), dy = x[1] - radius * sin(k * M_PI / 4);
        terms[k] = -(dx * dx + dy * dy) / (2 * sigma * sigma);
        top = fmax(top, terms[k]);
    }
    double sum = 0;
    for (int k = 0; k < 8; k++) sum += exp(terms[k] - top);
    return -(top + log(sum));
}

static size_t two_units(void *model) { (void)model; return 2; }

static int no_grad(void *model, const float *states, size_t n, float *grad,
                   ebm_error *err) {
    (void)model, (void)states, (void)n, (void)grad;
    return ebm_fail(err, EBM_ENOTSUP, "not needed here");
}

static const ebm_model_continuous mixture_continuous = {.xStateGrad = no_grad};
static const ebm_model_ops mixture_ops = {
    .info = {.version = EBM_MODEL_OPS_VERSION, .name = "test_mixture", .help = "-"},
    .xUnits = two_units, .xEnergy = mixture_energy, .continuous = &mixture_continuous};

static int load_toy(uint64_t seed, size_t n, ebm_dataset *d) {
    char yaml[64];
    snprintf(yaml, sizeof yaml, "{shape: eight_gaussians, n: %zu}", n);
    ebm_error err;
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "toy2d", &err);
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    int rc = cfg ? ebm_dataset_toy2d.xLoad(cfg, &rng, d, &err) : -1;
    ebm_node_free(cfg);
    return rc;
}

/* A run file with the estimator's density (grid 100) and data at step 3,
 * and 500 samples (another draw of the data) at steps 1 and 3. */
static int write_run(const char *dir) {
    char path[256];
    ebm_error err;
    snprintf(path, sizeof path, "%s/run.h5", dir);
    ebm_dataset data, samples;
    if (load_toy(1, 1000, &data) || load_toy(2, 500, &samples)) return -1;
    ebm_runfile *rf = ebm_runfile_create(path, "name: density\n", 1, &err);
    ebm_log *log = rf ? ebm_log_new(rf) : NULL;
    ebm_node *cfg = ebm_cfg_parse_string("{grid: 100}", 11, "quadrature", &err);
    int rc = log && cfg ? 0 : -1;
    if (!rc) rc = ebm_runfile_images(rf, "samples", 1, samples.x, 10, 2, 0, 0, NULL, &err);
    if (!rc) rc = ebm_runfile_images(rf, "samples", 3, samples.x, samples.n, 2, 0, 0,
                                     NULL, &err);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_log_begin(log, 3, "quadrature", "quadrature", "train");
    ebm_eval ev = {.ops = &mixture_ops, .data = &data, .train = &data, .cfg = cfg,
                   .rng = &rng, .log = log, .step = 3, .is_final = 1};
    if (!rc) rc = ebm_estimator_quadrature.xEvaluate(&ev, &err);
    if (rc) fprintf(stderr, "write_run: %s\n", err.msg);
    ebm_log_free(log);
    if (rf) ebm_runfile_close(rf, &err);
    ebm_node_free(cfg);
    ebm_dataset_free(&data);
    ebm_dataset_free(&samples);
    return rc;
}

static int count_lines(const char *text) {
    int n = 0;
    for (; *text; text++) n += *text == '\n';
    return n;
}

TEST(density_heat_map) {
    char dir[] = "/tmp/ebm-test-density-XXXXXX", run[128], out[128], path[512];
    ASSERT(mkdtemp(dir) != NULL);
    snprintf(run, sizeof run, "%s/run", dir);
    snprintf(out, sizeof out, "%s/plots", dir);
    ebm_error err;
    ASSERT_OK(ebm_proc_mkdirs(run, &err));
    ASSERT_OK(write_run(run));
    char *inputs[] = {run};
    ebm_plot_opts opts = {.inputs = inputs, .n_inputs = 1, .out_dir = out};
    char *written = NULL;
    int rc = ebm_plot(&opts, &written, &err);

    /* The grid: 100 rows of 100 "x y p" lines, each row then a blank line,
     * the bottom row (smallest y) first, x ascending within a row. The box
     * is the data's bounding box widened by a quarter of its longer side. */
    snprintf(path, sizeof path, "%s/data/run__images_quadrature_density.grid", out);
    char *grid = ebm_proc_read_file(path, NULL, &err);
    ASSERT(grid != NULL);
    ASSERT_EQ(count_lines(grid), 1 + 100 * 101);
    double x0, y0, p0, x1, y1, p1;
    const char *line = strchr(grid, '\n') + 1;
    ASSERT(sscanf(line, "%lf %lf %lf", &x0, &y0, &p0) == 3);
    line = strchr(line, '\n') + 1;
    ASSERT(sscanf(line, "%lf %lf %lf", &x1, &y1, &p1) == 3);
    ASSERT(x1 > x0 && y1 == y0);
    const char *blank = strstr(grid, "\n\n");
    double x2, y2, p2;
    ASSERT(blank && sscanf(blank + 2, "%lf %lf %lf", &x2, &y2, &p2) == 3);
    ASSERT(x2 == x0 && y2 > y0);
    /* the density, summed over the cells, is 1 */
    double total = 0, cell = (x1 - x0) * (y2 - y0);
    for (line = strchr(grid, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double x, y, p;
        if (sscanf(line, "%lf %lf %lf", &x, &y, &p) == 3) total += p * cell;
    }
    ASSERT_NEAR(total, 1.0, 1e-4);
    free(grid);

    /* data (1000 rows) and the latest samples (500) as x y files */
    snprintf(path, sizeof path, "%s/data/run__images_quadrature_density__data.dat", out);
    char *text = ebm_proc_read_file(path, NULL, &err);
    ASSERT(text && count_lines(text) == 1 + 1000);
    free(text);
    snprintf(path, sizeof path, "%s/data/run__images_quadrature_density__samples.dat", out);
    text = ebm_proc_read_file(path, NULL, &err);
    ASSERT(text && count_lines(text) == 1 + 500);
    ASSERT(text && strstr(text, "/samples/0000000003 step 3"));
    free(text);
    /* neither the samples nor the data nor the density as an image grid */
    snprintf(path, sizeof path, "%s/data/run__samples.matrix", out);
    ASSERT(!ebm_proc_is_file(path));
    snprintf(path, sizeof path, "%s/data/run__images_quadrature_data.matrix", out);
    ASSERT(!ebm_proc_is_file(path));
    snprintf(path, sizeof path, "%s/data/run__images_quadrature_density.matrix", out);
    ASSERT(!ebm_proc_is_file(path));

    char gnuplot[4096];
    if (ebm_proc_find_in_path("gnuplot", gnuplot, sizeof gnuplot) == 0) {
        ASSERT_OK(rc);
        snprintf(path, sizeof path, "%s/images_quadrature_density.png", out);
        ASSERT_STR_CONTAINS(written, path);
        struct stat st;
        ASSERT(stat(path, &st) == 0 && st.st_size > 10000);
    }
    free(written);
    if (!getenv("EBM_KEEP_TEST_OUTPUT")) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    } else {
        printf("kept %s\n", dir);
    }
}

int main(void) {
    RUN(density_heat_map);
    TEST_MAIN_END();
}
