// SPDX-License-Identifier: MIT
#include "profgen/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int error_vset(struct pg_error **ret_err, int code, const char *file, int line, int column,
                      const char *fmt, va_list ap)
{
        if (!ret_err || *ret_err)
                return code;
        struct pg_error *e = calloc(1, sizeof(*e));
        if (!e)
                return code;
        e->code = code;
        e->line = line;
        e->column = column;
        if (vasprintf(&e->message, fmt, ap) < 0)
                e->message = NULL;
        e->file = file ? strdup(file) : NULL;
        *ret_err = e;
        return code;
}

int pg_error_set(struct pg_error **ret_err, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = error_vset(ret_err, code, NULL, 0, 0, fmt, ap);
        va_end(ap);
        return r;
}

int pg_error_set_at(struct pg_error **ret_err, int code, const char *file, int line, int column,
                    const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = error_vset(ret_err, code, file, line, column, fmt, ap);
        va_end(ap);
        return r;
}

void pg_error_prefix(struct pg_error **err, const char *fmt, ...)
{
        if (!err || !*err)
                return;
        char *prefix = NULL, *joined = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&prefix, fmt, ap);
        va_end(ap);
        if (r < 0)
                return;
        if (asprintf(&joined, "%s: %s", prefix, (*err)->message ? (*err)->message : "") >= 0) {
                free((*err)->message);
                (*err)->message = joined;
        }
        free(prefix);
}

void pg_error_free(struct pg_error *err)
{
        if (!err)
                return;
        free(err->message);
        free(err->file);
        free(err);
}
