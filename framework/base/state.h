/* state.h — what a checkpoint holds besides the parameters: the named arrays
 * a plugin keeps between gradient steps (optimiser moments, persistent chains,
 * tempering replicas, replay buffers, counters). A plugin lists pointers to
 * its live storage; the checkpoint writes them out and, on --resume, reads
 * them back into the same places. Sizes are fixed by the config, so a resumed
 * run lists the same items with the same counts. */
#ifndef EBM_STATE_H
#define EBM_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum { EBM_STATE_F32, EBM_STATE_F64, EBM_STATE_U64, EBM_STATE_I32 } ebm_state_type;

typedef struct ebm_state_item {
    char name[96];            /* "<prefix>/<name>", e.g. "sampler/replicas" */
    ebm_state_type type;
    void *data;               /* count elements of type */
    size_t count;
} ebm_state_item;

typedef struct ebm_state_list {
    ebm_state_item *items;
    int n, cap;
    const char *prefix;       /* prepended to names added from now on */
} ebm_state_list;

/* Adds one item "<prefix>/<name>" (data may be NULL only when count is 0).
 * size_t counters are listed as EBM_STATE_U64 (size_t is 64-bit here). */
int ebm_state_add(ebm_state_list *list, const char *name, ebm_state_type type,
                  void *data, size_t count, ebm_error *err);
/* Bytes one element of type takes. */
size_t ebm_state_type_size(ebm_state_type type);
void ebm_state_list_free(ebm_state_list *list);

#endif
