/* plot_text.c — the texts `ebm plot` builds: paths and labels cut to their
 * buffers, names made safe for files, and a growing buffer for gnuplot's -e
 * assignments (and the list of PNGs written). */
#include "plot_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ebm_plot_fmt(char *out, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

void ebm_plot_text_add(ebm_plot_text *b, const char *fmt, ...) {
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->text ? b->text + b->len : NULL,
                          b->text ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->text && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap <= b->len + (size_t)n) cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown) {
            b->oom = 1;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
}

void ebm_plot_text_gp(ebm_plot_text *b, const char *name, const char *value) {
    ebm_plot_text_add(b, "%s='", name);
    for (const char *c = value; *c; c++) ebm_plot_text_add(b, *c == '\'' ? "''" : "%c", *c);
    ebm_plot_text_add(b, "'; ");
}

void ebm_plot_safe_name(char *out, size_t size, const char *text) {
    size_t i = 0;
    for (; text[i] && i + 1 < size; i++) {
        char c = text[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || strchr("._=,+-", c);
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}
