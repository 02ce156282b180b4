// SPDX-License-Identifier: MIT
/* The union of profiles. Every part of the result is a join that ignores order and repetition
 * (set unions, and "the one value all inputs that have one agree on"), which is what makes merge
 * associative, commutative and idempotent; anything that would need a choice is a conflict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/arch.h"
#include "profgen/cleanup.h"
#include "profgen/merge.h"

int pg_scmp_arch_cmp(const char *a, const char *b)
{
        unsigned ia = (unsigned)pg_arch_from_name(a), ib = (unsigned)pg_arch_from_name(b);
        if (ia != ib)
                return ia < ib ? -1 : 1;
        return strcmp(a, b);
}

static int cmp_arch(const void *x, const void *y)
{
        return pg_scmp_arch_cmp(*(char *const *)x, *(char *const *)y);
}

/* Adds the strings of v to *out (a NULL-terminated vector) that it lacks. */
static int strv_union(char ***out, char *const *v)
{
        for (; v && *v; v++) {
                size_t n = 0;
                bool have = false;
                for (; *out && (*out)[n]; n++)
                        have = have || strcmp((*out)[n], *v) == 0;
                if (have)
                        continue;
                char **nv = realloc(*out, (n + 2) * sizeof(*nv));
                if (!nv)
                        return -ENOMEM;
                *out = nv;
                nv[n + 1] = NULL;
                if (!(nv[n] = strdup(*v)))
                        return -ENOMEM;
        }
        return 0;
}

static void strv_sort(char **v, int (*cmp)(const void *, const void *))
{
        size_t n = 0;
        while (v && v[n])
                n++;
        if (n > 1)
                qsort(v, n, sizeof(*v), cmp);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct pg_arch_map *arch_map_entry(struct pg_profile *p, const char *arch)
{
        for (size_t i = 0; i < p->n_arch_map; i++)
                if (strcmp(p->arch_map[i].arch, arch) == 0)
                        return &p->arch_map[i];
        struct pg_arch_map *nm = realloc(p->arch_map, (p->n_arch_map + 1) * sizeof(*nm));
        if (!nm)
                return NULL;
        p->arch_map = nm;
        struct pg_arch_map *m = &nm[p->n_arch_map];
        memset(m, 0, sizeof(*m));
        if (!(m->arch = strdup(arch)))
                return NULL;
        p->n_arch_map++;
        return m;
}

static int cmp_arch_map(const void *x, const void *y)
{
        const struct pg_arch_map *a = x, *b = y;
        return cmp_arch(&a->arch, &b->arch);
}

static int unite_arches(struct pg_profile *out, const struct pg_profile *in)
{
        if (strv_union(&out->arches, in->arches) < 0 || strv_union(&out->flags, in->flags) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < in->n_arch_map; i++) {
                struct pg_arch_map *m = arch_map_entry(out, in->arch_map[i].arch);
                if (!m || strv_union(&m->sub_arches, in->arch_map[i].sub_arches) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Docker refuses a profile with both `architectures` and `archMap`. An archMap entry applies on
 * its host architecture only; when inputs mix the two forms, the union that covers every host is
 * the flat list of all architectures and sub-architectures (the set diff compares, too). */
static int flatten_arch_map(struct pg_profile *out)
{
        if (!out->arches || out->n_arch_map == 0)
                return 0;
        for (size_t i = 0; i < out->n_arch_map; i++) {
                char *const one[] = {out->arch_map[i].arch, NULL};
                if (strv_union(&out->arches, one) < 0 ||
                    strv_union(&out->arches, out->arch_map[i].sub_arches) < 0)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < out->n_arch_map; i++) {
                free(out->arch_map[i].arch);
                pg_strv_free(out->arch_map[i].sub_arches);
        }
        free(out->arch_map);
        out->arch_map = NULL;
        out->n_arch_map = 0;
        return 0;
}

static void sort_header(struct pg_profile *out)
{
        strv_sort(out->arches, cmp_arch);
        strv_sort(out->flags, cmp_str);
        for (size_t i = 0; i < out->n_arch_map; i++)
                strv_sort(out->arch_map[i].sub_arches, cmp_arch);
        if (out->n_arch_map > 1)
                qsort(out->arch_map, out->n_arch_map, sizeof(*out->arch_map), cmp_arch_map);
}

/* Defaults and listenerPath: every input must agree (a missing listenerPath agrees with any). */
static int merge_scalars(struct pg_profile *out, const struct pg_profile *const *in,
                         const char *const *labels, size_t n, struct pg_error **err)
{
        out->default_action = in[0]->default_action;
        out->default_errno = pg_errno_effective(in[0]->default_action, in[0]->default_errno);
        size_t lp = n;
        for (size_t i = 0; i < n; i++) {
                const struct pg_profile *p = in[i];
                if (p->default_action != out->default_action ||
                    pg_errno_effective(p->default_action, p->default_errno) != out->default_errno) {
                        _cleanup_free_ char *a = pg_action_text(in[0]->default_action,
                                                                in[0]->default_errno),
                                            *b =
                                                pg_action_text(p->default_action, p->default_errno);
                        return pg_error_set(err, -EEXIST,
                                            "conflicting default actions: `%s` has %s, `%s` "
                                            "has %s",
                                            labels[0], a ? a : "?", labels[i], b ? b : "?");
                }
                if (!p->listener_path)
                        continue;
                if (lp < n && strcmp(in[lp]->listener_path, p->listener_path) != 0)
                        return pg_error_set(err, -EEXIST,
                                            "conflicting listenerPath: `%s` has `%s`, `%s` has "
                                            "`%s`",
                                            labels[lp], in[lp]->listener_path, labels[i],
                                            p->listener_path);
                lp = i;
        }
        if (lp < n && !(out->listener_path = strdup(in[lp]->listener_path)))
                return pg_error_set(err, -ENOMEM, "out of memory");
        return 0;
}

static int conflict(const struct pg_atom *a, const struct pg_atom *b, const char *const *labels,
                    struct pg_error **err)
{
        _cleanup_free_ char *da = NULL, *db = NULL;
        if (pg_atom_describe(a, &da) < 0 || pg_atom_describe(b, &db) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        /* Sorted by outcome, so the message is the same whichever order the inputs came in. */
        return pg_error_set(err, -EEXIST,
                            "conflicting rules for `%s`: `%s` has %s, `%s` has %s; "
                            "merge cannot choose between them",
                            a->name, labels[a->source], da, labels[b->source], db);
}

int pg_profile_merge(const struct pg_profile *const *in, const char *const *labels, size_t n,
                     struct pg_profile **ret, struct pg_error **err)
{
        _cleanup_profile_ struct pg_profile *out = NULL;
        struct pg_atom_set atoms = {0};
        const struct pg_atom *a = NULL, *b = NULL;
        if (n == 0)
                return pg_error_set(err, -EINVAL, "nothing to merge");
        if (pg_profile_new(&out) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        int r = merge_scalars(out, in, labels, n, err);
        for (size_t i = 0; r == 0 && i < n; i++) {
                r = unite_arches(out, in[i]);
                if (r == 0)
                        r = pg_atom_set_add_profile(&atoms, in[i], i);
        }
        if (r == 0)
                r = flatten_arch_map(out);
        if (r == 0)
                r = pg_atom_set_normalise(&atoms, out->default_action, out->default_errno, &a, &b);
        if (r == -EEXIST && a && b)
                r = conflict(a, b, labels, err);
        if (r == 0)
                r = pg_atom_set_to_rules(&atoms, out);
        pg_atom_set_clear(&atoms);
        if (r < 0)
                return r == -ENOMEM ? pg_error_set(err, r, "out of memory") : r;
        sort_header(out);
        *ret = TAKE_PTR(out);
        return 0;
}
