// SPDX-License-Identifier: MIT
/* The kernel's record of capability checks, tied to the syscall each thread was in.
 *
 * Attribution needs no timestamps: events are drained at every syscall stop, and a thread's
 * checks are in the buffer before that thread stops again, so a check belongs to the syscall its
 * thread entered last. A check counts as a need when it was granted (a root recorder passes them
 * all) and says something about the workload: the kernel-check table drops the "vm enough memory"
 * probe and the checks the rules' models decide better, and a check made with credentials other
 * than the thread's own (overlayfs copy-up with the mounter's, another task's) is dropped too. A
 * thread's own credentials pointer is learned from the probe, which always uses current_cred(),
 * and forgotten when its credentials change. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capwatch_internal.h"
#include "profgen/cap_names.h"
#include "profgen/cleanup.h"

int pg_cw_kernel_start(struct pg_capwatch *w, pid_t pid)
{
        _cleanup_error_ struct pg_error *err = NULL;
        int r = pg_cap_tracepoint_open(pid, &w->vm_sig, &w->tp, &err);
        if (w->probe_fd >= 0) {
                close(w->probe_fd); /* not the last event on the tracepoint now: cheap */
                w->probe_fd = -1;
        }
        if (r < 0) {
                w->kernel_why = strdup(err ? err->message : strerror(-r));
                /* Fail closed: without it the file rules' syscalls, let run without a stop, would
                 * go unobserved. */
                if (w->source == PG_CAPS_SOURCE_KERNEL || w->unstopped_rules)
                        w->error = r;
        }
        return r;
}

/* Whether a check may come from a syscall after the thread's stopped one, which ran without a
 * stop: under a baseline, a plain capability its stopped syscall's rule cannot claim. */
static bool maybe_unstopped(const struct pg_capwatch *w, const struct pg_cw_thread *th, int cap)
{
        if (!w->unstopped_rules)
                return false;
        if (th->past)
                return true;
        if (!(PG_CW_PLAIN_CAPS & (1ull << cap)))
                return false;
        uint16_t i = th->slot < PG_SYSCALL_SLOTS ? w->rule_of[th->arch][th->slot] : 0;
        return !i || !(w->rules[i - 1].caps & (1ull << cap));
}

/* " (since then: openat, newfstatat)": the thread's rule syscalls since its stop whose rules can
 * claim `cap` (none: ""). */
static void since_then(const struct pg_capwatch *w, const struct pg_cw_thread *th, int cap,
                       char *buf, size_t size)
{
        size_t n = 0;
        buf[0] = '\0';
        for (uint8_t i = 0; i < th->n_free && n < size; i++) {
                uint16_t r = w->rule_of[th->arch][th->free_slot[i]];
                const char *name = pg_arch_syscall_name(th->arch, th->free_slot[i]);
                if (!r || !name || !(w->rules[r - 1].caps & (1ull << cap)))
                        continue;
                int k = snprintf(buf + n, size - n, "%s%s", n ? ", " : " (since then: ", name);
                n += k > 0 ? (size_t)k : 0;
        }
        if (n > 0 && n + 2 <= size)
                memcpy(buf + n, ")", 2);
}

static void add_evidence(struct pg_capwatch *w, const struct pg_cw_thread *th, int cap,
                         const char *note, bool unstopped)
{
        const char *name = pg_arch_syscall_name(th->arch, th->slot);
        char later[PG_CW_DETAIL + 160], since[96];
        const char *detail = th->desc[0] ? th->desc : name ? name : "?";
        if (unstopped) {
                since_then(w, th, cap, since, sizeof(since));
                snprintf(later, sizeof(later),
                         "%s, or a syscall after it that ran without a stop%s", detail, since);
                detail = later;
        } else {
                w->kernel_stopped |= 1ull << cap;
        }
        w->kernel |= 1ull << cap;
        if (!w->kernel_ex[cap])
                w->kernel_ex[cap] = strdup(detail);
        if (w->kept[PG_CAP_SOURCE_KERNEL][cap]++ >= PG_CW_MAX_EVIDENCE)
                return;
        struct pg_cap_evidence ev = {.cap = cap,
                                     .source = PG_CAP_SOURCE_KERNEL,
                                     .arch = th->arch,
                                     .slot = th->slot,
                                     .detail = (char *)detail,
                                     .note = (char *)note,
                                     .pid = th->pid,
                                     .exe = th->exe};
        if (pg_recording_add_cap(w->rec, &ev) < 0)
                w->error = -ENOMEM;
}

static void on_check(void *ud, const struct pg_cap_tp_event *e)
{
        struct pg_capwatch *w = ud;
        struct pg_cw_thread *th = pg_cw_thread_get(w, e->tid, false);
        w->k_checks++;
        if (!th || !th->active || e->cap < 0 || e->cap > 63) {
                w->k_unattributed++; /* before the command's exec, or a thread we never saw stop */
                return;
        }
        if (e->vm_probe) {
                /* whatever the thread's last syscall was: a page fault may have grown the stack */
                th->own_cred = e->cred;
                th->own_cred_known = true;
                w->k_ignored++;
                return;
        }
        /* past its stopped syscall: no syscall's own row applies, only the "*" rows */
        const char *name = th->past ? "" : pg_arch_syscall_name(th->arch, th->slot);
        const struct pg_cap_check *k = name ? pg_cap_check_find(name, e->cap) : NULL;
        if (k && e->cap == CAP_SYS_ADMIN && k->policy != PG_CAP_CHECK_AS) {
                th->own_cred = e->cred; /* the probe: current_cred() */
                th->own_cred_known = true;
        }
        if (e->ret != 0) {
                w->k_denied++; /* the call did not get it: it failed or took another path */
        } else if (k && k->policy == PG_CAP_CHECK_IGNORE) {
                w->k_ignored++;
        } else if (k && k->policy == PG_CAP_CHECK_DEFER) {
                w->k_deferred++;
                w->deferred |= 1ull << e->cap;
        } else if (th->own_cred_known && e->cred != th->own_cred) {
                w->k_other_cred++;
        } else {
                int need = k ? k->as : e->cap;
                add_evidence(w, th, need, k ? k->why : NULL, maybe_unstopped(w, th, need));
        }
}

void pg_cw_kernel_drain(struct pg_capwatch *w)
{
        pg_cap_tracepoint_drain(w->tp, on_check, w);
}

static void note(struct pg_capwatch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct pg_capwatch *w, const char *fmt, ...)
{
        _cleanup_free_ char *s = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0 || pg_recording_add_note(w->rec, s) < 0)
                w->error = -ENOMEM;
}

static void add_sources_fact(struct pg_capwatch *w)
{
        uint32_t slot = 0;
        pg_arch_syscall_slot(pg_arch_native(), "execve", &slot);
        struct pg_fact f = {.key = (char *)PG_FACT_CAP_SOURCES,
                            .arch = pg_arch_native(),
                            .slot = slot,
                            .detail = (char *)(w->tp ? "inference+kernel" : "inference"),
                            .pid = 0,
                            .exe = -1};
        if (pg_recording_add_fact(w->rec, &f) < 0)
                w->error = -ENOMEM;
}

/* Where the two sources disagree: each is a lead for a rule to add or fix. */
static void note_disagreements(struct pg_capwatch *w)
{
        for (int cap = 0; cap < 64; cap++) {
                uint64_t bit = 1ull << cap;
                char n[32];
                pg_cap_name(cap, n, sizeof(n));
                if ((w->inferred & bit) && !(w->kernel & bit) && !(w->deferred & bit))
                        note(w,
                             "capabilities: %s inferred from %s, but the kernel made no such "
                             "check (a rule may be too broad, or a sysctl differs here)",
                             n, w->inferred_ex[cap] ? w->inferred_ex[cap] : "?");
                if ((w->kernel & bit) && !(w->inferred & bit) && (w->kernel_stopped & bit))
                        note(w,
                             "capabilities: the kernel checked %s in %s, which no rule "
                             "predicts (docs/howto-add-capability-rule.md)",
                             n, w->kernel_ex[cap] ? w->kernel_ex[cap] : "?");
        }
}

void pg_cw_kernel_finish(struct pg_capwatch *w)
{
        add_sources_fact(w);
        if (!w->tp) {
                if (w->source != PG_CAPS_SOURCE_INFERENCE)
                        note(w,
                             "capabilities: inferred only; the kernel's record is not "
                             "available: %s",
                             w->kernel_why ? w->kernel_why : "?");
                if (pg_cw_rules_skipped(w))
                        note(w, "capabilities: none can be needed: the workload ran with an empty "
                                "permitted set, which set-user-ID and file capabilities cannot "
                                "raise under profgen, so the capability rules judged nothing and "
                                "stopped no syscall of their own (a capability in a user "
                                "namespace the workload creates is its own, not the container's "
                                "to grant)");
                return;
        }
        note(w,
             "capabilities: the kernel reported %llu checks: %llu without effect, %llu left to "
             "the rules, %llu with other credentials, %llu denied, %llu outside a traced "
             "syscall, %llu lost",
             (unsigned long long)w->k_checks, (unsigned long long)w->k_ignored,
             (unsigned long long)w->k_deferred, (unsigned long long)w->k_other_cred,
             (unsigned long long)w->k_denied, (unsigned long long)w->k_unattributed,
             (unsigned long long)pg_cap_tracepoint_lost(w->tp));
        note_disagreements(w);
}
