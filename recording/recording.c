// SPDX-License-Identifier: MIT
/* The recording: plain data about what a workload did. */
#include "profgen/recording.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"

struct pg_recording {
        char **command;
        int exit_status;
        char *tracing;
        char **notes;
        size_t n_notes;
        char **exes;
        size_t n_exes;
        /* per architecture, allocated on first use: PG_SYSCALL_SLOTS entries */
        struct pg_syscall_stat *sys[PG_ARCH_COUNT];
        struct pg_fact *facts;
        size_t n_facts;
        struct pg_cap_evidence *caps;
        size_t n_caps;
        struct pg_process *procs;
        size_t n_procs;
        uint64_t baseline[PG_ARCH_COUNT][PG_SYSCALL_SLOTS / 64];
};

/* Grows an array of `size`-byte elements by one; returns the new element (zeroed) or NULL. */
static void *array_push(void **arr, size_t *n, size_t size)
{
        char *na = realloc(*arr, (*n + 1) * size);
        if (!na)
                return NULL;
        *arr = na;
        void *e = na + (*n)++ * size;
        memset(e, 0, size);
        return e;
}

static char *strdup_or_null(const char *s)
{
        return s ? strdup(s) : NULL;
}

static bool str_eq(const char *a, const char *b)
{
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int pg_recording_new(struct pg_recording **ret)
{
        struct pg_recording *r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->command = calloc(1, sizeof(char *));
        if (!r->command) {
                free(r);
                return -ENOMEM;
        }
        *ret = r;
        return 0;
}

void pg_stack_free(struct pg_stack *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n_frames; i++) {
                free(s->frames[i].module);
                free(s->frames[i].function);
        }
        free(s->frames);
        free(s);
}

struct pg_stack *pg_stack_dup(const struct pg_stack *s)
{
        if (!s)
                return NULL;
        struct pg_stack *d = calloc(1, sizeof(*d));
        if (!d)
                return NULL;
        d->frames = calloc(s->n_frames ? s->n_frames : 1, sizeof(*d->frames));
        if (!d->frames) {
                free(d);
                return NULL;
        }
        d->n_frames = s->n_frames;
        for (size_t i = 0; i < s->n_frames; i++) {
                d->frames[i] = s->frames[i];
                d->frames[i].module = strdup_or_null(s->frames[i].module);
                d->frames[i].function = strdup_or_null(s->frames[i].function);
        }
        return d;
}

bool pg_stack_equal(const struct pg_stack *a, const struct pg_stack *b)
{
        if (!a || !b)
                return a == b;
        if (a->n_frames != b->n_frames)
                return false;
        for (size_t i = 0; i < a->n_frames; i++)
                if (a->frames[i].offset != b->frames[i].offset ||
                    !str_eq(a->frames[i].module, b->frames[i].module))
                        return false;
        return true;
}

static void stat_clear(struct pg_syscall_stat *s)
{
        pg_stack_free(s->stack);
        for (size_t i = 0; i < s->n_sites; i++)
                pg_stack_free(s->sites[i].stack);
        free(s->sites);
        free(s->users);
}

void pg_recording_free(struct pg_recording *r)
{
        if (!r)
                return;
        pg_strv_free(r->command);
        free(r->tracing);
        for (size_t i = 0; i < r->n_notes; i++)
                free(r->notes[i]);
        free(r->notes);
        for (size_t i = 0; i < r->n_exes; i++)
                free(r->exes[i]);
        free(r->exes);
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                for (size_t s = 0; r->sys[a] && s < PG_SYSCALL_SLOTS; s++)
                        stat_clear(&r->sys[a][s]);
                free(r->sys[a]);
        }
        for (size_t i = 0; i < r->n_facts; i++) {
                free(r->facts[i].key);
                free(r->facts[i].detail);
        }
        free(r->facts);
        for (size_t i = 0; i < r->n_caps; i++) {
                free(r->caps[i].detail);
                free(r->caps[i].note);
                pg_stack_free(r->caps[i].stack);
        }
        free(r->caps);
        for (size_t i = 0; i < r->n_procs; i++)
                free(r->procs[i].exes);
        free(r->procs);
        free(r);
}

int pg_recording_set_command(struct pg_recording *r, char *const *argv)
{
        size_t n = 0;
        while (argv && argv[n])
                n++;
        char **v = calloc(n + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!(v[i] = strdup(argv[i]))) {
                        pg_strv_free(v);
                        return -ENOMEM;
                }
        pg_strv_free(r->command);
        r->command = v;
        return 0;
}

char *const *pg_recording_command(const struct pg_recording *r)
{
        return r->command;
}

void pg_recording_set_exit_status(struct pg_recording *r, int status)
{
        r->exit_status = status;
}

int pg_recording_exit_status(const struct pg_recording *r)
{
        return r->exit_status;
}

int pg_recording_set_tracing(struct pg_recording *r, const char *mode)
{
        char *m = strdup(mode);
        if (!m)
                return -ENOMEM;
        free(r->tracing);
        r->tracing = m;
        return 0;
}

const char *pg_recording_tracing(const struct pg_recording *r)
{
        return r->tracing;
}

int pg_recording_add_note(struct pg_recording *r, const char *note)
{
        for (size_t i = 0; i < r->n_notes; i++)
                if (strcmp(r->notes[i], note) == 0)
                        return 0;
        char *copy = strdup(note);
        char **slot = copy ? array_push((void **)&r->notes, &r->n_notes, sizeof(char *)) : NULL;
        if (!slot) {
                free(copy);
                return -ENOMEM;
        }
        *slot = copy;
        return 0;
}

size_t pg_recording_n_notes(const struct pg_recording *r)
{
        return r->n_notes;
}

const char *pg_recording_note(const struct pg_recording *r, size_t i)
{
        return i < r->n_notes ? r->notes[i] : NULL;
}

int pg_recording_intern_exe(struct pg_recording *r, const char *path, int32_t *ret_index)
{
        /* Few distinct executables per recording (tens): a linear scan at exec time is enough. */
        for (size_t i = 0; i < r->n_exes; i++)
                if (strcmp(r->exes[i], path) == 0) {
                        *ret_index = (int32_t)i;
                        return 0;
                }
        char *copy = strdup(path);
        char **slot = copy ? array_push((void **)&r->exes, &r->n_exes, sizeof(char *)) : NULL;
        if (!slot) {
                free(copy);
                return -ENOMEM;
        }
        *slot = copy;
        *ret_index = (int32_t)(r->n_exes - 1);
        return 0;
}

size_t pg_recording_n_exes(const struct pg_recording *r)
{
        return r->n_exes;
}

const char *pg_recording_exe(const struct pg_recording *r, int32_t index)
{
        return index >= 0 && (size_t)index < r->n_exes ? r->exes[index] : NULL;
}

static struct pg_syscall_stat *stat_slot(struct pg_recording *r, enum pg_arch arch, uint32_t slot)
{
        if ((unsigned)arch >= PG_ARCH_COUNT || slot >= PG_SYSCALL_SLOTS)
                return NULL;
        if (!r->sys[arch]) {
                r->sys[arch] = calloc(PG_SYSCALL_SLOTS, sizeof(struct pg_syscall_stat));
                if (!r->sys[arch])
                        return NULL;
        }
        return &r->sys[arch][slot];
}

/* The entry of exe among s's users, added when missing; NULL when out of memory. A workload runs
 * a few executables: the previous call's user is nearly always the right one. */
static struct pg_syscall_user *user_of(struct pg_syscall_stat *s, int32_t exe)
{
        if (s->last_user < s->n_users && s->users[s->last_user].exe == exe)
                return &s->users[s->last_user];
        for (size_t i = 0; i < s->n_users; i++)
                if (s->users[i].exe == exe) {
                        s->last_user = i;
                        return &s->users[i];
                }
        struct pg_syscall_user *u = array_push((void **)&s->users, &s->n_users, sizeof(*u));
        if (!u)
                return NULL;
        u->exe = exe;
        s->last_user = s->n_users - 1;
        return u;
}

bool pg_recording_add_syscall(struct pg_recording *r, enum pg_arch arch, uint32_t slot, pid_t pid,
                              pid_t tid, int32_t exe)
{
        struct pg_syscall_stat *s = stat_slot(r, arch, slot);
        if (!s)
                return false;
        struct pg_syscall_user *u = user_of(s, exe);
        if (u) /* out of memory: the per-executable split is incomplete, the total is not */
                u->count++;
        if (s->count++ > 0)
                return false;
        s->first_pid = pid;
        s->first_tid = tid;
        s->first_exe = exe;
        return true;
}

int pg_recording_add_syscall_count(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                   uint64_t count, pid_t pid, pid_t tid, int32_t exe)
{
        struct pg_syscall_stat *s = stat_slot(r, arch, slot);
        if (!s)
                return (unsigned)arch >= PG_ARCH_COUNT || slot >= PG_SYSCALL_SLOTS ? -ERANGE
                                                                                   : -ENOMEM;
        if (s->count == 0) {
                s->first_pid = pid;
                s->first_tid = tid;
                s->first_exe = exe;
        }
        s->count += count;
        return 0;
}

int pg_recording_add_syscall_process(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                     int32_t exe)
{
        struct pg_syscall_stat *s = stat_slot(r, arch, slot);
        struct pg_syscall_user *u = s && s->count ? user_of(s, exe) : NULL;
        if (!u)
                return s && s->count ? -ENOMEM : -ENOENT;
        u->processes++;
        return 0;
}

int pg_recording_add_syscall_user(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                  const struct pg_syscall_user *user)
{
        struct pg_syscall_stat *s = stat_slot(r, arch, slot);
        struct pg_syscall_user *u = s && s->count ? user_of(s, user->exe) : NULL;
        if (!u)
                return s && s->count ? -ENOMEM : -ENOENT;
        u->count += user->count;
        u->processes += user->processes;
        return 0;
}

const struct pg_syscall_stat *pg_recording_syscall(const struct pg_recording *r, enum pg_arch arch,
                                                   uint32_t slot)
{
        if ((unsigned)arch >= PG_ARCH_COUNT || slot >= PG_SYSCALL_SLOTS || !r->sys[arch])
                return NULL;
        const struct pg_syscall_stat *s = &r->sys[arch][slot];
        return s->count ? s : NULL;
}

void pg_recording_set_syscall_stack(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                    struct pg_stack *stack)
{
        struct pg_syscall_stat *s = stat_slot(r, arch, slot);
        if (!s || s->stack) {
                pg_stack_free(stack);
                return;
        }
        s->stack = stack;
}

int pg_recording_add_syscall_site(struct pg_recording *r, enum pg_arch arch, uint32_t slot,
                                  const struct pg_call_site *site)
{
        struct pg_syscall_stat *s = stat_slot(r, arch, slot);
        if (!s || !s->count || !site->stack || s->n_sites >= PG_RECORDING_MAX_SITES ||
            pg_stack_equal(s->stack, site->stack))
                return 0;
        for (size_t i = 0; i < s->n_sites; i++)
                if (pg_stack_equal(s->sites[i].stack, site->stack))
                        return 0;
        struct pg_stack *copy = pg_stack_dup(site->stack);
        struct pg_call_site *c =
            copy ? array_push((void **)&s->sites, &s->n_sites, sizeof(*c)) : NULL;
        if (!c) {
                pg_stack_free(copy);
                return -ENOMEM;
        }
        *c = *site;
        c->stack = copy;
        return 1;
}

bool pg_recording_has_arch(const struct pg_recording *r, enum pg_arch arch)
{
        if ((unsigned)arch >= PG_ARCH_COUNT || !r->sys[arch])
                return false;
        for (size_t s = 0; s < PG_SYSCALL_SLOTS; s++)
                if (r->sys[arch][s].count)
                        return true;
        return false;
}

void pg_recording_add_baseline(struct pg_recording *r, enum pg_arch arch, uint32_t slot)
{
        if ((unsigned)arch < PG_ARCH_COUNT && slot < PG_SYSCALL_SLOTS)
                r->baseline[arch][slot / 64] |= 1ull << (slot % 64);
}

bool pg_recording_is_baseline(const struct pg_recording *r, enum pg_arch arch, uint32_t slot)
{
        if ((unsigned)arch >= PG_ARCH_COUNT || slot >= PG_SYSCALL_SLOTS)
                return false;
        return (r->baseline[arch][slot / 64] >> (slot % 64)) & 1u;
}

int pg_recording_add_fact(struct pg_recording *r, const struct pg_fact *fact)
{
        for (size_t i = 0; i < r->n_facts; i++)
                if (strcmp(r->facts[i].key, fact->key) == 0)
                        return 0; /* the first occurrence is the evidence */
        struct pg_fact *f = array_push((void **)&r->facts, &r->n_facts, sizeof(*f));
        if (!f)
                return -ENOMEM;
        *f = *fact;
        f->key = strdup(fact->key);
        f->detail = strdup_or_null(fact->detail);
        if (!f->key) {
                r->n_facts--;
                return -ENOMEM;
        }
        return 0;
}

size_t pg_recording_n_facts(const struct pg_recording *r)
{
        return r->n_facts;
}

const struct pg_fact *pg_recording_fact(const struct pg_recording *r, size_t i)
{
        return i < r->n_facts ? &r->facts[i] : NULL;
}

bool pg_recording_has_fact(const struct pg_recording *r, const char *key)
{
        for (size_t i = 0; i < r->n_facts; i++)
                if (strcmp(r->facts[i].key, key) == 0)
                        return true;
        return false;
}

int pg_recording_add_cap(struct pg_recording *r, const struct pg_cap_evidence *ev)
{
        uint64_t count = ev->count ? ev->count : 1;
        for (size_t i = 0; i < r->n_caps; i++) {
                struct pg_cap_evidence *c = &r->caps[i];
                if (c->cap == ev->cap && c->source == ev->source && c->arch == ev->arch &&
                    c->slot == ev->slot && str_eq(c->detail, ev->detail)) {
                        c->count += count;
                        return 0;
                }
        }
        struct pg_cap_evidence *c = array_push((void **)&r->caps, &r->n_caps, sizeof(*c));
        if (!c)
                return -ENOMEM;
        *c = *ev;
        c->count = count;
        c->detail = strdup_or_null(ev->detail);
        c->note = strdup_or_null(ev->note);
        c->stack = pg_stack_dup(ev->stack);
        return 0;
}

size_t pg_recording_n_caps(const struct pg_recording *r)
{
        return r->n_caps;
}

const struct pg_cap_evidence *pg_recording_cap(const struct pg_recording *r, size_t i)
{
        return i < r->n_caps ? &r->caps[i] : NULL;
}

void pg_recording_set_cap_stack(struct pg_recording *r, size_t i, struct pg_stack *stack)
{
        if (i >= r->n_caps || r->caps[i].stack) {
                pg_stack_free(stack);
                return;
        }
        r->caps[i].stack = stack;
}

static struct pg_process *find_process(struct pg_recording *r, pid_t pid)
{
        /* Search from the end: the process that execs is almost always a recent one. */
        for (size_t i = r->n_procs; i-- > 0;)
                if (r->procs[i].pid == pid)
                        return &r->procs[i];
        return NULL;
}

int pg_recording_add_process(struct pg_recording *r, pid_t pid, pid_t ppid)
{
        struct pg_process *p = array_push((void **)&r->procs, &r->n_procs, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->pid = pid;
        p->ppid = ppid;
        return 0;
}

int pg_recording_process_exec(struct pg_recording *r, pid_t pid, int32_t exe)
{
        struct pg_process *p = find_process(r, pid);
        if (!p) {
                int k = pg_recording_add_process(r, pid, 0);
                if (k < 0)
                        return k;
                p = &r->procs[r->n_procs - 1];
        }
        int32_t *ne = realloc(p->exes, (p->n_exes + 1) * sizeof(*ne));
        if (!ne)
                return -ENOMEM;
        p->exes = ne;
        p->exes[p->n_exes++] = exe;
        return 0;
}

size_t pg_recording_n_processes(const struct pg_recording *r)
{
        return r->n_procs;
}

const struct pg_process *pg_recording_process(const struct pg_recording *r, size_t i)
{
        return i < r->n_procs ? &r->procs[i] : NULL;
}
