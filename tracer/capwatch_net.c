// SPDX-License-Identifier: MIT
/* Judges of sockets, netlink requests, ioctl and fcntl. NET_BIND_SERVICE and ICMP sockets depend
 * on per-network-namespace sysctls: the judges assume the kernel defaults, which hold on the host,
 * under runc and Kubernetes, and say where Docker's defaults make a capability moot. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capwatch_internal.h"

#define NOTE_DOCKER_PORTS                                                                          \
        "not needed under Docker's default sysctl net.ipv4.ip_unprivileged_port_start=0"
#define ADVICE_ICMP                                                                                \
        "an ICMP datagram socket needs no capability where net.ipv4.ping_group_range admits the "  \
        "gid (Docker's default: every gid); under the kernel default \"1 0\" (runc, Kubernetes) "  \
        "it is refused whatever the capabilities, and programs such as ping then fall back to a "  \
        "raw socket, which needs NET_RAW"

static const char *family_name(int family)
{
        switch (family) {
        case AF_INET:
                return "AF_INET";
        case AF_INET6:
                return "AF_INET6";
        case AF_PACKET:
                return "AF_PACKET";
        case AF_NETLINK:
                return "AF_NETLINK";
        case AF_UNIX:
                return "AF_UNIX";
        default:
                return "AF_?";
        }
}

void pg_cw_judge_socket(struct pg_cw_call *c)
{
        int family = pg_cw_iarg(c, 0), type = pg_cw_iarg(c, 1) & 0xf, proto = pg_cw_iarg(c, 2);
        bool inet = family == AF_INET || family == AF_INET6;
        pg_cw_describe(c, "socket(%s, %s, %d)", family_name(family),
                       type == SOCK_RAW     ? "SOCK_RAW"
                       : type == SOCK_DGRAM ? "SOCK_DGRAM"
                                            : "SOCK_STREAM",
                       proto);
        if ((inet && type == SOCK_RAW) || family == AF_PACKET)
                pg_cw_claim(c, CAP_NET_RAW, NULL, "a raw or packet socket");
        else if (inet && type == SOCK_DGRAM && (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6))
                pg_cw_advise(c, "icmp-datagram-socket", ADVICE_ICMP);
}

void pg_cw_judge_bind(struct pg_cw_call *c)
{
        uint16_t sa[2]; /* family, port (network order): the same in sockaddr_in and _in6 */
        if (pg_tracee_read(c->t, pg_cw_arg(c, 1), sa, sizeof(sa)) != sizeof(sa))
                return;
        if (sa[0] != AF_INET && sa[0] != AF_INET6) {
                pg_cw_describe(c, "bind(%s)", family_name(sa[0]));
                return;
        }
        unsigned port = ntohs(sa[1]);
        pg_cw_describe(c, "bind(%s, port %u)", family_name(sa[0]), port);
        if (pg_cap_model_port(port, c->w->env.port_start))
                pg_cw_claim(c, CAP_NET_BIND_SERVICE, NOTE_DOCKER_PORTS,
                            "below net.ipv4.ip_unprivileged_port_start=%u (the kernel default)",
                            c->w->env.port_start);
}

void pg_cw_judge_setsockopt(struct pg_cw_call *c)
{
        int level = pg_cw_iarg(c, 1), name = pg_cw_iarg(c, 2);
        const struct pg_cap_sockopt *o = pg_cap_sockopt_find(level, name);
        int32_t v = 0;
        if (!o)
                return;
        if (pg_cw_arg(c, 3) && pg_tracee_read(c->t, pg_cw_arg(c, 3), &v, sizeof(v)) != sizeof(v))
                return;
        pg_cw_describe(c, "setsockopt(%s, %d)", o->label, v);
        if (v < o->free_min || v > o->free_max)
                pg_cw_claim(c, o->cap, NULL, "%s", o->label);
}

static bool audit_control(uint16_t type)
{
        static const uint16_t control[] = {1000, 1001, 1010, 1011, 1012, 1013,
                                           1014, 1015, 1016, 1017, 1018, 1019};
        for (size_t i = 0; i < sizeof(control) / sizeof(control[0]); i++)
                if (control[i] == type)
                        return true;
        return false;
}

/* Whether a message header asks for something a rule knows: checked before the socket's
 * protocol, which costs three syscalls on the tracer's side. */
static bool netlink_candidate(const struct nlmsghdr *h)
{
        uint16_t t = h->nlmsg_type;
        return h->nlmsg_len >= sizeof(*h) && h->nlmsg_len < (1u << 20) &&
               ((t >= 16 && t < 256) || (t >= 1000 && t < 1200) || (t >= 2100 && t < 3000));
}

/* The first netlink message a call sends, at `addr` in the tracee. */
static void judge_netlink(struct pg_cw_call *c, uint64_t addr)
{
        int proto;
        struct nlmsghdr h;
        if (pg_tracee_read(c->t, addr, &h, sizeof(h)) != sizeof(h) || !netlink_candidate(&h) ||
            pg_cw_netlink_proto(c->t->proc->pid, pg_cw_iarg(c, 0), &proto) < 0)
                return;
        pg_cw_describe(c, "%s(netlink protocol %d, message type %u)", c->name, proto, h.nlmsg_type);
        if (proto == NETLINK_ROUTE && h.nlmsg_type >= 16 && (h.nlmsg_type & 3) != 2)
                pg_cw_claim(c, CAP_NET_ADMIN, NULL, "an rtnetlink request that changes state");
        else if (proto == NETLINK_AUDIT &&
                 (h.nlmsg_type == 1005 || (h.nlmsg_type >= 1100 && h.nlmsg_type <= 1199) ||
                  (h.nlmsg_type >= 2100 && h.nlmsg_type <= 2999)))
                pg_cw_claim(c, CAP_AUDIT_WRITE, NULL, "a user message to the audit log");
        else if (proto == NETLINK_AUDIT && audit_control(h.nlmsg_type))
                pg_cw_claim(c, CAP_AUDIT_CONTROL, NULL,
                            "an audit control request (refused outside the initial pid "
                            "namespace anyway)");
}

void pg_cw_judge_sendto(struct pg_cw_call *c)
{
        judge_netlink(c, pg_cw_arg(c, 1));
}

void pg_cw_judge_sendmsg(struct pg_cw_call *c)
{
        /* struct msghdr: name, namelen, iov, iovlen... with pointer-sized fields */
        uint64_t mh[4] = {0}, iov[2] = {0};
        uint32_t mh32[4], iov32[2];
        if (pg_cw_wide(c)) {
                if (pg_tracee_read(c->t, pg_cw_arg(c, 1), mh, sizeof(mh)) != sizeof(mh) ||
                    mh[3] == 0 || pg_tracee_read(c->t, mh[2], iov, sizeof(iov)) != sizeof(iov))
                        return;
        } else {
                if (pg_tracee_read(c->t, pg_cw_arg(c, 1), mh32, sizeof(mh32)) != sizeof(mh32) ||
                    mh32[3] == 0 ||
                    pg_tracee_read(c->t, mh32[2], iov32, sizeof(iov32)) != sizeof(iov32))
                        return;
                iov[0] = iov32[0];
        }
        judge_netlink(c, iov[0]);
}

/* Inode flags the caller asks for, against the file's current ones (read on our side). */
static void judge_inode_flags(struct pg_cw_call *c, bool xflags)
{
        char path[64];
        uint32_t want[7] = {0}, have[7] = {0}; /* int flags, or struct fsxattr (28 bytes) */
        size_t len = xflags ? sizeof(want) : sizeof(uint32_t);
        struct pg_cap_inode ino;
        int fd = pg_cw_iarg(c, 0);
        snprintf(path, sizeof(path), "/proc/%d/fd/%d", c->t->proc->pid, fd);
        if (pg_tracee_read(c->t, pg_cw_arg(c, 2), want, len) != (ssize_t)len ||
            pg_cw_stat(path, true, &ino) < 0)
                return;
        int ofd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (ofd < 0)
                return;
        int r = ioctl(ofd, xflags ? FS_IOC_FSGETXATTR : FS_IOC_GETFLAGS, have);
        close(ofd);
        if (r < 0)
                return;
        uint32_t guarded =
            xflags ? (FS_XFLAG_IMMUTABLE | FS_XFLAG_APPEND) : (FS_IMMUTABLE_FL | FS_APPEND_FL);
        pg_cw_describe(c, "ioctl(%s, %#x)", xflags ? "FS_IOC_FSSETXATTR" : "FS_IOC_SETFLAGS",
                       want[0]);
        if ((want[0] ^ have[0]) & guarded)
                pg_cw_claim(c, CAP_LINUX_IMMUTABLE, NULL,
                            "changing the immutable or append-only flag");
        if (!pg_cap_model_owner(c->cr, &ino))
                pg_cw_claim(c, CAP_FOWNER, NULL, "inode flags of a file owned by %u", ino.uid);
}

void pg_cw_judge_ioctl(struct pg_cw_call *c)
{
        uint32_t req = (uint32_t)pg_cw_arg(c, 1);
        const struct pg_cap_ioctl *io = pg_cap_ioctl_find(req);
        if (io) {
                pg_cw_describe(c, "ioctl(%s)", io->name);
                pg_cw_claim(c, io->cap, NULL, "%s", io->name);
        } else if (req == (uint32_t)FS_IOC_SETFLAGS || req == (uint32_t)FS_IOC32_SETFLAGS) {
                judge_inode_flags(c, false);
        } else if (req == (uint32_t)FS_IOC_FSSETXATTR) {
                judge_inode_flags(c, true);
        }
}

void pg_cw_judge_fcntl(struct pg_cw_call *c)
{
        int cmd = pg_cw_iarg(c, 1);
        uint64_t arg = pg_cw_arg(c, 2);
        struct pg_cap_inode ino;
        if (cmd == F_SETLEASE && arg != F_UNLCK &&
            pg_cw_stat_fd(c->t->proc->pid, pg_cw_iarg(c, 0), &ino) == 0) {
                pg_cw_describe(c, "fcntl(F_SETLEASE, %s)", arg == F_RDLCK ? "F_RDLCK" : "F_WRLCK");
                if (!pg_cap_model_owner(c->cr, &ino))
                        pg_cw_claim(c, CAP_LEASE, NULL, "a lease on a file owned by %u", ino.uid);
        } else if (cmd == F_SETPIPE_SZ) {
                pg_cw_describe(c, "fcntl(F_SETPIPE_SZ, %llu)", (unsigned long long)arg);
                if (arg > c->w->env.pipe_max)
                        pg_cw_claim(c, CAP_SYS_RESOURCE, NULL, "beyond fs.pipe-max-size=%llu",
                                    (unsigned long long)c->w->env.pipe_max);
        }
}
