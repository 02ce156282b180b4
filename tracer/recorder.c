// SPDX-License-Identifier: MIT
#include "profgen/recorder.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pg_recorder {
        struct pg_recording *rec;
        struct pg_observer obs;
        uint32_t sigaction_slot[PG_ARCH_COUNT]; /* UINT32_MAX where the arch has none */
        int error;                              /* first allocation failure, reported at finish */
        /* Per process (by proc_id) and architecture, the syscalls it made since it started or
         * exec'd, allocated on first use: tells each process's first call of a syscall apart,
         * for the per-executable process counts. */
        uint64_t **seen;
        size_t n_seen;
};

/* Signals whose default action ends the process: a handler for one of them often cleans up and
 * re-raises the signal, a path a single recording can miss (runtimes.md). */
static bool default_is_fatal(uint64_t sig)
{
        switch (sig) {
        case SIGHUP:
        case SIGINT:
        case SIGQUIT:
        case SIGILL:
        case SIGTRAP:
        case SIGABRT:
        case SIGBUS:
        case SIGFPE:
        case SIGUSR1:
        case SIGSEGV:
        case SIGUSR2:
        case SIGPIPE:
        case SIGALRM:
        case SIGTERM:
        case SIGXCPU:
        case SIGXFSZ:
        case SIGVTALRM:
        case SIGPROF:
        case SIGSYS:
                return true;
        default:
                return false;
        }
}

static void note_sigaction(struct pg_recorder *r, struct pg_tracee *t, const struct pg_syscall *sc)
{
        uint64_t handler = 0;
        bool wide = sc->arch != PG_ARCH_X86 && sc->arch != PG_ARCH_ARM;
        if (!sc->args[1] || !default_is_fatal(sc->args[0]) ||
            pg_recording_has_fact(r->rec, PG_FACT_FATAL_SIGNAL_HANDLER))
                return;
        /* The kernel's struct sigaction starts with the handler (a pointer of the arch's size). */
        if (pg_tracee_read(t, sc->args[1], &handler, wide ? 8 : 4) <= 0)
                return;
        if (handler == (uintptr_t)SIG_DFL || handler == (uintptr_t)SIG_IGN)
                return;
        char detail[96];
        snprintf(detail, sizeof(detail), "rt_sigaction(%s, handler)",
                 sigabbrev_np((int)sc->args[0]) ? sigabbrev_np((int)sc->args[0]) : "?");
        struct pg_fact f = {.key = (char *)PG_FACT_FATAL_SIGNAL_HANDLER,
                            .arch = sc->arch,
                            .slot = sc->slot,
                            .detail = detail,
                            .pid = t->proc->pid,
                            .exe = t->proc->exe_id};
        if (pg_recording_add_fact(r->rec, &f) < 0 && !r->error)
                r->error = -ENOMEM;
}

static bool first_in_process(struct pg_recorder *r, int32_t proc_id, enum pg_arch arch,
                             uint32_t slot)
{
        if (proc_id < 0 || (size_t)proc_id * PG_ARCH_COUNT >= r->n_seen)
                return false;
        uint64_t **b = &r->seen[(size_t)proc_id * PG_ARCH_COUNT + arch];
        if (!*b && !(*b = calloc(PG_SYSCALL_SLOTS / 64, sizeof(**b)))) {
                r->error = -ENOMEM;
                return false;
        }
        uint64_t bit = 1ull << (slot % 64);
        if ((*b)[slot / 64] & bit)
                return false;
        (*b)[slot / 64] |= bit;
        return true;
}

static void forget_seen(struct pg_recorder *r, int32_t proc_id)
{
        for (int a = 0;
             proc_id >= 0 && (size_t)proc_id * PG_ARCH_COUNT < r->n_seen && a < PG_ARCH_COUNT;
             a++) {
                free(r->seen[(size_t)proc_id * PG_ARCH_COUNT + a]);
                r->seen[(size_t)proc_id * PG_ARCH_COUNT + a] = NULL;
        }
}

static void on_seen(void *ud, struct pg_tracee *t, enum pg_arch arch, uint32_t slot)
{
        struct pg_recorder *r = ud;
        pg_recording_add_syscall(r->rec, arch, slot, t->proc->pid, t->tid, t->proc->exe_id);
        if (first_in_process(r, t->proc->proc_id, arch, slot) &&
            pg_recording_add_syscall_process(r->rec, arch, slot, t->proc->exe_id) < 0)
                r->error = -ENOMEM;
}

static bool on_enter(void *ud, struct pg_tracee *t, const struct pg_syscall *sc)
{
        struct pg_recorder *r = ud;
        on_seen(r, t, sc->arch, sc->slot);
        if (sc->slot == r->sigaction_slot[sc->arch])
                note_sigaction(r, t, sc);
        return false;
}

static void on_spawn(void *ud, struct pg_tracee *parent, struct pg_tracee *child, bool thread)
{
        struct pg_recorder *r = ud;
        if (thread)
                return;
        if (pg_recording_add_process(r->rec, child->proc->pid, parent ? parent->proc->pid : 0) <
            0) {
                r->error = -ENOMEM;
                child->proc->proc_id = -1;
                return;
        }
        size_t id = pg_recording_n_processes(r->rec) - 1, need = (id + 1) * PG_ARCH_COUNT;
        child->proc->proc_id = (int32_t)id;
        if (need > r->n_seen) {
                size_t n = need > 2 * r->n_seen ? need : 2 * r->n_seen;
                uint64_t **ns = realloc(r->seen, n * sizeof(*ns));
                if (!ns) {
                        r->error = -ENOMEM;
                        return;
                }
                memset(ns + r->n_seen, 0, (n - r->n_seen) * sizeof(*ns));
                r->seen = ns;
                r->n_seen = n;
        }
}

static void on_thread_exit(void *ud, struct pg_tracee *t, int status)
{
        (void)status;
        if (t->proc->refs <= 1) /* the process's last thread */
                forget_seen(ud, t->proc->proc_id);
}

static void on_exec(void *ud, struct pg_tracee *t)
{
        struct pg_recorder *r = ud;
        int32_t id = -1;
        if (t->proc->exe && pg_recording_intern_exe(r->rec, t->proc->exe, &id) < 0)
                r->error = -ENOMEM;
        t->proc->exe_id = id;
        if (pg_recording_process_exec(r->rec, t->proc->pid, id) < 0)
                r->error = -ENOMEM;
        forget_seen(r, t->proc->proc_id); /* another program: its users are counted anew */
}

static uint32_t slot_or_none(enum pg_arch arch, const char *name)
{
        uint32_t slot;
        return pg_arch_traceable(arch) && pg_arch_syscall_slot(arch, name, &slot) == 0 ? slot
                                                                                       : UINT32_MAX;
}

static void add_slot(struct pg_syscall_set *set, enum pg_arch arch, uint32_t slot)
{
        if (slot != UINT32_MAX)
                pg_syscall_set_add(set, arch, slot);
}

/* What the recorder decodes must keep stopping under a baseline. */
static void must_stop(void *ud, struct pg_syscall_set *set)
{
        struct pg_recorder *r = ud;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                add_slot(set, a, r->sigaction_slot[a]);
        }
}

int pg_recorder_new(struct pg_recording *rec, struct pg_recorder **ret)
{
        struct pg_recorder *r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->rec = rec;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                r->sigaction_slot[a] = slot_or_none(a, "rt_sigaction");
        }
        r->obs = (struct pg_observer){
            .name = "recorder",
            .userdata = r,
            .syscall_enter = on_enter,
            .syscall_seen = on_seen,
            .spawn = on_spawn,
            .exec = on_exec,
            .thread_exit = on_thread_exit,
            .must_stop = must_stop,
        };
        *ret = r;
        return 0;
}

void pg_recorder_free(struct pg_recorder *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n_seen; i++)
                free(r->seen[i]);
        free(r->seen);
        free(r);
}

int pg_recorder_error(const struct pg_recorder *r)
{
        return r->error;
}

const struct pg_observer *pg_recorder_observer(struct pg_recorder *r)
{
        return &r->obs;
}
