/* cli.h — what the `ebm` command's files share: the command table's row, the
 * parsed command line, and the helpers that print and pick exit statuses.
 * Only the CLI prints; the library returns errors with their context. */
#ifndef EBM_CLI_H
#define EBM_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "param.h"
#include "runner.h"

#define EXIT_BAD_INPUT 2
#define EXIT_INTERRUPTED 130

/* A command line after the shared parser (cli.c): flags by name, the rest in
 * order. */
typedef struct cli_args {
    const char *command;       /* "run" */
    char **positional;         /* files, overrides, in the order given */
    int n_positional;
    const char *out, *resume, *n, *clamp;
    int quiet, jobs, fail_fast, force, json, all_points;
    const char *exe;           /* this binary, for sweeps' child processes */
    const char *command_line;  /* argv as a shell would take it back */
} cli_args;

typedef struct cli_command {
    const char *name;          /* a leading '_' keeps it out of `ebm help` (build tools) */
    int (*run)(const cli_args *args);
    /* The shared options it takes, by their short letters: o out, q quiet,
     * j jobs, r resume, f fail-fast, n n, c clamp, F force, J json,
     * A all-points. */
    const char *options;
    const char *usage;         /* "ebm run FILE [key=value ...] ..." (lines) */
    const char *help;          /* one line, for `ebm help` */
    const char *details;       /* what its options and arguments do */
} cli_command;

/* The table (commands.c) and a lookup; NULL past the end / when unknown. */
const cli_command *cli_command_at(int i);
const cli_command *cli_command_find(const char *name);
/* 0 for the build's own commands (names starting with '_'), which help, the
 * man page and the completion leave out. */
int cli_command_listed(const cli_command *cmd);
/* `ebm help [CMD]`: the commands and the override grammar, or one command's
 * usage and details. */
void cli_print_help(FILE *out);
void cli_print_command_help(FILE *out, const cli_command *cmd);

/* Parses argv[1..] (argv[0] is the command's name) by the command's options.
 * Returns 0, 1 when --help was asked for (printed), or EXIT_BAD_INPUT after
 * printing what was wrong. The caller frees args->positional. */
int cli_parse(const cli_command *cmd, int argc, char **argv, const char *exe, cli_args *args);
/* The long name of the option with that letter in cli_command.options
 * ("out" for 'o'), whether it has a one-letter form (-o) and whether it takes
 * a value; NULL if none. */
const char *cli_option_name(int letter, int *has_short, int *has_arg);

/* A parameter table as `ebm list` prints it: "name (type, default D; range)"
 * and its help below, sub-tables' keys prefixed "name.". */
void cli_print_params(FILE *out, const ebm_param *params, const char *prefix, int indent);

/* The flag SIGINT/SIGTERM set once the handlers are installed; the library
 * polls it through its opts structs. */
const volatile sig_atomic_t *cli_stop_flag(void);
void cli_install_signal_handlers(void);

/* argv joined by spaces, each argument quoted for a POSIX shell where it
 * needs to be (malloc'd; NULL when out of memory). */
char *cli_command_line(int argc, char **argv);

int cli_exit_status(int code);
void cli_print_diags(const ebm_diags *diags);
/* Prints the error (or the diagnostics) of command and returns its status. */
int cli_report(const char *command, int rc, const ebm_error *err, const ebm_diags *diags);
/* Progress on stderr: a redrawn line on a terminal (ctx: int *, nonzero),
 * one plain line per log point elsewhere. */
void cli_draw_progress(void *ctx, const ebm_progress_event *ev);
void cli_draw_sweep_progress(void *ctx, int done, int total, int running, int failed);

/* One function per command (cmd_*.c). */
int cli_list(const cli_args *args);
int cli_validate(const cli_args *args);
int cli_run(const cli_args *args);
int cli_sweep(const cli_args *args);
int cli_plot(const cli_args *args);
int cli_sample(const cli_args *args);
int cli_reproduce(const cli_args *args);
int cli_show(const cli_args *args);
int cli_report_page(const cli_args *args);
int cli_version(const cli_args *args);
int cli_help(const cli_args *args);
int cli_docs(const cli_args *args);

#endif
