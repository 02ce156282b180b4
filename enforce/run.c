// SPDX-License-Identifier: MIT
/* The launcher: fork, drop to the container's capability sets and user, load the filter, exec.
 * Everything that can fail is done before the filter, in the order runc uses, so that after it the
 * child makes one syscall: execve. Loading a filter without no_new_privs needs CAP_SYS_ADMIN; it
 * stays in the effective and permitted sets until the exec, which recomputes both from the
 * bounding, inheritable and ambient sets (capabilities(7)): for root P' = E' = bounding, for
 * anyone else P' = E' = ambient. So the exec itself drops it, and no capset has to pass the
 * profile (runc calls capset after its filter; a profile for `profgen run` need not allow it).
 * The child reports through a shared page with plain stores, never a syscall, because after the
 * filter even write(2) may be denied. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#include "profgen/enforce.h"
#include "run_internal.h"

extern char **environ;

void pg_run_opts_init(struct pg_run_opts *o)
{
        memset(o, 0, sizeof(*o));
}

__attribute__((noreturn)) static void child_fail(struct run_shared *sh, enum pg_run_stage stage,
                                                 int e, const char *step)
{
        sh->step = step;
        sh->error = e;
        sh->stage = stage;
        _exit(PG_RUN_SETUP == stage ? 125 : 126);
        /* exit_group denied by the profile: die without a syscall. */
        __builtin_trap();
}

static void fill_capdata(struct __user_cap_data_struct d[2], uint64_t eff, uint64_t prm,
                         uint64_t inh)
{
        d[0].effective = (uint32_t)eff;
        d[1].effective = (uint32_t)(eff >> 32);
        d[0].permitted = (uint32_t)prm;
        d[1].permitted = (uint32_t)(prm >> 32);
        d[0].inheritable = (uint32_t)inh;
        d[1].inheritable = (uint32_t)(inh >> 32);
}

/* runc's order: bounding set, then user (keeping capabilities), then the three sets, ambient. */
static const char *child_caps(const struct child_plan *pl)
{
        uint64_t all = pg_caps_all();
        for (int c = 0; c < 64; c++)
                if ((all >> c) & 1u && !((pl->caps.bounding >> c) & 1u) &&
                    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        return "dropping from the bounding set";
        if (pl->set_user) {
                if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                        return "prctl(PR_SET_KEEPCAPS)";
                if (setgroups(0, NULL) < 0)
                        return "setgroups";
                if (setresgid(pl->gid, pl->gid, pl->gid) < 0)
                        return "setresgid";
                if (setresuid(pl->uid, pl->uid, pl->uid) < 0)
                        return "setresuid";
        }
        uint64_t admin = pl->keep_admin ? 1ull << CAP_SYS_ADMIN : 0;
        struct __user_cap_data_struct d[2];
        fill_capdata(d, pl->caps.effective | admin, pl->caps.permitted | admin,
                     pl->caps.inheritable);
        struct __user_cap_header_struct hdr = pl->cap_hdr;
        if (syscall(SYS_capset, &hdr, d) < 0)
                return "capset";
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
                return "clearing the ambient set";
        for (int c = 0; c < 64; c++)
                if ((pl->caps.ambient >> c) & 1u &&
                    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
                        return "raising an ambient capability";
        return NULL;
}

void pg_run_child(const struct child_plan *pl)
{
        struct run_shared *sh = pl->shared;
        /* The diagnostic run: stopped here so the tracer can set its options before the filter. */
        if (pl->traceme && (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 || raise(SIGSTOP) != 0))
                child_fail(sh, PG_RUN_SETUP, errno, "ptrace(PTRACE_TRACEME)");
        const char *step = child_caps(pl);
        if (step)
                child_fail(sh, PG_RUN_SETUP, errno, step);
        if (pl->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_fail(sh, PG_RUN_SETUP, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, pl->filter_flags, &pl->prog) < 0)
                child_fail(sh, PG_RUN_SETUP, errno, "loading the seccomp filter");
        /* From here on every syscall goes through the profile. */
        sh->stage = PG_RUN_EXEC_SENT;
        execve(pl->path, pl->argv, environ);
        child_fail(sh, PG_RUN_EXEC, errno, "execve");
}

int pg_run_find_program(const char *argv0, char **ret_path)
{
        if (strchr(argv0, '/')) {
                *ret_path = strdup(argv0);
                return *ret_path ? 0 : -ENOMEM;
        }
        const char *path = getenv("PATH");
        if (!path)
                path = "/usr/local/bin:/usr/bin:/bin";
        for (const char *p = path;; p++) {
                const char *colon = strchrnul(p, ':');
                char *cand = NULL;
                struct stat st;
                int len = (int)(colon - p);
                if (asprintf(&cand, "%.*s%s%s", len, p, len ? "/" : "", argv0) < 0)
                        return -ENOMEM;
                if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
                        *ret_path = cand;
                        return 0;
                }
                free(cand);
                if (!*colon)
                        break;
                p = colon;
        }
        *ret_path = strdup("");
        return *ret_path ? 0 : -ENOMEM;
}

/* The filter as BPF, so the child loads it with one seccomp(2) and libseccomp frees nothing
 * (a free() that trims the heap after the filter would be a syscall the profile may kill). */
static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *ret, struct pg_error **err)
{
        _cleanup_close_ int fd = memfd_create("profgen-bpf", MFD_CLOEXEC);
        if (fd < 0)
                return pg_error_set(err, -errno, "memfd_create: %s", strerror(errno));
        int r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return pg_error_set(err, r, "cannot export the filter: %s", strerror(-r));
        off_t size = lseek(fd, 0, SEEK_END);
        if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
            size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
                return pg_error_set(err, -E2BIG, "the filter has %lld bytes: too large to load",
                                    (long long)size);
        struct sock_filter *insns = malloc((size_t)size);
        if (!insns)
                return pg_error_set(err, -ENOMEM, "out of memory");
        if (pread(fd, insns, (size_t)size, 0) != size) {
                free(insns);
                return pg_error_set(err, -EIO, "cannot read the exported filter");
        }
        ret->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
        ret->filter = insns;
        return 0;
}

static bool profile_uses_notify(const struct pg_profile *p)
{
        if (p->default_action == PG_ACT_NOTIFY)
                return true;
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].action == PG_ACT_NOTIFY)
                        return true;
        return false;
}

static int filter_flags(const struct pg_profile *p, unsigned *ret, struct pg_error **err)
{
        unsigned f = 0;
        for (char **s = p->flags; s && *s; s++) {
                if (strcmp(*s, "SECCOMP_FILTER_FLAG_LOG") == 0)
                        f |= SECCOMP_FILTER_FLAG_LOG;
                else if (strcmp(*s, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                        f |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
                else if (strcmp(*s, "SECCOMP_FILTER_FLAG_TSYNC") != 0)
                        /* TSYNC is moot in a single-threaded child; a listener needs an agent. */
                        return pg_error_set(err, -EOPNOTSUPP,
                                            "flag %s is not supported by profgen run", *s);
        }
        if (profile_uses_notify(p))
                return pg_error_set(err, -EOPNOTSUPP,
                                    "SCMP_ACT_NOTIFY needs a seccomp agent on listenerPath; "
                                    "profgen run does not provide one");
        *ret = f;
        return 0;
}

int pg_run_plan_prepare(const struct pg_run_opts *o, bool diagnose, struct child_plan *pl,
                        struct pg_error **err)
{
        struct pg_seccomp_env env;
        pg_seccomp_env_init(&env);
        env.trace_denials = diagnose;
        pl->traceme = diagnose;
        pg_caps_docker(o->caps, o->set_user ? o->uid : 0, &pl->caps);
        env.bounding = pl->caps.bounding;
        env.kernel = o->kernel;
        env.no_new_privs = o->no_new_privs;
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        int r = filter_flags(o->profile, &pl->filter_flags, err);
        if (r == 0)
                r = pg_seccomp_build(o->profile, &env, &ctx, err);
        if (r == 0)
                r = export_bpf(ctx, &pl->prog, err);
        if (r < 0)
                return r;
        pl->set_user = o->set_user;
        pl->uid = o->uid;
        pl->gid = o->gid;
        pl->nnp = o->no_new_privs;
        /* Without no_new_privs the kernel wants CAP_SYS_ADMIN to load a filter (runc loads it
         * before dropping capabilities for the same reason); the exec drops it (see the top). */
        pl->keep_admin = !o->no_new_privs && !((pl->caps.effective >> CAP_SYS_ADMIN) & 1u);
        pl->cap_hdr.version = _LINUX_CAPABILITY_VERSION_3;
        pl->cap_hdr.pid = 0;
        return 0;
}

/* A signal handler cannot take an argument: the one child being waited for. */
static volatile pid_t forward_pid;

static void forward_signal(int sig)
{
        if (forward_pid > 0)
                kill(forward_pid, sig);
}

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_FORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

static int wait_child(pid_t pid, int *ret_wstatus)
{
        struct sigaction sa = {.sa_handler = forward_signal}, old[N_FORWARDED];
        sigemptyset(&sa.sa_mask);
        forward_pid = pid;
        for (size_t i = 0; i < N_FORWARDED; i++)
                sigaction(forwarded[i], &sa, &old[i]);
        int r;
        while ((r = waitpid(pid, ret_wstatus, 0)) < 0 && errno == EINTR)
                ;
        int e = errno;
        for (size_t i = 0; i < N_FORWARDED; i++)
                sigaction(forwarded[i], &old[i], NULL);
        forward_pid = 0;
        return r < 0 ? -e : 0;
}

void pg_run_describe(struct pg_run_result *res, const struct run_shared *sh, const char *path,
                     int wstatus)
{
        res->stage = (enum pg_run_stage)sh->stage;
        res->error = sh->error;
        res->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
        switch (res->stage) {
        case PG_RUN_SETUP:
                res->status = 125;
                snprintf(res->message, sizeof(res->message), "%s: %s", sh->step,
                         strerror(res->error));
                break;
        case PG_RUN_EXEC:
                res->status = res->error == ENOENT ? 127 : 126;
                snprintf(res->message, sizeof(res->message), "cannot execute `%s`: %s%s", path,
                         strerror(res->error),
                         res->error == ENOENT || res->error == EACCES || res->error == ENOEXEC
                             ? ""
                             : " (does the profile allow execve?)");
                break;
        case PG_RUN_EXEC_SENT:
                res->stage = PG_RUN_STARTED;
                if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGSYS)
                        snprintf(res->message, sizeof(res->message),
                                 "killed by SIGSYS: the profile kills a syscall it made (execve "
                                 "itself if `%s` never started)",
                                 path);
                break;
        case PG_RUN_STARTED:
                break;
        }
}

int pg_run_setup(const struct pg_run_opts *o, char *const *argv, bool diagnose,
                 struct child_plan *pl, struct pg_run_result *res, struct pg_error **err)
{
        memset(pl, 0, sizeof(*pl));
        memset(res, 0, sizeof(*res));
        if (!argv || !argv[0])
                return pg_error_set(err, -EINVAL, "no command to run");
        char *path = NULL;
        int r = pg_run_find_program(argv[0], &path);
        if (r < 0)
                return pg_error_set(err, r, "out of memory");
        pl->path = path;
        pl->argv = argv;
        if (!path[0]) {
                res->status = 127;
                res->stage = PG_RUN_EXEC;
                res->error = ENOENT;
                snprintf(res->message, sizeof(res->message), "`%s`: command not found", argv[0]);
                return 0;
        }
        r = pg_run_plan_prepare(o, diagnose, pl, err);
        if (r < 0)
                return r;
        struct run_shared *sh =
            mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (sh == MAP_FAILED)
                return pg_error_set(err, -errno, "mmap: %s", strerror(errno));
        sh->stage = PG_RUN_STARTED;
        pl->shared = sh;
        return 1;
}

void pg_run_plan_clear(struct child_plan *pl)
{
        free((char *)pl->path);
        free(pl->prog.filter);
        if (pl->shared)
                munmap(pl->shared, sizeof(*pl->shared));
        memset(pl, 0, sizeof(*pl));
}

int pg_run(const struct pg_run_opts *o, char *const *argv, struct pg_run_result *ret_result,
           struct pg_error **err)
{
        struct child_plan pl;
        struct pg_run_result res;
        int r = pg_run_setup(o, argv, false, &pl, &res, err);
        if (r <= 0) {
                pg_run_plan_clear(&pl);
                if (r == 0)
                        *ret_result = res;
                return r;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
                pg_run_child(&pl);
        int wstatus = 0;
        r = pid < 0 ? -errno : wait_child(pid, &wstatus);
        if (r == 0)
                pg_run_describe(&res, pl.shared, pl.path, wstatus);
        pg_run_plan_clear(&pl);
        if (r < 0)
                return pg_error_set(err, r, "cannot start `%s`: %s", argv[0], strerror(-r));
        *ret_result = res;
        return 0;
}
