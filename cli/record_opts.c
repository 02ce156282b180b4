// SPDX-License-Identifier: MIT
/* Record and generate options, from one table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/profile.h"
#include "profgen/unwind.h"

enum {
        OPT_TRACE = 0x100,
        OPT_RUNTIME,
        OPT_NNP,
        OPT_ERRNO,
        OPT_ALLOW,
        OPT_NO_COMPANIONS,
        OPT_TRACING,
        OPT_PIN_CPU,
        OPT_POLL_US,
        OPT_BASELINE,
        OPT_STACK_DEPTH,
        OPT_NO_STACKS,
        OPT_STACK_SAMPLES,
        OPT_CAPS_SOURCE,
};

const struct option pg_cli_record_longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"trace", required_argument, NULL, OPT_TRACE},
    {"runtime", required_argument, NULL, OPT_RUNTIME},
    {"no-new-privileges", no_argument, NULL, OPT_NNP},
    {"errno", required_argument, NULL, OPT_ERRNO},
    {"allow", required_argument, NULL, OPT_ALLOW},
    {"no-companions", no_argument, NULL, OPT_NO_COMPANIONS},
    {"tracing", required_argument, NULL, OPT_TRACING},
    {"pin-cpu", no_argument, NULL, OPT_PIN_CPU},
    {"poll-us", required_argument, NULL, OPT_POLL_US},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"stack-depth", required_argument, NULL, OPT_STACK_DEPTH},
    {"no-stacks", no_argument, NULL, OPT_NO_STACKS},
    {"stack-samples", required_argument, NULL, OPT_STACK_SAMPLES},
    {"caps-source", required_argument, NULL, OPT_CAPS_SOURCE},
    {"quiet", no_argument, NULL, 'q'},
    {0},
};
const char pg_cli_record_shortopts[] = "o:q";

void pg_cli_record_usage(FILE *f)
{
        fputs("  -o, --output PATH        seccomp profile to write (default profile.json); the\n"
              "                           capability list goes beside it as PATH.caps\n"
              "      --trace PATH         also save the recording (JSON) for generate/explain\n"
              "      --runtime LIST       runtimes the profile must start under: runc, crun,\n"
              "                           podman, docker, all (default), none (profgen run only)\n"
              "      --no-new-privileges  the container runs with no-new-privileges\n"
              "      --errno N|ENOSYS|EPERM  errno of denied syscalls (default ENOSYS)\n"
              "      --allow NAME         also allow syscall NAME (repeatable)\n"
              "      --no-companions      leave out companion syscalls of timing-dependent paths\n"
              "      --tracing MODE       auto (default: tracepoint where it can be read and no\n"
              "                           call stacks are saved, else seccomp), tracepoint\n"
              "                           (stops only where capabilities or arguments need it;\n"
              "                           the kernel's syscall tracepoint sees the rest: root),\n"
              "                           seccomp (one stop per syscall) or ptrace\n"
              "                           (PTRACE_SYSCALL, no filter in the workload)\n"
              "      --baseline PROFILE   let the syscalls PROFILE allows run without a stop:\n"
              "                           near-native re-recording; new syscalls are still seen,\n"
              "                           ones no longer used are not\n"
              "      --pin-cpu            run profgen and the workload on one CPU (cheaper stops,\n"
              "                           no parallelism for the workload)\n"
              "      --poll-us N          poll up to N microseconds for the next stop before\n"
              "                           sleeping, in a steady stream of syscalls (default 50,\n"
              "                           0 = always sleep; never with one CPU)\n"
              "      --stack-depth N      frames per call stack (default 16, 0 = none); record\n"
              "                           takes stacks only when --trace saves them\n"
              "      --no-stacks          no call stacks (--stack-depth 0)\n"
              "      --stack-samples N    up to N more stacks per syscall, at its 2nd, 4th,\n"
              "                           8th... call (default 0: first occurrence only)\n"
              "      --caps-source SRC    auto (default: inference, plus the kernel's\n"
              "                           cap_capable record when root), inference, or kernel\n"
              "                           (fail without the kernel's record)\n"
              "  -q, --quiet              no summary on stderr\n",
              f);
}

void pg_cli_record_init(struct pg_cli_record *o)
{
        memset(o, 0, sizeof(*o));
        o->output = "profile.json";
        pg_generate_opts_init(&o->gen);
        pg_session_opts_init(&o->session);
}

void pg_cli_record_clear(struct pg_cli_record *o)
{
        for (size_t i = 0; i < o->n_extra; i++)
                free(o->extra[i]);
        free(o->extra);
        free(o->baseline_set);
        o->baseline_set = NULL;
        o->extra = NULL;
        o->n_extra = 0;
}

int pg_cli_record_load_baseline(struct pg_cli_record *o)
{
        _cleanup_profile_ struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        if (!o->baseline)
                return 0;
        if (pg_cli_load_profile(o->baseline, true, &p) < 0)
                return -1;
        o->baseline_set = calloc(1, sizeof(*o->baseline_set));
        if (!o->baseline_set || pg_profile_allowed_set(p, o->baseline_set, &err) < 0) {
                pg_cli_report(err, "cannot use `%s` as a baseline", o->baseline);
                return -1;
        }
        o->session.baseline = o->baseline_set;
        return 0;
}

static int parse_errno(const char *arg, int *ret)
{
        if (strcmp(arg, "ENOSYS") == 0)
                *ret = ENOSYS;
        else if (strcmp(arg, "EPERM") == 0)
                *ret = EPERM;
        else {
                char *end;
                long v = strtol(arg, &end, 10);
                if (*arg == '\0' || *end != '\0' || v < 1 || v > 4095)
                        return -EINVAL;
                *ret = (int)v;
        }
        return 0;
}

static int add_extra(struct pg_cli_record *o, const char *name)
{
        char **ne = realloc(o->extra, (o->n_extra + 2) * sizeof(*ne));
        if (!ne)
                return -ENOMEM;
        o->extra = ne;
        ne[o->n_extra] = strdup(name);
        ne[++o->n_extra] = NULL;
        o->gen.extra = o->extra;
        return 0;
}

static int parse_uint(const char *opt, const char *arg, unsigned max, unsigned *ret)
{
        char *end;
        errno = 0;
        unsigned long v = strtoul(arg, &end, 10);
        if (*arg < '0' || *arg > '9' || *end != '\0' || errno || v > max) {
                fprintf(stderr, "profgen: %s: expected a number 0-%u, got `%s`\n", opt, max, arg);
                return -EINVAL;
        }
        *ret = (unsigned)v;
        return 0;
}

static int parse_tracing(const char *arg, enum pg_trace_mode *ret)
{
        if (strcmp(arg, "auto") == 0)
                *ret = PG_TRACE_AUTO;
        else if (strcmp(arg, "seccomp") == 0)
                *ret = PG_TRACE_SECCOMP;
        else if (strcmp(arg, "ptrace") == 0)
                *ret = PG_TRACE_PTRACE;
        else if (strcmp(arg, "tracepoint") == 0)
                *ret = PG_TRACE_TRACEPOINT;
        else
                return -EINVAL;
        return 0;
}

int pg_cli_record_option(struct pg_cli_record *o, int opt, const char *arg)
{
        int r = 0;
        switch (opt) {
        case 'o':
                o->output = arg;
                break;
        case 'q':
                o->quiet = true;
                break;
        case OPT_TRACE:
                o->trace = arg;
                break;
        case OPT_RUNTIME:
                if ((r = pg_runtime_parse(arg, &o->gen.runtimes)) < 0)
                        fprintf(stderr,
                                "profgen: --runtime: unknown runtime in `%s` (expected "
                                "runc, crun, podman, docker, containerd, cri-o, all or "
                                "none)\n",
                                arg);
                break;
        case OPT_NNP:
                o->gen.no_new_privileges = true;
                break;
        case OPT_ERRNO:
                if ((r = parse_errno(arg, &o->gen.default_errno)) < 0)
                        fprintf(stderr,
                                "profgen: --errno: expected ENOSYS, EPERM or a number "
                                "1-4095, got `%s`\n",
                                arg);
                break;
        case OPT_ALLOW:
                r = add_extra(o, arg);
                break;
        case OPT_BASELINE:
                o->baseline = arg;
                break;
        case OPT_PIN_CPU:
                o->session.pin_cpu = true;
                break;
        case OPT_POLL_US:
                r = parse_uint("--poll-us", arg, PG_TRACER_MAX_POLL_US, &o->session.poll_us);
                break;
        case OPT_NO_COMPANIONS:
                o->gen.no_companions = true;
                break;
        case OPT_TRACING:
                if ((r = parse_tracing(arg, &o->session.mode)) < 0)
                        fprintf(stderr,
                                "profgen: --tracing: expected auto, tracepoint, seccomp or ptrace, "
                                "got `%s`\n",
                                arg);
                break;
        case OPT_STACK_DEPTH:
                r = parse_uint("--stack-depth", arg, PG_UNWIND_MAX_DEPTH, &o->session.stack_depth);
                o->stacks_explicit = true;
                break;
        case OPT_NO_STACKS:
                o->session.stack_depth = 0;
                o->stacks_explicit = true;
                break;
        case OPT_STACK_SAMPLES:
                r = parse_uint("--stack-samples", arg, 62, &o->session.stack_samples);
                break;
        case OPT_CAPS_SOURCE:
                if ((r = pg_caps_source_parse(arg, &o->session.caps_source)) < 0)
                        fprintf(stderr,
                                "profgen: --caps-source: expected auto, inference or kernel, "
                                "got `%s`\n",
                                arg);
                break;
        default:
                return 0;
        }
        return r < 0 ? -1 : 1;
}
