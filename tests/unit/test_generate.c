// SPDX-License-Identifier: MIT
/* The generator, fed from saved recordings (tests/golden/NAME.recording.json) and compared byte
 * for byte with the expected profiles and caps files beside them, with a unified diff on failure.
 * PROFGEN_UPDATE_GOLDEN=1 rewrites the expected files instead (review the diff before committing).
 * Also: determinism, provenance, and the loud error for a number libseccomp cannot name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/fileio.h"
#include "profgen/generator.h"

static const char *golden_dir(void)
{
        const char *d = getenv("PROFGEN_GOLDEN");
        return d && *d ? d : "golden"; /* CTest runs unit tests in tests/ */
}

static bool updating(void)
{
        const char *u = getenv("PROFGEN_UPDATE_GOLDEN");
        return u && strcmp(u, "1") == 0;
}

static char *golden_path(const char *name)
{
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", golden_dir(), name) > 0);
        return p;
}

/* Compares `actual` with golden file `name`; prints `diff -u expected actual` when they differ. */
static void check_golden(const char *name, const char *actual)
{
        _cleanup_free_ char *path = golden_path(name);
        _cleanup_error_ struct pg_error *err = NULL;
        if (updating()) {
                assert_int_equal(pg_file_write_atomic(path, actual, strlen(actual), &err), 0);
                print_message("updated %s\n", path);
                return;
        }
        _cleanup_free_ char *expected = NULL;
        if (pg_file_read_all(path, &expected, NULL, &err) < 0)
                fail_msg("%s (run with PROFGEN_UPDATE_GOLDEN=1 to create it)", err->message);
        if (strcmp(expected, actual) == 0)
                return;
        char tmp[] = "/tmp/profgen-golden.XXXXXX";
        int fd = mkstemp(tmp);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, actual, strlen(actual)), (ssize_t)strlen(actual));
        close(fd);
        _cleanup_free_ char *cmd = NULL;
        assert_true(asprintf(&cmd, "diff -u --label '%s' --label actual '%s' '%s' >&2", path, path,
                             tmp) > 0);
        if (system(cmd) < 0)
                print_error("cannot run diff\n");
        unlink(tmp);
        fail_msg("%s differs from the generated output (diff above; PROFGEN_UPDATE_GOLDEN=1 "
                 "regenerates it)",
                 path);
}

static struct pg_recording *load_golden(const char *name)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        struct pg_recording *rec = NULL;
        assert_true(asprintf(&path, "%s/%s.recording.json", golden_dir(), name) > 0);
        if (pg_recording_load(path, &rec, &err) < 0)
                fail_msg("%s", err ? err->message : "load failed");
        return rec;
}

static char *generate(const struct pg_recording *rec, const struct pg_generate_opts *o)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_generation_ struct pg_generation *g = NULL;
        char *text = NULL;
        if (pg_generate(rec, o, &g, &err) < 0)
                fail_msg("generate: %s", err ? err->message : "?");
        assert_int_equal(pg_profile_to_json_string(g->profile, &text, &err), 0);
        return text;
}

/* Option variants, named by the golden file suffix. */
static void opts_default(struct pg_generate_opts *o)
{
        (void)o;
}
static void opts_none(struct pg_generate_opts *o)
{
        o->runtimes = 0;
}
static void opts_runc_nnp(struct pg_generate_opts *o)
{
        o->runtimes = PG_RUNTIME_RUNC;
        o->no_new_privileges = true;
}
static void opts_crun(struct pg_generate_opts *o)
{
        o->runtimes = PG_RUNTIME_CRUN;
}
static void opts_eperm_extra(struct pg_generate_opts *o)
{
        static char *const extra[] = {(char *)"uname", (char *)"getpid", NULL};
        o->runtimes = 0;
        o->default_errno = EPERM;
        o->extra = extra;
}
static void opts_no_companions(struct pg_generate_opts *o)
{
        o->runtimes = 0;
        o->no_companions = true;
}

static const struct golden_case {
        const char *recording; /* golden/NAME.recording.json */
        const char *profile;   /* golden/PROFILE */
        void (*opts)(struct pg_generate_opts *);
} cases[] = {
    {"basic", "basic.json", opts_default},
    {"basic", "basic.none.json", opts_none},
    {"basic", "basic.runc-nnp.json", opts_runc_nnp},
    {"basic", "basic.crun.json", opts_crun},
    {"basic", "basic.eperm-extra.json", opts_eperm_extra},
    {"multiarch", "multiarch.json", opts_none},
    {"companions", "companions.json", opts_none},
    {"companions", "companions.no-companions.json", opts_no_companions},
    {"caps", "caps.json", opts_default},
    {"int80", "int80.json", opts_none},
};

static void golden_profiles(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                _cleanup_recording_ struct pg_recording *rec = load_golden(cases[i].recording);
                struct pg_generate_opts o;
                pg_generate_opts_init(&o);
                cases[i].opts(&o);
                _cleanup_free_ char *text = generate(rec, &o);
                check_golden(cases[i].profile, text);
        }
}

static void golden_caps(void **state)
{
        (void)state;
        static const char *const recs[] = {"basic", "caps", "companions"};
        for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
                _cleanup_recording_ struct pg_recording *rec = load_golden(recs[i]);
                _cleanup_error_ struct pg_error *err = NULL;
                _cleanup_free_ char *text = NULL, *name = NULL;
                assert_int_equal(pg_caps_to_string(rec, &text, &err), 0);
                assert_true(asprintf(&name, "%s.caps", recs[i]) > 0);
                check_golden(name, text);
        }
}

/* Same recording, same bytes: twice from one model, and from a model built in another order. */
static void deterministic(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *rec = load_golden("multiarch");
        _cleanup_free_ char *a = generate(rec, NULL), *b = generate(rec, NULL);
        assert_string_equal(a, b);

        _cleanup_recording_ struct pg_recording *fwd = NULL, *rev = NULL;
        assert_int_equal(pg_recording_new(&fwd), 0);
        assert_int_equal(pg_recording_new(&rev), 0);
        static const struct {
                enum pg_arch arch;
                uint32_t slot;
        } calls[] = {{PG_ARCH_X86_64, 0}, {PG_ARCH_X86, 20},    {PG_ARCH_X86_64, 257},
                     {PG_ARCH_X32, 39},   {PG_ARCH_X86_64, 59}, {PG_ARCH_X86, 109},
                     {PG_ARCH_X86_64, 1}, {PG_ARCH_X86_64, 231}};
        size_t n = sizeof(calls) / sizeof(calls[0]);
        for (size_t i = 0; i < n; i++) {
                pg_recording_add_syscall(fwd, calls[i].arch, calls[i].slot, 1, 1, -1);
                pg_recording_add_syscall(rev, calls[n - 1 - i].arch, calls[n - 1 - i].slot, 2, 2,
                                         -1);
        }
        _cleanup_free_ char *f = generate(fwd, NULL), *r = generate(rev, NULL);
        assert_string_equal(f, r);
        assert_int_equal(f[strlen(f) - 1], '\n');
}

static const struct pg_provenance *find_prov(const struct pg_generation *g, const char *name,
                                             enum pg_reason reason)
{
        for (size_t i = 0; i < g->n_prov; i++)
                if (strcmp(g->prov[i].name, name) == 0 && g->prov[i].reason == reason)
                        return &g->prov[i];
        return NULL;
}

/* Every allowed name says why it is there; companions name what brought them in. */
static void provenance(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *rec = load_golden("companions");
        _cleanup_generation_ struct pg_generation *g = NULL;
        assert_int_equal(pg_generate(rec, NULL, &g, NULL), 0);
        const struct pg_provenance *p = find_prov(g, "rt_sigsuspend", PG_REASON_COMPANION);
        assert_non_null(p);
        assert_non_null(strstr(p->detail, "wait4"));
        p = find_prov(g, "tgkill", PG_REASON_COMPANION);
        assert_non_null(p);
        assert_non_null(strstr(p->detail, "fact:fatal-signal-handler"));
        assert_non_null(find_prov(g, "execve", PG_REASON_OBSERVED));
        assert_non_null(find_prov(g, "execve", PG_REASON_RUNTIME));
        assert_non_null(find_prov(g, "restart_syscall", PG_REASON_ALWAYS));
        assert_null(find_prov(g, "wait4", PG_REASON_COMPANION));
        for (size_t i = 1; i < g->n_prov; i++) {
                int c = strcmp(g->prov[i - 1].name, g->prov[i].name);
                assert_true(c < 0 || (c == 0 && g->prov[i - 1].reason < g->prov[i].reason));
        }
        /* every name of the rule has a provenance entry, and nothing else is allowed */
        size_t names = 0;
        for (char **n = g->profile->rules[0].names; *n; n++, names++) {
                bool found = false;
                for (size_t i = 0; i < g->n_prov; i++)
                        found |= strcmp(g->prov[i].name, *n) == 0;
                assert_true(found);
        }
        assert_int_equal(g->profile->n_rules, 1);
        assert_true(names <= g->n_prov);
}

/* A number libseccomp cannot name is an error that says so, never a silent omission. */
static void unknown_number_is_an_error(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        struct pg_generation *g = NULL;
        assert_int_equal(pg_recording_new(&rec), 0);
        pg_recording_add_syscall(rec, PG_ARCH_X86_64, 0, 1, 1, -1);
        pg_recording_add_syscall(rec, PG_ARCH_X86_64, 1000, 1, 1, -1);
        assert_int_equal(pg_generate(rec, NULL, &g, &err), -ENOENT);
        assert_null(g);
        assert_non_null(err);
        assert_non_null(strstr(err->message, "1000"));
        assert_non_null(strstr(err->message, "x86_64"));
}

static void unknown_extra_is_an_error(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *rec = load_golden("basic");
        _cleanup_error_ struct pg_error *err = NULL;
        struct pg_generation *g = NULL;
        static char *const extra[] = {(char *)"pread",
                                      NULL}; /* the nginx bug: pread64 is the name */
        struct pg_generate_opts o;
        pg_generate_opts_init(&o);
        o.extra = extra;
        assert_int_equal(pg_generate(rec, &o, &g, &err), -EINVAL);
        assert_null(g);
        assert_non_null(strstr(err->message, "pread"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(golden_profiles),
            cmocka_unit_test(golden_caps),
            cmocka_unit_test(deterministic),
            cmocka_unit_test(provenance),
            cmocka_unit_test(unknown_number_is_an_error),
            cmocka_unit_test(unknown_extra_is_an_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
