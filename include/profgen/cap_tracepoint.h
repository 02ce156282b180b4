/* SPDX-License-Identifier: MIT */
/* The kernel's own record of capability checks: the capability:cap_capable tracepoint (Linux
 * 6.14+), read with perf_event_open. One event per CPU, attached to the command before it execs
 * and inherited by every process and thread it starts, so only the workload's checks arrive, with
 * nanosecond timestamps and the raw credentials pointer. Nothing is left behind: unlike a tracefs
 * instance, perf events vanish with their file descriptors, even when profgen is killed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/error.h"

/* One check: `cred` is the credentials the kernel checked (a kernel address, compared only for
 * identity), `ret` 0 when the capability was granted. */
struct pg_cap_tp_event {
        pid_t pid, tid;
        uint64_t time; /* CLOCK_MONOTONIC, ns */
        uint64_t cred;
        int cap;
        int ret;
        /* The kernel's "vm enough memory" probe (CAP_SYS_ADMIN, asked for overcommit accounting
         * only), recognised by its kernel call chain whatever made it: a syscall, or a page
         * fault that grew the stack (then the thread's last syscall is innocent). */
        bool vm_probe;
        const uint64_t *kips; /* the kernel call chain, innermost first: valid in the callback */
        size_t n_kips;
};

/* How the "vm enough memory" probe's kernel call chain starts on this kernel: learned by the
 * probe (pg_cap_tracepoint_probe), which makes that check twice through different syscalls and
 * keeps the frames both share. n == 0 when it could not be learned: then no event is marked. */
#define PG_CAP_VM_SIG_MAX 6
struct pg_cap_vm_sig {
        size_t n;
        uint64_t ip[PG_CAP_VM_SIG_MAX];
};

struct pg_cap_tracepoint;

/* 0 when this process can read the tracepoint; else negative errno and the reason in *err.
 * With ret_fd the probe's event stays open there: closing the last event on the tracepoint waits
 * for an RCU grace period (~45 ms measured here), so it is closed once the recording's own events
 * are open, and costs nothing then. */
int pg_cap_tracepoint_probe(int *ret_fd, struct pg_cap_vm_sig *ret_sig, struct pg_error **err);
/* Starts recording the checks of `pid` (stopped, before its exec) and of all it will start; `sig`
 * (may be NULL) marks the "vm enough memory" probes. */
int pg_cap_tracepoint_open(pid_t pid, const struct pg_cap_vm_sig *sig,
                           struct pg_cap_tracepoint **ret, struct pg_error **err);
/* Closes the events. The last close waits for that grace period, so a short-lived child takes
 * it over (it holds no other descriptor of ours, so no pipe waits for it): the recorder goes on
 * to write its files at once. */
void pg_cap_tracepoint_free(struct pg_cap_tracepoint *tp);

typedef void (*pg_cap_tp_fn)(void *userdata, const struct pg_cap_tp_event *e);
/* Hands every event recorded so far to fn and returns how many. Cheap when nothing is pending
 * (one read of shared memory per CPU), so it can run at every syscall stop: an event of a stopped
 * thread is always in the buffer by then. */
size_t pg_cap_tracepoint_drain(struct pg_cap_tracepoint *tp, pg_cap_tp_fn fn, void *userdata);
/* Events the kernel dropped because a buffer was full. */
uint64_t pg_cap_tracepoint_lost(const struct pg_cap_tracepoint *tp);
