// SPDX-License-Identifier: MIT
/* merge: property tests over random profiles (a fixed seed, many iterations) and conflicts. The
 * random profiles use every part of the model: several architectures, archMap, flags, actions with
 * and without errnos, argument conditions, includes/excludes and comments. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "profgen/cleanup.h"
#include "profgen/diff.h"
#include "profgen/merge.h"
#include "profgen/profile.h"

#include <linux/capability.h>

#define ITERATIONS 400

static uint64_t rng_state;

/* xorshift64*: the same sequence on every libc. */
static uint32_t rnd(uint32_t n)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static const char *const names[] = {"read",   "write", "openat", "close", "mmap",   "socket",
                                    "bind",   "ioctl", "fcntl",  "kill",  "ptrace", "clone",
                                    "execve", "futex", "brk",    "prctl", "mount",  "chown"};
#define N_NAMES (sizeof(names) / sizeof(names[0]))
static const char *const arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                                     "SCMP_ARCH_AARCH64"};
static const char *const flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};

/* The outcome a (name, conditional?) pair always gets, so random profiles never conflict. */
static void outcome_of(size_t name, bool conditional, struct pg_rule *r)
{
        static const enum pg_action acts[] = {PG_ACT_ALLOW, PG_ACT_ALLOW, PG_ACT_ERRNO, PG_ACT_LOG,
                                              PG_ACT_TRAP};
        size_t k = (name * 7 + (conditional ? 3 : 0)) % 5;
        r->action = acts[k];
        r->errno_ret =
            r->action == PG_ACT_ERRNO ? (name % 2 ? EPERM : PG_ERRNO_UNSET) : PG_ERRNO_UNSET;
}

static char **strv_of(const char *a, const char *b)
{
        char **v = calloc(3, sizeof(*v));
        assert_non_null(v);
        v[0] = strdup(a);
        v[1] = b ? strdup(b) : NULL;
        return v;
}

static void random_args(struct pg_rule *r)
{
        r->n_args = 1 + rnd(2);
        r->args = calloc(r->n_args, sizeof(*r->args));
        assert_non_null(r->args);
        for (size_t i = 0; i < r->n_args; i++) {
                r->args[i].index = rnd(3);
                r->args[i].op = rnd(2) ? PG_CMP_EQ : PG_CMP_MASKED_EQ;
                r->args[i].value = rnd(3);
                r->args[i].value_two = rnd(2);
        }
}

static void random_rule(struct pg_profile *p)
{
        size_t first = rnd(N_NAMES);
        bool conditional = rnd(4) == 0;
        struct pg_rule *r = pg_profile_add_rule(p, PG_ACT_ALLOW);
        assert_non_null(r);
        outcome_of(first, conditional, r);
        /* Every name of a rule shares the first one's outcome class. */
        for (size_t n = first; n < N_NAMES; n += 5 * (1 + rnd(2)))
                assert_int_equal(pg_rule_add_name(r, names[n]), 0);
        if (conditional)
                random_args(r);
        if (rnd(8) == 0)
                r->includes.caps = strv_of("CAP_SYS_ADMIN", NULL);
        if (rnd(8) == 0)
                r->excludes.arches = strv_of(rnd(2) ? "x86" : "amd64", NULL);
        if (rnd(5) == 0)
                r->comment = strdup(rnd(2) ? "first" : "second");
}

static struct pg_profile *random_profile(void)
{
        struct pg_profile *p = NULL;
        assert_int_equal(pg_profile_new(&p), 0);
        p->default_errno = ENOSYS;
        /* Docker takes `architectures` or `archMap`, never both. */
        if (rnd(4) != 0) {
                for (size_t i = 0; i < 4; i++)
                        if (i == 0 || rnd(3) == 0)
                                assert_int_equal(pg_profile_add_arch(p, arches[rnd(4)]), 0);
        } else {
                p->arch_map = calloc(1, sizeof(*p->arch_map));
                p->n_arch_map = 1;
                p->arch_map[0].arch = strdup("SCMP_ARCH_X86_64");
                p->arch_map[0].sub_arches =
                    strv_of(rnd(2) ? "SCMP_ARCH_X86" : "SCMP_ARCH_X32", NULL);
        }
        if (rnd(3) == 0)
                p->flags = strv_of(flags[rnd(2)], NULL);
        for (size_t n = 1 + rnd(6); n > 0; n--)
                random_rule(p);
        return p;
}

static const char *const labels[] = {"a.json", "b.json", "c.json", "d.json"};

static struct pg_profile *merge_of(const struct pg_profile *const *in, size_t n)
{
        struct pg_profile *m = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        int r = pg_profile_merge(in, labels, n, &m, &err);
        if (r < 0)
                fail_msg("merge failed: %s", err && err->message ? err->message : "?");
        return m;
}

static char *text_of(const struct pg_profile *p)
{
        char *text = NULL;
        assert_int_equal(pg_profile_to_json_string(p, &text, NULL), 0);
        return text;
}

/* merge(x, y) as written. */
static char *merge2(const struct pg_profile *x, const struct pg_profile *y)
{
        const struct pg_profile *in[] = {x, y};
        _cleanup_profile_ struct pg_profile *m = merge_of(in, 2);
        return text_of(m);
}

static size_t diff_count(const struct pg_profile *x, const struct pg_profile *y, int change)
{
        _cleanup_diff_ struct pg_diff *d = NULL;
        assert_int_equal(pg_diff_profiles(x, y, &d, NULL), 0);
        size_t n = 0;
        for (size_t i = 0; i < d->n; i++)
                n += change < 0 || d->v[i].change == (enum pg_diff_change)change;
        return n;
}

static void commutative(void **state)
{
        (void)state;
        rng_state = 0x9e3779b97f4a7c15ULL;
        for (int it = 0; it < ITERATIONS; it++) {
                _cleanup_profile_ struct pg_profile *a = random_profile(), *b = random_profile();
                _cleanup_free_ char *ab = merge2(a, b), *ba = merge2(b, a);
                assert_string_equal(ab, ba);
        }
}

static void associative(void **state)
{
        (void)state;
        rng_state = 0x1234567887654321ULL;
        for (int it = 0; it < ITERATIONS; it++) {
                _cleanup_profile_ struct pg_profile *a = random_profile(), *b = random_profile(),
                                                    *c = random_profile();
                const struct pg_profile *ab_in[] = {a, b}, *bc_in[] = {b, c}, *all[] = {a, b, c};
                _cleanup_profile_ struct pg_profile *ab = merge_of(ab_in, 2),
                                                    *bc = merge_of(bc_in, 2);
                _cleanup_profile_ struct pg_profile *flat = merge_of(all, 3);
                _cleanup_free_ char *left = merge2(ab, c), *right = merge2(a, bc);
                _cleanup_free_ char *flat_text = text_of(flat);
                assert_string_equal(left, right);
                assert_string_equal(left, flat_text);
        }
}

static void idempotent(void **state)
{
        (void)state;
        rng_state = 0x0badc0ffee0ddf00ULL;
        for (int it = 0; it < ITERATIONS; it++) {
                _cleanup_profile_ struct pg_profile *a = random_profile();
                const struct pg_profile *one[] = {a};
                _cleanup_profile_ struct pg_profile *canon = merge_of(one, 1);
                _cleanup_free_ char *aa = merge2(a, a), *canon_text = text_of(canon);
                _cleanup_free_ char *again = merge2(canon, a);
                assert_string_equal(aa, canon_text);
                assert_string_equal(again, canon_text);
                /* The canonical form means what the input meant. */
                assert_int_equal(diff_count(a, canon, -1), 0);
                assert_int_equal(diff_count(canon, a, -1), 0);
        }
}

/* A union never loses anything, and survives being written and read back. */
static void union_keeps_and_round_trips(void **state)
{
        (void)state;
        rng_state = 0x5eed5eed5eed5eedULL;
        for (int it = 0; it < ITERATIONS; it++) {
                _cleanup_profile_ struct pg_profile *a = random_profile(), *b = random_profile();
                const struct pg_profile *in[] = {a, b};
                _cleanup_profile_ struct pg_profile *ab = merge_of(in, 2), *back = NULL;
                assert_int_equal(diff_count(a, ab, PG_DIFF_REMOVED), 0);
                assert_int_equal(diff_count(b, ab, PG_DIFF_REMOVED), 0);
                _cleanup_free_ char *text = text_of(ab);
                _cleanup_error_ struct pg_error *err = NULL;
                if (pg_profile_parse(text, strlen(text), "merged.json", &back, &err) < 0)
                        fail_msg("reparse: %s\n%s", err->message, text);
                const struct pg_profile *one[] = {back};
                _cleanup_profile_ struct pg_profile *again = merge_of(one, 1);
                _cleanup_free_ char *again_text = text_of(again);
                assert_string_equal(text, again_text);
        }
}

static struct pg_profile *parse(const char *json)
{
        struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        if (pg_profile_parse(json, strlen(json), "test.json", &p, &err) < 0)
                fail_msg("parse: %s", err->message);
        return p;
}

#define HEAD "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
#define ARCH "\"architectures\": [\"SCMP_ARCH_X86_64\"], "

/* The merge error for two profiles, or fail. */
static char *conflict_message(const char *x, const char *y)
{
        _cleanup_profile_ struct pg_profile *a = parse(x), *b = parse(y), *m = NULL;
        const struct pg_profile *in[] = {a, b};
        struct pg_error *err = NULL;
        assert_int_equal(pg_profile_merge(in, labels, 2, &m, &err), -EEXIST);
        assert_null(m);
        assert_non_null(err);
        char *msg = strdup(err->message);
        pg_error_free(err);
        return msg;
}

static void conflicts_name_both_sources(void **state)
{
        (void)state;
        _cleanup_free_ char *action = conflict_message(
            HEAD ARCH "\"syscalls\": [{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
            HEAD ARCH "\"syscalls\": [{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", "
                      "\"errnoRet\": 1}]}");
        assert_non_null(strstr(action, "`socket`"));
        assert_non_null(strstr(action, "`a.json` has SCMP_ACT_ALLOW"));
        assert_non_null(strstr(action, "`b.json` has SCMP_ACT_ERRNO(EPERM)"));

        _cleanup_free_ char *errnos = conflict_message(
            HEAD ARCH "\"syscalls\": [{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", "
                      "\"errnoRet\": 13}]}",
            HEAD ARCH "\"syscalls\": [{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        assert_non_null(strstr(errnos, "SCMP_ACT_ERRNO(EACCES)"));
        assert_non_null(strstr(errnos, "SCMP_ACT_ERRNO(EPERM)"));

        _cleanup_free_ char *defaults =
            conflict_message(HEAD ARCH "\"syscalls\": []}",
                             "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1, " ARCH
                             "\"syscalls\": []}");
        assert_non_null(strstr(defaults, "`a.json` has SCMP_ACT_ERRNO(ENOSYS)"));
        assert_non_null(strstr(defaults, "`b.json` has SCMP_ACT_ERRNO(EPERM)"));

        _cleanup_free_ char *listener =
            conflict_message(HEAD ARCH "\"listenerPath\": \"/run/a.sock\", \"syscalls\": []}",
                             HEAD ARCH "\"listenerPath\": \"/run/b.sock\", \"syscalls\": []}");
        assert_non_null(strstr(listener, "/run/a.sock"));
        assert_non_null(strstr(listener, "/run/b.sock"));
}

/* What runc would make of a rule decides, not its spelling. */
static void normalisation(void **state)
{
        (void)state;
        _cleanup_profile_ struct pg_profile *a = parse(
            HEAD ARCH "\"syscalls\": ["
                      "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},"
                      "{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
                      "[{\"index\": 1, \"value\": 21505, \"op\": \"SCMP_CMP_EQ\"}]},"
                      "{\"names\": [\"ioctl\", \"kill\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                      "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        _cleanup_profile_ struct pg_profile *b = parse(
            HEAD ARCH "\"syscalls\": ["
                      "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},"
                      "{\"names\": [\"kill\", \"ioctl\", \"kill\"], \"action\": "
                      "\"SCMP_ACT_ALLOW\"}]}");
        const struct pg_profile *in[] = {a};
        _cleanup_profile_ struct pg_profile *m = merge_of(in, 1);
        /* read = the default: gone; ioctl's condition is covered; ERRNO without errnoRet is
         * EPERM. */
        assert_int_equal(m->n_rules, 2);
        assert_int_equal(m->rules[0].action, PG_ACT_ERRNO);
        assert_int_equal(m->rules[0].errno_ret, EPERM);
        assert_string_equal(m->rules[0].names[0], "ptrace");
        assert_string_equal(m->rules[1].names[0], "ioctl");
        assert_string_equal(m->rules[1].names[1], "kill");
        assert_null(m->rules[1].names[2]);
        assert_int_equal(diff_count(a, b, -1), 0);
}

static void caps_lists(void **state)
{
        (void)state;
        struct pg_caps_list x = {0}, y = {0}, xy = {0}, yx = {0}, back = {0};
        assert_int_equal(pg_caps_list_parse("# header\nCAP_CHOWN  # chown by /bin/x\n"
                                            "NET_RAW\n",
                                            "x.caps", &x, NULL),
                         0);
        assert_int_equal(pg_caps_list_parse("CAP_CHOWN # another reason\n", "y.caps", &y, NULL), 0);
        assert_string_equal(x.comment[CAP_CHOWN], "chown by /bin/x");
        assert_null(x.comment[CAP_NET_RAW]);
        assert_int_equal(pg_caps_list_merge(&xy, &x) | pg_caps_list_merge(&xy, &y), 0);
        assert_int_equal(pg_caps_list_merge(&yx, &y) | pg_caps_list_merge(&yx, &x), 0);
        assert_int_equal(xy.mask, (1ull << CAP_CHOWN) | (1ull << CAP_NET_RAW));
        assert_string_equal(xy.comment[CAP_CHOWN], yx.comment[CAP_CHOWN]);
        _cleanup_free_ char *text = NULL;
        assert_int_equal(pg_caps_list_to_string(&xy, &text, NULL), 0);
        assert_int_equal(pg_caps_list_parse(text, "back.caps", &back, NULL), 0);
        assert_int_equal(back.mask, xy.mask);
        assert_string_equal(back.comment[CAP_CHOWN], xy.comment[CAP_CHOWN]);
        struct pg_error *err = NULL;
        assert_int_equal(pg_caps_list_parse("CAP_NOPE\n", "bad.caps", &back, &err), -EINVAL);
        assert_int_equal(err->line, 1);
        pg_error_free(err);
        pg_caps_list_clear(&x);
        pg_caps_list_clear(&y);
        pg_caps_list_clear(&xy);
        pg_caps_list_clear(&yx);
        pg_caps_list_clear(&back);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(commutative),
            cmocka_unit_test(associative),
            cmocka_unit_test(idempotent),
            cmocka_unit_test(union_keeps_and_round_trips),
            cmocka_unit_test(conflicts_name_both_sources),
            cmocka_unit_test(normalisation),
            cmocka_unit_test(caps_lists),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
