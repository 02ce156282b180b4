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

/* src's first stack and its sites become sites of dst unless dst has the same stack already: the
 * evidence of every merged recording is kept (up to PG_RECORDING_MAX_SITES per syscall). */
static int merge_sites(struct pg_recording *dst, const struct pg_recording *src, enum pg_arch a,
                       uint32_t s)
{
        const struct pg_syscall_stat *st = pg_recording_syscall(src, a, s);
        struct pg_call_site first = {st->first_pid, st->first_tid, st->first_exe, 1, st->stack};
        int r = 0;
        for (size_t i = 0; r >= 0 && i <= st->n_sites; i++) {
                struct pg_call_site site = i == 0 ? first : st->sites[i - 1];
                if (!site.stack)
                        continue;
                r = remap_exe(dst, src, site.exe, &site.exe);
                if (r == 0)
                        r = pg_recording_add_syscall_site(dst, a, s, &site);
        }
        return r < 0 ? r : 0;
}

static int merge_users(struct pg_recording *dst, const struct pg_recording *src, enum pg_arch a,
                       uint32_t s)
{
        const struct pg_syscall_stat *st = pg_recording_syscall(src, a, s);
        int r = 0;
        for (size_t i = 0; r == 0 && i < st->n_users; i++) {
                struct pg_syscall_user u = st->users[i];
                r = remap_exe(dst, src, u.exe, &u.exe);
                if (r == 0)
                        r = pg_recording_add_syscall_user(dst, a, s, &u);
        }
        return r;
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
                        if (!pg_recording_syscall(dst, a, s)->stack && st->stack)
                                pg_recording_set_syscall_stack(dst, a, s, pg_stack_dup(st->stack));
                        if ((r = merge_users(dst, src, a, s)) < 0 ||
                            (r = merge_sites(dst, src, a, s)) < 0)
                                return r;
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
