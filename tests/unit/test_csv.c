/* test_csv.c — the csv dataset plugin on files written here: headers found or
 * not, label columns, CRLF, quotes, long lines, and one bad file per kind of
 * error, each checked for its code and the line it names. */
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "config_testutil.h"
#include "dataset.h"
#include "registry.h"
#include "test.h"

static char dir[] = "/tmp/ebm-test-csv-XXXXXX";

/* Loads dir/name through the plugin with the extra flow-map keys in `keys`
 * (e.g. "label_column: 1"); returns the plugin's code. */
static int load(const char *name, const char *keys, ebm_dataset *d, ebm_error *err) {
    const ebm_dataset_ops *ops =
        (const ebm_dataset_ops *)ebm_registry_find(EBM_KIND_DATASET, "csv");
    if (!ops) return -1;
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "{path: %s/%s%s%s}", dir, name, *keys ? ", " : "", keys);
    ebm_node *cfg = ebm_cfg_parse_string(yaml, strlen(yaml), "test", err);
    if (!cfg) return -1;
    int rc = ops->xLoad(cfg, NULL, d, err);
    ebm_node_free(cfg);
    return rc;
}

static int floats_equal(const float *got, const float *want, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i]) return 0;
    return 1;
}

TEST(header_label_name_crlf_spaces) {
    /* CRLF endings, spaces around fields, blank trailing lines */
    ct_write_file(dir, "named.csv", "a, b ,label\r\n1, 2.5, 0\r\n -3e-1 ,4,2\r\n\r\n  \n");
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("named.csv", "label_column: label", &d, &err));
    ASSERT_EQ(d.n, 2);
    ASSERT_EQ(d.dim, 2);
    const float want[] = {1.0f, 2.5f, -0.3f, 4.0f};
    ASSERT(floats_equal(d.x, want, 4));
    ASSERT(d.labels);
    ASSERT_EQ(d.labels[0], 0);
    ASSERT_EQ(d.labels[1], 2);
    ASSERT_EQ(d.n_classes, 3);
    ASSERT_EQ(d.stochastic, 0);
    ASSERT_EQ(d.height, 0);
    ebm_dataset_free(&d);
}

TEST(no_header_when_all_numbers_and_no_final_newline) {
    ct_write_file(dir, "plain.csv", "1,2\n\n3,4");   /* a blank line inside is skipped too */
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("plain.csv", "", &d, &err));
    ASSERT_EQ(d.n, 2);
    ASSERT_EQ(d.dim, 2);
    const float want[] = {1, 2, 3, 4};
    ASSERT(floats_equal(d.x, want, 4));
    ASSERT(d.labels == NULL);
    ebm_dataset_free(&d);

    /* header: true takes even a numeric first line as names */
    ASSERT_OK(load("plain.csv", "header: true", &d, &err));
    ASSERT_EQ(d.n, 1);
    ASSERT(d.x[0] == 3.0f && d.x[1] == 4.0f);
    ebm_dataset_free(&d);

    /* header: false reads a line of names as data, and says where */
    ct_write_file(dir, "names.csv", "x,y\n1,2\n");
    ASSERT_EQ(load("names.csv", "header: false", &d, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "names.csv:1:1: field 1 of 2: 'x' is not a number");
}

TEST(label_column_by_index) {
    ct_write_file(dir, "index.csv", "0.5,1,0.25\n0.75,0,1\n");
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("index.csv", "label_column: 1", &d, &err));
    ASSERT_EQ(d.n, 2);
    ASSERT_EQ(d.dim, 2);
    const float want[] = {0.5f, 0.25f, 0.75f, 1.0f};
    ASSERT(floats_equal(d.x, want, 4));
    ASSERT_EQ(d.labels[0], 1);
    ASSERT_EQ(d.labels[1], 0);
    ASSERT_EQ(d.n_classes, 2);
    ebm_dataset_free(&d);

    /* an index also works with a header; "2" is no column name there */
    ct_write_file(dir, "index_header.csv", "x,y,class\n5,6,4\n");
    ASSERT_OK(load("index_header.csv", "label_column: 2", &d, &err));
    ASSERT_EQ(d.dim, 2);
    ASSERT_EQ(d.labels[0], 4);
    ASSERT_EQ(d.n_classes, 5);
    ebm_dataset_free(&d);
}

TEST(binarize_and_image_shape) {
    ct_write_file(dir, "grey.csv", "0,0.25,0.5,0.75\n1,0.6,0.4,0.5\n");
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("grey.csv", "binarize: threshold, threshold: 0.5, image: [2, 2]", &d, &err));
    const float thresholded[] = {0, 0, 0, 1, 1, 1, 0, 0};   /* strictly above 0.5 */
    ASSERT(floats_equal(d.x, thresholded, 8));
    ASSERT_EQ(d.height, 2);
    ASSERT_EQ(d.width, 2);
    ASSERT_EQ(d.stochastic, 0);
    ebm_dataset_free(&d);

    ASSERT_OK(load("grey.csv", "binarize: stochastic", &d, &err));
    const float grey[] = {0, 0.25f, 0.5f, 0.75f, 1, 0.6f, 0.4f, 0.5f};
    ASSERT(floats_equal(d.x, grey, 8));   /* kept as probabilities */
    ASSERT_EQ(d.stochastic, 1);
    ebm_dataset_free(&d);
}

TEST(tabs_quotes_and_byte_order_mark) {
    ct_write_file(dir, "tabs.tsv", "\xEF\xBB\xBF\"a\"\t\"b, \"\"c\"\"\"\n1\t\"2\"\n");
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("tabs.tsv", "delimiter: tab, label_column: 'b, \"c\"'", &d, &err));
    ASSERT_EQ(d.n, 1);
    ASSERT_EQ(d.dim, 1);
    ASSERT(d.x[0] == 1.0f);
    ASSERT_EQ(d.labels[0], 2);
    ebm_dataset_free(&d);

    ct_write_file(dir, "semi.csv", "1;2\n3;4\n");
    ASSERT_OK(load("semi.csv", "delimiter: ';'", &d, &err));
    ASSERT_EQ(d.dim, 2);
    ebm_dataset_free(&d);
}

TEST(long_lines) {
    /* 3000 columns: far beyond any fixed line buffer */
    size_t columns = 3000, len = 0;
    char *text = malloc(2 * (columns * 6 + 2));
    ASSERT(text);
    for (size_t row = 0; row < 2; row++) {
        for (size_t j = 0; j < columns; j++)
            len += (size_t)sprintf(text + len, "%s%zu", j ? "," : "", j + row);
        text[len++] = '\n';
    }
    text[len] = '\0';
    ct_write_file(dir, "wide.csv", text);
    free(text);
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_OK(load("wide.csv", "", &d, &err));
    ASSERT_EQ(d.n, 2);
    ASSERT_EQ(d.dim, columns);
    ASSERT(d.x[2999] == 2999.0f);
    ASSERT(d.x[columns] == 1.0f && d.x[2 * columns - 1] == 3000.0f);
    ebm_dataset_free(&d);
}

TEST(relative_path_beside_the_yaml_file) {
    ct_write_file(dir, "beside.csv", "1,2\n");
    ct_write_file(dir, "exp.yaml", "path: beside.csv\n");
    char yaml_path[512];
    snprintf(yaml_path, sizeof yaml_path, "%s/exp.yaml", dir);
    ebm_error err = {0};
    ebm_node *cfg = ebm_cfg_parse_file(yaml_path, &err);
    ASSERT(cfg);
    const ebm_dataset_ops *ops =
        (const ebm_dataset_ops *)ebm_registry_find(EBM_KIND_DATASET, "csv");
    ebm_dataset d;
    int rc = ops->xLoad(cfg, NULL, &d, &err);
    ebm_node_free(cfg);
    ASSERT_OK(rc);
    ASSERT_EQ(d.n, 1);
    ebm_dataset_free(&d);
}

TEST(validates_in_an_experiment) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "name: t\ndata: {type: csv, path: %s/named.csv, label_column: label, "
             "standardize: true, valid: 1}\nmodel: {type: hopfield}\n", dir);
    ebm_error err = {0};
    ebm_node *root = ebm_cfg_parse_string(yaml, strlen(yaml), "exp", &err);
    ASSERT(root);
    ebm_diags diags = {0};
    int problems = ebm_cfg_validate(root, &diags);
    if (problems) fprintf(stderr, "%s\n", diags.items[0]);
    ASSERT_EQ(problems, 0);
    ASSERT(strcmp(ebm_cfg_str(root, "data.delimiter", "?"), ",") == 0);
    ASSERT(strcmp(ebm_cfg_str(root, "data.header", "?"), "auto") == 0);
    ASSERT(strcmp(ebm_cfg_str(root, "data.binarize", "?"), "none") == 0);
    ebm_diags_free(&diags);
    ebm_node_free(root);

    /* a misspelt choice is caught by validation, before any file is read */
    snprintf(yaml, sizeof yaml,
             "name: t\ndata: {type: csv, path: x.csv, binarize: stochastik}\n"
             "model: {type: hopfield}\n");
    root = ebm_cfg_parse_string(yaml, strlen(yaml), "exp", &err);
    ASSERT(root);
    ASSERT(ebm_cfg_validate(root, &diags) > 0);
    ebm_diags_free(&diags);
    ebm_node_free(root);
}

/* One bad file: its text, the keys it is loaded with, and what the error
 * must say (the file name and line it names included). */
typedef struct bad_case {
    const char *name, *text, *keys;
    int code;
    const char *message;
} bad_case;

static const bad_case bad_cases[] = {
    {"ragged.csv", "1,2\n3\n", "", EBM_EDATA,
     "ragged.csv:2: ragged row: 1 fields where the first row has 2"},
    {"ragged_header.csv", "a,b\n1,2\n\n3,4,5\n", "", EBM_EDATA,
     "ragged_header.csv:4: ragged row: 3 fields where the header has 2"},
    {"word.csv", "1,2\n3,x4\n", "", EBM_EDATA,
     "word.csv:2:3: field 2 of 2: 'x4' is not a number"},
    {"named_word.csv", "a,b\n1,2\n3, 4O\n", "", EBM_EDATA,
     "named_word.csv:3:4: field 2 of 2 ('b'): '4O' is not a number"},
    {"nan.csv", "1,nan\n", "", EBM_EDATA,
     "nan.csv:1:3: field 2 of 2: 'nan' is not a finite"},
    {"inf.csv", "1,2\r\n-inf,3\r\n", "", EBM_EDATA,
     "inf.csv:2:1: field 1 of 2: '-inf' is not a finite"},
    {"huge.csv", "1e39,1\n", "", EBM_EDATA,
     "huge.csv:1:1: field 1 of 2: '1e39' is not a finite single-precision number"},
    {"empty.csv", "", "", EBM_EDATA, "empty.csv: empty file (no rows)"},
    {"blank.csv", "\n  \r\n\n", "", EBM_EDATA, "blank.csv: empty file (no rows)"},
    {"header_only.csv", "a,b\n", "", EBM_EDATA,
     "header_only.csv: a header line but no rows of data"},
    {"empty_field.csv", "1,,3\n", "", EBM_EDATA,
     "empty_field.csv:1:3: field 2 of 3 is empty"},
    {"trailing_comma.csv", "1,2\n3,4,\n", "", EBM_EDATA,
     "trailing_comma.csv:2: ragged row: 3 fields where the first row has 2"},
    {"quote.csv", "\"a,b\n1,2\n", "", EBM_EDATA,
     "quote.csv:1:1: unterminated quoted field"},
    {"after_quote.csv", "\"a\"b,c\n1,2\n", "", EBM_EDATA,
     "after_quote.csv:1:4: text after the closing quote"},
    {"fractional_label.csv", "a,label\n1,0.5\n", "label_column: label", EBM_EDATA,
     "fractional_label.csv:2:3: label field 2 of 2 ('label'): '0.5' is not an integer class"},
    {"negative_label.csv", "1,0\n1,-1\n", "label_column: 1", EBM_EDATA,
     "negative_label.csv:2:3: label field 2 of 2: '-1' is not an integer class"},
    {"huge_label.csv", "1,1e7\n", "label_column: 1", EBM_EDATA,
     "huge_label.csv:1:3: label field 2 of 2: '1e7' is not an integer class"},
    {"image.csv", "1,2,3\n", "image: [2, 2]", EBM_EDATA,
     "image.csv: image shape 2 x 2 = 4 pixels, but the rows have 3 feature columns"},
    {"probability.csv", "0.5,1.5\n", "binarize: stochastic", EBM_EDATA,
     "probability.csv:1:5: field 2 of 2: 1.5 is outside [0, 1]"},
    {"only_label.csv", "3\n", "label_column: 0", EBM_EDATA,
     "only_label.csv: no feature columns"},
    {"no_such_column.csv", "a,b\n1,2\n", "label_column: c", EBM_ECONFIG,
     "no column of"},
    {"column_range.csv", "1,2\n", "label_column: 2", EBM_ECONFIG,
     "index 2 is outside the 2 columns"},
    {"name_without_header.csv", "1,2\n", "label_column: label", EBM_ECONFIG,
     "has no header"},
    {"delimiter.csv", "1,2\n", "delimiter: ab", EBM_ECONFIG,
     "data.delimiter: expected one character"},
    {"image_three.csv", "1,2\n", "image: [1, 1, 2]", EBM_ECONFIG,
     "data.image: expected [height, width]"},
};

TEST(bad_files) {
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const bad_case *c = &bad_cases[i];
        ct_write_file(dir, c->name, c->text);
        ebm_dataset d = {0};
        ebm_error err = {0};
        int rc = load(c->name, c->keys, &d, &err);
        if (rc != c->code) {
            fprintf(stderr, "%s: code %d, message: %s\n", c->name, rc, err.msg);
            if (rc == EBM_OK) ebm_dataset_free(&d);
        }
        ASSERT_EQ(rc, c->code);
        ASSERT_STR_CONTAINS(err.msg, c->message);
        ASSERT(d.x == NULL && d.labels == NULL && d.n == 0);   /* nothing half-made */
    }
    /* a missing file is bad input too */
    ebm_dataset d;
    ebm_error err = {0};
    ASSERT_EQ(load("missing.csv", "", &d, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "missing.csv: cannot open: No such file or directory");
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    RUN(header_label_name_crlf_spaces);
    RUN(no_header_when_all_numbers_and_no_final_newline);
    RUN(label_column_by_index);
    RUN(binarize_and_image_shape);
    RUN(tabs_quotes_and_byte_order_mark);
    RUN(long_lines);
    RUN(relative_path_beside_the_yaml_file);
    RUN(validates_in_an_experiment);
    RUN(bad_files);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    TEST_MAIN_END();
}
