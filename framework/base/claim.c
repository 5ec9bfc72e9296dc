/* claim.c — taking directories and files for writing without harming what
 * is there (claim.h): fresh directories by mkdir, a flock'ed lock file per
 * directory, old results moved aside, temporary files that follow no
 * symlink, durable renames. */
#define _GNU_SOURCE   /* renameat2 */
#include "claim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

const char *ebm_claim_results_in(const char *dir) {
    static const char *const names[] = {"run.h5", "run.h5.part", "checkpoint.h5",
                                        "sweep.yaml", "summary.csv", "config.yaml"};
    char path[4400];
    struct stat st;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (lstat(path, &st) == 0) return names[i];
    }
    return NULL;
}

int ebm_claim_move_aside(const char *path, char *moved, size_t moved_size, ebm_error *err) {
    char to[4400];
    for (int n = 1; n < 10000; n++) {
        snprintf(to, sizeof to, "%s.old-%d", path, n);
        /* RENAME_NOREPLACE: a name taken meanwhile is skipped, never replaced
         * (plain rename would replace an empty directory). */
        if (renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
            ebm_claim_sync_dir_of(to);
            if (moved) snprintf(moved, moved_size, "%s", to);
            return EBM_OK;
        }
        if (errno != EEXIST)
            return ebm_fail(err, EBM_EIO, "%s: cannot move aside to %s: %s", path, to,
                            strerror(errno));
    }
    return ebm_fail(err, EBM_EIO, "%s: cannot move aside: %s.old-1 to -9999 all exist",
                    path, path);
}

int ebm_claim_new_dir(const char *base, char *out, size_t out_size, ebm_error *err) {
    char parent[4400];
    snprintf(parent, sizeof parent, "%s", base);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        int rc = ebm_proc_mkdirs(parent, err);
        if (rc) return rc;
    }
    for (int k = 1; k < 100000; k++) {
        int n = k == 1 ? snprintf(out, out_size, "%s", base)
                       : snprintf(out, out_size, "%s-%d", base, k);
        if (n < 0 || (size_t)n >= out_size)
            return ebm_fail(err, EBM_EINVAL, "%s: path too long", base);
        if (mkdir(out, 0755) == 0) {
            ebm_claim_sync_dir_of(out);
            return EBM_OK;
        }
        if (errno != EEXIST)
            return ebm_fail(err, EBM_EIO, "%s: cannot create directory: %s", out,
                            strerror(errno));
    }
    return ebm_fail(err, EBM_EIO, "%s: no free name from -2 to -99999", base);
}

/* "DIR: another ebm process (pid N) is writing this run; ..." for the holder
 * of the lock file fd. */
static int held_by_another(int fd, const char *dir, const char *what, ebm_error *err) {
    char pid[32] = "";
    ssize_t got = pread(fd, pid, sizeof pid - 1, 0);
    pid[got > 0 ? got : 0] = '\0';
    pid[strcspn(pid, "\n")] = '\0';
    return ebm_fail(err, EBM_EINVAL, "%s: another ebm process (pid %s) is writing this %s; "
                    "wait for it to end (or stop it) and try again", dir,
                    pid[0] ? pid : "unknown", what);
}

int ebm_claim_probe_hold(const char *dir, const char *what, int *fd_out, ebm_error *err) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, EBM_LOCK_NAME);
    *fd_out = -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return EBM_OK;   /* no lock file: nobody has written here since */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        int rc = held_by_another(fd, dir, what, err);
        close(fd);
        return rc;
    }
    *fd_out = fd;
    return EBM_OK;
}

int ebm_claim_probe(const char *dir, const char *what, ebm_error *err) {
    int fd;
    int rc = ebm_claim_probe_hold(dir, what, &fd, err);
    if (fd >= 0) close(fd);   /* drops the lock */
    return rc;
}

int ebm_claim_lock(const char *dir, const char *what, int *fd_out, ebm_error *err) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, EBM_LOCK_NAME);
    *fd_out = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return ebm_fail(err, errno == ELOOP ? EBM_EINVAL : EBM_EIO,
                        "%s: cannot open the lock file: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        int rc = e == EWOULDBLOCK ? held_by_another(fd, dir, what, err)
                                  : ebm_fail(err, EBM_EIO, "%s: cannot lock: %s", path,
                                             strerror(e));
        close(fd);
        return rc;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        int e = errno;
        close(fd);
        return ebm_fail(err, EBM_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    *fd_out = fd;
    return EBM_OK;
}

int ebm_claim_create(const char *path, ebm_error *err) {
    if (unlink(path) != 0 && errno != ENOENT) {
        ebm_fail(err, EBM_EIO, "%s: cannot remove the stale file: %s", path, strerror(errno));
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) ebm_fail(err, EBM_EIO, "%s: cannot create: %s", path, strerror(errno));
    return fd;
}

int ebm_claim_write_file(const char *path, const char *text, ebm_error *err) {
    char tmp[4400];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return ebm_fail(err, EBM_EINVAL, "%s: path too long", path);
    int fd = ebm_claim_create(tmp, err);
    if (fd < 0) return err ? err->code : EBM_EIO;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t put = write(fd, text + done, len - done);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) break;
        done += (size_t)put;
    }
    int rc = EBM_OK;
    if (done < len || fsync(fd) != 0)
        rc = ebm_fail(err, EBM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    if (close(fd) != 0 && !rc)
        rc = ebm_fail(err, EBM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    if (!rc) rc = ebm_claim_rename(tmp, path, err);
    if (rc) unlink(tmp);
    return rc;
}

int ebm_claim_rename(const char *from, const char *to, ebm_error *err) {
    if (rename(from, to) != 0)
        return ebm_fail(err, EBM_EIO, "%s: cannot rename to %s: %s", from, to,
                        strerror(errno));
    ebm_claim_sync_dir_of(to);
    return EBM_OK;
}

void ebm_claim_sync_dir_of(const char *path) {
    char dir[4400];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) dir[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}
