/* interrupt_at.c — an LD_PRELOAD library for tests/cli/resume.sh: delivers a
 * signal to the process itself at a moment fixed by what the run has done,
 * not by the clock, so the test does not depend on how busy the machine is.
 * EBM_INTERRUPT_AFTER_CHECKPOINTS=K counts checkpoints renamed into place;
 * EBM_INTERRUPT_WHEN says when after the K-th one:
 *  - flush (default): at the first fsync of the run file (a path ending in
 *    "/run.h5"), a log point strictly after that checkpoint, so a Ctrl-C's
 *    checkpoint lies past every regular one before it;
 *  - checkpoint: right after the rename, as a crash just after a checkpoint;
 *  - publish: when run.h5.part is renamed to run.h5 (the run file's
 *    skeleton is in place; set-up and the step-0 log point follow), so the
 *    signal meets the run during that log point.
 * EBM_INTERRUPT_SIGNAL is INT (default, a Ctrl-C), KILL, HUP (a closed
 * terminal) or STOP (the run pauses there, alive and holding its directory,
 * until the test sends SIGCONT).
 * Test-only; never linked into ebm. Process-wide state by necessity: it stands
 * in for the user at the keyboard, or for the power switch. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int checkpoints_seen;
static int fired;

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int wanted_checkpoints(void) {
    const char *v = getenv("EBM_INTERRUPT_AFTER_CHECKPOINTS");
    return v ? atoi(v) : -1;
}

static int at_checkpoint(void) {
    const char *v = getenv("EBM_INTERRUPT_WHEN");
    return v && strcmp(v, "checkpoint") == 0;
}

static void fire(void) {
    const char *v = getenv("EBM_INTERRUPT_SIGNAL");
    fired = 1;
    raise(v && strcmp(v, "KILL") == 0 ? SIGKILL
          : v && strcmp(v, "STOP") == 0 ? SIGSTOP
          : v && strcmp(v, "HUP") == 0 ? SIGHUP : SIGINT);
}

int rename(const char *from, const char *to) {
    static int (*real_rename)(const char *, const char *);
    if (!real_rename) real_rename = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    int rc = real_rename(from, to);
    if (rc == 0 && ends_with(to, "/checkpoint.h5")) checkpoints_seen++;
    const char *when = getenv("EBM_INTERRUPT_WHEN");
    if (!fired && rc == 0 && when && strcmp(when, "publish") == 0 && ends_with(to, "/run.h5") &&
        ends_with(from, "/run.h5.part"))
        fire();
    if (!fired && at_checkpoint() && wanted_checkpoints() >= 0 &&
        checkpoints_seen >= wanted_checkpoints())
        fire();
    return rc;
}

/* The name the descriptor has now (the run file is born as run.h5.part). */
static int names_run_file(int fd) {
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0) return 0;
    target[n] = '\0';
    return ends_with(target, "/run.h5");
}

int fsync(int fd) {
    static int (*real_fsync)(int);
    if (!real_fsync) real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int rc = real_fsync(fd);
    int want = wanted_checkpoints();
    if (!fired && !at_checkpoint() && want >= 0 && checkpoints_seen >= want &&
        names_run_file(fd))
        fire();
    return rc;
}
