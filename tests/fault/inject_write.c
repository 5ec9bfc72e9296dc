/* inject_write.c — an LD_PRELOAD library for tests/cli/disk_full.sh: makes
 * writes to files whose path contains EBM_FAULT_PATH fail with
 * EBM_FAULT_ERRNO (ENOSPC or EIO) once EBM_FAULT_AFTER bytes have gone to
 * them, as a full disk or a failing one would; and with EBM_FAULT_COUNT set,
 * appends a line to that file for every successful fsync of such a file, so
 * a test can see that results are forced to the disk. Test-only; never linked
 * into ebm. It keeps process-wide state by necessity: it stands in for the
 * disk. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FDS 4096

static char watched[MAX_FDS];   /* fds opened on a matching path */
static long long budget = -1;   /* bytes still allowed; -1 until read */
static int fail_errno;

static void load_settings(void) {
    if (budget >= 0 || fail_errno) return;
    const char *after = getenv("EBM_FAULT_AFTER");
    const char *code = getenv("EBM_FAULT_ERRNO");
    budget = after ? atoll(after) : 0;
    fail_errno = code && strcmp(code, "EIO") == 0 ? EIO : ENOSPC;
}

static int path_matches(const char *path) {
    const char *pattern = getenv("EBM_FAULT_PATH");
    return pattern && *pattern && path && strstr(path, pattern);
}

static void track(int fd, const char *path) {
    if (fd >= 0 && fd < MAX_FDS) watched[fd] = (char)path_matches(path);
}

static int is_watched(int fd) { return fd >= 0 && fd < MAX_FDS && watched[fd]; }

/* How much of a count-byte write may go through: the rest of the budget,
 * then nothing (errno set). */
static ssize_t allowed(int fd, size_t count) {
    if (!is_watched(fd)) return (ssize_t)count;
    load_settings();
    if (budget <= 0) {
        errno = fail_errno;
        return -1;
    }
    if ((long long)count > budget) count = (size_t)budget;
    return (ssize_t)count;
}

#define REAL(name, ret, ...)                                              \
    static ret (*real_##name)(__VA_ARGS__);                               \
    if (!real_##name) real_##name = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

static mode_t mode_arg(int flags, va_list ap) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...) {
    REAL(open, int, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int fd = real_open(path, flags, mode);
    track(fd, path);
    return fd;
}

int open64(const char *path, int flags, ...) {
    REAL(open64, int, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int fd = real_open64(path, flags, mode);
    track(fd, path);
    return fd;
}

int openat(int dir, const char *path, int flags, ...) {
    REAL(openat, int, int, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int fd = real_openat(dir, path, flags, mode);
    track(fd, path);
    return fd;
}

int creat(const char *path, mode_t mode) {
    return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int close(int fd) {
    REAL(close, int, int);
    if (fd >= 0 && fd < MAX_FDS) watched[fd] = 0;
    return real_close(fd);
}

/* The descriptor now names what oldfd named (ebm points a failed file's
 * descriptor at /dev/null to close it). */
int dup2(int oldfd, int newfd) {
    REAL(dup2, int, int, int);
    int fd = real_dup2(oldfd, newfd);
    if (fd >= 0 && fd < MAX_FDS) watched[fd] = (char)is_watched(oldfd);
    return fd;
}

ssize_t write(int fd, const void *buf, size_t count) {
    REAL(write, ssize_t, int, const void *, size_t);
    ssize_t n = allowed(fd, count);
    if (n < 0) return -1;
    ssize_t done = real_write(fd, buf, (size_t)n);
    if (done > 0 && is_watched(fd)) budget -= done;
    return done;
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t at) {
    REAL(pwrite, ssize_t, int, const void *, size_t, off_t);
    ssize_t n = allowed(fd, count);
    if (n < 0) return -1;
    ssize_t done = real_pwrite(fd, buf, (size_t)n, at);
    if (done > 0 && is_watched(fd)) budget -= done;
    return done;
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t at) {
    REAL(pwrite64, ssize_t, int, const void *, size_t, off_t);
    ssize_t n = allowed(fd, count);
    if (n < 0) return -1;
    ssize_t done = real_pwrite64(fd, buf, (size_t)n, at);
    if (done > 0 && is_watched(fd)) budget -= done;
    return done;
}

/* A full disk also fails the sync of data that could not be written. */
int fsync(int fd) {
    REAL(fsync, int, int);
    if (is_watched(fd)) {
        load_settings();
        if (budget <= 0) {
            errno = fail_errno;
            return -1;
        }
    }
    int rc = real_fsync(fd);
    const char *count = getenv("EBM_FAULT_COUNT");
    if (rc == 0 && count && is_watched(fd)) {
        REAL(open, int, const char *, int, ...);
        REAL(write, ssize_t, int, const void *, size_t);
        REAL(close, int, int);
        int log = real_open(count, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (log >= 0) {
            real_write(log, "fsync\n", 6);
            real_close(log);
        }
    }
    return rc;
}
