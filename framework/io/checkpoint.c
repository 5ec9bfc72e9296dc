/* checkpoint.c — writing and reading DIR/checkpoint.h5 (layout in
 * checkpoint.h): a snapshot of the run file plus where training stood. */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claim.h"
#include "h5util.h"

void ebm_checkpoint_path(const char *dir, char *out, size_t size) {
    snprintf(out, size, "%s/checkpoint.h5", dir);
}

/* Copies src to dst (created or truncated) and syncs dst. */
static int copy_file(const char *src, const char *dst, ebm_error *err) {
    int in = open(src, O_RDONLY);
    if (in < 0) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", src, strerror(errno));
    int out = ebm_claim_create(dst, err);   /* never through a planted symlink */
    if (out < 0) {
        close(in);
        return err ? err->code : EBM_EIO;
    }
    char buf[1 << 16];
    int rc = EBM_OK;
    for (;;) {
        ssize_t got = read(in, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            rc = ebm_fail(err, EBM_EIO, "%s: cannot read: %s", src, strerror(errno));
            break;
        }
        if (got == 0) break;
        for (ssize_t done = 0; done < got;) {
            ssize_t put = write(out, buf + done, (size_t)(got - done));
            if (put < 0 && errno == EINTR) continue;
            if (put < 0) {
                rc = ebm_fail(err, EBM_EIO, "%s: cannot write: %s", dst, strerror(errno));
                break;
            }
            done += put;
        }
        if (rc) break;
    }
    if (!rc && fsync(out) != 0)
        rc = ebm_fail(err, EBM_EIO, "%s: cannot sync: %s", dst, strerror(errno));
    if (close(out) != 0 && !rc)
        rc = ebm_fail(err, EBM_EIO, "%s: cannot close: %s", dst, strerror(errno));
    close(in);
    return rc;
}

/* Syncs a file HDF5 has closed (its data may still sit in the page cache). */
static int sync_path(const char *path, ebm_error *err) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    int rc = fsync(fd) == 0 ? EBM_OK
                            : ebm_fail(err, EBM_EIO, "%s: cannot sync: %s", path, strerror(errno));
    close(fd);
    return rc;
}

static hid_t open_file(const char *path, unsigned flags) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), file = -1;
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) >= 0 &&
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0 &&
        H5Pset_file_locking(fapl, 0, 1) >= 0)
        file = H5Fopen(path, flags, fapl);
    hid_t held = ebm_h5_hold_error(file < 0);
    if (fapl >= 0) H5Pclose(fapl);
    ebm_h5_release_error(held);
    return file;
}

static int write_i64_attr(hid_t obj, const char *name, int64_t value) {
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = space < 0 ? -1
                 : H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = attr >= 0 && H5Awrite(attr, H5T_NATIVE_INT64, &value) >= 0 ? 0 : -1;
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    ebm_h5_release_error(held);
    return rc;
}

static int read_i64_attr(hid_t obj, const char *name, int64_t *value) {
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    int rc = attr >= 0 && H5Aread(attr, H5T_NATIVE_INT64, value) >= 0 ? 0 : -1;
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

static hid_t file_type(ebm_state_type type) {
    return type == EBM_STATE_F32 ? H5T_IEEE_F32LE
           : type == EBM_STATE_F64 ? H5T_IEEE_F64LE
           : type == EBM_STATE_I32 ? H5T_STD_I32LE : H5T_STD_U64LE;
}

static hid_t memory_type(ebm_state_type type) {
    return type == EBM_STATE_F32 ? H5T_NATIVE_FLOAT
           : type == EBM_STATE_F64 ? H5T_NATIVE_DOUBLE
           : type == EBM_STATE_I32 ? H5T_NATIVE_INT32 : H5T_NATIVE_UINT64;
}

/* A 1-D dataset at path (intermediate groups made), count elements. */
static int write_array(hid_t loc, const char *path, ebm_state_type type,
                       const void *data, size_t count) {
    hsize_t dims = count;
    hid_t space = H5Screate_simple(1, &dims, NULL), lcpl = H5Pcreate(H5P_LINK_CREATE);
    hid_t dcpl = ebm_h5_dcpl(), dset = -1;
    if (space >= 0 && lcpl >= 0 && dcpl >= 0 && H5Pset_create_intermediate_group(lcpl, 1) >= 0)
        dset = H5Dcreate2(loc, path, file_type(type), space, lcpl, dcpl, H5P_DEFAULT);
    int rc = dset >= 0 && (count == 0 || H5Dwrite(dset, memory_type(type), H5S_ALL,
                                                  H5S_ALL, H5P_DEFAULT, data) >= 0)
                 ? 0 : -1;
    hid_t held = ebm_h5_hold_error(rc < 0);
    if (dset >= 0) H5Dclose(dset);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (lcpl >= 0) H5Pclose(lcpl);
    if (space >= 0) H5Sclose(space);
    ebm_h5_release_error(held);
    return rc;
}

/* 1 if every one of count values of type is finite (integers always are). */
static int all_finite(ebm_state_type type, const void *data, size_t count) {
    for (size_t i = 0; type == EBM_STATE_F32 && i < count; i++)
        if (!isfinite(((const float *)data)[i])) return 0;
    for (size_t i = 0; type == EBM_STATE_F64 && i < count; i++)
        if (!isfinite(((const double *)data)[i])) return 0;
    return 1;
}

/* Reads the 1-D dataset at path into data, which holds count elements. Its
 * rank, size, type class and width must be what the run writes, and floats
 * must be finite: a checkpoint is trusted only once all of it checks. */
static int read_array(hid_t loc, const char *file_path, const char *path,
                      ebm_state_type type, void *data, size_t count, ebm_error *err) {
    hid_t dset = H5Dopen2(loc, path, H5P_DEFAULT);
    if (dset < 0)
        return ebm_fail(err, EBM_EDATA, "%s: the checkpoint has no /checkpoint/%s; it was "
                        "written by a different configuration or version", file_path, path);
    hid_t space = H5Dget_space(dset), dtype = H5Dget_type(dset);
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    hssize_t n = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    hid_t want = file_type(type);
    int rc = EBM_OK;
    if (rank != 1 || n != (hssize_t)count)
        rc = ebm_fail(err, EBM_EDATA, "%s: /checkpoint/%s holds %lld values in %d "
                      "dimension%s, the run needs %zu in 1", file_path, path, (long long)n,
                      rank, rank == 1 ? "" : "s", count);
    else if (dtype < 0 || H5Tget_class(dtype) != H5Tget_class(want) ||
             H5Tget_size(dtype) != H5Tget_size(want))
        rc = ebm_fail(err, EBM_EDATA, "%s: /checkpoint/%s has another type than the %s "
                      "the run writes", file_path, path,
                      type == EBM_STATE_F32 ? "float32" : type == EBM_STATE_F64 ? "float64"
                      : type == EBM_STATE_I32 ? "int32" : "uint64");
    else if (count > 0 &&
             H5Dread(dset, memory_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        rc = ebm_h5_fail(err, EBM_EDATA, file_path, "cannot read /checkpoint/%s", path);
    else if (!all_finite(type, data, count))
        /* ebm checkpoints only parameters that passed the epoch's divergence
         * check, so this is damage, or a file ebm did not write. */
        rc = ebm_fail(err, EBM_EDATA, "%s: /checkpoint/%s holds a NaN or infinite value; "
                      "ebm never checkpoints a diverged run, so the file is damaged: "
                      "start the run again with another --out", file_path, path);
    if (dtype >= 0) H5Tclose(dtype);
    if (space >= 0) H5Sclose(space);
    H5Dclose(dset);
    return rc;
}

/* Adds /checkpoint to the copy of the run file at path. */
static int add_checkpoint_group(const char *path, const ebm_checkpoint_pos *pos,
                                const ebm_tensor *params, int n_params,
                                const ebm_state_list *state, ebm_error *err) {
    hid_t file = open_file(path, H5F_ACC_RDWR);
    if (file < 0) return ebm_h5_fail(err, EBM_EIO, path, "cannot open");
    hid_t group = ebm_h5_ensure_group(file, "checkpoint");
    char written[32];
    ebm_h5_now(written);
    const char *failed = NULL;
    char what[200] = "";
    if (group < 0) failed = "/checkpoint";
    else if (write_i64_attr(group, "epoch", pos->epoch) < 0 ||
             write_i64_attr(group, "batch", pos->batch) < 0 ||
             write_i64_attr(group, "step", pos->step) < 0 ||
             (pos->start_pending && write_i64_attr(group, "start_pending", 1) < 0) ||
             ebm_h5_write_str_attr(group, "written", written) < 0)
        failed = "/checkpoint attributes";
    for (int i = 0; !failed && i < n_params; i++) {
        snprintf(what, sizeof what, "params/%s", params[i].name);
        if (write_array(group, what, EBM_STATE_F32, params[i].data,
                        ebm_tensor_size(&params[i])) < 0)
            failed = what;
    }
    for (int i = 0; !failed && state && i < state->n; i++) {
        const ebm_state_item *item = &state->items[i];
        snprintf(what, sizeof what, "state/%s", item->name);
        if (write_array(group, what, item->type, item->data, item->count) < 0) failed = what;
    }
    int rc = failed ? ebm_h5_fail(err, EBM_EIO, path, "cannot write %s", failed) : EBM_OK;
    if (group >= 0) H5Gclose(group);
    if (H5Fclose(file) < 0 && !rc) rc = ebm_h5_fail(err, EBM_EIO, path, "cannot close");
    return rc;
}

int ebm_checkpoint_write(const char *dir, const char *run_path,
                         const ebm_checkpoint_pos *pos, const ebm_tensor *params,
                         int n_params, const ebm_state_list *state, ebm_error *err) {
    char path[4200], tmp[4300];
    ebm_checkpoint_path(dir, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ebm_h5_silence();
    int rc = copy_file(run_path, tmp, err);
    if (!rc) rc = add_checkpoint_group(tmp, pos, params, n_params, state, err);
    if (!rc) rc = sync_path(tmp, err);
    if (!rc) rc = ebm_claim_rename(tmp, path, err);   /* and syncs DIR */
    if (rc) {
        unlink(tmp);
        return ebm_error_prefix(err, "checkpoint (the previous one is kept)");
    }
    return EBM_OK;
}

static int read_position(hid_t group, const char *path, ebm_checkpoint_pos *pos,
                         ebm_error *err) {
    if (read_i64_attr(group, "epoch", &pos->epoch) < 0 ||
        read_i64_attr(group, "batch", &pos->batch) < 0 ||
        read_i64_attr(group, "step", &pos->step) < 0)
        return ebm_fail(err, EBM_EDATA, "%s: /checkpoint lacks its epoch, batch or step "
                        "attribute", path);
    if (pos->epoch < 0 || pos->batch < 0 || pos->step < 0)
        return ebm_fail(err, EBM_EDATA, "%s: /checkpoint has a negative position", path);
    pos->start_pending = 0;
    if (H5Aexists(group, "start_pending") > 0 &&
        (read_i64_attr(group, "start_pending", &pos->start_pending) < 0 ||
         (pos->start_pending != 0 && pos->start_pending != 1) ||
         (pos->start_pending && (pos->epoch || pos->batch || pos->step))))
        return ebm_fail(err, EBM_EDATA, "%s: /checkpoint's start_pending is not 0 or 1, "
                        "or is set past the start", path);
    return EBM_OK;
}

/* Opens path and its /checkpoint group for reading. */
static int open_checkpoint(const char *path, hid_t *file, hid_t *group, ebm_error *err) {
    ebm_h5_silence();
    *group = -1;
    if (access(path, R_OK) != 0)
        return ebm_fail(err, EBM_EIO, "%s: %s", path, strerror(errno));
    *file = open_file(path, H5F_ACC_RDONLY);
    if (*file < 0)
        return ebm_fail(err, EBM_EDATA, "%s: not a readable HDF5 file (an ebm checkpoint "
                        "is one)", path);
    *group = H5Gopen2(*file, "checkpoint", H5P_DEFAULT);
    if (*group < 0) {
        H5Fclose(*file);
        return ebm_fail(err, EBM_EDATA, "%s: no /checkpoint group; not an ebm checkpoint",
                        path);
    }
    return EBM_OK;
}

int ebm_checkpoint_read(const char *path, ebm_checkpoint_pos *pos,
                        const ebm_tensor *params, int n_params,
                        const ebm_state_list *state, ebm_error *err) {
    hid_t file, group;
    int rc = open_checkpoint(path, &file, &group, err);
    if (rc) return rc;
    rc = read_position(group, path, pos, err);
    char what[200];
    for (int i = 0; !rc && i < n_params; i++) {
        snprintf(what, sizeof what, "params/%s", params[i].name);
        rc = read_array(group, path, what, EBM_STATE_F32, params[i].data,
                        ebm_tensor_size(&params[i]), err);
    }
    for (int i = 0; !rc && state && i < state->n; i++) {
        const ebm_state_item *item = &state->items[i];
        snprintf(what, sizeof what, "state/%s", item->name);
        rc = read_array(group, path, what, item->type, item->data, item->count, err);
    }
    H5Gclose(group);
    H5Fclose(file);
    return rc;
}

int ebm_checkpoint_peek(const char *path, ebm_checkpoint_info *info, ebm_error *err) {
    memset(info, 0, sizeof *info);
    hid_t file, group;
    int rc = open_checkpoint(path, &file, &group, err);
    if (rc) return rc;
    rc = read_position(group, path, &info->pos, err);
    char *written = NULL;
    if (!rc && ebm_h5_read_opt_attr(group, "written", &written, path, "/checkpoint", err) == 0) {
        snprintf(info->written, sizeof info->written, "%s", written);
        free(written);
    }
    H5Gclose(group);
    H5Fclose(file);
    return rc;
}

int ebm_checkpoint_restore(const char *checkpoint_path, const char *run_path,
                           ebm_error *err) {
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", run_path);
    ebm_h5_silence();
    int rc = copy_file(checkpoint_path, tmp, err);
    hid_t file = rc ? -1 : open_file(tmp, H5F_ACC_RDWR);
    if (!rc && file < 0) rc = ebm_h5_fail(err, EBM_EIO, tmp, "cannot open");
    if (!rc && (H5Ldelete(file, "checkpoint", H5P_DEFAULT) < 0 ||
                ebm_h5_write_str_attr(file, "status", "running") < 0 ||
                ebm_h5_write_str_attr(file, "finished", "") < 0))
        rc = ebm_h5_fail(err, EBM_EIO, tmp, "cannot turn the checkpoint back into a run file");
    if (file >= 0 && H5Fclose(file) < 0 && !rc)
        rc = ebm_h5_fail(err, EBM_EIO, tmp, "cannot close");
    if (!rc) rc = sync_path(tmp, err);
    if (!rc) rc = ebm_claim_rename(tmp, run_path, err);
    if (rc) unlink(tmp);
    return rc;
}
