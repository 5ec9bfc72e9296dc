/* tree.c — the configuration tree: nodes that remember where they were
 * written, the pool of file names those positions point into, and building,
 * querying and copying trees. Reading YAML into a tree is yaml_read.c's job;
 * turning scalars into numbers is scalar.c's. */
#include "cfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_internal.h"

/* Interned file names. Strings are allocated one by one so that moving them
 * to another pool (when a fragment is grafted into an experiment) keeps every
 * mark that points at them valid. */
struct ebm_strpool {
    int n, cap;
    char **strings;
};

/* ---------------------------------------------------------------- pool */

const char *ebm_strpool_intern(struct ebm_strpool **pp, const char *name) {
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

void ebm_strpool_free(struct ebm_strpool *pool) {
    if (!pool) return;
    for (int i = 0; i < pool->n; i++) free(pool->strings[i]);
    free(pool->strings);
    free(pool);
}

const char *ebm_cfg_intern(ebm_node *root, const char *name) {
    return root ? ebm_strpool_intern(&root->pool, name) : NULL;
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

/* ---------------------------------------------------------------- positions */

ebm_where ebm_where_of(ebm_mark at) {
    ebm_where w;
    snprintf(w.text, sizeof w.text, "%s:%d:%d", at.file ? at.file : "?", at.line,
             at.column);
    return w;
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
    ebm_strpool_free(n->pool);
    free(n);
}

int ebm_node_grow(ebm_node *n) {
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

int ebm_node_find_key(const ebm_node *map, const char *key) {
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) return i;
    return -1;
}

int ebm_node_set(ebm_node *map, const char *key, ebm_node *value) {
    if (!map || map->kind != EBM_NODE_MAP || !value) {
        ebm_node_free(value);
        return EBM_EINVAL;
    }
    int i = ebm_node_find_key(map, key);
    if (i >= 0) {
        ebm_node_free(map->values[i]);
        map->values[i] = value;
        map->key_marks[i] = value->mark;
        return EBM_OK;
    }
    char *copy = strdup(key);
    if (!copy || ebm_node_grow(map) != EBM_OK) {
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
    if (ebm_node_grow(seq) != EBM_OK) {
        ebm_node_free(value);
        return EBM_ENOMEM;
    }
    seq->values[seq->n++] = value;
    return EBM_OK;
}

int ebm_node_remove(ebm_node *map, const char *key) {
    if (!map || map->kind != EBM_NODE_MAP) return 0;
    int i = ebm_node_find_key(map, key);
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
    int i = ebm_node_find_key(map, key);
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

ebm_mark ebm_mark_near(const ebm_node *root, const char *path) {
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s", path);
    for (;;) {
        const ebm_node *n = ebm_node_at(root, prefix);
        if (n) return n->mark;
        char *dot = strrchr(prefix, '.');
        if (!dot) return root->mark;
        *dot = '\0';
    }
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
        if (ebm_node_grow(c) != EBM_OK) {
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
