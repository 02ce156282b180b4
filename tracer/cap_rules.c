// SPDX-License-Identifier: MIT
/* The capability rules, as data: which syscalls can make the kernel check a capability
 * (capabilities(7), and the kernel sources it summarises), where their arguments are, and which
 * checks reported by the cap_capable tracepoint say nothing about what a workload needs.
 * docs/howto-add-capability-rule.md explains how to add a row; tests/unit/test_cap_rules.c keeps
 * every table sorted and unique and every name known to libseccomp and libcap. */
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cap_rules.h"

#define C(x) (1ull << CAP_##x)
#define DAC  C(DAC_OVERRIDE)

/* i386's chown, setuid, ... take 16-bit ids; its *32 variants and every 64-bit arch take 32. */
#define ID16  PG_CAP_RULE_ID16
#define CREDS PG_CAP_RULE_CREDS
#define NOFOL PG_CAP_RULE_NOFOLLOW
#define ANYR  PG_CAP_RULE_ANY_RESULT

#define R(name, kind, dirfd, path, arg, arg2, flags, caps, why)                                    \
        {                                                                                          \
                name, PG_CAP_KIND_##kind, dirfd, path, arg, arg2, flags, caps, why                 \
        }

static const struct pg_cap_rule rules[] = {
    R("access", ACCESS, -1, 0, 1, -1, 0, DAC, "access(2) answers for the real uid, with its caps"),
    R("acct", ALWAYS, -1, -1, -1, -1, 0, C(SYS_PACCT), "switch process accounting"),
    R("adjtimex", ADJTIMEX, -1, -1, 0, -1, 0, C(SYS_TIME), "adjust the system clock"),
    R("bind", BIND, 0, -1, 1, 2, 0, C(NET_BIND_SERVICE), "bind a port below 1024"),
    R("bpf", BPF, -1, -1, 0, 1, 0, C(BPF) | C(PERFMON), "create BPF maps and programs"),
    R("capset", CAPSET, -1, -1, 0, 1, CREDS, C(SETPCAP), "raise the inheritable set"),
    R("chdir", CHDIR, -1, 0, -1, -1, 0, DAC, "search a directory"),
    R("chmod", CHMOD, -1, 0, 1, -1, 0, C(FOWNER) | C(FSETID), "chmod another owner's file"),
    R("chown", CHOWN, -1, 0, 1, 2, ID16, C(CHOWN), "give a file away"),
    R("chown32", CHOWN, -1, 0, 1, 2, 0, C(CHOWN), "give a file away"),
    R("chroot", CHDIR, -1, 0, -1, -1, 0, C(SYS_CHROOT) | DAC, "change the root directory"),
    R("clock_adjtime", ADJTIMEX, -1, -1, 1, -1, 0, C(SYS_TIME), "adjust a clock"),
    R("clock_adjtime64", ADJTIMEX, -1, -1, 1, -1, 0, C(SYS_TIME), "adjust a clock"),
    R("clock_settime", ALWAYS, -1, -1, -1, -1, 0, C(SYS_TIME), "set a clock"),
    R("clock_settime64", ALWAYS, -1, -1, -1, -1, 0, C(SYS_TIME), "set a clock"),
    R("clone", NAMESPACES, -1, -1, 0, 0, 0, C(SYS_ADMIN), "create namespaces"),
    R("clone3", NAMESPACES, -1, -1, 0, 1, 0, C(SYS_ADMIN), "create namespaces"),
    R("creat", CREAT, -1, 0, -1, -1, 0, DAC, "create or truncate a file"),
    R("delete_module", ALWAYS, -1, -1, -1, -1, 0, C(SYS_MODULE), "unload a kernel module"),
    R("execve", EXEC, -1, 0, -1, -1, 0, DAC, "execute a file"),
    R("execveat", EXEC, 0, 1, -1, -1, 0, DAC, "execute a file"),
    R("faccessat", ACCESS, 0, 1, 2, -1, 0, DAC, "access(2) answers for the real uid"),
    R("faccessat2", ACCESS, 0, 1, 2, 3, 0, DAC, "access(2) answers for the real uid"),
    R("fanotify_init", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "watch file system events"),
    R("fchdir", CHDIR, 0, -1, -1, -1, 0, DAC, "search a directory"),
    R("fchmod", CHMOD, 0, -1, 1, -1, 0, C(FOWNER) | C(FSETID), "chmod another owner's file"),
    R("fchmodat", CHMOD, 0, 1, 2, -1, 0, C(FOWNER) | C(FSETID), "chmod another owner's file"),
    R("fchown", CHOWN, 0, -1, 1, 2, ID16, C(CHOWN), "give a file away"),
    R("fchown32", CHOWN, 0, -1, 1, 2, 0, C(CHOWN), "give a file away"),
    R("fchownat", CHOWN, 0, 1, 2, 3, 0, C(CHOWN), "give a file away"),
    R("fcntl", FCNTL, 0, -1, 1, 2, 0, C(LEASE) | C(SYS_RESOURCE), "leases, pipe sizes"),
    R("fcntl64", FCNTL, 0, -1, 1, 2, 0, C(LEASE) | C(SYS_RESOURCE), "leases, pipe sizes"),
    R("finit_module", ALWAYS, -1, -1, -1, -1, 0, C(SYS_MODULE), "load a kernel module"),
    R("fremovexattr", XATTR, 0, -1, 1, -1, 0, C(SETFCAP) | C(SYS_ADMIN) | DAC, "xattrs"),
    R("fsetxattr", XATTR, 0, -1, 1, -1, 0, C(SETFCAP) | C(SYS_ADMIN) | DAC, "xattrs"),
    R("fsmount", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "mount a file system"),
    R("fsopen", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "mount a file system"),
    R("fspick", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "reconfigure a mount"),
    R("futimesat", UTIMES, 0, 1, 2, -1, 0, C(FOWNER), "set another owner's file times"),
    R("init_module", ALWAYS, -1, -1, -1, -1, 0, C(SYS_MODULE), "load a kernel module"),
    R("ioctl", IOCTL, 0, -1, 1, 2, 0, C(NET_ADMIN) | C(LINUX_IMMUTABLE) | C(FOWNER),
      "network configuration, immutable and append-only flags"),
    R("ioperm", ALWAYS, -1, -1, -1, -1, 0, C(SYS_RAWIO), "I/O port access"),
    R("iopl", ALWAYS, -1, -1, -1, -1, 0, C(SYS_RAWIO), "I/O privilege level"),
    R("ioprio_set", IOPRIO, -1, -1, 0, -1, 0, C(SYS_NICE), "real-time I/O priority"),
    R("kexec_file_load", ALWAYS, -1, -1, -1, -1, 0, C(SYS_BOOT), "load a new kernel"),
    R("kexec_load", ALWAYS, -1, -1, -1, -1, 0, C(SYS_BOOT), "load a new kernel"),
    R("kill", KILL, -1, -1, 0, 1, 0, C(KILL), "signal another user's process"),
    R("lchown", CHOWN, -1, 0, 1, 2, NOFOL | ID16, C(CHOWN), "give a file away"),
    R("lchown32", CHOWN, -1, 0, 1, 2, NOFOL, C(CHOWN), "give a file away"),
    R("link", LINK, -1, 0, 1, -1, 0, DAC | C(FOWNER), "hard-link another owner's file"),
    R("linkat", LINK, 0, 1, 3, 2, 0, DAC | C(FOWNER), "hard-link another owner's file"),
    R("lremovexattr", XATTR, -1, 0, 1, -1, NOFOL, C(SETFCAP) | C(SYS_ADMIN) | DAC, "xattrs"),
    R("lsetxattr", XATTR, -1, 0, 1, -1, NOFOL, C(SETFCAP) | C(SYS_ADMIN) | DAC, "xattrs"),
    R("mkdir", CREATE, -1, 0, -1, -1, 0, DAC, "create in another owner's directory"),
    R("mkdirat", CREATE, 0, 1, -1, -1, 0, DAC, "create in another owner's directory"),
    R("mknod", MKNOD, -1, 0, 1, -1, 0, C(MKNOD) | DAC, "create a device node"),
    R("mknodat", MKNOD, 0, 1, 2, -1, 0, C(MKNOD) | DAC, "create a device node"),
    R("mlock", MLOCK, -1, -1, 1, -1, 0, C(IPC_LOCK), "lock memory beyond RLIMIT_MEMLOCK"),
    R("mlock2", MLOCK, -1, -1, 1, -1, 0, C(IPC_LOCK), "lock memory beyond RLIMIT_MEMLOCK"),
    R("mlockall", MLOCKALL, -1, -1, 0, -1, 0, C(IPC_LOCK), "lock memory beyond RLIMIT_MEMLOCK"),
    R("mmap", MMAP, -1, -1, 1, 3, 0, C(IPC_LOCK), "MAP_LOCKED beyond RLIMIT_MEMLOCK"),
    R("mmap2", MMAP, -1, -1, 1, 3, 0, C(IPC_LOCK), "MAP_LOCKED beyond RLIMIT_MEMLOCK"),
    R("mount", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "mount a file system"),
    R("mount_setattr", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "change mount attributes"),
    R("move_mount", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "move a mount"),
    R("nice", NICE, -1, -1, 0, -1, 0, C(SYS_NICE), "raise the priority"),
    R("open", OPEN, -1, 0, 1, -1, 0, DAC | C(FOWNER), "open another owner's file"),
    R("open_by_handle_at", ALWAYS, -1, -1, -1, -1, 0, C(DAC_READ_SEARCH), "open a file by handle"),
    R("open_tree", OPEN_TREE, 0, 1, 2, -1, 0, C(SYS_ADMIN), "clone a mount"),
    R("openat", OPEN, 0, 1, 2, -1, 0, DAC | C(FOWNER), "open another owner's file"),
    R("openat2", OPENAT2, 0, 1, 2, -1, 0, DAC | C(FOWNER), "open another owner's file"),
    R("perf_event_open", PERF, -1, -1, 0, 1, 0, C(PERFMON), "performance monitoring"),
    R("pidfd_send_signal", PIDFD_SIGNAL, 0, -1, 1, -1, 0, C(KILL), "signal another user"),
    R("pivot_root", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "change the root mount"),
    R("prctl", PRCTL, -1, -1, 0, 1, CREDS, C(SETPCAP) | C(SYS_RESOURCE),
      "bounding set, securebits, PR_SET_MM"),
    R("prlimit64", RLIMIT, -1, -1, 0, 1, 0, C(SYS_RESOURCE), "raise a hard limit"),
    R("process_vm_readv", PROCESS_VM, -1, -1, 0, -1, 0, C(SYS_PTRACE), "read another's memory"),
    R("process_vm_writev", PROCESS_VM, -1, -1, 0, -1, 0, C(SYS_PTRACE), "write another's memory"),
    R("ptrace", PTRACE, -1, -1, 0, 1, 0, C(SYS_PTRACE), "trace another user's process"),
    R("reboot", ALWAYS, -1, -1, -1, -1, 0, C(SYS_BOOT), "reboot"),
    R("removexattr", XATTR, -1, 0, 1, -1, 0, C(SETFCAP) | C(SYS_ADMIN) | DAC, "xattrs"),
    R("rename", RENAME, -1, 0, 1, -1, 0, DAC | C(FOWNER), "rename in another's directory"),
    R("renameat", RENAME, 0, 1, 3, 2, 0, DAC | C(FOWNER), "rename in another's directory"),
    R("renameat2", RENAME, 0, 1, 3, 2, 0, DAC | C(FOWNER), "rename in another's directory"),
    R("rmdir", UNLINK, -1, 0, -1, -1, 0, DAC | C(FOWNER), "remove from another's directory"),
    R("rt_sigqueueinfo", KILL, -1, -1, 0, 1, 0, C(KILL), "signal another user's process"),
    R("rt_tgsigqueueinfo", TGKILL, -1, -1, 0, -1, 0, C(KILL), "signal another user's thread"),
    R("sched_setaffinity", AFFINITY, -1, -1, 0, -1, 0, C(SYS_NICE), "another user's CPUs"),
    R("sched_setattr", SCHED_ATTR, -1, -1, 0, -1, 0, C(SYS_NICE), "real-time scheduling"),
    R("sched_setparam", SCHED, -1, -1, 0, -1, 0, C(SYS_NICE), "real-time priority"),
    R("sched_setscheduler", SCHED, -1, -1, 0, 1, 0, C(SYS_NICE), "real-time scheduling"),
    R("sendmsg", SENDMSG, 0, -1, 1, -1, 0, C(NET_ADMIN) | C(AUDIT_WRITE) | C(AUDIT_CONTROL),
      "netlink: change network configuration, write to the audit log"),
    R("sendto", SENDTO, 0, -1, 1, 2, 0, C(NET_ADMIN) | C(AUDIT_WRITE) | C(AUDIT_CONTROL),
      "netlink: change network configuration, write to the audit log"),
    R("setdomainname", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "set the NIS domain name"),
    R("setfsgid", SETFSGID, -1, -1, 0, -1, CREDS | ANYR | ID16, C(SETGID), "set the fs gid"),
    R("setfsgid32", SETFSGID, -1, -1, 0, -1, CREDS | ANYR, C(SETGID), "set the fs gid"),
    R("setfsuid", SETFSUID, -1, -1, 0, -1, CREDS | ANYR | ID16, C(SETUID), "set the fs uid"),
    R("setfsuid32", SETFSUID, -1, -1, 0, -1, CREDS | ANYR, C(SETUID), "set the fs uid"),
    R("setgid", SETGID, -1, -1, 0, -1, CREDS | ID16, C(SETGID), "switch to another gid"),
    R("setgid32", SETGID, -1, -1, 0, -1, CREDS, C(SETGID), "switch to another gid"),
    R("setgroups", SETGROUPS, -1, -1, 0, 1, CREDS | ID16, C(SETGID), "set supplementary groups"),
    R("setgroups32", SETGROUPS, -1, -1, 0, 1, CREDS, C(SETGID), "set supplementary groups"),
    R("sethostname", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "set the host name"),
    R("setns", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "enter a namespace"),
    R("setpriority", SETPRIORITY, -1, -1, 0, -1, 0, C(SYS_NICE), "raise the priority"),
    R("setregid", SETREGID, -1, -1, 0, -1, CREDS | ID16, C(SETGID), "switch to another gid"),
    R("setregid32", SETREGID, -1, -1, 0, -1, CREDS, C(SETGID), "switch to another gid"),
    R("setresgid", SETRESGID, -1, -1, 0, -1, CREDS | ID16, C(SETGID), "switch to another gid"),
    R("setresgid32", SETRESGID, -1, -1, 0, -1, CREDS, C(SETGID), "switch to another gid"),
    R("setresuid", SETRESUID, -1, -1, 0, -1, CREDS | ID16, C(SETUID), "switch to another uid"),
    R("setresuid32", SETRESUID, -1, -1, 0, -1, CREDS, C(SETUID), "switch to another uid"),
    R("setreuid", SETREUID, -1, -1, 0, -1, CREDS | ID16, C(SETUID), "switch to another uid"),
    R("setreuid32", SETREUID, -1, -1, 0, -1, CREDS, C(SETUID), "switch to another uid"),
    R("setrlimit", RLIMIT, -1, -1, -1, 0, 0, C(SYS_RESOURCE), "raise a hard limit"),
    R("setsockopt", SETSOCKOPT, 0, -1, 1, 2, 0, C(NET_ADMIN) | C(NET_RAW), "socket options"),
    R("settimeofday", SETTIMEOFDAY, -1, -1, 0, 1, 0, C(SYS_TIME), "set the time or zone"),
    R("setuid", SETUID, -1, -1, 0, -1, CREDS | ID16, C(SETUID), "switch to another uid"),
    R("setuid32", SETUID, -1, -1, 0, -1, CREDS, C(SETUID), "switch to another uid"),
    R("setxattr", XATTR, -1, 0, 1, -1, 0, C(SETFCAP) | C(SYS_ADMIN) | DAC, "xattrs"),
    R("socket", SOCKET, -1, -1, 0, 1, 0, C(NET_RAW), "raw and packet sockets"),
    R("stime", ALWAYS, -1, -1, -1, -1, 0, C(SYS_TIME), "set the time"),
    R("swapoff", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "stop swapping to a device"),
    R("swapon", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "swap to a device"),
    R("symlink", CREATE, -1, 1, -1, -1, 0, DAC, "create in another owner's directory"),
    R("symlinkat", CREATE, 1, 2, -1, -1, 0, DAC, "create in another owner's directory"),
    R("syslog", SYSLOG, -1, -1, 0, -1, 0, C(SYSLOG), "read or control the kernel log"),
    R("tgkill", TGKILL, -1, -1, 0, -1, 0, C(KILL), "signal another user's thread"),
    R("timer_create", ALARM, -1, -1, 0, -1, 0, C(WAKE_ALARM), "timers that wake the system"),
    R("timerfd_create", ALARM, -1, -1, 0, -1, 0, C(WAKE_ALARM), "timers that wake the system"),
    R("tkill", KILL, -1, -1, 0, 1, 0, C(KILL), "signal another user's thread"),
    R("truncate", TRUNCATE, -1, 0, -1, -1, 0, DAC, "truncate another owner's file"),
    R("truncate64", TRUNCATE, -1, 0, -1, -1, 0, DAC, "truncate another owner's file"),
    R("umount", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "unmount a file system"),
    R("umount2", ALWAYS, -1, -1, -1, -1, 0, C(SYS_ADMIN), "unmount a file system"),
    R("unlink", UNLINK, -1, 0, -1, -1, 0, DAC | C(FOWNER), "remove from another's directory"),
    R("unlinkat", UNLINK, 0, 1, 2, -1, 0, DAC | C(FOWNER), "remove from another's directory"),
    R("unshare", NAMESPACES, -1, -1, 0, 0, 0, C(SYS_ADMIN), "create namespaces"),
    R("utime", UTIMES, -1, 0, 1, -1, 0, C(FOWNER), "set another owner's file times"),
    R("utimensat", UTIMES, 0, 1, 2, 3, 0, C(FOWNER), "set another owner's file times"),
    R("utimes", UTIMES, -1, 0, 1, -1, 0, C(FOWNER), "set another owner's file times"),
    R("vhangup", ALWAYS, -1, -1, -1, -1, 0, C(SYS_TTY_CONFIG), "hang up the terminal"),
};

#define K(name, cap, policy, as, why)                                                              \
        {                                                                                          \
                name, CAP_##cap, PG_CAP_CHECK_##policy, as, why, false                             \
        }
#define VM_PROBE "the \"vm enough memory\" probe: overcommit accounting only"
#define KVM(name)                                                                                  \
        {                                                                                          \
                name, CAP_SYS_ADMIN, PG_CAP_CHECK_IGNORE, -1, VM_PROBE, true                       \
        }
#define MAP_LOCKED_FIRST "MAP_LOCKED asks before it compares with RLIMIT_MEMLOCK: the rule compares"
#define FSETID_CHMOD                                                                               \
        "asked on every chmod by a caller outside the file's group; matters only when the new "    \
        "mode has the set-group-ID bit"

/* "*" applies to every syscall without a row of its own for that capability. */
static const struct pg_cap_check checks[] = {
    K("*", DAC_READ_SEARCH, AS, CAP_DAC_OVERRIDE,
      "reads and searches pass with DAC_OVERRIDE too; DAC_READ_SEARCH would also allow "
      "open_by_handle_at (the \"shocker\" escape), which is why Docker leaves it out"),
    K("bpf", PERFMON, DEFER, -1,
      "asked for every map and program: without it only Spectre mitigations differ, except for "
      "tracing programs (the rule decides)"),
    KVM("brk"),
    K("chmod", FSETID, DEFER, -1, FSETID_CHMOD),
    K("clone", SYS_ADMIN, DEFER, -1, VM_PROBE " (fork), unless it creates namespaces"),
    K("clone3", SYS_ADMIN, DEFER, -1, VM_PROBE " (fork), unless it creates namespaces"),
    KVM("execve"),
    KVM("execveat"),
    K("fchmod", FSETID, DEFER, -1, FSETID_CHMOD),
    K("fchmodat", FSETID, DEFER, -1, FSETID_CHMOD),
    KVM("fork"),
    K("futimesat", FOWNER, DEFER, -1, "checked before the write permission it can replace"),
    K("io_uring_setup", IPC_LOCK, IGNORE, -1, "decides only whether the rings count as locked"),
    K("ioprio_set", SYS_ADMIN, AS, CAP_SYS_NICE,
      "the real-time I/O class takes SYS_ADMIN or SYS_NICE; the kernel asks SYS_ADMIN first"),
    K("mmap", IPC_LOCK, DEFER, -1, MAP_LOCKED_FIRST),
    KVM("mmap"),
    K("mmap2", IPC_LOCK, DEFER, -1, MAP_LOCKED_FIRST),
    KVM("mmap2"),
    KVM("mprotect"),
    KVM("mremap"),
    K("open_by_handle_at", DAC_READ_SEARCH, KEEP, -1, "no other capability opens by handle"),
    KVM("pkey_mprotect"),
    K("sched_setattr", SYS_NICE, DEFER, -1, "checked before the unprivileged path"),
    K("sched_setparam", SYS_NICE, DEFER, -1, "checked before the unprivileged path"),
    K("sched_setscheduler", SYS_NICE, DEFER, -1, "checked before the unprivileged path"),
    K("setgid", SETGID, DEFER, -1, "checked before the unprivileged path (real or saved gid)"),
    K("setgid32", SETGID, DEFER, -1, "checked before the unprivileged path (real or saved gid)"),
    K("setuid", SETUID, DEFER, -1, "checked before the unprivileged path (real or saved uid)"),
    K("setuid32", SETUID, DEFER, -1, "checked before the unprivileged path (real or saved uid)"),
    KVM("shmget"),
    K("utime", FOWNER, DEFER, -1, "checked before the write permission it can replace"),
    K("utimensat", FOWNER, DEFER, -1, "checked before the write permission it can replace"),
    K("utimes", FOWNER, DEFER, -1, "checked before the write permission it can replace"),
    KVM("vfork"),
};

static const struct pg_cap_ioctl ioctls[] = {
    {0x890B, CAP_NET_ADMIN, "SIOCADDRT"},      {0x890C, CAP_NET_ADMIN, "SIOCDELRT"},
    {0x8914, CAP_NET_ADMIN, "SIOCSIFFLAGS"},   {0x8916, CAP_NET_ADMIN, "SIOCSIFADDR"},
    {0x8918, CAP_NET_ADMIN, "SIOCSIFDSTADDR"}, {0x891A, CAP_NET_ADMIN, "SIOCSIFBRDADDR"},
    {0x891C, CAP_NET_ADMIN, "SIOCSIFNETMASK"}, {0x891E, CAP_NET_ADMIN, "SIOCSIFMETRIC"},
    {0x8922, CAP_NET_ADMIN, "SIOCSIFMTU"},     {0x8923, CAP_NET_ADMIN, "SIOCSIFNAME"},
    {0x8924, CAP_NET_ADMIN, "SIOCSIFHWADDR"},  {0x8931, CAP_NET_ADMIN, "SIOCADDMULTI"},
    {0x8932, CAP_NET_ADMIN, "SIOCDELMULTI"},   {0x8943, CAP_NET_ADMIN, "SIOCSIFTXQLEN"},
    {0x8953, CAP_NET_ADMIN, "SIOCDARP"},       {0x8955, CAP_NET_ADMIN, "SIOCSARP"},
    {0x8971, CAP_NET_ADMIN, "SIOCSIFMAP"},
};

/* Levels: SOL_IP 0, SOL_SOCKET 1, SOL_IPV6 41. Where the kernel accepts NET_RAW or NET_ADMIN it
 * asks NET_RAW first, so that is what is recommended. */
static const struct pg_cap_sockopt sockopts[] = {
    {0, 19, CAP_NET_RAW, 0, 0, "IP_TRANSPARENT"},    {1, 1, CAP_NET_ADMIN, 0, 0, "SO_DEBUG"},
    {1, 12, CAP_NET_RAW, 0, 6, "SO_PRIORITY"},       {1, 32, CAP_NET_ADMIN, 1, 0, "SO_SNDBUFFORCE"},
    {1, 33, CAP_NET_ADMIN, 1, 0, "SO_RCVBUFFORCE"},  {1, 36, CAP_NET_RAW, 1, 0, "SO_MARK"},
    {41, 75, CAP_NET_RAW, 0, 0, "IPV6_TRANSPARENT"},
};

/* The commands pg_cw_judge_fcntl judges (capwatch_net.c); the flag pg_cw_judge_mmap looks for
 * (capwatch_sys.c). */
static const struct pg_cap_stop_values stop_values[] = {
    {PG_CAP_KIND_FCNTL, NULL, 1, 2, {F_SETLEASE, F_SETPIPE_SZ}, 0, 0},
    {PG_CAP_KIND_MMAP, NULL, 3, 0, {0}, MAP_LOCKED, 0},
    /* prlimit64(0, res, NULL, old), glibc's getrlimit in every process, only reads the caller's
     * own limit: no check. Another pid or a new limit stops. */
    {PG_CAP_KIND_RLIMIT, "prlimit64", 0, 0, {0}, 0, (1u << 0) | (1u << 2)},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct pg_cap_rule *pg_cap_rules(size_t *ret_n)
{
        *ret_n = N(rules);
        return rules;
}

static int cmp_rule(const void *key, const void *elem)
{
        return strcmp(key, ((const struct pg_cap_rule *)elem)->syscall);
}

const struct pg_cap_rule *pg_cap_rule_find(const char *syscall)
{
        return bsearch(syscall, rules, N(rules), sizeof(rules[0]), cmp_rule);
}

const struct pg_cap_check *pg_cap_checks(size_t *ret_n)
{
        *ret_n = N(checks);
        return checks;
}

static const struct pg_cap_check *find_check(const char *syscall, int cap)
{
        for (size_t i = 0; i < N(checks); i++)
                if (checks[i].cap == cap && strcmp(checks[i].syscall, syscall) == 0)
                        return &checks[i];
        return NULL;
}

const struct pg_cap_check *pg_cap_check_find(const char *syscall, int cap)
{
        const struct pg_cap_check *c = find_check(syscall, cap);
        if (!c)
                c = find_check("*", cap);
        return c && c->policy != PG_CAP_CHECK_KEEP ? c : NULL;
}

const struct pg_cap_ioctl *pg_cap_ioctls(size_t *ret_n)
{
        *ret_n = N(ioctls);
        return ioctls;
}

const struct pg_cap_ioctl *pg_cap_ioctl_find(uint32_t request)
{
        for (size_t i = 0; i < N(ioctls); i++)
                if (ioctls[i].request == request)
                        return &ioctls[i];
        return NULL;
}

const struct pg_cap_sockopt *pg_cap_sockopts(size_t *ret_n)
{
        *ret_n = N(sockopts);
        return sockopts;
}

const struct pg_cap_sockopt *pg_cap_sockopt_find(int level, int name)
{
        for (size_t i = 0; i < N(sockopts); i++)
                if (sockopts[i].level == level && sockopts[i].name == name)
                        return &sockopts[i];
        return NULL;
}

const struct pg_cap_stop_values *pg_cap_stop_values_find(enum pg_cap_kind kind, const char *syscall)
{
        for (size_t i = 0; i < N(stop_values); i++)
                if (stop_values[i].kind == kind &&
                    (!stop_values[i].only || strcmp(stop_values[i].only, syscall) == 0))
                        return &stop_values[i];
        return NULL;
}
