/* validate.c — checks a composed experiment against the framework's section
 * tables (schema.c) and every named plugin's parameter table, reports every
 * problem with its position and the nearest valid name, and fills defaults
 * in place so the getters always find a value afterwards. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "estimator.h"
#include "model.h"
#include "registry.h"
#include "schema.h"
#include "sweep_grid.h"
#include "validate.h"

typedef struct checker {
    ebm_node *root;
    ebm_diags *diags;
} checker;

#define PATH_SIZE 512

static void problem(checker *c, ebm_mark at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(checker *c, ebm_mark at, const char *path, const char *fmt, ...) {
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (at.line == 0) { /* a parameter table's own entry: no position in a file */
        ebm_diags_add(c->diags, "%s: %s", path, what);
    } else {
        if (!at.file) at.file = "<config>";
        ebm_diags_add(c->diags, "%s: %s: %s", ebm_where_of(at).text, path, what);
    }
}

static void join(char *out, const char *prefix, const char *key) {
    snprintf(out, PATH_SIZE, "%s%s%s", prefix, *prefix ? "." : "", key);
}

static void join_index(char *out, const char *prefix, int i) {
    snprintf(out, PATH_SIZE, "%s[%d]", prefix, i);
}

/* How a value reads in a message: its text, "a map", "a list" or "nothing". */
static const char *describe(const ebm_node *n, char *buf, size_t size) {
    if (n->kind == EBM_NODE_MAP) return "a map";
    if (n->kind == EBM_NODE_SEQ) return "a list";
    if (ebm_node_is_null(n)) return "nothing";
    if (n->quoted) snprintf(buf, size, "the string \"%.80s\"", n->scalar);
    else snprintf(buf, size, "%.80s", n->scalar);
    return buf;
}

/* ------------------------------------------------------------ suggestions */

int ebm_edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    int *row = malloc((lb + 1) * sizeof *row);
    if (!row) return (int)(la > lb ? la : lb);
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diagonal = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int above = row[j];
            int best = diagonal + (a[i - 1] != b[j - 1]);
            if (above + 1 < best) best = above + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    int d = row[lb];
    free(row);
    return d;
}

/* The nearest of the candidates to word, or NULL; `close_only` keeps only
 * those a typo could explain (distance <= max(2, len/3)). */
typedef struct nearest {
    const char *name;
    int distance;
} nearest;

static void consider(nearest *best, const char *word, const char *candidate) {
    int d = ebm_edit_distance(word, candidate);
    if (!best->name || d < best->distance) {
        best->name = candidate;
        best->distance = d;
    }
}

static int close_enough(const nearest *best, const char *word) {
    int len = (int)strlen(word);
    int limit = len / 3 > 2 ? len / 3 : 2;
    return best->name && best->distance <= limit;
}

/* 1 if one of a, b starts with the other and they share at least two
 * characters: "lrate" for "lr", "hidden_units" for "hidden" are longer
 * spellings of the same key, however far apart their edit distance. */
static int same_stem(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    size_t shorter = la < lb ? la : lb;
    return shorter >= 2 && strncmp(a, b, shorter) == 0;
}

/* The key of table (or common) nearest to an unknown key: the closest by edit
 * distance among those a typo or a longer spelling explains, or NULL. */
static const char *suggest_key(const char *key, const ebm_param *table,
                               const ebm_param *common) {
    nearest best = {0}, stem = {0};
    const ebm_param *tables[2] = {table, common};
    for (int t = 0; t < 2; t++)
        for (const ebm_param *q = tables[t]; q && q->name; q++) {
            consider(&best, key, q->name);
            if (same_stem(key, q->name)) consider(&stem, key, q->name);
        }
    if (close_enough(&best, key)) return best.name;
    return stem.name;
}

/* "a, b, c": the keys a table accepts, for a key too far from any of them to
 * guess which was meant. */
static void list_keys(const ebm_param *table, const ebm_param *common, int is_plugin,
                      char *out, size_t size) {
    size_t used = 0;
    out[0] = '\0';
    if (is_plugin) used = (size_t)snprintf(out, size, "type");
    const ebm_param *tables[2] = {table, common};
    for (int t = 0; t < 2; t++)
        for (const ebm_param *q = tables[t]; q && q->name && used < size; q++) {
            if (t == 1 && ebm_param_find(table, q->name)) continue;
            int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "", q->name);
            if (w < 0) return;
            used += (size_t)w;
        }
    if (used >= size && size > 4) memcpy(out + size - 4, "...", 4);
}

/* ------------------------------------------------------------ intervals */

typedef struct interval {
    double low, high;
    int low_closed, high_closed;
} interval;

static int parse_bound(const char *text, size_t len, double *out) {
    char buf[64];
    while (len && *text == ' ') text++, len--;
    while (len && text[len - 1] == ' ') len--;
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (strcmp(buf, "inf") == 0 || strcmp(buf, "+inf") == 0) *out = INFINITY;
    else if (strcmp(buf, "-inf") == 0) *out = -INFINITY;
    else if (ebm_parse_double(buf, out) != EBM_OK) return -1;
    return 0;
}

/* "[0, 1)", "(0, inf)", "[1, inf)". */
static int parse_interval(const char *text, interval *out) {
    size_t len = strlen(text);
    if (len < 5 || (text[0] != '[' && text[0] != '(') ||
        (text[len - 1] != ']' && text[len - 1] != ')'))
        return -1;
    const char *comma = strchr(text, ',');
    if (!comma) return -1;
    out->low_closed = text[0] == '[';
    out->high_closed = text[len - 1] == ']';
    if (parse_bound(text + 1, (size_t)(comma - text - 1), &out->low) ||
        parse_bound(comma + 1, (size_t)(text + len - 1 - comma - 1), &out->high))
        return -1;
    return 0;
}

static int in_interval(const interval *r, double v) {
    if (isnan(v)) return 0;
    if (r->low_closed ? v < r->low : v <= r->low) return 0;
    if (r->high_closed ? v > r->high : v >= r->high) return 0;
    return 1;
}

/* ------------------------------------------------------------ values */

static void check_table(checker *c, ebm_node *map, const ebm_param *table,
                        const ebm_param *common, int is_plugin, const char *path);

/* One number (INT, FLOAT or an item of FLOATS) against type and range. */
static void check_number(checker *c, const ebm_param *p, const ebm_node *n,
                         int integral, const char *path) {
    char buf[128];
    const char *kind = integral ? "an integer" : "a number";
    const char *range = p->range;
    double v = 0;
    int ok = n->kind == EBM_NODE_SCALAR && !n->quoted && !ebm_node_is_null(n);
    if (ok && integral) {
        int64_t i;
        ok = ebm_parse_int(n->scalar, &i) == EBM_OK;
        v = (double)i;
    } else if (ok) {
        ok = ebm_parse_double(n->scalar, &v) == EBM_OK;
    }
    interval r;
    if (ok && range) {
        if (parse_interval(range, &r) != 0) {
            problem(c, n->mark, path, "the parameter table gives a malformed range '%s'",
                    range);
            return;
        }
        ok = in_interval(&r, v);
    }
    if (!ok)
        problem(c, n->mark, path, "expected %s%s%s, got %s", kind, range ? " in " : "",
                range ? range : "", describe(n, buf, sizeof buf));
}

static void check_plugin(checker *c, ebm_node *map, const ebm_param *p, const char *path);

static void check_value(checker *c, const ebm_param *p, ebm_node *n, const char *path) {
    char buf[128], item_path[PATH_SIZE];
    switch (p->type) {
    case EBM_P_INT:
    case EBM_P_FLOAT:
        check_number(c, p, n, p->type == EBM_P_INT, path);
        break;
    case EBM_P_BOOL: {
        int b;
        if (n->kind != EBM_NODE_SCALAR || n->quoted || ebm_parse_bool(n->scalar, &b) != EBM_OK)
            problem(c, n->mark, path, "expected true or false, got %s",
                    describe(n, buf, sizeof buf));
        break;
    }
    case EBM_P_STRING:
        if (n->kind != EBM_NODE_SCALAR)
            problem(c, n->mark, path, "expected a string, got %s", describe(n, buf, sizeof buf));
        break;
    case EBM_P_ENUM: {
        int found = 0;
        if (n->kind == EBM_NODE_SCALAR && p->choices) {
            size_t len = strlen(n->scalar);
            for (const char *ch = p->choices; *ch;) {
                size_t clen = strcspn(ch, "|");
                if (clen == len && strncmp(ch, n->scalar, len) == 0) found = 1;
                ch += clen;
                if (*ch == '|') ch++;
            }
        }
        if (!found)
            problem(c, n->mark, path, "expected one of %s, got %s",
                    p->choices ? p->choices : "(none)", describe(n, buf, sizeof buf));
        break;
    }
    case EBM_P_FLOATS:
        if (n->kind == EBM_NODE_SEQ) {
            for (int i = 0; i < n->n; i++) {
                join_index(item_path, path, i);
                check_number(c, p, n->values[i], 0, item_path);
            }
        } else if (n->kind == EBM_NODE_MAP) {
            problem(c, n->mark, path, "expected a number or a list of numbers%s%s, got a map",
                    p->range ? " in " : "", p->range ? p->range : "");
        } else {
            check_number(c, p, n, 0, path);
        }
        break;
    case EBM_P_TABLE:
        if (n->kind != EBM_NODE_MAP)
            problem(c, n->mark, path, "expected a map of keys, got %s",
                    describe(n, buf, sizeof buf));
        else
            check_table(c, n, p->sub, NULL, 0, path);
        break;
    case EBM_P_TABLES:
    case EBM_P_PLUGINS:
        if (n->kind != EBM_NODE_SEQ) {
            problem(c, n->mark, path, "expected a list of maps, got %s",
                    describe(n, buf, sizeof buf));
            break;
        }
        for (int i = 0; i < n->n; i++) {
            ebm_node *item = n->values[i];
            join_index(item_path, path, i);
            if (item->kind != EBM_NODE_MAP)
                problem(c, item->mark, item_path, "expected a map of keys, got %s",
                        describe(item, buf, sizeof buf));
            else if (p->type == EBM_P_TABLES)
                check_table(c, item, p->sub, NULL, 0, item_path);
            else
                check_plugin(c, item, p, item_path);
        }
        break;
    case EBM_P_PLUGIN:
        if (n->kind != EBM_NODE_MAP)
            problem(c, n->mark, path, "expected a map with a type (a %s), got %s",
                    ebm_kind_name(p->kind), describe(n, buf, sizeof buf));
        else
            check_plugin(c, n, p, path);
        break;
    case EBM_P_ANY:
        break;
    }
}

/* ------------------------------------------------------------ plugins */

static void list_names(ebm_kind kind, char *out, size_t size) {
    const ebm_plugin *pl;
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; (pl = ebm_registry_at(kind, i)) && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", pl->name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

static void check_plugin(checker *c, ebm_node *map, const ebm_param *p, const char *path) {
    char names[512], type_path[PATH_SIZE], buf[128];
    ebm_kind kind = (ebm_kind)p->kind;
    const char *kind_name = ebm_kind_name(kind);
    list_names(kind, names, sizeof names);
    join(type_path, path, "type");
    ebm_node *type = ebm_node_child(map, "type");
    if (!type || ebm_node_is_null(type)) {
        problem(c, type ? type->mark : map->mark, type_path,
                "missing: every %s names its type (one of: %s)", kind_name,
                names[0] ? names : "none registered");
        return;
    }
    if (type->kind != EBM_NODE_SCALAR) {
        problem(c, type->mark, type_path, "expected a %s name, got %s", kind_name,
                describe(type, buf, sizeof buf));
        return;
    }
    const ebm_plugin *plugin = ebm_registry_find(kind, type->scalar);
    if (!plugin) {
        nearest best = {0};
        const ebm_plugin *pl;
        for (int i = 0; (pl = ebm_registry_at(kind, i)); i++)
            consider(&best, type->scalar, pl->name);
        if (best.name)
            problem(c, type->mark, type_path,
                    "unknown %s '%.100s' (did you mean '%s'?); valid: %s", kind_name,
                    type->scalar, best.name, names);
        else
            problem(c, type->mark, type_path, "unknown %s '%.100s'; no %ss are built in",
                    kind_name, type->scalar, kind_name);
        return;
    }
    check_table(c, map, plugin->params, p->sub, 1, path);
}

/* ------------------------------------------------------------ tables */

static void mark_all(ebm_node *n, ebm_mark at) {
    n->mark = at;
    for (int i = 0; i < n->n; i++) {
        if (n->key_marks) n->key_marks[i] = at;
        mark_all(n->values[i], at);
    }
}

/* The default of p as a node marked with the map's position, or NULL. */
static ebm_node *default_node(checker *c, const ebm_param *p, ebm_mark at) {
    if (p->type == EBM_P_TABLE && !p->def) return ebm_node_new_map(at);
    if (!p->def) return NULL;
    if (p->def[0] == '[' || p->def[0] == '{') {
        ebm_error err = {0};
        ebm_node *n = ebm_cfg_parse_value(c->root, p->def, "<default>", 0, &err);
        if (n) mark_all(n, at);
        return n;
    }
    return ebm_node_new_scalar(p->def, at);
}

static const ebm_param *lookup(const ebm_param *table, const ebm_param *common,
                               const char *key) {
    const ebm_param *p = ebm_param_find(table, key);
    return p ? p : ebm_param_find(common, key);
}

static void check_table(checker *c, ebm_node *map, const ebm_param *table,
                        const ebm_param *common, int is_plugin, const char *path) {
    char key_path[PATH_SIZE];
    /* what is there, in the file's order */
    for (int i = 0; i < map->n; i++) {
        const char *key = map->keys[i];
        join(key_path, path, key);
        if (is_plugin && strcmp(key, "type") == 0) continue;
        const ebm_param *p = lookup(table, common, key);
        if (!p) {
            const char *guess = suggest_key(key, table, common);
            char valid[400];
            if (guess) {
                problem(c, map->key_marks[i], key_path, "unknown key (did you mean '%s'?)",
                        guess);
            } else {
                list_keys(table, common, is_plugin, valid, sizeof valid);
                problem(c, map->key_marks[i], key_path, "unknown key (valid here: %s)",
                        valid[0] ? valid : "none");
            }
            continue;
        }
        ebm_node *value = map->values[i];
        if (ebm_node_is_null(value) && p->type != EBM_P_ANY && p->type != EBM_P_STRING) {
            /* `key:` with nothing after it counts as absent */
            if (p->flags & EBM_PF_REQUIRED) {
                problem(c, value->mark, key_path, "a value is required here");
            } else if (p->def || (p->type == EBM_P_TABLE && !(p->flags & EBM_PF_OPTIONAL))) {
                ebm_node *def = default_node(c, p, value->mark);
                if (def) {
                    ebm_node_free(value);
                    map->values[i] = value = def;
                    if (def->kind == EBM_NODE_MAP) check_value(c, p, def, key_path);
                }
            }
            continue;
        }
        if (p->type == EBM_P_STRING && ebm_node_is_null(value) &&
            (p->flags & EBM_PF_REQUIRED)) {
            problem(c, value->mark, key_path, "a value is required here");
            continue;
        }
        check_value(c, p, value, key_path);
    }
    /* what is missing: required keys, and defaults to fill */
    const ebm_param *tables[2] = {table, common};
    for (int t = 0; t < 2; t++) {
        for (const ebm_param *p = tables[t]; p && p->name; p++) {
            if (t == 1 && ebm_param_find(table, p->name)) continue;
            if (ebm_node_child(map, p->name)) continue;
            join(key_path, path, p->name);
            if (p->flags & EBM_PF_REQUIRED) {
                problem(c, map->mark, key_path, "required but missing (%s)",
                        p->help ? p->help : p->name);
                continue;
            }
            if (p->flags & EBM_PF_OPTIONAL) continue;
            ebm_node *def = default_node(c, p, map->mark);
            if (!def) continue;
            if (ebm_node_set(map, p->name, def) != EBM_OK) {
                problem(c, map->mark, key_path, "out of memory");
                continue;
            }
            map->key_marks[map->n - 1] = map->mark;
            if (def->kind == EBM_NODE_MAP) check_value(c, p, def, key_path);
        }
    }
}

/* ------------------------------------------------------------ cross-checks */

static void check_combinations(checker *c) {
    const char *model_type = ebm_cfg_str(c->root, "model.type", NULL);
    const ebm_model_ops *mops =
        model_type ? (const ebm_model_ops *)ebm_registry_find(EBM_KIND_MODEL, model_type)
                   : NULL;
    if (!mops) return;
    ebm_model_check(mops, c->root, c->diags);
    const ebm_node *ests = ebm_node_at(c->root, "log.estimators");
    for (int i = 0; ests && ests->kind == EBM_NODE_SEQ && i < ests->n; i++) {
        const ebm_node *type = ebm_node_child(ests->values[i], "type");
        if (!type || type->kind != EBM_NODE_SCALAR) continue;
        const ebm_estimator_ops *eops =
            (const ebm_estimator_ops *)ebm_registry_find(EBM_KIND_ESTIMATOR, type->scalar);
        if (!eops) continue;
        char why[512] = "";
        if (!ebm_estimator_supports(eops, mops, why, sizeof why)) {
            char path[PATH_SIZE];
            snprintf(path, sizeof path, "log.estimators[%d].type", i);
            problem(c, type->mark, path, "estimator '%s' cannot measure model '%s'%s%s",
                    type->scalar, model_type, why[0] ? ": " : "", why);
        }
    }
}

/* Every estimator writes its metrics as <name>_<metric>, name defaulting to
 * its type: two with one name would interleave their values in one series,
 * so the second is refused. */
static void check_estimator_names(checker *c) {
    const ebm_node *ests = ebm_node_at(c->root, "log.estimators");
    for (int i = 0; ests && ests->kind == EBM_NODE_SEQ && i < ests->n; i++) {
        const char *name = ebm_cfg_str(ests->values[i], "name",
                                       ebm_cfg_str(ests->values[i], "type", NULL));
        for (int j = 0; name && j < i; j++) {
            const char *earlier = ebm_cfg_str(ests->values[j], "name",
                                              ebm_cfg_str(ests->values[j], "type", NULL));
            if (!earlier || strcmp(name, earlier) != 0) continue;
            char path[PATH_SIZE];
            snprintf(path, sizeof path, "log.estimators[%d]", i);
            problem(c, ests->values[i]->mark, path, "writes its metrics as '%s_...', as "
                    "log.estimators[%d] does, so their values would mix in one series; "
                    "give one of them its own name: (e.g. name: %s_%d)", name, j, name, i);
            break;
        }
    }
}

/* The name becomes a directory, runs/<name>/, so it must be one: not empty,
 * no '/', not "." or "..", no control characters. */
static void check_name(checker *c) {
    const ebm_node *name = ebm_node_child(c->root, "name");
    if (!name || name->kind != EBM_NODE_SCALAR || ebm_node_is_null(name)) return;
    const char *text = name->scalar, *why = NULL;
    if (!*text) why = "is empty";
    else if (strchr(text, '/')) why = "holds a '/'";
    else if (strcmp(text, ".") == 0 || strcmp(text, "..") == 0) why = "is . or ..";
    for (const char *p = text; !why && *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f) why = "holds a control character";
    if (why)
        problem(c, name->mark, "name", "the name %s; it names the run directory "
                "runs/<name>/, so use letters, digits, '-', '_' and '.'", why);
}

/* The schema takes `sweep:` as is (its keys are any key path); its
 * expressions are checked here, so `ebm validate` refuses what `ebm sweep`
 * would, at the same position. */
static void check_sweep_block(checker *c) {
    const ebm_node *block = ebm_node_child(c->root, "sweep");
    if (!block || ebm_node_is_null(block)) return;
    ebm_error err = {0};
    if (ebm_sweep_block_check(block, NULL, &err) != EBM_OK)
        ebm_diags_add(c->diags, "%s", err.msg);
}

int ebm_cfg_validate(ebm_node *root, ebm_diags *diags) {
    long before = ebm_diags_total(diags);
    checker c = {root, diags};
    if (!root || root->kind != EBM_NODE_MAP) {
        ebm_mark at = root ? root->mark : (ebm_mark){"<config>", 1, 1};
        ebm_diags_add(diags, "%s: an experiment must be a map of keys "
                      "(name: ..., model: ...)", ebm_where_of(at).text);
        return (int)(ebm_diags_total(diags) - before);
    }
    check_table(&c, root, ebm_experiment_params, NULL, 0, "");
    check_name(&c);
    check_sweep_block(&c);
    if (ebm_diags_total(diags) == before) check_combinations(&c);
    if (ebm_diags_total(diags) == before) check_estimator_names(&c);
    return (int)(ebm_diags_total(diags) - before);
}

/* ------------------------------------------------------------ tables themselves */

/* A plugin's own table, checked as the registry's contract wants it: every
 * entry has one line of help, an enum its choices, a plugin entry a real
 * kind, and every default passes the same checks a value from a file would
 * (type, range, choices, nested plugin maps). */
static void check_param_table(checker *c, const ebm_param *table, const char *path) {
    static const ebm_mark here = {"<parameter table>", 0, 0};
    char key_path[PATH_SIZE];
    for (const ebm_param *p = table; p && p->name; p++) {
        join(key_path, path, p->name);
        if (!p->help || !*p->help || strchr(p->help, '\n'))
            problem(c, here, key_path, "needs one line of help");
        if (p->type == EBM_P_ENUM && (!p->choices || !*p->choices))
            problem(c, here, key_path, "an enum without choices");
        if ((p->type == EBM_P_PLUGIN || p->type == EBM_P_PLUGINS) &&
            (p->kind < 0 || p->kind >= EBM_KIND_COUNT))
            problem(c, here, key_path, "names no plugin kind");
        if ((p->flags & (EBM_PF_REQUIRED | EBM_PF_OPTIONAL)) && p->def)
            problem(c, here, key_path, "has a default but is marked required or optional");
        if ((p->type == EBM_P_TABLE || p->type == EBM_P_TABLES) && p->sub)
            check_param_table(c, p->sub, key_path);
        if (!p->def) continue;
        ebm_node *def = default_node(c, p, here);
        if (!def) {
            problem(c, here, key_path, "its default '%s' does not parse", p->def);
            continue;
        }
        check_value(c, p, def, key_path);
        ebm_node_free(def);
    }
}

int ebm_param_table_check(const ebm_param *table, const char *path, ebm_diags *diags) {
    long before = ebm_diags_total(diags);
    ebm_node *root = ebm_node_new_map((ebm_mark){"<parameter table>", 0, 0});
    if (!root) {
        ebm_diags_add(diags, "%s: out of memory", path);
        return (int)(ebm_diags_total(diags) - before);
    }
    checker c = {root, diags};
    check_param_table(&c, table, path);
    ebm_node_free(root);
    return (int)(ebm_diags_total(diags) - before);
}
