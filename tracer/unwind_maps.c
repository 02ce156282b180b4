// SPDX-License-Identifier: MIT
/* /proc/PID/maps as data: which module an address is in, and its offset there. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/fileio.h"
#include "unwind_internal.h"

struct pg_maps {
        struct pg_map *maps; /* sorted by start, as the kernel lists them */
        size_t n, cap;
        char **paths; /* unique path strings the maps point to */
        size_t n_paths;
};

void pg_maps_free(struct pg_maps *m)
{
        if (!m)
                return;
        for (size_t i = 0; i < m->n_paths; i++)
                free(m->paths[i]);
        free(m->paths);
        free(m->maps);
        free(m);
}

const char *pg_unwind_intern(char ***pool, size_t *n, const char *s)
{
        /* From the end: the string asked for is most often the one added last (a library is
         * mapped four or five times in a row under the same name). */
        for (size_t i = *n; i-- > 0;)
                if (strcmp((*pool)[i], s) == 0)
                        return (*pool)[i];
        char **np = realloc(*pool, (*n + 1) * sizeof(*np));
        if (!np)
                return NULL;
        *pool = np;
        if (!(np[*n] = strdup(s)))
                return NULL;
        return np[(*n)++];
}

static int add_line(struct pg_maps *m, const char *line)
{
        uint64_t start, end, pgoff;
        int name_at = 0;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n", &start, &end, &pgoff,
                   &name_at) != 3 ||
            name_at == 0 || line[name_at] == '\0')
                return 0; /* anonymous memory: no module to name */
        if (m->n == m->cap) {
                size_t nc = m->cap ? m->cap * 2 : 64;
                struct pg_map *nm = realloc(m->maps, nc * sizeof(*nm));
                if (!nm)
                        return -ENOMEM;
                m->maps = nm;
                m->cap = nc;
        }
        const char *path = pg_unwind_intern(&m->paths, &m->n_paths, line + name_at);
        if (!path)
                return -ENOMEM;
        m->maps[m->n++] = (struct pg_map){.start = start, .end = end, .pgoff = pgoff, .path = path};
        return 0;
}

/* A module's bias is where its file offset 0 is mapped: right for shared objects and PIE
 * executables (their first PT_LOAD has vaddr 0); pg_maps_set_bias corrects fixed-address ones. */
static void compute_biases(struct pg_maps *m)
{
        for (size_t i = 0; i < m->n; i++) {
                struct pg_map *mp = &m->maps[i];
                mp->bias = mp->start - mp->pgoff;
                for (size_t j = 0; j < m->n; j++)
                        if (m->maps[j].path == mp->path && m->maps[j].pgoff == 0) {
                                mp->bias = m->maps[j].start;
                                break;
                        }
        }
}

int pg_maps_parse(const char *text, struct pg_maps **ret)
{
        struct pg_maps *m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        for (const char *p = text; p && *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                _cleanup_free_ char *line = strndup(p, len);
                if (!line || add_line(m, line) < 0) {
                        pg_maps_free(m);
                        return -ENOMEM;
                }
                p = nl ? nl + 1 : NULL;
        }
        compute_biases(m);
        *ret = m;
        return 0;
}

int pg_maps_read(pid_t pid, struct pg_maps **ret)
{
        char path[64];
        _cleanup_free_ char *text = NULL;
        size_t len;
        snprintf(path, sizeof(path), "/proc/%d/maps", pid);
        int r = pg_file_read_all(path, &text, &len, NULL);
        if (r < 0)
                return r;
        return pg_maps_parse(text, ret);
}

const struct pg_map *pg_maps_find(const struct pg_maps *m, uint64_t addr)
{
        size_t lo = 0, hi = m->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (addr < m->maps[mid].start)
                        hi = mid;
                else if (addr >= m->maps[mid].end)
                        lo = mid + 1;
                else
                        return &m->maps[mid];
        }
        return NULL;
}

size_t pg_maps_count(const struct pg_maps *m)
{
        return m->n;
}

const struct pg_map *pg_maps_at(const struct pg_maps *m, size_t i)
{
        return i < m->n ? &m->maps[i] : NULL;
}

void pg_maps_set_bias(struct pg_maps *m, const char *path, uint64_t bias)
{
        for (size_t i = 0; i < m->n; i++)
                if (strcmp(m->maps[i].path, path) == 0)
                        m->maps[i].bias = bias;
}
