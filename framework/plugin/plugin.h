/* plugin.h — what every plugin has in common: its kind, and the head each ops
 * struct starts with (name, one-line help, parameter table, interface
 * version), so the registry, `ebm list` and the validator treat all alike. */
#ifndef EBM_PLUGIN_H
#define EBM_PLUGIN_H

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

#endif
