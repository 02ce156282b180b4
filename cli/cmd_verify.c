// SPDX-License-Identifier: MIT
/* profgen verify [record options] [--runs N] [--check CMD] -- COMMAND...
 * Records COMMAND, re-runs it N times under the profile and capability list it produced (as
 * `profgen run` does) and says whether it behaved the same; when not, a diagnostic run names the
 * syscalls the profile denied. Exit 0 verified, 1 not sufficient, 125 profgen failed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/explain.h"
#include "profgen/enforce.h"
#include "profgen/fileio.h"
#include "profgen/session.h"

enum { OPT_RUNS = 0x200, OPT_CHECK };

struct verify_args {
        struct pg_cli_record rec;
        unsigned runs;
        const char *check; /* shell command that must succeed after each run */
        char **cmd;
};

/* What one run of the workload did: its status and the check's. */
struct outcome {
        int status;
        int check; /* -1 without --check */
};

static void verify_usage(FILE *f)
{
        fputs("usage: profgen verify [OPTIONS] [--runs N] [--check CMD] -- COMMAND [ARG...]\n\n"
              "Records COMMAND, then runs it N times (default 3) under the profile and the\n"
              "capability list it produced, as `profgen run` does, and compares the exit\n"
              "status (and the status of CMD, run with sh -c after each run). On a difference\n"
              "a diagnostic run names the syscalls the profile denied.\n"
              "Exit status: 0 verified, 1 the profile is not sufficient, 125 profgen failed.\n\n"
              "      --runs N             confined runs (default 3)\n"
              "      --check CMD          shell command that must give the same status after\n"
              "                           every run as after the recording\n",
              f);
        pg_cli_record_usage(f);
}

static int parse_verify(int argc, char **argv, struct verify_args *a)
{
        struct option longopts[40];
        size_t n = 0;
        for (; pg_cli_record_longopts[n].name; n++)
                longopts[n] = pg_cli_record_longopts[n];
        longopts[n++] = (struct option){"runs", required_argument, NULL, OPT_RUNS};
        longopts[n++] = (struct option){"check", required_argument, NULL, OPT_CHECK};
        longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
        longopts[n] = (struct option){0};
        char shortopts[32];
        snprintf(shortopts, sizeof(shortopts), "+%sh", pg_cli_record_shortopts);
        optind = 1;
        for (int c; (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1;) {
                char *end;
                if (c == 'h') {
                        verify_usage(stdout);
                        return 1;
                } else if (c == OPT_RUNS) {
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (*end || v < 1 || v > 1000) {
                                fprintf(stderr, "profgen: --runs wants 1..1000, not `%s`\n",
                                        optarg);
                                return -EINVAL;
                        }
                        a->runs = (unsigned)v;
                } else if (c == OPT_CHECK) {
                        a->check = optarg;
                } else if (pg_cli_record_option(&a->rec, c, optarg) <= 0) {
                        verify_usage(stderr);
                        return -EINVAL;
                }
        }
        a->cmd = pg_cli_command(argc, argv, optind);
        if (!a->cmd) {
                fputs("profgen verify: no command given (profgen verify -- COMMAND ...)\n", stderr);
                return -EINVAL;
        }
        return 0;
}

static int run_check(const char *check)
{
        if (!check)
                return -1;
        fflush(NULL);
        int ws = system(check);
        if (ws < 0)
                return 125;
        return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Records like `profgen record` and writes the profile and caps file. */
static int record_reference(struct verify_args *a, struct outcome *ret)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        int status = 0;
        if (pg_cli_record_load_baseline(&a->rec) < 0)
                return PG_EXIT_FAILURE;
        if (pg_session_record(a->cmd, &a->rec.session, &rec, &status, &err) < 0) {
                pg_cli_report(err, "recording failed");
                return PG_EXIT_FAILURE;
        }
        if (err) {
                pg_cli_report(err, "cannot execute the command");
                return status ? status : PG_EXIT_FAILURE;
        }
        if (pg_cli_write_outputs(&a->rec, rec) != 0)
                return PG_EXIT_FAILURE;
        ret->status = status;
        ret->check = run_check(a->check);
        return 0;
}

static bool same(const struct outcome *x, const struct outcome *y)
{
        return x->status == y->status && x->check == y->check;
}

static void print_outcome(const char *what, const struct outcome *o, const char *msg)
{
        fprintf(stderr, "profgen: %s: exit %d", what, o->status);
        if (o->check >= 0)
                fprintf(stderr, ", check exit %d", o->check);
        fprintf(stderr, "%s%s\n", msg[0] ? ": " : "", msg);
}

static const char *denial_what(const struct pg_denial *d)
{
        static char buf[48];
        switch (d->kind) {
        case PG_DENIAL_ERRNO:
                snprintf(buf, sizeof(buf), "failed with %s",
                         strerrorname_np(d->error) ? strerrorname_np(d->error) : "an error");
                return buf;
        case PG_DENIAL_KILL_THREAD:
        case PG_DENIAL_KILL_PROCESS:
                return "killed the process";
        case PG_DENIAL_TRAP:
                return "raised SIGSYS";
        }
        return "denied";
}

/* Failed capability checks; CAP_SYS_ADMIN apart, since the kernel probes it harmlessly on every
 * mmap and brk ("vm enough memory") and it fails for every process without it. */
static void explain_caps(const struct pg_diagnosis *d)
{
        if (!d->caps_watched) {
                fputs("profgen:   (capability checks not shown: this kernel has no "
                      "capability:cap_capable tracepoint)\n",
                      stderr);
                return;
        }
        bool any = false;
        for (int c = 0; c < 64; c++) {
                if (!d->cap_failures[c] || c == CAP_SYS_ADMIN)
                        continue;
                _cleanup_free_ char *name = pg_caps_format(1ull << c);
                fprintf(stderr,
                        "profgen:   capability check failed: %s, %llu time%s (not in the "
                        "capability list)\n",
                        name ? name : "?", (unsigned long long)d->cap_failures[c],
                        d->cap_failures[c] == 1 ? "" : "s");
                any = true;
        }
        if (!any)
                fputs("profgen:   no capability check failed (besides the kernel's harmless "
                      "CAP_SYS_ADMIN memory probes)\n",
                      stderr);
}

/* The diagnostic run and its one-screen explanation. */
static void explain(const struct pg_run_opts *opts, char **cmd, const char *profile)
{
        struct pg_diagnosis d;
        _cleanup_error_ struct pg_error *err = NULL;
        if (pg_run_diagnose(opts, cmd, &d, &err) < 0) {
                pg_cli_report(err, "the diagnostic run failed");
                return;
        }
        fprintf(stderr,
                "profgen: diagnostic run (each denial traced, answered as %s would): "
                "exit %d%s%s\n",
                profile, d.result.status, d.result.message[0] ? ": " : "", d.result.message);
        if (d.n_denials == 0)
                fputs("profgen:   the profile denied no syscall in that run\n", stderr);
        for (size_t i = 0; i < d.n_denials && i < 20; i++) {
                const struct pg_denial *x = &d.denials[i];
                const char *name = pg_arch_syscall_name(x->arch, x->slot);
                fprintf(stderr, "profgen:   denied %s (%s): %s, %llu time%s, first in pid %d\n",
                        name ? name : "?", pg_arch_info(x->arch)->name, denial_what(x),
                        (unsigned long long)x->count, x->count == 1 ? "" : "s", (int)x->first_pid);
                _cleanup_free_ char *stack = NULL;
                if (x->stack && pg_stack_to_text(x->stack, "profgen:     ", &stack) == 0)
                        fputs(stack, stderr);
        }
        explain_caps(&d);
        if (d.n_denials > 0)
                fprintf(stderr,
                        "profgen: the recording did not see %s: re-record on the path that "
                        "makes %s, or add --allow NAME\n",
                        d.n_denials == 1 ? "this syscall" : "these syscalls",
                        d.n_denials == 1 ? "it" : "them");
        pg_diagnosis_clear(&d);
}

static int load_run_opts(const struct verify_args *a, struct pg_profile **ret_profile,
                         struct pg_run_opts *opts)
{
        pg_run_opts_init(opts);
        opts->no_new_privs = a->rec.gen.no_new_privileges;
        if (pg_cli_load_profile(a->rec.output, true, ret_profile) < 0)
                return -1;
        opts->profile = *ret_profile;
        _cleanup_free_ char *caps = pg_path_sibling(a->rec.output, ".json", ".caps");
        _cleanup_error_ struct pg_error *err = NULL;
        if (!caps || pg_caps_read(caps, &opts->caps, &err) < 0) {
                pg_cli_report(err, "cannot read the capability list");
                return -1;
        }
        return 0;
}

/* N confined runs; returns how many differed from the reference, or -1 on error. */
static int confined_runs(const struct verify_args *a, const struct pg_run_opts *opts,
                         const struct outcome *ref)
{
        int differed = 0;
        for (unsigned i = 1; i <= a->runs; i++) {
                struct pg_run_result res;
                _cleanup_error_ struct pg_error *err = NULL;
                if (pg_run(opts, a->cmd, &res, &err) < 0) {
                        pg_cli_report(err, "cannot run the command confined");
                        return -1;
                }
                struct outcome o = {res.status, run_check(a->check)};
                char what[32], msg[300];
                snprintf(what, sizeof(what), "run %u/%u", i, a->runs);
                snprintf(msg, sizeof(msg), "%s%s%s", same(&o, ref) ? "same" : "DIFFERENT",
                         res.message[0] ? " - " : "", res.message);
                print_outcome(what, &o, msg);
                differed += !same(&o, ref);
        }
        return differed;
}

int pg_cmd_verify(int argc, char **argv)
{
        struct verify_args a = {.runs = 3};
        pg_cli_record_init(&a.rec);
        int r = parse_verify(argc, argv, &a), exit_code = PG_EXIT_FAILURE;
        struct outcome ref = {.status = 0, .check = -1};
        _cleanup_profile_ struct pg_profile *profile = NULL;
        struct pg_run_opts opts;
        if (r != 0) {
                exit_code = r > 0 ? 0 : PG_EXIT_FAILURE;
        } else if ((r = record_reference(&a, &ref)) != 0) {
                exit_code = r;
        } else if (load_run_opts(&a, &profile, &opts) == 0) {
                print_outcome("recorded (unconfined)", &ref, "");
                int differed = confined_runs(&a, &opts, &ref);
                if (differed == 0) {
                        fprintf(stderr,
                                "profgen: verified: %u/%u runs under %s behaved as the "
                                "unconfined run\n",
                                a.runs, a.runs, a.rec.output);
                        exit_code = 0;
                } else if (differed > 0) {
                        fprintf(stderr,
                                "profgen: NOT SUFFICIENT: %d of %u runs under %s differed\n",
                                differed, a.runs, a.rec.output);
                        explain(&opts, a.cmd, a.rec.output);
                        exit_code = 1;
                }
        }
        pg_cli_record_clear(&a.rec);
        return exit_code;
}
