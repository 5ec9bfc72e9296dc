/* state.c — the list of plugin state a checkpoint saves (state.h). */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>

_Static_assert(sizeof(size_t) == sizeof(uint64_t), "size_t counters are saved as u64");

size_t ebm_state_type_size(ebm_state_type type) {
    return type == EBM_STATE_F32 || type == EBM_STATE_I32 ? 4 : 8;
}

int ebm_state_add(ebm_state_list *list, const char *name, ebm_state_type type,
                  void *data, size_t count, ebm_error *err) {
    if (list->n == list->cap) {
        int cap = list->cap ? 2 * list->cap : 16;
        ebm_state_item *grown = realloc(list->items, (size_t)cap * sizeof *grown);
        if (!grown) return ebm_fail(err, EBM_ENOMEM, "checkpoint state list");
        list->items = grown;
        list->cap = cap;
    }
    ebm_state_item *item = &list->items[list->n];
    int len = snprintf(item->name, sizeof item->name, "%s%s%s",
                       list->prefix ? list->prefix : "", list->prefix ? "/" : "", name);
    if (len < 0 || (size_t)len >= sizeof item->name)
        return ebm_fail(err, EBM_EINVAL, "checkpoint state name too long: %s", name);
    if (count > 0 && !data)
        return ebm_fail(err, EBM_EINVAL, "checkpoint state %s: no data", item->name);
    item->type = type;
    item->data = data;
    item->count = count;
    list->n++;
    return EBM_OK;
}

void ebm_state_list_free(ebm_state_list *list) {
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}
