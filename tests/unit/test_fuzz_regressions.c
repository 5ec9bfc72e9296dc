/* test_fuzz_regressions.c — replays the fuzz harnesses' seed corpora and every
 * crash the fuzzers found (tests/fuzz/regressions/<target>/) through the same
 * entry points, without libFuzzer, so the normal and sanitizer builds keep
 * them fixed. Seeds named ok-* must be accepted, bad-* refused. */
#define _GNU_SOURCE
#define EBM_FUZZ_REPLAY
#include "../fuzz/fuzz_config.c"
#include "../fuzz/fuzz_csv.c"
#include "../fuzz/fuzz_idx.c"

#include <dirent.h>
#include <sys/stat.h>

#include "test.h"

typedef struct target {
    const char *name;
    int (*entry)(const uint8_t *data, size_t size);
    const int *accepted;   /* set by entry: the reader took the input */
} target;

static const target targets[] = {
    {"config", ebm_fuzz_config, &fuzz_config_accepted},
    {"csv", ebm_fuzz_csv, &fuzz_csv_accepted},
    {"idx", ebm_fuzz_idx, &fuzz_idx_accepted},
};

static const char *source_dir(void) {
    const char *src = getenv("EBM_SRC");
    return src ? src : EBM_SOURCE_DIR;
}

static uint8_t *read_whole(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) break;
        uint8_t *bigger = realloc(buf, cap *= 2);
        if (!bigger) free(buf);
        buf = bigger;
    }
    fclose(f);
    *size = len;
    return buf;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Feeds every file of tests/fuzz/<kind>/<target> to the target; returns how
 * many there were (a missing directory has none), counting failures. */
static int replay_dir(const target *t, const char *kind, int *failures, int *ok_seen,
                      int *bad_seen) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", source_dir(), kind, t->name);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, by_name);
    if (n < 0) return 0;
    int files = 0;
    for (int i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        struct stat st;
        if (names[i]->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(names[i]);
            continue;
        }
        size_t size = 0;
        uint8_t *data = read_whole(path, &size);
        files++;
        if (!data) {
            fprintf(stderr, "%s: cannot read\n", path);
            (*failures)++;
        } else if (t->entry(data, size) != 0) {
            fprintf(stderr, "%s: the %s harness reports a broken invariant\n", path, t->name);
            (*failures)++;
        } else if (strncmp(names[i]->d_name, "ok-", 3) == 0) {
            (*ok_seen)++;
            if (!*t->accepted) {
                fprintf(stderr, "%s: a valid seed, refused\n", path);
                (*failures)++;
            }
        } else if (strncmp(names[i]->d_name, "bad-", 4) == 0) {
            (*bad_seen)++;
            if (*t->accepted) {
                fprintf(stderr, "%s: a broken seed, accepted\n", path);
                (*failures)++;
            }
        }
        free(data);
        free(names[i]);
    }
    free(names);
    return files;
}

static void replay_target(const target *t) {
    int failures = 0, ok_seen = 0, bad_seen = 0;
    int seeds = replay_dir(t, "corpus", &failures, &ok_seen, &bad_seen);
    replay_dir(t, "regressions", &failures, &ok_seen, &bad_seen);
    ASSERT_EQ(failures, 0);
    /* the corpus has both kinds, so a harness that accepts or refuses
     * everything fails here */
    ASSERT(seeds >= 3);
    ASSERT(ok_seen >= 1);
    ASSERT(bad_seen >= 1);
}

TEST(config_corpus_and_regressions) { replay_target(&targets[0]); }
TEST(csv_corpus_and_regressions) { replay_target(&targets[1]); }
TEST(idx_corpus_and_regressions) { replay_target(&targets[2]); }

/* The harnesses' own checks catch a reader that returns the wrong thing. */
TEST(idx_checks_see_wrong_pixels) {
    fprintf(stderr, "(two 'invariant broken' lines follow on purpose)\n");
    const uint8_t file[] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20};
    ebm_dataset d = {0};
    float x[4] = {10 / 255.0f, 20 / 255.0f, 0, 0};   /* room for n = 2 below */
    d.n = 1, d.dim = 2, d.height = 1, d.width = 2, d.x = x;
    ASSERT_EQ(idx_check_images(&d, 0, file, sizeof file, 1), 0);
    x[1] = 21 / 255.0f;
    ASSERT_EQ(idx_check_images(&d, 0, file, sizeof file, 1), 1);
    x[1] = 20 / 255.0f;
    ASSERT_EQ(idx_check_images(&d, 1, file, sizeof file, 1), 0);
    d.n = 2;   /* more images than the file holds */
    ASSERT_EQ(idx_check_images(&d, 0, file, sizeof file, 1), 1);
}

TEST(entries_refuse_and_accept) {
    const char yaml[] = "name: t\nseed: 1\ndata: {type: bars_stripes, side: 2}\n"
                        "model: {type: rbm, hidden: 2}\n"
                        "train: {epochs: 1, batch: 2, sampler: {type: cd, k: 1}}\0"
                        "model.hidden=3\0~seed";
    ASSERT_EQ(ebm_fuzz_config((const uint8_t *)yaml, sizeof yaml - 1), 0);
    ASSERT_EQ(fuzz_config_accepted, 1);
    const char unknown[] = "name: t\nmodel: {type: no_such_model}\n";
    ASSERT_EQ(ebm_fuzz_config((const uint8_t *)unknown, sizeof unknown - 1), 0);
    ASSERT_EQ(fuzz_config_accepted, 0);
    const char csv[] = "\x00\x00" "a,b\n1,2\n3,4\n";
    ASSERT_EQ(ebm_fuzz_csv((const uint8_t *)csv, sizeof csv - 1), 0);
    ASSERT_EQ(fuzz_csv_accepted, 1);
    const char ragged[] = "\x00\x00" "1,2\n3\n";
    ASSERT_EQ(ebm_fuzz_csv((const uint8_t *)ragged, sizeof ragged - 1), 0);
    ASSERT_EQ(fuzz_csv_accepted, 0);
}

int main(void) {
    RUN(config_corpus_and_regressions);
    RUN(csv_corpus_and_regressions);
    RUN(idx_corpus_and_regressions);
    RUN(idx_checks_see_wrong_pixels);
    RUN(entries_refuse_and_accept);
    TEST_MAIN_END();
}
