/* SPDX-License-Identifier: MIT */
/* Between the launcher (enforce/run.c) and the diagnostic run (enforce/diagnose.c): the plan the
 * parent prepares and the child carries out. Not a public header. */
#pragma once

#include <linux/capability.h>
#include <linux/filter.h>
#include <stdbool.h>

#include "profgen/enforce.h"

/* Written by the child with plain stores, read by the parent after waitpid. */
struct run_shared {
        volatile int stage;        /* enum pg_run_stage */
        volatile int error;        /* errno */
        const char *volatile step; /* static string: same address in parent and child */
};

/* Everything the child needs, prepared by the parent so the child allocates nothing. */
struct child_plan {
        bool traceme; /* diagnostic run: PTRACE_TRACEME and stop before the filter */
        struct run_shared *shared;
        const char *path;
        char *const *argv;
        struct pg_capsets caps;
        bool set_user;
        uid_t uid;
        gid_t gid;
        bool nnp;
        bool keep_admin; /* CAP_SYS_ADMIN kept until the exec drops it */
        struct sock_fprog prog;
        unsigned filter_flags;
        struct __user_cap_header_struct cap_hdr;
};

/* Finds the program, builds the filter, maps the shared page: 1 when ready to fork, 0 when
 * *res already says why not (not found), negative errno on error. Clear the plan in every case. */
int pg_run_setup(const struct pg_run_opts *o, char *const *argv, bool diagnose,
                 struct child_plan *pl, struct pg_run_result *res, struct pg_error **err);
int pg_run_plan_prepare(const struct pg_run_opts *o, bool diagnose, struct child_plan *pl,
                        struct pg_error **err);
void pg_run_plan_clear(struct child_plan *pl);
/* In the forked child: capabilities, user, filter, exec. Never returns. */
__attribute__((noreturn)) void pg_run_child(const struct child_plan *pl);
/* The result of a finished child from its wait status and what it left on the shared page. */
void pg_run_describe(struct pg_run_result *res, const struct run_shared *sh, const char *path,
                     int wstatus);

/* enforce/capwatch.c: failed capability checks, from the cap_capable tracepoint. start returns
 * -ENOENT where the kernel has no such tracepoint; stop adds the failures made by pids to counts
 * and removes the tracefs instance. */
int pg_capwatch_start(char **ret_dir);
void pg_capwatch_stop(char *dir, const pid_t *pids, size_t n_pids, uint64_t counts[64]);
