// SPDX-License-Identifier: MIT
/* Judges of the other rules: the always-privileged calls, scheduling and priorities, resource
 * limits, locked memory, clocks, the kernel log, perf and BPF, alarm timers and namespaces. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/timex.h>

#include "capwatch_internal.h"

/* CAP_BPF and CAP_PERFMON date from Linux 5.8; Docker learned their names in 23.0. */
#define NOTE_OLD_DOCKER_BPF                                                                        \
        "Docker before 23.0 does not know CAP_BPF: add SYS_ADMIN there, which passes this check "  \
        "too"
#define NOTE_OLD_DOCKER_PERFMON                                                                    \
        "Docker before 23.0 does not know CAP_PERFMON: add SYS_ADMIN there, which passes this "    \
        "check too"

void pg_cw_judge_always(struct pg_cw_call *c)
{
        pg_cw_describe(c, "%s()", c->name);
        for (int cap = 0; cap < 64; cap++)
                if ((c->rule->caps >> cap) & 1u)
                        pg_cw_claim(c, cap, NULL, "%s", c->rule->why);
}

/* The target of a call that takes a pid (0: the caller itself). */
static pid_t target_of(const struct pg_cw_call *c, pid_t pid)
{
        return pid > 0 ? pid : c->t->tid;
}

static void claim_other_owner(struct pg_cw_call *c, pid_t target)
{
        struct pg_cap_creds tc;
        if (target != c->t->tid && pg_cw_read_creds(target, target, &tc) == 0 &&
            !pg_cap_model_same_owner(c->cr, &tc))
                pg_cw_claim(c, CAP_SYS_NICE, NULL, "a process of uid %u/%u, caller euid %u",
                            tc.ruid, tc.euid, c->cr->euid);
}

static void claim_nice(struct pg_cw_call *c, pid_t target, int new_nice)
{
        long long cur;
        uint64_t rlim = 0;
        if (pg_cw_stat_field(target, target, 19, &cur) < 0)
                return;
        pg_cw_limit(target, RLIMIT_NICE, false, &rlim);
        if (pg_cap_model_nice((int)cur, new_nice, rlim))
                pg_cw_claim(c, CAP_SYS_NICE, NULL, "nice %lld -> %d beyond RLIMIT_NICE %llu", cur,
                            new_nice, (unsigned long long)rlim);
}

void pg_cw_judge_setpriority(struct pg_cw_call *c)
{
        int which = pg_cw_iarg(c, 0), who = pg_cw_iarg(c, 1), prio = pg_cw_iarg(c, 2);
        pid_t target = which == PRIO_PROCESS ? target_of(c, who) : c->t->tid;
        pg_cw_describe(c, "setpriority(%s, %d)", which == PRIO_PROCESS ? "PRIO_PROCESS" : "group",
                       prio);
        claim_other_owner(c, target);
        claim_nice(c, target, prio > 19 ? 19 : prio);
}

void pg_cw_judge_nice(struct pg_cw_call *c)
{
        long long cur;
        int inc = pg_cw_iarg(c, 0);
        pg_cw_describe(c, "nice(%d)", inc);
        if (pg_cw_stat_field(c->t->proc->pid, c->t->tid, 19, &cur) == 0)
                claim_nice(c, c->t->tid, (int)cur + inc);
}

/* user_check_sched_setscheduler() for a real-time or deadline policy. */
static void claim_rt(struct pg_cw_call *c, pid_t target, int policy, int prio)
{
        long long cur_policy = 0, cur_prio = 0;
        uint64_t rlim = 0;
        pg_cw_stat_field(target, target, 41, &cur_policy);
        pg_cw_stat_field(target, target, 40, &cur_prio);
        pg_cw_limit(target, RLIMIT_RTPRIO, false, &rlim);
        if (policy == -1)
                policy = (int)cur_policy;
        if (policy == 6 /* SCHED_DEADLINE */)
                pg_cw_claim(c, CAP_SYS_NICE, NULL, "the deadline policy");
        else if ((policy == SCHED_FIFO || policy == SCHED_RR) &&
                 ((rlim == 0 && policy != cur_policy) ||
                  ((uint64_t)prio > (uint64_t)cur_prio && (uint64_t)prio > rlim)))
                pg_cw_claim(c, CAP_SYS_NICE, NULL,
                            "real-time priority %d beyond RLIMIT_RTPRIO %llu", prio,
                            (unsigned long long)rlim);
}

void pg_cw_judge_sched(struct pg_cw_call *c)
{
        pid_t target = target_of(c, pg_cw_iarg(c, c->rule->arg));
        int policy = c->rule->arg2 >= 0 ? pg_cw_iarg(c, c->rule->arg2) & ~SCHED_RESET_ON_FORK : -1;
        int param = (c->rule->arg2 >= 0 ? c->rule->arg2 : c->rule->arg) + 1;
        int32_t prio = 0;
        if (pg_tracee_read(c->t, pg_cw_arg(c, param), &prio, sizeof(prio)) != sizeof(prio))
                return;
        pg_cw_describe(c, "%s(policy %d, priority %d)", c->name, policy, prio);
        claim_other_owner(c, target);
        claim_rt(c, target, policy, prio);
}

void pg_cw_judge_sched_attr(struct pg_cw_call *c)
{
        /* struct sched_attr: u32 size, u32 policy, u64 flags, s32 nice, u32 priority */
        uint32_t a[6];
        pid_t target = target_of(c, pg_cw_iarg(c, 0));
        if (pg_tracee_read(c->t, pg_cw_arg(c, 1), a, sizeof(a)) != sizeof(a))
                return;
        int policy = (int)a[1], nice = (int32_t)a[4], prio = (int)a[5];
        pg_cw_describe(c, "sched_setattr(policy %d, nice %d, priority %d)", policy, nice, prio);
        claim_other_owner(c, target);
        if (policy == SCHED_OTHER || policy == SCHED_BATCH)
                claim_nice(c, target, nice);
        else
                claim_rt(c, target, policy, prio);
}

void pg_cw_judge_affinity(struct pg_cw_call *c)
{
        pg_cw_describe(c, "sched_setaffinity()");
        claim_other_owner(c, target_of(c, pg_cw_iarg(c, 0)));
}

void pg_cw_judge_ioprio(struct pg_cw_call *c)
{
        int ioprio = pg_cw_iarg(c, 2), class = (ioprio >> 13) & 7;
        pg_cw_describe(c, "ioprio_set(class %d, level %d)", class, ioprio & 0x1fff);
        if (class == 1 /* IOPRIO_CLASS_RT */)
                pg_cw_claim(c, CAP_SYS_NICE, NULL, "the real-time I/O class");
        if (pg_cw_iarg(c, 0) == 1 /* IOPRIO_WHO_PROCESS */)
                claim_other_owner(c, target_of(c, pg_cw_iarg(c, 1)));
}

static const char *rlimit_name(int res)
{
        static const char *const names[] = {
            "RLIMIT_CPU",      "RLIMIT_FSIZE", "RLIMIT_DATA",   "RLIMIT_STACK",
            "RLIMIT_CORE",     "RLIMIT_RSS",   "RLIMIT_NPROC",  "RLIMIT_NOFILE",
            "RLIMIT_MEMLOCK",  "RLIMIT_AS",    "RLIMIT_LOCKS",  "RLIMIT_SIGPENDING",
            "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO", "RLIMIT_RTTIME"};
        return res >= 0 && res < 16 ? names[res] : "RLIMIT_?";
}

void pg_cw_judge_rlimit(struct pg_cw_call *c)
{
        bool prlimit = c->rule->arg >= 0;
        pid_t target = prlimit ? target_of(c, pg_cw_iarg(c, c->rule->arg)) : c->t->proc->pid;
        int res = pg_cw_iarg(c, c->rule->arg2);
        uint64_t addr = pg_cw_arg(c, c->rule->arg2 + 1), lim[2] = {0}, hard;
        uint32_t lim32[2];
        pg_cw_describe(c, "%s(%s)", c->name, rlimit_name(res));
        if (addr == 0)
                return; /* only reads */
        if (prlimit || pg_cw_wide(c)) {
                if (pg_tracee_read(c->t, addr, lim, sizeof(lim)) != sizeof(lim))
                        return;
        } else {
                if (pg_tracee_read(c->t, addr, lim32, sizeof(lim32)) != sizeof(lim32))
                        return;
                lim[1] = lim32[1] == UINT32_MAX ? (uint64_t)RLIM_INFINITY : lim32[1];
        }
        if (pg_cw_limit(target, res, true, &hard) == 0 && lim[1] > hard)
                pg_cw_claim(c, CAP_SYS_RESOURCE, NULL, "%s hard limit %llu -> %llu",
                            rlimit_name(res), (unsigned long long)hard, (unsigned long long)lim[1]);
}

static void claim_lock(struct pg_cw_call *c, uint64_t locked, uint64_t len)
{
        uint64_t limit;
        if (pg_cw_limit(c->t->proc->pid, RLIMIT_MEMLOCK, false, &limit) == 0 &&
            pg_cap_model_mlock(locked, len, limit))
                pg_cw_claim(c, CAP_IPC_LOCK, NULL,
                            "%llu bytes locked beyond RLIMIT_MEMLOCK %llu (the container "
                            "inherits the engine's limit)",
                            (unsigned long long)(locked + len), (unsigned long long)limit);
}

void pg_cw_judge_mlock(struct pg_cw_call *c)
{
        uint64_t locked = 0, len = pg_cw_arg(c, c->rule->arg);
        pg_cw_describe(c, "%s(%llu bytes)", c->name, (unsigned long long)len);
        pg_cw_status_kb(c->t->proc->pid, "VmLck", &locked);
        claim_lock(c, locked, len);
}

void pg_cw_judge_mlockall(struct pg_cw_call *c)
{
        uint64_t total = 0;
        int flags = pg_cw_iarg(c, 0);
        pg_cw_describe(c, "mlockall(%s%s)", (flags & MCL_CURRENT) ? "MCL_CURRENT" : "",
                       (flags & MCL_FUTURE) ? " MCL_FUTURE" : "");
        if ((flags & MCL_CURRENT) && pg_cw_status_kb(c->t->proc->pid, "VmSize", &total) == 0)
                claim_lock(c, 0, total);
}

void pg_cw_judge_mmap(struct pg_cw_call *c)
{
        uint64_t locked = 0, len = pg_cw_arg(c, c->rule->arg);
        if (!(pg_cw_arg(c, c->rule->arg2) & MAP_LOCKED))
                return; /* the common case: keep it cheap */
        pg_cw_describe(c, "%s(%llu bytes, MAP_LOCKED)", c->name, (unsigned long long)len);
        pg_cw_status_kb(c->t->proc->pid, "VmLck", &locked);
        claim_lock(c, locked, len);
}

void pg_cw_judge_settimeofday(struct pg_cw_call *c)
{
        bool tv = pg_cw_arg(c, 0) != 0, tz = pg_cw_arg(c, 1) != 0;
        pg_cw_describe(c, "settimeofday(%s, %s)", tv ? "tv" : "NULL", tz ? "tz" : "NULL");
        if (tv || tz)
                pg_cw_claim(c, CAP_SYS_TIME, NULL, "setting the %s", tv ? "time" : "time zone");
}

void pg_cw_judge_adjtimex(struct pg_cw_call *c)
{
        uint32_t modes = 0;
        if (pg_tracee_read(c->t, pg_cw_arg(c, c->rule->arg), &modes, sizeof(modes)) != 4)
                return;
        pg_cw_describe(c, "%s(modes %#x)", c->name, modes);
        if (modes != 0 && modes != ADJ_OFFSET_SS_READ)
                pg_cw_claim(c, CAP_SYS_TIME, NULL, "adjusting the clock");
}

void pg_cw_judge_syslog(struct pg_cw_call *c)
{
        int type = pg_cw_iarg(c, 0);
        pg_cw_describe(c, "syslog(%d)", type);
        /* SYSLOG_ACTION_READ_ALL (3) and SIZE_BUFFER (10) are open unless dmesg_restrict */
        if (c->w->env.dmesg_restrict || (type != 3 && type != 10))
                pg_cw_claim(c, CAP_SYSLOG, NULL, "the kernel log (kernel.dmesg_restrict=%d)",
                            c->w->env.dmesg_restrict);
}

void pg_cw_judge_perf(struct pg_cw_call *c)
{
        /* struct perf_event_attr: u32 type, u32 size, u64 config, u64 period, u64 sample_type,
         * u64 read_format, u64 flags (bit 5: exclude_kernel) */
        uint64_t a[6];
        int paranoid = c->w->env.perf_paranoid, pid = pg_cw_iarg(c, 1);
        if (pg_tracee_read(c->t, pg_cw_arg(c, 0), a, sizeof(a)) != sizeof(a))
                return;
        uint32_t type = (uint32_t)a[0];
        bool kernel = !((a[5] >> 5) & 1u), raw = (a[3] >> 10) & 1u;
        pg_cw_describe(c, "perf_event_open(type %u%s%s)", type, pid == -1 ? ", all processes" : "",
                       kernel ? ", kernel" : "");
        if ((pid == -1 && paranoid > 0) || (kernel && paranoid > 1) ||
            (type == 2 /* PERF_TYPE_TRACEPOINT */ && raw && paranoid > -1))
                pg_cw_claim(c, CAP_PERFMON, NOTE_OLD_DOCKER_PERFMON,
                            "kernel.perf_event_paranoid=%d", paranoid);
}

void pg_cw_judge_bpf(struct pg_cw_call *c)
{
        static const uint32_t tracing[] = {2, 5, 7, 17, 26}; /* kprobe, tracepoint, ... tracing */
        int cmd = pg_cw_iarg(c, 0);
        uint32_t prog_type = 0;
        pg_cw_describe(c, "bpf(%d)", cmd);
        if (c->w->env.bpf_disabled)
                pg_cw_claim(c, CAP_BPF, NOTE_OLD_DOCKER_BPF, "kernel.unprivileged_bpf_disabled=%d",
                            c->w->env.bpf_disabled);
        if (cmd != 5 /* BPF_PROG_LOAD */ ||
            pg_tracee_read(c->t, pg_cw_arg(c, 1), &prog_type, 4) != 4)
                return;
        for (size_t i = 0; i < sizeof(tracing) / sizeof(tracing[0]); i++)
                if (prog_type == tracing[i])
                        pg_cw_claim(c, CAP_PERFMON, NOTE_OLD_DOCKER_PERFMON,
                                    "a tracing program (type %u)", prog_type);
}

void pg_cw_judge_alarm(struct pg_cw_call *c)
{
        int clock = pg_cw_iarg(c, 0);
        if (clock != 8 && clock != 9) /* CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM */
                return;
        pg_cw_describe(c, "%s(%s)", c->name,
                       clock == 8 ? "CLOCK_REALTIME_ALARM" : "CLOCK_BOOTTIME_ALARM");
        pg_cw_claim(c, CAP_WAKE_ALARM, NULL, "an alarm clock can wake the system");
}

void pg_cw_judge_namespaces(struct pg_cw_call *c)
{
        const uint64_t ns = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                            CLONE_NEWNET | CLONE_NEWPID | 0x80 /* CLONE_NEWTIME */;
        uint64_t flags = pg_cw_arg(c, c->rule->arg);
        if (c->rule->arg2 == 1 && pg_tracee_read(c->t, flags, &flags, sizeof(flags)) != 8)
                return; /* clone3: the flags lead struct clone_args */
        if (strcmp(c->name, "clone") == 0)
                flags &= ~0xffull; /* clone()'s low byte is the exit signal */
        if (!(flags & ns))
                return; /* the common case (fork, threads): keep it cheap */
        pg_cw_describe(c, "%s(flags %#llx)", c->name, (unsigned long long)flags);
        /* With a new user namespace the others are created inside it, where the caller has
         * every capability. */
        if (!(flags & CLONE_NEWUSER))
                pg_cw_claim(c, CAP_SYS_ADMIN, NULL, "new namespaces outside a user namespace");
}

void pg_cw_judge_open_tree(struct pg_cw_call *c)
{
        pg_cw_describe(c, "open_tree()");
        if (pg_cw_arg(c, 2) & 1 /* OPEN_TREE_CLONE */)
                pg_cw_claim(c, CAP_SYS_ADMIN, NULL, "a detached copy of a mount");
}
