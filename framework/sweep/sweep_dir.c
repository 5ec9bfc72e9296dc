/* sweep_dir.c — a sweep's directory: made and filled before the points run
 * (sweep.yaml, config.yaml, one directory per point), and read back when a
 * sweep is resumed (what it recorded, whether it is still the same sweep,
 * which points completed). */
#include "sweep_dir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claim.h"
#include "proc.h"
#include "runner.h"
#include "textdiff.h"
#include "runfile.h"

#define PATH_SIZE EBM_SWEEP_PATH_SIZE

/* s as a double-quoted YAML string. */
static void write_yaml_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\x%02x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* The text of sweep.yaml: the command and the grid it made, which --resume
 * reads back. NULL when out of memory. */
static char *sweep_yaml(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    fputs("# written by ebm sweep: the command and its grid\nexperiment: ", f);
    write_yaml_string(f, opts->experiment);
    /* --resume may be run from another directory than the sweep was. */
    char *absolute = realpath(opts->experiment, NULL);
    fputs("\nexperiment_path: ", f);
    write_yaml_string(f, absolute ? absolute : opts->experiment);
    free(absolute);
    fputs("\nargs: [", f);
    for (int i = 0; i < opts->n_args; i++) {
        if (i) fputs(", ", f);
        write_yaml_string(f, opts->args[i]);
    }
    fprintf(f, "]\njobs: %d\noverrides: [", opts->jobs);
    for (int i = 0; i < grid->n_plain; i++) {
        if (i) fputs(", ", f);
        write_yaml_string(f, grid->plain[i]);
    }
    fputs("]\naxes:", f);
    if (!grid->n_axes) fputs(" {}", f);
    for (int a = 0; a < grid->n_axes; a++) {
        fputs("\n  ", f);
        write_yaml_string(f, grid->axes[a].key);
        fputs(": [", f);
        for (int v = 0; v < grid->axes[a].n; v++) {
            if (v) fputs(", ", f);
            write_yaml_string(f, grid->axes[a].values[v]);
        }
        fputc(']', f);
    }
    /* each point's directory and what it sets */
    fputs("\npoints:\n", f);
    for (int p = 0; p < grid->n_points; p++) {
        fputs("  - {dir: ", f);
        write_yaml_string(f, grid->points[p].name);
        fputs(", overrides: [", f);
        for (int a = 0; a < grid->n_axes; a++) {
            if (a) fputs(", ", f);
            write_yaml_string(f, grid->points[p].overrides[a]);
        }
        fputs("]}\n", f);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int ebm_sweep_dir_prepare(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid,
                          const ebm_node *base, char *dir, size_t dir_size,
                          int *lock_fd, ebm_error *err) {
    int rc;
    if (opts->out_dir) {
        snprintf(dir, dir_size, "%s", opts->out_dir);
        rc = ebm_out_dir_claim(dir, opts->force, "sweep", lock_fd, err);
    } else {
        const char *slash = strrchr(opts->experiment, '/');
        char stem[256];
        snprintf(stem, sizeof stem, "%s", slash ? slash + 1 : opts->experiment);
        char *dot = strrchr(stem, '.');
        if (dot && dot != stem) *dot = '\0';
        char stamp[32], name[4096];
        ebm_proc_timestamp(stamp, sizeof stamp);
        snprintf(name, sizeof name, "runs/%s/sweep-%s",
                 ebm_cfg_str(base, "name", stem), stamp);
        rc = ebm_claim_new_dir(name, dir, dir_size, err);
        if (!rc) rc = ebm_claim_lock(dir, "sweep", lock_fd, err);
    }
    if (rc) return rc;
    char path[PATH_SIZE + 32];
    char *text = sweep_yaml(opts, grid);
    if (!text) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    snprintf(path, sizeof path, "%s/sweep.yaml", dir);
    rc = ebm_claim_write_file(path, text, err);
    free(text);
    if (rc) return rc;
    text = ebm_cfg_to_yaml(base);
    if (!text) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    rc = ebm_claim_write_file(path, text, err);
    free(text);
    snprintf(path, sizeof path, "%s/sweep.log", dir);
    unlink(path);
    /* Files of an earlier sweep into the same directory must not be taken
     * for this one's; removing them here, not as each point starts, also
     * lets a point's log show every time it was run. */
    static const char *const stale[] = {"log.txt", "run.h5", "checkpoint.h5"};
    for (int p = 0; !rc && p < grid->n_points; p++) {
        snprintf(path, sizeof path, "%s/%s", dir, grid->points[p].name);
        rc = ebm_proc_mkdirs(path, err);
        for (size_t i = 0; !rc && i < sizeof stale / sizeof *stale; i++) {
            snprintf(path, sizeof path, "%s/%s/%s", dir, grid->points[p].name,
                     stale[i]);
            unlink(path);
        }
    }
    return rc;
}

/* ---- resuming ---- */

void ebm_sweep_record_free(ebm_sweep_record *rec) {
    free(rec->args);
    ebm_node_free(rec->yaml);
    memset(rec, 0, sizeof *rec);
}

int ebm_sweep_record_read(const char *dir, ebm_sweep_record *rec, ebm_error *err) {
    memset(rec, 0, sizeof *rec);
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/sweep.yaml", dir);
    if (!ebm_proc_is_dir(dir))
        return ebm_fail(err, EBM_EINVAL, "%s: no such sweep directory", dir);
    if (!ebm_proc_is_file(path))
        return ebm_fail(err, EBM_EINVAL,
                        "%s: not a sweep directory (it has no sweep.yaml)", dir);
    ebm_error parse_err;
    rec->yaml = ebm_cfg_parse_file(path, &parse_err);
    if (!rec->yaml)
        return ebm_fail(err, EBM_EDATA, "%s: cannot read it: %s", path,
                        parse_err.msg);
    const ebm_node *exp = ebm_node_child(rec->yaml, "experiment_path");
    if (!exp) exp = ebm_node_child(rec->yaml, "experiment");
    const ebm_node *args = ebm_node_child(rec->yaml, "args");
    const ebm_node *points = ebm_node_child(rec->yaml, "points");
    if (rec->yaml->kind != EBM_NODE_MAP || !exp || exp->kind != EBM_NODE_SCALAR ||
        (args && args->kind != EBM_NODE_SEQ) || !points ||
        points->kind != EBM_NODE_SEQ) {
        ebm_sweep_record_free(rec);
        return ebm_fail(err, EBM_EDATA,
                        "%s: not written by ebm sweep (no experiment, args or "
                        "points)", path);
    }
    rec->experiment = exp->scalar;
    rec->n_args = args ? args->n : 0;
    rec->args = calloc((size_t)rec->n_args + 1, sizeof *rec->args);
    if (!rec->args) {
        ebm_sweep_record_free(rec);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    for (int i = 0; i < rec->n_args; i++) {
        if (args->values[i]->kind != EBM_NODE_SCALAR) {
            ebm_sweep_record_free(rec);
            return ebm_fail(err, EBM_EDATA, "%s: args holds a non-string", path);
        }
        rec->args[i] = args->values[i]->scalar;
    }
    return EBM_OK;
}

/* A resumed sweep must be the same sweep: the same resolved config and the
 * same points, else its summary would mix two experiments. */
int ebm_sweep_record_check(const char *dir, const ebm_sweep_record *rec,
                           const ebm_sweep_grid *grid, const ebm_node *base,
                           ebm_error *err) {
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    ebm_error read_err;
    char *was = ebm_proc_read_file(path, NULL, &read_err);
    if (!was)
        return ebm_fail(err, EBM_EINVAL, "cannot resume %s: %s", dir, read_err.msg);
    char *now = ebm_cfg_to_yaml(base);
    if (!now) {
        free(was);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    char before[200], after[200];
    char *then = ebm_reresolve(was);   /* made by an older ebm: its new defaults too */
    int line = ebm_text_first_difference(then ? then : was, now, before, after,
                                         sizeof before);
    free(then);
    if (line) {
        free(was);
        free(now);
        return ebm_fail(err, EBM_ECONFIG,
                        "cannot resume %s: the sweep's config changed since it "
                        "ran (%s line %d was '%s', %s now gives '%s'); start a new "
                        "sweep instead", dir, path, line, before, rec->experiment,
                        after);
    }
    free(was);
    free(now);
    const ebm_node *points = ebm_node_child(rec->yaml, "points");
    int same = points->n == grid->n_points;
    for (int p = 0; same && p < grid->n_points; p++) {
        const ebm_node *pt = points->values[p];
        const char *name = pt->kind == EBM_NODE_SCALAR ? pt->scalar
                           : ebm_cfg_str(pt, "dir", NULL);
        same = name && strcmp(name, grid->points[p].name) == 0;
    }
    /* Points were once named by their overrides ("data.load=0.05,..."). */
    const ebm_node *first = points->n ? points->values[0] : NULL;
    if (!same && first && first->kind == EBM_NODE_SCALAR && strchr(first->scalar, '='))
        return ebm_fail(err, EBM_ECONFIG,
                        "cannot resume %s: it was made by an older ebm, which named its "
                        "points by their overrides (%s); this version numbers them. "
                        "Resume it with the ebm that made it, or start a new sweep",
                        dir, first->scalar);
    if (!same)
        return ebm_fail(err, EBM_ECONFIG,
                        "cannot resume %s: the sweep's grid changed since it ran "
                        "(%s's sweep: block now gives %d points, %s/sweep.yaml "
                        "lists %d); start a new sweep instead", dir,
                        rec->experiment, grid->n_points, dir, points->n);
    return EBM_OK;
}

int ebm_sweep_point_completed(const char *dir, const char *point) {
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/%s/run.h5", dir, point);
    if (!ebm_proc_is_file(path)) return 0;
    ebm_runinfo info;
    ebm_error ignored;
    if (ebm_runfile_read(path, &info, &ignored) != EBM_OK) return 0;
    int completed = strcmp(info.status, "completed") == 0;
    ebm_runinfo_free(&info);
    return completed;
}
