// SPDX-License-Identifier: MIT
/* What the loop does for each event. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profgen/spawn.h"
#include "profgen/tracee_table.h"
#include "tracer_internal.h"

void pg_tracer_notify_spawn(struct pg_tracer *tr, struct pg_tracee *parent, struct pg_tracee *child,
                            bool thread)
{
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].spawn)
                        tr->obs[i].spawn(tr->obs[i].userdata, parent, child, thread);
}

static void fail(struct pg_tracer *tr, int code, const char *msg)
{
        if (tr->failure)
                return;
        tr->failure = code;
        tr->failure_msg = strdup(msg);
        kill(tr->cmd_pid, SIGKILL);
}

/* ---- syscalls ---- */

static void syscall_enter(struct pg_tracer *tr, struct pg_tracee *t, uint32_t audit, uint64_t nr,
                          const uint64_t *args, uint64_t ip, uint64_t sp)
{
        struct pg_syscall sc = {.nr = nr, .ip = ip, .sp = sp};
        sc.arch = pg_arch_from_audit(audit, nr);
        if (sc.arch == PG_ARCH_INVALID || !pg_arch_slot(sc.arch, nr, &sc.slot)) {
                tr->invalid_nrs++; /* e.g. syscall(-1): ENOSYS anyway, nothing to allow */
                return;
        }
        memcpy(sc.args, args, sizeof(sc.args));
        pg_tracer_follow_untraced(t, &sc);
        uint32_t mask = 0;
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].syscall_enter &&
                    tr->obs[i].syscall_enter(tr->obs[i].userdata, t, &sc))
                        mask |= 1u << i;
        t->exit_observers = mask;
        if (mask) {
                t->flags |= PG_TRACEE_WANT_EXIT;
                t->sc_arch = sc.arch;
                t->sc_slot = sc.slot;
                memcpy(t->sc_args, sc.args, sizeof(t->sc_args));
        }
}

static void syscall_exit(struct pg_tracer *tr, struct pg_tracee *t, int64_t rval, bool is_error)
{
        if (!(t->flags & PG_TRACEE_WANT_EXIT))
                return;
        for (size_t i = 0; i < tr->n_obs; i++)
                if ((t->exit_observers >> i) & 1u)
                        tr->obs[i].syscall_exit(tr->obs[i].userdata, t, rval, is_error);
        t->flags &= ~PG_TRACEE_WANT_EXIT;
        t->exit_observers = 0;
}

void pg_tracer_on_syscall(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, bool seccomp_stop)
{
        struct __ptrace_syscall_info info;
        if (!t || !tr->cmd_execed) {
                /* profgen's own child before the command's exec: not the workload */
                pg_tracer_resume(tr, t, tid, 0);
                return;
        }
        long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);
        if (n <= 0) {
                pg_tracer_resume(tr, t, tid, 0);
                return;
        }
        switch (info.op) {
        case PTRACE_SYSCALL_INFO_SECCOMP:
                if (tr->systp) { /* its tracepoint record follows: not a syscall of its own */
                        t->flags |= PG_TRACEE_TP_PENDING;
                        t->tp_nr = info.seccomp.nr;
                }
                syscall_enter(tr, t, info.arch, info.seccomp.nr, info.seccomp.args,
                              info.instruction_pointer, info.stack_pointer);
                break;
        case PTRACE_SYSCALL_INFO_ENTRY:
                /* In seccomp mode an entry stop only follows a seccomp stop we asked an exit
                 * for: the syscall was already counted. */
                if (!tr->seccomp && !seccomp_stop)
                        syscall_enter(tr, t, info.arch, info.entry.nr, info.entry.args,
                                      info.instruction_pointer, info.stack_pointer);
                break;
        case PTRACE_SYSCALL_INFO_EXIT:
                syscall_exit(tr, t, info.exit.rval, info.exit.is_error);
                break;
        default:
                break;
        }
        pg_tracer_resume(tr, t, tid, 0);
}

/* ---- processes and threads ---- */

static bool take_early(struct pg_tracer *tr, pid_t tid)
{
        for (size_t i = 0; i < tr->n_early; i++)
                if (tr->early[i] == tid) {
                        tr->early[i] = tr->early[--tr->n_early];
                        return true;
                }
        return false;
}

/* A CLONE event may be a thread or (rarely: clone without SIGCHLD) a process: a thread shows up
 * in its parent's task directory. */
static bool is_thread(pid_t parent_pid, pid_t tid)
{
        char path[64];
        struct stat st;
        snprintf(path, sizeof(path), "/proc/%d/task/%d", parent_pid, tid);
        return stat(path, &st) == 0;
}

void pg_tracer_on_clone(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int event)
{
        unsigned long msg = 0;
        if (!t || ptrace(PTRACE_GETEVENTMSG, tid, 0L, &msg) < 0) {
                pg_tracer_resume(tr, t, tid, 0);
                return;
        }
        pid_t child_tid = (pid_t)msg;
        bool thread = event == PTRACE_EVENT_CLONE && is_thread(t->proc->pid, child_tid);
        struct pg_tracee *c = pg_tracee_table_add(tr->tab, child_tid, thread ? t->proc : NULL);
        if (!c) {
                fail(tr, -ENOMEM, "out of memory");
                return;
        }
        if (!thread) {
                c->proc->ppid = t->proc->pid;
                c->proc->exe = t->proc->exe ? strdup(t->proc->exe) : NULL;
                c->proc->exe_id = t->proc->exe_id;
        }
        pg_tracer_notify_spawn(tr, t, c, thread);
        if (take_early(tr, child_tid))
                pg_tracer_resume(tr, c, child_tid, 0); /* its first stop came first */
        else
                c->flags |= PG_TRACEE_NEW;
        pg_tracer_resume(tr, t, tid, 0);
}

static char *read_exe(pid_t pid)
{
        char path[64], buf[4096];
        snprintf(path, sizeof(path), "/proc/%d/exe", pid);
        ssize_t n = readlink(path, buf, sizeof(buf) - 1);
        if (n < 0)
                return NULL;
        buf[n] = '\0';
        return strdup(buf);
}

/* The command's own exec: from here on its syscalls are the workload's. */
static void command_execed(struct pg_tracer *tr, struct pg_tracee *t)
{
        int e = 0;
        enum pg_spawn_report rep = pg_spawn_read_report(tr->status_fd, &e);
        tr->cmd_execed = true;
        tr->seccomp = tr->want_seccomp && rep == PG_SPAWN_FILTER_OK;
        if (tr->want_seccomp && !tr->seccomp) {
                /* PTRACE_SYSCALL stops at every syscall: the kernel's record would count each
                 * twice, and the i386 ones as native. */
                pg_sys_tracepoint_free(tr->systp);
                tr->systp = NULL;
                tr->want_tp = false;
                if (tr->opts.mode == PG_TRACE_SECCOMP || tr->opts.mode == PG_TRACE_TRACEPOINT) {
                        fail(tr, -e, "cannot install the tracing seccomp filter");
                        return;
                }
                if (asprintf(&tr->mode_note,
                             "the tracing seccomp filter could not be installed (%s): traced "
                             "with PTRACE_SYSCALL, two stops per syscall",
                             strerror(e)) < 0)
                        tr->mode_note = NULL;
        } else if (tr->seccomp && geteuid() != 0) {
                tr->mode_note = strdup("no_new_privs was set for the workload (an unprivileged "
                                       "process needs it to install the tracing filter): "
                                       "set-user-ID programs ran without their privileges");
        }
        /* The exec itself was made before the workload existed as such: count it here. */
        uint64_t noargs[6] = {0};
        syscall_enter(tr, t, pg_arch_info(pg_arch_native())->audit_arch,
                      tr->execve_slot + pg_arch_info(pg_arch_native())->nr_bias, noargs, 0, 0);
        t->flags &= ~PG_TRACEE_WANT_EXIT;
}

void pg_tracer_on_exec(struct pg_tracer *tr, pid_t tid)
{
        unsigned long former = (unsigned long)tid;
        ptrace(PTRACE_GETEVENTMSG, tid, 0L, &former);
        if ((pid_t)former != tid)
                pg_tracee_table_rekey(tr->tab, (pid_t)former, tid);
        struct pg_tracee *t = pg_tracee_table_get(tr->tab, tid);
        if (!t) {
                pg_tracer_resume(tr, NULL, tid, 0);
                return;
        }
        free(t->proc->exe);
        t->proc->exe = read_exe(tid);
        if (!tr->cmd_execed && t->proc->pid == tr->cmd_pid)
                command_execed(tr, t);
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].exec)
                        tr->obs[i].exec(tr->obs[i].userdata, t);
        pg_tracer_resume(tr, t, tid, 0);
}

/* ---- stops, signals, exits ---- */

void pg_tracer_on_ptrace_stop(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int sig)
{
        if (!t) {
                /* A new thread's first stop, before its creator's clone event: keep it stopped
                 * until we know whose it is. */
                pid_t *ne = realloc(tr->early, (tr->n_early + 1) * sizeof(*ne));
                if (!ne) {
                        fail(tr, -ENOMEM, "out of memory");
                        return;
                }
                tr->early = ne;
                tr->early[tr->n_early++] = tid;
                return;
        }
        if (t->flags & PG_TRACEE_NEW) {
                t->flags &= ~PG_TRACEE_NEW;
                pg_tracer_resume(tr, t, tid, 0);
                return;
        }
        if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
                /* group-stop: stay stopped (as without profgen) until SIGCONT, without
                 * blocking the tracer */
                ptrace(PTRACE_LISTEN, tid, 0L, 0L);
        else
                pg_tracer_resume(tr, t, tid, 0);
}

void pg_tracer_on_signal(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int sig)
{
        pg_tracer_resume(tr, t, tid, sig);
}

void pg_tracer_on_gone(struct pg_tracer *tr, struct pg_tracee *t, pid_t tid, int status)
{
        if (tid == tr->cmd_pid) {
                tr->cmd_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                int e = 0;
                if (!tr->cmd_execed &&
                    pg_spawn_read_report(tr->status_fd, &e) == PG_SPAWN_EXEC_FAILED)
                        tr->exec_errno = e;
        }
        take_early(tr, tid);
        if (!t)
                return;
        for (size_t i = 0; i < tr->n_obs; i++)
                if (tr->obs[i].thread_exit)
                        tr->obs[i].thread_exit(tr->obs[i].userdata, t, status);
        pg_tracee_table_remove(tr->tab, tid);
}
