/* test_dataset_draw.c — stochastic binarisation (each pixel drawn as
 * Bernoulli(grey) per minibatch, reproducibly, label columns untouched) and
 * standardisation (train statistics, applied to valid). */
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "dataset.h"
#include "registry.h"
#include "rng.h"
#include "test.h"

/* One row of grey levels, labelled, as a plugin with binarize: stochastic
 * would make it. */
static int make_grey(ebm_dataset *d, const float *grey, size_t dim, size_t n) {
    memset(d, 0, sizeof *d);
    d->x = malloc(n * dim * sizeof *d->x);
    d->labels = malloc(n * sizeof *d->labels);
    if (!d->x || !d->labels) return -1;
    for (size_t r = 0; r < n; r++) {
        memcpy(d->x + r * dim, grey, dim * sizeof *grey);
        d->labels[r] = (int)(r % 2);
    }
    d->n = n;
    d->dim = dim;
    d->n_classes = 2;
    d->stochastic = 1;
    return 0;
}

TEST(bernoulli_means_match_grey_levels) {
    const float grey[] = {0.0f, 0.1f, 0.5f, 0.9f, 1.0f, 0.3f, 0.7f};
    const size_t dim = sizeof grey / sizeof *grey, draws = 40000;
    ebm_dataset d;
    ASSERT_OK(make_grey(&d, grey, dim, draws));
    ebm_error err;
    ASSERT_OK(ebm_dataset_append_labels(&d, &err));
    ASSERT_EQ(d.stochastic, 1);
    ASSERT_EQ(d.label_columns, 2);
    ASSERT_EQ(d.dim, dim + 2);
    float *rows = malloc(draws * d.dim * sizeof *rows);
    ASSERT(rows);
    memcpy(rows, d.x, draws * d.dim * sizeof *rows);
    ebm_rng rng;
    ebm_rng_seed(&rng, 7);
    ebm_dataset_draw_rows(&d, rows, draws, &rng);

    double ones[16] = {0}, both_ones = 0;   /* both: pixels 2 and 3, one 64-bit draw */
    size_t not_binary = 0, labels_changed = 0;
    for (size_t r = 0; r < draws; r++) {
        const float *row = rows + r * d.dim;
        for (size_t j = 0; j < dim; j++) {
            not_binary += row[j] != 0.0f && row[j] != 1.0f;
            ones[j] += row[j];
        }
        both_ones += row[2] * row[3];
        /* label columns are exactly the one-hot label */
        labels_changed += row[dim] != (d.labels[r] == 0) || row[dim + 1] != (d.labels[r] == 1);
    }
    free(rows);
    ASSERT_EQ(not_binary, 0);
    ASSERT_EQ(labels_changed, 0);
    /* Bound: 5 standard errors of a mean of `draws` Bernoulli(p) draws, so a
     * correct sampler fails with probability below 1e-6 per pixel (and the
     * seed is fixed). p = 0 and p = 1 must be exact. */
    for (size_t j = 0; j < dim; j++) {
        double p = grey[j], mean = ones[j] / (double)draws;
        double bound = 5 * sqrt(p * (1 - p) / (double)draws);
        ASSERT_NEAR(mean, p, bound);
    }
    ASSERT(ones[0] == 0 && ones[4] == (double)draws);
    /* the two halves of one 64-bit number are independent draws */
    double joint = grey[2] * grey[3];
    ASSERT_NEAR(both_ones / (double)draws, joint,
                5 * sqrt(joint * (1 - joint) / (double)draws));
    ebm_dataset_free(&d);
}

TEST(draws_change_per_minibatch_and_are_reproducible) {
    const float grey[] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    const size_t dim = 9, n = 50;
    ebm_dataset d;
    ASSERT_OK(make_grey(&d, grey, dim, n));
    float a[450], b[450], c[450];
    ebm_rng rng_a, rng_b;
    ebm_rng_seed(&rng_a, 42);
    ebm_rng_seed(&rng_b, 42);
    memcpy(a, d.x, sizeof a);
    memcpy(b, d.x, sizeof b);
    ebm_dataset_draw_rows(&d, a, n, &rng_a);
    ebm_dataset_draw_rows(&d, b, n, &rng_b);
    ASSERT(memcmp(a, b, sizeof a) == 0);   /* same seed, same draws */
    memcpy(c, d.x, sizeof c);
    ebm_dataset_draw_rows(&d, c, n, &rng_a);   /* the next minibatch: fresh draws */
    size_t differ = 0;
    for (size_t i = 0; i < n * dim; i++) differ += a[i] != c[i];
    /* 450 fair coins agree everywhere with probability 2^-450; about half differ */
    ASSERT(differ > 150 && differ < 300);
    ebm_dataset_free(&d);
}

TEST(no_draw_without_stochastic) {
    const float grey[] = {0.2f, 0.8f, 0.5f};
    ebm_dataset d;
    ASSERT_OK(make_grey(&d, grey, 3, 4));
    d.stochastic = 0;
    float rows[12];
    memcpy(rows, d.x, sizeof rows);
    ebm_rng rng;
    ebm_rng_seed(&rng, 1);
    ebm_rng before = rng;
    ebm_dataset_draw_rows(&d, rows, 4, &rng);
    ASSERT(memcmp(rows, d.x, sizeof rows) == 0);
    ASSERT(memcmp(&rng, &before, sizeof rng) == 0);   /* no random number used */
    ebm_dataset_free(&d);
}

TEST(split_and_labels_carry_the_flag) {
    const float grey[] = {0.25f, 0.75f};
    ebm_dataset d, valid;
    ebm_error err;
    ASSERT_OK(make_grey(&d, grey, 2, 10));
    ASSERT_OK(ebm_dataset_append_labels(&d, &err));
    ASSERT_OK(ebm_dataset_split(&d, 3, &valid, &err));
    ASSERT_EQ(d.n, 7);
    ASSERT_EQ(valid.n, 3);
    ASSERT_EQ(valid.stochastic, 1);
    ASSERT_EQ(valid.label_columns, 2);
    ASSERT_EQ(valid.dim, 4);
    ASSERT(valid.x[0] == 0.25f && valid.x[1] == 0.75f);   /* grey levels, not drawn */
    ebm_dataset_free(&d);
    ebm_dataset_free(&valid);
}

/* The plugin path: binarize: stochastic keeps the grey levels of the IDX file,
 * and threshold still gives exactly (grey > threshold). */
TEST(fashion_stochastic_keeps_grey_levels) {
    const ebm_dataset_ops *ops =
        (const ebm_dataset_ops *)ebm_registry_find(EBM_KIND_DATASET, "fashion_mnist");
    ASSERT(ops);
    if (access("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", R_OK) != 0) {
        printf("skip: dataset-fashion-mnist is not installed\n");
        return;
    }
    const char *modes[3] = {"none", "stochastic", "threshold"};
    ebm_dataset d[3];
    for (int m = 0; m < 3; m++) {
        char yaml[256];
        snprintf(yaml, sizeof yaml, "{split: test, count: 20, binarize: %s, threshold: 0.5}",
                 modes[m]);
        ebm_error err;
        ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "fashion", &err);
        ASSERT(cfg);
        int rc = ops->xLoad(cfg, NULL, &d[m], &err);
        ebm_node_free(cfg);
        ASSERT_OK(rc);
    }
    ASSERT_EQ(d[0].stochastic, 0);
    ASSERT_EQ(d[1].stochastic, 1);
    ASSERT_EQ(d[2].stochastic, 0);
    size_t grey = 0;
    for (size_t i = 0; i < d[0].n * d[0].dim; i++) {
        ASSERT(d[1].x[i] == d[0].x[i]);
        ASSERT(d[2].x[i] == (d[0].x[i] > 0.5f ? 1.0f : 0.0f));
        grey += d[0].x[i] > 0 && d[0].x[i] < 1;
    }
    ASSERT(grey > 1000);   /* the stochastic rows really hold grey levels */
    for (int m = 0; m < 3; m++) ebm_dataset_free(&d[m]);
}

static void column_moments(const ebm_dataset *d, size_t j, double *mean, double *var) {
    double sum = 0, sq = 0;
    for (size_t r = 0; r < d->n; r++) sum += d->x[r * d->dim + j];
    *mean = sum / (double)d->n;
    for (size_t r = 0; r < d->n; r++) {
        double dev = d->x[r * d->dim + j] - *mean;
        sq += dev * dev;
    }
    *var = sq / (double)d->n;
}

TEST(standardize_uses_train_statistics) {
    /* columns: 1..4 (mean 2.5, var 1.25); constant 7; -10, 0, 10, 20 (mean 5,
     * var 125); a large offset 1e4 + {0, 1, 2, 3}, whose one-pass variance in
     * float would cancel */
    float train_x[] = {1, 7, -10, 10000, 2, 7, 0, 10001, 3, 7, 10, 10002, 4, 7, 20, 10003};
    float valid_x[] = {5, 8, 5, 10001.5f};
    ebm_dataset train = {.n = 4, .dim = 4}, valid = {.n = 1, .dim = 4};
    train.x = malloc(sizeof train_x);
    valid.x = malloc(sizeof valid_x);
    ASSERT(train.x && valid.x);
    memcpy(train.x, train_x, sizeof train_x);
    memcpy(valid.x, valid_x, sizeof valid_x);
    ebm_error err;
    ASSERT_OK(ebm_dataset_standardize(&train, &valid, &err));
    ASSERT_NEAR(train.x[0], (1 - 2.5) / sqrt(1.25), 1e-6);
    ASSERT_NEAR(train.x[2], (-10 - 5) / sqrt(125), 1e-6);
    ASSERT_NEAR(train.x[3], -1.5 / sqrt(1.25), 1e-6);
    for (size_t j = 0; j < 4; j++) {
        double mean, var;
        column_moments(&train, j, &mean, &var);
        ASSERT_NEAR(mean, 0, 1e-6);
        ASSERT_NEAR(var, j == 1 ? 0 : 1, 1e-6);
    }
    for (size_t r = 0; r < 4; r++) ASSERT(train.x[r * 4 + 1] == 0.0f);   /* constant */
    /* valid is transformed with train's mean and scale, not its own */
    ASSERT_NEAR(valid.x[0], (5 - 2.5) / sqrt(1.25), 1e-6);
    ASSERT_NEAR(valid.x[1], 1.0, 1e-6);   /* constant column: shifted only */
    ASSERT_NEAR(valid.x[2], 0.0, 1e-6);
    ASSERT_NEAR(valid.x[3], 0.0, 1e-6);
    ebm_dataset_free(&train);
    ebm_dataset_free(&valid);
}

TEST(standardize_constant_column_of_many_rows) {
    /* 0.1f summed 10001 times in double is not exactly 10001 · 0.1f / 10001;
     * the column must still come out 0, not a rounding residue blown up */
    const size_t n = 10001;
    ebm_dataset train = {.n = n, .dim = 2}, valid = {0};
    train.x = malloc(n * 2 * sizeof *train.x);
    ASSERT(train.x);
    for (size_t r = 0; r < n; r++) {
        train.x[2 * r] = 0.1f;
        train.x[2 * r + 1] = (float)(r % 3);
    }
    ebm_error err;
    ASSERT_OK(ebm_dataset_standardize(&train, &valid, &err));   /* empty valid */
    for (size_t r = 0; r < n; r++) ASSERT(train.x[2 * r] == 0.0f);
    double mean, var;
    column_moments(&train, 1, &mean, &var);
    ASSERT_NEAR(mean, 0, 1e-6);
    ASSERT_NEAR(var, 1, 1e-5);
    ebm_dataset_free(&train);
}

TEST(standardize_refuses_probabilities_and_label_units) {
    const float grey[] = {0.25f, 0.75f};
    ebm_dataset d, valid = {0};
    ebm_error err;
    ASSERT_OK(make_grey(&d, grey, 2, 4));
    ASSERT_EQ(ebm_dataset_standardize(&d, &valid, &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "data.standardize: cannot be combined with binarize: stochastic");
    ASSERT(d.x[0] == 0.25f);   /* left as it was */
    d.stochastic = 0;
    ASSERT_OK(ebm_dataset_append_labels(&d, &err));
    ASSERT_EQ(ebm_dataset_standardize(&d, &valid, &err), EBM_ECONFIG);
    ASSERT_STR_CONTAINS(err.msg, "data.standardize: cannot be combined with append_labels");
    ebm_dataset_free(&d);
}

int main(void) {
    RUN(bernoulli_means_match_grey_levels);
    RUN(draws_change_per_minibatch_and_are_reproducible);
    RUN(no_draw_without_stochastic);
    RUN(split_and_labels_carry_the_flag);
    RUN(fashion_stochastic_keeps_grey_levels);
    RUN(standardize_uses_train_statistics);
    RUN(standardize_constant_column_of_many_rows);
    RUN(standardize_refuses_probabilities_and_label_units);
    TEST_MAIN_END();
}
