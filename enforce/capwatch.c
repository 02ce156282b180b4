// SPDX-License-Identifier: MIT
/* Failed capability checks during the diagnostic run, from the kernel's own record: the
 * capability:cap_capable tracepoint (Linux 6.14+), in a private tracefs instance so no other user
 * of tracing is disturbed, filtered in the kernel to failures (ret != 0) and here to the run's
 * processes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "run_internal.h"

#define TRACEFS "/sys/kernel/tracing"

static int write_file(const char *dir, const char *rel, const char *text)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t n = strlen(text);
        return write(fd, text, n) == (ssize_t)n ? 0 : -errno;
}

int pg_capwatch_start(char **ret_dir)
{
        if (access(TRACEFS "/events/capability/cap_capable", F_OK) < 0)
                return -ENOENT; /* kernel before 6.14, or tracefs not mounted */
        char *dir = NULL;
        if (asprintf(&dir, TRACEFS "/instances/profgen-verify-%d", (int)getpid()) < 0)
                return -ENOMEM;
        if (mkdir(dir, 0700) < 0) {
                int e = -errno;
                free(dir);
                return e;
        }
        int r = write_file(dir, "events/capability/cap_capable/filter", "ret != 0");
        if (r == 0)
                r = write_file(dir, "events/capability/cap_capable/enable", "1");
        if (r < 0) {
                rmdir(dir);
                free(dir);
                return r;
        }
        *ret_dir = dir;
        return 0;
}

/* "           chown-24840   [001] .....  1279.4: cap_capable: cred ..., cap 0, ret -1" */
static bool parse_line(const char *line, pid_t *ret_pid, int *ret_cap)
{
        const char *cpu = strstr(line, " [");
        const char *cap = strstr(line, ", cap ");
        if (!cpu || !cap)
                return false;
        const char *p = cpu;
        while (p > line && p[-1] == ' ')
                p--;
        const char *dash = p;
        while (dash > line && dash[-1] != '-')
                dash--;
        if (dash == line)
                return false;
        *ret_pid = (pid_t)atoi(dash);
        *ret_cap = atoi(cap + 6);
        return *ret_cap >= 0 && *ret_cap < 64;
}

static bool has_pid(const pid_t *pids, size_t n, pid_t pid)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

void pg_capwatch_stop(char *dir, const pid_t *pids, size_t n_pids, uint64_t counts[64])
{
        char path[256];
        write_file(dir, "events/capability/cap_capable/enable", "0");
        snprintf(path, sizeof(path), "%s/trace", dir);
        FILE *f = fopen(path, "re");
        char *line = NULL;
        size_t cap = 0;
        while (f && getline(&line, &cap, f) > 0) {
                pid_t pid;
                int c;
                if (line[0] != '#' && parse_line(line, &pid, &c) && has_pid(pids, n_pids, pid))
                        counts[c]++;
        }
        free(line);
        if (f)
                fclose(f);
        rmdir(dir);
        free(dir);
}
