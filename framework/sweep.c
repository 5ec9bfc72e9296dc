/* sweep.c — `ebm sweep`: checks every point's config, runs the points as
 * child `ebm run` processes N at a time, and writes the sweep directory
 * (sweep.yaml, config.yaml, one directory per point, summary.csv/.h5). */
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "proc.h"
#include "summary.h"
#include "sweep_grid.h"

/* How long a child may take to stop after SIGTERM before it is killed. */
#define STOP_GRACE_SECONDS 10.0
#define POLL_NS 20000000L

enum { POINT_PENDING, POINT_RUNNING, POINT_DONE, POINT_NOT_RUN };

typedef struct point_state {
    int state;
    pid_t pid;
    int exit_code;      /* -1: could not be started */
    int stopped;        /* we sent it SIGTERM */
} point_state;

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
 * reported before anything runs. Returns the resolved tree or NULL. */
static ebm_node *resolve_point(const ebm_sweep_opts *opts,
                               const ebm_sweep_grid *grid, int point,
                               ebm_error *err) {
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
    ebm_node *root = ebm_cfg_compose(opts->experiment, overrides, n, &diags);
    free(overrides);
    if (root && ebm_cfg_validate(root, &diags) != 0) {
        ebm_node_free(root);
        root = NULL;
    }
    if (!root) {
        char what[600];
        if (point >= 0)
            snprintf(what, sizeof what, "sweep point %s is not a valid config:",
                     grid->points[point].name);
        else
            snprintf(what, sizeof what, "%s is not a valid config:",
                     opts->experiment);
        fail_with_diags(err, what, &diags);
        return NULL;
    }
    ebm_diags_free(&diags);
    return root;
}

static char *sweep_yaml(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    fputs("# written by ebm sweep: the command and its grid\nexperiment: ", f);
    write_yaml_string(f, opts->experiment);
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
    fputs("\npoints:\n", f);
    for (int p = 0; p < grid->n_points; p++) {
        fputs("  - ", f);
        write_yaml_string(f, grid->points[p].name);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static int prepare_dir(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid,
                       const ebm_node *base, char *dir, size_t dir_size,
                       ebm_error *err) {
    if (opts->out_dir) {
        snprintf(dir, dir_size, "%s", opts->out_dir);
    } else {
        const char *slash = strrchr(opts->experiment, '/');
        char stem[256];
        snprintf(stem, sizeof stem, "%s", slash ? slash + 1 : opts->experiment);
        char *dot = strrchr(stem, '.');
        if (dot && dot != stem) *dot = '\0';
        char stamp[32];
        ebm_proc_timestamp(stamp, sizeof stamp);
        snprintf(dir, dir_size, "runs/%s/sweep-%s",
                 ebm_cfg_str(base, "name", stem), stamp);
    }
    int rc = ebm_proc_mkdirs(dir, err);
    if (rc) return rc;
    char path[4400];
    char *text = sweep_yaml(opts, grid);
    if (!text) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    snprintf(path, sizeof path, "%s/sweep.yaml", dir);
    rc = ebm_proc_write_file(path, text, err);
    free(text);
    if (rc) return rc;
    text = ebm_cfg_to_yaml(base);
    if (!text) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    rc = ebm_proc_write_file(path, text, err);
    free(text);
    for (int p = 0; !rc && p < grid->n_points; p++) {
        snprintf(path, sizeof path, "%s/%s", dir, grid->points[p].name);
        rc = ebm_proc_mkdirs(path, err);
    }
    return rc;
}

static int start_point(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid,
                       const char *dir, int p, point_state *st) {
    const ebm_sweep_point *pt = &grid->points[p];
    int argc = 0;
    char **argv = malloc((size_t)(grid->n_plain + grid->n_axes + 8) * sizeof *argv);
    char point_dir[4400], log_path[4500];
    snprintf(point_dir, sizeof point_dir, "%s/%s", dir, pt->name);
    snprintf(log_path, sizeof log_path, "%s/log.txt", point_dir);
    if (!argv) {
        st->state = POINT_DONE;
        st->exit_code = -1;
        return -1;
    }
    argv[argc++] = (char *)opts->self_exe;
    argv[argc++] = "run";
    argv[argc++] = (char *)opts->experiment;
    for (int i = 0; i < grid->n_plain; i++) argv[argc++] = grid->plain[i];
    for (int a = 0; a < grid->n_axes; a++) argv[argc++] = pt->overrides[a];
    argv[argc++] = "--out";
    argv[argc++] = point_dir;
    argv[argc++] = "--quiet";
    argv[argc] = NULL;
    /* A stale log or run file from an earlier sweep into the same directory
     * must not be mistaken for this run's. */
    unlink(log_path);
    char run_path[4500];
    snprintf(run_path, sizeof run_path, "%s/run.h5", point_dir);
    unlink(run_path);
    ebm_error spawn_err;
    int rc = ebm_proc_spawn(argv, log_path, &st->pid, &spawn_err);
    free(argv);
    if (rc) {
        FILE *log = fopen(log_path, "a");
        if (log) {
            fprintf(log, "ebm sweep: %s\n", spawn_err.msg);
            fclose(log);
        }
        st->state = POINT_DONE;
        st->exit_code = -1;
        return -1;
    }
    st->state = POINT_RUNNING;
    return 0;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void nap(void) {
    struct timespec t = {0, POLL_NS};
    nanosleep(&t, NULL);   /* a signal cutting it short is fine */
}

/* Reaps finished children; returns how many are still running. */
static int reap(point_state *st, int n) {
    int running = 0;
    for (int p = 0; p < n; p++) {
        if (st[p].state != POINT_RUNNING) continue;
        int status = 0;
        int r = ebm_proc_wait(st[p].pid, 0, &status);
        if (r == 0) {
            running++;
            continue;
        }
        st[p].state = POINT_DONE;
        st[p].exit_code = r > 0 ? ebm_proc_exit_code(status) : -1;
    }
    return running;
}

static void report(const ebm_sweep_opts *opts, const point_state *st, int n,
                   int running) {
    if (!opts->progress) return;
    int done = 0, failed = 0;
    for (int p = 0; p < n; p++) {
        if (st[p].state != POINT_DONE) continue;
        done++;
        failed += st[p].exit_code != 0;
    }
    opts->progress(opts->progress_ctx, done, n, running, failed);
}

/* Runs the points, at most jobs at a time. Returns 1 if stopped early. */
static int run_points(const ebm_sweep_opts *opts, const ebm_sweep_grid *grid,
                      const char *dir, point_state *st) {
    int n = grid->n_points, next = 0, running = 0;
    int jobs = opts->jobs >= 1 ? opts->jobs : 1;
    /* Several runs at once share the cores: each gets its part of them
     * (children inherit the variable), unless the user already chose. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > 1 && !getenv("OMP_NUM_THREADS")) {
        char threads[32];
        snprintf(threads, sizeof threads, "%ld", cores / jobs > 1 ? cores / jobs : 1);
        setenv("OMP_NUM_THREADS", threads, 0);
    }
    while (next < n || running > 0) {
        if (opts->stop && *opts->stop) break;
        while (running < jobs && next < n) {
            if (start_point(opts, grid, dir, next, &st[next]) == 0) running++;
            next++;
        }
        int still = reap(st, n);
        if (still == running) nap();
        else report(opts, st, n, still);
        running = still;
    }
    if (!(opts->stop && *opts->stop)) return 0;

    for (int p = next; p < n; p++) st[p].state = POINT_NOT_RUN;
    for (int p = 0; p < n; p++) {
        if (st[p].state != POINT_RUNNING) continue;
        kill(st[p].pid, SIGTERM);
        st[p].stopped = 1;
    }
    double deadline = now_seconds() + STOP_GRACE_SECONDS;
    while (reap(st, n) > 0) {
        if (now_seconds() > deadline) {
            for (int p = 0; p < n; p++)
                if (st[p].state == POINT_RUNNING) kill(st[p].pid, SIGKILL);
            deadline = now_seconds() + 1e9;
        }
        nap();
    }
    return 1;
}

/* The status column: the run file's word, corrected by how the child ended
 * (a run file still saying "running" belongs to a child that died). */
static int settle_status(ebm_summary *s, const point_state *st, int n) {
    int n_failed = 0;
    for (int p = 0; p < n; p++) {
        const char *status = s->status[p];
        if (st[p].state == POINT_NOT_RUN) status = "interrupted";
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

static int write_summary(const char *dir, const ebm_sweep_grid *grid,
                         const point_state *st, int *n_failed, ebm_error *err) {
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
    char path[4400];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (!rc) rc = ebm_summary_write_csv(&s, path, err);
    snprintf(path, sizeof path, "%s/summary.h5", dir);
    if (!rc) rc = ebm_summary_write_h5(&s, path, err);
    ebm_summary_free(&s);
    return rc;
}

int ebm_sweep(const ebm_sweep_opts *opts, int *n_failed, char *out_dir_used,
              size_t out_dir_size, ebm_error *err) {
    ebm_error local;
    if (!err) err = &local;
    *n_failed = 0;
    if (!opts->experiment || !opts->self_exe)
        return ebm_fail(err, EBM_EINVAL, "sweep: experiment and self_exe are required");

    ebm_diags diags = {0};
    ebm_node *file = ebm_cfg_compose(opts->experiment, NULL, 0, &diags);
    if (!file) {
        char what[600];
        snprintf(what, sizeof what, "%s is not a valid config:", opts->experiment);
        return fail_with_diags(err, what, &diags);
    }
    ebm_diags_free(&diags);
    ebm_sweep_grid grid;
    int rc = ebm_sweep_grid_build(ebm_node_at(file, "sweep"), opts->args,
                                  opts->n_args, &grid, err);
    ebm_node_free(file);
    if (rc) return rc;

    ebm_node *base = resolve_point(opts, &grid, -1, err);
    rc = base ? EBM_OK : err->code;
    for (int p = 0; !rc && p < grid.n_points; p++) {
        ebm_node *point = resolve_point(opts, &grid, p, err);
        if (!point) rc = err->code;
        ebm_node_free(point);
    }
    char dir[4096];
    if (!rc) rc = prepare_dir(opts, &grid, base, dir, sizeof dir, err);
    ebm_node_free(base);
    if (rc) {
        ebm_sweep_grid_free(&grid);
        return rc;
    }
    if (out_dir_used) snprintf(out_dir_used, out_dir_size, "%s", dir);

    point_state *st = calloc((size_t)grid.n_points, sizeof *st);
    if (!st) {
        ebm_sweep_grid_free(&grid);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    int stopped = run_points(opts, &grid, dir, st);
    rc = write_summary(dir, &grid, st, n_failed, err);
    if (!rc && stopped) {
        int finished = 0;
        for (int p = 0; p < grid.n_points; p++)
            finished += st[p].state == POINT_DONE && !st[p].stopped;
        rc = ebm_fail(err, EBM_EINTERRUPT,
                      "sweep interrupted: %d of %d points finished (%s)",
                      finished, grid.n_points, dir);
    }
    free(st);
    ebm_sweep_grid_free(&grid);
    return rc;
}
