/* fuzz_idx.c — libFuzzer harness for the IDX reader. The first input byte
 * picks images or labels, whether the harness gzips the rest first, and a
 * read limit; the rest is the file. What comes back must be exactly the
 * file's bytes. Replayed by tests/unit/test_fuzz_regressions.c (EBM_FUZZ_REPLAY). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* memfd_create */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dataset.h"
#include "fuzz_util.h"

/* Option byte: bit 0 labels (else images), bit 1 gzip the file here (so the
 * fuzzer explores IDX headers through zlib too), bits 2-3 the read limit. */
#define IDX_OPT_LABELS 0x01
#define IDX_OPT_GZIP 0x02
static const size_t idx_limits[4] = {0, 1, 2, 7};

static int fuzz_idx_accepted;

/* Writes data into f, gzip-compressed; its path or NULL. */
static const char *idx_file_gzip(fuzz_file *f, const uint8_t *data, size_t size) {
    if (!fuzz_file_set(f, "", 0)) return NULL;
    /* the copy shares the file offset, which an earlier write moved */
    int fd = dup(f->fd);
    if (fd < 0) return NULL;
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return NULL;
    }
    gzFile gz = gzdopen(fd, "wb");
    if (!gz) {
        close(fd);
        return NULL;
    }
    int ok = size == 0 || gzwrite(gz, data, (unsigned)size) == (int)size;
    return gzclose(gz) == Z_OK && ok ? f->path : NULL;
}

static uint32_t idx_be32(const uint8_t *b) {
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int idx_check_images(const ebm_dataset *d, size_t limit, const uint8_t *file,
                            size_t file_size, int content_known) {
    if (d->n == 0 || d->dim == 0 || !d->x || d->labels)
        return fuzz_broken("idx", "accepted images: n %zu, dim %zu", d->n, d->dim);
    if (limit && d->n > limit) return fuzz_broken("idx", "%zu images over limit %zu", d->n, limit);
    if (d->height < 1 || d->width < 1 || d->height > 4096 || d->width > 4096 ||
        (size_t)d->height * (size_t)d->width != d->dim)
        return fuzz_broken("idx", "shape %d x %d for %zu pixels", d->height, d->width, d->dim);
    for (size_t i = 0; i < d->n * d->dim; i++) {
        float v = d->x[i] * 255.0f;
        if (!(v >= 0 && v <= 255) || v != (float)(int)(v + 0.5f))
            return fuzz_broken("idx", "pixel %zu is %g, not a byte / 255", i, (double)d->x[i]);
    }
    if (!content_known) return 0;
    /* the header must say what came back, and the pixels are the bytes after it */
    if (file_size < 16 || 16 + d->n * d->dim > file_size)
        return fuzz_broken("idx", "%zu images of %zu pixels from a %zu-byte file", d->n,
                           d->dim, file_size);
    if (idx_be32(file + 8) != (uint32_t)d->height || idx_be32(file + 12) != (uint32_t)d->width)
        return fuzz_broken("idx", "shape %d x %d is not the header's", d->height, d->width);
    size_t claimed = idx_be32(file + 4);
    if (d->n != (limit && limit < claimed ? limit : claimed))
        return fuzz_broken("idx", "%zu images where the header says %zu (limit %zu)", d->n,
                           claimed, limit);
    for (size_t i = 0; i < d->n * d->dim; i++)
        if ((int)(d->x[i] * 255.0f + 0.5f) != file[16 + i])
            return fuzz_broken("idx", "pixel %zu is %g, the file has %d", i,
                               (double)d->x[i], file[16 + i]);
    return 0;
}

static int idx_check_labels(const int *labels, size_t n, size_t limit, const uint8_t *file,
                            size_t file_size, int content_known) {
    if (!labels) return fuzz_broken("idx", "accepted labels but got NULL");
    if (limit && n > limit) return fuzz_broken("idx", "%zu labels over limit %zu", n, limit);
    for (size_t i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] > 255)
            return fuzz_broken("idx", "label %zu is %d", i, labels[i]);
    if (!content_known) return 0;
    if (file_size < 8 || 8 + n > file_size)
        return fuzz_broken("idx", "%zu labels from a %zu-byte file", n, file_size);
    size_t claimed = idx_be32(file + 4);
    if (n != (limit && limit < claimed ? limit : claimed))
        return fuzz_broken("idx", "%zu labels where the header says %zu (limit %zu)", n,
                           claimed, limit);
    for (size_t i = 0; i < n; i++)
        if (labels[i] != file[8 + i])
            return fuzz_broken("idx", "label %zu is %d, the file has %d", i, labels[i],
                               file[8 + i]);
    return 0;
}

/* Inputs are small, so running out of memory means the reader allocated what
 * a header claims rather than what the file holds: a finding too. */
static int idx_check_failure(int rc, const ebm_error *err) {
    if (rc != EBM_EDATA)
        return fuzz_broken("idx", "failed with code %d (%s)", rc, err->msg);
    if (err->code != rc || !err->msg[0])
        return fuzz_broken("idx", "failed (%d) without a message", rc);
    return 0;
}

int ebm_fuzz_idx(const uint8_t *data, size_t size) {
    static fuzz_file file = FUZZ_FILE_INIT;
    fuzz_idx_accepted = 0;
    if (size < 1) return 0;
    uint8_t options = data[0];
    const uint8_t *content = data + 1;
    size_t content_size = size - 1;
    size_t limit = idx_limits[(options >> 2) & 3];
    const char *path = options & IDX_OPT_GZIP ? idx_file_gzip(&file, content, content_size)
                                               : fuzz_file_set(&file, content, content_size);
    if (!path) return fuzz_broken("idx", "cannot write the in-memory file");
    /* zlib reads a file that does not start like gzip as it is; what it
     * decodes from a gzip file of the fuzzer's own is not known here */
    int content_known = options & IDX_OPT_GZIP ||
                        !(content_size >= 2 && content[0] == 0x1f && content[1] == 0x8b);

    ebm_error err = {0};
    int bad = 0;
    if (options & IDX_OPT_LABELS) {
        int *labels = NULL;
        size_t n = 12345;
        int rc = ebm_idx_read_labels(path, limit, &labels, &n, &err);
        if (rc == EBM_OK)
            bad = idx_check_labels(labels, n, limit, content, content_size, content_known);
        else if (!(bad = idx_check_failure(rc, &err)) && (labels || n))
            bad = fuzz_broken("idx", "failed but left %zu labels", n);
        fuzz_idx_accepted = rc == EBM_OK && !bad;
        free(labels);
    } else {
        ebm_dataset d;
        memset(&d, 0xab, sizeof d);   /* the reader must set every field */
        int rc = ebm_idx_read_images(path, limit, &d, &err);
        if (rc == EBM_OK)
            bad = idx_check_images(&d, limit, content, content_size, content_known);
        else if (!(bad = idx_check_failure(rc, &err)) && (d.x || d.n))
            bad = fuzz_broken("idx", "failed but left %zu images", d.n);
        fuzz_idx_accepted = rc == EBM_OK && !bad;
        if (rc == EBM_OK || !bad) ebm_dataset_free(&d);
    }
    return bad;
}

#ifndef EBM_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (ebm_fuzz_idx(data, size)) abort();
    return 0;
}
#endif
