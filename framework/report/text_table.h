/* text_table.h — the terminal tables that `ebm show`, `ebm sweep` and `ebm
 * reproduce` print, and the texts that go in their cells. Widths count
 * characters (UTF-8 code points), so "±", "≥" and "α" take one column. */
#ifndef EBM_TEXT_TABLE_H
#define EBM_TEXT_TABLE_H

#include <stddef.h>
#include <stdio.h>

/* Characters of s. */
int ebm_text_width(const char *s);

/* text into out, cut to at most width characters with "..." at the end
 * when longer. */
void ebm_text_cut(char *out, size_t size, const char *text, int width);

/* Characters a swept value gets in `ebm show`'s columns. */
#define EBM_TEXT_SHOWN_MAX 56

/* value, one of the n values of a key (values[i * stride], i < n: a swept
 * setting at every point), in at most max characters into out: whole when
 * every value fits; else the front all of them share, up to its last ", "
 * (between a flow map's entries), becomes "...", and what is still too
 * long is cut with "...". A sweep of samplers swept whole ("{type: short_run,
 * ..., sampler: {type: mh, ...}}") then shows the part that differs. */
void ebm_text_shown_value(char *out, size_t size, const char *value,
                          const char *const *values, size_t n, size_t stride, size_t max);

/* A table is printed in two passes over its rows: ebm_table_widen with
 * every row (the header too) to find each column's width, then
 * ebm_table_row with each. Columns are two spaces apart; the last is not
 * padded. */
void ebm_table_widen(int *width, const char *const *cells, int cols);
void ebm_table_row(FILE *to, const char *const *cells, int cols, const int *width);

#endif
