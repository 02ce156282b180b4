// SPDX-License-Identifier: MIT
#include "profgen/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/seccomp_bpf.h"

static int check_exec(const char *path)
{
        struct stat st;
        if (stat(path, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EACCES;
        return access(path, X_OK) < 0 ? -errno : 0;
}

int pg_spawn_resolve(const char *cmd, char **ret_path, struct pg_error **err)
{
        if (!cmd || !*cmd)
                return pg_error_set(err, -ENOENT, "no command given");
        if (strchr(cmd, '/')) {
                int r = check_exec(cmd);
                if (r < 0)
                        return pg_error_set(err, r == -ENOENT ? -ENOENT : -EACCES,
                                            "cannot execute `%s`: %s", cmd, strerror(-r));
                *ret_path = strdup(cmd);
                return *ret_path ? 0 : -ENOMEM;
        }
        const char *path_env = getenv("PATH");
        _cleanup_free_ char *paths = strdup(path_env ? path_env : "/usr/local/bin:/usr/bin:/bin");
        int found_noexec = 0;
        for (char *save = NULL, *dir = strtok_r(paths, ":", &save); dir;
             dir = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *cand = NULL;
                if (asprintf(&cand, "%s/%s", *dir ? dir : ".", cmd) < 0)
                        return -ENOMEM;
                int r = check_exec(cand);
                if (r == 0) {
                        *ret_path = TAKE_PTR(cand);
                        return 0;
                }
                if (r == -EACCES)
                        found_noexec = 1;
        }
        if (found_noexec)
                return pg_error_set(err, -EACCES, "cannot execute `%s`: %s", cmd, strerror(EACCES));
        return pg_error_set(err, -ENOENT, "`%s`: command not found", cmd);
}

struct report {
        char tag;
        int err;
};

static void child_say(int fd, char tag, int e)
{
        struct report rep = {tag, e};
        ssize_t n = write(fd, &rep, sizeof(rep));
        (void)n;
}

static __attribute__((noreturn)) void child_main(const char *path, char *const *argv,
                                                 const struct sock_fprog *filter, int fd)
{
        extern char **environ;
        /* The signal mask and ignored signals are inherited as they are: the command must get
         * what it would get without profgen (nohup's ignored SIGHUP, a script's background job's
         * ignored SIGINT). profgen's forwarding handlers are installed only after this fork. */
        /* Wait here until the tracer has seized us with its options in place. */
        raise(SIGSTOP);
        if (filter) {
                int r = pg_seccomp_bpf_install(filter);
                child_say(fd, r == 0 ? 'F' : 'P', -r);
        }
        execve(path, argv, environ);
        int e = errno;
        child_say(fd, 'E', e);
        _exit(e == ENOENT ? 127 : 126);
}

int pg_spawn_start(const char *path, char *const *argv, const struct sock_fprog *filter,
                   pid_t *ret_pid, int *ret_fd, struct pg_error **err)
{
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return pg_error_set(err, -errno, "pipe: %s", strerror(errno));
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
                int e = errno;
                close(fds[0]);
                close(fds[1]);
                return pg_error_set(err, -e, "fork: %s", strerror(e));
        }
        if (pid == 0) {
                close(fds[0]);
                child_main(path, argv, filter, fds[1]);
        }
        close(fds[1]);
        if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
                int e = errno;
                close(fds[0]);
                return pg_error_set(err, -e, "fcntl: %s", strerror(e));
        }
        *ret_pid = pid;
        *ret_fd = fds[0];
        return 0;
}

enum pg_spawn_report pg_spawn_read_report(int fd, int *ret_errno)
{
        enum pg_spawn_report last = PG_SPAWN_NONE;
        struct report rep;
        while (read(fd, &rep, sizeof(rep)) == (ssize_t)sizeof(rep)) {
                *ret_errno = rep.err;
                last = rep.tag == 'F'   ? PG_SPAWN_FILTER_OK
                       : rep.tag == 'P' ? PG_SPAWN_FILTER_FAILED
                                        : PG_SPAWN_EXEC_FAILED;
        }
        return last;
}
