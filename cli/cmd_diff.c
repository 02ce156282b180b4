// SPDX-License-Identifier: MIT
/* profgen diff [options] OLD NEW: drift between two profiles and their .caps files, with diff(1)'s
 * exit statuses. Also the diff options and printing that check shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/fileio.h"

enum {
        OPT_FORMAT = 0x200,
        OPT_COLOR,
        OPT_RECORDING,
        OPT_ALLOW_REMOVALS,
        OPT_REPORT,
};

const struct option pg_cli_diff_longopts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"color", required_argument, NULL, OPT_COLOR},
    {"recording", required_argument, NULL, OPT_RECORDING},
    {"allow-removals", no_argument, NULL, OPT_ALLOW_REMOVALS},
    {"report", required_argument, NULL, OPT_REPORT},
    {0},
};

void pg_cli_diff_usage(FILE *f)
{
        fputs("      --format FORMAT      text (default), json, or github (workflow-command\n"
              "                           annotations on the profile file)\n"
              "      --color WHEN         auto (default: on a terminal, unless NO_COLOR is set),\n"
              "                           always or never\n"
              "      --recording FILE     a recording (record --trace) that explains NEW: each\n"
              "                           added syscall gets its count, process and call site\n"
              "      --allow-removals     what NEW lacks is reported but is not drift (a run\n"
              "                           that exercised only part of the program)\n"
              "      --report FILE        write the report to FILE instead of stdout (check: the\n"
              "                           workload's own output stays apart from a JSON report)\n",
              f);
}

void pg_cli_diff_init(struct pg_cli_diff *o)
{
        memset(o, 0, sizeof(*o));
        o->format = PG_DIFF_FORMAT_TEXT;
        o->color = -1;
}

int pg_cli_diff_option(struct pg_cli_diff *o, int opt, const char *arg)
{
        switch (opt) {
        case OPT_FORMAT:
                if (pg_diff_format_parse(arg, &o->format) < 0) {
                        fprintf(stderr,
                                "profgen: --format: expected text, json or github, got "
                                "`%s`\n",
                                arg);
                        return -1;
                }
                return 1;
        case OPT_COLOR:
                o->color = strcmp(arg, "always") == 0  ? 1
                           : strcmp(arg, "never") == 0 ? 0
                           : strcmp(arg, "auto") == 0  ? -1
                                                       : -2;
                if (o->color == -2)
                        fprintf(stderr,
                                "profgen: --color: expected auto, always or never, got "
                                "`%s`\n",
                                arg);
                return o->color == -2 ? -1 : 1;
        case OPT_RECORDING:
                o->recording = arg;
                return 1;
        case OPT_ALLOW_REMOVALS:
                o->allow_removals = true;
                return 1;
        case OPT_REPORT:
                o->report = arg;
                return 1;
        default:
                return 0;
        }
}

bool pg_cli_options_join(struct option *out, size_t cap, const struct option *const *tables,
                         size_t n_tables)
{
        size_t n = 0;
        for (size_t t = 0; t < n_tables; t++)
                for (const struct option *o = tables[t]; o->name; o++) {
                        if (n + 1 >= cap)
                                return false;
                        out[n++] = *o;
                }
        out[n] = (struct option){0};
        return true;
}

int pg_cli_load_pair(const char *path, struct pg_profile **ret_p, struct pg_caps_list *ret_caps,
                     bool *ret_has_caps)
{
        _cleanup_profile_ struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_free_ char *caps = pg_path_sibling(path, ".json", ".caps");
        int r = pg_cli_load_profile(path, false, &p);
        if (r < 0)
                return r;
        *ret_has_caps = caps && access(caps, F_OK) == 0;
        memset(ret_caps, 0, sizeof(*ret_caps));
        if (*ret_has_caps && (r = pg_caps_list_read(caps, ret_caps, &err)) < 0) {
                pg_cli_report(err, "cannot read `%s`: %s", caps, strerror(-r));
                return r;
        }
        *ret_p = TAKE_PTR(p);
        return 0;
}

/* NO_COLOR (no-color.org): set and not empty turns colour off unless asked for explicitly. */
static bool use_color(int setting)
{
        if (setting >= 0)
                return setting;
        const char *nc = getenv("NO_COLOR");
        return isatty(STDOUT_FILENO) && !(nc && *nc);
}

int pg_cli_print_diff(const struct pg_diff *d, const struct pg_cli_diff *o,
                      const struct pg_diff_format_opts *labels)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_free_ char *text = NULL;
        struct pg_diff_format_opts fo = *labels;
        fo.format = o->format;
        fo.color = o->format == PG_DIFF_FORMAT_TEXT && !o->report && use_color(o->color);
        fo.removals_allowed = o->allow_removals;
        int r = pg_diff_format(d, &fo, &text, &err);
        if (r == 0 && o->report)
                r = pg_file_write_atomic(o->report, text, strlen(text), &err);
        if (r < 0) {
                pg_cli_report(err, "cannot write the report: %s", strerror(-r));
                return r;
        }
        if (!o->report)
                fputs(text, stdout);
        return fflush(stdout) == 0 ? 0 : -errno;
}

static void usage(FILE *f)
{
        fputs("usage: profgen diff [OPTIONS] OLD NEW\n\n"
              "Compares two seccomp profiles and the .caps files beside them semantically: per\n"
              "architecture, however the rules are grouped or ordered (the .caps files when\n"
              "both profiles have one). Evidence for NEW comes\n"
              "from --recording, or from NEW's recording beside it (NEW.json -> NEW.trace.json).\n"
              "Exit status: 0 equivalent, 1 drift, 2 error.\n\n",
              f);
        pg_cli_diff_usage(f);
}

/* --recording, else the recording saved beside NEW when there is one; NULL when neither. */
static int load_recording(const char *explicit_path, const char *new_path,
                          struct pg_recording **ret)
{
        _cleanup_free_ char *sibling = pg_path_sibling(new_path, ".json", ".trace.json");
        _cleanup_error_ struct pg_error *err = NULL;
        const char *path = explicit_path;
        *ret = NULL;
        if (!path && sibling && access(sibling, F_OK) == 0)
                path = sibling;
        if (!path)
                return 0;
        int r = pg_recording_load(path, ret, &err);
        if (r < 0)
                pg_cli_report(err, "cannot load the recording `%s`: %s", path, strerror(-r));
        return r;
}

/* Capabilities are compared when both profiles have a .caps file: a profile from elsewhere
 * usually has none, and that says nothing about what it needs. */
static int diff_pair(const char *old_path, const char *new_path, const struct pg_cli_diff *o,
                     struct pg_diff **ret)
{
        _cleanup_profile_ struct pg_profile *op = NULL, *np = NULL;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        struct pg_caps_list oc = {0}, nc = {0};
        bool o_caps = false, n_caps = false;
        int r = pg_cli_load_pair(old_path, &op, &oc, &o_caps);
        if (r == 0)
                r = pg_cli_load_pair(new_path, &np, &nc, &n_caps);
        if (r == 0)
                r = load_recording(o->recording, new_path, &rec);
        if (r == 0 && (r = pg_diff_profiles(op, np, ret, &err)) < 0)
                pg_cli_report(err, "cannot compare the profiles");
        if (r == 0 && o_caps && n_caps)
                r = pg_diff_caps(*ret, &oc, &nc);
        else if (r == 0 && o_caps != n_caps)
                fprintf(stderr,
                        "profgen: note: only %s has a .caps file: capabilities not compared\n",
                        o_caps ? old_path : new_path);
        if (r == 0 && rec)
                r = pg_diff_add_evidence(*ret, rec, NULL);
        pg_caps_list_clear(&oc);
        pg_caps_list_clear(&nc);
        return r;
}

int pg_cmd_diff(int argc, char **argv)
{
        struct pg_cli_diff o;
        struct option longopts[16];
        const struct option help[] = {{"help", no_argument, NULL, 'h'}, {0}};
        const struct option *tables[] = {pg_cli_diff_longopts, help};
        pg_cli_diff_init(&o);
        pg_cli_options_join(longopts, 16, tables, 2);
        optind = 1;
        for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
                int h = c == 'h' ? 2 : pg_cli_diff_option(&o, c, optarg);
                if (h != 1) {
                        usage(h == 2 ? stdout : stderr);
                        return h == 2 ? PG_EXIT_SAME : PG_EXIT_ERROR;
                }
        }
        if (argc - optind != 2) {
                fputs("profgen diff: expected two profiles, OLD and NEW\n", stderr);
                usage(stderr);
                return PG_EXIT_ERROR;
        }
        const char *old_path = argv[optind], *new_path = argv[optind + 1];
        _cleanup_diff_ struct pg_diff *d = NULL;
        _cleanup_free_ char *old_caps = pg_path_sibling(old_path, ".json", ".caps");
        if (diff_pair(old_path, new_path, &o, &d) < 0)
                return PG_EXIT_ERROR;
        struct pg_diff_format_opts labels = {
            .old_label = old_path,
            .new_label = new_path,
            .old_path = old_path,
            .old_caps_path = old_caps,
        };
        if (pg_cli_print_diff(d, &o, &labels) < 0)
                return PG_EXIT_ERROR;
        return pg_diff_is_drift(d, o.allow_removals) ? PG_EXIT_DRIFT : PG_EXIT_SAME;
}
