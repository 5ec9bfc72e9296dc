/* summary.c — building a sweep's summary table from its points' run files and
 * writing it as CSV and HDF5 (and reading the CSV back for plot/reproduce). */
#include "summary.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claim.h"
#include "csv.h"
#include "proc.h"
#include "runfile.h"

void ebm_summary_free(ebm_summary *s) {
    if (!s) return;
    for (int p = 0; p < s->n_points; p++) {
        if (s->points) free(s->points[p]);
        if (s->status) free(s->status[p]);
        if (s->params)
            for (int k = 0; k < s->n_keys; k++) free(s->params[(size_t)p * s->n_keys + k]);
    }
    for (int k = 0; k < s->n_keys; k++) free(s->keys[k]);
    for (int m = 0; m < s->n_metrics; m++) free(s->metrics[m]);
    free(s->points);
    free(s->status);
    free(s->params);
    free(s->keys);
    free(s->metrics);
    free(s->final);
    memset(s, 0, sizeof *s);
}

int ebm_summary_key(const ebm_summary *s, const char *key) {
    for (int k = 0; k < s->n_keys; k++)
        if (strcmp(s->keys[k], key) == 0) return k;
    return -1;
}

ebm_key_kind ebm_summary_key_kind(const ebm_summary *s, int k) {
    ebm_key_kind kind = s->n_points > 0 ? EBM_KEY_INT : EBM_KEY_TEXT;
    for (int p = 0; p < s->n_points && kind != EBM_KEY_TEXT; p++) {
        const char *text = s->params[(size_t)p * s->n_keys + k];
        double value;
        if (!ebm_csv_number(text, &value) || !isfinite(value)) return EBM_KEY_TEXT;
        /* an integer is written as one: digits after an optional sign */
        const char *c = text + (*text == '-' || *text == '+');
        while (*c >= '0' && *c <= '9') c++;
        if (*c || fabs(value) > 9007199254740992.0) kind = EBM_KEY_NUMBER;
    }
    return kind;
}

int ebm_summary_metric(const ebm_summary *s, const char *name) {
    for (int m = 0; m < s->n_metrics; m++)
        if (strcmp(s->metrics[m], name) == 0) return m;
    return -1;
}

int ebm_summary_set_status(ebm_summary *s, int point, const char *status) {
    char *copy = strdup(status);
    if (!copy) return EBM_ENOMEM;
    free(s->status[point]);
    s->status[point] = copy;
    return EBM_OK;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds name to the sorted set names[0..*n) unless it is there. */
static int add_name(char ***names, int *n, const char *name) {
    for (int i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0) return 0;
    char **grown = realloc(*names, (size_t)(*n + 1) * sizeof *grown);
    if (!grown) return -1;
    *names = grown;
    if (!(grown[*n] = strdup(name))) return -1;
    (*n)++;
    qsort(*names, (size_t)*n, sizeof **names, cmp_str);
    return 0;
}

static int alloc_table(ebm_summary *s, int n_points, int n_keys) {
    size_t np = (size_t)(n_points ? n_points : 1);
    s->points = calloc(np, sizeof *s->points);
    s->status = calloc(np, sizeof *s->status);
    s->params = calloc(np * (size_t)(n_keys ? n_keys : 1), sizeof *s->params);
    s->keys = calloc((size_t)(n_keys ? n_keys : 1), sizeof *s->keys);
    if (!s->points || !s->status || !s->params || !s->keys) return -1;
    s->n_points = n_points;
    s->n_keys = n_keys;
    return 0;
}

int ebm_summary_collect(const char *dir, int n_points, char *const *points,
                        int n_keys, char *const *keys, char *const *params,
                        ebm_summary *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    ebm_runinfo *infos = calloc((size_t)(n_points ? n_points : 1), sizeof *infos);
    int *readable = calloc((size_t)(n_points ? n_points : 1), sizeof *readable);
    int rc = EBM_OK;
    if (!infos || !readable || alloc_table(out, n_points, n_keys)) {
        rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
        goto done;
    }
    for (int k = 0; k < n_keys; k++)
        if (!(out->keys[k] = strdup(keys[k]))) rc = EBM_ENOMEM;
    for (int p = 0; p < n_points && !rc; p++) {
        if (!(out->points[p] = strdup(points[p]))) rc = EBM_ENOMEM;
        for (int k = 0; k < n_keys && !rc; k++) {
            size_t at = (size_t)p * n_keys + k;
            if (!(out->params[at] = strdup(params[at]))) rc = EBM_ENOMEM;
        }
        size_t n = strlen(dir) + strlen(points[p]) + 16;
        char *path = malloc(n);
        if (!path) {
            rc = EBM_ENOMEM;
            break;
        }
        snprintf(path, n, "%s/%s/run.h5", dir, points[p]);
        ebm_error ignored;   /* an unreadable point is a failed point */
        readable[p] = ebm_proc_is_file(path) &&
                      ebm_runfile_read(path, &infos[p], &ignored) == EBM_OK;
        free(path);
        const char *status = readable[p] && infos[p].status[0]
                                 ? infos[p].status : "failed";
        if (!(out->status[p] = strdup(status))) rc = EBM_ENOMEM;
        for (int m = 0; readable[p] && m < infos[p].n_metrics && !rc; m++)
            if (add_name(&out->metrics, &out->n_metrics, infos[p].metrics[m].name))
                rc = EBM_ENOMEM;
    }
    if (rc) {
        rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
        goto done;
    }
    out->final = malloc((size_t)(n_points ? n_points : 1) *
                        (size_t)(out->n_metrics ? out->n_metrics : 1) *
                        sizeof *out->final);
    if (!out->final) {
        rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
        goto done;
    }
    for (int p = 0; p < n_points; p++) {
        for (int m = 0; m < out->n_metrics; m++) {
            const ebm_series *series =
                readable[p] ? ebm_runinfo_metric(&infos[p], out->metrics[m]) : NULL;
            out->final[(size_t)p * out->n_metrics + m] =
                series && series->n ? series->value[series->n - 1] : NAN;
        }
    }
done:
    for (int p = 0; infos && readable && p < n_points; p++)
        if (readable[p]) ebm_runinfo_free(&infos[p]);
    free(infos);
    free(readable);
    if (rc) ebm_summary_free(out);
    return rc;
}

/* ---- CSV ---- */

static void csv_field(FILE *f, const char *text) {
    if (!strpbrk(text, ",\"\n\r")) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *c = text; *c; c++) {
        if (*c == '"') fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

/* Ten significant digits, the precision a metric carries (a mean of float32
 * computations), so 0.95 is not shown as 0.95000000000000007; summary.h5
 * keeps every bit. */
static void csv_number(FILE *f, double v) {
    if (isinf(v)) {
        fputs(v > 0 ? "inf" : "-inf", f);
        return;
    }
    fprintf(f, "%.10g", v);
}

int ebm_summary_write_csv(const ebm_summary *s, const char *path, ebm_error *err) {
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp", path);
    int fd = ebm_claim_create(tmp, err);   /* never through a planted symlink */
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        int rc = fd < 0 ? err->code : ebm_fail(err, EBM_EIO, "%s: cannot open: %s", tmp,
                                                strerror(errno));
        if (fd >= 0) close(fd);
        free(tmp);
        return rc;
    }
    fputs("point", f);
    for (int k = 0; k < s->n_keys; k++) {
        fputc(',', f);
        csv_field(f, s->keys[k]);
    }
    fputs(",status", f);
    for (int m = 0; m < s->n_metrics; m++) {
        fputc(',', f);
        csv_field(f, s->metrics[m]);
    }
    fputc('\n', f);
    for (int p = 0; p < s->n_points; p++) {
        csv_field(f, s->points[p]);
        for (int k = 0; k < s->n_keys; k++) {
            fputc(',', f);
            csv_field(f, s->params[(size_t)p * s->n_keys + k]);
        }
        fputc(',', f);
        csv_field(f, s->status[p]);
        for (int m = 0; m < s->n_metrics; m++) {
            fputc(',', f);
            double v = s->final[(size_t)p * s->n_metrics + m];
            /* Empty where the point has no value (not logged, or NaN). */
            if (!isnan(v)) csv_number(f, v);
        }
        fputc('\n', f);
    }
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || ebm_claim_rename(tmp, path, NULL) != 0) {
        int rc = ebm_fail(err, EBM_EIO, "%s: cannot write: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return EBM_OK;
}

static void free_fields(char **fields, int n) {
    for (int i = 0; i < n; i++) free(fields[i]);
    free(fields);
}

/* One CSV record starting at *pos: fields (malloc'd) into *fields. Returns
 * the field count, 0 at the end of the text, -1 on a malformed record. */
static int csv_record(const char **pos, char ***fields) {
    const char *p = *pos;
    *fields = NULL;
    if (!*p) return 0;
    int n = 0;
    for (;;) {
        size_t cap = 32, len = 0;
        char *field = malloc(cap);
        if (!field) {
            free_fields(*fields, n);
            *fields = NULL;
            return -1;
        }
        int quoted = *p == '"';
        if (quoted) p++;
        for (;;) {
            char c = *p;
            if (quoted) {
                if (!c) {   /* an unterminated quote */
                    free(field);
                    free_fields(*fields, n);
                    *fields = NULL;
                    return -1;
                }
                if (c == '"' && p[1] == '"') p++;
                else if (c == '"') {
                    quoted = 0;
                    p++;
                    continue;
                }
            } else if (!c || c == ',' || c == '\n' || c == '\r') {
                break;
            }
            if (len + 2 > cap) {
                char *grown = realloc(field, cap *= 2);
                if (!grown) {
                    free(field);
                    free_fields(*fields, n);
                    *fields = NULL;
                    return -1;
                }
                field = grown;
            }
            field[len++] = c;
            p++;
        }
        field[len] = '\0';
        char **grown = realloc(*fields, (size_t)(n + 1) * sizeof *grown);
        if (!grown) {
            free(field);
            free_fields(*fields, n);
            *fields = NULL;
            return -1;
        }
        *fields = grown;
        (*fields)[n++] = field;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\r') p++;
        if (*p == '\n') p++;
        break;
    }
    *pos = p;
    return n;
}

static int csv_double(const char *text, double *out) {
    char *end;
    if (!*text) {
        *out = NAN;
        return 0;
    }
    *out = strtod(text, &end);
    return *end ? -1 : 0;
}

int ebm_summary_read_csv(const char *path, ebm_summary *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    char *text = ebm_proc_read_file(path, NULL, err);
    if (!text) return err ? err->code : EBM_EIO;
    const char *pos = text;
    char **header;
    int n_cols = csv_record(&pos, &header), rc = EBM_OK;
    int status_col = -1;
    for (int c = 1; c < n_cols; c++)
        if (strcmp(header[c], "status") == 0) {
            status_col = c;
            break;
        }
    if (n_cols < 2 || strcmp(header[0], "point") != 0 || status_col < 0) {
        if (n_cols > 0) free_fields(header, n_cols);
        free(text);
        return ebm_fail(err, EBM_EDATA,
                        "%s: not a sweep summary (expected a header "
                        "\"point,<keys>,status,<metrics>\")", path);
    }
    int n_keys = status_col - 1, n_metrics = n_cols - status_col - 1;
    out->keys = calloc((size_t)(n_keys ? n_keys : 1), sizeof *out->keys);
    out->metrics = calloc((size_t)(n_metrics ? n_metrics : 1), sizeof *out->metrics);
    if (!out->keys || !out->metrics) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int k = 0; !rc && k < n_keys; k++, out->n_keys++)
        out->keys[k] = strdup(header[1 + k]);
    for (int m = 0; !rc && m < n_metrics; m++, out->n_metrics++)
        out->metrics[m] = strdup(header[status_col + 1 + m]);
    free_fields(header, n_cols);
    for (int line = 2; !rc; line++) {
        char **fields;
        int n = csv_record(&pos, &fields);
        if (n == 0) break;
        if (n == 1 && !fields[0][0]) {   /* a blank line */
            free_fields(fields, n);
            continue;
        }
        if (n < 0) {
            rc = ebm_fail(err, EBM_EDATA, "%s:%d: malformed CSV record", path, line);
            break;
        }
        if (n != n_cols) {
            free_fields(fields, n);
            rc = ebm_fail(err, EBM_EDATA, "%s:%d: expected %d fields, found %d",
                          path, line, n_cols, n);
            break;
        }
        int p = out->n_points;
        char **points = realloc(out->points, (size_t)(p + 1) * sizeof *points);
        if (points) out->points = points;
        char **status = realloc(out->status, (size_t)(p + 1) * sizeof *status);
        if (status) out->status = status;
        char **params = realloc(out->params,
                                (size_t)(p + 1) * (size_t)(n_keys ? n_keys : 1) *
                                    sizeof *params);
        if (params) out->params = params;
        double *final = realloc(out->final, (size_t)(p + 1) *
                                                (size_t)(n_metrics ? n_metrics : 1) *
                                                sizeof *final);
        if (final) out->final = final;
        if (!points || !status || !params || !final) {
            free_fields(fields, n);
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            break;
        }
        /* The row takes the field strings it keeps. */
        out->points[p] = fields[0];
        for (int k = 0; k < n_keys; k++)
            out->params[(size_t)p * n_keys + k] = fields[1 + k];
        out->status[p] = fields[status_col];
        out->n_points++;
        for (int m = 0; m < n_metrics; m++) {
            char *cell = fields[status_col + 1 + m];
            if (!rc && csv_double(cell, &out->final[(size_t)p * n_metrics + m]))
                rc = ebm_fail(err, EBM_EDATA, "%s:%d: '%s' is not a number",
                              path, line, cell);
            free(cell);
        }
        free(fields);
    }
    free(text);
    if (rc) ebm_summary_free(out);
    return rc;
}

/* ---- HDF5 ---- */

static int write_strings(hid_t loc, const char *name, char *const *values,
                         int n) {
    hsize_t dims[1] = {(hsize_t)n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t set = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT);
    int rc = set < 0 || (n > 0 && H5Dwrite(set, type, H5S_ALL, H5S_ALL,
                                           H5P_DEFAULT, values) < 0);
    if (set >= 0) H5Dclose(set);
    H5Tclose(type);
    H5Sclose(space);
    return rc ? -1 : 0;
}

/* n numbers as float64, or as int64 when `integers` (every one integral). */
static int write_numbers(hid_t loc, const char *name, const double *values,
                         int n, int integers) {
    hsize_t dims[1] = {(hsize_t)n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t set = H5Dcreate2(loc, name, integers ? H5T_STD_I64LE : H5T_IEEE_F64LE, space,
                           H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    /* HDF5 converts the doubles to int64 as it writes */
    int rc = set < 0 || (n > 0 && H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL,
                                           H5S_ALL, H5P_DEFAULT, values) < 0);
    if (set >= 0) H5Dclose(set);
    H5Sclose(space);
    return rc ? -1 : 0;
}

/* A swept key's column: numbers when every point's value is one. */
static int write_param(hid_t loc, const ebm_summary *s, int k, char **column,
                       double *numbers) {
    int np = s->n_points;
    for (int p = 0; p < np; p++) column[p] = s->params[(size_t)p * s->n_keys + k];
    ebm_key_kind kind = ebm_summary_key_kind(s, k);
    if (kind == EBM_KEY_TEXT) return write_strings(loc, s->keys[k], column, np);
    for (int p = 0; p < np; p++) ebm_csv_number(column[p], &numbers[p]);
    return write_numbers(loc, s->keys[k], numbers, np, kind == EBM_KEY_INT);
}

int ebm_summary_write_h5(const ebm_summary *s, const char *path, ebm_error *err) {
    /* HDF5 would print its error stack; the library reports through err. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int np = s->n_points;
    char **column = malloc((size_t)(np ? np : 1) * sizeof *column);
    double *numbers = malloc((size_t)(np ? np : 1) * sizeof *numbers);
    if (!column || !numbers) {
        free(column);
        free(numbers);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    unlink(path);   /* created anew, never through a planted symlink */
    hid_t file = H5Fcreate(path, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    int bad = file < 0;
    if (!bad) {
        bad |= write_strings(file, "points", s->points, np);
        bad |= write_strings(file, "status", s->status, np);
        bad |= write_strings(file, "keys", s->keys, s->n_keys);
        hid_t params = H5Gcreate2(file, "params", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        hid_t metrics = H5Gcreate2(file, "metrics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        bad |= params < 0 || metrics < 0;
        for (int k = 0; !bad && k < s->n_keys; k++)
            bad |= write_param(params, s, k, column, numbers);
        for (int m = 0; !bad && m < s->n_metrics; m++) {
            for (int p = 0; p < np; p++) numbers[p] = s->final[(size_t)p * s->n_metrics + m];
            bad |= write_numbers(metrics, s->metrics[m], numbers, np, 0);
        }
        if (params >= 0) H5Gclose(params);
        if (metrics >= 0) H5Gclose(metrics);
        bad |= H5Fclose(file) < 0;
    }
    free(column);
    free(numbers);
    if (bad) return ebm_fail(err, EBM_EIO, "%s: cannot write the summary", path);
    return EBM_OK;
}
