/* version.c — the version string, release number and source revision. The
 * revision comes from a header the build regenerates (scripts/revision.cmake),
 * so only this file is recompiled when it changes. */
#include "version.h"

#include "ebm_revision.h"

const char *ebm_version(void) {
    return EBM_REVISION[0] ? EBM_VERSION " (git " EBM_REVISION ")" : EBM_VERSION;
}
