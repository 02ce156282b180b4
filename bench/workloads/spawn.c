// SPDX-License-Identifier: MIT
/* N processes alive at the same time: forks N children that each wait on a pipe, then releases
 * them all and reaps them. Measures how the tracer's memory grows with its process table, which a
 * shell loop of short processes (one alive at a time) does not show.
 *   spawn [N]    (default 100) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        long n = argc > 1 ? atol(argv[1]) : 100;
        int gate[2];
        if (pipe(gate) < 0) {
                perror("spawn: pipe");
                return 1;
        }
        long started = 0;
        for (; started < n; started++) {
                pid_t pid = fork();
                if (pid < 0) {
                        perror("spawn: fork");
                        break;
                }
                if (pid == 0) {
                        char c;
                        close(gate[1]);
                        /* EOF arrives when the parent closes its end: every child is alive by then
                         */
                        _exit(read(gate[0], &c, 1) == 0 ? 0 : 1);
                }
        }
        close(gate[1]);
        int status = started == n ? 0 : 1;
        for (long i = 0; i < started; i++) {
                int st;
                if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                        status = 1;
        }
        return status;
}
