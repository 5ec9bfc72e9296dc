/* bench_dbm.c — times joint training of a DBM (784-500-1000, mean-field
 * positive phase, PCD with 100 chains x 5 Gibbs steps, the settings of
 * experiments/dbm-fashion.yaml) on binarised Fashion-MNIST through the
 * runner's own epoch loop, counts the GEMM FLOPs the epoch needed with the
 * mean-field iterations it really made (it stops at its tolerance), and
 * times cblas_sgemm on 2048² in the same process as the ceiling. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "cfg.h"
#include "dataset.h"
#include "dbm.h"
#include "fit.h"
#include "gemm.h"
#include "model.h"
#include "optim.h"
#include "rng.h"
#include "runner.h"
#include "train.h"


typedef struct bench_opts {
    long rows, epochs, iterations;
    const char *data_dir;
} bench_opts;

static void usage(FILE *to) {
    fprintf(to,
            "usage: bench_dbm [--rows N] [--epochs E] [--iterations I] [--data DIR]\n"
            "Trains a DBM 784-500-1000 (no pretraining, init_scale 0.01) jointly on the\n"
            "first N rows of binarised Fashion-MNIST: batch 100, mean field of at most I\n"
            "iterations (tolerance 1e-4, its default) for the data, PCD with 100 chains\n"
            "and 5 block-Gibbs steps for the model, lr 0.001, momentum 0.5. Prints the\n"
            "epoch's GEMM FLOPs, counted with the mean-field iterations really made:\n"
            "  data:   the bottom-up pass, v W1 once, 2 products per iteration, the\n"
            "          statistics (x_{l-1}' x_l);\n"
            "  model:  4 products per Gibbs step, the statistics;\n"
            "and dbm_fraction_of_sgemm: the epoch's GFLOP/s over cblas_sgemm 2048^3\n"
            "in the same run (the limit). Defaults: N 10000, E 1, I 10,\n"
            "/usr/share/datasets/fashion-mnist. Threads: OMP_NUM_THREADS.\n"
            "others_cores, steal_cores: the cores' time other processes used and the\n"
            "host took while it ran (not a quiet machine's ratios when either is 0.1+).\n");
}

static int parse_args(int argc, char **argv, bench_opts *o) {
    *o = (bench_opts){.rows = 10000, .epochs = 1, .iterations = 10,
                      .data_dir = "/usr/share/datasets/fashion-mnist"};
    const bench_flag flags[] = {{"--rows", &o->rows, NULL}, {"--epochs", &o->epochs, NULL},
                                {"--iterations", &o->iterations, NULL},
                                {"--data", NULL, &o->data_dir}};
    return bench_parse_args("bench_dbm", argc, argv, flags, 4, usage);
}

static ebm_node *bench_config(const bench_opts *o, ebm_error *err) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "name: bench-dbm\n"
             "seed: 1\n"
             "data: {type: fashion_mnist, split: train, count: %ld, binarize: threshold}\n"
             "model: {type: dbm, layers: [500, 1000], init_scale: 0.01,\n"
             "        mean_field: {max_iterations: %ld}, pretrain: {epochs: 0}}\n"
             "train:\n"
             "  epochs: %ld\n"
             "  batch: 100\n"
             "  sampler: {type: pcd, k: 5, chains: 100}\n"
             "  optim: {lr: 0.001, momentum: 0.5}\n",
             o->rows, o->iterations, o->epochs);
    return bench_experiment(yaml, o->data_dir, err);
}

/* What the timed training needs, built as the runner builds it. */
typedef struct bench_run {
    bench_training t;
    size_t chains;
    int k;
} bench_run;

static void bench_free(bench_run *b) { bench_training_close(&b->t); }

static int bench_setup(bench_run *b, const bench_opts *o, ebm_error *err) {
    ebm_node *cfg = bench_config(o, err);
    if (!cfg) return err->code;
    int rc = bench_training_open(&b->t, cfg, err);
    b->chains = (size_t)ebm_cfg_int(cfg, "train.sampler.chains", 100);
    b->k = (int)ebm_cfg_int(cfg, "train.sampler.k", 1);
    return rc;
}

/* The GEMM FLOPs of one minibatch of `rows` data rows, without the
 * mean-field iterations (counted apart): 2·m·k·n per product. */
static double batch_flops(const ebm_dbm *m, size_t rows, size_t chains, int k) {
    double n0 = (double)m->size[0], n1 = (double)m->size[1], n2 = (double)m->size[2];
    double pairs = n0 * n1 + n1 * n2, b = (double)rows, c = (double)chains;
    double data = 2 * b * pairs        /* bottom-up pass */
                  + 2 * b * n0 * n1     /* b_1 + v W_1, kept over the iterations */
                  + 2 * b * pairs;      /* statistics */
    double model = k * 2 * c * 2 * pairs   /* h1 from v and h2; v from h1; h2 from h1 */
                   + 2 * c * pairs;        /* statistics */
    return data + model;
}

static int fail(const ebm_error *err) {
    fprintf(stderr, "bench_dbm: %s\n", err->msg);
    return 1;
}

int main(int argc, char **argv) {
    bench_opts o;
    int parsed = parse_args(argc, argv, &o);
    if (parsed) return parsed > 0 ? 0 : 2;
    bench_watch watch;
    bench_watch_start(&watch);
    ebm_error err;
    ebm_error_clear(&err);
    bench_run b;
    memset(&b, 0, sizeof b);
    if (bench_setup(&b, &o, &err)) {
        bench_free(&b);
        return fail(&err);
    }
    ebm_dbm *m = b.t.m.model;
    if (m->n_hidden_layers != 2) {
        bench_free(&b);
        ebm_fail(&err, EBM_EINVAL, "expected two hidden layers");
        return fail(&err);
    }
    printf("# ebm DBM benchmark: %zu-%zu-%zu, %zu rows, batch %zu, PCD %zu chains x %d "
           "steps, mean field <= %ld iterations; %d threads\n",
           m->size[0], m->size[1], m->size[2], b.t.m.train.n, b.t.fit.batch_size, b.chains, b.k,
           o.iterations, ebm_threads());
    bench_print_machine();
    double sgemm = bench_sgemm_gflops(2048, 3, &err);
    if (sgemm < 0) {
        bench_free(&b);
        return fail(&err);
    }
    double flops = 0, start = bench_now();
    long batches = 0;
    for (int epoch = 1; epoch <= o.epochs; epoch++) {
        ebm_rng train_rng;
        ebm_rng_named(&train_rng, &b.t.m.root, "train");
        if (ebm_fit_epoch(&b.t.fit, &train_rng, epoch, &err)) {
            bench_free(&b);
            return fail(&err);
        }
        for (size_t first = 0; first < b.t.m.train.n; first += b.t.fit.batch_size, batches++) {
            size_t rows = b.t.m.train.n - first < b.t.fit.batch_size ? b.t.m.train.n - first
                                                               : b.t.fit.batch_size;
            flops += batch_flops(m, rows, b.chains, b.k);
        }
    }
    double seconds = bench_now() - start;
    /* Each iteration: h1 from b_1 + v W_1 (kept) and h2 W_2', h2 from h1 W_2. */
    double per_row_iteration = 2.0 * 2.0 * (double)m->size[1] * (double)m->size[2];
    flops += per_row_iteration * (double)m->mean_field_iterations * (double)b.t.fit.batch_size;
    double sgemm_after = bench_sgemm_gflops(2048, 3, &err);
    if (sgemm_after > sgemm) sgemm = sgemm_after;
    double gflops = flops / seconds / 1e9;
    printf("dbm_rows=%zu\n", b.t.m.train.n);
    printf("dbm_epochs=%ld\n", o.epochs);
    printf("dbm_seconds=%.3f\n", seconds);
    printf("dbm_seconds_per_10000_rows=%.3f\n", seconds / (double)(b.t.m.train.n * o.epochs) * 1e4);
    printf("dbm_mean_field_iterations_per_batch=%.2f\n",
           (double)m->mean_field_iterations / (double)batches);
    printf("dbm_gflop=%.1f\n", flops / 1e9);
    printf("dbm_gflops=%.2f\n", gflops);
    printf("sgemm_gflops=%.2f\n", sgemm);
    bench_watch_print(&watch);
    printf("dbm_fraction_of_sgemm=%.3f\n", gflops / sgemm);
    bench_free(&b);
    return 0;
}
