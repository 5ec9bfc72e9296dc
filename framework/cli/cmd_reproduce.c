/* cmd_reproduce.c — `ebm reproduce`: runs documented experiments and prints
 * the table of documented against obtained values. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "reproduce.h"

int cli_reproduce(const cli_args *args) {
    int progress = !args->quiet && isatty(STDERR_FILENO);
    ebm_reproduce_opts opts = {.experiments = args->positional,
                               .n_experiments = args->n_positional,
                               .out_dir = args->out,
                               .jobs = args->jobs,
                               .self_exe = args->exe,
                               .progress = progress ? cli_draw_sweep_progress : NULL,
                               .stop = cli_stop_flag()};
    ebm_error err;
    ebm_error_clear(&err);
    ebm_reproduce_row *rows = NULL;
    int n_rows = 0;
    cli_install_signal_handlers();
    int rc = ebm_reproduce(&opts, &rows, &n_rows, &err);
    if (progress) fprintf(stderr, "\n");
    if (n_rows) ebm_reproduce_print(stdout, rows, n_rows);
    int failed = 0;
    for (int i = 0; i < n_rows; i++) failed += !rows[i].pass;
    ebm_reproduce_rows_free(rows, n_rows);
    if (rc) return cli_report("reproduce", rc, &err, NULL);
    if (n_rows == 0) {
        fprintf(stderr, "ebm reproduce: no experiment with an expect: block\n");
        return EXIT_BAD_INPUT;
    }
    return failed ? 1 : 0;
}
