/* reproduce.c — `ebm reproduce`: finds the experiments with an `expect:`
 * block, runs each (as a sweep when it has a `sweep:` block, else as one
 * child `ebm run`), evaluates the expectations and prints the table. */
#include "reproduce.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "datadir.h"
#include "claim.h"
#include "expect.h"
#include "proc.h"
#include "sweep.h"
#include "text_table.h"

#define POLL_NS 20000000L
#define STOP_GRACE_SECONDS 10

void ebm_reproduce_rows_free(ebm_reproduce_row *rows, int n) {
    for (int i = 0; rows && i < n; i++) {
        free(rows[i].experiment);
        free(rows[i].quantity);
        free(rows[i].source);
        free(rows[i].note);
    }
    free(rows);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_expect(const char *path) {
    ebm_error ignored;
    ebm_node *root = ebm_cfg_parse_file(path, &ignored);
    int found = root && root->kind == EBM_NODE_MAP && ebm_node_child(root, "expect");
    ebm_node_free(root);
    return found;
}

/* Every *.yaml with an expect block in ./experiments, else in ebm's own
 * (datadir.h), sorted by name. */
static int discover(char ***files, int *n, ebm_error *err) {
    char shared[4096] = "experiments";
    if (!ebm_proc_is_dir("experiments")) {
        int rc = ebm_data_dir("experiments", shared, sizeof shared, err);
        if (rc) return rc;
    }
    const char *dir = shared;
    *files = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return ebm_fail(err, EBM_EIO, "%s: cannot list experiments", dir);
    struct dirent *e;
    int rc = EBM_OK;
    while (!rc && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
        size_t size = strlen(dir) + len + 2;
        char *path = malloc(size);
        if (!path) {
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            break;
        }
        snprintf(path, size, "%s/%s", dir, e->d_name);
        if (!has_expect(path)) {
            free(path);
            continue;
        }
        char **grown = realloc(*files, (size_t)(*n + 1) * sizeof *grown);
        if (!grown) {
            free(path);
            rc = ebm_fail(err, EBM_ENOMEM, "out of memory");
            break;
        }
        *files = grown;
        (*files)[(*n)++] = path;
    }
    closedir(d);
    if (!rc) qsort(*files, (size_t)*n, sizeof **files, cmp_str);
    return rc;
}

/* The file name without directory and extension: "hopfield-capacity". */
static void stem_of(const char *path, char *out, size_t size) {
    const char *slash = strrchr(path, '/');
    snprintf(out, size, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot && dot != out) *dot = '\0';
}

/* One child `ebm run FILE --out DIR --quiet`. Returns its exit code, or
 * -1 when it could not start (note says why), or -2 when stopped. */
static int run_single(const ebm_reproduce_opts *opts, const char *file,
                      const char *dir, char *note, size_t note_size) {
    char log_path[4500];
    snprintf(log_path, sizeof log_path, "%s/log.txt", dir);
    char *argv[] = {(char *)opts->self_exe, "run", (char *)file, "--out",
                    (char *)dir, "--quiet", NULL};
    pid_t pid;
    ebm_error spawn_err;
    if (ebm_proc_spawn(argv, log_path, &pid, &spawn_err)) {
        snprintf(note, note_size, "%s", spawn_err.msg);
        return -1;
    }
    int status = 0, stopping = 0;
    time_t deadline = 0;
    for (;;) {
        int r = ebm_proc_wait(pid, 0, &status);
        if (r < 0) {
            snprintf(note, note_size, "lost the child process of %s", file);
            return -1;
        }
        if (r > 0) break;
        if (opts->stop && *opts->stop && !stopping) {
            kill(pid, SIGTERM);
            stopping = 1;
            deadline = time(NULL) + STOP_GRACE_SECONDS;
        }
        if (stopping && time(NULL) > deadline) kill(pid, SIGKILL);
        struct timespec t = {0, POLL_NS};
        nanosleep(&t, NULL);
    }
    return stopping ? -2 : ebm_proc_exit_code(status);
}

/* Runs one experiment and appends its rows. Returns EBM_EINTERRUPT when
 * stopped, another code only for errors that end the whole reproduce. */
static int reproduce_one(const ebm_reproduce_opts *opts, const char *file,
                         const char *out_dir, ebm_reproduce_row **rows,
                         int *n_rows, ebm_error *err) {
    char stem[256], dir[4400], note[4600];
    stem_of(file, stem, sizeof stem);
    snprintf(dir, sizeof dir, "%s/%s", out_dir, stem);
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(file, NULL, 0, &diags);
    if (!root) {
        snprintf(note, sizeof note, "config: %s",
                 diags.n ? diags.items[0] : "cannot be loaded");
        ebm_diags_free(&diags);
        return ebm_expect_fail_all(stem, NULL, note, rows, n_rows, err);
    }
    ebm_diags_free(&diags);
    const ebm_node *expect = ebm_node_child(root, "expect");
    int is_sweep = ebm_node_child(root, "sweep") != NULL;
    int rc = ebm_proc_mkdirs(dir, err);
    if (rc) {
        ebm_node_free(root);
        return rc;
    }
    note[0] = '\0';
    if (is_sweep) {
        ebm_sweep_opts sweep = {
            .experiment = file, .args = NULL, .n_args = 0, .out_dir = dir,
            .jobs = opts->jobs >= 1 ? opts->jobs : 1, .self_exe = opts->self_exe,
            .progress = opts->progress,
            .progress_ctx = opts->progress_ctx, .stop = opts->stop};
        int n_failed = 0;
        ebm_error sweep_err;
        rc = ebm_sweep(&sweep, &n_failed, NULL, 0, &sweep_err);
        if (rc == EBM_EINTERRUPT) {
            ebm_node_free(root);
            return ebm_fail(err, EBM_EINTERRUPT, "%s", sweep_err.msg);
        }
        if (rc) snprintf(note, sizeof note, "%s", sweep_err.msg);
        rc = EBM_OK;
    } else {
        int code = run_single(opts, file, dir, note, sizeof note);
        if (code == -2) {
            ebm_node_free(root);
            return ebm_fail(err, EBM_EINTERRUPT, "reproduce interrupted during %s", file);
        }
        if (code > 0)
            snprintf(note, sizeof note, "ebm run exited with status %d (see %s/log.txt)",
                     code, dir);
    }
    if (note[0]) rc = ebm_expect_fail_all(stem, expect, note, rows, n_rows, err);
    else rc = ebm_expect_evaluate(stem, expect, dir, is_sweep, rows, n_rows, err);
    ebm_node_free(root);
    return rc;
}

int ebm_reproduce(const ebm_reproduce_opts *opts, ebm_reproduce_row **rows,
                  int *n_rows, ebm_error *err) {
    ebm_error local;
    if (!err) err = &local;
    *rows = NULL;
    *n_rows = 0;
    if (!opts->self_exe)
        return ebm_fail(err, EBM_EINVAL, "reproduce: self_exe is required");
    char **found = NULL;
    int n_found = 0, rc = EBM_OK;
    char *const *files = opts->experiments;
    int n_files = opts->n_experiments;
    if (n_files == 0) {
        rc = discover(&found, &n_found, err);
        files = found;
        n_files = n_found;
        if (!rc && n_files == 0)
            rc = ebm_fail(err, EBM_EINVAL, "no experiment with an expect: block found");
    }
    char out_dir[4096];
    if (opts->out_dir) {
        snprintf(out_dir, sizeof out_dir, "%s", opts->out_dir);
    } else {
        char stamp[32];
        ebm_proc_timestamp(stamp, sizeof stamp);
        snprintf(out_dir, sizeof out_dir, "runs/reproduce-%s", stamp);
    }
    for (int i = 0; !rc && i < n_files; i++) {
        if (opts->stop && *opts->stop)
            rc = ebm_fail(err, EBM_EINTERRUPT, "reproduce interrupted");
        else
            rc = reproduce_one(opts, files[i], out_dir, rows, n_rows, err);
    }
    if (opts->out_dir_used) snprintf(opts->out_dir_used, opts->out_dir_size, "%s", out_dir);
    /* the table is kept next to the runs, for `ebm report` and scripts */
    if (*n_rows && ebm_proc_is_dir(out_dir)) {
        char path[4200];
        snprintf(path, sizeof path, "%s/reproduce.csv", out_dir);
        ebm_error csv_err;
        int csv_rc = ebm_reproduce_write_csv(path, *rows, *n_rows, &csv_err);
        if (!rc && csv_rc) {
            rc = csv_rc;
            *err = csv_err;
        }
    }
    for (int i = 0; i < n_found; i++) free(found[i]);
    free(found);
    return rc;
}

/* ---- the table ---- */

static void format_number(char *out, size_t size, double v) {
    if (isnan(v)) snprintf(out, size, "-");
    else snprintf(out, size, "%.4g", v);
}

static void format_documented(char *out, size_t size, const ebm_reproduce_row *r) {
    char a[32], b[32];
    if (isnan(r->low) || isnan(r->high)) {
        snprintf(out, size, "-");
    } else if (r->tolerance < 0) {
        ebm_expect_range_text(r->low, r->high, 4, out, size);
    } else {
        format_number(a, sizeof a, r->documented);
        format_number(b, sizeof b, r->tolerance);
        snprintf(out, size, "%s ± %s", a, b);
    }
}

/* A source is often a full citation, a quantity a sentence: the table
 * shows their starts (the whole texts are in the experiment file, the CSV
 * and the report). Widths that keep a row within 100 columns. */
#define EXPERIMENT_WIDTH 20
#define QUANTITY_WIDTH 26
#define SOURCE_WIDTH 16
#define NOTE_WIDTH 90

void ebm_reproduce_print(FILE *out, const ebm_reproduce_row *rows, int n) {
    enum { COLS = 6 };
    static const char *const heads[COLS] = {"experiment", "quantity", "documented",
                                            "source", "obtained", "result"};
    int width[COLS] = {0};
    char doc[96], got[32], source[4 * SOURCE_WIDTH + 8], exp[4 * EXPERIMENT_WIDTH + 8],
        quantity[4 * QUANTITY_WIDTH + 8];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0) ebm_table_widen(width, heads, COLS);
        else ebm_table_row(out, heads, COLS, width);
        for (int i = 0; i < n; i++) {
            format_documented(doc, sizeof doc, &rows[i]);
            format_number(got, sizeof got, rows[i].obtained);
            ebm_text_cut(source, sizeof source, rows[i].source, SOURCE_WIDTH);
            ebm_text_cut(exp, sizeof exp, rows[i].experiment, EXPERIMENT_WIDTH);
            ebm_text_cut(quantity, sizeof quantity, rows[i].quantity, QUANTITY_WIDTH);
            const char *cells[COLS] = {exp, quantity, doc, source, got,
                                       rows[i].pass ? "PASS" : "FAIL"};
            if (pass == 0) {
                ebm_table_widen(width, cells, COLS);
                continue;
            }
            ebm_table_row(out, cells, COLS, width);
            if (rows[i].note && rows[i].note[0]) {
                char note[4 * NOTE_WIDTH + 8];
                ebm_text_cut(note, sizeof note, rows[i].note, NOTE_WIDTH);
                fprintf(out, "  note: %s\n", note);
            }
        }
    }
}

static void csv_text(FILE *f, const char *text) {
    fputc('"', f);
    for (const char *c = text ? text : ""; *c; c++) {
        if (*c == '"') fputc('"', f);
        fputc(*c == '\n' ? ' ' : *c, f);
    }
    fputc('"', f);
}

static void csv_value(FILE *f, double v) {
    if (!isnan(v)) fprintf(f, "%.10g", v);
}

int ebm_reproduce_write_csv(const char *path, const ebm_reproduce_row *rows, int n,
                            ebm_error *err) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return ebm_fail(err, EBM_ENOMEM, "out of memory");
    fputs("experiment,quantity,documented,tolerance,low,high,source,obtained,result,note\n", f);
    for (int i = 0; i < n; i++) {
        const ebm_reproduce_row *r = &rows[i];
        csv_text(f, r->experiment);
        fputc(',', f);
        csv_text(f, r->quantity);
        fputc(',', f);
        csv_value(f, r->documented);
        fputc(',', f);
        if (r->tolerance >= 0) csv_value(f, r->tolerance);
        fputc(',', f);
        csv_value(f, r->low);
        fputc(',', f);
        csv_value(f, r->high);
        fputc(',', f);
        csv_text(f, r->source);
        fputc(',', f);
        csv_value(f, r->obtained);
        fprintf(f, ",%s,", r->pass ? "PASS" : "FAIL");
        csv_text(f, r->note);
        fputc('\n', f);
    }
    fclose(f);
    int rc = text ? ebm_claim_write_file(path, text, err) : ebm_fail(err, EBM_ENOMEM, "out of memory");
    free(text);
    return rc;
}
