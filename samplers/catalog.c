/* catalog.c — the sampler rows of the plugin list (plugins.h) as a table. */
#include "catalog.h"

#include <string.h>

#include "plugins.h"

#define EBM_SAMPLER_ROW(name) &ebm_sampler_##name,
static const ebm_sampler_ops *const samplers[] = {EBM_SAMPLERS(EBM_SAMPLER_ROW) NULL};

const ebm_sampler_ops *ebm_sampler_at(int i) {
    int count = (int)(sizeof samplers / sizeof *samplers) - 1;
    return i >= 0 && i < count ? samplers[i] : NULL;
}

const ebm_sampler_ops *ebm_sampler_find(const char *name) {
    for (int i = 0; samplers[i]; i++)
        if (strcmp(samplers[i]->info.name, name) == 0) return samplers[i];
    return NULL;
}
