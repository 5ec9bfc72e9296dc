/* test_runfile.c — the HDF5 run file: written, read back exactly by our
 * reader, checked against the documented layout with h5dump/h5ls (which do not
 * share our code), reproducible byte for byte, crash-safe after a flush, and
 * clear about files that are not run files. */
#define _GNU_SOURCE   /* memmem */
#include <ctype.h>
#include <dirent.h>
#include <hdf5.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runfile.h"
#include "version.h"
#include "test.h"

static char tmp_dir[64];

static const char *tmp_path(const char *name) {
    static char path[4][384];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmp_dir, name);
    return p;
}

static void remove_tmp_dir(void) {
    DIR *dir = opendir(tmp_dir);
    if (!dir) return;
    struct dirent *e;
    while ((e = readdir(dir)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(tmp_path(e->d_name));
    closedir(dir);
    rmdir(tmp_dir);
}

/* Runs a shell command and returns its whole stdout (malloc'd) or NULL. */
static char *command_output(const char *command) {
    FILE *pipe = popen(command, "r");
    if (!pipe) return NULL;
    size_t len = 0, cap = 4096;
    char *text = malloc(cap);
    size_t got;
    while (text && (got = fread(text + len, 1, cap - len - 1, pipe)) > 0) {
        len += got;
        if (cap - len < 2) {
            char *grown = realloc(text, cap *= 2);
            if (!grown) free(text);
            text = grown;
        }
    }
    int status = pclose(pipe);
    if (!text) return NULL;
    text[len] = '\0';
    if (status != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static const char *CONFIG = "name: t\nseed: 42\nmodel: {type: rbm, hidden: 2}\n";
static const float SAMPLES10[12] = {0, .1f, .2f, .3f, .4f, .5f, .6f, .7f, .8f, .9f, 1, 1.5f};
static const float W[6] = {1, -2, 3.5f, -4.25f, 5, 6e-3f};
static const double ENERGY[4] = {-3, -5, -6.5, -6.5};
static const float TRIPLES[12] = {1, -1, 1, -1, -1, -1, 1, -1, 1, -1, 1, -1};

/* The same calls in the same order: what the determinism test repeats. */
static int write_run(const char *path, ebm_error *err) {
    ebm_runfile *rf = ebm_runfile_create(path, CONFIG, 42, err);
    if (!rf) return err->code;
    int rc = 0;
    const double pl[3] = {-0.5, 0.125, 3.0e10};
    for (int i = 0; i < 3 && !rc; i++)
        rc = ebm_runfile_metric(rf, "pl", 10 * i, pl[i], "pseudo_likelihood", "valid", err);
    /* 600 points cross two chunk boundaries. */
    for (int i = 0; i < 600 && !rc; i++)
        rc = ebm_runfile_metric(rf, "train_loss", i, 0.25 * i, NULL, NULL, err);
    if (!rc) rc = ebm_runfile_metric(rf, "odd", 1, NAN, NULL, NULL, err);
    if (!rc) rc = ebm_runfile_metric(rf, "odd", 2, INFINITY, NULL, NULL, err);
    const double wrong_trace[2] = {9, 9};
    if (!rc) rc = ebm_runfile_trace(rf, "energy", wrong_trace, 2, "sweep", "recall", err);
    if (!rc) rc = ebm_runfile_trace(rf, "energy", ENERGY, 4, "sweep", "recall", err);
    float zeros[12] = {0};
    if (!rc) rc = ebm_runfile_images(rf, "samples", 10, zeros, 2, 6, 2, 3, NULL, err);
    if (!rc) rc = ebm_runfile_images(rf, "samples", 10, SAMPLES10, 2, 6, 2, 3, NULL, err);
    if (!rc) rc = ebm_runfile_images(rf, "samples", 100, SAMPLES10, 1, 12, 0, 0, NULL, err);
    if (!rc) rc = ebm_runfile_images(rf, "samples", 2, SAMPLES10, 3, 4, 0, 0, NULL, err);
    if (!rc)
        rc = ebm_runfile_images(rf, "images/recall_triples", 0, TRIPLES, 3, 4, 2, 2,
                                "pattern,corrupted,recalled", err);
    ebm_tensor early[2] = {{.name = "W", .data = zeros, .rank = 2, .shape = {2, 2}},
                           {.name = "stale", .data = zeros, .rank = 1, .shape = {3}}};
    if (!rc) rc = ebm_runfile_model(rf, "rbm", early, 2, err);
    float b[3] = {0.5f, -0.5f, 0.25f};
    ebm_tensor params[2] = {{.name = "W", .data = (float *)W, .rank = 2, .shape = {3, 2}},
                            {.name = "b", .data = b, .rank = 1, .shape = {3}}};
    if (!rc) rc = ebm_runfile_model(rf, "rbm", params, 2, err);
    if (!rc) rc = ebm_runfile_flush(rf, err);
    if (!rc) rc = ebm_runfile_status(rf, "completed", err);
    int closed = ebm_runfile_close(rf, rc ? NULL : err);
    return rc ? rc : closed;
}

static int is_iso_utc(const char *s) {
    int y, mo, d, h, mi, sec;
    char z;
    return strlen(s) == 20 &&
           sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) == 7 &&
           z == 'Z' && y >= 2020;
}

TEST(read_back_exact) {
    ebm_error err = {0};
    const char *path = tmp_path("run.h5");
    ASSERT_OK(write_run(path, &err));
    ebm_runinfo info;
    int rc = ebm_runfile_read(path, &info, &err);
    if (rc) FAIL_("read: %s", err.msg);
    ASSERT(strcmp(info.status, "completed") == 0);
    ASSERT(strcmp(info.ebm_version, ebm_version()) == 0);
    ASSERT(strcmp(info.config_yaml, CONFIG) == 0);
    ASSERT(strcmp(info.model_type, "rbm") == 0);
    ASSERT(info.seed == 42);
    ASSERT(is_iso_utc(info.started));
    ASSERT(is_iso_utc(info.finished));
    ASSERT(strcmp(info.started, info.finished) <= 0);
    ASSERT_EQ(info.n_metrics, 4);

    const ebm_series *pl = ebm_runinfo_metric(&info, "pl");
    ASSERT(pl && pl->n == 3);
    ASSERT(strcmp(pl->estimator, "pseudo_likelihood") == 0);
    ASSERT(strcmp(pl->split, "valid") == 0);
    ASSERT(strcmp(pl->axis, "step") == 0);
    ASSERT(pl->step[0] == 0 && pl->step[1] == 10 && pl->step[2] == 20);
    ASSERT(pl->value[0] == -0.5 && pl->value[1] == 0.125 && pl->value[2] == 3.0e10);

    const ebm_series *loss = ebm_runinfo_metric(&info, "train_loss");
    ASSERT(loss && loss->n == 600);
    ASSERT(strcmp(loss->estimator, "") == 0 && strcmp(loss->split, "") == 0);
    for (int i = 0; i < 600; i++)
        if (loss->step[i] != i || loss->value[i] != 0.25 * i) FAIL_("train_loss point %d", i);

    const ebm_series *odd = ebm_runinfo_metric(&info, "odd");
    ASSERT(odd && odd->n == 2 && isnan(odd->value[0]) && isinf(odd->value[1]));

    const ebm_series *energy = ebm_runinfo_metric(&info, "energy");
    ASSERT(energy && energy->n == 4);
    ASSERT(strcmp(energy->axis, "sweep") == 0 && strcmp(energy->estimator, "recall") == 0);
    for (int i = 0; i < 4; i++) {
        ASSERT_EQ(energy->step[i], i);
        ASSERT(energy->value[i] == ENERGY[i]);
    }
    ASSERT(ebm_runinfo_metric(&info, "missing") == NULL);
    ebm_runinfo_free(&info);

    ebm_image_set *sets;
    int n_sets;
    rc = ebm_runfile_read_images(path, &sets, &n_sets, &err);
    if (rc) FAIL_("read images: %s", err.msg);
    ASSERT_EQ(n_sets, 4);
    /* group order, then numeric (not string) step order */
    ASSERT(strcmp(sets[0].path, "/images/recall_triples/0000000000") == 0);
    ASSERT(strcmp(sets[1].path, "/samples/0000000002") == 0);
    ASSERT(strcmp(sets[2].path, "/samples/0000000010") == 0);
    ASSERT(strcmp(sets[3].path, "/samples/0000000100") == 0);
    ASSERT(strcmp(sets[0].group, "images/recall_triples") == 0);
    ASSERT(strcmp(sets[0].layout, "pattern,corrupted,recalled") == 0);
    ASSERT(sets[0].n == 3 && sets[0].dim == 4 && sets[0].height == 2 && sets[0].width == 2);
    ASSERT(memcmp(sets[0].data, TRIPLES, sizeof TRIPLES) == 0);
    ASSERT(sets[1].step == 2 && sets[1].n == 3 && sets[1].dim == 4 && sets[1].height == 0);
    ASSERT(strcmp(sets[2].group, "samples") == 0 && strcmp(sets[2].layout, "") == 0);
    ASSERT(sets[2].step == 10 && sets[2].n == 2 && sets[2].dim == 6);
    ASSERT(sets[2].height == 2 && sets[2].width == 3);
    ASSERT(memcmp(sets[2].data, SAMPLES10, sizeof SAMPLES10) == 0);
    ASSERT(sets[3].n == 1 && sets[3].dim == 12 && sets[3].width == 0);
    ebm_image_sets_free(sets, n_sets);

    ebm_tensor t = {.name = "W"};
    rc = ebm_runfile_read_param(path, "W", &t, &err);
    if (rc) FAIL_("read W: %s", err.msg);
    ASSERT(t.rank == 2 && t.shape[0] == 3 && t.shape[1] == 2);
    ASSERT(memcmp(t.data, W, sizeof W) == 0);
    free(t.data);
    /* the second save replaced the whole group */
    ASSERT_EQ(ebm_runfile_read_param(path, "stale", &t, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "/model/stale");
}

/* The contract check: tools that are not ours see the documented layout. */
TEST(layout_seen_by_h5dump_and_h5ls) {
    ebm_error err = {0};
    const char *path = tmp_path("contract.h5");
    ASSERT_OK(write_run(path, &err));
    char command[512];
    snprintf(command, sizeof command, "h5ls -r '%s'", path);
    char *listing = command_output(command);
    ASSERT(listing);
    static const char *const lines[][2] = {
        {"/config ", "Dataset {SCALAR}"},
        {"/metrics/pl ", "Group"},
        {"/metrics/pl/step ", "Dataset {3/Inf}"},
        {"/metrics/pl/value ", "Dataset {3/Inf}"},
        {"/metrics/train_loss/value ", "Dataset {600/Inf}"},
        {"/metrics/energy/step ", "Dataset {4/Inf}"},
        {"/samples/0000000010 ", "Dataset {2, 2, 3}"},
        {"/samples/0000000100 ", "Dataset {1, 12}"},
        {"/images/recall_triples/0000000000 ", "Dataset {3, 2, 2}"},
        {"/model/W ", "Dataset {3, 2}"},
        {"/model/b ", "Dataset {3}"},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const char *line = strstr(listing, lines[i][0]);
        const char *eol = line ? strchr(line, '\n') : NULL;
        const char *kind = line ? strstr(line, lines[i][1]) : NULL;
        if (!line || !kind || (eol && kind > eol)) {
            free(listing);
            FAIL_("h5ls has no line \"%s ... %s\"", lines[i][0], lines[i][1]);
        }
    }
    ASSERT(!strstr(listing, "/model/stale"));
    /* h5ls lists names as text: the zero-padded steps come in step order */
    const char *s2 = strstr(listing, "/samples/0000000002 ");
    const char *s10 = strstr(listing, "/samples/0000000010 ");
    const char *s100 = strstr(listing, "/samples/0000000100 ");
    ASSERT(s2 && s10 && s100 && s2 < s10 && s10 < s100);
    free(listing);

    snprintf(command, sizeof command, "h5dump -A '%s'", path);
    char *dump = command_output(command);
    ASSERT(dump);
    static const char *const expected[] = {
        "ATTRIBUTE \"ebm_version\"", "\"" EBM_VERSION,
        "ATTRIBUTE \"seed\"", "H5T_STD_U64LE", "(0): 42",
        "ATTRIBUTE \"status\"", "\"completed\"",
        "ATTRIBUTE \"started\"", "ATTRIBUTE \"finished\"",
        "DATASET \"config\"",
        "GROUP \"pl\"", "ATTRIBUTE \"estimator\"", "\"pseudo_likelihood\"",
        "ATTRIBUTE \"split\"", "\"valid\"", "ATTRIBUTE \"axis\"", "\"sweep\"",
        "H5T_STD_I64LE", "H5T_IEEE_F64LE", "H5T_IEEE_F32LE",
        "ATTRIBUTE \"shape\"", "(0): 2, 3",
        "ATTRIBUTE \"layout\"", "\"pattern,corrupted,recalled\"",
        "GROUP \"model\"", "ATTRIBUTE \"type\"", "\"rbm\"",
    };
    /* every string attribute is variable-length UTF-8 (h5py gives str) */
    ASSERT(!strstr(dump, "CSET H5T_CSET_ASCII"));
    ASSERT(strstr(dump, "STRSIZE H5T_VARIABLE") && strstr(dump, "CSET H5T_CSET_UTF8"));
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (!strstr(dump, expected[i])) {
            free(dump);
            FAIL_("h5dump -A lacks %s", expected[i]);
        }
    free(dump);

    snprintf(command, sizeof command, "h5dump -d /model/W -d /metrics/pl/value '%s'", path);
    dump = command_output(command);
    ASSERT(dump);
    ASSERT_STR_CONTAINS(dump, "1, -2,");
    ASSERT_STR_CONTAINS(dump, "-4.25,");
    ASSERT_STR_CONTAINS(dump, "-0.5, 0.125, 3e+10");
    free(dump);
}

/* Replaces every "YYYY-MM-DDTHH:MM:SSZ" by a fixed text and returns the dump
 * past its first line (which names the file), so two dumps compare equal
 * when only the times differ. */
/* 1 if p starts with a quoted run_id: '"', 32 hex digits, '"'. */
static int is_run_id(const char *p) {
    if (p[0] != '"') return 0;
    for (int i = 1; i <= 32; i++)
        if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i])) return 0;
    return p[33] == '"';
}

static const char *normalize_dump(char *dump) {
    for (char *p = dump; *p; p++) {
        if (strlen(p) >= 20 && p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[13] == ':' &&
            p[16] == ':' && p[19] == 'Z')
            memset(p, 'T', 20);
        if (strlen(p) >= 34 && is_run_id(p)) memset(p + 1, 'R', 32);
    }
    const char *body = strchr(dump, '\n');
    return body ? body : dump;
}

static char *read_whole(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    rewind(f);
    char *bytes = malloc(*size + 1);
    if (bytes && fread(bytes, 1, *size, f) != *size) {
        free(bytes);
        bytes = NULL;
    }
    fclose(f);
    return bytes;
}

/* Two runs with the same calls give the same file: h5dump output equal but
 * for the times, and the bytes equal but inside the started/finished values.
 * The second run starts a second later, so object timestamps (if tracking
 * were on) would differ too; h5dump never shows those, hence the bytes. */
TEST(same_calls_same_file) {
    ebm_error err = {0};
    const char *path_a = tmp_path("a.h5"), *path_b = tmp_path("bb.h5");
    ASSERT_OK(write_run(path_a, &err));
    sleep(1);
    ASSERT_OK(write_run(path_b, &err));

    char command[512];
    snprintf(command, sizeof command, "h5dump '%s'", path_a);
    char *dump_a = command_output(command);
    snprintf(command, sizeof command, "h5dump '%s'", path_b);
    char *dump_b = command_output(command);
    if (!dump_a || !dump_b) {
        free(dump_a);
        free(dump_b);
        FAIL_("h5dump failed");
    }
    int same_dump = strcmp(normalize_dump(dump_a), normalize_dump(dump_b)) == 0;
    free(dump_a);
    free(dump_b);
    ASSERT(same_dump);

    ebm_runinfo info_a, info_b;
    ASSERT_OK(ebm_runfile_read(path_a, &info_a, &err));
    ASSERT_OK(ebm_runfile_read(path_b, &info_b, &err));
    size_t size_a, size_b;
    char *bytes_a = read_whole(path_a, &size_a), *bytes_b = read_whole(path_b, &size_b);
    int ok = bytes_a && bytes_b && size_a == size_b;
    /* Blank the four time strings and the two run ids where they sit in
     * each file, then compare. */
    const char *times[2][3] = {{info_a.started, info_a.finished, info_a.run_id},
                               {info_b.started, info_b.finished, info_b.run_id}};
    char *bytes[2] = {bytes_a, bytes_b};
    for (int f = 0; ok && f < 2; f++)
        for (int t = 0; ok && t < 3; t++) {
            size_t n = t < 2 ? 20 : 32;
            char *at = memmem(bytes[f], size_a, times[f][t], n);
            ok = at != NULL;
            if (at) memset(at, 0, n);
        }
    if (ok) ok = memcmp(bytes_a, bytes_b, size_a) == 0;
    ebm_runinfo_free(&info_a);
    ebm_runinfo_free(&info_b);
    free(bytes_a);
    free(bytes_b);
    ASSERT(ok);
}

TEST(status_and_trace_updates) {
    ebm_error err = {0};
    const char *path = tmp_path("status.h5");
    ebm_runfile *rf = ebm_runfile_create(path, "", 7, &err);
    ASSERT(rf);
    ebm_runinfo info;
    ASSERT_OK(ebm_runfile_flush(rf, &err));
    ASSERT_EQ(ebm_runfile_status(rf, "done", &err), EBM_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "\"done\"");
    ASSERT_OK(ebm_runfile_status(rf, "interrupted", &err));
    /* a metric may continue a trace */
    const double trace[2] = {1, 2};
    ASSERT_OK(ebm_runfile_trace(rf, "e", trace, 2, NULL, NULL, &err));
    ASSERT_OK(ebm_runfile_metric(rf, "e", 5, 3, NULL, NULL, &err));
    ASSERT_OK(ebm_runfile_close(rf, &err));
    ASSERT_OK(ebm_runfile_read(path, &info, &err));
    ASSERT(strcmp(info.status, "interrupted") == 0 && is_iso_utc(info.finished));
    ASSERT(strcmp(info.config_yaml, "") == 0 && info.seed == 7);
    ASSERT(strcmp(info.model_type, "") == 0);
    const ebm_series *e = ebm_runinfo_metric(&info, "e");
    ASSERT(e && e->n == 3 && e->step[2] == 5 && e->value[2] == 3 && e->value[1] == 2);
    ebm_runinfo_free(&info);
}

TEST(bad_arguments_rejected) {
    ebm_error err = {0};
    ebm_runfile *rf = ebm_runfile_create(tmp_path("names.h5"), "x: 1\n", 1, &err);
    ASSERT(rf);
    ASSERT_EQ(ebm_runfile_metric(rf, "a/b", 0, 1, NULL, NULL, &err), EBM_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, "\"a/b\"");
    ASSERT_EQ(ebm_runfile_metric(rf, ".", 0, 1, NULL, NULL, &err), EBM_EINVAL);
    ASSERT_EQ(ebm_runfile_metric(rf, "", 0, 1, NULL, NULL, &err), EBM_EINVAL);
    ASSERT_EQ(ebm_runfile_trace(rf, "x/y", NULL, 0, NULL, NULL, &err), EBM_EINVAL);
    ebm_tensor bad = {.name = "a/b", .data = NULL, .rank = 1, .shape = {0}};
    ASSERT_EQ(ebm_runfile_model(rf, "rbm", &bad, 1, &err), EBM_EINVAL);
    ASSERT_EQ(ebm_runfile_images(rf, "images/.", 0, NULL, 0, 0, 0, 0, NULL, &err), EBM_EINVAL);
    ASSERT_OK(ebm_runfile_metric(rf, "a.b", 0, 1, NULL, NULL, &err));
    /* /config is a dataset, not a group: HDF5's reason is passed on */
    float x[2] = {1, 2};
    ASSERT_EQ(ebm_runfile_images(rf, "config", 5, x, 1, 2, 0, 0, NULL, &err), EBM_EIO);
    ASSERT_STR_CONTAINS(err.msg, "names.h5: cannot write /config/0000000005: not a group");
    ASSERT_OK(ebm_runfile_close(rf, &err));
    ASSERT_OK(ebm_runfile_close(NULL, &err));
}

/* Everything up to the last flush is readable, by our reader, while the run
 * is still writing (it holds HDF5's file lock) and after it was SIGKILLed. */
static void check_flushed_points(const char *path, const char *when) {
    ebm_error err = {0};
    ebm_runinfo info;
    int rc = ebm_runfile_read(path, &info, &err);
    if (rc) FAIL_("reading %s: %s", when, err.msg);
    ASSERT(strcmp(info.status, "running") == 0 && strcmp(info.finished, "") == 0);
    const ebm_series *loss = ebm_runinfo_metric(&info, "loss");
    if (!loss || loss->n < 300) {
        ebm_runinfo_free(&info);
        FAIL_("%s: loss has %zu points, expected at least 300", when, loss ? loss->n : 0);
    }
    for (int i = 0; i < 300; i++)
        if (loss->step[i] != i || loss->value[i] != 1.0 / (i + 1)) {
            ebm_runinfo_free(&info);
            FAIL_("%s: loss point %d", when, i);
        }
    ebm_runinfo_free(&info);
    ebm_image_set *sets;
    int n;
    ASSERT_OK(ebm_runfile_read_images(path, &sets, &n, &err));
    ASSERT(n == 1 && sets[0].step == 299 && sets[0].data[3] == 4);
    ebm_image_sets_free(sets, n);
}

TEST(flushed_points_survive_a_kill) {
    const char *path = tmp_path("killed.h5");
    int flushed[2];
    ASSERT_OK(pipe(flushed));
    pid_t child = fork();
    ASSERT(child >= 0);
    if (child == 0) {
        ebm_error err;
        ebm_runfile *rf = ebm_runfile_create(path, "k: 1\n", 3, &err);
        if (!rf) _exit(1);
        for (int i = 0; i < 300; i++)
            if (ebm_runfile_metric(rf, "loss", i, 1.0 / (i + 1), NULL, NULL, &err)) _exit(1);
        float x[4] = {1, 2, 3, 4};
        if (ebm_runfile_images(rf, "samples", 299, x, 1, 4, 2, 2, NULL, &err)) _exit(1);
        if (ebm_runfile_flush(rf, &err)) _exit(1);
        ebm_runfile_metric(rf, "loss", 300, 0.0, NULL, NULL, &err);   /* unflushed */
        if (write(flushed[1], "f", 1) != 1) _exit(1);
        pause();   /* until the parent kills it */
        _exit(1);
    }
    close(flushed[1]);
    char byte;
    ssize_t got = read(flushed[0], &byte, 1);
    close(flushed[0]);
    if (got == 1) check_flushed_points(path, "a live run");
    kill(child, SIGKILL);
    int status;
    ASSERT(waitpid(child, &status, 0) == child);
    ASSERT_EQ(got, 1);
    ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    check_flushed_points(path, "a killed run");
}

/* A file made with the raw HDF5 API, as another program would. */
static hid_t raw_file(const char *path, int with_status, int with_config) {
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t scalar = H5Screate(H5S_SCALAR);
    if (with_status) {
        int one = 1;
        hid_t attr = H5Acreate2(file, "status", H5T_NATIVE_INT, scalar, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(attr, H5T_NATIVE_INT, &one);
        H5Aclose(attr);
    }
    if (with_config) {
        /* a variable-length string, as h5py writes one */
        hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        const char *text = "from: elsewhere\n";
        hid_t dset = H5Dcreate2(file, "config", type, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text);
        H5Dclose(dset);
        H5Tclose(type);
    }
    H5Sclose(scalar);
    return file;
}

static void raw_series(hid_t file, const char *group, hsize_t n_step, hsize_t n_value) {
    hid_t g = H5Gcreate2(file, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double zeros[8] = {0};
    hsize_t sizes[2] = {n_step, n_value};
    const char *names[2] = {"step", "value"};
    for (int i = 0; i < 2; i++) {
        if (sizes[i] == 0) continue;
        hid_t space = H5Screate_simple(1, &sizes[i], NULL);
        hid_t dset = H5Dcreate2(g, names[i], H5T_NATIVE_DOUBLE, space, H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros);
        H5Dclose(dset);
        H5Sclose(space);
    }
    H5Gclose(g);
}

TEST(not_a_run_file) {
    ebm_error err = {0};
    ebm_runinfo info;
    const char *missing = tmp_path("missing.h5");
    ASSERT_EQ(ebm_runfile_read(missing, &info, &err), EBM_EIO);
    char expected[300];
    snprintf(expected, sizeof expected, "%s: cannot open: No such file or directory", missing);
    ASSERT(strcmp(err.msg, expected) == 0);
    ebm_image_set *sets;
    int n;
    ASSERT_EQ(ebm_runfile_read_images(missing, &sets, &n, &err), EBM_EIO);
    ebm_tensor t = {0};
    ASSERT_EQ(ebm_runfile_read_param(missing, "W", &t, &err), EBM_EIO);

    const char *text = tmp_path("text.h5");
    FILE *f = fopen(text, "w");
    ASSERT(f);
    fputs("name: not hdf5\n", f);
    fclose(f);
    ASSERT_EQ(ebm_runfile_read(text, &info, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, text);
    ASSERT_STR_CONTAINS(err.msg, "not an HDF5 file");

    ASSERT(ebm_runfile_create(tmp_path("no/such/dir.h5"), "", 0, &err) == NULL);
    ASSERT_EQ(err.code, EBM_EIO);
    ASSERT_STR_CONTAINS(err.msg, "no/such/dir.h5: cannot create: No such file or directory");

    const char *no_config = tmp_path("no_config.h5");
    H5Fclose(raw_file(no_config, 1, 0));
    ASSERT_EQ(ebm_runfile_read(no_config, &info, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, no_config);
    ASSERT_STR_CONTAINS(err.msg, "no dataset /config");

    const char *no_status = tmp_path("no_status.h5");
    H5Fclose(raw_file(no_status, 0, 1));
    ASSERT_EQ(ebm_runfile_read(no_status, &info, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "no root attribute 'status'");

    const char *int_status = tmp_path("int_status.h5");
    hid_t file = raw_file(int_status, 1, 1);
    H5Fclose(file);
    ASSERT_EQ(ebm_runfile_read(int_status, &info, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "attribute status is not a string");

    const char *unequal = tmp_path("unequal.h5");
    ebm_runfile *rf = ebm_runfile_create(unequal, "", 0, &err);
    ASSERT(rf);
    ASSERT_OK(ebm_runfile_close(rf, &err));
    file = H5Fopen(unequal, H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT(file >= 0);
    raw_series(file, "/metrics/ok", 3, 3);
    raw_series(file, "/metrics/torn", 3, 2);
    H5Fclose(file);
    /* One point apart in a file still "running": a kill inside a flush; the
     * common prefix is read. */
    ASSERT_OK(ebm_runfile_read(unequal, &info, &err));
    ASSERT_EQ(ebm_runinfo_metric(&info, "torn")->n, 2);
    ASSERT_EQ(ebm_runinfo_metric(&info, "ok")->n, 3);
    ebm_runinfo_free(&info);
    file = H5Fopen(unequal, H5F_ACC_RDWR, H5P_DEFAULT);
    raw_series(file, "/metrics/short", 3, 1);
    H5Fclose(file);
    ASSERT_EQ(ebm_runfile_read(unequal, &info, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "/metrics/short: step has 3 points but value has 1");
    /* A file that was closed (any other status) must be whole. */
    const char *closed = tmp_path("closed_torn.h5");
    rf = ebm_runfile_create(closed, "", 0, &err);
    ASSERT(rf);
    ASSERT_OK(ebm_runfile_status(rf, "completed", &err));
    ASSERT_OK(ebm_runfile_close(rf, &err));
    file = H5Fopen(closed, H5F_ACC_RDWR, H5P_DEFAULT);
    raw_series(file, "/metrics/torn", 3, 2);
    H5Fclose(file);
    ASSERT_EQ(ebm_runfile_read(closed, &info, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "step has 3 points but value has 2");

    const char *no_value = tmp_path("no_value.h5");
    rf = ebm_runfile_create(no_value, "", 0, &err);
    ASSERT(rf);
    ASSERT_OK(ebm_runfile_close(rf, &err));
    file = H5Fopen(no_value, H5F_ACC_RDWR, H5P_DEFAULT);
    raw_series(file, "/metrics/half", 4, 0);
    H5Fclose(file);
    ASSERT_EQ(ebm_runfile_read(no_value, &info, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "/metrics/half has no dataset 'value'");
    ASSERT_EQ(ebm_runfile_read_param(no_value, "W", &t, &err), EBM_EDATA);
    ASSERT_STR_CONTAINS(err.msg, "no dataset /model/W");
}

/* A vlen-string config from another writer is read like ours. */
TEST(foreign_strings_read) {
    const char *path = tmp_path("foreign.h5");
    hid_t file = raw_file(path, 0, 1);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hid_t scalar = H5Screate(H5S_SCALAR);
    const char *status = "completed";
    hid_t attr = H5Acreate2(file, "status", type, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, &status);
    H5Aclose(attr);
    H5Sclose(scalar);
    H5Tclose(type);
    H5Fclose(file);
    ebm_error err = {0};
    ebm_runinfo info;
    int rc = ebm_runfile_read(path, &info, &err);
    if (rc) FAIL_("read: %s", err.msg);
    ASSERT(strcmp(info.status, "completed") == 0);
    ASSERT(strcmp(info.config_yaml, "from: elsewhere\n") == 0);
    ASSERT(strcmp(info.started, "") == 0 && info.seed == 0 && info.n_metrics == 0);
    ebm_runinfo_free(&info);
}

/* A run file as ebm wrote it before the names were padded and the strings
 * became UTF-8: fixed-length ASCII attributes and /config, step names
 * without zeros. ebm still reads it, in step order. */
TEST(older_layout_still_read) {
    const char *path = tmp_path("older.h5");
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t scalar = H5Screate(H5S_SCALAR);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 32);
    char status[32] = "completed";
    hid_t attr = H5Acreate2(file, "status", type, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, status);
    H5Aclose(attr);
    const char config[] = "name: old\n";
    H5Tset_size(type, sizeof config);
    hid_t dset = H5Dcreate2(file, "config", type, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, config);
    H5Dclose(dset);
    H5Tclose(type);
    H5Sclose(scalar);
    H5Gclose(H5Gcreate2(file, "metrics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    hid_t samples = H5Gcreate2(file, "samples", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    static const char *const names[] = {"10", "2", "100"};
    hsize_t dims[2] = {1, 3};
    hid_t space = H5Screate_simple(2, dims, NULL);
    for (int i = 0; i < 3; i++) {
        float row[3] = {(float)i, 0, 1};
        hid_t d = H5Dcreate2(samples, names[i], H5T_IEEE_F32LE, space, H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, row);
        H5Dclose(d);
    }
    H5Sclose(space);
    H5Gclose(samples);
    H5Fclose(file);

    ebm_error err = {0};
    ebm_runinfo info;
    int rc = ebm_runfile_read(path, &info, &err);
    if (rc) FAIL_("read: %s", err.msg);
    ASSERT(strcmp(info.status, "completed") == 0);
    ASSERT(strcmp(info.config_yaml, "name: old\n") == 0);
    ebm_runinfo_free(&info);
    ebm_image_set *sets;
    int n_sets;
    rc = ebm_runfile_read_images(path, &sets, &n_sets, &err);
    if (rc) FAIL_("read images: %s", err.msg);
    ASSERT_EQ(n_sets, 3);
    ASSERT(sets[0].step == 2 && sets[1].step == 10 && sets[2].step == 100);
    ASSERT(strcmp(sets[1].path, "/samples/10") == 0 && sets[1].data[0] == 0.0f);
    ebm_image_sets_free(sets, n_sets);
}

int main(void) {
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ebm-test-runfile-XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    RUN(read_back_exact);
    RUN(layout_seen_by_h5dump_and_h5ls);
    RUN(same_calls_same_file);
    RUN(status_and_trace_updates);
    RUN(bad_arguments_rejected);
    RUN(flushed_points_survive_a_kill);
    RUN(not_a_run_file);
    RUN(foreign_strings_read);
    RUN(older_layout_still_read);
    /* EBM_KEEP_TMP=1 leaves the files for a look with h5dump. */
    if (getenv("EBM_KEEP_TMP")) printf("files kept in %s\n", tmp_dir);
    else remove_tmp_dir();
    TEST_MAIN_END();
}
