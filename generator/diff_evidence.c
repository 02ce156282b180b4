// SPDX-License-Identifier: MIT
/* Why a drifted syscall or capability is there, from the recording at hand: how often, which
 * process and executable first, and where in the code (the first call stack, when recorded). What
 * the workload did not make itself is explained by the generator's provenance instead. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/diff.h"

static const char *base_name(const char *path)
{
        const char *s = path ? strrchr(path, '/') : NULL;
        return s ? s + 1 : path;
}

/* The frame that says most about the workload: the first one in the executable itself (past the
 * libc wrappers), else the innermost. A drift line shows that one frame; `profgen explain` shows
 * whole stacks. */
static const struct pg_frame *call_site(const struct pg_stack *st, const char *exe)
{
        if (!st || st->n_frames == 0)
                return NULL;
        for (size_t i = 0; exe && i < st->n_frames; i++)
                if (st->frames[i].module && strcmp(st->frames[i].module, exe) == 0)
                        return &st->frames[i];
        return &st->frames[0];
}

static void put_frame(FILE *f, const struct pg_frame *fr)
{
        if (fr->function)
                fprintf(f, " at %s+0x%llx (%s)", fr->function,
                        (unsigned long long)fr->function_offset, base_name(fr->module));
        else
                fprintf(f, " at %s+0x%llx", base_name(fr->module), (unsigned long long)fr->offset);
}

static int syscall_evidence(const struct pg_recording *rec, const struct pg_syscall_stat *st,
                            char **ret)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        const char *exe = pg_recording_exe(rec, st->first_exe);
        fprintf(f, "%llu call%s, first by %s (pid %d)", (unsigned long long)st->count,
                st->count == 1 ? "" : "s", exe ? exe : "an unknown executable", (int)st->first_pid);
        const struct pg_frame *fr = call_site(st->stack, exe);
        if (fr)
                put_frame(f, fr);
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

/* "runtime: runc 1.1.5: ..." for a name the generator added without the workload making it. */
static int provenance_evidence(const struct pg_generation *gen, const char *name, char **ret)
{
        for (size_t i = 0; gen && i < gen->n_prov; i++) {
                const struct pg_provenance *p = &gen->prov[i];
                if (strcmp(p->name, name) != 0 || p->reason == PG_REASON_OBSERVED)
                        continue;
                if (asprintf(ret, "%s%s%s", pg_reason_name(p->reason), p->detail ? ": " : "",
                             p->detail ? p->detail : "") < 0)
                        return -ENOMEM;
                return 0;
        }
        return 0;
}

/* The recorded statistics of `name` on arch. By name over the slots, not by libseccomp's number
 * for the name: i386's socket is slot 359 in a recording but a socketcall pseudo number there. */
static const struct pg_syscall_stat *find_stat(const struct pg_recording *rec, enum pg_arch arch,
                                               const char *name)
{
        if (arch == PG_ARCH_INVALID)
                return NULL;
        for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                const struct pg_syscall_stat *st = pg_recording_syscall(rec, arch, s);
                const char *n = st ? pg_arch_syscall_name(arch, s) : NULL;
                if (n && strcmp(n, name) == 0)
                        return st;
        }
        return NULL;
}

static int entry_syscall(struct pg_diff_entry *en, const struct pg_recording *rec,
                         const struct pg_generation *gen)
{
        const struct pg_syscall_stat *st = find_stat(rec, en->arch, en->name);
        if (en->change == PG_DIFF_REMOVED) {
                if (!st && !(en->evidence = strdup("not made in this run")))
                        return -ENOMEM;
                return 0;
        }
        if (st)
                return syscall_evidence(rec, st, &en->evidence);
        return provenance_evidence(gen, en->name, &en->evidence);
}

static int entry_cap(struct pg_diff_entry *en, const struct pg_recording *rec)
{
        for (size_t i = 0; i < pg_recording_n_caps(rec); i++) {
                const struct pg_cap_evidence *ev = pg_recording_cap(rec, i);
                _cleanup_free_ char *name = pg_caps_name(ev->cap);
                if (!name || strcmp(name, en->name) != 0)
                        continue;
                const char *exe = pg_recording_exe(rec, ev->exe);
                const char *sys = pg_arch_syscall_name(ev->arch, ev->slot);
                free(en->evidence);
                en->evidence = NULL;
                if (asprintf(&en->evidence, "%s%s%s (pid %d)",
                             ev->detail ? ev->detail : (sys ? sys : "?"), exe ? " by " : "",
                             exe ? exe : "", (int)ev->pid) < 0)
                        return -ENOMEM;
                return 0;
        }
        return 0;
}

/* "made 3 syscalls there: read, write, exit_group": what the workload did on a new
 * architecture (a 32-bit helper, an int 0x80 call). */
static int entry_arch(struct pg_diff_entry *en, const struct pg_recording *rec)
{
        enum { SHOWN = 8 };
        char *buf = NULL;
        size_t len = 0, n = 0;
        if (en->arch == PG_ARCH_INVALID || en->change != PG_DIFF_ADDED)
                return 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                if (!pg_recording_syscall(rec, en->arch, s))
                        continue;
                const char *name = pg_arch_syscall_name(en->arch, s);
                if (n < SHOWN)
                        fprintf(f, "%s%s", n ? ", " : "", name ? name : "?");
                n++;
        }
        if (n > SHOWN)
                fprintf(f, " and %zu more", n - SHOWN);
        if (fclose(f) != 0)
                return -ENOMEM;
        if (n > 0 &&
            asprintf(&en->evidence, "made %zu syscall%s there: %s", n, n == 1 ? "" : "s", buf) < 0)
                en->evidence = NULL;
        free(buf);
        return n > 0 && !en->evidence ? -ENOMEM : 0;
}

int pg_diff_add_evidence(struct pg_diff *d, const struct pg_recording *rec,
                         const struct pg_generation *gen)
{
        for (size_t i = 0; i < d->n; i++) {
                struct pg_diff_entry *en = &d->v[i];
                int r = 0;
                if (en->subject == PG_DIFF_SYSCALL && !en->evidence)
                        r = entry_syscall(en, rec, gen);
                else if (en->subject == PG_DIFF_CAP && en->change == PG_DIFF_ADDED)
                        r = entry_cap(en, rec);
                else if (en->subject == PG_DIFF_ARCH)
                        r = entry_arch(en, rec);
                if (r < 0)
                        return r;
        }
        return 0;
}
