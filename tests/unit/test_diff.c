// SPDX-License-Identifier: MIT
/* diff: golden outputs for each kind of change (tests/golden/diff/out, from the profiles in
 * tests/golden/diff/in compared with in/base.json), semantic equivalence, evidence from a recording
 * built here. PROFGEN_UPDATE_GOLDEN=1 rewrites the golden files; review their diff. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "profgen/cleanup.h"
#include "profgen/diff.h"
#include "profgen/fileio.h"
#include "profgen/merge.h"

/* Run from tests/ (CTest's working directory), so paths in annotations are stable. */
#define IN  "golden/diff/in/"
#define OUT "golden/diff/out/"

static struct pg_profile *load(const char *name)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        struct pg_profile *p = NULL;
        assert_true(asprintf(&path, IN "%s.json", name) > 0);
        if (pg_profile_read(path, &p, &err) < 0)
                fail_msg("%s: %s", path, err->message);
        return p;
}

/* The caps list of case `name`, when it has one. */
static bool load_caps(const char *name, struct pg_caps_list *ret)
{
        _cleanup_free_ char *path = NULL;
        assert_true(asprintf(&path, IN "%s.caps", name) > 0);
        memset(ret, 0, sizeof(*ret));
        if (access(path, F_OK) < 0)
                return false;
        assert_int_equal(pg_caps_list_read(path, ret, NULL), 0);
        return true;
}

static struct pg_diff *diff_with_base(const char *name)
{
        _cleanup_profile_ struct pg_profile *base = load("base"), *other = load(name);
        struct pg_diff *d = NULL;
        struct pg_caps_list bc, oc;
        assert_int_equal(pg_diff_profiles(base, other, &d, NULL), 0);
        load_caps("base", &bc);
        if (load_caps(name, &oc))
                assert_int_equal(pg_diff_caps(d, &bc, &oc), 0);
        pg_caps_list_clear(&bc);
        pg_caps_list_clear(&oc);
        return d;
}

/* Compares text with OUT/file byte for byte (or rewrites it when asked). */
static void golden(const char *file, const char *text)
{
        _cleanup_free_ char *path = NULL, *want = NULL;
        assert_true(asprintf(&path, OUT "%s", file) > 0);
        const char *update = getenv("PROFGEN_UPDATE_GOLDEN");
        if (update && strcmp(update, "1") == 0) {
                assert_int_equal(pg_file_write_atomic(path, text, strlen(text), NULL), 0);
                return;
        }
        if (pg_file_read_all(path, &want, NULL, NULL) < 0)
                fail_msg("missing golden file %s (PROFGEN_UPDATE_GOLDEN=1 makes it)", path);
        if (strcmp(want, text) != 0)
                fail_msg("%s differs; got:\n%s\nwant:\n%s", path, text, want);
}

static char *format(const struct pg_diff *d, enum pg_diff_format f, const char *name,
                    bool removals_allowed)
{
        _cleanup_free_ char *new_label = NULL;
        assert_true(asprintf(&new_label, "%s.json", name) > 0);
        struct pg_diff_format_opts o = {
            .format = f,
            .old_label = "base.json",
            .new_label = new_label,
            .old_path = IN "base.json",
            .old_caps_path = IN "base.caps",
            .removals_allowed = removals_allowed,
        };
        char *text = NULL;
        assert_int_equal(pg_diff_format(d, &o, &text, NULL), 0);
        return text;
}

static void each_kind_of_change(void **state)
{
        (void)state;
        static const char *const cases[] = {"added",  "removed", "perarch", "arch",
                                            "action", "args",    "caps",    "settings"};
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                _cleanup_diff_ struct pg_diff *d = diff_with_base(cases[i]);
                _cleanup_free_ char *text = format(d, PG_DIFF_FORMAT_TEXT, cases[i], false);
                _cleanup_free_ char *file = NULL;
                assert_true(asprintf(&file, "%s.txt", cases[i]) > 0);
                golden(file, text);
                assert_true(pg_diff_is_drift(d, false));
        }
}

static void formats(void **state)
{
        (void)state;
        _cleanup_diff_ struct pg_diff *added = diff_with_base("added");
        _cleanup_diff_ struct pg_diff *removed = diff_with_base("removed");
        _cleanup_diff_ struct pg_diff *caps = diff_with_base("caps");
        _cleanup_free_ char *json = format(added, PG_DIFF_FORMAT_JSON, "added", false);
        _cleanup_free_ char *gh = format(added, PG_DIFF_FORMAT_GITHUB, "added", false);
        _cleanup_free_ char *gh_caps = format(caps, PG_DIFF_FORMAT_GITHUB, "caps", false);
        _cleanup_free_ char *gh_removed = format(removed, PG_DIFF_FORMAT_GITHUB, "removed", true);
        _cleanup_free_ char *partial = format(removed, PG_DIFF_FORMAT_TEXT, "removed", true);
        _cleanup_free_ char *plain = format(added, PG_DIFF_FORMAT_TEXT, "added", false);
        golden("added.json", json);
        golden("added.github", gh);
        golden("caps.github", gh_caps);
        golden("removed-allowed.github", gh_removed);
        golden("removed-allowed.txt", partial);
        /* --allow-removals: reported, not drift; anything else stays drift. */
        assert_false(pg_diff_is_drift(removed, true));
        assert_true(pg_diff_is_drift(added, true));
        assert_null(strstr(plain, "\033["));
}

static void color_only_when_asked(void **state)
{
        (void)state;
        _cleanup_diff_ struct pg_diff *d = diff_with_base("removed");
        struct pg_diff_format_opts o = {.old_label = "a", .new_label = "b", .color = true};
        _cleanup_free_ char *text = NULL;
        assert_int_equal(pg_diff_format(d, &o, &text, NULL), 0);
        assert_non_null(strstr(text, "\033[31m-"));
}

static size_t entries(const struct pg_profile *a, const struct pg_profile *b)
{
        _cleanup_diff_ struct pg_diff *d = NULL;
        assert_int_equal(pg_diff_profiles(a, b, &d, NULL), 0);
        return d->n;
}

/* Regrouped, reordered, repeated, default-equal and differently spelt rules mean the same. */
static void semantic_equivalence(void **state)
{
        (void)state;
        _cleanup_profile_ struct pg_profile *base = load("base"), *re = load("regrouped");
        assert_int_equal(entries(base, re), 0);
        assert_int_equal(entries(re, base), 0);
        assert_int_equal(entries(base, base), 0);
        /* Every rule and every name list backwards: still the same profile. */
        for (size_t i = 0; i < base->n_rules / 2; i++) {
                struct pg_rule t = base->rules[i];
                base->rules[i] = base->rules[base->n_rules - 1 - i];
                base->rules[base->n_rules - 1 - i] = t;
        }
        for (size_t i = 0; i < base->n_rules; i++) {
                char **n = base->rules[i].names;
                size_t k = 0;
                while (n[k])
                        k++;
                for (size_t j = 0; j < k / 2; j++) {
                        char *t = n[j];
                        n[j] = n[k - 1 - j];
                        n[k - 1 - j] = t;
                }
        }
        assert_int_equal(entries(base, re), 0);
        /* ...and one real change is seen through the regrouping. */
        _cleanup_profile_ struct pg_profile *added = load("added");
        assert_int_equal(entries(re, added), 4);
}

static struct pg_stack *stack_of(const char *inner_module, const char *inner_fn,
                                 const char *outer_module, const char *outer_fn)
{
        struct pg_stack *st = calloc(1, sizeof(*st));
        assert_non_null(st);
        st->n_frames = 2;
        st->frames = calloc(2, sizeof(*st->frames));
        assert_non_null(st->frames);
        st->frames[0] = (struct pg_frame){strdup(inner_module), 0x1234, strdup(inner_fn), 0xb};
        st->frames[1] = (struct pg_frame){strdup(outer_module), 0x5678, strdup(outer_fn), 0x2a};
        return st;
}

/* A recording of the `added` run: socket made by the program, bind not (the runtime's, per the
 * generator), a capability with its evidence, a syscall on another architecture. */
static struct pg_recording *recording(void)
{
        struct pg_recording *rec = NULL;
        int32_t exe;
        uint32_t socket_slot, read_slot;
        assert_int_equal(pg_recording_new(&rec), 0);
        assert_int_equal(pg_recording_intern_exe(rec, "/usr/bin/app", &exe), 0);
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86_64, "socket", &socket_slot), 0);
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86_64, "read", &read_slot), 0);
        assert_int_equal(
            pg_recording_add_syscall_count(rec, PG_ARCH_X86_64, socket_slot, 3, 100, 101, exe), 0);
        assert_int_equal(
            pg_recording_add_syscall_count(rec, PG_ARCH_X86_64, read_slot, 9, 100, 100, exe), 0);
        pg_recording_set_syscall_stack(
            rec, PG_ARCH_X86_64, socket_slot,
            stack_of("/usr/lib/x86_64-linux-gnu/libc.so.6", "__socket", "/usr/bin/app", "main"));
        struct pg_cap_evidence ev = {
            .cap = 10, /* CAP_NET_BIND_SERVICE */
            .arch = PG_ARCH_X86_64,
            .detail = (char *)"bind(AF_INET, port 80)",
            .pid = 100,
            .exe = exe,
            .count = 1,
        };
        assert_int_equal(pg_recording_add_cap(rec, &ev), 0);
        return rec;
}

static void evidence_from_recording(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *rec = recording();
        struct pg_provenance prov[] = {
            {(char *)"bind", PG_REASON_RUNTIME, (char *)"runc 1.1.5: binds its sync socket"},
        };
        struct pg_generation gen = {.n_prov = 1, .prov = prov};
        _cleanup_diff_ struct pg_diff *added = diff_with_base("added");
        _cleanup_diff_ struct pg_diff *caps = diff_with_base("caps");
        _cleanup_diff_ struct pg_diff *removed = diff_with_base("removed");
        assert_int_equal(pg_diff_add_evidence(added, rec, &gen), 0);
        assert_int_equal(pg_diff_add_evidence(caps, rec, &gen), 0);
        assert_int_equal(pg_diff_add_evidence(removed, rec, &gen), 0);
        _cleanup_free_ char *a = format(added, PG_DIFF_FORMAT_TEXT, "added", false);
        _cleanup_free_ char *c = format(caps, PG_DIFF_FORMAT_TEXT, "caps", false);
        _cleanup_free_ char *r = format(removed, PG_DIFF_FORMAT_TEXT, "removed", false);
        golden("added-evidence.txt", a);
        golden("caps-evidence.txt", c);
        golden("removed-evidence.txt", r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(each_kind_of_change),     cmocka_unit_test(formats),
            cmocka_unit_test(color_only_when_asked),   cmocka_unit_test(semantic_equivalence),
            cmocka_unit_test(evidence_from_recording),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
