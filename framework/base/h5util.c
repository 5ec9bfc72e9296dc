/* h5util.c — small HDF5 helpers shared by the run-file writer and reader
 * (error text, timestamps, names, groups, string attributes). */
#include "h5util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ebm_h5_silence(void) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* The walk goes upward, from the function that first saw the problem to the
 * API call, so entry 0 is the most specific reason. A failed system call
 * (the sec2 driver's write, on a full disk) buries its errno in a long
 * line ("... errno = 28, error message = 'No space left on device', buf =
 * 0x..."): the user gets strerror's text alone. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *data) {
    char *reason = data;
    if (!e || !e->desc || !e->desc[0]) return 0;
    const char *at = strstr(e->desc, "errno = ");
    if (at) {
        int code = atoi(at + 8);
        if (code > 0 && strncmp(reason, "errno:", 6) != 0)
            snprintf(reason, 512, "errno:%s", strerror(code));
    } else if (n == 0) {
        snprintf(reason, 512, "%s", e->desc);
    }
    return 0;
}

int ebm_h5_fail(ebm_error *err, int code, const char *path, const char *fmt,
                ...) {
    char reason[512] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, reason);
    if (strncmp(reason, "errno:", 6) == 0) memmove(reason, reason + 6, strlen(reason + 6) + 1);
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (reason[0])
        return ebm_fail(err, code, "%s: %s: %s", path, what, reason);
    return ebm_fail(err, code, "%s: %s", path, what);
}

hid_t ebm_h5_hold_error(int failed) {
    return failed ? H5Eget_current_stack() : -1;
}

void ebm_h5_release_error(hid_t held) {
    if (held >= 0) H5Eset_current_stack(held);
}

void ebm_h5_now(char out[32]) {
    time_t now = time(NULL);
    struct tm utc;
    if (!gmtime_r(&now, &utc) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &utc))
        out[0] = '\0';
}

int ebm_h5_valid_name(const char *name) {
    return name && name[0] && !strchr(name, '/') && strcmp(name, ".") != 0;
}

static hid_t untimed_plist(hid_t cls) {
    hid_t plist = H5Pcreate(cls);
    if (plist < 0) return plist;
    if (H5Pset_obj_track_times(plist, 0) < 0) {
        hid_t held = ebm_h5_hold_error(1);
        H5Pclose(plist);
        ebm_h5_release_error(held);
        return -1;
    }
    return plist;
}

hid_t ebm_h5_gcpl(void) { return untimed_plist(H5P_GROUP_CREATE); }
hid_t ebm_h5_dcpl(void) { return untimed_plist(H5P_DATASET_CREATE); }

int ebm_h5_has_link(hid_t loc, const char *name) {
    return (int)H5Lexists(loc, name, H5P_DEFAULT);
}

hid_t ebm_h5_ensure_group(hid_t loc, const char *path) {
    char *copy = strdup(path);
    hid_t gcpl = ebm_h5_gcpl();
    hid_t group = -1;   /* the level opened last; loc itself is never closed */
    hid_t held = -1;
    char *save = NULL;
    char *name = copy && gcpl >= 0 ? strtok_r(copy, "/", &save) : NULL;
    while (name) {
        hid_t parent = group >= 0 ? group : loc;
        int exists = ebm_h5_has_link(parent, name);
        hid_t next = exists < 0 ? -1
                     : exists  ? H5Gopen2(parent, name, H5P_DEFAULT)
                               : H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
        if (next < 0) held = ebm_h5_hold_error(1);
        if (group >= 0) H5Gclose(group);
        group = next;
        name = group >= 0 ? strtok_r(NULL, "/", &save) : NULL;
    }
    if (gcpl < 0) held = ebm_h5_hold_error(1);
    if (gcpl >= 0) H5Pclose(gcpl);
    free(copy);
    ebm_h5_release_error(held);
    return group;
}

int ebm_h5_write_str_attr(hid_t obj, const char *name, const char *value) {
    int rc = -1;
    hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR), attr = -1;
    if (type >= 0 && space >= 0 && H5Tset_size(type, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(type, H5T_CSET_UTF8) >= 0) {
        htri_t exists = H5Aexists(obj, name);
        if (exists > 0 && H5Adelete(obj, name) < 0) exists = -1;
        if (exists >= 0)
            attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0 && H5Awrite(attr, type, &value) >= 0) rc = 0;
    }
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    ebm_h5_release_error(held);
    return rc;
}

/* Another program (h5py, say) may have written a variable-length string. */
static int read_vlen_string(hid_t obj, int is_attr, hid_t file_type,
                            hid_t space, char **out) {
    hid_t mem = H5Tcopy(H5T_C_S1);
    char *text = NULL;
    int rc = -1;
    if (mem >= 0 && H5Tset_size(mem, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(mem, H5Tget_cset(file_type)) >= 0 &&
        (is_attr ? H5Aread(obj, mem, &text)
                 : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text)) >= 0) {
        *out = strdup(text ? text : "");
        rc = *out ? 0 : -2;
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, &text);
    }
    hid_t held = ebm_h5_hold_error(rc == -1);
    if (mem >= 0) H5Tclose(mem);
    ebm_h5_release_error(held);
    return rc;
}

static int read_fixed_string(hid_t obj, int is_attr, hid_t file_type,
                             char **out) {
    size_t size = H5Tget_size(file_type);
    char *text = calloc(size + 1, 1);
    if (!text) return -2;
    herr_t rd = is_attr ? H5Aread(obj, file_type, text)
                        : H5Dread(obj, file_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text);
    if (rd < 0) {
        free(text);
        return -1;
    }
    *out = text;
    return 0;
}

int ebm_h5_read_string(hid_t obj, int is_attr, char **out, const char *path,
                       const char *what, ebm_error *err) {
    *out = NULL;
    hid_t type = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    int rc = EBM_OK;
    if (type < 0 || space < 0) {
        rc = ebm_h5_fail(err, EBM_EIO, path, "cannot read %s", what);
    } else if (H5Tget_class(type) != H5T_STRING) {
        rc = ebm_fail(err, EBM_EDATA, "%s: %s is not a string", path, what);
    } else if (H5Sget_simple_extent_npoints(space) != 1) {
        rc = ebm_fail(err, EBM_EDATA, "%s: %s is not a single string", path, what);
    } else {
        int got = H5Tis_variable_str(type) > 0
                      ? read_vlen_string(obj, is_attr, type, space, out)
                      : read_fixed_string(obj, is_attr, type, out);
        if (got == -2)
            rc = ebm_fail(err, EBM_ENOMEM, "%s: reading %s: out of memory", path, what);
        else if (got < 0)
            rc = ebm_h5_fail(err, EBM_EDATA, path, "cannot read %s", what);
    }
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return rc;
}

int ebm_h5_read_opt_attr(hid_t obj, const char *name, char **out,
                         const char *path, const char *obj_path,
                         ebm_error *err) {
    char what[600];
    snprintf(what, sizeof what, "%s attribute %s", obj_path, name);
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0) {
        *out = NULL;
        return ebm_h5_fail(err, EBM_EIO, path, "cannot read %s", what);
    }
    if (!exists) {
        *out = strdup("");
        return *out ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
    }
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0) {
        *out = NULL;
        return ebm_h5_fail(err, EBM_EIO, path, "cannot open %s", what);
    }
    int rc = ebm_h5_read_string(attr, 1, out, path, what, err);
    H5Aclose(attr);
    return rc;
}
