// SPDX-License-Identifier: MIT
/* Linux syscalls that a libseccomp we may be linked with does not know. A profile that names one
 * is not a typo: Docker's own default profile lists them, and runc and crun skip names their
 * libseccomp cannot resolve. The reader warns about these and errors on any other unknown name.
 * Sorted (bsearch); a name stays here after libseccomp learns it, so older builds keep working. */
#include <stdlib.h>
#include <string.h>

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
