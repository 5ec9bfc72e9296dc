/* moments.c — the moments estimator: runs a sampler of real-valued states
 * and logs how well its samples' mean and covariance match the truth (when
 * the model knows it), its acceptance rate and its effective samples per
 * second; optionally the same for a baseline sampler and the speed-up. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "ess.h"
#include "estimator.h"
#include "sampler.h"
#include "plugins.h"

static const ebm_param moments_params[] = {
    {.name = "sampler", .type = EBM_P_PLUGIN, .kind = EBM_KIND_SAMPLER,
     .flags = EBM_PF_REQUIRED,
     .help = "the sampler and its settings; every state it collects after "
             "burn-in counts (set sweeps, burn_in, thin there)"},
    {.name = "baseline", .type = EBM_P_PLUGIN, .kind = EBM_KIND_SAMPLER,
     .flags = EBM_PF_OPTIONAL,
     .help = "a second sampler run the same way, logged as baseline_*, and "
             "speedup = ess_per_second / baseline's"},
    {.name = "chains", .type = EBM_P_INT, .def = "4", .range = "[1, inf)",
     .flags = EBM_PF_STATES,
     .help = "independent chains, each from the model's noise distribution "
             "(xNoise), else a data row"},
    EBM_PARAM_END};

/* What one sampler's run gave. */
typedef struct moments_result {
    double seconds, ess_min, acceptance;
    int has_acceptance;
} moments_result;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int start_chains(const ebm_eval *ev, float *x, size_t n, size_t units,
                        ebm_error *err) {
    ebm_rng start;
    ebm_rng_named(&start, ev->rng, "start");
    for (size_t c = 0; c < n; c++) {
        ebm_rng rng;
        ebm_rng_derive(&rng, &start, c);
        float *row = x + c * units;
        if (ebm_model_has_noise(ev->ops)) {
            ebm_model_noise(ev->ops, ev->model, row, 1, &rng);
        } else if (ev->data->dim == units && ev->data->n > 0) {
            memcpy(row, ev->data->x + (c % ev->data->n) * units, units * sizeof *row);
        } else {
            return ebm_fail(err, EBM_ENOTSUP, "moments: model %s has no noise "
                            "distribution (xNoise) and its states are not data rows, "
                            "so chains have no start", ev->ops->info.name);
        }
    }
    return EBM_OK;
}

/* Sample mean (units) and covariance (units², divisor N − 1) of n rows. */
static void sample_moments(const float *s, size_t n, size_t units, double *mean,
                           double *cov) {
    memset(mean, 0, units * sizeof *mean);
    memset(cov, 0, units * units * sizeof *cov);
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < units; i++) mean[i] += s[r * units + i];
    for (size_t i = 0; i < units; i++) mean[i] /= (double)n;
    for (size_t r = 0; r < n; r++) {
        const float *row = s + r * units;
        for (size_t i = 0; i < units; i++) {
            double di = row[i] - mean[i];
            for (size_t j = i; j < units; j++) cov[i * units + j] += di * (row[j] - mean[j]);
        }
    }
    double denom = n > 1 ? (double)(n - 1) : 1.0;
    for (size_t i = 0; i < units; i++)
        for (size_t j = i; j < units; j++)
            cov[j * units + i] = cov[i * units + j] /= denom;
}

/* Scratch of one evaluation, freed in one place. */
typedef struct moments_run {
    float *x, *collect;
    double *mean, *cov, *true_mean, *true_cov, *ess;
} moments_run;

static void moments_run_free(moments_run *r) {
    free(r->x);
    free(r->collect);
    free(r->mean);
    free(r->cov);
    free(r->true_mean);
    free(r->true_cov);
    free(r->ess);
}

/* Logs the errors against the truth, each as a plain error scaled by the
 * true standard deviations and as a z-score against the Monte Carlo error
 * the ESS predicts (iid Gaussian: var(x̄_i) = Σ_ii/n, var(Ŝ_ij) =
 * (Σ_ii Σ_jj + Σ_ij²)/n, with n the smaller ESS of the two coordinates —
 * conservative for products, whose autocorrelation decays faster). */
static int log_errors(const ebm_eval *ev, const moments_run *r, size_t units,
                      const char *tag, ebm_error *err) {
    char name[64];
    if (!r->true_mean) {
        double mean_norm = 0.0, cov_norm = 0.0;
        for (size_t i = 0; i < units; i++) mean_norm += r->mean[i] * r->mean[i];
        for (size_t k = 0; k < units * units; k++) cov_norm += r->cov[k] * r->cov[k];
        snprintf(name, sizeof name, "%smean_norm", tag);
        int rc = ebm_log_metric(ev->log, name, sqrt(mean_norm), err);
        snprintf(name, sizeof name, "%scov_norm", tag);
        return rc ? rc : ebm_log_metric(ev->log, name, sqrt(cov_norm), err);
    }
    double mean_err = 0.0, mean_z = 0.0, cov_err = 0.0, cov_z = 0.0;
    for (size_t i = 0; i < units; i++) {
        double sd = sqrt(r->true_cov[i * units + i]);
        double d = fabs(r->mean[i] - r->true_mean[i]);
        mean_err = fmax(mean_err, d / sd);
        mean_z = fmax(mean_z, d / (sd / sqrt(r->ess[i])));
        for (size_t j = 0; j < units; j++) {
            double sii = r->true_cov[i * units + i], sjj = r->true_cov[j * units + j];
            double sij = r->true_cov[i * units + j];
            double e = fabs(r->cov[i * units + j] - sij);
            double n_eff = fmin(r->ess[i], r->ess[j]);
            cov_err = fmax(cov_err, e / sqrt(sii * sjj));
            cov_z = fmax(cov_z, e / sqrt((sii * sjj + sij * sij) / n_eff));
        }
    }
    const char *q[4] = {"mean_error", "mean_z", "cov_error", "cov_z"};
    double v[4] = {mean_err, mean_z, cov_err, cov_z};
    for (int k = 0; k < 4; k++) {
        snprintf(name, sizeof name, "%s%s", tag, q[k]);
        int rc = ebm_log_metric(ev->log, name, v[k], err);
        if (rc) return rc;
    }
    return EBM_OK;
}

/* Runs one sampler (its config at `key`) on fresh chains, then logs under
 * tag ("" or "baseline_"). */
static int run_one(const ebm_eval *ev, const char *key, const char *tag,
                   moments_run *r, size_t n, size_t units, moments_result *out,
                   ebm_error *err) {
    const ebm_node *sampler_cfg = ebm_node_child(ev->cfg, key);
    const char *type = ebm_cfg_str(sampler_cfg, "type", "");
    const ebm_sampler_ops *sampler =
        ebm_sampler_find(type);
    if (!sampler)
        return ebm_fail(err, EBM_ECONFIG, "moments: %s: unknown sampler '%s'", key, type);
    char why[512];
    if (sampler->xSupports && !sampler->xSupports(ev->ops, why, sizeof why))
        return ebm_fail(err, EBM_ENOTSUP, "moments: %s", why);
    int64_t sweeps = ebm_cfg_int(sampler_cfg, "sweeps", 1);
    int64_t thin = ebm_cfg_int(sampler_cfg, "thin", 1);
    size_t points = (size_t)(sweeps / (thin > 0 ? thin : 1));
    if (points < 2)
        return ebm_fail(err, EBM_ECONFIG, "moments: %s collects %zu state(s) per "
                        "chain; moments need sweeps/thin >= 2", key, points);
    if (points > ((size_t)1 << 28) / (n * units))
        return ebm_fail(err, EBM_ELIMIT, "moments: %s would keep %zu states of %zu "
                        "units for each of %zu chains; raise thin", key, points, units, n);
    free(r->collect);
    r->collect = malloc(points * n * units * sizeof *r->collect);
    if (!r->collect) return ebm_fail(err, EBM_ENOMEM, "moments: out of memory for samples");
    int rc = start_chains(ev, r->x, n, units, err);
    if (rc) return rc;

    const char *prefix = ebm_cfg_str(ev->cfg, "name", ebm_cfg_str(ev->cfg, "type", "moments"));
    const char *est_type = ebm_cfg_str(ev->cfg, "type", "moments");
    const char *split = ebm_cfg_str(ev->cfg, "split", "train");
    char sampler_prefix[256];
    snprintf(sampler_prefix, sizeof sampler_prefix, "%s_%s%s", prefix, tag, type);
    ebm_rng sampler_rng;
    ebm_rng_named(&sampler_rng, ev->rng, key);
    ebm_chains chains = {.n = n, .units = units, .x = r->x, .collect = r->collect,
                         .max_collect = points * n};
    ebm_sample_ctx ctx = {.ops = ev->ops, .model = ev->model, .cfg = sampler_cfg,
                          .rng = &sampler_rng, .log = ev->log, .stop = ev->stop};
    ebm_sampler_stats stats = {0};
    ebm_log_begin(ev->log, ev->step, sampler_prefix, est_type, split);
    double t0 = now_seconds();
    rc = sampler->xRun(&ctx, &chains, 0, &stats, err);
    out->seconds = now_seconds() - t0;
    ebm_log_begin(ev->log, ev->step, prefix, est_type, split);
    if (rc) return ebm_error_prefix(err, "moments: sampler %s", type);
    if (chains.n_collected != points * n)
        return ebm_fail(err, EBM_EINVAL, "moments: sampler %s collected %zu states, "
                        "not %zu", type, chains.n_collected, points * n);

    out->ess_min = INFINITY;
    for (size_t i = 0; i < units && !rc; i++) {
        rc = ebm_ess(r->collect, points, n, units, i, &r->ess[i], err);
        if (!rc && r->ess[i] < out->ess_min) out->ess_min = r->ess[i];
    }
    if (rc) return rc;
    sample_moments(r->collect, points * n, units, r->mean, r->cov);
    out->has_acceptance = stats.proposed > 0;
    out->acceptance = out->has_acceptance
                          ? (double)stats.accepted / (double)stats.proposed : 0.0;

    rc = log_errors(ev, r, units, tag, err);
    char name[64];
    const char *q[3] = {"ess", "ess_per_second", "seconds"};
    double v[3] = {out->ess_min, out->ess_min / fmax(out->seconds, 1e-9), out->seconds};
    for (int k = 0; k < 3 && !rc; k++) {
        snprintf(name, sizeof name, "%s%s", tag, q[k]);
        rc = ebm_log_metric(ev->log, name, v[k], err);
    }
    /* Over every proposal, burn-in included; the sampler logs its own rate
     * after burn-in as <name>_<sampler>_acceptance. */
    if (!rc && out->has_acceptance) {
        snprintf(name, sizeof name, "%sacceptance", tag);
        rc = ebm_log_metric(ev->log, name, out->acceptance, err);
    }
    return rc;
}

static int moments_evaluate(const ebm_eval *ev, ebm_error *err) {
    size_t n = (size_t)ebm_cfg_int(ev->cfg, "chains", 4);
    size_t units = ev->ops->xUnits(ev->model);
    if (units == 0 || n == 0)
        return ebm_fail(err, EBM_EINVAL, "moments: no units or no chains");
    if (units > 4096 || n > ((size_t)1 << 20))
        return ebm_fail(err, EBM_ELIMIT, "moments: %zu chains of %zu units are "
                        "beyond what a covariance check is for", n, units);
    moments_run r = {0};
    r.x = malloc(n * units * sizeof *r.x);
    r.mean = malloc(units * sizeof *r.mean);
    r.cov = malloc(units * units * sizeof *r.cov);
    r.ess = malloc(units * sizeof *r.ess);
    r.true_mean = malloc(units * sizeof *r.true_mean);
    r.true_cov = malloc(units * units * sizeof *r.true_cov);
    int rc = EBM_OK;
    if (!r.x || !r.mean || !r.cov || !r.ess || !r.true_mean || !r.true_cov)
        rc = ebm_fail(err, EBM_ENOMEM, "moments: out of memory for %zu units", units);
    /* The exact moments, when the model knows them (a Gaussian energy). */
    ebm_gaussian_truth_fn truth =
        (ebm_gaussian_truth_fn)ebm_model_find_feature(ev->ops, "gaussian_truth");
    if (!rc && (!truth || truth(ev->model, r.true_mean, r.true_cov, NULL) != EBM_OK)) {
        free(r.true_mean);
        free(r.true_cov);
        r.true_mean = r.true_cov = NULL;
    }
    moments_result main_run = {0}, base_run = {0};
    if (!rc) rc = run_one(ev, "sampler", "", &r, n, units, &main_run, err);
    if (!rc && ebm_node_child(ev->cfg, "baseline")) {
        rc = run_one(ev, "baseline", "baseline_", &r, n, units, &base_run, err);
        double rate = main_run.ess_min / fmax(main_run.seconds, 1e-9);
        double base_rate = base_run.ess_min / fmax(base_run.seconds, 1e-9);
        if (!rc) rc = ebm_log_metric(ev->log, "speedup", rate / base_rate, err);
    }
    moments_run_free(&r);
    return rc;
}

const ebm_estimator_ops ebm_estimator_moments = {
    .info = {.version = EBM_ESTIMATOR_OPS_VERSION,
             .name = "moments",
             .help = "run a sampler of real-valued states; log the sample mean and "
                     "covariance errors against the model's exact Gaussian (else "
                     "their norms), acceptance, and min-over-coordinates ESS "
                     "(Geyer's initial monotone sequence) per second",
             .params = moments_params},
    .xEvaluate = moments_evaluate,
};
