/* test_reproduce.c — `expect:` entries evaluated on synthetic run and sweep
 * directories (reductions, sweep points picked with `at`, crossings
 * interpolated exactly, range/tolerance pass and fail, notes when a quantity
 * cannot be had), the printed table, and ebm_reproduce driving a stand-in
 * `ebm` (a shell script) end to end. */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "expect.h"
#include "claim.h"
#include "proc.h"
#include "reproduce.h"
#include "runfile.h"
#include "summary.h"
#include "test.h"

/* DIR/run.h5 with one or two metric series. */
static int write_run(const char *dir, const char *name, const double *values,
                     int n, const char *name2, const double *values2, int n2) {
    char path[512];
    ebm_error err;
    if (ebm_proc_mkdirs(dir, &err)) return -1;
    snprintf(path, sizeof path, "%s/run.h5", dir);
    ebm_runfile *rf = ebm_runfile_create(path, "name: t\n", 1, &err);
    if (!rf) return -1;
    int rc = 0;
    for (int i = 0; i < n; i++)
        rc |= ebm_runfile_metric(rf, name, i, values[i], NULL, NULL, &err);
    for (int i = 0; name2 && i < n2; i++)
        rc |= ebm_runfile_metric(rf, name2, i, values2[i], NULL, NULL, &err);
    rc |= ebm_runfile_status(rf, "completed", &err);
    rc |= ebm_runfile_close(rf, &err);
    return rc;
}

static ebm_node *parse(const char *yaml) {
    ebm_error err;
    ebm_node *root = ebm_cfg_parse_string(yaml, strlen(yaml), "exp.yaml", &err);
    if (!root) fprintf(stderr, "parse: %s\n", err.msg);
    return root;
}

/* The rows of root's expect: block evaluated over dir (a sweep directory
 * when sweep is set) as experiment `experiment`; NULL, with the error on
 * stderr, when the evaluation fails. */
static ebm_reproduce_row *evaluate(const char *experiment, const ebm_node *root,
                                   const char *dir, int sweep, int *n) {
    ebm_reproduce_row *rows = NULL;
    ebm_error err;
    *n = 0;
    if (ebm_expect_evaluate(experiment, ebm_node_child(root, "expect"), dir, sweep, &rows, n,
                            &err) == EBM_OK)
        return rows;
    fprintf(stderr, "evaluate: %s\n", err.msg);
    ebm_reproduce_rows_free(rows, *n);
    return NULL;
}

TEST(expect_on_a_run) {
    char dir[64];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    ASSERT_OK(write_run(dir, "recall", (double[]){0.2, 0.9, 0.6}, 3, NULL, NULL, 0));
    ebm_node *root = parse(
        "expect:\n"
        "  - {quantity: final_recall, metric: recall, value: 0.6, tolerance: 0.01,\n"
        "     source: \"a paper\"}\n"
        "  - {quantity: best, metric: recall, reduce: max, range: [0.95, 1.0]}\n"
        "  - {quantity: mean, metric: recall, reduce: mean, value: 0.5, tolerance: 0.1}\n"
        "  - {quantity: recall, value: 0.6}\n"
        "  - {quantity: lowest, metric: recall, reduce: min, value: 0.3, tolerance: 0.05}\n"
        "  - {quantity: missing, metric: nope, value: 1}\n"
        "  - {quantity: odd, metric: recall, reduce: median, value: 1}\n"
        "  - {quantity: no_value, metric: recall}\n");
    ASSERT(root);
    int n;
    ebm_reproduce_row *rows = evaluate("exp", root, dir, 0, &n);
    ASSERT(rows != NULL);
    ASSERT_EQ(n, 8);
    ASSERT(strcmp(rows[0].experiment, "exp") == 0);
    ASSERT(strcmp(rows[0].quantity, "final_recall") == 0);
    ASSERT(strcmp(rows[0].source, "a paper") == 0);
    ASSERT(rows[0].obtained == 0.6 && rows[0].pass);
    ASSERT_NEAR(rows[0].low, 0.59, 1e-15);
    ASSERT(rows[1].obtained == 0.9 && !rows[1].pass && rows[1].tolerance < 0);
    ASSERT(rows[1].low == 0.95 && rows[1].high == 1.0);
    ASSERT_NEAR(rows[2].obtained, (0.2 + 0.9 + 0.6) / 3, 1e-15);
    ASSERT(rows[2].pass);
    ASSERT(rows[3].obtained == 0.6 && rows[3].pass);   /* tolerance 0: exact */
    ASSERT(rows[4].obtained == 0.2 && !rows[4].pass);  /* just outside 0.3 ± 0.05 */
    ASSERT(isnan(rows[5].obtained) && !rows[5].pass);
    ASSERT_STR_CONTAINS(rows[5].note, "has no metric nope");
    ASSERT_STR_CONTAINS(rows[6].note, "reduce must be final, max, min or mean");
    ASSERT_STR_CONTAINS(rows[7].note, "no numeric value or range");
    ASSERT(!rows[7].pass);
    ebm_reproduce_rows_free(rows, n);
    ebm_node_free(root);
    test_remove_tree(dir);
}

/* A sampled log-likelihood with its sandwich: the verdict asks whether the
 * documented value ± tolerance meets [lo, hi], not whether the point
 * estimate is near it. */
TEST(expect_on_a_loglik_uses_its_sandwich) {
    char dir[64], path[128];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(path, sizeof path, "%s/run.h5", dir);
    ebm_error err;
    ebm_runfile *rf = ebm_runfile_create(path, "name: t\n", 1, &err);
    ASSERT(rf);
    /* step 0: an earlier log point; step 5: the final one */
    static const char *const names[] = {"ais_loglik", "ais_sandwich_lo", "ais_sandwich_hi",
                                        "exact_loglik"};
    static const double values[2][4] = {{-200, -210, -190, -150}, {-103, -104, -99.5, -101}};
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < 4; m++)
            ASSERT_OK(ebm_runfile_metric(rf, names[m], 5 * k, values[k][m], NULL, NULL, &err));
    ASSERT_OK(ebm_runfile_status(rf, "completed", &err));
    ASSERT_OK(ebm_runfile_close(rf, &err));
    ebm_node *root = parse(
        "expect:\n"
        "  - {quantity: a, metric: ais_loglik, value: -100, tolerance: 1}\n"
        "  - {quantity: b, metric: ais_loglik, value: -102.5, tolerance: 1}\n"
        "  - {quantity: c, metric: ais_loglik, value: -98.8, tolerance: 0.8}\n"
        "  - {quantity: d, metric: ais_loglik, value: -98.8, tolerance: 0.5}\n"
        "  - {quantity: e, metric: ais_loglik, range: [-106, -104.5]}\n"
        "  - {quantity: f, metric: exact_loglik, value: -100, tolerance: 0.5}\n"
        "  - {quantity: g, metric: ais_loglik, reduce: min, value: -200, tolerance: 1}\n");
    ASSERT(root);
    int n;
    ebm_reproduce_row *rows = evaluate("exp", root, dir, 0, &n);
    ASSERT(rows != NULL);
    ASSERT_EQ(n, 7);
    /* a: the estimate -103 is 3 from -100, but -100 is inside [-104, -99.5] */
    ASSERT(rows[0].obtained == -103 && rows[0].pass);
    ASSERT_STR_CONTAINS(rows[0].note, "sandwich [-104, -99.5]");
    ASSERT_STR_CONTAINS(rows[0].note, "meets");
    ASSERT(rows[1].pass);
    /* c: -98.8 − 0.8 reaches the upper end -99.5 (− 0.5 does not) */
    ASSERT(rows[2].pass);
    ASSERT(!rows[3].pass);
    ASSERT_STR_CONTAINS(rows[3].note, "misses");
    /* e: a range below the sandwich, though the estimate is not far from it */
    ASSERT(!rows[4].pass);
    /* f: an exact log-likelihood has no sandwich: the plain tolerance */
    ASSERT(!rows[5].pass && rows[5].note[0] == '\0');
    /* g: a reduced series is not one log point's sandwich: the plain rule */
    ASSERT(rows[6].obtained == -200 && rows[6].pass && rows[6].note[0] == '\0');
    ebm_reproduce_rows_free(rows, n);
    ebm_node_free(root);
    test_remove_tree(dir);
}

/* A sweep over load × seed with final overlap (and err = 1 - overlap):
 *   seed 1: 1.0 0.9 0.5 0.1     seed 2: 1.0 0.7 0.3 0.1
 *   mean:   1.0 0.8 0.4 0.1     at load 0.1 0.2 0.3 0.4
 * written in a shuffled order, so the crossing must sort by load. With
 * `second` another key than seed takes seed's place, with values a and b. */
static int write_sweep_over(const char *dir, const char *second) {
    static const char *loads[] = {"0.3", "0.1", "0.4", "0.2"};
    static const double overlap[2][4] = {{0.5, 1.0, 0.1, 0.9}, {0.3, 1.0, 0.1, 0.7}};
    char *points[8], *params[16], names[8][64];
    char *keys[] = {"data.load", (char *)second};
    int seeds = strcmp(second, "seed") == 0;
    int p = 0;
    for (int l = 0; l < 4; l++) {
        for (int s = 0; s < 2; s++, p++) {
            snprintf(names[p], sizeof names[p], "data.load=%s,%s=%d", loads[l], second, s + 1);
            points[p] = names[p];
            params[2 * p] = (char *)loads[l];
            params[2 * p + 1] = seeds ? (s ? "2" : "1") : (s ? "b" : "a");
            char path[256];
            snprintf(path, sizeof path, "%s/%s", dir, names[p]);
            double y = overlap[s][l];
            /* the series ends at the final value; earlier values differ */
            if (write_run(path, "overlap", (double[]){0.0, y}, 2, "err",
                          (double[]){1 - y}, 1))
                return -1;
        }
    }
    ebm_summary summary;
    ebm_error err;
    if (ebm_summary_collect(dir, 8, points, 2, keys, params, &summary, &err)) return -1;
    char path[256];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    int rc = ebm_summary_write_csv(&summary, path, &err);
    ebm_summary_free(&summary);
    return rc;
}

static int write_sweep(const char *dir) { return write_sweep_over(dir, "seed"); }

TEST(expect_on_a_sweep) {
    char dir[64];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    ASSERT_OK(write_sweep(dir));
    ebm_node *root = parse(
        "expect:\n"
        "  - {quantity: critical_load, value: 0.25, tolerance: 0.001,\n"
        "     crossing: {metric: overlap, level: 0.6, over: data.load}}\n"
        "  - {quantity: never, value: 0.3, crossing: {metric: overlap, level: 0.05,\n"
        "     over: data.load}}\n"
        "  - {quantity: already, value: 0.3, crossing: {metric: overlap, level: 1.5,\n"
        "     over: data.load, direction: below}}\n"
        "  - {quantity: rising, range: [0.2, 0.24], crossing: {metric: err,\n"
        "     level: 0.4, over: data.load, direction: above}}\n"
        "  - {quantity: one_point, metric: overlap, at: {data.load: 0.30, seed: 2},\n"
        "     value: 0.3}\n"
        "  - {quantity: first_match, metric: overlap, at: {data.load: \"0.3\"},\n"
        "     value: 0.5}\n"
        "  - {quantity: no_at, metric: overlap, value: 0.5}\n"
        "  - {quantity: bad_at, metric: overlap, at: {bogus: 1}, value: 0.5}\n"
        "  - {quantity: bad_over, value: 1, crossing: {metric: overlap, level: 0.5,\n"
        "     over: seedling}}\n"
        "  - {quantity: mean_over_points, metric: overlap, reduce: mean, value: 0.575,\n"
        "     tolerance: 1e-12}\n"
        "  - {quantity: max_over_points, metric: overlap, reduce: max, value: 1}\n"
        "  - {quantity: min_over_points, metric: err, reduce: min, value: 0}\n"
        "  - {quantity: absent_over_points, metric: nothing, reduce: mean, value: 0}\n");
    ASSERT(root);
    int n;
    ebm_reproduce_row *rows = evaluate("cap", root, dir, 1, &n);
    ASSERT(rows != NULL);
    ASSERT_EQ(n, 13);
    /* between (0.2, 0.8) and (0.3, 0.4): 0.2 + (0.6-0.8)*0.1/(0.4-0.8) = 0.25 */
    ASSERT_NEAR(rows[0].obtained, 0.25, 1e-12);
    ASSERT(rows[0].pass);
    ASSERT_STR_CONTAINS(rows[0].note, "the mean of 2 points at each data.load");
    ASSERT(isnan(rows[1].obtained) && !rows[1].pass);
    ASSERT_STR_CONTAINS(rows[1].note, "never goes below 0.05 over [0.1, 0.4]");
    ASSERT(isnan(rows[2].obtained));
    ASSERT_STR_CONTAINS(rows[2].note, "already below 1.5 at the first value 0.1");
    /* err means 0, 0.2, 0.6, 0.9: above 0.4 at 0.25, outside [0.2, 0.24] */
    ASSERT_NEAR(rows[3].obtained, 0.25, 1e-12);
    ASSERT(!rows[3].pass);
    ASSERT(rows[4].obtained == 0.3 && rows[4].pass);
    ASSERT(rows[5].obtained == 0.5 && rows[5].pass);
    ASSERT_STR_CONTAINS(rows[6].note, "needs `at");
    ASSERT_STR_CONTAINS(rows[7].note, "bogus is not a swept key");
    ASSERT_STR_CONTAINS(rows[8].note, "seedling is not a swept key");
    /* Without `at`, reduce acts across the points' final values:
     * overlap (0.5+1+0.1+0.9 + 0.3+1+0.1+0.7)/8 = 0.575; err = 1 − overlap. */
    ASSERT_NEAR(rows[9].obtained, 0.575, 1e-12);
    ASSERT(rows[9].pass);
    ASSERT(rows[10].obtained == 1.0 && rows[10].pass);
    ASSERT_NEAR(rows[11].obtained, 0.0, 1e-12);
    ASSERT(isnan(rows[12].obtained) && !rows[12].pass);
    ASSERT_STR_CONTAINS(rows[12].note, "no sweep point logged nothing");
    ebm_reproduce_rows_free(rows, n);
    ebm_node_free(root);
    test_remove_tree(dir);
}

/* A crossing with `at` follows one curve of the sweep: seed 1's overlaps
 * (1.0 0.9 0.5 0.1) cross 0.6 at 0.275, seed 2's (1.0 0.7 0.3 0.1) at 0.225. */
TEST(crossing_of_one_curve) {
    char dir[64];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    ASSERT_OK(write_sweep(dir));
    ebm_node *root = parse(
        "expect:\n"
        "  - {quantity: seed1, value: 0.275, tolerance: 1e-9, at: {seed: 1},\n"
        "     crossing: {metric: overlap, level: 0.6, over: data.load}}\n"
        "  - {quantity: seed2, value: 0.225, tolerance: 1e-9, at: {seed: 2},\n"
        "     crossing: {metric: overlap, level: 0.6, over: data.load}}\n"
        "  - {quantity: bad, value: 0.2, at: {seeds: 2},\n"
        "     crossing: {metric: overlap, level: 0.6, over: data.load}}\n");
    ASSERT(root);
    int n;
    ebm_reproduce_row *rows = evaluate("cap", root, dir, 1, &n);
    ASSERT(rows != NULL);
    ASSERT_EQ(n, 3);
    ASSERT_NEAR(rows[0].obtained, 0.275, 1e-12);
    ASSERT_NEAR(rows[1].obtained, 0.225, 1e-12);
    ASSERT(rows[0].pass && rows[1].pass);
    ASSERT(strcmp(rows[0].note, "") == 0);   /* one point at each load: no mean */
    ASSERT(isnan(rows[2].obtained));
    ASSERT_STR_CONTAINS(rows[2].note, "seeds is not a swept key");
    ebm_reproduce_rows_free(rows, n);
    ebm_node_free(root);
    test_remove_tree(dir);
}

/* Another swept key than seed splits a crossing into curves, one verdict
 * each (their mean would cross where neither does); `at` on that key keeps
 * one entry whole, and seeds inside a curve are still averaged. */
TEST(crossing_per_curve_of_another_key) {
    char dir[64];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    ASSERT_OK(write_sweep_over(dir, "model.rule"));
    ebm_node *root = parse(
        "expect:\n"
        "  - {quantity: critical, range: [0.26, 0.3],\n"
        "     crossing: {metric: overlap, level: 0.6, over: data.load}}\n"
        "  - {quantity: rule_b, value: 0.225, tolerance: 1e-9, at: {model.rule: b},\n"
        "     crossing: {metric: overlap, level: 0.6, over: data.load}}\n");
    ASSERT(root);
    int n;
    ebm_reproduce_row *rows = evaluate("cap", root, dir, 1, &n);
    ASSERT(rows != NULL);
    ASSERT_EQ(n, 3);
    /* rule a is the first point's (load 0.3), then rule b */
    ASSERT(strcmp(rows[0].quantity, "critical [model.rule=a]") == 0);
    ASSERT_NEAR(rows[0].obtained, 0.275, 1e-12);
    ASSERT(rows[0].pass);
    ASSERT(strcmp(rows[1].quantity, "critical [model.rule=b]") == 0);
    ASSERT_NEAR(rows[1].obtained, 0.225, 1e-12);
    ASSERT(!rows[1].pass);
    ASSERT(strcmp(rows[0].note, "") == 0 && strcmp(rows[1].note, "") == 0);
    ASSERT(strcmp(rows[2].quantity, "rule_b") == 0);
    ASSERT_NEAR(rows[2].obtained, 0.225, 1e-12);
    ebm_reproduce_rows_free(rows, n);
    ebm_node_free(root);
    test_remove_tree(dir);
}

/* Which entries show on the plot of a final metric against a swept key. */
TEST(marks_on_a_sweep_plot) {
    ebm_node *root = parse(
        "expect:\n"
        "  - {quantity: m, metric: mag, at: {temp: 1.8}, value: 0.95, tolerance: 0.02}\n"
        "  - {quantity: two_keys, metric: mag, at: {temp: 1.8, seed: 1}, value: 0.9}\n"
        "  - {quantity: reduced, metric: mag, reduce: max, at: {temp: 1.8}, value: 1}\n"
        "  - {quantity: no_at, metric: mag, value: 0.9}\n"
        "  - {quantity: c, range: [0.12, 0.17], value: 0.138,\n"
        "     crossing: {metric: overlap, level: 0.9, over: load}}\n"
        "  - {quantity: other_over, value: 1, crossing: {metric: overlap, level: 0.9, over: n}}\n");
    ASSERT(root);
    const ebm_node *e = ebm_node_child(root, "expect");
    ebm_expect_mark mark;
    ASSERT(ebm_expect_mark_for(e->values[0], "mag", "temp", &mark));
    ASSERT(!mark.is_crossing && mark.x == 1.8 && mark.y == 0.95);
    ASSERT_NEAR(mark.low, 0.93, 1e-12);
    ASSERT_NEAR(mark.high, 0.97, 1e-12);
    ASSERT(!ebm_expect_mark_for(e->values[0], "energy", "temp", &mark));
    ASSERT(!ebm_expect_mark_for(e->values[0], "mag", "seed", &mark));
    for (int i = 1; i <= 3; i++) ASSERT(!ebm_expect_mark_for(e->values[i], "mag", "temp", &mark));
    ASSERT(ebm_expect_mark_for(e->values[4], "overlap", "load", &mark));
    ASSERT(mark.is_crossing && mark.x == 0.138 && mark.y == 0.9 && mark.low == 0.12 &&
           mark.high == 0.17);
    ASSERT(!ebm_expect_mark_for(e->values[4], "overlap", "n", &mark));
    ASSERT(!ebm_expect_mark_for(e->values[5], "overlap", "load", &mark));
    ebm_node_free(root);
}

/* A one-sided range ([2, .inf]): judged by its finite end, written "≥ 2"
 * in the verdict line and the table, and drawn on a sweep's plot as a bar
 * from the finite end to the documented value, not to infinity (a stand-in
 * bound of 1e6 made the plot's axis run to a million). */
TEST(one_sided_ranges) {
    char dir[64];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    ASSERT_OK(write_run(dir, "speedup", (double[]){1.0, 10.8}, 2, NULL, NULL, 0));
    ebm_node *root = parse(
        "expect:\n"
        "  - {quantity: fast, metric: speedup, value: 10, range: [2, .inf], source: s}\n"
        "  - {quantity: low, metric: speedup, reduce: min, range: [-.inf, 0.5], source: s}\n"
        "  - {quantity: at, metric: speedup, at: {dim: 50}, value: 10, range: [2, .inf]}\n"
        "  - {quantity: bare, metric: speedup, range: [2, .inf]}\n");
    ASSERT(root);
    const ebm_node *e = ebm_node_child(root, "expect");
    int n;
    ebm_reproduce_row *rows = evaluate("exp", root, dir, 0, &n);
    ASSERT(rows != NULL);
    ASSERT(n >= 2);
    ASSERT(rows[0].obtained == 10.8 && rows[0].pass && rows[0].low == 2 && isinf(rows[0].high));
    ASSERT(rows[1].obtained == 1.0 && !rows[1].pass && isinf(rows[1].low));
    /* without a value the documented one is the finite end, not infinity */
    ASSERT(strcmp(rows[n - 1].quantity, "bare") == 0 && rows[n - 1].documented == 2);
    char path[128];
    snprintf(path, sizeof path, "%s/lines.txt", dir);
    FILE *f = fopen(path, "w");
    ASSERT(f != NULL);
    ebm_expect_write_lines(f, rows, 2, 0);
    fclose(f);
    ebm_error err;
    char *text = ebm_proc_read_file(path, NULL, &err);
    ASSERT(text != NULL);
    ASSERT_STR_CONTAINS(text, "expect: fast = 10.8, documented ≥ 2 (s): PASS\n");
    ASSERT_STR_CONTAINS(text, "expect: low = 1, documented ≤ 0.5 (s): FAIL\n");
    free(text);
    char range[80];
    ebm_expect_range_text(0.12, 0.17, 4, range, sizeof range);
    ASSERT(strcmp(range, "[0.12, 0.17]") == 0);
    ebm_reproduce_rows_free(rows, n);
    ebm_expect_mark mark;
    ASSERT(ebm_expect_mark_for(e->values[2], "speedup", "dim", &mark));
    ASSERT(mark.y == 10 && mark.low == 2 && mark.high == 10);
    ASSERT(ebm_expect_mark_for(e->values[3], "speedup", "dim", &mark) == 0);   /* no at */
    ebm_node_free(root);
    test_remove_tree(dir);
}

TEST(crossing_interpolation) {
    char note[256] = "";
    double x[] = {1, 2, 4, 8};
    double y[] = {10, 9, 5, 1};
    /* below 7 between (2, 9) and (4, 5): 2 + (7-9)*(2)/(5-9) = 3 */
    ASSERT(ebm_expect_crossing(x, y, 4, 7, 1, note, sizeof note) == 3);
    /* a point exactly at the level is not below it: the crossing is found in
     * the next interval, and lands on that point (4 + 0 * 4/(1-5)) */
    ASSERT(ebm_expect_crossing(x, y, 4, 5, 1, note, sizeof note) == 4);
    ASSERT(ebm_expect_crossing(x, y, 4, 9.5, 1, note, sizeof note) == 1.5);
    ASSERT(isnan(ebm_expect_crossing(x, y, 4, 11, 0, note, sizeof note)));
    ASSERT_STR_CONTAINS(note, "never goes above 11 over [1, 8]");
    ASSERT(isnan(ebm_expect_crossing(x, y, 0, 1, 1, note, sizeof note)));
}

TEST(table) {
    ebm_reproduce_row rows[2] = {
        {.experiment = "hop", .quantity = "critical_load", .source = "Amit 1985",
         .documented = 0.138, .tolerance = 0.03, .low = 0.108, .high = 0.168,
         .obtained = 0.14, .pass = 1, .note = ""},
        {.experiment = "rbm-long", .quantity = "ll", .source = "",
         .documented = -95, .tolerance = -1, .low = -100, .high = -90,
         .obtained = NAN, .pass = 0, .note = "run failed"},
    };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ASSERT(f);
    ebm_reproduce_print(f, rows, 2);
    fclose(f);
    const char *want =
        "experiment  quantity       documented    source     obtained  result\n"
        "hop         critical_load  0.138 ± 0.03  Amit 1985  0.14      PASS\n"
        "rbm-long    ll             [-100, -90]              -         FAIL\n"
        "  note: run failed\n";
    if (strcmp(text, want) != 0) FAIL_("table:\n%s\nwant:\n%s", text, want);
    free(text);

    /* long texts are cut so that a row fits 100 columns */
    rows[0].source = "Amit, Gutfreund & Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985): "
                     "alpha_c = 0.138";
    rows[0].quantity = "fraction of stored patterns that are fixed points after training";
    rows[0].experiment = "a-rather-long-experiment-name";
    f = open_memstream(&text, &len);
    ASSERT(f);
    ebm_reproduce_print(f, rows, 1);
    fclose(f);
    ASSERT_STR_CONTAINS(text, "a-rather-long-exp...  fraction of stored patt...  0.138 ± 0.03  "
                              "Amit, Gutfreu...  0.14      PASS\n");
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        int width = 0;
        for (char *c = line; *c; c++) width += ((unsigned char)*c & 0xC0) != 0x80;
        ASSERT(width <= 100);
    }
    free(text);
}

static void write_script(const char *path, const char *body) {
    ebm_error err;
    ebm_claim_write_file(path, body, &err);
    chmod(path, 0755);
}

TEST(reproduce_end_to_end_with_a_stand_in_ebm) {
    char dir[64], path[512], fake[256], failing[256], out[256], template_run[256];
    test_make_tmp(dir, sizeof dir);
    ASSERT(dir[0]);
    snprintf(template_run, sizeof template_run, "%s/template", dir);
    ASSERT_OK(write_run(template_run, "recall", (double[]){0.1, 0.61}, 2, NULL, NULL, 0));
    /* argv: run FILE --out DIR --quiet */
    snprintf(fake, sizeof fake, "%s/fake-ebm", dir);
    write_script(fake, "#!/bin/sh\n[ \"$1\" = run ] && [ \"$3\" = --out ] && "
                       "[ \"$5\" = --quiet ] || exit 9\n"
                       "cp \"$EBM_TEST_TEMPLATE/run.h5\" \"$4/run.h5\"\n");
    snprintf(failing, sizeof failing, "%s/failing-ebm", dir);
    write_script(failing, "#!/bin/sh\necho boom\nexit 1\n");
    setenv("EBM_TEST_TEMPLATE", template_run, 1);
    snprintf(path, sizeof path, "%s/retrieval.yaml", dir);
    ebm_error err;
    ASSERT_OK(ebm_claim_write_file(path,
        "name: retrieval\n"
        "expect:\n"
        "  - {quantity: recall, metric: recall, value: 0.6, tolerance: 0.02,\n"
        "     source: \"made up\"}\n", &err));
    snprintf(out, sizeof out, "%s/out", dir);
    char *experiments[] = {path};
    ebm_reproduce_opts opts = {.experiments = experiments, .n_experiments = 1,
                               .out_dir = out, .jobs = 1, .self_exe = fake};
    ebm_reproduce_row *rows = NULL;
    int n = 0;
    int rc = ebm_reproduce(&opts, &rows, &n, &err);
    if (rc) FAIL_("reproduce: %s", err.msg);
    ASSERT_EQ(n, 1);
    ASSERT(strcmp(rows[0].experiment, "retrieval") == 0);
    ASSERT(rows[0].obtained == 0.61 && rows[0].pass);
    ebm_reproduce_rows_free(rows, n);

    opts.self_exe = failing;
    ASSERT_OK(ebm_reproduce(&opts, &rows, &n, &err));
    ASSERT_EQ(n, 1);
    ASSERT(isnan(rows[0].obtained) && !rows[0].pass);
    ASSERT_STR_CONTAINS(rows[0].note, "ebm run exited with status 1");
    ebm_reproduce_rows_free(rows, n);
    snprintf(path, sizeof path, "%s/retrieval/log.txt", out);
    char *log = ebm_proc_read_file(path, NULL, &err);
    ASSERT(log && strcmp(log, "boom\n") == 0);
    free(log);
    unsetenv("EBM_TEST_TEMPLATE");
    test_remove_tree(dir);
}

int main(void) {
    RUN(expect_on_a_run);
    RUN(expect_on_a_loglik_uses_its_sandwich);
    RUN(expect_on_a_sweep);
    RUN(crossing_of_one_curve);
    RUN(crossing_per_curve_of_another_key);
    RUN(marks_on_a_sweep_plot);
    RUN(one_sided_ranges);
    RUN(crossing_interpolation);
    RUN(table);
    RUN(reproduce_end_to_end_with_a_stand_in_ebm);
    TEST_MAIN_END();
}
