// SPDX-License-Identifier: MIT
/* The capability tables' invariants (sorted, unique, every syscall known to libseccomp, every
 * capability to libcap, every kind judged) and the kernel models, with made-up credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "profgen/arch.h"
#include "profgen/cap_rules.h"
#include "profgen/capwatch.h"
#include "profgen/tracer.h"

static bool known_syscall(const char *name)
{
        uint32_t slot;
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                if (pg_arch_syscall_slot(a, name, &slot) == 0)
                        return true;
        return false;
}

/* libcap knows it by name: cap_to_name gives a name (not a number) that cap_from_name maps back. */
static bool known_cap(int cap)
{
        cap_value_t back = -1;
        char *name = cap_to_name((cap_value_t)cap);
        bool ok =
            name && strncmp(name, "cap_", 4) == 0 && cap_from_name(name, &back) == 0 && back == cap;
        cap_free(name);
        return ok;
}

static void rules_sorted_unique_known(void **state)
{
        (void)state;
        size_t n;
        const struct pg_cap_rule *r = pg_cap_rules(&n);
        assert_true(n > 100);
        for (size_t i = 0; i < n; i++) {
                if (i > 0 && strcmp(r[i - 1].syscall, r[i].syscall) >= 0)
                        fail_msg("rules not sorted/unique at %s", r[i].syscall);
                if (!known_syscall(r[i].syscall))
                        fail_msg("libseccomp does not know %s", r[i].syscall);
                assert_true(r[i].caps != 0);
                for (int c = 0; c < 64; c++)
                        if (((r[i].caps >> c) & 1u) && !known_cap(c))
                                fail_msg("%s: libcap does not know capability %d", r[i].syscall, c);
                assert_true(r[i].dirfd < 6 && r[i].path < 6 && r[i].arg < 6 && r[i].arg2 < 6);
                assert_true((unsigned)r[i].kind < PG_CAP_KIND_COUNT);
                assert_non_null(r[i].why);
                assert_ptr_equal(pg_cap_rule_find(r[i].syscall), &r[i]);
        }
        assert_true(pg_capwatch_judges_complete());
        assert_null(pg_cap_rule_find("read"));
}

/* The list: each capability is claimed by at least one rule. */
static void rules_cover_the_list(void **state)
{
        (void)state;
        static const int wanted[] = {CAP_CHOWN,           CAP_DAC_OVERRIDE,
                                     CAP_DAC_READ_SEARCH, CAP_FOWNER,
                                     CAP_FSETID,          CAP_KILL,
                                     CAP_SETGID,          CAP_SETUID,
                                     CAP_SETPCAP,         CAP_NET_BIND_SERVICE,
                                     CAP_NET_RAW,         CAP_NET_ADMIN,
                                     CAP_IPC_LOCK,        CAP_SYS_CHROOT,
                                     CAP_SYS_PTRACE,      CAP_SYS_ADMIN,
                                     CAP_SYS_NICE,        CAP_SYS_RESOURCE,
                                     CAP_SYS_TIME,        CAP_MKNOD,
                                     CAP_AUDIT_WRITE,     CAP_SETFCAP,
                                     CAP_SYSLOG,          CAP_BPF,
                                     CAP_PERFMON,         CAP_LINUX_IMMUTABLE,
                                     CAP_WAKE_ALARM,      CAP_LEASE};
        size_t n;
        const struct pg_cap_rule *r = pg_cap_rules(&n);
        uint64_t all = 0;
        for (size_t i = 0; i < n; i++)
                all |= r[i].caps;
        for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
                if (!((all >> wanted[i]) & 1u))
                        fail_msg("no rule claims capability %d", wanted[i]);
}

static void checks_sorted_unique_known(void **state)
{
        (void)state;
        size_t n;
        const struct pg_cap_check *k = pg_cap_checks(&n);
        for (size_t i = 0; i < n; i++) {
                if (i > 0) {
                        int c = strcmp(k[i - 1].syscall, k[i].syscall);
                        if (c > 0 || (c == 0 && k[i - 1].cap >= k[i].cap))
                                fail_msg("checks not sorted/unique at %s", k[i].syscall);
                }
                if (strcmp(k[i].syscall, "*") != 0 && !known_syscall(k[i].syscall))
                        fail_msg("libseccomp does not know %s", k[i].syscall);
                assert_true(known_cap(k[i].cap));
                assert_true((k[i].policy == PG_CAP_CHECK_AS) == (k[i].as >= 0));
                if (k[i].policy == PG_CAP_CHECK_AS)
                        assert_true(known_cap(k[i].as) && k[i].as != k[i].cap);
                assert_non_null(k[i].why);
        }
}

static void checks_lookup(void **state)
{
        (void)state;
        const struct pg_cap_check *k = pg_cap_check_find("openat", CAP_DAC_READ_SEARCH);
        assert_non_null(k);
        assert_int_equal(k->policy, PG_CAP_CHECK_AS);
        assert_int_equal(k->as, CAP_DAC_OVERRIDE);
        assert_null(pg_cap_check_find("open_by_handle_at", CAP_DAC_READ_SEARCH));
        assert_int_equal(pg_cap_check_find("mmap", CAP_SYS_ADMIN)->policy, PG_CAP_CHECK_IGNORE);
        assert_int_equal(pg_cap_check_find("setuid", CAP_SETUID)->policy, PG_CAP_CHECK_DEFER);
        assert_null(pg_cap_check_find("chown", CAP_CHOWN));
        assert_int_equal(pg_cap_check_find("ioprio_set", CAP_SYS_ADMIN)->as, CAP_SYS_NICE);
}

static void small_tables(void **state)
{
        (void)state;
        size_t n;
        const struct pg_cap_ioctl *io = pg_cap_ioctls(&n);
        for (size_t i = 0; i < n; i++) {
                assert_true(i == 0 || io[i - 1].request < io[i].request);
                assert_true(known_cap(io[i].cap));
        }
        assert_string_equal(pg_cap_ioctl_find(0x8914)->name, "SIOCSIFFLAGS");
        const struct pg_cap_sockopt *so = pg_cap_sockopts(&n);
        for (size_t i = 0; i < n; i++) {
                assert_true(i == 0 || so[i - 1].level < so[i].level ||
                            (so[i - 1].level == so[i].level && so[i - 1].name < so[i].name));
                assert_true(known_cap(so[i].cap));
        }
        assert_string_equal(pg_cap_sockopt_find(1, 36)->label, "SO_MARK");
        assert_null(pg_cap_sockopt_find(1, 2));
        /* a stop condition needs the argument its values are about */
        const struct pg_cap_rule *rules = pg_cap_rules(&n);
        static struct pg_stop_conds conds; /* every condition, on every architecture, fits */
        for (size_t i = 0; i < n; i++) {
                const struct pg_cap_stop_values *sv =
                    pg_cap_stop_values_find(rules[i].kind, rules[i].syscall);
                if (!sv)
                        continue;
                assert_true(pg_stop_conds_add(&conds, rules[i].syscall, (uint8_t)sv->arg,
                                              sv->values, sv->n, sv->mask, sv->nonzero));
                assert_true(sv->arg >= 0 && sv->arg < 6);
                /* the argument the judge reads */
                assert_true(sv->arg == rules[i].arg || sv->arg == rules[i].arg2);
                assert_true((sv->n > 0 || sv->mask || sv->nonzero) && sv->n <= PG_CAP_STOP_VALUES);
                /* arguments that must be 0: ones the judge reads (arg, arg2 and the one after) */
                for (int a = 0; a < 8; a++)
                        if ((sv->nonzero >> a) & 1u)
                                assert_true(a == rules[i].arg || a == rules[i].arg2 ||
                                            a == rules[i].arg2 + 1);
        }
        assert_int_equal(pg_cap_stop_values_find(PG_CAP_KIND_FCNTL, "fcntl")->n, 2);
        assert_int_equal(pg_cap_stop_values_find(PG_CAP_KIND_MMAP, "mmap2")->arg, 3);
        assert_int_equal(pg_cap_stop_values_find(PG_CAP_KIND_MMAP, "mmap")->mask, MAP_LOCKED);
        assert_null(pg_cap_stop_values_find(PG_CAP_KIND_OPEN, "open"));
        /* setrlimit always sets a limit: only prlimit64 has a condition */
        assert_null(pg_cap_stop_values_find(PG_CAP_KIND_RLIMIT, "setrlimit"));
        assert_int_equal(pg_cap_stop_values_find(PG_CAP_KIND_RLIMIT, "prlimit64")->nonzero, 5);
}

static struct pg_cap_creds creds(uid_t uid, gid_t gid, uint64_t eff)
{
        struct pg_cap_creds c = {0};
        c.ruid = c.euid = c.suid = c.fsuid = uid;
        c.rgid = c.egid = c.sgid = c.fsgid = gid;
        c.cap_eff = c.cap_prm = eff;
        return c;
}

static const uint64_t ALL = (1ull << (CAP_LAST_CAP + 1)) - 1;

static void creds_parse(void **state)
{
        (void)state;
        const char *status = "Name:\tx\nUid:\t0\t1000\t2\t3\nGid:\t4\t5\t6\t7\nGroups:\t10 20 \n"
                             "CapInh:\t0000000000000000\nCapPrm:\t000001fffeffffff\n"
                             "CapEff:\t0000000000000401\nCapBnd:\t000001ffffffffff\n";
        struct pg_cap_creds c;
        assert_int_equal(pg_cap_creds_parse(status, &c), 0);
        assert_int_equal(c.euid, 1000);
        assert_int_equal(c.fsuid, 3);
        assert_int_equal(c.sgid, 6);
        assert_int_equal(c.n_groups, 2);
        assert_int_equal(c.groups[1], 20);
        assert_true(pg_cap_creds_has(&c, CAP_CHOWN));
        assert_true(pg_cap_creds_has(&c, CAP_NET_BIND_SERVICE));
        assert_false(pg_cap_creds_has(&c, CAP_KILL));
        assert_int_equal(c.cap_prm, 0x1fffeffffffull);
        assert_int_equal(pg_cap_creds_parse("Uid:\t0\t0\t0\t0\n", &c), -EINVAL);
        struct pg_cap_creds a, user = creds(1000, 1000, ALL);
        user.euid = 0;
        pg_cap_creds_for_access(&user, &a);
        assert_int_equal(a.fsuid, 1000);
        assert_int_equal(a.cap_eff, 0); /* a non-root real uid: no capabilities */
}

static void model_dac(void **state)
{
        (void)state;
        struct pg_cap_creds root = creds(0, 0, ALL), user = creds(1000, 1000, 0);
        struct pg_cap_inode other = {1000, 1000, S_IFREG | 0600}, mine = {0, 0, S_IFREG | 0600};
        struct pg_cap_inode dir = {1000, 1000, S_IFDIR | 0700},
                            noexec = {1000, 1000, S_IFREG | 0600};
        bool rs;
        assert_int_equal(pg_cap_model_dac(&root, &other, PG_MAY_READ, &rs), CAP_DAC_OVERRIDE);
        assert_true(rs);
        assert_int_equal(pg_cap_model_dac(&root, &other, PG_MAY_WRITE, &rs), CAP_DAC_OVERRIDE);
        assert_false(rs);
        assert_int_equal(pg_cap_model_dac(&root, &mine, PG_MAY_READ | PG_MAY_WRITE, &rs), -1);
        assert_int_equal(pg_cap_model_dac(&user, &other, PG_MAY_READ, &rs), -1);
        assert_int_equal(pg_cap_model_dac(&root, &dir, PG_MAY_EXEC, &rs), CAP_DAC_OVERRIDE);
        assert_true(rs);
        assert_int_equal(pg_cap_model_dac(&root, &dir, PG_MAY_WRITE | PG_MAY_EXEC, &rs),
                         CAP_DAC_OVERRIDE);
        assert_false(rs);
        assert_int_equal(pg_cap_model_dac(&root, &noexec, PG_MAY_EXEC, &rs), -EACCES);
        /* the owner's bits decide for the owner, even when "other" would allow */
        struct pg_cap_inode odd = {1000, 1000, S_IFREG | 0004};
        assert_int_equal(pg_cap_model_dac(&user, &odd, PG_MAY_READ, &rs), CAP_DAC_OVERRIDE);
        /* a supplementary group */
        struct pg_cap_creds member = creds(1, 1, 0);
        member.groups[0] = 1000;
        member.n_groups = 1;
        struct pg_cap_inode grp = {1000, 1000, S_IFREG | 0640};
        assert_int_equal(pg_cap_model_dac(&member, &grp, PG_MAY_READ, &rs), -1);
}

static void model_files(void **state)
{
        (void)state;
        struct pg_cap_creds root = creds(0, 0, ALL), user = creds(1000, 1000, 0);
        struct pg_cap_inode other = {1000, 1000, S_IFREG | 0644}, mine = {0, 0, S_IFREG | 0644};
        assert_true(pg_cap_model_chown(&root, &other, 0, (gid_t)-1));
        assert_true(pg_cap_model_chown(&root, &mine, 1000, (gid_t)-1));
        assert_false(pg_cap_model_chown(&root, &mine, 0, 0));
        assert_false(pg_cap_model_chown(&root, &mine, (uid_t)-1, (gid_t)-1));
        assert_true(pg_cap_model_chown(&root, &mine, (uid_t)-1, 1000));
        assert_true(pg_cap_model_chown(&root, &other, 1000, (gid_t)-1)); /* not the owner */
        assert_false(pg_cap_model_chown(&user, &other, (uid_t)-1, 1000));
        assert_false(pg_cap_model_owner(&root, &other));
        assert_true(pg_cap_model_owner(&user, &other));
        struct pg_cap_inode grp = {0, 1234, S_IFREG | 0755};
        assert_true(pg_cap_model_chmod_fsetid(&root, &grp, 02755));
        assert_false(pg_cap_model_chmod_fsetid(&root, &grp, 0755));
        assert_false(pg_cap_model_chmod_fsetid(&root, &mine, 02755));
        struct pg_cap_inode tmp = {2000, 0, S_IFDIR | 01777}, plain = {2000, 0, S_IFDIR | 0777};
        struct pg_cap_inode roots = {0, 0, S_IFDIR | 01777};
        assert_true(pg_cap_model_sticky(&root, &tmp, &other));
        assert_false(pg_cap_model_sticky(&root, &roots, &other)); /* the directory's owner */
        assert_false(pg_cap_model_sticky(&user, &tmp, &other));
        assert_false(pg_cap_model_sticky(&root, &plain, &other));
        struct pg_cap_inode secret = {1000, 1000, S_IFREG | 0600};
        struct pg_cap_inode shared = {1000, 1000, S_IFREG | 0666};
        struct pg_cap_inode suid = {1000, 1000, S_IFREG | 04755};
        assert_int_equal(pg_cap_model_hardlink(&root, &secret), CAP_DAC_OVERRIDE);
        assert_int_equal(pg_cap_model_hardlink(&root, &shared), -1);
        assert_int_equal(pg_cap_model_hardlink(&root, &suid), CAP_FOWNER);
        assert_int_equal(pg_cap_model_hardlink(&user, &secret), -1);
}

static void model_ids(void **state)
{
        (void)state;
        const uint32_t root[4] = {0, 0, 0, 0}, setuid_root[4] = {1000, 0, 0, 0};
        const uint32_t none = (uint32_t)-1;
        uint32_t to0[3] = {0, none, none}, to1000[3] = {1000, 1000, 1000};
        assert_false(pg_cap_model_setid(PG_CAP_KIND_SETUID, root, to0));
        assert_true(pg_cap_model_setid(PG_CAP_KIND_SETUID, root, to1000));
        /* a set-user-ID root program dropping to its caller: only euid would change without it */
        assert_true(pg_cap_model_setid(PG_CAP_KIND_SETUID, setuid_root, to1000));
        assert_true(pg_cap_model_setid(PG_CAP_KIND_SETRESUID, root, to1000));
        assert_false(pg_cap_model_setid(PG_CAP_KIND_SETRESUID, setuid_root, to1000));
        uint32_t re[2] = {none, 1000};
        assert_false(pg_cap_model_setid(PG_CAP_KIND_SETREUID, setuid_root, re));
        assert_true(pg_cap_model_setid(PG_CAP_KIND_SETREGID, root, re));
        uint32_t fs[1] = {1000}, fsq[1] = {none};
        assert_true(pg_cap_model_setid(PG_CAP_KIND_SETFSUID, root, fs));
        assert_false(pg_cap_model_setid(PG_CAP_KIND_SETFSUID, root, fsq));
        assert_false(pg_cap_model_setid(PG_CAP_KIND_SETFSUID, setuid_root, fs));

        struct pg_cap_creds r = creds(0, 0, ALL), u = creds(1000, 1000, 0);
        assert_true(pg_cap_model_kill(&r, 1000, 1000));
        assert_false(pg_cap_model_kill(&r, 0, 1000));
        assert_false(pg_cap_model_kill(&u, 1000, 1000));
        assert_false(pg_cap_model_ptrace(&r, &r));
        assert_true(pg_cap_model_ptrace(&r, &u));
        assert_true(pg_cap_model_ptrace(&u, &r)); /* ids differ, and caps are not a subset */
        struct pg_cap_creds r2 = creds(0, 0, 0);
        assert_true(pg_cap_model_ptrace(&r2, &r)); /* same ids, more capabilities */
        assert_true(pg_cap_model_same_owner(&r, &r));
        assert_false(pg_cap_model_same_owner(&r, &u));
        struct pg_cap_creds p = creds(0, 0, 0);
        p.cap_prm = 1ull << CAP_NET_RAW;
        assert_false(pg_cap_model_capset(&p, 1ull << CAP_NET_RAW));
        assert_true(pg_cap_model_capset(&p, 1ull << CAP_SYS_ADMIN));
}

static void model_limits(void **state)
{
        (void)state;
        assert_true(pg_cap_model_nice(0, -5, 0));
        assert_false(pg_cap_model_nice(0, -5, 25));
        assert_false(pg_cap_model_nice(0, 5, 0));
        assert_false(pg_cap_model_nice(-5, -5, 0));
        assert_true(pg_cap_model_nice(0, -100, 39)); /* clamped to -20: needs 40 */
        assert_false(pg_cap_model_mlock(0, 1 << 30, (uint64_t)RLIM_INFINITY));
        assert_true(pg_cap_model_mlock(0, 4096, 0));
        assert_true(pg_cap_model_mlock(4096, 16 << 20, 8 << 20));
        assert_false(pg_cap_model_mlock(0, 4096, 8 << 20));
        assert_true(pg_cap_model_port(80, 1024));
        assert_false(pg_cap_model_port(8080, 1024));
        assert_false(pg_cap_model_port(0, 1024));
        assert_false(pg_cap_model_port(80, 0)); /* Docker's sysctl */
}

static void source_names(void **state)
{
        (void)state;
        enum pg_caps_source s;
        assert_int_equal(pg_caps_source_parse("kernel", &s), 0);
        assert_int_equal(s, PG_CAPS_SOURCE_KERNEL);
        assert_int_equal(pg_caps_source_parse("inference", &s), 0);
        assert_int_equal(s, PG_CAPS_SOURCE_INFERENCE);
        assert_int_equal(pg_caps_source_parse("both", &s), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(rules_sorted_unique_known),
            cmocka_unit_test(rules_cover_the_list),
            cmocka_unit_test(checks_sorted_unique_known),
            cmocka_unit_test(checks_lookup),
            cmocka_unit_test(small_tables),
            cmocka_unit_test(creds_parse),
            cmocka_unit_test(model_dac),
            cmocka_unit_test(model_files),
            cmocka_unit_test(model_ids),
            cmocka_unit_test(model_limits),
            cmocka_unit_test(source_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
