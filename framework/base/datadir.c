/* datadir.c — finds ebm's shared files (scripts/, configs/, experiments/)
 * beside the installed binary or library, in $EBM_DATA_DIR, or in the source
 * tree, in that order, so an installed ebm works without its clone and a
 * build tree works without installing. */
#define _GNU_SOURCE   /* dladdr */
#include "datadir.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

#ifndef EBM_SOURCE_DIR
#define EBM_SOURCE_DIR "."
#endif

/* dir/../share/ebm/what for the directory holding file, into out; 0 if it is
 * a directory. */
static int beside(const char *file, const char *what, char *out, size_t size) {
    char real[PATH_MAX];
    if (!file || !realpath(file, real)) return -1;
    char *slash = strrchr(real, '/');
    if (!slash) return -1;
    *slash = '\0';   /* PREFIX/bin or PREFIX/lib */
    slash = strrchr(real, '/');
    if (!slash) return -1;
    *slash = '\0';   /* PREFIX ("" for a file two levels under /) */
    int w = snprintf(out, size, "%s/share/ebm/%s", real, what);
    return w > 0 && (size_t)w < size && ebm_proc_is_dir(out) ? 0 : -1;
}

int ebm_data_dir(const char *what, char *out, size_t size, ebm_error *err) {
    /* The library's own file when it is libebm.so; the binary's when it is
     * linked in statically (dladdr then names the program, or nothing). */
    Dl_info info;
    if (dladdr((void *)ebm_data_dir, &info) && info.dli_fname && info.dli_fname[0] == '/' &&
        beside(info.dli_fname, what, out, size) == 0)
        return EBM_OK;
    if (beside("/proc/self/exe", what, out, size) == 0) return EBM_OK;
    const char *env = getenv("EBM_DATA_DIR");
    if (env && *env) {
        int w = snprintf(out, size, "%s/%s", env, what);
        if (w > 0 && (size_t)w < size && ebm_proc_is_dir(out)) return EBM_OK;
    }
    int w = snprintf(out, size, "%s/%s", EBM_SOURCE_DIR, what);
    if (w > 0 && (size_t)w < size && ebm_proc_is_dir(out)) return EBM_OK;
    return ebm_fail(err, EBM_EIO, "ebm's %s/ directory not found (looked in PREFIX/share/ebm "
                                  "beside the ebm binary, in $EBM_DATA_DIR%s%s, and in %s)",
                    what, env && *env ? "=" : " (unset)", env && *env ? env : "",
                    EBM_SOURCE_DIR);
}
