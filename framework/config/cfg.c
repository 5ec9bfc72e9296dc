/* cfg.c — the configuration tree: loading YAML with libyaml's event parser
 * into nodes that remember where they were written, building and querying
 * trees, and the typed getters every plugin reads its parameters with. */
#include "cfg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "cfg_internal.h"

/* Interned file names. Strings are allocated one by one so that moving them
 * to another pool (when a fragment is grafted into an experiment) keeps every
 * mark that points at them valid. */
struct ebm_strpool {
    int n, cap;
    char **strings;
};

/* Deeper than any sensible config; stops a hostile file from exhausting the
 * stack of the recursive builder. */
#define MAX_DEPTH 128

/* ---------------------------------------------------------------- pool */

static const char *pool_intern(struct ebm_strpool **pp, const char *name) {
    if (!*pp) {
        *pp = calloc(1, sizeof **pp);
        if (!*pp) return NULL;
    }
    struct ebm_strpool *pool = *pp;
    for (int i = 0; i < pool->n; i++)
        if (strcmp(pool->strings[i], name) == 0) return pool->strings[i];
    if (pool->n == pool->cap) {
        int cap = pool->cap ? 2 * pool->cap : 4;
        char **strings = realloc(pool->strings, (size_t)cap * sizeof *strings);
        if (!strings) return NULL;
        pool->strings = strings;
        pool->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) return NULL;
    pool->strings[pool->n++] = copy;
    return copy;
}

static void pool_free(struct ebm_strpool *pool) {
    if (!pool) return;
    for (int i = 0; i < pool->n; i++) free(pool->strings[i]);
    free(pool->strings);
    free(pool);
}

const char *ebm_cfg_intern(ebm_node *root, const char *name) {
    return root ? pool_intern(&root->pool, name) : NULL;
}

int ebm_cfg_absorb_pool(ebm_node *dst, ebm_node *src) {
    struct ebm_strpool *from = src->pool;
    if (!from || from->n == 0) return EBM_OK;
    if (!dst->pool) {
        dst->pool = calloc(1, sizeof *dst->pool);
        if (!dst->pool) return EBM_ENOMEM;
    }
    struct ebm_strpool *to = dst->pool;
    if (to->cap < to->n + from->n) {
        int cap = to->n + from->n;
        char **strings = realloc(to->strings, (size_t)cap * sizeof *strings);
        if (!strings) return EBM_ENOMEM;
        to->strings = strings;
        to->cap = cap;
    }
    /* Duplicates are kept: marks in src point at src's copies. */
    memcpy(to->strings + to->n, from->strings, (size_t)from->n * sizeof *from->strings);
    to->n += from->n;
    from->n = 0;
    return EBM_OK;
}

/* ---------------------------------------------------------------- nodes */

static ebm_node *node_new(ebm_node_kind kind, ebm_mark at) {
    ebm_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->mark = at;
    return n;
}

ebm_node *ebm_node_new_map(ebm_mark at) { return node_new(EBM_NODE_MAP, at); }
ebm_node *ebm_node_new_seq(ebm_mark at) { return node_new(EBM_NODE_SEQ, at); }

ebm_node *ebm_node_new_scalar(const char *text, ebm_mark at) {
    ebm_node *n = node_new(EBM_NODE_SCALAR, at);
    if (!n) return NULL;
    n->scalar = strdup(text ? text : "");
    if (!n->scalar) {
        free(n);
        return NULL;
    }
    return n;
}

void ebm_node_free(ebm_node *n) {
    if (!n) return;
    for (int i = 0; i < n->n; i++) {
        if (n->keys) free(n->keys[i]);
        ebm_node_free(n->values[i]);
    }
    free(n->keys);
    free(n->key_marks);
    free(n->values);
    free(n->scalar);
    pool_free(n->pool);
    free(n);
}

static int grow(ebm_node *n) {
    if (n->n < n->cap) return EBM_OK;
    int cap = n->cap ? 2 * n->cap : 4;
    ebm_node **values = realloc(n->values, (size_t)cap * sizeof *values);
    if (!values) return EBM_ENOMEM;
    n->values = values;
    if (n->kind == EBM_NODE_MAP) {
        char **keys = realloc(n->keys, (size_t)cap * sizeof *keys);
        if (!keys) return EBM_ENOMEM;
        n->keys = keys;
        ebm_mark *marks = realloc(n->key_marks, (size_t)cap * sizeof *marks);
        if (!marks) return EBM_ENOMEM;
        n->key_marks = marks;
    }
    n->cap = cap;
    return EBM_OK;
}

static int find_key(const ebm_node *map, const char *key) {
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) return i;
    return -1;
}

int ebm_node_set(ebm_node *map, const char *key, ebm_node *value) {
    if (!map || map->kind != EBM_NODE_MAP || !value) {
        ebm_node_free(value);
        return EBM_EINVAL;
    }
    int i = find_key(map, key);
    if (i >= 0) {
        ebm_node_free(map->values[i]);
        map->values[i] = value;
        map->key_marks[i] = value->mark;
        return EBM_OK;
    }
    char *copy = strdup(key);
    if (!copy || grow(map) != EBM_OK) {
        free(copy);
        ebm_node_free(value);
        return EBM_ENOMEM;
    }
    map->keys[map->n] = copy;
    map->key_marks[map->n] = value->mark;
    map->values[map->n] = value;
    map->n++;
    return EBM_OK;
}

int ebm_node_append(ebm_node *seq, ebm_node *value) {
    if (!seq || seq->kind != EBM_NODE_SEQ || !value) {
        ebm_node_free(value);
        return EBM_EINVAL;
    }
    if (grow(seq) != EBM_OK) {
        ebm_node_free(value);
        return EBM_ENOMEM;
    }
    seq->values[seq->n++] = value;
    return EBM_OK;
}

int ebm_node_remove(ebm_node *map, const char *key) {
    if (!map || map->kind != EBM_NODE_MAP) return 0;
    int i = find_key(map, key);
    if (i < 0) return 0;
    free(map->keys[i]);
    ebm_node_free(map->values[i]);
    int tail = map->n - i - 1;
    memmove(map->keys + i, map->keys + i + 1, (size_t)tail * sizeof *map->keys);
    memmove(map->key_marks + i, map->key_marks + i + 1,
            (size_t)tail * sizeof *map->key_marks);
    memmove(map->values + i, map->values + i + 1, (size_t)tail * sizeof *map->values);
    map->n--;
    return 1;
}

ebm_node *ebm_node_child(const ebm_node *map, const char *key) {
    if (!map || map->kind != EBM_NODE_MAP) return NULL;
    int i = find_key(map, key);
    return i >= 0 ? map->values[i] : NULL;
}

/* Path parts are map keys, or item indices when the node is a list
 * ("log.estimators.0.type"). */
ebm_node *ebm_node_at(const ebm_node *root, const char *path) {
    const ebm_node *n = root;
    const char *p = path;
    if (!n || !path) return NULL;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        char part[256];
        if (len == 0 || len >= sizeof part) return NULL;
        memcpy(part, p, len);
        part[len] = '\0';
        if (n->kind == EBM_NODE_MAP) {
            n = ebm_node_child(n, part);
        } else if (n->kind == EBM_NODE_SEQ) {
            char *end;
            errno = 0;
            long i = strtol(part, &end, 10);
            if (*end || errno || i < 0 || i >= n->n || part[0] == '-' || part[0] == '+')
                return NULL;
            n = n->values[i];
        } else {
            return NULL;
        }
        if (!n) return NULL;
        p += len;
        if (*p == '.') {
            p++;
            if (!*p) return NULL;
        }
    }
    return (ebm_node *)n;
}

/* Copies n and its children; marks are re-interned into the pool of `root`
 * (the copy's root), so the copy outlives the original. */
static ebm_node *clone_into(const ebm_node *n, ebm_node *root, int *oom) {
    ebm_node *c = calloc(1, sizeof *c);
    if (!c) {
        *oom = 1;
        return NULL;
    }
    if (!root) root = c;
    c->kind = n->kind;
    c->quoted = n->quoted;
    c->mark = n->mark;
    if (n->mark.file) c->mark.file = ebm_cfg_intern(root, n->mark.file);
    if (n->scalar && !(c->scalar = strdup(n->scalar))) *oom = 1;
    for (int i = 0; i < n->n && !*oom; i++) {
        if (grow(c) != EBM_OK) {
            *oom = 1;
            break;
        }
        ebm_node *v = clone_into(n->values[i], root, oom);
        if (!v) break;
        if (c->kind == EBM_NODE_MAP) {
            c->keys[c->n] = strdup(n->keys[i]);
            c->key_marks[c->n] = n->key_marks[i];
            if (n->key_marks[i].file)
                c->key_marks[c->n].file = ebm_cfg_intern(root, n->key_marks[i].file);
            if (!c->keys[c->n]) {
                ebm_node_free(v);
                *oom = 1;
                break;
            }
        }
        c->values[c->n++] = v;
    }
    return c;
}

ebm_node *ebm_node_clone(const ebm_node *n) {
    if (!n) return NULL;
    int oom = 0;
    ebm_node *c = clone_into(n, NULL, &oom);
    if (oom) {
        ebm_node_free(c);
        return NULL;
    }
    return c;
}

int ebm_node_is_null(const ebm_node *n) {
    return n && n->kind == EBM_NODE_SCALAR && !n->quoted &&
           (n->scalar[0] == '\0' || strcmp(n->scalar, "~") == 0 ||
            strcmp(n->scalar, "null") == 0 || strcmp(n->scalar, "Null") == 0 ||
            strcmp(n->scalar, "NULL") == 0);
}

/* ---------------------------------------------------------------- loading */

typedef struct loader {
    yaml_parser_t parser;
    const char *text;
    size_t len;
    const char *file;       /* interned */
    int col_offset;         /* added to columns (override values) */
    int flow_only;          /* refuse block collections at the top */
    ebm_error *err;
} loader;

static ebm_mark mark_of(const loader *ld, yaml_mark_t m) {
    ebm_mark at = {ld->file, (int)m.line + 1, (int)m.column + 1 + ld->col_offset};
    if (ld->flow_only && m.line > 0) {
        /* an override value is one line; libyaml puts an unexpected end of
         * it on the next, which the user knows as "just past the end" */
        at.line = 1;
        at.column = (int)ld->len + 1 + ld->col_offset;
    }
    return at;
}

/* Line and column of a byte offset, for reader errors whose mark is unset. */
static ebm_mark mark_at_offset(const loader *ld, size_t offset) {
    ebm_mark at = {ld->file, 1, 1 + ld->col_offset};
    for (size_t i = 0; i < offset && i < ld->len; i++) {
        if (ld->text[i] == '\n') {
            at.line++;
            at.column = 1 + ld->col_offset;
        } else {
            at.column++;
        }
    }
    return at;
}

static int fail_at(loader *ld, ebm_mark at, const char *what) {
    return ebm_fail(ld->err, EBM_ECONFIG, "%s:%d:%d: %s", at.file, at.line,
                    at.column, what);
}

static int next_event(loader *ld, yaml_event_t *ev) {
    if (yaml_parser_parse(&ld->parser, ev)) return EBM_OK;
    const yaml_parser_t *p = &ld->parser;
    const char *problem = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_MEMORY_ERROR)
        return ebm_fail(ld->err, EBM_ENOMEM, "%s: out of memory while parsing", ld->file);
    ebm_mark at = p->error == YAML_READER_ERROR ? mark_at_offset(ld, p->problem_offset)
                                                : mark_of(ld, p->problem_mark);
    return fail_at(ld, at, problem);
}

/* Anchors, aliases and tags other than !!str are refused: configs are small
 * and positions must stay unambiguous. */
static int check_plain_node(loader *ld, const yaml_event_t *ev) {
    const yaml_char_t *anchor = NULL, *tag = NULL;
    if (ev->type == YAML_SCALAR_EVENT) {
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
    } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
    }
    if (anchor)
        return fail_at(ld, mark_of(ld, ev->start_mark),
                       "anchors (&name) are not supported in ebm configs");
    if (tag && !(ev->type == YAML_SCALAR_EVENT &&
                 strcmp((const char *)tag, YAML_STR_TAG) == 0))
        return fail_at(ld, mark_of(ld, ev->start_mark),
                       "tags (!name) are not supported in ebm configs");
    return EBM_OK;
}

static int build_node(loader *ld, yaml_event_t *first, int depth, ebm_node **out);

static int build_map(loader *ld, yaml_event_t *first, int depth, ebm_node *map) {
    (void)first;
    for (;;) {
        yaml_event_t key_ev;
        int rc = next_event(ld, &key_ev);
        if (rc) return rc;
        if (key_ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key_ev);
            return EBM_OK;
        }
        ebm_mark key_at = mark_of(ld, key_ev.start_mark);
        if (key_ev.type == YAML_ALIAS_EVENT) {
            yaml_event_delete(&key_ev);
            return fail_at(ld, key_at, "aliases (*name) are not supported in ebm configs");
        }
        if (key_ev.type != YAML_SCALAR_EVENT) {
            yaml_event_delete(&key_ev);
            return fail_at(ld, key_at, "a key must be a plain value, not a list or map");
        }
        rc = check_plain_node(ld, &key_ev);
        int key_ev_plain = key_ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        char *key = rc ? NULL : strdup((const char *)key_ev.data.scalar.value);
        yaml_event_delete(&key_ev);
        if (rc) return rc;
        if (!key) return ebm_fail(ld->err, EBM_ENOMEM, "%s: out of memory", ld->file);
        if (strcmp(key, "<<") == 0 && key_ev_plain) {
            free(key);
            return fail_at(ld, key_at, "merge keys (<<) are not supported in ebm configs "
                                       "(write the keys out, or use defaults: fragments)");
        }
        int dup = find_key(map, key);
        if (dup >= 0) {
            char what[512];
            snprintf(what, sizeof what, "duplicate key '%.200s' (first given at line %d)",
                     key, map->key_marks[dup].line);
            free(key);
            return fail_at(ld, key_at, what);
        }
        yaml_event_t value_ev;
        rc = next_event(ld, &value_ev);
        if (rc) {
            free(key);
            return rc;
        }
        ebm_node *value = NULL;
        rc = build_node(ld, &value_ev, depth + 1, &value);
        if (rc || grow(map) != EBM_OK) {
            free(key);
            ebm_node_free(value);
            return rc ? rc : ebm_fail(ld->err, EBM_ENOMEM, "%s: out of memory", ld->file);
        }
        map->keys[map->n] = key;
        map->key_marks[map->n] = key_at;
        map->values[map->n] = value;
        map->n++;
    }
}

static int build_seq(loader *ld, int depth, ebm_node *seq) {
    for (;;) {
        yaml_event_t ev;
        int rc = next_event(ld, &ev);
        if (rc) return rc;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return EBM_OK;
        }
        ebm_node *item = NULL;
        rc = build_node(ld, &ev, depth + 1, &item);
        if (rc) return rc;
        if (grow(seq) != EBM_OK) {
            ebm_node_free(item);
            return ebm_fail(ld->err, EBM_ENOMEM, "%s: out of memory", ld->file);
        }
        seq->values[seq->n++] = item;
    }
}

/* Builds the node that starts with `first` (consumed: deleted here). */
static int build_node(loader *ld, yaml_event_t *first, int depth, ebm_node **out) {
    ebm_mark at = mark_of(ld, first->start_mark);
    int rc = EBM_OK;
    *out = NULL;
    if (first->type == YAML_ALIAS_EVENT) {
        rc = fail_at(ld, at, "aliases (*name) are not supported in ebm configs");
    } else if (depth > MAX_DEPTH) {
        rc = fail_at(ld, at, "nested too deeply");
    } else if ((rc = check_plain_node(ld, first)) != EBM_OK) {
        /* message already set */
    } else if (first->type == YAML_SCALAR_EVENT) {
        *out = ebm_node_new_scalar((const char *)first->data.scalar.value, at);
        if (!*out) {
            rc = ebm_fail(ld->err, EBM_ENOMEM, "%s: out of memory", ld->file);
        } else {
            (*out)->quoted = first->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                             first->data.scalar.tag != NULL;
        }
    } else if (first->type == YAML_MAPPING_START_EVENT ||
               first->type == YAML_SEQUENCE_START_EVENT) {
        int is_map = first->type == YAML_MAPPING_START_EVENT;
        int block = is_map ? first->data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE
                           : first->data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE;
        if (depth == 0 && ld->flow_only && block) {
            rc = fail_at(ld, at, "expected a single value, [list] or {map}");
        } else {
            *out = is_map ? ebm_node_new_map(at) : ebm_node_new_seq(at);
            if (!*out)
                rc = ebm_fail(ld->err, EBM_ENOMEM, "%s: out of memory", ld->file);
            else
                rc = is_map ? build_map(ld, first, depth, *out) : build_seq(ld, depth, *out);
        }
    } else {
        rc = fail_at(ld, at, "unexpected YAML event");
    }
    yaml_event_delete(first);
    if (rc) {
        ebm_node_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Loads one document. `owner` holds the pool for the file name: the result
 * itself when NULL (a new root), else the tree the value will join. */
static ebm_node *load(const char *text, size_t len, const char *name,
                      ebm_node *owner, int col_offset, int flow_only,
                      ebm_error *err) {
    struct ebm_strpool *pool = NULL;
    loader ld = {.text = text, .len = len, .col_offset = col_offset,
                 .flow_only = flow_only, .err = err};
    ld.file = owner ? ebm_cfg_intern(owner, name) : pool_intern(&pool, name);
    if (!ld.file) {
        ebm_fail(err, EBM_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    if (!yaml_parser_initialize(&ld.parser)) {
        pool_free(pool);
        ebm_fail(err, EBM_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    /* libyaml, told the encoding, takes a UTF-8 byte-order mark for content;
     * editors on Windows write one, and it is no part of the config. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
        ld.text = text;
        ld.len = len;
    }
    yaml_parser_set_input_string(&ld.parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&ld.parser, YAML_UTF8_ENCODING);

    ebm_node *root = NULL;
    yaml_event_t ev;
    int rc = next_event(&ld, &ev);   /* stream start */
    if (rc == EBM_OK) {
        yaml_event_delete(&ev);
        rc = next_event(&ld, &ev);   /* document start, or stream end if empty */
    }
    int has_document = rc == EBM_OK && ev.type == YAML_DOCUMENT_START_EVENT;
    if (rc == EBM_OK) yaml_event_delete(&ev);
    if (has_document) {
        rc = next_event(&ld, &ev);
        if (rc == EBM_OK) rc = build_node(&ld, &ev, 0, &root);   /* consumes ev */
        if (rc == EBM_OK) rc = next_event(&ld, &ev);             /* document end */
        if (rc == EBM_OK) {
            yaml_event_delete(&ev);
            rc = next_event(&ld, &ev);
        }
        if (rc == EBM_OK) {
            if (ev.type == YAML_DOCUMENT_START_EVENT)
                rc = fail_at(&ld, mark_of(&ld, ev.start_mark),
                             "a config holds one YAML document, found a second");
            yaml_event_delete(&ev);
        }
    }
    yaml_parser_delete(&ld.parser);

    if (rc == EBM_OK && !flow_only && (!root || ebm_node_is_null(root))) {
        /* An empty file is an empty experiment, not an error. */
        ebm_mark at = {ld.file, 1, 1};
        ebm_node_free(root);
        root = ebm_node_new_map(at);
        if (!root) rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory", name);
    } else if (rc == EBM_OK && !root) {
        ebm_mark at = {ld.file, 1, 1 + col_offset};
        root = ebm_node_new_scalar("", at);
        if (!root) rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory", name);
    }
    if (rc) {
        ebm_node_free(root);
        pool_free(pool);
        return NULL;
    }
    if (pool) {
        pool_free(root->pool);
        root->pool = pool;
    }
    return root;
}

ebm_node *ebm_cfg_parse_string(const char *text, size_t len, const char *name,
                               ebm_error *err) {
    return load(text, len, name ? name : "<string>", NULL, 0, 0, err);
}

ebm_node *ebm_cfg_parse_value(ebm_node *root, const char *text,
                              const char *file, int col_offset,
                              ebm_error *err) {
    return load(text, strlen(text), file, root, col_offset, 1, err);
}

ebm_node *ebm_cfg_parse_file(const char *path, ebm_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t len = 0, cap = 4096;
    char *text = malloc(cap);
    while (text) {
        if (len == cap) {
            char *bigger = realloc(text, cap * 2);
            if (!bigger) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            cap *= 2;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int read_error = ferror(f);
    int saved_errno = errno;
    fclose(f);
    if (!text) {
        ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    if (read_error) {
        free(text);
        ebm_fail(err, EBM_EIO, "%s: cannot read: %s", path, strerror(saved_errno));
        return NULL;
    }
    ebm_node *root = load(text, len, path, NULL, 0, 0, err);
    free(text);
    return root;
}

/* ---------------------------------------------------------------- scalars */

int ebm_parse_double(const char *text, double *out) {
    const char *p = text;
    int negative = 0;
    if (!text || !*text) return EBM_EINVAL;
    if (*p == '+' || *p == '-') negative = *p++ == '-';
    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0) {
        *out = negative ? -INFINITY : INFINITY;
        return EBM_OK;
    }
    if (p == text && (strcmp(p, ".nan") == 0 || strcmp(p, ".NaN") == 0 ||
                      strcmp(p, ".NAN") == 0)) {
        *out = NAN;
        return EBM_OK;
    }
    /* strtod also takes "inf", "nan", hex and leading blanks; YAML does not. */
    if (!((*p >= '0' && *p <= '9') || *p == '.')) return EBM_EINVAL;
    for (const char *q = p; *q; q++)
        if (!strchr("0123456789.eE+-", *q)) return EBM_EINVAL;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end || end == text) return EBM_EINVAL;
    if (errno == ERANGE && isinf(v)) return EBM_EINVAL;
    *out = v;
    return EBM_OK;
}

int ebm_parse_int(const char *text, int64_t *out) {
    if (!text || !*text) return EBM_EINVAL;
    const char *p = text + (*text == '+' || *text == '-');
    if (*p >= '0' && *p <= '9' && p[strspn(p, "0123456789")] == '\0') {
        char *end;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (errno == ERANGE || *end) return EBM_EINVAL;
        *out = v;
        return EBM_OK;
    }
    double d;
    if (ebm_parse_double(text, &d) != EBM_OK || !isfinite(d) || d != floor(d) ||
        d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return EBM_EINVAL;
    *out = (int64_t)d;
    return EBM_OK;
}

int ebm_parse_bool(const char *text, int *out) {
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    if (!text) return EBM_EINVAL;
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = 1;
            return EBM_OK;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = 0;
            return EBM_OK;
        }
    }
    return EBM_EINVAL;
}

/* ---------------------------------------------------------------- getters */

static const ebm_node *scalar_at(const ebm_node *map, const char *path) {
    const ebm_node *n = ebm_node_at(map, path);
    return n && n->kind == EBM_NODE_SCALAR && !ebm_node_is_null(n) ? n : NULL;
}

int64_t ebm_cfg_int(const ebm_node *map, const char *path, int64_t def) {
    const ebm_node *n = scalar_at(map, path);
    int64_t v;
    return n && ebm_parse_int(n->scalar, &v) == EBM_OK ? v : def;
}

double ebm_cfg_double(const ebm_node *map, const char *path, double def) {
    const ebm_node *n = scalar_at(map, path);
    double v;
    return n && ebm_parse_double(n->scalar, &v) == EBM_OK ? v : def;
}

int ebm_cfg_bool(const ebm_node *map, const char *path, int def) {
    const ebm_node *n = scalar_at(map, path);
    int v;
    return n && ebm_parse_bool(n->scalar, &v) == EBM_OK ? v : def;
}

const char *ebm_cfg_str(const ebm_node *map, const char *path, const char *def) {
    const ebm_node *n = ebm_node_at(map, path);
    if (!n || n->kind != EBM_NODE_SCALAR || ebm_node_is_null(n)) return def;
    return n->scalar;
}

int ebm_cfg_doubles(const ebm_node *map, const char *path, double *out, int max) {
    const ebm_node *n = ebm_node_at(map, path);
    if (!n || ebm_node_is_null(n)) return 0;
    if (n->kind == EBM_NODE_SCALAR) {
        double v;
        if (ebm_parse_double(n->scalar, &v) != EBM_OK) return 0;
        if (max > 0) out[0] = v;
        return 1;
    }
    if (n->kind != EBM_NODE_SEQ) return 0;
    for (int i = 0; i < n->n && i < max; i++) {
        const ebm_node *item = n->values[i];
        double v = NAN;
        if (item->kind == EBM_NODE_SCALAR) ebm_parse_double(item->scalar, &v);
        out[i] = v;
    }
    return n->n;
}
