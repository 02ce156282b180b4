// SPDX-License-Identifier: MIT
/* Syscall-heavy single process: ROUNDS rounds of open/fstat/read/close/stat on one small file,
 * five syscalls a round, no CPU work between them: the worst case for a per-syscall stop.
 *   syscalls [ROUNDS]     (default 50000) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        long rounds = argc > 1 ? atol(argv[1]) : 50000;
        const char *tmp = getenv("TMPDIR");
        char path[4096];
        /* Named by pid, not mkstemp: glibc's mkstemp calls getrandom only sometimes, and a
         * workload whose syscall set varies between runs cannot show that a baseline recording
         * gives the same profile as a full one. */
        snprintf(path, sizeof(path), "%s/pg-bench-syscalls.%d", tmp ? tmp : "/tmp", (int)getpid());
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        char buf[4096] = {0};
        if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || close(fd) < 0) {
                perror("syscalls: creating the test file");
                return 1;
        }
        int status = 0;
        for (long i = 0; i < rounds; i++) {
                struct stat st;
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &st) < 0 || read(fd, buf, sizeof(buf)) < 0 ||
                    close(fd) < 0 || stat(path, &st) < 0) {
                        perror("syscalls");
                        status = 1;
                        break;
                }
        }
        unlink(path);
        return status;
}
