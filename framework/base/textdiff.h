/* textdiff.h — where texts differ: the line at which two first differ, for
 * messages that show the user the line that changed (a resumed sweep's or
 * run's config); and a value shown by what sets it apart from the others of
 * its key (a swept flow map in a table column or a legend). */
#ifndef EBM_TEXTDIFF_H
#define EBM_TEXTDIFF_H

#include <stddef.h>

/* The first line (1-based) at which a and b differ, or 0 when they are
 * equal; that line of each goes to line_a and line_b (size bytes each,
 * cut if longer). */
int ebm_text_first_difference(const char *a, const char *b, char *line_a, char *line_b,
                              size_t size);

/* Characters a swept value gets in `ebm show`'s columns. */
#define EBM_TEXT_SHOWN_MAX 56

/* value, one of the n values of a key (values[i * stride], i < n: a swept
 * setting at every point), in at most max characters into out: whole when
 * every value fits; else the front all of them share, up to its last ", "
 * (between a flow map's entries), becomes "...", and what is still too
 * long is cut with "...". A sweep of samplers swept whole ("{type: short_run,
 * ..., sampler: {type: mh, ...}}") then shows the part that differs. */
void ebm_text_shown_value(char *out, size_t size, const char *value,
                          const char *const *values, size_t n, size_t stride, size_t max);

#endif
