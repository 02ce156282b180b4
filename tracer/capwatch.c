// SPDX-License-Identifier: MIT
/* The capability watcher's observer. A syscall with a rule is judged at its entry, with the
 * thread's credentials as they are then; what it would need is claimed, and committed to the
 * recording at its exit when it succeeded (a failed call did not rely on a capability). Only the
 * syscalls with a rule ask for an exit stop. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capwatch_internal.h"
#include "profgen/cleanup.h"
#include "profgen/unwind.h"

const pg_cw_judge_fn pg_cw_judges[PG_CAP_KIND_COUNT] = {
    [PG_CAP_KIND_ALWAYS] = pg_cw_judge_always,
    [PG_CAP_KIND_OPEN] = pg_cw_judge_open,
    [PG_CAP_KIND_OPENAT2] = pg_cw_judge_openat2,
    [PG_CAP_KIND_CREAT] = pg_cw_judge_creat,
    [PG_CAP_KIND_ACCESS] = pg_cw_judge_access,
    [PG_CAP_KIND_EXEC] = pg_cw_judge_exec,
    [PG_CAP_KIND_CHDIR] = pg_cw_judge_chdir,
    [PG_CAP_KIND_MKNOD] = pg_cw_judge_mknod,
    [PG_CAP_KIND_CREATE] = pg_cw_judge_create,
    [PG_CAP_KIND_UNLINK] = pg_cw_judge_unlink,
    [PG_CAP_KIND_RENAME] = pg_cw_judge_rename,
    [PG_CAP_KIND_LINK] = pg_cw_judge_link,
    [PG_CAP_KIND_TRUNCATE] = pg_cw_judge_truncate,
    [PG_CAP_KIND_CHMOD] = pg_cw_judge_chmod,
    [PG_CAP_KIND_CHOWN] = pg_cw_judge_chown,
    [PG_CAP_KIND_UTIMES] = pg_cw_judge_utimes,
    [PG_CAP_KIND_XATTR] = pg_cw_judge_xattr,
    [PG_CAP_KIND_SETUID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETREUID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETRESUID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETFSUID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETGID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETREGID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETRESGID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETFSGID] = pg_cw_judge_setid,
    [PG_CAP_KIND_SETGROUPS] = pg_cw_judge_setgroups,
    [PG_CAP_KIND_CAPSET] = pg_cw_judge_capset,
    [PG_CAP_KIND_PRCTL] = pg_cw_judge_prctl,
    [PG_CAP_KIND_KILL] = pg_cw_judge_kill,
    [PG_CAP_KIND_TGKILL] = pg_cw_judge_tgkill,
    [PG_CAP_KIND_PIDFD_SIGNAL] = pg_cw_judge_pidfd_signal,
    [PG_CAP_KIND_SOCKET] = pg_cw_judge_socket,
    [PG_CAP_KIND_BIND] = pg_cw_judge_bind,
    [PG_CAP_KIND_SETSOCKOPT] = pg_cw_judge_setsockopt,
    [PG_CAP_KIND_SENDTO] = pg_cw_judge_sendto,
    [PG_CAP_KIND_SENDMSG] = pg_cw_judge_sendmsg,
    [PG_CAP_KIND_IOCTL] = pg_cw_judge_ioctl,
    [PG_CAP_KIND_FCNTL] = pg_cw_judge_fcntl,
    [PG_CAP_KIND_SETPRIORITY] = pg_cw_judge_setpriority,
    [PG_CAP_KIND_NICE] = pg_cw_judge_nice,
    [PG_CAP_KIND_SCHED] = pg_cw_judge_sched,
    [PG_CAP_KIND_SCHED_ATTR] = pg_cw_judge_sched_attr,
    [PG_CAP_KIND_AFFINITY] = pg_cw_judge_affinity,
    [PG_CAP_KIND_IOPRIO] = pg_cw_judge_ioprio,
    [PG_CAP_KIND_RLIMIT] = pg_cw_judge_rlimit,
    [PG_CAP_KIND_MLOCK] = pg_cw_judge_mlock,
    [PG_CAP_KIND_MLOCKALL] = pg_cw_judge_mlockall,
    [PG_CAP_KIND_MMAP] = pg_cw_judge_mmap,
    [PG_CAP_KIND_PTRACE] = pg_cw_judge_ptrace,
    [PG_CAP_KIND_PROCESS_VM] = pg_cw_judge_process_vm,
    [PG_CAP_KIND_SETTIMEOFDAY] = pg_cw_judge_settimeofday,
    [PG_CAP_KIND_ADJTIMEX] = pg_cw_judge_adjtimex,
    [PG_CAP_KIND_SYSLOG] = pg_cw_judge_syslog,
    [PG_CAP_KIND_PERF] = pg_cw_judge_perf,
    [PG_CAP_KIND_BPF] = pg_cw_judge_bpf,
    [PG_CAP_KIND_ALARM] = pg_cw_judge_alarm,
    [PG_CAP_KIND_NAMESPACES] = pg_cw_judge_namespaces,
    [PG_CAP_KIND_OPEN_TREE] = pg_cw_judge_open_tree,
};

bool pg_capwatch_judges_complete(void)
{
        for (size_t k = 0; k < PG_CAP_KIND_COUNT; k++)
                if (!pg_cw_judges[k])
                        return false;
        return true;
}

/* ---- threads ---- */

struct pg_cw_thread *pg_cw_thread_get(struct pg_capwatch *w, pid_t tid, bool create)
{
        struct pg_cw_thread **b = &w->buckets[(unsigned)tid % PG_CW_BUCKETS];
        for (struct pg_cw_thread *th = *b; th; th = th->next)
                if (th->tid == tid)
                        return th;
        if (!create)
                return NULL;
        struct pg_cw_thread *th = calloc(1, sizeof(*th));
        if (!th) {
                w->error = -ENOMEM;
                return NULL;
        }
        th->tid = tid;
        th->root_fd = -1;
        th->next = *b;
        *b = th;
        return th;
}

static void thread_drop(struct pg_capwatch *w, pid_t tid)
{
        for (struct pg_cw_thread **p = &w->buckets[(unsigned)tid % PG_CW_BUCKETS]; *p;
             p = &(*p)->next)
                if ((*p)->tid == tid) {
                        struct pg_cw_thread *th = *p;
                        *p = th->next;
                        pg_cw_root_close(w, th);
                        free(th);
                        return;
                }
}

/* ---- helpers for the judges ---- */

uint64_t pg_cw_arg(const struct pg_cw_call *c, int index)
{
        return index >= 0 && index < 6 ? c->sc->args[index] : 0;
}

int pg_cw_iarg(const struct pg_cw_call *c, int index)
{
        return (int)(int32_t)pg_cw_arg(c, index);
}

uint32_t pg_cw_id_arg(const struct pg_cw_call *c, int index)
{
        uint32_t v = (uint32_t)pg_cw_arg(c, index);
        if ((c->rule->flags & PG_CAP_RULE_ID16) && c->sc->arch == PG_ARCH_X86)
                return (v & 0xffff) == 0xffff ? (uint32_t)-1 : (v & 0xffff);
        return v;
}

bool pg_cw_wide(const struct pg_cw_call *c)
{
        return c->sc->arch != PG_ARCH_X86 && c->sc->arch != PG_ARCH_ARM &&
               c->sc->arch != PG_ARCH_X32;
}

void pg_cw_describe(struct pg_cw_call *c, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->th->desc, sizeof(c->th->desc), fmt, ap);
        va_end(ap);
}

void pg_cw_claim(struct pg_cw_call *c, int cap, const char *note, const char *why_fmt, ...)
{
        struct pg_cw_thread *th = c->th;
        if (!pg_cap_creds_has(c->cr, cap) || th->n_claims == PG_CW_MAX_CLAIMS)
                return;
        for (size_t i = 0; i < th->n_claims; i++)
                if (th->claims[i].cap == cap)
                        return;
        struct pg_cw_claim *cl = &th->claims[th->n_claims++];
        char why[160];
        va_list ap;
        va_start(ap, why_fmt);
        vsnprintf(why, sizeof(why), why_fmt, ap);
        va_end(ap);
        cl->cap = cap;
        cl->note = note;
        snprintf(cl->detail, sizeof(cl->detail), "%s: %s", th->desc[0] ? th->desc : c->name, why);
}

void pg_cw_advise(struct pg_cw_call *c, const char *name, const char *advice)
{
        char key[96];
        snprintf(key, sizeof(key), "%s%s", PG_FACT_CAP_NOTE, name);
        struct pg_fact f = {.key = key,
                            .arch = c->sc->arch,
                            .slot = c->sc->slot,
                            .detail = (char *)advice,
                            .pid = c->t->proc->pid,
                            .exe = c->t->proc->exe_id};
        if (pg_recording_add_fact(c->w->rec, &f) < 0)
                c->w->error = -ENOMEM;
}

/* ---- the observer ---- */

static const struct pg_cap_rule *rule_at(const struct pg_capwatch *w, const struct pg_syscall *sc)
{
        uint16_t i = w->rule_of[sc->arch][sc->slot];
        return i ? &w->rules[i - 1] : NULL;
}

static void commit(struct pg_capwatch *w, struct pg_tracee *t, struct pg_cw_thread *th)
{
        size_t before = pg_recording_n_caps(w->rec);
        for (size_t i = 0; i < th->n_claims; i++) {
                const struct pg_cw_claim *cl = &th->claims[i];
                w->inferred |= 1ull << cl->cap;
                if (!w->inferred_ex[cl->cap])
                        w->inferred_ex[cl->cap] = strdup(cl->detail);
                if (w->kept[PG_CAP_SOURCE_INFERENCE][cl->cap]++ >= PG_CW_MAX_EVIDENCE)
                        continue;
                struct pg_cap_evidence ev = {.cap = cl->cap,
                                             .source = PG_CAP_SOURCE_INFERENCE,
                                             .arch = th->arch,
                                             .slot = th->slot,
                                             .detail = (char *)cl->detail,
                                             .note = (char *)cl->note,
                                             .pid = t->proc->pid,
                                             .exe = t->proc->exe_id};
                if (pg_recording_add_cap(w->rec, &ev) < 0)
                        w->error = -ENOMEM;
        }
        th->n_claims = 0;
        /* t is still stopped at the call that needed the capabilities: its stack is theirs */
        pg_unwind_cap_stacks(w->unwinder, t, before);
}

void pg_capwatch_set_unwinder(struct pg_capwatch *w, struct pg_unwinder *u)
{
        w->unwinder = u;
}

bool pg_cw_rules_skipped(const struct pg_capwatch *w)
{
        return w->capless && (w->source == PG_CAPS_SOURCE_INFERENCE || w->kernel_why);
}

static bool judge(struct pg_capwatch *w, struct pg_tracee *t, const struct pg_syscall *sc,
                  const struct pg_cap_rule *rule, struct pg_cw_thread *th)
{
        if (pg_cw_rules_skipped(w))
                return false;
        if (!th->creds_valid) {
                if (pg_cw_read_creds(t->proc->pid, t->tid, &th->creds) < 0)
                        return false;
                th->creds_valid = true;
        }
        struct pg_cap_creds cr = th->creds;
        if (rule->flags & PG_CAP_RULE_CREDS) {
                /* read again after this call; the kernel's record learns the new pointer */
                th->creds_valid = false;
                th->own_cred_known = false;
        }
        /* Without an effective capability nothing can be needed; the kernel's record still
         * wants the call described. */
        if (cr.cap_eff == 0 && !w->tp)
                return false;
        struct pg_cw_call call = {
            .w = w, .t = t, .sc = sc, .rule = rule, .th = th, .cr = &cr, .name = rule->syscall};
        pg_cw_judges[rule->kind](&call);
        if (th->n_claims && (rule->flags & PG_CAP_RULE_ANY_RESULT)) {
                commit(w, t, th);
                return false;
        }
        return th->n_claims > 0;
}

/* The thread is now in (or, past, after) syscall `slot`: the one its kernel checks belong to. */
static void thread_enter(struct pg_cw_thread *th, const struct pg_tracee *t, enum pg_arch arch,
                         uint32_t slot, bool past)
{
        th->active = true;
        th->past = past;
        th->pid = t->proc->pid;
        th->exe = t->proc->exe_id;
        th->arch = arch;
        th->slot = slot;
        th->desc[0] = '\0';
        th->n_claims = 0;
        th->n_free = 0;
}

/* A root-moving syscall makes every cached root stale, at its entry and at its exit: a thread
 * that shares the mover's root and is judged in between may have opened the old one. */
static bool moves_root(struct pg_capwatch *w, enum pg_arch arch, uint32_t slot)
{
        if (!pg_syscall_set_has(&w->root_moves, arch, slot))
                return false;
        w->root_gen++;
        return true;
}

static bool on_syscall_enter(void *ud, struct pg_tracee *t, const struct pg_syscall *sc)
{
        struct pg_capwatch *w = ud;
        const struct pg_cap_rule *rule = rule_at(w, sc);
        bool moving = moves_root(w, sc->arch, sc->slot);
        if (!rule && !w->tp && !moving)
                return false;
        struct pg_cw_thread *th = pg_cw_thread_get(w, t->tid, true);
        if (!th)
                return false;
        /* Checks made since this thread's previous stop belong to its previous syscall. */
        if (w->tp)
                pg_cw_kernel_drain(w);
        thread_enter(th, t, sc->arch, sc->slot, false);
        bool want_exit = rule ? judge(w, t, sc, rule, th) : false;
        return want_exit || moving ||
               (w->unstopped_rules && pg_syscall_set_has(&w->fence, sc->arch, sc->slot));
}

static void on_syscall_exit(void *ud, struct pg_tracee *t, int64_t rval, bool is_error)
{
        struct pg_capwatch *w = ud;
        struct pg_cw_thread *th = pg_cw_thread_get(w, t->tid, false);
        (void)rval;
        if (!th)
                return;
        moves_root(w, th->arch, th->slot);
        if (!is_error)
                commit(w, t, th);
        th->n_claims = 0;
        if (w->unstopped_rules && w->tp) {
                pg_cw_kernel_drain(w); /* the checks of this call, before it is left behind */
                th->past = true;
        }
}

/* A rule syscall that ran without a stop (the kernel's syscall record): remembered, distinct, so
 * that a kernel check after the thread's stopped syscall can name what ran since. */
static void on_syscall_seen(void *ud, struct pg_tracee *t, enum pg_arch arch, uint32_t slot)
{
        struct pg_capwatch *w = ud;
        if (!w->unstopped_rules || !w->rule_of[arch][slot])
                return;
        struct pg_cw_thread *th = pg_cw_thread_get(w, t->tid, false);
        if (!th || th->arch != arch || th->n_free == PG_CW_FREE_SLOTS)
                return;
        for (uint8_t i = 0; i < th->n_free; i++)
                if (th->free_slot[i] == slot)
                        return;
        th->free_slot[th->n_free++] = (uint16_t)slot;
}

/* Under a baseline, a new thread's checks come from syscalls that may run without a stop: it is
 * known from its start, with its creator's syscall (clone, fork) as the last one it stopped in. */
static void adopt(struct pg_capwatch *w, struct pg_tracee *parent, struct pg_tracee *child)
{
        const struct pg_cw_thread *pt = pg_cw_thread_get(w, parent->tid, false);
        struct pg_cw_thread *th = pg_cw_thread_get(w, child->tid, true);
        if (!pt || !th)
                return;
        thread_enter(th, child, pt->arch, pt->slot, true);
}

static void on_spawn(void *ud, struct pg_tracee *parent, struct pg_tracee *child, bool thread)
{
        struct pg_capwatch *w = ud;
        (void)thread;
        /* The command, stopped before its exec: follow it and everything it starts. */
        if (!parent && w->source != PG_CAPS_SOURCE_INFERENCE && !w->kernel_why)
                pg_cw_kernel_start(w, child->proc->pid);
        if (parent && w->unstopped_rules)
                adopt(w, parent, child);
}

static void on_exec(void *ud, struct pg_tracee *t)
{
        struct pg_capwatch *w = ud;
        struct pg_cw_thread *th = pg_cw_thread_get(w, t->tid, false);
        if (th) {
                th->creds_valid = false; /* set-ID and file capabilities apply at exec */
                th->own_cred_known = false;
                th->exe = t->proc->exe_id;
        }
        /* The exec is done: under a baseline the thread's next checks may come from syscalls that
         * run without a stop (the exec's own are taken first, for the syscall it stopped in). */
        if (th && w->unstopped_rules) {
                if (w->tp)
                        pg_cw_kernel_drain(w);
                th->past = true;
        }
}

static void on_thread_exit(void *ud, struct pg_tracee *t, int status)
{
        struct pg_capwatch *w = ud;
        (void)status;
        if (w->tp)
                pg_cw_kernel_drain(w);
        thread_drop(w, t->tid);
}

static void on_finish(void *ud)
{
        struct pg_capwatch *w = ud;
        if (w->tp)
                pg_cw_kernel_drain(w);
        pg_cw_kernel_finish(w);
}

static void add_everywhere(struct pg_syscall_set *set, const char *name)
{
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                uint32_t slot;
                if (pg_arch_traceable(a) && pg_arch_syscall_slot(a, name, &slot) == 0)
                        pg_syscall_set_add(set, a, slot);
        }
}

/* A row the kernel's record needs: not the vm probe's where the call chain tells it apart. */
static bool needed_row(const struct pg_capwatch *w, const struct pg_cap_check *k)
{
        return !(k->vm_probe && w->vm_sig.n > 0);
}

/* Rules that stop only for a few values or flags of one argument, or for arguments that are not 0
 * (pg_cap_stop_values_find). */
static bool conditional(const struct pg_cap_rule *r)
{
        return pg_cap_stop_values_find(r->kind, r->syscall) != NULL;
}

/* A row of a capability a conditional rule judges: the kernel asks for it only in the calls the
 * rule's condition stops anyway (mmap asks IPC_LOCK for MAP_LOCKED only; with mlockall's
 * MCL_FUTURE in force every mapping is locked, and an unstopped mmap's check is then taken for the
 * previous stop's). */
static bool covered_by_condition(const struct pg_cap_check *k)
{
        const struct pg_cap_rule *r = pg_cap_rule_find(k->syscall);
        return r && conditional(r) && (r->caps & (1ull << k->cap));
}

static bool has_check_row(const struct pg_capwatch *w, const char *syscall)
{
        size_t n;
        const struct pg_cap_check *checks = pg_cap_checks(&n);
        for (size_t i = 0; i < n; i++)
                if (strcmp(checks[i].syscall, syscall) == 0 && needed_row(w, &checks[i]))
                        return true;
        return false;
}

/* With the kernel's record, a rule whose capabilities are all plain (DAC_OVERRIDE,
 * DAC_READ_SEARCH, FOWNER: any syscall's check of them is a need) and whose syscall has no check
 * row of its own needs no stop: the kernel reports the check whichever syscall made it. These are
 * the file syscalls (open, access, chdir, mkdir, unlink, ...), the hot ones of most workloads. */
static bool runs_unstopped(const struct pg_capwatch *w, const struct pg_cap_rule *r)
{
        return (r->caps & ~PG_CW_PLAIN_CAPS) == 0 && !(r->flags & PG_CAP_RULE_CREDS) &&
               !has_check_row(w, r->syscall);
}

/* The conditional rules' syscalls stop only for the values their judge looks at. A condition
 * that does not fit would let its syscall run unstopped: the recording fails instead. */
static void on_stop_when(void *ud, struct pg_stop_conds *conds)
{
        struct pg_capwatch *w = ud;
        size_t n;
        const struct pg_cap_rule *rules = pg_cap_rules(&n);
        if (pg_cw_rules_skipped(w))
                return;
        for (size_t i = 0; i < n; i++) {
                const struct pg_cap_stop_values *sv =
                    pg_cap_stop_values_find(rules[i].kind, rules[i].syscall);
                if (sv && !pg_stop_conds_add(conds, rules[i].syscall, (uint8_t)sv->arg, sv->values,
                                             sv->n, sv->mask, sv->nonzero))
                        w->error = -E2BIG;
        }
}

/* Under a baseline (syscalls that run without a stop) the rules still need their syscalls, and
 * the kernel's record the syscalls of its check table, or a vm probe during an unstopped mmap
 * would be taken for a check of the previous stopped syscall. With the kernel's record the file
 * rules' syscalls are let run (runs_unstopped); a stopped syscall whose own check row would
 * misjudge their plain capabilities (utimensat defers FOWNER) then stops at its exit too, after
 * which the thread's checks count as an unstopped syscall's. A privileged check of another
 * capability in an unstopped syscall is still attributed to the thread's previous stop
 * (docs/capabilities.md). Conditional rules stop through on_stop_when. */
static void on_must_stop(void *ud, struct pg_syscall_set *set)
{
        struct pg_capwatch *w = ud;
        bool kernel = w->source != PG_CAPS_SOURCE_INFERENCE && !w->kernel_why;
        size_t n;
        const struct pg_cap_rule *rules = pg_cap_rules(&n);
        w->unstopped_rules = kernel;
        if (pg_cw_rules_skipped(w))
                return;
        for (size_t i = 0; i < n; i++)
                if ((!kernel || !runs_unstopped(w, &rules[i])) && !conditional(&rules[i]))
                        add_everywhere(set, rules[i].syscall);
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                for (size_t i = 0; i < PG_SYSCALL_SLOTS / 64; i++)
                        set->bits[a][i] |= w->root_moves.bits[a][i];
        if (!kernel)
                return;
        const struct pg_cap_check *checks = pg_cap_checks(&n);
        for (size_t i = 0; i < n; i++) {
                if (!needed_row(w, &checks[i]) || covered_by_condition(&checks[i]))
                        continue;
                add_everywhere(set, checks[i].syscall);
                if (checks[i].policy == PG_CAP_CHECK_DEFER &&
                    (PG_CW_PLAIN_CAPS & (1ull << checks[i].cap)))
                        add_everywhere(&w->fence, checks[i].syscall);
        }
}

/* ---- setup ---- */

static void read_env(struct pg_cw_env *env)
{
        env->port_start = 1024;
        env->dmesg_restrict = (int)pg_cw_sysctl("kernel/dmesg_restrict", 0);
        env->perf_paranoid = (int)pg_cw_sysctl("kernel/perf_event_paranoid", 2);
        env->bpf_disabled = (int)pg_cw_sysctl("kernel/unprivileged_bpf_disabled", 2);
        env->protected_hardlinks = (int)pg_cw_sysctl("fs/protected_hardlinks", 1);
        env->pipe_max = (uint64_t)pg_cw_sysctl("fs/pipe-max-size", 1048576);
}

static void index_root_moves(struct pg_capwatch *w)
{
        static const char *const names[] = {"chroot", "pivot_root", "setns", "unshare"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                add_everywhere(&w->root_moves, names[i]);
}

static void index_rules(struct pg_capwatch *w)
{
        size_t n;
        w->rules = pg_cap_rules(&n);
        for (size_t i = 0; i < n; i++)
                for (int a = 0; a < PG_ARCH_COUNT; a++) {
                        uint32_t slot;
                        if (pg_arch_traceable(a) &&
                            pg_arch_syscall_slot(a, w->rules[i].syscall, &slot) == 0)
                                w->rule_of[a][slot] = (uint16_t)(i + 1);
                }
}

int pg_capwatch_new(struct pg_recording *rec, enum pg_caps_source source, struct pg_capwatch **ret,
                    struct pg_error **err)
{
        _cleanup_(pg_capwatch_freep) struct pg_capwatch *w = calloc(1, sizeof(*w));
        if (!w)
                return pg_error_set(err, -ENOMEM, "out of memory");
        w->rec = rec;
        w->source = source;
        w->probe_fd = -1;
        struct pg_cap_creds own;
        w->capless = pg_cw_read_creds(getpid(), getpid(), &own) == 0 && own.cap_prm == 0;
        read_env(&w->env);
        index_rules(w);
        index_root_moves(w);
        if (source != PG_CAPS_SOURCE_INFERENCE) {
                _cleanup_error_ struct pg_error *perr = NULL;
                int r = pg_cap_tracepoint_probe(&w->probe_fd, &w->vm_sig, &perr);
                if (r < 0 && source == PG_CAPS_SOURCE_KERNEL)
                        return pg_error_set(err, r, "--caps-source kernel: %s",
                                            perr ? perr->message : strerror(-r));
                if (r < 0 && !(w->kernel_why = strdup(perr ? perr->message : strerror(-r))))
                        return pg_error_set(err, -ENOMEM, "out of memory");
        }
        w->obs = (struct pg_observer){
            .name = "capwatch",
            .userdata = w,
            .syscall_enter = on_syscall_enter,
            .syscall_exit = on_syscall_exit,
            .syscall_seen = on_syscall_seen,
            .spawn = on_spawn,
            .exec = on_exec,
            .thread_exit = on_thread_exit,
            .finish = on_finish,
            .must_stop = on_must_stop,
            .stop_when = on_stop_when,
        };
        *ret = TAKE_PTR(w);
        return 0;
}

void pg_capwatch_free(struct pg_capwatch *w)
{
        if (!w)
                return;
        for (size_t b = 0; b < PG_CW_BUCKETS; b++)
                while (w->buckets[b]) {
                        struct pg_cw_thread *th = w->buckets[b];
                        w->buckets[b] = th->next;
                        pg_cw_root_close(w, th);
                        free(th);
                }
        for (int c = 0; c < 64; c++) {
                free(w->inferred_ex[c]);
                free(w->kernel_ex[c]);
        }
        pg_cap_tracepoint_free(w->tp);
        if (w->probe_fd >= 0)
                close(w->probe_fd);
        free(w->kernel_why);
        free(w);
}

const struct pg_observer *pg_capwatch_observer(struct pg_capwatch *w)
{
        return &w->obs;
}

int pg_capwatch_error(const struct pg_capwatch *w)
{
        return w->error;
}

int pg_caps_source_parse(const char *s, enum pg_caps_source *ret)
{
        static const char *const names[] = {"auto", "inference", "kernel"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(s, names[i]) == 0) {
                        *ret = (enum pg_caps_source)i;
                        return 0;
                }
        return -EINVAL;
}
