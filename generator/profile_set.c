// SPDX-License-Identifier: MIT
/* A profile's unconditional allow-list as per-architecture syscall bitmaps: the set a baseline
 * lets run without a stop. Conditional rules (arguments, includes/excludes) are left out, so
 * their syscalls keep stopping and stay exactly recorded. */
#include <string.h>

#include "profgen/generator.h"

static bool unconditional(const struct pg_rule *r)
{
        return r->action == PG_ACT_ALLOW && r->n_args == 0 && !r->includes.caps &&
               !r->includes.arches && !r->includes.min_kernel && !r->excludes.caps &&
               !r->excludes.arches && !r->excludes.min_kernel;
}

int pg_profile_allowed_set(const struct pg_profile *p, struct pg_syscall_set *ret,
                           struct pg_error **err)
{
        (void)err;
        memset(ret, 0, sizeof(*ret));
        for (char **an = p->arches; an && *an; an++) {
                enum pg_arch arch = pg_arch_from_name(*an);
                if (arch == PG_ARCH_INVALID || !pg_arch_traceable(arch))
                        continue; /* an architecture this machine cannot run anyway */
                for (size_t i = 0; i < p->n_rules; i++) {
                        if (!unconditional(&p->rules[i]))
                                continue;
                        for (char **n = p->rules[i].names; n && *n; n++) {
                                uint32_t slot;
                                if (pg_arch_syscall_slot(arch, *n, &slot) == 0)
                                        pg_syscall_set_add(ret, arch, slot);
                        }
                }
        }
        return 0;
}
