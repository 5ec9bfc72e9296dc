/* runfile_read.c — reading a run file back (show, plot, sweep summaries,
 * `ebm sample`, tests), with EBM_EDATA errors that name what is missing when
 * the file is not an ebm run file. */
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5util.h"
#include "runfile.h"

/* The HDF5 signature sits at byte 0 or after a user block of 512, 1024,
 * 2048... bytes. Checked here rather than with H5Fis_hdf5, which takes a
 * file lock and so fails on a run that is still being written. */
static int looks_like_hdf5(int fd) {
    static const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    struct stat st;
    if (fstat(fd, &st) != 0) return 0;
    for (off_t at = 0; at + 8 <= st.st_size; at = at ? 2 * at : 512) {
        unsigned char head[8];
        if (pread(fd, head, 8, at) != 8) return 0;
        if (memcmp(head, signature, 8) == 0) return 1;
    }
    return 0;
}

static int open_for_read(const char *path, hid_t *file, ebm_error *err) {
    *file = -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno));
    int is_hdf5 = looks_like_hdf5(fd);
    close(fd);
    if (!is_hdf5) return ebm_fail(err, EBM_EDATA, "%s: not an HDF5 file", path);
    ebm_h5_silence();
    /* No lock, so a live run (which holds HDF5's exclusive lock) can be
     * read up to its last flush. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_file_locking(fapl, 0, 1) >= 0)
        *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    hid_t held = ebm_h5_hold_error(*file < 0);
    if (fapl >= 0) H5Pclose(fapl);
    ebm_h5_release_error(held);
    /* The signature was there, so what HDF5 cannot open is a damaged
     * (e.g. truncated) file: bad input, not an I/O failure. */
    if (*file < 0)
        return ebm_h5_fail(err, EBM_EDATA, path, "cannot open HDF5 file (damaged or "
                           "truncated?)");
    return EBM_OK;
}

/* Opens loc/name and checks it is the kind of object expected. */
static hid_t open_kind(hid_t loc, const char *name, H5I_type_t kind) {
    hid_t obj = H5Oopen(loc, name, H5P_DEFAULT);
    if (obj >= 0 && H5Iget_type(obj) != kind) {
        H5Oclose(obj);
        return -1;
    }
    return obj;
}

/* The link names of a group, in name order. */
static int list_links(hid_t group, char ***names, int *n, const char *path,
                      const char *what, ebm_error *err) {
    *names = NULL;
    *n = 0;
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0)
        return ebm_h5_fail(err, EBM_EIO, path, "cannot list %s", what);
    char **list = calloc(info.nlinks ? info.nlinks : 1, sizeof *list);
    if (!list) return ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
    for (hsize_t i = 0; i < info.nlinks; i++) {
        ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                         NULL, 0, H5P_DEFAULT);
        if (len < 0 || !(list[i] = malloc((size_t)len + 1)) ||
            H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, list[i],
                               (size_t)len + 1, H5P_DEFAULT) < 0) {
            int rc = len < 0 || list[i] ? ebm_h5_fail(err, EBM_EIO, path, "cannot list %s", what)
                                        : ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
            for (hsize_t j = 0; j <= i; j++) free(list[j]);
            free(list);
            return rc;
        }
    }
    *names = list;
    *n = (int)info.nlinks;
    return EBM_OK;
}

static void free_names(char **names, int n) {
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* A dataset's claim of count elements of size bytes each is checked against
 * the file before anything is allocated for it: deflate shrinks data at
 * most about 1032:1, so no dataset can hold more than 1100 times the file's
 * size (a damaged or hostile file claiming 2^40 points is refused, not
 * allocated). Dimensions are multiplied here too, without overflow. */
static int check_claim(const char *path, const char *where, const hsize_t *dims, int rank,
                       size_t size, size_t *count, ebm_error *err) {
    struct stat st;
    uint64_t limit = stat(path, &st) == 0 ? ((uint64_t)st.st_size + 65536) * 1100 : 0;
    uint64_t n = 1;
    for (int d = 0; d < rank; d++) {
        if (dims[d] != 0 && n > UINT64_MAX / dims[d]) n = UINT64_MAX;
        else n *= dims[d];
    }
    if (n > SIZE_MAX / size || n * size > limit)
        return ebm_fail(err, EBM_EDATA, "%s: %s claims %llu values, more than a file of "
                        "%lld bytes can hold (damaged, or not written by ebm)", path, where,
                        (unsigned long long)n, (long long)st.st_size);
    *count = (size_t)n;
    return EBM_OK;
}

/* Length of a 1-D dataset; -1 when it is not 1-D. */
static int series_length(hid_t dset, hsize_t *n) {
    hid_t space = H5Dget_space(dset);
    int ok = space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
             H5Sget_simple_extent_dims(space, n, NULL) >= 0;
    if (space >= 0) H5Sclose(space);
    return ok ? 0 : -1;
}

/* The first n elements of a 1-D dataset. */
static int read_prefix(hid_t dset, hid_t mem_type, size_t n, void *out) {
    hsize_t start = 0, count = n;
    hid_t file_space = H5Dget_space(dset), mem_space = H5Screate_simple(1, &count, NULL);
    int rc = file_space >= 0 && mem_space >= 0 &&
                     H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, NULL, &count,
                                         NULL) >= 0 &&
                     H5Dread(dset, mem_type, mem_space, file_space, H5P_DEFAULT, out) >= 0
                 ? 0 : -1;
    if (mem_space >= 0) H5Sclose(mem_space);
    if (file_space >= 0) H5Sclose(file_space);
    return rc;
}

/* torn_ok: the file says "running" (never closed, perhaps killed), so the
 * two datasets of a series may differ by the one point being flushed. */
static int read_series(hid_t metrics, const char *name, ebm_series *s, int torn_ok,
                       const char *path, ebm_error *err) {
    char where[600];
    snprintf(where, sizeof where, "/metrics/%s", name);
    s->name = strdup(name);
    if (!s->name) return ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
    hid_t group = open_kind(metrics, name, H5I_GROUP);
    if (group < 0) return ebm_fail(err, EBM_EDATA, "%s: %s is not a group", path, where);

    int rc = EBM_OK;
    hid_t step = -1, value = -1;
    hsize_t n_step = 0, n_value = 0;
    if ((step = open_kind(group, "step", H5I_DATASET)) < 0)
        rc = ebm_fail(err, EBM_EDATA, "%s: %s has no dataset 'step'", path, where);
    else if ((value = open_kind(group, "value", H5I_DATASET)) < 0)
        rc = ebm_fail(err, EBM_EDATA, "%s: %s has no dataset 'value'", path, where);
    else if (series_length(step, &n_step) < 0)
        rc = ebm_fail(err, EBM_EDATA, "%s: %s/step is not 1-D", path, where);
    else if (series_length(value, &n_value) < 0)
        rc = ebm_fail(err, EBM_EDATA, "%s: %s/value is not 1-D", path, where);
    else if (n_step != n_value && !(torn_ok && (n_step == n_value + 1 || n_value == n_step + 1)))
        rc = ebm_fail(err, EBM_EDATA, "%s: %s: step has %llu points but value has %llu",
                      path, where, (unsigned long long)n_step, (unsigned long long)n_value);
    /* A run killed inside a flush may have extended one of the pair and not
     * the other: its last point is not a completed log point. */
    if (!rc && n_value < n_step) n_step = n_value;
    size_t claimed = 0;
    if (!rc) rc = check_claim(path, where, &n_step, 1, sizeof(int64_t) + sizeof(double),
                              &claimed, err);

    if (!rc) {
        s->n = claimed;
        s->step = malloc((s->n ? s->n : 1) * sizeof *s->step);
        s->value = malloc((s->n ? s->n : 1) * sizeof *s->value);
        if (!s->step || !s->value)
            rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
        else if (s->n && (read_prefix(step, H5T_NATIVE_INT64, s->n, s->step) < 0 ||
                          read_prefix(value, H5T_NATIVE_DOUBLE, s->n, s->value) < 0))
            rc = ebm_h5_fail(err, EBM_EDATA, path, "cannot read %s as numbers", where);
    }
    if (!rc) rc = ebm_h5_read_opt_attr(group, "estimator", &s->estimator, path, where, err);
    if (!rc) rc = ebm_h5_read_opt_attr(group, "split", &s->split, path, where, err);
    if (!rc) rc = ebm_h5_read_opt_attr(group, "axis", &s->axis, path, where, err);
    if (value >= 0) H5Oclose(value);
    if (step >= 0) H5Oclose(step);
    H5Oclose(group);
    return rc;
}

static int read_metrics(hid_t file, ebm_runinfo *out, const char *path,
                        ebm_error *err) {
    int exists = ebm_h5_has_link(file, "metrics");
    if (exists <= 0)
        return exists < 0 ? ebm_h5_fail(err, EBM_EIO, path, "cannot look up /metrics") : EBM_OK;
    hid_t metrics = open_kind(file, "metrics", H5I_GROUP);
    if (metrics < 0) return ebm_fail(err, EBM_EDATA, "%s: /metrics is not a group", path);
    char **names;
    int n;
    int rc = list_links(metrics, &names, &n, path, "/metrics", err);
    if (!rc && n > 0 && !(out->metrics = calloc((size_t)n, sizeof *out->metrics)))
        rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
    for (int i = 0; i < n && !rc; i++) {
        out->n_metrics = i + 1;   /* so ebm_runinfo_free sees partial series */
        rc = read_series(metrics, names[i], &out->metrics[i],
                         out->status && strcmp(out->status, "running") == 0, path, err);
    }
    if (names) free_names(names, n);
    H5Oclose(metrics);
    return rc;
}

/* duration_s, NaN when the file has none or it is not a number. */
static int read_duration(hid_t file, double *out) {
    *out = NAN;
    if (H5Aexists(file, "duration_s") <= 0) return EBM_OK;
    hid_t attr = H5Aopen(file, "duration_s", H5P_DEFAULT);
    if (attr < 0) return EBM_OK;
    hid_t space = H5Aget_space(attr);
    double value;
    if (space >= 0 && H5Sget_simple_extent_npoints(space) == 1 &&
        H5Aread(attr, H5T_NATIVE_DOUBLE, &value) >= 0)
        *out = value;
    if (space >= 0) H5Sclose(space);
    H5Aclose(attr);
    H5Eclear2(H5E_DEFAULT);
    return EBM_OK;
}

static int read_seed(hid_t file, uint64_t *seed, const char *path,
                     ebm_error *err) {
    *seed = 0;
    htri_t exists = H5Aexists(file, "seed");
    if (exists <= 0)
        return exists < 0 ? ebm_h5_fail(err, EBM_EIO, path, "cannot read root attribute seed")
                          : EBM_OK;
    hid_t attr = H5Aopen(file, "seed", H5P_DEFAULT);
    hid_t type = attr < 0 ? -1 : H5Aget_type(attr);
    int rc = EBM_OK;
    if (type < 0 || H5Tget_class(type) != H5T_INTEGER || H5Aread(attr, H5T_NATIVE_UINT64, seed) < 0)
        rc = ebm_fail(err, EBM_EDATA, "%s: root attribute seed is not an integer", path);
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

static int read_model_type(hid_t file, char **out, const char *path,
                           ebm_error *err) {
    int exists = ebm_h5_has_link(file, "model");
    hid_t model = exists > 0 ? open_kind(file, "model", H5I_GROUP) : -1;
    if (model < 0) {
        *out = strdup("");
        return *out ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
    }
    int rc = ebm_h5_read_opt_attr(model, "type", out, path, "/model", err);
    H5Oclose(model);
    return rc;
}

int ebm_runfile_read(const char *path, ebm_runinfo *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    hid_t file;
    int rc = open_for_read(path, &file, err);
    if (rc) return rc;

    htri_t has_status = H5Aexists(file, "status");
    int has_config = ebm_h5_has_link(file, "config");
    hid_t config = has_config > 0 ? open_kind(file, "config", H5I_DATASET) : -1;
    if (has_status <= 0)
        rc = ebm_fail(err, EBM_EDATA, "%s: not an ebm run file: no root attribute 'status'", path);
    else if (config < 0)
        rc = ebm_fail(err, EBM_EDATA, "%s: not an ebm run file: no dataset /config", path);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "status", &out->status, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "ebm_version", &out->ebm_version, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "started", &out->started, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "finished", &out->finished, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "run_id", &out->run_id, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "command", &out->command, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "overrides", &out->overrides, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "host", &out->host, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "headline", &out->headline, path, "/", err);
    if (!rc) rc = ebm_h5_read_opt_attr(file, "failure", &out->failure, path, "/", err);
    if (!rc) rc = read_duration(file, &out->duration_s);
    if (!rc) rc = read_seed(file, &out->seed, path, err);
    if (!rc) rc = ebm_h5_read_string(config, 0, &out->config_yaml, path, "/config", err);
    if (!rc) rc = read_model_type(file, &out->model_type, path, err);
    if (!rc) rc = read_metrics(file, out, path, err);
    if (config >= 0) H5Oclose(config);
    H5Fclose(file);
    if (rc) ebm_runinfo_free(out);
    return rc;
}

void ebm_runinfo_free(ebm_runinfo *info) {
    if (!info) return;
    free(info->ebm_version);
    free(info->status);
    free(info->started);
    free(info->finished);
    free(info->failure);
    free(info->run_id);
    free(info->command);
    free(info->overrides);
    free(info->host);
    free(info->headline);
    free(info->config_yaml);
    free(info->model_type);
    for (int i = 0; i < info->n_metrics; i++) {
        ebm_series *s = &info->metrics[i];
        free(s->name);
        free(s->estimator);
        free(s->split);
        free(s->axis);
        free(s->step);
        free(s->value);
    }
    free(info->metrics);
    memset(info, 0, sizeof *info);
}

const ebm_series *ebm_runinfo_metric(const ebm_runinfo *info, const char *name) {
    for (int i = 0; i < info->n_metrics; i++)
        if (strcmp(info->metrics[i].name, name) == 0) return &info->metrics[i];
    return NULL;
}

/* ---- images ---- */

typedef struct image_list {
    ebm_image_set *sets;
    int n, cap;
} image_list;

static int read_shape_attr(hid_t dset, int *height, int *width) {
    if (H5Aexists(dset, "shape") <= 0) return 0;
    hid_t attr = H5Aopen(dset, "shape", H5P_DEFAULT);
    hid_t space = attr < 0 ? -1 : H5Aget_space(attr);
    int64_t shape[2];
    int rc = space >= 0 && H5Sget_simple_extent_npoints(space) == 2 &&
                     H5Aread(attr, H5T_NATIVE_INT64, shape) >= 0 &&
                     shape[0] > 0 && shape[1] > 0 && shape[0] <= 1 << 20 && shape[1] <= 1 << 20
                 ? 0 : -1;
    if (!rc) {
        *height = (int)shape[0];
        *width = (int)shape[1];
    }
    if (space >= 0) H5Sclose(space);
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

static int read_image_set(hid_t group, const char *group_name, const char *name,
                          ebm_image_set *set, const char *path, ebm_error *err) {
    char where[1200];
    snprintf(where, sizeof where, "/%s/%s", group_name, name);
    set->path = strdup(where);
    set->group = strdup(group_name);
    if (!set->path || !set->group) return ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
    char *end;
    errno = 0;
    set->step = strtoll(name, &end, 10);
    if (errno || end == name || *end)
        return ebm_fail(err, EBM_EDATA, "%s: %s: name is not a step number", path, where);

    hid_t dset = open_kind(group, name, H5I_DATASET);
    if (dset < 0) return ebm_fail(err, EBM_EDATA, "%s: %s is not a dataset", path, where);
    int rc = EBM_OK;
    hid_t space = H5Dget_space(dset);
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    hsize_t dims[3] = {0, 0, 0};
    if (rank != 2 && rank != 3) {
        rc = ebm_fail(err, EBM_EDATA, "%s: %s has rank %d, not 2 or 3", path, where, rank);
    } else {
        H5Sget_simple_extent_dims(space, dims, NULL);
        set->n = (size_t)dims[0];
        set->dim = (size_t)dims[1] * (rank == 3 ? (size_t)dims[2] : 1);
        if (rank == 3) {
            set->height = (int)dims[1];
            set->width = (int)dims[2];
        }
        if (read_shape_attr(dset, &set->height, &set->width) < 0)
            rc = ebm_fail(err, EBM_EDATA, "%s: %s attribute shape is not two positive integers",
                          path, where);
    }
    if (!rc) rc = ebm_h5_read_opt_attr(dset, "layout", &set->layout, path, where, err);
    if (!rc) rc = ebm_h5_read_opt_attr(dset, "sampler", &set->sampler, path, where, err);
    if (!rc) rc = ebm_h5_read_opt_attr(dset, "clamped", &set->clamped, path, where, err);
    size_t count = 0;
    if (!rc) rc = check_claim(path, where, dims, rank, sizeof(float), &count, err);
    if (!rc && !(set->data = malloc((count ? count : 1) * sizeof *set->data)))
        rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory reading %s", path, where);
    if (!rc && count &&
        H5Dread(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, set->data) < 0)
        rc = ebm_h5_fail(err, EBM_EDATA, path, "cannot read %s as float32", where);
    if (space >= 0) H5Sclose(space);
    H5Oclose(dset);
    return rc;
}

/* Adds every dataset of the group at group_name (relative to the root). */
static int collect_group(hid_t file, const char *group_name, image_list *list,
                         const char *path, ebm_error *err) {
    hid_t group = open_kind(file, group_name, H5I_GROUP);
    if (group < 0) return ebm_fail(err, EBM_EDATA, "%s: /%s is not a group", path, group_name);
    char **names;
    int n;
    char what[600];
    snprintf(what, sizeof what, "/%s", group_name);
    int rc = list_links(group, &names, &n, path, what, err);
    if (!rc && list->n + n > list->cap) {
        int cap = list->n + n + 16;
        ebm_image_set *grown = realloc(list->sets, (size_t)cap * sizeof *grown);
        if (!grown) rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory", path);
        else {
            list->sets = grown;
            list->cap = cap;
        }
    }
    for (int i = 0; i < n && !rc; i++) {
        ebm_image_set *set = &list->sets[list->n++];
        memset(set, 0, sizeof *set);
        rc = read_image_set(group, group_name, names[i], set, path, err);
    }
    if (names) free_names(names, n);
    H5Oclose(group);
    return rc;
}

static int collect_images(hid_t file, image_list *list, const char *path,
                          ebm_error *err) {
    int rc = EBM_OK;
    int has_samples = ebm_h5_has_link(file, "samples");
    if (has_samples > 0) rc = collect_group(file, "samples", list, path, err);
    int has_images = ebm_h5_has_link(file, "images");
    if (rc || has_images <= 0) return rc;
    hid_t images = open_kind(file, "images", H5I_GROUP);
    if (images < 0) return ebm_fail(err, EBM_EDATA, "%s: /images is not a group", path);
    char **names;
    int n;
    rc = list_links(images, &names, &n, path, "/images", err);
    H5Oclose(images);
    for (int i = 0; i < n && !rc; i++) {
        char group_name[600];
        snprintf(group_name, sizeof group_name, "images/%s", names[i]);
        rc = collect_group(file, group_name, list, path, err);
    }
    if (names) free_names(names, n);
    return rc;
}

static int by_group_then_step(const void *a, const void *b) {
    const ebm_image_set *x = a, *y = b;
    int c = strcmp(x->group, y->group);
    if (c) return c;
    return (x->step > y->step) - (x->step < y->step);
}

int ebm_runfile_read_images(const char *path, ebm_image_set **out, int *n,
                            ebm_error *err) {
    *out = NULL;
    *n = 0;
    hid_t file;
    int rc = open_for_read(path, &file, err);
    if (rc) return rc;
    image_list list = {0};
    rc = collect_images(file, &list, path, err);
    H5Fclose(file);
    if (rc) {
        ebm_image_sets_free(list.sets, list.n);
        return rc;
    }
    if (list.n > 1) qsort(list.sets, (size_t)list.n, sizeof *list.sets, by_group_then_step);
    *out = list.sets;
    *n = list.n;
    return EBM_OK;
}

void ebm_image_sets_free(ebm_image_set *sets, int n) {
    for (int i = 0; sets && i < n; i++) {
        free(sets[i].path);
        free(sets[i].group);
        free(sets[i].layout);
        free(sets[i].sampler);
        free(sets[i].clamped);
        free(sets[i].data);
    }
    free(sets);
}

/* ---- parameters ---- */

int ebm_runfile_read_param(const char *path, const char *name, ebm_tensor *t,
                           ebm_error *err) {
    t->data = NULL;
    if (!ebm_h5_valid_name(name))
        return ebm_fail(err, EBM_EINVAL, "parameter name \"%s\" is not a valid HDF5 name",
                        name ? name : "(null)");
    hid_t file;
    int rc = open_for_read(path, &file, err);
    if (rc) return rc;
    char where[600];
    snprintf(where, sizeof where, "model/%s", name);
    int exists = ebm_h5_has_link(file, "model");
    if (exists > 0) exists = ebm_h5_has_link(file, where);
    hid_t dset = exists > 0 ? open_kind(file, where, H5I_DATASET) : -1;
    hid_t space = dset < 0 ? -1 : H5Dget_space(dset);
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    hsize_t dims[4] = {0, 0, 0, 0};
    if (dset < 0) {
        rc = ebm_fail(err, EBM_EDATA, "%s: no dataset /%s", path, where);
    } else if (rank < 0 || rank > 4) {
        rc = ebm_fail(err, EBM_EDATA, "%s: /%s has rank %d, more than 4", path, where, rank);
    } else {
        H5Sget_simple_extent_dims(space, dims, NULL);
        size_t count = 1;
        t->rank = rank;
        for (int d = 0; d < 4; d++) t->shape[d] = d < rank ? (size_t)dims[d] : 0;
        char what[620];
        snprintf(what, sizeof what, "/%s", where);
        rc = check_claim(path, what, dims, rank, sizeof(float), &count, err);
        if (rc)
            ;   /* refused before any allocation */
        else if (!(t->data = malloc((count ? count : 1) * sizeof *t->data)))
            rc = ebm_fail(err, EBM_ENOMEM, "%s: out of memory reading /%s", path, where);
        else if (count &&
                 H5Dread(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t->data) < 0)
            rc = ebm_h5_fail(err, EBM_EDATA, path, "cannot read /%s as float32", where);
        if (rc) {
            free(t->data);
            t->data = NULL;
        }
    }
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Oclose(dset);
    H5Fclose(file);
    return rc;
}
