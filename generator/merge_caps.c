// SPDX-License-Identifier: MIT
/* Capability lists with their evidence comments: what diff shows and merge unites. The grammar of
 * a .caps file belongs to pg_caps_parse (enforce/caps.c); this file only keeps the comment that
 * follows each capability, and writes a merged list with those comments verbatim. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/enforce.h"
#include "profgen/fileio.h"
#include "profgen/merge.h"

void pg_caps_list_clear(struct pg_caps_list *l)
{
        for (int c = 0; c < 64; c++)
                free(l->comment[c]);
        memset(l, 0, sizeof(*l));
}

/* The comment of one line, trimmed; NULL when there is none. */
static char *line_comment(const char *line, size_t len)
{
        const char *hash = memchr(line, '#', len);
        if (!hash)
                return NULL;
        const char *s = hash + 1, *e = line + len;
        while (s < e && isspace((unsigned char)*s))
                s++;
        while (e > s && isspace((unsigned char)e[-1]))
                e--;
        return e > s ? strndup(s, (size_t)(e - s)) : NULL;
}

/* The capability of one line (validated already), and its comment. */
static int caps_line(const char *line, size_t len, const char *name, struct pg_caps_list *l)
{
        _cleanup_free_ char *copy = strndup(line, len);
        uint64_t mask = 0;
        if (!copy)
                return -ENOMEM;
        int r = pg_caps_parse(copy, name, &mask, NULL);
        if (r < 0 || mask == 0)
                return r;
        int cap = __builtin_ctzll(mask);
        if (l->comment[cap])
                return 0; /* the first line of a capability listed twice */
        l->comment[cap] = line_comment(line, len);
        return 0;
}

int pg_caps_list_parse(const char *text, const char *name, struct pg_caps_list *ret,
                       struct pg_error **err)
{
        struct pg_caps_list l = {0};
        int r = pg_caps_parse(text, name, &l.mask, err);
        for (const char *p = text; r == 0 && *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                r = caps_line(p, len, name, &l);
                p += len + (nl ? 1 : 0);
        }
        if (r < 0) {
                pg_caps_list_clear(&l);
                return r == -ENOMEM ? pg_error_set(err, r, "out of memory") : r;
        }
        *ret = l;
        return 0;
}

int pg_caps_list_read(const char *path, struct pg_caps_list *ret, struct pg_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r = pg_file_read_all(path, &text, NULL, err);
        if (r < 0)
                return r;
        return pg_caps_list_parse(text, path, ret, err);
}

int pg_caps_list_merge(struct pg_caps_list *dst, const struct pg_caps_list *src)
{
        for (int c = 0; c < 64; c++) {
                const char *s = src->comment[c];
                if (!s || (dst->comment[c] && strcmp(dst->comment[c], s) <= 0))
                        continue;
                char *copy = strdup(s);
                if (!copy)
                        return -ENOMEM;
                free(dst->comment[c]);
                dst->comment[c] = copy;
        }
        dst->mask |= src->mask;
        return 0;
}

/* Comments are kept verbatim, so a merged file merges again to the same bytes. */
int pg_caps_list_to_string(const struct pg_caps_list *l, char **ret, struct pg_error **err)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return pg_error_set(err, -ENOMEM, "out of memory");
        fputs("# Capabilities these workloads need, for --cap-drop ALL --cap-add ... (profgen "
              "merge:\n"
              "# the union of several .caps files, each line with its evidence).\n",
              f);
        if (l->mask == 0)
                fputs("# none: run with --cap-drop ALL and add nothing\n", f);
        for (int c = 0; c < 64; c++) {
                if (!(l->mask & (1ull << c)))
                        continue;
                _cleanup_free_ char *name = pg_caps_name(c);
                fprintf(f, "%s", name ? name : "CAP_?");
                if (l->comment[c])
                        fprintf(f, "  # %s", l->comment[c]);
                fputc('\n', f);
        }
        if (fclose(f) != 0) {
                free(buf);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        *ret = buf;
        return 0;
}
