/* sweep.c — `ebm sweep`: checks every point's config, runs the points as
 * child `ebm run` processes N at a time (here, and on any workers such as MPI
 * ranks), resumes a sweep directory, and writes its files (sweep.yaml,
 * config.yaml, sweep.log, one directory per point, summary.csv/.h5). */
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "proc.h"
#include "runfile.h"
#include "summary.h"
#include "sweep_grid.h"

/* How long a child may take to stop after SIGTERM before it is killed. */
#define STOP_GRACE_SECONDS 10.0
#define POLL_NS 20000000L
#define PATH_SIZE 4400

enum {
    POINT_PENDING,
    POINT_RUNNING,
    POINT_DONE,
    POINT_NOT_RUN,
    POINT_KEPT      /* completed in an earlier run of a resumed sweep */
};

typedef struct point_state {
    int state;
    pid_t pid;          /* when run here */
    int worker;         /* who runs it: 0 here, else a worker's number */
    int exit_code;      /* -1: could not be started */
    int stopped;        /* it was told to stop */
} point_state;

/* One sweep in progress. */
typedef struct sweep_run {
    const ebm_sweep_opts *opts;
    const ebm_sweep_grid *grid;
    const char *experiment;   /* the file the points are run from */
    const char *dir;
    point_state *st;
    int *todo;                /* the points to run, in grid order */
    int n_todo, next;
    int local_running;
    int stopping;
    int changes;              /* bumped on every point state change */
    FILE *ledger;             /* DIR/sweep.log */
    /* The command of the point last started, reused for every point. */
    char **argv;
    char point_dir[PATH_SIZE];
    char log_path[PATH_SIZE + 16];
} sweep_run;

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
static ebm_node *resolve_point(const char *experiment, const ebm_sweep_grid *grid,
                               int point, ebm_error *err) {
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
            snprintf(what, sizeof what, "%s is not a valid config:", experiment);
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
    char path[PATH_SIZE + 32];
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

/* The experiment and arguments a sweep directory was made with, from its
 * sweep.yaml. */
typedef struct recorded_sweep {
    ebm_node *yaml;
    const char *experiment;
    char **args;
    int n_args;
} recorded_sweep;

static void recorded_free(recorded_sweep *rec) {
    free(rec->args);
    ebm_node_free(rec->yaml);
    memset(rec, 0, sizeof *rec);
}

static int read_recorded(const char *dir, recorded_sweep *rec, ebm_error *err) {
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
        recorded_free(rec);
        return ebm_fail(err, EBM_EDATA,
                        "%s: not written by ebm sweep (no experiment, args or "
                        "points)", path);
    }
    rec->experiment = exp->scalar;
    rec->n_args = args ? args->n : 0;
    rec->args = calloc((size_t)rec->n_args + 1, sizeof *rec->args);
    if (!rec->args) {
        recorded_free(rec);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    for (int i = 0; i < rec->n_args; i++) {
        if (args->values[i]->kind != EBM_NODE_SCALAR) {
            recorded_free(rec);
            return ebm_fail(err, EBM_EDATA, "%s: args holds a non-string", path);
        }
        rec->args[i] = args->values[i]->scalar;
    }
    return EBM_OK;
}

/* Line `line` (1-based) of text, copied into out (at most out_size - 1). */
static void copy_line(const char *text, int line, char *out, size_t out_size) {
    for (int i = 1; i < line && text; i++) {
        text = strchr(text, '\n');
        if (text) text++;
    }
    size_t n = 0;
    while (text && text[n] && text[n] != '\n') n++;
    if (n >= out_size) n = out_size - 1;
    memcpy(out, text ? text : "", n);
    out[n] = '\0';
}

/* 0 if the texts are equal, else the first line that differs. */
static int first_difference(const char *a, const char *b) {
    int line = 1;
    for (size_t i = 0;; i++) {
        if (a[i] != b[i]) return line;
        if (!a[i]) return 0;
        if (a[i] == '\n') line++;
    }
}

/* A resumed sweep must be the same sweep: the same resolved config and the
 * same points, else its summary would mix two experiments. */
static int check_unchanged(const char *dir, const recorded_sweep *rec,
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
    int line = first_difference(was, now);
    if (line) {
        char before[200], after[200];
        copy_line(was, line, before, sizeof before);
        copy_line(now, line, after, sizeof after);
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
    for (int p = 0; same && p < grid->n_points; p++)
        same = points->values[p]->kind == EBM_NODE_SCALAR &&
               strcmp(points->values[p]->scalar, grid->points[p].name) == 0;
    if (!same)
        return ebm_fail(err, EBM_ECONFIG,
                        "cannot resume %s: the sweep's grid changed since it ran "
                        "(%s's sweep: block now gives %d points, %s/sweep.yaml "
                        "lists %d); start a new sweep instead", dir,
                        rec->experiment, grid->n_points, dir, points->n);
    return EBM_OK;
}

/* 1 if DIR/<point>/run.h5 says the point completed. */
static int point_completed(const char *dir, const char *point) {
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

/* ---- running points ---- */

static void ledger(sweep_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void ledger(sweep_run *r, const char *fmt, ...) {
    if (!r->ledger) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->ledger, fmt, ap);
    va_end(ap);
    fflush(r->ledger);
}

/* Fills r->argv, r->point_dir and r->log_path with point p's command: a
 * fresh `ebm run`, or `ebm run --resume` when a resumed sweep's point left a
 * checkpoint. */
static void build_job(sweep_run *r, int p) {
    const ebm_sweep_grid *grid = r->grid;
    const ebm_sweep_point *pt = &grid->points[p];
    snprintf(r->point_dir, sizeof r->point_dir, "%s/%s", r->dir, pt->name);
    snprintf(r->log_path, sizeof r->log_path, "%s/log.txt", r->point_dir);
    int argc = 0;
    r->argv[argc++] = (char *)r->opts->self_exe;
    r->argv[argc++] = "run";
    char checkpoint[PATH_SIZE + 32];
    snprintf(checkpoint, sizeof checkpoint, "%s/checkpoint.h5", r->point_dir);
    int from_checkpoint = r->opts->resume_dir && ebm_proc_is_file(checkpoint);
    if (from_checkpoint) {
        r->argv[argc++] = "--resume";
        r->argv[argc++] = r->point_dir;
    } else {
        r->argv[argc++] = (char *)r->experiment;
        for (int i = 0; i < grid->n_plain; i++) r->argv[argc++] = grid->plain[i];
        for (int a = 0; a < grid->n_axes; a++) r->argv[argc++] = pt->overrides[a];
        r->argv[argc++] = "--out";
        r->argv[argc++] = r->point_dir;
    }
    r->argv[argc++] = "--quiet";
    r->argv[argc] = NULL;
    if (r->opts->resume_dir) {
        FILE *log = fopen(r->log_path, "a");
        if (log) {
            fprintf(log, "--- ebm sweep --resume: %s\n",
                    from_checkpoint ? "continuing from the checkpoint"
                                    : "running again");
            fclose(log);
        }
    }
}

static void start_local(sweep_run *r, int p) {
    point_state *st = &r->st[p];
    build_job(r, p);
    st->worker = 0;
    st->stopped = 0;
    r->changes++;
    ebm_error spawn_err;
    if (ebm_proc_spawn(r->argv, r->log_path, &st->pid, &spawn_err)) {
        FILE *log = fopen(r->log_path, "a");
        if (log) {
            fprintf(log, "ebm sweep: %s\n", spawn_err.msg);
            fclose(log);
        }
        st->state = POINT_DONE;
        st->exit_code = -1;
        ledger(r, "end %s worker 0 exit -1 (could not start)\n",
               r->grid->points[p].name);
        return;
    }
    st->state = POINT_RUNNING;
    r->local_running++;
    ledger(r, "start %s worker 0\n", r->grid->points[p].name);
}

static int hub_next(void *ctx, int worker, ebm_sweep_job *job) {
    sweep_run *r = ctx;
    if (r->stopping || r->next >= r->n_todo) return 0;
    int p = r->todo[r->next++];
    build_job(r, p);
    r->st[p] = (point_state){.state = POINT_RUNNING, .worker = worker};
    r->changes++;
    ledger(r, "start %s worker %d\n", r->grid->points[p].name, worker);
    *job = (ebm_sweep_job){.point = p, .argv = r->argv, .log_path = r->log_path};
    return 1;
}

static void hub_ended(void *ctx, int worker, int point, int exit_code,
                      int stopped, int not_run) {
    sweep_run *r = ctx;
    /* Only a point this worker was given can end there. */
    if (point < 0 || point >= r->grid->n_points) return;
    point_state *st = &r->st[point];
    if (st->state != POINT_RUNNING || st->worker != worker || worker == 0) return;
    st->state = not_run ? POINT_NOT_RUN : POINT_DONE;
    st->exit_code = exit_code;
    st->stopped = stopped;
    r->changes++;
    ledger(r, "end %s worker %d exit %d%s\n", r->grid->points[point].name, worker,
           exit_code, not_run ? " (not run)" : stopped ? " (stopped)" : "");
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

/* Reaps the children that ended. */
static void reap(sweep_run *r) {
    for (int p = 0; p < r->grid->n_points; p++) {
        point_state *st = &r->st[p];
        if (st->state != POINT_RUNNING || st->worker != 0) continue;
        int status = 0;
        int ended = ebm_proc_wait(st->pid, 0, &status);
        if (ended == 0) continue;
        st->state = POINT_DONE;
        st->exit_code = ended > 0 ? ebm_proc_exit_code(status) : -1;
        r->local_running--;
        r->changes++;
        ledger(r, "end %s worker 0 exit %d%s\n", r->grid->points[p].name,
               st->exit_code, st->stopped ? " (stopped)" : "");
    }
}

static void kill_local(sweep_run *r, int sig) {
    for (int p = 0; p < r->grid->n_points; p++) {
        point_state *st = &r->st[p];
        if (st->state != POINT_RUNNING || st->worker != 0) continue;
        kill(st->pid, sig);
        st->stopped = 1;
    }
}

static int any_failure(const sweep_run *r) {
    for (int p = 0; p < r->grid->n_points; p++)
        if (r->st[p].state == POINT_DONE && r->st[p].exit_code != 0 &&
            !r->st[p].stopped)
            return 1;
    return 0;
}

static void begin_stop(sweep_run *r) {
    r->stopping = 1;
    for (; r->next < r->n_todo; r->next++) r->st[r->todo[r->next]].state = POINT_NOT_RUN;
    kill_local(r, SIGTERM);
    if (r->opts->workers) r->opts->workers->stop(r->opts->workers->ctx);
    r->changes++;
}

static void report(const sweep_run *r) {
    const ebm_sweep_opts *opts = r->opts;
    if (!opts->progress) return;
    int done = 0, failed = 0, running = 0;
    for (int p = 0; p < r->grid->n_points; p++) {
        const point_state *st = &r->st[p];
        running += st->state == POINT_RUNNING;
        if (st->state != POINT_DONE && st->state != POINT_KEPT) continue;
        done++;
        failed += st->state == POINT_DONE && st->exit_code != 0;
    }
    opts->progress(opts->progress_ctx, done, r->grid->n_points, running, failed);
}

/* Runs the points to do, at most jobs at a time here, while the workers (if
 * any) take the others. Returns EBM_OK, or an error from the workers. */
static int run_points(sweep_run *r, ebm_error *err) {
    const ebm_sweep_opts *opts = r->opts;
    const ebm_sweep_workers *workers = opts->workers;
    int jobs = opts->jobs >= 1 ? opts->jobs : 1;
    /* Several runs at once share the cores: each gets its part of them
     * (children inherit the variable), unless the user already chose. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > 1 && !getenv("OMP_NUM_THREADS")) {
        char threads[32];
        snprintf(threads, sizeof threads, "%ld", cores / jobs > 1 ? cores / jobs : 1);
        setenv("OMP_NUM_THREADS", threads, 0);
    }
    ebm_sweep_hub hub = {.ctx = r, .next = hub_next, .ended = hub_ended};
    int workers_active = workers != NULL, rc = EBM_OK;
    double kill_at = 0;
    report(r);
    for (;;) {
        int changes = r->changes;
        if (!r->stopping && ((opts->stop && *opts->stop) ||
                             (opts->fail_fast && any_failure(r)))) {
            begin_stop(r);
            kill_at = now_seconds() + STOP_GRACE_SECONDS;
        }
        while (!r->stopping && r->local_running < jobs && r->next < r->n_todo)
            start_local(r, r->todo[r->next++]);
        if (workers_active) {
            int active = workers->poll(workers->ctx, &hub, err);
            if (active < 0) {
                rc = err->code ? err->code : EBM_EIO;
                if (!r->stopping) begin_stop(r);
                kill_at = now_seconds() + STOP_GRACE_SECONDS;
                /* Points still out with the workers are lost to us. */
                for (int p = 0; p < r->grid->n_points; p++)
                    if (r->st[p].state == POINT_RUNNING && r->st[p].worker != 0)
                        r->st[p].state = POINT_NOT_RUN;
            }
            workers_active = active > 0;
        }
        reap(r);
        if (kill_at > 0 && now_seconds() > kill_at) {
            kill_local(r, SIGKILL);
            kill_at = 0;
        }
        if (!workers_active && r->local_running == 0 &&
            (r->stopping || r->next >= r->n_todo))
            break;
        if (changes != r->changes) report(r);
        else nap();
    }
    report(r);
    return rc;
}

/* The status column: the run file's word, corrected by how the child ended
 * (a run file still saying "running" belongs to a child that died). */
static int settle_status(ebm_summary *s, const point_state *st, int n) {
    int n_failed = 0;
    for (int p = 0; p < n; p++) {
        const char *status = s->status[p];
        if (st[p].state == POINT_KEPT) status = s->status[p];
        else if (st[p].state == POINT_NOT_RUN) status = "interrupted";
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
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (!rc) rc = ebm_summary_write_csv(&s, path, err);
    snprintf(path, sizeof path, "%s/summary.h5", dir);
    if (!rc) rc = ebm_summary_write_h5(&s, path, err);
    ebm_summary_free(&s);
    return rc;
}

/* Builds the grid and checks every point; for a resumed sweep also that it
 * is the sweep the directory holds. *base gets the resolved base config. */
static int plan(const ebm_sweep_opts *opts, const char *experiment,
                char *const *args, int n_args, const recorded_sweep *rec,
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
    *base = resolve_point(experiment, grid, -1, err);
    rc = *base ? EBM_OK : err->code;
    for (int p = 0; !rc && p < grid->n_points; p++) {
        ebm_node *point = resolve_point(experiment, grid, p, err);
        if (!point) rc = err->code;
        ebm_node_free(point);
    }
    if (!rc && rec) rc = check_unchanged(opts->resume_dir, rec, grid, *base, err);
    if (rc) {
        ebm_node_free(*base);
        *base = NULL;
        ebm_sweep_grid_free(grid);
    }
    return rc;
}

static int execute(sweep_run *r, int *n_failed, ebm_error *err) {
    const ebm_sweep_grid *grid = r->grid;
    int np = grid->n_points;
    r->st = calloc((size_t)np, sizeof *r->st);
    r->todo = malloc((size_t)(np ? np : 1) * sizeof *r->todo);
    r->argv = malloc((size_t)(grid->n_plain + grid->n_axes + 8) * sizeof *r->argv);
    if (!r->st || !r->todo || !r->argv) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int p = 0; p < np; p++) {
        if (r->opts->resume_dir && point_completed(r->dir, grid->points[p].name))
            r->st[p].state = POINT_KEPT;
        else
            r->todo[r->n_todo++] = p;
    }
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/sweep.log", r->dir);
    r->ledger = fopen(path, "a");
    if (r->opts->resume_dir)
        ledger(r, "resume: %d of %d points to run\n", r->n_todo, np);
    int rc = run_points(r, err);
    ebm_error summary_err;
    int summary_rc = write_summary(r->dir, grid, r->st, n_failed, &summary_err);
    if (!rc && summary_rc) {
        rc = summary_rc;
        *err = summary_err;
    }
    if (!rc && r->opts->stop && *r->opts->stop) {
        int finished = 0;
        for (int p = 0; p < np; p++)
            finished += (r->st[p].state == POINT_DONE && !r->st[p].stopped) ||
                        r->st[p].state == POINT_KEPT;
        rc = ebm_fail(err, EBM_EINTERRUPT,
                      "sweep interrupted: %d of %d points finished (%s)",
                      finished, np, r->dir);
    }
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

    recorded_sweep rec = {0};
    const char *experiment = opts->experiment;
    char *const *args = opts->args;
    int n_args = opts->n_args;
    if (opts->resume_dir) {
        int rc = read_recorded(opts->resume_dir, &rec, err);
        if (rc) return rc;
        experiment = rec.experiment;
        args = rec.args;
        n_args = rec.n_args;
    }
    ebm_sweep_grid grid;
    ebm_node *base = NULL;
    int rc = plan(opts, experiment, args, n_args, opts->resume_dir ? &rec : NULL,
                  &grid, &base, err);
    if (rc) {
        recorded_free(&rec);
        return rc;
    }
    char dir[4096];
    if (opts->resume_dir) snprintf(dir, sizeof dir, "%s", opts->resume_dir);
    else rc = prepare_dir(opts, &grid, base, dir, sizeof dir, err);
    ebm_node_free(base);
    if (!rc) {
        if (out_dir_used) snprintf(out_dir_used, out_dir_size, "%s", dir);
        sweep_run r = {.opts = opts, .grid = &grid, .experiment = experiment,
                       .dir = dir};
        rc = execute(&r, n_failed, err);
        if (r.ledger) fclose(r.ledger);
        free(r.st);
        free(r.todo);
        free(r.argv);
    }
    ebm_sweep_grid_free(&grid);
    recorded_free(&rec);
    return rc;
}
