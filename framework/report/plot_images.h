/* plot_images.h — `ebm plot`'s images: the latest set of each image group of
 * a run laid out as one grid (images.gp), and the densities of 2-D models as
 * heat maps with their data and samples on top (density.gp). */
#ifndef EBM_PLOT_IMAGES_H
#define EBM_PLOT_IMAGES_H

#include "cfg.h"
#include "error.h"
#include "plot_ctx.h"
#include "runfile.h"

/* Exports a run's image sets (as ebm_runfile_read_images gives them, grouped,
 * steps ascending) under the file label, and queues their gnuplot jobs; each
 * picture's title names the experiment (cfg's name; cfg is the run's /config,
 * NULL when unreadable), the run's legend, the step and, for samples, the
 * sampler and clamp that drew them. */
int ebm_plot_images(ebm_plot_ctx *ctx, const ebm_image_set *sets, int n_sets,
                    const ebm_node *cfg, const char *file_label, const char *legend,
                    ebm_error *err);

#endif
