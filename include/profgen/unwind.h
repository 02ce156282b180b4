/* SPDX-License-Identifier: MIT */
/* Call stacks of traced threads (issue 6: provenance), with libunwind's ptrace support. The
 * unwinder is a tracer observer: at the first occurrence of each (architecture, syscall) it
 * unwinds the stopped thread and hands the stack to the recording. Other observers (capability
 * evidence, denials under `run --explain`) call pg_unwind_capture themselves.
 *
 * Cost is bounded: only first occurrences (and, with samples > 0, occurrence 2, 4, 8, ... up to
 * `samples` more per syscall) are unwound; libunwind address spaces and their caches live as
 * long as the process (flushed on exec and after mmap/munmap/mremap), module maps are read once
 * per process and again only when they changed, and function names are cached per
 * (module, offset) for the whole trace. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/recording.h"
#include "profgen/tracer.h"

#define PG_UNWIND_DEFAULT_DEPTH 16u
#define PG_UNWIND_MAX_DEPTH     256u

struct pg_unwinder;

struct pg_unwind_opts {
        unsigned depth;   /* frames per stack, 1..PG_UNWIND_MAX_DEPTH */
        unsigned samples; /* extra stacks per syscall beyond the first (0: first only) */
};

/* What the unwinder did, for the cost report. */
struct pg_unwind_stats {
        uint64_t stacks;      /* stacks taken */
        uint64_t frames;      /* frames in them */
        uint64_t failures;    /* unwinds that stopped early on an error (the stack is kept) */
        uint64_t maps_reads;  /* /proc/PID/maps parsed */
        uint64_t name_hits;   /* function names served from the cache */
        uint64_t name_misses; /* ... and looked up with unw_get_proc_name */
        uint64_t nsec;        /* time spent unwinding (CLOCK_MONOTONIC) */
};

/* rec may be NULL: the observer then takes no stacks by itself and the unwinder only serves
 * pg_unwind_capture (e.g. for `run --explain`). */
int pg_unwinder_new(struct pg_recording *rec, const struct pg_unwind_opts *opts,
                    struct pg_unwinder **ret);
void pg_unwinder_free(struct pg_unwinder *u);
/* The observer to add to a tracer, after the recorder (it looks at the counts the recorder just
 * updated to recognise a first occurrence). Valid as long as the unwinder. */
const struct pg_observer *pg_unwinder_observer(struct pg_unwinder *u);
void pg_unwinder_stats(const struct pg_unwinder *u, struct pg_unwind_stats *ret);

/* The user-space call stack of stopped thread t, innermost frame first, at most depth frames (0:
 * the unwinder's depth). Callable from any observer callback of the same tracer while t is
 * stopped. A stack always has at least the frame of the instruction pointer; an unwind that
 * cannot go further ends there. -ESRCH when the thread's registers cannot be read. */
int pg_unwind_capture(struct pg_unwinder *u, const struct pg_tracee *t, unsigned depth,
                      struct pg_stack **ret_stack);

/* For a ptrace loop of its own (the diagnostic run of verify/run --explain), with no pg_tracee:
 * the stack of stopped thread tid of process pid. Nothing is kept for the process between calls
 * (function names are); rec may be NULL in the unwinder. */
int pg_unwind_capture_pid(struct pg_unwinder *u, pid_t pid, pid_t tid, unsigned depth,
                          struct pg_stack **ret_stack);

/* For the capability watcher: gives the evidence entries of the unwinder's recording from index
 * `from` on that have no stack and belong to t's process the stack of t (taken once). Call it
 * right after adding evidence, while t is still stopped at the syscall that needed the
 * capability. A NULL u (stacks off) does nothing. */
void pg_unwind_cap_stacks(struct pg_unwinder *u, const struct pg_tracee *t, size_t from);

/* Module maps (tracer/unwind_maps.c): which file an address belongs to, and the address's
 * offset in that module as `addr2line -e MODULE OFFSET` wants it (the ELF virtual address). */
struct pg_map {
        uint64_t start, end; /* [start, end) */
        uint64_t pgoff;      /* file offset of start */
        uint64_t bias;       /* load bias: offset = address - bias */
        const char *path;    /* owned by the maps object; "[vdso]" and the like included */
};

struct pg_maps;

/* Parses the text of /proc/PID/maps; mappings without a name (anonymous memory) are left out.
 * Biases are provisional (start - pgoff of the module's first mapping) until
 * pg_maps_set_bias adjusts a module loaded at a fixed address. */
int pg_maps_parse(const char *text, struct pg_maps **ret);
int pg_maps_read(pid_t pid, struct pg_maps **ret);
void pg_maps_free(struct pg_maps *m);
/* The mapping that holds addr, or NULL. */
const struct pg_map *pg_maps_find(const struct pg_maps *m, uint64_t addr);
size_t pg_maps_count(const struct pg_maps *m);
const struct pg_map *pg_maps_at(const struct pg_maps *m, size_t i);
/* Sets the bias of every mapping of path (a non-PIE executable has bias 0). */
void pg_maps_set_bias(struct pg_maps *m, const char *path, uint64_t bias);

static inline void pg_unwinder_freep(struct pg_unwinder **u)
{
        pg_unwinder_free(*u);
}
#define _cleanup_unwinder_ __attribute__((cleanup(pg_unwinder_freep)))
