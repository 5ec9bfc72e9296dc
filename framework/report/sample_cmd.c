/* sample_cmd.c — `ebm sample`: rebuilds a trained model from a run file
 * (its /config, the same data and streams as the run, then /model's
 * parameters), draws samples free or with the label units clamped, and
 * writes them as image sets to an HDF5 file in the run-file layout. */
#include "sample_cmd.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cfg.h"
#include "claim.h"
#include "condsample.h"
#include "footprint.h"
#include "overview.h"
#include "h5util.h"
#include "proc.h"
#include "runfile.h"
#include "registry.h"
#include "runner.h"
#include "schema.h"

#define MAX_TENSORS 16
#define DEFAULT_SAMPLES 64
/* Default sweeps before a chain's final state counts as a sample: enough for
 * the toy models here to forget their random start. */
#define DEFAULT_BURN_IN 1000

/* Everything one `ebm sample` holds; torn down in one place. */
typedef struct sample_job {
    char run_path[4200], run_dir[4096];
    ebm_runinfo info;
    int have_info;
    ebm_node *cfg;
    const ebm_node *sampler_cfg;   /* inside cfg */
    int run_sampler;               /* 1: sampler_cfg started as the run's own */
    ebm_dataset train, valid;
    const ebm_model_ops *ops;
    void *model;
    size_t n_data, n_labels;
} sample_job;

static void job_free(sample_job *j) {
    if (j->model) j->ops->xDestroy(j->model);
    ebm_dataset_free(&j->train);
    ebm_dataset_free(&j->valid);
    ebm_node_free(j->cfg);
    if (j->have_info) ebm_runinfo_free(&j->info);
}

static int find_run(const char *run, sample_job *j, ebm_error *err) {
    if (!run || !*run) return ebm_fail(err, EBM_EINVAL, "sample: give a run directory or run.h5");
    if (ebm_proc_is_dir(run)) {
        snprintf(j->run_dir, sizeof j->run_dir, "%s", run);
        snprintf(j->run_path, sizeof j->run_path, "%s/run.h5", run);
        if (!ebm_proc_is_file(j->run_path) && ebm_overview_is_sweep(run))
            return ebm_fail(err, EBM_EINVAL, "%s: a sweep directory; name one of its "
                            "points' run directories (ebm show %s lists them)", run, run);
        if (!ebm_proc_is_file(j->run_path))
            return ebm_fail(err, EBM_EINVAL, "%s: a directory without run.h5, so not a "
                            "run directory", run);
        return EBM_OK;
    }
    if (!ebm_proc_is_file(run))
        return ebm_fail(err, EBM_EINVAL, "%s: no such run directory or run file", run);
    snprintf(j->run_path, sizeof j->run_path, "%s", run);
    snprintf(j->run_dir, sizeof j->run_dir, "%s", run);
    char *slash = strrchr(j->run_dir, '/');
    if (!slash) snprintf(j->run_dir, sizeof j->run_dir, ".");
    else if (slash == j->run_dir) j->run_dir[1] = '\0';
    else *slash = '\0';
    return EBM_OK;
}

/* "label=C" → C, "label=all" → -2, NULL → -1 (nothing clamped). */
static int parse_clamp(const char *clamp, int *label, ebm_error *err) {
    *label = -1;
    if (!clamp) return EBM_OK;
    const char *value = strncmp(clamp, "label=", 6) == 0 ? clamp + 6 : NULL;
    if (value && strcmp(value, "all") == 0) {
        *label = -2;
        return EBM_OK;
    }
    char *end = NULL;
    errno = 0;
    long c = value && *value >= '0' && *value <= '9' ? strtol(value, &end, 10) : -1;
    if (c < 0 || !end || *end || errno || c > 1000000)
        return ebm_fail(err, EBM_EINVAL, "--clamp '%s': expected label=C (a class "
                        "number, 0 for the first) or label=all", clamp);
    *label = (int)c;
    return EBM_OK;
}

/* A name for the appended entry that no estimator of the run already writes
 * its metrics under (an unnamed `sample` estimator writes them as "sample"),
 * so the run's config stays valid with the entry added. */
static void unused_name(const ebm_node *cfg, char *name, size_t size) {
    const ebm_node *estimators = ebm_node_at(cfg, "log.estimators");
    for (int k = 1;; k++) {
        if (k == 1) snprintf(name, size, "ebm_sample");
        else snprintf(name, size, "ebm_sample_%d", k);
        int taken = 0;
        for (int i = 0; estimators && estimators->kind == EBM_NODE_SEQ &&
                           i < estimators->n && !taken; i++) {
            const ebm_node *e = estimators->values[i];
            taken = strcmp(ebm_cfg_str(e, "name", ebm_cfg_str(e, "type", "")), name) == 0;
        }
        if (!taken) return;
    }
}

/* The sampler when none is named: gibbs, or mala for a model gibbs cannot
 * move (real-valued units, as an MLP energy's) and mala can. */
static const char *default_sampler(const ebm_node *cfg) {
    const ebm_model_ops *model = (const ebm_model_ops *)ebm_registry_find(
        EBM_KIND_MODEL, ebm_cfg_str(cfg, "model.type", ""));
    const ebm_sampler_ops *gibbs =
        (const ebm_sampler_ops *)ebm_registry_find(EBM_KIND_SAMPLER, "gibbs");
    const ebm_sampler_ops *mala =
        (const ebm_sampler_ops *)ebm_registry_find(EBM_KIND_SAMPLER, "mala");
    char why[512];
    if (model && gibbs && mala && gibbs->xSupports &&
        !gibbs->xSupports(model, why, sizeof why) &&
        (!mala->xSupports || mala->xSupports(model, why, sizeof why)))
        return "mala";
    return "gibbs";
}

/* The sampler of the run's first `sample` estimator (NULL when it has none):
 * the settings its logged samples were drawn with. */
static const ebm_node *run_sampler(const ebm_node *cfg) {
    const ebm_node *estimators = ebm_node_at(cfg, "log.estimators");
    for (int i = 0; estimators && estimators->kind == EBM_NODE_SEQ && i < estimators->n; i++) {
        const ebm_node *e = estimators->values[i];
        const ebm_node *sampler = ebm_node_child(e, "sampler");
        if (strcmp(ebm_cfg_str(e, "type", ""), "sample") == 0 && sampler &&
            sampler->kind == EBM_NODE_MAP)
            return sampler;
    }
    return NULL;
}

/* The sampler as a `sample` estimator entry appended to log.estimators, so
 * one validation checks the stored config and the sampler settings (ranges,
 * misspelt keys) and fills the sampler's defaults. The entry starts from the
 * sampler the run's own `sample` estimator drew with, unless the user names
 * another type (whose keys may differ); else from the default sampler with
 * DEFAULT_BURN_IN. Overrides are applied to the entry: "sampler.burn_in=500"
 * sets its sampler.burn_in. */
static int add_sampler(sample_job *j, const ebm_sample_opts *opts, ebm_diags *diags,
                       int *index, ebm_error *err) {
    const char *named = NULL;
    for (int i = 0; i < opts->n_overrides; i++) {
        const char *o = opts->overrides[i];
        if (strncmp(o, "sampler.", 8) && strncmp(o, "+sampler.", 9) && strncmp(o, "~sampler.", 9))
            return ebm_fail(err, EBM_EINVAL, "'%s': ebm sample takes only sampler "
                            "settings (sampler.KEY=VALUE, e.g. sampler.burn_in=500)", o);
        if (strncmp(o, "sampler.type=", 13) == 0) named = o + 13;
    }
    const ebm_node *own = run_sampler(j->cfg);
    if (own && named && strcmp(named, ebm_cfg_str(own, "type", "")) != 0) own = NULL;
    j->run_sampler = own != NULL;
    const char *chosen = default_sampler(j->cfg), *type = named ? named : chosen;
    const ebm_plugin *sampler = ebm_registry_find(EBM_KIND_SAMPLER, type);
    char name[64], yaml[256];
    unused_name(j->cfg, name, sizeof name);
    if (own)
        snprintf(yaml, sizeof yaml, "{type: sample, name: %s}", name);
    else if (sampler && ebm_param_find(sampler->params, "burn_in"))
        snprintf(yaml, sizeof yaml,
                 "{type: sample, name: %s, sampler: {type: %s, burn_in: %d}}", name, chosen,
                 DEFAULT_BURN_IN);
    else
        snprintf(yaml, sizeof yaml, "{type: sample, name: %s, sampler: {type: %s}}", name,
                 chosen);
    ebm_node *entry = ebm_cfg_parse_string(yaml, strlen(yaml), "<ebm sample>", err);
    if (!entry) return err->code;
    /* ebm_node_set frees the copy when it fails (or is NULL). */
    if (own && ebm_node_set(entry, "sampler", ebm_node_clone(own))) {
        ebm_node_free(entry);
        return ebm_fail(err, EBM_ENOMEM, "sample: out of memory");
    }
    int bad = 0;
    for (int i = 0; i < opts->n_overrides; i++)
        bad |= ebm_cfg_apply_override(entry, opts->overrides[i], i + 1, diags) != 0;
    ebm_node *log = ebm_node_child(j->cfg, "log");
    if (!log) {
        ebm_mark at = j->cfg->mark;
        log = ebm_node_new_map(at);
        if (!log || ebm_node_set(j->cfg, "log", log)) bad = 1;
    }
    ebm_node *estimators = log ? ebm_node_child(log, "estimators") : NULL;
    if (log && !estimators) {
        estimators = ebm_node_new_seq(log->mark);
        if (!estimators || ebm_node_set(log, "estimators", estimators)) bad = 1;
    }
    if (bad || !estimators || estimators->kind != EBM_NODE_SEQ ||
        ebm_node_append(estimators, entry)) {
        ebm_node_free(entry);
        return ebm_fail(err, EBM_ECONFIG, "sample: bad sampler settings");
    }
    *index = estimators->n - 1;
    return EBM_OK;
}

/* Diagnostics about the appended entry name it as the user wrote it. */
static void rename_diags(ebm_diags *diags, int index) {
    char prefix[64];
    int len = snprintf(prefix, sizeof prefix, "log.estimators[%d].", index);
    for (int i = 0; i < diags->n; i++) {
        char *at;
        while ((at = strstr(diags->items[i], prefix)))
            memmove(at, at + len, strlen(at + len) + 1);
    }
}

static int load_config(sample_job *j, const ebm_sample_opts *opts, ebm_diags *diags,
                       ebm_error *err) {
    char name[4300];
    snprintf(name, sizeof name, "%s:/config", j->run_path);
    j->cfg = ebm_cfg_parse_string(j->info.config_yaml, strlen(j->info.config_yaml),
                                  name, err);
    if (!j->cfg) {
        /* the parser's message already says where: "run.h5:/config:3:1: ..." */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return ebm_fail(err, EBM_EDATA, "%.1900s (the run's /config is not valid YAML)",
                        why);
    }
    int index = 0;
    int rc = add_sampler(j, opts, diags, &index, err);
    if (rc) return rc;
    if (diags->n || ebm_cfg_validate(j->cfg, diags) != 0) {
        rename_diags(diags, index);
        return ebm_fail(err, EBM_ECONFIG, "%s: the run's config or the sampler "
                        "settings are invalid", j->run_path);
    }
    const ebm_node *estimators = ebm_node_at(j->cfg, "log.estimators");
    j->sampler_cfg = ebm_node_child(estimators->values[index], "sampler");
    return EBM_OK;
}

/* --out a/b/s.h5 makes a/b, as `ebm run --out` makes its directory. */
static int make_parent(const char *path, ebm_error *err) {
    char dir[4300];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return EBM_OK;
    *slash = '\0';
    return ebm_proc_is_dir(dir) ? EBM_OK : ebm_proc_mkdirs(dir, err);
}

/* 1 if path names one of the run's own files (in the run's directory, or
 * the run file itself under another name). */
static int is_run_file(const sample_job *j, const char *path) {
    static const char *const own[] = {"run.h5", "run.h5.part", "config.yaml",
                                      "checkpoint.h5", "checkpoint.h5.tmp", EBM_LOCK_NAME};
    struct stat a, b;
    if (stat(path, &a) == 0 && stat(j->run_path, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return 1;
    char parent[4300];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : path;
    if (slash == parent) parent[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(parent, sizeof parent, ".");
    if (stat(parent, &a) != 0 || stat(j->run_dir, &b) != 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino)
        return 0;
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (strcmp(base, own[i]) == 0) return 1;
    return 0;
}

/* --out is never one of the run's own files, and an existing file only
 * with --force (which moves it aside). Checked before anything is drawn. */
static int check_out(const sample_job *j, const ebm_sample_opts *opts, ebm_error *err) {
    struct stat st;
    if (!opts->out) return EBM_OK;
    if (is_run_file(j, opts->out))
        return ebm_fail(err, EBM_EINVAL, "--out %s: that is one of the run's own files; "
                        "give another --out (the default is %s/samples.h5)", opts->out,
                        j->run_dir);
    if (lstat(opts->out, &st) != 0) return EBM_OK;
    if (!S_ISREG(st.st_mode))
        return ebm_fail(err, EBM_EINVAL, "--out %s: exists and is not a regular file",
                        opts->out);
    if (!opts->force)
        return ebm_fail(err, EBM_EINVAL, "--out %s: the file exists; give another --out, "
                        "or add --force to move it aside to %s.old-N", opts->out,
                        opts->out);
    return EBM_OK;
}

/* "[784, 500]" */
static const char *shape_text(const ebm_tensor *t, char *buf, size_t size) {
    size_t used = (size_t)snprintf(buf, size, "[");
    for (int k = 0; k < t->rank && k < 4 && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%zu", k ? ", " : "",
                                 t->shape[k]);
    if (used < size) snprintf(buf + used, size - used, "]");
    return buf;
}

/* A diverged run saves its parameters too (status failed): samples from
 * NaN, infinite or exploded weights would be noise that looks like a result. */
static int check_diverged(const sample_job *j, const ebm_tensor *t, ebm_error *err) {
    double limit = ebm_cfg_double(j->cfg, "train.max_abs_param", 1e8);
    size_t size = ebm_tensor_size(t);
    for (size_t i = 0; i < size; i++) {
        float x = t->data[i];
        if (isfinite(x) && fabs(x) <= limit) continue;
        char value[32];
        snprintf(value, sizeof value, isnan(x) ? "NaN" : isinf(x) ? "infinite" : "%g",
                 (double)x);
        return ebm_fail(err, EBM_EDATA, "%s: /model/%s[%zu] is %s (status %s): the run "
                        "diverged, so its samples would mean nothing; train again with a "
                        "lower train.optim.lr", j->run_path, t->name, i, value,
                        j->info.status[0] ? j->info.status : "unknown");
    }
    return EBM_OK;
}

/* Fills the model's tensors from /model, each checked against the shape the
 * model built from /config has. */
static int load_params(sample_job *j, ebm_error *err) {
    if (!j->info.model_type[0])
        return ebm_fail(err, EBM_EDATA, "%s: no /model (the run saved no parameters; "
                        "did it fail before the end?)", j->run_path);
    if (strcmp(j->info.model_type, j->ops->info.name) != 0)
        return ebm_fail(err, EBM_EDATA, "%s: /model is a %s, but /config builds a %s",
                        j->run_path, j->info.model_type, j->ops->info.name);
    ebm_tensor params[MAX_TENSORS];
    int n = j->ops->xParams(j->model, params, MAX_TENSORS);
    for (int i = 0; i < n; i++) {
        ebm_tensor stored = {0};
        int rc = ebm_runfile_read_param(j->run_path, params[i].name, &stored, err);
        if (rc) return rc == EBM_ENOMEM ? rc : EBM_EDATA;
        int same = stored.rank == params[i].rank;
        for (int k = 0; same && k < stored.rank; k++)
            same = stored.shape[k] == params[i].shape[k];
        if (same) {
            memcpy(params[i].data, stored.data, ebm_tensor_size(&stored) * sizeof(float));
            rc = check_diverged(j, &params[i], err);
        } else {
            char have[96], want[96];
            ebm_fail(err, EBM_EDATA, "%s: /model/%s has shape %s, but the model /config "
                     "builds needs %s", j->run_path, params[i].name,
                     shape_text(&stored, have, sizeof have),
                     shape_text(&params[i], want, sizeof want));
        }
        free(stored.data);
        if (!same) return EBM_EDATA;
        if (rc) return rc;
    }
    return EBM_OK;
}

static int setup(sample_job *j, ebm_error *err) {
    ebm_rng root;
    ebm_rng_seed(&root, (uint64_t)ebm_cfg_int(j->cfg, "seed", 0));
    int rc = ebm_setup_data(j->cfg, &root, &j->train, &j->valid, err);
    if (!rc) rc = ebm_footprint_check(j->cfg, &j->train, 0, err);
    if (!rc) rc = ebm_setup_model(j->cfg, &root, &j->train, 0, NULL, &j->ops, &j->model, err);
    if (rc) return rc;
    j->n_data = ebm_model_row_length(j->ops, j->model, j->train.dim);
    int64_t labels = ebm_cfg_int(j->cfg, "model.labels", 0);
    j->n_labels = labels > 0 ? (size_t)labels : 0;
    if (j->n_labels >= j->n_data || j->n_data > j->ops->xUnits(j->model))
        return ebm_fail(err, EBM_EDATA, "%s: %zu data columns, %zu label units and "
                        "%zu model units do not fit together", j->run_path, j->n_data,
                        j->n_labels, j->ops->xUnits(j->model));
    return load_params(j, err);
}

/* The data's image shape when it fits the visible part, else a square, else
 * flat rows (height = width = 0). */
static void image_shape(const sample_job *j, size_t n_visible, int *height, int *width) {
    *height = j->train.height;
    *width = j->train.width;
    if ((size_t)*height * (size_t)*width == n_visible && n_visible) return;
    size_t side = (size_t)llround(sqrt((double)n_visible));
    *height = *width = side * side == n_visible ? (int)side : 0;
}

/* Clamp and sampler attributes on each written dataset (the run-file writer
 * has a layout attribute only). */
static int write_attrs(const char *path, const ebm_sample_group *groups, int n,
                       const char *sampler_yaml, const char *run_path, ebm_error *err) {
    ebm_h5_silence();
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) return ebm_h5_fail(err, EBM_EIO, path, "cannot reopen");
    int rc = EBM_OK;
    for (int i = 0; !rc && i < n; i++) {
        hid_t ds = H5Dopen2(file, groups[i].path, H5P_DEFAULT);
        if (ds < 0 || ebm_h5_write_str_attr(ds, "clamped", groups[i].clamped) < 0 ||
            ebm_h5_write_str_attr(ds, "sampler", sampler_yaml) < 0 ||
            ebm_h5_write_str_attr(ds, "source_run", run_path) < 0)
            rc = ebm_h5_fail(err, EBM_EIO, path, "%s: cannot write attributes",
                             groups[i].path);
        if (ds >= 0) H5Dclose(ds);
    }
    if (H5Fclose(file) < 0 && !rc) rc = ebm_h5_fail(err, EBM_EIO, path, "cannot close");
    return rc;
}

static int draw_groups(sample_job *j, const ebm_sample_opts *opts, int clamp,
                       const char *out, ebm_sample_group *groups, int n_groups,
                       ebm_error *err) {
    size_t n = opts->n ? opts->n : DEFAULT_SAMPLES;
    size_t n_visible = j->n_data - j->n_labels;
    const ebm_sampler_ops *sampler = (const ebm_sampler_ops *)ebm_registry_find(
        EBM_KIND_SAMPLER, ebm_cfg_str(j->sampler_cfg, "type", ""));
    char why[512];
    if (!sampler) return ebm_fail(err, EBM_ECONFIG, "sample: unknown sampler");
    if (sampler->xSupports && !sampler->xSupports(j->ops, why, sizeof why))
        return ebm_fail(err, EBM_ENOTSUP, "sample: %s; choose another sampler with "
                        "sampler.type=NAME (ebm list samplers)", why);
    float *rows = malloc(n * (n_visible ? n_visible : 1) * sizeof *rows);
    if (!rows) return ebm_fail(err, EBM_ENOMEM, "sample: out of memory for %zu samples", n);
    ebm_runfile *rf = ebm_runfile_create(out, j->info.config_yaml, j->info.seed, err);
    int rc = rf ? EBM_OK : err->code;
    ebm_rng root, stream;
    ebm_rng_seed(&root, (uint64_t)ebm_cfg_int(j->cfg, "seed", 0));
    ebm_rng_named(&stream, &root, "ebm sample");
    int height, width;
    image_shape(j, n_visible, &height, &width);
    for (int g = 0; !rc && g < n_groups; g++) {
        int label = clamp == -2 ? g : clamp;
        ebm_cond_draw how = {.ops = j->ops, .model = j->model, .sampler = sampler,
                             .sampler_cfg = j->sampler_cfg, .n_data = j->n_data,
                             .n_labels = j->n_labels, .label = label, .n = n,
                             .stop = opts->stop, .start_rows = &j->train};
        ebm_rng group_rng;
        ebm_rng_derive(&group_rng, &stream, (uint64_t)(label + 1));
        rc = ebm_cond_sample(&how, &group_rng, rows, err);
        if (rc) break;
        ebm_sample_group *s = &groups[g];
        char group[64];
        if (label < 0) snprintf(group, sizeof group, "samples");
        else snprintf(group, sizeof group, "images/label_%d", label);
        char step[32];
        ebm_runfile_step_name(0, step, sizeof step);
        snprintf(s->path, sizeof s->path, "/%s/%s", group, step);
        if (label < 0) snprintf(s->clamped, sizeof s->clamped, "none");
        else snprintf(s->clamped, sizeof s->clamped, "label=%d", label);
        s->n = n;
        s->n_visible = n_visible;
        snprintf(s->sampler, sizeof s->sampler, "%s", ebm_cfg_str(j->sampler_cfg, "type", ""));
        s->run_sampler = j->run_sampler;
        s->binary = ebm_model_has_binary(j->ops) && j->n_data == j->train.dim;
        s->matches = s->binary ? ebm_cond_count_matches(&j->train, j->n_labels, label, rows,
                                                        n, n_visible)
                               : 0;
        /* Written in the data's units, as the run's own samples are. */
        if (n_visible == j->train.dim) ebm_dataset_unstandardize(&j->train, rows, n);
        rc = ebm_runfile_images(rf, group, 0, rows, n, n_visible, height, width, NULL, err);
    }
    if (!rc) rc = ebm_runfile_status(rf, "completed", err);
    else if (rf) ebm_runfile_status(rf, "failed", NULL);
    ebm_error close_err;
    if (rf && ebm_runfile_close(rf, &close_err) && !rc) {
        *err = close_err;
        rc = close_err.code;
    }
    free(rows);
    if (!rc) {
        char *yaml = ebm_cfg_to_yaml(j->sampler_cfg);
        rc = write_attrs(out, groups, n_groups, yaml ? yaml : "", j->run_path, err);
        free(yaml);
    }
    return rc;
}

int ebm_sample_from_run(const ebm_sample_opts *opts, char *out_path, size_t out_size,
                        ebm_sample_group **groups_out, int *n_groups_out,
                        ebm_diags *diags, ebm_error *err) {
    *groups_out = NULL;
    *n_groups_out = 0;
    sample_job j;
    memset(&j, 0, sizeof j);
    int clamp;
    int rc = parse_clamp(opts->clamp, &clamp, err);
    if (!rc) rc = find_run(opts->run, &j, err);
    if (!rc) rc = check_out(&j, opts, err);
    if (!rc) {
        rc = ebm_runfile_read(j.run_path, &j.info, err);
        j.have_info = rc == EBM_OK;
    }
    if (!rc) rc = load_config(&j, opts, diags, err);
    if (!rc) rc = setup(&j, err);
    if (!rc && clamp != -1 && j.n_labels == 0)
        rc = ebm_fail(err, EBM_EINVAL, "--clamp %s: the model has no label units "
                      "(model.labels is 0)", opts->clamp);
    if (!rc && clamp >= 0 && (size_t)clamp >= j.n_labels)
        rc = ebm_fail(err, EBM_EINVAL, "--clamp %s: the model has %zu label units, "
                      "classes 0..%zu", opts->clamp, j.n_labels, j.n_labels - 1);
    int n_groups = clamp == -2 ? (int)j.n_labels : 1;
    ebm_sample_group *groups = NULL;
    if (!rc && !(groups = calloc((size_t)n_groups, sizeof *groups)))
        rc = ebm_fail(err, EBM_ENOMEM, "sample: out of memory");
    if (!rc) {
        if (opts->out) snprintf(out_path, out_size, "%s", opts->out);
        else snprintf(out_path, out_size, "%s/samples.h5", j.run_dir);
        rc = make_parent(out_path, err);
        if (!rc && opts->out && opts->force && ebm_proc_is_file(out_path))
            rc = ebm_claim_move_aside(out_path, NULL, 0, err);
        if (!rc) rc = draw_groups(&j, opts, clamp, out_path, groups, n_groups, err);
    }
    job_free(&j);
    if (rc) {
        free(groups);
        return rc;
    }
    *groups_out = groups;
    *n_groups_out = n_groups;
    return EBM_OK;
}
