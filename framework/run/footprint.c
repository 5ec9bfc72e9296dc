/* footprint.c — the memory check of footprint.h. A model that cannot fit
 * used to pass validation and fail after its run directory was made, with a
 * message about an allocation ("rbm: 16 x 1000000000 weights"), not about the
 * key that asked for it. */
#include "footprint.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "registry.h"

#define FLOAT_BYTES 4.0

/* One buffer counted: its size, what it holds and the keys that set it. */
typedef struct term {
    double bytes;
    char what[200];     /* "train.sampler's 320 states (chains x temperatures) of 32 units" */
    char lower[200];    /* "train.sampler.chains or model.hidden" */
} term;

typedef struct tally {
    term largest;
    double total;
} tally;

static void count(tally *t, double bytes, const char *what, const char *lower) {
    t->total += bytes;
    if (bytes <= t->largest.bytes) return;
    t->largest.bytes = bytes;
    snprintf(t->largest.what, sizeof t->largest.what, "%s", what);
    snprintf(t->largest.lower, sizeof t->largest.lower, "%s", lower);
}

/* The product of a plugin section's state counts (EBM_PF_STATES: chains,
 * runs, temperatures), their names joined by " x " and the first of them;
 * 0 when the section has none. */
static double states_in(const ebm_node *section, ebm_kind kind, char *names, size_t size,
                        const char **first) {
    const ebm_plugin *plugin = ebm_registry_find(kind, ebm_cfg_str(section, "type", ""));
    double states = 0;
    names[0] = '\0';
    for (const ebm_param *p = plugin ? plugin->params : NULL; p && p->name; p++) {
        if (!(p->flags & EBM_PF_STATES)) continue;
        size_t used = strlen(names);
        snprintf(names + used, size - used, "%s%s", used ? " x " : "", p->name);
        if (states == 0) *first = p->name;
        states = (states ? states : 1) * (double)ebm_cfg_int(section, p->name, 0);
    }
    return states;
}

static void count_states(tally *t, const ebm_node *section, ebm_kind kind, const char *path,
                         const ebm_model_size *size) {
    char names[96], what[200], lower[200];
    const char *first = "";
    double states = section ? states_in(section, kind, names, sizeof names, &first) : 0;
    if (states <= 0) return;
    snprintf(what, sizeof what, "%s's %.4g states (%s) of %.4g units", path, states, names,
             size->units);
    snprintf(lower, sizeof lower, "%s.%s%s%s", path, first, size->key ? " or model." : "",
             size->key ? size->key : "");
    count(t, states * size->units * FLOAT_BYTES, what, lower);
}

static double machine_memory(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0;
}

static const char *in_bytes(double bytes, char *buf, size_t size) {
    static const char *unit[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1024 && u < 6) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
    return buf;
}

int ebm_footprint_check(const ebm_node *cfg, const ebm_dataset *train, double memory_bytes,
                        ebm_error *err) {
    if (memory_bytes <= 0) memory_bytes = machine_memory();
    const ebm_model_ops *ops = (const ebm_model_ops *)ebm_registry_find(
        EBM_KIND_MODEL, ebm_cfg_str(cfg, "model.type", ""));
    if (memory_bytes <= 0 || !ops) return EBM_OK;   /* nothing to compare; xCreate says */
    ebm_model_size size;
    ebm_model_size_of(ops, ebm_node_child(cfg, "model"), train->dim, &size);
    int training = ebm_cfg_int(cfg, "train.epochs", 0) > 0;
    tally t = {0};
    char what[200], lower[200];

    /* The parameters, and in training their gradient as well. */
    snprintf(what, sizeof what, "the model's %.4g parameters%s", size.params,
             training ? " and their gradient" : "");
    if (size.key) snprintf(lower, sizeof lower, "model.%s", size.key);
    else snprintf(lower, sizeof lower, "the data's row length (%zu values)", train->dim);
    count(&t, size.params * FLOAT_BYTES * (training ? 2 : 1), what, lower);

    if (training) {
        double batch = (double)ebm_cfg_int(cfg, "train.batch", 0);
        if (batch <= 0 || batch > (double)train->n) batch = (double)train->n;
        snprintf(what, sizeof what, "2 x %.4g minibatch states of %.4g units", batch,
                 size.units);
        snprintf(lower, sizeof lower, "train.batch%s%s", size.key ? " or model." : "",
                 size.key ? size.key : "");
        count(&t, 2 * batch * size.units * FLOAT_BYTES, what, lower);
        count_states(&t, ebm_node_at(cfg, "train.sampler"), EBM_KIND_SAMPLER, "train.sampler",
                     &size);
    }
    const ebm_node *estimators = ebm_node_at(cfg, "log.estimators");
    for (int i = 0; estimators && estimators->kind == EBM_NODE_SEQ && i < estimators->n; i++) {
        char path[64];
        snprintf(path, sizeof path, "log.estimators[%d]", i);
        count_states(&t, estimators->values[i], EBM_KIND_ESTIMATOR, path, &size);
    }
    if (t.total <= memory_bytes) return EBM_OK;
    char need[32], have[32], part[32];
    return ebm_fail(err, EBM_ECONFIG,
                    "the experiment needs at least %s of memory and this machine has %s; "
                    "the largest part is %s (%s): lower %s",
                    in_bytes(t.total, need, sizeof need), in_bytes(memory_bytes, have, sizeof have),
                    t.largest.what, in_bytes(t.largest.bytes, part, sizeof part),
                    t.largest.lower);
}
