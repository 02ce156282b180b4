// SPDX-License-Identifier: MIT
#include "profgen/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profgen/cleanup.h"

static int write_all(int fd, const char *p, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int pg_file_write_atomic(const char *path, const void *data, size_t len, struct pg_error **err)
{
        _cleanup_free_ char *tmp = NULL;
        if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return pg_error_set(err, -errno, "cannot create `%s`: %s", path, strerror(errno));
        /* mkostemp creates 0600; a profile is meant to be read by others (umask applies). */
        mode_t mask = umask(0);
        umask(mask);
        int r = write_all(fd, data, len);
        if (r == 0 && fchmod(fd, 0666 & ~mask) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (r == 0 && close(TAKE_FD(fd)) < 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return pg_error_set(err, r, "cannot write `%s`: %s", path, strerror(-r));
        }
        return 0;
}

int pg_file_read_all(const char *path, char **ret_data, size_t *ret_len, struct pg_error **err)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return pg_error_set(err, -errno, "cannot open `%s`: %s", path, strerror(errno));
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (cap - len < 4096) {
                        cap = cap ? cap * 2 : 8192;
                        char *nb = realloc(buf, cap);
                        if (!nb)
                                return pg_error_set(err, -ENOMEM, "out of memory");
                        buf = nb;
                }
                size_t n = fread(buf + len, 1, cap - len - 1, f);
                len += n;
                if (n == 0) {
                        if (ferror(f))
                                return pg_error_set(err, -EIO, "cannot read `%s`", path);
                        break;
                }
        }
        buf[len] = '\0';
        *ret_data = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

char *pg_path_sibling(const char *path, const char *old_ext, const char *new_ext)
{
        size_t len = strlen(path), ol = strlen(old_ext);
        char *out = NULL;
        if (len > ol && strcmp(path + len - ol, old_ext) == 0) {
                if (asprintf(&out, "%.*s%s", (int)(len - ol), path, new_ext) < 0)
                        return NULL;
        } else if (asprintf(&out, "%s%s", path, new_ext) < 0) {
                return NULL;
        }
        return out;
}
