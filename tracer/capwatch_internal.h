/* SPDX-License-Identifier: MIT */
/* Shared between the capability watcher's files (capwatch*.c); not a public interface.
 *  capwatch.c         the observer: threads, enter/exit, commit of claims, finish
 *  capwatch_proc.c    what is read from /proc on the tracer's side (credentials, files, limits)
 *  capwatch_files.c   judges of the file rules (DAC, ownership, sticky, set-ID bits)
 *  capwatch_ids.c     judges of credentials and other processes (set*id, capset, kill, ptrace)
 *  capwatch_net.c     judges of sockets, netlink, ioctl and fcntl
 *  capwatch_sys.c     judges of scheduling, limits, memory, time, namespaces, the rest
 *  capwatch_kernel.c  the kernel's record: attribution, filtering, disagreements */
#pragma once

#include <limits.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>

#include "profgen/cap_rules.h"
#include "profgen/cap_tracepoint.h"
#include "profgen/capwatch.h"

#define PG_CW_MAX_CLAIMS 4
#define PG_CW_DETAIL     320
/* Evidence kept per capability and source: a loop over many files must not bloat the recording */
#define PG_CW_MAX_EVIDENCE 32

/* A capability the current call needs if it succeeds. */
struct pg_cw_claim {
        int cap;
        const char *note;                /* static */
        char detail[PG_CW_DETAIL + 168]; /* the call's description, ": ", why */
};

#define PG_CW_FREE_SLOTS 4

/* What the watcher keeps per traced thread. */
struct pg_cw_thread {
        pid_t tid;
        struct pg_cw_thread *next; /* hash chain */
        pid_t pid;                 /* its process, and the recorder's executable index */
        int32_t exe;
        bool creds_valid;
        struct pg_cap_creds creds;
        /* the syscall in progress (or the last one: a kernel check belongs to it until the
         * thread's next stop) */
        bool active;
        enum pg_arch arch;
        uint32_t slot;
        char desc[PG_CW_DETAIL]; /* the call, decoded by its rule: "openat(\"/x\", O_RDONLY)" */
        size_t n_claims;
        struct pg_cw_claim claims[PG_CW_MAX_CLAIMS];
        /* kernel source: the credentials pointer of this thread's own checks, learned from the
         * checks only current_cred() makes (the "vm enough memory" probe) */
        uint64_t own_cred;
        bool own_cred_known;
        /* its stopped syscall has returned: a check now comes from one that ran without a stop */
        bool past;
        /* rule syscalls it made since that stop without a stop of their own, as the kernel's
         * syscall record showed them (--tracing tracepoint): named in a kernel check's evidence */
        uint8_t n_free;
        uint16_t free_slot[PG_CW_FREE_SLOTS];
        /* /proc/TID/root opened once (O_PATH), -1 when not; valid while root_gen is the
         * watcher's (pg_cw_root_fd) */
        int root_fd;
        uint32_t root_gen;
        /* the last open that needed nothing, as capwatch_files.c's repeat key (0: none) */
        uint64_t clean_open;
};

/* Host settings that are global (not per container), read once. */
struct pg_cw_env {
        unsigned port_start;     /* assumed: the kernel default 1024 (runtimes.md) */
        int dmesg_restrict;      /* kernel.dmesg_restrict */
        int perf_paranoid;       /* kernel.perf_event_paranoid */
        int bpf_disabled;        /* kernel.unprivileged_bpf_disabled */
        int protected_hardlinks; /* fs.protected_hardlinks */
        uint64_t pipe_max;       /* fs.pipe-max-size */
};

#define PG_CW_BUCKETS 1024

struct pg_capwatch {
        struct pg_recording *rec;
        struct pg_observer obs;
        enum pg_caps_source source;
        struct pg_cw_env env;
        uint16_t rule_of[PG_ARCH_COUNT][PG_SYSCALL_SLOTS]; /* rule index + 1, 0: none */
        const struct pg_cap_rule *rules;
        struct pg_cw_thread *buckets[PG_CW_BUCKETS];
        struct pg_cap_tracepoint *tp;          /* the kernel's record, NULL when not used */
        char *kernel_why;                      /* why the kernel's record is not used */
        uint64_t inferred, kernel;             /* capabilities each source found (bit n) */
        char *inferred_ex[64], *kernel_ex[64]; /* an example detail of each, for notes */
        uint32_t kept[2][64];                  /* evidence added, per source and capability */
        uint64_t
            deferred; /* capabilities whose kernel checks the rules decide (not disagreements) */
        uint64_t k_checks, k_denied, k_ignored, k_deferred, k_other_cred, k_unattributed;
        int error;
        struct pg_unwinder *unwinder; /* stacks for inferred evidence, or NULL */
        /* Under a baseline with the kernel's record: the file rules' syscalls run without a stop
         * (the kernel sees their checks), and the `fence` syscalls, whose own check rows concern
         * those syscalls' capabilities, stop at their exit too (see on_must_stop). */
        bool unstopped_rules;
        /* The workload cannot hold a capability in its own user namespace: profgen's permitted
         * set (which it inherits) is empty, and neither set-user-ID nor file capabilities can
         * raise it (no_new_privs, and a tracer without CAP_SYS_PTRACE makes exec drop the gain).
         * A thread can gain capabilities only in a user namespace it creates, where they are its
         * own and no container's to grant. Without the kernel's record nothing is judged then,
         * and the rules' syscalls do not stop (pg_cw_rules_skipped). */
        bool capless;
        struct pg_syscall_set fence;
        uint64_t kernel_stopped; /* capabilities the kernel saw in a stopped syscall (no rule ran
                                  * for the others: they cannot be disagreements) */
        int probe_fd;            /* the probe's event, kept open until the recording's are */
        struct pg_cap_vm_sig vm_sig; /* learned by the probe */
        /* The syscalls that can move a thread's root (chroot, pivot_root, setns, unshare): they
         * stop at entry and exit, and each stop makes every cached root fd stale (root_gen). */
        struct pg_syscall_set root_moves;
        uint32_t root_gen;
        unsigned n_root_fds; /* cached root fds open, at most PG_CW_ROOT_FDS */
};

/* Whether the rules neither judge nor stop: a capless workload, without the kernel's record. */
bool pg_cw_rules_skipped(const struct pg_capwatch *w);

/* Threads whose root stays open in the tracer: enough for the busy threads of a workload, far
 * below the file limit with many processes alive. */
#define PG_CW_ROOT_FDS 64

/* Capabilities the kernel's checks of which mean a need whatever the syscall (only the "*" row
 * concerns them, and the fence syscalls' own rows). */
#define PG_CW_PLAIN_CAPS                                                                           \
        ((1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_DAC_READ_SEARCH) | (1ull << CAP_FOWNER))

/* One syscall being judged. */
struct pg_cw_call {
        struct pg_capwatch *w;
        struct pg_tracee *t;
        const struct pg_syscall *sc;
        const struct pg_cap_rule *rule;
        struct pg_cw_thread *th;
        const struct pg_cap_creds *cr;
        const char *name; /* the syscall's name */
};

typedef void (*pg_cw_judge_fn)(struct pg_cw_call *c);

/* capwatch.c */
struct pg_cw_thread *pg_cw_thread_get(struct pg_capwatch *w, pid_t tid, bool create);
/* Sets the call's description (the start of every claim's detail and of kernel evidence). */
void pg_cw_describe(struct pg_cw_call *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The call needs `cap` if it succeeds, because of `why`. Dropped when the thread does not have
 * the capability: then the call fails, or takes the unprivileged path, as it would in the
 * container. */
void pg_cw_claim(struct pg_cw_call *c, int cap, const char *note, const char *why_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Advice that is not a capability: a fact PG_FACT_CAP_NOTE + name, kept once per name. */
void pg_cw_advise(struct pg_cw_call *c, const char *name, const char *advice);
uint64_t pg_cw_arg(const struct pg_cw_call *c, int index);
/* The argument as a C int (fds, pids, dirfds): the upper half of the register is ignored. */
int pg_cw_iarg(const struct pg_cw_call *c, int index);
/* A uid or gid argument: i386's 16-bit calls widened, (uint32_t)-1 for "unchanged". */
uint32_t pg_cw_id_arg(const struct pg_cw_call *c, int index);
/* Pointer-sized words in the tracee (4 bytes on 32-bit architectures). */
bool pg_cw_wide(const struct pg_cw_call *c);

/* capwatch_proc.c */
struct pg_cw_path {
        char shown[PATH_MAX];     /* as the tracee wrote it */
        char full[PATH_MAX + 64]; /* the same, reachable from the tracer via /proc: relative to
                                   * dirfd ("./etc/x" from the thread's cached root) */
        size_t base_len;          /* length of the prefix (root, cwd or dirfd) in full */
        int dirfd;                /* what full is relative to: AT_FDCWD or a cached root */
};
int pg_cw_read_creds(pid_t pid, pid_t tid, struct pg_cap_creds *ret);
/* The thread's root directory opened from the tracer (O_PATH), kept until the thread ends or a
 * syscall moves roots; -1 when it cannot be (then paths go through /proc/TID/root each time). */
int pg_cw_root_fd(struct pg_capwatch *w, struct pg_cw_thread *th);
void pg_cw_root_close(struct pg_capwatch *w, struct pg_cw_thread *th);
/* The path of arguments (dirfd, path); dirfd -1 means AT_FDCWD. path -1 means the fd itself. */
int pg_cw_path(const struct pg_cw_call *c, int dirfd_arg, int path_arg, struct pg_cw_path *ret);
int pg_cw_stat(const char *full, bool follow, struct pg_cap_inode *ret);
/* The path's file (p->full), or a prefix of it (`path`, as cut from p->full). */
int pg_cw_stat_path(const struct pg_cw_path *p, bool follow, struct pg_cap_inode *ret);
int pg_cw_stat_at(const struct pg_cw_path *p, const char *path, bool follow,
                  struct pg_cap_inode *ret);
int pg_cw_stat_fd(pid_t pid, int fd, struct pg_cap_inode *ret);
/* The directory that holds the path's last component. */
int pg_cw_stat_parent(const struct pg_cw_path *p, struct pg_cap_inode *ret);
/* Claims DAC_OVERRIDE when a directory the lookup searches is not searchable by the caller. */
void pg_cw_check_walk(struct pg_cw_call *c, const struct pg_cw_path *p);
long pg_cw_sysctl(const char *path, long fallback);
/* RLIMIT `res` of the process (soft or hard), RLIM_INFINITY for unlimited. */
int pg_cw_limit(pid_t pid, int res, bool hard, uint64_t *ret);
/* A numeric field of /proc/PID/status in kB, as bytes. */
int pg_cw_status_kb(pid_t pid, const char *name, uint64_t *ret);
/* Field n (1-based, as in proc(5)) of /proc/PID/task/TID/stat. */
int pg_cw_stat_field(pid_t pid, pid_t tid, int n, long long *ret);
/* The pid a pidfd refers to. */
int pg_cw_pidfd_pid(pid_t pid, int fd, pid_t *ret);
/* The netlink protocol of the tracee's socket fd, -ENOENT when it is not a netlink socket. */
int pg_cw_netlink_proto(pid_t pid, int fd, int *ret);

/* judges, indexed by enum pg_cap_kind */
extern const pg_cw_judge_fn pg_cw_judges[PG_CAP_KIND_COUNT];
void pg_cw_judge_always(struct pg_cw_call *c);
void pg_cw_judge_open(struct pg_cw_call *c);
void pg_cw_judge_openat2(struct pg_cw_call *c);
void pg_cw_judge_creat(struct pg_cw_call *c);
void pg_cw_judge_access(struct pg_cw_call *c);
void pg_cw_judge_exec(struct pg_cw_call *c);
void pg_cw_judge_chdir(struct pg_cw_call *c);
void pg_cw_judge_mknod(struct pg_cw_call *c);
void pg_cw_judge_create(struct pg_cw_call *c);
void pg_cw_judge_unlink(struct pg_cw_call *c);
void pg_cw_judge_rename(struct pg_cw_call *c);
void pg_cw_judge_link(struct pg_cw_call *c);
void pg_cw_judge_truncate(struct pg_cw_call *c);
void pg_cw_judge_chmod(struct pg_cw_call *c);
void pg_cw_judge_chown(struct pg_cw_call *c);
void pg_cw_judge_utimes(struct pg_cw_call *c);
void pg_cw_judge_xattr(struct pg_cw_call *c);
void pg_cw_judge_setid(struct pg_cw_call *c);
void pg_cw_judge_setgroups(struct pg_cw_call *c);
void pg_cw_judge_capset(struct pg_cw_call *c);
void pg_cw_judge_prctl(struct pg_cw_call *c);
void pg_cw_judge_kill(struct pg_cw_call *c);
void pg_cw_judge_tgkill(struct pg_cw_call *c);
void pg_cw_judge_pidfd_signal(struct pg_cw_call *c);
void pg_cw_judge_ptrace(struct pg_cw_call *c);
void pg_cw_judge_process_vm(struct pg_cw_call *c);
void pg_cw_judge_socket(struct pg_cw_call *c);
void pg_cw_judge_bind(struct pg_cw_call *c);
void pg_cw_judge_setsockopt(struct pg_cw_call *c);
void pg_cw_judge_sendto(struct pg_cw_call *c);
void pg_cw_judge_sendmsg(struct pg_cw_call *c);
void pg_cw_judge_ioctl(struct pg_cw_call *c);
void pg_cw_judge_fcntl(struct pg_cw_call *c);
void pg_cw_judge_setpriority(struct pg_cw_call *c);
void pg_cw_judge_nice(struct pg_cw_call *c);
void pg_cw_judge_sched(struct pg_cw_call *c);
void pg_cw_judge_sched_attr(struct pg_cw_call *c);
void pg_cw_judge_affinity(struct pg_cw_call *c);
void pg_cw_judge_ioprio(struct pg_cw_call *c);
void pg_cw_judge_rlimit(struct pg_cw_call *c);
void pg_cw_judge_mlock(struct pg_cw_call *c);
void pg_cw_judge_mlockall(struct pg_cw_call *c);
void pg_cw_judge_mmap(struct pg_cw_call *c);
void pg_cw_judge_settimeofday(struct pg_cw_call *c);
void pg_cw_judge_adjtimex(struct pg_cw_call *c);
void pg_cw_judge_syslog(struct pg_cw_call *c);
void pg_cw_judge_perf(struct pg_cw_call *c);
void pg_cw_judge_bpf(struct pg_cw_call *c);
void pg_cw_judge_alarm(struct pg_cw_call *c);
void pg_cw_judge_namespaces(struct pg_cw_call *c);
void pg_cw_judge_open_tree(struct pg_cw_call *c);

/* capwatch_kernel.c */
int pg_cw_kernel_start(struct pg_capwatch *w, pid_t pid);
/* Attributes every pending check to the syscall its thread is in. */
void pg_cw_kernel_drain(struct pg_capwatch *w);
/* Notes for the recording: sources, statistics, where the sources disagree. */
void pg_cw_kernel_finish(struct pg_capwatch *w);
