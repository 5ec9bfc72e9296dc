/* error.h — the one list of ebm's error codes and the error value that carries
 * a message with its context (file:line:column, key path) up to the CLI. */
#ifndef EBM_ERROR_H
#define EBM_ERROR_H

#include <stdarg.h>

/* X-macro: the enum and its names are generated from this one list so they
 * never drift apart (the libuv habit). */
#define EBM_ERRNO_MAP(X)                                   \
    X(OK,        "no error")                              \
    X(INVAL,     "invalid argument")                      \
    X(CONFIG,    "bad configuration")                     \
    X(IO,        "input/output error")                    \
    X(NOMEM,     "out of memory")                         \
    X(DATA,      "bad data")                              \
    X(NUMERIC,   "numerical divergence (NaN or inf)")     \
    X(INTERRUPT, "interrupted by a signal")               \
    X(NOTSUP,    "not supported")                         \
    X(LIMIT,     "problem too large")

typedef enum {
#define EBM_ERR_ENUM_(name, msg) EBM_E##name,
    EBM_ERRNO_MAP(EBM_ERR_ENUM_)
#undef EBM_ERR_ENUM_
    EBM_E_COUNT
} ebm_errcode;

#define EBM_OK EBM_EOK

/* An error as returned by library functions: a code and a message that already
 * holds all the context the user needs (the CLI prints it as is). */
typedef struct ebm_error {
    int code;
    char msg[2048];
} ebm_error;

/* Fills err (if non-NULL) and returns code, so callers write
 *   return ebm_fail(err, EBM_EIO, "%s: cannot open: %s", path, strerror(errno)); */
int ebm_fail(ebm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ebm_vfail(ebm_error *err, int code, const char *fmt, va_list ap);

/* Prepends "context: " to an existing message (used as an error climbs up). */
int ebm_error_prefix(ebm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void ebm_error_clear(ebm_error *err);
const char *ebm_strerror(int code);   /* "bad configuration" */
const char *ebm_err_name(int code);   /* "ECONFIG" */

/* A growable list of messages, for the places that report every problem at
 * once (config validation) rather than the first. Only the first
 * EBM_DIAGS_KEPT are kept; the rest are counted in `dropped`, so a file with
 * two million bad entries costs neither two million lines nor their memory. */
#define EBM_DIAGS_KEPT 100

typedef struct ebm_diags {
    int n, cap;
    char **items;
    long dropped;
} ebm_diags;

void ebm_diags_add(ebm_diags *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ebm_diags_free(ebm_diags *d);
long ebm_diags_total(const ebm_diags *d);   /* kept + dropped */

#endif
