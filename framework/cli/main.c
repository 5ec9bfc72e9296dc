/* main.c — the `ebm` command line: parses arguments, calls the library, and
 * is the only place that prints results and chooses exit statuses
 * (0 success, 1 failure, 2 bad input, 130 interrupted). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "param.h"
#include "plot.h"
#include "registry.h"
#include "reproduce.h"
#include "runner.h"
#include "sample_cmd.h"
#include "show.h"
#include "schema.h"
#include "summary.h"
#include "sweep.h"
#include "sweep_grid.h"
#include "sweep_mpi.h"

#define EXIT_BAD_INPUT 2
#define EXIT_INTERRUPTED 130

/* Set by SIGINT/SIGTERM; the library polls it through the opts structs. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int exit_status(int code) {
    switch (code) {
    case EBM_OK: return 0;
    case EBM_ECONFIG:
    case EBM_EINVAL:
    case EBM_EDATA: return EXIT_BAD_INPUT;
    case EBM_EINTERRUPT: return EXIT_INTERRUPTED;
    default: return 1;
    }
}

static void print_diags(const ebm_diags *diags) {
    for (int i = 0; i < diags->n; i++) fprintf(stderr, "%s\n", diags->items[i]);
}

static const char usage[] =
    "usage: ebm <command> [args]\n"
    "\n"
    "  list [kind]                         models, samplers, datasets, estimators\n"
    "                                      and their parameters (kind: one of those,\n"
    "                                      or 'experiment' for the file's sections)\n"
    "  validate FILE [key=value ...]       print the resolved config, or every error\n"
    "  run FILE [key=value ...] [--out DIR] [--quiet]\n"
    "                                      one run; results in DIR/run.h5\n"
    "  sweep FILE [key=a,b key=range(start,stop[,step]) ...] [-j N] [--out DIR]\n"
    "        [--fail-fast]                 the grid of runs and a summary table; under\n"
    "                                      mpirun, the points spread over the ranks\n"
    "  sweep --resume DIR [-j N] [--fail-fast]\n"
    "                                      run again the points of DIR that did not\n"
    "                                      complete\n"
    "  plot DIR_OR_FILE... [--out DIR]     PNGs of metrics, sweeps and images\n"
    "  sample RUN [--n N] [--clamp label=C|label=all] [--out FILE] [sampler.KEY=V ...]\n"
    "                                      draw from a trained model (RUN: a run\n"
    "                                      directory or its run.h5); default\n"
    "                                      RUN/samples.h5, gibbs with burn_in 1000\n"
    "  reproduce [FILE...] [-j N] [--out DIR]\n"
    "                                      run documented experiments, compare with\n"
    "                                      the values they cite\n"
    "  show DIR_OR_FILE                    a run's status, last step, final metrics\n"
    "                                      and whether it can be resumed\n"
    "  version                             print the version\n"
    "\n"
    "Overrides: a.b=v sets, +a.b=v adds, ~a.b deletes (Hydra's grammar).\n";

/* ---- list ---- */

static const char *type_name(const ebm_param *p) {
    switch (p->type) {
    case EBM_P_INT: return "int";
    case EBM_P_FLOAT: return "float";
    case EBM_P_BOOL: return "bool";
    case EBM_P_STRING: return "string";
    case EBM_P_ENUM: return "enum";
    case EBM_P_FLOATS: return "floats";
    case EBM_P_TABLE: return "table";
    case EBM_P_PLUGIN: return "plugin";
    case EBM_P_PLUGINS: return "plugins";
    case EBM_P_TABLES: return "list";
    case EBM_P_ANY: return "any";
    }
    return "?";
}

/* One entry per parameter:
 *       rule (enum, default hebbian; hebbian|storkey|pseudo_inverse|gradient)
 *           learning rule: ... */
static void print_params(const ebm_param *params, const char *prefix, int indent) {
    for (const ebm_param *p = params; p && p->name; p++) {
        char def[96] = "", allowed[160] = "";
        if (p->flags & EBM_PF_REQUIRED) snprintf(def, sizeof def, ", required");
        else if (p->def) snprintf(def, sizeof def, ", default %s", p->def);
        if (p->type == EBM_P_ENUM && p->choices) snprintf(allowed, sizeof allowed, "; %s", p->choices);
        else if (p->range) snprintf(allowed, sizeof allowed, "; %s", p->range);
        else if (p->type == EBM_P_PLUGIN || p->type == EBM_P_PLUGINS)
            snprintf(allowed, sizeof allowed, "; see ebm list %ss",
                     ebm_kind_name((ebm_kind)p->kind));
        printf("%*s%s%s (%s%s%s)\n", indent, "", prefix, p->name, type_name(p), def, allowed);
        if (p->help) printf("%*s    %s\n", indent, "", p->help);
        if ((p->type == EBM_P_TABLE || p->type == EBM_P_TABLES || p->type == EBM_P_PLUGIN ||
             p->type == EBM_P_PLUGINS) && p->sub) {
            char sub_prefix[128];
            snprintf(sub_prefix, sizeof sub_prefix, "%s%s.", prefix, p->name);
            print_params(p->sub, sub_prefix, indent);
        }
    }
}

static int cmd_list(int argc, char **argv) {
    int only = -1, experiment = 0;
    if (argc > 1) {
        if (strcmp(argv[1], "experiment") == 0) experiment = 1;
        else if ((only = ebm_kind_from_name(argv[1])) < 0) {
            fprintf(stderr, "ebm list: unknown kind '%s' (models, samplers, datasets, "
                            "estimators, experiment)\n", argv[1]);
            return EXIT_BAD_INPUT;
        }
    }
    if (experiment || only < 0) {
        printf("experiment file sections\n");
        print_params(ebm_experiment_params, "", 4);
        if (experiment) return 0;
        printf("\n");
    }
    for (int kind = 0; kind < EBM_KIND_COUNT; kind++) {
        if (only >= 0 && kind != only) continue;
        printf("%ss\n", ebm_kind_name((ebm_kind)kind));
        const ebm_plugin *p = ebm_registry_at((ebm_kind)kind, 0);
        if (!p) printf("  (none yet)\n");
        for (int i = 0; (p = ebm_registry_at((ebm_kind)kind, i)); i++) {
            printf("  %s — %s\n", p->name, p->help);
            print_params(p->params, "", 6);
        }
        printf("\n");
    }
    return 0;
}

/* ---- validate ---- */

static int cmd_validate(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ebm validate FILE [key=value ...]\n");
        return EXIT_BAD_INPUT;
    }
    ebm_diags diags = {0};
    char *yaml = ebm_resolve(argv[1], argv + 2, argc - 2, &diags);
    if (!yaml) {
        print_diags(&diags);
        fprintf(stderr, "%s: %d problem%s\n", argv[1], diags.n, diags.n == 1 ? "" : "s");
        ebm_diags_free(&diags);
        return EXIT_BAD_INPUT;
    }
    fputs(yaml, stdout);
    free(yaml);
    ebm_diags_free(&diags);
    return 0;
}

/* ---- run ---- */

/* Draws "\r<name>  epoch 3/20  2.1 epoch/s  ETA 0:08  overlap 0.93" */
static void draw_progress(void *ctx, const ebm_progress_event *ev) {
    (void)ctx;
    char line[256];
    int len = snprintf(line, sizeof line, "%s", ev->name);
    if (ev->epochs > 0) {
        len += snprintf(line + len, sizeof line - (size_t)len, "  epoch %d/%d", ev->epoch,
                        ev->epochs);
        if (ev->epoch > 0 && ev->elapsed_s > 0) {
            double rate = ev->epoch / ev->elapsed_s;
            int eta = (int)((ev->epochs - ev->epoch) / rate);
            len += snprintf(line + len, sizeof line - (size_t)len,
                            "  %.3g epoch/s  ETA %d:%02d", rate, eta / 60, eta % 60);
        }
    } else {
        len += snprintf(line + len, sizeof line - (size_t)len, "  %.1f s", ev->elapsed_s);
    }
    if (ev->phase && strcmp(ev->phase, "train") && strcmp(ev->phase, "start"))
        len += snprintf(line + len, sizeof line - (size_t)len, "  [%s]", ev->phase);
    if (ev->metric && len < (int)sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, "  %s %.6g", ev->metric, ev->value);
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
}

/* Draws "\r<done>/<total> points done, <running> running, <failed> failed" */
static void draw_sweep_progress(void *ctx, int done, int total, int running, int failed) {
    (void)ctx;
    fprintf(stderr, "\rsweep: %d/%d points done, %d running, %d failed\033[K", done, total,
            running, failed);
    fflush(stderr);
}

/* Splits argv into positional arguments and the flags every command shares.
 * Returns -1 on a bad flag. */
typedef struct common_flags {
    const char *out;
    int quiet, jobs;
    char **positional;
    int n_positional;
} common_flags;

static int parse_flags(int argc, char **argv, common_flags *f, int allow_jobs) {
    memset(f, 0, sizeof *f);
    f->jobs = 1;
    f->positional = calloc((size_t)argc + 1, sizeof *f->positional);
    if (!f->positional) return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
            if (++i >= argc) { fprintf(stderr, "ebm: %s needs a directory\n", a); return -1; }
            f->out = argv[i];
        } else if (strncmp(a, "--out=", 6) == 0) {
            f->out = a + 6;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            f->quiet = 1;
        } else if (allow_jobs && (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0)) {
            char *end;
            if (++i >= argc || (f->jobs = (int)strtol(argv[i], &end, 10)) < 1 || *end) {
                fprintf(stderr, "ebm: -j needs a positive number\n");
                return -1;
            }
        } else if (allow_jobs && strncmp(a, "-j", 2) == 0 && a[2]) {
            char *end;
            if ((f->jobs = (int)strtol(a + 2, &end, 10)) < 1 || *end) {
                fprintf(stderr, "ebm: -j needs a positive number\n");
                return -1;
            }
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "ebm: unknown option '%s'\n", a);
            return -1;
        } else {
            f->positional[f->n_positional++] = argv[i];
        }
    }
    return 0;
}

static int report_error(const char *command, int rc, const ebm_error *err,
                        const ebm_diags *diags) {
    if (diags && diags->n) print_diags(diags);
    if (rc && err->msg[0] && !(diags && diags->n))
        fprintf(stderr, "ebm %s: %s\n", command, err->msg);
    else if (rc && diags && diags->n)
        fprintf(stderr, "ebm %s: %d problem%s; nothing was run\n", command, diags->n,
                diags->n == 1 ? "" : "s");
    return exit_status(rc);
}

/* `ebm run --resume DIR` continues DIR's run; it takes no file or overrides
 * (the config is the run's own). */
static int take_resume_flag(int *argc, char **argv, const char **dir) {
    *dir = NULL;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        int skip = 0;
        if (strcmp(a, "--resume") == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "ebm run: --resume needs the run's directory\n");
                return -1;
            }
            *dir = argv[i + 1];
            skip = 2;
        } else if (strncmp(a, "--resume=", 9) == 0) {
            *dir = a + 9;
            skip = 1;
        }
        if (skip) {
            memmove(argv + i, argv + i + skip, (size_t)(*argc - i - skip) * sizeof *argv);
            *argc -= skip;
            i--;
        }
    }
    return 0;
}

static int cmd_run(int argc, char **argv) {
    common_flags f;
    const char *resume = NULL;
    if (take_resume_flag(&argc, argv, &resume)) return EXIT_BAD_INPUT;
    int flags_bad = parse_flags(argc, argv, &f, 0);
    if (flags_bad || (f.n_positional < 1 && !resume)) {
        if (!flags_bad && f.n_positional < 1 && !resume)
            fprintf(stderr, "ebm run: no experiment file given (a YAML file, or "
                            "--resume DIR)\n");
        if (f.n_positional < 1 && !resume)
            fprintf(stderr, "usage: ebm run FILE [key=value ...] [--out DIR] [--quiet]\n"
                            "       ebm run --resume DIR [--quiet]\n");
        free(f.positional);
        return EXIT_BAD_INPUT;
    }
    if (resume && (f.n_positional > 0 || f.out)) {
        fprintf(stderr, "ebm run: --resume DIR continues the run with its own config; "
                        "give no file, overrides or --out with it\n");
        free(f.positional);
        return EXIT_BAD_INPUT;
    }
    /* One file serves run, sweep and reproduce; running its base config is
     * allowed, but say so, since the user may have meant the grid. */
    int n_points = resume ? 0 : ebm_sweep_block_points(f.positional[0], f.positional + 1,
                                                       f.n_positional - 1);
    if (n_points > 0)
        fprintf(stderr, "note: %s has a sweep: block (%d point%s); `ebm run` runs the "
                        "base config; use `ebm sweep %s` for the grid\n", f.positional[0],
                n_points, n_points == 1 ? "" : "s", f.positional[0]);
    int progress = !f.quiet && isatty(STDERR_FILENO);
    ebm_run_opts opts = {.experiment = resume ? NULL : f.positional[0],
                         .overrides = f.positional + (resume ? 0 : 1),
                         .n_overrides = resume ? 0 : f.n_positional - 1,
                         .out_dir = resume ? resume : f.out,
                         .resume = resume != NULL,
                         .progress = progress ? draw_progress : NULL,
                         .stop = &stop_requested};
    ebm_diags diags = {0};
    ebm_error err;
    ebm_error_clear(&err);
    char dir[4096] = "";
    install_signal_handlers();
    int rc = ebm_run(&opts, &diags, dir, sizeof dir, &err);
    if (progress) fprintf(stderr, "\n");
    int status = report_error("run", rc, &err, &diags);
    if (dir[0] && rc != EBM_ECONFIG) printf("%s/run.h5\n", dir);
    if (rc == EBM_EIO) {
        /* Once a flush has failed (disk full), HDF5 1.10 cannot close that
         * file again and its own exit handler crashes trying: leave without
         * running it. Everything ebm needed to write is written or reported. */
        fflush(NULL);
        _exit(status);
    }
    ebm_diags_free(&diags);
    free(f.positional);
    return status;
}

/* ---- sweep, plot, reproduce ---- */

static void self_exe(char *out, size_t size, const char *argv0) {
    ssize_t len = readlink("/proc/self/exe", out, size - 1);
    if (len > 0) out[len] = '\0';
    else snprintf(out, size, "%s", argv0);
}

/* Lists the failed points of DIR/summary.csv with their logs. */
static void list_failed_points(const char *dir) {
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    ebm_summary s;
    ebm_error err;
    if (ebm_summary_read_csv(path, &s, &err) != EBM_OK) return;
    for (int p = 0; p < s.n_points; p++)
        if (strcmp(s.status[p], "failed") == 0)
            fprintf(stderr, "  failed: %s (see %s/%s/log.txt)\n", s.points[p], dir,
                    s.points[p]);
    ebm_summary_free(&s);
}

static int cmd_sweep(int argc, char **argv, const char *exe) {
    /* --resume DIR and --fail-fast are sweep's own; parse_flags sees the rest. */
    const char *resume = NULL;
    int fail_fast = 0;
    for (int i = 1; i < argc; i++) {
        int skip = 0;
        if (strcmp(argv[i], "--fail-fast") == 0) {
            fail_fast = 1;
            skip = 1;
        } else if (strcmp(argv[i], "--resume") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ebm sweep: --resume needs the sweep's directory\n");
                return EXIT_BAD_INPUT;
            }
            resume = argv[i + 1];
            skip = 2;
        } else if (strncmp(argv[i], "--resume=", 9) == 0) {
            resume = argv[i] + 9;
            skip = 1;
        }
        if (skip) {
            memmove(argv + i, argv + i + skip, (size_t)(argc - i - skip) * sizeof *argv);
            argc -= skip;
            i--;
        }
    }
    common_flags f;
    if (parse_flags(argc, argv, &f, 1) || (f.n_positional < 1 && !resume)) {
        if (f.n_positional < 1 && !resume)
            fprintf(stderr, "usage: ebm sweep FILE [key=a,b,...] [-j N] [--out DIR] "
                            "[--fail-fast]\n"
                            "       ebm sweep --resume DIR [-j N] [--fail-fast]\n");
        free(f.positional);
        return EXIT_BAD_INPUT;
    }
    if (resume && (f.n_positional > 0 || f.out)) {
        fprintf(stderr, "ebm sweep: --resume DIR continues the sweep in DIR with its own "
                        "file and grid; give no file, overrides or --out with it\n");
        free(f.positional);
        return EXIT_BAD_INPUT;
    }
    ebm_error err;
    ebm_error_clear(&err);
    install_signal_handlers();
    /* Under mpirun/srun: rank 0 runs the sweep, the other ranks its points. */
    ebm_sweep_mpi *mpi = NULL;
    ebm_mpi_role role;
    int rank = 0, size = 1;
    if (ebm_sweep_mpi_start(&mpi, &role, &rank, &size, &err) != EBM_OK) {
        fprintf(stderr, "ebm sweep: %s\n", err.msg);
        free(f.positional);
        return 1;
    }
    if (role == EBM_MPI_WORKER) {
        int rc = ebm_sweep_mpi_work(mpi, exe, f.jobs, &stop_requested, &err);
        if (rc) fprintf(stderr, "ebm sweep (rank %d): %s\n", rank, err.msg);
        ebm_sweep_mpi_end(mpi);
        free(f.positional);
        return rc ? 1 : 0;
    }
    if (role == EBM_MPI_ABSENT && rank != 0) {
        fprintf(stderr, "ebm sweep (rank %d of %d): this ebm was built without MPI; "
                        "rank 0 runs the whole sweep\n", rank, size);
        free(f.positional);
        return 0;
    }
    if (role == EBM_MPI_ABSENT)
        fprintf(stderr, "ebm sweep: this ebm was built without MPI: rank 0 of %d runs "
                        "every point itself, %d at a time\n", size, f.jobs);
    int progress = !f.quiet && isatty(STDERR_FILENO);
    ebm_sweep_opts opts = {.experiment = resume ? NULL : f.positional[0],
                           .args = resume ? NULL : f.positional + 1,
                           .n_args = resume ? 0 : f.n_positional - 1,
                           .out_dir = f.out,
                           .jobs = f.jobs,
                           .self_exe = exe,
                           .progress = progress ? draw_sweep_progress : NULL,
                           .stop = &stop_requested,
                           .resume_dir = resume,
                           .fail_fast = fail_fast,
                           .workers = ebm_sweep_mpi_workers(mpi)};
    char dir[4096] = "";
    int n_failed = 0;
    int rc = ebm_sweep(&opts, &n_failed, dir, sizeof dir, &err);
    ebm_sweep_mpi_end(mpi);
    if (progress) fprintf(stderr, "\n");
    int status = report_error("sweep", rc, &err, NULL);
    if (dir[0] && rc != EBM_ECONFIG) {
        printf("%s/summary.csv\n", dir);
        if (n_failed) {
            fprintf(stderr, "ebm sweep: %d point%s failed%s:\n", n_failed,
                    n_failed == 1 ? "" : "s",
                    fail_fast ? "; stopped there (--fail-fast), the points not run "
                                "are marked interrupted" : "");
            list_failed_points(dir);
            fprintf(stderr, "ebm sweep: `ebm sweep --resume %s` runs again the points "
                            "that did not complete\n", dir);
            if (!status) status = 1;
        }
    }
    free(f.positional);
    return status;
}

static int cmd_plot(int argc, char **argv) {
    common_flags f;
    if (parse_flags(argc, argv, &f, 0) || f.n_positional < 1) {
        if (f.n_positional < 1) fprintf(stderr, "usage: ebm plot DIR_OR_FILE... [--out DIR]\n");
        free(f.positional);
        return EXIT_BAD_INPUT;
    }
    ebm_plot_opts opts = {.inputs = f.positional, .n_inputs = f.n_positional,
                          .out_dir = f.out};
    ebm_error err;
    ebm_error_clear(&err);
    char *written = NULL;
    int rc = ebm_plot(&opts, &written, &err);
    if (written) fputs(written, stdout);
    free(written);
    free(f.positional);
    return report_error("plot", rc, &err, NULL);
}

/* ebm sample RUN [--n N] [--clamp label=C] [--out FILE] [sampler.k=v ...] */
static int cmd_sample(int argc, char **argv) {
    static const char sample_usage[] =
        "usage: ebm sample RUN [--n N] [--clamp label=C|label=all] [--out FILE] "
        "[sampler.KEY=VALUE ...]\n";
    ebm_sample_opts opts = {.stop = &stop_requested};
    char **overrides = calloc((size_t)argc + 1, sizeof *overrides);
    if (!overrides) return 1;
    int bad = 0;
    for (int i = 1; i < argc && !bad; i++) {
        const char *a = argv[i], *value = NULL;
        char which = 0;   /* 'n', 'c' or 'o': the option a value belongs to */
        if (strcmp(a, "--n") == 0 || strcmp(a, "-n") == 0) which = 'n';
        else if (strcmp(a, "--clamp") == 0) which = 'c';
        else if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) which = 'o';
        if (which) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ebm sample: %s needs a value\n", a);
                bad = 1;
                break;
            }
            value = argv[++i];
        } else if (strncmp(a, "--n=", 4) == 0 || strncmp(a, "--clamp=", 8) == 0 ||
                   strncmp(a, "--out=", 6) == 0) {
            which = a[2];
            value = strchr(a, '=') + 1;
        }
        if (which == 'n') {
            char *end;
            errno = 0;
            long long n = strtoll(value, &end, 10);
            if (!*value || *end || errno || n < 1 || n > 10000000) {
                fprintf(stderr, "ebm sample: --n needs a positive number, not '%s'\n", value);
                bad = 1;
            }
            opts.n = (size_t)n;
        } else if (which == 'c') {
            opts.clamp = value;
        } else if (which == 'o') {
            opts.out = value;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "ebm sample: unknown option '%s'\n", a);
            bad = 1;
        } else if (!opts.run) {
            opts.run = a;
        } else {
            overrides[opts.n_overrides++] = argv[i];
        }
    }
    if (bad || !opts.run) {
        fputs(sample_usage, stderr);
        free(overrides);
        return EXIT_BAD_INPUT;
    }
    opts.overrides = overrides;
    ebm_diags diags = {0};
    ebm_error err;
    ebm_error_clear(&err);
    char out[4300];
    ebm_sample_group *groups = NULL;
    int n_groups = 0;
    install_signal_handlers();
    int rc = ebm_sample_from_run(&opts, out, sizeof out, &groups, &n_groups, &diags, &err);
    if (rc && diags.n) print_diags(&diags);
    if (rc) fprintf(stderr, "ebm sample: %s\n", err.msg);
    for (int g = 0; g < n_groups; g++) {
        const ebm_sample_group *s = &groups[g];
        printf("%s:%s  %zu samples of %zu values  clamped %s  %zu equal a training "
               "row%s\n", out, s->path, s->n, s->n_visible, s->clamped, s->matches,
               strcmp(s->clamped, "none") ? " of that class" : "");
    }
    free(groups);
    free(overrides);
    ebm_diags_free(&diags);
    return exit_status(rc);
}

static int cmd_reproduce(int argc, char **argv, const char *exe) {
    common_flags f;
    if (parse_flags(argc, argv, &f, 1)) {
        free(f.positional);
        return EXIT_BAD_INPUT;
    }
    int progress = !f.quiet && isatty(STDERR_FILENO);
    ebm_reproduce_opts opts = {.experiments = f.positional,
                               .n_experiments = f.n_positional,
                               .out_dir = f.out,
                               .jobs = f.jobs,
                               .self_exe = exe,
                               .progress = progress ? draw_sweep_progress : NULL,
                               .stop = &stop_requested};
    ebm_error err;
    ebm_error_clear(&err);
    ebm_reproduce_row *rows = NULL;
    int n_rows = 0;
    install_signal_handlers();
    int rc = ebm_reproduce(&opts, &rows, &n_rows, &err);
    if (progress) fprintf(stderr, "\n");
    if (n_rows) ebm_reproduce_print(stdout, rows, n_rows);
    int failed = 0;
    for (int i = 0; i < n_rows; i++) failed += !rows[i].pass;
    ebm_reproduce_rows_free(rows, n_rows);
    free(f.positional);
    if (rc) return report_error("reproduce", rc, &err, NULL);
    if (n_rows == 0) {
        fprintf(stderr, "ebm reproduce: no experiment with an expect: block\n");
        return EXIT_BAD_INPUT;
    }
    return failed ? 1 : 0;
}

/* ebm show DIR|FILE */
static int cmd_show(int argc, char **argv) {
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: ebm show DIR_OR_FILE\n");
        return EXIT_BAD_INPUT;
    }
    ebm_error err;
    ebm_error_clear(&err);
    ebm_show_info *info = malloc(sizeof *info);
    if (!info) return 1;
    int rc = ebm_show(argv[1], info, &err);
    if (!rc) ebm_show_write(stdout, info);
    ebm_show_free(info);
    free(info);
    return report_error("show", rc, &err, NULL);
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_BAD_INPUT : 0;
    }
    char exe[4096];
    self_exe(exe, sizeof exe, argv[0]);
    const char *command = argv[1];
    if (strcmp(command, "list") == 0) return cmd_list(argc - 1, argv + 1);
    if (strcmp(command, "validate") == 0) return cmd_validate(argc - 1, argv + 1);
    if (strcmp(command, "run") == 0) return cmd_run(argc - 1, argv + 1);
    if (strcmp(command, "sweep") == 0) return cmd_sweep(argc - 1, argv + 1, exe);
    if (strcmp(command, "plot") == 0) return cmd_plot(argc - 1, argv + 1);
    if (strcmp(command, "reproduce") == 0) return cmd_reproduce(argc - 1, argv + 1, exe);
    if (strcmp(command, "sample") == 0) return cmd_sample(argc - 1, argv + 1);
    if (strcmp(command, "show") == 0) return cmd_show(argc - 1, argv + 1);
    if (strcmp(command, "version") == 0 || strcmp(command, "--version") == 0) {
        printf("ebm %s\n", EBM_VERSION);
        return 0;
    }
    fprintf(stderr, "ebm: unknown command '%s'\n\n%s", command, usage);
    return EXIT_BAD_INPUT;
}
