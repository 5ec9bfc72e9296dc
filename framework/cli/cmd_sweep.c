/* cmd_sweep.c — `ebm sweep`: a grid of runs, N at a time or over MPI ranks,
 * a table of its points, the verdicts of its expect: entries, its summary's
 * path, and which points failed with how to run them again. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "expect.h"
#include "overview.h"
#include "reproduce.h"
#include "summary.h"
#include "sweep.h"
#include "sweep_mpi.h"

/* Lists the failed points of DIR/summary.csv with their logs. */
static void list_failed_points(const char *dir) {
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    ebm_summary s;
    ebm_error err;
    if (ebm_summary_read_csv(path, &s, &err) != EBM_OK) return;
    for (int p = 0; p < s.n_points; p++)
        if (strcmp(s.status[p], "failed") == 0)
        {
            fprintf(stderr, "  failed: %s", s.points[p]);
            for (int k = 0; k < s.n_keys; k++)
                fprintf(stderr, " %s=%s", s.keys[k], s.params[(size_t)p * s.n_keys + k]);
            fprintf(stderr, " (see %s/%s/log.txt)\n", dir, s.points[p]);
        }
    ebm_summary_free(&s);
}

/* The table of points: status, duration, swept values, headline metric. */
static void print_points(const char *dir) {
    ebm_overview ov;
    ebm_error err;
    if (ebm_overview_read(dir, &ov, &err) != EBM_OK) return;
    ebm_overview_write(stdout, &ov);
    ebm_overview_free(&ov);
}

/* The documented values the sweep's expect: block names, checked as
 * `ebm run` checks a run's. */
static void print_expectations(const char *dir) {
    ebm_reproduce_row *rows = NULL;
    int n_rows = 0;
    ebm_error err;
    if (ebm_expect_evaluate_sweep(dir, &rows, &n_rows, &err) == EBM_OK)
        ebm_expect_write_lines(stdout, rows, n_rows, 0);
    ebm_reproduce_rows_free(rows, n_rows);
}

int cli_sweep(const cli_args *args) {
    const char *resume = args->resume, *exe = args->exe;
    int fail_fast = args->fail_fast;
    if (args->n_positional < 1 && !resume) {
        fprintf(stderr, "usage: %s\n", cli_command_find("sweep")->usage);
        return EXIT_BAD_INPUT;
    }
    if (resume && (args->n_positional > 0 || args->out)) {
        fprintf(stderr, "ebm sweep: --resume DIR continues the sweep in DIR with its own "
                        "file and grid; give no file, overrides or --out with it\n");
        return EXIT_BAD_INPUT;
    }
    if (args->force && !args->out) {
        fprintf(stderr, "ebm sweep: --force moves the results in --out DIR aside; give "
                        "it with --out\n");
        return EXIT_BAD_INPUT;
    }
    ebm_error err;
    ebm_error_clear(&err);
    cli_install_signal_handlers();
    /* Under mpirun/srun: rank 0 runs the sweep, the other ranks its points. */
    ebm_sweep_mpi *mpi = NULL;
    ebm_mpi_role role;
    int rank = 0, size = 1;
    if (ebm_sweep_mpi_start(&mpi, &role, &rank, &size, &err) != EBM_OK) {
        fprintf(stderr, "ebm sweep: %s\n", err.msg);
        return 1;
    }
    if (role == EBM_MPI_WORKER) {
        int rc = ebm_sweep_mpi_work(mpi, exe, args->jobs, cli_stop_flag(), &err);
        if (rc) fprintf(stderr, "ebm sweep (rank %d): %s\n", rank, err.msg);
        ebm_sweep_mpi_end(mpi);
        return rc ? 1 : 0;
    }
    if (role == EBM_MPI_ABSENT && rank != 0) {
        fprintf(stderr, "ebm sweep (rank %d of %d): this ebm was built without MPI; "
                        "rank 0 runs the whole sweep\n", rank, size);
        return 0;
    }
    if (role == EBM_MPI_ABSENT)
        fprintf(stderr, "ebm sweep: this ebm was built without MPI: rank 0 of %d runs "
                        "every point itself, %d at a time\n", size, args->jobs);
    int progress = !args->quiet && isatty(STDERR_FILENO);
    ebm_sweep_opts opts = {.experiment = resume ? NULL : args->positional[0],
                           .args = resume ? NULL : args->positional + 1,
                           .n_args = resume ? 0 : args->n_positional - 1,
                           .out_dir = args->out,
                           .force = args->force,
                           .jobs = args->jobs,
                           .self_exe = exe,
                           .progress = progress ? cli_draw_sweep_progress : NULL,
                           .stop = cli_stop_flag(),
                           .resume_dir = resume,
                           .fail_fast = fail_fast,
                           .workers = ebm_sweep_mpi_workers(mpi)};
    char dir[4096] = "";
    int n_failed = 0;
    int rc = ebm_sweep(&opts, &n_failed, dir, sizeof dir, &err);
    ebm_sweep_mpi_end(mpi);
    if (progress) fprintf(stderr, "\n");
    int status = cli_report("sweep", rc, &err, NULL);
    if (dir[0] && rc != EBM_ECONFIG) {
        print_points(dir);
        if (rc == EBM_OK) print_expectations(dir);
        printf("%s/summary.csv\n", dir);
        if (rc == EBM_EINTERRUPT)
            fprintf(stderr, "continue it with: ebm sweep --resume %s\n", dir);
        if (n_failed) {
            fprintf(stderr, "ebm sweep: %d point%s failed%s:\n", n_failed,
                    n_failed == 1 ? "" : "s",
                    fail_fast ? "; stopped there (--fail-fast), the points not run "
                                "are marked interrupted" : "");
            list_failed_points(dir);
            fprintf(stderr, "ebm sweep: `ebm sweep --resume %s` runs again the points "
                            "that did not complete\n", dir);
            if (!status) status = 1;
        }
    }
    return status;
}
