/* plot_text.h — the texts `ebm plot` builds: paths and labels cut to their
 * buffers, names made safe for files, and a growing buffer for gnuplot's -e
 * assignments (and the list of PNGs written). */
#ifndef EBM_PLOT_TEXT_H
#define EBM_PLOT_TEXT_H

#include <stddef.h>

/* snprintf for paths and labels: an over-long one is cut, which at worst
 * fails to open later with a clear message. */
void ebm_plot_fmt(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Characters safe in a file name; everything else becomes '_'. */
void ebm_plot_safe_name(char *out, size_t size, const char *text);

/* How many characters of a title fit a picture px pixels wide (gnuplot's
 * 10-point font is about 7 pixels a character; 8 leaves room for wide
 * letters). */
int ebm_plot_title_width(int px);

/* text fitted to at most max_lines lines of at most width characters (UTF-8
 * code points), broken at spaces, a '\n' in text always breaking; a word
 * longer than a line is split, and what does not fit ends the last line as
 * "...". */
void ebm_plot_fit_title(char *out, size_t size, const char *text, int width,
                        int max_lines);

/* Appends text, fitted as ebm_plot_fit_title fits it, to the title in out
 * as its next line(s): a title of parts, each of which keeps its own lines
 * ("experiment: metric", the run's label, the sampler). Empty text adds
 * nothing. */
void ebm_plot_title_add(char *out, size_t size, const char *text, int width,
                        int max_lines);

/* A text buffer that grows; oom is set (and sticks) when it cannot. */
typedef struct ebm_plot_text {
    char *text;
    size_t len, cap;
    int oom;
} ebm_plot_text;

void ebm_plot_text_add(ebm_plot_text *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends "name='value'; ", value as a gnuplot single-quoted string literal
 * ('' stands for a quote, a newline is joined in as "\n"). */
void ebm_plot_text_gp(ebm_plot_text *b, const char *name, const char *value);

#endif
