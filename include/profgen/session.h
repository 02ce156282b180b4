/* SPDX-License-Identifier: MIT */
/* A recording session: the tracer with its observers (recorder, and the capability watcher and
 * unwinder where enabled) wired together, run over a command. Used by record, check and verify. */
#pragma once

#include <stdbool.h>

#include "profgen/capwatch.h"
#include "profgen/error.h"
#include "profgen/recording.h"
#include "profgen/tracer.h"
#include "profgen/unwind.h"

struct pg_session_opts {
        enum pg_trace_mode mode;
        /* Syscalls that need no stop (from a committed profile: --baseline); NULL for none. */
        const struct pg_syscall_set *baseline;
        bool pin_cpu;
        unsigned poll_us; /* see pg_tracer_opts (default PG_TRACER_DEFAULT_POLL_US) */
        /* Call stacks (tracer/unwind.c): frames per stack, 0 for none (default
         * PG_UNWIND_DEFAULT_DEPTH); stack_samples more per syscall beyond the first. */
        unsigned stack_depth;
        unsigned stack_samples;
        struct pg_unwind_stats *stack_stats; /* when not NULL: what the unwinder did */
        /* Where capability needs come from (default: inference, plus the kernel's record). */
        enum pg_caps_source caps_source;
};

void pg_session_opts_init(struct pg_session_opts *o);

/* Runs argv under the tracer and returns what it recorded, whatever the command's fate (a workload
 * that was killed still yields its recording). *ret_status: see pg_tracer_run. */
int pg_session_record(char *const *argv, const struct pg_session_opts *opts,
                      struct pg_recording **ret_rec, int *ret_status, struct pg_error **err);
