/* fuzz_csv.c — libFuzzer harness for the CSV reader: the first two input
 * bytes pick the csv dataset's options (delimiter, header, label column,
 * binarisation, image shape), the rest is the file, read by the plugin and
 * line by line by the splitter. Replayed by tests/unit/test_fuzz_regressions.c
 * (EBM_FUZZ_REPLAY). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* memfd_create */
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "csv.h"
#include "dataset.h"
#include "fuzz_util.h"

extern const ebm_dataset_ops ebm_dataset_csv;

/* Option values, indexed by bit fields of the first two bytes. Some are
 * wrong on purpose: the plugin must refuse them with a message. */
static const char *const csv_delimiters[8] = {",", ";", "\t", " ", "|", "\\t", "ab", "\""};
static const char *const csv_headers[4] = {"auto", "true", "false", "auto"};
static const char *const csv_label_columns[8] = {NULL, "0", "1", "label", "x", "-1", "99", NULL};
static const char *const csv_binarize[4] = {"none", "threshold", "stochastic", "none"};

static int fuzz_csv_accepted;

static int csv_set(ebm_node *map, const char *key, const char *value) {
    static const ebm_mark at = {"<fuzz>", 1, 1};
    ebm_node *v = ebm_node_new_scalar(value, at);
    return v ? ebm_node_set(map, key, v) : EBM_ENOMEM;
}

/* The data section the options byte describes, as validation would leave it. */
static ebm_node *csv_config(const char *path, uint8_t opt0, uint8_t opt1) {
    static const ebm_mark at = {"<fuzz>", 1, 1};
    ebm_node *cfg = ebm_node_new_map(at);
    if (!cfg) return NULL;
    const char *label = csv_label_columns[(opt0 >> 5) & 7];
    int rc = csv_set(cfg, "type", "csv") || csv_set(cfg, "path", path) ||
             csv_set(cfg, "delimiter", csv_delimiters[opt0 & 7]) ||
             csv_set(cfg, "header", csv_headers[(opt0 >> 3) & 3]) ||
             csv_set(cfg, "binarize", csv_binarize[opt1 & 3]) ||
             csv_set(cfg, "threshold", opt1 & 4 ? "0.25" : "0.5") ||
             (label && csv_set(cfg, "label_column", label));
    if (!rc && (opt1 & 0x18)) {
        /* image: [2, 2], [1, 3], or a malformed [2.5, 2] */
        static const char *const shapes[4][2] = {{0, 0}, {"2", "2"}, {"1", "3"}, {"2.5", "2"}};
        const char *const *shape = shapes[(opt1 >> 3) & 3];
        ebm_node *seq = ebm_node_new_seq(at);
        rc = !seq || ebm_node_set(cfg, "image", seq);
        for (int i = 0; i < 2 && !rc; i++) {
            ebm_node *v = ebm_node_new_scalar(shape[i], at);
            rc = !v || ebm_node_append(seq, v);
        }
    }
    if (rc) {
        ebm_node_free(cfg);
        return NULL;
    }
    return cfg;
}

static int csv_check_dataset(const ebm_dataset *d, uint8_t opt1) {
    if (d->n == 0 || d->dim == 0 || !d->x)
        return fuzz_broken("csv", "accepted: n %zu, dim %zu", d->n, d->dim);
    const char *binarize = csv_binarize[opt1 & 3];
    int stochastic = strcmp(binarize, "stochastic") == 0;
    if (d->stochastic != stochastic)
        return fuzz_broken("csv", "stochastic is %d for binarize %s", d->stochastic, binarize);
    for (size_t i = 0; i < d->n * d->dim; i++) {
        float v = d->x[i];
        if (!isfinite(v)) return fuzz_broken("csv", "value %zu is %g", i, (double)v);
        if (strcmp(binarize, "threshold") == 0 && v != 0 && v != 1)
            return fuzz_broken("csv", "thresholded value %zu is %g", i, (double)v);
        if (stochastic && (v < 0 || v > 1))
            return fuzz_broken("csv", "probability %zu is %g", i, (double)v);
    }
    if (d->labels) {
        if (d->n_classes < 1) return fuzz_broken("csv", "labels but %d classes", d->n_classes);
        for (size_t i = 0; i < d->n; i++)
            if (d->labels[i] < 0 || d->labels[i] >= d->n_classes)
                return fuzz_broken("csv", "label %zu is %d of %d classes", i, d->labels[i],
                                   d->n_classes);
    }
    if ((d->height || d->width) && (size_t)d->height * (size_t)d->width != d->dim)
        return fuzz_broken("csv", "image %d x %d for %zu columns", d->height, d->width, d->dim);
    if (d->label_columns) return fuzz_broken("csv", "label_columns %zu", d->label_columns);
    return 0;
}

/* The splitter on its own, on each line of the file: fields lie inside the
 * line, in order, and a refusal says where. */
static int csv_check_split(const uint8_t *text, size_t size, char delimiter) {
    ebm_csv_fields fields = {0};
    int bad = 0;
    for (size_t at = 0; at < size && !bad;) {
        const uint8_t *end = memchr(text + at, '\n', size - at);
        size_t len = end ? (size_t)(end - (text + at)) : size - at;
        char *line = strndup((const char *)text + at, len);
        if (!line) break;
        size_t line_len = strlen(line);   /* a NUL in the input ends the line */
        const char *problem = NULL;
        int column = 0;
        int rc = ebm_csv_split(line, delimiter, &fields, &problem, &column);
        if (rc == 0) {
            if (fields.n < 1) bad = fuzz_broken("csv", "split gave no field");
            for (int i = 0; i < fields.n && !bad; i++) {
                const char *f = fields.text[i];
                if (f < line || f > line + line_len || f + strlen(f) > line + line_len)
                    bad = fuzz_broken("csv", "field %d lies outside its line", i);
                else if (fields.column[i] < 1 || (size_t)fields.column[i] > line_len + 1 ||
                         (i && fields.column[i] <= fields.column[i - 1]))
                    bad = fuzz_broken("csv", "field %d at column %d", i, fields.column[i]);
            }
        } else if (rc == -1) {
            if (!problem || column < 1 || (size_t)column > line_len + 1)
                bad = fuzz_broken("csv", "refused at column %d without a reason", column);
        } else {
            bad = fuzz_broken("csv", "split returned %d", rc);
        }
        free(line);
        at += len + 1;
    }
    ebm_csv_fields_free(&fields);
    return bad;
}

int ebm_fuzz_csv(const uint8_t *data, size_t size) {
    static fuzz_file file = FUZZ_FILE_INIT;
    fuzz_csv_accepted = 0;
    if (size < 2) return 0;
    uint8_t opt0 = data[0], opt1 = data[1];
    const uint8_t *content = data + 2;
    size_t content_size = size - 2;
    const char *path = fuzz_file_set(&file, content, content_size);
    if (!path) return fuzz_broken("csv", "cannot write the in-memory file");
    ebm_node *cfg = csv_config(path, opt0, opt1);
    if (!cfg) return fuzz_broken("csv", "cannot build the config");

    ebm_dataset d;
    memset(&d, 0xab, sizeof d);   /* the plugin must set every field */
    ebm_error err = {0};
    int rc = ebm_dataset_csv.xLoad(cfg, NULL, &d, &err);
    int bad = 0;
    if (rc == EBM_OK) {
        bad = csv_check_dataset(&d, opt1);
    } else if (rc != EBM_EDATA && rc != EBM_ECONFIG) {   /* small inputs: no ENOMEM */
        bad = fuzz_broken("csv", "failed with code %d (%s)", rc, err.msg);
    } else if (err.code != rc || !err.msg[0]) {
        bad = fuzz_broken("csv", "failed (%d) without a message", rc);
    } else if (d.x || d.labels || d.n) {
        bad = fuzz_broken("csv", "failed but left %zu rows", d.n);
    }
    if (rc == EBM_OK && !bad) {
        /* what `ebm validate` reads: the first line alone gives the same rows */
        ebm_data_shape shape;
        ebm_error shape_err = {0};
        int shape_rc = ebm_dataset_csv.xShape(cfg, &shape, &shape_err);
        if (shape_rc != EBM_OK)
            bad = fuzz_broken("csv", "loads, but its shape fails: %s", shape_err.msg);
        else if (shape.dim != d.dim || shape.n != 0 || shape.n_classes != 0)
            bad = fuzz_broken("csv", "shape %zu x %zu (%d classes), loaded %zu x %zu",
                              shape.n, shape.dim, shape.n_classes, d.n, d.dim);
    }
    fuzz_csv_accepted = rc == EBM_OK && !bad;
    if (rc == EBM_OK || !bad) ebm_dataset_free(&d);
    ebm_node_free(cfg);
    if (!bad) bad = csv_check_split(content, content_size, ',');
    if (!bad && opt0 & 1) bad = csv_check_split(content, content_size, '\t');
    return bad;
}

#ifndef EBM_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (ebm_fuzz_csv(data, size)) abort();
    return 0;
}
#endif
