/* SPDX-License-Identifier: MIT */
/* Starting the command: resolving it like execvp, forking a child that waits to be seized, installs
 * the tracing filter and execs, and reports what went wrong before exec through a pipe. */
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include "profgen/error.h"

/* Finds cmd like execvp would: -ENOENT (exit 127) or -EACCES (exit 126) with a message. */
int pg_spawn_resolve(const char *cmd, char **ret_path, struct pg_error **err);

/* What the child says before exec, read from the status pipe. */
enum pg_spawn_report {
        PG_SPAWN_NONE,          /* nothing yet (exec happened before anything was said) */
        PG_SPAWN_FILTER_OK,     /* the tracing filter is installed */
        PG_SPAWN_FILTER_FAILED, /* it could not be (errno in ret_errno); plain ptrace follows */
        PG_SPAWN_EXEC_FAILED,   /* execve failed (errno) */
};

/* Forks; the child stops itself with SIGSTOP, and once resumed installs `filter` (when not NULL)
 * and execs path with argv and the unchanged environment. *ret_fd is the read end of the status
 * pipe (close-on-exec in the child, so it reads EOF after a successful exec). */
int pg_spawn_start(const char *path, char *const *argv, const struct sock_fprog *filter,
                   pid_t *ret_pid, int *ret_fd, struct pg_error **err);

/* Reads the child's reports that are available without blocking; returns the last one. */
enum pg_spawn_report pg_spawn_read_report(int fd, int *ret_errno);
