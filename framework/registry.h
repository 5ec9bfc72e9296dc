/* registry.h — every built-in plugin, looked up by kind and name. The table
 * itself lives in registry.c (one line per plugin, like Lua's linit.c); it is
 * the only global state ebm has, and it is constant. */
#ifndef EBM_REGISTRY_H
#define EBM_REGISTRY_H

#include "param.h"

typedef enum {
    EBM_KIND_MODEL,
    EBM_KIND_SAMPLER,
    EBM_KIND_DATASET,
    EBM_KIND_ESTIMATOR,
    EBM_KIND_COUNT
} ebm_kind;

/* The head every ops struct starts with, so the registry, `ebm list` and the
 * validator can treat all plugins alike. `version` lets an ops struct grow:
 * methods are only appended, and a plugin built against an older version
 * leaves the newer ones NULL. */
typedef struct ebm_plugin {
    int version;
    const char *name;
    const char *help;          /* one line */
    const ebm_param *params;   /* ends with EBM_PARAM_END */
} ebm_plugin;

const char *ebm_kind_name(ebm_kind kind);      /* "model" */
int ebm_kind_from_name(const char *name);      /* -1 if unknown; accepts plurals */

/* The plugin, or NULL. The returned pointer is the plugin's ops struct (its
 * first member is the ebm_plugin head), so callers cast it to the kind's ops. */
const ebm_plugin *ebm_registry_find(ebm_kind kind, const char *name);
/* The i-th plugin of a kind, NULL past the end. */
const ebm_plugin *ebm_registry_at(ebm_kind kind, int i);

#endif
