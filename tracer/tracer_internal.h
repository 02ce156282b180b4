/* SPDX-License-Identifier: MIT */
/* Shared between the tracer's own files (loop.c and events.c); not a public interface. */
#pragma once

#include <linux/filter.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/sys_tracepoint.h"
#include "profgen/tracer.h"

struct pg_tracee_table;

/* tracer/wait.c: waitpid(-1) that polls briefly before sleeping, in a steady stream of stops */
struct pg_waiter {
        int64_t poll_ns;     /* how long one poll lasts; 0: never poll */
        int64_t quiet_until; /* no polling before (CLOCK_MONOTONIC ns): a process event was near */
        unsigned skip;       /* waits left that sleep at once after a poll timed out */
        unsigned backoff;    /* the next skip */
        int64_t tick_ns;     /* 0, or: never sleep longer than this (tick_wait) */
        bool blocked;        /* SIGCHLD is blocked (polling or ticking) */
        sigset_t chld, saved_mask; /* SIGCHLD is blocked while polling is possible */
};
void pg_waiter_init(struct pg_waiter *w, unsigned poll_us, unsigned tick_us);
pid_t pg_waiter_wait(struct pg_waiter *w, int *status);
/* A process or thread was created, exec'd or ended: no polling for a while. */
void pg_waiter_process_event(struct pg_waiter *w);
void pg_waiter_done(struct pg_waiter *w);

enum {
        PG_TRACEE_NEW = 1u << 0,        /* waiting for its first (attach) stop */
        PG_TRACEE_WANT_EXIT = 1u << 1,  /* an observer asked for this syscall's exit stop */
        PG_TRACEE_TP_PENDING = 1u << 2, /* its stopped syscall's tracepoint record is to come */
};

struct pg_tracer {
        struct pg_tracer_opts opts;
        struct pg_observer *obs;
        size_t n_obs;
        struct pg_tracee_table *tab;
        struct pg_waiter waiter;
        struct sock_fprog prog;
        struct pg_syscall_set *allowed; /* opts.allowed minus the observers' must_stop sets */
        struct pg_stop_conds conds;     /* of allowed syscalls: stop for some argument values */
        bool want_seccomp;              /* a filter is given to the child */
        bool seccomp;                   /* ... and it was installed: one stop per syscall */
        pid_t cmd_pid;
        int status_fd;
        bool cmd_execed; /* the command's own execve succeeded */
        int cmd_status;  /* shell convention */
        int exec_errno;  /* the command could not be executed */
        char *mode_note;
        int failure; /* negative errno: the tracer must stop */
        char *failure_msg;
        /* threads that stopped before their parent's clone event was seen: left stopped */
        pid_t *early;
        size_t n_early;
        uint32_t execve_slot; /* native execve, recorded for the command's own exec */
        uint64_t invalid_nrs; /* stops with a number no architecture knows */
        /* PG_TRACE_TRACEPOINT (tracer/kernel_syscalls.c) */
        bool want_tp;                    /* the filter lets every syscall no observer needs run */
        struct pg_sys_tracepoint *systp; /* the kernel's record of the workload's syscalls */
        uint64_t tp_unknown;             /* records of threads the tracer does not know */
};

void pg_tracer_resume(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int sig);
void pg_tracer_notify_spawn(struct pg_tracer *tr, struct pg_tracee *parent, struct pg_tracee *child,
                            bool thread);
void pg_tracer_on_gone(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int status);
void pg_tracer_on_syscall(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, bool seccomp_stop);
void pg_tracer_on_clone(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int event);
void pg_tracer_on_exec(struct pg_tracer *tr, pid_t tid);
void pg_tracer_on_ptrace_stop(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int sig);
void pg_tracer_on_signal(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int sig);
/* tracer/untraced.c: children started with CLONE_UNTRACED are followed all the same */
void pg_tracer_follow_untraced(struct pg_tracee *t, const struct pg_syscall *sc);
void pg_tracer_must_stop_clones(struct pg_syscall_set *set);
/* tracer/kernel_syscalls.c: --tracing tracepoint. The loop drains the kernel's record at every
 * event, and at least this often (a buffer holds ~48,000 syscalls: at ~1 µs each, 48 ms). */
#define PG_TP_TICK_US 2000
/* tracer/kernel_syscalls.c: --tracing tracepoint */
int pg_tracer_tp_prepare(struct pg_tracer *tr, struct pg_syscall_set *ret_all,
                         struct pg_error **err);
int pg_tracer_tp_start(struct pg_tracer *tr, struct pg_error **err);
void pg_tracer_tp_drain(struct pg_tracer *tr);
void pg_tracer_tp_finish(struct pg_tracer *tr);
