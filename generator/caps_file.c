// SPDX-License-Identifier: MIT
/* The .caps writer. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/fileio.h"

char *pg_caps_name(int cap)
{
        char *n = cap_to_name((cap_value_t)cap);
        if (!n)
                return NULL;
        char *out = strdup(n);
        cap_free(n);
        for (char *p = out; p && *p; p++)
                *p = (char)toupper((unsigned char)*p);
        return out;
}

static int cmp_int(const void *a, const void *b)
{
        return *(const int *)a - *(const int *)b;
}

int pg_caps_needed(const struct pg_recording *rec, int **ret, size_t *ret_n)
{
        size_t n = pg_recording_n_caps(rec), k = 0;
        int *caps = calloc(n ? n : 1, sizeof(*caps));
        if (!caps)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                caps[k++] = pg_recording_cap(rec, i)->cap;
        qsort(caps, k, sizeof(*caps), cmp_int);
        size_t u = 0;
        for (size_t i = 0; i < k; i++)
                if (u == 0 || caps[u - 1] != caps[i])
                        caps[u++] = caps[i];
        *ret = caps;
        *ret_n = u;
        return 0;
}

/* The first evidence of `cap` in recording order: stable for the same recording. */
static const struct pg_cap_evidence *first_evidence(const struct pg_recording *rec, int cap)
{
        for (size_t i = 0; i < pg_recording_n_caps(rec); i++)
                if (pg_recording_cap(rec, i)->cap == cap)
                        return pg_recording_cap(rec, i);
        return NULL;
}

static void write_cap_line(FILE *f, const struct pg_recording *rec, int cap)
{
        _cleanup_free_ char *name = pg_caps_name(cap);
        const struct pg_cap_evidence *ev = first_evidence(rec, cap);
        const char *exe = ev ? pg_recording_exe(rec, ev->exe) : NULL;
        const char *sys = ev ? pg_arch_syscall_name(ev->arch, ev->slot) : NULL;
        fprintf(f, "%s", name ? name : "CAP_?");
        if (ev)
                fprintf(f, "  # %s%s%s%s%s", ev->detail ? ev->detail : (sys ? sys : "?"),
                        exe ? " by " : "", exe ? exe : "", ev->note ? "; " : "",
                        ev->note ? ev->note : "");
        fputc('\n', f);
}

int pg_caps_to_string(const struct pg_recording *rec, char **ret, struct pg_error **err)
{
        _cleanup_free_ int *caps = NULL;
        size_t n = 0, len = 0;
        char *buf = NULL;
        if (pg_caps_needed(rec, &caps, &n) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return pg_error_set(err, -ENOMEM, "out of memory");
        fputs("# Capabilities this workload needs, for --cap-drop ALL --cap-add ... (profgen).\n"
              "# One per line with its first evidence. Assumes the kernel's default sysctls\n"
              "# (net.ipv4.ip_unprivileged_port_start=1024, net.ipv4.ping_group_range=\"1 0\").\n",
              f);
        if (n == 0)
                fputs("# none: run with --cap-drop ALL and add nothing\n", f);
        for (size_t i = 0; i < n; i++)
                write_cap_line(f, rec, caps[i]);
        if (fclose(f) != 0) {
                free(buf);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        *ret = buf;
        return 0;
}

int pg_caps_write(const struct pg_recording *rec, const char *path, struct pg_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r = pg_caps_to_string(rec, &text, err);
        if (r < 0)
                return r;
        return pg_file_write_atomic(path, text, strlen(text), err);
}
