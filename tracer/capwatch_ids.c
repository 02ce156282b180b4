// SPDX-License-Identifier: MIT
/* Judges of credentials and of calls on other processes: the set*id family, setgroups, capset,
 * prctl, signals, ptrace. Another process's ids come from its /proc status at the call's entry.
 * Evidence names processes by owner, never by pid, so that a .caps file is stable. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>

#include "capwatch_internal.h"

static bool is_gid_kind(int kind)
{
        return kind == PG_CAP_KIND_SETGID || kind == PG_CAP_KIND_SETREGID ||
               kind == PG_CAP_KIND_SETRESGID || kind == PG_CAP_KIND_SETFSGID;
}

static int n_ids(int kind)
{
        switch (kind) {
        case PG_CAP_KIND_SETREUID:
        case PG_CAP_KIND_SETREGID:
                return 2;
        case PG_CAP_KIND_SETRESUID:
        case PG_CAP_KIND_SETRESGID:
                return 3;
        default:
                return 1;
        }
}

void pg_cw_judge_setid(struct pg_cw_call *c)
{
        const struct pg_cap_creds *cr = c->cr;
        int kind = (int)c->rule->kind, n = n_ids(kind);
        bool gid = is_gid_kind(kind);
        uint32_t ids[3] = {(uint32_t)-1, (uint32_t)-1, (uint32_t)-1};
        const uint32_t cur[4] = {gid ? cr->rgid : cr->ruid, gid ? cr->egid : cr->euid,
                                 gid ? cr->sgid : cr->suid, gid ? cr->fsgid : cr->fsuid};
        char args[64] = "";
        size_t len = 0;
        for (int i = 0; i < n; i++) {
                ids[i] = pg_cw_id_arg(c, i);
                len += (size_t)snprintf(args + len, sizeof(args) - len, "%s%d", i ? ", " : "",
                                        (int)ids[i]);
        }
        pg_cw_describe(c, "%s(%s)", c->name, args);
        if (pg_cap_model_setid(kind, cur, ids))
                pg_cw_claim(c, gid ? CAP_SETGID : CAP_SETUID, NULL,
                            "current %s %u/%u/%u (real/effective/saved)", gid ? "gids" : "uids",
                            cur[0], cur[1], cur[2]);
}

void pg_cw_judge_setgroups(struct pg_cw_call *c)
{
        int n = pg_cw_iarg(c, 0);
        pg_cw_describe(c, "%s(%d groups)", c->name, n);
        pg_cw_claim(c, CAP_SETGID, NULL, "setting the supplementary groups, even to the same list");
}

void pg_cw_judge_capset(struct pg_cw_call *c)
{
        uint32_t hdr[2], data[6] = {0}; /* version, pid; {effective, permitted, inheritable} x2 */
        if (pg_tracee_read(c->t, pg_cw_arg(c, 0), hdr, sizeof(hdr)) != sizeof(hdr))
                return;
        size_t words = hdr[0] == 0x19980330 ? 3 : 6; /* _LINUX_CAPABILITY_VERSION_1: 32 bits */
        if (pg_cw_arg(c, 1) == 0 ||
            pg_tracee_read(c->t, pg_cw_arg(c, 1), data, words * 4) != (ssize_t)(words * 4))
                return;
        uint64_t inh = data[2] | ((uint64_t)data[5] << 32);
        pg_cw_describe(c, "capset(inheritable %#llx)", (unsigned long long)inh);
        if ((hdr[1] == 0 || (pid_t)hdr[1] == c->t->tid) && pg_cap_model_capset(c->cr, inh))
                pg_cw_claim(c, CAP_SETPCAP, NULL, "inheritable set beyond inheritable | permitted");
}

void pg_cw_judge_prctl(struct pg_cw_call *c)
{
        int option = pg_cw_iarg(c, 0);
        switch (option) {
        case PR_CAPBSET_DROP:
                pg_cw_describe(c, "prctl(PR_CAPBSET_DROP, %d)", pg_cw_iarg(c, 1));
                pg_cw_claim(c, CAP_SETPCAP, NULL, "dropping from the bounding set");
                break;
        case PR_SET_SECUREBITS:
                pg_cw_describe(c, "prctl(PR_SET_SECUREBITS, %#x)", pg_cw_iarg(c, 1));
                pg_cw_claim(c, CAP_SETPCAP, NULL, "changing the securebits");
                break;
        case PR_SET_MM:
                pg_cw_describe(c, "prctl(PR_SET_MM, %d)", pg_cw_iarg(c, 1));
                pg_cw_claim(c, CAP_SYS_RESOURCE, NULL, "changing the memory map's fields");
                break;
        default:
                pg_cw_describe(c, "prctl(%d)", option);
                break;
        }
}

static const char *sig_name(int sig)
{
        const char *n = sig > 0 ? sigabbrev_np(sig) : NULL;
        return sig == 0 ? "0" : n ? n : "?";
}

/* Signalling thread `tid` of process `pid`. */
static void judge_signal(struct pg_cw_call *c, pid_t pid, pid_t tid, int sig)
{
        struct pg_cap_creds target;
        if (pid <= 0 || pg_cw_read_creds(pid, tid, &target) < 0) {
                pg_cw_describe(c, "%s(%d, SIG%s)", c->name, pid, sig_name(sig));
                return; /* process groups and "everyone" are not judged */
        }
        pg_cw_describe(c, "%s(a process of uid %u, SIG%s)", c->name, target.ruid, sig_name(sig));
        if (!pg_cap_model_kill(c->cr, target.ruid, target.suid))
                return;
        long long sender_sid, target_sid;
        /* SIGCONT may go to any process of the same session. */
        if (sig == SIGCONT && pg_cw_stat_field(c->t->proc->pid, c->t->tid, 6, &sender_sid) == 0 &&
            pg_cw_stat_field(pid, tid, 6, &target_sid) == 0 && sender_sid == target_sid)
                return;
        pg_cw_claim(c, CAP_KILL, NULL, "target uids %u/%u (real/saved), sender %u/%u", target.ruid,
                    target.suid, c->cr->ruid, c->cr->euid);
}

void pg_cw_judge_kill(struct pg_cw_call *c)
{
        pid_t pid = pg_cw_iarg(c, c->rule->arg);
        judge_signal(c, pid, pid, pg_cw_iarg(c, c->rule->arg2));
}

void pg_cw_judge_tgkill(struct pg_cw_call *c)
{
        judge_signal(c, pg_cw_iarg(c, 0), pg_cw_iarg(c, 1), pg_cw_iarg(c, 2));
}

void pg_cw_judge_pidfd_signal(struct pg_cw_call *c)
{
        pid_t pid;
        if (pg_cw_pidfd_pid(c->t->proc->pid, pg_cw_iarg(c, 0), &pid) == 0)
                judge_signal(c, pid, pid, pg_cw_iarg(c, 1));
}

/* Access to another process's memory: __ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS). */
static void judge_ptrace_access(struct pg_cw_call *c, pid_t pid)
{
        struct pg_cap_creds target;
        struct stat st;
        char proc[32];
        if (pid <= 0 || pg_cw_read_creds(pid, pid, &target) < 0)
                return;
        /* A non-dumpable process's /proc directory belongs to root whatever its uid. */
        snprintf(proc, sizeof(proc), "/proc/%d", pid);
        bool undumpable = stat(proc, &st) == 0 && st.st_uid == 0 && target.euid != 0;
        if (pg_cap_model_ptrace(c->cr, &target) || undumpable)
                pg_cw_claim(c, CAP_SYS_PTRACE, NULL, "a process of uid %u/%u/%u%s", target.ruid,
                            target.euid, target.suid, undumpable ? ", not dumpable" : "");
}

void pg_cw_judge_ptrace(struct pg_cw_call *c)
{
        long req = (long)pg_cw_arg(c, 0);
        if (req != PTRACE_ATTACH && req != PTRACE_SEIZE)
                return;
        pg_cw_describe(c, "ptrace(%s)", req == PTRACE_ATTACH ? "PTRACE_ATTACH" : "PTRACE_SEIZE");
        judge_ptrace_access(c, pg_cw_iarg(c, 1));
}

void pg_cw_judge_process_vm(struct pg_cw_call *c)
{
        pg_cw_describe(c, "%s()", c->name);
        judge_ptrace_access(c, pg_cw_iarg(c, 0));
}
