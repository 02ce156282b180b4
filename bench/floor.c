// SPDX-License-Identifier: MIT
/* floor: the smallest useful one-stop recorder, kept as the reference that profgen's recorder is
 * measured against (issue 7: profgen within 1.25x of it). It does exactly what a recorder cannot
 * avoid per syscall and nothing else: one SECCOMP_RET_TRACE stop, one PTRACE_GET_SYSCALL_INFO, a
 * bit in a bitmap, one PTRACE_CONT. No names, no profile, no process table beyond a pid bitmap.
 *
 *   floor [-v] [-o FILE] [--pin=same|split|tracer] [--spin=USEC] [--events-only|--allow-all]
 *         [--] COMMAND [ARG...]
 *
 * --pin=same puts the tracer and the command on the CPU the tracer started on; --pin=split puts
 * them on two different CPUs. Children inherit the command's affinity, so with either setting the
 * whole workload shares the one CPU it was given: that is what pinning costs a parallel workload.
 * --pin=tracer pins only the tracer to the CPU it started on and leaves the command free: does
 * the scheduler then wake the command beside its tracer?
 * --events-only installs no filter: the tracer sees only fork, clone and exec. That is the least
 * any ptrace recorder that follows processes costs.
 * --allow-all installs a filter that allows every syscall: the tracer again sees only fork, clone
 * and exec, but every syscall of the workload takes the kernel's seccomp entry path, as under any
 * baseline filter (and under a container runtime's own profile). That is the bound for `profgen
 * record --baseline`, which must keep a filter to see the syscalls its baseline lacks.
 * --spin=USEC polls waitpid(WNOHANG) for up to USEC microseconds before blocking: an experiment on
 * whether keeping the tracer's CPU out of idle shortens the wake-up of each stop.
 * -o writes the distinct (arch, number) pairs seen, one per line, for checking against a profile.
 * Exit status: the command's (128+N when killed by signal N), 125 on a tracer failure,
 * 126/127 when the command cannot be executed / is not found.
 *
 * Deliberate simplifications (not what a product may do): job-control stops are resumed rather than
 * kept, and the trace ends only when no tracee is left (no detach of daemons). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_TRACER      125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND   127

/* x86 has three syscall ABIs a 64-bit tracee can use; anything else lands in "other". */
enum { ARCH_X86_64, ARCH_X32, ARCH_I386, ARCH_OTHER, ARCH_COUNT };
#define SLOTS   1024
#define X32_BIT 0x40000000ull

enum pin_mode { PIN_NONE, PIN_SAME, PIN_SPLIT, PIN_TRACER };

struct floor {
        uint64_t seen[ARCH_COUNT][SLOTS / 64];
        uint64_t *known; /* pids whose first stop we have consumed, indexed by pid */
        size_t known_words;
        unsigned long stops;
        unsigned long processes;
        unsigned long overflow; /* numbers too large for a slot: counted, not lost silently */
};

static const char *arch_names[ARCH_COUNT] = {"x86_64", "x32", "i386", "other"};

static bool bit_test(const uint64_t *b, size_t i)
{
        return (b[i / 64] >> (i % 64)) & 1u;
}

static void bit_set(uint64_t *b, size_t i)
{
        b[i / 64] |= 1ull << (i % 64);
}

static void bit_clear(uint64_t *b, size_t i)
{
        b[i / 64] &= ~(1ull << (i % 64));
}

/* A bitmap over pid_max is O(1) per event and a few hundred KiB at most; a real tracer needs a
 * table with per-process state, but the floor only needs to tell a new child's first stop apart. */
static int floor_init(struct floor *f)
{
        long pid_max = 4194304; /* the kernel's upper limit, used when /proc does not say */
        FILE *fp = fopen("/proc/sys/kernel/pid_max", "re");
        if (fp) {
                if (fscanf(fp, "%ld", &pid_max) != 1)
                        pid_max = 4194304;
                fclose(fp);
        }
        memset(f, 0, sizeof(*f));
        f->known_words = (size_t)pid_max / 64 + 1;
        f->known = calloc(f->known_words, sizeof(uint64_t));
        return f->known ? 0 : -ENOMEM;
}

static void record_syscall(struct floor *f, pid_t pid)
{
        struct __ptrace_syscall_info info;
        long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info);
        f->stops++;
        if (n <= 0 || info.op != PTRACE_SYSCALL_INFO_SECCOMP)
                return; /* the tracee died under us (SIGKILL); nothing to record */
        uint64_t nr = info.seccomp.nr;
        int arch = ARCH_OTHER;
        if (info.arch == AUDIT_ARCH_X86_64) {
                arch = (nr & X32_BIT) ? ARCH_X32 : ARCH_X86_64;
                nr &= ~X32_BIT;
        } else if (info.arch == AUDIT_ARCH_I386) {
                arch = ARCH_I386;
        }
        if (nr >= SLOTS) {
                f->overflow++;
                return;
        }
        bit_set(f->seen[arch], nr);
}

static void resume(pid_t pid, int sig)
{
        /* ESRCH: killed while stopped (SIGKILL, EXITKILL of a sibling); its exit is reported later
         */
        if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
                perror("floor: PTRACE_CONT");
}

static double now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* waitpid that first polls for up to spin_us: a tracer that stays on its CPU is woken without an
 * interrupt to a halted (virtual) CPU, at the price of burning that CPU while it polls. Polls the
 * way profgen does (tracer/wait.c): SIGCHLD is blocked, every stop leaves it pending, sigpending
 * reads only the tracer's own state; the notice is consumed before waitpid looks. Unlike profgen
 * it polls at every wait, also around fork and exec. */
static pid_t wait_any(int *st, double spin_us)
{
        if (spin_us > 0) {
                static const struct timespec zero = {0};
                sigset_t chld, pending;
                sigemptyset(&chld);
                sigaddset(&chld, SIGCHLD);
                double end = now_us() + spin_us;
                for (bool timed_out = false; !timed_out;) {
                        sigtimedwait(&chld, NULL, &zero);
                        pid_t pid = waitpid(-1, st, __WALL | WNOHANG);
                        if (pid != 0)
                                return pid;
                        do {
                                timed_out = now_us() >= end;
                                sigpending(&pending);
                        } while (!timed_out && !sigismember(&pending, SIGCHLD));
                }
        }
        return waitpid(-1, st, __WALL);
}

/* Returns the shell-convention status of `command` once no tracee is left. */
static int trace_loop(struct floor *f, pid_t command, double spin_us)
{
        int result = EXIT_TRACER;
        for (;;) {
                int st;
                pid_t pid = wait_any(&st, spin_us);
                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != ECHILD)
                                perror("floor: waitpid");
                        return result;
                }
                if (WIFEXITED(st) || WIFSIGNALED(st)) {
                        if ((size_t)pid / 64 < f->known_words)
                                bit_clear(f->known, (size_t)pid); /* the pid may be reused */
                        if (pid == command)
                                result = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                        continue;
                }
                if (!WIFSTOPPED(st))
                        continue;
                int sig = WSTOPSIG(st);
                unsigned event = (unsigned)st >> 16;
                if (event == PTRACE_EVENT_SECCOMP) {
                        record_syscall(f, pid);
                        resume(pid, 0);
                } else if (event != 0) {
                        resume(pid, 0); /* fork/vfork/clone/exec: the new tracee reports itself */
                } else if (sig == SIGSTOP && (size_t)pid / 64 < f->known_words &&
                           !bit_test(f->known, (size_t)pid)) {
                        /* An auto-attached child's first stop. Resume it with PTRACE_CONT, not
                         * PTRACE_SYSCALL: the filter already makes it stop where it must. */
                        bit_set(f->known, (size_t)pid);
                        f->processes++;
                        resume(pid, 0);
                } else {
                        resume(pid, sig); /* a real signal: deliver it */
                }
        }
}

static enum { FILTER_TRACE, FILTER_NONE, FILTER_ALLOW } filter_mode;

static int install_filter(void)
{
        /* One instruction: every syscall of every architecture stops once (or never, allowed). */
        struct sock_filter insn[] = {BPF_STMT(
            BPF_RET | BPF_K, filter_mode == FILTER_ALLOW ? SECCOMP_RET_ALLOW : SECCOMP_RET_TRACE)};
        struct sock_fprog prog = {.len = 1, .filter = insn};
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
                return 0;
        /* Without CAP_SYS_ADMIN the kernel demands no_new_privs; with it we leave setuid alone. */
        if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -1;
        return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static void child(char **argv)
{
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
                perror("floor: PTRACE_TRACEME");
                _exit(EXIT_TRACER);
        }
        /* Stop so the parent can set options before the first filtered syscall. */
        raise(SIGSTOP);
        if (filter_mode != FILTER_NONE && install_filter() < 0) {
                perror("floor: seccomp");
                _exit(EXIT_TRACER);
        }
        execvp(argv[0], argv);
        int e = errno;
        fprintf(stderr, "floor: %s: %s\n", argv[0], strerror(e));
        _exit(e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static int pin_to(int cpu)
{
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        return sched_setaffinity(0, sizeof(set), &set);
}

/* The tracer stays on the CPU it started on (it was placed there by the scheduler: likely idle);
 * for split, the command goes to the next CPU it is allowed to use. */
static int choose_cpus(enum pin_mode mode, int *ret_tracer, int *ret_tracee)
{
        cpu_set_t allowed;
        if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
                return -1;
        int here = sched_getcpu();
        if (here < 0)
                return -1;
        int other = here;
        for (int i = 1; i < CPU_SETSIZE; i++) {
                int c = (here + i) % CPU_SETSIZE;
                if (CPU_ISSET(c, &allowed)) {
                        other = c;
                        break;
                }
        }
        if (mode == PIN_SPLIT && other == here) {
                fprintf(stderr, "floor: --pin=split needs two CPUs\n");
                return -1;
        }
        *ret_tracer = here;
        *ret_tracee = mode == PIN_SPLIT ? other : mode == PIN_TRACER ? -1 : here;
        return 0;
}

static int write_seen(const struct floor *f, const char *path)
{
        FILE *fp = fopen(path, "we");
        if (!fp)
                return -1;
        for (int a = 0; a < ARCH_COUNT; a++)
                for (size_t nr = 0; nr < SLOTS; nr++)
                        if (bit_test(f->seen[a], nr))
                                fprintf(fp, "%s %zu\n", arch_names[a], nr);
        return fclose(fp);
}

static unsigned long count_seen(const struct floor *f)
{
        unsigned long n = 0;
        for (int a = 0; a < ARCH_COUNT; a++)
                for (size_t w = 0; w < SLOTS / 64; w++)
                        n += (unsigned long)__builtin_popcountll(f->seen[a][w]);
        return n;
}

static void usage(FILE *out)
{
        fprintf(out, "usage: floor [-v] [-o FILE] [--pin=same|split|tracer] [--spin=USEC] "
                     "[--events-only|--allow-all] [--] COMMAND [ARG...]\n");
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"pin", required_argument, NULL, 'p'},    {"spin", required_argument, NULL, 's'},
            {"output", required_argument, NULL, 'o'}, {"verbose", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},         {"events-only", no_argument, NULL, 'e'},
            {"allow-all", no_argument, NULL, 'a'},    {NULL, 0, NULL, 0},
        };
        enum pin_mode pin = PIN_NONE;
        const char *out = NULL;
        bool verbose = false;
        double spin_us = 0;
        int c;
        while ((c = getopt_long(argc, argv, "+o:vh", opts, NULL)) != -1) {
                switch (c) {
                case 'p':
                        if (strcmp(optarg, "same") == 0)
                                pin = PIN_SAME;
                        else if (strcmp(optarg, "split") == 0)
                                pin = PIN_SPLIT;
                        else if (strcmp(optarg, "tracer") == 0)
                                pin = PIN_TRACER;
                        else if (strcmp(optarg, "none") != 0) {
                                usage(stderr);
                                return EXIT_TRACER;
                        }
                        break;
                case 'e':
                        filter_mode = FILTER_NONE;
                        break;
                case 'a':
                        filter_mode = FILTER_ALLOW;
                        break;
                case 's':
                        spin_us = atof(optarg);
                        break;
                case 'o':
                        out = optarg;
                        break;
                case 'v':
                        verbose = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return EXIT_TRACER;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return EXIT_TRACER;
        }

        static struct floor f; /* static: the seen bitmaps are 32 KiB */
        if (floor_init(&f) < 0) {
                perror("floor");
                return EXIT_TRACER;
        }
        int tracer_cpu = -1, tracee_cpu = -1;
        if (pin != PIN_NONE && choose_cpus(pin, &tracer_cpu, &tracee_cpu) < 0)
                return EXIT_TRACER;
        if (tracee_cpu >= 0 && pin_to(tracee_cpu) < 0) {
                perror("floor: sched_setaffinity");
                return EXIT_TRACER;
        }

        pid_t pid = fork();
        if (pid < 0) {
                perror("floor: fork");
                return EXIT_TRACER;
        }
        if (pid == 0)
                child(argv + optind);
        /* The child inherited tracee_cpu; now move the tracer where it belongs. */
        if (pin != PIN_NONE && pin_to(tracer_cpu) < 0) {
                perror("floor: sched_setaffinity");
                kill(pid, SIGKILL);
                return EXIT_TRACER;
        }

        int st;
        if (waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st)) {
                fprintf(stderr, "floor: the child did not stop for the tracer\n");
                return EXIT_TRACER;
        }
        /* Under --pin=tracer the child was forked with the original affinity and keeps it. */
        long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
        if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)options) < 0) {
                perror("floor: PTRACE_SETOPTIONS");
                kill(pid, SIGKILL);
                return EXIT_TRACER;
        }
        bit_set(f.known, (size_t)pid);
        f.processes = 1;
        if (spin_us > 0) { /* after the fork: the command must not inherit the mask */
                sigset_t chld;
                sigemptyset(&chld);
                sigaddset(&chld, SIGCHLD);
                sigprocmask(SIG_BLOCK, &chld, NULL);
        }
        resume(pid, 0);

        int status = trace_loop(&f, pid, spin_us);
        if (out && write_seen(&f, out) < 0) {
                perror("floor: writing the syscall list");
                status = EXIT_TRACER;
        }
        if (verbose)
                fprintf(stderr,
                        "floor: %lu stops, %lu distinct syscalls, %lu processes/threads, %lu "
                        "out-of-range numbers; pin=%s tracer cpu %d, tracee cpu %d\n",
                        f.stops, count_seen(&f), f.processes, f.overflow,
                        pin == PIN_NONE    ? "none"
                        : pin == PIN_SAME  ? "same"
                        : pin == PIN_SPLIT ? "split"
                                           : "tracer",
                        tracer_cpu, tracee_cpu);
        free(f.known);
        return status;
}
