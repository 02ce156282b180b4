// SPDX-License-Identifier: MIT
/* The explanation model: for each syscall and capability, why it is in the profile (the
 * generator's provenance) and what the recording saw of it (counts, processes, exec chains,
 * first call stacks). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/explain.h"

/* Exec chains longer than this are cut (a pid reused in a loop cannot make one endless). */
#define MAX_CHAIN 64

/* ---- calls and exec chains ---- */

/* The latest process with that pid: pids can be reused, and a call belongs to the newest one
 * that existed when it was made, which the recording (in creation order) cannot tell apart
 * better than this. */
static const struct pg_process *find_process(const struct pg_recording *rec, pid_t pid)
{
        for (size_t i = pg_recording_n_processes(rec); i-- > 0;)
                if (pg_recording_process(rec, i)->pid == pid)
                        return pg_recording_process(rec, i);
        return NULL;
}

static int build_chain(const struct pg_recording *rec, pid_t pid, struct pg_explain_call *c)
{
        struct pg_explain_link links[MAX_CHAIN];
        size_t n = 0;
        for (pid_t p = pid; p > 0 && n < MAX_CHAIN;) {
                const struct pg_process *proc = find_process(rec, p);
                links[n++] = (struct pg_explain_link){.pid = p, .process = proc};
                p = proc ? proc->ppid : 0;
        }
        c->chain = calloc(n ? n : 1, sizeof(*c->chain));
        if (!c->chain)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                c->chain[i] = links[n - 1 - i];
        c->n_chain = n;
        return 0;
}

static int fill_call(const struct pg_recording *rec, struct pg_explain_call *c,
                     const struct pg_call_site *site)
{
        *c = (struct pg_explain_call){
            .pid = site->pid,
            .tid = site->tid,
            .exe = pg_recording_exe(rec, site->exe),
            .occurrence = site->occurrence,
            .stack = site->stack,
        };
        return build_chain(rec, site->pid, c);
}

static void call_clear(struct pg_explain_call *c)
{
        free(c->chain);
}

/* ---- syscalls ---- */

static int add_observation(struct pg_explain_entry *e, const struct pg_recording *rec,
                           enum pg_arch arch, uint32_t slot)
{
        const struct pg_syscall_stat *st = pg_recording_syscall(rec, arch, slot);
        struct pg_explain_observation *o = &e->obs[e->n_obs];
        struct pg_call_site first = {st->first_pid, st->first_tid, st->first_exe, 1, st->stack};
        *o = (struct pg_explain_observation){
            .arch = arch,
            .nr = slot + pg_arch_info(arch)->nr_bias,
            .count = st->count,
            .n_users = st->n_users,
            .users = st->users,
        };
        e->n_obs++;
        int r = fill_call(rec, &o->first, &first);
        if (r < 0)
                return r;
        o->sites = calloc(st->n_sites ? st->n_sites : 1, sizeof(*o->sites));
        if (!o->sites)
                return -ENOMEM;
        for (size_t i = 0; i < st->n_sites; i++, o->n_sites++)
                if ((r = fill_call(rec, &o->sites[i], &st->sites[i])) < 0)
                        return r;
        return 0;
}

/* An allow rule of the profile names it (with or without argument conditions). */
static bool profile_allows(const struct pg_profile *p, const char *name)
{
        for (size_t i = 0; i < p->n_rules; i++)
                for (char **n = p->rules[i].names; p->rules[i].action == PG_ACT_ALLOW && n && *n;
                     n++)
                        if (strcmp(*n, name) == 0)
                                return true;
        return false;
}

static int syscall_entry(struct pg_explain_entry *e, const struct pg_explanation *x,
                         const struct pg_generation *gen, const char *name)
{
        const struct pg_recording *rec = x->rec;
        e->kind = PG_EXPLAIN_SYSCALL;
        e->reasons = calloc(gen->n_prov ? gen->n_prov : 1, sizeof(*e->reasons));
        e->obs = calloc(PG_ARCH_COUNT, sizeof(*e->obs));
        if (!e->reasons || !e->obs)
                return -ENOMEM;
        for (size_t i = 0; i < gen->n_prov; i++)
                if (strcmp(gen->prov[i].name, name) == 0)
                        e->reasons[e->n_reasons++] = &gen->prov[i];
        e->allowed = x->profile ? profile_allows(x->profile, name) : e->n_reasons > 0;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                uint32_t slot;
                if (pg_arch_syscall_slot(a, name, &slot) < 0 || !pg_recording_syscall(rec, a, slot))
                        continue;
                int r = add_observation(e, rec, a, slot);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- capabilities ---- */

static int add_evidence(struct pg_explain_entry *e, const struct pg_recording *rec,
                        const struct pg_cap_evidence *ev)
{
        struct pg_explain_evidence *x = &e->evidence[e->n_evidence++];
        const struct pg_syscall_stat *st = pg_recording_syscall(rec, ev->arch, ev->slot);
        struct pg_call_site site = {.pid = ev->pid, .exe = ev->exe, .stack = ev->stack};
        x->ev = ev;
        x->syscall = pg_arch_syscall_name(ev->arch, ev->slot);
        x->stack_source = PG_EXPLAIN_STACK_EVIDENCE;
        if (!ev->stack) {
                /* Better than nothing, and said so: the first call of that syscall in the same
                 * process may or may not be the one that needed the capability. */
                bool same = st && st->stack && st->first_pid == ev->pid;
                site.stack = same ? st->stack : NULL;
                x->stack_source = same ? PG_EXPLAIN_STACK_SYSCALL : PG_EXPLAIN_STACK_NONE;
        }
        return fill_call(rec, &x->call, &site);
}

static int cap_entry(struct pg_explain_entry *e, const struct pg_recording *rec, int cap,
                     bool recommended)
{
        size_t n = pg_recording_n_caps(rec);
        e->kind = PG_EXPLAIN_CAPABILITY;
        e->allowed = recommended;
        e->evidence = calloc(n ? n : 1, sizeof(*e->evidence));
        if (!e->evidence)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const struct pg_cap_evidence *ev = pg_recording_cap(rec, i);
                int r = ev->cap == cap ? add_evidence(e, rec, ev) : 0;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- names ---- */

/* "CAP_NET_RAW", "NET_RAW", "cap_net_raw" → CAP_NET_RAW; -1 when it is none. */
static int parse_cap(const char *name)
{
        char lower[64] = "cap_";
        const char *bare = strncasecmp(name, "cap_", 4) == 0 ? name + 4 : name;
        size_t n = strlen(bare);
        cap_value_t cap;
        if (n == 0 || n + 5 > sizeof(lower))
                return -1;
        for (size_t i = 0; i <= n; i++)
                lower[4 + i] = (char)tolower((unsigned char)bare[i]);
        return cap_from_name(lower, &cap) == 0 ? (int)cap : -1;
}

static bool is_syscall_name(const char *name)
{
        uint32_t slot;
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                if (pg_arch_syscall_slot(a, name, &slot) == 0)
                        return true;
        return false;
}

void pg_explanation_free(struct pg_explanation *x)
{
        if (!x)
                return;
        for (size_t i = 0; i < x->n_entries; i++) {
                struct pg_explain_entry *e = &x->entries[i];
                for (size_t o = 0; o < e->n_obs; o++) {
                        call_clear(&e->obs[o].first);
                        for (size_t s = 0; s < e->obs[o].n_sites; s++)
                                call_clear(&e->obs[o].sites[s]);
                        free(e->obs[o].sites);
                }
                for (size_t v = 0; v < e->n_evidence; v++)
                        call_clear(&e->evidence[v].call);
                free(e->name);
                free(e->reasons);
                free(e->obs);
                free(e->evidence);
        }
        free(x->entries);
        free(x);
}

static struct pg_explain_entry *new_entry(struct pg_explanation *x, char *name)
{
        struct pg_explain_entry *ne =
            name ? realloc(x->entries, (x->n_entries + 1) * sizeof(*ne)) : NULL;
        if (!ne) {
                free(name);
                return NULL;
        }
        x->entries = ne;
        ne = &x->entries[x->n_entries++];
        *ne = (struct pg_explain_entry){.name = name};
        return ne;
}

static bool has_entry(const struct pg_explanation *x, const char *name)
{
        for (size_t i = 0; i < x->n_entries; i++)
                if (strcmp(x->entries[i].name, name) == 0)
                        return true;
        return false;
}

static bool cap_listed(const int *caps, size_t n, int cap)
{
        for (size_t i = 0; i < n; i++)
                if (caps[i] == cap)
                        return true;
        return false;
}

static int add_cap(struct pg_explanation *x, int cap, const int *needed, size_t n_needed)
{
        char *name = pg_caps_name(cap);
        if (name && has_entry(x, name)) {
                free(name);
                return 0;
        }
        struct pg_explain_entry *e = new_entry(x, name);
        return e ? cap_entry(e, x->rec, cap, cap_listed(needed, n_needed, cap)) : -ENOMEM;
}

static int add_syscall(struct pg_explanation *x, const struct pg_generation *gen, const char *name)
{
        if (has_entry(x, name))
                return 0;
        struct pg_explain_entry *e = new_entry(x, strdup(name));
        return e ? syscall_entry(e, x, gen, name) : -ENOMEM;
}

static int cmp_entry_name(const void *a, const void *b)
{
        return strcmp(((const struct pg_explain_entry *)a)->name,
                      ((const struct pg_explain_entry *)b)->name);
}

/* The names the profile allows that the generation has no reason for, in name order among the
 * others. */
static int add_profile_only(struct pg_explanation *x, const struct pg_generation *gen)
{
        for (size_t i = 0; x->profile && i < x->profile->n_rules; i++) {
                const struct pg_rule *rule = &x->profile->rules[i];
                for (char **n = rule->names; rule->action == PG_ACT_ALLOW && n && *n; n++) {
                        int r = add_syscall(x, gen, *n);
                        if (r < 0)
                                return r;
                }
        }
        qsort(x->entries, x->n_entries, sizeof(*x->entries), cmp_entry_name);
        return 0;
}

/* Every syscall the generation or the profile allows, by name, then every capability. */
static int explain_all(struct pg_explanation *x, const struct pg_generation *gen, const int *needed,
                       size_t n_needed)
{
        int r = 0;
        for (size_t i = 0; r == 0 && i < gen->n_prov; i++)
                if (i == 0 || strcmp(gen->prov[i].name, gen->prov[i - 1].name) != 0)
                        r = add_syscall(x, gen, gen->prov[i].name);
        if (r == 0)
                r = add_profile_only(x, gen);
        for (size_t i = 0; r == 0 && i < n_needed; i++)
                r = add_cap(x, needed[i], needed, n_needed);
        return r;
}

static int explain_names(struct pg_explanation *x, const struct pg_generation *gen,
                         char *const *names, const int *needed, size_t n_needed,
                         struct pg_error **err)
{
        for (char *const *n = names; *n; n++) {
                int cap, r;
                if (is_syscall_name(*n))
                        r = add_syscall(x, gen, *n);
                else if ((cap = parse_cap(*n)) >= 0)
                        r = add_cap(x, cap, needed, n_needed);
                else
                        return pg_error_set(err, -ENOENT,
                                            "`%s` is neither a syscall nor a capability name", *n);
                if (r < 0)
                        return pg_error_set(err, r, "out of memory");
        }
        return 0;
}

int pg_explain(const struct pg_recording *rec, const struct pg_generation *gen, char *const *names,
               struct pg_explanation **ret, struct pg_error **err)
{
        return pg_explain_profile(rec, gen, NULL, names, ret, err);
}

int pg_explain_profile(const struct pg_recording *rec, const struct pg_generation *gen,
                       const struct pg_profile *profile, char *const *names,
                       struct pg_explanation **ret, struct pg_error **err)
{
        _cleanup_free_ int *needed = NULL;
        size_t n_needed = 0;
        struct pg_explanation *x = calloc(1, sizeof(*x));
        if (!x || pg_caps_needed(rec, &needed, &n_needed) < 0) {
                free(x);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        x->rec = rec;
        x->profile = profile;
        int r = names && *names ? explain_names(x, gen, names, needed, n_needed, err)
                                : explain_all(x, gen, needed, n_needed);
        if (r < 0) {
                pg_explanation_free(x);
                return r == -ENOMEM ? pg_error_set(err, r, "out of memory") : r;
        }
        *ret = x;
        return 0;
}
