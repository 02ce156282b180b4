/* SPDX-License-Identifier: MIT */
/* The tracer: starts a command under ptrace, follows every process and thread, and reports what
 * happens to observers. It knows processes and the kernel, nothing about profiles. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/arch.h"
#include "profgen/error.h"

struct pg_tracer;

/* What a traced process is: shared by its threads. */
struct pg_tproc {
        pid_t pid;       /* tgid */
        pid_t ppid;      /* traced parent process, 0 for the command */
        char *exe;       /* path of the running executable (/proc/PID/exe at exec), or NULL */
        int32_t exe_id;  /* observer-assigned index (the recorder's executable table), -1 */
        int32_t proc_id; /* observer-assigned index (the recorder's process table) */
        unsigned refs;   /* threads pointing here */
        void *observer_data;
        void *unwind; /* the unwinder's per-process state (tracer/unwind.c), or NULL */
};

/* One traced thread. */
struct pg_tracee {
        pid_t tid;
        struct pg_tproc *proc;
        unsigned flags;          /* PG_TRACEE_* (tracer-private bits) */
        uint32_t exit_observers; /* bit i: observer i asked for the current syscall's exit */
        /* The syscall in progress between an enter stop and the exit stop the observers asked for
         */
        enum pg_arch sc_arch;
        uint32_t sc_slot;
        uint64_t sc_args[6];
        uint64_t sc_aux[4]; /* observer scratch carried from enter to exit (e.g. a decoded id) */
        uint64_t tp_nr;     /* the stopped syscall whose tracepoint record is still to come */
};

/* A syscall at its entry (seccomp stop or syscall-enter stop). */
struct pg_syscall {
        enum pg_arch arch;
        uint32_t slot; /* number with the x32 bit stripped, < PG_SYSCALL_SLOTS */
        uint64_t nr;   /* raw number as the kernel saw it */
        uint64_t args[6];
        uint64_t ip;
        uint64_t sp;
};

/* Observers plug into the one event loop. Every callback may be NULL. Callbacks run on the tracer's
 * thread with the tracee stopped, so they may read its memory (pg_tracee_read*). */
struct pg_stop_conds;

struct pg_observer {
        const char *name;
        void *userdata;
        /* Return true to get an exit stop for this syscall (its result). Keep it cheap: this is
         * called for every traced syscall. */
        bool (*syscall_enter)(void *ud, struct pg_tracee *t, const struct pg_syscall *sc);
        /* rval is the return value; negative errno values mean failure (is_error). */
        void (*syscall_exit)(void *ud, struct pg_tracee *t, int64_t rval, bool is_error);
        /* A process or thread appeared (fork, vfork, clone, clone3). parent may be NULL for the
         * command itself. */
        void (*spawn)(void *ud, struct pg_tracee *parent, struct pg_tracee *child, bool thread);
        /* An exec succeeded; t->proc->exe is the new executable. */
        void (*exec)(void *ud, struct pg_tracee *t);
        /* A thread is about to disappear (exited or killed); status as from waitpid. */
        void (*thread_exit)(void *ud, struct pg_tracee *t, int status);
        /* The whole trace is over. */
        void (*finish)(void *ud);
        /* A syscall that ran without a stop, seen in the kernel's record of syscalls (--tracing
         * tracepoint): the thread is not stopped, its memory and arguments are not at hand. */
        void (*syscall_seen)(void *ud, struct pg_tracee *t, enum pg_arch arch, uint32_t slot);
        /* Adds the syscalls this observer must see even when a baseline lets known syscalls run
         * without a stop (e.g. those that feed capability inference). Called once, before the
         * command starts. */
        void (*must_stop)(void *ud, struct pg_syscall_set *set);
        /* Adds syscalls that, under a baseline, need a stop only for some values or flags of one
         * argument (fcntl: only F_SETLEASE and F_SETPIPE_SZ can need a capability; mmap: only
         * MAP_LOCKED); must_stop leaves them out. Called once, before the command starts. */
        void (*stop_when)(void *ud, struct pg_stop_conds *conds);
};

/* "Stop at this syscall only when argument `arg` (its low 32 bits) is one of `values` or has a
 * bit of `mask`, or when one of the `nonzero` arguments is not 0 (all 64 bits)." */
#define PG_STOP_COND_VALUES 4
#define PG_STOP_CONDS       32
struct pg_stop_cond {
        enum pg_arch arch;
        uint32_t slot;
        uint8_t arg;
        uint8_t n_values;
        uint32_t values[PG_STOP_COND_VALUES];
        uint32_t mask;   /* also stop when the argument has any of these bits (0: none) */
        uint8_t nonzero; /* also stop when argument i (bit i) is not 0 (0: none) */
};
struct pg_stop_conds {
        size_t n;
        struct pg_stop_cond c[PG_STOP_CONDS];
};
/* Adds a condition for `name` on every architecture that has it: stop when argument `arg` is one
 * of `values` or has a bit of `mask`, or an argument of `nonzero` is not 0. False when the table
 * is full. */
bool pg_stop_conds_add(struct pg_stop_conds *conds, const char *name, uint8_t arg,
                       const uint32_t *values, uint8_t n_values, uint32_t mask, uint8_t nonzero);

enum pg_trace_mode {
        PG_TRACE_AUTO,    /* seccomp when it can be installed, else ptrace, and say so */
        PG_TRACE_SECCOMP, /* SECCOMP_RET_TRACE filter: one stop per syscall */
        PG_TRACE_PTRACE,  /* PTRACE_SYSCALL: two stops per syscall, no filter in the workload */
        /* A filter that stops only the syscalls observers must see and lets the rest run; the
         * kernel's raw_syscalls tracepoint records those (root or CAP_PERFMON). AUTO uses it when
         * opts.kernel_syscalls says it may and it can be opened. */
        PG_TRACE_TRACEPOINT,
};

#define PG_TRACER_DEFAULT_POLL_US 50
#define PG_TRACER_MAX_POLL_US     10000

struct pg_tracer_opts {
        enum pg_trace_mode mode;
        /* Syscalls that may run without a stop (seccomp mode only): a committed profile's set
         * minus what observers must still see. NULL: stop on everything. */
        const struct pg_syscall_set *allowed;
        /* AUTO may count syscalls with the kernel's tracepoint (PG_TRACE_TRACEPOINT): nothing
         * needs a stop at every syscall's first occurrence (no call stacks) and there is no
         * baseline. */
        bool kernel_syscalls;
        bool pin_cpu; /* run tracer and tracee on one CPU when it helps */
        /* Poll this long for the next stop before sleeping, in a steady stream of syscall stops
         * (tracer/wait.c); 0: always sleep. Never polls with a single usable CPU. */
        unsigned poll_us;
        bool exit_with_command; /* stop tracing when the command exits (leftovers are detached) */
        bool forward_signals;   /* SIGINT/SIGTERM/SIGHUP to profgen go to the command (default) */
};

int pg_tracer_new(const struct pg_tracer_opts *opts, struct pg_tracer **ret);
void pg_tracer_free(struct pg_tracer *t);
/* Observers are called in the order they were added. The tracer does not own them. */
int pg_tracer_add_observer(struct pg_tracer *t, const struct pg_observer *obs);

/* Runs argv under the tracer until every traced process has exited. On success *ret_status is the
 * command's status in the shell convention (exit code, or 128+N when killed by signal N), or 127
 * when not found and 126 when not executable (the error object says why). Negative errno when
 * the tracer itself failed. */
int pg_tracer_run(struct pg_tracer *t, char *const *argv, int *ret_status, struct pg_error **err);
/* The set that actually ran without stops: opts.allowed minus what observers must see. NULL when
 * every syscall stopped. Valid after pg_tracer_run. */
const struct pg_syscall_set *pg_tracer_allowed(const struct pg_tracer *t);
/* How many syscall stops had a number outside every architecture's table (e.g. syscall(-1)): the
 * kernel answers those with ENOSYS whatever a profile says, so they are not recorded. */
uint64_t pg_tracer_invalid_syscalls(const struct pg_tracer *t);
/* --tracing tracepoint: records of threads the tracer did not know (not counted: a task it does
 * not trace, e.g. one that escaped following). */
uint64_t pg_tracer_unknown_records(const struct pg_tracer *t);
/* The mode that was used ("seccomp", "tracepoint" or "ptrace") and why, after pg_tracer_run. */
const char *pg_tracer_mode_name(const struct pg_tracer *t);
const char *pg_tracer_mode_note(const struct pg_tracer *t);

/* Tracee memory, for observers (process_vm_readv, with a PTRACE_PEEKDATA fallback). */
ssize_t pg_tracee_read(const struct pg_tracee *t, uint64_t addr, void *buf, size_t len);
/* Reads a NUL-terminated string of at most len-1 bytes; returns its length or negative errno. */
ssize_t pg_tracee_read_string(const struct pg_tracee *t, uint64_t addr, char *buf, size_t len);

static inline void pg_tracer_freep(struct pg_tracer **t)
{
        pg_tracer_free(*t);
}
#define _cleanup_tracer_ __attribute__((cleanup(pg_tracer_freep)))
