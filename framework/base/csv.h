/* csv.h — splitting one line of a CSV file into fields, in place, and reading
 * a field as a number: the text layer under the csv dataset plugin. */
#ifndef EBM_CSV_H
#define EBM_CSV_H

#include <stddef.h>

/* The fields of one line. text[i] points into the line buffer (NUL-ended,
 * surrounding spaces and tabs trimmed, quotes removed); column[i] is the
 * 1-based byte column where field i's text starts, for error messages. */
typedef struct ebm_csv_fields {
    int n, cap;
    char **text;
    int *column;
} ebm_csv_fields;

/* Splits `line` (one line, its "\n" / "\r\n" already removed) at `delimiter`.
 * A field may be double-quoted ("a, b" holds the delimiter; "" is a quote
 * inside quotes). Returns 0, or -1 with *problem and *problem_column set for
 * an unterminated quote or text after a closing quote, or -2 when out of
 * memory. Modifies line. */
int ebm_csv_split(char *line, char delimiter, ebm_csv_fields *fields,
                  const char **problem, int *problem_column);
void ebm_csv_fields_free(ebm_csv_fields *fields);

/* 1 if the whole of text is a number strtod reads (nan and inf included),
 * storing it in *value; 0 otherwise (empty text included). */
int ebm_csv_number(const char *text, double *value);

/* 1 if line holds nothing but spaces, carriage returns and (unless the
 * delimiter is a tab) tabs. */
int ebm_csv_blank(const char *line, char delimiter);

#endif
