// SPDX-License-Identifier: MIT
/* The profile reader: real-world profiles load, every error class names its place, warnings are
 * kept, and what the writer writes the reader reads back to the same bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/profile.h"

static char *shared_path(const char *rel)
{
        const char *shared = getenv("PROFGEN_SHARED");
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", shared ? shared : "../../shared", rel) > 0);
        return p;
}

static size_t strv_len(char **v)
{
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

static bool warned(const struct pg_profile *p, const char *needle)
{
        for (char **w = p->warnings; w && *w; w++)
                if (strstr(*w, needle))
                        return true;
        return false;
}

/* Parses text and expects failure with a message containing each of the NULL-terminated needles. */
static void expect_error(const char *text, ...)
{
        struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        int r = pg_profile_parse(text, strlen(text), "bad.json", &p, &err);
        assert_int_equal(r, -EINVAL);
        assert_null(p);
        assert_non_null(err);
        assert_non_null(err->message);
        va_list ap;
        va_start(ap, text);
        for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *)) {
                if (!strstr(err->message, n))
                        fail_msg("message `%s` lacks `%s`", err->message, n);
        }
        va_end(ap);
}

static struct pg_profile *parse_ok(const char *text)
{
        struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        int r = pg_profile_parse(text, strlen(text), "ok.json", &p, &err);
        if (r < 0)
                fail_msg("parse failed: %s", err && err->message ? err->message : "?");
        return p;
}

static void test_docker_default(void **state)
{
        (void)state;
        _cleanup_free_ char *path = shared_path("data/docker-default-seccomp.json");
        _cleanup_profile_ struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        assert_int_equal(pg_profile_read(path, &p, &err), 0);
        assert_int_equal(p->default_action, PG_ACT_ERRNO);
        assert_int_equal(p->default_errno, 1);
        assert_int_equal(p->n_arch_map, 9);
        assert_true(p->n_rules > 30);
        /* clone's masked-equality rule and its includes/excludes */
        bool masked = false;
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].n_args == 1 && p->rules[i].args[0].op == PG_CMP_MASKED_EQ &&
                    p->rules[i].excludes.caps)
                        masked = true;
        assert_true(masked);
        /* names newer than libseccomp 2.5.4 are warnings, not errors */
        assert_true(warned(p, "12 syscall names are newer than libseccomp"));
        assert_true(warned(p, "mseal"));
        assert_true(warned(p, "`SCMP_ARCH_LOONGARCH64` is newer than libseccomp"));
        assert_false(warned(p, "unknown key"));
}

static void test_podman_default(void **state)
{
        (void)state;
        _cleanup_free_ char *path = shared_path("data/podman-default-seccomp.json");
        _cleanup_profile_ struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        assert_int_equal(pg_profile_read(path, &p, &err), 0);
        assert_int_equal(p->default_errno, 38); /* defaultErrnoRet 38 == defaultErrno ENOSYS */
        assert_int_equal(p->rules[0].errno_ret, 1);
        assert_null(p->rules[0].includes.caps); /* "includes": {} */
        assert_null(p->warnings);
}

static void test_all_fields(void **state)
{
        (void)state;
        _cleanup_profile_ struct pg_profile *p = parse_ok(
            "{\"defaultAction\":\"SCMP_ACT_KILL\",\"architectures\":[\"SCMP_ARCH_X86_64\","
            "\"SCMP_ARCH_X86\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"listenerPath\":"
            "\"/run/agent.sock\",\"syscalls\":[{\"name\":\"read\",\"action\":"
            "\"SCMP_ACT_TRACE\",\"errnoRet\":7},{\"names\":[\"write\",\"close\"],\"action\":"
            "\"SCMP_ACT_ERRNO\",\"errno\":\"EXDEV\",\"args\":[{\"index\":0,\"value\":1,"
            "\"op\":\"SCMP_CMP_MASKED_EQ\",\"valueTwo\":1},{\"index\":5,\"value\":"
            "9223372036854775807,\"op\":\"SCMP_CMP_GE\"}],\"comment\":\"c\",\"includes\":{"
            "\"caps\":[\"CAP_CHOWN\"],\"arches\":[\"amd64\"],\"minKernel\":\"4.8\"},"
            "\"excludes\":{\"arches\":[\"x32\"]}}]}");
        assert_int_equal(p->default_action, PG_ACT_KILL_THREAD);
        assert_int_equal(strv_len(p->arches), 2);
        assert_string_equal(p->listener_path, "/run/agent.sock");
        assert_int_equal(p->n_rules, 2);
        assert_string_equal(p->rules[0].names[0], "read");
        assert_int_equal(p->rules[0].errno_ret, 7);
        const struct pg_rule *r = &p->rules[1];
        assert_int_equal(r->errno_ret, 18); /* EXDEV */
        assert_int_equal(r->n_args, 2);
        assert_int_equal(r->args[0].op, PG_CMP_MASKED_EQ);
        assert_int_equal(r->args[1].index, 5);
        assert_true(r->args[1].value == 9223372036854775807ull);
        assert_string_equal(r->comment, "c");
        assert_string_equal(r->includes.caps[0], "CAP_CHOWN");
        assert_string_equal(r->includes.min_kernel, "4.8");
        assert_string_equal(r->excludes.arches[0], "x32");
        assert_null(p->warnings);
}

static void test_error_classes(void **state)
{
        (void)state;
        expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [}", "invalid JSON",
                     NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":\"read\","
                     "\"action\":\"SCMP_ACT_ALLOW\"}]}",
                     "bad.json: syscalls[0].names: must be an array of strings, not a string",
                     NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOWW\"}]}",
                     "syscalls[0].action: unknown action `SCMP_ACT_ALLOWW`", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\","
                     "\"opne\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                     "syscalls[0].names[1]: unknown syscall name `opne`", "libseccomp 2.", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":"
                     "\"SCMP_CMP_EQ\"},{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                     "syscalls[0].args[1].index: 6 is above the maximum 5", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,\"op\":"
                     "\"SCMP_CMP_EQ\"}]}]}",
                     "syscalls[0].args[0].value: must not be negative", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":"
                     "\"SCMP_CMP_EQUAL\"}]}]}",
                     "syscalls[0].args[0].op: unknown operator `SCMP_CMP_EQUAL`", NULL);
        expect_error("{\"syscalls\":[]}", "defaultAction: missing", NULL);
        expect_error("[]", "(top level): must be an object, not an array", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":\"EPERM\"}",
                     "defaultErrnoRet: must be a non-negative integer, not a string", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
                     "\"defaultErrno\":\"ENOSYS\"}",
                     "defaultErrno: `ENOSYS` is 38 but defaultErrnoRet says 1", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"name\":\"read\","
                     "\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                     "both `name` and `names`", NULL);
        expect_error(
            "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
            "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}",
            "both `architectures` and `archMap`", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_Z80\"]}",
                     "architectures[0]: unknown architecture `SCMP_ARCH_Z80`", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_X\"]}",
                     "flags[0]: unknown flag", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"five\"}}]}",
                     "syscalls[0].includes: minKernel `five` is not MAJOR.MINOR", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5000}]}",
                     "syscalls[0].errnoRet: 5000 is above the maximum 4095", NULL);
        expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAction\":\"SCMP_ACT_LOG\"}",
                     "duplicate object key", NULL);
}

static void test_syntax_position(void **state)
{
        (void)state;
        const char *text = "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [,]\n}\n";
        struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        assert_int_equal(pg_profile_parse(text, strlen(text), "x.json", &p, &err), -EINVAL);
        assert_string_equal(err->file, "x.json");
        assert_int_equal(err->line, 3);
        assert_int_equal(err->column, 16);
}

static void test_warnings(void **state)
{
        (void)state;
        _cleanup_profile_ struct pg_profile *p = parse_ok(
            "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAcion\":1,\"syscalls\":[{\"names\":"
            "[\"statmount\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":3,\"includes\":{"
            "\"caps\":[\"SYS_ADMIN\"],\"arches\":[\"x86_64\"]}}]}");
        assert_true(warned(p, "ok.json: defaultAcion: unknown key `defaultAcion` ignored"));
        assert_true(warned(p, "1 syscall name is newer than libseccomp 2.5.4, skipped as runc and "
                              "crun skip them: statmount"));
        assert_true(warned(p, "syscalls[0].errnoRet: ignored for SCMP_ACT_ALLOW"));
        assert_true(warned(p, "`SYS_ADMIN` is not a capability name"));
        assert_true(warned(p, "`x86_64` is not an architecture Docker knows"));
}

static void test_nulls_like_go(void **state)
{
        (void)state;
        _cleanup_profile_ struct pg_profile *p = parse_ok(
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":null,\"syscalls\":[{"
            "\"names\":[\"mmap2\",\"socketcall\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":null,"
            "\"comment\":null,\"includes\":null}]}");
        assert_null(p->arches);
        assert_int_equal(p->rules[0].n_args, 0);
        assert_null(p->warnings); /* pseudo syscalls of other architectures are real names */
}

static void roundtrip(const char *path)
{
        _cleanup_profile_ struct pg_profile *a = NULL, *b = NULL;
        _cleanup_free_ char *ta = NULL, *tb = NULL;
        assert_int_equal(pg_profile_read(path, &a, NULL), 0);
        assert_int_equal(pg_profile_to_json_string(a, &ta, NULL), 0);
        assert_int_equal(pg_profile_parse(ta, strlen(ta), "rt", &b, NULL), 0);
        assert_int_equal(pg_profile_to_json_string(b, &tb, NULL), 0);
        assert_string_equal(ta, tb);
        assert_int_equal(a->n_rules, b->n_rules);
}

static void test_roundtrip(void **state)
{
        (void)state;
        _cleanup_free_ char *d = shared_path("data/docker-default-seccomp.json");
        _cleanup_free_ char *pm = shared_path("data/podman-default-seccomp.json");
        roundtrip(d);
        roundtrip(pm);
}

static void test_newer_table(void **state)
{
        (void)state;
        size_t n;
        const char *const *t = pg_syscalls_newer(&n);
        assert_true(n > 0);
        for (size_t i = 1; i < n; i++)
                assert_true(strcmp(t[i - 1], t[i]) < 0); /* sorted, unique: bsearch relies on it */
        assert_true(pg_syscall_is_newer("mseal"));
        assert_false(pg_syscall_is_newer("read"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_docker_default),  cmocka_unit_test(test_podman_default),
            cmocka_unit_test(test_all_fields),      cmocka_unit_test(test_error_classes),
            cmocka_unit_test(test_syntax_position), cmocka_unit_test(test_warnings),
            cmocka_unit_test(test_nulls_like_go),   cmocka_unit_test(test_roundtrip),
            cmocka_unit_test(test_newer_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
