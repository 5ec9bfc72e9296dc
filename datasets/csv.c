/* csv.c — the csv dataset plugin: a table of numbers, one row per line,
 * with an optional header, an optional label column, binarisation and an
 * image shape. Every problem in the file is reported as path:line:column. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "dataset.h"
#include "input.h"
#include "plugins.h"

/* Labels become one-hot columns or class indices; beyond this a label is far
 * more likely a misplaced feature column than a class. */
#define MAX_CLASSES 1000000

static const ebm_param csv_params[] = {
    {.name = "path", .type = EBM_P_STRING, .flags = EBM_PF_REQUIRED,
     .help = "the CSV file (relative: to the working directory, else to the YAML "
             "file that names it)"},
    {.name = "delimiter", .type = EBM_P_STRING, .def = ",",
     .help = "the one character between fields (tab or \\t for tab-separated files)"},
    {.name = "header", .type = EBM_P_ENUM, .def = "auto", .choices = "auto|true|false",
     .help = "is the first line column names? auto: yes if any of its fields is text, not a number"},
    {.name = "label_column", .type = EBM_P_STRING, .flags = EBM_PF_OPTIONAL,
     .help = "the column of class labels (a header name or a 0-based index); labels "
             "must be integers >= 0"},
    {.name = "binarize", .type = EBM_P_ENUM, .def = "none",
     .choices = "none|threshold|stochastic",
     .help = "values as read, to {0,1} by threshold, or drawn as Bernoulli(value) "
             "afresh for every minibatch (stochastic: values must lie in [0,1])"},
    {.name = "threshold", .type = EBM_P_FLOAT, .def = "0.5",
     .help = "value above which a thresholded entry is 1"},
    {.name = "image", .type = EBM_P_FLOATS, .flags = EBM_PF_OPTIONAL, .range = "[1, inf)",
     .help = "[height, width] when each row is an image (height x width = feature columns)"},
    EBM_PARAM_END};

typedef enum { BINARIZE_NONE, BINARIZE_THRESHOLD, BINARIZE_STOCHASTIC } binarize_mode;

/* What reading the file needs besides the growing result. */
typedef struct reader {
    const char *path;          /* as opened, for messages */
    FILE *file;
    char delimiter;
    char *line;                /* getline's buffer */
    size_t line_cap;
    long line_no;              /* 1-based number of the line in `line` */
    ebm_csv_fields fields;
    char **names;              /* header names (copies), or NULL */
    int n_columns;
    int label_index;           /* -1 if no label column */
    binarize_mode binarize;
    float threshold;
    size_t n, cap;             /* rows read so far, rows allocated */
    float *x;
    int *labels;
    int max_label;
} reader;

static void reader_free(reader *r) {
    if (r->file) fclose(r->file);
    free(r->line);
    ebm_csv_fields_free(&r->fields);
    if (r->names)
        for (int i = 0; i < r->n_columns; i++) free(r->names[i]);
    free(r->names);
    free(r->x);
    free(r->labels);
}

/* Opens path as given; a relative path that is not there is also looked for
 * beside the YAML file that set it, so shipped experiments run from any
 * directory. */
static int open_file(const ebm_node *path_node, const char *path, reader *r,
                     char *resolved, size_t size, ebm_error *err) {
    snprintf(resolved, size, "%s", path);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ebm_fail(err, EBM_EDATA, "%s: a directory, not a CSV file", path);
    ebm_error open_err;
    r->file = ebm_input_open(path, EBM_MAX_DATA_BYTES, "a CSV data file", &open_err);
    if (r->file) return EBM_OK;
    int first_errno = errno;
    if (open_err.code == EBM_EDATA) return ebm_fail(err, EBM_EDATA, "%s", open_err.msg);
    const char *yaml = path_node ? path_node->mark.file : NULL;
    if (first_errno == ENOENT && path[0] != '/' && yaml && yaml[0] != '<') {
        const char *slash = strrchr(yaml, '/');
        if (slash) {
            snprintf(resolved, size, "%.*s/%s", (int)(slash - yaml), yaml, path);
            r->file = ebm_input_open(resolved, EBM_MAX_DATA_BYTES, "a CSV data file",
                                     &open_err);
            if (r->file) return EBM_OK;
            if (open_err.code == EBM_EDATA)
                return ebm_fail(err, EBM_EDATA, "%s", open_err.msg);
            return ebm_fail(err, EBM_EDATA, "%s: cannot open: %s (nor %s, beside %s)",
                            path, strerror(first_errno), resolved, yaml);
        }
    }
    return ebm_fail(err, EBM_EDATA, "%s: cannot open: %s", path, strerror(first_errno));
}

/* The next line that is not blank, with its line ending removed: 1, or 0 at
 * the end of the file, -1 after a read error, -2 for a NUL byte (column in
 * *nul_column), which would silently cut the line short. */
static int next_line(reader *r, int *nul_column) {
    for (;;) {
        errno = 0;
        ssize_t len = getline(&r->line, &r->line_cap, r->file);
        if (len < 0) return ferror(r->file) ? -1 : 0;
        r->line_no++;
        const char *nul = memchr(r->line, '\0', (size_t)len);
        if (nul) {
            *nul_column = (int)(nul - r->line) + 1;
            return -2;
        }
        while (len > 0 && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            r->line[--len] = '\0';
        if (r->line_no == 1 && strncmp(r->line, "\xEF\xBB\xBF", 3) == 0)
            memmove(r->line, r->line + 3, (size_t)len - 2);   /* a UTF-8 byte-order mark */
        if (!ebm_csv_blank(r->line, r->delimiter)) return 1;
    }
}

static int split_line(reader *r, ebm_error *err) {
    const char *problem = NULL;
    int column = 0;
    int rc = ebm_csv_split(r->line, r->delimiter, &r->fields, &problem, &column);
    if (rc == -2)
        return ebm_fail(err, EBM_ENOMEM, "%s:%ld: splitting the line", r->path, r->line_no);
    if (rc)
        return ebm_fail(err, EBM_EDATA, "%s:%ld:%d: %s", r->path, r->line_no, column,
                        problem);
    return EBM_OK;
}

/* "field 3 of 4 ('petal_width')", or without the name when there is no header. */
static const char *field_name(const reader *r, int i, char *buf, size_t size) {
    if (r->names)
        snprintf(buf, size, "field %d of %d ('%.40s')", i + 1, r->n_columns, r->names[i]);
    else
        snprintf(buf, size, "field %d of %d", i + 1, r->n_columns);
    return buf;
}

/* header: auto. Empty fields do not count: a header may leave a name out
 * (",a,b" above an index column), and a row with a missing value should be
 * reported as such, not taken for names. */
static int any_field_not_number(const ebm_csv_fields *f) {
    double v;
    for (int i = 0; i < f->n; i++)
        if (f->text[i][0] && !ebm_csv_number(f->text[i], &v)) return 1;
    return 0;
}

static int keep_names(reader *r, ebm_error *err) {
    r->names = calloc((size_t)r->n_columns, sizeof *r->names);
    if (!r->names) return ebm_fail(err, EBM_ENOMEM, "%s: header names", r->path);
    for (int i = 0; i < r->n_columns; i++)
        if (!(r->names[i] = strdup(r->fields.text[i])))
            return ebm_fail(err, EBM_ENOMEM, "%s: header names", r->path);
    return EBM_OK;
}

/* label_column as a header name (preferred when one matches) or an index. */
static int find_label_column(reader *r, const char *wanted, ebm_error *err) {
    r->label_index = -1;
    if (!wanted) return EBM_OK;
    if (r->names) {
        for (int i = 0; i < r->n_columns; i++) {
            if (strcmp(r->names[i], wanted) != 0) continue;
            if (r->label_index >= 0)
                return ebm_fail(err, EBM_EDATA,
                                "%s: label_column '%s' names two columns of the header "
                                "(%d and %d); give its 0-based index instead",
                                r->path, wanted, r->label_index, i);
            r->label_index = i;
        }
        if (r->label_index >= 0) return EBM_OK;
    }
    char *end;
    errno = 0;
    long index = strtol(wanted, &end, 10);
    if (*wanted == '\0' || *end != '\0' || errno) {
        if (!r->names)
            return ebm_fail(err, EBM_ECONFIG,
                            "data.label_column: '%s' is a column name, but %s has no "
                            "header (set header: true if its first line names the columns)",
                            wanted, r->path);
        return ebm_fail(err, EBM_ECONFIG,
                        "data.label_column: no column of %s is named '%s' (the header "
                        "line %ld names %d columns)", r->path, wanted, r->line_no,
                        r->n_columns);
    }
    if (index < 0 || index >= r->n_columns)
        return ebm_fail(err, EBM_ECONFIG,
                        "data.label_column: index %ld is outside the %d columns of %s "
                        "(indices start at 0)", index, r->n_columns, r->path);
    r->label_index = (int)index;
    return EBM_OK;
}

static int grow_rows(reader *r, size_t dim, ebm_error *err) {
    if (r->n < r->cap) return EBM_OK;
    size_t cap = r->cap ? 2 * r->cap : 256;
    float *x = realloc(r->x, cap * (dim ? dim : 1) * sizeof *x);
    if (!x) return ebm_fail(err, EBM_ENOMEM, "%s: %zu rows of %zu columns", r->path, cap, dim);
    r->x = x;
    if (r->label_index >= 0) {
        int *labels = realloc(r->labels, cap * sizeof *labels);
        if (!labels) return ebm_fail(err, EBM_ENOMEM, "%s: %zu labels", r->path, cap);
        r->labels = labels;
    }
    r->cap = cap;
    return EBM_OK;
}

static int read_label(reader *r, int i, double v, ebm_error *err) {
    char name[128];
    if (v != floor(v) || v < 0 || v >= MAX_CLASSES)
        return ebm_fail(err, EBM_EDATA,
                        "%s:%ld:%d: label %s: '%.40s' is not an integer class in [0, %d)",
                        r->path, r->line_no, r->fields.column[i],
                        field_name(r, i, name, sizeof name), r->fields.text[i], MAX_CLASSES);
    int label = (int)v;
    r->labels[r->n] = label;
    if (label > r->max_label) r->max_label = label;
    return EBM_OK;
}

/* Appends the fields of the current line as one row. */
static int read_row(reader *r, size_t dim, ebm_error *err) {
    char name[128];
    if (r->fields.n != r->n_columns)
        return ebm_fail(err, EBM_EDATA,
                        "%s:%ld: ragged row: %d fields where the %s has %d",
                        r->path, r->line_no, r->fields.n,
                        r->names ? "header" : "first row", r->n_columns);
    int rc = grow_rows(r, dim, err);
    if (rc) return rc;
    float *row = r->x + r->n * dim;
    size_t j = 0;
    for (int i = 0; i < r->n_columns; i++) {
        const char *text = r->fields.text[i];
        int column = r->fields.column[i];
        double v;
        if (*text == '\0')
            return ebm_fail(err, EBM_EDATA, "%s:%ld:%d: %s is empty", r->path,
                            r->line_no, column, field_name(r, i, name, sizeof name));
        if (!ebm_csv_number(text, &v))
            return ebm_fail(err, EBM_EDATA, "%s:%ld:%d: %s: '%.40s' is not a number",
                            r->path, r->line_no, column,
                            field_name(r, i, name, sizeof name), text);
        if (!isfinite(v) || fabs(v) > FLT_MAX)
            return ebm_fail(err, EBM_EDATA,
                            "%s:%ld:%d: %s: '%.40s' is not a finite single-precision number",
                            r->path, r->line_no, column,
                            field_name(r, i, name, sizeof name), text);
        if (i == r->label_index) {
            if ((rc = read_label(r, i, v, err))) return rc;
            continue;
        }
        if (r->binarize == BINARIZE_STOCHASTIC && (v < 0 || v > 1))
            return ebm_fail(err, EBM_EDATA,
                            "%s:%ld:%d: %s: %g is outside [0, 1], and binarize: "
                            "stochastic reads values as probabilities",
                            r->path, r->line_no, column,
                            field_name(r, i, name, sizeof name), v);
        row[j++] = r->binarize == BINARIZE_THRESHOLD ? (v > r->threshold ? 1.0f : 0.0f)
                                                      : (float)v;
    }
    r->n++;
    return EBM_OK;
}

/* The error for next_line's negative result. */
static int line_failed(const reader *r, int got, int nul_column, ebm_error *err) {
    if (got == -2 && r->line_no == 1 && (unsigned char)r->line[0] == 0x1f &&
        (unsigned char)r->line[1] == 0x8b)
        return ebm_fail(err, EBM_EDATA, "%s:1:1: a gzip-compressed file; the csv "
                        "dataset reads plain text (gunzip it first)", r->path);
    if (got == -2)
        return ebm_fail(err, EBM_EDATA, "%s:%ld:%d: a NUL byte: not a text file (CSV "
                        "holds text)", r->path, r->line_no, nul_column);
    return ebm_fail(err, EBM_EDATA, "%s:%ld: read error: %s", r->path, r->line_no + 1,
                    strerror(errno));
}

/* The first line: column names, or the first row. */
static int read_first_line(reader *r, const char *header, ebm_error *err) {
    int nul_column = 0;
    int got = next_line(r, &nul_column);
    if (got == -2) return line_failed(r, got, nul_column, err);
    if (got < 0) return ebm_fail(err, EBM_EDATA, "%s: read error: %s", r->path, strerror(errno));
    if (got == 0) return ebm_fail(err, EBM_EDATA, "%s: empty file (no rows)", r->path);
    int rc = split_line(r, err);
    if (rc) return rc;
    r->n_columns = r->fields.n;
    int is_header = strcmp(header, "true") == 0 ||
                    (strcmp(header, "auto") == 0 && any_field_not_number(&r->fields));
    return is_header ? keep_names(r, err) : EBM_OK;
}

static int check_image(const ebm_node *cfg, const reader *r, size_t dim,
                       ebm_dataset *out, ebm_error *err) {
    if (!ebm_node_at(cfg, "image")) return EBM_OK;
    double shape[3];
    int count = ebm_cfg_doubles(cfg, "image", shape, 3);
    if (count != 2 || shape[0] != floor(shape[0]) || shape[1] != floor(shape[1]))
        return ebm_fail(err, EBM_ECONFIG, "data.image: expected [height, width], two "
                        "whole numbers");
    if (shape[0] * shape[1] != (double)dim)
        return ebm_fail(err, EBM_EDATA,
                        "%s: image shape %g x %g = %g pixels, but the rows have %zu "
                        "feature columns", r->path, shape[0], shape[1],
                        shape[0] * shape[1], dim);
    out->height = (int)shape[0];
    out->width = (int)shape[1];
    return EBM_OK;
}

/* The first line read and the label column found: the feature columns per
 * row, checked against data.image when given (its shape goes into out). */
static int read_columns(const ebm_node *cfg, reader *r, size_t *dim, ebm_dataset *out,
                        ebm_error *err) {
    int rc = read_first_line(r, ebm_cfg_str(cfg, "header", "auto"), err);
    if (!rc) rc = find_label_column(r, ebm_cfg_str(cfg, "label_column", NULL), err);
    if (rc) return rc;
    *dim = (size_t)r->n_columns - (r->label_index >= 0);
    if (*dim == 0)
        return ebm_fail(err, EBM_EDATA, "%s: no feature columns (only the label column)",
                        r->path);
    memset(out, 0, sizeof *out);
    return check_image(cfg, r, *dim, out, err);
}

static int read_csv(const ebm_node *cfg, reader *r, ebm_dataset *out, ebm_error *err) {
    size_t dim;
    int rc = read_columns(cfg, r, &dim, out, err);
    if (rc) return rc;
    if (!r->names && (rc = read_row(r, dim, err))) return rc;
    int got, nul_column = 0;
    while ((got = next_line(r, &nul_column)) == 1)
        if ((rc = split_line(r, err)) || (rc = read_row(r, dim, err))) return rc;
    if (got < 0) return line_failed(r, got, nul_column, err);
    if (r->n == 0)
        return ebm_fail(err, EBM_EDATA, "%s: a header line but no rows of data", r->path);
    out->n = r->n;
    out->dim = dim;
    out->x = r->x;
    r->x = NULL;
    if (r->label_index >= 0) {
        out->labels = r->labels;
        r->labels = NULL;
        out->n_classes = r->max_label + 1;
    }
    out->stochastic = r->binarize == BINARIZE_STOCHASTIC;
    return EBM_OK;
}

/* A reader of data.path, opened, with the section's delimiter and
 * binarisation; *resolved holds the path as opened. */
static int open_reader(const ebm_node *cfg, reader *r, char *resolved, size_t size,
                       ebm_error *err) {
    *r = (reader){.label_index = -1};   /* reader_free's to take, whatever fails */
    const char *delimiter = ebm_cfg_str(cfg, "delimiter", ",");
    /* '\t' in single quotes or plain YAML is two characters; take it as meant */
    if (strcmp(delimiter, "\\t") == 0 || strcmp(delimiter, "tab") == 0) delimiter = "\t";
    if (strlen(delimiter) != 1 || delimiter[0] == '"' || delimiter[0] == '\n' ||
        delimiter[0] == '\r')
        return ebm_fail(err, EBM_ECONFIG,
                        "data.delimiter: expected one character other than a quote or a "
                        "line break, got \"%s\"", delimiter);
    const char *binarize = ebm_cfg_str(cfg, "binarize", "none");
    *r = (reader){.delimiter = delimiter[0],
                  .label_index = -1,
                  .threshold = (float)ebm_cfg_double(cfg, "threshold", 0.5),
                  .binarize = strcmp(binarize, "threshold") == 0    ? BINARIZE_THRESHOLD
                              : strcmp(binarize, "stochastic") == 0 ? BINARIZE_STOCHASTIC
                                                                    : BINARIZE_NONE};
    const char *path = ebm_cfg_str(cfg, "path", "");
    int rc = open_file(ebm_node_at(cfg, "path"), path, r, resolved, size, err);
    r->path = resolved;
    return rc;
}

static int csv_load(const ebm_node *cfg, ebm_rng *rng, ebm_dataset *out,
                    ebm_error *err) {
    (void)rng;
    memset(out, 0, sizeof *out);
    char resolved[4096];
    reader r;
    int rc = open_reader(cfg, &r, resolved, sizeof resolved, err);
    if (!rc) rc = read_csv(cfg, &r, out, err);
    reader_free(&r);
    return rc;
}

/* The first line only: the row length is known, the number of rows and of
 * classes would take reading the whole file, so they stay unknown (0). */
static int csv_shape(const ebm_node *cfg, ebm_data_shape *out, ebm_error *err) {
    char resolved[4096];
    reader r;
    ebm_dataset image;
    size_t dim = 0;
    int rc = open_reader(cfg, &r, resolved, sizeof resolved, err);
    if (!rc) rc = read_columns(cfg, &r, &dim, &image, err);
    reader_free(&r);
    if (!rc) *out = (ebm_data_shape){.dim = dim};
    return rc;
}

const ebm_dataset_ops ebm_dataset_csv = {
    .info = {.version = EBM_DATASET_OPS_VERSION,
             .name = "csv",
             .help = "a table of numbers from a CSV file (optional header, label column, "
                     "binarisation, image shape)",
             .params = csv_params},
    .xLoad = csv_load,
    .xShape = csv_shape,
};
