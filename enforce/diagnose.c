// SPDX-License-Identifier: MIT
/* The diagnostic run: `profgen run` with every denial turned into a SECCOMP_RET_TRACE stop. A small
 * ptrace loop of its own (the recorder's tracer lets syscalls through; here they must fail as the
 * profile says, or the workload would not take the path that failed) notes each denied syscall and
 * answers it the way the profile would: skip it with the errno, kill, or raise SIGSYS. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profgen/enforce.h"
#include "profgen/unwind.h"
#include "run_internal.h"

#define TRACE_OPTIONS                                                                              \
        (PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |  \
         PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)

void pg_diagnosis_clear(struct pg_diagnosis *d)
{
        for (size_t i = 0; i < d->n_denials; i++)
                pg_stack_free(d->denials[i].stack);
        pg_unwinder_free(d->unwinder);
        free(d->denials);
        memset(d, 0, sizeof(*d));
}

static int note_denial(struct pg_diagnosis *d, enum pg_arch arch, uint32_t slot,
                       enum pg_denial_kind kind, int error, pid_t pid)
{
        for (size_t i = 0; i < d->n_denials; i++) {
                struct pg_denial *x = &d->denials[i];
                if (x->arch == arch && x->slot == slot && x->kind == kind && x->error == error) {
                        x->count++;
                        return 0;
                }
        }
        struct pg_denial *nd = realloc(d->denials, (d->n_denials + 1) * sizeof(*nd));
        if (!nd)
                return -ENOMEM;
        d->denials = nd;
        nd[d->n_denials++] = (struct pg_denial){
            .arch = arch, .slot = slot, .kind = kind, .error = error, .count = 1, .first_pid = pid};
        /* The thread is stopped at the denied call: where in the program it came from is what
         * the user needs to decide between re-recording and --allow. */
        if (d->unwinder)
                pg_unwind_capture_pid(d->unwinder, pid, pid, 16, &nd[d->n_denials - 1].stack);
        return 0;
}

#if defined(__x86_64__)
/* Skips the syscall with return value rval: orig_rax -1 means "no syscall" at a seccomp stop. */
static int skip_syscall(pid_t tid, long rval)
{
        struct user_regs_struct regs;
        if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0)
                return -errno;
        regs.orig_rax = (unsigned long long)-1;
        regs.rax = (unsigned long long)rval;
        return ptrace(PTRACE_SETREGS, tid, 0, &regs) < 0 ? -errno : 0;
}
#else
static int skip_syscall(pid_t tid, long rval)
{
        (void)tid;
        (void)rval;
        return -EOPNOTSUPP;
}
#endif

/* A TRACE stop: note it, then do what the profile does. Returns the signal to resume with. */
static int on_seccomp_stop(struct pg_diagnosis *d, pid_t tid)
{
        unsigned long data = 0;
        struct __ptrace_syscall_info info;
        if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &data) < 0 ||
            ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info), &info) <= 0 ||
            info.op != PTRACE_SYSCALL_INFO_SECCOMP)
                return 0;
        enum pg_denial_kind kind = (enum pg_denial_kind)((data >> 12) & 0xf);
        int error = (int)(data & 0xfff);
        enum pg_arch arch = pg_arch_from_audit(info.arch, info.seccomp.nr);
        uint32_t slot = 0;
        if (arch != PG_ARCH_INVALID && pg_arch_slot(arch, info.seccomp.nr, &slot))
                note_denial(d, arch, slot, kind, error, tid);
        switch (kind) {
        case PG_DENIAL_ERRNO:
                skip_syscall(tid, -error);
                return 0;
        case PG_DENIAL_TRAP:
                skip_syscall(tid, -ENOSYS);
                return SIGSYS;
        case PG_DENIAL_KILL_THREAD:
        case PG_DENIAL_KILL_PROCESS:
                /* The kernel's kill is not a signal; SIGKILL ends the process the same way. */
                skip_syscall(tid, -ENOSYS);
                kill(tid, SIGKILL);
                return 0;
        }
        return 0;
}

/* One wait status of a tracee: resumes it; returns 1 while the main child lives. */
static int on_stop(struct pg_diagnosis *d, pid_t tid, int wstatus)
{
        int sig = WSTOPSIG(wstatus), event = wstatus >> 16, resume = 0;
        if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP)
                resume = on_seccomp_stop(d, tid);
        else if (sig == SIGTRAP && event != 0)
                resume = 0; /* fork, clone, exec events */
        else if (sig == SIGSTOP && event == 0)
                /* a new tracee's first stop, or the child's own raise(SIGSTOP) */
                ptrace(PTRACE_SETOPTIONS, tid, 0, TRACE_OPTIONS);
        else if (event == PTRACE_EVENT_STOP)
                resume = 0;
        else
                resume = sig;
        ptrace(PTRACE_CONT, tid, 0, resume);
        return 1;
}

/* Every thread of the run, for telling its capability checks from other processes'. */
struct tids {
        pid_t *v;
        size_t n;
};

static void tids_add(struct tids *t, pid_t tid)
{
        for (size_t i = 0; i < t->n; i++)
                if (t->v[i] == tid)
                        return;
        pid_t *nv = realloc(t->v, (t->n + 1) * sizeof(*nv));
        if (nv) {
                t->v = nv;
                t->v[t->n++] = tid;
        }
}

static int trace_loop(struct pg_diagnosis *d, pid_t child, struct tids *tids, int *ret_wstatus)
{
        for (;;) {
                int wstatus;
                pid_t tid = waitpid(-1, &wstatus, __WALL);
                if (tid < 0) {
                        if (errno == EINTR)
                                continue;
                        return errno == ECHILD ? 0 : -errno;
                }
                tids_add(tids, tid);
                if (WIFSTOPPED(wstatus))
                        on_stop(d, tid, wstatus);
                else if (tid == child)
                        *ret_wstatus = wstatus;
        }
}

int pg_run_diagnose(const struct pg_run_opts *o, char *const *argv, struct pg_diagnosis *ret,
                    struct pg_error **err)
{
#if !defined(__x86_64__)
        (void)o;
        (void)argv;
        (void)ret;
        return pg_error_set(err, -EOPNOTSUPP, "the diagnostic run is implemented for x86_64 only");
#else
        struct child_plan pl;
        struct pg_diagnosis d = {0};
        int r = pg_run_setup(o, argv, true, &pl, &d.result, err);
        if (r <= 0) {
                pg_run_plan_clear(&pl);
                if (r == 0)
                        *ret = d;
                return r;
        }
        char *watch = NULL;
        struct tids tids = {0};
        d.caps_watched = pg_capwatch_start(&watch) == 0;
        if (pg_unwinder_new(NULL, NULL, &d.unwinder) < 0)
                d.unwinder = NULL; /* denials are still named, without their stacks */
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
                pg_run_child(&pl);
        int wstatus = 0;
        r = pid < 0 ? -errno : trace_loop(&d, pid, &tids, &wstatus);
        if (watch)
                pg_capwatch_stop(watch, tids.v, tids.n, d.cap_failures);
        free(tids.v);
        if (r == 0)
                pg_run_describe(&d.result, pl.shared, pl.path, wstatus);
        pg_run_plan_clear(&pl);
        if (r < 0) {
                pg_diagnosis_clear(&d);
                return pg_error_set(err, r, "diagnostic run of `%s`: %s", argv[0], strerror(-r));
        }
        *ret = d;
        return 0;
#endif
}
