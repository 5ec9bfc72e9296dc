/* benchutil.h — what every benchmark under bench/ shares: a clock, the
 * ceilings it measures in the same run (cblas_sgemm's GFLOP/s, the rate of
 * reading a buffer once) and argument parsing. Benchmarks are not tests:
 * they print key=value lines, and each ends with a ratio to a ceiling or a
 * peer measured in the same process, never an absolute time to compare. */
#ifndef EBM_BENCHUTIL_H
#define EBM_BENCHUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "cfg.h"
#include "error.h"
#include "fit.h"
#include "model.h"
#include "rng.h"

/* Seconds on a monotonic clock. */
double bench_now(void);

/* Best GFLOP/s of C = A·B for n × n float matrices over `reps` timed calls,
 * after one untimed call that lets the threads start: the better of
 * OpenBLAS's own threading and ebm_sgemm's OpenMP blocks, both on
 * ebm_threads() threads, whatever state an earlier call left OpenBLAS in.
 * -1 and err when out of memory. */
double bench_sgemm_gflops(int n, int reps, ebm_error *err);

/* Prints what a ratio to sgemm holds for: which OpenBLAS runs the products
 * (blas=, its configuration) and whose kernels (blas_core=), with a comment
 * line when OPENBLAS_CORETYPE chose them rather than OpenBLAS's look at the
 * CPU; and how far apart the cores are (cores_roundtrip_ns=, with two
 * threads or more). */
void bench_print_machine(void);

/* Best rate, in GB/s, of reading the n floats of buf once (a vectorised sum)
 * over `reps` passes after one untimed pass: the memory-bandwidth ceiling of
 * anything that must stream those bytes, at their size (a buffer that fits
 * in a cache is read at the cache's rate). */
double bench_read_gbytes(const float *buf, size_t n, int reps);

/* Sorts n doubles in increasing order (for medians and ranges). */
void bench_sort_doubles(double *x, size_t n);

/* Median time, in ns, for a value written by one of ebm's threads to reach
 * another and the answer to come back (two threads passing a counter), or
 * -1 with fewer than two threads. A virtual machine's cores can sit near
 * each other or far apart, and the host may move them while it runs: a
 * step that hands its layers from core to core slows with this number,
 * while sgemm, which shares almost nothing between threads, does not. */
double bench_cores_roundtrip_ns(void);

/* What the rest of the machine did while a benchmark ran: the cores' time
 * that other processes used and, in a virtual machine, the time the host
 * took from it (steal), each in cores averaged over the run. A ratio
 * measured beside either is not a quiet machine's, however steady it looks:
 * a busy second core slows a two-thread step and sgemm unequally. */
typedef struct bench_watch {
    double start;               /* bench_now() */
    double busy, steal, own;    /* seconds: all processes', the host's, ours */
    int ok;                     /* 0: /proc/stat could not be read */
} bench_watch;

void bench_watch_start(bench_watch *w);
/* Prints others_cores= and steal_cores= for the time since
 * bench_watch_start, and a comment line when either is 0.1 or more. */
void bench_watch_print(const bench_watch *w);

/* A model made exactly as `ebm run` makes it, from a config: the data and
 * the model (fitted when the config says so, as a DBM's pretraining). */
typedef struct bench_model {
    ebm_node *cfg;
    ebm_rng root;
    ebm_dataset train, valid;
    const ebm_model_ops *ops;
    void *model;
} bench_model;

/* ... and ready to train: the runner's training loop (ebm_fit) as well. */
#define BENCH_MAX_TENSORS 32
typedef struct bench_training {
    bench_model m;
    ebm_tensor params[BENCH_MAX_TENSORS];
    int n_params;
    ebm_fit fit;
} bench_training;

/* An experiment config from YAML text, with data.path set to data_dir (as
 * a node, so any path survives) and validated (defaults filled in). NULL and
 * err on failure. */
ebm_node *bench_experiment(const char *yaml, const char *data_dir, ebm_error *err);

/* Each takes cfg (freed by its close, even on failure). */
int bench_model_open(bench_model *m, ebm_node *cfg, ebm_error *err);
void bench_model_close(bench_model *m);
int bench_training_open(bench_training *t, ebm_node *cfg, ebm_error *err);
void bench_training_close(bench_training *t);

/* One `--name VALUE` flag: a positive integer into *number, or any text
 * into *text. */
typedef struct bench_flag {
    const char *name;
    long *number;
    const char **text;
} bench_flag;

/* Parses argv against the n flags (and --help/-h): 0; 1 after printing the
 * usage on stdout for --help; -1 after a message and the usage on stderr. */
int bench_parse_args(const char *bench, int argc, char **argv, const bench_flag *flags,
                     int n, void (*usage)(FILE *));

#endif
