// SPDX-License-Identifier: MIT
/* raw_syscalls:sys_enter through perf_event_open (include/profgen/sys_tracepoint.h). */
#include "profgen/sys_tracepoint.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/perf_ring.h"

/* 8 MiB in all, split over the CPUs (at least 256 KiB, at most 4 MiB each): a record is 88 bytes
 * (header, pid/tid, raw size, the tracepoint's 64), so 4 MiB holds ~48,000 syscalls. */
#define TOTAL_PAGES 2048
#define MIN_PAGES   64
#define MAX_PAGES   1024

static const char *const event_dirs[] = {
    "/sys/kernel/tracing/events/raw_syscalls/sys_enter",
    "/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter",
    NULL,
};

struct pg_sys_tracepoint {
        long event_id;
        int id_off;   /* offset of `long id` in the raw record */
        int probe_fd; /* the event on this process, until the recording's are open */
        struct pg_perf_rings rings;
        pg_sys_tp_fn fn;
        void *ud;
};

static int read_layout(long *ret_id, int *ret_off, struct pg_error **err)
{
        _cleanup_free_ char *format = NULL;
        int r = pg_perf_tracepoint_read(event_dirs, ret_id, &format);
        if (r == -EACCES)
                return pg_error_set(err, -EACCES,
                                    "tracefs is not readable: the kernel's record of syscalls "
                                    "needs root");
        if (r < 0)
                return pg_error_set(err, -ENOENT,
                                    "no raw_syscalls:sys_enter tracepoint (tracefs mounted at "
                                    "/sys/kernel/tracing)");
        *ret_off = pg_perf_field_offset(format, "long id;");
        if (*ret_off < 0)
                return pg_error_set(err, -EPROTO, "raw_syscalls:sys_enter has an unknown format");
        return 0;
}

static void set_attr(long event_id, struct perf_event_attr *a)
{
        memset(a, 0, sizeof(*a));
        a->size = sizeof(*a);
        a->type = PERF_TYPE_TRACEPOINT;
        a->config = (uint64_t)event_id;
        a->sample_period = 1;
        a->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_RAW;
}

/* A power of two (perf wants one) near TOTAL_PAGES / CPUs, within [MIN_PAGES, MAX_PAGES]. */
static size_t data_pages(void)
{
        long n = sysconf(_SC_NPROCESSORS_CONF);
        size_t want = TOTAL_PAGES / (size_t)(n > 0 ? n : 1), p = MIN_PAGES;
        while (p * 2 <= want && p < MAX_PAGES)
                p *= 2;
        return p;
}

int pg_sys_tracepoint_new(struct pg_sys_tracepoint **ret, struct pg_error **err)
{
        _cleanup_sys_tracepoint_ struct pg_sys_tracepoint *tp = calloc(1, sizeof(*tp));
        struct perf_event_attr a;
        if (!tp)
                return pg_error_set(err, -ENOMEM, "out of memory");
        tp->probe_fd = -1;
        int r = read_layout(&tp->event_id, &tp->id_off, err);
        if (r < 0)
                return r;
        set_attr(tp->event_id, &a);
        tp->probe_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
        if (tp->probe_fd < 0)
                return pg_error_set(err, -errno,
                                    "cannot read the raw_syscalls:sys_enter tracepoint: %s "
                                    "(needs root or CAP_PERFMON)",
                                    strerror(errno));
        *ret = TAKE_PTR(tp);
        return 0;
}

static void close_probe(struct pg_sys_tracepoint *tp)
{
        if (tp->probe_fd >= 0)
                close(tp->probe_fd);
        tp->probe_fd = -1;
}

int pg_sys_tracepoint_start(struct pg_sys_tracepoint *tp, pid_t pid, struct pg_error **err)
{
        struct perf_event_attr a;
        int r;
        set_attr(tp->event_id, &a);
        /* Without CAP_IPC_LOCK (CAP_PERFMON only) the buffers count against perf_event_mlock_kb:
         * smaller ones then, drained as often. */
        for (size_t pages = data_pages();; pages /= 2) {
                _cleanup_error_ struct pg_error *perr = NULL;
                r = pg_perf_rings_open(&tp->rings, &a, pid, pages, "raw_syscalls:sys_enter", &perr);
                if (r == 0)
                        break;
                pg_perf_rings_close(&tp->rings);
                if (r != -EPERM || pages / 2 < MIN_PAGES) {
                        close_probe(tp);
                        return pg_error_set(err, r, "%s", perr ? perr->message : strerror(-r));
                }
        }
        close_probe(tp); /* not the last event on the tracepoint now: cheap */
        return 0;
}

void pg_sys_tracepoint_free(struct pg_sys_tracepoint *tp)
{
        if (!tp)
                return;
        close_probe(tp);
        pg_perf_rings_close(&tp->rings);
        free(tp);
}

/* PERF_SAMPLE_TID | RAW: u32 pid, tid; u32 size; u8 raw[size]. */
static void parse_sample(void *ud, const uint8_t *rec, size_t len)
{
        const struct pg_sys_tracepoint *tp = ud;
        const uint8_t *p = rec + sizeof(struct perf_event_header);
        uint32_t ids[2], raw_size;
        struct pg_sys_tp_event e;
        if (len < sizeof(struct perf_event_header) + 12)
                return;
        memcpy(ids, p, 8);
        memcpy(&raw_size, p + 8, 4);
        if (raw_size > len - sizeof(struct perf_event_header) - 12 ||
            (size_t)tp->id_off + 8 > raw_size)
                return;
        e.tid = (pid_t)ids[1];
        memcpy(&e.id, p + 12 + tp->id_off, 8);
        tp->fn(tp->ud, &e);
}

size_t pg_sys_tracepoint_drain(struct pg_sys_tracepoint *tp, pg_sys_tp_fn fn, void *userdata)
{
        tp->fn = fn;
        tp->ud = userdata;
        return pg_perf_rings_drain(&tp->rings, parse_sample, tp);
}

uint64_t pg_sys_tracepoint_drain_last(struct pg_sys_tracepoint *tp, pg_sys_tp_fn fn, void *userdata)
{
        uint64_t hits = 0;
        /* Counted before the drain: whatever a task left behind adds later only to the records. */
        int r = pg_perf_rings_count(&tp->rings, &hits);
        pg_sys_tracepoint_drain(tp, fn, userdata);
        if (r < 0)
                return UINT64_MAX;
        uint64_t missing = hits > tp->rings.samples ? hits - tp->rings.samples : 0;
        return missing > tp->rings.lost ? missing : tp->rings.lost;
}
