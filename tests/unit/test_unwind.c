// SPDX-License-Identifier: MIT
/* pg_unwind_capture_pid, the entry point for ptrace loops outside the tracer (run --explain's
 * diagnostic run): a child of this test stops itself in a named function, and its stack must
 * name that function and its caller, in order, with this binary as their module. Uses ptrace on
 * its own child only (no privileges). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profgen/unwind.h"

__attribute__((noinline)) void stopped_here(void);
__attribute__((noinline)) void stop_caller(void);
volatile int sink;

__attribute__((noinline)) void stopped_here(void)
{
        raise(SIGSTOP);
        sink++;
}

__attribute__((noinline)) void stop_caller(void)
{
        stopped_here();
        sink++;
}

static long index_of(const struct pg_stack *s, const char *function)
{
        for (size_t i = 0; i < s->n_frames; i++)
                if (s->frames[i].function && strcmp(s->frames[i].function, function) == 0)
                        return (long)i;
        return -1;
}

static void stack_of_a_stopped_child(void **state)
{
        (void)state;
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                ptrace(PTRACE_TRACEME, 0, 0, 0);
                stop_caller();
                _exit(0);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFSTOPPED(st));
        struct pg_unwinder *u = NULL;
        struct pg_stack *s = NULL;
        assert_int_equal(pg_unwinder_new(NULL, NULL, &u), 0);
        int r = pg_unwind_capture_pid(u, pid, pid, 0, &s);
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        assert_int_equal(r, 0);
        long here = index_of(s, "stopped_here"), caller = index_of(s, "stop_caller");
        assert_true(here >= 0);
        assert_true(caller == here + 1);
        assert_non_null(strstr(s->frames[here].module, "test_unwind"));
        assert_true(s->n_frames <= PG_UNWIND_DEFAULT_DEPTH);
        struct pg_unwind_stats stats;
        pg_unwinder_stats(u, &stats);
        assert_int_equal(stats.stacks, 1);
        assert_int_equal(stats.frames, s->n_frames);
        pg_stack_free(s);
        /* a thread that is not stopped under us cannot be unwound */
        assert_true(pg_unwind_capture_pid(u, pid, pid, 0, &s) < 0);
        pg_unwinder_free(u);
}

/* The capability watcher's entry point: evidence added while the thread is stopped gets its
 * stack; evidence of another process does not. */
static void evidence_gets_the_stack(void **state)
{
        (void)state;
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                ptrace(PTRACE_TRACEME, 0, 0, 0);
                stop_caller();
                _exit(0);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        struct pg_recording *rec = NULL;
        struct pg_unwinder *u = NULL;
        assert_int_equal(pg_recording_new(&rec), 0);
        assert_int_equal(pg_unwinder_new(rec, NULL, &u), 0);
        struct pg_cap_evidence ev = {.cap = 10, .pid = pid, .exe = -1};
        assert_int_equal(pg_recording_add_cap(rec, &ev), 0);
        ev.cap = 12;
        ev.pid = pid + 1;
        assert_int_equal(pg_recording_add_cap(rec, &ev), 0);
        struct pg_tproc proc = {.pid = pid, .exe_id = -1, .refs = 1};
        struct pg_tracee t = {.tid = pid, .proc = &proc};
        pg_unwind_cap_stacks(u, &t, 0);
        pg_unwind_cap_stacks(NULL, &t, 0); /* stacks off */
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        const struct pg_stack *s = pg_recording_cap(rec, 0)->stack;
        assert_non_null(s);
        assert_true(index_of(s, "stopped_here") >= 0);
        assert_null(pg_recording_cap(rec, 1)->stack);
        /* the unwinder's state for a process it was handed goes with the unwinder */
        pg_unwinder_free(u);
        pg_recording_free(rec);
}

static void bad_depth(void **state)
{
        (void)state;
        struct pg_unwinder *u = NULL;
        struct pg_unwind_opts o = {.depth = 0};
        assert_int_equal(pg_unwinder_new(NULL, &o, &u), -EINVAL);
        o.depth = PG_UNWIND_MAX_DEPTH + 1;
        assert_int_equal(pg_unwinder_new(NULL, &o, &u), -EINVAL);
        assert_null(u);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(stack_of_a_stopped_child),
            cmocka_unit_test(evidence_gets_the_stack),
            cmocka_unit_test(bad_depth),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
