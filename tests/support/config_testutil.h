/* config_testutil.h — what the tests of data and configs share: a small file
 * written into the test's scratch directory, and an experiment parsed and
 * validated from YAML text as the runner would, its problems printed. */
#ifndef EBM_CONFIG_TESTUTIL_H
#define EBM_CONFIG_TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include "cfg.h"

/* dir/name holding text; a failure shows up as the test's missing file. */
static inline void ct_write_file(const char *dir, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* The validated tree of an experiment, or NULL with its problems on stderr. */
static inline ebm_node *ct_experiment(const char *text) {
    ebm_error err = {0};
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_parse_string(text, strlen(text), "t.yaml", &err);
    if (root && ebm_cfg_validate(root, &diags)) {
        for (int i = 0; i < diags.n; i++) fprintf(stderr, "  diag: %s\n", diags.items[i]);
        ebm_node_free(root);
        root = NULL;
    }
    ebm_diags_free(&diags);
    return root;
}

#endif
