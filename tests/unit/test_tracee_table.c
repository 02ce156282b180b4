// SPDX-License-Identifier: MIT
/* The tracee table (open addressing, backward-shift deletion): many tids, growth, removal, tids
 * that collide in one probe run, re-keying (a non-leader thread that execs takes the leader's
 * tid), and processes shared by their threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "profgen/tracee_table.h"

#define N 5000

static struct pg_tracee_table *new_table(void)
{
        struct pg_tracee_table *t = NULL;
        assert_int_equal(pg_tracee_table_new(&t), 0);
        return t;
}

/* Spread-out tids like a busy machine's: not consecutive. */
static pid_t tid_of(int i)
{
        return (pid_t)(1000 + 37 * i);
}

static void many(void **state)
{
        (void)state;
        struct pg_tracee_table *t = new_table();
        for (int i = 0; i < N; i++) {
                struct pg_tracee *e = pg_tracee_table_add(t, tid_of(i), NULL);
                assert_non_null(e);
                assert_int_equal(e->tid, tid_of(i));
                assert_int_equal(e->proc->pid, tid_of(i));
                assert_int_equal(e->proc->exe_id, -1);
        }
        assert_int_equal(pg_tracee_table_count(t), N);
        for (int i = 0; i < N; i++)
                assert_int_equal(pg_tracee_table_get(t, tid_of(i))->tid, tid_of(i));
        assert_null(pg_tracee_table_get(t, 1));
        for (int i = 0; i < N; i += 2)
                pg_tracee_table_remove(t, tid_of(i));
        pg_tracee_table_remove(t, 1); /* unknown: nothing happens */
        assert_int_equal(pg_tracee_table_count(t), N / 2);
        for (int i = 0; i < N; i++) {
                struct pg_tracee *e = pg_tracee_table_get(t, tid_of(i));
                if (i % 2)
                        assert_int_equal(e->tid, tid_of(i));
                else
                        assert_null(e);
        }
        pg_tracee_table_free(t);
}

static size_t visits;
static void count_visit(struct pg_tracee *e, void *ud)
{
        (void)e;
        (void)ud;
        visits++;
}

/* tids with the same home slot in a 64-slot table (the hash the table uses). */
static size_t colliding(pid_t *out, size_t n)
{
        size_t k = 0;
        uint32_t home = ((uint32_t)100 * 2654435769u >> 7) & 63;
        for (pid_t tid = 100; k < n && tid < 10000000; tid++)
                if ((((uint32_t)tid * 2654435769u) >> 7 & 63) == home)
                        out[k++] = tid;
        return k;
}

/* Removal from the middle of a probe run must keep the rest reachable. */
static void collisions(void **state)
{
        (void)state;
        pid_t tids[24];
        assert_int_equal(colliding(tids, 24), 24);
        struct pg_tracee_table *t = new_table();
        for (size_t i = 0; i < 24; i++)
                assert_non_null(pg_tracee_table_add(t, tids[i], NULL));
        for (size_t i = 3; i < 24; i += 4)
                pg_tracee_table_remove(t, tids[i]);
        for (size_t i = 0; i < 24; i++) {
                struct pg_tracee *e = pg_tracee_table_get(t, tids[i]);
                if (i % 4 == 3)
                        assert_null(e);
                else
                        assert_non_null(e);
        }
        /* re-add the removed ones and remove the first of the run */
        for (size_t i = 3; i < 24; i += 4)
                assert_non_null(pg_tracee_table_add(t, tids[i], NULL));
        pg_tracee_table_remove(t, tids[0]);
        for (size_t i = 1; i < 24; i++)
                assert_int_equal(pg_tracee_table_get(t, tids[i])->tid, tids[i]);
        visits = 0;
        pg_tracee_table_foreach(t, count_visit, NULL);
        assert_int_equal(visits, 23);
        assert_int_equal(pg_tracee_table_count(t), 23);
        pg_tracee_table_free(t);
}

/* A thread group: threads share the leader's process; a non-leader execs and takes the leader's
 * tid (the leader's entry goes without an exit report). */
static void threads_and_rekey(void **state)
{
        (void)state;
        struct pg_tracee_table *t = new_table();
        struct pg_tracee *leader = pg_tracee_table_add(t, 500, NULL);
        assert_non_null(leader);
        struct pg_tproc *proc = leader->proc;
        for (pid_t tid = 501; tid <= 540; tid++)
                assert_ptr_equal(pg_tracee_table_add(t, tid, proc)->proc, proc);
        assert_int_equal(proc->refs, 41);
        assert_int_equal(pg_tracee_table_rekey(t, 520, 500), 0);
        struct pg_tracee *e = pg_tracee_table_get(t, 500);
        assert_non_null(e);
        assert_int_equal(e->tid, 500);
        assert_ptr_equal(e->proc, proc);
        assert_null(pg_tracee_table_get(t, 520));
        assert_int_equal(pg_tracee_table_count(t), 40);
        assert_int_equal(proc->refs, 40);
        assert_int_equal(pg_tracee_table_rekey(t, 99999, 1), -ESRCH);
        /* rekey to a free tid, then drop every thread: the process goes with the last one (ASan
         * would report a leak otherwise) */
        assert_int_equal(pg_tracee_table_rekey(t, 530, 777), 0);
        assert_int_equal(pg_tracee_table_get(t, 777)->tid, 777);
        for (pid_t tid = 500; tid <= 540; tid++)
                pg_tracee_table_remove(t, tid);
        assert_int_equal(pg_tracee_table_count(t), 1);
        assert_int_equal(proc->refs, 1);
        pg_tracee_table_remove(t, 777);
        assert_int_equal(pg_tracee_table_count(t), 0);
        /* many rekeys through a growing table */
        for (int i = 0; i < N; i++)
                assert_non_null(pg_tracee_table_add(t, tid_of(i), NULL));
        for (int i = 0; i < N; i++)
                assert_int_equal(pg_tracee_table_rekey(t, tid_of(i), tid_of(i) + 1000000), 0);
        for (int i = 0; i < N; i++) {
                assert_null(pg_tracee_table_get(t, tid_of(i)));
                assert_int_equal(pg_tracee_table_get(t, tid_of(i) + 1000000)->tid,
                                 tid_of(i) + 1000000);
        }
        assert_int_equal(pg_tracee_table_count(t), N);
        pg_tracee_table_free(t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(many),
            cmocka_unit_test(collisions),
            cmocka_unit_test(threads_and_rekey),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
