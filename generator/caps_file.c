// SPDX-License-Identifier: MIT
/* The .caps writer and the docker/Kubernetes/Compose forms of the list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cap_names.h"
#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/fileio.h"

char *pg_caps_name(int cap)
{
        char buf[48];
        pg_cap_name(cap, buf, sizeof(buf));
        return strdup(buf);
}

static int cmp_cap_name(const void *a, const void *b)
{
        char x[48], y[48];
        pg_cap_name(*(const int *)a, x, sizeof(x));
        pg_cap_name(*(const int *)b, y, sizeof(y));
        return strcmp(x, y);
}

void pg_caps_sort(int *caps, size_t n)
{
        qsort(caps, n, sizeof(*caps), cmp_cap_name);
}

int pg_caps_needed(const struct pg_recording *rec, int **ret, size_t *ret_n)
{
        uint64_t seen = 0;
        size_t k = 0;
        for (size_t i = 0; i < pg_recording_n_caps(rec); i++) {
                int cap = pg_recording_cap(rec, i)->cap;
                if (cap >= 0 && cap < 64)
                        seen |= 1ull << cap;
        }
        int *caps = calloc(64, sizeof(*caps));
        if (!caps)
                return -ENOMEM;
        for (int c = 0; c < 64; c++)
                if ((seen >> c) & 1u)
                        caps[k++] = c;
        pg_caps_sort(caps, k);
        *ret = caps;
        *ret_n = k;
        return 0;
}

/* The evidence shown for `cap`: the first one a rule gave (it says why), else the kernel's first;
 * in recording order, so the same recording gives the same line. */
static const struct pg_cap_evidence *shown_evidence(const struct pg_recording *rec, int cap,
                                                    unsigned *ret_sources)
{
        const struct pg_cap_evidence *first = NULL, *inferred = NULL;
        *ret_sources = 0;
        for (size_t i = 0; i < pg_recording_n_caps(rec); i++) {
                const struct pg_cap_evidence *ev = pg_recording_cap(rec, i);
                if (ev->cap != cap)
                        continue;
                *ret_sources |= 1u << ev->source;
                if (!first)
                        first = ev;
                if (!inferred && ev->source == PG_CAP_SOURCE_INFERENCE)
                        inferred = ev;
        }
        return inferred ? inferred : first;
}

static void write_cap_line(FILE *f, const struct pg_recording *rec, int cap)
{
        char name[48];
        unsigned src;
        const struct pg_cap_evidence *ev = shown_evidence(rec, cap, &src);
        const char *exe = ev ? pg_recording_exe(rec, ev->exe) : NULL;
        const char *sys = ev ? pg_arch_syscall_name(ev->arch, ev->slot) : NULL;
        static const char *const sources[] = {"", "inference", "kernel", "inference, kernel"};
        pg_cap_name(cap, name, sizeof(name));
        fprintf(f, "%s  # [%s]", name, sources[src & 3]);
        if (ev)
                fprintf(f, " %s%s%s%s%s", ev->detail ? ev->detail : (sys ? sys : "?"),
                        exe ? " by " : "", exe ? exe : "", ev->note ? "; " : "",
                        ev->note ? ev->note : "");
        fputc('\n', f);
}

static const char *fact_detail(const struct pg_recording *rec, const char *key)
{
        for (size_t i = 0; i < pg_recording_n_facts(rec); i++)
                if (strcmp(pg_recording_fact(rec, i)->key, key) == 0)
                        return pg_recording_fact(rec, i)->detail;
        return NULL;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Advice that is not a capability, sorted and unique. */
static void write_notes(FILE *f, const struct pg_recording *rec)
{
        size_t n = 0;
        _cleanup_free_ const char **notes = calloc(pg_recording_n_facts(rec) + 1, sizeof(*notes));
        for (size_t i = 0; notes && i < pg_recording_n_facts(rec); i++) {
                const struct pg_fact *fa = pg_recording_fact(rec, i);
                if (strncmp(fa->key, PG_FACT_CAP_NOTE, strlen(PG_FACT_CAP_NOTE)) == 0 && fa->detail)
                        notes[n++] = fa->detail;
        }
        qsort(notes, n, sizeof(*notes), cmp_str);
        for (size_t i = 0; i < n; i++)
                if (i == 0 || strcmp(notes[i], notes[i - 1]) != 0)
                        fprintf(f, "# note: %s\n", notes[i]);
}

static void write_header(FILE *f, const struct pg_recording *rec)
{
        const char *sources = fact_detail(rec, PG_FACT_CAP_SOURCES);
        fprintf(
            f,
            "# Capabilities this workload needs: run it with --cap-drop ALL and add these\n"
            "# (profgen). Each with the sources that saw it and its first evidence; sources\n"
            "# used: %s. Assumes the kernel's default sysctls\n"
            "# (net.ipv4.ip_unprivileged_port_start=1024, net.ipv4.ping_group_range=\"1 0\").\n",
            sources ? sources : "unknown");
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
        write_header(f, rec);
        if (n == 0)
                fputs("# none: run with --cap-drop ALL and add nothing\n", f);
        for (size_t i = 0; i < n; i++)
                write_cap_line(f, rec, caps[i]);
        write_notes(f, rec);
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

/* ---- docker, Kubernetes, Compose ---- */

int pg_caps_style_parse(const char *s, enum pg_caps_style *ret)
{
        if (strcmp(s, "docker") == 0)
                *ret = PG_CAPS_STYLE_DOCKER;
        else if (strcmp(s, "k8s") == 0 || strcmp(s, "kubernetes") == 0)
                *ret = PG_CAPS_STYLE_K8S;
        else if (strcmp(s, "compose") == 0)
                *ret = PG_CAPS_STYLE_COMPOSE;
        else
                return -EINVAL;
        return 0;
}

/* "NET_BIND_SERVICE": the name without CAP_ */
static const char *bare(int cap, char *buf, size_t len)
{
        pg_cap_name(cap, buf, len);
        return strncmp(buf, "CAP_", 4) == 0 ? buf + 4 : buf;
}

static void snippet_k8s(FILE *f, const int *caps, size_t n)
{
        char b[48];
        bool beyond = false;
        fputs("securityContext:\n  capabilities:\n    drop: [\"ALL\"]\n", f);
        if (n)
                fputs("    add: [", f);
        for (size_t i = 0; i < n; i++) {
                const char *name = bare(caps[i], b, sizeof(b));
                beyond |= strcmp(name, "NET_BIND_SERVICE") != 0;
                fprintf(f, "%s\"%s\"", i ? ", " : "", name);
        }
        if (n)
                fputs("]\n", f);
        if (beyond)
                fputs("# the \"restricted\" Pod Security Standard allows adding only "
                      "NET_BIND_SERVICE\n",
                      f);
}

int pg_caps_snippet(const int *caps, size_t n, enum pg_caps_style style, char **ret)
{
        char *buf = NULL, b[48];
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        switch (style) {
        case PG_CAPS_STYLE_DOCKER:
                fputs("--cap-drop ALL", f);
                for (size_t i = 0; i < n; i++)
                        fprintf(f, " --cap-add %s", bare(caps[i], b, sizeof(b)));
                fputc('\n', f);
                break;
        case PG_CAPS_STYLE_K8S:
                snippet_k8s(f, caps, n);
                break;
        case PG_CAPS_STYLE_COMPOSE:
                fputs("cap_drop:\n  - ALL\n", f);
                if (n)
                        fputs("cap_add:\n", f);
                for (size_t i = 0; i < n; i++)
                        fprintf(f, "  - %s\n", bare(caps[i], b, sizeof(b)));
                break;
        }
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
