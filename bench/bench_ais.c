/* bench_ais.c — forward AIS and RAISE on an RBM 784-500 (initialised from the
 * data, untrained: the cost does not depend on the weights) and a DBM
 * 784-500-1000 (one epoch of greedy pretraining) on binarised Fashion-MNIST,
 * through the ais and dbm_ais estimators as a
 * run calls them: their GFLOP/s over the same run's cblas_sgemm, and RAISE's
 * time over forward AIS's for the same schedule and number of chains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "cfg.h"
#include "dataset.h"
#include "estimator.h"
#include "gemm.h"
#include "log.h"
#include "model.h"
#include "plugins.h"
#include "rng.h"
#include "runner.h"

typedef struct bench_opts {
    long runs, steps, rows;
    const char *data_dir;
} bench_opts;

static void usage(FILE *to) {
    fprintf(to,
            "usage: bench_ais [--runs M] [--steps K] [--rows N] [--data DIR]\n"
            "Builds an RBM 784-500 (initialised, untrained) and a DBM 784-500-1000 (one epoch\n"
            "of greedy pretraining) on the first N rows of binarised Fashion-MNIST, then\n"
            "times the ais and dbm_ais estimators with M runs and a linear schedule of K\n"
            "steps, first forward AIS alone (sandwich: false), then forward AIS and RAISE\n"
            "from M rows (sandwich: true); RAISE's time is the difference. The data split\n"
            "the estimators also score is the first M rows. FLOPs counted\n"
            "per step and chain: the block-Gibbs products, 2 x 2*784*500 for the RBM and\n"
            "2 x 2*(784*500 + 500*1000) for the DBM. Prints\n"
            "  ais_fraction_of_sgemm       RBM forward AIS GFLOP/s over cblas_sgemm 2048^3\n"
            "  raise_over_ais_time         RBM RAISE time over forward AIS time (last line)\n"
            "  dbm_ais_fraction_of_sgemm, dbm_ais_raise_over_ais_time  the same for the DBM\n"
            "Defaults: M 100, K 1000, N 5000, /usr/share/datasets/fashion-mnist.\n"
            "others_cores, steal_cores: the cores' time other processes used and the\n"
            "host took while it ran (not a quiet machine's ratios when either is 0.1+).\n");
}

static int parse_args(int argc, char **argv, bench_opts *o) {
    *o = (bench_opts){.runs = 100, .steps = 1000, .rows = 5000,
                      .data_dir = "/usr/share/datasets/fashion-mnist"};
    const bench_flag flags[] = {{"--runs", &o->runs, NULL}, {"--steps", &o->steps, NULL},
                                {"--rows", &o->rows, NULL}, {"--data", NULL, &o->data_dir}};
    return bench_parse_args("bench_ais", argc, argv, flags, 4, usage);
}

/* A model made (and fitted) as a run makes it, from the YAML of an experiment. */
static int model_open(bench_model *b, const char *yaml, const bench_opts *o, ebm_error *err) {
    memset(b, 0, sizeof *b);
    ebm_node *cfg = bench_experiment(yaml, o->data_dir, err);
    return cfg ? bench_model_open(b, cfg, err) : err->code;
}

/* Seconds of one evaluation of `est` with the YAML map est_yaml. */
static double evaluate(const ebm_estimator_ops *est, const char *est_yaml, bench_model *b,
                       size_t runs, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(est_yaml, strlen(est_yaml), "<estimator>", err);
    ebm_log *log = ebm_log_new(NULL);
    if (!cfg || !log) {
        ebm_node_free(cfg);
        ebm_log_free(log);
        if (cfg) ebm_fail(err, EBM_ENOMEM, "log");
        return -1;
    }
    ebm_rng rng;
    ebm_rng_named(&rng, &b->root, "estimator");
    ebm_log_begin(log, 1, est->info.name, est->info.name, "train");
    /* The estimators also score their data split (free energies, mean-field
     * bounds); M rows keep that small beside the annealing timed here. */
    ebm_dataset rows = b->train;
    rows.n = rows.n < runs ? rows.n : runs;
    ebm_eval ev = {.ops = b->ops, .model = b->model, .data = &rows, .train = &b->train,
                   .valid = &b->valid, .cfg = cfg, .rng = &rng, .log = log, .step = 1};
    double start = bench_now();
    int rc = est->xEvaluate(&ev, err);
    double seconds = bench_now() - start;
    ebm_node_free(cfg);
    ebm_log_free(log);
    return rc ? -1 : seconds;
}

/* Forward alone, then forward and RAISE; prints <prefix>_* and returns 0. */
static int bench_pair(const char *prefix, const ebm_estimator_ops *est, bench_model *b,
                      const bench_opts *o, double flops_per_chain_step, double sgemm,
                      double *raise_over_ais, ebm_error *err) {
    char yaml[256];
    snprintf(yaml, sizeof yaml, "{runs: %ld, schedule: linear, steps: %ld, sandwich: false}",
             o->runs, o->steps);
    double forward = evaluate(est, yaml, b, (size_t)o->runs, err);
    snprintf(yaml, sizeof yaml, "{runs: %ld, schedule: linear, steps: %ld, sandwich: true, "
             "raise_rows: %ld}", o->runs, o->steps, o->runs);
    double both = forward < 0 ? -1 : evaluate(est, yaml, b, (size_t)o->runs, err);
    if (both < 0) return -1;
    double raise = both - forward;
    double gflops = flops_per_chain_step * (double)o->runs * (double)o->steps / forward / 1e9;
    printf("%s_forward_seconds=%.3f\n", prefix, forward);
    printf("%s_raise_seconds=%.3f\n", prefix, raise);
    printf("%s_gflops=%.2f\n", prefix, gflops);
    printf("%s_fraction_of_sgemm=%.3f\n", prefix, gflops / sgemm);
    printf("%s_raise_over_ais_time=%.3f\n", prefix, raise / forward);
    *raise_over_ais = raise / forward;
    return 0;
}

int main(int argc, char **argv) {
    bench_opts o;
    int parsed = parse_args(argc, argv, &o);
    if (parsed) return parsed > 0 ? 0 : 2;
    bench_watch watch;
    bench_watch_start(&watch);
    ebm_error err;
    ebm_error_clear(&err);
    char yaml[1024];
    bench_model rbm, dbm;
    snprintf(yaml, sizeof yaml,
             "name: bench-ais-rbm\nseed: 1\n"
             "data: {type: fashion_mnist, split: train, count: %ld, binarize: threshold}\n"
             "model: {type: rbm, hidden: 500}\n",
             o.rows);
    int rc = model_open(&rbm, yaml, &o, &err);
    snprintf(yaml, sizeof yaml,
             "name: bench-ais-dbm\nseed: 1\n"
             "data: {type: fashion_mnist, split: train, count: %ld, binarize: threshold}\n"
             "model: {type: dbm, layers: [500, 1000],\n"
             "        pretrain: {epochs: 1, batch: 100, sampler: {type: cd, k: 1}}}\n",
             o.rows);
    if (!rc) rc = model_open(&dbm, yaml, &o, &err);
    else memset(&dbm, 0, sizeof dbm);
    double sgemm = rc ? -1 : bench_sgemm_gflops(2048, 3, &err);
    if (sgemm < 0) rc = -1;
    printf("# ebm AIS benchmark: %ld runs x %ld linear steps, %d threads; the RBM is untrained\n"
           "# beyond its data biases (AIS cost does not depend on the weights)\n",
           o.runs, o.steps, ebm_threads());
    bench_print_machine();
    double n0 = 784, n1 = 500, n2 = 1000, rbm_raise_over_ais = 0;
    double dbm_raise_over_ais = 0;
    if (!rc)
        rc = bench_pair("ais", &ebm_estimator_ais, &rbm, &o, 2 * 2 * n0 * n1, sgemm,
                        &rbm_raise_over_ais, &err);
    if (!rc)
        rc = bench_pair("dbm_ais", &ebm_estimator_dbm_ais, &dbm, &o, 2 * 2 * (n0 * n1 + n1 * n2),
                        sgemm, &dbm_raise_over_ais, &err);
    if (!rc) printf("sgemm_gflops=%.2f\n", sgemm);
    if (!rc) bench_watch_print(&watch);
    if (!rc) printf("raise_over_ais_time=%.3f\n", rbm_raise_over_ais);
    bench_model_close(&rbm);
    bench_model_close(&dbm);
    if (rc) {
        fprintf(stderr, "bench_ais: %s\n", err.msg);
        return 1;
    }
    return 0;
}
