/* config_diff.h — what differs between the resolved configs of several runs:
 * the keys (dotted paths, e.g. "train.optim.lr") whose values are not the
 * same in all of them, and each run's value. Plot legends, the report's
 * tables and its "config differences" section are made from it. */
#ifndef EBM_CONFIG_DIFF_H
#define EBM_CONFIG_DIFF_H

#include <stddef.h>

#include "error.h"

typedef struct ebm_config_diff {
    int n_runs, n_keys;
    char **keys;       /* the differing paths, in the order of the first run's file */
    char **values;     /* n_runs × n_keys, row-major; "-" where a run lacks the key */
} ebm_config_diff;

/* Compares the YAML texts (one per run). A text that does not parse counts
 * as having no keys. Keys that only name the run (name, seed are kept: a
 * seed is a real difference) are compared like any other. */
int ebm_config_diff_make(const char *const *yamls, int n, ebm_config_diff *out, ebm_error *err);
void ebm_config_diff_free(ebm_config_diff *d);

/* Run i's label: "key=value key=value" over the differing keys, each key
 * shortened to its last component ("lr=0.05", "type=pt") unless that would
 * be ambiguous, `description` left out; the run's name alone when the
 * names differ (runs of different experiments); "" when nothing differs. */
void ebm_config_diff_label(const ebm_config_diff *d, int i, char *out, size_t size);

#endif
