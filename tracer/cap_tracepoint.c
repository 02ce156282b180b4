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
#include "profgen/fileio.h"

#define DATA_PAGES 64 /* per CPU: about 2000 events between two drains */
#define MAX_FRAMES 8  /* kernel frames per event: enough for the "vm enough memory" signature */

static const char *const event_dirs[] = {
    "/sys/kernel/tracing/events/capability/cap_capable",
    "/sys/kernel/debug/tracing/events/capability/cap_capable",
};

/* Where the fields sit in the raw record, from the event's format file. */
struct layout {
        long id;
        int cred, cap, ret; /* offsets; -1 when missing */
};

struct cpu_buf {
        int fd;
        void *map;
};

struct pg_cap_tracepoint {
        struct layout lay;
        struct pg_cap_vm_sig sig;
        size_t n_cpus;
        struct cpu_buf *cpus;
        size_t page, data_size;
        uint64_t lost;
};

static int field_offset(const char *format, const char *decl)
{
        const char *p = strstr(format, decl);
        const char *o = p ? strstr(p, "offset:") : NULL;
        return o ? atoi(o + 7) : -1;
}

static int read_layout(struct layout *ret, struct pg_error **err)
{
        bool denied = false;
        for (size_t i = 0; i < sizeof(event_dirs) / sizeof(event_dirs[0]); i++) {
                char path[128];
                _cleanup_free_ char *id = NULL, *format = NULL;
                snprintf(path, sizeof(path), "%s/id", event_dirs[i]);
                int r = pg_file_read_all(path, &id, NULL, NULL);
                denied |=
                    r == -EACCES || (r < 0 && access(event_dirs[i], F_OK) < 0 && errno == EACCES);
                if (r < 0)
                        continue;
                snprintf(path, sizeof(path), "%s/format", event_dirs[i]);
                if (pg_file_read_all(path, &format, NULL, NULL) < 0)
                        continue;
                ret->id = atol(id);
                ret->cred = field_offset(format, " cred;");
                ret->cap = field_offset(format, "int cap;");
                ret->ret = field_offset(format, "int ret;");
                if (ret->cap < 0 || ret->ret < 0 || ret->cred < 0)
                        return pg_error_set(err, -EPROTO, "cap_capable has an unknown format");
                return 0;
        }
        if (denied)
                return pg_error_set(err, -EACCES,
                                    "tracefs is not readable: the kernel's record of capability "
                                    "checks needs root");
        return pg_error_set(err, -ENOENT,
                            "no capability:cap_capable tracepoint (Linux 6.14+, tracefs mounted "
                            "at /sys/kernel/tracing)");
}

static int perf_open(const struct layout *lay, pid_t pid, int cpu, bool inherit)
{
        struct perf_event_attr a;
        memset(&a, 0, sizeof(a));
        a.size = sizeof(a);
        a.type = PERF_TYPE_TRACEPOINT;
        a.config = (uint64_t)lay->id;
        a.sample_period = 1;
        a.sample_type =
            PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_RAW;
        a.exclude_callchain_user = 1;
        a.sample_max_stack = MAX_FRAMES;
        a.inherit = inherit;
        a.use_clockid = 1;
        a.clockid = CLOCK_MONOTONIC;
        return (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static size_t drain_cpu(struct pg_cap_tracepoint *tp, struct cpu_buf *cb, pg_cap_tp_fn fn,
                        void *ud);

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
        struct pg_cap_tracepoint tp = {.lay = *lay};
        struct cpu_buf cb = {.fd = fd};
        struct chains c = {0};
        tp.page = (size_t)sysconf(_SC_PAGESIZE);
        tp.data_size = tp.page * 2;
        sig->n = 0;
        cb.map = mmap(NULL, tp.page * 3, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (cb.map == MAP_FAILED)
                return;
        void *a = mmap(NULL, tp.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        void *b = mmap(NULL, tp.page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (b != MAP_FAILED)
                mprotect(b, tp.page, PROT_READ | PROT_WRITE);
        if (a != MAP_FAILED)
                munmap(a, tp.page);
        if (b != MAP_FAILED)
                munmap(b, tp.page);
        drain_cpu(&tp, &cb, keep_chain, &c);
        munmap(cb.map, tp.page * 3);
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
        int r = read_layout(&lay, err);
        if (r < 0)
                return r;
        int fd = perf_open(&lay, 0, -1, false);
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

static int open_cpu(struct pg_cap_tracepoint *tp, pid_t pid, int cpu, struct cpu_buf *ret)
{
        int fd = perf_open(&tp->lay, pid, cpu, true);
        if (fd < 0)
                return -errno;
        void *map =
            mmap(NULL, tp->page * (DATA_PAGES + 1), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
                int e = errno;
                close(fd);
                return -e;
        }
        ret->fd = fd;
        ret->map = map;
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
        if (!tp)
                return pg_error_set(err, -ENOMEM, "out of memory");
        if (sig)
                tp->sig = *sig;
        int r = read_layout(&tp->lay, err);
        if (r < 0)
                return r;
        long n = sysconf(_SC_NPROCESSORS_CONF);
        tp->page = (size_t)sysconf(_SC_PAGESIZE);
        tp->data_size = tp->page * DATA_PAGES;
        tp->cpus = calloc(n > 0 ? (size_t)n : 1, sizeof(*tp->cpus));
        if (!tp->cpus)
                return pg_error_set(err, -ENOMEM, "out of memory");
        /* Per-task inherited events cannot share one buffer: one per CPU, as perf record does.
         * An offline CPU has none (and runs nothing). */
        for (long cpu = 0; cpu < n; cpu++) {
                r = open_cpu(tp, pid, (int)cpu, &tp->cpus[tp->n_cpus]);
                if (r == 0)
                        tp->n_cpus++;
                else if (r != -ENODEV && r != -EINVAL)
                        return pg_error_set(err, r, "cap_capable tracepoint on CPU %ld: %s", cpu,
                                            strerror(-r));
        }
        if (tp->n_cpus == 0)
                return pg_error_set(err, -ENODEV, "cap_capable tracepoint: no CPU available");
        *ret = TAKE_PTR(tp);
        return 0;
}

static bool keep_fd(const struct pg_cap_tracepoint *tp, int fd, int also)
{
        if (fd == also)
                return true;
        for (size_t i = 0; i < tp->n_cpus; i++)
                if (tp->cpus[i].fd == fd)
                        return true;
        return false;
}

/* The closer (a grandchild): every descriptor but the events and the read end of `sync` closed
 * one by one (each release runs before the next call). It then waits for EOF on `sync`, which
 * comes once the recorder has dropped its own references, so that its exit is the last release
 * and the grace period is waited for here. */
static _Noreturn void close_in_child(const struct pg_cap_tracepoint *tp, int sync)
{
        int max = sync;
        for (size_t i = 0; i < tp->n_cpus; i++)
                max = tp->cpus[i].fd > max ? tp->cpus[i].fd : max;
        for (int fd = 0; fd < max; fd++)
                if (!keep_fd(tp, fd, sync))
                        close(fd);
        close_range((unsigned)max + 1, ~0u, 0);
        char c;
        while (read(sync, &c, 1) < 0 && errno == EINTR)
                ;
        _exit(0);
}

/* Starts the closer through an intermediate child, reaped at once: it is nobody's child of ours,
 * so no later waitpid(-1) of a trace loop waits for it. Returns the write end of its pipe (to
 * close after our own references), or -1 when there is none (then we wait for the grace
 * period ourselves). */
static int start_closer(const struct pg_cap_tracepoint *tp)
{
        int sync[2];
        if (tp->n_cpus == 0 || pipe2(sync, O_CLOEXEC) < 0)
                return -1;
        pid_t mid = fork();
        if (mid == 0) {
                if (fork() == 0)
                        close_in_child(tp, sync[0]);
                _exit(0);
        }
        close(sync[0]);
        if (mid > 0)
                waitpid(mid, NULL, 0);
        else {
                close(sync[1]);
                return -1;
        }
        return sync[1];
}

void pg_cap_tracepoint_free(struct pg_cap_tracepoint *tp)
{
        if (!tp)
                return;
        int closer = start_closer(tp);
        for (size_t i = 0; i < tp->n_cpus; i++) {
                munmap(tp->cpus[i].map, tp->page * (DATA_PAGES + 1));
                close(tp->cpus[i].fd);
        }
        if (closer >= 0)
                close(closer); /* the closer may go now: it holds the last references */
        free(tp->cpus);
        free(tp);
}

/* PERF_SAMPLE_TID | TIME | CALLCHAIN | RAW: u32 pid, tid; u64 time; u64 nr, ips[nr]; u32 size;
 * u8 raw[size]. The chain is PERF_CONTEXT_KERNEL and then the kernel's frames, innermost first. */
static void parse_sample(const struct pg_cap_tracepoint *tp, const uint8_t *rec, size_t len,
                         pg_cap_tp_fn fn, void *ud)
{
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
        fn(ud, &e);
}

static size_t drain_cpu(struct pg_cap_tracepoint *tp, struct cpu_buf *cb, pg_cap_tp_fn fn, void *ud)
{
        struct perf_event_mmap_page *mp = cb->map;
        const uint8_t *data = (const uint8_t *)cb->map + tp->page;
        uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
        uint64_t tail = mp->data_tail;
        size_t n = 0;
        uint8_t rec[512];
        while (tail < head) {
                struct perf_event_header h;
                size_t off = tail % tp->data_size;
                /* A record may wrap around the end of the buffer: copy it out in two parts. */
                for (size_t i = 0; i < sizeof(h); i++)
                        ((uint8_t *)&h)[i] = data[(off + i) % tp->data_size];
                if (h.size == 0)
                        break;
                size_t len = h.size < sizeof(rec) ? h.size : sizeof(rec);
                for (size_t i = 0; i < len; i++)
                        rec[i] = data[(off + i) % tp->data_size];
                if (h.type == PERF_RECORD_SAMPLE) {
                        parse_sample(tp, rec, len, fn, ud);
                        n++;
                } else if (h.type == PERF_RECORD_LOST && len >= sizeof(h) + 16) {
                        uint64_t lost;
                        memcpy(&lost, rec + sizeof(h) + 8, 8);
                        tp->lost += lost;
                }
                tail += h.size;
        }
        __atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
        return n;
}

size_t pg_cap_tracepoint_drain(struct pg_cap_tracepoint *tp, pg_cap_tp_fn fn, void *ud)
{
        size_t n = 0;
        for (size_t i = 0; i < tp->n_cpus; i++)
                n += drain_cpu(tp, &tp->cpus[i], fn, ud);
        return n;
}

uint64_t pg_cap_tracepoint_lost(const struct pg_cap_tracepoint *tp)
{
        return tp->lost;
}
