/* test_validate.c — config validation: every kind of problem is reported
 * with file:line:column, key path and reason, all at once, and defaults are
 * filled in place. Cases that need a registered plugin use whichever plugin
 * the registry lists first and skip while a kind is still empty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "registry.h"
#include "schema.h"
#include "test.h"

static const char *fixture(const char *name) {
    static char path[4096];
    const char *src = getenv("EBM_SRC");
#ifdef EBM_SOURCE_DIR
    if (!src) src = EBM_SOURCE_DIR;
#endif
    if (!src) src = ".";
    snprintf(path, sizeof path, "%s/tests/fixtures/config/%s", src, name);
    return path;
}

static ebm_node *parse(const char *text) {
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_string(text, strlen(text), "t.yaml", &err);
    if (!root) fprintf(stderr, "parse failed: %s\n", err.msg);
    return root;
}

/* The diagnostic holding needle, or NULL. */
static const char *find_diag(const ebm_diags *d, const char *needle) {
    for (int i = 0; i < d->n; i++)
        if (strstr(d->items[i], needle)) return d->items[i];
    return NULL;
}

static void dump(const ebm_diags *d) {
    for (int i = 0; i < d->n; i++) fprintf(stderr, "  diag: %s\n", d->items[i]);
}

#define ASSERT_DIAG(diags, needle)                                   \
    do {                                                             \
        if (!find_diag(&(diags), needle)) {                          \
            dump(&(diags));                                          \
            FAIL_("no diagnostic contains \"%s\"", needle);          \
        }                                                            \
    } while (0)

TEST(edit_distance) {
    ASSERT_EQ(ebm_edit_distance("kitten", "sitting"), 3);
    ASSERT_EQ(ebm_edit_distance("", "abc"), 3);
    ASSERT_EQ(ebm_edit_distance("hidden", "hidden"), 0);
    ASSERT_EQ(ebm_edit_distance("hiden", "hidden"), 1);
    ASSERT_EQ(ebm_edit_distance("lr", "rl"), 2);
}

TEST(schema_tables) {
    const ebm_param *seed = ebm_param_find(ebm_experiment_params, "seed");
    ASSERT(seed && seed->type == EBM_P_INT && strcmp(seed->def, "0") == 0);
    const ebm_param *train = ebm_param_find(ebm_experiment_params, "train");
    ASSERT(train && train->type == EBM_P_TABLE);
    const ebm_param *optim = ebm_param_find(train->sub, "optim");
    const ebm_param *lr = ebm_param_find(optim->sub, "lr");
    ASSERT(lr && strcmp(lr->range, "(0, inf)") == 0 && strcmp(lr->def, "0.01") == 0);
    const ebm_param *model = ebm_param_find(ebm_experiment_params, "model");
    ASSERT(model->type == EBM_P_PLUGIN && model->kind == EBM_KIND_MODEL);
    ASSERT(model->flags & EBM_PF_REQUIRED);
    ASSERT(ebm_param_find(ebm_experiment_params, "nope") == NULL);
}

/* The fixture holds one of nearly every kind of problem: all are reported in
 * one pass, each at its own position. */
TEST(all_problems_at_once) {
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(fixture("bad.yaml"), NULL, 0, &diags);
    ASSERT(root);
    ASSERT_EQ(diags.n, 0);
    int count = ebm_cfg_validate(root, &diags);
    ASSERT_EQ(count, diags.n);
    ASSERT_DIAG(diags, "bad.yaml:2:1: seeed: unknown key (did you mean 'seed'?)");
    ASSERT_DIAG(diags, "bad.yaml:3:14: data.type: unknown dataset 'zzzz_no_such_dataset'");
    ASSERT_DIAG(diags, "bad.yaml:5:9: model.type: unknown model 'zzzz_no_such_model'");
    ASSERT_DIAG(diags, "bad.yaml:7:11: train.epochs: expected an integer in [0, inf), got 2.5");
    ASSERT_DIAG(diags, "bad.yaml:8:12: train.shuffle: expected true or false, got maybe");
    ASSERT_DIAG(diags, "bad.yaml:10:9: train.optim.lr: expected a number in (0, inf), got -1");
    ASSERT_DIAG(diags, "bad.yaml:11:21: train.optim.momentum[1]: expected a number in [0, 1), "
                       "got 1.5");
    ASSERT_DIAG(diags, "bad.yaml:13:19: log.every.epochs: expected an integer in [1, inf), "
                       "got 0");
    ASSERT_DIAG(diags, "bad.yaml:15:37: expect[0].reduce: expected one of final|max|min|mean, "
                       "got last");
    ASSERT_DIAG(diags, "bad.yaml:15:5: expect[0].source: required but missing");
    ASSERT_EQ(count, 10);
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(misspelt_nested_key) {
    ebm_node *root = parse("name: x\ntrain:\n  optim:\n    lrr: 0.1\n    momentun: 0.5\n"
                           "  epoch: 3\n  zzzzzzzz: 1\n");
    ASSERT(root);
    ebm_diags diags = {0};
    ebm_cfg_validate(root, &diags);
    ASSERT_DIAG(diags, "t.yaml:4:5: train.optim.lrr: unknown key (did you mean 'lr'?)");
    ASSERT_DIAG(diags, "t.yaml:5:5: train.optim.momentun: unknown key (did you mean "
                       "'momentum'?)");
    ASSERT_DIAG(diags, "t.yaml:6:3: train.epoch: unknown key (did you mean 'epochs'?)");
    /* nothing near enough: no suggestion, but still an error */
    const char *far = find_diag(&diags, "train.zzzzzzzz");
    ASSERT(far);
    ASSERT_STR_CONTAINS(far, "t.yaml:7:3: train.zzzzzzzz: unknown key");
    ASSERT(!strstr(far, "did you mean"));
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(wrong_types) {
    ebm_node *root = parse("name: [a, b]\nseed: \"3\"\ntrain: 5\n"
                           "log: {estimators: {type: x}}\nexpect: [1]\n");
    ASSERT(root);
    ebm_diags diags = {0};
    ebm_cfg_validate(root, &diags);
    ASSERT_DIAG(diags, "t.yaml:1:7: name: expected a string, got a list");
    ASSERT_DIAG(diags, "t.yaml:2:7: seed: expected an integer in [0, inf), got the string \"3\"");
    ASSERT_DIAG(diags, "t.yaml:3:8: train: expected a map of keys, got 5");
    ASSERT_DIAG(diags, "t.yaml:4:19: log.estimators: expected a list of maps, got a map");
    ASSERT_DIAG(diags, "t.yaml:5:10: expect[0]: expected a map of keys, got 1");
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(out_of_range_and_special_numbers) {
    ebm_node *root = parse("name: r\nseed: -1\ntrain:\n  optim:\n    lr_decay: 1.5\n"
                           "    weight_decay: .nan\n    lr: .inf\n    momentum: 1\n"
                           "  batch: 1e2\n");
    ASSERT(root);
    ebm_diags diags = {0};
    ebm_cfg_validate(root, &diags);
    ASSERT_DIAG(diags, "t.yaml:2:7: seed: expected an integer in [0, inf), got -1");
    ASSERT_DIAG(diags, "t.yaml:5:15: train.optim.lr_decay: expected a number in (0, 1], got 1.5");
    ASSERT_DIAG(diags, "t.yaml:6:19: train.optim.weight_decay: expected a number in [0, inf), "
                       "got .nan");
    ASSERT_DIAG(diags, "t.yaml:7:9: train.optim.lr: expected a number in (0, inf), got .inf");
    ASSERT_DIAG(diags, "t.yaml:8:15: train.optim.momentum: expected a number in [0, 1), got 1");
    /* 1e2 is an integer */
    ASSERT(!find_diag(&diags, "train.batch"));
    ebm_node_free(root);
    ebm_diags_free(&diags);
    /* Open lower ends exclude their bound, closed ones include it. */
    root = parse("name: r\nseed: 0\ntrain:\n  optim:\n    lr: 0\n    lr_decay: 0\n"
                 "    weight_decay: 0\n    momentum: 0\n");
    ASSERT(root);
    ebm_cfg_validate(root, &diags);
    ASSERT_DIAG(diags, "t.yaml:5:9: train.optim.lr: expected a number in (0, inf), got 0");
    ASSERT_DIAG(diags, "t.yaml:6:15: train.optim.lr_decay: expected a number in (0, 1], got 0");
    ASSERT(!find_diag(&diags, "weight_decay"));
    ASSERT(!find_diag(&diags, "momentum"));
    ASSERT(!find_diag(&diags, "seed"));
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(missing_required) {
    ebm_node *root = parse("seed: 1\ntrain: {epochs: 1}\n");
    ASSERT(root);
    ebm_diags diags = {0};
    int count = ebm_cfg_validate(root, &diags);
    ASSERT_EQ(count, 3);
    ASSERT_DIAG(diags, "t.yaml:1:1: name: required but missing (experiment name");
    ASSERT_DIAG(diags, "t.yaml:1:1: data: required but missing");
    ASSERT_DIAG(diags, "t.yaml:1:1: model: required but missing");
    ebm_node_free(root);
    ebm_diags_free(&diags);

    /* a plugin section without a type, and an empty required value */
    root = parse("name:\ndata: {n: 3}\nmodel:\n");
    ASSERT(root);
    ebm_cfg_validate(root, &diags);
    ASSERT_DIAG(diags, "t.yaml:1:6: name: a value is required here");
    ASSERT_DIAG(diags, "t.yaml:2:7: data.type: missing: every dataset names its type");
    ASSERT_DIAG(diags, "model: a value is required here");
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(unknown_plugin_type_without_registry_match) {
    ebm_node *root = parse("name: x\ndata: {type: qqqqqqqqqqqq}\nmodel: {type: qqqqqqqqqqqq}\n"
                           "log: {estimators: [{type: qqqqqqqqqqqq}]}\n");
    ASSERT(root);
    ebm_diags diags = {0};
    ASSERT_EQ(ebm_cfg_validate(root, &diags), 3);
    ASSERT_DIAG(diags, "t.yaml:3:15: model.type: unknown model 'qqqqqqqqqqqq'");
    ASSERT_DIAG(diags, "t.yaml:2:14: data.type: unknown dataset 'qqqqqqqqqqqq'");
    ASSERT_DIAG(diags, "t.yaml:4:27: log.estimators[0].type: unknown estimator");
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(defaults_filled) {
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(fixture("defaults.yaml"), NULL, 0, &diags);
    ASSERT(root);
    ebm_cfg_validate(root, &diags);
    /* only data and model (not given) are missing */
    ASSERT_EQ(diags.n, 2);
    ASSERT_EQ(ebm_cfg_int(root, "seed", -1), 0);
    ASSERT_EQ(ebm_cfg_int(root, "train.epochs", -1), 3);      /* given */
    ASSERT_EQ(ebm_cfg_int(root, "train.batch", -1), 0);
    ASSERT_EQ(ebm_cfg_bool(root, "train.shuffle", 0), 1);
    ASSERT(ebm_cfg_double(root, "train.optim.lr", 0) == 0.5);  /* given */
    ASSERT(ebm_cfg_double(root, "train.optim.lr_decay", 0) == 1.0);
    ASSERT(ebm_cfg_double(root, "train.optim.weight_decay", -1) == 0.0);
    ASSERT_EQ(ebm_cfg_int(root, "train.optim.momentum_switch", -1), 5);
    double m[2];
    ASSERT_EQ(ebm_cfg_doubles(root, "train.optim.momentum", m, 2), 1);
    ASSERT(m[0] == 0.0);
    ASSERT_EQ(ebm_cfg_int(root, "log.every.epochs", -1), 1);
    ebm_node *ests = ebm_node_at(root, "log.estimators");
    ASSERT(ests && ests->kind == EBM_NODE_SEQ && ests->n == 0);
    /* optional keys without a default stay absent */
    ASSERT(ebm_node_child(root, "description") == NULL);
    ASSERT(ebm_node_child(root, "sweep") == NULL);
    ASSERT(ebm_node_child(root, "expect") == NULL);
    /* a filled default is marked with its map's position */
    ebm_node *batch = ebm_node_at(root, "train.batch");
    ASSERT_STR_CONTAINS(batch->mark.file, "defaults.yaml");
    ASSERT_EQ(batch->mark.line, 3);
    ASSERT_EQ(batch->mark.column, 3);
    ebm_node *decay = ebm_node_at(root, "train.optim.lr_decay");
    ASSERT_EQ(decay->mark.line, 4);
    ASSERT_EQ(decay->mark.column, 10);
    /* and validating again finds the same (no new problems from defaults) */
    ebm_diags again = {0};
    ASSERT_EQ(ebm_cfg_validate(root, &again), 2);
    ebm_diags_free(&again);
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(expect_defaults_and_crossing) {
    ebm_node *root = parse("name: e\nexpect:\n  - quantity: q\n    source: s\n"
                           "    crossing: {metric: m, level: 0.5, over: x, direction: sideways}\n"
                           "  - {quantity: q2, source: s2, range: [0.1, 0.2]}\n");
    ASSERT(root);
    ebm_diags diags = {0};
    ebm_cfg_validate(root, &diags);
    ASSERT_DIAG(diags, "t.yaml:5:59: expect[0].crossing.direction: expected one of below|above, "
                       "got sideways");
    ASSERT(strcmp(ebm_cfg_str(root, "expect.0.reduce", ""), "final") == 0);
    ASSERT(strcmp(ebm_cfg_str(root, "expect.1.reduce", ""), "final") == 0);
    ASSERT(ebm_node_at(root, "expect.1.crossing") == NULL);
    ASSERT(ebm_node_at(root, "expect.1.value") == NULL);
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(syntax_error_and_missing_file) {
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(fixture("syntax.yaml"), NULL, 0, &diags);
    ASSERT(!root);
    ASSERT_EQ(diags.n, 1);
    /* libyaml notices the unclosed list where the next key starts */
    ASSERT_STR_CONTAINS(diags.items[0], "syntax.yaml:4:");
    ASSERT_STR_CONTAINS(diags.items[0], "did not find expected ',' or ']'");
    ebm_diags_free(&diags);

    root = ebm_cfg_compose(fixture("no-such-file.yaml"), NULL, 0, &diags);
    ASSERT(!root);
    ASSERT_EQ(diags.n, 1);
    ASSERT_STR_CONTAINS(diags.items[0], "no-such-file.yaml: cannot open: No such file or directory");
    ebm_diags_free(&diags);
}

/* ---- cases that need registered plugins ---- */

static int skip_if_empty(ebm_kind kind, const char *test) {
    if (ebm_registry_at(kind, 0)) return 0;
    printf("skip %s: no %s registered yet\n", test, ebm_kind_name(kind));
    return 1;
}

TEST(unknown_plugin_type_suggests_nearest) {
    if (skip_if_empty(EBM_KIND_MODEL, "unknown_plugin_type_suggests_nearest")) return;
    const char *real = ebm_registry_at(EBM_KIND_MODEL, 0)->name;
    char typo[128];
    snprintf(typo, sizeof typo, "%.100s", real);
    typo[strlen(typo) - 1] = '\0';   /* drop the last letter */
    char text[512];
    snprintf(text, sizeof text, "name: x\nmodel:\n  type: %s\n", typo);
    ebm_node *root = parse(text);
    ASSERT(root);
    ebm_diags diags = {0};
    ebm_cfg_validate(root, &diags);
    char expected[512];
    snprintf(expected, sizeof expected,
             "t.yaml:3:9: model.type: unknown model '%s' (did you mean '%s'?); valid: ",
             typo, real);
    ASSERT_DIAG(diags, expected);
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(misspelt_plugin_key_suggests_nearest) {
    if (skip_if_empty(EBM_KIND_MODEL, "misspelt_plugin_key_suggests_nearest")) return;
    const ebm_plugin *model = ebm_registry_at(EBM_KIND_MODEL, 0);
    if (!model->params || !model->params[0].name) {
        printf("skip misspelt_plugin_key_suggests_nearest: %s has no parameters\n", model->name);
        return;
    }
    const char *key = model->params[0].name;
    char text[512];
    snprintf(text, sizeof text, "name: x\nmodel:\n  type: %s\n  %sx: 1\n", model->name, key);
    ebm_node *root = parse(text);
    ASSERT(root);
    ebm_diags diags = {0};
    ebm_cfg_validate(root, &diags);
    char expected[512];
    snprintf(expected, sizeof expected,
             "t.yaml:4:3: model.%sx: unknown key (did you mean '%s'?)", key, key);
    ASSERT_DIAG(diags, expected);
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(dataset_common_keys) {
    if (skip_if_empty(EBM_KIND_DATASET, "dataset_common_keys")) return;
    const char *name = ebm_registry_at(EBM_KIND_DATASET, 0)->name;
    char text[512];
    snprintf(text, sizeof text, "name: x\ndata: {type: %s, valid: -2}\n", name);
    ebm_node *root = parse(text);
    ASSERT(root);
    ebm_diags diags = {0};
    ebm_cfg_validate(root, &diags);
    ASSERT_DIAG(diags, "data.valid: expected an integer in [0, inf), got -2");
    ebm_node_free(root);
    ebm_diags_free(&diags);

    snprintf(text, sizeof text, "name: x\ndata: {type: %s}\n", name);
    root = parse(text);
    ASSERT(root);
    ebm_cfg_validate(root, &diags);
    ASSERT_EQ(ebm_cfg_int(root, "data.valid", -1), 0);   /* common default filled */
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

int main(void) {
    RUN(edit_distance);
    RUN(schema_tables);
    RUN(all_problems_at_once);
    RUN(misspelt_nested_key);
    RUN(wrong_types);
    RUN(out_of_range_and_special_numbers);
    RUN(missing_required);
    RUN(unknown_plugin_type_without_registry_match);
    RUN(defaults_filled);
    RUN(expect_defaults_and_crossing);
    RUN(syntax_error_and_missing_file);
    RUN(unknown_plugin_type_suggests_nearest);
    RUN(misspelt_plugin_key_suggests_nearest);
    RUN(dataset_common_keys);
    TEST_MAIN_END();
}
