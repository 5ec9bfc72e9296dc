/* sweep_grid.c — the axes of a file's `sweep:` block and of a command line
 * (sweep_expr.h) turned into the grid of points with their overrides and
 * directory names. */
#include "sweep_grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More values than this is a typo (a step of 1e-9), not a sweep. */
#define MAX_GRID_POINTS 100000

/* ---- the grid ---- */

static int find_axis(const ebm_sweep_grid *grid, const char *key) {
    for (int i = 0; i < grid->n_axes; i++)
        if (strcmp(grid->axes[i].key, key) == 0) return i;
    return -1;
}

/* Adds axis (taking it) or, if its key is already an axis, replaces that one
 * in place so the key keeps its position in the grid. */
static int put_axis(ebm_sweep_grid *grid, ebm_sweep_axis *axis) {
    int at = find_axis(grid, axis->key);
    if (at >= 0) {
        ebm_sweep_axis_free(&grid->axes[at]);
        grid->axes[at] = *axis;
        memset(axis, 0, sizeof *axis);
        return 0;
    }
    ebm_sweep_axis *grown =
        realloc(grid->axes, (size_t)(grid->n_axes + 1) * sizeof *grown);
    if (!grown) return -1;
    grid->axes = grown;
    grid->axes[grid->n_axes++] = *axis;
    memset(axis, 0, sizeof *axis);
    return 0;
}

/* One entry of a `sweep:` block: a scalar expression or a YAML list. */
static int file_axis(const char *key, const ebm_node *value,
                     ebm_sweep_axis *axis, ebm_error *err) {
    memset(axis, 0, sizeof *axis);
    if (value->kind == EBM_NODE_SCALAR) {
        size_t n = strlen(key) + strlen(value->scalar) + 2;
        char *expr = malloc(n);
        if (!expr) return ebm_fail(err, EBM_ENOMEM, "out of memory");
        snprintf(expr, n, "%s=%s", key, value->scalar);
        int rc = ebm_sweep_parse_axis(expr, axis, err);
        free(expr);
        if (rc)
            ebm_error_prefix(err, "%s: sweep.%s", ebm_where_of(value->mark).text, key);
        return rc;
    }
    if (value->kind == EBM_NODE_SEQ && value->n > 0) {
        axis->key = strdup(key);
        if (!axis->key) return ebm_fail(err, EBM_ENOMEM, "out of memory");
        for (int i = 0; i < value->n; i++) {
            const ebm_node *item = value->values[i];
            if (item->kind == EBM_NODE_SCALAR ? !*item->scalar : item->n == 0) {
                ebm_sweep_axis_free(axis);
                return ebm_fail(err, EBM_ECONFIG,
                                "%s: sweep.%s: item %d must be a non-empty scalar or map",
                                ebm_where_of(item->mark).text, key, i + 1);
            }
            /* A map item (a whole sampler, say) becomes its flow text, which
             * an override parses back into the same map. */
            char *text = item->kind == EBM_NODE_SCALAR ? strdup(item->scalar)
                                                       : ebm_cfg_to_flow(item);
            if (ebm_sweep_axis_push(axis, text)) {
                ebm_sweep_axis_free(axis);
                return ebm_fail(err, EBM_ENOMEM, "out of memory");
            }
        }
        return EBM_OK;
    }
    return ebm_fail(err, EBM_ECONFIG,
                    "%s: sweep.%s: expected values \"a,b,c\", "
                    "\"range(start,stop[,step])\" or a non-empty list",
                    ebm_where_of(value->mark).text, key);
}

static int add_file_axes(ebm_sweep_grid *grid, const ebm_node *block,
                         ebm_error *err) {
    if (!block) return EBM_OK;
    if (block->kind != EBM_NODE_MAP)
        return ebm_fail(err, EBM_ECONFIG, "%s: sweep: expected a map of key: values",
                        ebm_where_of(block->mark).text);
    for (int i = 0; i < block->n; i++) {
        ebm_sweep_axis axis;
        int rc = file_axis(block->keys[i], block->values[i], &axis, err);
        if (rc) return rc;
        if (put_axis(grid, &axis)) {
            ebm_sweep_axis_free(&axis);
            return ebm_fail(err, EBM_ENOMEM, "out of memory");
        }
    }
    return EBM_OK;
}

static int add_arg_at(ebm_sweep_grid *grid, const char *arg, ebm_error *err);

/* The key an argument sets ("a.b" of "a.b=1,2"), or NULL for +/~ and for
 * text without '='; malloc'd. */
static char *set_key(const char *arg) {
    const char *eq = strchr(arg, '=');
    if (!eq || arg[0] == '+' || arg[0] == '~') return NULL;
    return ebm_dup_trimmed(arg, eq);
}

/* Two arguments that set one key leave the grid ambiguous (which one is the
 * axis?), so the later one is refused with both positions. */
static int check_repeated(char *const *args, int index, ebm_error *err) {
    char *key = set_key(args[index]);
    int rc = EBM_OK;
    for (int j = 0; key && *key && j < index && !rc; j++) {
        char *other = set_key(args[j]);
        if (other && strcmp(other, key) == 0)
            rc = ebm_fail(err, EBM_ECONFIG,
                          "<override %d>:1:1: %s: set twice on the command line "
                          "(also by <override %d>, '%s'); give one expression with "
                          "every value", index + 1, key, j + 1, args[j]);
        free(other);
    }
    free(key);
    return rc;
}

/* Adds command-line argument number `index` (0-based); a bad sweep expression
 * is reported at "<override N>:1:C", C the column where its values start. */
static int add_arg(ebm_sweep_grid *grid, char *const *args, int index,
                   ebm_error *err) {
    const char *arg = args[index];
    int rc = check_repeated(args, index, err);
    if (rc) return rc;
    rc = add_arg_at(grid, arg, err);
    if (rc && rc != EBM_ENOMEM) {
        const char *eq = strchr(arg, '=');
        ebm_error_prefix(err, "<override %d>:1:%d", index + 1,
                         eq ? (int)(eq - arg) + 2 : 1);
    }
    return rc;
}

static int add_arg_at(ebm_sweep_grid *grid, const char *arg, ebm_error *err) {
    const char *eq = strchr(arg, '=');
    int is_axis = 0;
    if (eq && ebm_is_sweep_value(eq + 1)) {
        is_axis = 1;
    } else if (eq && arg[0] != '~' && arg[0] != '+') {
        /* A plain key=value for a key the file sweeps pins that key. */
        char *key = ebm_dup_trimmed(arg, eq);
        if (!key) return ebm_fail(err, EBM_ENOMEM, "out of memory");
        is_axis = find_axis(grid, key) >= 0;
        free(key);
    }
    if (is_axis) {
        ebm_sweep_axis axis;
        int rc = ebm_sweep_parse_axis(arg, &axis, err);
        if (rc) return rc;
        if (put_axis(grid, &axis)) {
            ebm_sweep_axis_free(&axis);
            return ebm_fail(err, EBM_ENOMEM, "out of memory");
        }
        return EBM_OK;
    }
    char **grown = realloc(grid->plain, (size_t)(grid->n_plain + 1) * sizeof *grown);
    if (!grown) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    grid->plain = grown;
    grid->plain[grid->n_plain] = strdup(arg);
    if (!grid->plain[grid->n_plain]) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    grid->n_plain++;
    return EBM_OK;
}

char *ebm_sweep_point_name(int index, int n_points) {
    int width = 3;
    for (int top = n_points - 1; top >= 1000 && width < 10; top /= 10) width++;
    char *name = malloc(32);
    if (name) snprintf(name, 32, "%0*d", width & 15, index);
    return name;
}

/* The number of points of the grid's axes, or an error past the limit. */
static int count_points(const ebm_sweep_grid *grid, long *total, ebm_error *err) {
    *total = 1;
    for (int a = 0; a < grid->n_axes; a++) {
        *total *= grid->axes[a].n;
        if (*total > MAX_GRID_POINTS)
            return ebm_fail(err, EBM_ECONFIG,
                            "the sweep has more than %d points", MAX_GRID_POINTS);
    }
    return EBM_OK;
}

static int make_points(ebm_sweep_grid *grid, ebm_error *err) {
    long total;
    int rc = count_points(grid, &total, err);
    if (rc) return rc;
    grid->points = calloc((size_t)total, sizeof *grid->points);
    if (!grid->points) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    grid->n_points = (int)total;
    for (int i = 0; i < grid->n_points; i++) {
        ebm_sweep_point *pt = &grid->points[i];
        int n_axes = grid->n_axes;
        pt->index = calloc((size_t)(n_axes ? n_axes : 1), sizeof *pt->index);
        pt->overrides = calloc((size_t)(n_axes ? n_axes : 1), sizeof *pt->overrides);
        if (!pt->index || !pt->overrides)
            return ebm_fail(err, EBM_ENOMEM, "out of memory");
        int rest = i;   /* mixed-radix digits, the last axis fastest */
        for (int a = n_axes - 1; a >= 0; a--) {
            pt->index[a] = rest % grid->axes[a].n;
            rest /= grid->axes[a].n;
        }
        for (int a = 0; a < n_axes; a++) {
            const char *key = grid->axes[a].key;
            const char *value = grid->axes[a].values[pt->index[a]];
            size_t n = strlen(key) + strlen(value) + 2;
            pt->overrides[a] = malloc(n);
            if (!pt->overrides[a]) return ebm_fail(err, EBM_ENOMEM, "out of memory");
            snprintf(pt->overrides[a], n, "%s=%s", key, value);
        }
        pt->name = ebm_sweep_point_name(i, grid->n_points);
        if (!pt->name) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    return EBM_OK;
}

int ebm_sweep_block_check(const ebm_node *sweep_block, int *n_points, ebm_error *err) {
    ebm_sweep_grid grid;
    long total = 0;
    memset(&grid, 0, sizeof grid);
    int rc = add_file_axes(&grid, sweep_block, err);
    if (!rc && (rc = count_points(&grid, &total, err)) != EBM_OK)
        ebm_error_prefix(err, "%s: sweep", ebm_where_of(sweep_block->mark).text);
    ebm_sweep_grid_free(&grid);
    if (n_points) *n_points = rc ? 0 : (int)total;
    return rc;
}

int ebm_sweep_block_points(const char *experiment, char *const *overrides,
                           int n_overrides) {
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(experiment, NULL, 0, &diags);
    ebm_diags_free(&diags);
    const ebm_node *block = root ? ebm_node_child(root, "sweep") : NULL;
    int n_points = 0, pinned = 0;
    if (block && block->kind == EBM_NODE_MAP && block->n > 0 &&
        ebm_sweep_block_check(block, &n_points, NULL) == EBM_OK) {
        for (int i = 0; i < block->n; i++) {
            int set = 0;
            for (int j = 0; j < n_overrides && !set; j++) {
                char *key = set_key(overrides[j]);
                set = key && strcmp(key, block->keys[i]) == 0;
                free(key);
            }
            pinned += set;
        }
        if (pinned == block->n) n_points = 0;
    } else {
        n_points = 0;
    }
    ebm_node_free(root);
    return n_points;
}

int ebm_sweep_grid_build(const ebm_node *sweep_block, char *const *args,
                         int n_args, ebm_sweep_grid *grid, ebm_error *err) {
    memset(grid, 0, sizeof *grid);
    int rc = add_file_axes(grid, sweep_block, err);
    for (int i = 0; !rc && i < n_args; i++) rc = add_arg(grid, args, i, err);
    if (!rc) rc = make_points(grid, err);
    if (rc) ebm_sweep_grid_free(grid);
    return rc;
}

void ebm_sweep_grid_free(ebm_sweep_grid *grid) {
    if (!grid) return;
    for (int a = 0; a < grid->n_axes; a++) ebm_sweep_axis_free(&grid->axes[a]);
    free(grid->axes);
    for (int i = 0; i < grid->n_plain; i++) free(grid->plain[i]);
    free(grid->plain);
    for (int p = 0; p < grid->n_points; p++) {
        ebm_sweep_point *pt = &grid->points[p];
        if (pt->overrides)
            for (int a = 0; a < grid->n_axes; a++) free(pt->overrides[a]);
        free(pt->overrides);
        free(pt->index);
        free(pt->name);
    }
    free(grid->points);
    memset(grid, 0, sizeof *grid);
}
