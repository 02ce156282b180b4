// SPDX-License-Identifier: MIT
/* Waiting for the next ptrace event. A tracer that sleeps in waitpid lets its CPU go idle, and an
 * idle (virtual) CPU halts: every stop then costs a wake-up of the tracer's CPU and another of the
 * tracee's. Polling for a few tens of microseconds first keeps the tracer's CPU awake for the
 * common case, a workload that stops again soon after it was resumed: on the 2-CPU reference VM a
 * syscall loop records 2.5x faster.
 *
 * Polling around process creation costs more than it saves: a shell loop of short processes
 * recorded 15-25% slower. perf sched showed the shell queued behind the polling tracer for
 * 200-250 us at a time, and the short processes using ~30% more CPU time (why, not pinned down).
 * So the waiter polls only in a steady stream of syscall stops: not within PG_QUIET_NS of a fork,
 * clone, exec or exit. A poll that times out (the workload computes or blocks) makes the next few
 * waits sleep at once. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "tracer_internal.h"

#define PG_QUIET_NS    (20 * 1000 * 1000LL) /* no polling this long after a process event */
#define PG_MAX_BACKOFF 64                   /* waits without polling after repeated timeouts */

static int64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Polling only helps when the workload has a CPU of its own to run on meanwhile. */
static unsigned usable_cpus(void)
{
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof(set), &set) < 0)
                return 1;
        return (unsigned)CPU_COUNT(&set);
}

void pg_waiter_init(struct pg_waiter *w, unsigned poll_us, unsigned tick_us)
{
        *w = (struct pg_waiter){0};
        w->tick_ns = (int64_t)tick_us * 1000;
        if (poll_us > 0 && usable_cpus() >= 2) {
                w->poll_ns = (int64_t)poll_us * 1000;
                w->quiet_until = now_ns() + PG_QUIET_NS;
        }
        if (w->poll_ns == 0 && w->tick_ns == 0)
                return;
        sigemptyset(&w->chld);
        sigaddset(&w->chld, SIGCHLD);
        sigprocmask(SIG_BLOCK, &w->chld, &w->saved_mask);
        w->blocked = true;
}

void pg_waiter_done(struct pg_waiter *w)
{
        if (w->blocked)
                sigprocmask(SIG_SETMASK, &w->saved_mask, NULL);
        w->blocked = false;
        w->poll_ns = 0;
        w->tick_ns = 0;
}

void pg_waiter_process_event(struct pg_waiter *w)
{
        if (w->poll_ns > 0)
                w->quiet_until = now_ns() + PG_QUIET_NS;
}

static void timed_out(struct pg_waiter *w)
{
        w->backoff = w->backoff ? w->backoff * 2 : 1;
        if (w->backoff > PG_MAX_BACKOFF)
                w->backoff = PG_MAX_BACKOFF;
        w->skip = w->backoff;
}

/* Polls for up to poll_ns. Rather than waitpid(WNOHANG) in a loop, which walks every tracee, the
 * loop watches for SIGCHLD, which every ptrace stop and exit sends to the tracer: blocked, it stays
 * pending without interrupting anyone, and sigpending reads only the tracer's own state (measured
 * the same speed as waitpid polling on a syscall loop, with less work per poll). The pending
 * notice is consumed before waitpid looks, so a stop after that raises a new one and none is
 * missed. */
static pid_t poll_wait(struct pg_waiter *w, int64_t now, int *status)
{
        static const struct timespec zero = {0};
        int64_t end = now + w->poll_ns;
        for (;;) {
                sigtimedwait(&w->chld, NULL, &zero);
                pid_t pid = waitpid(-1, status, __WALL | WNOHANG);
                if (pid != 0) {
                        w->backoff = 0;
                        return pid;
                }
                sigset_t pending;
                do {
                        if (now_ns() >= end) {
                                timed_out(w);
                                return 0;
                        }
                        sigpending(&pending);
                } while (!sigismember(&pending, SIGCHLD));
        }
}

/* Sleeps until a child's state changes (SIGCHLD, blocked, becomes pending) or the tick passes:
 * then -1 with EINTR, so that the loop drains the kernel's record of syscalls before its buffers
 * fill, even while no thread stops at all. */
static pid_t tick_wait(struct pg_waiter *w, int *status)
{
        static const struct timespec zero = {0};
        struct timespec tick = {.tv_sec = w->tick_ns / 1000000000,
                                .tv_nsec = w->tick_ns % 1000000000};
        for (;;) {
                sigtimedwait(&w->chld, NULL, &zero); /* a notice from before this look */
                pid_t pid = waitpid(-1, status, __WALL | WNOHANG);
                if (pid != 0)
                        return pid;
                if (sigtimedwait(&w->chld, NULL, &tick) < 0) {
                        errno = EINTR; /* the tick, or a signal to profgen */
                        return -1;
                }
        }
}

pid_t pg_waiter_wait(struct pg_waiter *w, int *status)
{
        pid_t pid = 0;
        if (w->poll_ns > 0 && w->skip > 0) {
                w->skip--;
        } else if (w->poll_ns > 0) {
                int64_t now = now_ns();
                if (now >= w->quiet_until)
                        pid = poll_wait(w, now, status);
        }
        if (pid)
                return pid;
        return w->tick_ns > 0 ? tick_wait(w, status) : waitpid(-1, status, __WALL);
}
