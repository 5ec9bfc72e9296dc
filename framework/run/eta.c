/* eta.c — the time a run has left, estimator by estimator (eta.h). */
#include "eta.h"

#include <stdlib.h>

int ebm_eta_init(ebm_eta *eta, const ebm_node *cfg, ebm_error *err) {
    *eta = (ebm_eta){0};
    eta->epochs = (int)ebm_cfg_int(cfg, "train.epochs", 0);
    eta->at_start = ebm_cfg_bool(cfg, "log.at_start", 1);
    const ebm_node *list = ebm_node_at(cfg, "log.estimators");
    int every = (int)ebm_cfg_int(cfg, "log.every.epochs", 1);
    eta->n = list ? list->n : 0;
    if (eta->n == 0) return EBM_OK;
    eta->every = calloc((size_t)eta->n, sizeof *eta->every);
    eta->timed = calloc((size_t)eta->n, sizeof *eta->timed);
    eta->spent = calloc((size_t)eta->n, sizeof *eta->spent);
    if (!eta->every || !eta->timed || !eta->spent) {
        ebm_eta_free(eta);
        return ebm_fail(err, EBM_ENOMEM, "estimator timings");
    }
    for (int i = 0; i < eta->n; i++)
        eta->every[i] = (int)ebm_cfg_int(list->values[i], "every.epochs", every);
    return EBM_OK;
}

void ebm_eta_free(ebm_eta *eta) {
    free(eta->every);
    free(eta->timed);
    free(eta->spent);
    *eta = (ebm_eta){0};
}

int ebm_eta_due(const ebm_eta *eta, int i, int epoch) {
    if (epoch == 0 && eta->epochs > 0 && !eta->at_start) return 0;
    int every = eta->every[i];
    return epoch == 0 || epoch == eta->epochs || (every > 0 && epoch % every == 0);
}

void ebm_eta_epoch_took(ebm_eta *eta, double seconds, double fraction) {
    if (fraction <= 0) return;
    eta->train_s += seconds;
    eta->epochs_timed += fraction;
}

void ebm_eta_estimator_took(ebm_eta *eta, int i, double seconds) {
    eta->spent[i] += seconds;
    eta->timed[i]++;
}

/* An estimator's mean time; 0 before its first evaluation. */
static double mean_of(const ebm_eta *eta, int i) {
    return eta->timed[i] ? eta->spent[i] / eta->timed[i] : 0.0;
}

double ebm_eta_left(const ebm_eta *eta, int epoch, int current, double current_s,
                    double fraction, int logged) {
    if (eta->epochs > 0 && eta->epochs_timed <= 0) return -1;
    double left = eta->epochs_timed > 0
        ? (eta->epochs - epoch) * (eta->train_s / eta->epochs_timed) : 0.0;
    for (int i = 0; i < eta->n; i++) {
        double mean = mean_of(eta, i);
        for (int e = epoch + 1; e <= eta->epochs; e++) left += ebm_eta_due(eta, i, e) * mean;
        if (logged || !ebm_eta_due(eta, i, epoch) || (current >= 0 && i < current)) continue;
        if (i != current)
            left += mean;
        else if (fraction > 0)
            left += current_s * (1.0 - fraction) / fraction;
        else if (mean > current_s)
            left += mean - current_s;
    }
    return left;
}
