/* eta.h — how long a run has left: the epochs still to train at their mean
 * time, and every estimator still due at its own mean time (AIS every fifth
 * epoch costs what AIS costs, not the mean of all log points), the one under
 * way by what its own progress says is left. Also the one place that says
 * when an estimator is due. */
#ifndef EBM_ETA_H
#define EBM_ETA_H

#include "cfg.h"
#include "error.h"

typedef struct ebm_eta {
    int epochs;              /* train.epochs (0: a one-shot model) */
    int at_start;            /* log.at_start */
    int n;                   /* estimators */
    int *every;              /* each one's every.epochs */
    double *spent;           /* seconds each has taken, over `timed` evaluations */
    int *timed;
    double train_s;          /* seconds of training over epochs_timed epochs */
    double epochs_timed;     /* a resumed epoch counts as the part it trained */
} ebm_eta;

/* From a validated config: the epochs, the log schedule and each estimator's. */
int ebm_eta_init(ebm_eta *eta, const ebm_node *cfg, ebm_error *err);
void ebm_eta_free(ebm_eta *eta);

/* Whether estimator i is evaluated at the log point of this epoch. */
int ebm_eta_due(const ebm_eta *eta, int i, int epoch);

/* `seconds` trained `fraction` of an epoch: 1 for a whole one, less for
 * the epoch a resume picks up part way (or one a signal stopped). */
void ebm_eta_epoch_took(ebm_eta *eta, double seconds, double fraction);
void ebm_eta_estimator_took(ebm_eta *eta, int i, double seconds);

/* Seconds left, < 0 while unknown (no epoch timed yet in a training run).
 * epoch: the last epoch trained (0 before the first). current: the
 * estimator under way at this epoch's log point (-1 between log points; the
 * epoch's own log point is then still to come unless done), running for
 * current_s seconds, `fraction` of it done (0: unknown, its mean is used). */
double ebm_eta_left(const ebm_eta *eta, int epoch, int current, double current_s,
                    double fraction, int logged);

#endif
