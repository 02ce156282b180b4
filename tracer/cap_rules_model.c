// SPDX-License-Identifier: MIT
/* Pure models of the kernel's permission decisions (fs/namei.c generic_permission, fs/attr.c,
 * kernel/sys.c set*id, kernel/signal.c kill_ok_by_cred, kernel/ptrace.c, mm/mlock.c ...): given
 * credentials and file metadata, would the call need a capability? No I/O: the capability watcher
 * reads /proc and feeds them, unit tests feed them made-up values. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "profgen/cap_rules.h"

static const char *field(const char *status, const char *name)
{
        size_t n = strlen(name);
        for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, name, n) == 0 && p[n] == ':')
                        return p + n + 1;
        return NULL;
}

static int parse_ids(const char *status, const char *name, uint32_t ids[4])
{
        const char *p = field(status, name);
        if (!p || sscanf(p, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]) != 4)
                return -EINVAL;
        return 0;
}

static int parse_mask(const char *status, const char *name, uint64_t *ret)
{
        const char *p = field(status, name);
        char *end;
        if (!p)
                return -EINVAL;
        *ret = strtoull(p, &end, 16);
        return end == p ? -EINVAL : 0;
}

static void parse_groups(const char *status, struct pg_cap_creds *c)
{
        const char *p = field(status, "Groups");
        c->n_groups = 0;
        while (p && *p && *p != '\n' && c->n_groups < PG_CAP_NGROUPS) {
                char *end;
                unsigned long g = strtoul(p, &end, 10);
                if (end == p) {
                        p++;
                        continue;
                }
                c->groups[c->n_groups++] = (gid_t)g;
                p = end;
        }
}

int pg_cap_creds_parse(const char *status, struct pg_cap_creds *ret)
{
        struct pg_cap_creds c = {0};
        uint32_t u[4], g[4];
        if (parse_ids(status, "Uid", u) < 0 || parse_ids(status, "Gid", g) < 0 ||
            parse_mask(status, "CapInh", &c.cap_inh) < 0 ||
            parse_mask(status, "CapPrm", &c.cap_prm) < 0 ||
            parse_mask(status, "CapEff", &c.cap_eff) < 0 ||
            parse_mask(status, "CapBnd", &c.cap_bnd) < 0)
                return -EINVAL;
        c.ruid = u[0], c.euid = u[1], c.suid = u[2], c.fsuid = u[3];
        c.rgid = g[0], c.egid = g[1], c.sgid = g[2], c.fsgid = g[3];
        parse_groups(status, &c);
        *ret = c;
        return 0;
}

bool pg_cap_creds_has(const struct pg_cap_creds *c, int cap)
{
        return cap >= 0 && cap < 64 && ((c->cap_eff >> cap) & 1u);
}

void pg_cap_creds_for_access(const struct pg_cap_creds *c, struct pg_cap_creds *ret)
{
        *ret = *c;
        ret->fsuid = c->ruid;
        ret->fsgid = c->rgid;
        /* access_override_creds(): a non-root real uid gets no capabilities, root its permitted
         * set (unless SECBIT_NO_SETUID_FIXUP, which containers do not set). */
        ret->cap_eff = c->ruid == 0 ? c->cap_prm : 0;
}

bool pg_cap_model_in_group(const struct pg_cap_creds *c, gid_t gid)
{
        if (c->fsgid == gid)
                return true;
        for (size_t i = 0; i < c->n_groups; i++)
                if (c->groups[i] == gid)
                        return true;
        return false;
}

int pg_cap_model_dac(const struct pg_cap_creds *c, const struct pg_cap_inode *ino, unsigned mask,
                     bool *ret_read_search)
{
        unsigned bits;
        if (c->fsuid == ino->uid)
                bits = (ino->mode >> 6) & 7;
        else if (pg_cap_model_in_group(c, ino->gid))
                bits = (ino->mode >> 3) & 7;
        else
                bits = ino->mode & 7;
        *ret_read_search = false;
        if ((mask & ~bits) == 0)
                return -1;
        if (S_ISDIR(ino->mode)) {
                *ret_read_search = !(mask & PG_MAY_WRITE);
                return CAP_DAC_OVERRIDE;
        }
        if (mask == PG_MAY_READ) {
                *ret_read_search = true;
                return CAP_DAC_OVERRIDE;
        }
        /* Execute permission is granted by a capability only when some x bit is set. */
        if (!(mask & PG_MAY_EXEC) || (ino->mode & 0111))
                return CAP_DAC_OVERRIDE;
        return -EACCES;
}

bool pg_cap_model_owner(const struct pg_cap_creds *c, const struct pg_cap_inode *ino)
{
        return c->fsuid == ino->uid;
}

bool pg_cap_model_sticky(const struct pg_cap_creds *c, const struct pg_cap_inode *dir,
                         const struct pg_cap_inode *victim)
{
        return (dir->mode & S_ISVTX) && victim->uid != c->fsuid && dir->uid != c->fsuid;
}

bool pg_cap_model_chown(const struct pg_cap_creds *c, const struct pg_cap_inode *ino, uid_t uid,
                        gid_t gid)
{
        bool owner = c->fsuid == ino->uid;
        if (uid != (uid_t)-1 && !(owner && uid == ino->uid))
                return true;
        if (gid != (gid_t)-1 && !(owner && (gid == ino->gid || pg_cap_model_in_group(c, gid))))
                return true;
        return false;
}

bool pg_cap_model_chmod_fsetid(const struct pg_cap_creds *c, const struct pg_cap_inode *ino,
                               mode_t mode)
{
        /* setattr_copy(): the bit is dropped, silently, unless in_group_or_capable(). */
        return (mode & S_ISGID) && !pg_cap_model_in_group(c, ino->gid);
}

int pg_cap_model_hardlink(const struct pg_cap_creds *c, const struct pg_cap_inode *ino)
{
        if (pg_cap_model_owner(c, ino))
                return -1;
        bool setid =
            (ino->mode & S_ISUID) || (ino->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP);
        if (!S_ISREG(ino->mode) || setid)
                return CAP_FOWNER;
        /* safe_hardlink_source() asks for read and write permission, which DAC_OVERRIDE gives. */
        bool rs;
        int cap = pg_cap_model_dac(c, ino, PG_MAY_READ | PG_MAY_WRITE, &rs);
        return cap < 0 ? -1 : cap;
}

static bool one_of(uint32_t id, const uint32_t *set, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (set[i] == id)
                        return true;
        return false;
}

bool pg_cap_model_setid(int kind, const uint32_t cur[4], const uint32_t *ids)
{
        const uint32_t none = (uint32_t)-1;
        switch (kind) {
        case PG_CAP_KIND_SETUID:
        case PG_CAP_KIND_SETGID:
                /* Without the capability only the effective id changes: the result is the same
                 * only when the real and saved ids already are the new one. */
                return !(ids[0] == cur[0] && ids[0] == cur[2]);
        case PG_CAP_KIND_SETREUID:
        case PG_CAP_KIND_SETREGID:
                return (ids[0] != none && !one_of(ids[0], cur, 2)) ||
                       (ids[1] != none && !one_of(ids[1], cur, 3));
        case PG_CAP_KIND_SETRESUID:
        case PG_CAP_KIND_SETRESGID:
                for (int i = 0; i < 3; i++)
                        if (ids[i] != none && !one_of(ids[i], cur, 3))
                                return true;
                return false;
        case PG_CAP_KIND_SETFSUID:
        case PG_CAP_KIND_SETFSGID:
                return ids[0] != none && !one_of(ids[0], cur, 4);
        default:
                return false;
        }
}

bool pg_cap_model_kill(const struct pg_cap_creds *sender, uid_t target_ruid, uid_t target_suid)
{
        return !(sender->euid == target_suid || sender->euid == target_ruid ||
                 sender->ruid == target_suid || sender->ruid == target_ruid);
}

bool pg_cap_model_ptrace(const struct pg_cap_creds *caller, const struct pg_cap_creds *target)
{
        bool ids = caller->ruid == target->ruid && caller->ruid == target->euid &&
                   caller->ruid == target->suid && caller->rgid == target->rgid &&
                   caller->rgid == target->egid && caller->rgid == target->sgid;
        /* cap_ptrace_access_check(): the target may not have what the caller has not. */
        bool subset = (target->cap_prm & ~caller->cap_prm) == 0;
        return !ids || !subset;
}

bool pg_cap_model_same_owner(const struct pg_cap_creds *caller, const struct pg_cap_creds *target)
{
        return caller->euid == target->euid || caller->euid == target->ruid;
}

bool pg_cap_model_capset(const struct pg_cap_creds *c, uint64_t new_inh)
{
        return (new_inh & ~(c->cap_inh | c->cap_prm)) != 0;
}

bool pg_cap_model_nice(int cur_nice, int new_nice, uint64_t rlimit_nice)
{
        if (new_nice < -20)
                new_nice = -20;
        if (new_nice >= cur_nice)
                return false;
        /* can_nice(): RLIMIT_NICE counts 20 - nice, so 20 allows nice 0 and 40 allows -20. */
        return (uint64_t)(20 - new_nice) > rlimit_nice;
}

bool pg_cap_model_mlock(uint64_t locked, uint64_t len, uint64_t limit)
{
        if (limit == (uint64_t)RLIM_INFINITY)
                return false;
        return limit == 0 || locked + len > limit;
}

bool pg_cap_model_port(unsigned port, unsigned unprivileged_start)
{
        return port != 0 && port < unprivileged_start;
}
