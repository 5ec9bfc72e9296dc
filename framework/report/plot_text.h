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

/* A text buffer that grows; oom is set (and sticks) when it cannot. */
typedef struct ebm_plot_text {
    char *text;
    size_t len, cap;
    int oom;
} ebm_plot_text;

void ebm_plot_text_add(ebm_plot_text *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends "name='value'; ", value as a gnuplot single-quoted string literal
 * ('' stands for a quote). */
void ebm_plot_text_gp(ebm_plot_text *b, const char *name, const char *value);

#endif
