/* plot_ctx.h — what one `ebm plot` collects while it exports its inputs:
 * where files go, the file labels used so far, the metric overlays (one
 * plot per metric over every run) and the gnuplot jobs queued. */
#ifndef EBM_PLOT_CTX_H
#define EBM_PLOT_CTX_H

#include <stddef.h>

#include "gnuplot.h"

/* One run's share of an overlay: its legend and data files ("step value";
 * a band "step lo hi" from a metric's <name>_lo/_hi pair; its <name>_exact
 * companion), NULL for those it lacks. */
typedef struct ebm_plot_curve {
    char *title, *file, *band, *exact;
    char *experiment;  /* the run's experiment (its config's name), or "" */
    size_t points;     /* the most points any of its series has */
    double shade;      /* a sweep point's value of the numeric key its colour shows */
} ebm_plot_curve;

/* A metric drawn from several runs: a curve per run. */
typedef struct ebm_plot_overlay {
    char *metric, *axis;
    int n;
    ebm_plot_curve *curves;
    /* the documented value an expect: entry gives this metric, drawn as a
     * reference line labelled with its source; ref_source NULL when none */
    double ref_value;
    char *ref_source;
    /* A sweep over one numeric key: the curves coloured along a gradient by
     * their shade, with a colour bar named shade_key, instead of a legend
     * line each; NULL for a legend. */
    char *shade_key;
} ebm_plot_overlay;

typedef struct ebm_plot_ctx {
    char out[4096], data[4200];   /* the PNGs' directory, and its data/ */
    ebm_gp_jobs jobs;
    ebm_plot_overlay *overlays;
    int n_overlays;
    char **labels;   /* file labels used so far, to keep them distinct */
    int n_labels;
    int all_points;  /* write every point of a long series (else thinned) */
    int out_given;   /* --out: every picture goes there */
    /* where the run being exported puts its images: its own DIR/plots (or
     * OUT, or OUT/<point> for a sweep's point under --out), and whether the
     * run's file label is added as a folder (several inputs under --out) */
    char images_out[4400];
    int images_by_label;
} ebm_plot_ctx;

/* A file label made of label's safe characters and not used before ("run",
 * then "run-2", ...), remembered. -1 when out of memory. */
int ebm_plot_unique_label(ebm_plot_ctx *ctx, const char *label, char *out,
                          size_t size);

/* Frees what ctx holds (not ctx itself). */
void ebm_plot_ctx_free(ebm_plot_ctx *ctx);

#endif
