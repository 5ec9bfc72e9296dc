/* scalar.c — turning scalar text into typed values: the conversions the
 * loader, the validator and the getters share, and the typed getters every
 * plugin reads its parameters with. */
#include "cfg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_internal.h"

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
