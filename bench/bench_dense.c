/* bench_dense.c — single-site dynamics of dense pairwise models against the
 * memory-bandwidth bound: Gibbs sweeps of an SK spin glass through the gibbs
 * sampler, and the asynchronous evolution of a Hebbian Hopfield network,
 * each as unit updates per second over the rate at which a sweep could go if
 * it did nothing but read the N × N coupling matrix once (that read's speed
 * measured on the matrix itself, in the same run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "cfg.h"
#include "model.h"
#include "plugins.h"
#include "rng.h"
#include "sampler.h"

typedef struct bench_opts {
    long n, sweeps, chains, starts;
    const char *temperature;
} bench_opts;

static void usage(FILE *to) {
    fprintf(to,
            "usage: bench_dense [--n N] [--sweeps S] [--chains C] [--starts K]\n"
            "                   [--temperature T]\n"
            "Measures single-site updates per second of\n"
            "  sk_gibbs:  the gibbs sampler (random scan) on an SK spin glass of N spins,\n"
            "             J_ij ~ N(0, 1/N), at temperature T: C chains x S sweeps;\n"
            "  hopfield:  asynchronous evolution (random order) of a Hebbian Hopfield\n"
            "             network of N units storing 0.1 N random patterns, from K\n"
            "             starts (a pattern with 10%% of its units flipped) to their\n"
            "             fixed points;\n"
            "and the limit each is held to: a sweep (N updates) that only reads the\n"
            "N x N float couplings once, at the rate this process reads that matrix\n"
            "(best of several passes, so a matrix that fits in cache is read at the\n"
            "cache's rate). Ratios above 1 mean fewer bytes read than one pass per\n"
            "sweep (rejected updates and kept units cost no row of J).\n"
            "Defaults: N 1000, S 200, C 4, K 100, T 1.\n"
            "Key lines: sk_gibbs_over_bound, hopfield_evolve_over_bound.\n"
            "others_cores, steal_cores: the cores' time other processes used and the\n"
            "host took while it ran (not a quiet machine's ratios when either is 0.1+).\n");
}

/* Returns 0, 1 after --help, or -1 on a bad argument. */
static int parse_args(int argc, char **argv, bench_opts *o) {
    *o = (bench_opts){.n = 1000, .sweeps = 200, .chains = 4, .starts = 100,
                      .temperature = "1"};
    const bench_flag flags[] = {{"--n", &o->n, NULL}, {"--sweeps", &o->sweeps, NULL},
                                {"--chains", &o->chains, NULL}, {"--starts", &o->starts, NULL},
                                {"--temperature", NULL, &o->temperature}};
    return bench_parse_args("bench_dense", argc, argv, flags, 5, usage);
}

/* Builds a model of `ops` from a YAML map; train may be NULL. */
static void *make_model(const ebm_model_ops *ops, const char *yaml, const ebm_dataset *train,
                        ebm_rng *rng, ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "<bench_dense>", err);
    if (!cfg) return NULL;
    void *model = NULL;
    if (ops->xCreate(cfg, train, rng, &model, err)) model = NULL;
    ebm_node_free(cfg);
    return model;
}

/* Updates per second of S Gibbs sweeps of C chains from random states. */
static double sk_gibbs_rate(const bench_opts *o, ebm_rng *root, void **model_out,
                            ebm_error *err) {
    char yaml[256];
    snprintf(yaml, sizeof yaml, "{lattice: sk, n: %ld, temperature: %s}", o->n,
             o->temperature);
    ebm_rng model_rng;
    ebm_rng_named(&model_rng, root, "model");
    void *model = make_model(&ebm_model_ising, yaml, NULL, &model_rng, err);
    if (!model) return -1;
    *model_out = model;
    char smp_yaml[128];
    snprintf(smp_yaml, sizeof smp_yaml, "{sweeps: %ld, start: random}", o->sweeps);
    ebm_node *smp_cfg = ebm_cfg_parse_string(smp_yaml, strlen(smp_yaml), "<sampler>", err);
    float *x = calloc((size_t)(o->chains * o->n), sizeof *x);
    if (!smp_cfg || !x) {
        ebm_node_free(smp_cfg);
        free(x);
        if (smp_cfg) ebm_fail(err, EBM_ENOMEM, "chains");
        return -1;
    }
    ebm_rng smp_rng;
    ebm_rng_named(&smp_rng, root, "sample");
    ebm_sample_ctx ctx = {.ops = &ebm_model_ising, .model = model, .cfg = smp_cfg,
                          .rng = &smp_rng};
    ebm_chains chains = {.n = (size_t)o->chains, .units = (size_t)o->n, .x = x};
    ebm_sampler_stats stats = {0};
    double start = bench_now();
    int rc = ebm_sampler_gibbs.xRun(&ctx, &chains, 0, &stats, err);
    double seconds = bench_now() - start;
    double energy = 0;
    for (long c = 0; c < o->chains; c++)
        energy += ebm_model_ising.xEnergy(model, x + c * o->n) / (double)o->n;
    printf("sk_energy_per_spin=%.4f\n", energy / (double)o->chains);
    ebm_node_free(smp_cfg);
    free(x);
    if (rc) return -1;
    printf("sk_gibbs_seconds=%.3f\n", seconds);
    return (double)stats.proposed / seconds;
}

/* Updates per second of evolving K corrupted patterns to their fixed points. */
static double hopfield_evolve_rate(const bench_opts *o, ebm_rng *root, ebm_error *err) {
    size_t n = (size_t)o->n, p = n / 10 ? n / 10 : 1;
    ebm_dataset patterns = {.n = p, .dim = n, .x = malloc(p * n * sizeof(float))};
    float *y = malloc(n * sizeof *y);
    if (!patterns.x || !y) {
        free(patterns.x);
        free(y);
        ebm_fail(err, EBM_ENOMEM, "patterns");
        return -1;
    }
    ebm_rng data_rng;
    ebm_rng_named(&data_rng, root, "patterns");
    for (size_t i = 0; i < p * n; i++) patterns.x[i] = (float)(ebm_rng_u64(&data_rng) >> 63);
    void *model = make_model(&ebm_model_hopfield, "{rule: hebbian}", &patterns, NULL, err);
    int rc = model ? ebm_model_hopfield.xFit(model, &patterns, NULL, NULL, err) : -1;
    double updates = 0, seconds = 0;
    long flips = 0, fixed = 0;
    for (long k = 0; k < o->starts && !rc; k++) {
        ebm_rng rng;
        ebm_rng_derive(&rng, root, (uint64_t)k);
        const float *row = patterns.x + (size_t)k % p * n;
        ebm_model_hopfield.xEncode(model, row, y);
        for (size_t i = 0; i < n; i++)
            if (ebm_rng_uniform(&rng) < 0.1) y[i] = -y[i];
        ebm_evolve how = {.mode = EBM_EVOLVE_RANDOM, .max_sweeps = 100};
        ebm_evolve_result res;
        double start = bench_now();
        rc = ebm_model_hopfield.dynamics->xEvolve(model, y, &how, &rng, &res);
        seconds += bench_now() - start;
        if (rc) ebm_fail(err, rc, "hopfield evolution");
        updates += (double)res.sweeps * (double)n;
        flips += res.flips;
        fixed += res.outcome == EBM_EVOLVE_FIXED_POINT;
    }
    if (model) ebm_model_hopfield.xDestroy(model);
    free(patterns.x);
    free(y);
    if (rc) return -1;
    printf("hopfield_patterns=%zu\n", p);
    printf("hopfield_sweeps_per_start=%.2f\n", updates / (double)n / (double)o->starts);
    printf("hopfield_flips_per_start=%.1f\n", (double)flips / (double)o->starts);
    printf("hopfield_fixed_points=%ld/%ld\n", fixed, o->starts);
    printf("hopfield_seconds=%.4f\n", seconds);
    return updates / seconds;
}

int main(int argc, char **argv) {
    bench_opts o;
    int parsed = parse_args(argc, argv, &o);
    if (parsed) return parsed > 0 ? 0 : 2;
    bench_watch watch;
    bench_watch_start(&watch);
    ebm_error err;
    ebm_error_clear(&err);
    ebm_rng root;
    ebm_rng_seed(&root, 1);

    void *sk = NULL;
    double sk_rate = sk_gibbs_rate(&o, &root, &sk, &err);
    double hop_rate = sk_rate < 0 ? -1 : hopfield_evolve_rate(&o, &root, &err);
    if (sk_rate < 0 || hop_rate < 0) {
        if (sk) ebm_model_ising.xDestroy(sk);
        fprintf(stderr, "bench_dense: %s\n", err.msg);
        return 1;
    }
    /* The ceiling: read the SK model's own coupling matrix, N² floats. */
    ebm_tensor j;
    ebm_model_ising.xParams(sk, &j, 1);
    double gbytes = bench_read_gbytes(j.data, ebm_tensor_size(&j), 20);
    double matrix_bytes = (double)ebm_tensor_size(&j) * sizeof(float);
    double bound = (double)o.n / (matrix_bytes / (gbytes * 1e9));
    ebm_model_ising.xDestroy(sk);

    printf("n=%ld\n", o.n);
    printf("coupling_matrix_bytes=%.0f\n", matrix_bytes);
    printf("read_gbytes_per_s=%.2f\n", gbytes);
    printf("bound_updates_per_s=%.4g\n", bound);
    printf("sk_gibbs_updates_per_s=%.4g\n", sk_rate);
    printf("hopfield_evolve_updates_per_s=%.4g\n", hop_rate);
    bench_watch_print(&watch);
    printf("hopfield_evolve_over_bound=%.3f\n", hop_rate / bound);
    printf("sk_gibbs_over_bound=%.3f\n", sk_rate / bound);
    return 0;
}
