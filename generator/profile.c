// SPDX-License-Identifier: MIT
/* The profile model: construction, names of actions and operators. */
#include "profgen/profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"

static const char *const action_names[PG_ACT_COUNT] = {
    [PG_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [PG_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [PG_ACT_TRAP] = "SCMP_ACT_TRAP",
    [PG_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [PG_ACT_TRACE] = "SCMP_ACT_TRACE",
    [PG_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [PG_ACT_LOG] = "SCMP_ACT_LOG",
    [PG_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const cmp_names[PG_CMP_COUNT] = {
    [PG_CMP_NE] = "SCMP_CMP_NE",
    [PG_CMP_LT] = "SCMP_CMP_LT",
    [PG_CMP_LE] = "SCMP_CMP_LE",
    [PG_CMP_EQ] = "SCMP_CMP_EQ",
    [PG_CMP_GE] = "SCMP_CMP_GE",
    [PG_CMP_GT] = "SCMP_CMP_GT",
    [PG_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *pg_action_name(enum pg_action a)
{
        return (unsigned)a < PG_ACT_COUNT ? action_names[a] : "SCMP_ACT_?";
}

int pg_action_parse(const char *s, enum pg_action *ret)
{
        /* SCMP_ACT_KILL is the historical spelling of KILL_THREAD (libseccomp, runc). */
        if (strcmp(s, "SCMP_ACT_KILL") == 0) {
                *ret = PG_ACT_KILL_THREAD;
                return 0;
        }
        for (int a = 0; a < PG_ACT_COUNT; a++)
                if (strcmp(s, action_names[a]) == 0) {
                        *ret = (enum pg_action)a;
                        return 0;
                }
        return -EINVAL;
}

const char *pg_cmp_name(enum pg_cmp op)
{
        return (unsigned)op < PG_CMP_COUNT ? cmp_names[op] : "SCMP_CMP_?";
}

int pg_cmp_parse(const char *s, enum pg_cmp *ret)
{
        for (int c = 0; c < PG_CMP_COUNT; c++)
                if (strcmp(s, cmp_names[c]) == 0) {
                        *ret = (enum pg_cmp)c;
                        return 0;
                }
        return -EINVAL;
}

int pg_profile_new(struct pg_profile **ret)
{
        struct pg_profile *p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->default_action = PG_ACT_ERRNO;
        p->default_errno = PG_ERRNO_UNSET;
        *ret = p;
        return 0;
}

static void filter_clear(struct pg_rule_filter *f)
{
        pg_strv_free(f->caps);
        pg_strv_free(f->arches);
        free(f->min_kernel);
}

void pg_profile_free(struct pg_profile *p)
{
        if (!p)
                return;
        for (size_t i = 0; i < p->n_rules; i++) {
                struct pg_rule *r = &p->rules[i];
                pg_strv_free(r->names);
                free(r->args);
                free(r->comment);
                filter_clear(&r->includes);
                filter_clear(&r->excludes);
        }
        free(p->rules);
        for (size_t i = 0; i < p->n_arch_map; i++) {
                free(p->arch_map[i].arch);
                pg_strv_free(p->arch_map[i].sub_arches);
        }
        free(p->arch_map);
        pg_strv_free(p->arches);
        pg_strv_free(p->flags);
        free(p->listener_path);
        pg_strv_free(p->warnings);
        free(p);
}

struct pg_rule *pg_profile_add_rule(struct pg_profile *p, enum pg_action action)
{
        struct pg_rule *nr = realloc(p->rules, (p->n_rules + 1) * sizeof(*nr));
        if (!nr)
                return NULL;
        p->rules = nr;
        struct pg_rule *r = &p->rules[p->n_rules++];
        memset(r, 0, sizeof(*r));
        r->action = action;
        r->errno_ret = PG_ERRNO_UNSET;
        return r;
}

/* Appends a copy of s to a NULL-terminated vector. */
static int strv_push(char ***v, const char *s)
{
        size_t n = 0;
        while (*v && (*v)[n])
                n++;
        char **nv = realloc(*v, (n + 2) * sizeof(*nv));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        nv[n] = strdup(s);
        nv[n + 1] = NULL;
        return nv[n] ? 0 : -ENOMEM;
}

int pg_rule_add_name(struct pg_rule *rule, const char *name)
{
        return strv_push(&rule->names, name);
}

int pg_profile_add_arch(struct pg_profile *p, const char *scmp_arch)
{
        for (char **a = p->arches; a && *a; a++)
                if (strcmp(*a, scmp_arch) == 0)
                        return 0;
        return strv_push(&p->arches, scmp_arch);
}
