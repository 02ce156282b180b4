// SPDX-License-Identifier: MIT
/* capability:cap_capable through perf_event_open: per-CPU ring buffers, read without a syscall. */
#include "profgen/cap_tracepoint.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/perf_ring.h"

#define DATA_PAGES 64 /* per CPU: about 2000 events between two drains */
#define MAX_FRAMES 8  /* kernel frames per event: enough for the "vm enough memory" signature */

static const char *const event_dirs[] = {
    "/sys/kernel/tracing/events/capability/cap_capable",
    "/sys/kernel/debug/tracing/events/capability/cap_capable",
    NULL,
};

/* Where the fields sit in the raw record, from the event's format file. */
struct layout {
        long id;
        int cred, cap, ret; /* offsets; -1 when missing */
};

struct pg_cap_tracepoint {
        struct layout lay;
        struct pg_cap_vm_sig sig;
        struct pg_perf_rings rings;
        pg_cap_tp_fn fn;
        void *ud;
};

static int read_layout(struct layout *ret, struct pg_error **err)
{
        _cleanup_free_ char *format = NULL;
        int r = pg_perf_tracepoint_read(event_dirs, &ret->id, &format);
        if (r == -EACCES)
                return pg_error_set(err, -EACCES,
                                    "tracefs is not readable: the kernel's record of capability "
                                    "checks needs root");
        if (r < 0)
                return pg_error_set(err, -ENOENT,
                                    "no capability:cap_capable tracepoint (Linux 6.14+, tracefs "
                                    "mounted at /sys/kernel/tracing)");
        ret->cred = pg_perf_field_offset(format, " cred;");
        ret->cap = pg_perf_field_offset(format, "int cap;");
        ret->ret = pg_perf_field_offset(format, "int ret;");
        if (ret->cap < 0 || ret->ret < 0 || ret->cred < 0)
                return pg_error_set(err, -EPROTO, "cap_capable has an unknown format");
        return 0;
}

static void set_attr(const struct layout *lay, struct perf_event_attr *a)
{
        memset(a, 0, sizeof(*a));
        a->size = sizeof(*a);
        a->type = PERF_TYPE_TRACEPOINT;
        a->config = (uint64_t)lay->id;
        a->sample_period = 1;
        a->sample_type =
            PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_RAW;
        a->exclude_callchain_user = 1;
        a->sample_max_stack = MAX_FRAMES;
        a->use_clockid = 1;
        a->clockid = CLOCK_MONOTONIC;
}

static void parse_sample(void *ud, const uint8_t *rec, size_t len);

struct chains {
        size_t n; /* CAP_SYS_ADMIN checks seen */
        uint64_t ip[2][MAX_FRAMES + 1];
        size_t len[2];
};

/* Keeps the chains of the first two CAP_SYS_ADMIN checks and counts them all. */
static void keep_chain(void *ud, const struct pg_cap_tp_event *e)
{
        struct chains *c = ud;
        if (e->cap != CAP_SYS_ADMIN)
                return;
        if (c->n < 2) {
                memcpy(c->ip[c->n], e->kips, e->n_kips * sizeof(e->kips[0]));
                c->len[c->n] = e->n_kips;
        }
        c->n++;
}

/* Makes the "vm enough memory" check twice, through mmap (a private writable mapping is charged)
 * and mprotect (a private read-only mapping made writable is charged then), and keeps the frames
 * the two kernel call chains share. At least two frames, and the chains must part below them:
 * the shared frames are then the check and its caller, the accounting hook, and nothing from a
 * syscall. Exactly two SYS_ADMIN checks must arrive, so that no other check of ours (whose chain
 * could share frames with an ordinary capable() call) is taken for the probe; anything else and
 * no signature is learned (no event is marked). */
static void learn_vm_sig(const struct layout *lay, int fd, struct pg_cap_vm_sig *sig)
{
        struct pg_perf_cpu one = {.fd = fd};
        struct pg_cap_tracepoint tp = {.lay = *lay, .fn = keep_chain};
        struct chains c = {0};
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        tp.ud = &c;
        tp.rings.page = page;
        tp.rings.data_pages = 2;
        tp.rings.data_size = page * 2;
        sig->n = 0;
        one.map = mmap(NULL, page * 3, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (one.map == MAP_FAILED)
                return;
        void *a = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        void *b = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (b != MAP_FAILED)
                mprotect(b, page, PROT_READ | PROT_WRITE);
        if (a != MAP_FAILED)
                munmap(a, page);
        if (b != MAP_FAILED)
                munmap(b, page);
        pg_perf_cpu_drain(&tp.rings, &one, parse_sample, &tp);
        munmap(one.map, page * 3);
        if (c.n != 2)
                return;
        size_t k = 0;
        while (k < c.len[0] && k < c.len[1] && c.ip[0][k] == c.ip[1][k])
                k++;
        if (k < 2 || k == c.len[0] || k == c.len[1])
                return;
        sig->n = k < PG_CAP_VM_SIG_MAX ? k : PG_CAP_VM_SIG_MAX;
        memcpy(sig->ip, c.ip[0], sig->n * sizeof(sig->ip[0]));
}

int pg_cap_tracepoint_probe(int *ret_fd, struct pg_cap_vm_sig *ret_sig, struct pg_error **err)
{
        struct layout lay;
        struct perf_event_attr a;
        int r = read_layout(&lay, err);
        if (r < 0)
                return r;
        set_attr(&lay, &a);
        int fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0)
                return pg_error_set(err, -errno,
                                    "cannot read the cap_capable tracepoint: %s (needs root or "
                                    "CAP_PERFMON)",
                                    strerror(errno));
        if (ret_sig)
                learn_vm_sig(&lay, fd, ret_sig);
        if (ret_fd)
                *ret_fd = fd;
        else
                close(fd);
        return 0;
}

static void tp_freep(struct pg_cap_tracepoint **tp)
{
        pg_cap_tracepoint_free(*tp);
}

int pg_cap_tracepoint_open(pid_t pid, const struct pg_cap_vm_sig *sig,
                           struct pg_cap_tracepoint **ret, struct pg_error **err)
{
        _cleanup_(tp_freep) struct pg_cap_tracepoint *tp = calloc(1, sizeof(*tp));
        struct perf_event_attr a;
        if (!tp)
                return pg_error_set(err, -ENOMEM, "out of memory");
        if (sig)
                tp->sig = *sig;
        int r = read_layout(&tp->lay, err);
        if (r < 0)
                return r;
        set_attr(&tp->lay, &a);
        r = pg_perf_rings_open(&tp->rings, &a, pid, DATA_PAGES, "cap_capable tracepoint", err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(tp);
        return 0;
}

void pg_cap_tracepoint_free(struct pg_cap_tracepoint *tp)
{
        if (!tp)
                return;
        pg_perf_rings_close(&tp->rings);
        free(tp);
}

/* PERF_SAMPLE_TID | TIME | CALLCHAIN | RAW: u32 pid, tid; u64 time; u64 nr, ips[nr]; u32 size;
 * u8 raw[size]. The chain is PERF_CONTEXT_KERNEL and then the kernel's frames, innermost first. */
static void parse_sample(void *ud, const uint8_t *rec, size_t len)
{
        const struct pg_cap_tracepoint *tp = ud;
        const uint8_t *p = rec + sizeof(struct perf_event_header);
        const uint8_t *end = rec + len;
        struct pg_cap_tp_event e = {0};
        uint32_t ids[2], raw_size;
        uint64_t nr, ips[MAX_FRAMES + 1];
        if (end - p < 24)
                return;
        memcpy(ids, p, 8);
        memcpy(&e.time, p + 8, 8);
        memcpy(&nr, p + 16, 8);
        p += 24;
        if (nr > (uint64_t)(end - p) / 8 || (uint64_t)(end - p) - nr * 8 < 4)
                return;
        size_t n_kips = 0;
        for (uint64_t i = 0; i < nr; i++) {
                uint64_t ip;
                memcpy(&ip, p + i * 8, 8);
                if (ip >= (uint64_t)PERF_CONTEXT_MAX) {
                        if (ip != (uint64_t)PERF_CONTEXT_KERNEL)
                                break;
                } else if (n_kips < sizeof(ips) / sizeof(ips[0])) {
                        ips[n_kips++] = ip;
                }
        }
        p += nr * 8;
        memcpy(&raw_size, p, 4);
        const uint8_t *raw = p + 4;
        if ((size_t)(end - raw) < raw_size || (size_t)tp->lay.ret + 4 > raw_size ||
            (size_t)tp->lay.cap + 4 > raw_size || (size_t)tp->lay.cred + 8 > raw_size)
                return;
        e.pid = (pid_t)ids[0];
        e.tid = (pid_t)ids[1];
        memcpy(&e.cred, raw + tp->lay.cred, 8);
        memcpy(&e.cap, raw + tp->lay.cap, 4);
        memcpy(&e.ret, raw + tp->lay.ret, 4);
        e.kips = ips;
        e.n_kips = n_kips;
        e.vm_probe = e.cap == CAP_SYS_ADMIN && tp->sig.n > 0 && n_kips >= tp->sig.n &&
                     memcmp(ips, tp->sig.ip, tp->sig.n * sizeof(ips[0])) == 0;
        tp->fn(tp->ud, &e);
}

size_t pg_cap_tracepoint_drain(struct pg_cap_tracepoint *tp, pg_cap_tp_fn fn, void *ud)
{
        tp->fn = fn;
        tp->ud = ud;
        return pg_perf_rings_drain(&tp->rings, parse_sample, tp);
}

uint64_t pg_cap_tracepoint_lost(const struct pg_cap_tracepoint *tp)
{
        return tp->rings.lost;
}
