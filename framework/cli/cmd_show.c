/* cmd_show.c — `ebm show`: a run's status, last step, final metrics and
 * whether it can be resumed. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "show.h"

int cli_show(const cli_args *args) {
    if (args->n_positional != 1) {
        fprintf(stderr, "usage: %s\n", cli_command_find("show")->usage);
        return EXIT_BAD_INPUT;
    }
    ebm_error err;
    ebm_error_clear(&err);
    ebm_show_info *info = malloc(sizeof *info);
    if (!info) return 1;
    int rc = ebm_show(args->positional[0], info, &err);
    if (!rc) ebm_show_write(stdout, info);
    ebm_show_free(info);
    free(info);
    return cli_report("show", rc, &err, NULL);
}
