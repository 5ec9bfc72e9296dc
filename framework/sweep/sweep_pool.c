/* sweep_pool.c — running a sweep's points: child `ebm run` processes N at a
 * time here, the others handed to the workers (MPI ranks) through the hub,
 * each point's state kept, and a line in DIR/sweep.log as each one starts and
 * ends. */
#include "sweep_pool.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

/* How long a child may take to stop after SIGTERM before it is killed. */
#define STOP_GRACE_SECONDS 10.0
#define POLL_NS 20000000L
#define PATH_SIZE EBM_SWEEP_PATH_SIZE

static void ledger(ebm_sweep_pool *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void ledger(ebm_sweep_pool *r, const char *fmt, ...) {
    if (!r->ledger) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->ledger, fmt, ap);
    va_end(ap);
    fflush(r->ledger);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void utc_now(char out[32]) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "start 000 worker 2  <UTC time>  key=value ..." */
static void ledger_start(ebm_sweep_pool *r, int p, int worker) {
    char stamp[32];
    utc_now(stamp);
    r->st[p].started_s = now_seconds();
    ledger(r, "start %s worker %d  %s ", r->grid->points[p].name, worker, stamp);
    for (int a = 0; a < r->grid->n_axes; a++) ledger(r, " %s", r->grid->points[p].overrides[a]);
    ledger(r, "\n");
}

/* "end 000 worker 2 exit 0  <UTC time>  12.3 s" and why, when it was not a
 * plain end. */
static void ledger_end(ebm_sweep_pool *r, int p, int worker, int exit_code, const char *why) {
    char stamp[32];
    utc_now(stamp);
    double took = r->st[p].started_s > 0 ? now_seconds() - r->st[p].started_s : 0;
    ledger(r, "end %s worker %d exit %d  %s  %.1f s%s\n", r->grid->points[p].name, worker,
           exit_code, stamp, took, why);
}

/* Fills r->argv, r->point_dir and r->log_path with point p's command: a
 * fresh `ebm run`, or `ebm run --resume` when a resumed sweep's point left a
 * checkpoint. */
static void build_job(ebm_sweep_pool *r, int p) {
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
        /* Run again from the start: the failed attempt's files go (its
         * log.txt stays), so `ebm run --out` finds no results to refuse. */
        static const char *const stale[] = {"run.h5", "run.h5.part", "config.yaml"};
        char path[PATH_SIZE + 32];
        for (size_t i = 0; r->opts->resume_dir && i < sizeof stale / sizeof *stale; i++) {
            snprintf(path, sizeof path, "%s/%s", r->point_dir, stale[i]);
            unlink(path);
        }
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

static void start_local(ebm_sweep_pool *r, int p) {
    ebm_point_state *st = &r->st[p];
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
        st->state = EBM_POINT_DONE;
        st->exit_code = -1;
        ledger_end(r, p, 0, -1, " (could not start)");
        return;
    }
    st->state = EBM_POINT_RUNNING;
    r->local_running++;
    ledger_start(r, p, 0);
}

static int hub_next(void *ctx, int worker, ebm_sweep_job *job) {
    ebm_sweep_pool *r = ctx;
    if (r->stopping || r->next >= r->n_todo) return 0;
    int p = r->todo[r->next++];
    build_job(r, p);
    r->st[p] = (ebm_point_state){.state = EBM_POINT_RUNNING, .worker = worker};
    r->changes++;
    ledger_start(r, p, worker);
    *job = (ebm_sweep_job){.point = p, .argv = r->argv, .log_path = r->log_path};
    return 1;
}

static void hub_ended(void *ctx, int worker, int point, int exit_code,
                      int stopped, int not_run) {
    ebm_sweep_pool *r = ctx;
    /* Only a point this worker was given can end there. */
    if (point < 0 || point >= r->grid->n_points) return;
    ebm_point_state *st = &r->st[point];
    if (st->state != EBM_POINT_RUNNING || st->worker != worker || worker == 0) return;
    st->state = not_run ? EBM_POINT_NOT_RUN : EBM_POINT_DONE;
    st->exit_code = exit_code;
    st->stopped = stopped;
    r->changes++;
    ledger_end(r, point, worker, exit_code,
               not_run ? " (not run)" : stopped ? " (stopped)" : "");
}

static void nap(void) {
    struct timespec t = {0, POLL_NS};
    nanosleep(&t, NULL);   /* a signal cutting it short is fine */
}

/* Reaps the children that ended. */
static void reap(ebm_sweep_pool *r) {
    for (int p = 0; p < r->grid->n_points; p++) {
        ebm_point_state *st = &r->st[p];
        if (st->state != EBM_POINT_RUNNING || st->worker != 0) continue;
        int status = 0;
        int ended = ebm_proc_wait(st->pid, 0, &status);
        if (ended == 0) continue;
        st->state = EBM_POINT_DONE;
        st->exit_code = ended > 0 ? ebm_proc_exit_code(status) : -1;
        r->local_running--;
        r->changes++;
        ledger_end(r, p, 0, st->exit_code, st->stopped ? " (stopped)" : "");
    }
}

static void kill_local(ebm_sweep_pool *r, int sig) {
    for (int p = 0; p < r->grid->n_points; p++) {
        ebm_point_state *st = &r->st[p];
        if (st->state != EBM_POINT_RUNNING || st->worker != 0) continue;
        kill(st->pid, sig);
        st->stopped = 1;
    }
}

static int any_failure(const ebm_sweep_pool *r) {
    for (int p = 0; p < r->grid->n_points; p++)
        if (r->st[p].state == EBM_POINT_DONE && r->st[p].exit_code != 0 &&
            !r->st[p].stopped)
            return 1;
    return 0;
}

static void begin_stop(ebm_sweep_pool *r) {
    r->stopping = 1;
    for (; r->next < r->n_todo; r->next++) r->st[r->todo[r->next]].state = EBM_POINT_NOT_RUN;
    kill_local(r, SIGTERM);
    if (r->opts->workers) r->opts->workers->stop(r->opts->workers->ctx);
    r->changes++;
}

static void report(const ebm_sweep_pool *r) {
    const ebm_sweep_opts *opts = r->opts;
    if (!opts->progress) return;
    int done = 0, failed = 0, running = 0;
    for (int p = 0; p < r->grid->n_points; p++) {
        const ebm_point_state *st = &r->st[p];
        running += st->state == EBM_POINT_RUNNING;
        if (st->state != EBM_POINT_DONE && st->state != EBM_POINT_KEPT) continue;
        done++;
        failed += st->state == EBM_POINT_DONE && st->exit_code != 0;
    }
    opts->progress(opts->progress_ctx, done, r->grid->n_points, running, failed);
}

int ebm_sweep_pool_run(ebm_sweep_pool *r, ebm_error *err) {
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
                    if (r->st[p].state == EBM_POINT_RUNNING && r->st[p].worker != 0)
                        r->st[p].state = EBM_POINT_NOT_RUN;
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

int ebm_sweep_pool_init(ebm_sweep_pool *r, const ebm_sweep_opts *opts,
                        const ebm_sweep_grid *grid, const char *experiment,
                        const char *dir, ebm_error *err) {
    *r = (ebm_sweep_pool){.opts = opts, .grid = grid, .experiment = experiment,
                          .dir = dir};
    int np = grid->n_points;
    r->st = calloc((size_t)np, sizeof *r->st);
    r->todo = malloc((size_t)(np ? np : 1) * sizeof *r->todo);
    r->argv = malloc((size_t)(grid->n_plain + grid->n_axes + 8) * sizeof *r->argv);
    if (!r->st || !r->todo || !r->argv) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    for (int p = 0; p < np; p++) {
        if (opts->resume_dir && ebm_sweep_point_completed(dir, grid->points[p].name))
            r->st[p].state = EBM_POINT_KEPT;
        else
            r->todo[r->n_todo++] = p;
    }
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/sweep.log", dir);
    r->ledger = fopen(path, "a");
    if (opts->resume_dir)
        ledger(r, "resume: %d of %d points to run\n", r->n_todo, np);
    return EBM_OK;
}

int ebm_sweep_pool_finished(const ebm_sweep_pool *r) {
    int finished = 0;
    for (int p = 0; p < r->grid->n_points; p++)
        finished += (r->st[p].state == EBM_POINT_DONE && !r->st[p].stopped) ||
                    r->st[p].state == EBM_POINT_KEPT;
    return finished;
}

void ebm_sweep_pool_free(ebm_sweep_pool *r) {
    if (r->ledger) fclose(r->ledger);
    free(r->st);
    free(r->todo);
    free(r->argv);
    memset(r, 0, sizeof *r);
}
