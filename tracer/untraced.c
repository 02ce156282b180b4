// SPDX-License-Identifier: MIT
/* CLONE_UNTRACED: a workload can ask that its child not be auto-attached (LeakSanitizer starts its
 * stop-the-world helper so). That child would escape the recording, and under the tracing seccomp
 * filter, which it inherits, every syscall it makes fails with ENOSYS for want of a tracer (the
 * helper then spins forever). The tracer clears the flag at the clone's entry stop, so the child
 * is followed like any other; what the flag protects (ptracing the tracee later) fails anyway
 * while profgen traces it. clone and clone3 therefore always stop, whatever a baseline allows. */
#include <linux/sched.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "tracer_internal.h"

#define NO_SLOT UINT32_MAX

struct clone_slots {
        uint32_t clone, clone3;
};

/* Slots of clone and clone3 per architecture (NO_SLOT where it has none). */
static const struct clone_slots *slots(enum pg_arch arch)
{
        static struct clone_slots table[PG_ARCH_COUNT];
        static bool done;
        if (!done) {
                for (int a = 0; a < PG_ARCH_COUNT; a++) {
                        bool t = pg_arch_traceable(a);
                        if (!t || pg_arch_syscall_slot(a, "clone", &table[a].clone) < 0)
                                table[a].clone = NO_SLOT;
                        if (!t || pg_arch_syscall_slot(a, "clone3", &table[a].clone3) < 0)
                                table[a].clone3 = NO_SLOT;
                }
                done = true;
        }
        return &table[arch];
}

void pg_tracer_must_stop_clones(struct pg_syscall_set *set)
{
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                if (slots(a)->clone != NO_SLOT)
                        pg_syscall_set_add(set, a, slots(a)->clone);
                if (slots(a)->clone3 != NO_SLOT)
                        pg_syscall_set_add(set, a, slots(a)->clone3);
        }
}

#if defined(__x86_64__)
/* Rewrites the first argument register of a stopped syscall (flags of clone). */
static void set_arg0(pid_t tid, enum pg_arch arch, uint64_t value)
{
        size_t off = arch == PG_ARCH_X86 ? offsetof(struct user_regs_struct, rbx)
                                         : offsetof(struct user_regs_struct, rdi);
        ptrace(PTRACE_POKEUSER, tid, (void *)off, (void *)(uintptr_t)value);
}

void pg_tracer_follow_untraced(struct pg_tracee *t, const struct pg_syscall *sc)
{
        const struct clone_slots *s = slots(sc->arch);
        if (sc->slot == s->clone && (sc->args[0] & CLONE_UNTRACED)) {
                set_arg0(t->tid, sc->arch, sc->args[0] & ~(uint64_t)CLONE_UNTRACED);
        } else if (sc->slot == s->clone3) {
                /* struct clone_args starts with the 64-bit flags, on every architecture */
                uint64_t flags;
                if (pg_tracee_read(t, sc->args[0], &flags, sizeof(flags)) == sizeof(flags) &&
                    (flags & CLONE_UNTRACED))
                        ptrace(PTRACE_POKEDATA, t->tid, (void *)(uintptr_t)sc->args[0],
                               (void *)(uintptr_t)(flags & ~(uint64_t)CLONE_UNTRACED));
        }
}
#else
/* Other hosts: not done yet (the register holding clone's flags differs); such a child is not
 * followed. */
void pg_tracer_follow_untraced(struct pg_tracee *t, const struct pg_syscall *sc)
{
        (void)t;
        (void)sc;
}
#endif
