// SPDX-License-Identifier: MIT
#include "profgen/seccomp_bpf.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "profgen/cleanup.h"

/* BPF instructions the kernel accepts in one program (BPF_MAXINSNS). */
#define MAX_INSNS 4096

struct prog {
        struct sock_filter *insns;
        size_t n, cap;
        bool oom;
};

static void emit(struct prog *p, struct sock_filter f)
{
        if (p->n == p->cap) {
                size_t nc = p->cap ? p->cap * 2 : 64;
                struct sock_filter *ni = realloc(p->insns, nc * sizeof(*ni));
                if (!ni) {
                        p->oom = true;
                        return;
                }
                p->insns = ni;
                p->cap = nc;
        }
        p->insns[p->n++] = f;
}

static void emit_ret(struct prog *p, uint32_t action)
{
        emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action));
}

bool pg_stop_conds_add(struct pg_stop_conds *conds, const char *name, uint8_t arg,
                       const uint32_t *values, uint8_t n_values, uint32_t mask, uint8_t nonzero)
{
        if (n_values > PG_STOP_COND_VALUES || arg > 5 || nonzero >= 1u << 6)
                return false;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                uint32_t slot;
                if (!pg_arch_traceable(a) || pg_arch_syscall_slot(a, name, &slot) < 0)
                        continue;
                if (conds->n == PG_STOP_CONDS)
                        return false;
                struct pg_stop_cond *c = &conds->c[conds->n++];
                *c = (struct pg_stop_cond){.arch = a,
                                           .slot = slot,
                                           .arg = arg,
                                           .n_values = n_values,
                                           .mask = mask,
                                           .nonzero = nonzero};
                if (n_values)
                        memcpy(c->values, values, n_values * sizeof(values[0]));
        }
        return true;
}

/* Conditions for one audit architecture, by raw number. */
struct arch_conds {
        size_t n;
        uint32_t nr[PG_STOP_CONDS];
        const struct pg_stop_cond *cond[PG_STOP_CONDS];
};

static const struct pg_stop_cond *cond_of(const struct arch_conds *ac, uint32_t nr)
{
        for (size_t i = 0; ac && i < ac->n; i++)
                if (ac->nr[i] == nr)
                        return ac->cond[i];
        return NULL;
}

static void emit_load(struct prog *p, uint8_t arg, bool high)
{
        /* little-endian hosts (profgen runs on x86-64): the low 32 bits come first */
        emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, args) + 8u * arg +
                                                 (high ? 4u : 0u)));
}

/* The jump offset from the entry's instruction at `pos` to its RET TRACE (at len - 1). */
static uint8_t to_trace(uint8_t len, uint8_t pos)
{
        return (uint8_t)(len - 2 - pos);
}

/* nr matched: ALLOW, or for a conditional syscall TRACE when one of its `nonzero` arguments is not
 * 0 (both halves tested), or its argument `arg` (low 32 bits) has a listed value or a bit of the
 * mask. The non-matching nr jumps over the whole entry; every test that matches jumps to the
 * entry's last instruction, RET TRACE. */
static void emit_entry(struct prog *p, uint32_t nr, const struct pg_stop_cond *c)
{
        if (!c) {
                emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1));
                emit_ret(p, SECCOMP_RET_ALLOW);
                return;
        }
        uint8_t n = c->n_values, m = c->mask ? 1 : 0, k = 0;
        for (uint8_t a = 0; a < 6; a++)
                k += (c->nonzero >> a) & 1u;
        uint8_t len = (uint8_t)(4 * k + (n || m ? 1 + m + n : 0) + 2), pos = 0;
        emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, len));
        for (uint8_t a = 0; a < 6; a++) {
                if (!((c->nonzero >> a) & 1u))
                        continue;
                for (int half = 0; half < 2; half++) {
                        emit_load(p, a, half);
                        pos++;
                        emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0,
                                                             to_trace(len, pos)));
                        pos++;
                }
        }
        if (n || m) {
                emit_load(p, c->arg, false);
                pos++;
        }
        if (m) {
                emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, c->mask,
                                                     to_trace(len, pos), 0));
                pos++;
        }
        for (uint8_t v = 0; v < n; v++) {
                emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, c->values[v],
                                                     to_trace(len, pos), 0));
                pos++;
        }
        emit_ret(p, SECCOMP_RET_ALLOW);
        emit_ret(p, SECCOMP_RET_TRACE);
}

/* Appends a decision tree for nrs[0..n) that returns ALLOW on a match and TRACE otherwise. */
static void emit_tree(struct prog *p, const uint32_t *nrs, size_t n, const struct arch_conds *ac)
{
        if (n <= 4) {
                for (size_t i = 0; i < n; i++)
                        emit_entry(p, nrs[i], cond_of(ac, nrs[i]));
                emit_ret(p, SECCOMP_RET_TRACE);
                return;
        }
        size_t mid = n / 2;
        /* nr >= nrs[mid]: fall into the `ja` to the right half; else skip it into the left half.
         * `ja` has a 32-bit offset, so a large left half cannot overflow the 8-bit jt/jf. */
        struct prog left = {0};
        emit_tree(&left, nrs, mid, ac);
        if (left.oom) {
                p->oom = true;
                free(left.insns);
                return;
        }
        emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, nrs[mid], 0, 1));
        emit(p, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)left.n));
        for (size_t i = 0; i < left.n; i++)
                emit(p, left.insns[i]);
        free(left.insns);
        emit_tree(p, nrs + mid, n - mid, ac);
}

/* The raw numbers allowed for one audit architecture (x86_64 and x32 share AUDIT_ARCH_X86_64). */
static size_t collect(const struct pg_syscall_set *allowed, uint32_t audit, uint32_t *out)
{
        size_t n = 0;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                const struct pg_arch_info *ai = pg_arch_info(a);
                if (ai->audit_arch != audit)
                        continue;
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++)
                        if (pg_syscall_set_has(allowed, a, s))
                                out[n++] = s + ai->nr_bias;
        }
        return n;
}

static int cmp_u32(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return (x > y) - (x < y);
}

static void arch_conds_of(const struct pg_stop_conds *conds, uint32_t audit, struct arch_conds *ac)
{
        ac->n = 0;
        for (size_t i = 0; conds && i < conds->n; i++) {
                const struct pg_arch_info *ai = pg_arch_info(conds->c[i].arch);
                if (ai->audit_arch != audit || ac->n == PG_STOP_CONDS)
                        continue;
                ac->nr[ac->n] = conds->c[i].slot + ai->nr_bias;
                ac->cond[ac->n++] = &conds->c[i];
        }
}

static void emit_arch_blocks(struct prog *p, const struct pg_syscall_set *allowed,
                             const struct pg_stop_conds *conds)
{
        static const uint32_t audits[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64,
                                          AUDIT_ARCH_ARM};
        uint32_t nrs[2 * PG_SYSCALL_SLOTS];
        emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, arch)));
        for (size_t i = 0; i < sizeof(audits) / sizeof(audits[0]); i++) {
                size_t n = collect(allowed, audits[i], nrs);
                if (n == 0)
                        continue;
                qsort(nrs, n, sizeof(nrs[0]), cmp_u32);
                struct arch_conds ac;
                arch_conds_of(conds, audits[i], &ac);
                struct prog block = {0};
                emit(&block, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                          offsetof(struct seccomp_data, nr)));
                emit_tree(&block, nrs, n, &ac);
                /* arch matches: run the block (which always returns); else jump over it */
                emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, audits[i], 1, 0));
                emit(p, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)block.n));
                for (size_t k = 0; k < block.n; k++)
                        emit(p, block.insns[k]);
                p->oom |= block.oom;
                free(block.insns);
        }
        emit_ret(p, SECCOMP_RET_TRACE);
}

int pg_seccomp_bpf_build(const struct pg_syscall_set *allowed, struct sock_fprog *ret,
                         struct pg_error **err)
{
        return pg_seccomp_bpf_build_cond(allowed, NULL, ret, err);
}

int pg_seccomp_bpf_build_cond(const struct pg_syscall_set *allowed,
                              const struct pg_stop_conds *conds, struct sock_fprog *ret,
                              struct pg_error **err)
{
        struct prog p = {0};
        if (allowed)
                emit_arch_blocks(&p, allowed, conds);
        else
                emit_ret(&p, SECCOMP_RET_TRACE);
        if (p.oom) {
                free(p.insns);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        if (p.n > MAX_INSNS) {
                free(p.insns);
                return pg_error_set(err, -E2BIG, "tracing filter too large (%zu instructions)",
                                    p.n);
        }
        ret->len = (unsigned short)p.n;
        ret->filter = p.insns;
        return 0;
}

void pg_seccomp_bpf_free(struct sock_fprog *prog)
{
        free(prog->filter);
        prog->filter = NULL;
        prog->len = 0;
}

int pg_seccomp_bpf_install(const struct sock_fprog *prog)
{
        /* Without CAP_SYS_ADMIN the kernel requires no_new_privs; as root we avoid setting it so
         * that the workload's set-user-ID programs behave as they would without profgen. */
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
        if (r < 0 && errno == EACCES) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        return -errno;
                r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
        }
        return r < 0 ? -errno : 0;
}
