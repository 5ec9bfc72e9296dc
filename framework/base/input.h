/* input.h — opening a file the user named as input (an experiment file, a
 * fragment, a data file): only a regular file, never more than a stated
 * size, and never a wait: a FIFO or a device is refused by name at once
 * rather than read forever (or until memory runs out, for /dev/zero). */
#ifndef EBM_INPUT_H
#define EBM_INPUT_H

#include <stdio.h>
#include <sys/types.h>

#include "error.h"

/* The caps the README states: experiment files and fragments, and CSV or
 * IDX data files. */
#define EBM_MAX_CONFIG_BYTES ((off_t)16 << 20)
#define EBM_MAX_DATA_BYTES ((off_t)4 << 30)

/* Opens path for reading if it is a regular file of at most max_bytes.
 * Anything else is EBM_EDATA naming what it is ("a FIFO", "a character
 * device", ...) or its size; the open itself is O_NONBLOCK, so a FIFO with
 * no writer cannot block it. NULL with err set (and errno kept from a
 * failed open, e.g. ENOENT, code EBM_EIO) otherwise. what names the file
 * in messages ("an experiment file"). */
FILE *ebm_input_open(const char *path, off_t max_bytes, const char *what, ebm_error *err);

#endif
