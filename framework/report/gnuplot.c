/* gnuplot.c — the gnuplot calls `ebm plot` queues while it exports data, run
 * once every file is written, up to 16 in one gnuplot process: a script of
 * scripts/ with its -e assignments, and the PNG it must leave behind. */
#include "gnuplot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "proc.h"

/* How much of gnuplot's output a failure message quotes. */
#define STDERR_TAIL 1500

int ebm_gp_jobs_add(ebm_gp_jobs *jobs, const char *script, ebm_plot_text *assign,
                    const char *png, ebm_error *err) {
    ebm_gp_job *grown = realloc(jobs->items, (size_t)(jobs->n + 1) * sizeof *grown);
    if (!grown || assign->oom) {
        if (grown) jobs->items = grown;
        free(assign->text);
        return ebm_fail(err, EBM_ENOMEM, "out of memory");
    }
    jobs->items = grown;
    ebm_gp_job *job = &jobs->items[jobs->n++];
    job->script = strdup(script);
    job->assign = assign->text;
    job->png = strdup(png);
    if (!job->script || !job->png) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    return EBM_OK;
}

/* Jobs one gnuplot process draws, one after the other ("-e 'reset; a=...'
 * script.gp" each): starting gnuplot costs more than most pictures. */
#define BATCH 16

static int run_batch(const char *gnuplot, const char *scripts, const ebm_gp_job *jobs, int n,
                     ebm_plot_text *written, ebm_error *err) {
    char *argv[2 + 3 * BATCH] = {(char *)gnuplot};
    char *paths[BATCH] = {0}, *assigns[BATCH] = {0};
    int argc = 1, rc = EBM_OK;
    for (int i = 0; i < n && !rc; i++) {
        size_t len = strlen(jobs[i].assign) + 8;
        paths[i] = malloc(strlen(scripts) + strlen(jobs[i].script) + 2);
        assigns[i] = malloc(len);
        if (!paths[i] || !assigns[i]) {
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            break;
        }
        sprintf(paths[i], "%s/%s", scripts, jobs[i].script);
        /* each picture starts from gnuplot's defaults */
        snprintf(assigns[i], len, "reset; %s", jobs[i].assign);
        argv[argc++] = "-e";
        argv[argc++] = assigns[i];
        argv[argc++] = paths[i];
    }
    argv[argc] = NULL;
    char *output = NULL;
    int code = 0;
    if (!rc) rc = ebm_proc_run_capture(argv, &output, STDERR_TAIL, &code, err);
    /* gnuplot stops at the first error: the first missing picture is where */
    for (int i = 0; i < n && !rc; i++) {
        if (code == 0 && ebm_proc_is_file(jobs[i].png)) {
            ebm_plot_text_add(written, "%s\n", jobs[i].png);
            continue;
        }
        rc = ebm_fail(err, EBM_EIO, "gnuplot failed (exit status %d) on %s drawing %s: %s",
                      code, paths[i], jobs[i].png, output ? output : "");
    }
    free(output);
    for (int i = 0; i < n; i++) {
        free(paths[i]);
        free(assigns[i]);
    }
    return rc;
}

int ebm_gp_jobs_run(const ebm_gp_jobs *jobs, const char *data_dir,
                    ebm_plot_text *written, ebm_error *err) {
    if (jobs->n == 0) return EBM_OK;
    char gnuplot[4096];
    if (ebm_proc_find_in_path("gnuplot", gnuplot, sizeof gnuplot))
        return ebm_fail(err, EBM_ENOTSUP,
                        "gnuplot not found on PATH; install gnuplot-nox (the .dat "
                        "files are in %s)", data_dir);
    char scripts[4096];
    int rc = ebm_data_dir("scripts", scripts, sizeof scripts, err);
    if (rc) return rc;
    for (int i = 0; i < jobs->n; i++) {
        char script[4400];
        ebm_plot_fmt(script, sizeof script, "%s/%s", scripts, jobs->items[i].script);
        if (!ebm_proc_is_file(script))
            return ebm_fail(err, EBM_EIO, "%s: gnuplot script not found (set "
                                          "EBM_DATA_DIR to the directory that holds "
                                          "ebm's scripts/)",
                            script);
    }
    for (int first = 0; first < jobs->n; first += BATCH) {
        int n = jobs->n - first < BATCH ? jobs->n - first : BATCH;
        rc = run_batch(gnuplot, scripts, jobs->items + first, n, written, err);
        if (rc) return rc;
    }
    if (written->oom) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    return EBM_OK;
}

void ebm_gp_jobs_free(ebm_gp_jobs *jobs) {
    for (int i = 0; i < jobs->n; i++) {
        free(jobs->items[i].script);
        free(jobs->items[i].assign);
        free(jobs->items[i].png);
    }
    free(jobs->items);
    jobs->items = NULL;
    jobs->n = 0;
}
