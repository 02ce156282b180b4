// SPDX-License-Identifier: MIT
/* Per-CPU perf ring buffers of an inherited tracepoint event (include/profgen/perf_ring.h). */
#include "profgen/perf_ring.h"

#include <errno.h>
#include <fcntl.h>
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

int pg_perf_tracepoint_read(const char *const *dirs, long *ret_id, char **ret_format)
{
        bool denied = false;
        for (size_t i = 0; dirs[i]; i++) {
                char path[160];
                _cleanup_free_ char *id = NULL, *format = NULL;
                snprintf(path, sizeof(path), "%s/id", dirs[i]);
                int r = pg_file_read_all(path, &id, NULL, NULL);
                denied |= r == -EACCES || (r < 0 && access(dirs[i], F_OK) < 0 && errno == EACCES);
                if (r < 0)
                        continue;
                snprintf(path, sizeof(path), "%s/format", dirs[i]);
                if (pg_file_read_all(path, &format, NULL, NULL) < 0)
                        continue;
                *ret_id = atol(id);
                *ret_format = TAKE_PTR(format);
                return 0;
        }
        return denied ? -EACCES : -ENOENT;
}

int pg_perf_field_offset(const char *format, const char *decl)
{
        const char *p = strstr(format, decl);
        const char *o = p ? strstr(p, "offset:") : NULL;
        return o ? atoi(o + 7) : -1;
}

static int open_cpu(struct pg_perf_rings *r, struct perf_event_attr *attr, pid_t pid, int cpu,
                    struct pg_perf_cpu *ret)
{
        int fd = (int)syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0)
                return -errno;
        void *map =
            mmap(NULL, r->page * (r->data_pages + 1), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
                int e = errno;
                close(fd);
                return -e;
        }
        ret->fd = fd;
        ret->map = map;
        return 0;
}

int pg_perf_rings_open(struct pg_perf_rings *r, struct perf_event_attr *attr, pid_t pid,
                       size_t data_pages, const char *what, struct pg_error **err)
{
        long n = sysconf(_SC_NPROCESSORS_CONF);
        memset(r, 0, sizeof(*r));
        r->page = (size_t)sysconf(_SC_PAGESIZE);
        r->data_pages = data_pages;
        r->data_size = r->page * data_pages;
        r->cpus = calloc(n > 0 ? (size_t)n : 1, sizeof(*r->cpus));
        if (!r->cpus)
                return pg_error_set(err, -ENOMEM, "out of memory");
        attr->inherit = 1;
        /* Per-task inherited events cannot share one buffer: one per CPU, as perf record does.
         * An offline CPU has none (and runs nothing). */
        for (long cpu = 0; cpu < n; cpu++) {
                int e = open_cpu(r, attr, pid, (int)cpu, &r->cpus[r->n_cpus]);
                if (e == 0)
                        r->n_cpus++;
                else if (e != -ENODEV && e != -EINVAL)
                        return pg_error_set(err, e, "%s on CPU %ld: %s", what, cpu, strerror(-e));
        }
        if (r->n_cpus == 0)
                return pg_error_set(err, -ENODEV, "%s: no CPU available", what);
        return 0;
}

size_t pg_perf_cpu_drain(struct pg_perf_rings *r, struct pg_perf_cpu *c, pg_perf_record_fn fn,
                         void *userdata)
{
        struct perf_event_mmap_page *mp = c->map;
        const uint8_t *data = (const uint8_t *)c->map + r->page;
        uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
        uint64_t tail = mp->data_tail;
        size_t n = 0;
        uint8_t rec[512];
        while (tail < head) {
                /* Records are 8-byte aligned and the buffer is whole pages: a header never wraps,
                 * but the rest of a record may: then it is copied out in two parts. */
                struct perf_event_header h;
                size_t off = tail % r->data_size;
                const uint8_t *p = data + off;
                memcpy(&h, p, sizeof(h));
                if (h.size == 0)
                        break;
                size_t len = h.size < sizeof(rec) ? h.size : sizeof(rec);
                if (off + len > r->data_size) {
                        size_t first = r->data_size - off;
                        memcpy(rec, p, first);
                        memcpy(rec + first, data, len - first);
                        p = rec;
                }
                if (h.type == PERF_RECORD_SAMPLE) {
                        fn(userdata, p, len);
                        n++;
                } else if (h.type == PERF_RECORD_LOST && len >= sizeof(h) + 16) {
                        uint64_t lost;
                        memcpy(&lost, p + sizeof(h) + 8, 8);
                        r->lost += lost;
                }
                tail += h.size;
        }
        __atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
        r->samples += n;
        return n;
}

size_t pg_perf_rings_drain(struct pg_perf_rings *r, pg_perf_record_fn fn, void *userdata)
{
        size_t n = 0;
        for (size_t i = 0; i < r->n_cpus; i++)
                n += pg_perf_cpu_drain(r, &r->cpus[i], fn, userdata);
        return n;
}

int pg_perf_rings_count(const struct pg_perf_rings *r, uint64_t *ret)
{
        uint64_t sum = 0;
        for (size_t i = 0; i < r->n_cpus; i++) {
                uint64_t v;
                if (read(r->cpus[i].fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
                        return -errno;
                sum += v;
        }
        *ret = sum;
        return 0;
}

/* How long the closer keeps the events after the recorder has gone: a recording started meanwhile
 * registers its own events on the tracepoint while it is still registered, and neither start nor
 * close then waits for a grace period. Back-to-back recordings chain this way. */
#define PG_PERF_LINGER_MS 100

static bool keep_fd(const struct pg_perf_rings *r, int fd, int also)
{
        if (fd == also)
                return true;
        for (size_t i = 0; i < r->n_cpus; i++)
                if (r->cpus[i].fd == fd)
                        return true;
        return false;
}

/* The closer (a grandchild): every descriptor but the events and the read end of `sync` closed
 * one by one (each release runs before the next call). It then waits for EOF on `sync`, which
 * comes once the recorder has dropped its own references, so that its exit is the last release
 * and the grace period is waited for here. */
static _Noreturn void close_in_child(const struct pg_perf_rings *r, int sync)
{
        int max = sync;
        for (size_t i = 0; i < r->n_cpus; i++)
                max = r->cpus[i].fd > max ? r->cpus[i].fd : max;
        for (int fd = 0; fd < max; fd++)
                if (!keep_fd(r, fd, sync))
                        close(fd);
        close_range((unsigned)max + 1, ~0u, 0);
        char c;
        while (read(sync, &c, 1) < 0 && errno == EINTR)
                ;
        struct timespec linger = {.tv_sec = 0, .tv_nsec = PG_PERF_LINGER_MS * 1000000L};
        while (nanosleep(&linger, &linger) < 0 && errno == EINTR)
                ;
        _exit(0);
}

/* Starts the closer through an intermediate child, reaped at once: it is nobody's child of ours,
 * so no later waitpid(-1) of a trace loop waits for it. Returns the write end of its pipe (to
 * close after our own references), or -1 when there is none (then we wait for the grace
 * period ourselves). */
static int start_closer(const struct pg_perf_rings *r)
{
        int sync[2];
        if (r->n_cpus == 0 || pipe2(sync, O_CLOEXEC) < 0)
                return -1;
        pid_t mid = fork();
        if (mid == 0) {
                if (fork() == 0)
                        close_in_child(r, sync[0]);
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

void pg_perf_rings_close(struct pg_perf_rings *r)
{
        if (!r->cpus)
                return;
        int closer = start_closer(r);
        for (size_t i = 0; i < r->n_cpus; i++) {
                munmap(r->cpus[i].map, r->page * (r->data_pages + 1));
                close(r->cpus[i].fd);
        }
        if (closer >= 0)
                close(closer); /* the closer may go now: it holds the last references */
        free(r->cpus);
        memset(r, 0, sizeof(*r));
}
