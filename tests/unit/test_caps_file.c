// SPDX-License-Identifier: MIT
/* The .caps file and the docker/Kubernetes/Compose forms: exact text, stable order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/recording.h"

static void add(struct pg_recording *rec, int cap, enum pg_cap_source src, const char *syscall,
                const char *detail, const char *note, int32_t exe)
{
        struct pg_cap_evidence ev = {.cap = cap,
                                     .source = src,
                                     .arch = PG_ARCH_X86_64,
                                     .detail = (char *)detail,
                                     .note = (char *)note,
                                     .pid = 4242,
                                     .exe = exe};
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86_64, syscall, &ev.slot), 0);
        assert_int_equal(pg_recording_add_cap(rec, &ev), 0);
}

static void fact(struct pg_recording *rec, const char *key, const char *detail)
{
        struct pg_fact f = {.key = (char *)key, .arch = PG_ARCH_X86_64, .detail = (char *)detail};
        assert_int_equal(pg_recording_add_fact(rec, &f), 0);
}

static void caps_file_text(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        int32_t exe;
        assert_int_equal(pg_recording_new(&rec), 0);
        assert_int_equal(pg_recording_intern_exe(rec, "/usr/sbin/server", &exe), 0);
        /* kernel evidence first in recording order: the rule's evidence is still the one shown */
        add(rec, CAP_SETUID, PG_CAP_SOURCE_KERNEL, "setresuid", "setresuid(33, 33, 33)", NULL, exe);
        add(rec, CAP_SETUID, PG_CAP_SOURCE_INFERENCE, "setresuid",
            "setresuid(33, 33, 33): current uids 0/0/0", NULL, exe);
        add(rec, CAP_NET_BIND_SERVICE, PG_CAP_SOURCE_INFERENCE, "bind", "bind(AF_INET, port 80)",
            "not needed under Docker's default", exe);
        add(rec, CAP_SYS_NICE, PG_CAP_SOURCE_KERNEL, "sched_setaffinity", "sched_setaffinity()",
            NULL, -1);
        fact(rec, PG_FACT_CAP_SOURCES, "inference+kernel");
        fact(rec, PG_FACT_CAP_NOTE "z", "zz advice");
        fact(rec, PG_FACT_CAP_NOTE "a", "an advice");
        fact(rec, "capability-noted", "not a note");
        _cleanup_free_ char *text = NULL;
        assert_int_equal(pg_caps_to_string(rec, &text, NULL), 0);
        assert_string_equal(
            text,
            "# Capabilities this workload needs: run it with --cap-drop ALL and add these\n"
            "# (profgen). Each with the sources that saw it and its first evidence; sources\n"
            "# used: inference+kernel. Assumes the kernel's default sysctls\n"
            "# (net.ipv4.ip_unprivileged_port_start=1024, net.ipv4.ping_group_range=\"1 0\").\n"
            "CAP_NET_BIND_SERVICE  # [inference] bind(AF_INET, port 80) by /usr/sbin/server; not "
            "needed under Docker's default\n"
            "CAP_SETUID  # [inference, kernel] setresuid(33, 33, 33): current uids 0/0/0 by "
            "/usr/sbin/server\n"
            "CAP_SYS_NICE  # [kernel] sched_setaffinity()\n"
            "# note: an advice\n"
            "# note: zz advice\n");
        _cleanup_free_ int *caps = NULL;
        size_t n;
        assert_int_equal(pg_caps_needed(rec, &caps, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(caps[0], CAP_NET_BIND_SERVICE);
}

static void caps_file_empty(void **state)
{
        (void)state;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        _cleanup_free_ char *text = NULL;
        assert_int_equal(pg_recording_new(&rec), 0);
        assert_int_equal(pg_caps_to_string(rec, &text, NULL), 0);
        assert_non_null(strstr(text, "used: unknown."));
        assert_non_null(strstr(text, "\n# none: run with --cap-drop ALL and add nothing\n"));
}

static void snippets(void **state)
{
        (void)state;
        const int two[] = {CAP_NET_BIND_SERVICE, CAP_SETUID}, one[] = {CAP_NET_BIND_SERVICE};
        enum pg_caps_style s;
        char *out;
        assert_int_equal(pg_caps_snippet(two, 2, PG_CAPS_STYLE_DOCKER, &out), 0);
        assert_string_equal(out, "--cap-drop ALL --cap-add NET_BIND_SERVICE --cap-add SETUID\n");
        free(out);
        assert_int_equal(pg_caps_snippet(two, 0, PG_CAPS_STYLE_DOCKER, &out), 0);
        assert_string_equal(out, "--cap-drop ALL\n");
        free(out);
        assert_int_equal(pg_caps_snippet(two, 2, PG_CAPS_STYLE_K8S, &out), 0);
        assert_string_equal(out, "securityContext:\n  capabilities:\n    drop: [\"ALL\"]\n"
                                 "    add: [\"NET_BIND_SERVICE\", \"SETUID\"]\n"
                                 "# the \"restricted\" Pod Security Standard allows adding only "
                                 "NET_BIND_SERVICE\n");
        free(out);
        assert_int_equal(pg_caps_snippet(one, 1, PG_CAPS_STYLE_K8S, &out), 0);
        assert_null(strstr(out, "restricted"));
        free(out);
        assert_int_equal(pg_caps_snippet(two, 2, PG_CAPS_STYLE_COMPOSE, &out), 0);
        assert_string_equal(out, "cap_drop:\n  - ALL\ncap_add:\n  - NET_BIND_SERVICE\n"
                                 "  - SETUID\n");
        free(out);
        assert_int_equal(pg_caps_style_parse("kubernetes", &s), 0);
        assert_int_equal(s, PG_CAPS_STYLE_K8S);
        assert_true(pg_caps_style_parse("helm", &s) < 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(caps_file_text),
                                           cmocka_unit_test(caps_file_empty),
                                           cmocka_unit_test(snippets)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}
