// SPDX-License-Identifier: MIT
/* Invariants of the checked-in data tables (conventions.md §4): the runtime baseline
 * (generator/baseline_table.c), the always-allowed list and the companion rules
 * (generator/companion_table.c) are sorted as their comments say, have no duplicates, name only
 * syscalls libseccomp knows on x86_64, and use only valid runtime bits and known facts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "profgen/generator.h"
#include "profgen/recorder.h"

static void assert_resolves(const char *name, const char *table)
{
        uint32_t slot;
        if (pg_arch_syscall_slot(PG_ARCH_X86_64, name, &slot) < 0)
                fail_msg("%s: `%s` is not a syscall libseccomp knows on x86_64", table, name);
}

static void assert_why(const char *why, const char *name, const char *table)
{
        if (!why || strlen(why) < 3)
                fail_msg("%s: `%s` has no reason", table, name);
}

static int cmp_baseline(const struct pg_baseline_entry *a, const struct pg_baseline_entry *b)
{
        if (a->runtime != b->runtime)
                return a->runtime < b->runtime ? -1 : 1;
        if (a->nnp != b->nnp)
                return a->nnp ? 1 : -1;
        return strcmp(a->name, b->name);
}

static void baseline_sorted_unique_valid(void **state)
{
        (void)state;
        size_t n;
        const struct pg_baseline_entry *t = pg_baseline_table(&n);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
                unsigned bit = t[i].runtime;
                /* exactly one known runtime bit per row */
                if (bit == 0 || (bit & (bit - 1)) != 0 || (bit & ~(unsigned)PG_RUNTIME_ALL) != 0)
                        fail_msg("baseline row %zu (%s): runtime 0x%x is not one PG_RUNTIME_* bit",
                                 i, t[i].name, bit);
                assert_string_not_equal(pg_runtime_name(bit), "?");
                assert_resolves(t[i].name, "baseline");
                assert_why(t[i].why, t[i].name, "baseline");
                if (i > 0 && cmp_baseline(&t[i - 1], &t[i]) >= 0)
                        fail_msg("baseline: row %zu (%s %s) is not after row %zu (%s %s): keep "
                                 "it sorted by (runtime, nnp, name), without duplicates",
                                 i, pg_runtime_name(t[i].runtime), t[i].name, i - 1,
                                 pg_runtime_name(t[i - 1].runtime), t[i - 1].name);
        }
}

/* Every runtime, in both modes, execs the entrypoint after installing the filter (runtimes.md). */
static void baseline_every_runtime_execs(void **state)
{
        (void)state;
        size_t n;
        const struct pg_baseline_entry *t = pg_baseline_table(&n);
        for (unsigned bit = 1; bit & PG_RUNTIME_ALL; bit <<= 1)
                for (int nnp = 0; nnp <= 1; nnp++) {
                        bool execs = false;
                        for (size_t i = 0; i < n; i++)
                                execs |= t[i].runtime == bit && t[i].nnp == (bool)nnp &&
                                         strcmp(t[i].name, "execve") == 0;
                        if (!execs)
                                fail_msg("baseline: %s (nnp %d) has no execve row",
                                         pg_runtime_name(bit), nnp);
                }
}

static void always_sorted_unique_valid(void **state)
{
        (void)state;
        size_t n;
        const char *const *a = pg_always_allowed(&n);
        assert_int_equal(n, 4);
        for (size_t i = 0; i < n; i++) {
                assert_resolves(a[i], "always");
                if (i > 0 && strcmp(a[i - 1], a[i]) >= 0)
                        fail_msg("always: `%s` is not after `%s`", a[i], a[i - 1]);
        }
}

static void companions_sorted_unique_valid(void **state)
{
        (void)state;
        size_t n;
        const struct pg_companion_entry *t = pg_companion_table(&n);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
                const char *trig = t[i].trigger;
                if (strncmp(trig, "fact:", 5) == 0) {
                        /* a fact nobody records would make the rule dead */
                        if (strcmp(trig + 5, PG_FACT_FATAL_SIGNAL_HANDLER) != 0)
                                fail_msg("companions: unknown fact `%s`", trig);
                } else {
                        assert_resolves(trig, "companion triggers");
                }
                assert_resolves(t[i].name, "companions");
                assert_why(t[i].why, t[i].name, "companions");
                assert_string_not_equal(trig, t[i].name);
                if (i > 0) {
                        int c = strcmp(t[i - 1].trigger, trig);
                        if (c > 0 || (c == 0 && strcmp(t[i - 1].name, t[i].name) >= 0))
                                fail_msg("companions: (%s, %s) is not after (%s, %s): keep them "
                                         "sorted by (trigger, name), without duplicates",
                                         trig, t[i].name, t[i - 1].trigger, t[i - 1].name);
                }
        }
}

static void runtime_words(void **state)
{
        (void)state;
        unsigned m = 0;
        assert_int_equal(pg_runtime_parse("docker", &m), 0);
        assert_int_equal(m, PG_RUNTIME_RUNC);
        assert_int_equal(pg_runtime_parse("none", &m), 0);
        assert_int_equal(m, 0);
        assert_int_equal(pg_runtime_parse("all", &m), 0);
        assert_int_equal(m, PG_RUNTIME_ALL);
        assert_int_equal(pg_runtime_parse("runc,crun", &m), 0);
        assert_int_equal(m, PG_RUNTIME_RUNC | PG_RUNTIME_CRUN);
        m = 12345;
        assert_int_equal(pg_runtime_parse("runc,bogus", &m), -EINVAL);
        assert_int_equal(m, 12345); /* ret_* written only on success */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(baseline_sorted_unique_valid),
            cmocka_unit_test(baseline_every_runtime_execs),
            cmocka_unit_test(always_sorted_unique_valid),
            cmocka_unit_test(companions_sorted_unique_valid),
            cmocka_unit_test(runtime_words),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
