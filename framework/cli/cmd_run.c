/* cmd_run.c — `ebm run`: one run of an experiment (or the rest of one,
 * --resume): a progress line on a terminal (a line per log point
 * elsewhere), the final metrics and expect: verdicts, the run file's path. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "run_summary.h"
#include "sweep_grid.h"

/* The final metrics and the expect: verdicts, when the run file can be read. */
static void print_summary(const char *dir) {
    ebm_run_summary summary;
    ebm_error err;
    if (ebm_run_summary_read(dir, &summary, &err) != EBM_OK) return;
    ebm_run_summary_write(stdout, &summary);
    ebm_run_summary_free(&summary);
}

int cli_run(const cli_args *args) {
    const char *resume = args->resume;
    if (args->n_positional < 1 && !resume) {
        fprintf(stderr, "ebm run: no experiment file given (a YAML file, or --resume DIR)\n"
                        "usage: %s\n", cli_command_find("run")->usage);
        return EXIT_BAD_INPUT;
    }
    if (resume && (args->n_positional > 0 || args->out)) {
        fprintf(stderr, "ebm run: --resume DIR continues the run with its own config; "
                        "give no file, overrides or --out with it\n");
        return EXIT_BAD_INPUT;
    }
    if (args->force && !args->out) {
        fprintf(stderr, "ebm run: --force moves the results in --out DIR aside; give it "
                        "with --out\n");
        return EXIT_BAD_INPUT;
    }
    char **positional = args->positional;
    int n_positional = args->n_positional;
    /* One file serves run, sweep and reproduce; running its base config is
     * allowed, but say so, since the user may have meant the grid. */
    int n_points = resume ? 0 : ebm_sweep_block_points(positional[0], positional + 1,
                                                       n_positional - 1);
    if (n_points > 0)
        fprintf(stderr, "note: %s has a sweep: block (%d point%s); `ebm run` runs the "
                        "base config; use `ebm sweep %s` for the grid\n", positional[0],
                n_points, n_points == 1 ? "" : "s", positional[0]);
    int terminal = isatty(STDERR_FILENO);
    ebm_run_opts opts = {.experiment = resume ? NULL : positional[0],
                         .overrides = positional + (resume ? 0 : 1),
                         .n_overrides = resume ? 0 : n_positional - 1,
                         .out_dir = resume ? resume : args->out,
                         .resume = resume != NULL,
                         .force = args->force,
                         .progress = args->quiet ? NULL : cli_draw_progress,
                         .progress_ctx = &terminal,
                         .stop = cli_stop_flag(),
                         .command = args->command_line};
    ebm_diags diags = {0};
    ebm_error err;
    ebm_error_clear(&err);
    char dir[4096] = "";
    cli_install_signal_handlers();
    int rc = ebm_run(&opts, &diags, dir, sizeof dir, &err);
    if (!args->quiet && terminal) fprintf(stderr, "\n");
    int status = cli_report("run", rc, &err, &diags);
    if (dir[0] && rc != EBM_ECONFIG && rc != EBM_EIO) print_summary(dir);
    if (dir[0] && rc != EBM_ECONFIG) printf("%s/run.h5\n", dir);
    if (rc == EBM_EINTERRUPT) fprintf(stderr, "continue it with: ebm run --resume %s\n", dir);
    if (rc == EBM_EIO) {
        /* Once a flush has failed (disk full), HDF5 1.10 cannot close that
         * file again and its own exit handler crashes trying: leave without
         * running it. Everything ebm needed to write is written or reported. */
        fflush(NULL);
        _exit(status);
    }
    ebm_diags_free(&diags);
    return status;
}
