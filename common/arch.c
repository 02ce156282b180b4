// SPDX-License-Identifier: MIT
#include "profgen/arch.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#ifndef AUDIT_ARCH_RISCV64
#define AUDIT_ARCH_RISCV64 (EM_RISCV | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE)
#endif

static const struct pg_arch_info arch_table[PG_ARCH_COUNT] = {
    [PG_ARCH_X86_64] = {PG_ARCH_X86_64, "x86_64", "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64,
                        AUDIT_ARCH_X86_64, 0},
    [PG_ARCH_X86] = {PG_ARCH_X86, "x86", "SCMP_ARCH_X86", SCMP_ARCH_X86, AUDIT_ARCH_I386, 0},
    [PG_ARCH_X32] = {PG_ARCH_X32, "x32", "SCMP_ARCH_X32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64,
                     PG_X32_SYSCALL_BIT},
    [PG_ARCH_AARCH64] = {PG_ARCH_AARCH64, "aarch64", "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64,
                         AUDIT_ARCH_AARCH64, 0},
    [PG_ARCH_ARM] = {PG_ARCH_ARM, "arm", "SCMP_ARCH_ARM", SCMP_ARCH_ARM, AUDIT_ARCH_ARM, 0},
    [PG_ARCH_RISCV64] = {PG_ARCH_RISCV64, "riscv64", "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64,
                         AUDIT_ARCH_RISCV64, 0},
    [PG_ARCH_S390X] = {PG_ARCH_S390X, "s390x", "SCMP_ARCH_S390X", SCMP_ARCH_S390X, AUDIT_ARCH_S390X,
                       0},
    [PG_ARCH_PPC64LE] = {PG_ARCH_PPC64LE, "ppc64le", "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE,
                         AUDIT_ARCH_PPC64LE, 0},
};

const struct pg_arch_info *pg_arch_info(enum pg_arch arch)
{
        if ((int)arch < 0 || arch >= PG_ARCH_COUNT)
                return NULL;
        return &arch_table[arch];
}

enum pg_arch pg_arch_from_name(const char *name)
{
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                if (strcmp(name, arch_table[a].name) == 0 ||
                    strcmp(name, arch_table[a].scmp_name) == 0)
                        return (enum pg_arch)a;
        return PG_ARCH_INVALID;
}

enum pg_arch pg_arch_from_audit(uint32_t audit_arch, uint64_t nr)
{
        if (audit_arch == AUDIT_ARCH_X86_64)
                return (nr & PG_X32_SYSCALL_BIT) ? PG_ARCH_X32 : PG_ARCH_X86_64;
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                if (arch_table[a].audit_arch == audit_arch)
                        return (enum pg_arch)a;
        return PG_ARCH_INVALID;
}

bool pg_arch_slot(enum pg_arch arch, uint64_t nr, uint32_t *ret_slot)
{
        const struct pg_arch_info *ai = pg_arch_info(arch);
        if (!ai || nr < ai->nr_bias)
                return false;
        uint64_t slot = nr - ai->nr_bias;
        if (slot >= PG_SYSCALL_SLOTS)
                return false;
        *ret_slot = (uint32_t)slot;
        return true;
}

const char *pg_arch_syscall_name(enum pg_arch arch, uint32_t slot)
{
        /* libseccomp (2.5: api.c) returns a strdup()ed name the caller must free; callers here
         * want a name that stays valid, so each one is resolved once and kept for the process's
         * lifetime (a pointer table, no per-call leak). Not thread-safe: profgen is not
         * threaded. */
        static const char *cache[PG_ARCH_COUNT][PG_SYSCALL_SLOTS];
        static uint64_t tried[PG_ARCH_COUNT][PG_SYSCALL_SLOTS / 64];
        const struct pg_arch_info *ai = pg_arch_info(arch);
        if (!ai || slot >= PG_SYSCALL_SLOTS)
                return NULL;
        if (!((tried[arch][slot / 64] >> (slot % 64)) & 1u)) {
                cache[arch][slot] =
                    seccomp_syscall_resolve_num_arch(ai->scmp_arch, (int)(slot + ai->nr_bias));
                tried[arch][slot / 64] |= 1ull << (slot % 64);
        }
        return cache[arch][slot];
}

/* Every name an architecture's slots have, sorted (ties by slot), made once per architecture the
 * first time a name resolves to a pseudo number: the slot of a multiplexed name is found by binary
 * search instead of a scan of all slots per lookup (a recording resolves ~2,400 names at start). */
struct name_slot {
        const char *name;
        uint32_t slot;
};

static int by_name_slot(const void *a, const void *b)
{
        const struct name_slot *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        return c ? c : (x->slot > y->slot) - (x->slot < y->slot);
}

static const struct name_slot *names_of(enum pg_arch arch, size_t *n)
{
        static struct name_slot index[PG_ARCH_COUNT][PG_SYSCALL_SLOTS];
        static size_t count[PG_ARCH_COUNT];
        static bool built[PG_ARCH_COUNT];
        if (!built[arch]) {
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                        const char *name = pg_arch_syscall_name(arch, s);
                        if (name)
                                index[arch][count[arch]++] = (struct name_slot){name, s};
                }
                qsort(index[arch], count[arch], sizeof(index[arch][0]), by_name_slot);
                built[arch] = true;
        }
        *n = count[arch];
        return index[arch];
}

/* The lowest slot named `name`, or -ENOENT. */
static int slot_by_name(enum pg_arch arch, const char *name, uint32_t *ret_slot)
{
        size_t total, lo = 0;
        const struct name_slot *idx = names_of(arch, &total);
        size_t hi = total;
        while (lo < hi) { /* the first entry not below `name` */
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(idx[mid].name, name) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (lo == total || strcmp(idx[lo].name, name) != 0)
                return -ENOENT;
        *ret_slot = idx[lo].slot;
        return 0;
}

int pg_arch_syscall_slot(enum pg_arch arch, const char *name, uint32_t *ret_slot)
{
        const struct pg_arch_info *ai = pg_arch_info(arch);
        if (!ai)
                return -EINVAL;
        int nr = seccomp_syscall_resolve_name_arch(ai->scmp_arch, name);
        if (nr == __NR_SCMP_ERROR)
                return -ENOENT;
        if (nr < 0) {
                /* A pseudo-syscall number: either the architecture lacks the call, or libseccomp
                 * prefers its multiplexed form (socket, bind, semget ... on x86 and s390x, which
                 * also have them as direct syscalls). The direct number is the slot named so. */
                return slot_by_name(arch, name, ret_slot);
        }
        if (!pg_arch_slot(arch, (uint64_t)nr, ret_slot))
                return -ERANGE;
        return 0;
}

enum pg_arch pg_arch_native(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
        return PG_ARCH_X32;
#elif defined(__x86_64__)
        return PG_ARCH_X86_64;
#elif defined(__i386__)
        return PG_ARCH_X86;
#elif defined(__aarch64__)
        return PG_ARCH_AARCH64;
#elif defined(__arm__)
        return PG_ARCH_ARM;
#elif defined(__riscv) && __riscv_xlen == 64
        return PG_ARCH_RISCV64;
#elif defined(__s390x__)
        return PG_ARCH_S390X;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return PG_ARCH_PPC64LE;
#else
#error "unsupported architecture"
#endif
}

bool pg_arch_traceable(enum pg_arch arch)
{
        enum pg_arch native = pg_arch_native();
        if (arch == native)
                return true;
        if (native == PG_ARCH_X86_64)
                return arch == PG_ARCH_X86 || arch == PG_ARCH_X32;
        if (native == PG_ARCH_AARCH64)
                return arch == PG_ARCH_ARM;
        return false;
}
