/* test_config.c — the configuration tree: YAML loading with positions,
 * getters and scalar parsing, composition from defaults, overrides, sweep
 * detection and the emit → parse round trip. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
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
    ASSERT(strncmp(err.msg, "t.yaml:", 7) == 0);
    /* libyaml says where the flow sequence went wrong */
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
    TEST_MAIN_END();
}
