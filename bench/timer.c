// SPDX-License-Identifier: MIT
/* timer: runs one command and reports its wall time and the peak RSS of that process alone.
 *
 *   timer [-o FILE] [-t SECONDS] [--rss] [--] COMMAND [ARG...]
 *
 * Prints one line of key=value pairs (to FILE, else stdout):
 *   wall_s      monotonic time from just before fork to the moment the command became a zombie
 *   status      the command's status in the shell convention (128+N for signal N), or "timeout"
 *   user_s sys_s  CPU time of the command and everything it waited for (wait4 rusage)
 *   tree_maxrss_kb  ru_maxrss from wait4: the largest RSS of the command OR of any descendant
 *                   it reaped, whichever is larger (see below why this is not the tracer's RSS)
 *   self_hwm_kb     the command's own peak RSS (VmHWM), measured at its exit; -1 when unavailable
 *
 * Why the tracer's own RSS needs more than getrusage: the kernel folds every reaped child's peak
 * into the parent's signal->cmaxrss, and wait4 reports max(own peak, cmaxrss). A tracer is the
 * parent (or ancestor, through the workload's own reaping) of every workload process, so wait4,
 * RUSAGE_CHILDREN and /usr/bin/time %M all report the largest process of the whole tree: the
 * compiler, not profgen. /proc/PID/status VmHWM is the process's own, but it disappears when the
 * process releases its memory on exit, before any parent can look, and sampling it misses the end.
 *
 * --rss uses the kernel's taskstats exit notification instead (CONFIG_TASK_XACCT): do_exit()
 * sends it for each exiting task while the task still holds its mm, and its hiwater_rss field is
 * that mm's high-water mark, i.e. VmHWM at the last moment, for the command alone. It needs
 * CAP_NET_ADMIN (registering a taskstats listener); without it self_hwm_kb is -1. The cost on the
 * measured run is one netlink message per exiting task, built by the kernel; no process is
 * stopped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct nlreq {
        struct nlmsghdr n;
        struct genlmsghdr g;
        char buf[256];
};

static void add_attr(struct nlreq *r, uint16_t type, const void *data, size_t len)
{
        struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));
        a->nla_type = type;
        a->nla_len = (uint16_t)(NLA_HDRLEN + len);
        memcpy((char *)a + NLA_HDRLEN, data, len);
        r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static int nl_send(int fd, uint16_t type, uint16_t flags, uint8_t cmd, uint16_t attr,
                   const void *data, size_t len)
{
        struct nlreq r;
        memset(&r, 0, sizeof(r));
        r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
        r.n.nlmsg_type = type;
        r.n.nlmsg_flags = NLM_F_REQUEST | flags;
        r.n.nlmsg_pid = 0;
        r.g.cmd = cmd;
        r.g.version = 1;
        add_attr(&r, attr, data, len);
        struct sockaddr_nl to = {.nl_family = AF_NETLINK};
        return sendto(fd, &r, r.n.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno
                                                                                        : 0;
}

/* Finds the nested attribute `type` inside [p, p+len). */
static struct nlattr *find_attr(void *p, size_t len, uint16_t type)
{
        struct nlattr *a = p;
        while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
                if ((a->nla_type & NLA_TYPE_MASK) == type)
                        return a;
                size_t step = NLA_ALIGN(a->nla_len);
                if (step >= len)
                        break;
                len -= step;
                a = (struct nlattr *)((char *)a + step);
        }
        return NULL;
}

/* Reads one reply; returns the first message, or NULL with errno set (an NLMSG_ERROR carrying a
 * non-zero error included). */
static struct nlmsghdr *nl_reply(int fd, char *buf, size_t size)
{
        ssize_t n = recv(fd, buf, size, 0);
        if (n < 0)
                return NULL;
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        if (!NLMSG_OK(h, (size_t)n)) {
                errno = EPROTO;
                return NULL;
        }
        if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *e = NLMSG_DATA(h);
                if (e->error) {
                        errno = -e->error;
                        return NULL;
                }
        }
        return h;
}

/* Opens a socket that receives a taskstats record for every task exiting on any CPU. */
static int taskstats_listen(void)
{
        static char buf[8192];
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
        if (fd < 0)
                return -errno;
        /* Fork-heavy workloads end many tasks; a dropped record could be the one we want. */
        int size = 16 << 20;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        struct sockaddr_nl me = {.nl_family = AF_NETLINK};
        struct nlmsghdr *h;
        struct nlattr *id;
        int r;
        if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
                goto fail;
        r = nl_send(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
                    TASKSTATS_GENL_NAME, sizeof(TASKSTATS_GENL_NAME));
        if (r < 0 || !(h = nl_reply(fd, buf, sizeof(buf))))
                goto fail;
        id = find_attr((char *)NLMSG_DATA(h) + GENL_HDRLEN,
                       h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), CTRL_ATTR_FAMILY_ID);
        if (!id) {
                errno = ENOENT;
                goto fail;
        }
        uint16_t family;
        memcpy(&family, (char *)id + NLA_HDRLEN, sizeof(family));
        char mask[32];
        snprintf(mask, sizeof(mask), "0-%d", get_nprocs_conf() - 1);
        /* Asked with NLM_F_ACK, so EPERM (no CAP_NET_ADMIN) comes back here, not never. */
        r = nl_send(fd, family, NLM_F_ACK, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK,
                    mask, strlen(mask) + 1);
        if (r < 0 || !nl_reply(fd, buf, sizeof(buf)))
                goto fail;
        /* From here on records arrive while the command runs; the poll loop must never block. */
        if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
                goto fail;
        return fd;
fail:;
        int e = errno ? errno : EPROTO;
        close(fd);
        return -e;
}

/* Reads every queued record and keeps the largest hiwater_rss reported for `pid`. */
static void taskstats_drain(int fd, pid_t pid, long long *hwm_kb, bool *lost)
{
        static char buf[65536];
        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), 0);
                if (n < 0) {
                        if (errno == ENOBUFS) {
                                *lost = true;
                                continue;
                        }
                        return; /* EAGAIN: nothing more queued */
                }
                for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
                     h = NLMSG_NEXT(h, n)) {
                        if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type < NLMSG_MIN_TYPE)
                                continue;
                        size_t alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
                        void *attrs = (char *)NLMSG_DATA(h) + GENL_HDRLEN;
                        struct nlattr *aggr = find_attr(attrs, alen, TASKSTATS_TYPE_AGGR_PID);
                        if (!aggr)
                                continue;
                        void *inner = (char *)aggr + NLA_HDRLEN;
                        size_t ilen = aggr->nla_len - NLA_HDRLEN;
                        struct nlattr *a_pid = find_attr(inner, ilen, TASKSTATS_TYPE_PID);
                        struct nlattr *a_st = find_attr(inner, ilen, TASKSTATS_TYPE_STATS);
                        if (!a_pid || !a_st)
                                continue;
                        uint32_t tid;
                        memcpy(&tid, (char *)a_pid + NLA_HDRLEN, sizeof(tid));
                        if ((pid_t)tid != pid)
                                continue;
                        /* Newer kernels send a longer struct; the fields we read keep their
                         * offsets, so copy what fits. */
                        struct taskstats ts;
                        memset(&ts, 0, sizeof(ts));
                        size_t slen = a_st->nla_len - NLA_HDRLEN;
                        memcpy(&ts, (char *)a_st + NLA_HDRLEN,
                               slen < sizeof(ts) ? slen : sizeof(ts));
                        if ((long long)ts.hiwater_rss > *hwm_kb)
                                *hwm_kb = (long long)ts.hiwater_rss;
                }
        }
}

/* The command's process group, for the signal handler: stopping a benchmark (^C, or the harness
 * dying, via PR_SET_PDEATHSIG) must not leave a traced workload running on the machine. */
static volatile pid_t child_pgid;

static void kill_child(int sig)
{
        if (child_pgid > 0)
                kill(-child_pgid, SIGKILL);
        signal(sig, SIG_DFL);
        raise(sig);
}

static void install_cleanup(void)
{
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                signal(sigs[i], kill_child);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
        fprintf(out, "usage: timer [-o FILE] [-t SECONDS] [--rss] [--] COMMAND [ARG...]\n");
}

struct opts {
        const char *out;
        double timeout;
        bool rss;
        char **argv;
};

static int parse(int argc, char **argv, struct opts *o)
{
        static const struct option longopts[] = {
            {"output", required_argument, NULL, 'o'},
            {"timeout", required_argument, NULL, 't'},
            {"rss", no_argument, NULL, 'r'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        int c;
        memset(o, 0, sizeof(*o));
        while ((c = getopt_long(argc, argv, "+o:t:rh", longopts, NULL)) != -1) {
                switch (c) {
                case 'o':
                        o->out = optarg;
                        break;
                case 't':
                        o->timeout = atof(optarg);
                        break;
                case 'r':
                        o->rss = true;
                        break;
                case 'h':
                        usage(stdout);
                        exit(0);
                default:
                        usage(stderr);
                        return -1;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return -1;
        }
        o->argv = argv + optind;
        return 0;
}

int main(int argc, char **argv)
{
        struct opts o;
        if (parse(argc, argv, &o) < 0)
                return 2;
        int nl = -1;
        if (o.rss) {
                nl = taskstats_listen();
                if (nl < 0)
                        fprintf(stderr, "timer: taskstats unavailable (%s); self_hwm_kb=-1\n",
                                strerror(-nl));
        }
        install_cleanup();
        double t0 = now();
        pid_t pid = fork();
        if (pid < 0) {
                perror("timer: fork");
                return 2;
        }
        if (pid == 0) {
                /* Own process group, so a timeout can kill the whole tree at once. */
                setpgid(0, 0);
                signal(SIGINT, SIG_DFL);
                signal(SIGTERM, SIG_DFL);
                signal(SIGHUP, SIG_DFL);
                prctl(PR_SET_PDEATHSIG, 0);
                execvp(o.argv[0], o.argv);
                fprintf(stderr, "timer: %s: %s\n", o.argv[0], strerror(errno));
                _exit(errno == ENOENT ? 127 : 126);
        }
        setpgid(pid, pid);
        child_pgid = pid;
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) {
                perror("timer: pidfd_open");
                kill(pid, SIGKILL);
                return 2;
        }
        long long hwm = -1;
        bool lost = false, timed_out = false;
        /* Waiting on the pidfd alone and draining the taskstats queue every 100 ms, rather than
         * waking for each record, keeps the timer off the CPU while a fork-heavy command runs
         * (2 CPUs: a wake-up per exiting task measurably slowed the native fork loop). 16 MiB of
         * socket buffer holds far more records than 100 ms of forks can produce. */
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        for (;;) {
                int wait_ms = nl >= 0 ? 100 : -1;
                if (o.timeout > 0) {
                        double left = t0 + o.timeout - now();
                        int left_ms = left > 0 ? (int)(left * 1000) + 1 : 0;
                        if (wait_ms < 0 || left_ms < wait_ms)
                                wait_ms = left_ms;
                }
                int r = poll(&p, 1, wait_ms);
                if (r < 0 && errno != EINTR) {
                        perror("timer: poll");
                        break;
                }
                if (r > 0)
                        break;
                if (nl >= 0)
                        taskstats_drain(nl, pid, &hwm, &lost);
                if (r == 0 && o.timeout > 0 && now() >= t0 + o.timeout) {
                        timed_out = true;
                        kill(-pid, SIGKILL);
                        kill(pid, SIGKILL);
                        break;
                }
        }
        double t1 = now();
        int st = 0;
        struct rusage ru;
        if (wait4(pid, &st, 0, &ru) < 0) {
                perror("timer: wait4");
                return 2;
        }
        /* do_exit() queued the record before the task became a zombie: it is there by now. */
        if (nl >= 0)
                taskstats_drain(nl, pid, &hwm, &lost);
        if (lost)
                fprintf(stderr, "timer: taskstats records were dropped; self_hwm_kb may be low\n");

        FILE *out = o.out ? fopen(o.out, "we") : stdout;
        if (!out) {
                perror("timer: output");
                return 2;
        }
        char status[16];
        if (timed_out)
                snprintf(status, sizeof(status), "timeout");
        else
                snprintf(status, sizeof(status), "%d",
                         WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        fprintf(
            out,
            "wall_s=%.6f status=%s user_s=%.6f sys_s=%.6f tree_maxrss_kb=%ld self_hwm_kb=%lld\n",
            t1 - t0, status, (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss, hwm);
        if (o.out && fclose(out) != 0) {
                perror("timer: output");
                return 2;
        }
        return 0;
}
