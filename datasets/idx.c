/* idx.c — reading IDX files (the MNIST / Fashion-MNIST format), plain or
 * gzip-compressed, through zlib's gzread (which reads both). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "dataset.h"
#include "input.h"

/* IDX header: two zero bytes, a type byte (0x08 = unsigned byte), the number
 * of dimensions, then each dimension as a big-endian uint32. */
typedef struct idx_header {
    int n_dims;
    uint32_t dims[4];
} idx_header;

static int read_exact(gzFile f, void *buf, size_t n, const char *path,
                      const char *what, ebm_error *err) {
    int got = gzread(f, buf, (unsigned)n);
    if (got < 0 || (size_t)got != n) {
        int zerr = 0;
        const char *zmsg = gzerror(f, &zerr);
        if (got < 0 || zerr)
            return ebm_fail(err, EBM_EDATA, "%s: cannot read %s: %s", path, what,
                            zmsg && *zmsg ? zmsg : "read error");
        return ebm_fail(err, EBM_EDATA,
                        "%s: truncated: expected %zu bytes of %s, found %d", path,
                        n, what, got < 0 ? 0 : got);
    }
    return EBM_OK;
}

/* The `count` bytes after the header, read in chunks into a buffer that grows
 * only as bytes arrive: a header that claims far more than the file holds
 * (found by fuzzing) then costs a "truncated" message, not an allocation of
 * its claim, and a claim beyond gzread's int is read in pieces. */
#define IDX_CHUNK ((size_t)1 << 20)

static int read_payload(gzFile f, size_t count, const char *path, const char *what,
                        unsigned char **out, ebm_error *err) {
    size_t cap = count < IDX_CHUNK ? count : IDX_CHUNK, have = 0;
    unsigned char *bytes = malloc(cap ? cap : 1);
    *out = NULL;
    if (!bytes) return ebm_fail(err, EBM_ENOMEM, "%s: %zu bytes of %s", path, cap, what);
    while (have < count) {
        if (have == cap) {
            size_t grown = cap > count / 2 ? count : 2 * cap;
            unsigned char *bigger = realloc(bytes, grown);
            if (!bigger) {
                free(bytes);
                return ebm_fail(err, EBM_ENOMEM, "%s: %zu bytes of %s", path, grown, what);
            }
            bytes = bigger;
            cap = grown;
        }
        size_t want = cap - have < IDX_CHUNK ? cap - have : IDX_CHUNK;
        int got = gzread(f, bytes + have, (unsigned)want);
        int zerr = 0;
        const char *zmsg = gzerror(f, &zerr);
        if (got < 0 || zerr) {
            free(bytes);
            return ebm_fail(err, EBM_EDATA, "%s: cannot read %s: %s", path, what,
                            zmsg && *zmsg ? zmsg : "read error");
        }
        if (got == 0) {
            free(bytes);
            return ebm_fail(err, EBM_EDATA,
                            "%s: truncated: expected %zu bytes of %s, found %zu", path,
                            count, what, have);
        }
        have += (size_t)got;
    }
    *out = bytes;
    return EBM_OK;
}

static gzFile open_idx(const char *path, int want_dims, idx_header *h,
                       ebm_error *err) {
    /* a regular file of at most 4 GiB, never a FIFO or a device */
    ebm_error open_err;
    FILE *plain = ebm_input_open(path, EBM_MAX_DATA_BYTES, "an IDX data file", &open_err);
    if (!plain && open_err.code == EBM_EDATA) {
        ebm_fail(err, EBM_EDATA, "%s", open_err.msg);
        return NULL;
    }
    int fd = plain ? dup(fileno(plain)) : -1;
    if (plain) fclose(plain);
    gzFile f = fd >= 0 ? gzdopen(fd, "rb") : NULL;
    if (!f && fd >= 0) close(fd);
    if (!f) {
        /* A missing dataset file is bad input (exit 2), not a system failure. */
        ebm_fail(err, EBM_EDATA, "%s: cannot open: %s", path,
                 errno ? strerror(errno) : "zlib could not open it");
        return NULL;
    }
    unsigned char magic[4];
    if (read_exact(f, magic, 4, path, "the IDX header", err)) goto fail;
    if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08) {
        /* zlib hands out what it decoded before it met a bad block, so a
         * damaged .gz first looks like a wrong header: read on to see. */
        int zerr = 0;
        char rest[4096];
        if (!gzdirect(f) && (gzread(f, rest, sizeof rest) < 0 || (gzerror(f, &zerr), zerr))) {
            const char *zmsg = gzerror(f, &zerr);
            size_t len = strlen(path);
            if (strncmp(zmsg, path, len) == 0 && strncmp(zmsg + len, ": ", 2) == 0)
                zmsg += len + 2;   /* zlib puts the path in front */
            ebm_fail(err, EBM_EDATA, "%s: corrupt gzip stream: %s", path, zmsg);
            goto fail;
        }
        ebm_fail(err, EBM_EDATA,
                 "%s: not an IDX file of unsigned bytes (header bytes %02x %02x "
                 "%02x %02x, expected 00 00 08 nn)",
                 path, magic[0], magic[1], magic[2], magic[3]);
        goto fail;
    }
    h->n_dims = magic[3];
    if (h->n_dims != want_dims) {
        ebm_fail(err, EBM_EDATA, "%s: IDX file has %d dimensions, expected %d",
                 path, h->n_dims, want_dims);
        goto fail;
    }
    for (int i = 0; i < h->n_dims; i++) {
        unsigned char b[4];
        if (read_exact(f, b, 4, path, "the IDX dimensions", err)) goto fail;
        h->dims[i] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
                     (uint32_t)b[2] << 8 | b[3];
    }
    return f;
fail:
    gzclose(f);
    return NULL;
}

/* An images file opened past its header, which must describe images. */
static gzFile open_images(const char *path, idx_header *h, ebm_error *err) {
    gzFile f = open_idx(path, 3, h, err);
    if (f && (h->dims[0] == 0 || h->dims[1] == 0 || h->dims[2] == 0 ||
              h->dims[1] > 4096 || h->dims[2] > 4096)) {
        gzclose(f);
        ebm_fail(err, EBM_EDATA, "%s: implausible image shape %u x %u x %u", path,
                 h->dims[0], h->dims[1], h->dims[2]);
        return NULL;
    }
    return f;
}

int ebm_idx_image_shape(const char *path, size_t *n, int *height, int *width,
                        ebm_error *err) {
    idx_header h;
    gzFile f = open_images(path, &h, err);
    if (!f) return err ? err->code : EBM_EDATA;
    gzclose(f);
    *n = h.dims[0];
    *height = (int)h.dims[1];
    *width = (int)h.dims[2];
    return EBM_OK;
}

int ebm_idx_read_images(const char *path, size_t limit, ebm_dataset *out,
                        ebm_error *err) {
    memset(out, 0, sizeof *out);
    idx_header h;
    gzFile f = open_images(path, &h, err);
    if (!f) return err ? err->code : EBM_EDATA;
    size_t n = h.dims[0];
    if (limit && limit < n) n = limit;
    size_t dim = (size_t)h.dims[1] * h.dims[2];
    unsigned char *bytes = NULL;
    int rc = read_payload(f, n * dim, path, "image pixels", &bytes, err);
    gzclose(f);
    if (rc) return rc;
    float *x = malloc(n * dim * sizeof *x);
    if (!x) {
        free(bytes);
        return ebm_fail(err, EBM_ENOMEM, "%s: %zu images of %zu pixels", path, n, dim);
    }
    for (size_t i = 0; i < n * dim; i++) x[i] = bytes[i] / 255.0f;
    free(bytes);
    out->n = n;
    out->dim = dim;
    out->x = x;
    out->height = (int)h.dims[1];
    out->width = (int)h.dims[2];
    return EBM_OK;
}

int ebm_idx_read_labels(const char *path, size_t limit, int **labels, size_t *n,
                        ebm_error *err) {
    idx_header h;
    *labels = NULL;
    *n = 0;
    gzFile f = open_idx(path, 1, &h, err);
    if (!f) return err ? err->code : EBM_EDATA;
    size_t count = h.dims[0];
    if (limit && limit < count) count = limit;
    unsigned char *bytes = NULL;
    int rc = read_payload(f, count, path, "labels", &bytes, err);
    gzclose(f);
    if (rc) return rc;
    int *out = malloc((count ? count : 1) * sizeof *out);
    if (!out) {
        free(bytes);
        return ebm_fail(err, EBM_ENOMEM, "%s: %zu labels", path, count);
    }
    for (size_t i = 0; i < count; i++) out[i] = bytes[i];
    free(bytes);
    *labels = out;
    *n = count;
    return EBM_OK;
}
