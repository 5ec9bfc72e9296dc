/* cmd_list.c — `ebm list`: every plugin of the registry with its parameter
 * table (types, defaults, ranges, help), and the experiment file's sections. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "registry.h"
#include "schema.h"

static const char *type_name(const ebm_param *p) {
    switch (p->type) {
    case EBM_P_INT: return "int";
    case EBM_P_FLOAT: return "float";
    case EBM_P_BOOL: return "bool";
    case EBM_P_STRING: return "string";
    case EBM_P_ENUM: return "enum";
    case EBM_P_FLOATS: return "floats";
    case EBM_P_TABLE: return "table";
    case EBM_P_PLUGIN: return "plugin";
    case EBM_P_PLUGINS: return "plugins";
    case EBM_P_TABLES: return "list";
    case EBM_P_ANY: return "any";
    }
    return "?";
}

/* One entry per parameter:
 *       rule (enum, default hebbian; hebbian|storkey|pseudo_inverse|gradient)
 *           learning rule: ... */
void cli_print_params(FILE *out, const ebm_param *params, const char *prefix, int indent) {
    for (const ebm_param *p = params; p && p->name; p++) {
        char def[96] = "", allowed[160] = "";
        if (p->flags & EBM_PF_REQUIRED) snprintf(def, sizeof def, ", required");
        else if (p->def) snprintf(def, sizeof def, ", default %s", p->def);
        if (p->type == EBM_P_ENUM && p->choices) snprintf(allowed, sizeof allowed, "; %s", p->choices);
        else if (p->range) snprintf(allowed, sizeof allowed, "; %s", p->range);
        else if (p->type == EBM_P_PLUGIN || p->type == EBM_P_PLUGINS)
            snprintf(allowed, sizeof allowed, "; see ebm list %ss",
                     ebm_kind_name((ebm_kind)p->kind));
        fprintf(out, "%*s%s%s (%s%s%s)\n", indent, "", prefix, p->name, type_name(p), def,
                allowed);
        if (p->help) fprintf(out, "%*s    %s\n", indent, "", p->help);
        if ((p->type == EBM_P_TABLE || p->type == EBM_P_TABLES || p->type == EBM_P_PLUGIN ||
             p->type == EBM_P_PLUGINS) && p->sub) {
            char sub_prefix[128];
            snprintf(sub_prefix, sizeof sub_prefix, "%s%s.", prefix, p->name);
            cli_print_params(out, p->sub, sub_prefix, indent);
        }
    }
}

int cli_list(const cli_args *args) {
    int only = -1, experiment = 0;
    if (args->n_positional > 0) {
        const char *kind = args->positional[0];
        if (strcmp(kind, "experiment") == 0) experiment = 1;
        else if ((only = ebm_kind_from_name(kind)) < 0) {
            fprintf(stderr, "ebm list: unknown kind '%s' (models, samplers, datasets, "
                            "estimators, experiment)\n", kind);
            return EXIT_BAD_INPUT;
        }
    }
    if (experiment || only < 0) {
        printf("experiment file sections\n");
        cli_print_params(stdout, ebm_experiment_params, "", 4);
        if (experiment) return 0;
        printf("\n");
    }
    for (int kind = 0; kind < EBM_KIND_COUNT; kind++) {
        if (only >= 0 && kind != only) continue;
        printf("%ss\n", ebm_kind_name((ebm_kind)kind));
        const ebm_plugin *p = ebm_registry_at((ebm_kind)kind, 0);
        if (!p) printf("  (none yet)\n");
        for (int i = 0; (p = ebm_registry_at((ebm_kind)kind, i)); i++) {
            printf("  %s — %s\n", p->name, p->help);
            cli_print_params(stdout, p->params, "", 6);
        }
        printf("\n");
    }
    return 0;
}
