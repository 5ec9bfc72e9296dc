/* tensor.h — a named float32 array: how models hand out their parameters, so
 * the run file, checkpoints and the optimiser can treat them alike. */
#ifndef EBM_TENSOR_H
#define EBM_TENSOR_H

#include <stddef.h>

/* A named float32 parameter array, e.g. W (N × N). Models hand out tensors that
 * point into their own storage: the runner saves them, the optimiser updates
 * them, `ebm sample` fills them from a run file. */
typedef struct ebm_tensor {
    const char *name;
    float *data;
    int rank;
    size_t shape[4];
} ebm_tensor;

size_t ebm_tensor_size(const ebm_tensor *t);
/* Copies the first min(n, max) of a model's tensors into out (what every
 * xParams does); returns how many. */
int ebm_tensor_list(ebm_tensor *out, int max, const ebm_tensor *all, int n);

#endif
