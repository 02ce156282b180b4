/* SPDX-License-Identifier: MIT */
/* The generator turns a recording into a profile model: names via libseccomp, plus the syscalls
 * the container runtime needs after it installs the filter, the ones a trace can miss, and the
 * companions of timing-dependent paths, each with the reason it is there. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "profgen/arch.h"
#include "profgen/error.h"
#include "profgen/profile.h"
#include "profgen/recording.h"

/* Container runtimes whose post-filter syscalls a profile must allow (generator/baseline_table.c).
 */
enum pg_runtime {
        PG_RUNTIME_RUNC = 1u << 0,   /* runc 1.1.5 (Docker 20.10, Podman --runtime runc) */
        PG_RUNTIME_CRUN = 1u << 1,   /* crun 1.8.1 (crun run) */
        PG_RUNTIME_PODMAN = 1u << 2, /* crun 1.8.1 started by Podman 4.3 (conmon) */
};
#define PG_RUNTIME_ALL (PG_RUNTIME_RUNC | PG_RUNTIME_CRUN | PG_RUNTIME_PODMAN)

/* Why a syscall is in a profile. */
enum pg_reason {
        PG_REASON_OBSERVED,  /* the workload made it */
        PG_REASON_ALWAYS,    /* exit, exit_group, rt_sigreturn, restart_syscall */
        PG_REASON_RUNTIME,   /* the container runtime makes it after installing the filter */
        PG_REASON_COMPANION, /* a sibling path of an observed syscall or fact */
        PG_REASON_EXTRA,     /* asked for on the command line */
        PG_REASON_BASELINE,  /* in the baseline profile, ran without a stop (not re-observed) */
};

struct pg_provenance {
        char *name; /* syscall name */
        enum pg_reason reason;
        char *detail; /* "runc 1.1.5", "companion of wait4: a shell waiting ...", NULL */
};

struct pg_generate_opts {
        int default_errno;      /* errno for denied syscalls (default ENOSYS) */
        unsigned runtimes;      /* PG_RUNTIME_* mask; 0 = none (profiles for profgen run only) */
        bool no_new_privileges; /* the container runs with no-new-privileges */
        bool no_companions;     /* leave companion rules out */
        char *const *extra;     /* NULL-terminated extra syscall names, or NULL */
};

void pg_generate_opts_init(struct pg_generate_opts *o);

/* The result: the profile and, for each allowed name, why it is there (sorted by name, then
 * reason). */
struct pg_generation {
        struct pg_profile *profile;
        size_t n_prov;
        struct pg_provenance *prov;
};

int pg_generate(const struct pg_recording *rec, const struct pg_generate_opts *opts,
                struct pg_generation **ret, struct pg_error **err);
void pg_generation_free(struct pg_generation *g);

/* The syscalls a profile allows unconditionally (ALLOW rules without argument conditions or
 * includes/excludes), per listed architecture: what a baseline may let run without a stop. */
struct pg_syscall_set;
int pg_profile_allowed_set(const struct pg_profile *p, struct pg_syscall_set *ret,
                           struct pg_error **err);

/* Data tables (checked-in, tested for invariants). */
struct pg_baseline_entry {
        unsigned runtime; /* one PG_RUNTIME_* bit */
        bool nnp;         /* applies when no-new-privileges is on (true) or off (false) */
        const char *name; /* syscall name (x86_64) */
        const char *why;  /* measured evidence, short */
};
const struct pg_baseline_entry *pg_baseline_table(size_t *ret_n);
const char *pg_runtime_name(unsigned runtime_bit); /* "runc 1.1.5" */
/* "runc", "crun", "podman", "docker" (= runc), "all", "none"; comma-separated lists allowed. */
int pg_runtime_parse(const char *s, unsigned *ret_mask);

/* The syscalls every profile gets because a trace can miss them. */
const char *const *pg_always_allowed(size_t *ret_n);

struct pg_companion_entry {
        const char *trigger; /* a syscall name, or "fact:KEY" for a recorded fact */
        const char *name;    /* syscall that comes with it */
        const char *why;
};
const struct pg_companion_entry *pg_companion_table(size_t *ret_n);

const char *pg_reason_name(enum pg_reason r);

static inline void pg_generation_freep(struct pg_generation **g)
{
        pg_generation_free(*g);
}
#define _cleanup_generation_ __attribute__((cleanup(pg_generation_freep)))
