// SPDX-License-Identifier: MIT
/* The union of two recordings: counts add up, evidence and first occurrences are kept. */
#include <errno.h>
#include <stdlib.h>

#include "profgen/recording.h"

/* Index of src's executable `idx` in dst, interned on demand; -1 stays -1. */
static int remap_exe(struct pg_recording *dst, const struct pg_recording *src, int32_t idx,
                     int32_t *ret)
{
        const char *path = pg_recording_exe(src, idx);
        if (!path) {
                *ret = -1;
                return 0;
        }
        return pg_recording_intern_exe(dst, path, ret);
}

static int merge_syscalls(struct pg_recording *dst, const struct pg_recording *src)
{
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                        if (pg_recording_is_baseline(src, a, s))
                                pg_recording_add_baseline(dst, a, s);
                        const struct pg_syscall_stat *st = pg_recording_syscall(src, a, s);
                        if (!st)
                                continue;
                        int32_t exe;
                        int r = remap_exe(dst, src, st->first_exe, &exe);
                        if (r == 0)
                                r = pg_recording_add_syscall_count(
                                    dst, a, s, st->count, st->first_pid, st->first_tid, exe);
                        if (r < 0)
                                return r;
                        if (st->stack)
                                pg_recording_set_syscall_stack(dst, a, s, pg_stack_dup(st->stack));
                }
        }
        return 0;
}

static int merge_evidence(struct pg_recording *dst, const struct pg_recording *src)
{
        for (size_t i = 0; i < pg_recording_n_facts(src); i++) {
                struct pg_fact f = *pg_recording_fact(src, i);
                int r = remap_exe(dst, src, f.exe, &f.exe);
                if (r == 0)
                        r = pg_recording_add_fact(dst, &f);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < pg_recording_n_caps(src); i++) {
                struct pg_cap_evidence ev = *pg_recording_cap(src, i);
                int r = remap_exe(dst, src, ev.exe, &ev.exe);
                if (r == 0)
                        r = pg_recording_add_cap(dst, &ev);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < pg_recording_n_notes(src); i++) {
                int r = pg_recording_add_note(dst, pg_recording_note(src, i));
                if (r < 0)
                        return r;
        }
        return 0;
}

int pg_recording_merge(struct pg_recording *dst, const struct pg_recording *src)
{
        int r = merge_syscalls(dst, src);
        if (r == 0)
                r = merge_evidence(dst, src);
        if (r < 0)
                return r;
        for (size_t i = 0; i < pg_recording_n_processes(src); i++) {
                const struct pg_process *p = pg_recording_process(src, i);
                r = pg_recording_add_process(dst, p->pid, p->ppid);
                for (size_t e = 0; r == 0 && e < p->n_exes; e++) {
                        int32_t exe;
                        r = remap_exe(dst, src, p->exes[e], &exe);
                        if (r == 0)
                                r = pg_recording_process_exec(dst, p->pid, exe);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}
