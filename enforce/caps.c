// SPDX-License-Identifier: MIT
/* Capability names and sets: the .caps file the recorder writes, and the sets Docker and runc give
 * a container for --cap-drop ALL --cap-add .... Pure: nothing here changes the process. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "profgen/caps.h"
#include "profgen/enforce.h"
#include "profgen/fileio.h"

uint64_t pg_caps_all(void)
{
        int last = (int)cap_max_bits() - 1;
        if (last < 0 || last > 63)
                last = CAP_LAST_CAP;
        return last >= 63 ? UINT64_MAX : (1ull << (last + 1)) - 1;
}

int pg_cap_parse(const char *name, int *ret_cap)
{
        char buf[64];
        size_t n = strlen(name);
        if (n == 0 || n + 4 >= sizeof(buf))
                return -EINVAL;
        /* libcap wants "cap_x"; Kubernetes and Docker's CLI write "X" or "CAP_X". */
        bool prefixed = strncasecmp(name, "cap_", 4) == 0;
        snprintf(buf, sizeof(buf), "%s%s", prefixed ? "" : "cap_", name);
        for (char *c = buf; *c; c++) {
                if (!isalnum((unsigned char)*c) && *c != '_')
                        return -EINVAL;
                *c = (char)tolower((unsigned char)*c);
        }
        cap_value_t v;
        /* cap_from_name also accepts a bare number; a name is what a caps file holds. */
        if (isdigit((unsigned char)buf[4]) || cap_from_name(buf, &v) < 0 || v < 0 || v > 63)
                return -EINVAL;
        *ret_cap = v;
        return 0;
}

/* One line: "CAP_X", "X", optionally followed by blanks and "# comment". */
static int caps_line(char *line, const char *name, int lineno, uint64_t *mask,
                     struct pg_error **err)
{
        char *hash = strchr(line, '#');
        if (hash)
                *hash = '\0';
        char *s = line;
        while (isspace((unsigned char)*s))
                s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
                *--e = '\0';
        if (!*s)
                return 0;
        for (char *c = s; *c; c++)
                if (isspace((unsigned char)*c))
                        return pg_error_set_at(err, -EINVAL, name, lineno, (int)(c - line) + 1,
                                               "one capability per line; a comment starts "
                                               "with `#`");
        int cap;
        if (pg_cap_parse(s, &cap) < 0)
                return pg_error_set_at(err, -EINVAL, name, lineno, (int)(s - line) + 1,
                                       "unknown capability `%s`", s);
        *mask |= 1ull << cap;
        return 0;
}

int pg_caps_parse(const char *text, const char *name, uint64_t *ret_mask, struct pg_error **err)
{
        uint64_t mask = 0;
        int lineno = 0;
        const char *p = text;
        while (*p) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                char *line = strndup(p, len);
                if (!line)
                        return pg_error_set(err, -ENOMEM, "out of memory");
                int r = caps_line(line, name, ++lineno, &mask, err);
                free(line);
                if (r < 0)
                        return r;
                p += len + (nl ? 1 : 0);
        }
        *ret_mask = mask;
        return 0;
}

int pg_caps_read(const char *path, uint64_t *ret_mask, struct pg_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r = pg_file_read_all(path, &text, NULL, err);
        if (r < 0)
                return r;
        return pg_caps_parse(text, path, ret_mask, err);
}

char *pg_caps_format(uint64_t mask)
{
        char *out = strdup("");
        for (int c = 0; out && c < 64; c++) {
                if (!(mask & (1ull << c)))
                        continue;
                _cleanup_free_ char *name = pg_caps_name(c);
                char *joined = NULL;
                if (!name || asprintf(&joined, "%s%s%s", out, out[0] ? "," : "", name) < 0)
                        joined = NULL;
                free(out);
                out = joined;
        }
        return out;
}

void pg_caps_docker(uint64_t added, uid_t uid, struct pg_capsets *ret)
{
        /* Docker 20.10.14+ (CVE-2022-24769) leaves the inheritable set empty and never sets
         * ambient capabilities; runc puts the list in the bounding, permitted and effective sets
         * for every user. For a non-root user execve then clears permitted and effective (no
         * ambient, no file caps), which is what the container sees. */
        (void)uid;
        ret->bounding = added;
        ret->effective = added;
        ret->permitted = added;
        ret->inheritable = 0;
        ret->ambient = 0;
}
