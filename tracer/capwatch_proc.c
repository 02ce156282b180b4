// SPDX-License-Identifier: MIT
/* What the capability watcher reads on the tracer's side: a thread's credentials, the files a call
 * names (through /proc/TID/root, /proc/TID/cwd and /proc/PID/fd, so a chroot or another mount
 * namespace of the tracee is respected), limits and sysctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capwatch_internal.h"

static ssize_t read_small(const char *path, char *buf, size_t len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t n = 0;
        while (n + 1 < len) {
                ssize_t r = read(fd, buf + n, len - 1 - n);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break;
                n += (size_t)r;
        }
        close(fd);
        buf[n] = '\0';
        return (ssize_t)n;
}

int pg_cw_read_creds(pid_t pid, pid_t tid, struct pg_cap_creds *ret)
{
        char path[64], buf[4096];
        snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
        ssize_t n = read_small(path, buf, sizeof(buf));
        if (n < 0)
                return (int)n;
        return pg_cap_creds_parse(buf, ret);
}

static int fd_link(pid_t pid, int fd, char *buf, size_t len)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
        ssize_t n = readlink(path, buf, len - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return 0;
}

void pg_cw_root_close(struct pg_capwatch *w, struct pg_cw_thread *th)
{
        if (th->root_fd < 0)
                return;
        close(th->root_fd);
        th->root_fd = -1;
        w->n_root_fds--;
}

int pg_cw_root_fd(struct pg_capwatch *w, struct pg_cw_thread *th)
{
        if (th->root_fd >= 0 && th->root_gen == w->root_gen)
                return th->root_fd;
        pg_cw_root_close(w, th);
        if (w->n_root_fds >= PG_CW_ROOT_FDS)
                return -1;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/root", th->tid);
        th->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (th->root_fd < 0)
                return -1;
        th->root_gen = w->root_gen;
        w->n_root_fds++;
        return th->root_fd;
}

/* An absolute path from the thread's cached root: "." + the path, the walk starting at ".". A
 * lookup through /proc/TID/root costs ~3x a lookup from an open directory (the /proc part). */
static bool from_root_fd(const struct pg_cw_call *c, struct pg_cw_path *ret)
{
        int fd = c->th ? pg_cw_root_fd(c->w, c->th) : -1;
        if (fd < 0 ||
            snprintf(ret->full, sizeof(ret->full), ".%s", ret->shown) >= (int)sizeof(ret->full))
                return false;
        ret->dirfd = fd;
        ret->base_len = 1;
        return true;
}

int pg_cw_path(const struct pg_cw_call *c, int dirfd_arg, int path_arg, struct pg_cw_path *ret)
{
        pid_t pid = c->t->proc->pid, tid = c->t->tid;
        int dirfd = dirfd_arg >= 0 ? pg_cw_iarg(c, dirfd_arg) : AT_FDCWD;
        int n;
        ret->shown[0] = '\0';
        ret->dirfd = AT_FDCWD;
        if (path_arg >= 0 && pg_cw_arg(c, path_arg) != 0 &&
            pg_tracee_read_string(c->t, pg_cw_arg(c, path_arg), ret->shown, sizeof(ret->shown)) < 0)
                return -EFAULT;
        if (ret->shown[0] == '/' && from_root_fd(c, ret))
                return 0;
        if (ret->shown[0] == '/')
                n = snprintf(ret->full, sizeof(ret->full), "/proc/%d/root", tid);
        else if (dirfd == AT_FDCWD)
                n = snprintf(ret->full, sizeof(ret->full), "/proc/%d/cwd", tid);
        else
                n = snprintf(ret->full, sizeof(ret->full), "/proc/%d/fd/%d", pid, dirfd);
        ret->base_len = (size_t)n;
        if (ret->shown[0] == '\0') {
                /* the fd itself (fchmod, AT_EMPTY_PATH): show where it points */
                if (dirfd != AT_FDCWD && fd_link(pid, dirfd, ret->shown, sizeof(ret->shown)) < 0)
                        snprintf(ret->shown, sizeof(ret->shown), "fd %d", dirfd);
                return 0;
        }
        if (snprintf(ret->full + n, sizeof(ret->full) - (size_t)n, "%s%s",
                     ret->shown[0] == '/' ? "" : "/", ret->shown) >= (int)(sizeof(ret->full)) - n)
                return -ENAMETOOLONG;
        return 0;
}

static void to_inode(const struct stat *st, struct pg_cap_inode *ret)
{
        ret->uid = st->st_uid;
        ret->gid = st->st_gid;
        ret->mode = st->st_mode;
}

static int stat_at(int dirfd, const char *path, bool follow, struct pg_cap_inode *ret)
{
        struct stat st;
        if (fstatat(dirfd, path, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        to_inode(&st, ret);
        return 0;
}

int pg_cw_stat(const char *full, bool follow, struct pg_cap_inode *ret)
{
        return stat_at(AT_FDCWD, full, follow, ret);
}

int pg_cw_stat_at(const struct pg_cw_path *p, const char *path, bool follow,
                  struct pg_cap_inode *ret)
{
        return stat_at(p->dirfd, path, follow, ret);
}

int pg_cw_stat_path(const struct pg_cw_path *p, bool follow, struct pg_cap_inode *ret)
{
        return pg_cw_stat_at(p, p->full, follow, ret);
}

int pg_cw_stat_fd(pid_t pid, int fd, struct pg_cap_inode *ret)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
        return pg_cw_stat(path, true, ret);
}

int pg_cw_stat_parent(const struct pg_cw_path *p, struct pg_cap_inode *ret)
{
        char dir[sizeof(p->full)];
        size_t len = strlen(p->full);
        memcpy(dir, p->full, len + 1);
        while (len > p->base_len && dir[len - 1] == '/')
                dir[--len] = '\0';
        while (len > p->base_len && dir[len - 1] != '/')
                dir[--len] = '\0';
        while (len > p->base_len && dir[len - 1] == '/')
                dir[--len] = '\0';
        return pg_cw_stat_at(p, dir, true, ret);
}

void pg_cw_check_walk(struct pg_cw_call *c, const struct pg_cw_path *p)
{
        char dir[sizeof(p->full)];
        size_t len = strlen(p->full);
        memcpy(dir, p->full, len + 1);
        /* Every directory before a name is searched: the starting one (root, cwd or dirfd), then
         * each one the path names before its last component. */
        for (size_t i = p->base_len; i < len; i++) {
                if (dir[i] != '/' || dir[i + 1] == '/' || dir[i + 1] == '\0')
                        continue;
                struct pg_cap_inode ino;
                bool rs;
                dir[i] = '\0';
                int r = pg_cw_stat_at(p, dir, true, &ino);
                dir[i] = '/';
                if (r < 0 || !S_ISDIR(ino.mode))
                        return;
                if (pg_cap_model_dac(c->cr, &ino, PG_MAY_EXEC, &rs) >= 0) {
                        size_t shown = i - p->base_len;
                        pg_cw_claim(c, CAP_DAC_OVERRIDE, NULL,
                                    "directory %.*s (%u:%u %04o) not searchable by uid %u",
                                    (int)(shown ? shown : 1),
                                    shown ? dir + p->base_len : (p->shown[0] == '/' ? "/" : "."),
                                    ino.uid, ino.gid, ino.mode & 07777, c->cr->fsuid);
                        return;
                }
        }
}

long pg_cw_sysctl(const char *path, long fallback)
{
        char full[128], buf[64];
        snprintf(full, sizeof(full), "/proc/sys/%s", path);
        if (read_small(full, buf, sizeof(buf)) <= 0)
                return fallback;
        return strtol(buf, NULL, 10);
}

static uint64_t limit_value(const char *s)
{
        return strncmp(s, "unlimited", 9) == 0 ? (uint64_t)RLIM_INFINITY : strtoull(s, NULL, 10);
}

int pg_cw_limit(pid_t pid, int res, bool hard, uint64_t *ret)
{
        char path[64], buf[4096];
        snprintf(path, sizeof(path), "/proc/%d/limits", pid);
        if (read_small(path, buf, sizeof(buf)) < 0 || res < 0)
                return -ENOENT;
        /* a header line, then one line per resource in RLIMIT_* order, values from column 26 */
        const char *line = strchr(buf, '\n');
        for (int i = 0; line && i < res; i++)
                line = strchr(line + 1, '\n');
        if (!line || strlen(line) < 27)
                return -ENOENT;
        char soft[32], hardv[32];
        if (sscanf(line + 27, "%31s %31s", soft, hardv) != 2)
                return -EINVAL;
        *ret = limit_value(hard ? hardv : soft);
        return 0;
}

int pg_cw_status_kb(pid_t pid, const char *name, uint64_t *ret)
{
        char path[64], buf[4096];
        snprintf(path, sizeof(path), "/proc/%d/status", pid);
        if (read_small(path, buf, sizeof(buf)) < 0)
                return -ENOENT;
        const char *p = strstr(buf, name);
        if (!p || p[strlen(name)] != ':')
                return -ENOENT;
        *ret = strtoull(p + strlen(name) + 1, NULL, 10) * 1024;
        return 0;
}

int pg_cw_stat_field(pid_t pid, pid_t tid, int n, long long *ret)
{
        char path[64], buf[1024];
        snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
        if (read_small(path, buf, sizeof(buf)) < 0)
                return -ENOENT;
        /* field 2 is "(comm)" and may hold spaces: count from the last ')' */
        const char *p = strrchr(buf, ')');
        for (int i = 2; p && i < n; i++)
                p = strchr(p + 1, ' ');
        if (!p)
                return -EINVAL;
        *ret = strtoll(p + 1, NULL, 10);
        return 0;
}

int pg_cw_pidfd_pid(pid_t pid, int fd, pid_t *ret)
{
        char path[64], buf[1024];
        snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
        if (read_small(path, buf, sizeof(buf)) < 0)
                return -ENOENT;
        const char *p = strstr(buf, "\nPid:");
        if (!p)
                return -ENOENT;
        *ret = (pid_t)strtol(p + 5, NULL, 10);
        return 0;
}

/* The tracee's socket, duplicated into the tracer (pidfd_getfd, Linux 5.6+): its protocol is
 * then one getsockopt away. An unbound netlink socket is not yet in /proc/PID/net/netlink. */
int pg_cw_netlink_proto(pid_t pid, int fd, int *ret)
{
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), dom = -1, proto = -1;
        if (pidfd < 0)
                return -errno;
        int copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        close(pidfd);
        if (copy < 0)
                return -errno;
        socklen_t len = sizeof(dom);
        int r = getsockopt(copy, SOL_SOCKET, SO_DOMAIN, &dom, &len);
        len = sizeof(proto);
        if (r == 0)
                r = getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
        close(copy);
        if (r < 0 || dom != AF_NETLINK)
                return -ENOENT;
        *ret = proto;
        return 0;
}
