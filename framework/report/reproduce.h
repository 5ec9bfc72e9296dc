/* reproduce.h — `ebm reproduce`: run documented experiments and compare what
 * they measure with the values their `expect:` blocks cite. */
#ifndef EBM_REPRODUCE_H
#define EBM_REPRODUCE_H

#include <signal.h>
#include <stdio.h>

#include "error.h"
#include "expect.h"

typedef struct ebm_reproduce_opts {
    char *const *experiments;  /* files; none = every experiments/ file with expect */
    int n_experiments;
    const char *out_dir;       /* NULL: runs/reproduce-<UTC timestamp> */
    int jobs;
    const char *self_exe;
    /* Passed on to each sweep (see sweep.h); NULL for none. */
    void (*progress)(void *ctx, int done, int total, int running, int failed);
    void *progress_ctx;
    const volatile sig_atomic_t *stop;
    char *out_dir_used;        /* gets the directory used (may be NULL) */
    size_t out_dir_size;
} ebm_reproduce_opts;

int ebm_reproduce(const ebm_reproduce_opts *opts, ebm_reproduce_row **rows,
                  int *n_rows, ebm_error *err);
/* The table for a terminal, within 100 columns: long texts are cut (the
 * CSV and the report page have them whole), a note on its own line. */
void ebm_reproduce_print(FILE *out, const ebm_reproduce_row *rows, int n);
/* The rows as CSV: experiment,quantity,documented,tolerance,low,high,
 * source,obtained,result,note (numbers to 10 significant digits, empty when
 * unknown), written whole then renamed into place. */
int ebm_reproduce_write_csv(const char *path, const ebm_reproduce_row *rows, int n,
                            ebm_error *err);
void ebm_reproduce_rows_free(ebm_reproduce_row *rows, int n);

#endif
