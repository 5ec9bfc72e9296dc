/* cfg.h — the configuration tree: YAML loaded with libyaml into nodes that
 * remember file:line:column, composed from defaults and overrides, validated
 * against the plugins' parameter tables, and read by typed getters. */
#ifndef EBM_CFG_H
#define EBM_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum { EBM_NODE_SCALAR, EBM_NODE_MAP, EBM_NODE_SEQ } ebm_node_kind;

/* Where a node was written. `file` points into a string owned by the tree
 * (every node of a tree shares the copies, freed with the root). For values
 * given on the command line the file is "<override N>" and line is 1. */
typedef struct ebm_mark {
    const char *file;
    int line, column;   /* both 1-based */
} ebm_mark;

/* "file:line:column" of a mark, the start of every message about a place in
 * a config (tree.c). The text lives in the returned value, which lasts until
 * the end of the statement that calls ebm_where_of, so it goes straight into
 * the message:
 *   ebm_diags_add(diags, "%s: defaults: ...", ebm_where_of(at).text, ...);
 * A mark without a file (a node built in code) prints as "?". The buffer is
 * as long as a message, so a long file name is cut where the message would
 * cut it. */
typedef struct ebm_where {
    char text[2048];
} ebm_where;
ebm_where ebm_where_of(ebm_mark at);

typedef struct ebm_node ebm_node;
struct ebm_node {
    ebm_node_kind kind;
    ebm_mark mark;
    char *scalar;       /* SCALAR: the text as written (never NULL) */
    int quoted;         /* SCALAR: written in quotes, so always a string */
    int n, cap;         /* MAP: entries; SEQ: items */
    char **keys;        /* MAP only: keys[i] names values[i] */
    ebm_mark *key_marks;
    ebm_node **values;
    struct ebm_strpool *pool;  /* owned by the root only: interned file names */
};

/* ---- loading (yaml_read.c) ---- */

/* Parses one YAML document. Anchors and aliases are refused (configs are
 * small; aliases would make positions ambiguous); a YAML syntax error gives
 * "file:line:column: reason". Returns NULL and fills err on failure. */
ebm_node *ebm_cfg_parse_file(const char *path, ebm_error *err);
ebm_node *ebm_cfg_parse_string(const char *text, size_t len, const char *name,
                               ebm_error *err);
/* Parses one YAML value that may be a flow scalar, sequence or map (the right
 * side of an override, a parameter's default). Marks come out as line 1,
 * column = column of the text + col_offset; file is interned in root. NULL
 * and err filled on failure. */
ebm_node *ebm_cfg_parse_value(ebm_node *root, const char *text,
                              const char *file, int col_offset,
                              ebm_error *err);

/* ---- building and querying trees (tree.c) ---- */
void ebm_node_free(ebm_node *root);
ebm_node *ebm_node_clone(const ebm_node *n);   /* deep copy, a new root */
ebm_node *ebm_node_new_map(ebm_mark at);
ebm_node *ebm_node_new_seq(ebm_mark at);
ebm_node *ebm_node_new_scalar(const char *text, ebm_mark at);
/* Adds or replaces key in map (takes ownership of value). */
int ebm_node_set(ebm_node *map, const char *key, ebm_node *value);
int ebm_node_append(ebm_node *seq, ebm_node *value);
int ebm_node_remove(ebm_node *map, const char *key);   /* 1 if removed */
/* Direct child of a map, or NULL. */
ebm_node *ebm_node_child(const ebm_node *map, const char *key);
/* Dotted path lookup ("train.optim.lr"); NULL if any part is missing. */
ebm_node *ebm_node_at(const ebm_node *root, const char *path);
/* Where a message about path should point: the node at path, else its
 * nearest ancestor present (a missing key is reported at its parent), else
 * root. */
ebm_mark ebm_mark_near(const ebm_node *root, const char *path);
/* A plain (unquoted) "", "~" or "null": YAML's null. */
int ebm_node_is_null(const ebm_node *n);

/* ---- typed getters on a validated tree (scalar.c) ----
 * After ebm_cfg_validate every parameter has a value of its declared type, so
 * these never fail on a validated tree; on a missing key they return def. */
int64_t     ebm_cfg_int(const ebm_node *map, const char *path, int64_t def);
double      ebm_cfg_double(const ebm_node *map, const char *path, double def);
int         ebm_cfg_bool(const ebm_node *map, const char *path, int def);
const char *ebm_cfg_str(const ebm_node *map, const char *path, const char *def);
/* Number list: fills up to max values, returns how many the list holds
 * (a scalar counts as a list of one). */
int         ebm_cfg_doubles(const ebm_node *map, const char *path, double *out,
                            int max);

/* Scalar conversions shared by loader, validator and getters: return 0 on
 * success. Integers accept 1000 and 1e3 (if integral); booleans true/false,
 * yes/no, on/off; floats accept .inf/-.inf/.nan as YAML does. */
int ebm_parse_int(const char *text, int64_t *out);
int ebm_parse_double(const char *text, double *out);
int ebm_parse_bool(const char *text, int *out);

/* ---- composition and overrides (compose.c) ----
 * Loads an experiment file, merges its `defaults:` fragments (each a partial
 * experiment file under a configs/ directory, merged at the root; later
 * fragments override earlier ones and the experiment file overrides them all;
 * maps merge key by key, anything else is replaced), then applies overrides:
 *   a.b=v   set (v parsed as a YAML flow value: 3, 0.1, abc, [1,2], {k: v})
 *   +a.b=v  add a key the file lacks (error if it exists)
 *   ~a.b    delete a key (error if missing)
 *   ~a.b=v  delete a key only if it holds v
 * The configs/ directory is found by walking up from the experiment file's
 * directory, then in $EBM_CONFIG_PATH, then the compiled-in source tree.
 * Every problem goes to diags (each line "file:line:column: reason");
 * returns NULL if there was any. */
ebm_node *ebm_cfg_compose(const char *path, char *const *overrides,
                          int n_overrides, ebm_diags *diags);
/* Applies one override to a tree (used by compose and by sweeps). */
int ebm_cfg_apply_override(ebm_node *root, const char *override, int index,
                           ebm_diags *diags);

/* ---- validation (validate.c) ----
 * Checks the whole experiment against the framework's own section tables and
 * the parameter table of every plugin it names (type, range, enum choices,
 * required), fills every default in place, and reports each problem with its
 * position, the key path, what was expected and, for an unknown key, the
 * nearest valid name. Returns the number of problems (0 = valid). */
int ebm_cfg_validate(ebm_node *root, ebm_diags *diags);

/* Levenshtein distance, used for "did you mean" suggestions. */
int ebm_edit_distance(const char *a, const char *b);

/* ---- output (emit.c) ---- */
/* The tree as block-style YAML text (malloc'd, NUL-terminated). */
char *ebm_cfg_to_yaml(const ebm_node *root);
/* The tree as flow-style YAML on one line, e.g. {type: cd, k: 1}. */
char *ebm_cfg_to_flow(const ebm_node *root);

#endif
