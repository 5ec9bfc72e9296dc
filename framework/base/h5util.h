/* h5util.h — small HDF5 helpers shared by the run-file writer and reader:
 * error text from HDF5's own stack, string attributes, groups made one name
 * at a time with object timestamps off. Private to framework/runfile*.c. */
#ifndef EBM_H5UTIL_H
#define EBM_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>

#include "error.h"

/* Turns off HDF5's printing of its error stack (the library never prints);
 * the stack is still there for ebm_h5_fail to read. */
void ebm_h5_silence(void);

/* ebm_fail with "<path>: <formatted>: <HDF5's most specific reason>". Call it
 * right after the failing HDF5 call: any later HDF5 call clears the stack. */
int ebm_h5_fail(ebm_error *err, int code, const char *path, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

/* HDF5 clears its error stack at every API call, closing calls included:
 * hold a failure's stack across the clean-up so ebm_h5_fail can still read
 * it. hold returns -1 (nothing held) when failed is 0. */
hid_t ebm_h5_hold_error(int failed);
void ebm_h5_release_error(hid_t held);

/* The current time in UTC as ISO 8601, "2026-11-25T01:02:03Z". */
void ebm_h5_now(char out[32]);

/* 1 when name is usable as one HDF5 link name: not empty, no '/', not ".". */
int ebm_h5_valid_name(const char *name);

/* Object creation property lists with modification times off, so two runs
 * with the same seed write the same bytes. Close with H5Pclose. */
hid_t ebm_h5_gcpl(void);
hid_t ebm_h5_dcpl(void);

/* 1 if loc has a link called name, 0 if not, <0 on an HDF5 error. */
int ebm_h5_has_link(hid_t loc, const char *name);

/* Opens the group at path (relative to loc, '/'-separated), creating every
 * missing level with timestamps off. Returns the group or <0. */
hid_t ebm_h5_ensure_group(hid_t loc, const char *path);

/* Writes a scalar string attribute, replacing an existing one: variable
 * length and UTF-8, the form h5py decodes to str (it gives fixed-length
 * strings as bytes). Returns <0 on failure. */
int ebm_h5_write_str_attr(hid_t obj, const char *name, const char *value);

/* Reads a scalar string (fixed or variable length) from an attribute
 * (is_attr = 1) or a dataset into *out (malloc'd). Errors are EBM_EDATA or
 * EBM_EIO naming path and what ("/metrics/x attribute estimator"). */
int ebm_h5_read_string(hid_t obj, int is_attr, char **out, const char *path,
                       const char *what, ebm_error *err);

/* The string attribute name of obj into *out, or "" when obj has none. */
int ebm_h5_read_opt_attr(hid_t obj, const char *name, char **out,
                         const char *path, const char *obj_path,
                         ebm_error *err);

#endif
