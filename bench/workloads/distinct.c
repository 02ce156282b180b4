// SPDX-License-Identifier: MIT
/* Makes the first K of a fixed list of harmless syscalls, ROUNDS times each, so the number of
 * distinct syscalls a tracer has to remember (and their evidence) can be varied on its own.
 * Each call is made so that it cannot change anything (bubblewrap's trick: fd -1, a path under a
 * directory that does not exist, a zero-length buffer), and goes straight to the kernel through
 * syscall(2) so that no vDSO or libc wrapper substitutes another number.
 *   distinct [K] [ROUNDS]    (defaults: every call, 10 rounds); prints how many it made */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define NOPATH "/nonexistent-profgen-bench/x"

static char buf[4096];

static void calls(int k)
{
        /* A plain list rather than a table of numbers and arguments: each line states its own
         * harmless arguments, and the order is the order in which K takes them. */
        struct timespec ts = {0, 0};
        int i = 0;
#define CALL(...)                                                                                  \
        do {                                                                                       \
                if (i++ >= k)                                                                      \
                        return;                                                                    \
                (void)syscall(__VA_ARGS__);                                                        \
        } while (0)
        CALL(SYS_getpid);
        CALL(SYS_getppid);
        CALL(SYS_getuid);
        CALL(SYS_geteuid);
        CALL(SYS_getgid);
        CALL(SYS_getegid);
        CALL(SYS_gettid);
        CALL(SYS_getpgrp);
        CALL(SYS_getsid, 0);
        CALL(SYS_sched_yield);
        CALL(SYS_uname, buf);
        CALL(SYS_times, buf);
        CALL(SYS_sysinfo, buf);
        CALL(SYS_getrlimit, 0, buf);
        CALL(SYS_getrusage, 0, buf);
        CALL(SYS_getcwd, buf, sizeof(buf));
        CALL(SYS_read, -1, buf, 0);
        CALL(SYS_write, -1, buf, 0);
        CALL(SYS_close, -1);
        CALL(SYS_fstat, -1, buf);
        CALL(SYS_lseek, -1, 0, 0);
        CALL(SYS_dup, -1);
        CALL(SYS_fsync, -1);
        CALL(SYS_fdatasync, -1);
        CALL(SYS_ftruncate, -1, 0);
        CALL(SYS_fchmod, -1, 0);
        CALL(SYS_fchown, -1, -1, -1);
        CALL(SYS_flock, -1, 0);
        CALL(SYS_getdents64, -1, buf, sizeof(buf));
        CALL(SYS_ioctl, -1, 0);
        CALL(SYS_fcntl, -1, 0);
        CALL(SYS_pread64, -1, buf, 0, 0);
        CALL(SYS_pwrite64, -1, buf, 0, 0);
        CALL(SYS_readv, -1, NULL, 0);
        CALL(SYS_writev, -1, NULL, 0);
        CALL(SYS_access, NOPATH, 0);
        CALL(SYS_stat, NOPATH, buf);
        CALL(SYS_lstat, NOPATH, buf);
        CALL(SYS_readlink, NOPATH, buf, sizeof(buf));
        CALL(SYS_chdir, NOPATH);
        CALL(SYS_rmdir, NOPATH);
        CALL(SYS_unlink, NOPATH);
        CALL(SYS_mkdir, NOPATH, 0700);
        CALL(SYS_rename, NOPATH, NOPATH);
        CALL(SYS_link, NOPATH, NOPATH);
        CALL(SYS_symlink, NOPATH, NOPATH);
        CALL(SYS_chmod, NOPATH, 0700);
        CALL(SYS_truncate, NOPATH, 0);
        CALL(SYS_utimensat, -1, NOPATH, NULL, 0);
        CALL(SYS_faccessat, -1, NOPATH, 0);
        CALL(SYS_newfstatat, -1, NOPATH, buf, 0);
        CALL(SYS_openat, -1, NOPATH, 0);
        CALL(SYS_statfs, NOPATH, buf);
        CALL(SYS_fstatfs, -1, buf);
        CALL(SYS_getpriority, 0, 0);
        CALL(SYS_sched_getaffinity, 0, sizeof(buf), buf);
        CALL(SYS_sched_getparam, 0, buf);
        CALL(SYS_sched_getscheduler, 0);
        CALL(SYS_getitimer, 0, buf);
        CALL(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
        CALL(SYS_clock_getres, CLOCK_MONOTONIC, &ts);
        CALL(SYS_nanosleep, &ts, NULL);
        CALL(SYS_getrandom, buf, 0, 0);
        CALL(SYS_kill, getpid(), 0);
        CALL(SYS_getgroups, 0, NULL);
        CALL(SYS_getresuid, buf, buf + 8, buf + 16);
        CALL(SYS_getresgid, buf, buf + 8, buf + 16);
        CALL(SYS_capget, NULL, NULL);
        CALL(SYS_madvise, NULL, 0, 0);
        CALL(SYS_mincore, NULL, 0, NULL);
        CALL(SYS_msync, NULL, 0, 0);
        CALL(SYS_munmap, NULL, 0);
        CALL(SYS_mprotect, NULL, 0, 0);
        CALL(SYS_sigaltstack, NULL, buf);
        CALL(SYS_rt_sigprocmask, 0, NULL, buf, 8);
        CALL(SYS_rt_sigpending, buf, 8);
        CALL(SYS_get_robust_list, 0, buf, buf + 8);
        CALL(SYS_prctl, -1, 0, 0, 0, 0);
        CALL(SYS_epoll_wait, -1, buf, 1, 0);
        CALL(SYS_shutdown, -1, 0);
#undef CALL
}

int main(int argc, char **argv)
{
        int k = argc > 1 ? atoi(argv[1]) : 1000;
        long rounds = argc > 2 ? atol(argv[2]) : 10;
        for (long r = 0; r < rounds; r++)
                calls(k);
        return 0;
}
