/* cmd_reproduce.c — `ebm reproduce`: runs documented experiments, prints the
 * table of documented against obtained values, and keeps it in the run
 * directory (reproduce.csv, report/index.html). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "reproduce.h"

/* DIR/report/index.html, next to DIR/reproduce.csv; a page that cannot be
 * made is reported but does not change the verdict. */
static void write_page(const char *dir) {
    char *inputs[] = {(char *)dir};
    ebm_report_opts opts = {.inputs = inputs, .n_inputs = 1};
    ebm_error err;
    char *index = NULL;
    if (ebm_report(&opts, &index, &err) == EBM_OK)
        printf("%s/reproduce.csv\n%s\n", dir, index);
    else
        fprintf(stderr, "ebm reproduce: no report page: %s\n", err.msg);
    free(index);
}

int cli_reproduce(const cli_args *args) {
    char dir[4096] = "";
    int progress = !args->quiet && isatty(STDERR_FILENO);
    ebm_reproduce_opts opts = {.experiments = args->positional,
                               .n_experiments = args->n_positional,
                               .out_dir = args->out,
                               .jobs = args->jobs,
                               .self_exe = args->exe,
                               .progress = progress ? cli_draw_sweep_progress : NULL,
                               .stop = cli_stop_flag(),
                               .out_dir_used = dir,
                               .out_dir_size = sizeof dir};
    ebm_error err;
    ebm_error_clear(&err);
    ebm_reproduce_row *rows = NULL;
    int n_rows = 0;
    cli_install_signal_handlers();
    int rc = ebm_reproduce(&opts, &rows, &n_rows, &err);
    if (progress) fprintf(stderr, "\n");
    if (n_rows) {
        ebm_reproduce_print(stdout, rows, n_rows);
        write_page(dir);
    }
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
