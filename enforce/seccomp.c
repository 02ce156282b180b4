// SPDX-License-Identifier: MIT
/* A libseccomp filter from a profile, built the way Docker selects rules (moby/profiles
 * setupSeccomp) and runc adds them (libcontainer/seccomp matchCall), so `profgen run` denies
 * exactly what a container would. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "profgen/enforce.h"

void pg_seccomp_env_init(struct pg_seccomp_env *env)
{
        memset(env, 0, sizeof(*env));
        env->native = pg_arch_native();
}

/* Docker's name for an architecture in includes/excludes: Go's GOARCH through moby's goToNative. */
static const char *docker_arch_name(enum pg_arch a)
{
        switch (a) {
        case PG_ARCH_X86_64:
                return "amd64";
        case PG_ARCH_X86:
                return "x86";
        case PG_ARCH_X32:
                return "x32";
        case PG_ARCH_AARCH64:
                return "arm64";
        case PG_ARCH_ARM:
                return "arm";
        case PG_ARCH_RISCV64:
                return "riscv64";
        case PG_ARCH_S390X:
                return "s390x";
        case PG_ARCH_PPC64LE:
                return "ppc64le";
        case PG_ARCH_COUNT:
        case PG_ARCH_INVALID:
                break;
        }
        return "";
}

static bool strv_has(char **v, const char *s)
{
        for (; v && *v; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

/* Docker compares capability names as strings against the bounding list it wrote ("CAP_X"). */
static bool has_cap(uint64_t set, const char *name)
{
        int cap;
        if (strncmp(name, "CAP_", 4) != 0 || pg_cap_parse(name, &cap) < 0)
                return false;
        for (const char *c = name + 4; *c; c++)
                if (*c >= 'a' && *c <= 'z')
                        return false;
        return (set >> cap) & 1u;
}

/* Whether the running kernel is at least `want` ("5.8"); Docker compares major.minor only. */
static int kernel_at_least(const char *want, const char *release, bool *ret, struct pg_error **err)
{
        unsigned wmaj, wmin, kmaj, kmin;
        struct utsname u;
        if (!release) {
                if (uname(&u) < 0)
                        return pg_error_set(err, -errno, "uname: %s", strerror(errno));
                release = u.release;
        }
        if (sscanf(want, "%u.%u", &wmaj, &wmin) != 2)
                return pg_error_set(err, -EINVAL, "minKernel `%s` is not MAJOR.MINOR", want);
        if (sscanf(release, "%u.%u", &kmaj, &kmin) != 2)
                return pg_error_set(err, -EINVAL, "cannot parse kernel release `%s`", release);
        *ret = kmaj > wmaj || (kmaj == wmaj && kmin >= wmin);
        return 0;
}

int pg_seccomp_rule_applies(const struct pg_rule *rule, const struct pg_seccomp_env *env,
                            bool *ret_applies, struct pg_error **err)
{
        const char *arch = docker_arch_name(env->native);
        const struct pg_rule_filter *ex = &rule->excludes, *in = &rule->includes;
        bool ok = true, at_least;
        if (ex->arches && ex->arches[0] && strv_has(ex->arches, arch))
                ok = false;
        for (char **c = ex->caps; ok && c && *c; c++)
                if (has_cap(env->bounding, *c))
                        ok = false;
        if (ok && ex->min_kernel) {
                int r = kernel_at_least(ex->min_kernel, env->kernel, &at_least, err);
                if (r < 0)
                        return r;
                ok = !at_least;
        }
        if (ok && in->arches && in->arches[0] && !strv_has(in->arches, arch))
                ok = false;
        for (char **c = in->caps; ok && c && *c; c++)
                if (!has_cap(env->bounding, *c))
                        ok = false;
        if (ok && in->min_kernel) {
                int r = kernel_at_least(in->min_kernel, env->kernel, &at_least, err);
                if (r < 0)
                        return r;
                ok = at_least;
        }
        *ret_applies = ok;
        return 0;
}

/* A denial as the diagnostic run sees it: a TRACE stop whose data says what the profile does. */
static uint32_t diag_action(enum pg_action a, uint16_t e)
{
        switch (a) {
        case PG_ACT_KILL_THREAD:
                return SCMP_ACT_TRACE(PG_DENIAL_DATA(PG_DENIAL_KILL_THREAD, 0));
        case PG_ACT_KILL_PROCESS:
                return SCMP_ACT_TRACE(PG_DENIAL_DATA(PG_DENIAL_KILL_PROCESS, 0));
        case PG_ACT_TRAP:
                return SCMP_ACT_TRACE(PG_DENIAL_DATA(PG_DENIAL_TRAP, 0));
        case PG_ACT_ERRNO:
                return SCMP_ACT_TRACE(PG_DENIAL_DATA(PG_DENIAL_ERRNO, e));
        case PG_ACT_TRACE: /* no tracer in a container: the kernel answers ENOSYS */
                return SCMP_ACT_TRACE(PG_DENIAL_DATA(PG_DENIAL_ERRNO, ENOSYS));
        case PG_ACT_ALLOW:
        case PG_ACT_LOG:
        case PG_ACT_NOTIFY:
        case PG_ACT_COUNT:
                break;
        }
        return 0;
}

/* runc: ERRNO and TRACE without errnoRet return EPERM; other actions carry no value. */
static uint32_t scmp_action(enum pg_action a, int errno_ret, bool diagnose)
{
        uint16_t e = errno_ret == PG_ERRNO_UNSET ? EPERM : (uint16_t)errno_ret;
        uint32_t d = diagnose ? diag_action(a, e) : 0;
        if (d)
                return d;
        switch (a) {
        case PG_ACT_KILL_THREAD:
                return SCMP_ACT_KILL_THREAD;
        case PG_ACT_KILL_PROCESS:
                return SCMP_ACT_KILL_PROCESS;
        case PG_ACT_TRAP:
                return SCMP_ACT_TRAP;
        case PG_ACT_ERRNO:
                return SCMP_ACT_ERRNO(e);
        case PG_ACT_TRACE:
                return SCMP_ACT_TRACE(e);
        case PG_ACT_ALLOW:
                return SCMP_ACT_ALLOW;
        case PG_ACT_LOG:
                return SCMP_ACT_LOG;
        case PG_ACT_NOTIFY:
                return SCMP_ACT_NOTIFY;
        case PG_ACT_COUNT:
                break;
        }
        return SCMP_ACT_KILL_PROCESS;
}

static enum scmp_compare scmp_op(enum pg_cmp op)
{
        switch (op) {
        case PG_CMP_NE:
                return SCMP_CMP_NE;
        case PG_CMP_LT:
                return SCMP_CMP_LT;
        case PG_CMP_LE:
                return SCMP_CMP_LE;
        case PG_CMP_EQ:
                return SCMP_CMP_EQ;
        case PG_CMP_GE:
                return SCMP_CMP_GE;
        case PG_CMP_GT:
                return SCMP_CMP_GT;
        case PG_CMP_MASKED_EQ:
                return SCMP_CMP_MASKED_EQ;
        case PG_CMP_COUNT:
                break;
        }
        return _SCMP_CMP_MIN;
}

/* Docker's masked equality is (arg & value) == valueTwo; libseccomp's datum_a is the mask. */
static struct scmp_arg_cmp scmp_cmp(const struct pg_arg_cmp *a)
{
        struct scmp_arg_cmp c = {
            .arg = a->index, .op = scmp_op(a->op), .datum_a = a->value, .datum_b = a->value_two};
        return c;
}

static int add_rule(scmp_filter_ctx ctx, const struct pg_rule *rule, uint32_t action, int nr,
                    const char *name, struct pg_error **err)
{
        struct scmp_arg_cmp cmps[6];
        unsigned count[6] = {0};
        bool repeated = false;
        size_t n = rule->n_args;
        for (size_t i = 0; i < n; i++)
                repeated |= ++count[rule->args[i].index % 6] > 1;
        int r = 0;
        if (!repeated) {
                /* n <= 6 here: six distinct indexes at most. */
                for (size_t i = 0; i < n; i++)
                        cmps[i] = scmp_cmp(&rule->args[i]);
                r = seccomp_rule_add_array(ctx, action, nr, (unsigned)n, cmps);
        } else {
                /* runc and crun: one argument compared twice means "either" (separate rules). */
                for (size_t i = 0; i < n && r == 0; i++) {
                        cmps[0] = scmp_cmp(&rule->args[i]);
                        r = seccomp_rule_add_array(ctx, action, nr, 1, cmps);
                }
        }
        if (r < 0)
                return pg_error_set(err, r, "cannot add the rule for `%s` (%s): %s", name,
                                    pg_action_name(rule->action), strerror(-r));
        return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct pg_profile *p,
                     const struct pg_seccomp_env *env, uint32_t def, struct pg_error **err)
{
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct pg_rule *rule = &p->rules[i];
                bool applies;
                int r = pg_seccomp_rule_applies(rule, env, &applies, err);
                if (r < 0)
                        return r;
                uint32_t action = scmp_action(rule->action, rule->errno_ret, env->trace_denials);
                /* runc skips a rule whose action is the default: libseccomp refuses it. */
                if (!applies || action == def)
                        continue;
                for (char **name = rule->names; name && *name; name++) {
                        int nr = seccomp_syscall_resolve_name(*name);
                        if (nr == __NR_SCMP_ERROR) /* newer than libseccomp: runc skips it */
                                continue;
                        r = add_rule(ctx, rule, action, nr, *name, err);
                        if (r < 0) {
                                pg_error_prefix(err, "syscalls[%zu]", i);
                                return r;
                        }
                }
        }
        return 0;
}

static int add_arch(scmp_filter_ctx ctx, const char *scmp_name, struct pg_error **err)
{
        uint32_t token = pg_scmp_arch_token(scmp_name);
        if (!token) /* newer than libseccomp; the reader warned */
                return 0;
        int r = seccomp_arch_add(ctx, token);
        if (r < 0 && r != -EEXIST)
                return pg_error_set(err, r, "cannot add architecture %s: %s", scmp_name,
                                    strerror(-r));
        return 0;
}

/* `architectures` as listed; from `archMap` only the native entry and its sub-architectures. */
static int add_arches(scmp_filter_ctx ctx, const struct pg_profile *p,
                      const struct pg_seccomp_env *env, struct pg_error **err)
{
        const struct pg_arch_info *ai = pg_arch_info(env->native);
        int r = 0;
        for (char **a = p->arches; r == 0 && a && *a; a++)
                r = add_arch(ctx, *a, err);
        for (size_t i = 0; r == 0 && ai && i < p->n_arch_map; i++) {
                const struct pg_arch_map *m = &p->arch_map[i];
                if (strcmp(m->arch, ai->scmp_name) != 0)
                        continue;
                r = add_arch(ctx, m->arch, err);
                for (char **s = m->sub_arches; r == 0 && s && *s; s++)
                        r = add_arch(ctx, *s, err);
                break;
        }
        return r;
}

static int set_flags(scmp_filter_ctx ctx, const struct pg_profile *p, bool nnp,
                     struct pg_error **err)
{
        /* libseccomp sets no_new_privs itself unless told not to; Docker's default is off. */
        int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, nnp ? 1 : 0);
        for (char **f = p->flags; r == 0 && f && *f; f++) {
                if (strcmp(*f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
                        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
                else if (strcmp(*f, "SECCOMP_FILTER_FLAG_LOG") == 0)
                        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
                else if (strcmp(*f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
                else if (strcmp(*f, "SECCOMP_FILTER_FLAG_NEW_LISTENER") != 0)
                        return pg_error_set(err, -EOPNOTSUPP,
                                            "flag %s is not supported with libseccomp %s", *f,
                                            pg_libseccomp_version());
        }
        if (r < 0)
                return pg_error_set(err, r, "cannot set filter attributes: %s", strerror(-r));
        return 0;
}

int pg_seccomp_build(const struct pg_profile *p, const struct pg_seccomp_env *env,
                     scmp_filter_ctx *ret_ctx, struct pg_error **err)
{
        uint32_t def = scmp_action(p->default_action, p->default_errno, env->trace_denials);
        _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(def);
        if (!ctx)
                return pg_error_set(err, -EINVAL, "seccomp_init failed for default action %s",
                                    pg_action_name(p->default_action));
        int r = set_flags(ctx, p, env->no_new_privs, err);
        if (r == 0)
                r = add_arches(ctx, p, env, err);
        if (r == 0)
                r = add_rules(ctx, p, env, def, err);
        if (r < 0)
                return r;
        *ret_ctx = TAKE_PTR(ctx);
        return 0;
}
