/* text_table.c — terminal tables and the texts in their cells (text_table.h). */
#include "text_table.h"

#include <string.h>

int ebm_text_width(const char *s) {
    int w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void ebm_text_cut(char *out, size_t size, const char *text, int width) {
    if (!size) return;
    snprintf(out, size, "%s", text);
    if (ebm_text_width(out) <= width || width < 4) return;
    /* the first width - 3 characters, then "..." */
    size_t at = 0;
    for (int kept = 0; out[at] && kept < width - 3; kept++)
        do at++; while (((unsigned char)out[at] & 0xC0) == 0x80);
    if (at + 4 <= size) memcpy(out + at, "...", 4);
}

void ebm_text_shown_value(char *out, size_t size, const char *value,
                          const char *const *values, size_t n, size_t stride, size_t max) {
    if (!size) return;
    size_t longest = 0, shared = strlen(value);
    for (size_t i = 0; i < n; i++) {
        const char *other = values[i * stride];
        size_t len = (size_t)ebm_text_width(other), same = 0;
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
    char elided[4096];
    snprintf(elided, sizeof elided, "%s%s", from ? "..." : "", value + from);
    ebm_text_cut(out, size, elided, (int)max);
}

void ebm_table_widen(int *width, const char *const *cells, int cols) {
    for (int c = 0; c < cols; c++) {
        int w = ebm_text_width(cells[c]);
        if (w > width[c]) width[c] = w;
    }
}

void ebm_table_row(FILE *to, const char *const *cells, int cols, const int *width) {
    for (int c = 0; c < cols; c++) {
        fputs(cells[c], to);
        if (c == cols - 1) break;
        for (int w = ebm_text_width(cells[c]); w < width[c] + 2; w++) fputc(' ', to);
    }
    fputc('\n', to);
}
