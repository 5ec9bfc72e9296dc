/* validate.h — checking an experiment against the parameter tables of the
 * framework's sections and of every plugin it names (validate.c). */
#ifndef EBM_VALIDATE_H
#define EBM_VALIDATE_H

#include "cfg.h"
#include "param.h"

/* Checks the whole experiment against the framework's own section tables and
 * the parameter table of every plugin it names (type, range, enum choices,
 * required), fills every default in place, and reports each problem with its
 * position, the key path, what was expected and, for an unknown key, the
 * nearest valid name. Returns the number of problems (0 = valid). */
int ebm_cfg_validate(ebm_node *root, ebm_diags *diags);

/* Levenshtein distance, used for "did you mean" suggestions. */
int ebm_edit_distance(const char *a, const char *b);

/* A parameter table itself (the registry's contract): one line of help per
 * entry, choices for enums, and every default valid against its own type,
 * range and choices. Problems go to diags, named by path; returns how many. */
int ebm_param_table_check(const ebm_param *table, const char *path, ebm_diags *diags);

#endif
