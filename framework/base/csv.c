/* csv.c — splitting CSV lines into trimmed, unquoted fields in place, and
 * reading fields as numbers (see csv.h). */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

static int is_space(char c, char delimiter) {
    return c != delimiter && (c == ' ' || c == '\t' || c == '\r');
}

static int push_field(ebm_csv_fields *f, char *text, int column) {
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 16;
        char **text_grown = realloc(f->text, (size_t)cap * sizeof *text_grown);
        if (!text_grown) return -2;
        f->text = text_grown;
        int *column_grown = realloc(f->column, (size_t)cap * sizeof *column_grown);
        if (!column_grown) return -2;
        f->column = column_grown;
        f->cap = cap;
    }
    f->text[f->n] = text;
    f->column[f->n] = column;
    f->n++;
    return 0;
}

int ebm_csv_split(char *line, char delimiter, ebm_csv_fields *fields,
                  const char **problem, int *problem_column) {
    fields->n = 0;
    char *p = line;
    for (;;) {
        while (is_space(*p, delimiter)) p++;
        char *start = p, *end;
        int column = (int)(p - line) + 1;
        if (*p == '"') {
            /* Unquote in place: the write position never passes the read one. */
            char *w = p;
            p++;
            for (;;) {
                if (*p == '\0') {
                    *problem = "unterminated quoted field";
                    *problem_column = column;
                    return -1;
                }
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            end = w;
            while (is_space(*p, delimiter)) p++;
            if (*p != '\0' && *p != delimiter) {
                *problem = "text after the closing quote of a field";
                *problem_column = (int)(p - line) + 1;
                return -1;
            }
        } else {
            while (*p != '\0' && *p != delimiter) p++;
            end = p;
            while (end > start && is_space(end[-1], delimiter)) end--;
        }
        char next = *p;
        *end = '\0';   /* may be *p itself: `next` keeps what was there */
        if (push_field(fields, start, column)) return -2;
        if (next == '\0') return 0;
        p++;           /* past the delimiter */
    }
}

void ebm_csv_fields_free(ebm_csv_fields *fields) {
    free(fields->text);
    free(fields->column);
    memset(fields, 0, sizeof *fields);
}

int ebm_csv_number(const char *text, double *value) {
    if (*text == '\0') return 0;
    char *end;
    double v = strtod(text, &end);
    if (*end != '\0') return 0;
    *value = v;
    return 1;
}

int ebm_csv_blank(const char *line, char delimiter) {
    for (; *line; line++)
        if (!is_space(*line, delimiter) && *line != '\n') return 0;
    return 1;
}
