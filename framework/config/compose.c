/* compose.c — one experiment from its file, the `defaults:` fragments it
 * names under a configs/ directory, and command-line overrides (Hydra's
 * grammar: a.b=v sets, +a.b=v adds, ~a.b deletes). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg.h"
#include "cfg_internal.h"
#include "datadir.h"
#include "sweep_expr.h"

/* ------------------------------------------------------------ merging */

/* Fills dst with whatever src has that dst lacks; where both hold maps the
 * maps merge key by key, elsewhere dst wins. Nodes are moved out of src
 * (their slots left NULL), so src is freed afterwards without touching them.
 * Merging "under" keeps the experiment's own key order first. */
static int merge_under(ebm_node *dst, ebm_node *src) {
    for (int i = 0; i < src->n; i++) {
        ebm_node *mine = ebm_node_child(dst, src->keys[i]);
        ebm_node *theirs = src->values[i];
        if (!theirs) continue;
        if (mine && mine->kind == EBM_NODE_MAP && theirs->kind == EBM_NODE_MAP) {
            int rc = merge_under(mine, theirs);
            if (rc) return rc;
        } else if (mine && ebm_node_is_null(mine)) {
            /* `model:` left empty in the file takes the fragment's model */
            for (int j = 0; j < dst->n; j++)
                if (dst->values[j] == mine) {
                    dst->values[j] = theirs;
                    dst->key_marks[j] = src->key_marks[i];
                }
            src->values[i] = NULL;
            ebm_node_free(mine);
        } else if (!mine) {
            ebm_mark key_at = src->key_marks[i];
            src->values[i] = NULL;
            int rc = ebm_node_set(dst, src->keys[i], theirs);
            if (rc) return rc;
            dst->key_marks[dst->n - 1] = key_at;
        }
    }
    return EBM_OK;
}

/* ------------------------------------------------------------ finding fragments */

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Anything but a directory: a FIFO or a device found where a fragment
 * should be is the reader's to refuse by name, not "no fragment". */
static int is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Adds dir to the search list unless it is not a directory or is there
 * already (the source tree's configs/ is often also an ancestor's). */
static void add_dir(char dirs[][PATH_MAX], int *n, int max, const char *dir) {
    char resolved[PATH_MAX];
    if (*n >= max || !is_dir(dir) || !realpath(dir, resolved)) return;
    for (int i = 0; i < *n; i++)
        if (strcmp(dirs[i], resolved) == 0) return;
    memcpy(dirs[(*n)++], resolved, PATH_MAX);
}

/* The configs/ directories to search, most specific first: every
 * <ancestor>/configs of the experiment's directory, each $EBM_CONFIG_PATH
 * entry, then ebm's own (datadir.h). Returns how many were stored. */
static int config_dirs(const char *experiment, char dirs[][PATH_MAX], int max) {
    int n = 0;
    char dir[PATH_MAX];
    char resolved[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", experiment);
    char *slash = strrchr(dir, '/');
    if (slash) {
        if (slash == dir) slash[1] = '\0';
        else *slash = '\0';
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    if (realpath(dir, resolved)) {
        for (;;) {
            char candidate[PATH_MAX];
            size_t len = strlen(resolved);
            int fits = snprintf(candidate, sizeof candidate, "%s%sconfigs", resolved,
                                len && resolved[len - 1] == '/' ? "" : "/") < PATH_MAX;
            if (fits) add_dir(dirs, &n, max, candidate);
            char *up = strrchr(resolved, '/');
            if (!up || len <= 1) break;
            if (up == resolved) up[1] = '\0';
            else *up = '\0';
        }
    }
    const char *env = getenv("EBM_CONFIG_PATH");
    while (env && *env && n < max) {
        size_t len = strcspn(env, ":");
        if (len > 0 && len < PATH_MAX) {
            char entry[PATH_MAX];
            snprintf(entry, sizeof entry, "%.*s", (int)len, env);
            add_dir(dirs, &n, max, entry);
        }
        env += len;
        if (*env == ':') env++;
    }
    char shared[PATH_MAX];
    if (n < max && ebm_data_dir("configs", shared, sizeof shared, NULL) == EBM_OK)
        add_dir(dirs, &n, max, shared);
    return n;
}

#define MAX_CONFIG_DIRS 32

/* Loads the fragment `name` (a node of the defaults list); NULL after adding
 * a diagnostic at the name's position. */
static ebm_node *load_fragment(const char *experiment, const ebm_node *name,
                               ebm_diags *diags) {
    const ebm_mark at = name->mark;
    if (name->kind != EBM_NODE_SCALAR || name->scalar[0] == '\0') {
        ebm_diags_add(diags, "%s: defaults: each entry must be a fragment name "
                      "such as data/fashion-mnist", ebm_where_of(at).text);
        return NULL;
    }
    if (strstr(name->scalar, "..") || name->scalar[0] == '/') {
        ebm_diags_add(diags, "%s: defaults: '%s' must be a name under configs/ "
                      "(no '..', not absolute)", ebm_where_of(at).text, name->scalar);
        return NULL;
    }
    static const int max = MAX_CONFIG_DIRS;
    char (*dirs)[PATH_MAX] = malloc((size_t)max * sizeof *dirs);
    if (!dirs) {
        ebm_diags_add(diags, "%s: out of memory", at.file);
        return NULL;
    }
    int n_dirs = config_dirs(experiment, dirs, max);
    char looked[4096] = "";
    size_t used = 0;
    ebm_node *fragment = NULL;
    for (int i = 0; i < n_dirs; i++) {
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s.yaml", dirs[i], name->scalar);
        if (!is_file(path)) {
            int w = snprintf(looked + used, sizeof looked - used, "%s%s",
                             used ? ", " : "", path);
            if (w > 0 && (size_t)w < sizeof looked - used) used += (size_t)w;
            continue;
        }
        ebm_error err = {0};
        fragment = ebm_cfg_parse_file(path, &err);
        if (!fragment) {
            ebm_diags_add(diags, "%s", err.msg);
            free(dirs);
            return NULL;
        }
        break;
    }
    free(dirs);
    if (!fragment) {
        if (n_dirs == 0)
            ebm_diags_add(diags, "%s: defaults: no fragment '%s': no configs/ "
                          "directory found (looked above the experiment, in "
                          "$EBM_CONFIG_PATH and in ebm's own: PREFIX/share/ebm, "
                          "$EBM_DATA_DIR, the source tree)", ebm_where_of(at).text,
                          name->scalar);
        else
            ebm_diags_add(diags, "%s: defaults: no fragment '%s' (looked for %s)",
                          ebm_where_of(at).text, name->scalar, looked);
        return NULL;
    }
    if (fragment->kind != EBM_NODE_MAP) {
        ebm_diags_add(diags, "%s: a config fragment must be a map of keys",
                      ebm_where_of(fragment->mark).text);
        ebm_node_free(fragment);
        return NULL;
    }
    int i;
    for (i = 0; i < fragment->n && strcmp(fragment->keys[i], "defaults") != 0; i++) {}
    if (i < fragment->n) {
        ebm_diags_add(diags, "%s: defaults: fragments cannot name defaults of their own",
                      ebm_where_of(fragment->key_marks[i]).text);
        ebm_node_free(fragment);
        return NULL;
    }
    return fragment;
}

/* Merges every fragment the experiment names into it and drops `defaults`. */
static void apply_defaults(ebm_node *root, const char *path, ebm_diags *diags) {
    int at;
    for (at = 0; at < root->n && strcmp(root->keys[at], "defaults") != 0; at++) {}
    if (at == root->n) return;
    ebm_node *list = root->values[at];
    if (list->kind == EBM_NODE_SCALAR && !ebm_node_is_null(list)) {
        /* `defaults: data/x` is a list of one */
        ebm_node *one = ebm_node_new_seq(list->mark);
        if (!one || ebm_node_append(one, list) != EBM_OK) {
            ebm_node_free(one);
            ebm_diags_add(diags, "%s: out of memory", path);
            return;
        }
        root->values[at] = list = one;
    }
    if (list->kind != EBM_NODE_SEQ && !ebm_node_is_null(list)) {
        ebm_diags_add(diags, "%s: defaults: expected a list of fragment names, got a map",
                      ebm_where_of(list->mark).text);
        ebm_node_remove(root, "defaults");
        return;
    }
    /* Later fragments win, so the last one fills in first and earlier ones
     * only add what is still missing; the experiment's own keys were there
     * before any of them. */
    for (int i = list->kind == EBM_NODE_SEQ ? list->n - 1 : -1; i >= 0; i--) {
        ebm_node *fragment = load_fragment(path, list->values[i], diags);
        if (!fragment) continue;
        if (ebm_cfg_absorb_pool(root, fragment) != EBM_OK ||
            merge_under(root, fragment) != EBM_OK)
            ebm_diags_add(diags, "%s: out of memory", path);
        ebm_node_free(fragment);
    }
    ebm_node_remove(root, "defaults");
}

/* Where an override's key and value were written when they are not on the
 * command line: a point of the file's own `sweep:` block. */
typedef struct origin {
    ebm_mark key, value;
} origin;

static int apply_override(ebm_node *root, const char *text, int index,
                          const origin *from, ebm_diags *diags);

/* A sweep point reaches compose as "key=value" overrides, like the command
 * line's. When key is an entry of the file's `sweep:` block and value one of
 * that entry's values, the override came from the block: its problems are
 * reported at the entry (the list item, or the expression) rather than at
 * "<override N>", which the user never wrote. Returns 1 and fills *from. */
static int sweep_origin(const ebm_node *root, const char *override, origin *from) {
    const ebm_node *block = ebm_node_child(root, "sweep");
    const char *eq = strchr(override, '=');
    if (!block || block->kind != EBM_NODE_MAP || !eq || override[0] == '+' ||
        override[0] == '~')
        return 0;
    size_t key_len = (size_t)(eq - override);
    const char *value = eq + 1;
    for (int i = 0; i < block->n; i++) {
        if (strlen(block->keys[i]) != key_len ||
            strncmp(block->keys[i], override, key_len) != 0)
            continue;
        const ebm_node *entry = block->values[i];
        from->key = block->key_marks[i];
        if (entry->kind == EBM_NODE_SEQ) {
            for (int j = 0; j < entry->n; j++) {
                const ebm_node *item = entry->values[j];
                char *text = item->kind == EBM_NODE_SCALAR ? strdup(item->scalar)
                                                           : ebm_cfg_to_flow(item);
                int same = text && strcmp(text, value) == 0;
                free(text);
                if (same) {
                    from->value = item->mark;
                    return 1;
                }
            }
            return 0;
        }
        if (entry->kind != EBM_NODE_SCALAR) return 0;
        /* an expression: "a,b" or range(...), expanded as the grid does */
        size_t len = key_len + strlen(entry->scalar) + 2;
        char *expr = malloc(len);
        if (!expr) return 0;
        snprintf(expr, len, "%s=%s", block->keys[i], entry->scalar);
        ebm_sweep_axis axis;
        ebm_error err = {0};
        int found = 0;
        if (ebm_sweep_parse_axis(expr, &axis, &err) == EBM_OK) {
            for (int j = 0; j < axis.n && !found; j++)
                found = strcmp(axis.values[j], value) == 0;
            ebm_sweep_axis_free(&axis);
        }
        free(expr);
        from->value = entry->mark;
        return found;
    }
    return 0;
}

ebm_node *ebm_cfg_compose(const char *path, char *const *overrides,
                          int n_overrides, ebm_diags *diags) {
    long before = ebm_diags_total(diags);
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_file(path, &err);
    if (!root) {
        ebm_diags_add(diags, "%s", err.msg);
        return NULL;
    }
    if (root->kind != EBM_NODE_MAP) {
        ebm_diags_add(diags, "%s: an experiment file must be a map of keys "
                      "(name: ..., model: ...)", ebm_where_of(root->mark).text);
        ebm_node_free(root);
        return NULL;
    }
    apply_defaults(root, path, diags);
    for (int i = 0; i < n_overrides; i++) {
        origin from;
        int from_file = sweep_origin(root, overrides[i], &from);
        apply_override(root, overrides[i], i + 1, from_file ? &from : NULL, diags);
    }
    if (ebm_diags_total(diags) > before) {
        ebm_node_free(root);
        return NULL;
    }
    return root;
}

/* ------------------------------------------------------------ overrides */

static int trees_equal(const ebm_node *a, const ebm_node *b) {
    if (a->kind != b->kind || a->n != b->n) return 0;
    if (a->kind == EBM_NODE_SCALAR) return strcmp(a->scalar, b->scalar) == 0;
    for (int i = 0; i < a->n; i++) {
        if (a->kind == EBM_NODE_MAP && strcmp(a->keys[i], b->keys[i]) != 0) return 0;
        if (!trees_equal(a->values[i], b->values[i])) return 0;
    }
    return 1;
}

/* An index into a list ("0", "12"), or -1. */
static int list_index(const ebm_node *seq, const char *part) {
    if (part[0] < '0' || part[0] > '9' || strlen(part) > 9) return -1;
    if (part[strspn(part, "0123456789")] != '\0') return -1;
    int i = atoi(part);
    return i < seq->n ? i : -1;
}

static int key_char_ok(char c) {
    return c > ' ' && c != 0x7f && !strchr("=[]{},\"'#:", c);
}

/* Gives every node of a value the position it was written at. */
static void mark_all(ebm_node *n, ebm_mark at) {
    n->mark = at;
    for (int i = 0; i < n->n; i++) {
        if (n->key_marks) n->key_marks[i] = at;
        mark_all(n->values[i], at);
    }
}

typedef enum { SET, ADD, DELETE } override_op;

/* One override taken apart. Its problems are reported at a column of its own
 * text ("<override N>:1:column"), quoting it whole; the nodes it puts in the
 * tree carry key_at and the value's marks, which for a sweep point are the
 * file's `sweep:` entry (see sweep_origin). */
typedef struct override {
    const char *text;       /* as given */
    const origin *from;     /* NULL, or where in a file it was written */
    ebm_diags *diags;
    const char *where;      /* "<override N>", interned in the tree */
    override_op op;         /* a leading '+' adds, '~' deletes, else set */
    size_t key_start;       /* offset of the key: past the '+' or '~' */
    size_t key_end;         /* offset of the '=', or of the end */
    char key[256];          /* the dotted key path */
    ebm_mark key_at;        /* the position the key's entry gets */
    ebm_node *value;        /* NULL for "~key"; owned until the tree takes it */
} override;

/* Reports a problem at column col of the override; returns EBM_ECONFIG. */
static int bad(const override *o, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(const override *o, size_t col, const char *fmt, ...) {
    char what[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    ebm_mark at = {o->where, 1, (int)col};
    ebm_diags_add(o->diags, "%s: %s (in '%s')", ebm_where_of(at).text, what, o->text);
    return EBM_ECONFIG;
}

/* Reads the operation and the key path. A bad key is reported at the
 * character that makes it bad. */
static int read_key(override *o) {
    const char *text = o->text;
    o->op = text[0] == '+' ? ADD : text[0] == '~' ? DELETE : SET;
    o->key_start = o->op == SET ? 0 : 1;
    const char *eq = strchr(text + o->key_start, '=');
    o->key_end = eq ? (size_t)(eq - text) : strlen(text);
    o->key_at = (ebm_mark){o->where, 1, (int)o->key_start + 1};
    if (o->from) o->key_at = o->from->key;

    if (!eq && o->op != DELETE) return bad(o, 1, "expected key=value, +key=value or ~key");
    size_t len = o->key_end - o->key_start;
    if (len == 0) return bad(o, o->key_start + 1, "empty key");
    if (len >= sizeof o->key) return bad(o, o->key_start + 1, "key too long");
    /* A list item may be named as ebm's own messages name it,
     * log.estimators[0].runs, as well as by its index as a key part,
     * log.estimators.0.runs: "[N]" becomes ".N". col_of keeps each kept
     * character's column in the override for messages. */
    char *key = o->key;
    size_t col_of[sizeof o->key], out = 0;
    const char *from = text + o->key_start;
    for (size_t i = 0; i < len; i++) {
        size_t digits = from[i] == '[' ? strspn(from + i + 1, "0123456789") : 0;
        if (digits && i + 1 + digits < len && from[i + 1 + digits] == ']' &&
            (i + 2 + digits == len || from[i + 2 + digits] == '.')) {
            col_of[out] = o->key_start + i + 1;
            key[out++] = '.';
            for (size_t d = 1; d <= digits; d++) {
                col_of[out] = o->key_start + i + d + 1;
                key[out++] = from[i + d];
            }
            i += digits + 1;   /* past the ']' */
            continue;
        }
        col_of[out] = o->key_start + i + 1;
        key[out++] = from[i];
    }
    key[out] = '\0';
    for (size_t i = 0; key[i]; i++) {
        size_t col = col_of[i];
        if (key[i] == '.' && (i == 0 || key[i + 1] == '.' || key[i + 1] == '\0'))
            return bad(o, col, "%s: empty part in key path", key);
        if ((unsigned char)key[i] >= 0x80)
            return bad(o, col, "%s: keys are ASCII names; a non-ASCII character "
                       "cannot name any key", key);
        if (key[i] < ' ' || key[i] == 0x7f)
            return bad(o, col, "control character 0x%02x is not allowed in a key",
                       (unsigned)key[i]);
        if (!key_char_ok(key[i]))
            return bad(o, col, "%s: '%c' is not allowed in a key", key, key[i]);
    }
    return EBM_OK;
}

/* Parses what follows the '=' as a YAML flow value, its columns counted from
 * the start of the override. */
static int read_value(override *o, ebm_node *root) {
    if (o->text[o->key_end] != '=') return EBM_OK;   /* "~key": no value */
    ebm_error err = {0};
    size_t value_start = o->key_end + 1;
    o->value = ebm_cfg_parse_value(root, o->text + value_start, o->where,
                                   (int)value_start, &err);
    if (!o->value) {
        ebm_diags_add(o->diags, "%s (in '%s')", err.msg, o->text);
        return EBM_ECONFIG;
    }
    if (o->from) mark_all(o->value, o->from->value);
    return EBM_OK;
}

/* One step down the key path: parent's child `name` (a map key or a list
 * index); `path` is the key path up to and including it, for messages. When
 * setting or adding, a missing key becomes a new map and an empty one (an
 * empty `model:`) the map the override writes into. */
static int step_down(override *o, ebm_node *parent, const char *name,
                     const char *path, ebm_node **next_out) {
    size_t col = o->key_start + 1;
    ebm_node *next = NULL;
    if (parent->kind == EBM_NODE_MAP) {
        next = ebm_node_child(parent, name);
    } else if (parent->kind == EBM_NODE_SEQ) {
        int i = list_index(parent, name);
        next = i >= 0 ? parent->values[i] : NULL;
    }
    if (!next) {
        if (o->op == DELETE || parent->kind != EBM_NODE_MAP)
            return bad(o, col, "%s: no such key", path);
        next = ebm_node_new_map(o->key_at);
        if (!next || ebm_node_set(parent, name, next) != EBM_OK)
            return bad(o, col, "out of memory");
        parent->key_marks[parent->n - 1] = o->key_at;
    } else if (ebm_node_is_null(next) && o->op != DELETE && parent->kind == EBM_NODE_MAP) {
        ebm_node *map = ebm_node_new_map(next->mark);
        if (!map || ebm_node_set(parent, name, map) != EBM_OK)
            return bad(o, col, "out of memory");
        next = map;
    } else if (next->kind == EBM_NODE_SCALAR) {
        return bad(o, col, "%s: holds a value ('%.100s'), not a map", path, next->scalar);
    }
    *next_out = next;
    return EBM_OK;
}

/* Walks the key path to the node that holds its last part; *last points at
 * that part inside o->key. */
static int walk_to_parent(override *o, ebm_node *root, ebm_node **parent,
                          const char **last) {
    const char *part = o->key;
    *parent = root;
    for (const char *dot; (dot = strchr(part, '.')) != NULL; part = dot + 1) {
        char name[sizeof o->key], path[sizeof o->key];
        snprintf(name, sizeof name, "%.*s", (int)(dot - part), part);
        snprintf(path, sizeof path, "%.*s", (int)(dot - o->key), o->key);
        int rc = step_down(o, *parent, name, path, parent);
        if (rc) return rc;
    }
    *last = part;
    return EBM_OK;
}

/* "~key" and "~key=value": removes the entry or list item in slot. */
static int delete_slot(override *o, ebm_node *parent, const char *last,
                       ebm_node **slot) {
    size_t col = o->key_start + 1;
    if (!slot) return bad(o, col, "%s: no such key to delete", o->key);
    if (o->value && !trees_equal(*slot, o->value))
        return bad(o, col, "%s: not deleted, it does not hold the given value", o->key);
    if (parent->kind == EBM_NODE_MAP) {
        ebm_node_remove(parent, last);
    } else {
        int i = (int)(slot - parent->values);
        ebm_node_free(*slot);
        memmove(parent->values + i, parent->values + i + 1,
                (size_t)(parent->n - i - 1) * sizeof *parent->values);
        parent->n--;
    }
    return EBM_OK;
}

/* "key=value" and "+key=value": replaces what slot holds, or adds the key
 * when slot is NULL. map_index is the slot's entry in a map, else -1. */
static int set_slot(override *o, ebm_node *parent, const char *last,
                    ebm_node **slot, int map_index) {
    if (o->op == ADD && slot)
        return bad(o, o->key_start + 1, "%s: already set (use %s=... to change it)",
                   o->key, o->key);
    ebm_node *value = o->value;
    o->value = NULL;   /* the tree's from here, even when ebm_node_set fails */
    if (slot) {
        ebm_node_free(*slot);
        *slot = value;
        if (map_index >= 0) parent->key_marks[map_index] = o->key_at;
        return EBM_OK;
    }
    if (ebm_node_set(parent, last, value) != EBM_OK)
        return bad(o, o->key_start + 1, "out of memory");
    parent->key_marks[parent->n - 1] = o->key_at;
    return EBM_OK;
}

/* Finds the slot the last part of the key names (a map's entry, possibly
 * new, or a list's existing item) and sets, adds or deletes there. */
static int apply_at(override *o, ebm_node *parent, const char *last) {
    ebm_node **slot = NULL;
    int map_index = -1;
    if (parent->kind == EBM_NODE_MAP) {
        map_index = ebm_node_find_key(parent, last);
        if (map_index >= 0) slot = &parent->values[map_index];
    } else {
        int i = list_index(parent, last);
        if (i < 0)
            return bad(o, o->key_start + 1,
                       "%s: not an index of the list (it has %d items)", o->key,
                       parent->n);
        slot = &parent->values[i];
    }
    return o->op == DELETE ? delete_slot(o, parent, last, slot)
                           : set_slot(o, parent, last, slot, map_index);
}

int ebm_cfg_apply_override(ebm_node *root, const char *text, int index,
                           ebm_diags *diags) {
    return apply_override(root, text, index, NULL, diags);
}

/* Applies one override; `from`, when not NULL, says where in a file it was
 * written (see sweep_origin), and its nodes carry that position. */
static int apply_override(ebm_node *root, const char *text, int index,
                          const origin *from, ebm_diags *diags) {
    char file[32];
    snprintf(file, sizeof file, "<override %d>", index);
    override o = {.text = text, .from = from, .diags = diags};
    o.where = ebm_cfg_intern(root, file);
    if (!o.where) {
        ebm_diags_add(diags, "%s: out of memory", file);
        return EBM_ENOMEM;
    }
    ebm_node *parent = NULL;
    const char *last = NULL;
    int rc = read_key(&o);
    if (rc == EBM_OK) rc = read_value(&o, root);
    if (rc == EBM_OK) rc = walk_to_parent(&o, root, &parent, &last);
    if (rc == EBM_OK) rc = apply_at(&o, parent, last);
    ebm_node_free(o.value);
    return rc;
}
