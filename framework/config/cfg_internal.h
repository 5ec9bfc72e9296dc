/* cfg_internal.h — what the config files (cfg.c, compose.c, validate.c,
 * emit.c) share with each other but not with the rest of ebm: the file-name
 * pool behind ebm_mark.file and a few scalar helpers. */
#ifndef EBM_CFG_INTERNAL_H
#define EBM_CFG_INTERNAL_H

#include "cfg.h"

/* A stable copy of name owned by root's pool (created on first use), so marks
 * may point at it for as long as root lives. NULL only when out of memory. */
const char *ebm_cfg_intern(ebm_node *root, const char *name);

/* Moves every string of src's pool into dst's, so that nodes taken from src
 * and grafted into dst keep valid marks after src is freed. */
int ebm_cfg_absorb_pool(ebm_node *dst, ebm_node *src);

/* A plain (unquoted) "", "~" or "null": YAML's null. */
int ebm_node_is_null(const ebm_node *n);

/* Parses one YAML value that may be a flow scalar, sequence or map (the right
 * side of an override). Marks come out as line 1, column = column of the text
 * + col_offset; file is interned in root. NULL and err filled on failure. */
ebm_node *ebm_cfg_parse_value(ebm_node *root, const char *text,
                              const char *file, int col_offset,
                              ebm_error *err);

#endif
