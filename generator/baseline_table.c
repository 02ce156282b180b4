// SPDX-License-Identifier: MIT
/* What container runtimes do after they install the workload's seccomp filter: a profile that
 * lacks these never starts. Measured on Debian 12 (runc 1.1.5, crun 1.8.1, podman 4.3) by logging
 * every syscall after the filter and removing them one at a time over many starts and several
 * workloads: ../shared/docs/runtimes.md. Re-measure when a runtime is upgraded; add a row per
 * syscall, keep the table sorted by (runtime, nnp, name) - a unit test checks it. */
#include <errno.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/generator.h"

#define RUNC   PG_RUNTIME_RUNC
#define CRUN   PG_RUNTIME_CRUN
#define PODMAN PG_RUNTIME_PODMAN

static const struct pg_baseline_entry baseline[] = {
    /* runc 1.1.5, no-new-privileges off (Docker's and Podman's default) */
    {RUNC, false, "capget", "runc drops capabilities after the filter"},
    {RUNC, false, "capset", "runc: `unable to apply caps`"},
    {RUNC, false, "chdir", "runc changes to the container's cwd"},
    {RUNC, false, "close", "runc: `error closing exec fds`"},
    {RUNC, false, "execve", "runc execs the entrypoint"},
    {RUNC, false, "faccessat", "runc's fallback executable check when faccessat2 fails"},
    {RUNC, false, "faccessat2", "runc checks the entrypoint is executable (Go 1.19)"},
    {RUNC, false, "fstat", "runc (Go runtime)"},
    {RUNC, false, "fstatfs", "runc: `ensure /proc/self/fd is on procfs`"},
    {RUNC, false, "futex", "runc (Go): create+start (Docker, Podman) fails without it"},
    {RUNC, false, "getcwd", "runc"},
    {RUNC, false, "getdents64", "runc lists /proc/self/fd"},
    {RUNC, false, "getppid", "runc checks its parent"},
    {RUNC, false, "newfstatat", "runc"},
    {RUNC, false, "openat", "runc: `open /proc/self/fd`"},
    {RUNC, false, "prctl", "runc sets keep-caps and the no-new-privileges bit"},
    {RUNC, false, "read", "runc reads its sync pipe"},
    {RUNC, false, "rt_sigreturn", "runc is a Go program: intermittent"},
    {RUNC, false, "setgid", "runc switches to the container's group"},
    {RUNC, false, "setgroups", "runc sets supplementary groups"},
    {RUNC, false, "setuid", "runc switches to the container's user"},
    {RUNC, false, "write", "runc reports to its parent"},
    /* runc 1.1.5, no-new-privileges on: the filter goes in as late as possible */
    {RUNC, true, "close", "runc: `error closing exec fds`"},
    {RUNC, true, "execve", "runc execs the entrypoint"},
    {RUNC, true, "faccessat", "runc's fallback executable check when faccessat2 fails"},
    {RUNC, true, "faccessat2", "runc checks the entrypoint is executable (Go 1.19)"},
    {RUNC, true, "fstatfs", "runc: `ensure /proc/self/fd is on procfs`"},
    {RUNC, true, "futex", "runc is a Go program"},
    {RUNC, true, "getdents64", "runc lists /proc/self/fd"},
    {RUNC, true, "openat", "runc: `open /proc/self/fd`"},
    {RUNC, true, "rt_sigreturn", "runc is a Go program"},
    {RUNC, true, "write", "runc reports to its parent"},
    /* crun 1.8.1, no-new-privileges off (`crun run`) */
    {CRUN, false, "capset", "crun drops capabilities after the filter"},
    {CRUN, false, "execve", "crun execs the entrypoint"},
    {CRUN, false, "prctl", "crun sets keep-caps"},
    {CRUN, false, "rt_sigaction", "crun resets signal handlers"},
    {CRUN, false, "rt_sigprocmask", "crun unblocks signals"},
    {CRUN, false, "setresgid", "crun: `cannot setresgid to 0`"},
    {CRUN, false, "setresuid", "crun switches to the container's user"},
    {CRUN, false, "write", "crun reports to its parent"},
    /* crun 1.8.1, no-new-privileges on */
    {CRUN, true, "execve", "crun execs the entrypoint"},
    /* crun 1.8.1 started by podman 4.3: crun's set plus conmon's synchronisation */
    {PODMAN, false, "capset", "crun drops capabilities after the filter"},
    {PODMAN, false, "execve", "crun execs the entrypoint"},
    {PODMAN, false, "prctl", "crun sets keep-caps"},
    {PODMAN, false, "pselect6", "crun waits for podman's start signal"},
    {PODMAN, false, "read", "crun reads podman's start signal"},
    {PODMAN, false, "rt_sigaction", "crun resets signal handlers"},
    {PODMAN, false, "rt_sigprocmask", "crun unblocks signals"},
    {PODMAN, false, "setresgid", "crun: `cannot setresgid to 0`"},
    {PODMAN, false, "setresuid", "crun switches to the container's user"},
    {PODMAN, false, "write", "crun reports to its parent"},
    {PODMAN, true, "execve", "crun execs the entrypoint"},
    {PODMAN, true, "pselect6", "crun waits for podman's start signal"},
    {PODMAN, true, "read", "crun reads podman's start signal"},
};

const struct pg_baseline_entry *pg_baseline_table(size_t *ret_n)
{
        *ret_n = sizeof(baseline) / sizeof(baseline[0]);
        return baseline;
}

const char *pg_runtime_name(unsigned runtime_bit)
{
        switch (runtime_bit) {
        case PG_RUNTIME_RUNC:
                return "runc 1.1.5";
        case PG_RUNTIME_CRUN:
                return "crun 1.8.1";
        case PG_RUNTIME_PODMAN:
                return "crun 1.8.1 under podman 4.3";
        default:
                return "?";
        }
}

static int runtime_word(const char *w, unsigned *mask)
{
        static const struct {
                const char *word;
                unsigned mask;
        } words[] = {
            {"runc", PG_RUNTIME_RUNC},       {"docker", PG_RUNTIME_RUNC},
            {"crun", PG_RUNTIME_CRUN},       {"podman", PG_RUNTIME_PODMAN | PG_RUNTIME_RUNC},
            {"all", PG_RUNTIME_ALL},         {"none", 0},
            {"containerd", PG_RUNTIME_RUNC}, {"cri-o", PG_RUNTIME_RUNC | PG_RUNTIME_CRUN},
        };
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(w, words[i].word) == 0) {
                        *mask |= words[i].mask;
                        return 0;
                }
        return -EINVAL;
}

int pg_runtime_parse(const char *s, unsigned *ret_mask)
{
        _cleanup_free_ char *copy = strdup(s);
        unsigned mask = 0;
        if (!copy)
                return -ENOMEM;
        for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
                if (runtime_word(w, &mask) < 0)
                        return -EINVAL;
        *ret_mask = mask;
        return 0;
}

static const char *const always[] = {"exit", "exit_group", "restart_syscall", "rt_sigreturn"};

const char *const *pg_always_allowed(size_t *ret_n)
{
        *ret_n = sizeof(always) / sizeof(always[0]);
        return always;
}
