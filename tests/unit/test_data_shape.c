/* test_data_shape.c — every dataset's xShape against its own xLoad: the same
 * rows, row length and classes (or 0 where the shape says it cannot know
 * them), and the same error for a section the load refuses. xShape is what
 * `ebm validate` checks memory with, so a shape that drifted from the load
 * would pass a model the run then refuses, or refuse one it would run. */
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "config_testutil.h"
#include "dataset.h"
#include "registry.h"
#include "test.h"

static char dir[] = "/tmp/ebm-test-shape-XXXXXX";

#define FASHION "/usr/share/datasets/fashion-mnist"

/* One data section; `rows_known`: the shape must give the rows and classes
 * exactly (a CSV file's are left unknown, 0). */
typedef struct shape_case {
    const char *dataset, *yaml;
    int rows_known;
} shape_case;

static const shape_case cases[] = {
    {"bars_stripes", "{side: 3}", 1},
    {"bars_stripes", "{side: 4, repeat: 3, duplicates: true}", 1},
    {"shifter", "{bits: 3, repeat: 2}", 1},
    {"shifter", "{}", 1},
    {"toy2d", "{shape: two_moons, n: 50}", 1},
    {"toy2d", "{shape: checkerboard, n: 40}", 1},
    {"toy2d", "{shape: rings}", 1},
    {"toy2d", "{}", 1},
    {"random_patterns", "{dim: 20, count: 7}", 1},
    {"random_patterns", "{dim: 50, load: 0.14}", 1},
    {"none", "{}", 1},
    {"csv", "{path: DIR/labelled.csv, label_column: label}", 0},
    {"csv", "{path: DIR/plain.csv, image: [2, 2]}", 0},
    {"fashion_mnist", "{split: test, per_class: 2, classes: [3, 7], path: " FASHION "}", 1},
    {"fashion_mnist", "{split: test, first: 9990, path: " FASHION "}", 1},
    {"fashion_mnist", "{split: test, first: 100, count: 25, path: " FASHION "}", 1},
};

/* Sections both must refuse, with the same message. */
static const shape_case refusals[] = {
    {"random_patterns", "{dim: 20, count: 7, load: 0.5}", 0},
    {"random_patterns", "{dim: 20, load: 0.01}", 0},
    {"csv", "{path: DIR/plain.csv, image: [3, 2]}", 0},
    {"csv", "{path: DIR/missing.csv}", 0},
    {"csv", "{path: DIR/plain.csv, delimiter: ab}", 0},
    {"fashion_mnist", "{split: test, classes: [3], first: 9999, count: 1, per_class: 1, "
                      "path: " FASHION "}", 0},
    {"fashion_mnist", "{path: DIR}", 0},
};

/* The case's section with DIR replaced by the temporary directory. */
static ebm_node *section(const shape_case *c) {
    char yaml[512];
    const char *at = strstr(c->yaml, "DIR");
    if (at)
        snprintf(yaml, sizeof yaml, "%.*s%s%s", (int)(at - c->yaml), c->yaml, dir, at + 3);
    else
        snprintf(yaml, sizeof yaml, "%s", c->yaml);
    ebm_error err;
    return ebm_cfg_parse_string(yaml, strlen(yaml), c->dataset, &err);
}

static int fashion_missing(const shape_case *c) {
    return strstr(c->yaml, FASHION) &&
           access(FASHION "/t10k-images-idx3-ubyte.gz", R_OK) != 0;
}

static const ebm_dataset_ops *ops_of(const char *name) {
    return (const ebm_dataset_ops *)ebm_registry_find(EBM_KIND_DATASET, name);
}

TEST(every_shipped_dataset_tells_its_shape) {
    for (int i = 0; ebm_registry_at(EBM_KIND_DATASET, i); i++) {
        const ebm_dataset_ops *ops = (const ebm_dataset_ops *)ebm_registry_at(EBM_KIND_DATASET, i);
        if (!ops->xShape) FAIL_("dataset %s has no xShape", ops->info.name);
        int tested = 0;
        for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
            tested |= strcmp(cases[k].dataset, ops->info.name) == 0;
        if (!tested) FAIL_("dataset %s has no case here", ops->info.name);
    }
}

TEST(shape_matches_load) {
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const shape_case *c = &cases[k];
        if (fashion_missing(c)) {
            printf("skip %s: dataset-fashion-mnist is not installed\n", c->yaml);
            continue;
        }
        const ebm_dataset_ops *ops = ops_of(c->dataset);
        ebm_node *cfg = section(c);
        ASSERT(ops && cfg);
        ebm_error err = {0};
        ebm_dataset d;
        ebm_data_shape shape;
        ebm_rng rng;
        ebm_rng_seed(&rng, 1);
        if (ops->xLoad(cfg, &rng, &d, &err)) FAIL_("%s %s: load: %s", c->dataset, c->yaml, err.msg);
        if (ops->xShape(cfg, &shape, &err))
            FAIL_("%s %s: shape: %s", c->dataset, c->yaml, err.msg);
        if (shape.dim != d.dim)
            FAIL_("%s %s: shape dim %zu, load %zu", c->dataset, c->yaml, shape.dim, d.dim);
        size_t want_n = c->rows_known ? d.n : 0;
        int want_classes = c->rows_known ? d.n_classes : 0;
        if (shape.n != want_n || shape.n_classes != want_classes)
            FAIL_("%s %s: shape %zu rows, %d classes; want %zu, %d", c->dataset, c->yaml,
                  shape.n, shape.n_classes, want_n, want_classes);
        ebm_dataset_free(&d);
        ebm_node_free(cfg);
    }
}

TEST(shape_refuses_what_load_refuses) {
    for (size_t k = 0; k < sizeof refusals / sizeof *refusals; k++) {
        const shape_case *c = &refusals[k];
        if (fashion_missing(c)) continue;
        const ebm_dataset_ops *ops = ops_of(c->dataset);
        ebm_node *cfg = section(c);
        ASSERT(ops && cfg);
        ebm_error load_err = {0}, shape_err = {0};
        ebm_dataset d;
        ebm_data_shape shape;
        ebm_rng rng;
        ebm_rng_seed(&rng, 1);
        int load_rc = ops->xLoad(cfg, &rng, &d, &load_err);
        int shape_rc = ops->xShape(cfg, &shape, &shape_err);
        if (load_rc == EBM_OK) FAIL_("%s %s: the load accepted it", c->dataset, c->yaml);
        if (shape_rc != load_rc || strcmp(shape_err.msg, load_err.msg) != 0)
            FAIL_("%s %s:\n  load  %d %s\n  shape %d %s", c->dataset, c->yaml, load_rc,
                  load_err.msg, shape_rc, shape_err.msg);
        ebm_node_free(cfg);
    }
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    ct_write_file(dir, "labelled.csv", "a,b,label,c\n1,2,0,3\n4,5,2,6\n7,8,1,9\n");
    ct_write_file(dir, "plain.csv", "0.1,0.2,0.3,0.4\n0.5,0.6,0.7,0.8\n");
    RUN(every_shipped_dataset_tells_its_shape);
    RUN(shape_matches_load);
    RUN(shape_refuses_what_load_refuses);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    TEST_MAIN_END();
}
