/* SPDX-License-Identifier: MIT */
/* Capability rules as data, and pure models of the kernel's decisions.
 *
 * The rule table (tracer/cap_rules.c) says which syscalls can make the kernel check a capability
 * and where their arguments are; the kernel-check table says which checks seen by the cap_capable
 * tracepoint have no effect; the models (tracer/cap_rules_model.c) answer "would this call fail, or
 * behave differently, for the same uid without capability X?" from credentials and file metadata.
 * Nothing here touches a process: the capability watcher (tracer/capwatch*.c) reads /proc and
 * tracee memory and feeds the models, and unit tests feed them made-up credentials. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a rule judges. The comment gives the arguments the handler reads; where syscalls of one kind
 * differ, the table's dirfd/path/arg/arg2 columns say where they are. */
enum pg_cap_kind {
        PG_CAP_KIND_ALWAYS,       /* the call needs `caps` whenever it succeeds (chroot, mount) */
        PG_CAP_KIND_OPEN,         /* dirfd, path, arg = flags: DAC on the file or parent, NOATIME */
        PG_CAP_KIND_OPENAT2,      /* dirfd, path, arg = struct open_how * */
        PG_CAP_KIND_CREAT,        /* path: open(O_CREAT|O_WRONLY|O_TRUNC) */
        PG_CAP_KIND_ACCESS,       /* dirfd, path, arg = mode, arg2 = flags (AT_EACCESS) */
        PG_CAP_KIND_EXEC,         /* dirfd, path: search and execute permission */
        PG_CAP_KIND_CHDIR,        /* dirfd or path: search permission (chroot adds SYS_CHROOT) */
        PG_CAP_KIND_MKNOD,        /* dirfd, path, arg = mode: parent write, MKNOD for devices */
        PG_CAP_KIND_CREATE,       /* dirfd, path: a new name in the parent (mkdir, symlink) */
        PG_CAP_KIND_UNLINK,       /* dirfd, path: parent write, sticky directories */
        PG_CAP_KIND_RENAME,       /* dirfd, path, arg2 = new dirfd, arg = new path */
        PG_CAP_KIND_LINK,         /* dirfd, path, arg2 = new dirfd, arg = new path */
        PG_CAP_KIND_TRUNCATE,     /* path: write permission */
        PG_CAP_KIND_CHMOD,        /* dirfd/fd, path, arg = mode: FOWNER, FSETID */
        PG_CAP_KIND_CHOWN,        /* dirfd/fd, path, arg = uid, arg2 = gid */
        PG_CAP_KIND_UTIMES,       /* dirfd, path, arg = times pointer */
        PG_CAP_KIND_XATTR,        /* dirfd/fd, path, arg = name */
        PG_CAP_KIND_SETUID,       /* uid */
        PG_CAP_KIND_SETREUID,     /* ruid, euid */
        PG_CAP_KIND_SETRESUID,    /* ruid, euid, suid */
        PG_CAP_KIND_SETFSUID,     /* fsuid */
        PG_CAP_KIND_SETGID,       /* gid */
        PG_CAP_KIND_SETREGID,     /* rgid, egid */
        PG_CAP_KIND_SETRESGID,    /* rgid, egid, sgid */
        PG_CAP_KIND_SETFSGID,     /* fsgid */
        PG_CAP_KIND_SETGROUPS,    /* always SETGID, even for the current list */
        PG_CAP_KIND_CAPSET,       /* header, data: SETPCAP to raise the inheritable set */
        PG_CAP_KIND_PRCTL,        /* option: bounding set, securebits, PR_SET_MM */
        PG_CAP_KIND_KILL,         /* arg = pid, arg2 = signal (kill, tkill, rt_sigqueueinfo) */
        PG_CAP_KIND_TGKILL,       /* tgid, tid, signal */
        PG_CAP_KIND_PIDFD_SIGNAL, /* pidfd, signal */
        PG_CAP_KIND_SOCKET,       /* family, type, protocol: NET_RAW */
        PG_CAP_KIND_BIND,         /* fd, sockaddr: NET_BIND_SERVICE */
        PG_CAP_KIND_SETSOCKOPT,   /* fd, level, name, value: the socket-option table */
        PG_CAP_KIND_SENDTO,       /* fd, buffer: netlink requests (NET_ADMIN, AUDIT_WRITE) */
        PG_CAP_KIND_SENDMSG,      /* fd, msghdr: the same */
        PG_CAP_KIND_IOCTL,        /* fd, request, argp: the ioctl table, inode flags */
        PG_CAP_KIND_FCNTL,        /* fd, cmd, arg: leases, pipe size */
        PG_CAP_KIND_SETPRIORITY,  /* which, who, prio */
        PG_CAP_KIND_NICE,         /* increment */
        PG_CAP_KIND_SCHED,        /* arg = pid, arg2 = policy (-1: kept), param/attr pointer next */
        PG_CAP_KIND_SCHED_ATTR,   /* pid, struct sched_attr * */
        PG_CAP_KIND_AFFINITY,     /* pid: another owner's task */
        PG_CAP_KIND_IOPRIO,       /* which, who, ioprio: the real-time class */
        PG_CAP_KIND_RLIMIT,       /* arg = pid (-1: self), arg2 = resource, new limits next */
        PG_CAP_KIND_MLOCK,        /* addr, len */
        PG_CAP_KIND_MLOCKALL,     /* flags */
        PG_CAP_KIND_MMAP,         /* addr, len, prot, flags: MAP_LOCKED */
        PG_CAP_KIND_PTRACE,       /* request, pid: attach */
        PG_CAP_KIND_PROCESS_VM,   /* pid */
        PG_CAP_KIND_SETTIMEOFDAY, /* tv, tz */
        PG_CAP_KIND_ADJTIMEX,     /* arg = struct timex * (modes first) */
        PG_CAP_KIND_SYSLOG,       /* type: dmesg_restrict */
        PG_CAP_KIND_PERF,         /* attr, pid, cpu: perf_event_paranoid */
        PG_CAP_KIND_BPF,          /* cmd, attr: unprivileged_bpf_disabled */
        PG_CAP_KIND_ALARM,        /* clockid: the *_ALARM clocks */
        PG_CAP_KIND_NAMESPACES,   /* arg = flags (CLONE_NEW*), arg2 = 1: flags in a clone_args */
        PG_CAP_KIND_OPEN_TREE,    /* dirfd, path, flags: OPEN_TREE_CLONE */
        PG_CAP_KIND_COUNT,
};

enum {
        PG_CAP_RULE_CREDS = 1u << 0,      /* the call may change the caller's credentials */
        PG_CAP_RULE_NOFOLLOW = 1u << 1,   /* the path's last component is not followed (lchown) */
        PG_CAP_RULE_ID16 = 1u << 2,       /* 16-bit ids (i386's chown, setuid, ...): 0xffff is -1 */
        PG_CAP_RULE_ANY_RESULT = 1u << 3, /* judged whatever the result (setfsuid returns an id) */
};

struct pg_cap_rule {
        const char *syscall; /* libseccomp name; the table is sorted by it */
        enum pg_cap_kind kind;
        int8_t dirfd; /* argument index of a directory fd (or the fd itself), -1: AT_FDCWD */
        int8_t path;  /* argument index of the path, -1: none */
        int8_t arg;   /* kind-specific (see enum pg_cap_kind), -1: none */
        int8_t arg2;
        uint8_t flags;   /* PG_CAP_RULE_* */
        uint64_t caps;   /* every capability the kind can claim (bit n = CAP n) */
        const char *why; /* one line for docs/capabilities.md and the evidence of ALWAYS rules */
};

const struct pg_cap_rule *pg_cap_rules(size_t *ret_n);
/* NULL when no rule covers the syscall. */
const struct pg_cap_rule *pg_cap_rule_find(const char *syscall);

/* What to make of a check the kernel reported (cap_capable tracepoint) during a syscall. */
enum pg_cap_check_policy {
        PG_CAP_CHECK_IGNORE, /* no effect: e.g. the "vm enough memory" probe */
        PG_CAP_CHECK_DEFER,  /* checked before the unprivileged path: the rule's model decides */
        PG_CAP_CHECK_AS,     /* counts as another capability (`as`) that also passes the check */
        PG_CAP_CHECK_KEEP,   /* counts as it is: an exception to a "*" row */
};

struct pg_cap_check {
        const char *syscall; /* sorted by (syscall, cap); "*": every syscall without its own row */
        int cap;
        enum pg_cap_check_policy policy;
        int as; /* PG_CAP_CHECK_AS: the capability to recommend instead */
        const char *why;
        /* The row is the "vm enough memory" probe and nothing else: where the probe is known by
         * its call chain (pg_cap_tp_event.vm_probe) the row is not needed, nor a stop for it. */
        bool vm_probe;
};

const struct pg_cap_check *pg_cap_checks(size_t *ret_n);
/* NULL when a check of `cap` in `syscall` counts as it is. */
const struct pg_cap_check *pg_cap_check_find(const char *syscall, int cap);

/* Requests and options that need a capability: ioctl numbers and socket options. */
struct pg_cap_ioctl {
        uint32_t request; /* sorted */
        int cap;
        const char *name;
};
const struct pg_cap_ioctl *pg_cap_ioctls(size_t *ret_n);
const struct pg_cap_ioctl *pg_cap_ioctl_find(uint32_t request);

struct pg_cap_sockopt {
        int level, name; /* sorted by (level, name) */
        int cap;
        int64_t free_min, free_max; /* integer values that need no capability (min > max: none) */
        const char *label;
};
const struct pg_cap_sockopt *pg_cap_sockopts(size_t *ret_n);
const struct pg_cap_sockopt *pg_cap_sockopt_find(int level, int name);

/* Kinds whose judge claims nothing unless one argument has one of a few values or flags, or some
 * arguments are not 0: under a baseline their syscall stops only for those (fcntl: leases and pipe
 * sizes, find makes 22,000 other fcntl calls; mmap: MAP_LOCKED, a dynamically linked program maps
 * ~8 times at start; prlimit64: another process or a new limit, glibc reads its own stack limit
 * once in every process). */
#define PG_CAP_STOP_VALUES 4
struct pg_cap_stop_values {
        enum pg_cap_kind kind;
        const char *only; /* the one syscall of the kind it is for, NULL: all of them */
        int8_t arg;       /* the argument's index */
        uint8_t n;
        uint32_t values[PG_CAP_STOP_VALUES];
        uint32_t mask;   /* or any of these bits */
        uint8_t nonzero; /* or any of these arguments (bit i: argument i) is not 0 */
};
/* NULL when every call of that kind (by `syscall`) must stop. */
const struct pg_cap_stop_values *pg_cap_stop_values_find(enum pg_cap_kind kind,
                                                         const char *syscall);

/* ---- models (tracer/cap_rules_model.c) ---- */

#define PG_CAP_NGROUPS 64

/* A thread's credentials, as /proc/PID/task/TID/status shows them. */
struct pg_cap_creds {
        uid_t ruid, euid, suid, fsuid;
        gid_t rgid, egid, sgid, fsgid;
        size_t n_groups; /* the first PG_CAP_NGROUPS supplementary groups */
        gid_t groups[PG_CAP_NGROUPS];
        uint64_t cap_inh, cap_prm, cap_eff, cap_bnd;
};

/* Parses the Uid, Gid, Groups and Cap* lines of a status file. -EINVAL when one is missing. */
int pg_cap_creds_parse(const char *status, struct pg_cap_creds *ret);
bool pg_cap_creds_has(const struct pg_cap_creds *c, int cap);
/* The credentials access(2) uses: real ids, and for a non-root real uid no capabilities. */
void pg_cap_creds_for_access(const struct pg_cap_creds *c, struct pg_cap_creds *ret);

/* What the permission checks need of a file. */
struct pg_cap_inode {
        uid_t uid;
        gid_t gid;
        mode_t mode; /* type and permission bits, as st_mode */
};

enum {
        PG_MAY_EXEC = 1,
        PG_MAY_WRITE = 2,
        PG_MAY_READ = 4,
};

/* generic_permission() without ACLs: which capability lets the caller have `mask` on the file.
 * -1 when the mode bits already allow it, -EACCES when no capability helps (execute without any
 * x bit). The kernel tries CAP_DAC_READ_SEARCH first for reads and searches; CAP_DAC_OVERRIDE
 * passes those checks too, and is what is recommended (pg_cap_model_dac says which was checked).
 */
int pg_cap_model_dac(const struct pg_cap_creds *c, const struct pg_cap_inode *ino, unsigned mask,
                     bool *ret_read_search);
/* The caller's fsuid owns the file (else FOWNER: inode_owner_or_capable). */
bool pg_cap_model_owner(const struct pg_cap_creds *c, const struct pg_cap_inode *ino);
bool pg_cap_model_in_group(const struct pg_cap_creds *c, gid_t gid);
/* Removing `victim` from sticky directory `dir` needs FOWNER. */
bool pg_cap_model_sticky(const struct pg_cap_creds *c, const struct pg_cap_inode *dir,
                         const struct pg_cap_inode *victim);
/* chown(file, uid, gid) needs CHOWN; (uid_t)-1 and (gid_t)-1 leave the id unchanged. */
bool pg_cap_model_chown(const struct pg_cap_creds *c, const struct pg_cap_inode *ino, uid_t uid,
                        gid_t gid);
/* chmod keeps a set-group-ID bit only with FSETID when the caller is not in the file's group. */
bool pg_cap_model_chmod_fsetid(const struct pg_cap_creds *c, const struct pg_cap_inode *ino,
                               mode_t mode);
/* protected_hardlinks: linking a file one does not own needs FOWNER unless it is a regular,
 * non-set-ID file the caller may read and write. ret_cap: the capability, or -1. */
int pg_cap_model_hardlink(const struct pg_cap_creds *c, const struct pg_cap_inode *ino);

/* The set*id family: would the call fail, or change fewer ids, without SETUID/SETGID? ids[] are
 * the new values in argument order ((uint32_t)-1: unchanged). cur: real, effective, saved, fs. */
bool pg_cap_model_setid(int kind, const uint32_t cur[4], const uint32_t *ids);
/* kill_ok_by_cred: the sender's real or effective uid must match the target's real or saved uid.
 */
bool pg_cap_model_kill(const struct pg_cap_creds *sender, uid_t target_ruid, uid_t target_suid);
/* __ptrace_may_access: the caller's ids (real ones for *_REALCREDS) must match all of the target's
 * uids and gids, and the target's permitted set must be a subset of the caller's. */
bool pg_cap_model_ptrace(const struct pg_cap_creds *caller, const struct pg_cap_creds *target);
/* check_same_owner: the caller's euid matches the target's uid or euid (else SYS_NICE). */
bool pg_cap_model_same_owner(const struct pg_cap_creds *caller, const struct pg_cap_creds *target);
/* capset: a new inheritable set beyond inheritable | permitted needs SETPCAP. */
bool pg_cap_model_capset(const struct pg_cap_creds *c, uint64_t new_inh);
/* Lowering the nice value below the current one beyond RLIMIT_NICE needs SYS_NICE. */
bool pg_cap_model_nice(int cur_nice, int new_nice, uint64_t rlimit_nice);
/* Locking `len` more bytes beyond RLIMIT_MEMLOCK (or with a zero limit) needs IPC_LOCK. */
bool pg_cap_model_mlock(uint64_t locked, uint64_t len, uint64_t limit);
/* A port below net.ipv4.ip_unprivileged_port_start (0 is "any port") needs NET_BIND_SERVICE. */
bool pg_cap_model_port(unsigned port, unsigned unprivileged_start);
