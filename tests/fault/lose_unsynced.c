/* lose_unsynced.c — an LD_PRELOAD library for tests/cli/lost_writes.sh: a
 * power cut for one directory. It keeps the directory's *durable* state as a
 * disk would after a power loss, and at a chosen write puts the directory
 * back to that state and kills the process with SIGKILL:
 *   - a file's content is durable as it was at its last fsync/fdatasync
 *     (any fd, any path to it); a file the process created and never synced
 *     comes back empty;
 *   - which name holds which file (creates, renames, unlinks) is durable as
 *     it was at the last fsync of the directory itself;
 *   - what the directory held when the process started is durable.
 * Environment: EBM_LOSE_DIR (the directory, absolute path, required);
 * EBM_LOSE_AT=N (cut at the N-th write, pwrite or ftruncate into the
 * directory; 0 or unset: never); EBM_LOSE_LOG (a file that gets one line per
 * event: "sync NAME", "dirsync", "cut N", and "writes N" at exit, so a test
 * can choose N); EBM_LOSE_NO_SYNC=1 (fsync makes nothing durable: what a
 * program that never syncs would get, the test's control).
 * Writes made through stdio (fwrite) are invisible to it but are still lost
 * unless synced, since content is read back at each fsync. Test-only; never
 * linked into ebm. Its state is process-wide by necessity: it stands in for
 * the disk. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FILES 256
#define MAX_NAME 256
#define DIR_MAX 1024                        /* longer directories: not set up */
#define ENTRY_MAX (DIR_MAX + MAX_NAME + 2)  /* a path in the directory */

/* A file ("inode") of the directory: its durable content lives in a shadow
 * file (or nowhere yet: comes back empty). */
typedef struct file {
    int used;
    char shadow[DIR_MAX + 48];
    int has_shadow;
} file;

/* A name in the directory and the file it holds (-1: none). */
typedef struct entry {
    char name[MAX_NAME];
    int file;
} entry;

static struct {
    int ready;
    char dir[DIR_MAX], shadow_dir[DIR_MAX + 32];
    file files[MAX_FILES];
    entry now[MAX_FILES], durable[MAX_FILES];   /* the namespace, live and durable */
    long writes, cut_at;
    int no_sync;
} disk;

#define REAL(name, ret, ...)                                              \
    static ret (*real_##name)(__VA_ARGS__);                               \
    if (!real_##name) real_##name = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

static void note(const char *fmt, ...) {
    const char *path = getenv("EBM_LOSE_LOG");
    if (!path) return;
    REAL(open, int, const char *, int, ...);
    REAL(write, ssize_t, int, const void *, size_t);
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    int fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        real_write(fd, line, (size_t)n);
        close(fd);
    }
}

/* Copies what from_fd (open for reading) holds to dst. 0 on success. */
static int copy(int from_fd, const char *dst) {
    REAL(open, int, const char *, int, ...);
    REAL(write, ssize_t, int, const void *, size_t);
    REAL(pread, ssize_t, int, void *, size_t, off_t);
    int out = real_open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) return -1;
    char buf[1 << 16];
    off_t at = 0;
    ssize_t got;
    while ((got = real_pread(from_fd, buf, sizeof buf, at)) > 0) {
        if (real_write(out, buf, (size_t)got) != got) break;
        at += got;
    }
    close(out);
    return got == 0 ? 0 : -1;
}

static const char *in_dir(const char *path) {
    size_t n = strlen(disk.dir);
    if (!path || strncmp(path, disk.dir, n) != 0 || path[n] != '/') return NULL;
    const char *name = path + n + 1;
    return *name && !strchr(name, '/') && strlen(name) < MAX_NAME ? name : NULL;
}

static entry *lookup(entry *table, const char *name) {
    for (int i = 0; i < MAX_FILES; i++)
        if (table[i].name[0] && strcmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}

static entry *add_name(const char *name, int f) {
    entry *e = lookup(disk.now, name);
    for (int i = 0; !e && i < MAX_FILES; i++)
        if (!disk.now[i].name[0]) e = &disk.now[i];
    if (!e) return NULL;
    snprintf(e->name, sizeof e->name, "%s", name);
    e->file = f;
    return e;
}

static int new_file(void) {
    for (int i = 0; i < MAX_FILES; i++)
        if (!disk.files[i].used) {
            disk.files[i] = (file){.used = 1};
            snprintf(disk.files[i].shadow, sizeof disk.files[i].shadow, "%s/%d",
                     disk.shadow_dir, i);
            return i;
        }
    return -1;
}

static void setup(void) {
    if (disk.ready) return;
    disk.ready = -1;
    const char *dir = getenv("EBM_LOSE_DIR"), *at = getenv("EBM_LOSE_AT");
    char resolved[PATH_MAX];
    if (!dir || !*dir) return;
    /* not made yet: the path as given, and nothing in it is durable */
    if (realpath(dir, resolved)) dir = resolved;
    if (strlen(dir) >= sizeof disk.dir) return;
    memcpy(disk.dir, dir, strlen(dir) + 1);
    disk.cut_at = at ? atol(at) : 0;
    disk.no_sync = getenv("EBM_LOSE_NO_SYNC") && atoi(getenv("EBM_LOSE_NO_SYNC"));
    snprintf(disk.shadow_dir, sizeof disk.shadow_dir, "%s.durable-XXXXXX", disk.dir);
    if (!mkdtemp(disk.shadow_dir)) return;
    REAL(open, int, const char *, int, ...);
    DIR *d = opendir(disk.dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        char path[ENTRY_MAX];
        if (strlen(de->d_name) >= MAX_NAME) continue;
        snprintf(path, sizeof path, "%s/%s", disk.dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || !in_dir(path)) continue;
        int f = new_file(), fd = real_open(path, O_RDONLY);
        if (f < 0 || fd < 0) continue;
        disk.files[f].has_shadow = copy(fd, disk.files[f].shadow) == 0;
        close(fd);
        add_name(de->d_name, f);
    }
    if (d) closedir(d);
    memcpy(disk.durable, disk.now, sizeof disk.now);
    disk.ready = 1;
}

/* The file a live name holds, made known when the process created it in a
 * way this library does not see (fopen). */
static int file_of(const char *name) {
    entry *e = lookup(disk.now, name);
    if (e) return e->file;
    int f = new_file();
    if (f >= 0) add_name(name, f);
    return f;
}

/* fd's path in the directory, or NULL. */
static const char *name_of_fd(int fd, char *buf, size_t size) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, size - 1);
    if (n < 0) return NULL;
    buf[n] = '\0';
    if (strcmp(buf, disk.dir) == 0) return "";   /* the directory itself */
    return in_dir(buf);
}

/* The power cut: the directory becomes its durable state, then SIGKILL. */
static void cut(void) {
    REAL(open, int, const char *, int, ...);
    REAL(unlink, int, const char *);
    note("cut %ld", disk.writes);
    for (int i = 0; i < MAX_FILES; i++) {
        if (!disk.now[i].name[0]) continue;
        char path[ENTRY_MAX];
        snprintf(path, sizeof path, "%s/%s", disk.dir, disk.now[i].name);
        real_unlink(path);
    }
    for (int i = 0; i < MAX_FILES; i++) {
        entry *e = &disk.durable[i];
        if (!e->name[0] || e->file < 0) continue;
        char path[ENTRY_MAX];
        snprintf(path, sizeof path, "%s/%s", disk.dir, e->name);
        file *f = &disk.files[e->file];
        int src = f->has_shadow ? real_open(f->shadow, O_RDONLY) : -1;
        if (src >= 0) {
            copy(src, path);
            close(src);
        } else {
            int fd = real_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) close(fd);
        }
    }
    kill(getpid(), SIGKILL);
}

/* Counts a write into the directory; cuts the power at the chosen one,
 * before it happens. */
static void count_write(int fd) {
    setup();
    if (disk.ready != 1) return;
    char buf[PATH_MAX];
    const char *name = name_of_fd(fd, buf, sizeof buf);
    if (!name || !*name) return;
    file_of(name);
    if (++disk.writes == disk.cut_at) cut();
}

static void track_open(const char *path, int existed) {
    setup();
    const char *name = disk.ready == 1 ? in_dir(path) : NULL;
    if (!name) return;
    entry *e = lookup(disk.now, name);
    if (!existed || !e) {
        /* created now (or truncated by O_TRUNC: the old content is lost
         * only once the new one is synced, which this model ignores) */
        int f = new_file();
        if (f >= 0) add_name(name, f);
    }
}

static mode_t mode_arg(int flags, va_list ap) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_WRAPPER(fn)                                                  \
    int fn(const char *path, int flags, ...) {                            \
        REAL(fn, int, const char *, int, ...);                            \
        va_list ap;                                                       \
        va_start(ap, flags);                                              \
        mode_t mode = mode_arg(flags, ap);                                \
        va_end(ap);                                                       \
        int existed = access(path, F_OK) == 0;                            \
        int fd = real_##fn(path, flags, mode);                            \
        if (fd >= 0 && path[0] == '/') track_open(path, existed);         \
        return fd;                                                        \
    }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

#define OPENAT_WRAPPER(fn)                                                \
    int fn(int dirfd, const char *path, int flags, ...) {                 \
        REAL(fn, int, int, const char *, int, ...);                       \
        va_list ap;                                                       \
        va_start(ap, flags);                                              \
        mode_t mode = mode_arg(flags, ap);                                \
        va_end(ap);                                                       \
        int existed = faccessat(dirfd, path, F_OK, 0) == 0;               \
        int fd = real_##fn(dirfd, path, flags, mode);                     \
        char buf[PATH_MAX];                                               \
        if (fd >= 0 && name_of_fd(fd, buf, sizeof buf) && disk.ready == 1) \
            track_open(buf, existed);                                     \
        return fd;                                                        \
    }
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

ssize_t write(int fd, const void *data, size_t n) {
    REAL(write, ssize_t, int, const void *, size_t);
    count_write(fd);
    return real_write(fd, data, n);
}

ssize_t pwrite(int fd, const void *data, size_t n, off_t at) {
    REAL(pwrite, ssize_t, int, const void *, size_t, off_t);
    count_write(fd);
    return real_pwrite(fd, data, n, at);
}

ssize_t pwrite64(int fd, const void *data, size_t n, off_t at) {
    REAL(pwrite64, ssize_t, int, const void *, size_t, off_t);
    count_write(fd);
    return real_pwrite64(fd, data, n, at);
}

int ftruncate(int fd, off_t size) {
    REAL(ftruncate, int, int, off_t);
    count_write(fd);
    return real_ftruncate(fd, size);
}

int ftruncate64(int fd, off_t size) {
    REAL(ftruncate64, int, int, off_t);
    count_write(fd);
    return real_ftruncate64(fd, size);
}

/* What a sync makes durable: the file's content, or the directory's names. */
static void synced(int fd) {
    setup();
    char buf[PATH_MAX];
    const char *name = disk.ready == 1 ? name_of_fd(fd, buf, sizeof buf) : NULL;
    if (!name || disk.no_sync) return;
    if (!*name) {
        memcpy(disk.durable, disk.now, sizeof disk.now);
        note("dirsync");
        return;
    }
    int f = file_of(name);
    if (f < 0) return;
    /* fd may be write-only: read the file through a descriptor of our own */
    REAL(open, int, const char *, int, ...);
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    int in = real_open(link, O_RDONLY);
    disk.files[f].has_shadow = in >= 0 && copy(in, disk.files[f].shadow) == 0;
    if (in >= 0) close(in);
    note("sync %s", name);
}

int fsync(int fd) {
    REAL(fsync, int, int);
    int rc = real_fsync(fd);
    if (rc == 0) synced(fd);
    return rc;
}

int fdatasync(int fd) {
    REAL(fdatasync, int, int);
    int rc = real_fdatasync(fd);
    if (rc == 0) synced(fd);
    return rc;
}

int rename(const char *from, const char *to) {
    REAL(rename, int, const char *, const char *);
    setup();
    int rc = real_rename(from, to);
    const char *a = disk.ready == 1 && rc == 0 ? in_dir(from) : NULL;
    const char *b = a ? in_dir(to) : NULL;
    if (a && b) {
        int f = file_of(a);
        lookup(disk.now, a)->name[0] = '\0';
        add_name(b, f);
    }
    return rc;
}

int unlink(const char *path) {
    REAL(unlink, int, const char *);
    setup();
    int rc = real_unlink(path);
    const char *name = disk.ready == 1 && rc == 0 ? in_dir(path) : NULL;
    entry *e = name ? lookup(disk.now, name) : NULL;
    if (e) e->name[0] = '\0';
    return rc;
}

__attribute__((destructor)) static void report_writes(void) {
    if (disk.ready == 1) note("writes %ld", disk.writes);
}
