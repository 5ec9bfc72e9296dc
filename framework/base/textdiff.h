/* textdiff.h — where two texts first differ, for messages that show the
 * user the line that changed (a resumed sweep's or run's config). */
#ifndef EBM_TEXTDIFF_H
#define EBM_TEXTDIFF_H

#include <stddef.h>

/* The first line (1-based) at which a and b differ, or 0 when they are
 * equal; that line of each goes to line_a and line_b (size bytes each,
 * cut if longer). */
int ebm_text_first_difference(const char *a, const char *b, char *line_a, char *line_b,
                              size_t size);

#endif
