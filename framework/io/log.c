/* log.c — the metric log: every metric's latest value in memory, in
 * first-logged order, written through to the run file when there is one. */
#include "log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runfile.h"

struct ebm_log {
    ebm_runfile *rf;
    int64_t step;
    char *prefix, *estimator, *split;   /* NULL when not given */
    int out_of_memory;                  /* ebm_log_begin could not copy */
    int n, cap;
    char **names;
    double *latest;
    unsigned long records, *recorded;   /* the record count at each one's latest */
    char *diverged;                     /* the first non-finite metric, or NULL */
    double diverged_value;
};

ebm_log *ebm_log_new(ebm_runfile *rf) {
    ebm_log *log = calloc(1, sizeof *log);
    if (log) log->rf = rf;
    return log;
}

void ebm_log_free(ebm_log *log) {
    if (!log) return;
    free(log->prefix);
    free(log->estimator);
    free(log->split);
    for (int i = 0; i < log->n; i++) free(log->names[i]);
    free(log->names);
    free(log->latest);
    free(log->recorded);
    free(log->diverged);
    free(log);
}

/* Replaces *slot by a copy of value; 0 when the copy failed. */
static int set_copy(char **slot, const char *value) {
    free(*slot);
    *slot = value ? strdup(value) : NULL;
    return !value || *slot;
}

void ebm_log_begin(ebm_log *log, int64_t step, const char *prefix,
                   const char *estimator, const char *split) {
    log->step = step;
    int copied = set_copy(&log->prefix, prefix);
    copied &= set_copy(&log->estimator, estimator);
    copied &= set_copy(&log->split, split);
    log->out_of_memory = !copied;
}

/* "<prefix>_<quantity>", "<prefix>" or "<quantity>" (malloc'd). */
static int full_name(const ebm_log *log, const char *quantity, char **out,
                     ebm_error *err) {
    *out = NULL;
    if (log->out_of_memory)
        return ebm_fail(err, EBM_ENOMEM, "metric log: out of memory setting the prefix");
    const char *prefix = log->prefix ? log->prefix : "";
    if (!quantity) quantity = "";
    if (!prefix[0] && !quantity[0])
        return ebm_fail(err, EBM_EINVAL, "metric log: a metric needs a prefix or a quantity");
    size_t size = strlen(prefix) + strlen(quantity) + 2;
    if (!(*out = malloc(size))) return ebm_fail(err, EBM_ENOMEM, "metric log: out of memory");
    snprintf(*out, size, "%s%s%s", prefix, prefix[0] && quantity[0] ? "_" : "", quantity);
    return EBM_OK;
}

static int find(const ebm_log *log, const char *name) {
    for (int i = 0; i < log->n; i++)
        if (strcmp(log->names[i], name) == 0) return i;
    return -1;
}

/* Sets the latest value of name, adding it at the end when new; takes name. */
static int remember(ebm_log *log, char *name, double value, ebm_error *err) {
    int i = find(log, name);
    log->records++;
    if (i >= 0) {
        free(name);
        log->latest[i] = value;
        log->recorded[i] = log->records;
        return EBM_OK;
    }
    if (log->n == log->cap) {
        int cap = log->cap ? 2 * log->cap : 16;
        char **names = realloc(log->names, (size_t)cap * sizeof *names);
        if (names) log->names = names;
        double *latest = names ? realloc(log->latest, (size_t)cap * sizeof *latest) : NULL;
        if (latest) log->latest = latest;
        unsigned long *recorded =
            latest ? realloc(log->recorded, (size_t)cap * sizeof *recorded) : NULL;
        if (!recorded) {
            free(name);
            return ebm_fail(err, EBM_ENOMEM, "metric log: out of memory");
        }
        log->recorded = recorded;
        log->cap = cap;
    }
    log->names[log->n] = name;
    log->recorded[log->n] = log->records;
    log->latest[log->n++] = value;
    return EBM_OK;
}

static int ends_with(const char *name, const char *suffix) {
    size_t len = strlen(name), n = strlen(suffix);
    return len > n && strcmp(name + len - n, suffix) == 0;
}

/* An interval's end may be infinite (a bound that does not hold on that side),
 * and so may the width of an AIS sandwich with such an end (a DBM too large
 * to know log p*(v) has no upper end), so only NaN counts there. */
static int is_divergence(const char *name, double value) {
    if (isnan(value)) return 1;
    if (!isinf(value)) return 0;
    return !(ends_with(name, "_lo") || ends_with(name, "_hi") ||
             ends_with(name, "_sandwich_gap"));
}

int ebm_log_metric(ebm_log *log, const char *quantity, double value,
                   ebm_error *err) {
    char *name;
    int rc = full_name(log, quantity, &name, err);
    if (rc) return rc;
    if (!log->diverged && is_divergence(name, value) && (log->diverged = strdup(name)))
        log->diverged_value = value;
    if (log->rf)
        rc = ebm_runfile_metric(log->rf, name, log->step, value, log->estimator,
                                log->split, err);
    if (rc) {
        free(name);
        return rc;
    }
    return remember(log, name, value, err);
}

int ebm_log_trace(ebm_log *log, const char *quantity, const double *values,
                  size_t n, const char *axis, ebm_error *err) {
    char *name;
    int rc = full_name(log, quantity, &name, err);
    if (rc) return rc;
    if (log->rf)
        rc = ebm_runfile_trace(log->rf, name, values, n, axis, log->estimator, err);
    /* An empty trace has no latest value to remember. */
    if (rc || n == 0) {
        free(name);
        return rc;
    }
    return remember(log, name, values[n - 1], err);
}

int ebm_log_images(ebm_log *log, const char *what, const float *x, size_t n,
                   size_t dim, int height, int width, const char *layout,
                   ebm_error *err) {
    if (!log->rf) return EBM_OK;
    char *group = NULL;
    int rc = EBM_OK;
    if (what) {
        char *name;
        if ((rc = full_name(log, what, &name, err))) return rc;
        size_t size = strlen(name) + sizeof "images/";
        if ((group = malloc(size))) snprintf(group, size, "images/%s", name);
        free(name);
        if (!group) return ebm_fail(err, EBM_ENOMEM, "metric log: out of memory");
    }
    rc = ebm_runfile_images(log->rf, group ? group : "samples", log->step, x, n, dim,
                            height, width, layout, err);
    free(group);
    return rc;
}

int ebm_log_last(const ebm_log *log, const char *name, double *value) {
    int i = find(log, name);
    if (i < 0) return 0;
    *value = log->latest[i];
    return 1;
}

int ebm_log_count(const ebm_log *log) { return log->n; }

unsigned long ebm_log_mark(const ebm_log *log) { return log->records; }

int ebm_log_since(const ebm_log *log, int i, unsigned long mark) {
    return i >= 0 && i < log->n && log->recorded[i] > mark;
}

const char *ebm_log_divergence(const ebm_log *log, double *value) {
    if (log->diverged && value) *value = log->diverged_value;
    return log->diverged;
}

void ebm_log_clear_divergence(ebm_log *log) {
    free(log->diverged);
    log->diverged = NULL;
}

const char *ebm_log_name(const ebm_log *log, int i) {
    return i >= 0 && i < log->n ? log->names[i] : NULL;
}
