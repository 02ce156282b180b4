/* SPDX-License-Identifier: MIT */
/* Enforcement without a container engine: what runc does between fork and exec. The capability
 * sets Docker gives `--cap-drop ALL --cap-add ...` (libcap), a libseccomp filter built from a
 * profile with Docker's includes/excludes semantics, and a launcher that never runs the command
 * unconfined. docs/run.md explains each choice. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "profgen/arch.h"
#include "profgen/cleanup.h"
#include "profgen/error.h"
#include "profgen/profile.h"

/* Capability sets as bit masks (bit n = capability n). */
struct pg_capsets {
        uint64_t bounding;
        uint64_t effective;
        uint64_t permitted;
        uint64_t inheritable;
        uint64_t ambient;
};

/* "NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE" or "cap_net_bind_service" -> 10; -EINVAL otherwise. */
int pg_cap_parse(const char *name, int *ret_cap);
/* A .caps file: one capability a line, with or without CAP_, then optional blanks and a `#`
 * comment; `#` lines and blank lines are ignored. Errors name file:line. */
int pg_caps_parse(const char *text, const char *name, uint64_t *ret_mask, struct pg_error **err);
int pg_caps_read(const char *path, uint64_t *ret_mask, struct pg_error **err);
/* "CAP_CHOWN,CAP_KILL" (malloc'd), "" for an empty mask. */
char *pg_caps_format(uint64_t mask);
/* The capabilities this kernel has (CAP_LAST_CAP + 1 bits). */
uint64_t pg_caps_all(void);
/* The sets Docker 20.10 with runc 1.1.5 gives a container started with --cap-drop ALL
 * --cap-add <added> for user uid (docs/run.md: measured). */
void pg_caps_docker(uint64_t added, uid_t uid, struct pg_capsets *ret);

/* What Docker's includes/excludes are evaluated against. */
struct pg_seccomp_env {
        uint64_t bounding;   /* the container's bounding set: includes.caps / excludes.caps */
        enum pg_arch native; /* includes.arches / excludes.arches, archMap */
        const char *kernel;  /* "6.18.0" for minKernel; NULL: uname(2) */
        bool no_new_privs;   /* leave NNP to libseccomp (true) or not (false, Docker's default) */
        bool trace_denials;  /* diagnostics: each denial becomes SCMP_ACT_TRACE(PG_DENIAL_DATA) */
};

void pg_seccomp_env_init(struct pg_seccomp_env *env);
/* Docker's rule selection: excludes first (arches, any cap, minKernel), then includes (arches, all
 * caps, minKernel). */
int pg_seccomp_rule_applies(const struct pg_rule *rule, const struct pg_seccomp_env *env,
                            bool *ret_applies, struct pg_error **err);
/* Builds (does not load) the filter runc would build: archMap or architectures, rules whose action
 * equals the default skipped, several conditions on one argument index as separate rules (OR),
 * conditions on different indexes in one rule (AND), unknown names skipped. */
int pg_seccomp_build(const struct pg_profile *p, const struct pg_seccomp_env *env,
                     scmp_filter_ctx *ret_ctx, struct pg_error **err);

/* One run of a command under a profile and capability sets. */
struct pg_run_opts {
        const struct pg_profile *profile;
        uint64_t caps; /* --cap-add / .caps: the container's capability list */
        bool set_user; /* --user given */
        uid_t uid;
        gid_t gid;
        bool no_new_privs;  /* --no-new-privileges */
        const char *kernel; /* minKernel override (tests); NULL: uname */
};

void pg_run_opts_init(struct pg_run_opts *o);

/* Why a run ended before or at exec. */
enum pg_run_stage {
        PG_RUN_STARTED,   /* nothing reported: the command ran (or died before saying so) */
        PG_RUN_SETUP,     /* a step before the filter failed: nothing ran */
        PG_RUN_EXEC,      /* execve failed (not found, not executable, denied by the profile) */
        PG_RUN_EXEC_SENT, /* execve was attempted; the process died before it returned */
};

struct pg_run_result {
        int status; /* shell convention: exit code, 128+N for signal N, 125/126/127 */
        enum pg_run_stage stage;
        int error;         /* errno of the failed step (positive), 0 when none */
        char message[256]; /* what failed, for the CLI */
};

/* Forks; the child drops to the capability sets and user, loads the filter and execs argv (PATH
 * searched by the parent, before anything is dropped). Returns 0 with *ret_result filled when the
 * command ran or failed in a way that has a status; negative errno when nothing could start. */
int pg_run(const struct pg_run_opts *o, char *const *argv, struct pg_run_result *ret_result,
           struct pg_error **err);
/* Resolves argv0 the way execvp would: "" when not found, -errno on error. */
int pg_run_find_program(const char *argv0, char **ret_path);

/* The diagnostic run (enforce/diagnose.c): the same run, but every denial of the profile is a
 * SECCOMP_RET_TRACE stop that profgen answers exactly as the profile would (the errno; a kill;
 * a trap's SIGSYS), after noting which syscall it was. The workload takes the confined path and
 * the denied syscalls get names. x86_64 only (the answer is written into registers). */
enum pg_denial_kind {
        PG_DENIAL_ERRNO,        /* SCMP_ACT_ERRNO, or TRACE with no tracer (ENOSYS) */
        PG_DENIAL_KILL_THREAD,  /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
        PG_DENIAL_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
        PG_DENIAL_TRAP,         /* SCMP_ACT_TRAP */
};
/* SECCOMP_RET_DATA of a diagnostic TRACE: the kind above the errno. */
#define PG_DENIAL_DATA(kind, err) ((uint16_t)(((unsigned)(kind) << 12) | ((unsigned)(err)&0xfffu)))

struct pg_denial {
        enum pg_arch arch;
        uint32_t slot;
        enum pg_denial_kind kind;
        int error; /* errno returned, for PG_DENIAL_ERRNO */
        uint64_t count;
        pid_t first_pid;
        struct pg_stack *stack; /* user-space call stack of the first denial, or NULL */
};

struct pg_diagnosis {
        struct pg_run_result result;
        size_t n_denials;
        struct pg_denial *denials;    /* in order of first occurrence */
        bool caps_watched;            /* the kernel's cap_capable tracepoint was available */
        uint64_t cap_failures[64];    /* failed checks per capability in the run's processes */
        struct pg_unwinder *unwinder; /* stacks of denials (created by pg_run_diagnose) */
};

int pg_run_diagnose(const struct pg_run_opts *o, char *const *argv, struct pg_diagnosis *ret,
                    struct pg_error **err);
void pg_diagnosis_clear(struct pg_diagnosis *d);
