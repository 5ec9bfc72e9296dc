/* runfile.h — the HDF5 run file (its layout, also in the README): writing it
 * during a run and reading it back for show, plot, sweep summaries and tests.
 *
 *   /               attributes ebm_version, seed, status, started, finished,
 *                   run_id, headline (the metric tables lead with), and
 *                   the provenance: command, overrides, host, duration_s
 *                   (strings are UTF-8 and variable-length: h5py reads str)
 *   /config         UTF-8 string dataset: the resolved YAML
 *   /metrics/<name>/step   int64,   extendible, chunked
 *   /metrics/<name>/value  float64, same length; group attributes estimator,
 *                          split, axis ("step" unless a trace)
 *   /samples/<step>        float32 [n, dim] or [n, height, width], attr shape;
 *                          <step> is zero-padded to 10 digits (0000000020)
 *                          so the names sort as the numbers do
 *   /images/<name>/<step>  same layout, other pictures (e.g. recall triples),
 *                          attr layout
 *   /model/<param>         float32 parameters, group attribute type
 */
#ifndef EBM_RUNFILE_H
#define EBM_RUNFILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "tensor.h"

typedef struct ebm_runfile ebm_runfile;

/* Creates (truncates) path, writes the root attributes with status "running"
 * and started = now (UTC, ISO 8601), and /config. Object timestamps are off so
 * two runs with the same seed give the same contents. */
ebm_runfile *ebm_runfile_create(const char *path, const char *config_yaml,
                                uint64_t seed, ebm_error *err);

/* Opens an existing run file for appending (a resumed run): series already
 * there are continued, the status is left as it is. */
ebm_runfile *ebm_runfile_open(const char *path, ebm_error *err);

/* The file's path, as given to create or open. */
const char *ebm_runfile_path(const ebm_runfile *rf);

/* Appends (step, value) to /metrics/<name>, creating it with the attributes
 * on first use (estimator and split may be NULL). */
int ebm_runfile_metric(ebm_runfile *rf, const char *name, int64_t step,
                       double value, const char *estimator, const char *split,
                       ebm_error *err);
/* Writes a whole series as /metrics/<name> (replacing an existing one), with
 * step = 0..n-1 and attribute axis. */
int ebm_runfile_trace(ebm_runfile *rf, const char *name, const double *values,
                      size_t n, const char *axis, const char *estimator,
                      ebm_error *err);
/* The name of a step's dataset under /samples or /images/<name>: the step
 * zero-padded to 10 digits, so that tools listing names as text (h5py, h5ls)
 * list them in step order. Readers take any decimal name (older files have
 * unpadded ones). */
void ebm_runfile_step_name(int64_t step, char *out, size_t size);
/* Writes /<group>/<step> (group "samples" or "images/<name>"); height and
 * width > 0 make it [n, height, width]. Replaces an existing one. */
int ebm_runfile_images(ebm_runfile *rf, const char *group, int64_t step,
                       const float *x, size_t n, size_t dim, int height,
                       int width, const char *layout, ebm_error *err);
/* Writes /model with attribute type and one dataset per tensor (replacing). */
int ebm_runfile_model(ebm_runfile *rf, const char *type,
                      const ebm_tensor *params, int n, ebm_error *err);
/* Writes the provenance root attributes: command (the command line, as a
 * shell would take it), overrides (the "key=value" arguments, space
 * separated), host (this machine's name) and duration_s = 0; NULL strings
 * are written as "". */
int ebm_runfile_provenance(ebm_runfile *rf, const char *command, const char *overrides,
                           ebm_error *err);
/* Sets headline, the metric the run's tables lead with. */
int ebm_runfile_headline(ebm_runfile *rf, const char *metric, ebm_error *err);
/* Sets duration_s, the seconds the run has taken (over every resume). */
int ebm_runfile_duration(ebm_runfile *rf, double seconds, ebm_error *err);
/* Sets status ("running", "completed", "failed", "interrupted"); any but
 * "running" also sets finished = now. */
int ebm_runfile_status(ebm_runfile *rf, const char *status, ebm_error *err);

/* Records why the run failed (root attribute "failure", the error message),
 * so `ebm show` can say it long after the terminal is gone. */
int ebm_runfile_failure(ebm_runfile *rf, const char *why, ebm_error *err);
/* Flushes everything written so far to disk (H5Fflush + fsync). */
int ebm_runfile_flush(ebm_runfile *rf, ebm_error *err);
/* Flushes and closes; NULL is allowed. */
int ebm_runfile_close(ebm_runfile *rf, ebm_error *err);

/* ---- reading ---- */

typedef struct ebm_series {
    char *name;
    char *estimator, *split, *axis;   /* "" when absent */
    size_t n;
    int64_t *step;
    double *value;
} ebm_series;

typedef struct ebm_image_set {
    char *path;        /* "/samples/10", "/images/retrieval_recall/0" */
    char *group;       /* "samples", "images/retrieval_recall" */
    int64_t step;
    size_t n, dim;
    int height, width;
    char *layout;      /* "" when absent */
    /* what drew samples written by `ebm sample`: the sampler (flow YAML) and
     * the clamp ("none", "label=3"); "" in run files, which say it in /config */
    char *sampler, *clamped;
    float *data;       /* n × dim */
} ebm_image_set;

typedef struct ebm_runinfo {
    char *ebm_version, *status, *started, *finished;  /* "" when absent */
    char *run_id;      /* random, written at creation; "" in older files */
    char *command, *overrides, *host;   /* provenance; "" in older files */
    char *headline;                     /* "" when not recorded */
    char *failure;     /* why a failed run failed; "" otherwise or in older files */
    double duration_s;                  /* NaN in older files */
    uint64_t seed;
    char *config_yaml;
    char *model_type;  /* "" when the run saved no model */
    int n_metrics;
    ebm_series *metrics;
} ebm_runinfo;

/* Reads the attributes, config and every metric series. A file that is not an
 * ebm run file (another program's HDF5, missing groups, wrong shapes) is an
 * EBM_EDATA error saying what is missing. */
int ebm_runfile_read(const char *path, ebm_runinfo *out, ebm_error *err);
void ebm_runinfo_free(ebm_runinfo *info);
const ebm_series *ebm_runinfo_metric(const ebm_runinfo *info, const char *name);

/* Every dataset under /samples and /images, in path order. */
int ebm_runfile_read_images(const char *path, ebm_image_set **out, int *n,
                            ebm_error *err);
void ebm_image_sets_free(ebm_image_set *sets, int n);

/* One float32 dataset under /model into t->data (malloc'd), with its shape. */
int ebm_runfile_read_param(const char *path, const char *name, ebm_tensor *t,
                           ebm_error *err);

#endif
