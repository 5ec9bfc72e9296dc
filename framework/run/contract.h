/* contract.h — what every built-in plugin promises, checked whole. */
#ifndef EBM_CONTRACT_H
#define EBM_CONTRACT_H

#include "cfg.h"
#include "error.h"
#include "model.h"

/* The contract every built-in plugin must keep, checked whole: unique names,
 * one line of help, the interface version of this build, the ops its kind
 * requires, and a parameter table whose defaults pass validation. Each breach
 * goes to diags; returns how many. The experiment file's own table is held
 * to the same rules. */
int ebm_registry_check(ebm_diags *diags);

/* The model's example (ops->example) as a validated experiment, named
 * "example-<model>" with seed 1 unless it says otherwise; NULL with the
 * problems in diags. The caller frees it (ebm_node_free). */
ebm_node *ebm_model_example_config(const ebm_model_ops *ops, ebm_diags *diags);

#endif
