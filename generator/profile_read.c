// SPDX-License-Identifier: MIT
/* The one reader of the Docker/OCI seccomp format. It accepts what Docker (moby/profiles) and
 * Podman (containers/common) accept, and turns what they would silently mis-handle into an error
 * with the file and JSON path, so a user learns about a typo before a container does.
 * docs/profile-reader.md lists every rule. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/fileio.h"
#include "profgen/profile.h"

/* The kernel caps a seccomp errno at MAX_ERRNO; larger values cannot mean what they say. */
#define PG_ERRNO_MAX 4095
#define PG_PATH_MAX  96

struct reader {
        const char *name; /* file name for messages */
        struct pg_profile *p;
        struct pg_error **err;
        struct pg_rule *newer; /* scratch: names newer than libseccomp, one warning at the end */
};

static int rd_fail(const struct reader *rd, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int rd_fail(const struct reader *rd, const char *path, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return pg_error_set(rd->err, -ENOMEM, "out of memory");
        return pg_error_set_at(rd->err, -EINVAL, rd->name, 0, 0, "%s: %s: %s", rd->name,
                               path[0] ? path : "(top level)", msg);
}

/* buf = base + suffix ("syscalls[3]" + ".args[0]"); a key below the top level gets no dot. Paths
 * longer than PG_PATH_MAX are cut, which only shortens a message. */
static const char *subpath(char *buf, const char *base, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *subpath(char *buf, const char *base, const char *fmt, ...)
{
        size_t n = strlen(base);
        if (n >= PG_PATH_MAX)
                n = PG_PATH_MAX - 1;
        memcpy(buf, base, n);
        va_list ap;
        va_start(ap, fmt);
        if (n == 0 && fmt[0] == '.')
                vsnprintf(buf, PG_PATH_MAX, fmt + 1, ap);
        else
                vsnprintf(buf + n, PG_PATH_MAX - n, fmt, ap);
        va_end(ap);
        return buf;
}

static int rd_nomem(const struct reader *rd)
{
        return pg_error_set(rd->err, -ENOMEM, "out of memory");
}

static const char *json_type_name(const json_t *j)
{
        switch (json_typeof(j)) {
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
                return "an integer";
        case JSON_REAL:
                return "a number with a fraction";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        case JSON_NULL:
                return "null";
        }
        return "a value";
}

static int rd_type(const struct reader *rd, const char *path, const json_t *j, const char *want)
{
        return rd_fail(rd, path, "must be %s, not %s", want, json_type_name(j));
}

/* Docker decodes with Go's encoding/json, which ignores keys it does not know. So do we, but a
 * misspelt key usually means a rule that does not do what its author thinks: say so. */
static int check_keys(const struct reader *rd, json_t *obj, const char *path,
                      const char *const *known)
{
        const char *key;
        json_t *v;
        json_object_foreach(obj, key, v)
        {
                bool found = false;
                for (const char *const *k = known; *k && !found; k++)
                        found = strcmp(*k, key) == 0;
                if (!found &&
                    pg_profile_add_warning(rd->p, "%s: %s%s%s: unknown key `%s` ignored", rd->name,
                                           path, path[0] ? "." : "", key, key) < 0)
                        return rd_nomem(rd);
        }
        return 0;
}

/* An optional string; null counts as absent, as in Go. */
static int get_string(const struct reader *rd, json_t *obj, const char *key, const char *path,
                      const char **ret)
{
        json_t *v = json_object_get(obj, key);
        *ret = NULL;
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_string(v)) {
                char sub[PG_PATH_MAX];
                subpath(sub, path, ".%s", key);
                return rd_type(rd, sub, v, "a string");
        }
        *ret = json_string_value(v);
        return 0;
}

/* An array of strings (or null) into a NULL-terminated vector; NULL when absent or null. */
static int read_strv(const struct reader *rd, json_t *arr, const char *path, char ***ret)
{
        *ret = NULL;
        if (!arr || json_is_null(arr))
                return 0;
        if (!json_is_array(arr))
                return rd_type(rd, path, arr, "an array of strings");
        size_t n = json_array_size(arr), i;
        _cleanup_strv_ char **v = calloc(n + 1, sizeof(*v));
        if (!v)
                return rd_nomem(rd);
        json_t *s;
        json_array_foreach(arr, i, s)
        {
                char sub[PG_PATH_MAX];
                subpath(sub, path, "[%zu]", i);
                if (!json_is_string(s))
                        return rd_type(rd, sub, s, "a string");
                v[i] = strdup(json_string_value(s));
                if (!v[i])
                        return rd_nomem(rd);
        }
        *ret = TAKE_PTR(v);
        return 0;
}

/* Go's uint for the field: an integer in [0, max]. */
static int get_uint(const struct reader *rd, json_t *v, const char *path, uint64_t max,
                    uint64_t *ret)
{
        if (!json_is_integer(v))
                return rd_type(rd, path, v, "a non-negative integer");
        json_int_t i = json_integer_value(v);
        if (i < 0)
                return rd_fail(rd, path, "must not be negative, is %lld", (long long)i);
        if ((uint64_t)i > max)
                return rd_fail(rd, path, "%lld is above the maximum %llu", (long long)i,
                               (unsigned long long)max);
        *ret = (uint64_t)i;
        return 0;
}

/* "EPERM" -> 1, for Podman's "errno"/"defaultErrno" strings. */
static int errno_from_name(const char *name)
{
        for (int e = 1; e <= PG_ERRNO_MAX; e++) {
                const char *n = strerrorname_np(e);
                if (n && strcmp(n, name) == 0)
                        return e;
        }
        return -1;
}

/* errnoRet (Docker) and errno (Podman's string twin); both absent leaves PG_ERRNO_UNSET. */
static int read_errno(const struct reader *rd, json_t *obj, const char *path, const char *num_key,
                      const char *name_key, int *ret)
{
        char sub[PG_PATH_MAX];
        const char *name = NULL;
        uint64_t num = 0;
        json_t *v = json_object_get(obj, num_key);
        bool have_num = v && !json_is_null(v);
        subpath(sub, path, ".%s", num_key);
        int r = have_num ? get_uint(rd, v, sub, PG_ERRNO_MAX, &num) : 0;
        if (r == 0)
                r = get_string(rd, obj, name_key, path, &name);
        if (r < 0)
                return r;
        *ret = have_num ? (int)num : PG_ERRNO_UNSET;
        if (!name || !name[0])
                return 0;
        subpath(sub, path, ".%s", name_key);
        int e = errno_from_name(name);
        if (e < 0)
                return rd_fail(rd, sub, "unknown errno name `%s`", name);
        if (have_num && (int)num != e)
                return rd_fail(rd, sub, "`%s` is %d but %s says %d", name, e, num_key, (int)num);
        *ret = e;
        return 0;
}

static int read_action(const struct reader *rd, json_t *obj, const char *path, const char *key,
                       enum pg_action *ret)
{
        char sub[PG_PATH_MAX];
        subpath(sub, path, ".%s", key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return rd_fail(rd, sub, "missing (an action such as SCMP_ACT_ALLOW is required)");
        if (!json_is_string(v))
                return rd_type(rd, sub, v, "a string");
        if (pg_action_parse(json_string_value(v), ret) < 0)
                return rd_fail(rd, sub,
                               "unknown action `%s` (one of SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, "
                               "SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, "
                               "SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)",
                               json_string_value(v));
        return 0;
}

static int read_arg(const struct reader *rd, json_t *o, const char *path, struct pg_arg_cmp *a)
{
        static const char *const known[] = {"index", "value", "valueTwo", "op", NULL};
        char sub[PG_PATH_MAX];
        if (!json_is_object(o))
                return rd_type(rd, path, o, "an object");
        int r = check_keys(rd, o, path, known);
        if (r < 0)
                return r;
        const char *fields[] = {"index", "value", "valueTwo"};
        uint64_t vals[3] = {0, 0, 0};
        for (size_t i = 0; i < 3; i++) {
                json_t *v = json_object_get(o, fields[i]);
                subpath(sub, path, ".%s", fields[i]);
                if (!v && i < 2)
                        return rd_fail(rd, sub, "missing");
                if (v && (r = get_uint(rd, v, sub, i == 0 ? 5 : UINT64_MAX, &vals[i])) < 0)
                        return r;
        }
        const char *op = NULL;
        subpath(sub, path, ".op");
        if ((r = get_string(rd, o, "op", path, &op)) < 0)
                return r;
        if (!op)
                return rd_fail(rd, sub, "missing (an operator such as SCMP_CMP_EQ is required)");
        if (pg_cmp_parse(op, &a->op) < 0)
                return rd_fail(rd, sub,
                               "unknown operator `%s` (one of SCMP_CMP_NE, SCMP_CMP_LT, "
                               "SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
                               "SCMP_CMP_MASKED_EQ)",
                               op);
        a->index = (unsigned)vals[0];
        a->value = vals[1];
        a->value_two = vals[2];
        return 0;
}

static int read_args(const struct reader *rd, json_t *arr, const char *path, struct pg_rule *rule)
{
        if (!arr || json_is_null(arr))
                return 0;
        if (!json_is_array(arr))
                return rd_type(rd, path, arr, "an array");
        size_t n = json_array_size(arr), i;
        if (n == 0)
                return 0;
        rule->args = calloc(n, sizeof(*rule->args));
        if (!rule->args)
                return rd_nomem(rd);
        json_t *a;
        json_array_foreach(arr, i, a)
        {
                char sub[PG_PATH_MAX];
                subpath(sub, path, "[%zu]", i);
                int r = read_arg(rd, a, sub, &rule->args[i]);
                if (r < 0)
                        return r;
                rule->n_args = i + 1;
        }
        return 0;
}

/* Docker's arch names for includes/excludes (Go's GOARCH mapped by moby's goToNative). */
static const char *const docker_arches[] = {
    "amd64",     "x86",      "x32",         "arm64",   "arm",  "ppc64le", "ppc64",
    "ppc",       "s390x",    "s390",        "riscv64", "mips", "mipsel",  "mips64",
    "mips64n32", "mipsel64", "mipsel64n32", "loong64", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
        for (; *list; list++)
                if (strcmp(*list, s) == 0)
                        return true;
        return false;
}

static int check_filter(const struct reader *rd, const struct pg_rule_filter *f, const char *path)
{
        for (char **a = f->arches; a && *a; a++)
                if (!in_list(docker_arches, *a) &&
                    pg_profile_add_warning(rd->p,
                                           "%s: %s.arches: `%s` is not an architecture Docker "
                                           "knows (amd64, arm64, x86, ...): it never matches",
                                           rd->name, path, *a) < 0)
                        return rd_nomem(rd);
        for (char **c = f->caps; c && *c; c++) {
                cap_value_t cv;
                bool ok = strncmp(*c, "CAP_", 4) == 0 && cap_from_name(*c, &cv) == 0;
                if (!ok && pg_profile_add_warning(rd->p,
                                                  "%s: %s.caps: `%s` is not a capability name "
                                                  "like CAP_SYS_ADMIN: it never matches",
                                                  rd->name, path, *c) < 0)
                        return rd_nomem(rd);
        }
        if (f->min_kernel) {
                unsigned maj, min;
                char end;
                if (sscanf(f->min_kernel, "%u.%u%c", &maj, &min, &end) != 2)
                        return rd_fail(rd, path, "minKernel `%s` is not MAJOR.MINOR like 5.8",
                                       f->min_kernel);
        }
        return 0;
}

static int read_filter(const struct reader *rd, json_t *o, const char *path,
                       struct pg_rule_filter *f)
{
        static const char *const known[] = {"caps", "arches", "minKernel", NULL};
        char sub[PG_PATH_MAX];
        const char *mk = NULL;
        if (!o || json_is_null(o))
                return 0;
        if (!json_is_object(o))
                return rd_type(rd, path, o, "an object");
        int r = check_keys(rd, o, path, known);
        subpath(sub, path, ".caps");
        if (r == 0)
                r = read_strv(rd, json_object_get(o, "caps"), sub, &f->caps);
        subpath(sub, path, ".arches");
        if (r == 0)
                r = read_strv(rd, json_object_get(o, "arches"), sub, &f->arches);
        if (r == 0)
                r = get_string(rd, o, "minKernel", path, &mk);
        if (r < 0)
                return r;
        if (mk && mk[0] && !(f->min_kernel = strdup(mk)))
                return rd_nomem(rd);
        return check_filter(rd, f, path);
}

/* Known to the linked libseccomp on some architecture (pseudo numbers count: "mmap2" is a real
 * name that simply does not exist on x86_64). */
static bool libseccomp_knows(const char *name)
{
        return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

static int check_name(const struct reader *rd, const char *path, const char *name)
{
        if (libseccomp_knows(name))
                return 0;
        if (pg_syscall_is_newer(name)) {
                /* Docker's own profile names a dozen: one line, not a screenful. */
                for (char **n = rd->newer->names; n && *n; n++)
                        if (strcmp(*n, name) == 0)
                                return 0;
                return pg_rule_add_name(rd->newer, name) < 0 ? rd_nomem(rd) : 0;
        }
        const char *hint = pg_syscall_suggest(name);
        return rd_fail(rd, path, "unknown syscall name `%s` (libseccomp %s does not know it%s%s%s)",
                       name, pg_libseccomp_version(), hint ? "; did you mean `" : "",
                       hint ? hint : "", hint ? "`?" : "");
}

static int read_names(const struct reader *rd, json_t *o, const char *path, struct pg_rule *rule)
{
        char sub[PG_PATH_MAX];
        const char *single = NULL;
        int r = get_string(rd, o, "name", path, &single);
        subpath(sub, path, ".names");
        if (r == 0)
                r = read_strv(rd, json_object_get(o, "names"), sub, &rule->names);
        if (r < 0)
                return r;
        bool deprecated = single && single[0];
        if (deprecated) {
                if (rule->names && rule->names[0])
                        return rd_fail(rd, path, "both `name` and `names` are set: use `names`");
                if (pg_rule_add_name(rule, single) < 0)
                        return rd_nomem(rd);
        }
        for (size_t i = 0; rule->names && rule->names[i]; i++) {
                if (deprecated)
                        subpath(sub, path, ".name");
                else
                        subpath(sub, path, ".names[%zu]", i);
                if ((r = check_name(rd, sub, rule->names[i])) < 0)
                        return r;
        }
        return 0;
}

static int read_rule(const struct reader *rd, json_t *o, size_t idx)
{
        static const char *const known[] = {"name", "names",   "action",   "errnoRet", "errno",
                                            "args", "comment", "includes", "excludes", NULL};
        char path[PG_PATH_MAX], sub[PG_PATH_MAX];
        snprintf(path, sizeof(path), "syscalls[%zu]", idx);
        if (!json_is_object(o))
                return rd_type(rd, path, o, "an object");
        enum pg_action action;
        int r = check_keys(rd, o, path, known);
        if (r == 0)
                r = read_action(rd, o, path, "action", &action);
        if (r < 0)
                return r;
        struct pg_rule *rule = pg_profile_add_rule(rd->p, action);
        if (!rule)
                return rd_nomem(rd);
        const char *comment = NULL;
        r = read_names(rd, o, path, rule);
        if (r == 0)
                r = read_errno(rd, o, path, "errnoRet", "errno", &rule->errno_ret);
        subpath(sub, path, ".args");
        if (r == 0)
                r = read_args(rd, json_object_get(o, "args"), sub, rule);
        if (r == 0)
                r = get_string(rd, o, "comment", path, &comment);
        subpath(sub, path, ".includes");
        if (r == 0)
                r = read_filter(rd, json_object_get(o, "includes"), sub, &rule->includes);
        subpath(sub, path, ".excludes");
        if (r == 0)
                r = read_filter(rd, json_object_get(o, "excludes"), sub, &rule->excludes);
        if (r < 0)
                return r;
        if (comment && comment[0] && !(rule->comment = strdup(comment)))
                return rd_nomem(rd);
        /* runc and crun use errnoRet only for ERRNO and TRACE; elsewhere it does nothing. */
        if (rule->errno_ret != PG_ERRNO_UNSET && action != PG_ACT_ERRNO && action != PG_ACT_TRACE &&
            pg_profile_add_warning(rd->p, "%s: %s.errnoRet: ignored for %s", rd->name, path,
                                   pg_action_name(action)) < 0)
                return rd_nomem(rd);
        return 0;
}

uint32_t pg_scmp_arch_token(const char *name)
{
        char low[32];
        size_t n = strlen(name);
        if (strncmp(name, "SCMP_ARCH_", 10) != 0 || n - 10 >= sizeof(low))
                return 0;
        for (size_t i = 10; i <= n; i++)
                low[i - 10] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
        return seccomp_arch_resolve_name(low);
}

/* Architectures newer libseccomp releases added (2.6: loongarch64, m68k, sh): real, just not
 * loadable here, so a warning like a newer syscall name. */
static const char *const newer_arches[] = {
    "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", NULL,
};

static int check_arch(const struct reader *rd, const char *arch, const char *path)
{
        if (pg_scmp_arch_token(arch))
                return 0;
        if (in_list(newer_arches, arch))
                return pg_profile_add_warning(rd->p,
                                              "%s: %s: `%s` is newer than libseccomp %s: it is "
                                              "skipped",
                                              rd->name, path, arch, pg_libseccomp_version()) < 0
                           ? rd_nomem(rd)
                           : 0;
        return rd_fail(rd, path,
                       "unknown architecture `%s` (SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ... as "
                       "libseccomp %s names them)",
                       arch, pg_libseccomp_version());
}

static int check_arches(const struct reader *rd, char **arches, const char *path)
{
        for (size_t i = 0; arches && arches[i]; i++) {
                char sub[PG_PATH_MAX];
                int r = check_arch(rd, arches[i], subpath(sub, path, "[%zu]", i));
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_arch_map_entry(const struct reader *rd, json_t *o, const char *path,
                               struct pg_arch_map *m)
{
        static const char *const known[] = {"architecture", "subArchitectures", NULL};
        char sub[PG_PATH_MAX];
        const char *arch = NULL;
        if (!json_is_object(o))
                return rd_type(rd, path, o, "an object");
        int r = check_keys(rd, o, path, known);
        if (r == 0)
                r = get_string(rd, o, "architecture", path, &arch);
        if (r < 0)
                return r;
        subpath(sub, path, ".architecture");
        if (!arch)
                return rd_fail(rd, sub, "missing");
        if ((r = check_arch(rd, arch, sub)) < 0)
                return r;
        if (!(m->arch = strdup(arch)))
                return rd_nomem(rd);
        subpath(sub, path, ".subArchitectures");
        r = read_strv(rd, json_object_get(o, "subArchitectures"), sub, &m->sub_arches);
        return r < 0 ? r : check_arches(rd, m->sub_arches, sub);
}

static int read_arch_map(const struct reader *rd, json_t *arr)
{
        if (!arr || json_is_null(arr))
                return 0;
        if (!json_is_array(arr))
                return rd_type(rd, "archMap", arr, "an array");
        size_t n = json_array_size(arr), i;
        if (n == 0)
                return 0;
        rd->p->arch_map = calloc(n, sizeof(*rd->p->arch_map));
        if (!rd->p->arch_map)
                return rd_nomem(rd);
        json_t *o;
        json_array_foreach(arr, i, o)
        {
                char path[PG_PATH_MAX];
                snprintf(path, sizeof(path), "archMap[%zu]", i);
                rd->p->n_arch_map = i + 1;
                int r = read_arch_map_entry(rd, o, path, &rd->p->arch_map[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Flag names runc, crun and libseccomp agree on. */
static const char *const known_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_NEW_LISTENER",
    "SECCOMP_FILTER_FLAG_TSYNC_ESRCH",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

static int read_header(const struct reader *rd, json_t *root)
{
        struct pg_profile *p = rd->p;
        const char *listener = NULL;
        int r = read_action(rd, root, "", "defaultAction", &p->default_action);
        if (r == 0)
                r = read_errno(rd, root, "", "defaultErrnoRet", "defaultErrno", &p->default_errno);
        if (r == 0)
                r = read_strv(rd, json_object_get(root, "architectures"), "architectures",
                              &p->arches);
        if (r == 0)
                r = check_arches(rd, p->arches, "architectures");
        if (r == 0)
                r = read_arch_map(rd, json_object_get(root, "archMap"));
        if (r == 0)
                r = read_strv(rd, json_object_get(root, "flags"), "flags", &p->flags);
        if (r == 0)
                r = get_string(rd, root, "listenerPath", "", &listener);
        if (r < 0)
                return r;
        if (p->arches && p->arches[0] && p->n_arch_map > 0)
                return rd_fail(rd, "archMap",
                               "both `architectures` and `archMap` are set: use one of them");
        for (size_t i = 0; p->flags && p->flags[i]; i++)
                if (!in_list(known_flags, p->flags[i])) {
                        char sub[PG_PATH_MAX];
                        snprintf(sub, sizeof(sub), "flags[%zu]", i);
                        return rd_fail(rd, sub, "unknown flag `%s`", p->flags[i]);
                }
        if (listener && listener[0] && !(p->listener_path = strdup(listener)))
                return rd_nomem(rd);
        return 0;
}

static int read_profile(const struct reader *rd, json_t *root)
{
        static const char *const known[] = {
            "defaultAction", "defaultErrnoRet", "defaultErrno",     "architectures", "archMap",
            "flags",         "listenerPath",    "listenerMetadata", "syscalls",      NULL,
        };
        if (!json_is_object(root))
                return rd_type(rd, "", root, "an object");
        int r = check_keys(rd, root, "", known);
        if (r == 0)
                r = read_header(rd, root);
        if (r < 0)
                return r;
        json_t *rules = json_object_get(root, "syscalls"), *o;
        if (!rules || json_is_null(rules))
                return 0;
        if (!json_is_array(rules))
                return rd_type(rd, "syscalls", rules, "an array");
        size_t i;
        json_array_foreach(rules, i, o)
        {
                if ((r = read_rule(rd, o, i)) < 0)
                        return r;
        }
        return 0;
}

static int warn_newer(const struct reader *rd, char **names)
{
        _cleanup_free_ char *list = NULL;
        size_t n = 0;
        for (; names[n]; n++) {
                char *joined = NULL;
                if (asprintf(&joined, "%s%s%s", list ? list : "", list ? ", " : "", names[n]) < 0)
                        return rd_nomem(rd);
                free(list);
                list = joined;
        }
        if (pg_profile_add_warning(rd->p,
                                   "%s: %zu syscall name%s newer than libseccomp %s, skipped as "
                                   "runc and crun skip them: %s",
                                   rd->name, n, n == 1 ? " is" : "s are", pg_libseccomp_version(),
                                   list) < 0)
                return rd_nomem(rd);
        return 0;
}

int pg_profile_parse(const char *text, size_t len, const char *name, struct pg_profile **ret,
                     struct pg_error **err)
{
        json_error_t jerr;
        if (!name)
                name = "<profile>";
        _cleanup_json_ json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
        if (!root)
                return pg_error_set_at(err, -EINVAL, name, jerr.line > 0 ? jerr.line : 1,
                                       jerr.column > 0 ? jerr.column : 1, "invalid JSON: %s",
                                       jerr.text);
        _cleanup_profile_ struct pg_profile *p = NULL;
        if (pg_profile_new(&p) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        struct pg_rule newer = {0};
        struct reader rd = {.name = name, .p = p, .err = err, .newer = &newer};
        int r = read_profile(&rd, root);
        if (r == 0 && newer.names)
                r = warn_newer(&rd, newer.names);
        pg_strv_free(newer.names);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(p);
        return 0;
}

int pg_profile_read(const char *path, struct pg_profile **ret, struct pg_error **err)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = pg_file_read_all(path, &text, &len, err);
        if (r < 0)
                return r;
        return pg_profile_parse(text, len, path, ret, err);
}

int pg_profile_add_warning(struct pg_profile *p, const char *fmt, ...)
{
        char *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        size_t n = 0;
        while (p->warnings && p->warnings[n])
                n++;
        char **nv = realloc(p->warnings, (n + 2) * sizeof(*nv));
        if (!nv) {
                free(msg);
                return -ENOMEM;
        }
        nv[n] = msg;
        nv[n + 1] = NULL;
        p->warnings = nv;
        return 0;
}

const char *pg_libseccomp_version(void)
{
        static char buf[32];
        const struct scmp_version *v = seccomp_version();
        snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
        return buf;
}
