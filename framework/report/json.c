/* json.c — writing JSON strings and numbers (json.h). */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

void ebm_json_string(FILE *to, const char *s) {
    fputc('"', to);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(to, "\\%c", c);
        else if (c == '\n') fputs("\\n", to);
        else if (c == '\t') fputs("\\t", to);
        else if (c < 0x20) fprintf(to, "\\u%04x", c);
        else fputc(c, to);
    }
    fputc('"', to);
}

/* The shortest of %.15g and %.17g that reads back as v. */
void ebm_json_number(FILE *to, double v) {
    if (!isfinite(v)) {
        fputs("null", to);
        return;
    }
    char text[40];
    snprintf(text, sizeof text, "%.15g", v);
    if (strtod(text, NULL) != v) snprintf(text, sizeof text, "%.17g", v);
    fputs(text, to);
}

void ebm_json_value(FILE *to, const char *text) {
    double v;
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) fputs(text, to);
    else if (ebm_parse_double(text, &v) == 0 && isfinite(v)) ebm_json_number(to, v);
    else ebm_json_string(to, text);
}
