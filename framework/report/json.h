/* json.h — the little JSON that `ebm show --json` writes: strings escaped,
 * numbers that JSON can hold (NaN and infinities become null). */
#ifndef EBM_JSON_H
#define EBM_JSON_H

#include <stdio.h>

void ebm_json_string(FILE *to, const char *s);
void ebm_json_number(FILE *to, double v);
/* A config value: a number when the text is one (so 0.05 stays a number),
 * true/false as booleans, otherwise a string. */
void ebm_json_value(FILE *to, const char *text);

#endif
