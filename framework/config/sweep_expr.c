/* sweep_expr.c — Hydra-style sweep expressions ("k=a,b",
 * "k=range(0,1,0.1)") parsed into axes, and the test that tells a sweep value
 * from a plain one. */
#include "sweep_expr.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More values than this is a typo (a step of 1e-9), not a sweep. */
#define MAX_AXIS_VALUES 100000

static char *dup_range(const char *start, size_t n) {
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memcpy(s, start, n);
    s[n] = '\0';
    return s;
}

/* The text between start and end without surrounding blanks (malloc'd). */
char *ebm_dup_trimmed(const char *start, const char *end) {
    while (start < end && isspace((unsigned char)*start)) start++;
    while (end > start && isspace((unsigned char)end[-1])) end--;
    return dup_range(start, (size_t)(end - start));
}

/* The array doubles whenever n reaches a power of two (the axis has no
 * capacity field), so a long range costs no quadratic copying. */
int ebm_sweep_axis_push(ebm_sweep_axis *axis, char *value) {
    if (!value) return -1;
    int n = axis->n;
    if (n == 0 || (n & (n - 1)) == 0) {
        size_t cap = n ? 2 * (size_t)n : 1;
        char **grown = realloc(axis->values, cap * sizeof *grown);
        if (!grown) {
            free(value);
            return -1;
        }
        axis->values = grown;
    }
    axis->values[axis->n++] = value;
    return 0;
}

/* Splits text on commas that are outside brackets, braces, parentheses and
 * quotes, so "[1,2],[3,4]" is two values. Empty pieces are an error. */
static int split_top_level(const char *expr, const char *text,
                           ebm_sweep_axis *axis, ebm_error *err) {
    int depth = 0;
    char quote = 0;
    const char *piece = text;
    for (const char *p = text;; p++) {
        char c = *p;
        if (c && quote) {
            if (c == '\\' && quote == '"' && p[1]) p++;
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') quote = c;
        else if (c == '[' || c == '{' || c == '(') depth++;
        else if ((c == ']' || c == '}' || c == ')') && depth > 0) depth--;
        else if ((c == ',' && depth == 0) || c == '\0') {
            char *value = ebm_dup_trimmed(piece, p);
            if (value && !*value) {
                free(value);
                return ebm_fail(err, EBM_ECONFIG,
                                "sweep '%s': empty value (value %d)", expr,
                                axis->n + 1);
            }
            if (ebm_sweep_axis_push(axis, value))
                return ebm_fail(err, EBM_ENOMEM, "out of memory");
            piece = p + 1;
        }
        if (!c) break;
    }
    if (quote)
        return ebm_fail(err, EBM_ECONFIG, "sweep '%s': unterminated quote", expr);
    return EBM_OK;
}

static int parse_number(const char *text, double *out) {
    char *end;
    while (isspace((unsigned char)*text)) text++;
    if (!*text) return -1;
    double v = strtod(text, &end);
    while (isspace((unsigned char)*end)) end++;
    if (*end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int is_integral(double v) {
    return v == floor(v) && fabs(v) < 9e15;
}

/* range(start, stop[, step]) as Hydra reads it: stop excluded, floats
 * allowed. Values are start + i*step (no accumulated rounding); a value within
 * 1e-9 steps of stop counts as stop, so range(0.05,0.26,0.01) ends at 0.25. */
static int expand_range(const char *expr, const char *inner,
                        ebm_sweep_axis *axis, ebm_error *err) {
    ebm_sweep_axis parts = {0};
    if (inner[strspn(inner, " \t")] == '\0')
        return ebm_fail(err, EBM_ECONFIG,
                        "sweep '%s': range takes (start, stop[, step]), got no "
                        "arguments", expr);
    int rc = split_top_level(expr, inner, &parts, err);
    if (rc) {
        ebm_sweep_axis_free(&parts);
        return rc;
    }
    double arg[3] = {0, 0, 1};
    if (parts.n < 2 || parts.n > 3) {
        int n = parts.n;
        ebm_sweep_axis_free(&parts);
        return ebm_fail(err, EBM_ECONFIG,
                        "sweep '%s': range takes (start, stop[, step]), got %d "
                        "argument(s)", expr, n);
    }
    for (int i = 0; i < parts.n; i++) {
        if (parse_number(parts.values[i], &arg[i])) {
            rc = ebm_fail(err, EBM_ECONFIG,
                          "sweep '%s': range argument '%s' is not a number",
                          expr, parts.values[i]);
            ebm_sweep_axis_free(&parts);
            return rc;
        }
    }
    ebm_sweep_axis_free(&parts);
    double start = arg[0], stop = arg[1], step = arg[2];
    if (step == 0)
        return ebm_fail(err, EBM_ECONFIG, "sweep '%s': range step is zero", expr);
    int integral = is_integral(start) && is_integral(stop) && is_integral(step);
    double slack = 1e-9 * fabs(step);
    /* refused before expanding, so range(0,1e9) costs nothing */
    if ((stop - start) / step > MAX_AXIS_VALUES + 1.0)
        return ebm_fail(err, EBM_ECONFIG, "sweep '%s': more than %d values", expr,
                        MAX_AXIS_VALUES);
    for (long i = 0;; i++) {
        double v = start + (double)i * step;
        if (step > 0 ? !(v < stop - slack) : !(v > stop + slack)) break;
        if (axis->n >= MAX_AXIS_VALUES)
            return ebm_fail(err, EBM_ECONFIG,
                            "sweep '%s': more than %d values", expr,
                            MAX_AXIS_VALUES);
        if (v == 0) v = 0;   /* no "-0" */
        char text[64];
        if (integral) snprintf(text, sizeof text, "%lld", (long long)llround(v));
        else snprintf(text, sizeof text, "%.10g", v);
        if (ebm_sweep_axis_push(axis, strdup(text)))
            return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    if (axis->n == 0)
        return ebm_fail(err, EBM_ECONFIG, "sweep '%s': the range is empty", expr);
    return EBM_OK;
}

/* The offset of the ')' that closes "range(" at the start of value, or 0
 * when the parentheses never balance. */
static size_t range_close(const char *value, size_t len) {
    int depth = 0;
    for (size_t i = 5; i < len; i++) {
        if (value[i] == '(') depth++;
        else if (value[i] == ')' && --depth == 0) return i;
    }
    return 0;
}

int ebm_sweep_parse_axis(const char *expr, ebm_sweep_axis *axis,
                         ebm_error *err) {
    memset(axis, 0, sizeof *axis);
    const char *eq = strchr(expr, '=');
    if (!eq)
        return ebm_fail(err, EBM_ECONFIG,
                        "sweep '%s': expected key=values", expr);
    axis->key = ebm_dup_trimmed(expr, eq);
    if (!axis->key) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    int rc;
    if (!*axis->key) {
        rc = ebm_fail(err, EBM_ECONFIG, "sweep '%s': empty key", expr);
        goto fail;
    }
    const char *value = eq + 1;
    while (isspace((unsigned char)*value)) value++;
    size_t len = strlen(value);
    while (len && isspace((unsigned char)value[len - 1])) len--;
    if (len == 0) {
        rc = ebm_fail(err, EBM_ECONFIG, "sweep '%s': no values", expr);
        goto fail;
    }
    if (strncmp(value, "range(", 6) == 0) {
        size_t close = range_close(value, len);
        if (close == 0) {
            rc = ebm_fail(err, EBM_ECONFIG,
                          "sweep '%s': unbalanced parenthesis: range( is not closed; "
                          "range(start, stop[, step]) expected", expr);
            goto fail;
        }
        if (close != len - 1) {
            rc = ebm_fail(err, EBM_ECONFIG,
                          "sweep '%s': text after range(...): '%.*s'; "
                          "range(start, stop[, step]) expected", expr,
                          (int)(len - close - 1), value + close + 1);
            goto fail;
        }
        char *inner = dup_range(value + 6, len - 7);
        if (!inner) {
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            goto fail;
        }
        rc = expand_range(expr, inner, axis, err);
        free(inner);
    } else {
        char *text = dup_range(value, len);
        if (!text) {
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            goto fail;
        }
        rc = split_top_level(expr, text, axis, err);
        free(text);
    }
    if (rc) goto fail;
    return EBM_OK;
fail:
    ebm_sweep_axis_free(axis);
    return rc;
}

void ebm_sweep_axis_free(ebm_sweep_axis *axis) {
    if (!axis) return;
    for (int i = 0; i < axis->n; i++) free(axis->values[i]);
    free(axis->values);
    free(axis->key);
    memset(axis, 0, sizeof *axis);
}

int ebm_is_sweep_value(const char *value) {
    if (!value) return 0;
    while (*value == ' ') value++;
    /* even unclosed: a sweep that `ebm sweep` reports as such, not a string */
    if (strncmp(value, "range(", 6) == 0) return 1;
    int depth = 0;
    char quote = 0;
    for (const char *p = value; *p; p++) {
        if (quote) {
            if (*p == '\\' && quote == '"' && p[1]) p++;
            else if (*p == quote) quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '[' || *p == '{' || *p == '(') {
            depth++;
        } else if ((*p == ']' || *p == '}' || *p == ')') && depth > 0) {
            depth--;
        } else if (*p == ',' && depth == 0) {
            return 1;
        }
    }
    return 0;
}
