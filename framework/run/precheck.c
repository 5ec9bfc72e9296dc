/* precheck.c — the data checks of precheck.h. A wrong path to a test set
 * used to pass validation and fail the run at its first log point, after
 * the run directory was made. */
#include "precheck.h"

#include "dataset.h"
#include "footprint.h"
#include "registry.h"

/* The shape of the dataset section `section` names; *known = 0 when its
 * plugin cannot tell one (or the type is unknown: validation reported it). */
static int shape_of(const ebm_node *section, ebm_data_shape *out, int *known,
                    ebm_error *err) {
    const ebm_dataset_ops *ops = (const ebm_dataset_ops *)ebm_registry_find(
        EBM_KIND_DATASET, ebm_cfg_str(section, "type", ""));
    *out = (ebm_data_shape){0};
    *known = ops && ops->xShape;
    if (!*known) return EBM_OK;
    int rc = ops->xShape(section, out, err);
    return rc ? ebm_error_prefix(err, "data (%s)", ops->info.name) : EBM_OK;
}

int ebm_precheck(const ebm_node *cfg, double memory_bytes, ebm_error *err) {
    const ebm_node *data_cfg = ebm_node_child(cfg, "data");
    ebm_data_shape shape;
    int known;
    if (shape_of(data_cfg, &shape, &known, err)) return err->code;
    size_t dim = shape.dim;   /* the row length a test set must have */

    const ebm_node *estimators = ebm_node_at(cfg, "log.estimators");
    for (int i = 0; estimators && estimators->kind == EBM_NODE_SEQ && i < estimators->n; i++) {
        const ebm_node *test_cfg = ebm_node_child(estimators->values[i], "test");
        ebm_data_shape test;
        int test_known;
        if (!test_cfg) continue;
        int rc = shape_of(test_cfg, &test, &test_known, err);
        if (!rc && test_known && known && test.dim != dim)
            rc = ebm_fail(err, EBM_EDATA, "rows have %zu columns, the training data %zu",
                          test.dim, dim);
        if (rc)
            return ebm_error_prefix(err, "log.estimators[%d] (%s): test", i,
                                    ebm_cfg_str(estimators->values[i], "type", ""));
    }
    if (!known) return EBM_OK;

    size_t valid = (size_t)ebm_cfg_int(data_cfg, "valid", 0);
    ebm_dataset train = {.n = shape.n > valid ? shape.n - valid : 0, .dim = shape.dim};
    if (ebm_cfg_bool(data_cfg, "append_labels", 0)) train.dim += (size_t)shape.n_classes;
    return ebm_footprint_check(cfg, &train, memory_bytes, err);
}
