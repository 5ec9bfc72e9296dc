/* registry.h — every built-in plugin, looked up by kind and name. The table
 * is the plugin list (plugins.h) expanded in registry.c; it is the only
 * global state ebm has, and it is constant. */
#ifndef EBM_REGISTRY_H
#define EBM_REGISTRY_H

#include "error.h"
#include "plugin.h"

/* The plugin, or NULL. A plugin built for another version of its kind's
 * interface is refused (NULL) here, and ebm_registry_check names it. The
 * returned pointer is the plugin's ops struct (its
 * first member is the ebm_plugin head), so callers cast it to the kind's ops. */
const ebm_plugin *ebm_registry_find(ebm_kind kind, const char *name);
/* The i-th plugin of a kind, NULL past the end. */
const ebm_plugin *ebm_registry_at(ebm_kind kind, int i);

/* The interface version this build gives a kind's ops (EBM_MODEL_OPS_VERSION
 * ...); a plugin must carry the same. */
int ebm_registry_version(ebm_kind kind);

#endif
