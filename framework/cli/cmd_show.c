/* cmd_show.c — `ebm show`: a run's status, last epoch, final metrics and
 * whether it can be resumed; a sweep's points or a directory's runs as a
 * table; --json for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "overview.h"
#include "show.h"

/* A directory that is not a run (no run.h5 nor run.h5.part in it). */
static int is_overview_dir(const char *target) {
    struct stat st;
    char path[4200];
    if (stat(target, &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    snprintf(path, sizeof path, "%s/run.h5", target);
    if (stat(path, &st) == 0) return 0;
    snprintf(path, sizeof path, "%s/run.h5.part", target);
    return stat(path, &st) != 0;
}

static int show_overview(const cli_args *args) {
    ebm_overview ov;
    ebm_error err;
    ebm_error_clear(&err);
    int rc = ebm_overview_read(args->positional[0], &ov, &err);
    if (!rc) {
        if (args->json) ebm_overview_write_json(stdout, &ov);
        else ebm_overview_write(stdout, &ov);
        ebm_overview_free(&ov);
    }
    return cli_report("show", rc, &err, NULL);
}

int cli_show(const cli_args *args) {
    if (args->n_positional != 1) {
        fprintf(stderr, "usage: %s\n", cli_command_find("show")->usage);
        return EXIT_BAD_INPUT;
    }
    if (is_overview_dir(args->positional[0])) return show_overview(args);
    ebm_error err;
    ebm_error_clear(&err);
    ebm_show_info *info = malloc(sizeof *info);
    if (!info) return 1;
    int rc = ebm_show(args->positional[0], info, &err);
    if (!rc && args->json) ebm_show_write_json(stdout, info);
    else if (!rc) ebm_show_write(stdout, info);
    ebm_show_free(info);
    free(info);
    return cli_report("show", rc, &err, NULL);
}
