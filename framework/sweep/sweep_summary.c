/* sweep_summary.c — the summary of a sweep that ran: every point's row
 * collected from its run file, its status settled by how its process ended,
 * written as DIR/summary.csv and DIR/summary.h5 (summary.h's table). */
#include "sweep_summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

#define PATH_SIZE EBM_SWEEP_PATH_SIZE

/* The status column: the run file's word, corrected by how the child ended
 * (a run file still saying "running" belongs to a child that died). */
static int settle_status(ebm_summary *s, const ebm_point_state *st, int n) {
    int n_failed = 0;
    for (int p = 0; p < n; p++) {
        const char *status = s->status[p];
        if (st[p].state == EBM_POINT_KEPT) status = s->status[p];
        else if (st[p].state == EBM_POINT_NOT_RUN) status = "interrupted";
        else if (st[p].stopped && strcmp(status, "completed") != 0)
            status = "interrupted";
        else if (st[p].exit_code != 0 && strcmp(status, "interrupted") != 0)
            status = "failed";
        else if (strcmp(status, "running") == 0)
            status = "failed";
        if (status != s->status[p] && ebm_summary_set_status(s, p, status))
            return -1;
        if (strcmp(s->status[p], "failed") == 0) n_failed++;
    }
    return n_failed;
}

int ebm_sweep_write_summary(const char *dir, const ebm_sweep_grid *grid,
                            const ebm_point_state *st, int *n_failed,
                            ebm_error *err) {
    int np = grid->n_points, nk = grid->n_axes;
    char **names = malloc((size_t)np * sizeof *names);
    char **keys = malloc((size_t)(nk ? nk : 1) * sizeof *keys);
    char **params = malloc((size_t)np * (size_t)(nk ? nk : 1) * sizeof *params);
    int rc = EBM_OK;
    if (!names || !keys || !params) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int a = 0; !rc && a < nk; a++) keys[a] = grid->axes[a].key;
    for (int p = 0; !rc && p < np; p++) {
        names[p] = grid->points[p].name;
        for (int a = 0; a < nk; a++)
            params[(size_t)p * nk + a] =
                grid->axes[a].values[grid->points[p].index[a]];
    }
    ebm_summary s;
    if (!rc) rc = ebm_summary_collect(dir, np, names, nk, keys, params, &s, err);
    free(names);
    free(keys);
    free(params);
    if (rc) return rc;
    *n_failed = settle_status(&s, st, np);
    if (*n_failed < 0) rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (!rc) rc = ebm_summary_write_csv(&s, path, err);
    snprintf(path, sizeof path, "%s/summary.h5", dir);
    if (!rc) rc = ebm_summary_write_h5(&s, path, err);
    ebm_summary_free(&s);
    return rc;
}
