/* footprint.h — the memory check a run passes before it writes anything. */
#ifndef EBM_FOOTPRINT_H
#define EBM_FOOTPRINT_H

#include "cfg.h"
#include "dataset.h"
#include "error.h"

/* Refuses (EBM_ECONFIG) a validated experiment whose model parameters and
 * the states its training sampler and estimators hold at once would not fit
 * in `memory_bytes` (0: this machine's physical memory), saying what it
 * would need and which key to lower. Counted from the config and the data's
 * row length without allocating: only buffers ebm surely makes, so a refusal
 * is never wrong, and a run that passes can still run short later. */
int ebm_footprint_check(const ebm_node *cfg, const ebm_dataset *train, double memory_bytes,
                        ebm_error *err);

#endif
