// SPDX-License-Identifier: MIT
/* Judges of the file rules: permission bits (DAC_OVERRIDE), ownership (FOWNER, CHOWN), set-ID bits
 * (FSETID), sticky directories and protected hard links. Files are looked at from the tracer's side
 * at the call's entry; ACLs are not read (docs/capabilities.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "capwatch_internal.h"

#define NOTE_READ_SEARCH                                                                           \
        "CAP_DAC_READ_SEARCH, which the kernel tries first, would pass this read too"

static const char *what_of(unsigned mask)
{
        switch (mask) {
        case PG_MAY_READ:
                return "readable";
        case PG_MAY_WRITE:
        case PG_MAY_WRITE | PG_MAY_EXEC:
                return "writable";
        case PG_MAY_EXEC:
                return "executable/searchable";
        default:
                return "readable and writable";
        }
}

/* Claims what the caller needs to have `mask` on `ino` (named `label`). */
static void claim_dac(struct pg_cw_call *c, const struct pg_cap_inode *ino, unsigned mask,
                      const char *label)
{
        bool rs;
        int cap = pg_cap_model_dac(c->cr, ino, mask, &rs);
        if (cap < 0)
                return;
        pg_cw_claim(c, cap, rs ? NOTE_READ_SEARCH : NULL, "%s (%u:%u %04o) not %s by uid %u", label,
                    ino->uid, ino->gid, ino->mode & 07777, what_of(mask), c->cr->fsuid);
}

/* A new or removed name needs write and search permission on its directory. */
static void claim_parent(struct pg_cw_call *c, const struct pg_cw_path *p)
{
        struct pg_cap_inode dir;
        if (pg_cw_stat_parent(p, &dir) == 0)
                claim_dac(c, &dir, PG_MAY_WRITE | PG_MAY_EXEC, "its directory");
}

static void open_flags(int flags, char *buf, size_t len)
{
        static const struct {
                int flag;
                const char *name;
        } names[] = {{O_CREAT, "O_CREAT"},   {O_EXCL, "O_EXCL"},           {O_TRUNC, "O_TRUNC"},
                     {O_APPEND, "O_APPEND"}, {O_DIRECTORY, "O_DIRECTORY"}, {O_NOATIME, "O_NOATIME"},
                     {O_PATH, "O_PATH"},     {O_NOFOLLOW, "O_NOFOLLOW"}};
        static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
        size_t n = (size_t)snprintf(buf, len, "%s", acc[flags & O_ACCMODE]);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && n < len; i++)
                if ((flags & names[i].flag) == names[i].flag)
                        n += (size_t)snprintf(buf + n, len - n, "|%s", names[i].name);
}

static unsigned open_mask(int flags)
{
        static const unsigned acc[] = {PG_MAY_READ, PG_MAY_WRITE, PG_MAY_READ | PG_MAY_WRITE,
                                       PG_MAY_READ | PG_MAY_WRITE};
        return acc[flags & O_ACCMODE] | ((flags & O_TRUNC) ? PG_MAY_WRITE : 0);
}

static void judge_open_path(struct pg_cw_call *c, const struct pg_cw_path *p, int flags)
{
        struct pg_cap_inode ino;
        pg_cw_check_walk(c, p);
        int r = pg_cw_stat_path(p, !(flags & O_NOFOLLOW), &ino);
        if (r == -ENOENT && (flags & O_CREAT)) {
                claim_parent(c, p);
                return;
        }
        if (r < 0 || (flags & O_PATH))
                return;
        claim_dac(c, &ino, open_mask(flags), "the file");
        if ((flags & O_NOATIME) && !pg_cap_model_owner(c->cr, &ino))
                pg_cw_claim(c, CAP_FOWNER, NULL, "O_NOATIME on a file owned by %u", ino.uid);
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
        const uint8_t *b = data;
        for (size_t i = 0; i < len; i++)
                h = (h ^ b[i]) * 1099511628211ull;
        return h;
}

/* An open's identity for the repeat check: the rule, flags, absolute path, root generation and
 * the credentials the model uses; 0 (never equal) where a repeat must be judged again: without
 * the kernel's record, or for a path relative to a directory that may have moved. With the
 * record, an open that needed nothing and comes again unchanged is not judged again: a file or
 * directory changed in between can only make it need DAC_OVERRIDE, DAC_READ_SEARCH or FOWNER,
 * which the kernel's record reports of any syscall (PG_CW_PLAIN_CAPS). Saves its stat calls (one
 * per directory on the way and one for the file) on programs that open the same files again and
 * again. */
static uint64_t repeat_key(const struct pg_cw_call *c, const struct pg_cw_path *p, int flags)
{
        if (!c->w->tp || p->shown[0] != '/' || (c->rule->caps & ~PG_CW_PLAIN_CAPS))
                return 0;
        const struct pg_cap_creds *cr = c->cr;
        uint64_t h = 14695981039346656037ull;
        h = fnv(h, &c->rule, sizeof(c->rule));
        h = fnv(h, &flags, sizeof(flags));
        h = fnv(h, &c->w->root_gen, sizeof(c->w->root_gen));
        h = fnv(h, &cr->fsuid, sizeof(cr->fsuid));
        h = fnv(h, &cr->fsgid, sizeof(cr->fsgid));
        h = fnv(h, &cr->cap_eff, sizeof(cr->cap_eff));
        h = fnv(h, &cr->n_groups, sizeof(cr->n_groups));
        h = fnv(h, cr->groups, cr->n_groups * sizeof(cr->groups[0]));
        h = fnv(h, p->shown, strlen(p->shown) + 1);
        return h ? h : 1;
}

static void judge_open_flags(struct pg_cw_call *c, int flags)
{
        struct pg_cw_path p;
        char fl[128];
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, &p) < 0)
                return;
        open_flags(flags, fl, sizeof(fl));
        pg_cw_describe(c, "%s(\"%s\", %s)", c->name, p.shown, fl);
        uint64_t key = repeat_key(c, &p, flags);
        if (key && key == c->th->clean_open)
                return;
        size_t claims = c->th->n_claims;
        judge_open_path(c, &p, flags);
        c->th->clean_open = c->th->n_claims == claims ? key : 0;
}

void pg_cw_judge_open(struct pg_cw_call *c)
{
        judge_open_flags(c, pg_cw_iarg(c, c->rule->arg));
}

void pg_cw_judge_openat2(struct pg_cw_call *c)
{
        uint64_t how[3]; /* struct open_how: flags, mode, resolve */
        if (pg_tracee_read(c->t, pg_cw_arg(c, c->rule->arg), how, sizeof(how)) == sizeof(how))
                judge_open_flags(c, (int)how[0]);
}

void pg_cw_judge_creat(struct pg_cw_call *c)
{
        judge_open_flags(c, O_CREAT | O_WRONLY | O_TRUNC);
}

void pg_cw_judge_access(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_creds ac;
        struct pg_cap_inode ino;
        int mode = pg_cw_iarg(c, c->rule->arg);
        int flags = c->rule->arg2 >= 0 ? pg_cw_iarg(c, c->rule->arg2) : 0;
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, &p) < 0)
                return;
        pg_cw_describe(c, "%s(\"%s\", %s%s%s%s)", c->name, p.shown, mode ? "" : "F_OK",
                       (mode & R_OK) ? "R" : "", (mode & W_OK) ? "W" : "",
                       (mode & X_OK) ? "X" : "");
        /* access(2) answers for the real ids unless AT_EACCESS: judge with those. */
        struct pg_cw_call ca = *c;
        if (!(flags & AT_EACCESS)) {
                pg_cap_creds_for_access(c->cr, &ac);
                ca.cr = &ac;
        }
        pg_cw_check_walk(&ca, &p);
        if (mode && pg_cw_stat_path(&p, !(flags & AT_SYMLINK_NOFOLLOW), &ino) == 0)
                claim_dac(&ca, &ino, (unsigned)mode & 7, "the file");
}

/* The call's one path: read, described as "name(\"path\")", and its lookup walked. */
static int named_path(struct pg_cw_call *c, struct pg_cw_path *p)
{
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, p) < 0)
                return -EFAULT;
        pg_cw_describe(c, "%s(\"%s\")", c->name, p->shown);
        pg_cw_check_walk(c, p);
        return 0;
}

void pg_cw_judge_exec(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_inode ino;
        if (c->rule->dirfd < 0 && pg_cw_arg(c, c->rule->path) == 0 && c->t->proc->exe) {
                /* the command's own execve, counted at its exec event: no arguments, only what
                 * it became (execveat's NULL path with AT_EMPTY_PATH names its fd: judged) */
                pg_cw_describe(c, "%s(\"%s\")", c->name, c->t->proc->exe);
                return;
        }
        if (named_path(c, &p) < 0)
                return;
        if (pg_cw_stat_path(&p, true, &ino) == 0 && S_ISREG(ino.mode))
                claim_dac(c, &ino, PG_MAY_EXEC, "the file");
}

void pg_cw_judge_chdir(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_inode ino;
        if (named_path(c, &p) < 0)
                return;
        if (c->rule->caps & (1ull << CAP_SYS_CHROOT))
                pg_cw_claim(c, CAP_SYS_CHROOT, NULL, "%s", c->rule->why);
        if (pg_cw_stat_path(&p, true, &ino) == 0 && S_ISDIR(ino.mode))
                claim_dac(c, &ino, PG_MAY_EXEC, "the directory");
}

/* mkdir, symlink: a new name */
void pg_cw_judge_create(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        if (named_path(c, &p) < 0)
                return;
        claim_parent(c, &p);
}

void pg_cw_judge_mknod(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        mode_t mode = (mode_t)pg_cw_arg(c, c->rule->arg);
        uint64_t dev = pg_cw_arg(c, c->rule->arg + 1);
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, &p) < 0)
                return;
        bool device = S_ISCHR(mode) || S_ISBLK(mode);
        pg_cw_describe(c, "%s(\"%s\", %s, %#llx)", c->name, p.shown,
                       S_ISCHR(mode)    ? "S_IFCHR"
                       : S_ISBLK(mode)  ? "S_IFBLK"
                       : S_ISFIFO(mode) ? "S_IFIFO"
                       : S_ISSOCK(mode) ? "S_IFSOCK"
                                        : "S_IFREG",
                       (unsigned long long)dev);
        /* a 0:0 character device is an overlayfs whiteout, allowed to everyone */
        if (device && !(S_ISCHR(mode) && dev == 0))
                pg_cw_claim(c, CAP_MKNOD, NULL, "a device node");
        pg_cw_check_walk(c, &p);
        claim_parent(c, &p);
}

/* Removing `p` (unlink, rmdir, the source of a rename): write to its directory, sticky bit. */
static void claim_removal(struct pg_cw_call *c, const struct pg_cw_path *p)
{
        struct pg_cap_inode dir, victim;
        pg_cw_check_walk(c, p);
        if (pg_cw_stat_parent(p, &dir) < 0)
                return;
        claim_dac(c, &dir, PG_MAY_WRITE | PG_MAY_EXEC, "its directory");
        if (pg_cw_stat_path(p, false, &victim) == 0 && pg_cap_model_sticky(c->cr, &dir, &victim))
                pg_cw_claim(c, CAP_FOWNER, NULL,
                            "sticky directory (%u:%u %04o), entry owned by %u, caller uid %u",
                            dir.uid, dir.gid, dir.mode & 07777, victim.uid, c->cr->fsuid);
}

void pg_cw_judge_unlink(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, &p) < 0)
                return;
        pg_cw_describe(c, "%s(\"%s\")", c->name, p.shown);
        claim_removal(c, &p);
}

void pg_cw_judge_rename(struct pg_cw_call *c)
{
        struct pg_cw_path from, to;
        struct pg_cap_inode src, dfrom, dto;
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, &from) < 0 ||
            pg_cw_path(c, c->rule->arg2, c->rule->arg, &to) < 0)
                return;
        pg_cw_describe(c, "%s(\"%s\", \"%s\")", c->name, from.shown, to.shown);
        claim_removal(c, &from);
        claim_removal(c, &to); /* an existing target is replaced: the same checks */
        /* A directory moved to another parent has its ".." rewritten: write permission on it. */
        if (pg_cw_stat_path(&from, false, &src) == 0 && S_ISDIR(src.mode) &&
            pg_cw_stat_parent(&from, &dfrom) == 0 && pg_cw_stat_parent(&to, &dto) == 0 &&
            memcmp(&dfrom, &dto, sizeof(dfrom)) != 0)
                claim_dac(c, &src, PG_MAY_WRITE, "the directory");
}

void pg_cw_judge_link(struct pg_cw_call *c)
{
        struct pg_cw_path from, to;
        struct pg_cap_inode src;
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, &from) < 0 ||
            pg_cw_path(c, c->rule->arg2, c->rule->arg, &to) < 0)
                return;
        pg_cw_describe(c, "%s(\"%s\", \"%s\")", c->name, from.shown, to.shown);
        pg_cw_check_walk(c, &from);
        pg_cw_check_walk(c, &to);
        claim_parent(c, &to);
        if (!c->w->env.protected_hardlinks || pg_cw_stat_path(&from, false, &src) < 0)
                return;
        int cap = pg_cap_model_hardlink(c->cr, &src);
        if (cap >= 0)
                pg_cw_claim(c, cap, NULL,
                            "fs.protected_hardlinks: a file owned by %u (%04o) that uid %u may not "
                            "read and write",
                            src.uid, src.mode & 07777, c->cr->fsuid);
}

void pg_cw_judge_truncate(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_inode ino;
        if (named_path(c, &p) < 0)
                return;
        if (pg_cw_stat_path(&p, true, &ino) == 0)
                claim_dac(c, &ino, PG_MAY_WRITE, "the file");
}

/* The file a chmod/chown/utimes/xattr call changes: by path (walked) or by fd. */
static int target(struct pg_cw_call *c, bool follow, struct pg_cw_path *p, struct pg_cap_inode *ino)
{
        if (pg_cw_path(c, c->rule->dirfd, c->rule->path, p) < 0)
                return -EFAULT;
        if (c->rule->path >= 0 && pg_cw_arg(c, c->rule->path) != 0)
                pg_cw_check_walk(c, p);
        return pg_cw_stat_path(p, follow, ino);
}

void pg_cw_judge_chmod(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_inode ino;
        mode_t mode = (mode_t)pg_cw_arg(c, c->rule->arg) & 07777;
        int r = target(c, true, &p, &ino);
        pg_cw_describe(c, "%s(\"%s\", %04o)", c->name, p.shown, mode);
        if (r < 0)
                return;
        if (!pg_cap_model_owner(c->cr, &ino))
                pg_cw_claim(c, CAP_FOWNER, NULL, "file owned by %u, caller uid %u", ino.uid,
                            c->cr->fsuid);
        if (pg_cap_model_chmod_fsetid(c->cr, &ino, mode))
                pg_cw_claim(c, CAP_FSETID, NULL,
                            "set-group-ID bit on a file of group %u the caller is not in "
                            "(without FSETID it is silently dropped)",
                            ino.gid);
}

void pg_cw_judge_chown(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_inode ino;
        uint32_t uid = pg_cw_id_arg(c, c->rule->arg), gid = pg_cw_id_arg(c, c->rule->arg2);
        bool follow = !(c->rule->flags & PG_CAP_RULE_NOFOLLOW);
        /* fchownat(dirfd, path, uid, gid, flags) */
        if (c->rule->dirfd >= 0 && c->rule->path >= 0 &&
            (pg_cw_iarg(c, c->rule->arg2 + 1) & AT_SYMLINK_NOFOLLOW))
                follow = false;
        int r = target(c, follow, &p, &ino);
        pg_cw_describe(c, "%s(\"%s\", %d, %d)", c->name, p.shown, (int)uid, (int)gid);
        if (r == 0 && pg_cap_model_chown(c->cr, &ino, uid, gid))
                pg_cw_claim(c, CAP_CHOWN, NULL, "owner %u:%u, caller uid %u", ino.uid, ino.gid,
                            c->cr->fsuid);
}

/* The times a utimensat-style call asks for: NULL or both UTIME_NOW means "now". */
static int times_kind(const struct pg_cw_call *c)
{
        uint64_t addr = pg_cw_arg(c, c->rule->arg);
        int64_t ts[4];
        if (addr == 0)
                return 0; /* now */
        if (strcmp(c->name, "utimensat") != 0 || !pg_cw_wide(c) ||
            pg_tracee_read(c->t, addr, ts, sizeof(ts)) != sizeof(ts))
                return 1; /* explicit */
        if (ts[1] == UTIME_OMIT && ts[3] == UTIME_OMIT)
                return -1; /* nothing changes */
        return ts[1] == UTIME_NOW && ts[3] == UTIME_NOW ? 0 : 1;
}

void pg_cw_judge_utimes(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_inode ino;
        int flags = c->rule->arg2 >= 0 ? pg_cw_iarg(c, c->rule->arg2) : 0;
        int r = target(c, !(flags & AT_SYMLINK_NOFOLLOW), &p, &ino);
        int kind = times_kind(c);
        pg_cw_describe(c, "%s(\"%s\", %s)", c->name, p.shown, kind == 0 ? "now" : "times");
        if (r < 0 || kind < 0 || pg_cap_model_owner(c->cr, &ino))
                return;
        bool rs;
        /* Setting explicit times takes ownership; "now" also passes with write permission. */
        if (kind == 1 || pg_cap_model_dac(c->cr, &ino, PG_MAY_WRITE, &rs) >= 0)
                pg_cw_claim(c, CAP_FOWNER, NULL, "file owned by %u (%04o), caller uid %u", ino.uid,
                            ino.mode & 07777, c->cr->fsuid);
}

void pg_cw_judge_xattr(struct pg_cw_call *c)
{
        struct pg_cw_path p;
        struct pg_cap_inode ino;
        char name[256] = "";
        int r = target(c, !(c->rule->flags & PG_CAP_RULE_NOFOLLOW), &p, &ino);
        pg_tracee_read_string(c->t, pg_cw_arg(c, c->rule->arg), name, sizeof(name));
        pg_cw_describe(c, "%s(\"%s\", \"%s\")", c->name, p.shown, name);
        if (strcmp(name, "security.capability") == 0)
                pg_cw_claim(c, CAP_SETFCAP, NULL, "file capabilities");
        else if (strncmp(name, "trusted.", 8) == 0)
                pg_cw_claim(c, CAP_SYS_ADMIN, NULL, "the trusted.* namespace");
        else if (strncmp(name, "user.", 5) == 0 && r == 0)
                claim_dac(c, &ino, PG_MAY_WRITE, "the file");
}
