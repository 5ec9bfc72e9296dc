/* test_toys.c — bars-and-stripes and shifter datasets: counts, distinctness,
 * the defining property of every row, labels, and repeat. */
#include "dataset.h"
#include "registry.h"
#include "test.h"

static int load(const char *name, const char *yaml, ebm_dataset *d) {
    const ebm_dataset_ops *ops =
        (const ebm_dataset_ops *)ebm_registry_find(EBM_KIND_DATASET, name);
    if (!ops) return -1;
    ebm_error err;
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), name, &err);
    if (!cfg) return -1;
    int rc = ops->xLoad(cfg, NULL, d, &err);
    ebm_node_free(cfg);
    return rc;
}

static int rows_distinct(const ebm_dataset *d, size_t n) {
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            if (memcmp(d->x + a * d->dim, d->x + b * d->dim, d->dim * sizeof(float)) == 0)
                return 0;
    return 1;
}

TEST(bars_and_stripes) {
    for (int side = 2; side <= 4; side++) {
        char yaml[64];
        snprintf(yaml, sizeof yaml, "{side: %d, repeat: 2}", side);
        ebm_dataset d;
        ASSERT_OK(load("bars_stripes", yaml, &d));
        size_t distinct = 2 * ((size_t)1 << side) - 2;
        ASSERT_EQ(d.n, 2 * distinct);
        ASSERT_EQ(d.dim, (size_t)side * side);
        ASSERT(rows_distinct(&d, distinct));
        ASSERT(memcmp(d.x, d.x + distinct * d.dim, distinct * d.dim * sizeof(float)) == 0);
        for (size_t r = 0; r < d.n; r++) {
            const float *x = d.x + r * d.dim;
            int columns_uniform = 1, rows_uniform = 1;
            for (int i = 0; i < side; i++)
                for (int j = 0; j < side; j++) {
                    columns_uniform &= x[i * side + j] == x[j];
                    rows_uniform &= x[i * side + j] == x[i * side];
                }
            ASSERT(d.labels[r] == 0 ? columns_uniform : rows_uniform);
        }
        ebm_dataset_free(&d);
    }
}

TEST(shifter) {
    ebm_dataset d;
    ASSERT_OK(load("shifter", "{bits: 4}", &d));
    ASSERT_EQ(d.n, 48);
    ASSERT_EQ(d.dim, 8);
    ASSERT_EQ(d.n_classes, 3);
    for (size_t r = 0; r < d.n; r++) {
        const float *x = d.x + r * 8;
        int shift = d.labels[r] - 1;   /* 0 left... as documented: label 0 = -1 */
        for (int i = 0; i < 4; i++) ASSERT(x[4 + i] == x[((i - shift) % 4 + 4) % 4]);
    }
    /* Shifts of the constant vectors coincide across labels; the rest differ. */
    int counts[3] = {0};
    for (size_t r = 0; r < d.n; r++) counts[d.labels[r]]++;
    ASSERT(counts[0] == 16 && counts[1] == 16 && counts[2] == 16);
    ebm_dataset_free(&d);
}

int main(void) {
    RUN(bars_and_stripes);
    RUN(shifter);
    TEST_MAIN_END();
}
