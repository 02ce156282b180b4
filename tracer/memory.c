// SPDX-License-Identifier: MIT
/* Reading a stopped tracee's memory for observers. */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "profgen/tracer.h"

/* PTRACE_PEEKDATA word by word: slower, but works where process_vm_readv is refused. */
static ssize_t peek(pid_t tid, uint64_t addr, char *buf, size_t len)
{
        size_t done = 0;
        while (done < len) {
                errno = 0;
                long word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)(addr + done), 0L);
                if (errno)
                        return done ? (ssize_t)done : -errno;
                size_t n = len - done < sizeof(word) ? len - done : sizeof(word);
                memcpy(buf + done, &word, n);
                done += n;
        }
        return (ssize_t)done;
}

ssize_t pg_tracee_read(const struct pg_tracee *t, uint64_t addr, void *buf, size_t len)
{
        struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
        ssize_t n = process_vm_readv(t->tid, &local, 1, &remote, 1, 0);
        if (n >= 0)
                return n;
        if (errno == EFAULT)
                return -EFAULT;
        return peek(t->tid, addr, buf, len);
}

ssize_t pg_tracee_read_string(const struct pg_tracee *t, uint64_t addr, char *buf, size_t len)
{
        if (len == 0)
                return -EINVAL;
        size_t done = 0;
        /* Read in chunks that do not cross a page boundary: the next page may be unmapped. */
        while (done < len - 1) {
                uint64_t a = addr + done;
                size_t chunk = 4096 - (size_t)(a & 4095);
                if (chunk > len - 1 - done)
                        chunk = len - 1 - done;
                ssize_t n = pg_tracee_read(t, a, buf + done, chunk);
                if (n <= 0)
                        return done ? (ssize_t)done : (n < 0 ? n : -EFAULT);
                char *nul = memchr(buf + done, '\0', (size_t)n);
                if (nul)
                        return nul - buf;
                done += (size_t)n;
        }
        buf[done] = '\0';
        return -ENAMETOOLONG;
}
