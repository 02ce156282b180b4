/* SPDX-License-Identifier: MIT */
/* A tracepoint read through perf_event_open: one event per CPU, attached to a stopped command
 * before its exec and inherited by every process and thread it starts, each with a ring buffer
 * that is read without a syscall. Shared by the kernel's record of capability checks
 * (cap_tracepoint.h) and of syscalls (sys_tracepoint.h). Closing the last event of a tracepoint
 * waits for an RCU grace period (~45 ms measured here), holding the kernel's event_mutex, which a
 * recording starting meanwhile needs: a short-lived child takes the close over, and keeps the
 * events 100 ms first, so that a recording started right after registers its own events before
 * the close and neither waits (back-to-back `/bin/true` recordings: 91 → 10 ms). */
#pragma once

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/error.h"

struct pg_perf_cpu {
        int fd;
        void *map;
};

struct pg_perf_rings {
        struct pg_perf_cpu *cpus;
        size_t n_cpus;
        size_t page, data_pages, data_size;
        uint64_t lost;    /* records the kernel said it dropped (PERF_RECORD_LOST) */
        uint64_t samples; /* records read */
};

/* The tracepoint's id and its `format` file, from the first of `dirs` (NULL-terminated event
 * directories under tracefs) that can be read; -EACCES when tracefs is there but not readable,
 * -ENOENT when no directory has the event. No message: the callers know what the event is for. */
int pg_perf_tracepoint_read(const char *const *dirs, long *ret_id, char **ret_format);
/* Offset of the field declared as `decl` (e.g. "long id;") in a format file, or -1. */
int pg_perf_field_offset(const char *format, const char *decl);

/* Opens `attr` (inherit is set) on pid for every online CPU, with data_pages of buffer each.
 * `what` names the event in an error message. */
int pg_perf_rings_open(struct pg_perf_rings *r, struct perf_event_attr *attr, pid_t pid,
                       size_t data_pages, const char *what, struct pg_error **err);

typedef void (*pg_perf_record_fn)(void *userdata, const uint8_t *rec, size_t len);
/* Hands every PERF_RECORD_SAMPLE of one buffer to fn (the record copied out, at most 512 bytes,
 * header included) and counts PERF_RECORD_LOST; returns how many samples. */
size_t pg_perf_cpu_drain(struct pg_perf_rings *r, struct pg_perf_cpu *c, pg_perf_record_fn fn,
                         void *userdata);
/* The same for every CPU's buffer, one after the other. */
size_t pg_perf_rings_drain(struct pg_perf_rings *r, pg_perf_record_fn fn, void *userdata);
/* The events counted so far, over every CPU and every task the events were inherited by (the
 * kernel sums an exited task's count into its parent's event). A record dropped because a buffer
 * was full is counted all the same; the kernel writes PERF_RECORD_LOST only when a later record
 * finds room, which never happens for losses at the end. */
int pg_perf_rings_count(const struct pg_perf_rings *r, uint64_t *ret);
/* Unmaps and closes everything; a child closes last, so that this does not wait. */
void pg_perf_rings_close(struct pg_perf_rings *r);
