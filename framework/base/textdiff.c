/* textdiff.c — where texts differ (textdiff.h). */
#include "textdiff.h"

#include <stdio.h>
#include <string.h>

/* Line `line` (1-based) of text, copied into out (at most size - 1 bytes). */
static void copy_line(const char *text, int line, char *out, size_t size) {
    for (int i = 1; i < line && text; i++) {
        text = strchr(text, '\n');
        if (text) text++;
    }
    size_t n = 0;
    while (text && text[n] && text[n] != '\n') n++;
    if (n >= size) n = size - 1;
    memcpy(out, text ? text : "", n);
    out[n] = '\0';
}

int ebm_text_first_difference(const char *a, const char *b, char *line_a, char *line_b,
                              size_t size) {
    int line = 1;
    for (size_t i = 0;; i++) {
        if (a[i] != b[i]) break;
        if (!a[i]) return 0;
        if (a[i] == '\n') line++;
    }
    copy_line(a, line, line_a, size);
    copy_line(b, line, line_b, size);
    return line;
}

/* Characters (UTF-8 code points) of text. */
static size_t chars_of(const char *text) {
    size_t n = 0;
    for (; *text; text++) n += ((unsigned char)*text & 0xC0) != 0x80;
    return n;
}

void ebm_text_shown_value(char *out, size_t size, const char *value,
                          const char *const *values, size_t n, size_t stride, size_t max) {
    if (!size) return;
    size_t longest = 0, shared = strlen(value);
    for (size_t i = 0; i < n; i++) {
        const char *other = values[i * stride];
        size_t len = chars_of(other), same = 0;
        if (len > longest) longest = len;
        while (same < shared && other[same] == value[same]) same++;
        shared = same;
    }
    if (longest <= max || max < 4) {
        snprintf(out, size, "%s", value);
        return;
    }
    size_t from = shared;
    while (from > 1 && !(value[from - 2] == ',' && value[from - 1] == ' ')) from--;
    if (from <= 1) from = 0;
    snprintf(out, size, "%s%s", from ? "..." : "", value + from);
    if (chars_of(out) <= max) return;
    /* the first max - 3 characters, then "..." */
    size_t at = 0;
    for (size_t kept = 0; out[at] && kept < max - 3; kept++)
        do at++; while (((unsigned char)out[at] & 0xC0) == 0x80);
    if (at + 4 > size) return;
    memcpy(out + at, "...", 4);
}
