/* checkpoint.h — what `ebm run --resume DIR` continues from.
 *
 * DIR/checkpoint.h5 is a copy of the run file as it stood at the checkpoint
 * (every metric, sample and image logged so far) plus a group /checkpoint:
 *   attributes  epoch (int64: epochs completed), batch (int64: minibatches of
 *               epoch + 1 already done), step (int64: gradient steps in all),
 *               written (string, UTC ISO 8601), start_pending (int64 1, only
 *               in the set-up checkpoint written before the step-0 log point)
 *   /checkpoint/params/<name>   float32, the model's parameters
 *   /checkpoint/state/<name>    the plugins' state (state.h): optimiser
 *               moments, persistent chains, replicas, replay buffers, counters
 * It is written as DIR/checkpoint.h5.tmp, fsync'd, then renamed over the
 * previous one, so a crash or a full disk at any moment leaves the last
 * complete checkpoint in place. Random streams need no saving: every stream
 * derives from the seed and the (epoch, batch, estimator) it serves. */
#ifndef EBM_CHECKPOINT_H
#define EBM_CHECKPOINT_H

#include <stdint.h>

#include "error.h"
#include "tensor.h"
#include "runfile.h"
#include "state.h"

/* Where training stood. */
typedef struct ebm_checkpoint_pos {
    int64_t epoch;   /* epochs completed (0: after set-up, before training) */
    int64_t batch;   /* minibatches of the next epoch already done */
    int64_t step;    /* gradient steps in all */
    /* 1: written after set-up but before the step-0 log point, which a
     * resume runs first (attribute start_pending, written only when 1) */
    int64_t start_pending;
} ebm_checkpoint_pos;

typedef struct ebm_checkpoint_info {
    ebm_checkpoint_pos pos;
    char written[32];
} ebm_checkpoint_info;

/* "DIR/checkpoint.h5" into out. */
void ebm_checkpoint_path(const char *dir, char *out, size_t size);

/* Writes DIR/checkpoint.h5 from the run file at run_path (flushed by the
 * caller), pos, params and state, atomically as above. A failed write (disk
 * full, I/O error) names the file and leaves the previous checkpoint. */
int ebm_checkpoint_write(const char *dir, const char *run_path,
                         const ebm_checkpoint_pos *pos, const ebm_tensor *params,
                         int n_params, const ebm_state_list *state, ebm_error *err);

/* Reads pos, params and state back (names, types and counts must match:
 * EBM_EDATA naming the first that does not). */
int ebm_checkpoint_read(const char *path, ebm_checkpoint_pos *pos,
                        const ebm_tensor *params, int n_params,
                        const ebm_state_list *state, ebm_error *err);

/* Turns the checkpoint back into the run file: a copy at run_path without
 * /checkpoint, status "running", written atomically like the checkpoint. */
int ebm_checkpoint_restore(const char *checkpoint_path, const char *run_path,
                           ebm_error *err);

/* Only the position and time, for `ebm show`. EBM_EIO when the file is
 * missing, EBM_EDATA when it is not a checkpoint. */
int ebm_checkpoint_peek(const char *path, ebm_checkpoint_info *info, ebm_error *err);

#endif
