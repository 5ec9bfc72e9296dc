/* input.c — opening a file the user named as input: regular files only,
 * size-capped, never blocking (input.h). */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t mode) {
    return S_ISFIFO(mode) ? "a FIFO (named pipe)"
           : S_ISCHR(mode) ? "a character device"
           : S_ISBLK(mode) ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISDIR(mode) ? "a directory" : "not a regular file";
}

FILE *ebm_input_open(const char *path, off_t max_bytes, const char *what, ebm_error *err) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(e));
        errno = e;
        return NULL;
    }
    struct stat st;
    int rc = EBM_OK;
    if (fstat(fd, &st) != 0)
        rc = ebm_fail(err, EBM_EIO, "%s: cannot stat: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = ebm_fail(err, EBM_EDATA, "%s: %s, not a regular file; %s must be one", path,
                      kind_of(st.st_mode), what);
    else if (st.st_size > max_bytes)
        rc = ebm_fail(err, EBM_EDATA, "%s: %lld bytes, more than the %lld MiB %s may have",
                      path, (long long)st.st_size, (long long)(max_bytes >> 20), what);
    /* back to blocking reads for the regular file it is */
    else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        rc = ebm_fail(err, EBM_EIO, "%s: %s", path, strerror(errno));
    FILE *f = rc ? NULL : fdopen(fd, "rb");
    if (!f) {
        if (!rc) ebm_fail(err, EBM_EIO, "%s: %s", path, strerror(errno));
        close(fd);
    }
    errno = 0;
    return f;
}
