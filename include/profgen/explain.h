/* SPDX-License-Identifier: MIT */
/* Why each syscall and each capability is in a profile (issue 6): a model built from a recording
 * and the generator's provenance, written as grep-friendly text or as JSON
 * (docs/explain-schema.json, docs/explain.md). The model borrows from the recording and the
 * generation it was built from: both must outlive it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/error.h"
#include "profgen/generator.h"
#include "profgen/profile.h"
#include "profgen/recording.h"

#define PG_EXPLAIN_VERSION 1

/* One process on the way to a call, outermost first: the command, the processes it started... */
struct pg_explain_link {
        pid_t pid;
        const struct pg_process *process; /* NULL when the recording does not know the pid */
};

/* One observed call: a syscall's first occurrence, another call site, or a capability's. */
struct pg_explain_call {
        pid_t pid;
        pid_t tid;                    /* 0 when unknown */
        const char *exe;              /* NULL when unknown */
        uint64_t occurrence;          /* 1 = the first; 0 when unknown */
        const struct pg_stack *stack; /* NULL when none was taken */
        size_t n_chain;
        struct pg_explain_link *chain; /* ends with pid's own process */
};

/* A syscall as observed on one architecture. */
struct pg_explain_observation {
        enum pg_arch arch;
        uint64_t nr; /* as libseccomp numbers it (x32 bit included) */
        uint64_t count;
        size_t n_users; /* calls and processes per executable (empty in old recordings) */
        const struct pg_syscall_user *users;
        struct pg_explain_call first;
        size_t n_sites;
        struct pg_explain_call *sites;
};

/* Where a capability evidence's stack comes from. */
enum pg_explain_stack_source {
        PG_EXPLAIN_STACK_NONE,     /* no stack at all */
        PG_EXPLAIN_STACK_EVIDENCE, /* taken when the evidence was seen */
        PG_EXPLAIN_STACK_SYSCALL,  /* the first occurrence of the same syscall in that process:
                                      maybe another call */
};

struct pg_explain_evidence {
        const struct pg_cap_evidence *ev;
        const char *syscall; /* libseccomp's name of (ev->arch, ev->slot), or NULL */
        struct pg_explain_call call;
        enum pg_explain_stack_source stack_source;
};

enum pg_explain_kind {
        PG_EXPLAIN_SYSCALL,
        PG_EXPLAIN_CAPABILITY,
};

struct pg_explain_entry {
        enum pg_explain_kind kind;
        char *name;   /* "uname", "CAP_NET_RAW" */
        bool allowed; /* in the profile (syscall) or the caps file (capability) */
        /* reasons: why the profile generated from the recording allows a syscall; with an
         * explained profile, a syscall can be allowed with none (the recording does not account
         * for it) or have reasons and not be allowed (the profile lacks it) */
        size_t n_reasons;
        const struct pg_provenance **reasons; /* syscalls: the generator's, in its order */
        size_t n_obs;
        struct pg_explain_observation *obs; /* syscalls: one per architecture it was seen on */
        size_t n_evidence;
        struct pg_explain_evidence *evidence; /* capabilities */
};

struct pg_explanation {
        const struct pg_recording *rec;
        const struct pg_profile *profile; /* the profile explained, or NULL: the generated one */
        size_t n_entries;
        struct pg_explain_entry *entries; /* all: syscalls by name, then capabilities by
                                           * number; named: in the order asked */
};

/* Entries for names (syscall names; capabilities as CAP_X, X or cap_x), or for every allowed
 * syscall and every capability with evidence when names is NULL or empty. A known name that is
 * not in the profile gets an entry with allowed == false (what `run --explain` shows for a
 * denial); a name that is neither a syscall nor a capability is an error (-ENOENT). */
int pg_explain(const struct pg_recording *rec, const struct pg_generation *gen, char *const *names,
               struct pg_explanation **ret, struct pg_error **err);
/* The same for a given profile (a committed one, maybe merged or edited): entries for every
 * syscall it allows too, and `allowed` says whether it does. */
int pg_explain_profile(const struct pg_recording *rec, const struct pg_generation *gen,
                       const struct pg_profile *profile, char *const *names,
                       struct pg_explanation **ret, struct pg_error **err);
void pg_explanation_free(struct pg_explanation *x);

/* Writers (generator/explain_text.c, generator/explain_json.c) */
int pg_explain_to_text(const struct pg_explanation *x, char **ret, struct pg_error **err);
int pg_explain_to_json(const struct pg_explanation *x, char **ret, struct pg_error **err);

/* One stack as text, one frame a line, each line starting with prefix:
 * "PREFIX#1 helper_two+0x15 (/usr/bin/app+0x11ee)\n", "PREFIX#2 ?? (/usr/bin/app+0x1240)\n".
 * For the commands that show a single call site (check, diff, run --explain). */
int pg_stack_to_text(const struct pg_stack *s, const char *prefix, char **ret);

static inline void pg_explanation_freep(struct pg_explanation **x)
{
        pg_explanation_free(*x);
}
#define _cleanup_explanation_ __attribute__((cleanup(pg_explanation_freep)))
