/* cmd_validate.c — `ebm validate`: the resolved config, or every problem
 * with its position; nothing is written. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_validate(const cli_args *args) {
    if (args->n_positional < 1) {
        fprintf(stderr, "usage: ebm validate FILE [key=value ...]\n");
        return EXIT_BAD_INPUT;
    }
    ebm_diags diags = {0};
    char *yaml = ebm_resolve(args->positional[0], args->positional + 1, args->n_positional - 1,
                             &diags);
    if (!yaml) {
        cli_print_diags(&diags);
        fprintf(stderr, "%s: %ld problem%s\n", args->positional[0], ebm_diags_total(&diags),
                ebm_diags_total(&diags) == 1 ? "" : "s");
        ebm_diags_free(&diags);
        return EXIT_BAD_INPUT;
    }
    fputs(yaml, stdout);
    free(yaml);
    ebm_diags_free(&diags);
    return 0;
}
