// SPDX-License-Identifier: MIT
/* --tracing tracepoint: the filter stops only the syscalls an observer must see (as under a
 * baseline), lets every other native syscall run, and the kernel's raw_syscalls:sys_enter record
 * (sys_tracepoint.h) shows which ran, by thread.
 *
 * A record gives the thread and the number, not the ABI. A stopped syscall leaves one too, just
 * after its stop; the thread's next stop comes after that record, and the loop drains the buffers
 * at every event before handling it. So a thread has at most one record still to come from a stop
 * (PG_TRACEE_TP_PENDING, tp_nr), and the first record of that number from that thread is taken
 * for it and dropped. Every other record is a syscall that ran without a stop, and native: the
 * filter lets no i386 or x32 syscall run. When a native syscall of the same number came first,
 * that one is dropped instead and the stopped one's record counted in its place: the same thread,
 * the same number, the same count. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/tracee_table.h"
#include "tracer_internal.h"

int pg_tracer_tp_prepare(struct pg_tracer *tr, struct pg_syscall_set *ret_all,
                         struct pg_error **err)
{
        enum pg_arch native = pg_arch_native();
        int r = pg_sys_tracepoint_new(&tr->systp, err);
        if (r < 0)
                return r;
        memset(ret_all, 0, sizeof(*ret_all));
        for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++)
                if (pg_arch_syscall_name(native, s))
                        pg_syscall_set_add(ret_all, native, s);
        return 0;
}

/* The command is stopped before its exec: its records and those of all it starts. */
int pg_tracer_tp_start(struct pg_tracer *tr, struct pg_error **err)
{
        return pg_sys_tracepoint_start(tr->systp, tr->cmd_pid, err);
}

static void on_record(void *ud, const struct pg_sys_tp_event *e)
{
        struct pg_tracer *tr = ud;
        if (!tr->cmd_execed)
                return; /* profgen's own child before the command's exec */
        struct pg_tracee *t = pg_tracee_table_get(tr->tab, e->tid);
        if (!t) {
                tr->tp_unknown++;
                return;
        }
        if ((t->flags & PG_TRACEE_TP_PENDING) && t->tp_nr == (uint64_t)e->id) {
                t->flags &= ~PG_TRACEE_TP_PENDING; /* the stopped syscall: already seen */
                return;
        }
        enum pg_arch native = pg_arch_native();
        uint32_t slot;
        /* An x32 number (bit 30) or a negative one falls outside the native table: stopped, so
         * counted there (or invalid: ENOSYS). */
        if (!pg_arch_slot(native, (uint64_t)e->id, &slot))
                return;
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].syscall_seen)
                        tr->obs[i].syscall_seen(tr->obs[i].userdata, t, native, slot);
}

void pg_tracer_tp_drain(struct pg_tracer *tr)
{
        pg_sys_tracepoint_drain(tr->systp, on_record, tr);
}

/* Every process has exited: the records are all in. A record the kernel dropped is a syscall the
 * profile may lack: the recording fails rather than give a profile that breaks the workload. */
void pg_tracer_tp_finish(struct pg_tracer *tr)
{
        if (!tr->systp)
                return;
        uint64_t lost = pg_sys_tracepoint_drain_last(tr->systp, on_record, tr);
        if (lost == UINT64_MAX && !tr->failure) {
                tr->failure = -EIO;
                tr->failure_msg = strdup("cannot read the kernel's count of syscall records: "
                                         "the recording may lack syscalls; record with "
                                         "--tracing seccomp");
        } else if (lost > 0 && !tr->failure) {
                tr->failure = -ENOBUFS;
                if (asprintf(&tr->failure_msg,
                             "the kernel dropped %llu syscall records (its buffer was full): "
                             "the recording may lack syscalls; record again, or with "
                             "--tracing seccomp",
                             (unsigned long long)lost) < 0)
                        tr->failure_msg = NULL;
        }
        pg_sys_tracepoint_free(tr->systp);
        tr->systp = NULL;
}

uint64_t pg_tracer_unknown_records(const struct pg_tracer *t)
{
        return t->tp_unknown;
}
