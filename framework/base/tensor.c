/* tensor.c — sizes and lists of named parameter arrays (tensor.h). */
#include "tensor.h"

size_t ebm_tensor_size(const ebm_tensor *t) {
    size_t size = 1;
    for (int i = 0; i < t->rank; i++) size *= t->shape[i];
    return size;
}

int ebm_tensor_list(ebm_tensor *out, int max, const ebm_tensor *all, int n) {
    int k = max < n ? (max > 0 ? max : 0) : n;
    for (int i = 0; i < k; i++) out[i] = all[i];
    return k;
}
