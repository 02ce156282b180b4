// SPDX-License-Identifier: MIT
/* profgen run --profile PATH [--caps FILE | --cap-add CAP...] [--user UID:GID]
 *             [--no-new-privileges] -- COMMAND...
 * Enforces a profile and a capability list the way runc does, with no engine. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/enforce.h"
#include "profgen/fileio.h"

struct run_args {
        const char *profile;
        const char *caps_file;
        uint64_t cap_add;
        bool have_cap_add;
        bool quiet;
        struct pg_run_opts opts;
};

static const struct option run_options[] = {
    {"profile", required_argument, NULL, 'p'},
    {"caps", required_argument, NULL, 'c'},
    {"cap-add", required_argument, NULL, 'a'},
    {"user", required_argument, NULL, 'u'},
    {"no-new-privileges", no_argument, NULL, 'n'},
    {"kernel", required_argument, NULL, 'k'}, /* minKernel override, for tests */
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static void run_usage(FILE *f)
{
        fputs("usage: profgen run --profile PATH [--caps FILE | --cap-add CAP...]\n"
              "                   [--user UID:GID] [--no-new-privileges] [--quiet] -- COMMAND...\n"
              "Runs COMMAND with the seccomp profile and the capabilities Docker gives\n"
              "--cap-drop ALL --cap-add CAP... (default: the .caps file beside the profile,\n"
              "if any). Exit status: COMMAND's; 125 profgen failed (COMMAND did not run),\n"
              "126 cannot execute, 127 not found.\n",
              f);
}

/* "NET_RAW,CHOWN" */
static int parse_cap_list(const char *s, uint64_t *mask)
{
        _cleanup_free_ char *copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        char *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                int cap;
                if (pg_cap_parse(t, &cap) < 0) {
                        fprintf(stderr, "profgen: unknown capability `%s`\n", t);
                        return -EINVAL;
                }
                *mask |= 1ull << cap;
        }
        return 0;
}

static int parse_user(const char *s, struct pg_run_opts *o)
{
        unsigned long uid, gid;
        char *end;
        errno = 0;
        uid = strtoul(s, &end, 10);
        if (errno || end == s || *end != ':' || uid > 0xfffffffeul)
                goto bad;
        const char *g = end + 1;
        gid = strtoul(g, &end, 10);
        if (errno || end == g || *end || gid > 0xfffffffeul)
                goto bad;
        o->set_user = true;
        o->uid = (uid_t)uid;
        o->gid = (gid_t)gid;
        return 0;
bad:
        fprintf(stderr, "profgen: --user wants numeric UID:GID, not `%s`\n", s);
        return -EINVAL;
}

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
        int c;
        pg_run_opts_init(&a->opts);
        optind = 1;
        while ((c = getopt_long(argc, argv, "+p:c:a:u:q", run_options, NULL)) != -1) {
                int r = 0;
                switch (c) {
                case 'p':
                        a->profile = optarg;
                        break;
                case 'c':
                        a->caps_file = optarg;
                        break;
                case 'a':
                        a->have_cap_add = true;
                        r = parse_cap_list(optarg, &a->cap_add);
                        break;
                case 'u':
                        r = parse_user(optarg, &a->opts);
                        break;
                case 'n':
                        a->opts.no_new_privs = true;
                        break;
                case 'k':
                        a->opts.kernel = optarg;
                        break;
                case 'q':
                        a->quiet = true;
                        break;
                case 'h':
                        run_usage(stdout);
                        return 1;
                default:
                        run_usage(stderr);
                        return -EINVAL;
                }
                if (r < 0)
                        return r;
        }
        if (!a->profile || optind >= argc) {
                fprintf(stderr, "profgen: run needs --profile PATH and a COMMAND after `--`\n");
                return -EINVAL;
        }
        if (a->caps_file && a->have_cap_add) {
                fprintf(stderr, "profgen: give --caps FILE or --cap-add, not both\n");
                return -EINVAL;
        }
        return 0;
}

/* --cap-add, else --caps FILE, else the recorder's PATH.caps beside the profile when present. */
static int resolve_caps(const struct run_args *a, uint64_t *ret, struct pg_error **err)
{
        if (a->have_cap_add) {
                *ret = a->cap_add;
                return 0;
        }
        if (a->caps_file)
                return pg_caps_read(a->caps_file, ret, err);
        _cleanup_free_ char *sibling = pg_path_sibling(a->profile, ".json", ".caps");
        if (!sibling)
                return pg_error_set(err, -ENOMEM, "out of memory");
        *ret = 0;
        if (access(sibling, F_OK) < 0)
                return 0;
        return pg_caps_read(sibling, ret, err);
}

/* Shared with verify: load the profile, print its warnings. */
int pg_cli_load_profile(const char *path, bool quiet, struct pg_profile **ret)
{
        _cleanup_error_ struct pg_error *err = NULL;
        int r = pg_profile_read(path, ret, &err);
        if (r < 0) {
                pg_cli_report(err, "cannot read profile `%s`: %s", path, strerror(-r));
                return r;
        }
        for (char **w = (*ret)->warnings; !quiet && w && *w; w++)
                fprintf(stderr, "profgen: warning: %s\n", *w);
        return 0;
}

int pg_cmd_run(int argc, char **argv)
{
        struct run_args a = {0};
        int r = parse_run_args(argc, argv, &a);
        if (r != 0)
                return r > 0 ? 0 : PG_EXIT_FAILURE;
        _cleanup_profile_ struct pg_profile *profile = NULL;
        if (pg_cli_load_profile(a.profile, a.quiet, &profile) < 0)
                return PG_EXIT_FAILURE;
        _cleanup_error_ struct pg_error *err = NULL;
        if ((r = resolve_caps(&a, &a.opts.caps, &err)) < 0) {
                pg_cli_report(err, "cannot read capabilities: %s", strerror(-r));
                return PG_EXIT_FAILURE;
        }
        a.opts.profile = profile;
        struct pg_run_result res;
        if ((r = pg_run(&a.opts, argv + optind, &res, &err)) < 0) {
                pg_cli_report(err, "cannot run `%s`: %s", argv[optind], strerror(-r));
                return PG_EXIT_FAILURE;
        }
        if (res.message[0])
                fprintf(stderr, "profgen: %s\n", res.message);
        return res.status;
}
