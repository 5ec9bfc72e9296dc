/* commands.c — the table of `ebm`'s commands: name, function, the options it
 * takes, usage, one line of help and details. `ebm help`, `ebm help CMD` and
 * `ebm CMD --help` are printed from it, so they cannot drift from the code. */
#include "cli.h"

#include <string.h>

#include "datadir.h"
#include "version.h"

static const cli_command commands[] = {
    {"list", cli_list, "",
     "ebm list [models|samplers|datasets|estimators|experiment]",
     "every plugin with its parameters, defaults, ranges and help",
     "  KIND          only that kind; 'experiment' lists the experiment file's sections\n"},
    {"validate", cli_validate, "",
     "ebm validate FILE [key=value ...]",
     "the resolved config (defaults filled), or every error with its position",
     "  key=value     overrides: a.b=v sets, +a.b=v adds, ~a.b deletes\n"
     "  Also checks that the data files open and that the model fits in memory\n"
     "  (from the files' headers, without reading the rows).\n"
     "  Exits 2 on bad input; writes nothing.\n"},
    {"run", cli_run, "oqrF",
     "ebm run FILE [key=value ...] [--out DIR [--force]] [--quiet]\n"
     "       ebm run --resume DIR [--quiet]",
     "one run; results in DIR/run.h5",
     "  --out DIR, -o DIR   the run directory (default runs/<name>/<UTC time>); one that\n"
     "                      holds a run or sweep is refused\n"
     "  --force             move DIR's earlier results aside to DIR.old-N (never deleted)\n"
     "  --quiet, -q         no progress line (none either when stderr is not a terminal)\n"
     "  --resume DIR        continue DIR's run from its last checkpoint\n"
     "  Ctrl-C stops between minibatches, writes a checkpoint and exits 130.\n"},
    {"sweep", cli_sweep, "oqjrfF",
     "ebm sweep FILE [key=a,b key=range(start,stop[,step]) ...] [-j N] [--out DIR]\n"
     "             [--force] [--fail-fast]\n"
     "       ebm sweep --resume DIR [-j N] [--fail-fast]",
     "the grid of runs (file's sweep: block and the command line) and a summary",
     "  -j N, --jobs N      points run at a time (default 1); under mpirun the points\n"
     "                      spread over the ranks\n"
     "  --out DIR, -o DIR   the sweep directory (default runs/<name>/sweep-<UTC time>);\n"
     "                      one that holds a run or sweep is refused\n"
     "  --force             move DIR's earlier results aside to DIR.old-N (never deleted)\n"
     "  --fail-fast         stop at the first failed point\n"
     "  --resume DIR        run again the points of DIR that did not complete\n"
     "  --quiet, -q         no progress line\n"},
    {"plot", cli_plot, "oA",
     "ebm plot DIR_OR_FILE... [--out DIR] [--all-points]",
     "PNGs of metrics, sweeps and images through gnuplot",
     "  --out DIR, -o DIR   where the pictures go (default DIR/plots)\n"
     "  --all-points        draw every point of a long series (by default one of more\n"
     "                      than 4000 points keeps each of 2000 buckets' lowest and\n"
     "                      highest value)\n"
     "  Several runs are labelled by the config keys that differ between them.\n"},
    {"sample", cli_sample, "oncF",
     "ebm sample RUN [--n N] [--clamp label=C|label=all] [--out FILE [--force]]\n"
     "              [sampler.KEY=V ...]",
     "draw from a trained model (RUN: a run directory or its run.h5)",
     "  --n N, -n N         samples per group (default 64)\n"
     "  --clamp label=C     clamp the label units to class C; label=all: every class\n"
     "  --out FILE, -o FILE the samples file (default RUN/samples.h5); never one of the\n"
     "                      run's own files; an existing one is refused\n"
     "  --force             move an existing FILE aside to FILE.old-N\n"
     "  sampler.KEY=V       sampler settings (default: those of the run's sample\n"
     "                      estimator, unless another type is named; else gibbs, or\n"
     "                      mala where gibbs cannot move the model's units, with\n"
     "                      burn_in 1000)\n"},
    {"reproduce", cli_reproduce, "oqj",
     "ebm reproduce [FILE...] [-j N] [--out DIR]",
     "run documented experiments and compare with the values they cite",
     "  FILE...             experiments (default: every experiments/ file with expect:)\n"
     "  -j N, --jobs N      points run at a time\n"
     "  --out DIR, -o DIR   where the runs go (default runs/reproduce-<UTC time>)\n"
     "  --quiet, -q         no progress line\n"},
    {"report", cli_report_page, "o",
     "ebm report DIR... [--out DIR]",
     "an HTML page of runs, a sweep or a reproduce directory, with every plot",
     "  DIR...              run, sweep or `ebm reproduce` directories, or a directory\n"
     "                      holding runs and sweeps (e.g. runs/NAME)\n"
     "  --out DIR, -o DIR   where the page goes (default: the first DIR's report/);\n"
     "                      open DIR/index.html; links are relative, so the directory\n"
     "                      can be copied or served as it is\n"},
    {"show", cli_show, "J",
     "ebm show DIR_OR_FILE [--json]",
     "a run, a sweep (a row per point) or a directory of runs (a row per run)",
     "  DIR_OR_FILE   a run directory or its run.h5: status, last epoch, final metrics,\n"
     "                whether it can be resumed; a sweep directory: a row per point\n"
     "                (status, duration, swept values, headline metric); any other\n"
     "                directory: a row per run or sweep in it, newest first\n"
     "  --json        the same as JSON, for scripts\n"},
    {"version", cli_version, "", "ebm version",
     "print the version and where the shared files are",
     "  scripts/, configs/ and experiments/ come from PREFIX/share/ebm beside the\n"
     "  binary, else $EBM_DATA_DIR, else the source tree ebm was built from.\n"},
    {"help", cli_help, "", "ebm help [COMMAND]", "this list, or one command's usage", ""},
    {"_docs", cli_docs, "", "ebm _docs man|bash",
     "the man page or the bash completion, generated from this table and the registry",
     "  The build runs it to make ebm.1 and the completion file it installs.\n"},
};

const cli_command *cli_command_at(int i) {
    int count = (int)(sizeof commands / sizeof *commands);
    return i >= 0 && i < count ? &commands[i] : NULL;
}

const cli_command *cli_command_find(const char *name) {
    const cli_command *c;
    for (int i = 0; (c = cli_command_at(i)); i++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

int cli_command_listed(const cli_command *cmd) { return cmd->name[0] != '_'; }

void cli_print_help(FILE *out) {
    fprintf(out, "usage: ebm <command> [args]  (ebm help COMMAND, or ebm COMMAND --help)\n\n");
    const cli_command *c;
    for (int i = 0; (c = cli_command_at(i)); i++)
        if (cli_command_listed(c)) fprintf(out, "  %-10s %s\n", c->name, c->help);
    fprintf(out, "\nOverrides (Hydra's grammar): a.b=v sets, +a.b=v adds, ~a.b deletes;\n"
                 "a.b=x,y and a.b=range(start,stop[,step]) sweep.\n");
}

void cli_print_command_help(FILE *out, const cli_command *cmd) {
    fprintf(out, "usage: %s\n\n%s\n", cmd->usage, cmd->help);
    if (cmd->details[0]) fprintf(out, "\n%s", cmd->details);
}

int cli_help(const cli_args *args) {
    if (args->n_positional == 0) {
        cli_print_help(stdout);
        return 0;
    }
    const cli_command *cmd = cli_command_find(args->positional[0]);
    if (!cmd) {
        fprintf(stderr, "ebm help: unknown command '%s'\n\n", args->positional[0]);
        cli_print_help(stderr);
        return EXIT_BAD_INPUT;
    }
    cli_print_command_help(stdout, cmd);
    return 0;
}

int cli_version(const cli_args *args) {
    (void)args;
    printf("ebm %s\n", ebm_version());
    /* where this ebm finds its shared files (datadir.h) */
    static const char *const shared[] = {"scripts", "configs", "experiments"};
    for (int i = 0; i < 3; i++) {
        char dir[4096];
        ebm_error err;
        int found = ebm_data_dir(shared[i], dir, sizeof dir, &err) == EBM_OK;
        printf("%-12s %s\n", shared[i], found ? dir : "(not found)");
    }
    return 0;
}
