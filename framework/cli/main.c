/* main.c — the `ebm` command: finds the command in the table (commands.c),
 * parses its arguments one way for all (cli.c) and calls it. Statuses:
 * 0 success, 1 failure, 2 bad input, 130 interrupted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int main(int argc, char **argv) {
    if (argc < 2) {
        cli_print_help(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) name = "help";
    if (strcmp(name, "--version") == 0) name = "version";
    const cli_command *cmd = cli_command_find(name);
    if (!cmd) {
        fprintf(stderr, "ebm: unknown command '%s'\n\n", name);
        cli_print_help(stderr);
        return EXIT_BAD_INPUT;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) exe[len] = '\0';
    else snprintf(exe, sizeof exe, "%s", argv[0]);
    cli_args args;
    int status = cli_parse(cmd, argc - 1, argv + 1, exe, &args);
    char *line = cli_command_line(argc, argv);
    args.command_line = line;
    if (status == 0) status = cmd->run(&args);
    else if (status == 1) status = 0;   /* --help was printed */
    free(line);
    free(args.positional);
    return status;
}
