/* show.c — `ebm show`: reads a run's file and its checkpoint and says where
 * the run stands, including a run killed mid-way (status still "running"
 * but no process holding the file). */
#include "show.h"

#include <math.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "reproduce.h"
#include "run_summary.h"

/* DIR or DIR/run.h5 → the file and its directory. */
static int locate(const char *target, ebm_show_info *out, ebm_error *err) {
    struct stat st;
    if (!target || !*target) return ebm_fail(err, EBM_EINVAL, "show: give a run directory or run.h5");
    if (stat(target, &st) != 0)
        return ebm_fail(err, EBM_EINVAL, "%s: no such file or directory", target);
    if (S_ISDIR(st.st_mode)) {
        snprintf(out->dir, sizeof out->dir, "%s", target);
        snprintf(out->run_path, sizeof out->run_path, "%s/run.h5", target);
        if (stat(out->run_path, &st) != 0) {
            char part[4500];
            snprintf(part, sizeof part, "%s.part", out->run_path);
            if (stat(part, &st) == 0)
                return ebm_fail(err, EBM_EDATA, "%s: no run.h5, only run.h5.part: the run "
                                "stopped before its first log point was written", target);
            return ebm_fail(err, EBM_EINVAL, "%s: a directory without run.h5, so not a "
                            "run directory", target);
        }
        return EBM_OK;
    }
    snprintf(out->run_path, sizeof out->run_path, "%s", target);
    const char *slash = strrchr(target, '/');
    if (!slash) snprintf(out->dir, sizeof out->dir, ".");
    else snprintf(out->dir, sizeof out->dir, "%.*s", (int)(slash - target + (slash == target)),
                  target);
    return EBM_OK;
}

/* HDF5 holds an exclusive flock on a file open for writing (on Linux), which
 * the kernel drops when the process dies: a free lock on a "running" run
 * means it was killed, unless the writer ran with HDF5_USE_FILE_LOCKING off. */
static ebm_show_writer probe_writer(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return EBM_WRITER_UNKNOWN;
    ebm_show_writer writer = EBM_WRITER_UNKNOWN;
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
        writer = EBM_WRITER_NONE;
        flock(fd, LOCK_UN);
    } else if (errno == EWOULDBLOCK) {
        writer = EBM_WRITER_ACTIVE;
    }
    close(fd);
    return writer;
}

/* The top-level `name:` of the resolved config. */
static void config_name(const char *yaml, char *out, size_t size) {
    out[0] = '\0';
    for (const char *line = yaml; line && *line;) {
        if (strncmp(line, "name:", 5) == 0) {
            const char *v = line + 5;
            while (*v == ' ' || *v == '"' || *v == '\'') v++;
            size_t len = strcspn(v, "\"'\n");
            snprintf(out, size, "%.*s", (int)len, v);
            return;
        }
        line = strchr(line, '\n');
        if (line) line++;
    }
}

static void find_last_step(ebm_show_info *out) {
    for (int i = 0; i < out->run.n_metrics; i++) {
        const ebm_series *s = &out->run.metrics[i];
        if (s->n == 0 || (s->axis[0] && strcmp(s->axis, "step") != 0)) continue;
        for (size_t k = 0; k < s->n; k++)
            if (!out->has_last_step || s->step[k] > out->last_step) {
                out->last_step = s->step[k];
                out->has_last_step = 1;
            }
    }
}

int ebm_show(const char *target, ebm_show_info *out, ebm_error *err) {
    memset(out, 0, sizeof *out);
    int rc = locate(target, out, err);
    if (rc) return rc;

    char checkpoint[4400];
    ebm_checkpoint_path(out->dir, checkpoint, sizeof checkpoint);
    ebm_error cp_err;
    ebm_error_clear(&cp_err);
    out->has_checkpoint = ebm_checkpoint_peek(checkpoint, &out->checkpoint, &cp_err) == EBM_OK;
    if (!out->has_checkpoint)
        snprintf(out->checkpoint_error, sizeof out->checkpoint_error, "%s", cp_err.msg);

    out->writer = probe_writer(out->run_path);
    rc = ebm_runfile_read(out->run_path, &out->run, err);
    if (rc && out->has_checkpoint && err) {
        /* A run file damaged by a crash: the checkpoint is a copy of it as it
         * stood at the checkpoint, so that much can still be shown. */
        ebm_error again;
        ebm_error_clear(&again);
        if (ebm_runfile_read(checkpoint, &out->run, &again) == EBM_OK) {
            snprintf(out->run_error, sizeof out->run_error, "%s", err->msg);
            snprintf(out->run_path, sizeof out->run_path, "%s", checkpoint);
            out->from_checkpoint = 1;
            ebm_error_clear(err);
            rc = EBM_OK;
        }
    }
    if (rc) return rc;
    config_name(out->run.config_yaml, out->name, sizeof out->name);
    find_last_step(out);
    /* The documented values a completed run checks at its end (a run still
     * going, or cut short, would fail them for want of its last epochs). */
    if (!out->from_checkpoint && strcmp(out->run.status, "completed") == 0) {
        ebm_error ignored;
        const char *yaml = out->run.config_yaml ? out->run.config_yaml : "";
        ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), out->run_path, &ignored);
        if (cfg && ebm_run_expectations(cfg, out->dir, &out->expect, &out->n_expect,
                                        &out->n_expect_skipped, &ignored) != EBM_OK) {
            ebm_reproduce_rows_free(out->expect, out->n_expect);
            out->expect = NULL;
            out->n_expect = 0;
        }
        ebm_node_free(cfg);
    }
    return EBM_OK;
}

void ebm_show_free(ebm_show_info *info) {
    if (!info) return;
    ebm_runinfo_free(&info->run);
    ebm_reproduce_rows_free(info->expect, info->n_expect);
    info->expect = NULL;
    info->n_expect = 0;
}

static const char *status_text(const ebm_show_info *info) {
    if (strcmp(info->run.status, "running") != 0) return info->run.status;
    switch (info->writer) {
    case EBM_WRITER_ACTIVE: return "running (a process has the file open)";
    case EBM_WRITER_NONE: return "running (or killed: no process has it open)";
    default: return "running";
    }
}

/* Whether `ebm run --resume` is worth suggesting: anything but a completed
 * run or a live one. */

/* One line per log-likelihood sandwich (<est>_sandwich_lo/_hi, logged by
 * ais and dbm_ais): the interval at the last log point and the verdict, so
 * nobody reads the forward estimate alone. */
static void print_sandwiches(FILE *to, const ebm_runinfo *run) {
    static const char suffix[] = "_sandwich_lo";
    for (int i = 0; i < run->n_metrics; i++) {
        const ebm_series *lo = &run->metrics[i];
        size_t len = strlen(lo->name), cut = sizeof suffix - 1;
        if (len <= cut || strcmp(lo->name + len - cut, suffix) != 0 || lo->n == 0) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s_sandwich_hi", (int)(len - cut), lo->name);
        const ebm_series *hi = ebm_runinfo_metric(run, name);
        snprintf(name, sizeof name, "%.*s_reliable", (int)(len - cut), lo->name);
        const ebm_series *ok = ebm_runinfo_metric(run, name);
        if (!hi || hi->n == 0) continue;
        double a = lo->value[lo->n - 1], b = hi->value[hi->n - 1];
        int reliable = ok && ok->n && ok->value[ok->n - 1] == 1.0;
        fprintf(to, "likelihood:  %.*s: log p in [%.6g, %.6g] (RAISE below, forward AIS "
                "above), gap %.3g nats at epoch %" PRId64 ": %s\n", (int)(len - cut), lo->name,
                a, b, b - a, lo->step[lo->n - 1],
                reliable ? "reliable"
                : a > b  ? "NOT reliable (the ends cross: RAISE above forward AIS; see the "
                           "README)"
                         : "NOT reliable (gap, halves or ESS; see the README)");
    }
}

static int resumable(const ebm_show_info *info) {
    return info->has_checkpoint && strcmp(info->run.status, "completed") != 0 &&
           !(strcmp(info->run.status, "running") == 0 && info->writer == EBM_WRITER_ACTIVE);
}

void ebm_show_write(FILE *to, const ebm_show_info *info) {
    const ebm_runinfo *run = &info->run;
    fprintf(to, "path:        %s\n", info->run_path);
    if (info->from_checkpoint)
        fprintf(to, "note:        run.h5 is unreadable (%s); shown as of the checkpoint\n",
                info->run_error);
    fprintf(to, "experiment:  %s\n", info->name[0] ? info->name : "(unnamed)");
    fprintf(to, "status:      %s\n", status_text(info));
    if (run->failure && run->failure[0]) fprintf(to, "failure:     %s\n", run->failure);
    fprintf(to, "started:     %s\n", run->started[0] ? run->started : "-");
    fprintf(to, "finished:    %s\n", run->finished[0] ? run->finished : "-");
    fprintf(to, "seed:        %" PRIu64 "\n", run->seed);
    if (run->duration_s == run->duration_s && strcmp(run->status, "running") != 0)
        fprintf(to, "duration:    %.1f s\n", run->duration_s);
    if (run->host[0]) fprintf(to, "host:        %s\n", run->host);
    if (run->ebm_version[0]) fprintf(to, "ebm:         %s\n", run->ebm_version);
    if (run->command[0]) fprintf(to, "command:     %s\n", run->command);
    if (run->overrides[0]) fprintf(to, "overrides:   %s\n", run->overrides);
    if (info->has_last_step) fprintf(to, "last epoch:  %" PRId64 "\n", info->last_step);
    else fprintf(to, "last epoch:  - (nothing logged yet)\n");
    if (run->model_type[0]) fprintf(to, "model:       %s (saved)\n", run->model_type);

    if (info->has_checkpoint) {
        const ebm_checkpoint_pos *p = &info->checkpoint.pos;
        fprintf(to, "checkpoint:  epoch %" PRId64 ", minibatch %" PRId64 ", gradient step %"
                    PRId64 ", written %s\n", p->epoch, p->batch, p->step, info->checkpoint.written);
    } else if (strcmp(run->status, "completed") == 0 && !info->from_checkpoint) {
        /* not an error: a run that completes deletes its checkpoint */
        fprintf(to, "checkpoint:  none (deleted when the run completed)\n");
    } else {
        fprintf(to, "checkpoint:  none (%s)\n", info->checkpoint_error);
    }
    if (resumable(info) && run->failure && run->failure[0])
        fprintf(to, "resume:      yes: ebm run --resume %s, once the cause of the failure "
                    "above is gone (as it stands, a resume meets it again)\n", info->dir);
    else if (resumable(info))
        fprintf(to, "resume:      yes: ebm run --resume %s\n", info->dir);
    else if (info->has_checkpoint || strcmp(run->status, "completed") == 0)
        fprintf(to, "resume:      not needed (%s)\n",
                strcmp(run->status, "completed") == 0 ? "completed" : "still running");
    else
        fprintf(to, "resume:      no (no checkpoint)\n");

    fprintf(to, "metrics:     %d\n", run->n_metrics);
    for (int i = 0; i < run->n_metrics; i++) {
        const ebm_series *s = &run->metrics[i];
        if (s->n == 0) {
            fprintf(to, "  %-32s (no points)\n", s->name);
        } else if (s->axis[0] && strcmp(s->axis, "step") != 0) {
            fprintf(to, "  %-32s %.9g at %s %" PRId64 " (a trace of %zu points)\n", s->name,
                    s->value[s->n - 1], s->axis, s->step[s->n - 1], s->n);
        } else {
            fprintf(to, "  %-32s %.9g at epoch %" PRId64 "\n", s->name, s->value[s->n - 1],
                    s->step[s->n - 1]);
        }
    }
    print_sandwiches(to, run);
    ebm_expect_write_lines(to, info->expect, info->n_expect, info->n_expect_skipped);
}

void ebm_show_write_json(FILE *to, const ebm_show_info *info) {
    const ebm_runinfo *run = &info->run;
    fputs("{\"kind\": \"run\", \"path\": ", to);
    ebm_json_string(to, info->run_path);
    static const char *const keys[] = {"experiment", "status", "failure", "started",
                                       "finished", "ebm_version", "command", "overrides",
                                       "host"};
    const char *values[] = {info->name, run->status, run->failure ? run->failure : "",
                            run->started, run->finished, run->ebm_version, run->command,
                            run->overrides, run->host};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        fprintf(to, ", \"%s\": ", keys[i]);
        ebm_json_string(to, values[i]);
    }
    fprintf(to, ", \"seed\": %" PRIu64 ", \"duration_s\": ", run->seed);
    ebm_json_number(to, run->duration_s);
    fputs(", \"last_epoch\": ", to);
    if (info->has_last_step) fprintf(to, "%" PRId64, info->last_step);
    else fputs("null", to);
    fprintf(to, ", \"resumable\": %s,\n \"metrics\": {", resumable(info) ? "true" : "false");
    for (int i = 0; i < run->n_metrics; i++) {
        const ebm_series *s = &run->metrics[i];
        fputs(i ? ",\n  " : "\n  ", to);
        ebm_json_string(to, s->name);
        fputs(": {\"final\": ", to);
        ebm_json_number(to, s->n ? s->value[s->n - 1] : NAN);
        fputs(", \"axis\": ", to);
        ebm_json_string(to, s->axis[0] && strcmp(s->axis, "step") != 0 ? s->axis : "epoch");
        fprintf(to, ", \"at\": %" PRId64 ", \"points\": %zu}", s->n ? s->step[s->n - 1] : 0,
                s->n);
    }
    fputs("},\n \"expect\": [", to);
    for (int i = 0; i < info->n_expect; i++) {
        const ebm_reproduce_row *r = &info->expect[i];
        fputs(i ? ",\n  {\"quantity\": " : "\n  {\"quantity\": ", to);
        ebm_json_string(to, r->quantity);
        fputs(", \"obtained\": ", to);
        ebm_json_number(to, r->obtained);
        fputs(", \"low\": ", to);
        ebm_json_number(to, r->low);
        fputs(", \"high\": ", to);
        ebm_json_number(to, r->high);
        fprintf(to, ", \"pass\": %s}", r->pass ? "true" : "false");
    }
    fprintf(to, "],\n \"expect_need_sweep\": %d}\n", info->n_expect_skipped);
}
