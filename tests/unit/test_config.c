/* test_config.c — the configuration tree: YAML loading with positions,
 * getters and scalar parsing, composition from defaults, overrides, sweep
 * detection and the emit → parse round trip. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "schema.h"
#include "sweep_expr.h"
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

static ebm_node *parse(const char *text, ebm_error *err) {
    return ebm_cfg_parse_string(text, strlen(text), "t.yaml", err);
}

/* True when both trees hold the same kinds, keys, texts and quoting. */
static int trees_equal(const ebm_node *a, const ebm_node *b) {
    if (a->kind != b->kind || a->n != b->n) return 0;
    if (a->kind == EBM_NODE_SCALAR)
        return strcmp(a->scalar, b->scalar) == 0 && a->quoted == b->quoted;
    for (int i = 0; i < a->n; i++) {
        if (a->kind == EBM_NODE_MAP && strcmp(a->keys[i], b->keys[i]) != 0) return 0;
        if (!trees_equal(a->values[i], b->values[i])) return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ loading */

TEST(parse_positions) {
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_file(fixture("positions.yaml"), &err);
    if (!root) FAIL_("%s", err.msg);
    ASSERT_EQ(root->kind, EBM_NODE_MAP);
    ASSERT_EQ(root->n, 5);
    ASSERT_STR_CONTAINS(root->mark.file, "positions.yaml");
    /* name: pos-test on line 2 */
    ASSERT(strcmp(root->keys[0], "name") == 0);
    ASSERT_EQ(root->key_marks[0].line, 2);
    ASSERT_EQ(root->key_marks[0].column, 1);
    ASSERT_EQ(root->values[0]->mark.line, 2);
    ASSERT_EQ(root->values[0]->mark.column, 7);
    ebm_node *units = ebm_node_at(root, "model.units");
    ASSERT(units);
    ASSERT_EQ(units->mark.line, 6);
    ASSERT_EQ(units->mark.column, 10);
    ebm_node *model = ebm_node_child(root, "model");
    ASSERT_EQ(model->key_marks[1].line, 6);
    ASSERT_EQ(model->key_marks[1].column, 3);
    ebm_node *rule = ebm_node_at(root, "model.rule");
    ASSERT(rule->quoted);
    ASSERT(strcmp(rule->scalar, "hebbian") == 0);
    ASSERT(!units->quoted);
    ebm_node *list = ebm_node_child(root, "list");
    ASSERT_EQ(list->kind, EBM_NODE_SEQ);
    ASSERT_EQ(list->n, 3);
    ASSERT_EQ(list->mark.line, 8);
    ASSERT_EQ(list->mark.column, 7);
    ASSERT_EQ(list->values[1]->mark.column, 11);
    ebm_node *k = ebm_node_at(root, "block.1.k");
    ASSERT(k && strcmp(k->scalar, "v") == 0);
    ASSERT_EQ(k->mark.line, 11);
    ASSERT_EQ(k->mark.column, 9);
    /* every node of the tree shares one interned copy of the file name */
    ASSERT(k->mark.file == root->mark.file);
    ebm_node_free(root);
}

TEST(parse_syntax_error_has_position) {
    ebm_error err = {0};
    ebm_node *root = parse("a: 1\nb: [1, 2\nc: 3\n", &err);
    ASSERT(!root);
    ASSERT_EQ(err.code, EBM_ECONFIG);
    /* libyaml notices the unclosed list where the next key's colon is */
    ASSERT(strcmp(err.msg, "t.yaml:3:2: did not find expected ',' or ']'") == 0);
    root = parse("a: 1\n  b: 2\n", &err);
    ASSERT(!root);
    ASSERT_STR_CONTAINS(err.msg, "t.yaml:2:4: mapping values are not allowed");
}

TEST(parse_missing_file) {
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_file("/nonexistent/dir/exp.yaml", &err);
    ASSERT(!root);
    ASSERT_EQ(err.code, EBM_EIO);
    ASSERT(strcmp(err.msg, "/nonexistent/dir/exp.yaml: cannot open: "
                           "No such file or directory") == 0);
}

TEST(parse_refuses_aliases_and_duplicates) {
    ebm_error err = {0};
    ASSERT(!parse("a: &x 1\nb: *x\n", &err));
    ASSERT_STR_CONTAINS(err.msg, "t.yaml:1:4: anchors");
    ASSERT(!parse("a: 1\nb:\n  c: 2\n  c: 3\n", &err));
    ASSERT_STR_CONTAINS(err.msg, "t.yaml:4:3: duplicate key 'c' (first given at line 3)");
    ASSERT(!parse("a: 1\n--- \nb: 2\n", &err));
    ASSERT_STR_CONTAINS(err.msg, "t.yaml:2:1: a config holds one YAML document");
    ASSERT(!parse("[1, 2]: x\n", &err));
    ASSERT_STR_CONTAINS(err.msg, "t.yaml:1:1: a key must be");
}

TEST(parse_empty_is_empty_map) {
    ebm_error err = {0};
    const char *texts[] = {"", "# only a comment\n", "---\n"};
    for (int i = 0; i < 3; i++) {
        ebm_node *root = parse(texts[i], &err);
        if (!root) FAIL_("%s", err.msg);
        ASSERT_EQ(root->kind, EBM_NODE_MAP);
        ASSERT_EQ(root->n, 0);
        ebm_node_free(root);
    }
}

TEST(parse_deep_nesting_is_an_error) {
    char text[2000];
    int n = 0;
    for (int i = 0; i < 300; i++) text[n++] = '[';
    for (int i = 0; i < 300; i++) text[n++] = ']';
    text[n] = '\0';
    ebm_error err = {0};
    ebm_node *root = parse(text, &err);
    ASSERT(!root);
    ASSERT_STR_CONTAINS(err.msg, "nested too deeply");
}

/* ------------------------------------------------------------ scalars */

TEST(parse_int) {
    int64_t v = 0;
    ASSERT_OK(ebm_parse_int("1000", &v));
    ASSERT_EQ(v, 1000);
    ASSERT_OK(ebm_parse_int("1e3", &v));
    ASSERT_EQ(v, 1000);
    ASSERT_OK(ebm_parse_int("-42", &v));
    ASSERT_EQ(v, -42);
    ASSERT_OK(ebm_parse_int("+7", &v));
    ASSERT_EQ(v, 7);
    ASSERT_OK(ebm_parse_int("9223372036854775807", &v));
    ASSERT_EQ(v, INT64_MAX);
    ASSERT(ebm_parse_int("9223372036854775808", &v) != 0);
    ASSERT(ebm_parse_int("1.5", &v) != 0);
    ASSERT(ebm_parse_int("1e-3", &v) != 0);
    ASSERT(ebm_parse_int("abc", &v) != 0);
    ASSERT(ebm_parse_int("", &v) != 0);
    ASSERT(ebm_parse_int(" 3", &v) != 0);
    ASSERT(ebm_parse_int("3x", &v) != 0);
    ASSERT(ebm_parse_int(".inf", &v) != 0);
    ASSERT(ebm_parse_int("1e30", &v) != 0);
}

TEST(parse_double) {
    double v = 0;
    ASSERT_OK(ebm_parse_double("0.1", &v));
    ASSERT(v == 0.1);
    ASSERT_OK(ebm_parse_double("-1.5e-3", &v));
    ASSERT(v == -1.5e-3);
    ASSERT_OK(ebm_parse_double("3", &v));
    ASSERT(v == 3.0);
    ASSERT_OK(ebm_parse_double(".5", &v));
    ASSERT(v == 0.5);
    ASSERT_OK(ebm_parse_double(".inf", &v));
    ASSERT(isinf(v) && v > 0);
    ASSERT_OK(ebm_parse_double("-.Inf", &v));
    ASSERT(isinf(v) && v < 0);
    ASSERT_OK(ebm_parse_double(".nan", &v));
    ASSERT(isnan(v));
    ASSERT(ebm_parse_double("inf", &v) != 0);
    ASSERT(ebm_parse_double("nan", &v) != 0);
    ASSERT(ebm_parse_double("0x10", &v) != 0);
    ASSERT(ebm_parse_double("", &v) != 0);
    ASSERT(ebm_parse_double("1.0.0", &v) != 0);
    ASSERT(ebm_parse_double("abc", &v) != 0);
    ASSERT(ebm_parse_double("1e999", &v) != 0);
}

TEST(parse_bool) {
    const char *truths[] = {"true", "True", "YES", "on", "On"};
    const char *lies[] = {"false", "FALSE", "no", "No", "off"};
    for (int i = 0; i < 5; i++) {
        int v = -1;
        ASSERT_OK(ebm_parse_bool(truths[i], &v));
        ASSERT_EQ(v, 1);
        ASSERT_OK(ebm_parse_bool(lies[i], &v));
        ASSERT_EQ(v, 0);
    }
    int v;
    ASSERT(ebm_parse_bool("1", &v) != 0);
    ASSERT(ebm_parse_bool("y", &v) != 0);
    ASSERT(ebm_parse_bool("", &v) != 0);
}

/* ------------------------------------------------------------ getters */

TEST(getters) {
    ebm_error err = {0};
    ebm_node *root = parse("n: 1e3\n"
                           "train:\n  optim: {lr: 0.05, momentum: [0.5, 0.9]}\n"
                           "  shuffle: off\n  name: \"3\"\n"
                           "single: 2.5\nnothing: ~\n"
                           "ests: [{type: a}, {type: b}]\n", &err);
    if (!root) FAIL_("%s", err.msg);
    ASSERT_EQ(ebm_cfg_int(root, "n", -1), 1000);
    ASSERT_EQ(ebm_cfg_int(root, "missing", -1), -1);
    ASSERT_EQ(ebm_cfg_int(root, "train.optim.lr", -1), -1);   /* not integral */
    ASSERT(ebm_cfg_double(root, "train.optim.lr", 0) == 0.05);
    ASSERT(ebm_cfg_double(root, "train.optim.nope", 7.5) == 7.5);
    ASSERT_EQ(ebm_cfg_bool(root, "train.shuffle", 1), 0);
    ASSERT_EQ(ebm_cfg_bool(root, "train.nope", 1), 1);
    ASSERT(strcmp(ebm_cfg_str(root, "train.name", "x"), "3") == 0);
    ASSERT(strcmp(ebm_cfg_str(root, "nothing", "def"), "def") == 0);
    ASSERT(strcmp(ebm_cfg_str(root, "ests.1.type", "?"), "b") == 0);
    ASSERT(ebm_cfg_str(root, "ests.2.type", NULL) == NULL);
    ASSERT(ebm_cfg_str(root, "train", NULL) == NULL);    /* a map is not a string */
    double m[4] = {0};
    ASSERT_EQ(ebm_cfg_doubles(root, "train.optim.momentum", m, 4), 2);
    ASSERT(m[0] == 0.5 && m[1] == 0.9);
    ASSERT_EQ(ebm_cfg_doubles(root, "train.optim.momentum", m, 1), 2);
    ASSERT_EQ(ebm_cfg_doubles(root, "single", m, 4), 1);
    ASSERT(m[0] == 2.5);
    ASSERT_EQ(ebm_cfg_doubles(root, "absent", m, 4), 0);
    /* a path through a scalar or with an empty part finds nothing */
    ASSERT(ebm_node_at(root, "n.x") == NULL);
    ASSERT(ebm_node_at(root, "train..optim") == NULL);
    ASSERT(ebm_node_at(root, "train.") == NULL);
    ebm_node_free(root);
}

TEST(build_and_clone) {
    ebm_mark at = {"built", 1, 1};
    ebm_node *root = ebm_node_new_map(at);
    ASSERT_OK(ebm_node_set(root, "a", ebm_node_new_scalar("1", at)));
    ASSERT_OK(ebm_node_set(root, "b", ebm_node_new_seq(at)));
    ASSERT_OK(ebm_node_append(ebm_node_child(root, "b"), ebm_node_new_scalar("x", at)));
    ASSERT_OK(ebm_node_set(root, "a", ebm_node_new_scalar("2", at)));   /* replace */
    ASSERT_EQ(root->n, 2);
    ASSERT_EQ(ebm_cfg_int(root, "a", 0), 2);
    ASSERT(ebm_node_set(ebm_node_child(root, "a"), "x", ebm_node_new_scalar("1", at)) != 0);
    ASSERT(ebm_node_append(root, ebm_node_new_scalar("1", at)) != 0);

    ebm_error err = {0};
    ebm_node *parsed = parse("p: {q: [1, 2]}\nr: s\n", &err);
    if (!parsed) FAIL_("%s", err.msg);
    ebm_node *copy = ebm_node_clone(parsed);
    ebm_node_free(parsed);   /* the copy must not depend on the original */
    ASSERT(copy);
    ASSERT(strcmp(copy->mark.file, "t.yaml") == 0);
    ebm_node *q1 = ebm_node_at(copy, "p.q.1");
    ASSERT(q1 && strcmp(q1->scalar, "2") == 0);
    ASSERT(strcmp(q1->mark.file, "t.yaml") == 0);
    ASSERT_EQ(q1->mark.column, 12);

    ASSERT_EQ(ebm_node_remove(copy, "p"), 1);
    ASSERT_EQ(ebm_node_remove(copy, "p"), 0);
    ASSERT_EQ(copy->n, 1);
    ASSERT(strcmp(copy->keys[0], "r") == 0);
    ebm_node_free(copy);
    ebm_node_free(root);
}

/* ------------------------------------------------------------ composition */

TEST(compose_order_and_merge) {
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(fixture("compose/exp/exp.yaml"), NULL, 0, &diags);
    for (int i = 0; i < diags.n; i++) fprintf(stderr, "%s\n", diags.items[i]);
    ASSERT_EQ(diags.n, 0);
    ASSERT(root);
    ASSERT(ebm_node_child(root, "defaults") == NULL);
    ASSERT(strcmp(ebm_cfg_str(root, "name", ""), "composed") == 0);
    /* the experiment file overrides every fragment */
    ASSERT_EQ(ebm_cfg_int(root, "model.units", 0), 128);
    ASSERT_EQ(ebm_cfg_int(root, "train.epochs", 0), 5);
    /* nested maps merge key by key */
    ASSERT(strcmp(ebm_cfg_str(root, "model.type", ""), "hopfield") == 0);
    ASSERT(strcmp(ebm_cfg_str(root, "model.rule", ""), "hebbian") == 0);
    /* a later fragment overrides an earlier one; the earlier one fills the rest */
    ASSERT_EQ(ebm_cfg_int(root, "data.n", 0), 100);
    ASSERT_EQ(ebm_cfg_int(root, "data.dim", 0), 50);
    ASSERT_EQ(ebm_cfg_int(root, "data.valid", 0), 2);
    ASSERT(strcmp(ebm_cfg_str(root, "data.type", ""), "random_patterns") == 0);
    ASSERT_EQ(ebm_cfg_int(root, "seed", 0), 7);
    /* the experiment's own keys come first, in its order */
    ASSERT_EQ(root->n, 5);
    ASSERT(strcmp(root->keys[0], "name") == 0);
    ASSERT(strcmp(root->keys[1], "model") == 0);
    ASSERT(strcmp(root->keys[2], "train") == 0);
    /* positions point into the file each value came from */
    ebm_node *n = ebm_node_at(root, "data.n");
    ASSERT_STR_CONTAINS(n->mark.file, "configs/data/big.yaml");
    ASSERT_EQ(n->mark.line, 2);
    ASSERT_EQ(n->mark.column, 6);
    ebm_node *units = ebm_node_at(root, "model.units");
    ASSERT_STR_CONTAINS(units->mark.file, "exp/exp.yaml");
    ASSERT_EQ(units->mark.line, 4);
    ebm_node *seed = ebm_node_child(root, "seed");
    ASSERT_STR_CONTAINS(seed->mark.file, "configs/data/small.yaml");
    ASSERT_EQ(seed->mark.line, 5);
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(compose_missing_fragment) {
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(fixture("compose/exp/missing.yaml"), NULL, 0, &diags);
    ASSERT(!root);
    ASSERT_EQ(diags.n, 1);
    ASSERT_STR_CONTAINS(diags.items[0], "missing.yaml:4:5: defaults: no fragment 'data/nope'");
    ASSERT_STR_CONTAINS(diags.items[0], "configs/data/nope.yaml");
    ebm_diags_free(&diags);
}

TEST(compose_missing_file) {
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose("/nonexistent/exp.yaml", NULL, 0, &diags);
    ASSERT(!root);
    ASSERT_EQ(diags.n, 1);
    ASSERT(strcmp(diags.items[0], "/nonexistent/exp.yaml: cannot open: "
                                  "No such file or directory") == 0);
    ebm_diags_free(&diags);
}

TEST(compose_with_overrides) {
    char *overrides[] = {"model.units=3", "+train.optim.lr=0.1", "~log",
                         "model.rule=\"storkey\"", "data={n: 5, dim: [1,2]}"};
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(fixture("compose/exp/plain.yaml"), overrides, 5, &diags);
    for (int i = 0; i < diags.n; i++) fprintf(stderr, "%s\n", diags.items[i]);
    ASSERT(root);
    ASSERT_EQ(ebm_cfg_int(root, "model.units", 0), 3);
    ASSERT(ebm_cfg_double(root, "train.optim.lr", 0) == 0.1);
    ASSERT(ebm_node_child(root, "log") == NULL);
    ebm_node *rule = ebm_node_at(root, "model.rule");
    ASSERT(rule && rule->quoted && strcmp(rule->scalar, "storkey") == 0);
    ASSERT_EQ(ebm_cfg_int(root, "data.n", 0), 5);
    ASSERT_EQ(ebm_cfg_int(root, "data.dim.1", 0), 2);
    ebm_node *units = ebm_node_at(root, "model.units");
    ASSERT(strcmp(units->mark.file, "<override 1>") == 0);
    ASSERT_EQ(units->mark.line, 1);
    ASSERT_EQ(units->mark.column, 13);
    ebm_node *lr = ebm_node_at(root, "train.optim.lr");
    ASSERT(strcmp(lr->mark.file, "<override 2>") == 0);
    ASSERT_EQ(lr->mark.column, 17);
    ebm_node *dim1 = ebm_node_at(root, "data.dim.1");
    ASSERT(strcmp(dim1->mark.file, "<override 5>") == 0);
    ASSERT_EQ(dim1->mark.column, 21);
    ebm_node_free(root);

    /* a list item named as messages name it: log.estimators[0].split */
    char *indexed[] = {"log.estimators[0].split=train", "+log.estimators[0].rows=7"};
    ebm_diags_free(&diags);
    root = ebm_cfg_compose(fixture("compose/exp/plain.yaml"), indexed, 2, &diags);
    for (int i = 0; i < diags.n; i++) fprintf(stderr, "%s\n", diags.items[i]);
    ASSERT(root);
    ASSERT(strcmp(ebm_cfg_str(root, "log.estimators.0.split", ""), "train") == 0);
    ASSERT_EQ(ebm_cfg_int(root, "log.estimators.0.rows", 0), 7);
    ebm_node_free(root);
    char *half[] = {"log.estimators[0.split=train", "log.estimators[x].split=train"};
    ebm_diags_free(&diags);
    root = ebm_cfg_compose(fixture("compose/exp/plain.yaml"), half, 2, &diags);
    ASSERT(!root);
    ASSERT_EQ(diags.n, 2);
    ASSERT_STR_CONTAINS(diags.items[0], "<override 1>:1:15: log.estimators[0.split: '[' is "
                                        "not allowed in a key");
    ASSERT_STR_CONTAINS(diags.items[1], "<override 2>:1:15: log.estimators[x].split: '['");

    /* a bad override fails the composition, and every bad one is reported */
    char *bad[] = {"model.nope.x=1", "seed", "+seed=3"};
    ebm_diags_free(&diags);
    root = ebm_cfg_compose(fixture("compose/exp/plain.yaml"), bad, 3, &diags);
    ASSERT(!root);
    ASSERT_EQ(diags.n, 2);
    ASSERT_STR_CONTAINS(diags.items[0], "<override 2>:1:1: expected key=value");
    ASSERT_STR_CONTAINS(diags.items[1], "<override 3>:1:2: seed: already set");
    ebm_diags_free(&diags);
}

TEST(compose_config_path_env) {
    /* an experiment outside any tree with a configs/ directory finds its
     * fragments through $EBM_CONFIG_PATH */
    char dir[] = "/tmp/ebm-test-config-XXXXXX";
    if (!mkdtemp(dir)) FAIL_("mkdtemp failed");
    char path[256];
    snprintf(path, sizeof path, "%s/exp.yaml", dir);
    FILE *f = fopen(path, "w");
    ASSERT(f);
    fputs("name: env\ndefaults: [extra/one]\n", f);
    fclose(f);
    char env[4200];
    snprintf(env, sizeof env, "/nonexistent:%s", fixture("envconfigs"));
    setenv("EBM_CONFIG_PATH", env, 1);
    ebm_diags diags = {0};
    ebm_node *root = ebm_cfg_compose(path, NULL, 0, &diags);
    unsetenv("EBM_CONFIG_PATH");
    for (int i = 0; i < diags.n; i++) fprintf(stderr, "%s\n", diags.items[i]);
    ASSERT(root);
    ASSERT_EQ(ebm_cfg_int(root, "model.units", 0), 11);
    ASSERT_STR_CONTAINS(ebm_node_at(root, "model.units")->mark.file,
                        "envconfigs/extra/one.yaml");
    ebm_node_free(root);
    ebm_diags_free(&diags);
    /* without it, the same experiment fails and says where it looked */
    root = ebm_cfg_compose(path, NULL, 0, &diags);
    ASSERT(!root);
    ASSERT_EQ(diags.n, 1);
    ASSERT_STR_CONTAINS(diags.items[0], "exp.yaml:2:12: defaults: no fragment 'extra/one'");
    ebm_diags_free(&diags);
    remove(path);
    rmdir(dir);
}

static ebm_node *base_tree(void) {
    ebm_error err = {0};
    const char *text = "a:\n  b: 1\n  c: [x, y]\nd: text\nempty:\n";
    return ebm_cfg_parse_string(text, strlen(text), "base.yaml", &err);
}

TEST(override_forms) {
    ebm_diags diags = {0};
    ebm_node *root = base_tree();
    ASSERT(root);
    ASSERT_OK(ebm_cfg_apply_override(root, "a.b=2", 1, &diags));
    ASSERT_EQ(ebm_cfg_int(root, "a.b", 0), 2);
    ASSERT_OK(ebm_cfg_apply_override(root, "x.y.z=0.5", 2, &diags));   /* creates maps */
    ASSERT(ebm_cfg_double(root, "x.y.z", 0) == 0.5);
    ebm_node *x = ebm_node_child(root, "x");
    ASSERT_EQ(x->kind, EBM_NODE_MAP);
    ASSERT(strcmp(x->mark.file, "<override 2>") == 0);
    ASSERT_OK(ebm_cfg_apply_override(root, "+a.new=abc", 3, &diags));
    ASSERT(strcmp(ebm_cfg_str(root, "a.new", ""), "abc") == 0);
    ASSERT_OK(ebm_cfg_apply_override(root, "~d", 4, &diags));
    ASSERT(ebm_node_child(root, "d") == NULL);
    ASSERT_OK(ebm_cfg_apply_override(root, "~a.b=2", 5, &diags));   /* holds 2: deleted */
    ASSERT(ebm_node_at(root, "a.b") == NULL);
    ASSERT_OK(ebm_cfg_apply_override(root, "a.c.1=z", 6, &diags));  /* list item */
    ASSERT(strcmp(ebm_cfg_str(root, "a.c.1", ""), "z") == 0);
    ASSERT_OK(ebm_cfg_apply_override(root, "a.c=[1,2,3]", 7, &diags));
    ASSERT_EQ(ebm_node_at(root, "a.c")->kind, EBM_NODE_SEQ);
    ASSERT_EQ(ebm_node_at(root, "a.c")->n, 3);
    ASSERT_OK(ebm_cfg_apply_override(root, "a={k: v}", 8, &diags));  /* replaces */
    ASSERT_EQ(ebm_node_child(root, "a")->n, 1);
    ASSERT(strcmp(ebm_cfg_str(root, "a.k", ""), "v") == 0);
    ASSERT_OK(ebm_cfg_apply_override(root, "empty.units=4", 9, &diags));  /* null → map */
    ASSERT_EQ(ebm_cfg_int(root, "empty.units", 0), 4);
    ASSERT_OK(ebm_cfg_apply_override(root, "q='1,2'", 10, &diags));
    ebm_node *q = ebm_node_child(root, "q");
    ASSERT(q->quoted && strcmp(q->scalar, "1,2") == 0);
    ASSERT_OK(ebm_cfg_apply_override(root, "s=", 11, &diags));
    ASSERT(ebm_node_child(root, "s") && ebm_cfg_str(root, "s", NULL) == NULL);
    ASSERT_EQ(diags.n, 0);
    ebm_node_free(root);
    ebm_diags_free(&diags);
}

TEST(override_malformed) {
    struct {
        const char *text, *message;
    } cases[] = {
        {"a.b", "<override 1>:1:1: expected key=value"},
        {"=3", "<override 1>:1:1: empty key"},
        {"+=3", "<override 1>:1:2: empty key"},
        {"~", "<override 1>:1:2: empty key"},
        {"a..b=1", "<override 1>:1:2: a..b: empty part in key path"},
        {".a=1", "<override 1>:1:1: .a: empty part"},
        {"a.=1", "<override 1>:1:2: a.: empty part"},
        {"a b=1", "<override 1>:1:2: a b: ' ' is not allowed"},
        {"a.b=[1, 2", "<override 1>:1:10: did not find expected ',' or ']'"},
        {"a.b={k: v", "<override 1>:1:10: did not find expected ',' or '}'"},
        {"a.b=x: y", "<override 1>:1:5: expected a single value"},
        {"+a.b=5", "<override 1>:1:2: a.b: already set"},
        {"~a.zz", "<override 1>:1:2: a.zz: no such key to delete"},
        {"~a.zz=1", "<override 1>:1:2: a.zz: no such key to delete"},
        {"~nope.zz", "<override 1>:1:2: nope: no such key"},
        {"~a.b=7", "<override 1>:1:2: a.b: not deleted"},
        {"a.b.c=1", "<override 1>:1:1: a.b: holds a value ('1'), not a map"},
        {"a.c.5=1", "<override 1>:1:1: a.c.5: not an index of the list (it has 2 items)"},
        {"a.b=&x 1", "<override 1>:1:5: anchors"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ebm_diags diags = {0};
        ebm_node *root = base_tree();
        int rc = ebm_cfg_apply_override(root, cases[i].text, 1, &diags);
        if (rc == 0 || diags.n != 1)
            fprintf(stderr, "case '%s': rc %d, %d diags\n", cases[i].text, rc, diags.n);
        ASSERT(rc != 0);
        ASSERT_EQ(diags.n, 1);
        ASSERT_STR_CONTAINS(diags.items[0], cases[i].message);
        ASSERT_STR_CONTAINS(diags.items[0], cases[i].text);
        /* the tree is left as it was */
        ASSERT_EQ(ebm_cfg_int(root, "a.b", 0), 1);
        ebm_node_free(root);
        ebm_diags_free(&diags);
    }
}

TEST(sweep_values) {
    ASSERT(ebm_is_sweep_value("0.1,0.2"));
    ASSERT(ebm_is_sweep_value("a,b,c"));
    ASSERT(ebm_is_sweep_value("range(64,513,64)"));
    ASSERT(ebm_is_sweep_value("range(0.1, 1)"));
    ASSERT(ebm_is_sweep_value("[1,2],[3,4]"));
    ASSERT(!ebm_is_sweep_value("0.1"));
    ASSERT(!ebm_is_sweep_value("[1,2]"));
    ASSERT(!ebm_is_sweep_value("{a: 1, b: 2}"));
    ASSERT(!ebm_is_sweep_value("\"a,b\""));
    ASSERT(!ebm_is_sweep_value("'a,b'"));
    ASSERT(!ebm_is_sweep_value("ranged"));
    ASSERT(!ebm_is_sweep_value(""));
}

/* ------------------------------------------------------------ emitting */

TEST(emit_round_trip) {
    const char *text =
        "name: round-trip\n"
        "n: 3\n"
        "as_string: \"3\"\n"
        "looks_bool: 'true'\n"
        "colon: \"a: b\"\n"
        "hash: \"x #y\"\n"
        "dash: \"- z\"\n"
        "empty_string: \"\"\n"
        "nothing:\n"
        "multi: \"line one\\nline two\"\n"
        "lead: \" padded \"\n"
        "list: [1, [2, 3], {k: v}]\n"
        "empty_list: []\n"
        "empty_map: {}\n"
        "nested:\n  deeper:\n    deepest: [a, b]\n"
        "\"quoted key\": 1\n"
        "unicode: \"h\xc3\xa9llo\"\n"
        "\"3\": numeric key\n";
    ebm_error err = {0};
    ebm_node *a = ebm_cfg_parse_string(text, strlen(text), "a.yaml", &err);
    if (!a) FAIL_("%s", err.msg);
    char *yaml = ebm_cfg_to_yaml(a);
    ASSERT(yaml);
    ebm_node *b = ebm_cfg_parse_string(yaml, strlen(yaml), "b.yaml", &err);
    if (!b) FAIL_("re-parse failed: %s\n%s", err.msg, yaml);
    if (!trees_equal(a, b)) fprintf(stderr, "%s", yaml);
    ASSERT(trees_equal(a, b));
    /* block style, keys in insertion order */
    ASSERT(strncmp(yaml, "name: round-trip\nn: 3\n", 22) == 0);
    ASSERT_STR_CONTAINS(yaml, "nested:\n  deeper:\n    deepest:\n    - a\n    - b\n");
    /* and emitting the copy gives the same text */
    char *again = ebm_cfg_to_yaml(b);
    ASSERT(again && strcmp(yaml, again) == 0);
    free(again);
    free(yaml);
    ebm_node_free(a);
    ebm_node_free(b);
}

TEST(emit_built_tree) {
    /* scalars built in code (not parsed) that would not survive plainly */
    ebm_mark at = {"built", 1, 1};
    ebm_node *root = ebm_node_new_map(at);
    ebm_node_set(root, "colon", ebm_node_new_scalar("key: value", at));
    ebm_node_set(root, "brackets", ebm_node_new_scalar("[not a list]", at));
    ebm_node_set(root, "trailing", ebm_node_new_scalar("space ", at));
    char *yaml = ebm_cfg_to_yaml(root);
    ASSERT(yaml);
    ebm_error err = {0};
    ebm_node *back = ebm_cfg_parse_string(yaml, strlen(yaml), "b.yaml", &err);
    if (!back) FAIL_("%s\n%s", err.msg, yaml);
    ASSERT(strcmp(ebm_cfg_str(back, "colon", ""), "key: value") == 0);
    ASSERT_EQ(ebm_node_child(back, "brackets")->kind, EBM_NODE_SCALAR);
    ASSERT(strcmp(ebm_cfg_str(back, "brackets", ""), "[not a list]") == 0);
    ASSERT(strcmp(ebm_cfg_str(back, "trailing", ""), "space ") == 0);
    free(yaml);
    ebm_node_free(root);
    ebm_node_free(back);
}

/* The headline a config leads with: log.headline, else what the first
 * expect entry reads (its metric, or its crossing's), else none. */
TEST(headline_named_or_expected) {
    static const struct {
        const char *yaml, *headline;
    } cases[] = {
        {"log: {headline: b}\nexpect: [{metric: a}]", "b"},
        {"expect: [{quantity: q, metric: a}, {metric: c}]", "a"},
        {"expect: [{crossing: {metric: overlap, level: 0.5, over: data.load}}]", "overlap"},
        {"expect: []", ""},
        {"log: {every: {epochs: 1}}", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ebm_error err = {0};
        ebm_node *cfg = parse(cases[i].yaml, &err);
        ASSERT(cfg);
        if (strcmp(ebm_schema_headline(cfg), cases[i].headline) != 0)
            FAIL_("%s: headline '%s', expected '%s'", cases[i].yaml, ebm_schema_headline(cfg),
                  cases[i].headline);
        ebm_node_free(cfg);
    }
    ASSERT(strcmp(ebm_schema_headline(NULL), "") == 0);
}

int main(void) {
    RUN(parse_positions);
    RUN(parse_syntax_error_has_position);
    RUN(parse_missing_file);
    RUN(parse_refuses_aliases_and_duplicates);
    RUN(parse_empty_is_empty_map);
    RUN(parse_deep_nesting_is_an_error);
    RUN(parse_int);
    RUN(parse_double);
    RUN(parse_bool);
    RUN(getters);
    RUN(build_and_clone);
    RUN(compose_order_and_merge);
    RUN(compose_missing_fragment);
    RUN(compose_missing_file);
    RUN(compose_with_overrides);
    RUN(compose_config_path_env);
    RUN(override_forms);
    RUN(override_malformed);
    RUN(sweep_values);
    RUN(emit_round_trip);
    RUN(emit_built_tree);
    RUN(headline_named_or_expected);
    TEST_MAIN_END();
}
