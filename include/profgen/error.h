/* SPDX-License-Identifier: MIT */
/* Error context. Library functions return a negative errno; where a message helps the user they
 * also fill an optional `struct pg_error **` (NULL means the caller does not want it). Only the CLI
 * prints. */
#pragma once

#include <stdarg.h>

struct pg_error {
        int code;      /* negative errno */
        char *message; /* complete, human-readable: "open `x.json`: No such file or directory" */
        char *file;    /* input file the error is about, or NULL */
        int line;      /* 1-based line in file, 0 when unknown */
        int column;    /* 1-based column in file, 0 when unknown */
};

/* Sets *ret_err (when ret_err is not NULL and *ret_err is still NULL) and returns code, so that
 * `return pg_error_set(err, -EINVAL, "...")` reads naturally. A first error is never overwritten:
 * the innermost context is the most precise. */
int pg_error_set(struct pg_error **ret_err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like pg_error_set, with the input file position the error is about. */
int pg_error_set_at(struct pg_error **ret_err, int code, const char *file, int line, int column,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Prefixes context to an existing message ("reading profile `p.json`: ..."); no-op when unset. */
void pg_error_prefix(struct pg_error **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void pg_error_free(struct pg_error *err);

static inline void pg_error_freep(struct pg_error **err)
{
        pg_error_free(*err);
}
#define _cleanup_error_ __attribute__((cleanup(pg_error_freep)))
