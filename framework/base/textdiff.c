/* textdiff.c — where two texts first differ (textdiff.h). */
#include "textdiff.h"

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
