/* fuzz_config.c — libFuzzer harness for the config loader: the input is an
 * experiment file, then up to four NUL-separated overrides; it is composed
 * (defaults fragments included), validated and written back to YAML, which
 * must parse to the same tree. Replayed without libFuzzer by
 * tests/unit/test_fuzz_regressions.c (define EBM_FUZZ_REPLAY). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* memfd_create */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "sweep_expr.h"
#include "fuzz_util.h"

#define FUZZ_MAX_OVERRIDES 4

/* Whether the last input composed and validated without a problem (the
 * replay test checks that the seed corpus's ok-* files do). */
static int fuzz_config_accepted;

/* Every node has a position and its text; returns the number of problems. */
static int config_tree_sound(const ebm_node *n, int depth) {
    if (!n) return fuzz_broken("config", "NULL node at depth %d", depth);
    if (!n->mark.file || n->mark.line < 1 || n->mark.column < 1)
        return fuzz_broken("config", "node without a position (%s:%d:%d)",
                           n->mark.file ? n->mark.file : "(null)", n->mark.line,
                           n->mark.column);
    if (n->kind == EBM_NODE_SCALAR)
        return n->scalar ? 0 : fuzz_broken("config", "scalar without text");
    int bad = 0;
    for (int i = 0; i < n->n && !bad; i++) {
        if (n->kind == EBM_NODE_MAP && (!n->keys[i] || !n->key_marks[i].file))
            return fuzz_broken("config", "map entry %d without a key or its position", i);
        bad = config_tree_sound(n->values[i], depth + 1);
    }
    return bad;
}

/* a and b hold the same keys, items and texts; a string (quoted scalar)
 * stays a string. A plain scalar may come back quoted: the emitter quotes
 * what it cannot write plain (a comma in flow style), and such text was never
 * a number or a boolean. Returns 0, or 1 after saying where they differ. */
static int config_same_tree(const ebm_node *a, const ebm_node *b, const char *how,
                            char *path, size_t used, size_t size) {
    const char *at = used ? path : "(root)";
    if (!b) return fuzz_broken("config", "%s: %s is missing", how, at);
    if (a->kind != b->kind || a->n != b->n)
        return fuzz_broken("config", "%s: %s changed kind or size", how, at);
    if (a->kind == EBM_NODE_SCALAR) {
        if (strcmp(a->scalar, b->scalar) != 0)
            return fuzz_broken("config", "%s: %s changed from '%s' to '%s'", how, at,
                               a->scalar, b->scalar);
        if (a->quoted && !b->quoted)
            return fuzz_broken("config", "%s: %s ('%s') lost its quotes", how, at, a->scalar);
        return 0;
    }
    for (int i = 0; i < a->n; i++) {
        int w = a->kind == EBM_NODE_MAP
                    ? snprintf(path + used, size - used, ".%s", a->keys[i])
                    : snprintf(path + used, size - used, "[%d]", i);
        size_t next = w > 0 && (size_t)w < size - used ? used + (size_t)w : used;
        if (a->kind == EBM_NODE_MAP && strcmp(a->keys[i], b->keys[i]) != 0)
            return fuzz_broken("config", "%s: key '%s' became '%s'", how, a->keys[i],
                               b->keys[i]);
        if (config_same_tree(a->values[i], b->values[i], how, path, next, size)) return 1;
    }
    return 0;
}

/* Text back to a tree that must equal root; 0 when it does. */
static int config_reparse(const ebm_node *root, const char *text, const char *how) {
    if (!text) return fuzz_broken("config", "%s: no text", how);
    ebm_error err = {0};
    ebm_node *again = ebm_cfg_parse_string(text, strlen(text), how, &err);
    if (!again)
        return fuzz_broken("config", "%s does not parse (%s):\n%s", how, err.msg, text);
    char path[512] = "";
    int bad = config_same_tree(root, again, how, path, 0, sizeof path);
    if (bad) fprintf(stderr, "%s\n", text);
    ebm_node_free(again);
    return bad;
}

/* The tree written as YAML (block and flow style) and cloned must come back
 * as the same tree: run files keep the config as that text, and sweeps write
 * map values in flow style. */
static int config_round_trip(const ebm_node *root) {
    char *yaml = ebm_cfg_to_yaml(root);
    int bad = config_reparse(root, yaml, "emitted YAML");
    free(yaml);
    if (bad) return bad;
    char *flow = ebm_cfg_to_flow(root);
    bad = config_reparse(root, flow, "emitted flow YAML");
    free(flow);
    if (bad) return bad;
    ebm_node *clone = ebm_node_clone(root);
    if (!clone) return 0;   /* out of memory is not a finding */
    char path[512] = "";
    bad = config_tree_sound(clone, 0) || config_same_tree(root, clone, "clone", path, 0,
                                                            sizeof path);
    ebm_node_free(clone);
    return bad;
}

static int diags_sound(const ebm_diags *d, const char *stage) {
    for (int i = 0; i < d->n; i++)
        if (!d->items[i] || !d->items[i][0])
            return fuzz_broken("config", "%s: empty diagnostic %d", stage, i);
    return 0;
}

int ebm_fuzz_config(const uint8_t *data, size_t size) {
    static fuzz_file file = FUZZ_FILE_INIT;
    fuzz_config_accepted = 0;
    const uint8_t *nul = memchr(data, '\0', size);
    size_t yaml_len = nul ? (size_t)(nul - data) : size;
    const char *path = fuzz_file_set(&file, data, yaml_len);
    if (!path) return fuzz_broken("config", "cannot write the in-memory file");

    /* the overrides: copies, so each ends in a NUL even at the input's end */
    char *overrides[FUZZ_MAX_OVERRIDES];
    int n_overrides = 0;
    for (size_t at = yaml_len + 1; at <= size && nul && n_overrides < FUZZ_MAX_OVERRIDES;) {
        const uint8_t *end = memchr(data + at, '\0', size - at);
        size_t len = end ? (size_t)(end - (data + at)) : size - at;
        overrides[n_overrides] = strndup((const char *)data + at, len);
        if (!overrides[n_overrides]) break;
        const char *eq = strchr(overrides[n_overrides], '=');
        (void)ebm_is_sweep_value(eq ? eq + 1 : overrides[n_overrides]);
        n_overrides++;
        at += len + 1;
    }

    int bad = 0;
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(path, overrides, n_overrides, &diags);
    if (!root) {
        if (diags.n == 0) bad = fuzz_broken("config", "compose failed without a message");
    } else if (!(bad = config_tree_sound(root, 0))) {
        int before = diags.n;
        int problems = ebm_cfg_validate(root, &diags);
        if ((problems == 0) != (diags.n == before))
            bad = fuzz_broken("config", "validate returned %d with %d messages", problems,
                              diags.n - before);
        if (!bad) bad = config_tree_sound(root, 0);
        if (!bad) bad = config_round_trip(root);
        fuzz_config_accepted = !bad && problems == 0;
    }
    if (!bad) bad = diags_sound(&diags, root ? "validate" : "compose");
    ebm_node_free(root);
    ebm_diags_free(&diags);
    for (int i = 0; i < n_overrides; i++) free(overrides[i]);
    return bad;
}

#ifndef EBM_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (ebm_fuzz_config(data, size)) abort();
    return 0;
}
#endif
