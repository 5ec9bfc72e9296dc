/* test_idx.c — the IDX reader (plain and gzip) on files written here, its
 * errors on broken files, and the Fashion-MNIST plugin's filters on the files
 * of the Debian package. */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "dataset.h"
#include "registry.h"
#include "test.h"

static char dir[] = "/tmp/ebm-test-idx-XXXXXX";

/* Writes an IDX file of unsigned bytes with the given header and payload. */
static void write_idx(const char *name, int gz, const unsigned char *header, size_t hlen,
                      const unsigned char *data, size_t len, char *path, size_t size) {
    snprintf(path, size, "%s/%s", dir, name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, header, (unsigned)hlen);
        if (len) gzwrite(f, data, (unsigned)len);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(header, 1, hlen, f);
        if (len) fwrite(data, 1, len, f);
        fclose(f);
    }
}

static const unsigned char images_header[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3};

TEST(reads_plain_and_gzip_images) {
    unsigned char pixels[12] = {0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 255};
    for (int gz = 0; gz <= 1; gz++) {
        char path[256];
        write_idx(gz ? "img.gz" : "img", gz, images_header, sizeof images_header, pixels, 12,
                  path, sizeof path);
        ebm_dataset d;
        ebm_error err;
        ASSERT_OK(ebm_idx_read_images(path, 0, &d, &err));
        ASSERT_EQ(d.n, 2);
        ASSERT_EQ(d.dim, 6);
        ASSERT_EQ(d.height, 2);
        ASSERT_EQ(d.width, 3);
        for (int i = 0; i < 12; i++) ASSERT_NEAR(d.x[i], pixels[i] / 255.0, 1e-7);
        ebm_dataset_free(&d);
        ASSERT_OK(ebm_idx_read_images(path, 1, &d, &err));   /* limit */
        ASSERT_EQ(d.n, 1);
        ebm_dataset_free(&d);
    }
}

TEST(reads_labels) {
    unsigned char header[] = {0, 0, 8, 1, 0, 0, 0, 4};
    unsigned char labels[] = {3, 1, 4, 1};
    char path[256];
    write_idx("labels.gz", 1, header, sizeof header, labels, 4, path, sizeof path);
    int *out;
    size_t n;
    ebm_error err;
    ASSERT_OK(ebm_idx_read_labels(path, 0, &out, &n, &err));
    ASSERT_EQ(n, 4);
    for (int i = 0; i < 4; i++) ASSERT_EQ(out[i], labels[i]);
    free(out);
}

TEST(broken_files_are_clear_errors) {
    char path[256];
    ebm_dataset d;
    ebm_error err;
    unsigned char pixels[5] = {1, 2, 3, 4, 5};
    write_idx("short.gz", 1, images_header, sizeof images_header, pixels, 5, path, sizeof path);
    ASSERT_EQ(ebm_idx_read_images(path, 0, &d, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "short.gz: truncated: expected 12 bytes of image pixels");

    unsigned char bad_magic[] = {0, 0, 9, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    write_idx("magic", 0, bad_magic, sizeof bad_magic, pixels, 1, path, sizeof path);
    ASSERT_EQ(ebm_idx_read_images(path, 0, &d, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "not an IDX file of unsigned bytes");

    unsigned char two_dims[] = {0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1};
    write_idx("dims", 0, two_dims, sizeof two_dims, pixels, 1, path, sizeof path);
    ASSERT_EQ(ebm_idx_read_images(path, 0, &d, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "has 2 dimensions, expected 3");

    unsigned char cut_header[] = {0, 0, 8, 3, 0, 0};
    write_idx("cut", 0, cut_header, sizeof cut_header, NULL, 0, path, sizeof path);
    ASSERT_EQ(ebm_idx_read_images(path, 0, &d, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "truncated");

    snprintf(path, sizeof path, "%s/missing.gz", dir);
    ASSERT_EQ(ebm_idx_read_images(path, 0, &d, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "missing.gz: cannot open");
}

TEST(fashion_filters) {
    const ebm_dataset_ops *ops =
        (const ebm_dataset_ops *)ebm_registry_find(EBM_KIND_DATASET, "fashion_mnist");
    ASSERT(ops);
    if (access("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", R_OK) != 0) {
        printf("skip: dataset-fashion-mnist is not installed\n");
        return;
    }
    const char *yaml = "{split: test, per_class: 2, classes: [3, 7], binarize: threshold, "
                       "threshold: 0.5, first: 0, count: 0, "
                       "path: /usr/share/datasets/fashion-mnist}";
    ebm_error err;
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "fashion", &err);
    ASSERT(cfg);
    ebm_dataset d;
    ASSERT_OK(ops->xLoad(cfg, NULL, &d, &err));
    ASSERT_EQ(d.n, 4);
    ASSERT_EQ(d.dim, 784);
    ASSERT_EQ(d.height, 28);
    int threes = 0, sevens = 0;
    for (size_t i = 0; i < d.n; i++) {
        threes += d.labels[i] == 3;
        sevens += d.labels[i] == 7;
    }
    ASSERT_EQ(threes, 2);
    ASSERT_EQ(sevens, 2);
    for (size_t i = 0; i < d.n * d.dim; i++) ASSERT(d.x[i] == 0.0f || d.x[i] == 1.0f);
    ebm_dataset_free(&d);
    ebm_node_free(cfg);
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    RUN(reads_plain_and_gzip_images);
    RUN(reads_labels);
    RUN(broken_files_are_clear_errors);
    RUN(fashion_filters);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    TEST_MAIN_END();
}
