/* claim.h — taking a directory or file for writing without harming what is
 * there: one writer per directory (a fresh directory made by mkdir, a lock
 * held for the process's life), results never overwritten unless asked and
 * then moved aside, never deleted; temporary files that follow no symlink;
 * renames made durable by syncing their directory. */
#ifndef EBM_CLAIM_H
#define EBM_CLAIM_H

#include <stddef.h>

#include "error.h"

/* The lock file each run or sweep directory holds while a process writes
 * it; it names that process's pid. */
#define EBM_LOCK_NAME ".ebm-lock"

/* The first entry of dir that belongs to a run or a sweep (run.h5,
 * run.h5.part, checkpoint.h5, config.yaml, sweep.yaml, summary.csv), or
 * NULL when it holds none (or does not exist). */
const char *ebm_claim_results_in(const char *dir);

/* Renames path to "path.old-N" (the first N that is free, never replacing
 * anything); moved (may be NULL) gets the new name. */
int ebm_claim_move_aside(const char *path, char *moved, size_t moved_size, ebm_error *err);

/* Makes a directory that did not exist: base, else base-2, base-3, ...
 * (parents made as needed). mkdir is atomic, so processes started together
 * each get their own. out gets the name. */
int ebm_claim_new_dir(const char *base, char *out, size_t out_size, ebm_error *err);

/* Locks dir for this process: DIR/.ebm-lock, flock'ed exclusively and
 * holding our pid. The kernel drops the lock when the process ends, however
 * it ends. A directory another process holds is EBM_EINVAL naming its pid
 * ("what" says what the directory is, "run" or "sweep"). *fd gets the lock
 * (close it, or let the process end, to release). */
int ebm_claim_lock(const char *dir, const char *what, int *fd, ebm_error *err);

/* Refuses (as ebm_claim_lock does) a directory another process holds, and
 * writes nothing: a command that may still refuse for other reasons asks
 * this first and takes the lock only before its first write. */
int ebm_claim_probe(const char *dir, const char *what, ebm_error *err);
/* ebm_claim_probe that keeps the lock it took in *fd (-1 when the directory
 * has no lock file), still writing nothing: held while the directory is
 * moved aside, so a second --force cannot move the new one. */
int ebm_claim_probe_hold(const char *dir, const char *what, int *fd, ebm_error *err);

/* Creates path for writing as a new file: whatever was there (a stale
 * temporary, a planted symlink) is unlinked, then O_CREAT|O_EXCL|O_NOFOLLOW,
 * so no existing file or link target is ever written through. A descriptor,
 * or -1 with err set. */
int ebm_claim_create(const char *path, ebm_error *err);

/* Writes text to path as PATH.tmp (made by ebm_claim_create), fsync'd and
 * renamed over path, so a reader never sees half a file and a crash leaves
 * the old file or the new one. */
int ebm_claim_write_file(const char *path, const char *text, ebm_error *err);

/* rename(from, to), then fsync of to's directory, so the new name survives
 * a crash (a rename is durable only once the directory entry is on disk). */
int ebm_claim_rename(const char *from, const char *to, ebm_error *err);

/* fsync of the directory holding path (best effort). */
void ebm_claim_sync_dir_of(const char *path);

#endif
