// SPDX-License-Identifier: MIT
/* Semantic drift between two profiles: for each architecture either filter covers, the atoms each
 * syscall name gets there (rules whose includes/excludes arches admit it, names libseccomp knows
 * on it), compared after normalisation. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/diff.h"
#include "profgen/enforce.h"

struct entries {
        struct pg_diff *d;
        size_t cap;
};

static struct pg_diff_entry *entry_push(struct entries *e, enum pg_diff_subject subject,
                                        enum pg_diff_change change)
{
        struct pg_diff *d = e->d;
        if (d->n == e->cap) {
                size_t nc = e->cap ? e->cap * 2 : 32;
                struct pg_diff_entry *nv = realloc(d->v, nc * sizeof(*nv));
                if (!nv)
                        return NULL;
                d->v = nv;
                e->cap = nc;
        }
        struct pg_diff_entry *en = &d->v[d->n++];
        memset(en, 0, sizeof(*en));
        en->subject = subject;
        en->change = change;
        en->arch = PG_ARCH_INVALID;
        return en;
}

/* Adds an entry; values are copied, NULL stays NULL. */
static int add_entry(struct entries *e, enum pg_diff_subject subject, enum pg_diff_change change,
                     const char *arch, const char *name, const char *old_v, const char *new_v)
{
        struct pg_diff_entry *en = entry_push(e, subject, change);
        if (!en)
                return -ENOMEM;
        if (arch) {
                en->arch = pg_arch_from_name(arch);
                en->arch_name =
                    strdup(en->arch != PG_ARCH_INVALID ? pg_arch_info(en->arch)->name : arch);
        }
        if ((arch && !en->arch_name) || (name && !(en->name = strdup(name))) ||
            (old_v && !(en->old_value = strdup(old_v))) ||
            (new_v && !(en->new_value = strdup(new_v))))
                return -ENOMEM;
        return 0;
}

/* The architectures a profile's filter covers: architectures, and archMap with sub-architectures
 * (Docker picks the archMap entry of the host; any host is possible here). */
static int profile_arches(const struct pg_profile *p, char ***ret)
{
        _cleanup_strv_ char **v = NULL;
        size_t n = 0;
        for (char **a = p->arches; a && *a; a++)
                n++;
        for (size_t i = 0; i < p->n_arch_map; i++)
                for (char **s = p->arch_map[i].sub_arches; s && *s; s++)
                        n++;
        v = calloc(n + p->n_arch_map + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        n = 0;
        for (char **a = p->arches; a && *a; a++)
                v[n++] = *a;
        for (size_t i = 0; i < p->n_arch_map; i++) {
                v[n++] = p->arch_map[i].arch;
                for (char **s = p->arch_map[i].sub_arches; s && *s; s++)
                        v[n++] = *s;
        }
        for (size_t i = 0; i < n; i++)
                if (!(v[i] = strdup(v[i]))) {
                        while (++i < n)
                                v[i] = NULL;
                        return -ENOMEM;
                }
        *ret = TAKE_PTR(v);
        return 0;
}

static bool strv_has(char *const *v, const char *s)
{
        for (; v && *v; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

/* libseccomp's pseudo numbers: those of the socketcall/ipc calls an architecture multiplexes
 * (socket on i386: -101) lie above this; those of syscalls an architecture lacks lie below. */
#define PNR_ABSENT_BASE (-10000)

/* Whether libseccomp can put `name` into a filter for `arch`. */
static bool name_on_arch(enum pg_arch arch, const char *name)
{
        int nr = seccomp_syscall_resolve_name_arch(pg_arch_info(arch)->scmp_arch, name);
        return nr >= 0 || (nr != __NR_SCMP_ERROR && nr > PNR_ABSENT_BASE);
}

/* Whether atom a is part of the filter for architecture `arch` (SCMP_ARCH_ name). */
static bool atom_on_arch(const struct pg_atom *a, const char *arch)
{
        enum pg_arch pa = pg_arch_from_name(arch);
        /* Docker's own rule selection (enforce/seccomp.c) decides includes/excludes arches; caps
         * and minKernel stay conditions of the atom, compared as such. */
        struct pg_rule only_arches = {
            .includes = {.arches = a->in.arches},
            .excludes = {.arches = a->ex.arches},
        };
        struct pg_seccomp_env env;
        bool applies = true;
        pg_seccomp_env_init(&env);
        env.native = pa;
        if (pg_seccomp_rule_applies(&only_arches, &env, &applies, NULL) < 0 || !applies)
                return false;
        if (pa != PG_ARCH_INVALID && name_on_arch(pa, a->name))
                return true;
        /* A name libseccomp knows nowhere (newer than it) stays visible on every architecture;
         * one it knows elsewhere does not exist here, and runc skips it. */
        return pa == PG_ARCH_INVALID || seccomp_syscall_resolve_name(a->name) == __NR_SCMP_ERROR;
}

/* One profile, ready to compare. */
struct side {
        const struct pg_profile *p;
        struct pg_atom_set atoms;
        char **arches;
        const struct pg_atom **on; /* scratch: the atoms on the architecture being compared */
        size_t n_on;
};

static int side_init(struct side *s, const struct pg_profile *p)
{
        memset(s, 0, sizeof(*s));
        s->p = p;
        int r = pg_atom_set_add_profile(&s->atoms, p, 0);
        if (r == 0)
                r = pg_atom_set_normalise(&s->atoms, p->default_action, p->default_errno, NULL,
                                          NULL);
        if (r == -EEXIST) /* contradictory rules are compared as they are */
                r = 0;
        if (r == 0)
                r = profile_arches(p, &s->arches);
        if (r == 0 && !(s->on = calloc(s->atoms.n ? s->atoms.n : 1, sizeof(*s->on))))
                r = -ENOMEM;
        return r;
}

static void side_clear(struct side *s)
{
        pg_atom_set_clear(&s->atoms);
        pg_strv_free(s->arches);
        free(s->on);
}

static void side_select(struct side *s, const char *arch)
{
        s->n_on = 0;
        if (!strv_has(s->arches, arch))
                return;
        for (size_t i = 0; i < s->atoms.n; i++)
                if (atom_on_arch(&s->atoms.v[i], arch))
                        s->on[s->n_on++] = &s->atoms.v[i];
}

/* "SCMP_ACT_ALLOW; SCMP_ACT_ERRNO(EPERM) if arg0 == 2": what a name gets; NULL for none. */
static int describe_run(const struct pg_atom *const *run, size_t n, char **ret)
{
        char *buf = NULL;
        size_t len = 0;
        *ret = NULL;
        if (n == 0)
                return 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        int r = 0;
        for (size_t i = 0; r == 0 && i < n; i++) {
                _cleanup_free_ char *d = NULL;
                r = pg_atom_describe(run[i], &d);
                if (r == 0)
                        fprintf(f, "%s%s", i ? "; " : "", d);
        }
        if (fclose(f) != 0 || r < 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

static size_t run_end(const struct side *s, size_t i)
{
        size_t j = i + 1;
        while (j < s->n_on && strcmp(s->on[j]->name, s->on[i]->name) == 0)
                j++;
        return j;
}

static bool runs_equal(const struct pg_atom *const *a, size_t na, const struct pg_atom *const *b,
                       size_t nb)
{
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (pg_atom_cmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static int compare_name(struct entries *e, const char *arch, const struct pg_atom *const *o,
                        size_t no, const struct pg_atom *const *n, size_t nn)
{
        if (runs_equal(o, no, n, nn))
                return 0;
        _cleanup_free_ char *ov = NULL, *nv = NULL;
        if (describe_run(o, no, &ov) < 0 || describe_run(n, nn, &nv) < 0)
                return -ENOMEM;
        enum pg_diff_change c = no == 0   ? PG_DIFF_ADDED
                                : nn == 0 ? PG_DIFF_REMOVED
                                          : PG_DIFF_CHANGED;
        return add_entry(e, PG_DIFF_SYSCALL, c, arch, (no ? o : n)[0]->name, ov, nv);
}

/* Walks both sides' atoms on one architecture in name order. */
static int compare_arch(struct entries *e, const char *arch, struct side *o, struct side *n)
{
        side_select(o, arch);
        side_select(n, arch);
        size_t i = 0, j = 0;
        while (i < o->n_on || j < n->n_on) {
                int c = i == o->n_on   ? 1
                        : j == n->n_on ? -1
                                       : strcmp(o->on[i]->name, n->on[j]->name);
                size_t ie = c <= 0 ? run_end(o, i) : i, je = c >= 0 ? run_end(n, j) : j;
                int r = compare_name(e, arch, o->on + i, ie - i, n->on + j, je - j);
                if (r < 0)
                        return r;
                i = ie;
                j = je;
        }
        return 0;
}

/* A set of strings (flags) on both sides: each one only on one side is an entry. */
static int compare_set(struct entries *e, const char *what, char *const *o, char *const *n)
{
        for (char *const *s = o; s && *s; s++)
                if (!strv_has(n, *s) &&
                    add_entry(e, PG_DIFF_SETTING, PG_DIFF_REMOVED, NULL, what, *s, NULL) < 0)
                        return -ENOMEM;
        for (char *const *s = n; s && *s; s++)
                if (!strv_has(o, *s) &&
                    add_entry(e, PG_DIFF_SETTING, PG_DIFF_ADDED, NULL, what, NULL, *s) < 0)
                        return -ENOMEM;
        return 0;
}

static int compare_settings(struct entries *e, const struct pg_profile *o,
                            const struct pg_profile *n)
{
        _cleanup_free_ char *od = pg_action_text(o->default_action, o->default_errno);
        _cleanup_free_ char *nd = pg_action_text(n->default_action, n->default_errno);
        if (!od || !nd)
                return -ENOMEM;
        if (strcmp(od, nd) != 0 &&
            add_entry(e, PG_DIFF_SETTING, PG_DIFF_CHANGED, NULL, "defaultAction", od, nd) < 0)
                return -ENOMEM;
        const char *ol = o->listener_path, *nl = n->listener_path;
        if ((ol || nl) && (!ol || !nl || strcmp(ol, nl) != 0) &&
            add_entry(e, PG_DIFF_SETTING,
                      !ol   ? PG_DIFF_ADDED
                      : !nl ? PG_DIFF_REMOVED
                            : PG_DIFF_CHANGED,
                      NULL, "listenerPath", ol, nl) < 0)
                return -ENOMEM;
        return compare_set(e, "flags", o->flags, n->flags);
}

static int cmp_arch_p(const void *x, const void *y)
{
        return pg_scmp_arch_cmp(*(char *const *)x, *(char *const *)y);
}

/* Both sides' architectures, each once, in profgen's order (borrowed strings). */
static int arch_union(const struct side *o, const struct side *n, const char ***ret, size_t *ret_n)
{
        size_t cap = 1, k = 0;
        for (char **a = o->arches; a && *a; a++)
                cap++;
        for (char **a = n->arches; a && *a; a++)
                cap++;
        const char **v = calloc(cap, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (char **a = o->arches; a && *a; a++)
                v[k++] = *a;
        for (char **a = n->arches; a && *a; a++)
                v[k++] = *a;
        qsort(v, k, sizeof(*v), cmp_arch_p);
        size_t u = 0;
        for (size_t i = 0; i < k; i++)
                if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
                        v[u++] = v[i];
        *ret = v;
        *ret_n = u;
        return 0;
}

/* An architecture only one side covers is one entry (how many names it allows there), not a
 * line per syscall: the whole set is new or gone, and a screenful of it would hide the rest. */
static int arch_only_on_one_side(struct entries *e, const char *arch, struct side *s, bool added)
{
        _cleanup_free_ char *count = NULL;
        side_select(s, arch);
        if (asprintf(&count, "%zu syscall%s", s->n_on, s->n_on == 1 ? "" : "s") < 0)
                return -ENOMEM;
        return add_entry(e, PG_DIFF_ARCH, added ? PG_DIFF_ADDED : PG_DIFF_REMOVED, arch, NULL,
                         added ? NULL : count, added ? count : NULL);
}

static int compare_arches(struct entries *e, struct side *o, struct side *n)
{
        _cleanup_free_ const char **arches = NULL;
        size_t na = 0;
        int r = arch_union(o, n, &arches, &na);
        for (size_t i = 0; r == 0 && i < na; i++) {
                bool in_o = strv_has(o->arches, arches[i]), in_n = strv_has(n->arches, arches[i]);
                if (in_o && in_n)
                        r = compare_arch(e, arches[i], o, n);
                else
                        r = arch_only_on_one_side(e, arches[i], in_o ? o : n, in_n);
        }
        return r;
}

static int cmp_entry_arch(const struct pg_diff_entry *a, const struct pg_diff_entry *b)
{
        if (!a->arch_name || !b->arch_name)
                return 0;
        if (a->arch != b->arch)
                return (unsigned)a->arch < (unsigned)b->arch ? -1 : 1;
        return strcmp(a->arch_name, b->arch_name);
}

static int cmp_entry(const void *x, const void *y)
{
        const struct pg_diff_entry *a = x, *b = y;
        if (a->subject != b->subject)
                return a->subject < b->subject ? -1 : 1;
        int c = cmp_entry_arch(a, b);
        if (c)
                return c;
        if (a->change != b->change)
                return a->change < b->change ? -1 : 1;
        if (a->name && b->name)
                return strcmp(a->name, b->name);
        return (a->name != NULL) - (b->name != NULL);
}

static void diff_sort(struct pg_diff *d)
{
        if (d->n > 1)
                qsort(d->v, d->n, sizeof(*d->v), cmp_entry);
}

int pg_diff_profiles(const struct pg_profile *old_p, const struct pg_profile *new_p,
                     struct pg_diff **ret, struct pg_error **err)
{
        _cleanup_diff_ struct pg_diff *d = calloc(1, sizeof(*d));
        struct entries e = {d, 0};
        struct side o, n;
        if (!d)
                return pg_error_set(err, -ENOMEM, "out of memory");
        int r = side_init(&o, old_p);
        int r2 = side_init(&n, new_p);
        if (r == 0)
                r = r2;
        if (r == 0)
                r = compare_settings(&e, old_p, new_p);
        if (r == 0)
                r = compare_arches(&e, &o, &n);
        side_clear(&o);
        side_clear(&n);
        if (r < 0)
                return pg_error_set(err, r, "out of memory");
        diff_sort(d);
        *ret = TAKE_PTR(d);
        return 0;
}

int pg_diff_caps(struct pg_diff *d, const struct pg_caps_list *old_c,
                 const struct pg_caps_list *new_c)
{
        struct entries e = {d, d->n};
        for (int c = 0; c < 64; c++) {
                bool in_o = old_c->mask & (1ull << c), in_n = new_c->mask & (1ull << c);
                if (in_o == in_n)
                        continue;
                _cleanup_free_ char *name = pg_caps_name(c);
                if (!name || add_entry(&e, PG_DIFF_CAP, in_n ? PG_DIFF_ADDED : PG_DIFF_REMOVED,
                                       NULL, name, NULL, NULL) < 0)
                        return -ENOMEM;
                const char *why = in_n ? new_c->comment[c] : NULL;
                struct pg_diff_entry *en = &d->v[d->n - 1];
                if (why && !(en->evidence = strdup(why)))
                        return -ENOMEM;
        }
        diff_sort(d);
        return 0;
}

size_t pg_diff_count(const struct pg_diff *d, enum pg_diff_subject subject,
                     enum pg_diff_change change)
{
        size_t n = 0;
        for (size_t i = 0; i < d->n; i++)
                n += d->v[i].subject == subject && d->v[i].change == change;
        return n;
}

bool pg_diff_is_drift(const struct pg_diff *d, bool removals_allowed)
{
        for (size_t i = 0; i < d->n; i++)
                if (!removals_allowed || d->v[i].change != PG_DIFF_REMOVED)
                        return true;
        return false;
}

void pg_diff_free(struct pg_diff *d)
{
        if (!d)
                return;
        for (size_t i = 0; i < d->n; i++) {
                struct pg_diff_entry *en = &d->v[i];
                free(en->arch_name);
                free(en->name);
                free(en->old_value);
                free(en->new_value);
                free(en->evidence);
        }
        free(d->v);
        free(d);
}
