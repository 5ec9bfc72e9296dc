/* config_diff.c — the differing keys of several resolved configs (see
 * config_diff.h): each config flattened to "path = value" pairs, then the
 * paths whose values are not all equal. */
#include "config_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

typedef struct flat {
    int n, cap;
    char **paths, **values;
} flat;

static void flat_free(flat *f) {
    for (int i = 0; i < f->n; i++) {
        free(f->paths[i]);
        free(f->values[i]);
    }
    free(f->paths);
    free(f->values);
}

static int flat_add(flat *f, const char *path, const char *value) {
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 64;
        char **p = realloc(f->paths, (size_t)cap * sizeof *p);
        if (p) f->paths = p;
        char **v = p ? realloc(f->values, (size_t)cap * sizeof *v) : NULL;
        if (!v) return EBM_ENOMEM;
        f->values = v;
        f->cap = cap;
    }
    f->paths[f->n] = strdup(path);
    f->values[f->n] = strdup(value);
    if (!f->paths[f->n] || !f->values[f->n]) {
        free(f->paths[f->n]);
        free(f->values[f->n]);
        return EBM_ENOMEM;
    }
    f->n++;
    return EBM_OK;
}

/* A sequence of scalars is one value ("[0.5, 0.9]"); maps and other
 * sequences are walked. */
static int flatten(const ebm_node *node, const char *path, flat *f) {
    if (node->kind == EBM_NODE_SCALAR) return flat_add(f, path, node->scalar);
    char sub[1024];
    if (node->kind == EBM_NODE_SEQ) {
        int scalars = 1;
        size_t len = 3;
        for (int i = 0; i < node->n; i++) {
            scalars &= node->values[i]->kind == EBM_NODE_SCALAR;
            if (scalars) len += strlen(node->values[i]->scalar) + 2;
        }
        if (scalars) {
            char *text = malloc(len);
            if (!text) return EBM_ENOMEM;
            strcpy(text, "[");
            for (int i = 0; i < node->n; i++) {
                if (i) strcat(text, ", ");
                strcat(text, node->values[i]->scalar);
            }
            strcat(text, "]");
            int rc = flat_add(f, path, text);
            free(text);
            return rc;
        }
        for (int i = 0; i < node->n; i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            int rc = flatten(node->values[i], sub, f);
            if (rc) return rc;
        }
        return EBM_OK;
    }
    for (int i = 0; i < node->n; i++) {
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", node->keys[i]);
        int rc = flatten(node->values[i], sub, f);
        if (rc) return rc;
    }
    return EBM_OK;
}

static const char *lookup(const flat *f, const char *path) {
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->paths[i], path) == 0) return f->values[i];
    return NULL;
}

/* Keys every run has but that say nothing about the result. */
static int ignored(const char *path) {
    return strcmp(path, "expect") == 0 || strncmp(path, "expect[", 7) == 0 ||
           strncmp(path, "sweep.", 6) == 0;
}

int ebm_config_diff_make(const char *const *yamls, int n, ebm_config_diff *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    out->n_runs = n;
    flat *flats = calloc((size_t)(n ? n : 1), sizeof *flats);
    if (!flats) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    int rc = EBM_OK;
    for (int r = 0; !rc && r < n; r++) {
        ebm_error ignored_err;
        ebm_node *root = yamls[r] ? ebm_cfg_parse_string(yamls[r], strlen(yamls[r]), "config",
                                                         &ignored_err) : NULL;
        if (root) rc = flatten(root, "", &flats[r]);
        ebm_node_free(root);
    }
    /* the union of paths, in first-seen order */
    flat all = {0};
    for (int r = 0; !rc && r < n; r++)
        for (int i = 0; !rc && i < flats[r].n; i++)
            if (!lookup(&all, flats[r].paths[i])) rc = flat_add(&all, flats[r].paths[i], "");
    for (int i = 0; !rc && i < all.n; i++) {
        const char *path = all.paths[i], *first = lookup(&flats[0], path);
        int differs = 0;
        for (int r = 1; r < n && !differs; r++) {
            const char *v = lookup(&flats[r], path);
            differs = (v == NULL) != (first == NULL) || (v && strcmp(v, first) != 0);
        }
        if (!differs || ignored(path)) continue;
        char **keys = realloc(out->keys, (size_t)(out->n_keys + 1) * sizeof *keys);
        if (!keys || !(keys[out->n_keys] = strdup(path))) {
            if (keys) out->keys = keys;
            rc = EBM_ENOMEM;
            break;
        }
        out->keys = keys;
        out->n_keys++;
    }
    if (!rc && !(out->values = calloc((size_t)(n * out->n_keys + 1), sizeof *out->values)))
        rc = EBM_ENOMEM;
    for (int r = 0; !rc && r < n; r++)
        for (int k = 0; !rc && k < out->n_keys; k++) {
            const char *v = lookup(&flats[r], out->keys[k]);
            if (!(out->values[(size_t)r * out->n_keys + k] = strdup(v ? v : "-"))) rc = EBM_ENOMEM;
        }
    flat_free(&all);
    for (int r = 0; r < n; r++) flat_free(&flats[r]);
    free(flats);
    if (rc) {
        ebm_config_diff_free(out);
        return ebm_fail(err, rc, "out of memory");
    }
    return EBM_OK;
}

void ebm_config_diff_free(ebm_config_diff *d) {
    for (int k = 0; k < d->n_keys; k++) free(d->keys[k]);
    for (int i = 0; d->values && i < d->n_runs * d->n_keys; i++) free(d->values[i]);
    free(d->keys);
    free(d->values);
    memset(d, 0, sizeof *d);
}

/* The last component of a path ("train.optim.lr" -> "lr"), or the whole
 * path when another differing key ends the same way. */
static const char *short_key(const ebm_config_diff *d, int k) {
    const char *dot = strrchr(d->keys[k], '.');
    const char *tail = dot ? dot + 1 : d->keys[k];
    for (int j = 0; j < d->n_keys; j++) {
        if (j == k) continue;
        const char *other = strrchr(d->keys[j], '.');
        if (strcmp(other ? other + 1 : d->keys[j], tail) == 0) return d->keys[k];
    }
    return tail;
}

void ebm_config_diff_label(const ebm_config_diff *d, int i, char *out, size_t size) {
    size_t len = 0;
    out[0] = '\0';
    /* Runs of different experiments: their names say which is which, and
     * the rest of what differs would fill the legend. */
    for (int k = 0; k < d->n_keys; k++)
        if (strcmp(d->keys[k], "name") == 0) {
            snprintf(out, size, "%s", d->values[(size_t)i * d->n_keys + k]);
            return;
        }
    for (int k = 0; k < d->n_keys && len < size; k++) {
        if (strcmp(d->keys[k], "description") == 0) continue;   /* prose */
        int n = snprintf(out + len, size - len, "%s%s=%s", len ? " " : "", short_key(d, k),
                         d->values[(size_t)i * d->n_keys + k]);
        if (n < 0) break;
        len += (size_t)n;
    }
}
