/* plugin.c — the names of the plugin kinds. */
#include "plugin.h"

#include <string.h>

static const char *const kind_names[EBM_KIND_COUNT] = {
    "model", "sampler", "dataset", "estimator"};

const char *ebm_kind_name(ebm_kind kind) {
    return (unsigned)kind < EBM_KIND_COUNT ? kind_names[kind] : "?";
}

int ebm_kind_from_name(const char *name) {
    for (int k = 0; k < EBM_KIND_COUNT; k++) {
        size_t len = strlen(kind_names[k]);
        if (strcmp(name, kind_names[k]) == 0) return k;
        if (strncmp(name, kind_names[k], len) == 0 && strcmp(name + len, "s") == 0)
            return k;
    }
    return -1;
}
