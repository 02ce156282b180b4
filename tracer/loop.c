// SPDX-License-Identifier: MIT
/* The one event loop: init, `while (dispatch(next_event()))`, finish. waitpid status → an event
 * enum → one switch. Observers (the recorder, the capability watcher, the unwinder) plug in
 * without touching the loop. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/seccomp_bpf.h"
#include "profgen/spawn.h"
#include "profgen/tracee_table.h"
#include "tracer_internal.h"

enum pg_event {
        PG_EV_DONE,        /* no traced thread is left: the loop ends */
        PG_EV_INTERRUPTED, /* waitpid was interrupted by a signal to profgen: wait again */
        PG_EV_GONE,        /* a thread exited or was killed: drop it */
        PG_EV_SECCOMP,     /* seccomp stop: a syscall at entry, the one stop of the fast path */
        PG_EV_SYSCALL,     /* syscall-enter or syscall-exit stop (PTRACE_SYSCALL) */
        PG_EV_CLONE,       /* fork, vfork or clone: a new process or thread */
        PG_EV_EXEC,        /* a successful execve (maybe from a non-leader thread) */
        PG_EV_STOP,        /* PTRACE_EVENT_STOP: group-stop, new tracee's first stop, interrupt */
        PG_EV_SIGNAL,      /* signal-delivery-stop: pass the signal on */
        PG_EV_OTHER,       /* another ptrace event (vfork-done, exit): resume */
};

struct pg_stop {
        pid_t tid;
        int status;
        enum pg_event ev;
};

/* The signal handler needs to know where to forward signals: the only global state, set while a
 * trace runs. kill(2) is async-signal-safe. */
static volatile pid_t forward_pid;

static void forward_signal(int sig, siginfo_t *si, void *ctx)
{
        (void)ctx;
        /* A terminal's ^C (SI_KERNEL) already reached the whole foreground process group, the
         * workload included: forwarding it again would deliver it twice. */
        if (forward_pid > 0 && si->si_code != SI_KERNEL)
                kill(forward_pid, sig);
}

int pg_tracer_new(const struct pg_tracer_opts *opts, struct pg_tracer **ret)
{
        struct pg_tracer *t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        if (opts)
                t->opts = *opts;
        t->status_fd = -1;
        if (pg_arch_syscall_slot(pg_arch_native(), "execve", &t->execve_slot) < 0) {
                free(t);
                return -ENOSYS;
        }
        if (pg_tracee_table_new(&t->tab) < 0) {
                free(t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

void pg_tracer_free(struct pg_tracer *t)
{
        if (!t)
                return;
        pg_tracee_table_free(t->tab);
        pg_seccomp_bpf_free(&t->prog);
        free(t->obs);
        free(t->early);
        free(t->mode_note);
        free(t->failure_msg);
        free(t->allowed);
        pg_sys_tracepoint_free(t->systp);
        if (t->status_fd >= 0)
                close(t->status_fd);
        free(t);
}

int pg_tracer_add_observer(struct pg_tracer *t, const struct pg_observer *obs)
{
        if (t->n_obs >= 32)
                return -E2BIG;
        struct pg_observer *no = realloc(t->obs, (t->n_obs + 1) * sizeof(*no));
        if (!no)
                return -ENOMEM;
        t->obs = no;
        t->obs[t->n_obs++] = *obs;
        return 0;
}

const char *pg_tracer_mode_name(const struct pg_tracer *t)
{
        return t->seccomp && t->want_tp ? "tracepoint" : t->seccomp ? "seccomp" : "ptrace";
}

uint64_t pg_tracer_invalid_syscalls(const struct pg_tracer *t)
{
        return t->invalid_nrs;
}

const char *pg_tracer_mode_note(const struct pg_tracer *t)
{
        return t->mode_note;
}

static enum pg_event classify(int status)
{
        if (WIFEXITED(status) || WIFSIGNALED(status))
                return PG_EV_GONE;
        int sig = WSTOPSIG(status);
        switch (status >> 16) {
        case 0:
                return sig == (SIGTRAP | 0x80) ? PG_EV_SYSCALL : PG_EV_SIGNAL;
        case PTRACE_EVENT_SECCOMP:
                return PG_EV_SECCOMP;
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK:
        case PTRACE_EVENT_CLONE:
                return PG_EV_CLONE;
        case PTRACE_EVENT_EXEC:
                return PG_EV_EXEC;
        case PTRACE_EVENT_STOP:
                return PG_EV_STOP;
        default:
                return PG_EV_OTHER;
        }
}

static struct pg_stop next_event(struct pg_tracer *tr)
{
        struct pg_stop s = {0};
        s.tid = pg_waiter_wait(&tr->waiter, &s.status);
        if (s.tid < 0)
                s.ev = errno == EINTR ? PG_EV_INTERRUPTED : PG_EV_DONE;
        else
                s.ev = classify(s.status);
        if (s.ev == PG_EV_GONE || s.ev == PG_EV_CLONE || s.ev == PG_EV_EXEC)
                pg_waiter_process_event(&tr->waiter);
        /* Before the event is handled: the stopped thread's syscalls so far are all recorded. */
        if (tr->systp)
                pg_tracer_tp_drain(tr);
        return s;
}

/* Restarts a stopped thread: PTRACE_SYSCALL when an exit stop (or, in ptrace mode, any syscall
 * stop) is wanted, PTRACE_CONT otherwise. ESRCH means it was killed meanwhile: its exit follows. */
void pg_tracer_resume(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int sig)
{
        bool syscall_stops = t && (t->flags & PG_TRACEE_WANT_EXIT);
        if (!tr->seccomp && tr->cmd_execed)
                syscall_stops = true;
        ptrace(syscall_stops ? PTRACE_SYSCALL : PTRACE_CONT, tid, 0L, (long)sig);
}

static bool dispatch(struct pg_tracer *tr, const struct pg_stop *s)
{
        struct pg_tracee *t = s->ev == PG_EV_DONE ? NULL : pg_tracee_table_get(tr->tab, s->tid);
        switch (s->ev) {
        case PG_EV_DONE:
                return false;
        case PG_EV_INTERRUPTED:
                return true;
        case PG_EV_GONE:
                pg_tracer_on_gone(tr, t, s->tid, s->status);
                return true;
        case PG_EV_SECCOMP:
        case PG_EV_SYSCALL:
                pg_tracer_on_syscall(tr, t, s->tid, s->ev == PG_EV_SECCOMP);
                return true;
        case PG_EV_CLONE:
                pg_tracer_on_clone(tr, t, s->tid, s->status >> 16);
                return true;
        case PG_EV_EXEC:
                pg_tracer_on_exec(tr, s->tid);
                return true;
        case PG_EV_STOP:
                pg_tracer_on_ptrace_stop(tr, t, s->tid, WSTOPSIG(s->status));
                return true;
        case PG_EV_SIGNAL:
                pg_tracer_on_signal(tr, t, s->tid, WSTOPSIG(s->status));
                return true;
        case PG_EV_OTHER:
                pg_tracer_resume(tr, t, s->tid, 0);
                return true;
        }
        return true;
}

/* Seizes the stopped child with every option the loop relies on, then lets it go on. */
static int seize(struct pg_tracer *tr, struct pg_error **err)
{
        int st;
        if (waitpid(tr->cmd_pid, &st, WSTOPPED) < 0 || !WIFSTOPPED(st))
                return pg_error_set(err, -ECHILD, "the command's process ended before tracing");
        long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
        if (tr->want_seccomp)
                opts |= PTRACE_O_TRACESECCOMP;
        if (ptrace(PTRACE_SEIZE, tr->cmd_pid, 0L, opts) < 0) {
                int e = errno;
                kill(tr->cmd_pid, SIGKILL);
                waitpid(tr->cmd_pid, &st, 0);
                return pg_error_set(err, -e, "cannot trace the command (ptrace seize): %s%s",
                                    strerror(e),
                                    e == EPERM ? " (ptrace may be forbidden here: a container "
                                                 "needs SYS_PTRACE or a seccomp profile that "
                                                 "allows ptrace)"
                                               : "");
        }
        struct pg_tracee *t = pg_tracee_table_add(tr->tab, tr->cmd_pid, NULL);
        if (!t)
                return pg_error_set(err, -ENOMEM, "out of memory");
        t->flags |= PG_TRACEE_NEW;
        pg_tracer_notify_spawn(tr, NULL, t, false);
        /* The filter lets syscalls run without a stop: without their record it must not start. */
        int r = tr->want_tp ? pg_tracer_tp_start(tr, err) : 0;
        if (r < 0) {
                kill(tr->cmd_pid, SIGKILL);
                waitpid(tr->cmd_pid, &st, __WALL);
                return r;
        }
        kill(tr->cmd_pid, SIGCONT);
        return 0;
}

/* The baseline (or every native syscall) minus every syscall an observer must still see. */
static int effective_allowed(struct pg_tracer *tr, const struct pg_syscall_set *base)
{
        struct pg_syscall_set must = {0};
        tr->allowed = malloc(sizeof(*tr->allowed));
        if (!tr->allowed)
                return -ENOMEM;
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].must_stop)
                        tr->obs[i].must_stop(tr->obs[i].userdata, &must);
        pg_tracer_must_stop_clones(&must);
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                for (size_t w = 0; w < PG_SYSCALL_SLOTS / 64; w++)
                        tr->allowed->bits[a][w] = base->bits[a][w] & ~must.bits[a][w];
        /* Conditions matter only for syscalls that are allowed at all (else they always stop). */
        struct pg_stop_conds conds = {0};
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].stop_when)
                        tr->obs[i].stop_when(tr->obs[i].userdata, &conds);
        tr->conds.n = 0;
        for (size_t i = 0; i < conds.n; i++)
                if (pg_syscall_set_has(tr->allowed, conds.c[i].arch, conds.c[i].slot))
                        tr->conds.c[tr->conds.n++] = conds.c[i];
        return 0;
}

/* --tracing tracepoint, or auto where it may be used and its tracepoint can be read: every native
 * syscall is the base of the allowed set. */
static int prepare_tracepoint(struct pg_tracer *tr, struct pg_syscall_set **ret_all,
                              struct pg_error **err)
{
        bool required = tr->opts.mode == PG_TRACE_TRACEPOINT;
        if (!required &&
            !(tr->opts.mode == PG_TRACE_AUTO && tr->opts.kernel_syscalls && !tr->opts.allowed))
                return 0;
        _cleanup_error_ struct pg_error *terr = NULL;
        _cleanup_free_ struct pg_syscall_set *all = malloc(sizeof(*all));
        if (!all)
                return pg_error_set(err, -ENOMEM, "out of memory");
        int r = pg_tracer_tp_prepare(tr, all, &terr);
        if (r < 0 && required)
                return pg_error_set(err, r, "--tracing tracepoint: %s",
                                    terr ? terr->message : strerror(-r));
        if (r < 0)
                return 0; /* auto: one stop per syscall then */
        tr->want_tp = true;
        *ret_all = TAKE_PTR(all);
        return 0;
}

static int prepare_filter(struct pg_tracer *tr, struct pg_error **err)
{
        _cleanup_free_ struct pg_syscall_set *all = NULL;
        tr->want_seccomp = tr->opts.mode != PG_TRACE_PTRACE;
        if (!tr->want_seccomp)
                return 0;
        int r = prepare_tracepoint(tr, &all, err);
        if (r < 0)
                return r;
        const struct pg_syscall_set *base = all ? all : tr->opts.allowed;
        if (base && effective_allowed(tr, base) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        return pg_seccomp_bpf_build_cond(tr->allowed, &tr->conds, &tr->prog, err);
}

const struct pg_syscall_set *pg_tracer_allowed(const struct pg_tracer *t)
{
        return t->seccomp && !t->want_tp ? t->allowed : NULL;
}

static void install_forwarding(struct pg_tracer *tr, struct sigaction *saved)
{
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        struct sigaction sa = {0};
        sa.sa_sigaction = forward_signal;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        forward_pid = tr->cmd_pid;
        for (size_t i = 0; i < 3; i++)
                sigaction(sigs[i], tr->opts.forward_signals ? &sa : NULL, &saved[i]);
}

static void restore_forwarding(const struct sigaction *saved)
{
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        forward_pid = 0;
        for (size_t i = 0; i < 3; i++)
                sigaction(sigs[i], &saved[i], NULL);
}

/* Every ptrace stop wakes the tracer and then the tracee: on one CPU that is a cheap context
 * switch, across CPUs two wake-up interrupts (an idle guest CPU halts at once). The workload
 * inherits the affinity, so this trades the workload's parallelism for cheaper stops: an option. */
static void pin_to_current_cpu(void)
{
        int cpu = sched_getcpu();
        cpu_set_t set;
        if (cpu < 0)
                return;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        sched_setaffinity(0, sizeof(set), &set);
}

int pg_tracer_run(struct pg_tracer *tr, char *const *argv, int *ret_status, struct pg_error **err)
{
        _cleanup_free_ char *path = NULL;
        int r = pg_spawn_resolve(argv[0], &path, err);
        if (r == -ENOENT || r == -EACCES) {
                *ret_status = r == -ENOENT ? 127 : 126;
                return 0;
        }
        if (r < 0)
                return r;
        r = prepare_filter(tr, err);
        if (r < 0)
                return r;
        struct sigaction saved[3];
        if (tr->opts.pin_cpu)
                pin_to_current_cpu();
        r = pg_spawn_start(path, argv, tr->want_seccomp ? &tr->prog : NULL, &tr->cmd_pid,
                           &tr->status_fd, err);
        if (r < 0)
                return r;
        install_forwarding(tr, saved);
        /* After the spawn (the workload must not inherit a blocked SIGCHLD) and after pinning (a
         * tracer that shares its one CPU with the workload must not poll). */
        pg_waiter_init(&tr->waiter, tr->opts.poll_us, tr->want_tp ? PG_TP_TICK_US : 0);
        r = seize(tr, err);
        if (r == 0) {
                struct pg_stop s;
                do
                        s = next_event(tr);
                while (dispatch(tr, &s));
        }
        pg_waiter_done(&tr->waiter);
        restore_forwarding(saved);
        pg_tracer_tp_finish(tr);
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].finish)
                        tr->obs[i].finish(tr->obs[i].userdata);
        if (r < 0)
                return r;
        if (tr->failure)
                return pg_error_set(err, tr->failure, "%s",
                                    tr->failure_msg ? tr->failure_msg : "tracer failure");
        if (tr->exec_errno)
                pg_error_set(err, -tr->exec_errno, "cannot execute `%s`: %s", argv[0],
                             strerror(tr->exec_errno));
        *ret_status = tr->cmd_status;
        return 0;
}
