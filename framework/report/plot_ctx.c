/* plot_ctx.c — what one `ebm plot` collects while it exports its inputs:
 * where files go, the file labels used so far, the metric overlays (one
 * plot per metric over every run) and the gnuplot jobs queued. */
#include "plot_ctx.h"

#include <stdlib.h>
#include <string.h>

#include "plot_text.h"

int ebm_plot_unique_label(ebm_plot_ctx *ctx, const char *label, char *out,
                          size_t size) {
    char base[160];
    ebm_plot_safe_name(base, sizeof base, label);
    ebm_plot_fmt(out, size, "%s", base);
    for (int k = 2;; k++) {
        int used = 0;
        for (int i = 0; i < ctx->n_labels && !used; i++)
            used = strcmp(ctx->labels[i], out) == 0;
        if (!used) break;
        ebm_plot_fmt(out, size, "%s-%d", base, k);
    }
    char **grown = realloc(ctx->labels, (size_t)(ctx->n_labels + 1) * sizeof *grown);
    if (!grown) return -1;
    ctx->labels = grown;
    if (!(grown[ctx->n_labels] = strdup(out))) return -1;
    ctx->n_labels++;
    return 0;
}

void ebm_plot_ctx_free(ebm_plot_ctx *ctx) {
    ebm_gp_jobs_free(&ctx->jobs);
    for (int i = 0; i < ctx->n_overlays; i++) {
        ebm_plot_overlay *o = &ctx->overlays[i];
        for (int k = 0; k < o->n; k++) {
            free(o->curves[k].title);
            free(o->curves[k].file);
            free(o->curves[k].band);
            free(o->curves[k].exact);
            free(o->curves[k].experiment);
        }
        free(o->curves);
        free(o->ref_source);
        free(o->shade_key);
        free(o->metric);
        free(o->axis);
    }
    free(ctx->overlays);
    for (int i = 0; i < ctx->n_labels; i++) free(ctx->labels[i]);
    free(ctx->labels);
}
