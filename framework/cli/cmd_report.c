/* cmd_report.c — `ebm report`: an HTML page of runs, sweeps or a reproduce
 * directory (the library writes it; this prints where). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "report.h"

int cli_report_page(const cli_args *args) {
    if (args->n_positional < 1) {
        fprintf(stderr, "usage: %s\n", cli_command_find("report")->usage);
        return EXIT_BAD_INPUT;
    }
    ebm_report_opts opts = {.inputs = args->positional, .n_inputs = args->n_positional,
                            .out_dir = args->out};
    ebm_error err;
    ebm_error_clear(&err);
    char *index = NULL;
    int rc = ebm_report(&opts, &index, &err);
    if (!rc) printf("%s\n", index);
    free(index);
    return cli_report("report", rc, &err, NULL);
}
