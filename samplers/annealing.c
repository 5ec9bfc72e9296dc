/* annealing.c — the annealing sampler: Gibbs sweeps at a falling temperature
 * (geometric T ← αT from t_max to t_min, or linear), each chain ending in the
 * lowest-energy state it visited; logs the schedule and mean energy per level. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "plugins.h"

#define MAX_LEVELS 10000000

static const ebm_param annealing_params[] = {
    {.name = "schedule", .type = EBM_P_ENUM, .def = "geometric",
     .choices = "geometric|linear",
     .help = "geometric: T <- alpha*T from t_max while T > t_min, then t_min; "
             "linear: `levels` equally spaced temperatures from t_max to t_min"},
    {.name = "t_max", .type = EBM_P_FLOAT, .def = "10", .range = "(0, inf)",
     .help = "starting temperature"},
    {.name = "t_min", .type = EBM_P_FLOAT, .def = "0.01", .range = "(0, inf)",
     .help = "final temperature"},
    {.name = "alpha", .type = EBM_P_FLOAT, .def = "0.95", .range = "(0, 1)",
     .help = "geometric schedule: factor between successive temperatures"},
    {.name = "levels", .type = EBM_P_INT, .def = "100", .range = "[1, inf)",
     .help = "linear schedule: number of temperatures"},
    {.name = "sweeps_per_level", .type = EBM_P_INT, .def = "10", .range = "[1, inf)",
     .help = "Gibbs sweeps (random order over the free units) at each temperature"},
    {.name = "start", .type = EBM_P_ENUM, .def = "random", .choices = "random|keep",
     .help = "start every chain from a uniform random state, or from the "
             "chains' states as given"},
    EBM_PARAM_END};

/* The temperatures, malloc'd into *temps; returns how many (0 on error). */
static size_t make_schedule(const ebm_node *cfg, double **temps, ebm_error *err) {
    double t_max = ebm_cfg_double(cfg, "t_max", 10.0);
    double t_min = ebm_cfg_double(cfg, "t_min", 0.01);
    double alpha = ebm_cfg_double(cfg, "alpha", 0.95);
    int linear = strcmp(ebm_cfg_str(cfg, "schedule", "geometric"), "linear") == 0;
    if (!(t_min <= t_max)) {
        ebm_fail(err, EBM_ECONFIG, "annealing: t_min = %g is above t_max = %g",
                 t_min, t_max);
        return 0;
    }
    size_t n;
    if (linear) {
        n = (size_t)ebm_cfg_int(cfg, "levels", 100);
    } else {
        /* Levels above t_min, then t_min itself (the 1e-9 keeps a ratio that
         * is an exact power of alpha from gaining a level by rounding). */
        double above = t_max > t_min ? ceil(log(t_min / t_max) / log(alpha) - 1e-9) : 0;
        n = (size_t)(above < 0 ? 0 : above) + 1;
        if (above > MAX_LEVELS) n = MAX_LEVELS + 1;
    }
    if (n < 1 || n > MAX_LEVELS) {
        ebm_fail(err, EBM_ELIMIT, "annealing: the schedule has more than %d "
                 "temperatures; raise t_min or lower alpha", MAX_LEVELS);
        return 0;
    }
    *temps = malloc(n * sizeof **temps);
    if (!*temps) {
        ebm_fail(err, EBM_ENOMEM, "annealing: out of memory for the schedule");
        return 0;
    }
    for (size_t l = 0; l < n; l++) {
        if (linear)
            (*temps)[l] = n == 1 ? t_max
                                 : t_max + (t_min - t_max) * (double)l / (double)(n - 1);
        else
            (*temps)[l] = l + 1 == n ? t_min : t_max * pow(alpha, (double)l);
        if ((*temps)[l] < t_min) (*temps)[l] = t_min;
    }
    return n;
}

/* One chain through the whole schedule. Tracks E(x) by adding the ΔE of
 * every flip, and keeps a copy of the lowest-energy state only when about
 * to leave it (at_best), so descending costs no copies. */
typedef struct anneal_chain {
    float *x, *best_x;
    double energy, best;
    int at_best;
} anneal_chain;

static void anneal_site(const ebm_sample_ctx *ctx, anneal_chain *ch, size_t units,
                        size_t i, double t, ebm_rng *rng) {
    double delta = ebm_model_flip_energy(ctx->ops, ctx->model, ch->x, i);
    if (!(ebm_rng_uniform(rng) < ebm_smp_sigmoid(-delta / t))) return;
    if (ch->at_best && delta >= 0) {
        memcpy(ch->best_x, ch->x, units * sizeof *ch->x);
        ch->at_best = 0;
    }
    ebm_model_flip_unit(ctx->ops, ctx->model, ch->x, i);
    ch->energy += delta;
    if (ch->energy < ch->best) {
        ch->best = ch->energy;
        ch->at_best = 1;
    }
}

static int anneal_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                      ebm_sampler_stats *stats, ebm_error *err) {
    int rc = ebm_smp_require_binary("annealing", ctx->ops, ctx->model, err);
    if (rc) return rc;
    double *temps = NULL;
    size_t levels = make_schedule(ctx->cfg, &temps, err);
    if (!levels) return err ? err->code : EBM_ECONFIG;
    int sweeps = steps > 0 ? steps : (int)ebm_cfg_int(ctx->cfg, "sweeps_per_level", 10);
    int random_start = strcmp(ebm_cfg_str(ctx->cfg, "start", "random"), "keep") != 0;
    size_t units = chains->units;
    double *trace = calloc(levels, sizeof *trace);
    float *best_x = malloc((units ? units : 1) * sizeof *best_x);
    ebm_smp_sites sites = {0};
    rc = !trace || !best_x ? ebm_fail(err, EBM_ENOMEM, "annealing: out of memory")
                               : ebm_smp_sites_init(&sites, chains, err);
    double best_sum = 0.0;
    for (size_t c = 0; c < chains->n && !rc; c++) {
        ebm_rng rng;
        ebm_rng_derive(&rng, ctx->rng, c);
        anneal_chain ch = {.x = chains->x + c * units, .best_x = best_x};
        if (random_start)
            rc = ebm_smp_random_state(ctx->ops, ctx->model, ch.x, units,
                                      chains->clamped, &rng, err);
        if (rc) break;
        ch.energy = ch.best = ctx->ops->xEnergy(ctx->model, ch.x);
        ch.at_best = 1;
        for (size_t l = 0; l < levels && !rc; l++) {
            if (ebm_smp_stopped(ctx)) {
                rc = ebm_fail(err, EBM_EINTERRUPT, "annealing: interrupted");
                break;
            }
            for (int s = 0; s < sweeps; s++) {
                ebm_smp_scan(&sites, 1, &rng);
                for (size_t t = 0; t < sites.n_free; t++)
                    anneal_site(ctx, &ch, units, sites.order[t], temps[l], &rng);
            }
            trace[l] += ch.energy / (double)(units ? units : 1);
        }
        if (rc) break;
        if (!ch.at_best) memcpy(ch.x, best_x, units * sizeof *ch.x);
        best_sum += ctx->ops->xEnergy(ctx->model, ch.x);
    }
    if (!rc && stats) {
        long updates = (long)chains->n * (long)sites.n_free * (long)sweeps * (long)levels;
        stats->proposed += updates;
        stats->accepted += updates;
        stats->best_energy = chains->n ? best_sum / (double)chains->n : NAN;
    }
    if (!rc && ctx->log) {
        for (size_t l = 0; l < levels; l++) trace[l] /= (double)(chains->n ? chains->n : 1);
        rc = ebm_log_trace(ctx->log, "temperature", temps, levels, "level", err);
        if (!rc) rc = ebm_log_trace(ctx->log, "energy", trace, levels, "level", err);
    }
    ebm_smp_sites_free(&sites);
    free(trace);
    free(best_x);
    free(temps);
    return rc;
}

static int anneal_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    return ebm_smp_supports_binary("annealing", model, why, why_size);
}

const ebm_sampler_ops ebm_sampler_annealing = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "annealing",
             .help = "simulated annealing: Gibbs sweeps while T falls from t_max "
                     "to t_min; every chain ends in the lowest-energy state it "
                     "visited",
             .params = annealing_params},
    .xRun = anneal_run,
    .xSupports = anneal_supports,
};
