// SPDX-License-Identifier: MIT
/* Recording → profile model. Names come from libseccomp for the architecture they were recorded
 * on; a number libseccomp cannot name is an error, never a silent omission. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/generator.h"

struct builder {
        struct pg_provenance *prov;
        size_t n, cap;
};

void pg_generate_opts_init(struct pg_generate_opts *o)
{
        memset(o, 0, sizeof(*o));
        /* ENOSYS: programs take their fallback path for a syscall "the kernel lacks" (clone3 →
         * clone, faccessat2 → faccessat), while EPERM is usually fatal and looks like a missing
         * capability. docs/profile-format.md explains the choice. */
        o->default_errno = ENOSYS;
        o->runtimes = PG_RUNTIME_ALL;
}

const char *pg_reason_name(enum pg_reason r)
{
        switch (r) {
        case PG_REASON_OBSERVED:
                return "observed";
        case PG_REASON_ALWAYS:
                return "always";
        case PG_REASON_RUNTIME:
                return "runtime";
        case PG_REASON_COMPANION:
                return "companion";
        case PG_REASON_EXTRA:
                return "extra";
        case PG_REASON_BASELINE:
                return "baseline";
        }
        return "?";
}

static int add(struct builder *b, const char *name, enum pg_reason reason, const char *detail)
{
        for (size_t i = 0; i < b->n; i++)
                if (b->prov[i].reason == reason && strcmp(b->prov[i].name, name) == 0)
                        return 0; /* one entry per (name, reason): the first detail */
        if (b->n == b->cap) {
                size_t nc = b->cap ? b->cap * 2 : 128;
                struct pg_provenance *np = realloc(b->prov, nc * sizeof(*np));
                if (!np)
                        return -ENOMEM;
                b->prov = np;
                b->cap = nc;
        }
        struct pg_provenance *p = &b->prov[b->n];
        p->name = strdup(name);
        p->detail = detail ? strdup(detail) : NULL;
        p->reason = reason;
        if (!p->name || (detail && !p->detail)) {
                free(p->name);
                free(p->detail);
                return -ENOMEM;
        }
        b->n++;
        return 0;
}

static bool observed(const struct builder *b, const char *name)
{
        for (size_t i = 0; i < b->n; i++)
                if (b->prov[i].reason == PG_REASON_OBSERVED && strcmp(b->prov[i].name, name) == 0)
                        return true;
        return false;
}

static int add_observed(struct builder *b, const struct pg_recording *rec, struct pg_profile *p,
                        struct pg_error **err)
{
        const struct scmp_version *v = seccomp_version();
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                const struct pg_arch_info *ai = pg_arch_info(a);
                bool seen = false;
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                        bool obs = pg_recording_syscall(rec, a, s) != NULL;
                        if (!obs && !pg_recording_is_baseline(rec, a, s))
                                continue;
                        const char *name = pg_arch_syscall_name(a, s);
                        if (!name)
                                return pg_error_set(err, -ENOENT,
                                                    "syscall %u on %s is unknown to libseccomp "
                                                    "%u.%u.%u: it cannot be named in a profile "
                                                    "(upgrade libseccomp)",
                                                    s + ai->nr_bias, ai->name, v->major, v->minor,
                                                    v->micro);
                        if (add(b, name, obs ? PG_REASON_OBSERVED : PG_REASON_BASELINE,
                                obs ? NULL
                                    : "in the baseline profile: ran without a stop, not "
                                      "re-observed") < 0)
                                return -ENOMEM;
                        seen = true;
                }
                if (seen && pg_profile_add_arch(p, ai->scmp_name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int add_runtime(struct builder *b, const struct pg_generate_opts *o)
{
        size_t n;
        const struct pg_baseline_entry *t = pg_baseline_table(&n);
        for (size_t i = 0; i < n; i++) {
                if (!(t[i].runtime & o->runtimes) || t[i].nnp != o->no_new_privileges)
                        continue;
                _cleanup_free_ char *detail = NULL;
                if (asprintf(&detail, "%s%s: %s", pg_runtime_name(t[i].runtime),
                             o->no_new_privileges ? " (no-new-privileges)" : "", t[i].why) < 0 ||
                    add(b, t[i].name, PG_REASON_RUNTIME, detail) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int add_companions(struct builder *b, const struct pg_recording *rec)
{
        size_t n;
        const struct pg_companion_entry *t = pg_companion_table(&n);
        for (size_t i = 0; i < n; i++) {
                const char *trig = t[i].trigger;
                bool hit = strncmp(trig, "fact:", 5) == 0 ? pg_recording_has_fact(rec, trig + 5)
                                                          : observed(b, trig);
                if (!hit)
                        continue;
                _cleanup_free_ char *detail = NULL;
                if (asprintf(&detail, "companion of %s: %s", trig, t[i].why) < 0 ||
                    add(b, t[i].name, PG_REASON_COMPANION, detail) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int add_fixed(struct builder *b, const struct pg_generate_opts *o, struct pg_error **err)
{
        size_t n;
        const char *const *always = pg_always_allowed(&n);
        for (size_t i = 0; i < n; i++)
                if (add(b, always[i], PG_REASON_ALWAYS, "a trace can miss it") < 0)
                        return -ENOMEM;
        for (char *const *e = o->extra; e && *e; e++) {
                if (seccomp_syscall_resolve_name(*e) == __NR_SCMP_ERROR)
                        return pg_error_set(err, -EINVAL, "unknown syscall name `%s`", *e);
                if (add(b, *e, PG_REASON_EXTRA, "asked for with --allow") < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int cmp_prov(const void *a, const void *b)
{
        const struct pg_provenance *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        return c ? c : (int)x->reason - (int)y->reason;
}

/* One SCMP_ACT_ALLOW rule with every name once, sorted. */
static int build_rule(struct pg_profile *p, const struct builder *b)
{
        struct pg_rule *rule = pg_profile_add_rule(p, PG_ACT_ALLOW);
        if (!rule)
                return -ENOMEM;
        for (size_t i = 0; i < b->n; i++)
                if ((i == 0 || strcmp(b->prov[i].name, b->prov[i - 1].name) != 0) &&
                    pg_rule_add_name(rule, b->prov[i].name) < 0)
                        return -ENOMEM;
        return 0;
}

static void builder_clear(struct builder *b)
{
        for (size_t i = 0; i < b->n; i++) {
                free(b->prov[i].name);
                free(b->prov[i].detail);
        }
        free(b->prov);
}

int pg_generate(const struct pg_recording *rec, const struct pg_generate_opts *opts,
                struct pg_generation **ret, struct pg_error **err)
{
        struct pg_generate_opts defaults;
        if (!opts) {
                pg_generate_opts_init(&defaults);
                opts = &defaults;
        }
        _cleanup_profile_ struct pg_profile *p = NULL;
        struct builder b = {0};
        if (pg_profile_new(&p) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        p->default_action = PG_ACT_ERRNO;
        p->default_errno = opts->default_errno;
        /* The runtime's own syscalls are native: the native architecture is always listed. */
        int r = pg_profile_add_arch(p, pg_arch_info(pg_arch_native())->scmp_name);
        if (r == 0)
                r = add_observed(&b, rec, p, err);
        if (r == 0)
                r = add_fixed(&b, opts, err);
        if (r == 0)
                r = add_runtime(&b, opts);
        if (r == 0 && !opts->no_companions)
                r = add_companions(&b, rec);
        qsort(b.prov, b.n, sizeof(*b.prov), cmp_prov);
        if (r == 0)
                r = build_rule(p, &b);
        struct pg_generation *g = r == 0 ? calloc(1, sizeof(*g)) : NULL;
        if (!g) {
                builder_clear(&b);
                return r < 0 ? (r == -ENOMEM ? pg_error_set(err, r, "out of memory") : r)
                             : pg_error_set(err, -ENOMEM, "out of memory");
        }
        g->profile = TAKE_PTR(p);
        g->prov = b.prov;
        g->n_prov = b.n;
        *ret = g;
        return 0;
}

void pg_generation_free(struct pg_generation *g)
{
        if (!g)
                return;
        struct builder b = {g->prov, g->n_prov, g->n_prov};
        builder_clear(&b);
        pg_profile_free(g->profile);
        free(g);
}
