/* benchutil.c — the clock, the same-run ceilings (sgemm, reading a buffer)
 * and the argument parsing the benchmarks share. */
#include "benchutil.h"

#include <cblas.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "gemm.h"
#include "rng.h"
#include "runner.h"

double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double bench_sgemm_gflops(int n, int reps, ebm_error *err) {
    size_t size = (size_t)n * (size_t)n;
    float *a = malloc(size * sizeof *a), *b = malloc(size * sizeof *b),
          *c = malloc(size * sizeof *c);
    if (!a || !b || !c) {
        free(a);
        free(b);
        free(c);
        ebm_fail(err, EBM_ENOMEM, "sgemm %d x %d matrices", n, n);
        return -1;
    }
    ebm_rng rng;
    ebm_rng_seed(&rng, 7);
    for (size_t i = 0; i < size; i++) {
        a[i] = 2.0f * ebm_rng_uniformf(&rng) - 1.0f;
        b[i] = 2.0f * ebm_rng_uniformf(&rng) - 1.0f;
    }
    /* The ceiling is the better of two ways to run the product on as many
     * threads as ebm uses: OpenBLAS's own threading, and ebm_sgemm's blocks
     * on OpenMP threads (each a one-thread OpenBLAS call). Either alone can
     * mislead: ebm holds OpenBLAS to one thread (gemm.c), so whichever ran
     * first used to decide; and with OMP_WAIT_POLICY=active, OpenMP threads
     * left spinning by the set-up take a core from OpenBLAS's own threads. */
    double best = 1e300;
    for (int way = 0; way < 2; way++) {
        openblas_set_num_threads(way == 0 ? ebm_threads() : 1);
        for (int rep = -1; rep < reps; rep++) {
            double start = bench_now();
            if (way == 0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b,
                            n, 0.0f, c, n);
            else
                ebm_sgemm(0, 0, (size_t)n, (size_t)n, (size_t)n, 1.0f, a, (size_t)n, b,
                          (size_t)n, 0.0f, c, (size_t)n);
            double seconds = bench_now() - start;
            if (rep >= 0 && seconds < best) best = seconds;
        }
    }
    openblas_set_num_threads(1);
    free(a);
    free(b);
    free(c);
    return 2.0 * (double)n * (double)n * (double)n / best / 1e9;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_sort_doubles(double *x, size_t n) { qsort(x, n, sizeof *x, compare_doubles); }

/* Thread 0 writes an odd number, thread 1 answers with the next even one.
 * A waiter that spins long yields its core, so on a loaded machine the
 * measurement ends (slowly) instead of waiting for a descheduled partner. */
static void await_value(atomic_long *flag, long value) {
    for (long spins = 0; atomic_load_explicit(flag, memory_order_acquire) != value; spins++)
        if (spins % 100000 == 99999) sched_yield();
}

double bench_cores_roundtrip_ns(void) {
    if (ebm_threads() < 2) return -1;
    enum { BATCHES = 9, TRIPS = 5000 };
    double times[BATCHES];
    /* Alone on its cache line, so nothing else moves with it. */
    _Alignas(128) atomic_long flag = 0;
    #pragma omp parallel num_threads(2)
    {
        int me = omp_get_thread_num();
        for (long batch = 0; batch < BATCHES; batch++) {
            long base = batch * 2 * TRIPS;
            double start = bench_now();
            for (long trip = 0; trip < TRIPS; trip++) {
                long odd = base + 2 * trip + 1;
                if (me == 0) {
                    atomic_store_explicit(&flag, odd, memory_order_release);
                    await_value(&flag, odd + 1);
                } else {
                    await_value(&flag, odd);
                    atomic_store_explicit(&flag, odd + 1, memory_order_release);
                }
            }
            if (me == 0) times[batch] = (bench_now() - start) / TRIPS * 1e9;
        }
    }
    bench_sort_doubles(times, BATCHES);
    return times[BATCHES / 2];
}

void bench_print_machine(void) {
    printf("blas=%s\n", openblas_get_config());
    printf("blas_core=%s\n", openblas_get_corename());
    const char *forced = getenv("OPENBLAS_CORETYPE");
    if (forced)
        printf("# OPENBLAS_CORETYPE=%s chose these kernels, not OpenBLAS's look at the CPU;\n"
               "# unset, it may pick others (on AVX-512 CPUs, faster ones) and every ratio\n"
               "# to sgemm below changes with them\n", forced);
    double roundtrip = bench_cores_roundtrip_ns();
    if (roundtrip > 0) printf("cores_roundtrip_ns=%.0f\n", roundtrip);
}

/* The machine's busy and stolen time since boot (/proc/stat's first line,
 * in clock ticks) and this process's CPU time, all in seconds. Guest time
 * is already inside user time. 0 when /proc/stat cannot be read. */
static int read_machine_time(double *busy, double *steal, double *own) {
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return 0;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
                       softirq = 0, stolen = 0;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
                   &system, &idle, &iowait, &irq, &softirq, &stolen);
    fclose(f);
    if (n < 7) return 0;
    double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
    *busy = (double)(user + nice + system + irq + softirq) * tick;
    *steal = (double)stolen * tick;
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    *own = (double)self.ru_utime.tv_sec + 1e-6 * (double)self.ru_utime.tv_usec +
           (double)self.ru_stime.tv_sec + 1e-6 * (double)self.ru_stime.tv_usec;
    return 1;
}

void bench_watch_start(bench_watch *w) {
    w->ok = read_machine_time(&w->busy, &w->steal, &w->own);
    w->start = bench_now();
}

void bench_watch_print(const bench_watch *w) {
    double busy, steal, own, wall = bench_now() - w->start;
    if (!w->ok || !read_machine_time(&busy, &steal, &own) || wall <= 0) return;
    /* Ticks count whole hundredths: a short run's figure is rough, and a
     * small negative one is rounding. */
    double others = (busy - w->busy - (own - w->own)) / wall;
    double stolen = (steal - w->steal) / wall;
    if (others < 0) others = 0;
    printf("others_cores=%.2f\n", others);
    printf("steal_cores=%.2f\n", stolen);
    if (others >= 0.1 || stolen >= 0.1)
        printf("# other processes used %.2f cores and the host took %.2f while this ran:\n"
               "# these ratios are not a quiet machine's (docs/performance.md)\n",
               others, stolen);
}

/* The sum is returned through a volatile so the compiler cannot drop the
 * reads; the OpenMP simd reduction lets it keep several partial sums. */
double bench_read_gbytes(const float *buf, size_t n, int reps) {
    volatile float sink = 0.0f;
    double best = 1e300;
    for (int rep = -1; rep < reps; rep++) {
        double start = bench_now();
        float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
        for (size_t i = 0; i < n; i++) sum += buf[i];
        sink = sum;
        double seconds = bench_now() - start;
        if (rep >= 0 && seconds < best) best = seconds;
    }
    (void)sink;
    return (double)n * sizeof *buf / best / 1e9;
}

/* `text` as a positive integer into *out: 0, or -1 after a message. */
static int positive(const char *bench, const char *flag, const char *text, long *out) {
    char *end = NULL;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || *end || v < 1) {
        fprintf(stderr, "%s: %s needs a positive integer, got '%s'\n", bench, flag,
                text ? text : "");
        return -1;
    }
    *out = v;
    return 0;
}

int bench_parse_args(const char *bench, int argc, char **argv, const bench_flag *flags,
                     int n, void (*usage)(FILE *)) {
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        const bench_flag *f = NULL;
        for (int k = 0; k < n && !f; k++)
            if (strcmp(flag, flags[k].name) == 0) f = &flags[k];
        if (f && f->number) {
            if (positive(bench, flag, value, f->number)) return -1;
        } else if (f && value) {
            *f->text = value;
        } else {
            fprintf(stderr, "%s: unknown or incomplete argument '%s'\n", bench, flag);
            usage(stderr);
            return -1;
        }
        i++;
    }
    return 0;
}

ebm_node *bench_experiment(const char *yaml, const char *data_dir, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "<benchmark>", err);
    if (!cfg) return NULL;
    ebm_node *data = ebm_node_child(cfg, "data");
    ebm_node *path = ebm_node_new_scalar(data_dir, data->mark);
    if (!path || ebm_node_set(data, "path", path)) {
        ebm_node_free(cfg);
        ebm_fail(err, EBM_ENOMEM, "config");
        return NULL;
    }
    ebm_diags diags = {0};
    if (ebm_cfg_validate(cfg, &diags) != 0) {
        ebm_fail(err, EBM_ECONFIG, "invalid benchmark config: %s",
                 diags.n ? diags.items[0] : "?");
        ebm_diags_free(&diags);
        ebm_node_free(cfg);
        return NULL;
    }
    ebm_diags_free(&diags);
    return cfg;
}

int bench_model_open(bench_model *m, ebm_node *cfg, ebm_error *err) {
    memset(m, 0, sizeof *m);
    m->cfg = cfg;
    ebm_rng_seed(&m->root, (uint64_t)ebm_cfg_int(cfg, "seed", 0));
    int rc = ebm_setup_data(cfg, &m->root, &m->train, &m->valid, err);
    return rc ? rc : ebm_setup_model(cfg, &m->root, &m->train, 1, NULL, &m->ops, &m->model,
                                     err);
}

void bench_model_close(bench_model *m) {
    if (m->model) m->ops->xDestroy(m->model);
    ebm_dataset_free(&m->train);
    ebm_dataset_free(&m->valid);
    ebm_node_free(m->cfg);
    memset(m, 0, sizeof *m);
}

int bench_training_open(bench_training *t, ebm_node *cfg, ebm_error *err) {
    memset(t, 0, sizeof *t);
    int rc = bench_model_open(&t->m, cfg, err);
    if (rc) return rc;
    t->n_params = t->m.ops->xParams(t->m.model, t->params, BENCH_MAX_TENSORS);
    ebm_rng chains_rng;
    ebm_rng_named(&chains_rng, &t->m.root, "chains");
    return ebm_fit_open(&t->fit, t->m.ops, t->m.model, &t->m.train, t->params, t->n_params,
                        ebm_node_child(cfg, "train"), ebm_node_at(cfg, "train.optim"),
                        (size_t)ebm_cfg_int(cfg, "train.batch", 0), &chains_rng, NULL, err);
}

void bench_training_close(bench_training *t) {
    ebm_fit_close(&t->fit);
    bench_model_close(&t->m);
}
