/* bench_continuous.c — the samplers of real-valued states (mala, langevin)
 * on a correlated 50-D Gaussian and on an MLP energy: effective samples per
 * second, and the time of 100 chains over the time of one chain for the
 * same number of steps. When every chain moves in one batched call of the
 * model, 100 chains cost far less than 100 times one; the limit is how well
 * the model's own GEMMs use the rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "cfg.h"
#include "ess.h"
#include "gemm.h"
#include "model.h"
#include "plugins.h"
#include "rng.h"
#include "sampler.h"

typedef struct bench_opts {
    long steps, chains;
} bench_opts;

static void usage(FILE *to) {
    fprintf(to,
            "usage: bench_continuous [--steps S] [--chains C]\n"
            "Runs mala and langevin (fixed step, no burn-in) for S steps on\n"
            "  gauss50: the energy model's quadratic family, 50-D, N(0, Sigma) with\n"
            "           Sigma_ij = 0.9^|i-j|;\n"
            "  mlp:     an untrained MLP energy on 2-D states, layers [64, 64], swish;\n"
            "with 1 chain and with C chains from noise starts, and prints for each\n"
            "  <sampler>_<target>_ess_per_s   effective samples per second of the C\n"
            "                                 chains (Geyer's ESS of coordinate 0)\n"
            "  <sampler>_<target>_chains_C_over_1  the time of C chains over one's\n"
            "and chains_100_over_1, mala's on the MLP energy (C = 100): the ratio the\n"
            "issue holds to at most 5. Defaults: S 2000, C 100. Threads: OMP_NUM_THREADS.\n"
            "others_cores, steal_cores: the cores' time other processes used and the\n"
            "host took while it ran (not a quiet machine's ratios when either is 0.1+).\n");
}

static int parse_args(int argc, char **argv, bench_opts *o) {
    *o = (bench_opts){.steps = 2000, .chains = 100};
    const bench_flag flags[] = {{"--steps", &o->steps, NULL}, {"--chains", &o->chains, NULL}};
    return bench_parse_args("bench_continuous", argc, argv, flags, 2, usage);
}

typedef struct target {
    const char *name, *yaml;
    double mala_step, langevin_step;
} target;

static const target targets[] = {
    {"gauss50", "{family: quadratic, dim: 50, mean: 0, scales: 1, correlation: 0.9}",
     0.25, 0.05},
    {"mlp", "{family: mlp, dim: 2, layers: [64, 64], activation: swish}", 0.1, 0.01},
};

/* Seconds of `steps` steps of `chains` chains; collects every step when
 * collect is not NULL. */
static double run(const ebm_sampler_ops *sampler, double step, void *model, size_t units,
                  long chains, long steps, float *collect, ebm_error *err) {
    char yaml[160];
    snprintf(yaml, sizeof yaml, "{sweeps: %ld, step: %g, start: random, adapt: false}",
             steps, step);
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "<sampler>", err);
    float *x = calloc((size_t)chains * units, sizeof *x);
    if (!cfg || !x) {
        ebm_node_free(cfg);
        free(x);
        if (cfg) ebm_fail(err, EBM_ENOMEM, "chains");
        return -1;
    }
    ebm_rng rng;
    ebm_rng_seed(&rng, 11);
    ebm_sample_ctx ctx = {.ops = &ebm_model_energy, .model = model, .cfg = cfg, .rng = &rng};
    ebm_chains ch = {.n = (size_t)chains, .units = units, .x = x, .collect = collect,
                     .max_collect = collect ? (size_t)(chains * steps) : 0};
    double start = bench_now();
    int rc = sampler->xRun(&ctx, &ch, 0, NULL, err);
    double seconds = bench_now() - start;
    ebm_node_free(cfg);
    free(x);
    return rc ? -1 : seconds;
}

static int bench_target(const target *t, const bench_opts *o, double *mlp_ratio,
                        ebm_error *err) {
    ebm_node *cfg = ebm_cfg_parse_string(t->yaml, strlen(t->yaml), "<model>", err);
    if (!cfg) return -1;
    ebm_rng rng;
    ebm_rng_seed(&rng, 5);
    void *model = NULL;
    int rc = ebm_model_energy.xCreate(cfg, NULL, &rng, &model, err);
    ebm_node_free(cfg);
    if (rc) return rc;
    size_t units = ebm_model_energy.xUnits(model);
    float *collect = malloc((size_t)(o->chains * o->steps) * units * sizeof *collect);
    if (!collect) rc = ebm_fail(err, EBM_ENOMEM, "samples");
    for (int s = 0; s < 2 && !rc; s++) {
        const ebm_sampler_ops *sampler = s ? &ebm_sampler_langevin : &ebm_sampler_mala;
        double step = s ? t->langevin_step : t->mala_step;
        double one = run(sampler, step, model, units, 1, o->steps, NULL, err);
        double many = one < 0 ? -1
                              : run(sampler, step, model, units, o->chains, o->steps,
                                    collect, err);
        double ess = 0;
        if (many < 0 || ebm_ess(collect, (size_t)o->steps, (size_t)o->chains, units, 0,
                                &ess, err)) {
            rc = -1;
            break;
        }
        const char *name = sampler->info.name;
        printf("%s_%s_seconds_1=%.4f\n", name, t->name, one);
        printf("%s_%s_seconds_%ld=%.4f\n", name, t->name, o->chains, many);
        printf("%s_%s_ess=%.0f\n", name, t->name, ess);
        printf("%s_%s_ess_per_s=%.0f\n", name, t->name, ess / many);
        printf("%s_%s_chains_%ld_over_1=%.2f\n", name, t->name, o->chains, many / one);
        if (s == 0 && strcmp(t->name, "mlp") == 0) *mlp_ratio = many / one;
    }
    free(collect);
    ebm_model_energy.xDestroy(model);
    return rc;
}

int main(int argc, char **argv) {
    bench_opts o;
    int parsed = parse_args(argc, argv, &o);
    if (parsed) return parsed > 0 ? 0 : 2;
    bench_watch watch;
    bench_watch_start(&watch);
    ebm_threads_set(0);
    ebm_error err;
    ebm_error_clear(&err);
    printf("# steps=%ld chains=%ld threads=%d\n", o.steps, o.chains, ebm_threads());
    double mlp_ratio = -1;
    for (size_t t = 0; t < sizeof targets / sizeof *targets; t++)
        if (bench_target(&targets[t], &o, &mlp_ratio, &err)) {
            fprintf(stderr, "bench_continuous: %s\n", err.msg);
            return 1;
        }
    bench_watch_print(&watch);
    if (o.chains == 100) printf("chains_100_over_1=%.2f\n", mlp_ratio);
    return 0;
}
