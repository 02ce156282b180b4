/* SPDX-License-Identifier: MIT */
/* Scope-bound ownership: a variable declared with one of these is released when it leaves scope,
 * unless TAKE_PTR/TAKE_FD handed it on. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void pg_freep(void *p)
{
        free(*(void **)p);
}

static inline void pg_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline void pg_fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

/* Frees a NULL-terminated array of strings and the array itself. */
static inline void pg_strv_free(char **v)
{
        if (!v)
                return;
        for (char **s = v; *s; s++)
                free(*s);
        free(v);
}

static inline void pg_strv_freep(char ***v)
{
        pg_strv_free(*v);
}

#define _cleanup_(f)     __attribute__((cleanup(f)))
#define _cleanup_free_   _cleanup_(pg_freep)
#define _cleanup_close_  _cleanup_(pg_closep)
#define _cleanup_fclose_ _cleanup_(pg_fclosep)
#define _cleanup_strv_   _cleanup_(pg_strv_freep)

/* Declares a cleanup function for a type whose free function takes the pointer itself. */
#define PG_DEFINE_TRIVIAL_CLEANUP(type, func)                                                      \
        static inline void func##p(type *p)                                                        \
        {                                                                                          \
                if (*p)                                                                            \
                        func(*p);                                                                  \
        }

/* Hands ownership on: returns the pointer and clears the variable so its cleanup does nothing. */
#define TAKE_PTR(p)                                                                                \
        ({                                                                                         \
                __typeof__(p) *_pp = &(p);                                                         \
                __typeof__(p) _tmp = *_pp;                                                         \
                *_pp = NULL;                                                                       \
                _tmp;                                                                              \
        })

#define TAKE_FD(fd)                                                                                \
        ({                                                                                         \
                int *_pfd = &(fd);                                                                 \
                int _tmp = *_pfd;                                                                  \
                *_pfd = -1;                                                                        \
                _tmp;                                                                              \
        })

/* jansson, libseccomp and libcap handles */
#include <jansson.h>
#include <seccomp.h>
#include <sys/capability.h>

static inline void pg_json_decrefp(json_t **j)
{
        json_decref(*j);
}
static inline void pg_seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx)
                seccomp_release(*ctx);
}
static inline void pg_cap_freep(cap_t *c)
{
        if (*c)
                cap_free(*c);
}
#define _cleanup_json_    _cleanup_(pg_json_decrefp)
#define _cleanup_seccomp_ _cleanup_(pg_seccomp_releasep)
#define _cleanup_cap_     _cleanup_(pg_cap_freep)
