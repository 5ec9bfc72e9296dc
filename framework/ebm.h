/* ebm.h — the library's public header: everything a C program needs to load
 * and validate an experiment, run it, read a run file, and write plugins of
 * its own against the ops interfaces. Installed as <ebm/ebm.h>; build with
 * `cc prog.c $(pkg-config --cflags --libs ebm)`.
 *
 * A program that runs an experiment and reads back one metric:
 *
 *     ebm_run_opts opts = {.experiment = "exp.yaml", .out_dir = "out"};
 *     ebm_diags diags = {0};
 *     ebm_error err = {0};
 *     char dir[4096];
 *     if (ebm_run(&opts, &diags, dir, sizeof dir, &err)) ...   // diags or err say why
 *     ebm_runinfo info;
 *     if (ebm_runfile_read("out/run.h5", &info, &err) == EBM_OK) {
 *         const ebm_series *s = ebm_runinfo_metric(&info, "fixed_points");
 *         ...                                        // s->step[i], s->value[i]
 *         ebm_runinfo_free(&info);
 *     }
 *
 * Every function returns EBM_OK (0) or an error code with the message, context
 * included, in its ebm_error; none prints or exits. */
#ifndef EBM_EBM_H
#define EBM_EBM_H

#include "error.h"      /* error codes, ebm_error, ebm_diags */
#include "cfg.h"        /* the YAML tree: compose, override, validate, read keys */
#include "plugins.h"    /* the ops interfaces (model, sampler, dataset, estimator)
                           and the built-in plugins' ops */
#include "registry.h"   /* every plugin by kind and name */
#include "schema.h"     /* the experiment file's own keys */
#include "runner.h"     /* ebm_resolve (validate) and ebm_run */
#include "runfile.h"    /* writing and reading run.h5 */

#endif
