// SPDX-License-Identifier: MIT
/* nofollow: what a recorder that does not follow processes with ptrace would cost at least. It
 * runs COMMAND under a filter that allows every syscall, with no tracer: no fork, clone or exec
 * stops. It is the bound for the fork/exec-heavy workload, where `floor --events-only` (any
 * ptrace recorder) already costs more than `profgen record --baseline`'s target.
 *
 *   nofollow [--notify-exec] [--cap-record=chain|nochain] [--] COMMAND [ARG...]
 *
 * --notify-exec: execve and execveat return SECCOMP_RET_USER_NOTIF instead, and nofollow answers
 * each at once with SECCOMP_USER_NOTIF_FLAG_CONTINUE: one notification per exec, the least a
 * recorder that names the programs a workload runs needs without ptrace.
 * --cap-record=chain: also keeps the kernel's capability:cap_capable record of the command and
 * everything it starts, as profgen does as root: one sampling perf event per CPU, inherited, with
 * the kernel call chain (8 frames) that tells the "vm enough memory" probe apart, drained every
 * 2 ms, and closed by a child 100 ms after the command ended (as profgen does: the close waits
 * for an RCU grace period). --cap-record=nochain: the same events without the call chain.
 * Exit status: the command's (128+N when killed by signal N), 125 when nofollow fails.
 * Needs Linux 5.6 (pidfd_getfd) for --notify-exec and root (tracefs) for --cap-record. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_FAIL  125
#define RING_PAGES 64
#define MAX_CPUS   256

struct ring {
        int fd;
        struct perf_event_mmap_page *meta;
};

static struct ring rings[MAX_CPUS];
static int n_rings;
static size_t page_size;
static unsigned long records;

static int die(const char *what)
{
        fprintf(stderr, "nofollow: %s: %s\n", what, strerror(errno));
        return EXIT_FAIL;
}

static long read_tracepoint_id(void)
{
        FILE *f = fopen("/sys/kernel/tracing/events/capability/cap_capable/id", "re");
        long id = -1;
        if (!f)
                return -1;
        if (fscanf(f, "%ld", &id) != 1)
                id = -1;
        fclose(f);
        return id;
}

static int open_rings(pid_t pid, long id, bool chain)
{
        long ncpu = sysconf(_SC_NPROCESSORS_CONF);
        for (int cpu = 0; cpu < ncpu && cpu < MAX_CPUS; cpu++) {
                struct perf_event_attr a;
                memset(&a, 0, sizeof(a));
                a.size = sizeof(a);
                a.type = PERF_TYPE_TRACEPOINT;
                a.config = (uint64_t)id;
                a.sample_period = 1;
                a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
                if (chain)
                        a.sample_type |= PERF_SAMPLE_CALLCHAIN;
                a.exclude_callchain_user = 1;
                a.sample_max_stack = 8;
                a.inherit = 1;
                a.use_clockid = 1;
                a.clockid = CLOCK_MONOTONIC;
                int fd = (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
                if (fd < 0)
                        return -1;
                void *m = mmap(NULL, page_size * (RING_PAGES + 1), PROT_READ | PROT_WRITE,
                               MAP_SHARED, fd, 0);
                if (m == MAP_FAILED)
                        return -1;
                rings[n_rings++] = (struct ring){.fd = fd, .meta = m};
        }
        return 0;
}

/* Counts the records and frees their space: the work a recorder cannot skip. */
static void drain(void)
{
        for (int i = 0; i < n_rings; i++) {
                struct perf_event_mmap_page *m = rings[i].meta;
                uint64_t head = __atomic_load_n(&m->data_head, __ATOMIC_ACQUIRE);
                uint64_t tail = m->data_tail;
                const uint8_t *data = (const uint8_t *)m + page_size;
                while (tail < head) {
                        struct perf_event_header h;
                        size_t off = tail % (page_size * RING_PAGES);
                        memcpy(&h, data + off, sizeof(h)); /* 8-byte aligned: never wraps */
                        if (h.size == 0)
                                break;
                        records += h.type == PERF_RECORD_SAMPLE;
                        tail += h.size;
                }
                __atomic_store_n(&m->data_tail, tail, __ATOMIC_RELEASE);
        }
}

/* x86_64 numbers only, no architecture check: a bound for the x86_64 workloads, not a recorder. */
static int install_filter(bool notify_exec)
{
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, notify_exec ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -1;
        return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                            notify_exec ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &prog);
}

/* Answers every pending notification with CONTINUE; false once no process uses the filter. */
static bool answer(int lfd)
{
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;
        memset(&req, 0, sizeof(req));
        if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return errno == EINTR || errno == ENOENT;
        memset(&resp, 0, sizeof(resp));
        resp.id = req.id;
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
                return false;
        records++;
        return true;
}

static int usage(void)
{
        fprintf(stderr,
                "usage: nofollow [--notify-exec] [--cap-record=chain|nochain] [--] COMMAND\n");
        return 2;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {{"notify-exec", no_argument, NULL, 'n'},
                                             {"cap-record", required_argument, NULL, 'c'},
                                             {NULL, 0, NULL, 0}};
        bool notify_exec = false, cap_record = false, chain = false;
        int c;
        while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
                if (c == 'n') {
                        notify_exec = true;
                } else if (c == 'c' && strcmp(optarg, "chain") == 0) {
                        cap_record = chain = true;
                } else if (c == 'c' && strcmp(optarg, "nochain") == 0) {
                        cap_record = true;
                } else {
                        return usage();
                }
        }
        if (optind >= argc)
                return usage();
        page_size = (size_t)sysconf(_SC_PAGESIZE);
        long id = cap_record ? read_tracepoint_id() : 0;
        if (id < 0)
                return die("reading the cap_capable tracepoint's id (root, tracefs)");

        sigset_t chld;
        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        sigprocmask(SIG_BLOCK, &chld, NULL);
        int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return die("signalfd");
        int go[2], back[2];
        if (pipe2(go, O_CLOEXEC) < 0 || pipe2(back, O_CLOEXEC) < 0)
                return die("pipe");
        pid_t pid = fork();
        if (pid < 0)
                return die("fork");
        if (pid == 0) {
                sigprocmask(SIG_UNBLOCK, &chld, NULL);
                int lfd = install_filter(notify_exec);
                char ok;
                if (lfd < 0 || write(back[1], &lfd, sizeof(lfd)) != sizeof(lfd) ||
                    read(go[0], &ok, 1) != 1)
                        _exit(EXIT_FAIL);
                if (notify_exec)
                        close(lfd);
                execvp(argv[optind], argv + optind);
                int e = errno;
                fprintf(stderr, "nofollow: %s: %s\n", argv[optind], strerror(e));
                _exit(e == ENOENT ? 127 : 126);
        }
        int child_lfd = -1, lfd = -1;
        if (read(back[0], &child_lfd, sizeof(child_lfd)) != sizeof(child_lfd))
                return die("installing the filter");
        if (notify_exec) {
                int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
                lfd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, child_lfd, 0);
                if (lfd < 0)
                        return die("taking the listener (pidfd_getfd)");
                close(pidfd);
        }
        if (cap_record && open_rings(pid, id, chain) < 0)
                return die("perf_event_open of capability:cap_capable");
        if (write(go[1], "x", 1) != 1)
                return die("starting the command");

        int status = 0;
        for (;;) {
                /* the listener, and SIGCHLD so that the command's exit ends the wait at once */
                struct pollfd pf[2] = {{.fd = sfd, .events = POLLIN},
                                       {.fd = lfd, .events = POLLIN}};
                int r = poll(pf, lfd >= 0 ? 2 : 1, cap_record ? 2 : -1);
                if (r < 0 && errno != EINTR)
                        return die("poll");
                if (r > 0 && (pf[1].revents & POLLIN) && !answer(lfd))
                        return die("answering a notification");
                if (r > 0 && (pf[1].revents & (POLLHUP | POLLERR)) && !(pf[1].revents & POLLIN))
                        lfd = -1; /* no process uses the filter any more */
                if (r > 0 && (pf[0].revents & POLLIN)) {
                        struct signalfd_siginfo si;
                        if (read(sfd, &si, sizeof(si)) < 0 && errno != EAGAIN)
                                return die("signalfd");
                }
                drain();
                pid_t w = waitpid(pid, &status, WNOHANG);
                if (w == pid)
                        break;
                if (w < 0 && errno != EINTR)
                        return die("waitpid");
        }
        drain();
        /* Closing the last event of a tracepoint waits for an RCU grace period (~45 ms here):
         * like profgen, leave the close to a child so that it is not timed as the command's. */
        if (cap_record && fork() == 0) {
                usleep(100 * 1000);
                _exit(0);
        }
        if (getenv("NOFOLLOW_VERBOSE"))
                fprintf(stderr, "nofollow: %lu records or notifications\n", records);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
