/* sample_source.c — what drew the samples a picture shows, for its title:
 * the sampler (its settings, as flow YAML) and what was clamped, read from
 * the attributes `ebm sample` writes or from the run's /config. */
#include "sample_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The estimator entry of log.estimators that logged group, or NULL:
 * "samples" is a sample estimator's (the first that logs images),
 * "images/<name>_samples" the conditional estimator's called name (an
 * entry without a name is called by its type). */
static const ebm_node *estimator_of(const ebm_node *cfg, const char *group) {
    const ebm_node *list = cfg ? ebm_node_at(cfg, "log.estimators") : NULL;
    if (!list || list->kind != EBM_NODE_SEQ) return NULL;
    const char *name = NULL;
    size_t len = 0;
    if (strncmp(group, "images/", 7) == 0) {
        name = group + 7;
        len = strlen(name);
        if (len <= 8 || strcmp(name + len - 8, "_samples") != 0) return NULL;
        len -= 8;
    } else if (strcmp(group, "samples") != 0) {
        return NULL;
    }
    for (int i = 0; i < list->n; i++) {
        const ebm_node *e = list->values[i];
        const char *type = ebm_cfg_str(e, "type", "");
        if (!name && strcmp(type, "sample") == 0 && ebm_cfg_int(e, "images", 0) > 0) return e;
        const char *called = ebm_cfg_str(e, "name", type);
        if (name && strcmp(type, "conditional") == 0 && strlen(called) == len &&
            strncmp(called, name, len) == 0)
            return e;
    }
    return NULL;
}

/* The sampler map as one line of flow YAML into out. */
static void flow_of(const ebm_node *sampler, char *out, size_t size) {
    char *flow = ebm_cfg_to_flow(sampler);
    snprintf(out, size, "%s", flow ? flow : "?");
    free(flow);
}

void ebm_sample_source(const ebm_node *cfg, const ebm_image_set *set, char *out,
                       size_t size) {
    char sampler[600];
    out[0] = '\0';
    if (set->sampler && *set->sampler) {
        /* ebm sample: the sampler's block YAML, the clamp as it was given */
        ebm_error ignored;
        ebm_node *node = ebm_cfg_parse_string(set->sampler, strlen(set->sampler),
                                              "sampler", &ignored);
        if (node) flow_of(node, sampler, sizeof sampler);
        else snprintf(sampler, sizeof sampler, "%s", set->sampler);
        ebm_node_free(node);
        snprintf(out, size, "sampler %s; clamped: %s", sampler,
                 set->clamped && *set->clamped ? set->clamped : "none");
        return;
    }
    const ebm_node *e = estimator_of(cfg, set->group);
    if (!e) return;
    const ebm_node *given = ebm_node_child(e, "sampler");
    int conditional = strcmp(ebm_cfg_str(e, "type", ""), "conditional") == 0;
    if (given) flow_of(given, sampler, sizeof sampler);
    else if (conditional)   /* the conditional estimator's default */
        snprintf(sampler, sizeof sampler, "{type: gibbs, burn_in: %lld, sweeps: 1}",
                 (long long)ebm_cfg_int(e, "burn_in", 1000));
    else
        return;
    snprintf(out, size, "sampler %s; clamped: %s", sampler,
             conditional ? "the label, one class a column" : "none");
}
