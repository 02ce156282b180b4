// SPDX-License-Identifier: MIT
/* profgen explain [options] RECORDING [NAME...]: why each syscall and capability is in the
 * profile generated from RECORDING, with the first call stack of each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/explain.h"

enum {
        OPT_FORMAT = 0x200,
};

/* The generate options that change which reasons a profile has; the rest of the record table
 * (output, trace, tracing, stacks) means nothing here. */
static const char *const generate_opts[] = {"runtime", "no-new-privileges", "allow",
                                            "no-companions"};

static void usage(FILE *f)
{
        fputs("usage: profgen explain [OPTIONS] RECORDING [NAME...]\n\n"
              "Why each syscall and capability is in the profile generated from RECORDING\n"
              "(saved by `profgen record --trace`): the reasons, how often and by which\n"
              "process it was made, the exec chain and the call stack of the first call.\n"
              "NAME is a syscall (uname) or a capability (CAP_NET_RAW, NET_RAW); all by\n"
              "default. Each text line starts with its NAME: grep for it.\n"
              "Exit status: 0; 1 when a NAME is not in the profile or the caps file;\n"
              "2 on error.\n\n"
              "  -f, --format FORMAT      text (default) or json (docs/explain-schema.json)\n"
              "  -o, --output PATH        write there instead of standard output\n"
              "  -p, --profile PATH       explain this profile (committed, merged, edited)\n"
              "                           rather than the one generated from RECORDING\n"
              "      --runtime LIST       as for generate: the profile's runtime baseline\n"
              "      --no-new-privileges  as for generate\n"
              "      --allow NAME         as for generate (repeatable)\n"
              "      --no-companions      as for generate\n",
              f);
}

static bool is_generate_opt(const char *name)
{
        for (size_t i = 0; i < sizeof(generate_opts) / sizeof(generate_opts[0]); i++)
                if (strcmp(generate_opts[i], name) == 0)
                        return true;
        return false;
}

static void build_longopts(struct option *out, size_t max)
{
        size_t n = 0;
        for (size_t i = 0; pg_cli_record_longopts[i].name && n + 5 < max; i++)
                if (is_generate_opt(pg_cli_record_longopts[i].name))
                        out[n++] = pg_cli_record_longopts[i];
        out[n++] = (struct option){"format", required_argument, NULL, 'f'};
        out[n++] = (struct option){"output", required_argument, NULL, 'o'};
        out[n++] = (struct option){"profile", required_argument, NULL, 'p'};
        out[n++] = (struct option){"help", no_argument, NULL, 'h'};
        out[n] = (struct option){0};
}

struct explain_args {
        struct pg_cli_record gen; /* only its generate options are used */
        bool json;
        const char *output;
        const char *profile; /* --profile, or NULL */
};

/* Returns -1 to go on, or the exit status. */
static int parse(int argc, char **argv, struct explain_args *a)
{
        struct option longopts[16];
        build_longopts(longopts, sizeof(longopts) / sizeof(longopts[0]));
        optind = 1;
        for (int c; (c = getopt_long(argc, argv, "f:o:p:h", longopts, NULL)) != -1;) {
                if (c == 'h') {
                        usage(stdout);
                        return 0;
                } else if (c == 'f' &&
                           (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)) {
                        a->json = strcmp(optarg, "json") == 0;
                } else if (c == 'f') {
                        fprintf(stderr, "profgen explain: --format: text or json, not `%s`\n",
                                optarg);
                        return 2;
                } else if (c == 'o') {
                        a->output = optarg;
                } else if (c == 'p') {
                        a->profile = optarg;
                } else if (pg_cli_record_option(&a->gen, c, optarg) != 1) {
                        usage(stderr);
                        return 2;
                }
        }
        if (optind >= argc) {
                fputs("profgen explain: no recording given\n", stderr);
                usage(stderr);
                return 2;
        }
        return -1;
}

static int emit(const struct explain_args *a, const char *text)
{
        if (!a->output) {
                fputs(text, stdout);
                return fflush(stdout) == 0 ? 0 : 2;
        }
        _cleanup_fclose_ FILE *f = fopen(a->output, "we");
        if (!f || fputs(text, f) < 0 || fflush(f) != 0) {
                fprintf(stderr, "profgen explain: cannot write `%s`: %m\n", a->output);
                return 2;
        }
        return 0;
}

/* 1 when a name that was asked for is not in the profile (or the caps file). */
static int status_of(const struct pg_explanation *x, bool named)
{
        for (size_t i = 0; named && i < x->n_entries; i++)
                if (!x->entries[i].allowed)
                        return 1;
        return 0;
}

static int explain(const struct explain_args *a, const char *path, char *const *names)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        _cleanup_generation_ struct pg_generation *gen = NULL;
        _cleanup_explanation_ struct pg_explanation *x = NULL;
        _cleanup_profile_ struct pg_profile *profile = NULL;
        _cleanup_free_ char *text = NULL;
        if ((a->profile && pg_profile_read(a->profile, &profile, &err) < 0) ||
            pg_recording_load(path, &rec, &err) < 0 ||
            pg_generate(rec, &a->gen.gen, &gen, &err) < 0 ||
            pg_explain_profile(rec, gen, profile, names, &x, &err) < 0 ||
            (a->json ? pg_explain_to_json(x, &text, &err) : pg_explain_to_text(x, &text, &err)) <
                0) {
                pg_cli_report(err, "cannot explain `%s`", path);
                return 2;
        }
        int r = emit(a, text);
        return r ? r : status_of(x, names && *names);
}

int pg_cmd_explain(int argc, char **argv)
{
        struct explain_args a = {0};
        pg_cli_record_init(&a.gen);
        int r = parse(argc, argv, &a);
        if (r < 0)
                r = explain(&a, argv[optind], &argv[optind + 1]);
        pg_cli_record_clear(&a.gen);
        return r;
}
