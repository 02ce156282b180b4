// SPDX-License-Identifier: MIT
#include "profgen/arch.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <string.h>

/* libseccomp's pseudo numbers (seccomp-syscalls.h): -101... for the socket calls and -201... for
 * the IPC calls that socketcall() and ipc() multiplex; from -10001 down for every other call an
 * architecture's table has no number for. */
#define PG_SCMP_PNR_SINGLE (-10000)

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

/* The slot of a name libseccomp answers with a pseudo number, found by resolving the
 * architecture's slots upward and remembering each name's lowest slot in a hash table. The scan
 * stops at the first slot with the name asked for, so a start that looks up x86's socket and IPC
 * calls (slots 337-402) resolves ~400 slots once instead of all 1,024 (each resolution is a
 * linear search in libseccomp, and a slot no call has costs a full one). */
#define SCAN_BUCKETS 2048u /* a power of two, above PG_SYSCALL_SLOTS: the table never fills */

struct name_scan {
        uint32_t next; /* slots below this are in the table */
        const char *name[SCAN_BUCKETS];
        uint32_t slot[SCAN_BUCKETS];
};

static uint32_t name_hash(const char *s)
{
        uint32_t h = 2166136261u; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (uint8_t)*s) * 16777619u;
        return h;
}

/* The bucket holding `name`, or the empty one where it would go. */
static uint32_t scan_bucket(const struct name_scan *t, const char *name)
{
        uint32_t b = name_hash(name) & (SCAN_BUCKETS - 1);
        while (t->name[b] && strcmp(t->name[b], name) != 0)
                b = (b + 1) & (SCAN_BUCKETS - 1);
        return b;
}

/* The lowest slot named `name`, or -ENOENT. */
static int slot_by_name(enum pg_arch arch, const char *name, uint32_t *ret_slot)
{
        static struct name_scan scans[PG_ARCH_COUNT];
        struct name_scan *t = &scans[arch];
        uint32_t b = scan_bucket(t, name);
        while (!t->name[b] && t->next < PG_SYSCALL_SLOTS) {
                uint32_t s = t->next++;
                const char *n = pg_arch_syscall_name(arch, s);
                if (!n)
                        continue;
                uint32_t nb = scan_bucket(t, n);
                if (t->name[nb])
                        continue; /* a lower slot has the name already */
                t->name[nb] = n;
                t->slot[nb] = s;
                if (nb == b) /* the name asked for, or another in its probe chain: look again */
                        b = scan_bucket(t, name);
        }
        if (!t->name[b])
                return -ENOENT;
        *ret_slot = t->slot[b];
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
        if (nr <= PG_SCMP_PNR_SINGLE)
                return -ENOENT; /* libseccomp's table has no number for the call here */
        if (nr < 0) {
                /* A multiplexed call's pseudo number (socket, bind, semget ... on x86, s390x and
                 * ppc64le, which may also have them as direct syscalls): the direct number is the
                 * slot named so, if any. */
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
