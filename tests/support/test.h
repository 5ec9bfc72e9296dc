/* test.h — the tiny harness every unit test uses: TEST(name) functions run
 * from main() by RUN(name); ASSERT_* report file:line and the values, and fail
 * the whole executable (one CTest test per file). */
#ifndef EBM_TEST_H
#define EBM_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures_;

/* A fresh directory under /tmp for a test's files (dir[0] = '\0' if none
 * could be made), and its removal with everything in it. */
static inline void test_make_tmp(char *dir, size_t size) {
    snprintf(dir, size, "/tmp/ebm-test-XXXXXX");
    if (!mkdtemp(dir)) dir[0] = '\0';
}

static inline void test_remove_tree(const char *dir) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}


#define TEST(name) static void test_##name(void)

#define RUN(name)                                                    \
    do {                                                             \
        int before_ = test_failures_;                                \
        test_##name();                                               \
        printf("%s %s\n", test_failures_ == before_ ? "ok  " : "FAIL", #name); \
        fflush(stdout);                                              \
    } while (0)

#define TEST_MAIN_END()                                              \
    do {                                                             \
        if (test_failures_) {                                        \
            printf("%d assertion(s) failed\n", test_failures_);      \
            return 1;                                                \
        }                                                            \
        return 0;                                                    \
    } while (0)

#define FAIL_(...)                                                   \
    do {                                                             \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);              \
        fprintf(stderr, __VA_ARGS__);                                \
        fprintf(stderr, "\n");                                       \
        test_failures_++;                                            \
        return;                                                      \
    } while (0)

#define ASSERT(cond)                                                 \
    do { if (!(cond)) FAIL_("assertion failed: %s", #cond); } while (0)

#define ASSERT_EQ(a, b)                                              \
    do {                                                             \
        long long a_ = (long long)(a), b_ = (long long)(b);          \
        if (a_ != b_) FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_); \
    } while (0)

#define ASSERT_OK(expr)                                              \
    do {                                                             \
        int rc_ = (expr);                                            \
        if (rc_ != 0) FAIL_("%s returned %d", #expr, rc_);           \
    } while (0)

/* |a - b| <= tol */
#define ASSERT_NEAR(a, b, tol)                                       \
    do {                                                             \
        double a_ = (double)(a), b_ = (double)(b), t_ = (double)(tol); \
        if (!(fabs(a_ - b_) <= t_))                                  \
            FAIL_("%s ~ %s: %.10g vs %.10g (tol %.3g)", #a, #b, a_, b_, t_); \
    } while (0)

#define ASSERT_STR_CONTAINS(haystack, needle)                        \
    do {                                                             \
        const char *h_ = (haystack), *n_ = (needle);                 \
        if (!h_ || !strstr(h_, n_))                                  \
            FAIL_("expected \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)"); \
    } while (0)

#endif
