// SPDX-License-Identifier: MIT
/* The explanation as text: every line starts with the syscall or capability it is about, so that
 * `grep '^uname:'` shows all about uname and `grep helper_two` which calls went through
 * helper_two. Entries are separated by a blank line; lines starting with '#' are comments.
 * docs/explain.md describes the format. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "profgen/cleanup.h"
#include "profgen/explain.h"

static void write_frame(FILE *f, const char *prefix, size_t i, const struct pg_frame *fr)
{
        fprintf(f, "%s#%zu ", prefix, i);
        if (fr->function)
                fprintf(f, "%s+0x%" PRIx64, fr->function, fr->function_offset);
        else
                fputs("??", f);
        if (fr->module && fr->module[0] != '?')
                fprintf(f, " (%s+0x%" PRIx64 ")\n", fr->module, fr->offset);
        else
                fprintf(f, " (0x%" PRIx64 ")\n", fr->offset);
}

static void write_stack(FILE *f, const char *prefix, const struct pg_stack *s)
{
        for (size_t i = 0; s && i < s->n_frames; i++)
                write_frame(f, prefix, i, &s->frames[i]);
}

int pg_stack_to_text(const struct pg_stack *s, const char *prefix, char **ret)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        write_stack(f, prefix ? prefix : "", s);
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

/* "4241 /bin/sh -> 4242 /app/server => /app/worker -> 4243 (fork)": -> a process started the
 * next one, => the process exec'd another program, (fork) a process that never exec'd. */
static void write_chain(FILE *f, const struct pg_recording *rec, const struct pg_explain_call *c)
{
        for (size_t i = 0; i < c->n_chain; i++) {
                const struct pg_process *p = c->chain[i].process;
                fprintf(f, "%s%d", i ? " -> " : "", (int)c->chain[i].pid);
                if (!p || p->n_exes == 0)
                        fputs(p ? " (fork)" : " (not traced from its start)", f);
                for (size_t e = 0; p && e < p->n_exes; e++) {
                        const char *exe = pg_recording_exe(rec, p->exes[e]);
                        fprintf(f, "%s%s", e ? " => " : " ", exe ? exe : "?");
                }
        }
        fputc('\n', f);
}

/* Who made the call, where it was started from, and its stack; lines start with prefix. */
static void write_call(FILE *f, const struct pg_recording *rec, const char *prefix,
                       const char *what, const struct pg_explain_call *c)
{
        fprintf(f, "%s%s", prefix, what);
        if (c->occurrence > 1)
                fprintf(f, " #%" PRIu64, c->occurrence);
        fprintf(f, " by pid %d", (int)c->pid);
        if (c->tid && c->tid != c->pid)
                fprintf(f, ", thread %d", (int)c->tid);
        fprintf(f, ", %s\n", c->exe ? c->exe : "executable unknown");
        fprintf(f, "%sexec chain: ", prefix);
        write_chain(f, rec, c);
        if (c->stack)
                write_stack(f, prefix, c->stack);
        else
                fprintf(f, "%sno call stack recorded\n", prefix);
}

static void write_observation(FILE *f, const struct pg_recording *rec, const char *name,
                              const struct pg_explain_observation *o)
{
        char prefix[160];
        const char *arch = pg_arch_info(o->arch)->name;
        snprintf(prefix, sizeof(prefix), "%s: %s: ", name, arch);
        fprintf(f, "%s: %s: nr %" PRIu64 ", %" PRIu64 " call%s\n", name, arch, o->nr, o->count,
                o->count == 1 ? "" : "s");
        for (size_t i = 0; i < o->n_users; i++) {
                const struct pg_syscall_user *u = &o->users[i];
                const char *exe = pg_recording_exe(rec, u->exe);
                fprintf(f, "%sby %s: %" PRIu64 " call%s in %" PRIu64 " process%s\n", prefix,
                        exe ? exe : "an unknown executable", u->count, u->count == 1 ? "" : "s",
                        u->processes, u->processes == 1 ? "" : "es");
        }
        write_call(f, rec, prefix, "first call", &o->first);
        for (size_t i = 0; i < o->n_sites; i++) {
                /* Site 1 is the first call; the others are numbered on from there. */
                snprintf(prefix, sizeof(prefix), "%s: %s: site %zu: ", name, arch, i + 2);
                write_call(f, rec, prefix, "call", &o->sites[i]);
        }
}

static void write_syscall(FILE *f, const struct pg_explanation *x, const struct pg_explain_entry *e)
{
        const struct pg_recording *rec = x->rec;
        /* With a profile given, reasons of a name it lacks are what generating would give. */
        const char *verb = e->allowed ? "allowed" : "would be allowed";
        if (!e->allowed)
                fprintf(f, "%s: not allowed: not in the profile\n", e->name);
        for (size_t i = 0; i < e->n_reasons; i++) {
                const struct pg_provenance *p = e->reasons[i];
                fprintf(f, "%s: %s: %s%s%s\n", e->name, verb, pg_reason_name(p->reason),
                        p->detail ? ": " : "", p->detail ? p->detail : "");
        }
        if (e->allowed && e->n_reasons == 0)
                fprintf(f,
                        "%s: allowed: by the profile only: the recording does not account for it "
                        "(another recording, other generate options, or an edit)\n",
                        e->name);
        for (size_t i = 0; i < e->n_obs; i++)
                write_observation(f, rec, e->name, &e->obs[i]);
        if (e->n_obs == 0)
                fprintf(f, "%s: not observed in this recording\n", e->name);
}

static const char *stack_note(enum pg_explain_stack_source s)
{
        switch (s) {
        case PG_EXPLAIN_STACK_SYSCALL:
                return "the stack below is the first call of that syscall in the process: "
                       "it may be another call";
        case PG_EXPLAIN_STACK_NONE:
        case PG_EXPLAIN_STACK_EVIDENCE:
                break;
        }
        return NULL;
}

static void write_evidence(FILE *f, const struct pg_recording *rec, const char *name, size_t i,
                           const struct pg_explain_evidence *x)
{
        char prefix[160];
        const struct pg_cap_evidence *ev = x->ev;
        snprintf(prefix, sizeof(prefix), "%s: evidence %zu: ", name, i + 1);
        fprintf(f, "%s%s, %s %s: %s (%" PRIu64 " time%s)\n", prefix,
                ev->source == PG_CAP_SOURCE_KERNEL ? "kernel" : "inference",
                pg_arch_info(ev->arch)->name, x->syscall ? x->syscall : "?",
                ev->detail ? ev->detail : "no detail", ev->count, ev->count == 1 ? "" : "s");
        if (ev->note)
                fprintf(f, "%snote: %s\n", prefix, ev->note);
        if (stack_note(x->stack_source))
                fprintf(f, "%s%s\n", prefix, stack_note(x->stack_source));
        write_call(f, rec, prefix, "call", &x->call);
}

static void write_capability(FILE *f, const struct pg_recording *rec,
                             const struct pg_explain_entry *e)
{
        fprintf(f, "%s: %s\n", e->name,
                e->allowed ? "recommended (in the caps file)"
                           : "not recommended: no evidence in this recording");
        for (size_t i = 0; i < e->n_evidence; i++)
                write_evidence(f, rec, e->name, i, &e->evidence[i]);
}

static void write_header(FILE *f, const struct pg_recording *rec)
{
        fputs("# profgen explain:", f);
        for (char *const *a = pg_recording_command(rec); a && *a; a++)
                fprintf(f, " %s", *a);
        fprintf(f, " (exit status %d, %s tracing)\n", pg_recording_exit_status(rec),
                pg_recording_tracing(rec) ? pg_recording_tracing(rec) : "unknown");
}

int pg_explain_to_text(const struct pg_explanation *x, char **ret, struct pg_error **err)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return pg_error_set(err, -ENOMEM, "out of memory");
        write_header(f, x->rec);
        for (size_t i = 0; i < x->n_entries; i++) {
                const struct pg_explain_entry *e = &x->entries[i];
                fputc('\n', f);
                if (e->kind == PG_EXPLAIN_SYSCALL)
                        write_syscall(f, x, e);
                else
                        write_capability(f, x->rec, e);
        }
        if (fclose(f) != 0) {
                free(buf);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        *ret = buf;
        return 0;
}
