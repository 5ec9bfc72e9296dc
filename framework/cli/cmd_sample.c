/* cmd_sample.c — `ebm sample`: draws from a trained model, free or with its
 * label units clamped, and says how many samples equal a training row. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sample_cmd.h"

int cli_sample(const cli_args *args) {
    ebm_sample_opts opts = {.stop = cli_stop_flag(), .clamp = args->clamp, .out = args->out,
                            .force = args->force};
    if (args->n) {
        char *end;
        errno = 0;
        long long n = strtoll(args->n, &end, 10);
        if (!*args->n || *end || errno || n < 1 || n > 10000000) {
            fprintf(stderr, "ebm sample: --n needs a positive number, not '%s'\n", args->n);
            return EXIT_BAD_INPUT;
        }
        opts.n = (size_t)n;
    }
    if (args->force && !args->out) {
        fprintf(stderr, "ebm sample: --force moves an existing --out FILE aside; give it "
                        "with --out\n");
        return EXIT_BAD_INPUT;
    }
    if (args->n_positional < 1) {
        fprintf(stderr, "usage: %s\n", cli_command_find("sample")->usage);
        return EXIT_BAD_INPUT;
    }
    opts.run = args->positional[0];
    opts.overrides = args->positional + 1;
    opts.n_overrides = args->n_positional - 1;
    ebm_diags diags = {0};
    ebm_error err;
    ebm_error_clear(&err);
    char out[4300];
    ebm_sample_group *groups = NULL;
    int n_groups = 0;
    cli_install_signal_handlers();
    int rc = ebm_sample_from_run(&opts, out, sizeof out, &groups, &n_groups, &diags, &err);
    if (rc && diags.n) cli_print_diags(&diags);
    if (rc) fprintf(stderr, "ebm sample: %s\n", err.msg);
    if (n_groups > 0)
        printf("sampler %s: %s%s (every setting: the datasets' sampler attribute)\n",
               groups[0].sampler,
               groups[0].run_sampler ? "the settings of the run's sample estimator"
                                     : "ebm sample's defaults",
               opts.n_overrides ? ", with the overrides given" : "");
    for (int g = 0; g < n_groups; g++) {
        const ebm_sample_group *s = &groups[g];
        printf("%s:%s  %zu samples of %zu values  clamped %s", out, s->path, s->n,
               s->n_visible, s->clamped);
        if (s->binary)
            printf("  %zu equal a training row%s", s->matches,
                   strcmp(s->clamped, "none") ? " of that class" : "");
        printf("\n");
    }
    free(groups);
    ebm_diags_free(&diags);
    return cli_exit_status(rc);
}
