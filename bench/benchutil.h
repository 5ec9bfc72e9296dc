/* benchutil.h — what every benchmark under bench/ shares: a clock, the
 * ceilings it measures in the same run (cblas_sgemm's GFLOP/s, the rate of
 * reading a buffer once) and argument parsing. Benchmarks are not tests:
 * they print key=value lines, and each ends with a ratio to a ceiling or a
 * peer measured in the same process, never an absolute time to compare. */
#ifndef EBM_BENCHUTIL_H
#define EBM_BENCHUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* Seconds on a monotonic clock. */
double bench_now(void);

/* Best GFLOP/s of C = A·B for n × n float matrices over `reps` timed calls,
 * after one untimed call that lets OpenBLAS start its threads. -1 and err
 * when out of memory. */
double bench_sgemm_gflops(int n, int reps, ebm_error *err);

/* Best rate, in GB/s, of reading the n floats of buf once (a vectorised sum)
 * over `reps` passes after one untimed pass: the memory-bandwidth ceiling of
 * anything that must stream those bytes, at their size (a buffer that fits
 * in a cache is read at the cache's rate). */
double bench_read_gbytes(const float *buf, size_t n, int reps);

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
