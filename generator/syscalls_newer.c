// SPDX-License-Identifier: MIT
/* Syscall names beyond what libseccomp resolves: the table of real Linux syscalls that a libseccomp
 * we may be linked with does not know, and the suggestion for a typo. A profile that names one
 * of the table is not a typo: Docker's own default profile lists them, and runc and crun skip names
 * their libseccomp cannot resolve. The reader warns about these and errors on any other unknown
 * name. Sorted (bsearch); a name stays here after libseccomp learns it, so older builds keep
 * working. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/arch.h"

#include "profgen/profile.h"

static const char *const newer[] = {
    "file_getattr",      /* 6.17, x86_64 468 */
    "file_setattr",      /* 6.17, x86_64 469 */
    "getxattrat",        /* 6.13, x86_64 464 */
    "listmount",         /* 6.8, x86_64 458 */
    "listxattrat",       /* 6.13, x86_64 465 */
    "lsm_get_self_attr", /* 6.8, x86_64 459 */
    "lsm_list_modules",  /* 6.8, x86_64 461 */
    "lsm_set_self_attr", /* 6.8, x86_64 460 */
    "mseal",             /* 6.10, x86_64 462 */
    "open_tree_attr",    /* 6.15, x86_64 467 */
    "removexattrat",     /* 6.13, x86_64 466 */
    "riscv_hwprobe",     /* 6.4, riscv64 only */
    "setxattrat",        /* 6.13, x86_64 463 */
    "statmount",         /* 6.8, x86_64 457 */
    "uprobe",            /* 6.18, x86_64 336 */
    "uretprobe",         /* 6.11, x86_64 335 */
};

static int cmp_name(const void *key, const void *elem)
{
        return strcmp(key, *(const char *const *)elem);
}

bool pg_syscall_is_newer(const char *name)
{
        return bsearch(name, newer, sizeof(newer) / sizeof(newer[0]), sizeof(newer[0]), cmp_name) !=
               NULL;
}

const char *const *pg_syscalls_newer(size_t *ret_n)
{
        *ret_n = sizeof(newer) / sizeof(newer[0]);
        return newer;
}

/* Levenshtein distance, capped: names are short. */
static unsigned edit_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        unsigned row[64];
        if (la >= 63 || lb >= 63)
                return UINT_MAX;
        for (size_t j = 0; j <= lb; j++)
                row[j] = (unsigned)j;
        for (size_t i = 1; i <= la; i++) {
                unsigned prev = row[0];
                row[0] = (unsigned)i;
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cur = row[j];
                        unsigned best = prev + (a[i - 1] != b[j - 1]);
                        if (row[j] + 1 < best)
                                best = row[j] + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        row[j] = best;
                        prev = cur;
                }
        }
        return row[lb];
}

const char *pg_syscall_suggest(const char *name)
{
        const char *best = NULL;
        unsigned best_d = 3; /* farther than 2 edits is not a typo */
        for (uint32_t slot = 0; slot < PG_SYSCALL_SLOTS; slot++) {
                const char *cand = pg_arch_syscall_name(pg_arch_native(), slot);
                if (!cand)
                        continue;
                /* A missing suffix ("pread" for "pread64") beats a one-letter slip. */
                size_t n = strlen(name);
                unsigned d = strncmp(cand, name, n) == 0 && strlen(cand) <= n + 2
                                 ? 0
                                 : edit_distance(name, cand);
                if (d < best_d) {
                        best_d = d;
                        best = cand;
                }
        }
        return best;
}
