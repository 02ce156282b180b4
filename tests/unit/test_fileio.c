// SPDX-License-Identifier: MIT
/* Files: the caps path beside a profile (pg_path_sibling), the atomic writer (all or nothing, no
 * temporary file left behind on failure, readable mode), and reading whole files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/fileio.h"

#include "tmpdir.h"

/* The names in directory `dir`, sorted, space-separated. */
static char *listing(const char *dir)
{
        struct dirent **list;
        int n = scandir(dir, &list, NULL, alphasort);
        assert_true(n >= 0);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        for (int i = 0; i < n; i++) {
                if (list[i]->d_name[0] != '.')
                        fprintf(f, "%s%s", len ? " " : "", list[i]->d_name);
                fflush(f);
                free(list[i]);
        }
        free(list);
        fclose(f);
        return buf;
}

static void path_sibling(void **state)
{
        (void)state;
        static const char *const cases[][2] = {
            {"app.json", "app.caps"},
            {"dir/app.json", "dir/app.caps"},
            {"/abs/p.d/app.json", "/abs/p.d/app.caps"},
            {"app", "app.caps"},
            {"app.JSON", "app.JSON.caps"},
            {"app.json.bak", "app.json.bak.caps"},
            {".json", ".json.caps"},
            {"dir.json/app", "dir.json/app.caps"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                _cleanup_free_ char *s = pg_path_sibling(cases[i][0], ".json", ".caps");
                assert_non_null(s);
                assert_string_equal(s, cases[i][1]);
        }
}

static void atomic_write_and_replace(void **state)
{
        (void)state;
        _cleanup_free_ char *dir = tmp_path("w"), *path = tmp_path("w/out.json");
        _cleanup_error_ struct pg_error *err = NULL;
        assert_int_equal(mkdir(dir, 0755), 0);
        mode_t old = umask(022);
        assert_int_equal(pg_file_write_atomic(path, "first\n", 6, &err), 0);
        assert_int_equal(pg_file_write_atomic(path, "second\n", 7, &err), 0);
        umask(old);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        assert_int_equal(pg_file_read_all(path, &text, &len, &err), 0);
        assert_string_equal(text, "second\n");
        assert_int_equal(len, 7);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644); /* readable by others, like any file */
        _cleanup_free_ char *names = listing(dir);
        assert_string_equal(names, "out.json"); /* no temporary file left */
}

/* A path that cannot be written: an error naming it, and nothing left behind. */
static void atomic_write_failures(void **state)
{
        (void)state;
        _cleanup_free_ char *missing = tmp_path("no-such-dir/out.json");
        _cleanup_error_ struct pg_error *err = NULL;
        assert_int_equal(pg_file_write_atomic(missing, "x", 1, &err), -ENOENT);
        assert_non_null(strstr(err->message, missing));

        /* the target is a directory: the temporary file is written, the rename fails, and the
         * temporary file must go */
        _cleanup_free_ char *dir = tmp_path("d"), *target = tmp_path("d/out.json");
        _cleanup_error_ struct pg_error *err2 = NULL;
        assert_int_equal(mkdir(dir, 0755), 0);
        assert_int_equal(mkdir(target, 0755), 0);
        assert_true(pg_file_write_atomic(target, "x", 1, &err2) < 0);
        assert_non_null(err2);
        assert_non_null(strstr(err2->message, target));
        _cleanup_free_ char *names = listing(dir);
        assert_string_equal(names, "out.json");

        /* a file where a directory should be */
        _cleanup_free_ char *file = tmp_path("f"), *under_file = tmp_path("f/out.json");
        _cleanup_error_ struct pg_error *err3 = NULL;
        assert_int_equal(pg_file_write_atomic(file, "x", 1, NULL), 0);
        assert_int_equal(pg_file_write_atomic(under_file, "x", 1, &err3), -ENOTDIR);
}

static void read_all(void **state)
{
        (void)state;
        _cleanup_free_ char *path = tmp_path("big");
        size_t n = 100000;
        _cleanup_free_ char *data = malloc(n);
        for (size_t i = 0; i < n; i++)
                data[i] = (char)('a' + i % 26);
        assert_int_equal(pg_file_write_atomic(path, data, n, NULL), 0);
        _cleanup_free_ char *back = NULL;
        size_t len = 0;
        assert_int_equal(pg_file_read_all(path, &back, &len, NULL), 0);
        assert_int_equal(len, n);
        assert_memory_equal(back, data, n);
        assert_int_equal(back[n], '\0');

        _cleanup_error_ struct pg_error *err = NULL;
        char *none = NULL;
        assert_int_equal(pg_file_read_all("/nonexistent/x", &none, NULL, &err), -ENOENT);
        assert_null(none);
        assert_non_null(strstr(err->message, "/nonexistent/x"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(path_sibling),
            cmocka_unit_test(atomic_write_and_replace),
            cmocka_unit_test(atomic_write_failures),
            cmocka_unit_test(read_all),
        };
        return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
