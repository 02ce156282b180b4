// SPDX-License-Identifier: MIT
/* The Docker JSON writer. Fixed key order, sorted names, two-space indentation, trailing newline:
 * identical models give identical bytes, so a CI diff means something. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/fileio.h"
#include "profgen/profile.h"

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A JSON array of the strings in v; sorted (and without duplicates) when `sort` is set. */
static json_t *strv_json(char *const *v, bool sort)
{
        size_t n = 0;
        while (v && v[n])
                n++;
        _cleanup_free_ const char **copy = calloc(n + 1, sizeof(*copy));
        json_t *arr = json_array();
        if (!copy || !arr) {
                json_decref(arr);
                return NULL;
        }
        if (n > 0) /* v may be NULL (a rule without names): memcpy(dst, NULL, 0) is undefined */
                memcpy(copy, v, n * sizeof(*copy));
        if (sort)
                qsort(copy, n, sizeof(*copy), cmp_str);
        for (size_t i = 0; i < n; i++) {
                if (sort && i > 0 && strcmp(copy[i], copy[i - 1]) == 0)
                        continue;
                if (json_array_append_new(arr, json_string(copy[i])) < 0) {
                        json_decref(arr);
                        return NULL;
                }
        }
        return arr;
}

/* jansson integers are signed 64-bit; Docker's are unsigned. Values above INT64_MAX cannot be
 * written faithfully, so they are an error rather than a silently negative number. */
static int set_u64(json_t *obj, const char *key, uint64_t v, struct pg_error **err)
{
        if (v > (uint64_t)INT64_MAX)
                return pg_error_set(err, -ERANGE, "argument value %llu is too large to write",
                                    (unsigned long long)v);
        return json_object_set_new(obj, key, json_integer((json_int_t)v)) < 0 ? -ENOMEM : 0;
}

static json_t *filter_json(const struct pg_rule_filter *f)
{
        if (!f->caps && !f->arches && !f->min_kernel)
                return NULL;
        json_t *o = json_object();
        if (!o)
                return NULL;
        if (f->caps)
                json_object_set_new(o, "caps", strv_json(f->caps, true));
        if (f->arches)
                json_object_set_new(o, "arches", strv_json(f->arches, true));
        if (f->min_kernel)
                json_object_set_new(o, "minKernel", json_string(f->min_kernel));
        return o;
}

static int rule_json(const struct pg_rule *r, json_t **ret, struct pg_error **err)
{
        _cleanup_json_ json_t *o = json_object();
        if (!o)
                return -ENOMEM;
        json_object_set_new(o, "names", strv_json(r->names, true));
        json_object_set_new(o, "action", json_string(pg_action_name(r->action)));
        if (r->errno_ret != PG_ERRNO_UNSET)
                json_object_set_new(o, "errnoRet", json_integer(r->errno_ret));
        if (r->n_args > 0) {
                json_t *args = json_array();
                json_object_set_new(o, "args", args);
                for (size_t i = 0; i < r->n_args; i++) {
                        const struct pg_arg_cmp *a = &r->args[i];
                        json_t *ao = json_object();
                        json_array_append_new(args, ao);
                        json_object_set_new(ao, "index", json_integer(a->index));
                        int k = set_u64(ao, "value", a->value, err);
                        if (k == 0)
                                k = set_u64(ao, "valueTwo", a->value_two, err);
                        if (k < 0)
                                return k;
                        json_object_set_new(ao, "op", json_string(pg_cmp_name(a->op)));
                }
        }
        if (r->comment)
                json_object_set_new(o, "comment", json_string(r->comment));
        json_t *inc = filter_json(&r->includes), *exc = filter_json(&r->excludes);
        if (inc)
                json_object_set_new(o, "includes", inc);
        if (exc)
                json_object_set_new(o, "excludes", exc);
        *ret = TAKE_PTR(o);
        return 0;
}

static json_t *arch_map_json(const struct pg_profile *p)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < p->n_arch_map; i++) {
                json_t *m = json_object();
                json_object_set_new(m, "architecture", json_string(p->arch_map[i].arch));
                json_object_set_new(m, "subArchitectures",
                                    strv_json(p->arch_map[i].sub_arches, false));
                json_array_append_new(arr, m);
        }
        return arr;
}

static int profile_json(const struct pg_profile *p, json_t **ret, struct pg_error **err)
{
        _cleanup_json_ json_t *o = json_object();
        if (!o)
                return -ENOMEM;
        json_object_set_new(o, "defaultAction", json_string(pg_action_name(p->default_action)));
        if (p->default_errno != PG_ERRNO_UNSET)
                json_object_set_new(o, "defaultErrnoRet", json_integer(p->default_errno));
        if (p->arches)
                json_object_set_new(o, "architectures", strv_json(p->arches, false));
        if (p->n_arch_map > 0)
                json_object_set_new(o, "archMap", arch_map_json(p));
        if (p->flags)
                json_object_set_new(o, "flags", strv_json(p->flags, true));
        if (p->listener_path)
                json_object_set_new(o, "listenerPath", json_string(p->listener_path));
        json_t *rules = json_array();
        json_object_set_new(o, "syscalls", rules);
        for (size_t i = 0; i < p->n_rules; i++) {
                json_t *r = NULL;
                int k = rule_json(&p->rules[i], &r, err);
                if (k < 0)
                        return k;
                json_array_append_new(rules, r);
        }
        *ret = TAKE_PTR(o);
        return 0;
}

int pg_profile_to_json_string(const struct pg_profile *p, char **ret, struct pg_error **err)
{
        _cleanup_json_ json_t *o = NULL;
        int r = profile_json(p, &o, err);
        if (r < 0)
                return r == -ENOMEM ? pg_error_set(err, r, "out of memory") : r;
        _cleanup_free_ char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text)
                return pg_error_set(err, -ENOMEM, "out of memory");
        char *out = NULL;
        if (asprintf(&out, "%s\n", text) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        *ret = out;
        return 0;
}

int pg_profile_write(const struct pg_profile *p, const char *path, struct pg_error **err)
{
        _cleanup_free_ char *text = NULL;
        int r = pg_profile_to_json_string(p, &text, err);
        if (r < 0)
                return r;
        return pg_file_write_atomic(path, text, strlen(text), err);
}
