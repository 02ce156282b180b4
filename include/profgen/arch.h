/* SPDX-License-Identifier: MIT */
/* Architectures, as data. A recorded syscall is (architecture, number); names come from libseccomp
 * for that architecture, never from a private table. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum pg_arch {
        PG_ARCH_X86_64,
        PG_ARCH_X86, /* i386: int $0x80, 32-bit binaries */
        PG_ARCH_X32, /* x32 ABI: AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT in the number */
        PG_ARCH_AARCH64,
        PG_ARCH_ARM,
        PG_ARCH_RISCV64,
        PG_ARCH_S390X,
        PG_ARCH_PPC64LE,
        PG_ARCH_COUNT,
        PG_ARCH_INVALID = -1,
};

/* Syscall numbers are stored per architecture in tables of this size (the index strips the x32
 * bit). */
#define PG_SYSCALL_SLOTS   1024u
#define PG_X32_SYSCALL_BIT 0x40000000u

struct pg_arch_info {
        enum pg_arch arch;
        const char *name;      /* "x86_64": recording files, text output */
        const char *scmp_name; /* "SCMP_ARCH_X86_64": Docker/OCI profiles */
        uint32_t scmp_arch;    /* libseccomp token */
        uint32_t audit_arch;   /* AUDIT_ARCH_* as reported by PTRACE_GET_SYSCALL_INFO */
        uint32_t nr_bias;      /* added to the slot index to get libseccomp's number (x32 bit) */
};

/* A set of syscalls: per architecture, a bitmap over slots (the tracer's baseline: a syscall in its
 * `allowed` set runs with SECCOMP_RET_ALLOW, without a stop). */
struct pg_syscall_set {
        uint64_t bits[PG_ARCH_COUNT][PG_SYSCALL_SLOTS / 64];
};
static inline void pg_syscall_set_add(struct pg_syscall_set *s, enum pg_arch a, uint32_t slot)
{
        s->bits[a][slot / 64] |= 1ull << (slot % 64);
}
static inline bool pg_syscall_set_has(const struct pg_syscall_set *s, enum pg_arch a, uint32_t slot)
{
        return (s->bits[a][slot / 64] >> (slot % 64)) & 1u;
}

const struct pg_arch_info *pg_arch_info(enum pg_arch arch);
enum pg_arch pg_arch_from_name(const char *name); /* "x86_64" or "SCMP_ARCH_X86_64" */
/* The architecture a syscall stop belongs to; x32 is told apart by the number's x32 bit. */
enum pg_arch pg_arch_from_audit(uint32_t audit_arch, uint64_t nr);
/* Slot index of a raw syscall number (x32 bit stripped); false when out of range. */
bool pg_arch_slot(enum pg_arch arch, uint64_t nr, uint32_t *ret_slot);
/* libseccomp's name for slot `slot` of `arch`, or NULL when libseccomp does not know it. */
const char *pg_arch_syscall_name(enum pg_arch arch, uint32_t slot);
/* Slot for a syscall name on `arch`; -ENOENT when the name does not exist there. */
int pg_arch_syscall_slot(enum pg_arch arch, const char *name, uint32_t *ret_slot);
/* The architecture this binary was built for. */
enum pg_arch pg_arch_native(void);
/* Whether a process on this machine can make syscalls of `arch`: the native architecture and the
 * compat ABIs its kernel family runs (x86_64: x86 and x32; aarch64: arm). The tracer never sees
 * any other, so what it prepares per architecture (stop sets, rule indexes, filter blocks) skips
 * them: resolving the names of a foreign architecture costs milliseconds at every start. */
bool pg_arch_traceable(enum pg_arch arch);
