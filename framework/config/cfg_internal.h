/* cfg_internal.h — what the config files (tree.c, yaml_read.c, scalar.c,
 * compose.c, emit.c, ...) share with each other but not with the rest of ebm:
 * the file-name pool behind ebm_mark.file and the map internals the reader
 * fills directly. */
#ifndef EBM_CFG_INTERNAL_H
#define EBM_CFG_INTERNAL_H

#include "cfg.h"

/* The pool of file names a root owns (tree.c). The reader interns a file's
 * name before the root exists, so it holds a pool of its own until then:
 * intern into *pool (created on first use; NULL when out of memory), free with
 * ebm_strpool_free. */
struct ebm_strpool;
const char *ebm_strpool_intern(struct ebm_strpool **pool, const char *name);
void ebm_strpool_free(struct ebm_strpool *pool);

/* A stable copy of name owned by root's pool (created on first use), so marks
 * may point at it for as long as root lives. NULL only when out of memory. */
const char *ebm_cfg_intern(ebm_node *root, const char *name);

/* Moves every string of src's pool into dst's, so that nodes taken from src
 * and grafted into dst keep valid marks after src is freed. */
int ebm_cfg_absorb_pool(ebm_node *dst, ebm_node *src);

/* Map and list internals for the reader (tree.c), which stores each key with
 * its own position rather than the value's as ebm_node_set does:
 * the index of key in map or -1, and room for one more entry in n. */
int ebm_node_find_key(const ebm_node *map, const char *key);
int ebm_node_grow(ebm_node *n);

#endif
