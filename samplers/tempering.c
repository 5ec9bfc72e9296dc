/* tempering.c — the pt training sampler: persistent chains at the model's
 * temperature, each with a ladder of replicas at smaller inverse
 * temperatures that mix faster; after every Gibbs sweep neighbouring rungs
 * propose to exchange states (Desjardins et al. 2010 used it for RBMs). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "plugins.h"

static const ebm_param pt_params[] = {
    {.name = "k", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",
     .help = "Gibbs sweeps (each followed by swap proposals) per parameter update"},
    {.name = "chains", .type = EBM_P_INT, .def = "100", .range = "[1, inf)",
     .flags = EBM_PF_STATES,
     .help = "persistent chains at the model's temperature"},
    {.name = "temperatures", .type = EBM_P_INT, .def = "10", .range = "[2, inf)",
     .flags = EBM_PF_STATES,
     .help = "rungs of the ladder, the model's own included"},
    {.name = "beta_min", .type = EBM_P_FLOAT, .def = "0.5", .range = "(0, 1)",
     .help = "inverse temperature of the hottest rung (relative to the model's); "
             "the rungs are equally spaced in beta from 1 down to it"},
    EBM_SMP_CHAINS_START_PARAM,
    EBM_PARAM_END};

typedef struct pt_state {
    int rungs;
    double *beta;          /* rungs, beta[0] = 1 */
    float *replicas;       /* rungs − 1 blocks of n × units (rung 0 is the caller's) */
    size_t n, units;
    uint64_t calls;        /* so every call draws from fresh streams */
    uint64_t sweeps;       /* even and odd pairs take turns across calls */
    int start_data;        /* start: data — the replicas begin as their chain */
} pt_state;

static void pt_close(void *state) {
    pt_state *s = state;
    if (!s) return;
    free(s->beta);
    free(s->replicas);
    free(s);
}

static int pt_open(const ebm_sample_ctx *ctx, size_t n, size_t units, void **out,
                   ebm_error *err) {
    pt_state *s = calloc(1, sizeof *s);
    if (!s) return ebm_fail(err, EBM_ENOMEM, "pt");
    s->rungs = (int)ebm_cfg_int(ctx->cfg, "temperatures", 10);
    s->n = n;
    s->units = units;
    s->start_data = strcmp(ebm_cfg_str(ctx->cfg, "start", "data"), "data") == 0;
    double beta_min = ebm_cfg_double(ctx->cfg, "beta_min", 0.5);
    s->beta = malloc((size_t)s->rungs * sizeof *s->beta);
    s->replicas = malloc((size_t)(s->rungs - 1) * n * units * sizeof *s->replicas);
    if (!s->beta || !s->replicas) {
        int rungs = s->rungs;
        pt_close(s);
        return ebm_fail(err, EBM_ENOMEM, "pt: %d rungs of %zu chains", rungs, n);
    }
    for (int m = 0; m < s->rungs; m++)
        s->beta[m] = 1.0 - (1.0 - beta_min) * m / (s->rungs - 1);
    ebm_rng start;
    ebm_rng_named(&start, ctx->rng, "pt-start");
    for (size_t r = 0; r < (size_t)(s->rungs - 1) * n; r++) {
        ebm_rng row_rng;
        ebm_rng_derive(&row_rng, &start, r);
        memset(s->replicas + r * units, 0, units * sizeof(float));
        int rc = ebm_smp_random_state(ctx->ops, ctx->model, s->replicas + r * units,
                                      units, NULL, &row_rng, err);
        if (rc) {
            pt_close(s);
            return rc;
        }
    }
    *out = s;
    return EBM_OK;
}

static float *rung(pt_state *s, ebm_chains *chains, int m) {
    return m == 0 ? chains->x : s->replicas + (size_t)(m - 1) * s->n * s->units;
}

/* Exchange of chain c's states at rungs m and m+1: accepted with probability
 * min(1, exp((β_m − β_{m+1}) (E_m − E_{m+1}) / T)), which keeps the product
 * of the rungs' distributions invariant. */
static void propose_swaps(const ebm_sample_ctx *ctx, pt_state *s, ebm_chains *chains,
                          int parity, ebm_rng *rng, float *tmp,
                          ebm_sampler_stats *stats) {
    double model_t = ebm_model_temperature(ctx->ops, ctx->model);
    size_t units = s->units;
    for (size_t c = 0; c < s->n; c++) {
        ebm_rng chain_rng;
        ebm_rng_derive(&chain_rng, rng, c);
        for (int m = parity; m + 1 < s->rungs; m += 2) {
            float *a = rung(s, chains, m) + c * units, *b = rung(s, chains, m + 1) + c * units;
            double log_ratio = (s->beta[m] - s->beta[m + 1]) *
                               (ctx->ops->xEnergy(ctx->model, a) -
                                ctx->ops->xEnergy(ctx->model, b)) / model_t;
            stats->swaps_proposed++;
            if (log_ratio >= 0 || ebm_rng_uniform(&chain_rng) < exp(log_ratio)) {
                memcpy(tmp, a, units * sizeof *tmp);
                memcpy(a, b, units * sizeof *a);
                memcpy(b, tmp, units * sizeof *b);
                stats->swaps_accepted++;
            }
        }
    }
}

static int pt_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                  ebm_sampler_stats *stats, ebm_error *err) {
    pt_state *s = ctx->state;
    if (!s || s->n != chains->n || s->units != chains->units)
        return ebm_fail(err, EBM_EINVAL, "pt: the sampler was not opened for these chains");
    if (chains->clamped)
        return ebm_fail(err, EBM_EINVAL, "pt: tempering runs free chains only");
    int k = steps > 0 ? steps : (int)ebm_cfg_int(ctx->cfg, "k", 1);
    float *tmp = malloc(s->units * sizeof *tmp);
    if (!tmp) return ebm_fail(err, EBM_ENOMEM, "pt: swap buffer");
    /* The trainer puts the chains at training rows after xOpen; the replicas
     * take the same rows at the first call (a checkpoint before it holds the
     * random replicas and calls = 0, so a resume does the same). */
    if (s->start_data && s->calls == 0)
        for (int m = 1; m < s->rungs; m++)
            memcpy(rung(s, chains, m), chains->x, s->n * s->units * sizeof *chains->x);
    ebm_rng call_rng;
    ebm_rng_derive(&call_rng, ctx->rng, s->calls++);
    ebm_sampler_stats local = {0};
    int rc = EBM_OK;
    for (int step = 0; step < k && !rc; step++) {
        ebm_rng step_rng;
        ebm_rng_derive(&step_rng, &call_rng, (uint64_t)step);
        for (int m = 0; m < s->rungs && !rc; m++) {
            ebm_chains at_rung = {.n = s->n, .units = s->units, .x = rung(s, chains, m)};
            ebm_rng rung_rng;
            ebm_rng_derive(&rung_rng, &step_rng, (uint64_t)m);
            rc = ebm_gibbs_steps(ctx->ops, ctx->model, &at_rung, 1, s->beta[m], &rung_rng,
                                 ctx->stop, err);
        }
        if (rc) break;
        ebm_rng swap_rng;
        ebm_rng_named(&swap_rng, &step_rng, "swap");
        propose_swaps(ctx, s, chains, (int)(s->sweeps++ % 2), &swap_rng, tmp, &local);
    }
    free(tmp);
    if (stats) {
        long updates = (long)chains->n * (long)chains->units * k * s->rungs;
        stats->proposed += updates;
        stats->accepted += updates;
        stats->swaps_proposed += local.swaps_proposed;
        stats->swaps_accepted += local.swaps_accepted;
    }
    return rc;
}

static int pt_supports(const ebm_model_ops *model, char *why, size_t why_size) {
    return ebm_gibbs_supports("pt", model, why, why_size);
}

static int pt_checkpoint_state(void *state, ebm_state_list *out, ebm_error *err) {
    pt_state *s = state;
    int rc = ebm_state_add(out, "replicas", EBM_STATE_F32, s->replicas,
                           (size_t)(s->rungs - 1) * s->n * s->units, err);
    if (!rc) rc = ebm_state_add(out, "calls", EBM_STATE_U64, &s->calls, 1, err);
    if (!rc) rc = ebm_state_add(out, "sweeps", EBM_STATE_U64, &s->sweeps, 1, err);
    return rc;
}

const ebm_sampler_ops ebm_sampler_pt = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "pt",
             .help = "parallel tempering (training): persistent chains, each with "
                     "replicas at smaller inverse temperatures and neighbour swaps",
             .params = pt_params},
    .xRun = pt_run,
    .xSupports = pt_supports,
    .training = EBM_CHAINS_PERSISTENT,
    .xOpen = pt_open,
    .xClose = pt_close,
    .xState = pt_checkpoint_state,
};
