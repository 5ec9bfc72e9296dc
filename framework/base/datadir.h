/* datadir.h — where ebm's shared files are: the gnuplot scripts, the config
 * fragments and the documented experiments. */
#ifndef EBM_DATADIR_H
#define EBM_DATADIR_H

#include <stddef.h>

#include "error.h"

/* The directory `what` ("scripts", "configs", "experiments") into out, from
 * the first place that has it:
 *   1. PREFIX/share/ebm/what, PREFIX being the parent of the directory that
 *      holds this library or the running binary (an installed ebm, wherever
 *      its prefix was moved);
 *   2. $EBM_DATA_DIR/what;
 *   3. the source tree ebm was built from.
 * Returns EBM_OK, or EBM_EIO naming the places looked at. */
int ebm_data_dir(const char *what, char *out, size_t size, ebm_error *err);

#endif
