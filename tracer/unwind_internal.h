/* SPDX-License-Identifier: MIT */
/* Shared between the unwinder's files (unwind.c: stacks; unwind_observer.c: when to take them);
 * not a public interface. */
#pragma once

#include <libunwind.h>

#include "profgen/unwind.h"

/* Per-process state behind pg_tproc.unwind. */
struct pg_unwind_proc;

/* A cached function name of (module, offset); function is NULL when there is none. */
struct pg_unwind_name {
        const char *module; /* interned in the unwinder; NULL marks an empty slot */
        uint64_t offset;
        char *function;
        uint64_t function_offset;
};

/* One stack's access to the stopped thread (tracer/unwind_access.c): libunwind's ptrace
 * accessor state and a few pages of the tracee's memory read at once. */
#define PG_UNWIND_PAGES 8
struct pg_unwind_page {
        uint64_t base;
        bool valid;
        unsigned char data[4096];
};
struct pg_unwind_ctx {
        void *upt; /* _UPT_create(tid) */
        pid_t tid;
        struct pg_unwind_page pages[PG_UNWIND_PAGES];
        unsigned next; /* page to replace next */
};

/* _UPT_accessors with the page cache; their arg is a struct pg_unwind_ctx. */
extern unw_accessors_t pg_unwind_accessors;
/* Starts a stack of thread tid (pages forgotten); close after it. */
int pg_unwind_ctx_open(struct pg_unwind_ctx *c, pid_t tid);
void pg_unwind_ctx_close(struct pg_unwind_ctx *c);
/* The instruction pointer alone, when the thread cannot be unwound. */
int pg_unwind_ctx_ip(const struct pg_unwind_ctx *c, uint64_t *ret);

struct pg_unwinder {
        struct pg_recording *rec;
        struct pg_unwind_opts opts;
        struct pg_observer obs;
        /* Syscalls that change a process's mappings (mmap, mmap2, munmap, mremap) */
        struct pg_syscall_set remaps;
        struct pg_unwind_proc *procs; /* every live state, to free them at the end */
        char **modules;               /* interned module paths */
        size_t n_modules;
        struct pg_unwind_name *names; /* open addressing, power-of-two capacity */
        size_t names_cap, names_n;
        struct pg_unwind_ctx *ctx; /* reused from stack to stack (one tracer thread) */
        struct pg_unwind_stats stats;
};

/* The one copy of s in a pool of strings (tens of module paths: a linear search); NULL when out
 * of memory. */
const char *pg_unwind_intern(char ***pool, size_t *n, const char *s);
/* Drops the state of t's process (exec: a new address space; exit: gone). */
void pg_unwind_proc_drop(struct pg_unwinder *u, struct pg_tproc *proc);
/* The mappings of proc may have changed: read them again before the next stack. */
void pg_unwind_proc_stale(struct pg_tproc *proc);
void pg_unwind_observer_init(struct pg_unwinder *u);
