// SPDX-License-Identifier: MIT
#include "profgen/tracee_table.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pg_tracee_table {
        struct pg_tracee **slots; /* linear probing; NULL = empty */
        size_t cap;               /* power of two */
        size_t count;
};

static size_t hash_tid(pid_t tid, size_t cap)
{
        /* Fibonacci hashing spreads consecutive tids. */
        return (size_t)(((uint32_t)tid * 2654435769u) >> 7) & (cap - 1);
}

int pg_tracee_table_new(struct pg_tracee_table **ret)
{
        struct pg_tracee_table *t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        t->cap = 64;
        t->slots = calloc(t->cap, sizeof(*t->slots));
        if (!t->slots) {
                free(t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

static void proc_unref(struct pg_tproc *p)
{
        if (p && --p->refs == 0) {
                free(p->exe);
                free(p);
        }
}

void pg_tracee_table_free(struct pg_tracee_table *tab)
{
        if (!tab)
                return;
        for (size_t i = 0; i < tab->cap; i++)
                if (tab->slots[i]) {
                        proc_unref(tab->slots[i]->proc);
                        free(tab->slots[i]);
                }
        free(tab->slots);
        free(tab);
}

static size_t find_slot(const struct pg_tracee_table *tab, pid_t tid)
{
        size_t i = hash_tid(tid, tab->cap);
        while (tab->slots[i] && tab->slots[i]->tid != tid)
                i = (i + 1) & (tab->cap - 1);
        return i;
}

struct pg_tracee *pg_tracee_table_get(struct pg_tracee_table *tab, pid_t tid)
{
        return tab->slots[find_slot(tab, tid)];
}

static int insert(struct pg_tracee_table *tab, struct pg_tracee *t);

static int grow(struct pg_tracee_table *tab)
{
        struct pg_tracee **old = tab->slots;
        size_t old_cap = tab->cap;
        struct pg_tracee **ns = calloc(old_cap * 2, sizeof(*ns));
        if (!ns)
                return -ENOMEM;
        tab->slots = ns;
        tab->cap = old_cap * 2;
        tab->count = 0;
        for (size_t i = 0; i < old_cap; i++)
                if (old[i])
                        insert(tab, old[i]);
        free(old);
        return 0;
}

static int insert(struct pg_tracee_table *tab, struct pg_tracee *t)
{
        if ((tab->count + 1) * 2 > tab->cap && grow(tab) < 0)
                return -ENOMEM;
        tab->slots[find_slot(tab, t->tid)] = t;
        tab->count++;
        return 0;
}

struct pg_tracee *pg_tracee_table_add(struct pg_tracee_table *tab, pid_t tid, struct pg_tproc *proc)
{
        struct pg_tracee *t = calloc(1, sizeof(*t));
        if (!t)
                return NULL;
        t->tid = tid;
        if (!proc) {
                proc = calloc(1, sizeof(*proc));
                if (!proc) {
                        free(t);
                        return NULL;
                }
                proc->pid = tid;
                proc->exe_id = -1;
        }
        proc->refs++;
        t->proc = proc;
        if (insert(tab, t) < 0) {
                proc_unref(proc);
                free(t);
                return NULL;
        }
        return t;
}

/* Unlinks slot i, then moves later entries of the same probe run back (no tombstones). */
static struct pg_tracee *unlink_slot(struct pg_tracee_table *tab, size_t i)
{
        struct pg_tracee *t = tab->slots[i];
        tab->slots[i] = NULL;
        tab->count--;
        for (size_t j = (i + 1) & (tab->cap - 1); tab->slots[j]; j = (j + 1) & (tab->cap - 1)) {
                struct pg_tracee *m = tab->slots[j];
                tab->slots[j] = NULL;
                tab->slots[find_slot(tab, m->tid)] = m;
        }
        return t;
}

void pg_tracee_table_remove(struct pg_tracee_table *tab, pid_t tid)
{
        size_t i = find_slot(tab, tid);
        if (!tab->slots[i])
                return;
        struct pg_tracee *t = unlink_slot(tab, i);
        proc_unref(t->proc);
        free(t);
}

int pg_tracee_table_rekey(struct pg_tracee_table *tab, pid_t old_tid, pid_t new_tid)
{
        size_t i = find_slot(tab, old_tid);
        if (!tab->slots[i])
                return -ESRCH;
        struct pg_tracee *t = unlink_slot(tab, i);
        pg_tracee_table_remove(tab, new_tid); /* the old leader vanishes without an exit report */
        t->tid = new_tid;
        return insert(tab, t);
}

size_t pg_tracee_table_count(const struct pg_tracee_table *tab)
{
        return tab->count;
}

void pg_tracee_table_foreach(struct pg_tracee_table *tab, void (*fn)(struct pg_tracee *, void *),
                             void *ud)
{
        for (size_t i = 0; i < tab->cap; i++)
                if (tab->slots[i])
                        fn(tab->slots[i], ud);
}
