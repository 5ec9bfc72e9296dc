/* sweep.c — `ebm sweep`: builds the grid and checks every point's config
 * before anything runs, then has the directory made (sweep_dir.c), the
 * points run (sweep_pool.c) and the summary written (sweep_summary.c); a
 * resumed sweep is first checked to be the sweep its directory holds. */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cfg.h"
#include "claim.h"
#include "precheck.h"
#include "sweep_dir.h"
#include "sweep_grid.h"
#include "sweep_pool.h"
#include "sweep_summary.h"

/* Problems in diags as one message: "what: first; second; ...". */
static int fail_with_diags(ebm_error *err, const char *what, ebm_diags *diags) {
    char msg[sizeof err->msg];
    size_t used = (size_t)snprintf(msg, sizeof msg, "%s", what);
    for (int i = 0; i < diags->n && used < sizeof msg; i++)
        used += (size_t)snprintf(msg + used, sizeof msg - used, "\n  %s",
                                 diags->items[i]);
    ebm_diags_free(diags);
    return ebm_fail(err, EBM_ECONFIG, "%s", msg);
}

/* Composes and validates one point as the child will, so a bad value is
 * reported before anything runs, as `ebm validate` would report it (the
 * data check, and the memory check against memory_bytes: 0 for this
 * machine's). Returns the resolved tree or NULL. */
static ebm_node *resolve_point(const char *experiment, const ebm_sweep_grid *grid,
                               int point, double memory_bytes, ebm_error *err) {
    int n = grid->n_plain + (point >= 0 ? grid->n_axes : 0);
    char **overrides = malloc((size_t)(n ? n : 1) * sizeof *overrides);
    if (!overrides) {
        ebm_fail(err, EBM_ENOMEM, "out of memory");
        return NULL;
    }
    for (int i = 0; i < grid->n_plain; i++) overrides[i] = grid->plain[i];
    for (int a = 0; point >= 0 && a < grid->n_axes; a++)
        overrides[grid->n_plain + a] = grid->points[point].overrides[a];
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(experiment, overrides, n, &diags);
    free(overrides);
    ebm_error data_err;
    ebm_error_clear(&data_err);
    if (root && (ebm_cfg_validate(root, &diags) != 0 ||
                 ebm_precheck(root, memory_bytes, &data_err) != EBM_OK)) {
        if (data_err.msg[0]) ebm_diags_add(&diags, "%s", data_err.msg);
        ebm_node_free(root);
        root = NULL;
    }
    if (!root) {
        char what[600];
        if (point >= 0)
            snprintf(what, sizeof what, "sweep point %s is not a valid config:",
                     grid->points[point].name);
        else
            snprintf(what, sizeof what, "%s is not a valid config:", experiment);
        fail_with_diags(err, what, &diags);
        return NULL;
    }
    ebm_diags_free(&diags);
    return root;
}

/* Builds the grid and checks every point; for a resumed sweep also that it
 * is the sweep the directory holds. *base gets the resolved base config. */
static int plan(const ebm_sweep_opts *opts, const char *experiment,
                char *const *args, int n_args, const ebm_sweep_record *rec,
                ebm_sweep_grid *grid, ebm_node **base, ebm_error *err) {
    ebm_diags diags = {0};
    ebm_node *file = ebm_cfg_compose(experiment, NULL, 0, &diags);
    if (!file) {
        char what[600];
        snprintf(what, sizeof what, "%s is not a valid config:", experiment);
        return fail_with_diags(err, what, &diags);
    }
    ebm_diags_free(&diags);
    int rc = ebm_sweep_grid_build(ebm_node_at(file, "sweep"), args, n_args, grid, err);
    ebm_node_free(file);
    if (rc) return rc;
    /* Points that other machines run (MPI ranks) are checked against their
     * own memory when they start, not against this one's: a planner with
     * less memory than the nodes would refuse points they can run. */
    double memory_bytes = opts->workers ? INFINITY : 0;
    *base = resolve_point(experiment, grid, -1, memory_bytes, err);
    rc = *base ? EBM_OK : err->code;
    for (int p = 0; !rc && p < grid->n_points; p++) {
        ebm_node *point = resolve_point(experiment, grid, p, memory_bytes, err);
        if (!point) rc = err->code;
        ebm_node_free(point);
    }
    if (!rc && rec) rc = ebm_sweep_record_check(opts->resume_dir, rec, grid, *base, err);
    if (rc) {
        ebm_node_free(*base);
        *base = NULL;
        ebm_sweep_grid_free(grid);
    }
    return rc;
}

/* Runs the points of a planned sweep in dir and writes its summary. */
static int execute(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid,
                   const char *experiment, const char *dir, int *n_failed,
                   ebm_error *err) {
    ebm_sweep_pool pool;
    int rc = ebm_sweep_pool_init(&pool, opts, grid, experiment, dir, err);
    if (!rc) {
        rc = ebm_sweep_pool_run(&pool, err);
        ebm_error summary_err;
        int summary_rc = ebm_sweep_write_summary(dir, grid, pool.st, n_failed,
                                                 &summary_err);
        if (!rc && summary_rc) {
            rc = summary_rc;
            *err = summary_err;
        }
        if (!rc && opts->stop && *opts->stop)
            rc = ebm_fail(err, EBM_EINTERRUPT,
                          "sweep interrupted: %d of %d points finished (%s)",
                          ebm_sweep_pool_finished(&pool), grid->n_points, dir);
    }
    ebm_sweep_pool_free(&pool);
    return rc;
}

int ebm_sweep(const ebm_sweep_opts *opts, int *n_failed, char *out_dir_used,
              size_t out_dir_size, ebm_error *err) {
    ebm_error local;
    if (!err) err = &local;
    ebm_error_clear(err);
    *n_failed = 0;
    if ((!opts->experiment && !opts->resume_dir) || !opts->self_exe)
        return ebm_fail(err, EBM_EINVAL,
                        "sweep: an experiment (or a directory to resume) and "
                        "self_exe are required");

    ebm_sweep_record rec = {0};
    const char *experiment = opts->experiment;
    char *const *args = opts->args;
    int n_args = opts->n_args;
    int lock_fd = -1;   /* one writer per sweep directory (claim.h) */
    if (opts->resume_dir) {
        int rc = ebm_sweep_record_read(opts->resume_dir, &rec, err);
        if (!rc) rc = ebm_claim_probe(opts->resume_dir, "sweep", err);
        if (rc) {
            ebm_sweep_record_free(&rec);
            return rc;
        }
        experiment = rec.experiment;
        args = rec.args;
        n_args = rec.n_args;
    }
    ebm_sweep_grid grid;
    ebm_node *base = NULL;
    int rc = plan(opts, experiment, args, n_args, opts->resume_dir ? &rec : NULL,
                  &grid, &base, err);
    if (rc) {
        ebm_sweep_record_free(&rec);
        if (lock_fd >= 0) close(lock_fd);
        return rc;
    }
    char dir[4096];
    if (opts->resume_dir) {
        /* checked and planned: the lock is taken before the first write */
        snprintf(dir, sizeof dir, "%s", opts->resume_dir);
        rc = ebm_claim_lock(dir, "sweep", &lock_fd, err);
    } else rc = ebm_sweep_dir_prepare(opts, &grid, base, dir, sizeof dir, &lock_fd, err);
    ebm_node_free(base);
    if (!rc) {
        if (out_dir_used) snprintf(out_dir_used, out_dir_size, "%s", dir);
        rc = execute(opts, &grid, experiment, dir, n_failed, err);
    }
    ebm_sweep_grid_free(&grid);
    ebm_sweep_record_free(&rec);
    if (lock_fd >= 0) close(lock_fd);
    return rc;
}
