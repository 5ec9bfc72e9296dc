/* bench_rbm.c — times RBM training (PCD-1, scikit-learn's BernoulliRBM settings)
 * on binarised Fashion-MNIST through the same trainer and optimiser calls as
 * the runner, and cblas_sgemm on 2048² in the same process, as the ceiling. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "cfg.h"
#include "dataset.h"
#include "fit.h"
#include "gemm.h"
#include "model.h"
#include "optim.h"
#include "rng.h"
#include "runner.h"
#include "train.h"


typedef struct bench_opts {
    long epochs, hidden, batch;
    const char *data_dir;
    long sgemm_n, sgemm_reps;
} bench_opts;

static void usage(FILE *to) {
    fprintf(to,
            "usage: bench_rbm [--epochs N] [--hidden N] [--batch N] [--data DIR]\n"
            "                 [--sgemm-n N] [--sgemm-reps N]\n"
            "Trains an RBM with PCD-1 (chains = batch), lr 0.05, no momentum, no weight\n"
            "decay on binarised Fashion-MNIST (train split, threshold 0.5), as\n"
            "scikit-learn's BernoulliRBM does, and times cblas_sgemm on N x N x N.\n"
            "Defaults: 1 epoch, 256 hidden, batch 100, /usr/share/datasets/fashion-mnist,\n"
            "sgemm 2048, 3 repetitions before and 3 after training (best kept).\n"
            "Then one more epoch in windows of 50 steps, each followed by one sgemm:\n"
            "ebm_fraction_of_sgemm_paired is the median of the windows' ratios (and\n"
            "_min, _max), for machines whose speed changes during a run.\n"
            "cores_roundtrip_ns (at the start) and _after (at the end): how far apart\n"
            "the cores were; the step slows with it, sgemm hardly does.\n"
            "others_cores and steal_cores: the cores' time other processes used and\n"
            "the host took during the run; a ratio measured beside either is not a\n"
            "quiet machine's.\n"
            "Threads: OMP_NUM_THREADS (ebm holds OpenBLAS to one thread per block).\n");
}

/* Returns 0, 1 after --help, or -1 on a bad argument. */
static int parse_args(int argc, char **argv, bench_opts *o) {
    *o = (bench_opts){.epochs = 1, .hidden = 256, .batch = 100,
                      .data_dir = "/usr/share/datasets/fashion-mnist",
                      .sgemm_n = 2048, .sgemm_reps = 3};
    const bench_flag flags[] = {{"--epochs", &o->epochs, NULL}, {"--hidden", &o->hidden, NULL},
                                {"--batch", &o->batch, NULL}, {"--data", NULL, &o->data_dir},
                                {"--sgemm-n", &o->sgemm_n, NULL},
                                {"--sgemm-reps", &o->sgemm_reps, NULL}};
    return bench_parse_args("bench_rbm", argc, argv, flags, 6, usage);
}

/* The experiment as a user would write it, validated like any config so every
 * default the runner would see is filled in. */
static ebm_node *bench_config(const bench_opts *o, ebm_error *err) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "name: bench-rbm\n"
             "seed: 1\n"
             "data: {type: fashion_mnist, split: train, binarize: threshold, threshold: 0.5}\n"
             "model: {type: rbm, hidden: %ld}\n"
             "train:\n"
             "  epochs: %ld\n"
             "  batch: %ld\n"
             "  sampler: {type: pcd, k: 1, chains: %ld}\n"
             "  optim: {lr: 0.05, momentum: 0, weight_decay: 0}\n",
             o->hidden, o->epochs, o->batch, o->batch);
    return bench_experiment(yaml, o->data_dir, err);
}

/* The GEMMs a PCD-1 step needs, as scikit-learn's BernoulliRBM does them, with
 * `rows` data rows and `chains` persistent chains:
 *   positive hidden probabilities   p  = σ(c + v W)          rows   × nv × nh
 *   positive statistic              vᵀ p                       rows   × nv × nh
 *   chains' visible draw            v' ~ σ(b + h Wᵀ)           chains × nh × nv
 *   negative hidden probabilities   p' = σ(c + v' W)           chains × nv × nh
 *                                   (the chains' next h is drawn from p')
 *   negative statistic              v'ᵀ p'                     chains × nv × nh
 * each 2·m·k·n FLOPs: 2·nv·nh·(2·rows + 3·chains) in all, 5 × 2·784·256 =
 * 2,007,040 per sample at sklearn's settings; ebm's step (the RBM's
 * xChainGrad) makes the same five. Work beyond these counts against it. */
static double pcd1_step_flops(size_t n_visible, size_t n_hidden, size_t rows,
                              size_t chains) {
    return 2.0 * (double)n_visible * (double)n_hidden *
           (2.0 * (double)rows + 3.0 * (double)chains);
}

/* The same five GEMMs alone, at the step's shapes (row-major, as ebm lays
 * them out), repeated `steps` times: the ceiling GEMM itself sets at these
 * small sizes. Best GFLOP/s of `reps` runs. */
static double step_shapes_gflops(size_t nv, size_t nh, size_t rows, int steps, int reps,
                                 ebm_error *err) {
    float *v = calloc(rows * nv, sizeof *v), *h = calloc(rows * nh, sizeof *h);
    float *W = calloc(nv * nh, sizeof *W), *gW = calloc(nv * nh, sizeof *gW);
    if (!v || !h || !W || !gW) {
        free(v);
        free(h);
        free(W);
        free(gW);
        ebm_fail(err, EBM_ENOMEM, "step-shape GEMM buffers");
        return -1;
    }
    int m = (int)rows, k = (int)nv, n = (int)nh;
    double best = 1e300;
    for (int rep = -1; rep < reps; rep++) {
        double start = bench_now();
        for (int s = 0; s < steps; s++) {
            for (int phase = 0; phase < 2; phase++) {   /* data rows, then chains */
                if (phase == 1)   /* h Wᵀ: chains' visible inputs */
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, k, n, 1.0f, h,
                                n, W, n, 0.0f, v, k);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, v, k,
                            W, n, 0.0f, h, n);
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, n, m, 0.01f, v, k,
                            h, n, 1.0f, gW, n);
            }
        }
        double seconds = bench_now() - start;
        if (rep >= 0 && seconds < best) best = seconds;
    }
    free(v);
    free(h);
    free(W);
    free(gW);
    return (double)steps * pcd1_step_flops(nv, nh, rows, rows) / best / 1e9;
}

/* What the timed training needs, built as the runner builds it. */
typedef struct bench_run {
    bench_training t;
    size_t chains;
} bench_run;

static void bench_free(bench_run *b) { bench_training_close(&b->t); }

static int bench_setup(bench_run *b, const bench_opts *o, ebm_error *err) {
    ebm_node *cfg = bench_config(o, err);
    if (!cfg) return err->code;
    int rc = bench_training_open(&b->t, cfg, err);
    b->chains = (size_t)ebm_cfg_int(cfg, "train.sampler.chains", 100);
    return rc;
}

/* One epoch through ebm_fit_epoch, the loop the runner itself trains with.
 * Adds the epoch's PCD-1 FLOPs to *flops. */
static int bench_epoch(bench_run *b, int epoch, double *flops, ebm_error *err) {
    size_t n = b->t.m.train.n, dim = b->t.m.train.dim;
    size_t nv = dim, nh = b->t.m.ops->xUnits(b->t.m.model) - dim;
    ebm_rng train_rng;
    ebm_rng_named(&train_rng, &b->t.m.root, "train");
    int rc = ebm_fit_epoch(&b->t.fit, &train_rng, epoch, err);
    if (rc) return rc;
    ebm_sampler_stats stats;   /* the runner logs these (tempering's swap rate) */
    ebm_trainer_take_stats(b->t.fit.trainer, &stats);
    for (size_t start = 0; start < n; start += b->t.fit.batch_size) {
        size_t rows = n - start < b->t.fit.batch_size ? n - start : b->t.fit.batch_size;
        *flops += pcd1_step_flops(nv, nh, rows, b->chains);
    }
    return EBM_OK;
}

/* The ratio paired in time. This machine's speed can change within a run
 * (other tenants of the host), and the step, which moves more memory, feels
 * it more than sgemm; a long training average over a best-of sgemm then
 * mixes slow and fast moments. So one more epoch is timed in windows of
 * WINDOW steps, each followed at once by one sgemm on ebm's threads, and
 * each window's rate is divided by the sgemm after it: the median of those
 * ratios is ebm_fraction_of_sgemm_paired. */
enum { WINDOW = 50, MAX_WINDOWS = 64 };
typedef struct paired {
    size_t steps, n, sgemm_n;
    double window_start, flops_per_step;
    double ratio[MAX_WINDOWS];
    float *a, *b, *c;
} paired;

static int after_step(void *ctx, int epoch, size_t batches_done, ebm_error *err) {
    (void)epoch, (void)batches_done, (void)err;
    paired *p = ctx;
    double now = bench_now();
    if (++p->steps < WINDOW || p->n == MAX_WINDOWS) return EBM_OK;
    double step_rate = (double)p->steps * p->flops_per_step / (now - p->window_start);
    size_t n = p->sgemm_n;
    double start = bench_now();
    ebm_sgemm(0, 0, n, n, n, 1.0f, p->a, n, p->b, n, 0.0f, p->c, n);
    double sgemm_rate = 2.0 * (double)n * (double)n * (double)n / (bench_now() - start);
    p->ratio[p->n++] = step_rate / sgemm_rate;
    p->steps = 0;
    p->window_start = bench_now();
    return EBM_OK;
}

/* One more epoch in paired windows; the ratios sorted in p->ratio. */
static int paired_epoch(bench_run *b, int epoch, size_t sgemm_n, double flops_per_step,
                        paired *p, ebm_error *err) {
    size_t size = sgemm_n * sgemm_n;
    *p = (paired){.sgemm_n = sgemm_n, .flops_per_step = flops_per_step,
                  .a = malloc(size * sizeof(float)), .b = malloc(size * sizeof(float)),
                  .c = malloc(size * sizeof(float))};
    int rc = p->a && p->b && p->c ? EBM_OK : ebm_fail(err, EBM_ENOMEM, "paired sgemm buffers");
    for (size_t i = 0; !rc && i < size; i++) {
        p->a[i] = (float)(i % 7) * 0.1f;
        p->b[i] = (float)(i % 5) * 0.1f;
        p->c[i] = 0.0f;   /* touched now, so no sgemm pays its page faults */
    }
    double unused = 0;
    b->t.fit.after_step = after_step;
    b->t.fit.after_step_ctx = p;
    p->window_start = bench_now();
    if (!rc) rc = bench_epoch(b, epoch, &unused, err);
    b->t.fit.after_step = NULL;
    free(p->a);
    free(p->b);
    free(p->c);
    bench_sort_doubles(p->ratio, p->n);
    return rc;
}

static int fail(const ebm_error *err) {
    fprintf(stderr, "bench_rbm: %s\n", err->msg);
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
    double load_start = bench_now();
    if (bench_setup(&b, &o, &err)) {
        bench_free(&b);
        return fail(&err);
    }
    double load_s = bench_now() - load_start;
    size_t nv = b.t.m.train.dim, nh = b.t.m.ops->xUnits(b.t.m.model) - nv;

    printf("# ebm RBM benchmark: binarised Fashion-MNIST (%s, threshold 0.5), %zu x %zu,\n"
           "# %zu hidden, PCD-1 with %zu persistent chains, batch %zu, lr 0.05, no momentum,\n"
           "# no weight decay; %d threads\n",
           o.data_dir, b.t.m.train.n, nv, nh, b.chains, b.t.fit.batch_size, ebm_threads());
    bench_print_machine();
    printf("# FLOPs counted: the 5 GEMMs of a PCD-1 step, 2*nv*nh*(2*rows + 3*chains) per\n"
           "# step (= 5 x 2*%zu*%zu per sample when chains = batch)\n", nv, nh);

    /* sgemm before and after training, best of both, so a noisy moment on a
     * shared machine does not flatter the ratio. */
    double sgemm = bench_sgemm_gflops((int)o.sgemm_n, (int)o.sgemm_reps, &err);
    if (sgemm < 0) {
        bench_free(&b);
        return fail(&err);
    }
    double flops = 0, train_start = bench_now();
    for (int epoch = 1; epoch <= o.epochs; epoch++)
        if (bench_epoch(&b, epoch, &flops, &err)) {
            bench_free(&b);
            return fail(&err);
        }
    double train_s = bench_now() - train_start;
    paired pairs;
    if (paired_epoch(&b, (int)o.epochs + 1, (size_t)o.sgemm_n,
                     pcd1_step_flops(nv, nh, b.t.fit.batch_size, b.chains), &pairs, &err)) {
        bench_free(&b);
        return fail(&err);
    }
    double sgemm_after = bench_sgemm_gflops((int)o.sgemm_n, (int)o.sgemm_reps, &err);
    if (sgemm_after > sgemm) sgemm = sgemm_after;
    double shapes = step_shapes_gflops(nv, nh, b.t.fit.batch_size, 100, 3, &err);
    if (sgemm_after < 0 || shapes < 0) {
        bench_free(&b);
        return fail(&err);
    }

    double samples = (double)b.t.m.train.n * o.epochs;
    double ebm_gflops = flops / train_s / 1e9;
    printf("ebm_load_seconds=%.3f\n", load_s);
    printf("ebm_epochs=%ld\n", o.epochs);
    printf("ebm_samples=%.0f\n", samples);
    printf("ebm_train_seconds=%.3f\n", train_s);
    printf("ebm_samples_per_s=%.0f\n", samples / train_s);
    printf("ebm_flops_per_sample=%.0f\n", flops / samples);
    printf("ebm_gflops=%.2f\n", ebm_gflops);
    printf("sgemm_n=%ld\n", o.sgemm_n);
    printf("sgemm_gflops=%.2f\n", sgemm);
    printf("sgemm_step_shapes_gflops=%.2f\n", shapes);
    double roundtrip = bench_cores_roundtrip_ns();
    if (roundtrip > 0) printf("cores_roundtrip_ns_after=%.0f\n", roundtrip);
    bench_watch_print(&watch);
    if (pairs.n) {
        printf("paired_windows=%zu\n", pairs.n);
        printf("ebm_fraction_of_sgemm_paired_min=%.3f\n", pairs.ratio[0]);
        printf("ebm_fraction_of_sgemm_paired_max=%.3f\n", pairs.ratio[pairs.n - 1]);
        printf("ebm_fraction_of_sgemm_paired=%.3f\n", pairs.ratio[pairs.n / 2]);
    }
    printf("ebm_fraction_of_sgemm=%.3f\n", ebm_gflops / sgemm);
    bench_free(&b);
    return 0;
}
