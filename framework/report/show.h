/* show.h — `ebm show DIR|FILE`: what state a run is in (status, last step,
 * final metrics), whether a process still writes it, and whether it can be
 * resumed. The library fills the struct; the CLI chooses where to write it. */
#ifndef EBM_SHOW_H
#define EBM_SHOW_H

#include <stdio.h>

#include "checkpoint.h"
#include "error.h"
#include "expect.h"
#include "runfile.h"

typedef enum ebm_show_writer {
    EBM_WRITER_UNKNOWN,   /* the lock could not be tested */
    EBM_WRITER_NONE,      /* no process holds HDF5's lock on the file */
    EBM_WRITER_ACTIVE     /* a process holds it: the run is live */
} ebm_show_writer;

typedef struct ebm_show_info {
    char run_path[4400];         /* the file whose contents are shown */
    char dir[4200];              /* its directory */
    char name[256];              /* the experiment's name from /config, or "" */
    ebm_runinfo run;
    int from_checkpoint;         /* run.h5 was unreadable: shown from checkpoint.h5 */
    char run_error[2048];        /* why run.h5 was unreadable, when from_checkpoint */
    ebm_show_writer writer;
    int has_last_step;
    int64_t last_step;           /* largest step of any step-axis metric */
    int has_checkpoint;
    ebm_checkpoint_info checkpoint;
    char checkpoint_error[2048]; /* why checkpoint.h5 is missing or unreadable */
    ebm_reproduce_row *expect;   /* a completed run's expect: entries, checked */
    int n_expect;
    int n_expect_skipped;        /* its entries that only a sweep can check */
} ebm_show_info;

/* Reads the run at target (a run directory or its run.h5). When run.h5 cannot
 * be read but DIR/checkpoint.h5 can, shows that instead (from_checkpoint).
 * A missing path is EBM_EINVAL; a file that is not an ebm run file EBM_EDATA,
 * as ebm_runfile_read says. */
int ebm_show(const char *target, ebm_show_info *out, ebm_error *err);
void ebm_show_free(ebm_show_info *info);

/* The report, one "key: value" line each, then every metric's last point. */
void ebm_show_write(FILE *to, const ebm_show_info *info);
/* The same as one JSON object (every metric's final value, its axis and
 * where along it). */
void ebm_show_write_json(FILE *to, const ebm_show_info *info);

#endif
