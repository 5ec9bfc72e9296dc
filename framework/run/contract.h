/* contract.h — what every built-in plugin promises, checked whole. */
#ifndef EBM_CONTRACT_H
#define EBM_CONTRACT_H

#include "error.h"

/* The contract every built-in plugin must keep, checked whole: unique names,
 * one line of help, the interface version of this build, the ops its kind
 * requires, and a parameter table whose defaults pass validation. Each breach
 * goes to diags; returns how many. The experiment file's own table is held
 * to the same rules. */
int ebm_registry_check(ebm_diags *diags);

#endif
