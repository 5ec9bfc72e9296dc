/* replay.c — the replay buffer (replay.h). */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

int ebm_replay_init(ebm_replay *r, size_t capacity, size_t units, ebm_error *err) {
    memset(r, 0, sizeof *r);
    r->states = malloc((capacity ? capacity : 1) * (units ? units : 1) * sizeof *r->states);
    if (!r->states)
        return ebm_fail(err, EBM_ENOMEM, "replay buffer of %zu states of %zu units",
                        capacity, units);
    r->capacity = capacity ? capacity : 1;
    r->units = units;
    return EBM_OK;
}

void ebm_replay_free(ebm_replay *r) {
    free(r->states);
    memset(r, 0, sizeof *r);
}

void ebm_replay_push(ebm_replay *r, const float *states, size_t n) {
    for (size_t k = 0; k < n; k++) {
        memcpy(r->states + r->next * r->units, states + k * r->units,
               r->units * sizeof *states);
        r->next = (r->next + 1) % r->capacity;
        if (r->filled < r->capacity) r->filled++;
    }
}

const float *ebm_replay_pick(const ebm_replay *r, double fraction, ebm_rng *rng) {
    /* Both draws happen whatever the outcome, so a chain's stream advances
     * the same way with an empty or a full buffer. */
    double u = ebm_rng_uniform(rng);
    uint64_t slot = ebm_rng_u64(rng);
    if (r->filled == 0 || u >= fraction) return NULL;
    return r->states + (size_t)(slot % r->filled) * r->units;
}
