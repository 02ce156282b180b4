// SPDX-License-Identifier: MIT
/* Unit tests of issue 6 without tracing: module maps, call sites in recordings (keep, dedupe,
 * save/load, merge), the explanation model and its text and JSON writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/explain.h"
#include "profgen/unwind.h"

/* ---- helpers ---- */

/* String literals where the API takes char * (argv-like arrays, evidence fields it copies). */
#define S(lit) ((char *)(lit))

static struct pg_stack *make_stack(const char *module, size_t n, uint64_t base)
{
        struct pg_stack *s = calloc(1, sizeof(*s));
        s->frames = calloc(n, sizeof(*s->frames));
        s->n_frames = n;
        for (size_t i = 0; i < n; i++) {
                s->frames[i].module = strdup(module);
                s->frames[i].offset = base + i * 0x10;
        }
        return s;
}

static uint32_t slot_of(const char *name)
{
        uint32_t slot = 0;
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86_64, name, &slot), 0);
        return slot;
}

/* The command (pid 100: /bin/sh) started pid 101, which exec'd /app; 101 made uname twice with a
 * named stack, 102 (a fork of 101) made sysinfo; bind needed CAP_NET_BIND_SERVICE in 101. */
static struct pg_recording *sample_recording(void)
{
        struct pg_recording *r;
        int32_t sh, app;
        assert_int_equal(pg_recording_new(&r), 0);
        char *argv[] = {S("/bin/sh"), S("-c"), S("/app"), NULL};
        assert_int_equal(pg_recording_set_command(r, argv), 0);
        assert_int_equal(pg_recording_intern_exe(r, "/bin/sh", &sh), 0);
        assert_int_equal(pg_recording_intern_exe(r, "/app", &app), 0);
        assert_int_equal(pg_recording_add_process(r, 100, 0), 0);
        assert_int_equal(pg_recording_process_exec(r, 100, sh), 0);
        assert_int_equal(pg_recording_add_process(r, 101, 100), 0);
        assert_int_equal(pg_recording_process_exec(r, 101, app), 0);
        assert_int_equal(pg_recording_add_process(r, 102, 101), 0);
        assert_true(pg_recording_add_syscall(r, PG_ARCH_X86_64, slot_of("uname"), 101, 101, app));
        assert_false(pg_recording_add_syscall(r, PG_ARCH_X86_64, slot_of("uname"), 101, 101, app));
        struct pg_stack *s = make_stack("/app", 3, 0x1100);
        free(s->frames[1].function);
        s->frames[1].function = strdup("helper_two");
        s->frames[1].function_offset = 0x15;
        pg_recording_set_syscall_stack(r, PG_ARCH_X86_64, slot_of("uname"), s);
        assert_int_equal(pg_recording_add_syscall_process(r, PG_ARCH_X86_64, slot_of("uname"), app),
                         0);
        assert_true(pg_recording_add_syscall(r, PG_ARCH_X86_64, slot_of("sysinfo"), 102, 102, app));
        assert_true(pg_recording_add_syscall(r, PG_ARCH_X86_64, slot_of("bind"), 101, 101, app));
        pg_recording_set_syscall_stack(r, PG_ARCH_X86_64, slot_of("bind"),
                                       make_stack("/app", 2, 0x2000));
        struct pg_cap_evidence ev = {.cap = CAP_NET_BIND_SERVICE,
                                     .arch = PG_ARCH_X86_64,
                                     .slot = slot_of("bind"),
                                     .detail = S("bind(AF_INET, port 80)"),
                                     .pid = 101,
                                     .exe = app};
        assert_int_equal(pg_recording_add_cap(r, &ev), 0);
        return r;
}

static struct pg_generation *generate(const struct pg_recording *r)
{
        struct pg_generation *g = NULL;
        struct pg_generate_opts o;
        pg_generate_opts_init(&o);
        assert_int_equal(pg_generate(r, &o, &g, NULL), 0);
        return g;
}

/* ---- maps ---- */

static const char maps_text[] =
    "55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 1234 /app\n"
    "55d0c0a01000-55d0c0a02000 r-xp 00001000 08:01 1234 /app\n"
    "55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0    [heap]\n"
    "7f0000000000-7f0000028000 r--p 00000000 08:01 99   /usr/lib/libc.so.6\n"
    "7f0000028000-7f000019d000 r-xp 00028000 08:01 99   /usr/lib/libc.so.6\n"
    "7f00001a0000-7f00001a4000 rw-p 00000000 00:00 0 \n"
    "7f0000200000-7f0000201000 r-xp 00005000 08:01 77   /usr/lib/only-text.so\n"
    "7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0    [vdso]\n";

static void maps_find_and_bias(void **state)
{
        (void)state;
        struct pg_maps *m;
        assert_int_equal(pg_maps_parse(maps_text, &m), 0);
        assert_int_equal(pg_maps_count(m), 7); /* the anonymous mapping is left out */
        const struct pg_map *mp = pg_maps_find(m, 0x55d0c0a011eeull);
        assert_non_null(mp);
        assert_string_equal(mp->path, "/app");
        assert_int_equal(0x55d0c0a011eeull - mp->bias, 0x11ee);
        mp = pg_maps_find(m, 0x7f00000fb067ull);
        assert_string_equal(mp->path, "/usr/lib/libc.so.6");
        assert_int_equal(0x7f00000fb067ull - mp->bias, 0xfb067);
        /* no mapping at file offset 0: the bias comes from the mapping itself */
        mp = pg_maps_find(m, 0x7f0000200010ull);
        assert_int_equal(0x7f0000200010ull - mp->bias, 0x5010);
        assert_string_equal(pg_maps_find(m, 0x7ffd00000100ull)->path, "[vdso]");
        assert_null(pg_maps_find(m, 0x7f00001a0010ull));
        assert_null(pg_maps_find(m, 0x10));
        assert_null(pg_maps_find(m, 0xffffffffffffull));
        /* a non-PIE executable: offsets are addresses */
        pg_maps_set_bias(m, "/app", 0);
        assert_int_equal(pg_maps_find(m, 0x55d0c0a011eeull)->bias, 0);
        pg_maps_free(m);
}

static void maps_own_process(void **state)
{
        (void)state;
        struct pg_maps *m;
        assert_int_equal(pg_maps_read(getpid(), &m), 0);
        const struct pg_map *mp = pg_maps_find(m, (uint64_t)(uintptr_t)&maps_own_process);
        assert_non_null(mp);
        assert_non_null(strstr(mp->path, "test_explain"));
        pg_maps_free(m);
        assert_int_equal(pg_maps_read(-1, &m), -ENOENT);
}

/* ---- call sites ---- */

static void sites_kept_once(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = sample_recording();
        uint32_t uname = slot_of("uname");
        struct pg_stack *same = make_stack("/app", 3, 0x1100),
                        *other = make_stack("/app", 3, 0x1200);
        struct pg_call_site site = {
            .pid = 101, .tid = 103, .exe = 1, .occurrence = 2, .stack = same};
        assert_int_equal(pg_recording_add_syscall_site(r, PG_ARCH_X86_64, uname, &site), 0);
        site.stack = other;
        assert_int_equal(pg_recording_add_syscall_site(r, PG_ARCH_X86_64, uname, &site), 1);
        assert_int_equal(pg_recording_add_syscall_site(r, PG_ARCH_X86_64, uname, &site), 0);
        /* never seen: nothing to attach to */
        assert_int_equal(pg_recording_add_syscall_site(r, PG_ARCH_X86_64, slot_of("ptrace"), &site),
                         0);
        for (uint64_t i = 0; i < 2 * PG_RECORDING_MAX_SITES; i++) {
                struct pg_stack *s = make_stack("/app", 2, 0x9000 + i * 0x100);
                site.stack = s;
                pg_recording_add_syscall_site(r, PG_ARCH_X86_64, uname, &site);
                pg_stack_free(s);
        }
        const struct pg_syscall_stat *st = pg_recording_syscall(r, PG_ARCH_X86_64, uname);
        assert_int_equal(st->n_sites, PG_RECORDING_MAX_SITES);
        assert_int_equal(st->sites[0].tid, 103);
        assert_true(pg_stack_equal(st->sites[0].stack, other));
        pg_stack_free(same);
        pg_stack_free(other);
}

static void sites_saved_and_merged(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *a = sample_recording();
        _cleanup_recording_ struct pg_recording *b = NULL, *loaded = NULL;
        assert_int_equal(pg_recording_new(&b), 0);
        int32_t other;
        uint32_t uname = slot_of("uname");
        assert_int_equal(pg_recording_intern_exe(b, "/other", &other), 0);
        pg_recording_add_syscall(b, PG_ARCH_X86_64, uname, 7, 8, other);
        pg_recording_set_syscall_stack(b, PG_ARCH_X86_64, uname, make_stack("/other", 2, 0x40));
        assert_int_equal(pg_recording_merge(a, b), 0);
        const struct pg_syscall_stat *st = pg_recording_syscall(a, PG_ARCH_X86_64, uname);
        assert_int_equal(st->count, 3);
        assert_int_equal(st->first_pid, 101); /* the first recording's first occurrence */
        /* calls per executable add up, the other recording's executable remapped */
        assert_int_equal(st->n_users, 2);
        assert_string_equal(pg_recording_exe(a, st->users[0].exe), "/app");
        assert_int_equal(st->users[0].count, 2);
        assert_int_equal(st->users[0].processes, 1);
        assert_string_equal(pg_recording_exe(a, st->users[1].exe), "/other");
        assert_int_equal(st->users[1].count, 1);
        assert_int_equal(st->n_sites, 1); /* ... and the other's, as a call site */
        assert_string_equal(pg_recording_exe(a, st->sites[0].exe), "/other");
        assert_int_equal(st->sites[0].occurrence, 1);
        /* merging the same again adds no duplicate site */
        assert_int_equal(pg_recording_merge(a, b), 0);
        assert_int_equal(pg_recording_syscall(a, PG_ARCH_X86_64, uname)->n_sites, 1);

        char path[] = "/tmp/profgen-test-explain-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(pg_recording_save(a, path, NULL), 0);
        assert_int_equal(pg_recording_load(path, &loaded, NULL), 0);
        unlink(path);
        const struct pg_syscall_stat *ls = pg_recording_syscall(loaded, PG_ARCH_X86_64, uname);
        assert_int_equal(ls->n_sites, 1);
        assert_int_equal(ls->n_users, 2);
        assert_int_equal(ls->users[0].count, 2); /* /app: only in the first recording */
        assert_int_equal(ls->users[1].count, 2); /* /other: merged in twice */
        assert_int_equal(ls->sites[0].pid, 7);
        assert_int_equal(ls->sites[0].tid, 8);
        assert_string_equal(pg_recording_exe(loaded, ls->sites[0].exe), "/other");
        assert_true(pg_stack_equal(ls->sites[0].stack, st->sites[0].stack));
        assert_true(pg_stack_equal(ls->stack, st->stack));
        assert_string_equal(ls->stack->frames[1].function, "helper_two");
}

/* ---- the model ---- */

static const struct pg_explain_entry *entry(const struct pg_explanation *x, const char *name)
{
        for (size_t i = 0; i < x->n_entries; i++)
                if (strcmp(x->entries[i].name, name) == 0)
                        return &x->entries[i];
        return NULL;
}

static void model_all(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = sample_recording();
        _cleanup_generation_ struct pg_generation *g = generate(r);
        _cleanup_explanation_ struct pg_explanation *x = NULL;
        assert_int_equal(pg_explain(r, g, NULL, &x, NULL), 0);
        const struct pg_explain_entry *e = entry(x, "uname");
        assert_non_null(e);
        assert_true(e->allowed);
        assert_int_equal(e->n_obs, 1);
        assert_int_equal(e->obs[0].count, 2);
        assert_int_equal(e->obs[0].nr, 63);
        /* exec chain: the command, then the process that made the call */
        assert_int_equal(e->obs[0].first.n_chain, 2);
        assert_int_equal(e->obs[0].first.chain[0].pid, 100);
        assert_int_equal(e->obs[0].first.chain[1].pid, 101);
        assert_string_equal(e->obs[0].first.exe, "/app");
        /* the fork: three links, the last one never exec'd */
        e = entry(x, "sysinfo");
        assert_int_equal(e->obs[0].first.n_chain, 3);
        assert_int_equal(e->obs[0].first.chain[2].process->n_exes, 0);
        assert_null(e->obs[0].first.stack);
        /* runtime-only names are there, with their reason and no observation */
        e = entry(x, "capset");
        assert_non_null(e);
        assert_true(e->allowed);
        assert_int_equal(e->n_obs, 0);
        assert_int_equal(e->reasons[0]->reason, PG_REASON_RUNTIME);
        e = entry(x, "exit_group");
        assert_int_equal(e->reasons[0]->reason, PG_REASON_ALWAYS);
        /* syscalls sorted by name, then the capability */
        for (size_t i = 1; i + 1 < x->n_entries; i++)
                assert_true(strcmp(x->entries[i - 1].name, x->entries[i].name) < 0);
        assert_string_equal(x->entries[x->n_entries - 1].name, "CAP_NET_BIND_SERVICE");
        assert_null(entry(x, "ptrace"));
}

static void model_names(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = sample_recording();
        _cleanup_generation_ struct pg_generation *g = generate(r);
        _cleanup_explanation_ struct pg_explanation *x = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        char *names[] = {S("ptrace"),        S("net_bind_service"),
                         S("uname"),         S("CAP_NET_BIND_SERVICE"),
                         S("cap_sys_admin"), NULL};
        assert_int_equal(pg_explain(r, g, names, &x, NULL), 0);
        assert_int_equal(x->n_entries, 4); /* the capability asked twice is there once */
        assert_string_equal(x->entries[0].name, "ptrace");
        assert_false(x->entries[0].allowed);
        assert_string_equal(x->entries[1].name, "CAP_NET_BIND_SERVICE");
        assert_true(x->entries[1].allowed);
        assert_int_equal(x->entries[1].n_evidence, 1);
        /* the evidence has no stack of its own: the first bind of the same process stands in */
        assert_int_equal(x->entries[1].evidence[0].stack_source, PG_EXPLAIN_STACK_SYSCALL);
        assert_non_null(x->entries[1].evidence[0].call.stack);
        assert_string_equal(x->entries[3].name, "CAP_SYS_ADMIN");
        assert_false(x->entries[3].allowed);
        char *bad[] = {S("uname"), S("not_a_syscall"), NULL};
        struct pg_explanation *y = NULL;
        assert_int_equal(pg_explain(r, g, bad, &y, &err), -ENOENT);
        assert_null(y);
        assert_non_null(strstr(err->message, "not_a_syscall"));
}

/* A given profile (committed, merged, edited): what it allows decides `allowed`, and names the
 * recording does not account for are explained too. */
static void model_profile(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = sample_recording();
        _cleanup_generation_ struct pg_generation *g = generate(r);
        _cleanup_explanation_ struct pg_explanation *x = NULL;
        _cleanup_profile_ struct pg_profile *p = NULL;
        _cleanup_free_ char *text = NULL;
        assert_int_equal(pg_profile_new(&p), 0);
        struct pg_rule *rule = pg_profile_add_rule(p, PG_ACT_ALLOW);
        assert_int_equal(pg_rule_add_name(rule, "sysinfo"), 0);
        assert_int_equal(pg_rule_add_name(rule, "ptrace"), 0);
        rule = pg_profile_add_rule(p, PG_ACT_ERRNO); /* moves the rules: the first is gone */
        assert_int_equal(pg_rule_add_name(rule, "uname"), 0);
        assert_int_equal(pg_explain_profile(r, g, p, NULL, &x, NULL), 0);
        const struct pg_explain_entry *e = entry(x, "ptrace");
        assert_non_null(e);
        assert_true(e->allowed);
        assert_int_equal(e->n_reasons, 0);
        e = entry(x, "uname"); /* observed, but the profile does not allow it */
        assert_false(e->allowed);
        assert_int_equal(e->reasons[0]->reason, PG_REASON_OBSERVED);
        assert_true(entry(x, "sysinfo")->allowed);
        for (size_t i = 1; x->entries[i].kind == PG_EXPLAIN_SYSCALL; i++)
                assert_true(strcmp(x->entries[i - 1].name, x->entries[i].name) < 0);
        assert_int_equal(pg_explain_to_text(x, &text, NULL), 0);
        assert_non_null(strstr(text, "\nuname: not allowed: not in the profile\n"
                                     "uname: would be allowed: observed\n"));
        assert_non_null(strstr(text, "\nptrace: allowed: by the profile only: "));
}

static void evidence_of_another_process(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = sample_recording();
        struct pg_cap_evidence ev = {.cap = CAP_NET_RAW,
                                     .arch = PG_ARCH_X86_64,
                                     .slot = slot_of("bind"),
                                     .detail = S("bind(AF_PACKET)"),
                                     .pid = 102,
                                     .exe = -1};
        assert_int_equal(pg_recording_add_cap(r, &ev), 0);
        _cleanup_generation_ struct pg_generation *g = generate(r);
        _cleanup_explanation_ struct pg_explanation *x = NULL;
        char *names[] = {S("NET_RAW"), NULL};
        assert_int_equal(pg_explain(r, g, names, &x, NULL), 0);
        /* bind's first stack belongs to 101, not 102: no stand-in */
        assert_int_equal(x->entries[0].evidence[0].stack_source, PG_EXPLAIN_STACK_NONE);
        assert_null(x->entries[0].evidence[0].call.stack);
        /* with a stack of its own, the evidence's stack is used */
        pg_recording_set_cap_stack(r, pg_recording_n_caps(r) - 1, make_stack("/app", 1, 0x3000));
        pg_explanation_free(TAKE_PTR(x));
        assert_int_equal(pg_explain(r, g, names, &x, NULL), 0);
        assert_int_equal(x->entries[0].evidence[0].stack_source, PG_EXPLAIN_STACK_EVIDENCE);
        assert_int_equal(x->entries[0].evidence[0].call.stack->frames[0].offset, 0x3000);
}

/* ---- writers ---- */

static void text_lines(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = sample_recording();
        _cleanup_generation_ struct pg_generation *g = generate(r);
        _cleanup_explanation_ struct pg_explanation *x = NULL;
        _cleanup_free_ char *text = NULL;
        char *names[] = {S("uname"), S("sysinfo"), S("NET_BIND_SERVICE"), NULL};
        assert_int_equal(pg_explain(r, g, names, &x, NULL), 0);
        assert_int_equal(pg_explain_to_text(x, &text, NULL), 0);
        static const char *const expected[] = {
            "# profgen explain: /bin/sh -c /app (exit status 0, unknown tracing)\n\n",
            "uname: allowed: observed\n"
            "uname: x86_64: nr 63, 2 calls\n"
            "uname: x86_64: by /app: 2 calls in 1 process\n"
            "uname: x86_64: first call by pid 101, /app\n"
            "uname: x86_64: exec chain: 100 /bin/sh -> 101 /app\n"
            "uname: x86_64: #0 ?? (/app+0x1100)\n"
            "uname: x86_64: #1 helper_two+0x15 (/app+0x1110)\n"
            "uname: x86_64: #2 ?? (/app+0x1120)\n\n",
            "sysinfo: x86_64: exec chain: 100 /bin/sh -> 101 /app -> 102 (fork)\n"
            "sysinfo: x86_64: no call stack recorded\n\n",
            "CAP_NET_BIND_SERVICE: recommended (in the caps file)\n"
            "CAP_NET_BIND_SERVICE: evidence 1: inference, x86_64 bind: bind(AF_INET, port 80) "
            "(1 time)\n"
            "CAP_NET_BIND_SERVICE: evidence 1: the stack below is the first call of that syscall "
            "in the process: it may be another call\n"
            "CAP_NET_BIND_SERVICE: evidence 1: call by pid 101, /app\n",
        };
        for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
                if (!strstr(text, expected[i]))
                        fail_msg("missing from the text:\n%s\n--- text:\n%s", expected[i], text);
}

static void stack_text(void **state)
{
        (void)state;
        struct pg_stack *s = make_stack("/lib/x.so", 2, 0x10);
        free(s->frames[1].module);
        s->frames[1].module = strdup("?");
        s->frames[0].function = strdup("f");
        s->frames[0].function_offset = 3;
        _cleanup_free_ char *t = NULL;
        assert_int_equal(pg_stack_to_text(s, "  ", &t), 0);
        assert_string_equal(t, "  #0 f+0x3 (/lib/x.so+0x10)\n  #1 ?? (0x20)\n");
        pg_stack_free(s);
}

static void json_shape(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *r = sample_recording();
        _cleanup_generation_ struct pg_generation *g = generate(r);
        _cleanup_explanation_ struct pg_explanation *x = NULL;
        _cleanup_free_ char *text = NULL;
        assert_int_equal(pg_explain(r, g, NULL, &x, NULL), 0);
        assert_int_equal(pg_explain_to_json(x, &text, NULL), 0);
        assert_true(text[strlen(text) - 1] == '\n');
        json_error_t jerr;
        _cleanup_json_ json_t *root = json_loads(text, 0, &jerr);
        assert_non_null(root);
        assert_int_equal(json_integer_value(json_object_get(root, "profgen_explain")), 1);
        json_t *sys = json_object_get(root, "syscalls"), *uname = NULL, *v;
        size_t i;
        json_array_foreach(sys, i, v) if (strcmp(json_string_value(json_object_get(v, "name")),
                                                 "uname") == 0) uname = v;
        assert_non_null(uname);
        json_t *first =
            json_object_get(json_array_get(json_object_get(uname, "observed"), 0), "first");
        json_t *frame = json_array_get(json_object_get(first, "stack"), 1);
        assert_string_equal(json_string_value(json_object_get(frame, "function")), "helper_two");
        assert_int_equal(json_integer_value(json_object_get(frame, "offset")), 0x1110);
        assert_int_equal(json_array_size(json_object_get(first, "exec_chain")), 2);
        json_t *cap = json_array_get(json_object_get(root, "capabilities"), 0);
        assert_string_equal(json_string_value(json_object_get(cap, "name")),
                            "CAP_NET_BIND_SERVICE");
        json_t *ev = json_array_get(json_object_get(cap, "evidence"), 0);
        assert_string_equal(json_string_value(json_object_get(ev, "stack_source")),
                            "first-syscall");
}

static bool in_enum(json_t *values, const char *s)
{
        size_t i;
        json_t *v;
        json_array_foreach(values, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
        return false;
}

/* The schema's closed lists follow the code: every reason the generator can give and every
 * architecture name (tests run in tests/, the schema is in docs/). */
static void schema_enums(void **state)
{
        (void)state;
        json_error_t jerr;
        _cleanup_json_ json_t *schema = json_load_file("../docs/explain-schema.json", 0, &jerr);
        assert_non_null(schema);
        json_t *defs = json_object_get(schema, "$defs");
        json_t *reasons = json_object_get(
            json_object_get(
                json_object_get(
                    json_object_get(
                        json_object_get(
                            json_object_get(json_object_get(defs, "syscall"), "properties"),
                            "reasons"),
                        "items"),
                    "properties"),
                "reason"),
            "enum");
        assert_non_null(reasons);
        for (int r = 0; strcmp(pg_reason_name((enum pg_reason)r), "?") != 0; r++)
                if (!in_enum(reasons, pg_reason_name((enum pg_reason)r)))
                        fail_msg("reason `%s` is missing from the schema",
                                 pg_reason_name((enum pg_reason)r));
        json_t *arches = json_object_get(
            json_object_get(json_object_get(json_object_get(defs, "observation"), "properties"),
                            "arch"),
            "enum");
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                if (!in_enum(arches, pg_arch_info(a)->name))
                        fail_msg("architecture `%s` is missing from the schema",
                                 pg_arch_info(a)->name);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(maps_find_and_bias), cmocka_unit_test(maps_own_process),
            cmocka_unit_test(sites_kept_once),    cmocka_unit_test(sites_saved_and_merged),
            cmocka_unit_test(model_all),          cmocka_unit_test(model_names),
            cmocka_unit_test(model_profile),      cmocka_unit_test(evidence_of_another_process),
            cmocka_unit_test(text_lines),         cmocka_unit_test(stack_text),
            cmocka_unit_test(json_shape),         cmocka_unit_test(schema_enums),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
