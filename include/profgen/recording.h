/* SPDX-License-Identifier: MIT */
/* A recording is plain data: what a traced workload did. It knows nothing about ptrace or profiles;
 * it can be saved to a file (a versioned JSON document, docs/recording-format.md) and loaded again,
 * so generation, merging and explanation need no tracing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/arch.h"
#include "profgen/error.h"

#define PG_RECORDING_VERSION 1

struct pg_recording;

/* One user-space stack frame (issue: provenance). module is a path, offset is relative to the
 * module's load base; function may be NULL when symbols do not allow a name. */
struct pg_frame {
        char *module;
        uint64_t offset;
        char *function;
        uint64_t function_offset;
};

struct pg_stack {
        size_t n_frames;
        struct pg_frame *frames;
};

/* Another place a syscall was made from, beyond its first occurrence: a sampled later occurrence
 * (record --stack-samples) or the first occurrence of a recording merged in. */
struct pg_call_site {
        pid_t pid;
        pid_t tid;
        int32_t exe;         /* index into the executable table, -1 when unknown */
        uint64_t occurrence; /* which occurrence in its recording (1 = the first), 0 unknown */
        struct pg_stack *stack;
};

/* Call sites kept per syscall beyond the first: enough to show the distinct paths, bounded so a
 * merge of many shards stays small. */
#define PG_RECORDING_MAX_SITES 16

/* Who made a syscall: the calls made while running one executable, and by how many processes
 * (a process that exec's another program counts again for the new one). */
struct pg_syscall_user {
        int32_t exe; /* index into the executable table, -1 when unknown */
        uint64_t count;
        uint64_t processes;
};

/* Per (architecture, syscall slot) statistics. */
struct pg_syscall_stat {
        uint64_t count;
        pid_t first_pid;        /* process (tgid) of the first occurrence */
        pid_t first_tid;        /* thread of the first occurrence */
        int32_t first_exe;      /* index into the executable table, -1 when unknown */
        struct pg_stack *stack; /* call stack of the first occurrence, or NULL */
        size_t n_sites;         /* further distinct call sites (stacks), in the order found */
        struct pg_call_site *sites;
        size_t n_users; /* per executable, in the order first seen; empty in old recordings */
        struct pg_syscall_user *users;
        size_t last_user; /* the hot path's guess: the user of the previous call */
};

/* Where a capability claim comes from. */
enum pg_cap_source {
        PG_CAP_SOURCE_INFERENCE, /* a rule recognised the syscall, arguments and credentials */
        PG_CAP_SOURCE_KERNEL,    /* the capability:cap_capable tracepoint */
};

/* Evidence that the workload needs a capability. Strings are owned by the recording. */
struct pg_cap_evidence {
        int cap; /* CAP_* number */
        enum pg_cap_source source;
        enum pg_arch arch;
        uint32_t slot; /* the syscall that needed it */
        char *detail;  /* decoded arguments and why: "bind(AF_INET, port 80)" */
        char *note;    /* optional: "not needed under Docker's default sysctls" */
        pid_t pid;
        int32_t exe;
        uint64_t count; /* how often this same evidence was seen */
        struct pg_stack *stack;
};

/* A fact is something observed beyond "syscall X was made" that rules can key on, e.g.
 * "signal-handler:SIGPIPE" (a handler installed for a signal whose default action kills). */
struct pg_fact {
        char *key;
        enum pg_arch arch;
        uint32_t slot;
        char *detail;
        pid_t pid;
        int32_t exe;
};

/* Facts of the capability watcher: which sources judged capabilities ("inference" or
 * "inference+kernel"), and advice that is not a capability, one key per kind of advice under a
 * prefix ("capability-note:icmp-datagram-socket"). */
#define PG_FACT_CAP_SOURCES "capability-sources"
#define PG_FACT_CAP_NOTE    "capability-note:"

/* A process in the exec chain: which process started which, and what each ran. */
struct pg_process {
        pid_t pid;
        pid_t ppid; /* 0 for the command itself */
        size_t n_exes;
        int32_t *exes; /* executable indexes, in exec order */
};

int pg_recording_new(struct pg_recording **ret);
void pg_recording_free(struct pg_recording *r);

/* Metadata */
int pg_recording_set_command(struct pg_recording *r, char *const *argv);
char *const *pg_recording_command(const struct pg_recording *r); /* NULL-terminated, may be empty */
void pg_recording_set_exit_status(struct pg_recording *r, int status); /* shell convention: 128+N */
int pg_recording_exit_status(const struct pg_recording *r);
int pg_recording_set_tracing(struct pg_recording *r, const char *mode); /* "seccomp", "ptrace" */
const char *pg_recording_tracing(const struct pg_recording *r);
/* Free-form notes (e.g. "baseline: 120 known syscalls were not stopped"), kept in order. */
int pg_recording_add_note(struct pg_recording *r, const char *note);
size_t pg_recording_n_notes(const struct pg_recording *r);
const char *pg_recording_note(const struct pg_recording *r, size_t i);

/* Executables, interned: the same path gives the same index. */
int pg_recording_intern_exe(struct pg_recording *r, const char *path, int32_t *ret_index);
size_t pg_recording_n_exes(const struct pg_recording *r);
const char *pg_recording_exe(const struct pg_recording *r, int32_t index);

/* Syscalls. The hot path of the recorder: counts a stop (also for its executable), remembers
 * the first occurrence. Returns true when this (arch, slot) was seen for the first time. */
bool pg_recording_add_syscall(struct pg_recording *r, enum pg_arch arch, uint32_t slot, pid_t pid,
                              pid_t tid, int32_t exe);
/* One more process made the syscall while running exe (the recorder tells a process's first
 * call of each syscall apart). */
int pg_recording_add_syscall_process(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                     int32_t exe);
/* Adds a user's counts at once (loading, merging); the syscall must have been added. */
int pg_recording_add_syscall_user(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                  const struct pg_syscall_user *user);
/* Adds `count` occurrences at once (loading, merging); users are added apart. */
int pg_recording_add_syscall_count(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                   uint64_t count, pid_t pid, pid_t tid, int32_t exe);
/* NULL when never seen. */
const struct pg_syscall_stat *pg_recording_syscall(const struct pg_recording *r, enum pg_arch arch,
                                                   uint32_t slot);
/* Takes ownership of stack; replaces nothing when one is already set (first occurrence wins). */
void pg_recording_set_syscall_stack(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                    struct pg_stack *stack);
/* Keeps a copy of site (with its stack) unless the syscall was never seen, the stack is the first
 * occurrence's or a kept site's, or PG_RECORDING_MAX_SITES are kept. 1 when kept, 0 when not. */
int pg_recording_add_syscall_site(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                  const struct pg_call_site *site);
bool pg_recording_has_arch(const struct pg_recording *r, enum pg_arch arch);

/* Syscalls a baseline profile let run without a stop (record --baseline): carried over from the
 * committed profile, not re-observed. A generated profile keeps them, so re-recording against a
 * complete baseline gives the same profile as a full recording. */
void pg_recording_add_baseline(struct pg_recording *r, enum pg_arch arch, uint32_t slot);
bool pg_recording_is_baseline(const struct pg_recording *r, enum pg_arch arch, uint32_t slot);

/* Facts and capability evidence: copies the strings; the same (key/cap, slot, detail) from another
 * occurrence only increments a count, so a loop does not grow the recording. */
int pg_recording_add_fact(struct pg_recording *r, const struct pg_fact *fact);
size_t pg_recording_n_facts(const struct pg_recording *r);
const struct pg_fact *pg_recording_fact(const struct pg_recording *r, size_t i);
bool pg_recording_has_fact(const struct pg_recording *r, const char *key);

int pg_recording_add_cap(struct pg_recording *r, const struct pg_cap_evidence *ev);
size_t pg_recording_n_caps(const struct pg_recording *r);
const struct pg_cap_evidence *pg_recording_cap(const struct pg_recording *r, size_t i);
/* Takes ownership of stack; set on the evidence at index i when it has none. */
void pg_recording_set_cap_stack(struct pg_recording *r, size_t i, struct pg_stack *stack);

/* Exec chain */
int pg_recording_add_process(struct pg_recording *r, pid_t pid, pid_t ppid);
int pg_recording_process_exec(struct pg_recording *r, pid_t pid, int32_t exe);
size_t pg_recording_n_processes(const struct pg_recording *r);
const struct pg_process *pg_recording_process(const struct pg_recording *r, size_t i);

/* Union of src into dst: counts add up, first occurrences and evidence are kept (exe indexes are
 * remapped). Associative, commutative on the syscall sets. */
int pg_recording_merge(struct pg_recording *dst, const struct pg_recording *src);

/* Persistence (recording/recording_json.c). Written atomically. */
int pg_recording_save(const struct pg_recording *r, const char *path, struct pg_error **err);
int pg_recording_load(const char *path, struct pg_recording **ret, struct pg_error **err);

/* Stacks */
struct pg_stack *pg_stack_dup(const struct pg_stack *s);
void pg_stack_free(struct pg_stack *s);
/* A stack as the JSON array of frames that recording files and `explain --format json` share
 * ({"module", "offset", "function", "function_offset"}); a new reference. */
struct json_t *pg_stack_to_json(const struct pg_stack *s);
/* Same frames (module and offset); two NULL stacks are equal. */
bool pg_stack_equal(const struct pg_stack *a, const struct pg_stack *b);

static inline void pg_recording_freep(struct pg_recording **r)
{
        pg_recording_free(*r);
}
#define _cleanup_recording_ __attribute__((cleanup(pg_recording_freep)))
