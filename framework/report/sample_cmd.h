/* sample_cmd.h — `ebm sample`: rebuild a trained model from its run file,
 * draw samples (free, or with the label units clamped to a class) and write
 * them as images to an HDF5 file in the run-file layout. */
#ifndef EBM_SAMPLE_CMD_H
#define EBM_SAMPLE_CMD_H

#include <signal.h>
#include <stddef.h>

#include "error.h"

typedef struct ebm_sample_opts {
    const char *run;                 /* a run directory or its run.h5 */
    size_t n;                        /* samples per group (0: 64) */
    const char *clamp;               /* NULL, "label=C" or "label=all" */
    const char *out;                 /* NULL: <run dir>/samples.h5 */
    int force;                       /* an existing out is moved aside, not refused */
    char *const *overrides;          /* "sampler.burn_in=500", "sampler.type=mh" */
    int n_overrides;
    const volatile sig_atomic_t *stop;
} ebm_sample_opts;

/* What one group of samples became, for the CLI to print. */
typedef struct ebm_sample_group {
    char path[256];       /* the dataset in the output file, "/samples/0" */
    char clamped[64];     /* "none" or "label=3" */
    size_t n, n_visible;  /* samples, values each */
    size_t matches;       /* how many equal a training row (of the class) */
    char sampler[64];     /* the sampler's type */
    int run_sampler;      /* 1: drawn with the settings of the run's own `sample`
                             estimator (and the overrides) */
    int binary;           /* 0: real-valued samples, or whole states of a model
                             that ignores its data: matches means nothing */
} ebm_sample_group;

/* Draws and writes. The output file's path goes to out_path; *groups
 * (malloc'd, *n_groups of them) says what was written. Bad arguments, a
 * missing run, a run without /model or parameters whose shapes differ from
 * the model its /config builds are EBM_EINVAL/EBM_ECONFIG/EBM_EDATA (bad
 * input); config problems in the sampler overrides also go to diags. */
int ebm_sample_from_run(const ebm_sample_opts *opts, char *out_path,
                        size_t out_size, ebm_sample_group **groups,
                        int *n_groups, ebm_diags *diags, ebm_error *err);

#endif
