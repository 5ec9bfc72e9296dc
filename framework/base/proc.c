/* proc.c — spawning and waiting for child processes (sweep points, reproduce
 * runs, gnuplot) and the small file-system helpers their callers share. */
#define _GNU_SOURCE   /* pipe2 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Only async-signal-safe calls between fork and exec: the parent may have
 * threads (OpenBLAS), and any lock they held stays locked in the child. */
static void child_exec(char *const argv[], int out_fd, int in_fd) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGTERM, &dfl, NULL);
    sigaction(SIGHUP, &dfl, NULL);
    sigaction(SIGPIPE, &dfl, NULL);
    sigaction(SIGCHLD, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (in_fd >= 0) dup2(in_fd, STDIN_FILENO);
    if (out_fd >= 0) {
        dup2(out_fd, STDOUT_FILENO);
        dup2(out_fd, STDERR_FILENO);
    }
    execv(argv[0], argv);
    static const char msg[] = "ebm: cannot execute the child program\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
}

int ebm_proc_spawn(char *const argv[], const char *log_path, pid_t *pid,
                   ebm_error *err) {
    const char *out_path = log_path ? log_path : "/dev/null";
    int out_fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out_fd < 0)
        return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", out_path,
                        strerror(errno));
    int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in_fd < 0) {
        int e = errno;
        close(out_fd);
        return ebm_fail(err, EBM_EIO, "/dev/null: cannot open: %s", strerror(e));
    }
    if (access(argv[0], X_OK) != 0) {
        int e = errno;
        close(out_fd);
        close(in_fd);
        return ebm_fail(err, EBM_EIO, "%s: cannot execute: %s", argv[0],
                        strerror(e));
    }
    pid_t child = fork();
    if (child < 0) {
        int e = errno;
        close(out_fd);
        close(in_fd);
        return ebm_fail(err, EBM_EIO, "fork: %s", strerror(e));
    }
    if (child == 0) child_exec(argv, out_fd, in_fd);
    close(out_fd);
    close(in_fd);
    *pid = child;
    return EBM_OK;
}

int ebm_proc_wait(pid_t pid, int block, int *status) {
    for (;;) {
        pid_t r = waitpid(pid, status, block ? 0 : WNOHANG);
        if (r == pid) return 1;
        if (r == 0) return 0;
        if (errno == EINTR) continue;
        return -1;
    }
}

int ebm_proc_exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

/* Keeps the tail of what was read: when the buffer reaches twice the limit
 * the older half is dropped, so memory stays bounded for chatty children. */
static int append_tail(char **buf, size_t *len, size_t *cap, const char *data,
                       size_t n, size_t keep) {
    if (*len + n + 1 > *cap) {
        size_t cap_new = *cap ? *cap : 4096;
        while (cap_new < *len + n + 1) cap_new *= 2;
        char *grown = realloc(*buf, cap_new);
        if (!grown) return -1;
        *buf = grown;
        *cap = cap_new;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    if (*len > 2 * keep) {
        memmove(*buf, *buf + *len - keep, keep);
        *len = keep;
    }
    (*buf)[*len] = '\0';
    return 0;
}

int ebm_proc_run_capture(char *const argv[], char **output, size_t out_max,
                         int *exit_code, ebm_error *err) {
    *output = NULL;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return ebm_fail(err, EBM_EIO, "pipe: %s", strerror(errno));
    int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t child = fork();
    if (child < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        if (in_fd >= 0) close(in_fd);
        return ebm_fail(err, EBM_EIO, "fork: %s", strerror(e));
    }
    if (child == 0) child_exec(argv, fds[1], in_fd);
    close(fds[1]);
    if (in_fd >= 0) close(in_fd);

    char *buf = NULL;
    size_t len = 0, cap = 0;
    int oom = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        if (!oom && append_tail(&buf, &len, &cap, chunk, (size_t)got, out_max))
            oom = 1;   /* keep draining so the child never blocks on the pipe */
    }
    close(fds[0]);
    int status = 0;
    if (ebm_proc_wait(child, 1, &status) < 0) {
        free(buf);
        return ebm_fail(err, EBM_EIO, "waitpid: %s", strerror(errno));
    }
    if (oom) {
        free(buf);
        return ebm_fail(err, EBM_ENOMEM, "out of memory reading %s's output",
                        argv[0]);
    }
    if (len > out_max) {
        memmove(buf, buf + len - out_max, out_max);
        buf[out_max] = '\0';
    }
    *output = buf ? buf : strdup("");
    *exit_code = ebm_proc_exit_code(status);
    return EBM_OK;
}

int ebm_proc_find_in_path(const char *name, char *out, size_t out_size) {
    const char *path = getenv("PATH");
    if (!path || !*path) return -1;
    const char *p = path;
    while (*p) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        /* An empty PATH entry means the current directory (POSIX). */
        int w = n ? snprintf(out, out_size, "%.*s/%s", (int)n, p, name)
                  : snprintf(out, out_size, "./%s", name);
        if (w > 0 && (size_t)w < out_size && ebm_proc_is_file(out) &&
            access(out, X_OK) == 0)
            return 0;
        if (!end) break;
        p = end + 1;
    }
    return -1;
}

int ebm_proc_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ebm_proc_is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int ebm_proc_mkdirs(const char *path, ebm_error *err) {
    size_t n = strlen(path);
    char *copy = malloc(n + 1);
    if (!copy) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    memcpy(copy, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (copy[i] != '/' && copy[i] != '\0') continue;
        char saved = copy[i];
        copy[i] = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            int rc = ebm_fail(err, EBM_EIO, "%s: cannot create directory: %s",
                              copy, strerror(e));
            free(copy);
            return rc;
        }
        copy[i] = saved;
    }
    free(copy);
    if (!ebm_proc_is_dir(path))
        return ebm_fail(err, EBM_EIO, "%s: exists and is not a directory", path);
    return EBM_OK;
}

char *ebm_proc_read_file(const char *path, size_t *len, ebm_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int read_error = ferror(f);
    fclose(f);
    if (!buf) {
        ebm_fail(err, EBM_ENOMEM, "out of memory reading %s", path);
        return NULL;
    }
    if (read_error) {
        free(buf);
        ebm_fail(err, EBM_EIO, "%s: read error", path);
        return NULL;
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

void ebm_proc_timestamp(char *out, size_t out_size) {
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(out, out_size, "%Y%m%d-%H%M%S", &utc);
}
