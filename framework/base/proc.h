/* proc.h — child processes for sweeps, reproduce and plotting (fork + execv,
 * output to a log file or captured, robust waiting), and the few file-system
 * helpers those callers share (mkdir -p, path tests, PATH look-up). */
#ifndef EBM_PROC_H
#define EBM_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Starts argv[0] (a path, not searched in PATH) with argv, its stdout and
 * stderr appended to log_path (created; NULL: /dev/null), stdin from
 * /dev/null, signal handlers and mask reset to the defaults. *pid gets the
 * child. A failed exec shows in the log and as exit status 127. */
int ebm_proc_spawn(char *const argv[], const char *log_path, pid_t *pid,
                   ebm_error *err);

/* Waits for pid without blocking (block = 0) or until it ends (block = 1),
 * retrying on EINTR. Returns 1 when it ended (*status holds the raw wait
 * status), 0 while it runs, -1 on error (errno). */
int ebm_proc_wait(pid_t pid, int block, int *status);

/* The exit status as a shell shows it: the exit code, or 128 + signal. */
int ebm_proc_exit_code(int status);

/* Runs argv to completion, its stderr (and stdout) kept: *output gets the
 * last out_max bytes (malloc'd, NUL-terminated), *exit_code as above. */
int ebm_proc_run_capture(char *const argv[], char **output, size_t out_max,
                         int *exit_code, ebm_error *err);

/* The full path of an executable found in $PATH, into out; 0 if found. */
int ebm_proc_find_in_path(const char *name, char *out, size_t out_size);

/* mkdir -p. */
int ebm_proc_mkdirs(const char *path, ebm_error *err);
int ebm_proc_is_dir(const char *path);
int ebm_proc_is_file(const char *path);

/* Reads a whole file (malloc'd, NUL-terminated); NULL and err on failure. */
char *ebm_proc_read_file(const char *path, size_t *len, ebm_error *err);

/* Current UTC time as "20240131-235959" for default directory names. */
void ebm_proc_timestamp(char *out, size_t out_size);

#endif
