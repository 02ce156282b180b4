// SPDX-License-Identifier: MIT
/* Multithreaded syscall load: THREADS threads (default 4) each doing ROUNDS rounds (default 12500)
 * of open/fstat/read/close/stat on a file of its own, so the tracer sees concurrent stops from
 * several threads of one process.
 *   threads [ROUNDS] [THREADS] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct job {
        long rounds;
        char path[4096];
        int failed;
};

static void *worker(void *arg)
{
        struct job *j = arg;
        char buf[4096];
        for (long i = 0; i < j->rounds; i++) {
                struct stat st;
                int fd = open(j->path, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &st) < 0 || read(fd, buf, sizeof(buf)) < 0 ||
                    close(fd) < 0 || stat(j->path, &st) < 0) {
                        j->failed = 1;
                        break;
                }
        }
        return NULL;
}

int main(int argc, char **argv)
{
        long rounds = argc > 1 ? atol(argv[1]) : 12500;
        int nthreads = argc > 2 ? atoi(argv[2]) : 4;
        if (nthreads < 1 || nthreads > 64) {
                fprintf(stderr, "threads: 1..64 threads\n");
                return 2;
        }
        const char *tmp = getenv("TMPDIR");
        struct job jobs[64];
        pthread_t tids[64];
        int status = 0;
        for (int t = 0; t < nthreads; t++) {
                jobs[t].rounds = rounds;
                jobs[t].failed = 0;
                /* by pid, not mkstemp (whose getrandom call comes and goes: syscalls.c) */
                snprintf(jobs[t].path, sizeof(jobs[t].path), "%s/pg-bench-threads.%d.%d",
                         tmp ? tmp : "/tmp", (int)getpid(), t);
                int fd = open(jobs[t].path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                if (fd < 0 || write(fd, "data\n", 5) != 5 || close(fd) < 0) {
                        perror("threads: creating a test file");
                        return 1;
                }
        }
        for (int t = 0; t < nthreads; t++)
                if (pthread_create(&tids[t], NULL, worker, &jobs[t]) != 0) {
                        fprintf(stderr, "threads: pthread_create failed\n");
                        return 1;
                }
        for (int t = 0; t < nthreads; t++) {
                pthread_join(tids[t], NULL);
                if (jobs[t].failed) {
                        fprintf(stderr, "threads: a syscall failed in thread %d\n", t);
                        status = 1;
                }
                unlink(jobs[t].path);
        }
        return status;
}
