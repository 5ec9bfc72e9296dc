/* cli.c — what every command of `ebm` shares: one argument parser
 * (getopt_long over the options the command takes), signals, exit statuses,
 * error reports and progress lines. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- signals ---- */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

const volatile sig_atomic_t *cli_stop_flag(void) { return &stop_requested; }

void cli_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A closed terminal or ssh session: stop and save, as for SIGTERM. */
    sigaction(SIGHUP, &sa, NULL);
}

/* ---- the command line, for the run file ---- */

static int shell_safe(const char *arg) {
    if (!*arg) return 0;
    for (const char *c = arg; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    "_./=,:+-@%", *c))
            return 0;
    return 1;
}

char *cli_command_line(int argc, char **argv) {
    size_t len = 1;
    for (int i = 0; i < argc; i++) len += 4 * strlen(argv[i]) + 3;
    char *line = malloc(len), *p = line;
    if (!line) return NULL;
    for (int i = 0; i < argc; i++) {
        if (i) *p++ = ' ';
        if (shell_safe(argv[i])) {
            p += sprintf(p, "%s", argv[i]);
            continue;
        }
        *p++ = '\'';
        for (const char *c = argv[i]; *c; c++) {
            if (*c == '\'') p += sprintf(p, "'\\''");
            else *p++ = *c;
        }
        *p++ = '\'';
    }
    *p = '\0';
    return line;
}

/* ---- statuses and reports ---- */

int cli_exit_status(int code) {
    switch (code) {
    case EBM_OK: return 0;
    case EBM_ECONFIG:
    case EBM_EINVAL:
    case EBM_EDATA: return EXIT_BAD_INPUT;
    case EBM_EINTERRUPT: return EXIT_INTERRUPTED;
    default: return 1;
    }
}

/* n with thousands separators: "1,999,900". */
static const char *grouped(long n, char *buf, size_t size) {
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%ld", n), out = 0;
    for (int i = 0; i < len && (size_t)out + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0) buf[out++] = ',';
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
    return buf;
}

void cli_print_diags(const ebm_diags *diags) {
    for (int i = 0; i < diags->n; i++) fprintf(stderr, "%s\n", diags->items[i]);
    char more[40];
    if (diags->dropped)
        fprintf(stderr, "... and %s more\n", grouped(diags->dropped, more, sizeof more));
}

int cli_report(const char *command, int rc, const ebm_error *err, const ebm_diags *diags) {
    if (diags && diags->n) cli_print_diags(diags);
    if (rc && err->msg[0] && !(diags && diags->n))
        fprintf(stderr, "ebm %s: %s\n", command, err->msg);
    else if (rc && diags && diags->n)
        fprintf(stderr, "ebm %s: %ld problem%s; nothing was run\n", command,
                ebm_diags_total(diags), ebm_diags_total(diags) == 1 ? "" : "s");
    return cli_exit_status(rc);
}

/* ---- progress ---- */

/* On a terminal (ctx points to a nonzero int): redraws "\r<name>  epoch
 * 3/20  2.1 epoch/s  ETA 0:08  [ais step 2560/29000]  <headline> 0.93" (the
 * steps while a long estimator reports them, its name alone otherwise).
 * Elsewhere (a batch job's log, nohup): prints each complete log point as
 * one plain line. */
void cli_draw_progress(void *ctx, const ebm_progress_event *ev) {
    int terminal = ctx && *(const int *)ctx;
    if (!terminal) {
        if (ev->line) {
            fprintf(stderr, "%s\n", ev->line);
            fflush(stderr);
        }
        return;
    }
    if (ev->line) return;   /* the next redraw shows the headline */
    char line[256];
    int len = snprintf(line, sizeof line, "%s", ev->name);
    if (ev->epochs > 0) {
        len += snprintf(line + len, sizeof line - (size_t)len, "  epoch %d/%d", ev->epoch,
                        ev->epochs);
        if (ev->epochs_per_s > 0)
            len += snprintf(line + len, sizeof line - (size_t)len, "  %.3g epoch/s",
                            ev->epochs_per_s);
        if (ev->eta_s >= 0) {
            int eta = (int)(ev->eta_s + 0.5);
            len += snprintf(line + len, sizeof line - (size_t)len, "  ETA %d:%02d", eta / 60,
                            eta % 60);
        }
    } else {
        len += snprintf(line + len, sizeof line - (size_t)len, "  %.1f s", ev->elapsed_s);
        if (ev->eta_s >= 0) {
            int eta = (int)(ev->eta_s + 0.5);
            len += snprintf(line + len, sizeof line - (size_t)len, "  ETA %d:%02d", eta / 60,
                            eta % 60);
        }
    }
    if (ev->phase && ev->total > 0)
        len += snprintf(line + len, sizeof line - (size_t)len, "  [%s step %llu/%llu]",
                        ev->phase, (unsigned long long)ev->done,
                        (unsigned long long)ev->total);
    else if (ev->phase && strcmp(ev->phase, "train") && strcmp(ev->phase, "start"))
        len += snprintf(line + len, sizeof line - (size_t)len, "  [%s]", ev->phase);
    if (ev->metric && len < (int)sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, "  %s %.6g", ev->metric, ev->value);
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
}

/* Draws "\r<done>/<total> points done, <running> running, <failed> failed" */
void cli_draw_sweep_progress(void *ctx, int done, int total, int running, int failed) {
    (void)ctx;
    fprintf(stderr, "\rsweep: %d/%d points done, %d running, %d failed\033[K", done, total,
            running, failed);
    fflush(stderr);
}

/* ---- the parser ---- */

/* Every option of every command; a command takes those whose letter is in its
 * `options`. Long-only options have letters above 'z'. */
enum { OPT_RESUME = 'r', OPT_FAIL_FAST = 'f', OPT_CLAMP = 'c', OPT_HELP = 'h', OPT_FORCE = 'F',
       OPT_JSON = 'J', OPT_ALL_POINTS = 'A' };

static const struct option long_options[] = {
    {"out", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"jobs", required_argument, NULL, 'j'},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
    {"n", required_argument, NULL, 'n'},
    {"clamp", required_argument, NULL, OPT_CLAMP},
    {"help", no_argument, NULL, OPT_HELP},
    {"force", no_argument, NULL, OPT_FORCE},
    {"json", no_argument, NULL, OPT_JSON},
    {"all-points", no_argument, NULL, OPT_ALL_POINTS},
    {NULL, 0, NULL, 0}};

/* The short forms: -o DIR, -q, -j N, -n N, -h. The leading '-' keeps
 * positional arguments in place (returned as 1), so overrides and flags may
 * mix in any order; ':' reports a missing argument as ':'. */
static const char short_options[] = "-:o:qj:n:h";

const char *cli_option_name(int letter, int *has_short, int *has_arg) {
    for (const struct option *o = long_options; o->name; o++)
        if (o->val == letter) {
            *has_short = letter < 128 && strchr(short_options, letter) != NULL;
            *has_arg = o->has_arg == required_argument;
            return o->name;
        }
    return NULL;
}

/* What a missing or bad option argument is called in messages. */
static void missing_argument(const cli_args *a, int opt, const char *spelled) {
    if (strcmp(a->command, "sample") == 0)
        fprintf(stderr, "ebm sample: %s needs a value\n", spelled);
    else if (opt == 'j')
        fprintf(stderr, "ebm: -j needs a positive number\n");
    else if (opt == OPT_RESUME)
        fprintf(stderr, "ebm %s: --resume needs the %s's directory\n", a->command,
                strcmp(a->command, "sweep") == 0 ? "sweep" : "run");
    else if (opt == 'o')
        fprintf(stderr, "ebm: %s needs a directory\n", spelled);
    else
        fprintf(stderr, "ebm %s: %s needs a value\n", a->command, spelled);
}

int cli_parse(const cli_command *cmd, int argc, char **argv, const char *exe, cli_args *a) {
    memset(a, 0, sizeof *a);
    a->command = cmd->name;
    a->exe = exe;
    a->jobs = 1;
    a->positional = calloc((size_t)argc + 1, sizeof *a->positional);
    if (!a->positional) return 1;
    optind = 0;   /* glibc: 0 restarts the scan, with the optstring's mode */
    opterr = 0;
    int opt, status = 0;
    while (!status && (opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        /* the option as the user wrote it: for "-j 2" the value took a word */
        int word = optind - 1;
        if (optarg && word > 0 && argv[word] == optarg) word--;
        const char *spelled = argv[word];
        if (opt == 1) {
            a->positional[a->n_positional++] = optarg;
            continue;
        }
        if (opt == OPT_HELP) {
            cli_print_command_help(stdout, cmd);
            return 1;
        }
        if (opt == ':') {
            missing_argument(a, optopt, spelled);
            status = EXIT_BAD_INPUT;
            continue;
        }
        if (opt == '?' || !strchr(cmd->options, opt)) {
            fprintf(stderr, "ebm: unknown option '%s'\n", spelled);
            status = EXIT_BAD_INPUT;
            continue;
        }
        switch (opt) {
        case 'o': a->out = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'j': {
            char *end;
            long jobs = strtol(optarg, &end, 10);
            if (jobs < 1 || jobs > 100000 || *end || !*optarg) {
                fprintf(stderr, "ebm: -j needs a positive number\n");
                status = EXIT_BAD_INPUT;
            }
            a->jobs = (int)jobs;
            break;
        }
        case OPT_RESUME: a->resume = optarg; break;
        case OPT_FAIL_FAST: a->fail_fast = 1; break;
        case 'n': a->n = optarg; break;
        case OPT_CLAMP: a->clamp = optarg; break;
        case OPT_FORCE: a->force = 1; break;
        case OPT_JSON: a->json = 1; break;
        case OPT_ALL_POINTS: a->all_points = 1; break;
        }
    }
    /* what follows "--" is positional too */
    while (!status && optind < argc) a->positional[a->n_positional++] = argv[optind++];
    return status;
}
