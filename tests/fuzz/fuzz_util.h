/* fuzz_util.h — what the fuzz harnesses share: an in-memory file (memfd) that
 * holds the input, so readers that only take a path read it without touching
 * the disk, and the report a harness gives when an invariant breaks. */
#ifndef EBM_FUZZ_UTIL_H
#define EBM_FUZZ_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* One reusable file per harness: created on first use, rewritten per input.
 * Readers open it again through /proc/self/fd/N, at offset 0 each time. */
typedef struct fuzz_file {
    int fd;              /* -1 until created */
    char path[64];
} fuzz_file;

#define FUZZ_FILE_INIT {.fd = -1}

/* Makes f hold exactly data; returns its path, or NULL if the system said no. */
static inline const char *fuzz_file_set(fuzz_file *f, const void *data, size_t size) {
    if (f->fd < 0) {
        f->fd = memfd_create("ebm-fuzz", 0);
        if (f->fd < 0) return NULL;
        snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
    }
    if (ftruncate(f->fd, 0) != 0) return NULL;
    if (size && pwrite(f->fd, data, size, 0) != (ssize_t)size) return NULL;
    return f->path;
}

/* A broken invariant: says which on stderr (the harness is not the library,
 * so it may print) and returns 1 for the caller to pass up. */
static inline int fuzz_broken(const char *target, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline int fuzz_broken(const char *target, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz %s: invariant broken: ", target);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 1;
}

#endif
