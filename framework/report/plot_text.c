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
    for (const char *c = value; *c; c++) {
        if (*c == '\n') ebm_plot_text_add(b, "'.\"\\n\".'");   /* '...'."\n".'...' */
        else ebm_plot_text_add(b, *c == '\'' ? "''" : "%c", *c);
    }
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

int ebm_plot_title_width(int px) {
    int width = (px - 20) / 8;
    return width < 20 ? 20 : width;
}

/* Bytes of the UTF-8 character that starts at c. */
static size_t char_bytes(const char *c) {
    size_t n = 1;
    while (c[n] && ((unsigned char)c[n] & 0xC0) == 0x80) n++;
    return n;
}

/* Characters (code points) of the n bytes at text. */
static int char_count(const char *text, size_t n) {
    int count = 0;
    for (size_t i = 0; i < n; i++) count += ((unsigned char)text[i] & 0xC0) != 0x80;
    return count;
}

/* The bytes of the first k characters of text (all of them when fewer). */
static size_t first_chars(const char *text, int k) {
    size_t at = 0;
    for (int i = 0; i < k && text[at]; i++) at += char_bytes(text + at);
    return at;
}

/* The title being fitted: out, its lines so far and the current one's
 * length in characters. */
typedef struct fitting {
    char *out;
    size_t size, used;
    int width, max_lines, lines, col, cut;
} fitting;

/* Starts a new line; 0 (and cut set) when there is no line left. */
static int new_line(fitting *f) {
    if (f->lines == f->max_lines || f->used + 2 > f->size) return !(f->cut = 1);
    f->out[f->used++] = '\n';
    f->lines++;
    f->col = 0;
    return 1;
}

/* Appends the n bytes at text (chars characters); 0 (and cut set) when the
 * buffer is full. */
static int put(fitting *f, const char *text, size_t n, int chars) {
    if (f->used + n + 1 > f->size) return !(f->cut = 1);
    memcpy(f->out + f->used, text, n);
    f->used += n;
    f->col += chars;
    return 1;
}

void ebm_plot_fit_title(char *out, size_t size, const char *text, int width,
                        int max_lines) {
    if (!size) return;
    fitting f = {.out = out, .size = size, .width = width < 4 ? 4 : width,
                 .max_lines = max_lines < 1 ? 1 : max_lines, .lines = 1};
    for (const char *c = text; *c && !f.cut;) {
        if (*c == ' ' || *c == '\n') {
            /* a newline ends a line (when more text follows) */
            if (*c == '\n' && f.col > 0 && c[strspn(c, " \n")]) new_line(&f);
            c++;
            continue;
        }
        size_t len = strcspn(c, " \n");
        int chars = char_count(c, len);
        /* on the last line a word that does not fit is split (and cut) */
        if (f.col > 0 && f.col + 1 + chars > f.width &&
            (f.lines < f.max_lines || f.col + 4 > f.width) && !new_line(&f))
            break;
        if (f.col > 0 && !put(&f, " ", 1, 1)) break;
        /* a word longer than what is left of the line is split */
        while (chars > f.width - f.col) {
            size_t part = first_chars(c, f.width - f.col);
            if (!put(&f, c, part, f.width - f.col)) break;
            c += part;
            len -= part;
            chars = char_count(c, len);
            if (!new_line(&f)) break;
        }
        if (!f.cut) put(&f, c, len, chars);
        c += len;
    }
    out[f.used] = '\0';
    if (!f.cut) return;
    /* the last line keeps width - 3 characters and ends with "..." */
    char *line = strrchr(out, '\n');
    line = line ? line + 1 : out;
    size_t keep = first_chars(line, f.width - 3);
    /* at a space when one is near the end, not inside a short word */
    if (line[keep] && line[keep] != ' ') {
        size_t space = keep;
        while (space > 0 && line[space - 1] != ' ') space--;
        if (space > 0 && keep - space <= 12) keep = space;
    }
    while (keep > 0 && line[keep - 1] == ' ') keep--;
    size_t room = size - (size_t)(line - out);
    if (keep + 4 > room) keep = room > 4 ? room - 4 : 0;
    memcpy(line + keep, "...", 4);
}

void ebm_plot_title_add(char *out, size_t size, const char *text, int width,
                        int max_lines) {
    size_t used = strlen(out);
    if (!*text || used + 2 >= size) return;
    if (used) out[used++] = '\n';
    ebm_plot_fit_title(out + used, size - used, text, width, max_lines);
}
