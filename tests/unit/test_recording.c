// SPDX-License-Identifier: MIT
/* The recording: save → load → save gives the same bytes; loading bad input fails with the file
 * position (invalid JSON) or the JSON path (wrong types, bad values) of what is wrong; merging
 * adds counts and is commutative on the sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/fileio.h"
#include "profgen/recording.h"

#include "tmpdir.h"

static char *read_text(const char *path)
{
        char *text = NULL;
        assert_int_equal(pg_file_read_all(path, &text, NULL, NULL), 0);
        return text;
}

static struct pg_stack *one_frame_stack(const char *module, const char *function)
{
        struct pg_stack *s = calloc(1, sizeof(*s));
        assert_non_null(s);
        s->frames = calloc(1, sizeof(*s->frames));
        assert_non_null(s->frames);
        s->n_frames = 1;
        s->frames[0].module = strdup(module);
        s->frames[0].offset = 0x1234;
        s->frames[0].function = function ? strdup(function) : NULL;
        s->frames[0].function_offset = function ? 7 : 0;
        return s;
}

/* A recording with every field the format has. */
static struct pg_recording *rich_recording(void)
{
        struct pg_recording *r = NULL;
        char *argv[] = {(char *)"sh", (char *)"-c", (char *)"echo \"hi\" | cat", NULL};
        int32_t sh, cat;
        assert_int_equal(pg_recording_new(&r), 0);
        assert_int_equal(pg_recording_set_command(r, argv), 0);
        pg_recording_set_exit_status(r, 141);
        assert_int_equal(pg_recording_set_tracing(r, "seccomp"), 0);
        assert_int_equal(pg_recording_add_note(r, "a note"), 0);
        assert_int_equal(pg_recording_intern_exe(r, "/bin/sh", &sh), 0);
        assert_int_equal(pg_recording_intern_exe(r, "/usr/bin/cat", &cat), 0);
        assert_int_equal(pg_recording_add_process(r, 10, 0), 0);
        assert_int_equal(pg_recording_process_exec(r, 10, sh), 0);
        assert_int_equal(pg_recording_add_process(r, 11, 10), 0);
        assert_int_equal(pg_recording_process_exec(r, 11, sh), 0);
        assert_int_equal(pg_recording_process_exec(r, 11, cat), 0);
        assert_int_equal(pg_recording_add_syscall_count(r, PG_ARCH_X86_64, 0, 5, 10, 12, sh), 0);
        assert_int_equal(pg_recording_add_syscall_count(r, PG_ARCH_X86_64, 59, 2, 10, 10, sh), 0);
        assert_int_equal(pg_recording_add_syscall_count(r, PG_ARCH_X86, 20, 1, 11, 11, cat), 0);
        assert_int_equal(pg_recording_add_syscall_count(r, PG_ARCH_X32, 39, 1, 11, 11, -1), 0);
        pg_recording_set_syscall_stack(r, PG_ARCH_X86_64, 0, one_frame_stack("/bin/sh", "main"));
        pg_recording_set_syscall_stack(r, PG_ARCH_X86, 20, one_frame_stack("/usr/bin/cat", NULL));
        struct pg_fact f = {.key = (char *)"fatal-signal-handler",
                            .arch = PG_ARCH_X86_64,
                            .slot = 13,
                            .detail = (char *)"rt_sigaction(PIPE, handler)",
                            .pid = 11,
                            .exe = cat};
        assert_int_equal(pg_recording_add_fact(r, &f), 0);
        struct pg_cap_evidence ev = {.cap = CAP_NET_BIND_SERVICE,
                                     .source = PG_CAP_SOURCE_KERNEL,
                                     .arch = PG_ARCH_X86_64,
                                     .slot = 49,
                                     .detail = (char *)"bind(AF_INET, port 80)",
                                     .note = (char *)"not under Docker",
                                     .pid = 10,
                                     .exe = sh,
                                     .count = 3};
        assert_int_equal(pg_recording_add_cap(r, &ev), 0);
        pg_recording_set_cap_stack(r, 0, one_frame_stack("/bin/sh", "bind_it"));
        pg_recording_add_baseline(r, PG_ARCH_X86_64, 3);
        pg_recording_add_baseline(r, PG_ARCH_X86, 6);
        return r;
}

static void round_trip(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = rich_recording(), *loaded = NULL;
        _cleanup_free_ char *a = tmp_path("a.json"), *b = tmp_path("b.json");
        _cleanup_error_ struct pg_error *err = NULL;
        assert_int_equal(pg_recording_save(r, a, &err), 0);
        assert_int_equal(pg_recording_load(a, &loaded, &err), 0);
        assert_int_equal(pg_recording_save(loaded, b, &err), 0);
        _cleanup_free_ char *ta = read_text(a), *tb = read_text(b);
        assert_string_equal(ta, tb);
        /* and what was loaded is what was saved */
        assert_int_equal(pg_recording_exit_status(loaded), 141);
        assert_string_equal(pg_recording_command(loaded)[2], "echo \"hi\" | cat");
        assert_int_equal(pg_recording_syscall(loaded, PG_ARCH_X32, 39)->count, 1);
        assert_int_equal(pg_recording_syscall(loaded, PG_ARCH_X86_64, 0)->first_tid, 12);
        assert_string_equal(
            pg_recording_syscall(loaded, PG_ARCH_X86_64, 0)->stack->frames[0].function, "main");
        assert_int_equal(pg_recording_cap(loaded, 0)->count, 3);
        assert_int_equal(pg_recording_cap(loaded, 0)->source, PG_CAP_SOURCE_KERNEL);
        assert_int_equal(pg_recording_process(loaded, 1)->n_exes, 2);
        assert_true(pg_recording_is_baseline(loaded, PG_ARCH_X86, 6));
        assert_false(pg_recording_is_baseline(loaded, PG_ARCH_X86_64, 6));
        assert_int_equal(ta[strlen(ta) - 1], '\n');
}

/* The golden recordings (some hand-written) load, and reach a fixed point after one save. */
static void golden_recordings_round_trip(void **state)
{
        (void)state;
        static const char *const names[] = {"basic", "multiarch", "companions", "caps", "int80"};
        const char *dir = getenv("PROFGEN_GOLDEN") ? getenv("PROFGEN_GOLDEN") : "golden";
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                _cleanup_free_ char *src = NULL, *a = tmp_path("g1.json"), *b = tmp_path("g2.json");
                _cleanup_recording_ struct pg_recording *r1 = NULL, *r2 = NULL;
                _cleanup_error_ struct pg_error *err = NULL;
                assert_true(asprintf(&src, "%s/%s.recording.json", dir, names[i]) > 0);
                if (pg_recording_load(src, &r1, &err) < 0)
                        fail_msg("%s", err->message);
                assert_int_equal(pg_recording_save(r1, a, &err), 0);
                assert_int_equal(pg_recording_load(a, &r2, &err), 0);
                assert_int_equal(pg_recording_save(r2, b, &err), 0);
                _cleanup_free_ char *ta = read_text(a), *tb = read_text(b);
                assert_string_equal(ta, tb);
        }
}

/* Loads `text` as a recording; returns the error (the caller frees it) or NULL on success. */
static struct pg_error *load_text(const char *text, int *ret_code)
{
        _cleanup_free_ char *path = tmp_path("bad.json");
        struct pg_error *err = NULL;
        struct pg_recording *r = NULL;
        assert_int_equal(pg_file_write_atomic(path, text, strlen(text), NULL), 0);
        *ret_code = pg_recording_load(path, &r, &err);
        pg_recording_free(r);
        if (*ret_code == 0)
                assert_null(err);
        else
                assert_null(r);
        return err;
}

static void expect_load_error(const char *text, int code, const char *needle, const char *needle2)
{
        int r;
        _cleanup_error_ struct pg_error *err = load_text(text, &r);
        if (r == 0)
                fail_msg("loaded without error: %s", text);
        assert_int_equal(r, code);
        assert_non_null(err);
        assert_non_null(err->message);
        if (!strstr(err->message, needle) || (needle2 && !strstr(err->message, needle2)))
                fail_msg("message `%s` lacks `%s`%s%s", err->message, needle, needle2 ? " or " : "",
                         needle2 ? needle2 : "");
        assert_non_null(err->file); /* every load error names the file */
}

static void load_invalid_json(void **state)
{
        (void)state;
        int r;
        _cleanup_error_ struct pg_error *err =
            load_text("{\"profgen_recording\": 1,\n \"command\": [\"a\" \"b\"]}\n", &r);
        assert_int_equal(r, -EINVAL);
        assert_non_null(err);
        assert_int_equal(err->line, 2);
        assert_true(err->column > 0);
        assert_non_null(strstr(err->file, "bad.json"));
        assert_non_null(strstr(err->message, "invalid JSON"));

        _cleanup_error_ struct pg_error *err2 = NULL;
        struct pg_recording *rec = NULL;
        assert_int_equal(pg_recording_load("/nonexistent/profgen.json", &rec, &err2), -ENOENT);
        assert_null(rec);
        assert_non_null(strstr(err2->message, "/nonexistent/profgen.json"));
}

static void load_wrong_document(void **state)
{
        (void)state;
        expect_load_error("[]", -EINVAL, "JSON object", NULL);
        expect_load_error("{\"syscalls\": []}", -EINVAL, "profgen_recording", NULL);
        expect_load_error("{\"profgen_recording\": 2}", -EINVAL, "version 2", NULL);
        expect_load_error("{\"profgen_recording\": \"1\"}", -EINVAL, "profgen_recording", NULL);
}

#define HEAD "{\"profgen_recording\": 1, \"executables\": [\"/bin/x\"], "
#define SC   "{\"arch\": \"x86_64\", \"nr\": 0, \"count\": 1"

/* Wrong types and values anywhere: an error with the JSON path, never a silent default. */
static void load_wrong_types(void **state)
{
        (void)state;
        expect_load_error(HEAD "\"command\": \"ls\"}", -EINVAL, "command", "array");
        expect_load_error(HEAD "\"command\": [\"ls\", 1]}", -EINVAL, "command[1]", NULL);
        expect_load_error(HEAD "\"exit_status\": \"0\"}", -EINVAL, "exit_status", NULL);
        expect_load_error(HEAD "\"tracing\": 5}", -EINVAL, "tracing", NULL);
        expect_load_error(HEAD "\"notes\": [\"a\", 5]}", -EINVAL, "notes[1]", NULL);
        expect_load_error("{\"profgen_recording\": 1, \"executables\": [1]}", -EINVAL,
                          "executables[0]", NULL);
        expect_load_error(HEAD "\"syscalls\": [\"read\"]}", -EINVAL, "syscalls[0]", NULL);
        expect_load_error(HEAD "\"syscalls\": [{\"arch\": 5, \"nr\": 0, \"count\": 1}]}", -EINVAL,
                          "syscalls[0].arch", NULL);
        expect_load_error(HEAD "\"syscalls\": [{\"arch\": \"vax\", \"nr\": 0, \"count\": 1}]}",
                          -EINVAL, "syscalls[0].arch", NULL);
        expect_load_error(HEAD "\"syscalls\": [" SC "}, {\"arch\": \"x86_64\", \"nr\": \"0\", "
                               "\"count\": 1}]}",
                          -EINVAL, "syscalls[1].nr", NULL);
        expect_load_error(HEAD
                          "\"syscalls\": [{\"arch\": \"x86_64\", \"nr\": 5000, \"count\": 1}]}",
                          -EINVAL, "syscalls[0].nr", NULL);
        expect_load_error(HEAD "\"syscalls\": [{\"arch\": \"x86_64\", \"nr\": 0, \"count\": 0}]}",
                          -EINVAL, "syscalls[0].count", NULL);
        expect_load_error(HEAD "\"syscalls\": [" SC ", \"pid\": \"7\"}]}", -EINVAL,
                          "syscalls[0].pid", NULL);
        expect_load_error(HEAD "\"syscalls\": [" SC ", \"tid\": 1.5}]}", -EINVAL, "syscalls[0].tid",
                          NULL);
        expect_load_error(HEAD "\"syscalls\": [" SC ", \"exe\": 3}]}", -EINVAL, "syscalls[0].exe",
                          NULL);
        expect_load_error(HEAD "\"syscalls\": [" SC ", \"stack\": {}}]}", -EINVAL,
                          "syscalls[0].stack", NULL);
        expect_load_error(HEAD "\"syscalls\": [" SC ", \"stack\": [{\"offset\": 1}]}]}", -EINVAL,
                          "syscalls[0].stack[0].module", NULL);
        expect_load_error(HEAD "\"baseline\": [{\"arch\": \"x86_64\"}]}", -EINVAL, "baseline[0].nr",
                          NULL);
        expect_load_error(HEAD "\"processes\": [{\"ppid\": 0}]}", -EINVAL, "processes[0].pid",
                          NULL);
        expect_load_error(HEAD "\"processes\": [{\"pid\": 1, \"exes\": [\"/bin/x\"]}]}", -EINVAL,
                          "processes[0].exes[0]", NULL);
        expect_load_error(HEAD "\"processes\": [{\"pid\": 1, \"exes\": [1]}]}", -EINVAL,
                          "processes[0].exes[0]", NULL);
        expect_load_error(HEAD "\"facts\": [{\"arch\": \"x86_64\", \"nr\": 13}]}", -EINVAL,
                          "facts[0].key", NULL);
        expect_load_error(HEAD "\"capabilities\": [{\"cap\": \"CAP_NOPE\", \"arch\": \"x86_64\", "
                               "\"nr\": 49}]}",
                          -EINVAL, "capabilities[0].cap", NULL);
        expect_load_error(HEAD "\"capabilities\": [{\"cap\": \"CAP_CHOWN\", \"source\": \"magic\", "
                               "\"arch\": \"x86_64\", \"nr\": 92}]}",
                          -EINVAL, "capabilities[0].source", NULL);
}

static void load_minimal(void **state)
{
        (void)state;
        int r;
        _cleanup_error_ struct pg_error *err = load_text("{\"profgen_recording\": 1}", &r);
        assert_int_equal(r, 0);
}

/* The syscall set of a recording as "arch/slot:count" lines. */
static char *syscall_summary(const struct pg_recording *r)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                        const struct pg_syscall_stat *st = pg_recording_syscall(r, a, s);
                        if (st)
                                fprintf(f, "%d/%u:%llu %s\n", a, s, (unsigned long long)st->count,
                                        st->first_exe >= 0 ? pg_recording_exe(r, st->first_exe)
                                                           : "-");
                }
        fclose(f);
        return buf;
}

static struct pg_recording *small(const char *exe, uint32_t s1, uint64_t c1, uint32_t s2,
                                  uint64_t c2)
{
        struct pg_recording *r = NULL;
        int32_t idx;
        assert_int_equal(pg_recording_new(&r), 0);
        assert_int_equal(pg_recording_intern_exe(r, "/bin/other", &idx), 0);
        assert_int_equal(pg_recording_intern_exe(r, exe, &idx), 0);
        assert_int_equal(pg_recording_add_syscall_count(r, PG_ARCH_X86_64, s1, c1, 1, 1, idx), 0);
        assert_int_equal(pg_recording_add_syscall_count(r, PG_ARCH_X86, s2, c2, 1, 1, idx), 0);
        assert_int_equal(pg_recording_add_note(r, exe), 0);
        return r;
}

static void merge(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *ab = small("/a", 0, 2, 20, 1);
        _cleanup_recording_ struct pg_recording *ba = small("/b", 0, 3, 109, 4);
        _cleanup_recording_ struct pg_recording *a = small("/a", 0, 2, 20, 1);
        _cleanup_recording_ struct pg_recording *b = small("/b", 0, 3, 109, 4);
        assert_int_equal(pg_recording_merge(ab, b), 0);
        assert_int_equal(pg_recording_merge(ba, a), 0);
        /* counts add up */
        assert_int_equal(pg_recording_syscall(ab, PG_ARCH_X86_64, 0)->count, 5);
        assert_int_equal(pg_recording_syscall(ab, PG_ARCH_X86, 20)->count, 1);
        assert_int_equal(pg_recording_syscall(ab, PG_ARCH_X86, 109)->count, 4);
        /* the first occurrence stays the destination's, exe indexes are remapped */
        assert_string_equal(
            pg_recording_exe(ab, pg_recording_syscall(ab, PG_ARCH_X86_64, 0)->first_exe), "/a");
        assert_string_equal(
            pg_recording_exe(ab, pg_recording_syscall(ab, PG_ARCH_X86, 109)->first_exe), "/b");
        assert_string_equal(
            pg_recording_exe(ba, pg_recording_syscall(ba, PG_ARCH_X86, 20)->first_exe), "/a");
        /* commutative on the sets and counts */
        _cleanup_free_ char *s1 = syscall_summary(ab), *s2 = syscall_summary(ba);
        char *l1 = s1, *l2 = s2;
        for (; *l1 && *l2; l1 = strchr(l1, '\n') + 1, l2 = strchr(l2, '\n') + 1)
                assert_memory_equal(l1, l2, strcspn(l1, " ")); /* "arch/slot:count" */
        assert_int_equal(*l1, *l2);
        assert_int_equal(pg_recording_n_notes(ab), 2);
        /* merging a recording with itself doubles counts and adds no names */
        _cleanup_recording_ struct pg_recording *twice = small("/a", 0, 2, 20, 1);
        assert_int_equal(pg_recording_merge(twice, a), 0);
        assert_int_equal(pg_recording_syscall(twice, PG_ARCH_X86_64, 0)->count, 4);
        assert_int_equal(pg_recording_n_exes(twice), 2);
        assert_int_equal(pg_recording_n_notes(twice), 1);
}

static void merge_evidence(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *dst = NULL, *src = rich_recording();
        assert_int_equal(pg_recording_new(&dst), 0);
        assert_int_equal(pg_recording_merge(dst, src), 0);
        assert_int_equal(pg_recording_merge(dst, src), 0);
        assert_int_equal(pg_recording_n_facts(dst), 1);
        assert_int_equal(pg_recording_n_caps(dst), 1);
        assert_int_equal(pg_recording_cap(dst, 0)->count, 6);
        assert_string_equal(pg_recording_exe(dst, pg_recording_cap(dst, 0)->exe), "/bin/sh");
        assert_string_equal(pg_recording_exe(dst, pg_recording_fact(dst, 0)->exe), "/usr/bin/cat");
        assert_non_null(pg_recording_syscall(dst, PG_ARCH_X86_64, 0)->stack);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(round_trip),
            cmocka_unit_test(golden_recordings_round_trip),
            cmocka_unit_test(load_invalid_json),
            cmocka_unit_test(load_wrong_document),
            cmocka_unit_test(load_wrong_types),
            cmocka_unit_test(load_minimal),
            cmocka_unit_test(merge),
            cmocka_unit_test(merge_evidence),
        };
        return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
