/* gnuplot.c — the gnuplot calls `ebm plot` queues while it exports data, run
 * one by one once every file is written: a script of scripts/ with its -e
 * assignments, and the PNG it must leave behind. */
#include "gnuplot.h"

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
        const ebm_gp_job *job = &jobs->items[i];
        char script[4400];
        ebm_plot_fmt(script, sizeof script, "%s/%s", scripts, job->script);
        if (!ebm_proc_is_file(script))
            return ebm_fail(err, EBM_EIO, "%s: gnuplot script not found (set "
                                          "EBM_DATA_DIR to the directory that holds "
                                          "ebm's scripts/)",
                            script);
        char *argv[] = {gnuplot, "-e", job->assign, script, NULL};
        char *output = NULL;
        int code = 0;
        rc = ebm_proc_run_capture(argv, &output, STDERR_TAIL, &code, err);
        if (rc) return rc;
        if (code != 0 || !ebm_proc_is_file(job->png)) {
            rc = ebm_fail(err, EBM_EIO, "gnuplot failed (exit status %d) on %s "
                                        "drawing %s: %s", code, script, job->png,
                          output);
            free(output);
            return rc;
        }
        free(output);
        ebm_plot_text_add(written, "%s\n", job->png);
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
