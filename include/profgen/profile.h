/* SPDX-License-Identifier: MIT */
/* The seccomp profile model: the Docker/OCI seccomp format as data. The generator builds one, the
 * reader (generator/profile_read.c) parses one, writers serialise one; diff and merge work on it.
 * Only the writer and the reader know JSON. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profgen/error.h"

enum pg_action {
        PG_ACT_KILL_THREAD,  /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
        PG_ACT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
        PG_ACT_TRAP,         /* SCMP_ACT_TRAP */
        PG_ACT_ERRNO,        /* SCMP_ACT_ERRNO (+ errnoRet) */
        PG_ACT_TRACE,        /* SCMP_ACT_TRACE (+ errnoRet as the trace message) */
        PG_ACT_ALLOW,        /* SCMP_ACT_ALLOW */
        PG_ACT_LOG,          /* SCMP_ACT_LOG */
        PG_ACT_NOTIFY,       /* SCMP_ACT_NOTIFY */
        PG_ACT_COUNT,
};

enum pg_cmp {
        PG_CMP_NE,        /* SCMP_CMP_NE */
        PG_CMP_LT,        /* SCMP_CMP_LT */
        PG_CMP_LE,        /* SCMP_CMP_LE */
        PG_CMP_EQ,        /* SCMP_CMP_EQ */
        PG_CMP_GE,        /* SCMP_CMP_GE */
        PG_CMP_GT,        /* SCMP_CMP_GT */
        PG_CMP_MASKED_EQ, /* SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo */
        PG_CMP_COUNT,
};

struct pg_arg_cmp {
        unsigned index; /* 0..5 */
        uint64_t value;
        uint64_t value_two;
        enum pg_cmp op;
};

/* Docker's includes/excludes on a rule. */
struct pg_rule_filter {
        char **caps;      /* NULL-terminated or NULL: "CAP_SYS_ADMIN" */
        char **arches;    /* NULL-terminated or NULL: "amd64", "x86_64", ... as written */
        char *min_kernel; /* "5.8" or NULL */
};

#define PG_ERRNO_UNSET (-1)

struct pg_rule {
        char **names; /* NULL-terminated; the deprecated single "name" is folded in here */
        enum pg_action action;
        int errno_ret; /* PG_ERRNO_UNSET when absent */
        size_t n_args;
        struct pg_arg_cmp *args;
        char *comment; /* may be NULL */
        struct pg_rule_filter includes;
        struct pg_rule_filter excludes;
};

struct pg_arch_map {
        char *arch;        /* "SCMP_ARCH_X86_64" */
        char **sub_arches; /* NULL-terminated or NULL */
};

struct pg_profile {
        enum pg_action default_action;
        int default_errno; /* PG_ERRNO_UNSET when absent */
        char **arches;     /* "architectures": NULL-terminated or NULL */
        size_t n_arch_map;
        struct pg_arch_map *arch_map;
        char **flags;        /* "flags": NULL-terminated or NULL */
        char *listener_path; /* "listenerPath" or NULL */
        size_t n_rules;
        struct pg_rule *rules;
        /* What the reader accepted but the user should hear about (a key Docker ignores, a syscall
         * newer than the linked libseccomp): NULL-terminated or NULL. Never written. */
        char **warnings;
};

int pg_profile_new(struct pg_profile **ret);
void pg_profile_free(struct pg_profile *p);
/* Appends an empty rule and returns it (owned by the profile); NULL on allocation failure. */
struct pg_rule *pg_profile_add_rule(struct pg_profile *p, enum pg_action action);
/* Appends a copy of name to rule->names. */
int pg_rule_add_name(struct pg_rule *rule, const char *name);
int pg_profile_add_arch(struct pg_profile *p, const char *scmp_arch);

/* Names of actions and operators as written in profiles; parse accepts SCMP_ACT_KILL too. */
const char *pg_action_name(enum pg_action a);
int pg_action_parse(const char *s, enum pg_action *ret);
const char *pg_cmp_name(enum pg_cmp op);
int pg_cmp_parse(const char *s, enum pg_cmp *ret);

/* Writer: Docker JSON with a fixed key order, two-space indentation, sorted names and a trailing
 * newline. Identical models give identical bytes. Only the portable fields are written unless
 * the model carries more (a profile that was read keeps what it had). */
int pg_profile_to_json_string(const struct pg_profile *p, char **ret, struct pg_error **err);
int pg_profile_write(const struct pg_profile *p, const char *path, struct pg_error **err);

/* Reader: the complete Docker/OCI seccomp format (generator/profile_read.c,
 * docs/profile-reader.md). Errors name the file and the line and column (syntax) or the JSON path
 * (`syscalls[3].args[0]`). A syscall name libseccomp does not know is an error, unless it is a real
 * syscall newer than the linked libseccomp (pg_syscall_is_newer): then it is a warning in
 * ->warnings, and enforcement skips it as runc and crun do. */
int pg_profile_read(const char *path, struct pg_profile **ret, struct pg_error **err);
int pg_profile_parse(const char *text, size_t len, const char *name, struct pg_profile **ret,
                     struct pg_error **err);
/* Appends a copy of a formatted warning to p->warnings. */
int pg_profile_add_warning(struct pg_profile *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Whether name is a Linux syscall that libseccomp does not know in every version we build with
 * (generator/syscalls_newer.c: a checked-in table, sorted). */
bool pg_syscall_is_newer(const char *name);
const char *const *pg_syscalls_newer(size_t *ret_n);
/* The native syscall name a typo most likely meant ("pread" -> "pread64"), or NULL. */
const char *pg_syscall_suggest(const char *name);
/* "SCMP_ARCH_X86_64" -> libseccomp's token (SCMP_ARCH_*), 0 when this libseccomp lacks it. */
uint32_t pg_scmp_arch_token(const char *scmp_name);
/* "2.5.4": the libseccomp the process runs with (seccomp_version()). */
const char *pg_libseccomp_version(void);

static inline void pg_profile_freep(struct pg_profile **p)
{
        pg_profile_free(*p);
}
#define _cleanup_profile_ __attribute__((cleanup(pg_profile_freep)))
