/* common.h — what the binary samplers (gibbs, mh, annealing) share: the
 * settings every one of them reads, random starts, scan orders over the free
 * units, the heat-bath site update and the collection of states. */
#ifndef EBM_SAMPLERS_COMMON_H
#define EBM_SAMPLERS_COMMON_H

#include <stddef.h>

#include "sampler.h"

/* The settings gibbs and mh share, read from a validated sampler map. */
typedef struct ebm_smp_settings {
    double temperature;   /* > 0 */
    int sweeps, burn_in, thin;
    int random_scan;      /* 1: a fresh random permutation every sweep */
    int random_start;     /* 1: uniform random start for every chain */
} ebm_smp_settings;

/* Parameter-table entries shared by gibbs and mh (expanded in their tables). */
#define EBM_SMP_COMMON_PARAMS                                                   \
    {.name = "temperature", .type = EBM_P_FLOAT, .range = "(0, inf)",           \
     .flags = EBM_PF_OPTIONAL,                                                  \
     .help = "T in p(x) = exp(-E(x)/T)/Z (default: the model's, else 1)"},      \
    {.name = "sweeps", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",      \
     .help = "sweeps after burn-in; a sweep is one update per free unit"},      \
    {.name = "burn_in", .type = EBM_P_INT, .def = "0", .range = "[0, inf)",     \
     .help = "sweeps before any state is collected"},                           \
    {.name = "thin", .type = EBM_P_INT, .def = "1", .range = "[1, inf)",        \
     .help = "collect every chain's state every this many sweeps"},             \
    {.name = "scan", .type = EBM_P_ENUM, .def = "random",                       \
     .choices = "random|fixed",                                                 \
     .help = "site order: a fresh random permutation of the free units each "   \
             "sweep, or 0..N-1"},                                               \
    {.name = "start", .type = EBM_P_ENUM, .def = "keep",                        \
     .choices = "keep|random",                                                  \
     .help = "start from the chains' states as given, or uniform random "       \
             "states (clamped units kept)"}

/* The `start` of persistent training chains (pcd, pt), read by the trainer
 * (ebm_trainer_start). */
#define EBM_SMP_CHAINS_START_PARAM                                              \
    {.name = "start", .type = EBM_P_ENUM, .def = "data", .choices = "noise|data", \
     .help = "where the persistent chains start: uniform random states, or "    \
             "random training rows (hidden units drawn given the row)"}

/* Reads the shared settings; `steps` > 0 replaces sweeps (burn-in kept). */
void ebm_smp_read_settings(const ebm_sample_ctx *ctx, int steps,
                           ebm_smp_settings *out);

/* The temperature: the config's `temperature` when given, else the model's
 * xTemperature, else 1. */
double ebm_smp_temperature(const ebm_sample_ctx *ctx);

/* 1 when the model has what single-site binary samplers need (xFlipEnergy,
 * xFlipUnit); otherwise 0 and the reason. */
int ebm_smp_supports_binary(const char *sampler, const ebm_model_ops *model,
                            char *why, size_t why_size);
/* The same for the model instance of ctx, at run time (ops alone cannot tell
 * a Gaussian RBM from a Bernoulli one): EBM_OK or EBM_ENOTSUP with why. */
int ebm_smp_require_binary(const char *sampler, const ebm_model_ops *ops,
                           void *model, ebm_error *err);

/* The free (unclamped) units of the chains, in order; n_free may be 0. */
typedef struct ebm_smp_sites {
    size_t *free_units;   /* n_free entries */
    size_t *order;        /* scratch for one sweep's order */
    size_t n_free;
} ebm_smp_sites;

int ebm_smp_sites_init(ebm_smp_sites *s, const ebm_chains *chains,
                       ebm_error *err);
void ebm_smp_sites_free(ebm_smp_sites *s);
/* Fills s->order with this sweep's order of the free units. */
void ebm_smp_scan(ebm_smp_sites *s, int random, ebm_rng *rng);

/* Uniform random state for the free units of x: each is the model's low or
 * high value (xUnitValues) with probability one half; without xUnitValues
 * each unit is flipped with probability one half, which is also uniform. */
int ebm_smp_random_state(const ebm_model_ops *ops, void *model, float *x,
                         size_t units, const unsigned char *clamped,
                         ebm_rng *rng, ebm_error *err);

/* σ(z) = 1/(1+e^{−z}) without overflow for any z. */
double ebm_smp_sigmoid(double z);

/* One heat-bath update of unit i at temperature t: flips it with probability
 * σ(−ΔE/t), the exact conditional probability of the flipped value for a
 * binary unit. Returns ΔE if it flipped, 0 otherwise (so a caller can track
 * the energy). */
double ebm_smp_heat_bath(const ebm_model_ops *ops, void *model, float *x,
                         size_t i, double t, ebm_rng *rng);

/* Heat-bath updates of one chain at a time. For a dense pairwise model
 * (xPairwise) it keeps every unit's local field of the current chain,
 * so an update costs O(1) plus O(N) when the unit flips; otherwise each
 * update is ebm_smp_heat_bath. The same uniform draws and the same
 * decisions either way (the fields are sums in double of the same terms,
 * only in another order). */
typedef struct ebm_smp_sweeper {
    const ebm_model_ops *ops;
    void *model;
    int pairwise;          /* 1: the fields below are kept */
    ebm_pairwise pw;
    size_t n;
    float *low, *high;     /* n: each unit's two values */
    double *field;         /* n: Σ_j w_ij x_j + b_i + field of the chain */
} ebm_smp_sweeper;

int ebm_smp_sweeper_open(ebm_smp_sweeper *sw, const ebm_model_ops *ops, void *model,
                         ebm_error *err);
void ebm_smp_sweeper_close(ebm_smp_sweeper *sw);
/* Takes x as the chain to update next: call it before a chain's first
 * update and whenever x changed other than through the sweeper. O(N²) for a
 * pairwise model, nothing otherwise. */
void ebm_smp_sweeper_start(ebm_smp_sweeper *sw, const float *x);
/* ebm_smp_heat_bath on the chain last started. */
double ebm_smp_sweeper_update(ebm_smp_sweeper *sw, float *x, size_t i, double t,
                              ebm_rng *rng);

/* Collection: the k-th collection point (0-based, counted after burn-in)
 * of chain c goes to slot n_collected_at_start + k·n + c of chains->collect
 * (chain-major within a sweep), when that slot exists. The ordering does not
 * depend on running chains one after another. */
void ebm_smp_collect(ebm_chains *chains, size_t base, size_t k, size_t c,
                     const float *x);
/* After every chain ran: n_collected = base + (points · n), capped. */
void ebm_smp_collect_done(ebm_chains *chains, size_t base, size_t points);

/* 1 when sweep s (1-based, counting burn-in) is a collection point. */
int ebm_smp_is_collect_sweep(const ebm_smp_settings *st, int s, size_t *k);

int ebm_smp_stopped(const ebm_sample_ctx *ctx);

/* The start of chain c where chains run one after another (gibbs's
 * single-site path, mh): EBM_EINTERRUPT once the run is stopping, else the
 * chain's own stream ebm_rng_derive(ctx->rng, c) in *rng and, when the
 * settings ask for it, a uniform random state drawn from that stream. */
int ebm_smp_begin_chain(const ebm_sample_ctx *ctx, const ebm_smp_settings *st,
                        ebm_chains *chains, size_t c, const char *sampler, ebm_rng *rng,
                        ebm_error *err);

#endif
