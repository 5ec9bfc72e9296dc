/* cmd_plot.c — `ebm plot`: pictures of runs and sweeps, and their paths. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "plot.h"

int cli_plot(const cli_args *args) {
    if (args->n_positional < 1) {
        fprintf(stderr, "usage: %s\n", cli_command_find("plot")->usage);
        return EXIT_BAD_INPUT;
    }
    ebm_plot_opts opts = {.inputs = args->positional, .n_inputs = args->n_positional,
                          .out_dir = args->out, .all_points = args->all_points};
    ebm_error err;
    ebm_error_clear(&err);
    char *written = NULL;
    int rc = ebm_plot(&opts, &written, &err);
    if (written) fputs(written, stdout);
    free(written);
    return cli_report("plot", rc, &err, NULL);
}
