// SPDX-License-Identifier: MIT
/* When the unwinder takes a stack: the first occurrence of each (architecture, syscall), new
 * capability evidence when the watcher asks, and (with samples) a few more occurrences.
 * Everything else costs a bit test and a counter look-up per syscall. */
#include <errno.h>

#include "unwind_internal.h"

/* Occurrence 2, 4, 8, ... up to `samples` of them: a syscall made a million times pays for at
 * most `samples` more stacks, and the ones it pays for are spread over the whole run. */
static bool sample_due(const struct pg_unwinder *u, uint64_t count)
{
        if (u->opts.samples == 0 || count < 2 || (count & (count - 1)) != 0)
                return false;
        return (unsigned)__builtin_ctzll(count) <= u->opts.samples;
}

static void first_stack(struct pg_unwinder *u, struct pg_tracee *t, const struct pg_syscall *sc)
{
        struct pg_stack *s;
        if (pg_unwind_capture(u, t, 0, &s) == 0)
                pg_recording_set_syscall_stack(u->rec, sc->arch, sc->slot, s);
}

static void sample_stack(struct pg_unwinder *u, struct pg_tracee *t, const struct pg_syscall *sc,
                         uint64_t count)
{
        struct pg_stack *s;
        if (pg_unwind_capture(u, t, 0, &s) < 0)
                return;
        struct pg_call_site site = {
            .pid = t->proc->pid,
            .tid = t->tid,
            .exe = t->proc->exe_id,
            .occurrence = count,
            .stack = s,
        };
        pg_recording_add_syscall_site(u->rec, sc->arch, sc->slot, &site);
        pg_stack_free(s);
}

/* The unwinder cannot tell by itself when evidence belongs to the stop at hand (the watcher
 * judges at the syscall's exit, after this observer ran): the watcher says so by calling this. */
void pg_unwind_cap_stacks(struct pg_unwinder *u, const struct pg_tracee *t, size_t from)
{
        struct pg_stack *s = NULL;
        size_t n = u && u->rec ? pg_recording_n_caps(u->rec) : 0;
        for (size_t i = from; i < n; i++) {
                const struct pg_cap_evidence *ev = pg_recording_cap(u->rec, i);
                if (ev->stack || ev->pid != t->proc->pid)
                        continue;
                if (!s && pg_unwind_capture(u, t, 0, &s) < 0)
                        break;
                pg_recording_set_cap_stack(u->rec, i, pg_stack_dup(s));
        }
        pg_stack_free(s);
}

static bool on_enter(void *ud, struct pg_tracee *t, const struct pg_syscall *sc)
{
        struct pg_unwinder *u = ud;
        if (pg_syscall_set_has(&u->remaps, sc->arch, sc->slot))
                pg_unwind_proc_stale(t->proc);
        /* ip 0: the tracer's own account of the command's exec, not a stop of the workload */
        if (!u->rec || sc->ip == 0)
                return false;
        const struct pg_syscall_stat *st = pg_recording_syscall(u->rec, sc->arch, sc->slot);
        if (!st)
                return false;
        if (st->count == 1 && !st->stack)
                first_stack(u, t, sc);
        else if (sample_due(u, st->count))
                sample_stack(u, t, sc, st->count);
        return false;
}

static void on_exec(void *ud, struct pg_tracee *t)
{
        pg_unwind_proc_drop(ud, t->proc);
}

static void on_thread_exit(void *ud, struct pg_tracee *t, int status)
{
        (void)status;
        if (t->proc->refs <= 1) /* the process's last thread */
                pg_unwind_proc_drop(ud, t->proc);
}

void pg_unwind_observer_init(struct pg_unwinder *u)
{
        u->obs = (struct pg_observer){
            .name = "unwinder",
            .userdata = u,
            .syscall_enter = on_enter,
            .exec = on_exec,
            .thread_exit = on_thread_exit,
        };
}
