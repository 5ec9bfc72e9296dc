/* replay.h — a replay buffer of past model samples (the short_run training
 * sampler's memory): a ring that replaces its oldest state first. */
#ifndef EBM_SAMPLERS_REPLAY_H
#define EBM_SAMPLERS_REPLAY_H

#include <stddef.h>

#include "error.h"
#include "rng.h"

typedef struct ebm_replay {
    float *states;             /* capacity × units */
    size_t capacity, units;
    size_t filled;             /* how many slots hold a state */
    size_t next;               /* the slot the next push overwrites */
} ebm_replay;

int ebm_replay_init(ebm_replay *r, size_t capacity, size_t units, ebm_error *err);
void ebm_replay_free(ebm_replay *r);
/* Appends n states (rows of units floats), overwriting the oldest when full. */
void ebm_replay_push(ebm_replay *r, const float *states, size_t n);
/* With probability `fraction` (and a non-empty buffer) a uniformly chosen
 * stored state, else NULL: the caller then starts from fresh noise. */
const float *ebm_replay_pick(const ebm_replay *r, double fraction, ebm_rng *rng);

#endif
