/* short_run.c — the short_run training sampler: the model term from short
 * chains of any sampler (langevin, mala, mh, gibbs) started from the data,
 * from the model's noise, or mostly from a replay buffer of past negatives
 * (Du & Mordatch 2019: 95% from the buffer, 5% fresh noise). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "catalog.h"
#include "replay.h"
#include "plugins.h"

extern const ebm_sampler_ops ebm_sampler_short_run;

static const ebm_param short_run_params[] = {
    {.name = "sampler", .type = EBM_P_PLUGIN, .kind = EBM_KIND_SAMPLER,
     .flags = EBM_PF_REQUIRED,
     .help = "the chains' sampler and its settings, e.g. {type: langevin, sweeps: 60}"},
    {.name = "start", .type = EBM_P_ENUM, .def = "replay", .choices = "data|noise|replay",
     .help = "where every update's chains start: the minibatch, the model's noise, "
             "or a past negative from the buffer (else noise)"},
    {.name = "replay_fraction", .type = EBM_P_FLOAT, .def = "0.95", .range = "[0, 1]",
     .help = "start: replay — the chance a chain starts from the buffer"},
    {.name = "buffer", .type = EBM_P_INT, .def = "10000", .range = "[1, inf)",
     .help = "start: replay — past negatives kept (the oldest replaced first)"},
    EBM_PARAM_END};

typedef struct short_run {
    const ebm_sampler_ops *inner;
    void *inner_state;
    ebm_replay replay;
    size_t units;
    float *start;   /* one start drawn aside, for chains with clamped units */
} short_run;

static void short_run_close(void *state) {
    short_run *s = state;
    if (!s) return;
    if (s->inner && s->inner->xClose) s->inner->xClose(s->inner_state);
    ebm_replay_free(&s->replay);
    free(s->start);
    free(s);
}

static const ebm_sampler_ops *inner_ops(const ebm_sample_ctx *ctx, ebm_sample_ctx *inner_ctx) {
    const ebm_node *cfg = ebm_node_child(ctx->cfg, "sampler");
    *inner_ctx = *ctx;
    inner_ctx->cfg = cfg;
    inner_ctx->state = NULL;
    return ebm_sampler_find(ebm_cfg_str(cfg, "type", ""));
}

static int short_run_open(const ebm_sample_ctx *ctx, size_t n, size_t units, void **out,
                          ebm_error *err) {
    short_run *s = calloc(1, sizeof *s);
    if (!s) return ebm_fail(err, EBM_ENOMEM, "short_run");
    ebm_sample_ctx inner_ctx;
    s->inner = inner_ops(ctx, &inner_ctx);
    if (!s->inner || s->inner == &ebm_sampler_short_run) {
        free(s);
        return ebm_fail(err, EBM_ECONFIG, "short_run.sampler: needs a sampler other "
                        "than short_run");
    }
    s->units = units;
    s->start = malloc((units ? units : 1) * sizeof *s->start);
    if (!s->start) {
        short_run_close(s);
        return ebm_fail(err, EBM_ENOMEM, "short_run: a start of %zu units", units);
    }
    int rc = ebm_replay_init(&s->replay, (size_t)ebm_cfg_int(ctx->cfg, "buffer", 10000),
                             units, err);
    if (rc) {
        short_run_close(s);
        return rc;
    }
    if (s->inner->xOpen && s->inner->xOpen(&inner_ctx, n, units, &s->inner_state, err)) {
        short_run_close(s);
        return err ? err->code : EBM_ENOMEM;
    }
    *out = s;
    return EBM_OK;
}

static int noise_state(const ebm_sample_ctx *ctx, float *x, size_t units, ebm_rng *rng,
                       ebm_error *err) {
    if (ebm_model_has_noise(ctx->ops)) {
        ebm_model_noise(ctx->ops, ctx->model, x, 1, rng);
        return EBM_OK;
    }
    return ebm_smp_random_state(ctx->ops, ctx->model, x, units, NULL, rng, err);
}

/* Each chain's start, from its own stream. */
static int place_starts(const ebm_sample_ctx *ctx, short_run *s, ebm_chains *chains,
                        ebm_error *err) {
    const char *start = ebm_cfg_str(ctx->cfg, "start", "replay");
    if (strcmp(start, "data") == 0) return EBM_OK;   /* the trainer put the data there */
    double fraction = strcmp(start, "replay") == 0
                          ? ebm_cfg_double(ctx->cfg, "replay_fraction", 0.95) : 0.0;
    int rc = EBM_OK;
    for (size_t c = 0; c < chains->n; c++) {
        ebm_rng chain_rng, start_rng;
        ebm_rng_derive(&chain_rng, ctx->rng, c);
        ebm_rng_named(&start_rng, &chain_rng, "start");
        float *x = chains->x + c * chains->units;
        const float *past = ebm_replay_pick(&s->replay, fraction, &start_rng);
        if (!chains->clamped) {
            if (past) memcpy(x, past, s->units * sizeof *x);
            else if ((rc = noise_state(ctx, x, chains->units, &start_rng, err))) break;
            continue;
        }
        /* Clamped units keep their values: the start fills the others. */
        if (!past && (rc = noise_state(ctx, s->start, chains->units, &start_rng, err))) break;
        for (size_t i = 0; i < chains->units; i++)
            if (!chains->clamped[i]) x[i] = past ? past[i] : s->start[i];
    }
    return rc;
}

static int short_run_run(const ebm_sample_ctx *ctx, ebm_chains *chains, int steps,
                         ebm_sampler_stats *stats, ebm_error *err) {
    short_run *s = ctx->state;
    if (!s || s->units != chains->units)
        return ebm_fail(err, EBM_EINVAL, "short_run: the sampler was not opened for these chains");
    int rc = place_starts(ctx, s, chains, err);
    if (rc) return rc;
    ebm_sample_ctx inner_ctx;
    inner_ops(ctx, &inner_ctx);
    ebm_rng inner_rng;
    ebm_rng_named(&inner_rng, ctx->rng, "chains");
    inner_ctx.rng = &inner_rng;
    inner_ctx.state = s->inner_state;
    rc = s->inner->xRun(&inner_ctx, chains, steps, stats, err);
    if (rc) return ebm_error_prefix(err, "short_run (%s)", s->inner->info.name);
    ebm_replay_push(&s->replay, chains->x, chains->n);
    return EBM_OK;
}

static int short_run_state(void *state, ebm_state_list *out, ebm_error *err) {
    short_run *s = state;
    ebm_replay *r = &s->replay;
    int rc = ebm_state_add(out, "replay", EBM_STATE_F32, r->states, r->capacity * r->units,
                           err);
    if (!rc) rc = ebm_state_add(out, "replay_filled", EBM_STATE_U64, &r->filled, 1, err);
    if (!rc) rc = ebm_state_add(out, "replay_next", EBM_STATE_U64, &r->next, 1, err);
    if (!rc && s->inner->xState) {
        const char *outer = out->prefix;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s/inner", outer ? outer : "sampler");
        out->prefix = prefix;
        rc = s->inner->xState(s->inner_state, out, err);
        out->prefix = outer;
    }
    return rc;
}

const ebm_sampler_ops ebm_sampler_short_run = {
    .info = {.version = EBM_SAMPLER_OPS_VERSION,
             .name = "short_run",
             .help = "training: short chains of another sampler per update, started "
                     "from the data, noise, or a replay buffer of past negatives",
             .params = short_run_params},
    .xRun = short_run_run,
    .training = EBM_CHAINS_RESTART,
    .xOpen = short_run_open,
    .xClose = short_run_close,
    .xState = short_run_state,
};
