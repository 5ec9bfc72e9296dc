/* sweep_expr.h — the sweep expressions of the override grammar: a key with
 * several values ("model.lr=0.1,0.01") or a range ("data.load=range(0.05,
 * 0.26,0.01)"). The loader uses them to tell sweeps from plain overrides, the
 * grid (sweep_grid.h) to build points. */
#ifndef EBM_SWEEP_EXPR_H
#define EBM_SWEEP_EXPR_H

#include <stddef.h>

#include "error.h"

/* One swept key: "model.lr=0.1,0.01" or "data.load=range(0.05,0.26,0.01)"
 * (stop excluded, floats allowed, step defaults to 1). */
typedef struct ebm_sweep_axis {
    char *key;
    int n;
    char **values;   /* as YAML scalar text */
} ebm_sweep_axis;

int ebm_sweep_parse_axis(const char *expr, ebm_sweep_axis *axis, ebm_error *err);
void ebm_sweep_axis_free(ebm_sweep_axis *axis);

/* A sweep expression is a value with a top-level comma ("0.1,0.2") or a
 * range(start,stop[,step]) call; plain `run` refuses those. */
int ebm_is_sweep_value(const char *value);

/* For the grid: appends value (taken over; freed on failure) to axis; -1 when
 * out of memory. */
int ebm_sweep_axis_push(ebm_sweep_axis *axis, char *value);
/* The text between start and end without surrounding blanks (malloc'd). */
char *ebm_dup_trimmed(const char *start, const char *end);

#endif
