// SPDX-License-Identifier: MIT
/* profgen check PROFILE [options] -- COMMAND...: the CI drift gate. Records COMMAND exactly as
 * `record` would, generates its profile with the same options, and compares it with the committed
 * PROFILE and PROFILE.caps. A failed workload is reported as such and never compared: a run that
 * took its error path says nothing about drift. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/fileio.h"

enum { OPT_UPDATE = 0x380, OPT_FULL };

struct check_args {
        const char *profile;
        char **command;
        bool update;
        bool full;                /* --full: every syscall stops, so removals are seen too */
        bool auto_baseline;       /* PROFILE is the baseline because nothing said otherwise */
        struct pg_cli_record rec; /* the record options; -o is PROFILE itself */
        struct pg_cli_diff diff;
};

static void usage(FILE *f)
{
        fputs("usage: profgen check PROFILE [OPTIONS] -- COMMAND [ARG...]\n\n"
              "Records COMMAND and compares what it needs with the committed PROFILE and the\n"
              ".caps file beside it. Give the record options PROFILE was recorded with.\n"
              "PROFILE is also the run's --baseline: the syscalls it allows run without a\n"
              "tracer stop, which makes the check cheap, and only additions are checked.\n"
              "Exit status: 0 no drift, 1 drift (the diff is printed), 2 error; when COMMAND\n"
              "itself fails, its exit status (128+N for signal N; 126/127 when it cannot be\n"
              "run), and nothing is compared.\n\n"
              "      --update             rewrite PROFILE and its .caps file (atomically) with\n"
              "                           what this run needs, and pass; PROFGEN_UPDATE=1 in the\n"
              "                           environment does the same. With --allow-removals the\n"
              "                           run is added to what PROFILE had. --update records\n"
              "                           in full (see --full).\n"
              "      --full               record every syscall with a stop instead of using\n"
              "                           PROFILE as the baseline: slower, but what the\n"
              "                           workload stopped using is reported as drift too\n"
              "  Diff and record options (-o and --recording do not apply: check compares\n"
              "  with PROFILE, --update writes it, and the run is its own recording):\n",
              f);
        pg_cli_diff_usage(f);
        pg_cli_record_usage(f);
}

/* Options may come before or after PROFILE; the command follows `--`. */
static int parse(int argc, char **argv, struct check_args *a)
{
        struct option longopts[48];
        const struct option own[] = {
            {"update", no_argument, NULL, OPT_UPDATE},
            {"full", no_argument, NULL, OPT_FULL},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        const struct option *tables[] = {pg_cli_record_longopts, pg_cli_diff_longopts, own};
        char shortopts[32];
        const char *default_output = a->rec.output;
        snprintf(shortopts, sizeof(shortopts), "+%sh", pg_cli_record_shortopts);
        pg_cli_options_join(longopts, 48, tables, 3);
        optind = 1;
        /* PROFILE first: parse the options after it as if it were the program name. */
        int shift = argc > 1 && argv[1][0] != '-' ? 1 : 0;
        if (shift)
                a->profile = argv[1];
        for (int c;
             (c = getopt_long(argc - shift, argv + shift, shortopts, longopts, NULL)) != -1;) {
                int h = c == 'h' ? 2
                        : c == OPT_UPDATE || c == OPT_FULL
                            ? 1
                            : pg_cli_diff_option(&a->diff, c, optarg);
                if (c == OPT_UPDATE)
                        a->update = true;
                if (c == OPT_FULL)
                        a->full = true;
                if (h == 0)
                        h = pg_cli_record_option(&a->rec, c, optarg);
                if (h != 1) {
                        usage(h == 2 ? stdout : stderr);
                        return h == 2 ? 1 : -EINVAL;
                }
        }
        int next = optind + shift;
        if (!a->profile && next < argc && strcmp(argv[next], "--") != 0)
                a->profile = argv[next++];
        if (next < argc && strcmp(argv[next], "--") == 0)
                next++;
        a->command = next < argc ? &argv[next] : NULL;
        if (!a->profile || !a->command) {
                fputs("profgen check: expected PROFILE and a command: profgen check PROFILE -- "
                      "COMMAND...\n",
                      stderr);
                return -EINVAL;
        }
        if (a->rec.output != default_output) {
                fputs("profgen check: -o is not used: check compares with (and --update writes) "
                      "PROFILE\n",
                      stderr);
                return -EINVAL;
        }
        if (a->full && a->rec.baseline) {
                fputs("profgen check: --full and --baseline contradict each other\n", stderr);
                return -EINVAL;
        }
        a->rec.output = a->profile;
        const char *env = getenv("PROFGEN_UPDATE");
        a->update |= env && strcmp(env, "1") == 0;
        return 0;
}

/* The committed profile is the run's baseline unless the run must see everything: --full, or
 * --update (a profile rewritten from a baseline run could never lose a syscall), or there is no
 * profile yet. An explicit --baseline is kept as given. */
static void choose_baseline(struct check_args *a)
{
        if (a->rec.baseline || a->full || a->update || access(a->profile, F_OK) < 0)
                return;
        a->rec.baseline = a->profile;
        a->auto_baseline = true;
}

/* What the committed side holds; a PROFILE that does not exist yet is empty when --update will
 * create it. */
struct committed {
        struct pg_profile *profile;
        struct pg_caps_list caps;
        bool exists;
};

static int load_committed(const struct check_args *a, struct committed *c)
{
        bool has_caps = false;
        memset(c, 0, sizeof(*c));
        if (a->update && access(a->profile, F_OK) < 0 && errno == ENOENT)
                return 0;
        int r = pg_cli_load_pair(a->profile, &c->profile, &c->caps, &has_caps);
        if (r == 0 && !has_caps && !a->rec.quiet)
                fprintf(stderr,
                        "profgen: note: no .caps file beside %s: its capability list counts as "
                        "empty\n",
                        a->profile);
        c->exists = r == 0;
        return r;
}

static void committed_clear(struct committed *c)
{
        pg_profile_free(c->profile);
        pg_caps_list_clear(&c->caps);
}

/* What this run needs: the generated profile, and the capability list with its evidence in the
 * form a .caps file has (so that --update and merging treat both sides alike). */
struct observed {
        struct pg_recording *rec;
        struct pg_generation *gen;
        struct pg_caps_list caps;
        char *caps_text;
};

static int observe(const struct check_args *a, struct observed *ob)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_free_ char *caps_name = pg_path_sibling(a->profile, ".json", ".caps");
        int r = a->rec.trace ? pg_recording_save(ob->rec, a->rec.trace, &err) : 0;
        if (r == 0)
                r = pg_generate(ob->rec, &a->rec.gen, &ob->gen, &err);
        if (r == 0)
                r = pg_caps_to_string(ob->rec, &ob->caps_text, &err);
        if (r == 0)
                r = pg_caps_list_parse(ob->caps_text, caps_name, &ob->caps, &err);
        if (r < 0)
                pg_cli_report(err, "cannot generate the profile of this run: %s", strerror(-r));
        return r;
}

static void observed_clear(struct observed *ob)
{
        pg_recording_free(ob->rec);
        pg_generation_free(ob->gen);
        pg_caps_list_clear(&ob->caps);
        free(ob->caps_text);
}

/* The files --update writes: this run's, or with --allow-removals the union with what was there. */
static int updated_texts(const struct check_args *a, const struct committed *c,
                         const struct observed *ob, char **ret_profile, char **ret_caps,
                         struct pg_error **err)
{
        _cleanup_profile_ struct pg_profile *merged = NULL;
        struct pg_caps_list caps = {0};
        const struct pg_profile *p = ob->gen->profile;
        int r = 0;
        if (a->diff.allow_removals && c->exists) {
                const struct pg_profile *in[] = {c->profile, ob->gen->profile};
                const char *labels[] = {a->profile, "this run"};
                r = pg_profile_merge(in, labels, 2, &merged, err);
                if (r == 0)
                        r = pg_caps_list_merge(&caps, &c->caps);
                if (r == 0)
                        r = pg_caps_list_merge(&caps, &ob->caps);
                if (r == 0)
                        r = pg_caps_list_to_string(&caps, ret_caps, err);
                p = merged;
        } else if (!(*ret_caps = strdup(ob->caps_text))) {
                r = -ENOMEM;
        }
        if (r == 0)
                r = pg_profile_to_json_string(p, ret_profile, err);
        pg_caps_list_clear(&caps);
        return r;
}

/* The .caps file first: a new profile never stands beside a stale capability list. */
static int update(const struct check_args *a, const struct committed *c, const struct observed *ob)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_free_ char *text = NULL, *caps_text = NULL;
        _cleanup_free_ char *caps_path = pg_path_sibling(a->profile, ".json", ".caps");
        int r = caps_path ? updated_texts(a, c, ob, &text, &caps_text, &err) : -ENOMEM;
        if (r == 0)
                r = pg_file_write_atomic(caps_path, caps_text, strlen(caps_text), &err);
        if (r == 0)
                r = pg_file_write_atomic(a->profile, text, strlen(text), &err);
        if (r < 0)
                pg_cli_report(err, "cannot update %s: %s", a->profile, strerror(-r));
        else if (!a->rec.quiet)
                fprintf(stderr, "profgen: %s %s and %s\n", c->exists ? "updated" : "created",
                        a->profile, caps_path);
        return r;
}

/* Runs the workload; a workload that did not succeed is reported and ends the check. */
static int record(const struct check_args *a, struct observed *ob, int *ret_status)
{
        _cleanup_error_ struct pg_error *err = NULL;
        int r = pg_session_record(a->command, &a->rec.session, &ob->rec, ret_status, &err);
        if (r < 0) {
                pg_cli_report(err, "recording failed: %s", strerror(-r));
                return r;
        }
        if (err) /* not found, not executable: the status says which */
                pg_cli_report(err, "cannot execute `%s`", a->command[0]);
        if (*ret_status != 0)
                fprintf(stderr,
                        "profgen: check: the workload failed (exit status %d), so it was not "
                        "compared with %s: a failing run takes other paths than a passing one. "
                        "This is the workload's failure, not drift.\n",
                        *ret_status, a->profile);
        return 0;
}

static int compare(const struct check_args *a, const struct committed *c, const struct observed *ob,
                   struct pg_diff **ret)
{
        _cleanup_error_ struct pg_error *err = NULL;
        int r = pg_diff_profiles(c->profile, ob->gen->profile, ret, &err);
        if (r == 0)
                r = pg_diff_caps(*ret, &c->caps, &ob->caps);
        if (r == 0)
                r = pg_diff_add_evidence(*ret, ob->rec, ob->gen);
        if (r < 0)
                pg_cli_report(err, "cannot compare with %s: %s", a->profile, strerror(-r));
        return r;
}

static int report(const struct check_args *a, const struct pg_diff *d)
{
        _cleanup_free_ char *caps_path = pg_path_sibling(a->profile, ".json", ".caps");
        _cleanup_free_ char *label = NULL;
        if (asprintf(&label, "this run of %s", a->command[0]) < 0)
                return -ENOMEM;
        struct pg_diff_format_opts labels = {
            .old_label = a->profile,
            .new_label = label,
            .old_path = a->profile,
            .old_caps_path = caps_path,
        };
        if (a->rec.quiet && d->n == 0)
                return 0;
        return pg_cli_print_diff(d, &a->diff, &labels);
}

static int run_check(struct check_args *a)
{
        struct committed c = {0};
        struct observed ob = {0};
        _cleanup_diff_ struct pg_diff *d = NULL;
        int status = 0;
        choose_baseline(a);
        int r = pg_cli_record_load_baseline(&a->rec) < 0 ? -EINVAL : 0;
        /* With a baseline its syscalls run without a stop and the profile keeps them all, so what
         * the workload stopped using cannot be seen: removals are unknown, not absent, and only
         * additions are checked. */
        if (r == 0 && a->rec.session.baseline) {
                a->diff.allow_removals = true;
                if (!a->rec.quiet)
                        fprintf(stderr, "profgen: note: %s%s: only additions are checked%s\n",
                                a->auto_baseline ? a->profile : "--baseline",
                                a->auto_baseline ? " is this run's baseline (its syscalls run "
                                                   "without a stop)"
                                                 : "",
                                a->auto_baseline ? "; --full checks removals too" : "");
        }
        if (r == 0)
                r = load_committed(a, &c);
        if (r == 0)
                r = record(a, &ob, &status);
        int code = r < 0 ? PG_EXIT_ERROR : status;
        if (r == 0 && status == 0)
                code = observe(a, &ob) < 0 ? PG_EXIT_ERROR : -1;
        if (code == -1 && c.exists)
                code = compare(a, &c, &ob, &d) < 0 || report(a, d) < 0 ? PG_EXIT_ERROR : -1;
        if (code == -1 && a->update && (!c.exists || d->n > 0))
                code = update(a, &c, &ob) < 0 ? PG_EXIT_ERROR : PG_EXIT_SAME;
        if (code == -1)
                code = a->update || !pg_diff_is_drift(d, a->diff.allow_removals) ? PG_EXIT_SAME
                                                                                 : PG_EXIT_DRIFT;
        if (code == PG_EXIT_DRIFT && !a->rec.quiet)
                fprintf(stderr,
                        "profgen: %s drifted. If the change is intended, accept it with\n"
                        "  profgen check --update %s -- ...  (or PROFGEN_UPDATE=1)\n"
                        "and commit the result.\n",
                        a->profile, a->profile);
        committed_clear(&c);
        observed_clear(&ob);
        return code;
}

int pg_cmd_check(int argc, char **argv)
{
        struct check_args a = {0};
        pg_cli_record_init(&a.rec);
        pg_cli_diff_init(&a.diff);
        int r = parse(argc, argv, &a);
        int code = r > 0 ? PG_EXIT_SAME : r < 0 ? PG_EXIT_ERROR : run_check(&a);
        pg_cli_record_clear(&a.rec);
        return code;
}
