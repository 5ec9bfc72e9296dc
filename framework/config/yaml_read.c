/* yaml_read.c — reading YAML into a configuration tree with libyaml's event
 * parser: every node keeps the file:line:column it was written at, and the
 * YAML features that would make positions ambiguous (anchors, aliases, tags,
 * merge keys, a second document) are refused with that position. */
#include "cfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cfg_internal.h"
#include "input.h"

/* Deeper than any sensible config; stops a hostile file from exhausting the
 * stack of the recursive builder. */
#define MAX_DEPTH 128

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
    return ebm_fail(ld->err, EBM_ECONFIG, "%s: %s", ebm_where_of(at).text, what);
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
        int dup = ebm_node_find_key(map, key);
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
        if (rc || ebm_node_grow(map) != EBM_OK) {
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
        if (ebm_node_grow(seq) != EBM_OK) {
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
    ld.file = owner ? ebm_cfg_intern(owner, name) : ebm_strpool_intern(&pool, name);
    if (!ld.file) {
        ebm_fail(err, EBM_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    if (!yaml_parser_initialize(&ld.parser)) {
        ebm_strpool_free(pool);
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
        ebm_strpool_free(pool);
        return NULL;
    }
    if (pool) {
        ebm_strpool_free(root->pool);
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
    /* A regular file of at most 16 MiB: a FIFO or /dev/zero is refused by
     * name at once, not read forever. */
    FILE *f = ebm_input_open(path, EBM_MAX_CONFIG_BYTES, "an experiment file or fragment",
                             err);
    if (!f) return NULL;
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
