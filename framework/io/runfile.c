/* runfile.c — writing the HDF5 run file (layout in runfile.h and the README)
 * while a run goes on.
 *
 * SWMR mode is deliberately NOT used: datasets such as /samples/<step> are
 * created during the run, which SWMR forbids once writing has started.
 * Crash safety comes instead from three things, measured with
 * tests/cli/crash_kill.sh (numbers in the README):
 *  - ebm_runfile_flush (H5Fflush + fsync) at every log point;
 *  - metadata cache evictions off, so HDF5 writes metadata only in that
 *    flush and never half a structure between log points (unbounded, the
 *    cache would grow with the run: a flush reopens the file past
 *    REOPEN_CACHE_BYTES, which empties it);
 *  - the file is born as <path>.part and renamed to <path> after its first
 *    flush, so run.h5 never exists half-created.
 * The format is capped at 1.8 (libver bounds), whose superblock has no "file
 * open for writing" flag, so a killed run's file opens without h5clear.
 *
 * HDF5 keeps an exclusive lock on the file while it is open here; our reader
 * opens with locking off so `ebm show/plot` work on a live run, while h5dump
 * needs HDF5_USE_FILE_LOCKING=FALSE for that. */
#include "runfile.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "claim.h"
#include "h5util.h"
#include "version.h"

/* Elements per chunk of a metric series: 2 KiB of int64, small enough for
 * short runs, large enough that a long one is not mostly chunk index. */
#define METRIC_CHUNK 256
/* A flush reopens the file once held metadata passes this (about 100 000
 * small datasets' worth). */
#define REOPEN_CACHE_BYTES ((size_t)64 << 20)

/* A metric series being appended to: its two datasets stay open so an append
 * is one extend and one write each. */
typedef struct open_series {
    char *name;
    hid_t step, value;
    hsize_t n;
} open_series;

struct ebm_runfile {
    hid_t file;
    /* Set when a flush failed (full disk, I/O error). HDF5 1.10 cannot flush
     * that file again ("slist already enabled?") and its H5Fclose then fails
     * half-way and crashes the exit handler, so the file is never touched
     * again: it keeps what its last complete flush wrote, status included. */
    int broken;
    char *path;
    open_series *series;
    int n_series, cap_series;
};

static void close_series(open_series *s) {
    if (s->step >= 0) H5Dclose(s->step);
    if (s->value >= 0) H5Dclose(s->value);
    free(s->name);
}

static void forget_series(ebm_runfile *rf, const char *name) {
    for (int i = 0; i < rf->n_series; i++) {
        if (strcmp(rf->series[i].name, name) != 0) continue;
        close_series(&rf->series[i]);
        rf->series[i] = rf->series[--rf->n_series];
        return;
    }
}

static int check_name(const char *name, const char *what, ebm_error *err) {
    if (ebm_h5_valid_name(name)) return EBM_OK;
    return ebm_fail(err, EBM_EINVAL,
                    "%s name \"%s\" is not a valid HDF5 name (empty, \".\" or "
                    "containing '/')", what, name ? name : "(null)");
}

static int write_u64_attr(hid_t obj, const char *name, uint64_t value) {
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = space < 0 ? -1
                 : H5Acreate2(obj, name, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = attr >= 0 && H5Awrite(attr, H5T_NATIVE_UINT64, &value) >= 0 ? 0 : -1;
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    ebm_h5_release_error(held);
    return rc;
}

/* A float64 attribute, written over the earlier value when there is one. */
static int write_f64_attr(hid_t obj, const char *name, double value) {
    htri_t exists = H5Aexists(obj, name);
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    if (space >= 0 && exists >= 0)
        attr = exists ? H5Aopen(obj, name, H5P_DEFAULT)
                      : H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = attr >= 0 && H5Awrite(attr, H5T_NATIVE_DOUBLE, &value) >= 0 ? 0 : -1;
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    ebm_h5_release_error(held);
    return rc;
}

static int write_config(hid_t file, const char *yaml) {
    hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
    hid_t dcpl = ebm_h5_dcpl(), dset = -1;
    int rc = -1;
    if (type >= 0 && space >= 0 && dcpl >= 0 &&
        H5Tset_size(type, strlen(yaml) + 1) >= 0 &&
        H5Tset_strpad(type, H5T_STR_NULLTERM) >= 0 &&
        H5Tset_cset(type, H5T_CSET_UTF8) >= 0) {   /* h5py: .asstr() gives str */
        dset = H5Dcreate2(file, "config", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (dset >= 0 && H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, yaml) >= 0)
            rc = 0;
    }
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (dset >= 0) H5Dclose(dset);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    ebm_h5_release_error(held);
    return rc;
}

/* HDF5 reports a missing directory as a long stack; opening the path
 * ourselves first gives the user the plain errno text (naming the file the
 * user asked for, not its .part). */
static int check_writable(const char *path, const char *shown, ebm_error *err) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return ebm_fail(err, EBM_EIO, "%s: cannot create: %s", shown, strerror(errno));
    close(fd);
    return EBM_OK;
}

/* Keeps dirty metadata in memory until the next flush. With evictions on,
 * HDF5 writes metadata back whenever its cache fills, between log points,
 * and a kill then leaves a half-updated structure: 5% of files killed at
 * random were unreadable that way. */
static int hold_metadata(hid_t file) {
    H5AC_cache_config_t config;
    config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    if (H5Fget_mdc_config(file, &config) < 0) return -1;
    config.evictions_enabled = 0;   /* HDF5 requires resizing off for this */
    config.incr_mode = H5C_incr__off;
    config.flash_incr_mode = H5C_flash_incr__off;
    config.decr_mode = H5C_decr__off;
    return H5Fset_mdc_config(file, &config) < 0 ? -1 : 0;
}

/* earliest..1.8: readable by h5py/h5dump of any 1.8+; strong close so
 * H5Fclose also closes whatever an error path left open. */
static hid_t run_fapl(void) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && (H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0 ||
                      H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0)) {
        hid_t held = ebm_h5_hold_error(1);
        H5Pclose(fapl);
        ebm_h5_release_error(held);
        return -1;
    }
    return fapl;
}

/* Creates (create = 1) or opens for writing, with metadata held. */
static hid_t open_file(const char *path, int create) {
    hid_t fapl = run_fapl(), fcpl = create ? H5Pcreate(H5P_FILE_CREATE) : H5P_DEFAULT;
    hid_t file = -1;
    if (fapl >= 0 && fcpl >= 0 && (!create || H5Pset_obj_track_times(fcpl, 0) >= 0)) {
        /* A new file, never through what is at path (a stale part, a planted
         * symlink): unlinked, then created exclusively (O_CREAT|O_EXCL). */
        if (create) unlink(path);
        file = create ? H5Fcreate(path, H5F_ACC_EXCL, fcpl, fapl)
                      : H5Fopen(path, H5F_ACC_RDWR, fapl);
    }
    if (file >= 0 && hold_metadata(file) < 0) {
        hid_t held = ebm_h5_hold_error(1);
        H5Fclose(file);
        ebm_h5_release_error(held);
        file = -1;
    }
    hid_t held = ebm_h5_hold_error(file < 0);
    if (create && fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    ebm_h5_release_error(held);
    return file;
}

/* 32 random hex digits naming this run, so a resume can tell its own
 * checkpoint from another run's of the same config and seed. */
static const char *run_id(char out[40]) {
    unsigned char bytes[16];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
        /* no entropy source: time and pid still tell two runs apart */
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        uint64_t a = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec, b = (uint64_t)getpid();
        memcpy(bytes, &a, 8);
        memcpy(bytes + 8, &b, 8);
    }
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", bytes[i]);
    return out;
}

/* The skeleton is flushed under <path>.part, then renamed: a run killed
 * before that leaves no run.h5 rather than an unreadable one. */
static int publish(ebm_runfile *rf, const char *part, ebm_error *err) {
    int rc = ebm_runfile_flush(rf, err);
    if (!rc) rc = ebm_claim_rename(part, rf->path, err);   /* and syncs its directory */
    return rc;
}

ebm_runfile *ebm_runfile_create(const char *path, const char *config_yaml,
                                uint64_t seed, ebm_error *err) {
    if (!path || !config_yaml) {
        ebm_fail(err, EBM_EINVAL, "ebm_runfile_create: path and config are required");
        return NULL;
    }
    char part[4200];
    if (snprintf(part, sizeof part, "%s.part", path) >= (int)sizeof part) {
        ebm_fail(err, EBM_EINVAL, "%s: path too long", path);
        return NULL;
    }
    if (check_writable(part, path, err)) return NULL;
    ebm_h5_silence();
    ebm_runfile *rf = calloc(1, sizeof *rf);
    if (!rf || !(rf->path = strdup(path))) {
        free(rf);
        unlink(part);
        ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    rf->file = open_file(part, 1);
    if (rf->file < 0) {
        ebm_h5_fail(err, EBM_EIO, path, "cannot create HDF5 file");
        unlink(part);
        free(rf->path);
        free(rf);
        return NULL;
    }

    char started[32], id[40];
    ebm_h5_now(started);
    const char *failed = NULL;
    if (ebm_h5_write_str_attr(rf->file, "ebm_version", ebm_version()) < 0)
        failed = "root attribute ebm_version";
    else if (write_u64_attr(rf->file, "seed", seed) < 0)
        failed = "root attribute seed";
    else if (ebm_h5_write_str_attr(rf->file, "status", "running") < 0)
        failed = "root attribute status";
    else if (ebm_h5_write_str_attr(rf->file, "started", started) < 0)
        failed = "root attribute started";
    else if (ebm_h5_write_str_attr(rf->file, "finished", "") < 0)
        failed = "root attribute finished";
    else if (ebm_h5_write_str_attr(rf->file, "run_id", run_id(id)) < 0)
        failed = "root attribute run_id";
    else if (write_config(rf->file, config_yaml) < 0)
        failed = "/config";
    /* /metrics exists from the start so a reader of a run killed before its
     * first log point still sees the usual skeleton. */
    hid_t metrics = failed ? -1 : ebm_h5_ensure_group(rf->file, "metrics");
    if (failed)
        ebm_h5_fail(err, EBM_EIO, path, "cannot write %s", failed);
    else if (metrics < 0)
        ebm_h5_fail(err, EBM_EIO, path, "cannot create /metrics");
    if (metrics >= 0) H5Gclose(metrics);
    if (failed || metrics < 0 || publish(rf, part, err)) {
        ebm_runfile_close(rf, NULL);
        unlink(part);
        return NULL;
    }
    return rf;
}

ebm_runfile *ebm_runfile_open(const char *path, ebm_error *err) {
    ebm_h5_silence();
    ebm_runfile *rf = calloc(1, sizeof *rf);
    if (!rf || !(rf->path = strdup(path))) {
        free(rf);
        ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    rf->file = open_file(path, 0);
    if (rf->file < 0) {
        ebm_h5_fail(err, EBM_EIO, path, "cannot open the run file for writing");
        free(rf->path);
        free(rf);
        return NULL;
    }
    return rf;
}

const char *ebm_runfile_path(const ebm_runfile *rf) { return rf->path; }

/* A 1-D extendible, chunked dataset of n elements (written by the caller). */
static hid_t create_series_dataset(hid_t group, const char *name, hid_t type,
                                   hsize_t n) {
    hsize_t max = H5S_UNLIMITED, chunk = METRIC_CHUNK;
    hid_t space = H5Screate_simple(1, &n, &max), dcpl = ebm_h5_dcpl(), dset = -1;
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0)
        dset = H5Dcreate2(group, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    hid_t held = ebm_h5_hold_error(dset < 0);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    ebm_h5_release_error(held);
    return dset;
}

/* Creates /metrics/<name> with its attributes and two datasets of n points. */
static int create_metric_group(ebm_runfile *rf, const char *name, hsize_t n,
                               const char *estimator, const char *split,
                               const char *axis, hid_t *step, hid_t *value,
                               ebm_error *err) {
    char where[600];
    snprintf(where, sizeof where, "metrics/%s", name);
    *step = *value = -1;
    hid_t group = ebm_h5_ensure_group(rf->file, where);
    if (group < 0) return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot create /%s", where);
    const char *failed = NULL;
    if (estimator && ebm_h5_write_str_attr(group, "estimator", estimator) < 0)
        failed = "attribute estimator";
    else if (split && ebm_h5_write_str_attr(group, "split", split) < 0)
        failed = "attribute split";
    else if (ebm_h5_write_str_attr(group, "axis", axis) < 0)
        failed = "attribute axis";
    else if ((*step = create_series_dataset(group, "step", H5T_STD_I64LE, n)) < 0)
        failed = "dataset step";
    else if ((*value = create_series_dataset(group, "value", H5T_IEEE_F64LE, n)) < 0)
        failed = "dataset value";
    int rc = EBM_OK;
    if (failed) {
        rc = ebm_h5_fail(err, EBM_EIO, rf->path, "cannot create /%s %s", where, failed);
        if (*step >= 0) H5Dclose(*step);
        *step = -1;
    }
    H5Gclose(group);
    return rc;
}

/* The series is continued when the file already has it (a trace that later
 * gets points appended). */
static int open_existing_series(ebm_runfile *rf, const char *name,
                                open_series *s, ebm_error *err) {
    char where[600];
    snprintf(where, sizeof where, "metrics/%s", name);
    hid_t group = H5Gopen2(rf->file, where, H5P_DEFAULT);
    if (group < 0) return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot open /%s", where);
    s->step = H5Dopen2(group, "step", H5P_DEFAULT);
    s->value = s->step < 0 ? -1 : H5Dopen2(group, "value", H5P_DEFAULT);
    int rc = EBM_OK;
    if (s->value < 0) {
        rc = ebm_h5_fail(err, EBM_EIO, rf->path, "cannot open /%s/step and value", where);
    } else {
        hid_t space = H5Dget_space(s->step);
        hsize_t dims[1] = {0};
        if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
            H5Sget_simple_extent_dims(space, dims, NULL) < 0)
            rc = ebm_fail(err, EBM_EDATA, "%s: /%s/step is not 1-D", rf->path, where);
        if (space >= 0) H5Sclose(space);
        s->n = dims[0];
    }
    H5Gclose(group);
    return rc;
}

static int find_or_open_series(ebm_runfile *rf, const char *name,
                               const char *estimator, const char *split,
                               open_series **out, ebm_error *err) {
    for (int i = 0; i < rf->n_series; i++)
        if (strcmp(rf->series[i].name, name) == 0) {
            *out = &rf->series[i];
            return EBM_OK;
        }
    if (rf->n_series == rf->cap_series) {
        int cap = rf->cap_series ? 2 * rf->cap_series : 16;
        open_series *grown = realloc(rf->series, (size_t)cap * sizeof *grown);
        if (!grown) return ebm_fail(err, EBM_ENOMEM, "%s: out of memory", rf->path);
        rf->series = grown;
        rf->cap_series = cap;
    }
    open_series s = {.name = strdup(name), .step = -1, .value = -1, .n = 0};
    if (!s.name) return ebm_fail(err, EBM_ENOMEM, "%s: out of memory", rf->path);

    hid_t metrics = H5Gopen2(rf->file, "metrics", H5P_DEFAULT);
    int exists = metrics < 0 ? -1 : ebm_h5_has_link(metrics, name);
    hid_t held = ebm_h5_hold_error(exists < 0);
    if (metrics >= 0) H5Gclose(metrics);
    ebm_h5_release_error(held);
    int rc = exists < 0 ? ebm_h5_fail(err, EBM_EIO, rf->path, "cannot look up /metrics/%s", name)
             : exists  ? open_existing_series(rf, name, &s, err)
                       : create_metric_group(rf, name, 0, estimator, split, "step",
                                             &s.step, &s.value, err);
    if (rc) {
        close_series(&s);
        return rc;
    }
    rf->series[rf->n_series] = s;
    *out = &rf->series[rf->n_series++];
    return EBM_OK;
}

/* Writes one element at index `at` of a 1-D dataset already long enough. */
static int write_element(hid_t dset, hsize_t at, hid_t mem_type, const void *v) {
    hsize_t one = 1;
    hid_t file_space = H5Dget_space(dset), mem_space = H5Screate_simple(1, &one, NULL);
    int rc = file_space >= 0 && mem_space >= 0 &&
                     H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &at, NULL, &one, NULL) >= 0 &&
                     H5Dwrite(dset, mem_type, mem_space, file_space, H5P_DEFAULT, v) >= 0
                 ? 0 : -1;
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (mem_space >= 0) H5Sclose(mem_space);
    if (file_space >= 0) H5Sclose(file_space);
    ebm_h5_release_error(held);
    return rc;
}

int ebm_runfile_metric(ebm_runfile *rf, const char *name, int64_t step,
                       double value, const char *estimator, const char *split,
                       ebm_error *err) {
    int rc = check_name(name, "metric", err);
    if (rc) return rc;
    open_series *s = NULL;
    if ((rc = find_or_open_series(rf, name, estimator, split, &s, err))) return rc;
    hsize_t grown = s->n + 1;
    if (H5Dset_extent(s->step, &grown) < 0 || H5Dset_extent(s->value, &grown) < 0 ||
        write_element(s->step, s->n, H5T_NATIVE_INT64, &step) < 0 ||
        write_element(s->value, s->n, H5T_NATIVE_DOUBLE, &value) < 0)
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot append to /metrics/%s", name);
    s->n = grown;
    return EBM_OK;
}

int ebm_runfile_trace(ebm_runfile *rf, const char *name, const double *values,
                      size_t n, const char *axis, const char *estimator,
                      ebm_error *err) {
    int rc = check_name(name, "metric", err);
    if (rc) return rc;
    if (n > 0 && !values)
        return ebm_fail(err, EBM_EINVAL, "trace %s: no values", name);
    forget_series(rf, name);
    char where[600];
    snprintf(where, sizeof where, "metrics/%s", name);
    int exists = ebm_h5_has_link(rf->file, where);
    if (exists < 0 || (exists && H5Ldelete(rf->file, where, H5P_DEFAULT) < 0))
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot replace /%s", where);

    int64_t *steps = malloc((n ? n : 1) * sizeof *steps);
    if (!steps) return ebm_fail(err, EBM_ENOMEM, "%s: out of memory", rf->path);
    for (size_t i = 0; i < n; i++) steps[i] = (int64_t)i;
    hid_t step_ds, value_ds;
    rc = create_metric_group(rf, name, n, estimator, NULL, axis ? axis : "step",
                             &step_ds, &value_ds, err);
    if (!rc) {
        if (n > 0 &&
            (H5Dwrite(step_ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, steps) < 0 ||
             H5Dwrite(value_ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0))
            rc = ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write /%s", where);
        H5Dclose(step_ds);
        H5Dclose(value_ds);
    }
    free(steps);
    return rc;
}

/* Creates (replacing) a contiguous float32 dataset of the given shape. */
static hid_t create_float_dataset(hid_t group, const char *name, int rank,
                                  const hsize_t *dims) {
    int exists = ebm_h5_has_link(group, name);
    if (exists < 0 || (exists && H5Ldelete(group, name, H5P_DEFAULT) < 0)) return -1;
    hid_t space = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t dcpl = ebm_h5_dcpl(), dset = -1;
    if (space >= 0 && dcpl >= 0)
        dset = H5Dcreate2(group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    hid_t held = ebm_h5_hold_error(dset < 0);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    ebm_h5_release_error(held);
    return dset;
}

static int write_shape_attr(hid_t dset, int height, int width) {
    hsize_t two = 2;
    int64_t shape[2] = {height, width};
    hid_t space = H5Screate_simple(1, &two, NULL);
    hid_t attr = space < 0 ? -1
                 : H5Acreate2(dset, "shape", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = attr >= 0 && H5Awrite(attr, H5T_NATIVE_INT64, shape) >= 0 ? 0 : -1;
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    ebm_h5_release_error(held);
    return rc;
}

void ebm_runfile_step_name(int64_t step, char *out, size_t size) {
    snprintf(out, size, "%010lld", (long long)step);
}

int ebm_runfile_images(ebm_runfile *rf, const char *group, int64_t step,
                       const float *x, size_t n, size_t dim, int height,
                       int width, const char *layout, ebm_error *err) {
    int rc = EBM_OK;
    char *levels = group ? strdup(group) : NULL;
    if (!levels) return ebm_fail(err, group ? EBM_ENOMEM : EBM_EINVAL, "images: no group");
    char *save = NULL;
    for (char *level = strtok_r(levels, "/", &save); level && !rc;
         level = strtok_r(NULL, "/", &save))
        rc = check_name(level, "image group", err);
    free(levels);
    if (rc) return rc;
    if (n * dim > 0 && !x) return ebm_fail(err, EBM_EINVAL, "images /%s: no data", group);

    char name[32];
    ebm_runfile_step_name(step, name, sizeof name);
    int as_image = height > 0 && width > 0 && (size_t)height * (size_t)width == dim;
    hsize_t dims[3] = {n, as_image ? (hsize_t)height : dim, (hsize_t)width};

    hid_t g = ebm_h5_ensure_group(rf->file, group);
    hid_t dset = g < 0 ? -1 : create_float_dataset(g, name, as_image ? 3 : 2, dims);
    if (dset < 0 ||
        (n * dim > 0 && H5Dwrite(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0) ||
        (as_image && write_shape_attr(dset, height, width) < 0) ||
        (layout && ebm_h5_write_str_attr(dset, "layout", layout) < 0))
        rc = ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write /%s/%s", group, name);
    if (dset >= 0) H5Dclose(dset);
    if (g >= 0) H5Gclose(g);
    return rc;
}

static int write_tensor(hid_t group, const ebm_tensor *t, const char *path,
                        ebm_error *err) {
    int rc = check_name(t->name, "parameter", err);
    if (rc) return rc;
    if (t->rank < 0 || t->rank > 4)
        return ebm_fail(err, EBM_EINVAL, "parameter %s: rank %d is not 0..4", t->name, t->rank);
    hsize_t dims[4];
    size_t size = 1;
    for (int d = 0; d < t->rank; d++) {
        dims[d] = t->shape[d];
        size *= t->shape[d];
    }
    if (size > 0 && !t->data)
        return ebm_fail(err, EBM_EINVAL, "parameter %s: no data", t->name);
    hid_t dset = create_float_dataset(group, t->name, t->rank, dims);
    if (dset < 0 ||
        (size > 0 && H5Dwrite(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t->data) < 0))
        rc = ebm_h5_fail(err, EBM_EIO, path, "cannot write /model/%s", t->name);
    if (dset >= 0) H5Dclose(dset);
    return rc;
}

/* The whole group is replaced, so a parameter the model no longer has does
 * not linger from an earlier save. */
int ebm_runfile_model(ebm_runfile *rf, const char *type,
                      const ebm_tensor *params, int n, ebm_error *err) {
    int exists = ebm_h5_has_link(rf->file, "model");
    if (exists < 0 || (exists && H5Ldelete(rf->file, "model", H5P_DEFAULT) < 0))
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot replace /model");
    hid_t group = ebm_h5_ensure_group(rf->file, "model");
    if (group < 0) return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot create /model");
    int rc = EBM_OK;
    if (ebm_h5_write_str_attr(group, "type", type ? type : "") < 0)
        rc = ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write /model attribute type");
    for (int i = 0; i < n && !rc; i++) rc = write_tensor(group, &params[i], rf->path, err);
    H5Gclose(group);
    return rc;
}

int ebm_runfile_status(ebm_runfile *rf, const char *status, ebm_error *err) {
    static const char *const known[] = {"running", "completed", "failed", "interrupted"};
    int ok = 0;
    for (size_t i = 0; status && i < sizeof known / sizeof known[0]; i++)
        ok |= strcmp(status, known[i]) == 0;
    if (!ok)
        return ebm_fail(err, EBM_EINVAL,
                        "run status \"%s\" is not one of running, completed, failed, interrupted",
                        status ? status : "(null)");
    /* Back to "running" (a resumed run) clears finished. */
    char finished[32] = "";
    if (strcmp(status, "running") != 0) ebm_h5_now(finished);
    if (ebm_h5_write_str_attr(rf->file, "status", status) < 0 ||
        ebm_h5_write_str_attr(rf->file, "finished", finished) < 0)
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write root attribute status");
    return EBM_OK;
}

int ebm_runfile_failure(ebm_runfile *rf, const char *why, ebm_error *err) {
    if (ebm_h5_write_str_attr(rf->file, "failure", why ? why : "") < 0)
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write root attribute failure");
    return EBM_OK;
}

int ebm_runfile_provenance(ebm_runfile *rf, const char *command, const char *overrides,
                           ebm_error *err) {
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0) snprintf(host, sizeof host, "unknown");
    const char *failed = NULL;
    if (ebm_h5_write_str_attr(rf->file, "command", command ? command : "") < 0)
        failed = "command";
    else if (ebm_h5_write_str_attr(rf->file, "overrides", overrides ? overrides : "") < 0)
        failed = "overrides";
    else if (ebm_h5_write_str_attr(rf->file, "host", host) < 0)
        failed = "host";
    else if (write_f64_attr(rf->file, "duration_s", 0.0) < 0)
        failed = "duration_s";
    return failed ? ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write root attribute %s",
                                failed)
                  : EBM_OK;
}

int ebm_runfile_headline(ebm_runfile *rf, const char *metric, ebm_error *err) {
    if (ebm_h5_write_str_attr(rf->file, "headline", metric) < 0)
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write root attribute headline");
    return EBM_OK;
}

int ebm_runfile_duration(ebm_runfile *rf, double seconds, ebm_error *err) {
    if (write_f64_attr(rf->file, "duration_s", seconds) < 0)
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot write root attribute duration_s");
    return EBM_OK;
}

/* Held metadata is all clean after a flush; closing and reopening the file
 * is the public way to let go of it. Open series are reopened on next use. */
static int reopen_if_large(ebm_runfile *rf, ebm_error *err) {
    size_t max_size, min_clean, cur_size;
    int n_entries;
    if (H5Fget_mdc_size(rf->file, &max_size, &min_clean, &cur_size, &n_entries) < 0 ||
        cur_size < REOPEN_CACHE_BYTES)
        return EBM_OK;
    for (int i = 0; i < rf->n_series; i++) close_series(&rf->series[i]);
    rf->n_series = 0;
    if (H5Fclose(rf->file) < 0) {
        rf->file = -1;
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot close to reopen");
    }
    rf->file = open_file(rf->path, 0);
    if (rf->file < 0) return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot reopen");
    return EBM_OK;
}

int ebm_runfile_flush(ebm_runfile *rf, ebm_error *err) {
    if (rf->file < 0) return ebm_fail(err, EBM_EIO, "%s: the file was lost in a failed reopen", rf->path);
    if (rf->broken) return ebm_fail(err, EBM_EIO, "%s: not written since an earlier failed write", rf->path);
    if (H5Fflush(rf->file, H5F_SCOPE_GLOBAL) < 0) {
        rf->broken = 1;
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot flush");
    }
    int *fd = NULL;
    if (H5Fget_vfd_handle(rf->file, H5P_DEFAULT, (void **)&fd) < 0 || !fd)
        return ebm_h5_fail(err, EBM_EIO, rf->path, "cannot get the file descriptor to sync");
    if (fsync(*fd) != 0) {
        rf->broken = 1;
        return ebm_fail(err, EBM_EIO, "%s: cannot sync: %s", rf->path, strerror(errno));
    }
    return reopen_if_large(rf, err);
}

int ebm_runfile_close(ebm_runfile *rf, ebm_error *err) {
    if (!rf) return EBM_OK;
    int rc = ebm_runfile_flush(rf, err);
    for (int i = 0; i < rf->n_series; i++) close_series(&rf->series[i]);
    free(rf->series);
    /* A file whose flush failed is left open (see `broken`). */
    if (rf->file >= 0 && !rf->broken && H5Fclose(rf->file) < 0 && !rc)
        rc = ebm_h5_fail(err, EBM_EIO, rf->path, "cannot close");
    free(rf->path);
    free(rf);
    return rc;
}
