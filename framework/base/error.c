/* error.c — filling and naming ebm_error values, and the diagnostics list. */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const error_messages[] = {
#define EBM_ERR_MSG_(name, msg) msg,
    EBM_ERRNO_MAP(EBM_ERR_MSG_)
#undef EBM_ERR_MSG_
};

static const char *const error_names[] = {
#define EBM_ERR_NAME_(name, msg) "E" #name,
    EBM_ERRNO_MAP(EBM_ERR_NAME_)
#undef EBM_ERR_NAME_
};

int ebm_vfail(ebm_error *err, int code, const char *fmt, va_list ap) {
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return code;
}

int ebm_fail(ebm_error *err, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ebm_vfail(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int ebm_error_prefix(ebm_error *err, const char *fmt, ...) {
    if (!err) return EBM_EINVAL;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Shift the old message right and put "prefix: " in front; a message too
     * long for the buffer loses its tail, never the new context. */
    size_t plen = strlen(prefix), cap = sizeof err->msg;
    if (plen + 2 >= cap) plen = cap - 3;
    size_t old_len = strlen(err->msg);
    if (plen + 2 + old_len >= cap) old_len = cap - plen - 3;
    memmove(err->msg + plen + 2, err->msg, old_len);
    err->msg[plen + 2 + old_len] = '\0';
    memcpy(err->msg, prefix, plen);
    err->msg[plen] = ':';
    err->msg[plen + 1] = ' ';
    return err->code;
}

void ebm_error_clear(ebm_error *err) {
    if (!err) return;
    err->code = EBM_OK;
    err->msg[0] = '\0';
}

const char *ebm_strerror(int code) {
    if (code < 0 || code >= EBM_E_COUNT) return "unknown error";
    return error_messages[code];
}

const char *ebm_err_name(int code) {
    if (code < 0 || code >= EBM_E_COUNT) return "EUNKNOWN";
    return error_names[code];
}

void ebm_diags_add(ebm_diags *d, const char *fmt, ...) {
    if (d->n >= EBM_DIAGS_KEPT) {
        d->dropped++;
        return;
    }
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 8;
        char **items = realloc(d->items, (size_t)cap * sizeof *items);
        if (!items) return;   /* out of memory: drop the message, keep the rest */
        d->items = items;
        d->cap = cap;
    }
    char *copy = strdup(buf);
    if (copy) d->items[d->n++] = copy;
}

void ebm_diags_free(ebm_diags *d) {
    for (int i = 0; i < d->n; i++) free(d->items[i]);
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
    d->dropped = 0;
}

long ebm_diags_total(const ebm_diags *d) { return d->n + d->dropped; }
