/* fashion.c — the Fashion-MNIST dataset plugin: the IDX files of Debian's
 * dataset-fashion-mnist package, optionally filtered by class and binarised
 * (by threshold, or stochastically per minibatch). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "plugins.h"

static const ebm_param fashion_params[] = {
    {.name = "path", .type = EBM_P_STRING,
     .def = "/usr/share/datasets/fashion-mnist",
     .help = "directory holding the *-idx?-ubyte.gz files"},
    {.name = "split", .type = EBM_P_ENUM, .def = "train", .choices = "train|test",
     .help = "which file pair: 60000 training or 10000 test images"},
    {.name = "first", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "skip this many images of the file"},
    {.name = "count", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "keep at most this many images (0 = all)"},
    {.name = "classes", .type = EBM_P_FLOATS, .flags = EBM_PF_OPTIONAL,
     .range = "[0, 9]", .help = "keep only these labels (0 T-shirt ... 9 ankle boot)"},
    {.name = "per_class", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",
     .help = "keep at most this many images of each class (0 = no limit)"},
    {.name = "binarize", .type = EBM_P_ENUM, .def = "threshold",
     .choices = "threshold|stochastic|none",
     .help = "pixels to {0,1} by threshold, drawn as Bernoulli(grey) afresh for every "
             "minibatch (stochastic), or grey levels in [0,1] (none)"},
    {.name = "threshold", .type = EBM_P_FLOAT, .def = "0.5", .range = "(0, 1)",
     .help = "pixel value above which a binarised pixel is 1"},
    EBM_PARAM_END};

/* Which rows survive the first/classes/per_class/count filters, in order. */
static size_t select_rows(const ebm_node *cfg, const int *labels, size_t n,
                          size_t *keep) {
    double classes[10];
    int n_classes = ebm_node_at(cfg, "classes")
                        ? ebm_cfg_doubles(cfg, "classes", classes, 10) : 0;
    size_t first = (size_t)ebm_cfg_int(cfg, "first", 0);
    size_t count = (size_t)ebm_cfg_int(cfg, "count", 0);
    size_t per_class = (size_t)ebm_cfg_int(cfg, "per_class", 0);
    size_t taken_of_class[10] = {0}, kept = 0;
    for (size_t i = first; i < n && (count == 0 || kept < count); i++) {
        int label = labels[i];
        if (label < 0 || label > 9) continue;
        if (n_classes) {
            int wanted = 0;
            for (int c = 0; c < n_classes && c < 10; c++)
                if ((int)classes[c] == label) wanted = 1;
            if (!wanted) continue;
        }
        if (per_class && taken_of_class[label] >= per_class) continue;
        taken_of_class[label]++;
        keep[kept++] = i;
    }
    return kept;
}

/* The split's two files under data.path. */
static void file_paths(const ebm_node *cfg, char *images, char *labels, size_t size) {
    const char *dir = ebm_cfg_str(cfg, "path", "/usr/share/datasets/fashion-mnist");
    const char *prefix = strcmp(ebm_cfg_str(cfg, "split", "train"), "test") == 0
                             ? "t10k" : "train";
    snprintf(images, size, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    snprintf(labels, size, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
}

/* The file's labels and which of its n_images rows the filters keep (*keep,
 * malloc'd, *n of them): what both the load and the shape need, since the
 * class filters decide how many rows there are. */
static int selected_rows(const ebm_node *cfg, const char *images_path,
                         const char *labels_path, size_t n_images, int **labels,
                         size_t **keep, size_t *n, ebm_error *err) {
    size_t n_labels = 0;
    *keep = NULL;
    int rc = ebm_idx_read_labels(labels_path, 0, labels, &n_labels, err);
    if (rc) return rc;
    if (n_labels != n_images)
        rc = ebm_fail(err, EBM_EDATA, "%s has %zu labels but %s has %zu images",
                      labels_path, n_labels, images_path, n_images);
    else if (!(*keep = malloc((n_images ? n_images : 1) * sizeof **keep)))
        rc = ebm_fail(err, EBM_ENOMEM, "selecting Fashion-MNIST rows");
    else if ((*n = select_rows(cfg, *labels, n_images, *keep)) == 0)
        rc = ebm_fail(err, EBM_ECONFIG, "data: the filters (first, count, classes, "
                      "per_class) leave no Fashion-MNIST image");
    if (rc) {
        free(*labels);
        free(*keep);
        *labels = NULL;
        *keep = NULL;
    }
    return rc;
}

static int fashion_load(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                        ebm_error *err) {
    (void)rng;
    char images_path[4096], labels_path[4096];
    file_paths(cfg, images_path, labels_path, sizeof images_path);
    ebm_dataset all;
    int *labels = NULL;
    size_t *keep = NULL, n = 0;
    int rc = ebm_idx_read_images(images_path, 0, &all, err);
    if (rc) return rc;
    rc = selected_rows(cfg, images_path, labels_path, all.n, &labels, &keep, &n, err);
    if (rc) {
        ebm_dataset_free(&all);
        return rc;
    }

    int threshold = strcmp(ebm_cfg_str(cfg, "binarize", "threshold"), "threshold") == 0;
    float level = (float)ebm_cfg_double(cfg, "threshold", 0.5);
    memset(out, 0, sizeof *out);
    out->x = malloc(n * all.dim * sizeof *out->x);
    out->labels = malloc(n * sizeof *out->labels);
    if (!out->x || !out->labels) {
        free(keep);
        ebm_dataset_free(&all);
        free(labels);
        ebm_dataset_free(out);
        return ebm_fail(err, EBM_ENOMEM, "%zu Fashion-MNIST images", n);
    }
    for (size_t r = 0; r < n; r++) {
        const float *src = all.x + keep[r] * all.dim;
        float *dst = out->x + r * all.dim;
        for (size_t j = 0; j < all.dim; j++)
            dst[j] = threshold ? (src[j] > level ? 1.0f : 0.0f) : src[j];
        out->labels[r] = labels[keep[r]];
    }
    out->n = n;
    out->dim = all.dim;
    out->n_classes = 10;
    /* grey levels stay in x; the runner draws each minibatch from them */
    out->stochastic = strcmp(ebm_cfg_str(cfg, "binarize", "threshold"), "stochastic") == 0;
    out->height = all.height;
    out->width = all.width;
    free(keep);
    free(labels);
    ebm_dataset_free(&all);
    return EBM_OK;
}

/* The images file's header and the labels file (10 KB to 60 KB unpacked):
 * the pixels are never read. */
static int fashion_shape(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err) {
    char images_path[4096], labels_path[4096];
    file_paths(cfg, images_path, labels_path, sizeof images_path);
    size_t n_images = 0, *keep = NULL, n = 0;
    int height = 0, width = 0, *labels = NULL;
    int rc = ebm_idx_image_shape(images_path, &n_images, &height, &width, err);
    if (!rc) rc = selected_rows(cfg, images_path, labels_path, n_images, &labels, &keep, &n,
                                err);
    free(keep);
    free(labels);
    if (!rc) *out = (ebm_data_shape){.n = n, .dim = (size_t)height * (size_t)width,
                                     .n_classes = 10};
    return rc;
}

const ebm_dataset_ops ebm_dataset_fashion_mnist = {
    .info = {.version = EBM_DATASET_OPS_VERSION,
             .name = "fashion_mnist",
             .help = "Fashion-MNIST 28x28 images (Debian package dataset-fashion-mnist)",
             .params = fashion_params},
    .xLoad = fashion_load,
    .xShape = fashion_shape,
};
