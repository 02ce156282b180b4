// SPDX-License-Identifier: MIT
/* The tracing filter builder, tested by running the filter: a forked child installs it with
 * pg_seccomp_bpf_install and makes syscalls. With no tracer attached, SECCOMP_RET_TRACE makes a
 * syscall fail with ENOSYS (no signal, no ptrace needed), so an allowed syscall succeeds and any
 * other one fails with ENOSYS: the child checks each and reports the first mismatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/seccomp_bpf.h"

/* Syscalls the child can make harmlessly, with no argument that matters. */
static const long probes[] = {
    SYS_getpid, SYS_getppid,   SYS_getuid,      SYS_getgid,      SYS_geteuid,   SYS_getegid,
    SYS_gettid, SYS_getpgrp,   SYS_sched_yield, SYS_getpriority, SYS_umask,     SYS_getcwd,
    SYS_fchdir, SYS_dup,       SYS_getrusage,   SYS_times,       SYS_sysinfo,   SYS_getsid,
    SYS_fsync,  SYS_fdatasync, SYS_capget,      SYS_uname,       SYS_getresuid, SYS_getxattr};

/* The child runs under the filter, where a sanitizer's runtime cannot work (its syscalls fail):
 * no instrumentation, and no noreturn calls (ASan prepares for those with sigaltstack). */
#define UNDER_FILTER __attribute__((no_sanitize("address", "undefined")))

UNDER_FILTER static long int80(long nr)
{
        long ret;
        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(0), "c"(0), "d"(0)
                         : "memory", "r8", "r9", "r10", "r11");
        return ret;
}

/* What one probe gives: 1 = ran (any result but ENOSYS), 0 = ENOSYS. */
UNDER_FILTER static int ran(long nr)
{
        errno = 0;
        long r = syscall(nr, -1L, 0L, 0L, 0L);
        return !(r == -1 && errno == ENOSYS);
}

/* exit_group, and if the filter wrongly traces exit_group too (ENOSYS), die without a syscall. */
UNDER_FILTER static void child_exit(int code)
{
        syscall(SYS_exit_group, code);
        __builtin_trap();
}

/* The child: install, probe, report through the exit status (0 = all as expected, else 1 +
 * the index of the first mismatch; i386 probes after the x86_64 ones). Only raw syscalls after
 * the install, and exit_group must be allowed. */
UNDER_FILTER static void child(const struct sock_fprog *prog, const struct pg_syscall_set *set,
                               bool i386)
{
        if (pg_seccomp_bpf_install(prog) < 0)
                child_exit(100);
        size_t n = sizeof(probes) / sizeof(probes[0]);
        for (size_t i = 0; i < n; i++) {
                bool allowed = set && pg_syscall_set_has(set, PG_ARCH_X86_64, (uint32_t)probes[i]);
                if (ran(probes[i]) != allowed)
                        child_exit(1 + (int)i);
        }
        if (i386) { /* getpid (20) allowed, getppid (64) not */
                if (int80(20) <= 0)
                        child_exit(1 + (int)n);
                if (int80(64) != -ENOSYS)
                        child_exit(2 + (int)n);
        }
        child_exit(0);
}

static int run_child(const struct sock_fprog *prog, const struct pg_syscall_set *set, bool i386)
{
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                child(prog, set, i386);
                __builtin_trap(); /* not reached: child() ends with exit_group */
        }
        int status, i;
        /* bounded: a wrong filter must fail the test, not hang it */
        for (i = 0; i < 1000 && waitpid(pid, &status, WNOHANG) == 0; i++)
                usleep(10000);
        if (i == 1000) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                fail_msg("the child did not finish within 10 s");
        }
        if (!WIFEXITED(status))
                fail_msg("the child died of signal %d (was exit_group traced?)", WTERMSIG(status));
        return WEXITSTATUS(status);
}

static void expect_child_ok(const struct sock_fprog *prog, const struct pg_syscall_set *set,
                            bool i386)
{
        int st = run_child(prog, set, i386);
        size_t n = sizeof(probes) / sizeof(probes[0]);
        if (st == 100)
                fail_msg("the filter could not be installed");
        if (st > 0 && (size_t)st <= n)
                fail_msg("syscall %ld: expected %s", probes[st - 1],
                         set && pg_syscall_set_has(set, PG_ARCH_X86_64, (uint32_t)probes[st - 1])
                             ? "to run (allowed)"
                             : "ENOSYS (traced, no tracer)");
        if (st > 0)
                fail_msg("i386 probe %d failed", st - (int)n);
}

static bool have_ia32(void)
{
        return int80(20) > 0;
}

/* Without an allowed set every syscall is traced: exit_group too, so the child cannot exit
 * normally; it ends with SIGSEGV or the like. Only the program's shape is checked here. */
static void trace_everything(void **state)
{
        (void)state;
        struct sock_fprog prog = {0};
        assert_int_equal(pg_seccomp_bpf_build(NULL, &prog, NULL), 0);
        assert_int_equal(prog.len, 1);
        assert_int_equal(prog.filter[0].code, BPF_RET | BPF_K);
        assert_int_equal(prog.filter[0].k, SECCOMP_RET_TRACE);
        pg_seccomp_bpf_free(&prog);
        assert_null(prog.filter);
}

static void small_set(void **state)
{
        (void)state;
        struct pg_syscall_set set = {0};
        pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_exit_group);
        pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_getppid);
        pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_getuid);
        pg_syscall_set_add(&set, PG_ARCH_X86, 20);  /* i386 getpid */
        pg_syscall_set_add(&set, PG_ARCH_X86, 252); /* i386 exit_group */
        struct sock_fprog prog = {0};
        assert_int_equal(pg_seccomp_bpf_build(&set, &prog, NULL), 0);
        expect_child_ok(&prog, &set, have_ia32());
        pg_seccomp_bpf_free(&prog);
}

/* A big set exercises the decision tree's inner nodes and long jumps: every third number and
 * a dense run. */
static void large_set(void **state)
{
        (void)state;
        struct pg_syscall_set set = {0};
        for (uint32_t nr = 0; nr < 460; nr += 3)
                pg_syscall_set_add(&set, PG_ARCH_X86_64, nr);
        for (uint32_t nr = 90; nr < 130; nr++)
                pg_syscall_set_add(&set, PG_ARCH_X86_64, nr);
        pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_exit_group);
        pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_getpid);
        pg_syscall_set_add(&set, PG_ARCH_X86, 20);
        for (uint32_t nr = 200; nr < 400; nr += 2)
                pg_syscall_set_add(&set, PG_ARCH_X86, nr);
        struct sock_fprog prog = {0};
        assert_int_equal(pg_seccomp_bpf_build(&set, &prog, NULL), 0);
        assert_true(prog.len > 200);
        expect_child_ok(&prog, &set, have_ia32());
        pg_seccomp_bpf_free(&prog);
}

/* Allowing everything on x86_64 and x32 needs more instructions than the kernel takes: a clean
 * error, not a truncated program. */
static void too_large(void **state)
{
        (void)state;
        static struct pg_syscall_set set;
        for (uint32_t nr = 0; nr < PG_SYSCALL_SLOTS; nr++) {
                pg_syscall_set_add(&set, PG_ARCH_X86_64, nr);
                pg_syscall_set_add(&set, PG_ARCH_X32, nr);
        }
        struct sock_fprog prog = {0};
        _cleanup_error_ struct pg_error *err = NULL;
        assert_int_equal(pg_seccomp_bpf_build(&set, &prog, &err), -E2BIG);
        assert_null(prog.filter);
        assert_non_null(strstr(err->message, "too large"));
}

/* fcntl(-1, cmd): EBADF when it runs, ENOSYS when traced. */
UNDER_FILTER static int fcntl_ran(int cmd)
{
        errno = 0;
        long r = syscall(SYS_fcntl, -1L, (long)cmd, 0L);
        return !(r == -1 && errno == ENOSYS);
}

/* mmap of length 0 fails with EINVAL when it runs; ENOSYS means the filter stopped it. */
UNDER_FILTER static int mmap_ran(int flags)
{
        errno = 0;
        long r = syscall(SYS_mmap, 0L, 0L, (long)PROT_READ, (long)flags, -1L, 0L);
        return !(r == -1 && errno == ENOSYS);
}

/* prlimit64(pid, RLIMIT_NOFILE, new, old): ran (any result but the filter's ENOSYS). The
 * pointers need not be valid: a call that runs fails with EFAULT or ESRCH. */
UNDER_FILTER static bool prlimit_ran(uint64_t pid, uint64_t new_limit)
{
        uint64_t old[2];
        errno = 0;
        long r = syscall(SYS_prlimit64, (long)pid, (long)RLIMIT_NOFILE, (long)new_limit,
                         (long)(uintptr_t)old);
        return !(r == -1 && errno == ENOSYS);
}

/* The child for `conditional`: exits 0, or with which expectation failed (it exits itself: a
 * noreturn call from instrumented code would make a syscall the filter refuses). */
UNDER_FILTER static void conditional_child(const struct sock_fprog *prog)
{
        if (pg_seccomp_bpf_install(prog) < 0)
                child_exit(100);
        if (!fcntl_ran(F_GETFD) || !fcntl_ran(F_GETFL) || !fcntl_ran(F_SETLK))
                child_exit(1); /* other commands run without a stop */
        if (fcntl_ran(F_SETLEASE) || fcntl_ran(F_SETPIPE_SZ))
                child_exit(2); /* the listed ones stop */
        if (!ran(SYS_getpid) || ran(SYS_getuid) || !ran(SYS_getppid))
                child_exit(3); /* the neighbours in the tree are unchanged */
        if (!mmap_ran(MAP_PRIVATE | MAP_ANONYMOUS) || mmap_ran(MAP_PRIVATE | MAP_LOCKED))
                child_exit(4); /* a mask: only flags with MAP_LOCKED stop */
        if (!prlimit_ran(0, 0))
                child_exit(5); /* arguments 0 and 2 both 0: runs */
        if (prlimit_ran(1, 0) || prlimit_ran(0, 1) || prlimit_ran(0, 1ull << 32) ||
            prlimit_ran(1ull << 32, 0))
                child_exit(6); /* either not 0, in either half: stops */
        child_exit(0);
}

/* A conditional syscall among others, in a leaf and inside a large tree: it stops only for the
 * listed values of its argument. */
static void conditional(void **state)
{
        (void)state;
        for (int big = 0; big < 2; big++) {
                struct pg_syscall_set set = {0};
                for (uint32_t nr = 200; big && nr < 460; nr += 3)
                        pg_syscall_set_add(&set, PG_ARCH_X86_64, nr);
                pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_exit_group);
                pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_getpid);
                pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_getppid);
                pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_fcntl);
                pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_mmap);
                pg_syscall_set_add(&set, PG_ARCH_X86_64, SYS_prlimit64);
                struct pg_stop_conds conds = {0};
                const uint32_t cmds[] = {F_SETLEASE, F_SETPIPE_SZ};
                assert_true(pg_stop_conds_add(&conds, "fcntl", 1, cmds, 2, 0, 0));
                assert_true(pg_stop_conds_add(&conds, "mmap", 3, NULL, 0, MAP_LOCKED, 0));
                assert_true(pg_stop_conds_add(&conds, "prlimit64", 0, NULL, 0, 0, 5));
                struct sock_fprog prog = {0};
                assert_int_equal(pg_seccomp_bpf_build_cond(&set, &conds, &prog, NULL), 0);
                pid_t pid = fork();
                assert_true(pid >= 0);
                if (pid == 0) {
                        conditional_child(&prog);
                        __builtin_trap(); /* not reached */
                }
                int st;
                assert_int_equal(waitpid(pid, &st, 0), pid);
                assert_true(WIFEXITED(st));
                assert_int_equal(WEXITSTATUS(st), 0);
                pg_seccomp_bpf_free(&prog);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(trace_everything), cmocka_unit_test(small_set),
            cmocka_unit_test(large_set),        cmocka_unit_test(too_large),
            cmocka_unit_test(conditional),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
