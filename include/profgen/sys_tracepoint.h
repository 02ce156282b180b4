/* SPDX-License-Identifier: MIT */
/* The kernel's record of syscalls: the raw_syscalls:sys_enter tracepoint, read with
 * perf_event_open (needs root or CAP_PERFMON and a readable tracefs). It lets a recording see the
 * syscalls its filter let run without a stop: each one leaves a record of its thread and number
 * in a per-CPU buffer, which costs the workload well under a microsecond per syscall, against
 * ~10-60 µs for a ptrace stop on this VM. Attached like the capability record (perf_ring.h): to
 * the command before its exec, inherited by everything it starts. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/error.h"

/* One syscall entry: `id` is the number as the kernel saw it (an i386 number for an int $0x80 or
 * a 32-bit process, the x32 bit set for x32): the record does not say which ABI. */
struct pg_sys_tp_event {
        pid_t tid;
        int64_t id;
};

struct pg_sys_tracepoint;

/* Reads the tracepoint's layout and opens it once on this process, to learn before the command
 * is started whether it can be used: negative errno and the reason in *err when it cannot. That
 * event stays open until pg_sys_tracepoint_start (closing the last event of a tracepoint waits for
 * an RCU grace period; then it is not the last). */
int pg_sys_tracepoint_new(struct pg_sys_tracepoint **ret, struct pg_error **err);
/* Starts recording the syscalls of `pid` (stopped, before its exec) and of all it will start.
 * Nothing wakes the reader: it must drain often enough (every few milliseconds). No
 * wake-up signal on a full quarter either: with O_ASYNC, perf queues a wake-up (and a signal) for
 * every record, which made each syscall ~15 µs slower here. */
int pg_sys_tracepoint_start(struct pg_sys_tracepoint *tp, pid_t pid, struct pg_error **err);
void pg_sys_tracepoint_free(struct pg_sys_tracepoint *tp);

typedef void (*pg_sys_tp_fn)(void *userdata, const struct pg_sys_tp_event *e);
/* Hands every syscall recorded so far to fn, CPU by CPU (so in order for each thread only within
 * one CPU's buffer), and returns how many. Cheap when nothing is pending. A stopped thread's
 * syscalls before its stop are all in the buffers by then. */
size_t pg_sys_tracepoint_drain(struct pg_sys_tracepoint *tp, pg_sys_tp_fn fn, void *userdata);
/* The last drain, once every traced task has exited: it also compares the kernel's count of the
 * event with the records read. Returns how many records the kernel dropped because a buffer was
 * full (syscalls the recording may lack), or UINT64_MAX when the count could not be read. */
uint64_t pg_sys_tracepoint_drain_last(struct pg_sys_tracepoint *tp, pg_sys_tp_fn fn,
                                      void *userdata);

static inline void pg_sys_tracepoint_freep(struct pg_sys_tracepoint **tp)
{
        pg_sys_tracepoint_free(*tp);
}
#define _cleanup_sys_tracepoint_ __attribute__((cleanup(pg_sys_tracepoint_freep)))
