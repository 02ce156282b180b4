// SPDX-License-Identifier: MIT
/* Profiles as sets of atoms (include/profgen/merge.h): split, normalise, regroup. Equality of
 * normalised atom sets is what "equivalent profiles" means for diff and merge. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/merge.h"

int pg_errno_effective(enum pg_action action, int errno_ret)
{
        if (action != PG_ACT_ERRNO && action != PG_ACT_TRACE)
                return PG_ERRNO_UNSET;
        return errno_ret == PG_ERRNO_UNSET ? EPERM : errno_ret;
}

static int cmp_strp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A sorted copy of v without duplicates; NULL for an absent or empty list. */
static int strv_sorted(char *const *v, char ***ret)
{
        size_t n = 0, u = 0;
        *ret = NULL;
        while (v && v[n])
                n++;
        if (n == 0)
                return 0;
        _cleanup_strv_ char **out = calloc(n + 1, sizeof(*out));
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!(out[i] = strdup(v[i])))
                        return -ENOMEM;
        qsort(out, n, sizeof(*out), cmp_strp);
        for (size_t i = 0; i < n; i++) {
                if (u > 0 && strcmp(out[u - 1], out[i]) == 0) {
                        free(out[i]);
                        out[i] = NULL;
                        continue;
                }
                out[u++] = out[i];
                if (u - 1 != i)
                        out[i] = NULL;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static int filter_copy(const struct pg_rule_filter *f, struct pg_rule_filter *ret)
{
        memset(ret, 0, sizeof(*ret));
        if (strv_sorted(f->caps, &ret->caps) < 0 || strv_sorted(f->arches, &ret->arches) < 0)
                return -ENOMEM;
        if (f->min_kernel && !(ret->min_kernel = strdup(f->min_kernel)))
                return -ENOMEM;
        return 0;
}

static void filter_clear(struct pg_rule_filter *f)
{
        pg_strv_free(f->caps);
        pg_strv_free(f->arches);
        free(f->min_kernel);
        memset(f, 0, sizeof(*f));
}

static int cmp_arg(const void *x, const void *y)
{
        const struct pg_arg_cmp *a = x, *b = y;
        if (a->index != b->index)
                return a->index < b->index ? -1 : 1;
        if (a->op != b->op)
                return a->op < b->op ? -1 : 1;
        if (a->value != b->value)
                return a->value < b->value ? -1 : 1;
        if (a->value_two != b->value_two)
                return a->value_two < b->value_two ? -1 : 1;
        return 0;
}

/* valueTwo only means something to SCMP_CMP_MASKED_EQ; runc ignores it elsewhere. */
static int args_copy(const struct pg_rule *r, struct pg_atom *a)
{
        if (r->n_args == 0)
                return 0;
        a->args = calloc(r->n_args, sizeof(*a->args));
        if (!a->args)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_args; i++) {
                a->args[i] = r->args[i];
                if (a->args[i].op != PG_CMP_MASKED_EQ)
                        a->args[i].value_two = 0;
        }
        qsort(a->args, r->n_args, sizeof(*a->args), cmp_arg);
        for (size_t i = 0; i < r->n_args; i++)
                if (a->n_args == 0 || cmp_arg(&a->args[a->n_args - 1], &a->args[i]) != 0)
                        a->args[a->n_args++] = a->args[i];
        return 0;
}

static void atom_clear(struct pg_atom *a)
{
        free(a->name);
        free(a->args);
        free(a->comment);
        filter_clear(&a->in);
        filter_clear(&a->ex);
        memset(a, 0, sizeof(*a));
}

void pg_atom_set_clear(struct pg_atom_set *s)
{
        for (size_t i = 0; i < s->n; i++)
                atom_clear(&s->v[i]);
        free(s->v);
        memset(s, 0, sizeof(*s));
}

static struct pg_atom *atom_push(struct pg_atom_set *s)
{
        if (s->n == s->cap) {
                size_t nc = s->cap ? s->cap * 2 : 64;
                struct pg_atom *nv = realloc(s->v, nc * sizeof(*nv));
                if (!nv)
                        return NULL;
                s->v = nv;
                s->cap = nc;
        }
        struct pg_atom *a = &s->v[s->n++];
        memset(a, 0, sizeof(*a));
        return a;
}

static int atom_from_rule(struct pg_atom *a, const struct pg_rule *r, const char *name,
                          size_t source)
{
        a->action = r->action;
        a->errno_ret = pg_errno_effective(r->action, r->errno_ret);
        a->source = source;
        if (!(a->name = strdup(name)) || (r->comment && !(a->comment = strdup(r->comment))))
                return -ENOMEM;
        if (args_copy(r, a) < 0 || filter_copy(&r->includes, &a->in) < 0 ||
            filter_copy(&r->excludes, &a->ex) < 0)
                return -ENOMEM;
        return 0;
}

int pg_atom_set_add_profile(struct pg_atom_set *s, const struct pg_profile *p, size_t source)
{
        for (size_t i = 0; i < p->n_rules; i++)
                for (char **n = p->rules[i].names; n && *n; n++) {
                        struct pg_atom *a = atom_push(s);
                        if (!a)
                                return -ENOMEM;
                        if (atom_from_rule(a, &p->rules[i], *n, source) < 0) {
                                atom_clear(a);
                                s->n--;
                                return -ENOMEM;
                        }
                }
        return 0;
}

static int cmp_strv(char *const *a, char *const *b)
{
        for (; a && *a && b && *b; a++, b++) {
                int c = strcmp(*a, *b);
                if (c)
                        return c;
        }
        bool more_a = a && *a, more_b = b && *b;
        return more_a - more_b;
}

static int cmp_opt_str(const char *a, const char *b)
{
        if (!a || !b)
                return (a != NULL) - (b != NULL);
        return strcmp(a, b);
}

static int cmp_filter(const struct pg_rule_filter *a, const struct pg_rule_filter *b)
{
        int c = cmp_strv(a->caps, b->caps);
        if (!c)
                c = cmp_strv(a->arches, b->arches);
        return c ? c : cmp_opt_str(a->min_kernel, b->min_kernel);
}

/* Conditions only: arguments, includes, excludes. */
static int cmp_conditions(const struct pg_atom *a, const struct pg_atom *b)
{
        for (size_t i = 0; i < a->n_args && i < b->n_args; i++) {
                int c = cmp_arg(&a->args[i], &b->args[i]);
                if (c)
                        return c;
        }
        if (a->n_args != b->n_args)
                return a->n_args < b->n_args ? -1 : 1;
        int c = cmp_filter(&a->in, &b->in);
        return c ? c : cmp_filter(&a->ex, &b->ex);
}

static int cmp_outcome(const struct pg_atom *a, const struct pg_atom *b)
{
        if (a->action != b->action)
                return a->action < b->action ? -1 : 1;
        return a->errno_ret < b->errno_ret ? -1 : a->errno_ret > b->errno_ret;
}

bool pg_atom_same_key(const struct pg_atom *a, const struct pg_atom *b)
{
        return strcmp(a->name, b->name) == 0 && cmp_conditions(a, b) == 0;
}

int pg_atom_cmp(const struct pg_atom *a, const struct pg_atom *b)
{
        int c = strcmp(a->name, b->name);
        if (!c)
                c = cmp_conditions(a, b);
        return c ? c : cmp_outcome(a, b);
}

static int qsort_atom(const void *a, const void *b)
{
        return pg_atom_cmp(a, b);
}

/* Whether the unconditional atom u makes the conditional atom a redundant. */
static bool covers(const struct pg_atom *u, const struct pg_atom *a)
{
        return u->n_args == 0 && a->n_args > 0 && strcmp(u->name, a->name) == 0 &&
               cmp_outcome(u, a) == 0 && cmp_filter(&u->in, &a->in) == 0 &&
               cmp_filter(&u->ex, &a->ex) == 0;
}

/* Removes the atoms for which drop() is true, keeping the order. drop() sees the whole set as it
 * was (marks first, then compaction), so it may look at neighbours. */
static int compact(struct pg_atom_set *s,
                   bool (*drop)(const struct pg_atom_set *, size_t, const void *), const void *ud)
{
        _cleanup_free_ bool *gone = calloc(s->n ? s->n : 1, sizeof(*gone));
        if (!gone)
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++)
                gone[i] = drop(s, i, ud);
        size_t u = 0;
        for (size_t i = 0; i < s->n; i++) {
                if (gone[i])
                        atom_clear(&s->v[i]);
                else
                        s->v[u++] = s->v[i];
        }
        s->n = u;
        return 0;
}

struct defaults {
        enum pg_action action;
        int errno_ret;
};

static bool drop_noop_or_covered(const struct pg_atom_set *s, size_t i, const void *ud)
{
        const struct defaults *d = ud;
        const struct pg_atom *a = &s->v[i];
        if (a->action == d->action && a->errno_ret == d->errno_ret)
                return true;
        /* Sorted by name then conditions: an unconditional atom of this name comes first. */
        for (size_t j = i; j-- > 0 && strcmp(s->v[j].name, a->name) == 0;)
                if (covers(&s->v[j], a))
                        return true;
        return false;
}

/* Equal atoms collapse into the last copy; its comment survives only if all copies agree. */
static bool drop_duplicate(const struct pg_atom_set *s, size_t i, const void *ud)
{
        (void)ud;
        if (i + 1 >= s->n || pg_atom_cmp(&s->v[i], &s->v[i + 1]) != 0)
                return false;
        struct pg_atom *next = &s->v[i + 1];
        if (cmp_opt_str(s->v[i].comment, next->comment) != 0) {
                free(next->comment);
                next->comment = NULL;
        }
        return true;
}

int pg_atom_set_normalise(struct pg_atom_set *s, enum pg_action default_action, int default_errno,
                          const struct pg_atom **ret_a, const struct pg_atom **ret_b)
{
        struct defaults d = {default_action, pg_errno_effective(default_action, default_errno)};
        if (s->n > 1)
                qsort(s->v, s->n, sizeof(*s->v), qsort_atom);
        /* A comment that differs anywhere must be lost in every order of merging, so a dropped
         * comment is never revived by a later copy: NULL counts as a comment of its own. */
        if (compact(s, drop_duplicate, NULL) < 0 || compact(s, drop_noop_or_covered, &d) < 0)
                return -ENOMEM;
        for (size_t i = 0; i + 1 < s->n; i++)
                if (pg_atom_same_key(&s->v[i], &s->v[i + 1])) {
                        if (ret_a)
                                *ret_a = &s->v[i];
                        if (ret_b)
                                *ret_b = &s->v[i + 1];
                        return -EEXIST;
                }
        return 0;
}

/* Atoms that become one rule: same outcome, conditions and comment. */
static int cmp_group(const struct pg_atom *a, const struct pg_atom *b)
{
        int c = cmp_outcome(a, b);
        if (!c)
                c = cmp_conditions(a, b);
        return c ? c : cmp_opt_str(a->comment, b->comment);
}

static int qsort_group(const void *x, const void *y)
{
        const struct pg_atom *a = *(const struct pg_atom *const *)x;
        const struct pg_atom *b = *(const struct pg_atom *const *)y;
        int c = cmp_group(a, b);
        return c ? c : strcmp(a->name, b->name);
}

/* A new rule in p carrying a's outcome and conditions (not its name); a's lists are sorted
 * already, so strv_sorted only copies them. */
static int rule_from_atom(struct pg_profile *p, const struct pg_atom *a, struct pg_rule **ret)
{
        struct pg_rule *r = pg_profile_add_rule(p, a->action);
        if (!r)
                return -ENOMEM;
        r->errno_ret = a->errno_ret;
        if (a->n_args > 0) {
                r->args = calloc(a->n_args, sizeof(*r->args));
                if (!r->args)
                        return -ENOMEM;
                memcpy(r->args, a->args, a->n_args * sizeof(*r->args));
                r->n_args = a->n_args;
        }
        if ((a->comment && !(r->comment = strdup(a->comment))) ||
            strv_sorted(a->in.caps, &r->includes.caps) < 0 ||
            strv_sorted(a->in.arches, &r->includes.arches) < 0 ||
            strv_sorted(a->ex.caps, &r->excludes.caps) < 0 ||
            strv_sorted(a->ex.arches, &r->excludes.arches) < 0 ||
            (a->in.min_kernel && !(r->includes.min_kernel = strdup(a->in.min_kernel))) ||
            (a->ex.min_kernel && !(r->excludes.min_kernel = strdup(a->ex.min_kernel))))
                return -ENOMEM;
        *ret = r;
        return 0;
}

int pg_atom_set_to_rules(const struct pg_atom_set *s, struct pg_profile *p)
{
        _cleanup_free_ const struct pg_atom **order = calloc(s->n ? s->n : 1, sizeof(*order));
        if (!order)
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++)
                order[i] = &s->v[i];
        qsort(order, s->n, sizeof(*order), qsort_group);
        struct pg_rule *rule = NULL;
        for (size_t i = 0; i < s->n; i++) {
                if ((i == 0 || cmp_group(order[i - 1], order[i]) != 0) &&
                    rule_from_atom(p, order[i], &rule) < 0)
                        return -ENOMEM;
                if (pg_rule_add_name(rule, order[i]->name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static const char *const cmp_ops[PG_CMP_COUNT] = {
    [PG_CMP_NE] = "!=", [PG_CMP_LT] = "<", [PG_CMP_LE] = "<=",        [PG_CMP_EQ] = "==",
    [PG_CMP_GE] = ">=", [PG_CMP_GT] = ">", [PG_CMP_MASKED_EQ] = "==",
};

/* Small numbers read best in decimal, flags and masks in hex. */
static void put_value(FILE *f, uint64_t v)
{
        fprintf(f, v < 4096 ? "%llu" : "0x%llx", (unsigned long long)v);
}

static void put_filter(FILE *f, const char *what, const struct pg_rule_filter *r)
{
        for (char **c = r->caps; c && *c; c++)
                fprintf(f, " %s %s", what, *c);
        for (char **a = r->arches; a && *a; a++)
                fprintf(f, " %s arch %s", what, *a);
        if (r->min_kernel)
                fprintf(f, " %s kernel >= %s", what, r->min_kernel);
}

void pg_action_describe(FILE *f, enum pg_action action, int errno_ret)
{
        fputs(pg_action_name(action), f);
        if (errno_ret == PG_ERRNO_UNSET)
                return;
        const char *name = strerrorname_np(errno_ret);
        if (name)
                fprintf(f, "(%s)", name);
        else
                fprintf(f, "(%d)", errno_ret);
}

char *pg_action_text(enum pg_action action, int errno_ret)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return NULL;
        pg_action_describe(f, action, pg_errno_effective(action, errno_ret));
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

int pg_atom_describe(const struct pg_atom *a, char **ret)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        pg_action_describe(f, a->action, a->errno_ret);
        for (size_t i = 0; i < a->n_args; i++) {
                const struct pg_arg_cmp *c = &a->args[i];
                fprintf(f, "%s arg%u ", i == 0 ? " if" : " &&", c->index);
                if (c->op == PG_CMP_MASKED_EQ) {
                        fputs("& ", f);
                        put_value(f, c->value);
                        fputc(' ', f);
                }
                fprintf(f, "%s ", (unsigned)c->op < PG_CMP_COUNT ? cmp_ops[c->op] : "?");
                put_value(f, c->op == PG_CMP_MASKED_EQ ? c->value_two : c->value);
        }
        put_filter(f, "with", &a->in);
        put_filter(f, "unless", &a->ex);
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
