/* SPDX-License-Identifier: MIT */
/* The tracing filter installed in the workload before exec: SECCOMP_RET_TRACE (one ptrace stop)
 * for every syscall, except those in an `allowed` set, which run with SECCOMP_RET_ALLOW and cost
 * nothing. A decision tree over the sorted numbers keeps the per-syscall cost logarithmic. */
#pragma once

#include <linux/filter.h>

#include "profgen/error.h"
#include "profgen/tracer.h"

/* Builds the program; ret->filter is allocated, free it with pg_seccomp_bpf_free. */
int pg_seccomp_bpf_build(const struct pg_syscall_set *allowed, struct sock_fprog *ret,
                         struct pg_error **err);
/* The same, and a syscall of `allowed` with a condition in `conds` stops only when its argument
 * has one of the condition's values (conds may be NULL). */
int pg_seccomp_bpf_build_cond(const struct pg_syscall_set *allowed,
                              const struct pg_stop_conds *conds, struct sock_fprog *ret,
                              struct pg_error **err);
void pg_seccomp_bpf_free(struct sock_fprog *prog);
/* Installs prog in the calling process (setting no_new_privs first when it lacks CAP_SYS_ADMIN).
 * Returns negative errno. Async-signal-safe: meant for a freshly forked child. */
int pg_seccomp_bpf_install(const struct sock_fprog *prog);
