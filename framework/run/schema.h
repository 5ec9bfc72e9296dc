/* schema.h — the framework's own sections of an experiment file (name, seed,
 * data, model, train, log, sweep, expect) as a parameter table, the same form
 * plugins use, so `ebm list`, validation and defaults read one description. */
#ifndef EBM_SCHEMA_H
#define EBM_SCHEMA_H

#include "cfg.h"
#include "param.h"

/* The top level of an experiment; ends with EBM_PARAM_END. */
extern const ebm_param ebm_experiment_params[];

/* The metric a validated experiment leads with: log.headline, else the
 * metric its first expected value reads (expect[0].metric, or its
 * crossing's), else "" (then the first metric logged). What an experiment
 * reproduces is what its tables should show first. */
const char *ebm_schema_headline(const ebm_node *cfg);

/* The entry of table called name, or NULL. */
const ebm_param *ebm_param_find(const ebm_param *table, const char *name);

#endif
