/* test_data2d.c — the toy2d dataset: counts, labels, seeded reproducibility
 * and the defining geometry of every shape (noise off, so it holds exactly,
 * or on, against the stated σ). */
#include "dataset.h"
#include "registry.h"
#include "test.h"

#define PI 3.14159265358979323846

extern const ebm_dataset_ops ebm_dataset_toy2d;

static int load(const char *yaml, uint64_t seed, ebm_dataset *d) {
    const ebm_dataset_ops *ops = &ebm_dataset_toy2d;
    ebm_error err;
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "toy2d", &err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, seed);
    int rc = ops->xLoad(cfg, &rng, d, &err);
    if (rc) fprintf(stderr, "toy2d: %s\n", err.msg);
    ebm_node_free(cfg);
    return rc;
}

TEST(counts_and_labels) {
    static const struct { const char *shape; int classes; } shapes[] = {
        {"eight_gaussians", 8}, {"two_moons", 2}, {"rings", 4},
        {"checkerboard", 0}, {"swiss_roll", 0}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        char yaml[96];
        snprintf(yaml, sizeof yaml, "{shape: %s, n: 1001}", shapes[s].shape);
        ebm_dataset d;
        ASSERT_OK(load(yaml, 1, &d));
        ASSERT_EQ(d.n, 1001);
        ASSERT_EQ(d.dim, 2);
        ASSERT_EQ(d.n_classes, shapes[s].classes);
        ASSERT((d.labels != NULL) == (shapes[s].classes > 0));
        for (size_t r = 0; d.labels && r < d.n; r++)
            ASSERT(d.labels[r] >= 0 && d.labels[r] < d.n_classes);
        for (size_t i = 0; i < 2 * d.n; i++) ASSERT(isfinite(d.x[i]));
        ebm_dataset_free(&d);
    }
    ebm_dataset d;
    ASSERT_OK(load("{}", 1, &d));   /* defaults: eight_gaussians, n 2000 */
    ASSERT_EQ(d.n, 2000);
    ASSERT_EQ(d.n_classes, 8);
    ebm_dataset_free(&d);
}

TEST(seeded_reproducibility) {
    static const char *const shapes[] = {"eight_gaussians", "two_moons", "rings",
                                         "checkerboard", "swiss_roll"};
    for (size_t s = 0; s < 5; s++) {
        char yaml[96];
        snprintf(yaml, sizeof yaml, "{shape: %s, n: 500}", shapes[s]);
        ebm_dataset a, b, c;
        ASSERT_OK(load(yaml, 7, &a));
        ASSERT_OK(load(yaml, 7, &b));
        ASSERT_OK(load(yaml, 8, &c));
        ASSERT(memcmp(a.x, b.x, 2 * a.n * sizeof(float)) == 0);
        ASSERT(memcmp(a.x, c.x, 2 * a.n * sizeof(float)) != 0);
        if (a.labels) ASSERT(memcmp(a.labels, b.labels, a.n * sizeof(int)) == 0);
        ebm_dataset_free(&a);
        ebm_dataset_free(&b);
        ebm_dataset_free(&c);
    }
}

/* Each component's mean within 4 standard errors of its centre (radius
 * 4/1.414 at angle kπ/4) and its per-coordinate std within 5% of 0.5/1.414. */
TEST(eight_gaussians_clusters) {
    ebm_dataset d;
    ASSERT_OK(load("{shape: eight_gaussians, n: 16000}", 3, &d));
    double radius = 4.0 / 1.414, sigma = 0.5 / 1.414;
    for (int k = 0; k < 8; k++) {
        double sum[2] = {0, 0}, sq[2] = {0, 0};
        size_t count = 0;
        for (size_t r = 0; r < d.n; r++) {
            if (d.labels[r] != k) continue;
            count++;
            for (int a = 0; a < 2; a++) {
                sum[a] += d.x[2 * r + a];
                sq[a] += (double)d.x[2 * r + a] * d.x[2 * r + a];
            }
        }
        ASSERT(count > 1700 && count < 2300);   /* 2000 expected, sd 42 */
        double centre[2] = {radius * cos(k * PI / 4), radius * sin(k * PI / 4)};
        for (int a = 0; a < 2; a++) {
            double mean = sum[a] / (double)count;
            double sd = sqrt(sq[a] / (double)count - mean * mean);
            ASSERT_NEAR(mean, centre[a], 4 * sigma / sqrt((double)count));
            ASSERT_NEAR(sd, sigma, 0.05 * sigma);
        }
    }
    ebm_dataset_free(&d);
}

/* Without noise every point lies on its arc: the outer moon on the circle of
 * radius 2 about (−1, −0.2), upper half; the inner on radius 2 about
 * (1, 0.8), lower half. */
TEST(two_moons_arcs) {
    ebm_dataset d;
    ASSERT_OK(load("{shape: two_moons, n: 999, noise: 0}", 2, &d));
    size_t inner = 0;
    for (size_t r = 0; r < d.n; r++) {
        double x = d.x[2 * r], y = d.x[2 * r + 1];
        double cx = d.labels[r] ? 1.0 : -1.0, cy = d.labels[r] ? 0.8 : -0.2;
        ASSERT_NEAR(hypot(x - cx, y - cy), 2.0, 1e-5);
        ASSERT(d.labels[r] ? y <= cy + 1e-6 : y >= cy - 1e-6);
        inner += d.labels[r] == 1;
    }
    ASSERT_EQ(inner, 500);   /* sklearn: n/2 outer, the rest inner */
    ebm_dataset_free(&d);
}

TEST(rings_radii) {
    ebm_dataset d;
    ASSERT_OK(load("{shape: rings, n: 1003, noise: 0}", 2, &d));
    size_t count[4] = {0, 0, 0, 0};
    for (size_t r = 0; r < d.n; r++) {
        ASSERT_NEAR(hypot(d.x[2 * r], d.x[2 * r + 1]), 0.75 * (d.labels[r] + 1), 1e-5);
        count[d.labels[r]]++;
    }
    ASSERT_EQ(count[0], 1003 - 3 * 250);
    ASSERT_EQ(count[1], 250);
    ASSERT_EQ(count[3], 250);
    int sorted = 1;   /* rows are shuffled, not grouped by ring */
    for (size_t r = 1; r < 50; r++) sorted &= d.labels[r] == d.labels[0];
    ASSERT(!sorted);
    ebm_dataset_free(&d);

    /* The default noise, 0.08: radial deviations have that std (±5%). */
    ASSERT_OK(load("{shape: rings, n: 20000}", 4, &d));
    double sq = 0;
    for (size_t r = 0; r < d.n; r++) {
        double dev = hypot(d.x[2 * r], d.x[2 * r + 1]) - 0.75 * (d.labels[r] + 1);
        sq += dev * dev;
    }
    ASSERT_NEAR(sqrt(sq / (double)d.n), 0.08, 0.004);
    ebm_dataset_free(&d);
}

/* Points fill the 8 squares of side 2 in [−4, 4]² whose corners ⌊x/2⌋ +
 * ⌊y/2⌋ sum to an even number, about n/8 in each (5 sd). */
TEST(checkerboard_squares) {
    ebm_dataset d;
    ASSERT_OK(load("{shape: checkerboard, n: 8000}", 5, &d));
    size_t cells[4][4] = {{0}};
    for (size_t r = 0; r < d.n; r++) {
        double x = d.x[2 * r], y = d.x[2 * r + 1];
        ASSERT(x >= -4 && x < 4 && y >= -4 && y < 4);
        int i = (int)floor(x / 2), j = (int)floor(y / 2);
        ASSERT(((i + j) % 2 + 2) % 2 == 0);
        cells[i + 2][j + 2]++;
    }
    double expected = 1000, sd = sqrt(8000 * (1.0 / 8) * (7.0 / 8));
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            if ((i + j) % 2 == 0) ASSERT_NEAR((double)cells[i][j], expected, 5 * sd);
    ebm_dataset_free(&d);
}

/* Without noise a point at distance ρ from the origin sits at angle 5ρ
 * (x = t cos t / 5, y = t sin t / 5), with t = 5ρ in [1.5π, 4.5π]. */
TEST(swiss_roll_spiral) {
    ebm_dataset d;
    ASSERT_OK(load("{shape: swiss_roll, n: 2000, noise: 0}", 6, &d));
    double t_min = INFINITY, t_max = -INFINITY;
    for (size_t r = 0; r < d.n; r++) {
        double x = d.x[2 * r], y = d.x[2 * r + 1], rho = hypot(x, y), t = 5 * rho;
        ASSERT_NEAR(cos(t) * x / rho + sin(t) * y / rho, 1.0, 1e-4);
        t_min = fmin(t_min, t);
        t_max = fmax(t_max, t);
    }
    ASSERT(t_min >= 1.5 * PI - 1e-4 && t_min < 1.5 * PI + 0.05);
    ASSERT(t_max <= 4.5 * PI + 1e-4 && t_max > 4.5 * PI - 0.05);
    ebm_dataset_free(&d);
}

/* The parameter table refuses an unknown shape and a negative noise, with
 * positions, before anything is generated. */
TEST(bad_config_rejected_by_validation) {
    const char *yaml = "name: t\n"
                       "data: {type: toy2d, shape: spiral, noise: -1}\n"
                       "model: {type: hopfield}\n";
    ebm_error err;
    ebm_node *root = ebm_cfg_parse_string(yaml, strlen(yaml), "bad.yaml", &err);
    ASSERT(root != NULL);
    ebm_diags diags = {0};
    ASSERT_EQ(ebm_cfg_validate(root, &diags), 2);
    ASSERT_EQ(diags.n, 2);
    ASSERT_STR_CONTAINS(diags.items[0], "bad.yaml:2:");
    ASSERT_STR_CONTAINS(diags.items[0], "got spiral");
    ASSERT_STR_CONTAINS(diags.items[1], "data.noise");
    ebm_diags_free(&diags);
    ebm_node_free(root);
}

int main(void) {
    RUN(counts_and_labels);
    RUN(seeded_reproducibility);
    RUN(eight_gaussians_clusters);
    RUN(two_moons_arcs);
    RUN(rings_radii);
    RUN(checkerboard_squares);
    RUN(swiss_roll_spiral);
    RUN(bad_config_rejected_by_validation);
    TEST_MAIN_END();
}
