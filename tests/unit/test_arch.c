// SPDX-License-Identifier: MIT
/* Architectures as data: names come from libseccomp per architecture, and a name is a borrowed
 * constant (the same pointer for the same syscall, never a fresh allocation to leak). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profgen/arch.h"

static void name_is_interned(void **state)
{
        (void)state;
        const char *a = pg_arch_syscall_name(PG_ARCH_X86_64, 39);
        assert_non_null(a);
        assert_string_equal(a, "getpid");
        /* libseccomp allocates a new string per lookup: profgen must resolve it once */
        assert_ptr_equal(a, pg_arch_syscall_name(PG_ARCH_X86_64, 39));
        assert_null(pg_arch_syscall_name(PG_ARCH_X86_64, PG_SYSCALL_SLOTS));
        assert_null(pg_arch_syscall_name(PG_ARCH_INVALID, 0));
}

/* Every name resolves back to its slot, including the socket and IPC calls that x86 and s390x
 * have both directly and multiplexed (libseccomp answers the name with a pseudo number). */
/* Mismatches between every name of `arch` and its lowest slot, asking in slot order upward or
 * downward; counts the names libseccomp gives a pseudo number (the multiplexed ones, found by
 * scanning slots upward) in *multiplexed. */
static int round_trip_mismatches(enum pg_arch arch, bool down, size_t *multiplexed)
{
        int bad = 0;
        for (uint32_t i = 0; i < PG_SYSCALL_SLOTS; i++) {
                uint32_t s = down ? PG_SYSCALL_SLOTS - 1 - i : i, back, lowest = s;
                const char *n = pg_arch_syscall_name(arch, s);
                if (!n)
                        continue;
                for (uint32_t k = 0; k < s; k++) /* a name may have several slots */
                        if (pg_arch_syscall_name(arch, k) &&
                            strcmp(pg_arch_syscall_name(arch, k), n) == 0) {
                                lowest = k;
                                break;
                        }
                *multiplexed +=
                    seccomp_syscall_resolve_name_arch(pg_arch_info(arch)->scmp_arch, n) < 0;
                bad += pg_arch_syscall_slot(arch, n, &back) != 0 || back != lowest;
        }
        return bad;
}

/* The slot scan behind multiplexed names keeps state for the process: each order is checked in
 * a child forked before any lookup here (this test runs first), so both start from nothing. */
static void multiplexed_any_order(void **state)
{
        (void)state;
        static const enum pg_arch archs[] = {PG_ARCH_X86, PG_ARCH_S390X, PG_ARCH_PPC64LE};
        for (int down = 0; down < 2; down++) {
                pid_t pid = fork();
                assert_true(pid >= 0);
                if (pid == 0) {
                        int bad = 0;
                        for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
                                size_t multiplexed = 0;
                                bad += round_trip_mismatches(archs[i], down, &multiplexed);
                                bad += multiplexed < 10; /* the socket calls at least */
                        }
                        _exit(bad ? 1 : 0);
                }
                int status;
                assert_int_equal(waitpid(pid, &status, 0), pid);
                assert_true(WIFEXITED(status));
                assert_int_equal(WEXITSTATUS(status), 0);
        }
}

static void names_round_trip(void **state)
{
        (void)state;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                size_t named = 0;
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                        const char *n = pg_arch_syscall_name(a, s);
                        uint32_t back;
                        if (!n)
                                continue;
                        named++;
                        assert_int_equal(pg_arch_syscall_slot(a, n, &back), 0);
                        assert_int_equal(back, s);
                }
                /* every architecture profgen lists has a real syscall table in libseccomp */
                assert_true(named > 200);
        }
}

static void i386_and_x32(void **state)
{
        (void)state;
        assert_string_equal(pg_arch_syscall_name(PG_ARCH_X86, 20), "getpid");
        assert_string_equal(pg_arch_syscall_name(PG_ARCH_X86, 109), "olduname");
        assert_string_equal(pg_arch_syscall_name(PG_ARCH_X32, 39), "getpid");
        assert_int_equal(
            pg_arch_from_audit(pg_arch_info(PG_ARCH_X86_64)->audit_arch, PG_X32_SYSCALL_BIT | 39),
            PG_ARCH_X32);
        assert_int_equal(pg_arch_from_audit(pg_arch_info(PG_ARCH_X86)->audit_arch, 20),
                         PG_ARCH_X86);
        uint32_t slot;
        assert_true(pg_arch_slot(PG_ARCH_X32, PG_X32_SYSCALL_BIT | 39, &slot));
        assert_int_equal(slot, 39);
        assert_false(pg_arch_slot(PG_ARCH_X32, 39, &slot)); /* no x32 bit: not an x32 number */
        assert_int_equal(pg_arch_from_name("SCMP_ARCH_X86"), PG_ARCH_X86);
        assert_int_equal(pg_arch_from_name("x32"), PG_ARCH_X32);
        assert_int_equal(pg_arch_from_name("i386"), PG_ARCH_INVALID);
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86, "socket", &slot), 0);
        assert_int_equal(slot, 359);
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86_64, "socketcall", &slot), -ENOENT);
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86_64, "no_such_call", &slot), -ENOENT);
        /* a pseudo number for a call the architecture lacks: no slot has the name */
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_AARCH64, "open", &slot), -ENOENT);
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_S390X, "socket", &slot), 0);
        assert_string_equal(pg_arch_syscall_name(PG_ARCH_S390X, slot), "socket");
}

/* The tracer prepares only the architectures a process here can use: the native one and the
 * compat ABIs of its family, each telling its stops apart by audit architecture and number. */
static void traceable(void **state)
{
        (void)state;
        enum pg_arch native = pg_arch_native();
        assert_true(pg_arch_traceable(native));
        size_t n = 0;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                if (!pg_arch_traceable(a))
                        continue;
                n++;
                const struct pg_arch_info *ai = pg_arch_info(a);
                assert_int_equal(pg_arch_from_audit(ai->audit_arch, ai->nr_bias), a);
        }
        assert_false(pg_arch_traceable(PG_ARCH_INVALID));
        assert_false(pg_arch_traceable(PG_ARCH_COUNT));
#if defined(__x86_64__) && !defined(__ILP32__)
        assert_int_equal(n, 3);
        assert_true(pg_arch_traceable(PG_ARCH_X86) && pg_arch_traceable(PG_ARCH_X32));
        assert_false(pg_arch_traceable(PG_ARCH_AARCH64) || pg_arch_traceable(PG_ARCH_ARM) ||
                     pg_arch_traceable(PG_ARCH_S390X));
#else
        assert_true(n >= 1);
#endif
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(multiplexed_any_order),
            cmocka_unit_test(name_is_interned),
            cmocka_unit_test(names_round_trip),
            cmocka_unit_test(i386_and_x32),
            cmocka_unit_test(traceable),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
