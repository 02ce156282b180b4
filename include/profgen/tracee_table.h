/* SPDX-License-Identifier: MIT */
/* Traced threads keyed by tid: an open-addressing hash table, so a stop finds its thread in O(1)
 * however many processes the workload runs. Processes (pg_tproc) are shared by their threads and
 * reference-counted. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "profgen/tracer.h"

struct pg_tracee_table;

int pg_tracee_table_new(struct pg_tracee_table **ret);
void pg_tracee_table_free(struct pg_tracee_table *tab);
struct pg_tracee *pg_tracee_table_get(struct pg_tracee_table *tab, pid_t tid);
/* Adds a thread of process `proc` (a new process when NULL, with pid = tid). */
struct pg_tracee *pg_tracee_table_add(struct pg_tracee_table *tab, pid_t tid,
                                      struct pg_tproc *proc);
/* Removes a thread; its process is freed with its last thread. */
void pg_tracee_table_remove(struct pg_tracee_table *tab, pid_t tid);
/* Re-keys a thread (a non-leader thread that execs takes over the leader's tid). */
int pg_tracee_table_rekey(struct pg_tracee_table *tab, pid_t old_tid, pid_t new_tid);
size_t pg_tracee_table_count(const struct pg_tracee_table *tab);
/* Calls fn for every thread (order unspecified); fn must not modify the table. */
void pg_tracee_table_foreach(struct pg_tracee_table *tab, void (*fn)(struct pg_tracee *, void *),
                             void *ud);
