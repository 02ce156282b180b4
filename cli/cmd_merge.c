// SPDX-License-Identifier: MIT
/* profgen merge [-o OUT] A B ...: the union of profiles and their .caps files;
 * profgen merge --recordings [generate options] -o OUT A B ...: the union of recordings (counts
 * and evidence kept), then a profile generated from it as `generate` would. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/fileio.h"

enum { OPT_RECORDINGS = 0x300 };

struct merge_args {
        struct pg_cli_record rec; /* -o, --trace and the generate options */
        const char *default_output;
        bool recordings;
};

static void usage(FILE *f)
{
        fputs("usage: profgen merge [-o OUT] PROFILE...\n"
              "       profgen merge --recordings [OPTIONS] -o OUT RECORDING...\n\n"
              "Writes the union of profiles recorded in several runs, CI shards or on several\n"
              "architectures, and of the .caps files beside them, to OUT and OUT.caps (without\n"
              "-o: the profile to stdout). The result does not depend on the order or repetition\n"
              "of the inputs. Inputs that disagree on an action or errno are an error naming\n"
              "both. With --recordings the inputs are recordings (record --trace): counts and\n"
              "evidence add up, and the profile is generated with the options below (--trace\n"
              "saves the merged recording). Exit status: 0, or 2 on error.\n\n",
              f);
        pg_cli_record_usage(f);
}

static int parse(int argc, char **argv, struct merge_args *a)
{
        struct option longopts[32];
        const struct option own[] = {
            {"recordings", no_argument, NULL, OPT_RECORDINGS},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        const struct option *tables[] = {pg_cli_record_longopts, own};
        char shortopts[32];
        snprintf(shortopts, sizeof(shortopts), "%sh", pg_cli_record_shortopts);
        pg_cli_options_join(longopts, 32, tables, 2);
        optind = 1;
        for (int c; (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1;) {
                if (c == OPT_RECORDINGS) {
                        a->recordings = true;
                        continue;
                }
                int h = c == 'h' ? 2 : pg_cli_record_option(&a->rec, c, optarg);
                if (h != 1) {
                        usage(h == 2 ? stdout : stderr);
                        return h == 2 ? 1 : -EINVAL;
                }
        }
        if (optind >= argc) {
                fputs("profgen merge: no inputs\n", stderr);
                return -EINVAL;
        }
        if (!a->recordings && a->rec.trace) {
                fputs("profgen merge: --trace saves a merged recording: it needs --recordings\n",
                      stderr);
                return -EINVAL;
        }
        if (a->recordings && a->rec.output == a->default_output) {
                fputs("profgen merge: --recordings needs -o OUT\n", stderr);
                return -EINVAL;
        }
        return 0;
}

static int merge_recordings(struct merge_args *a, char **inputs, size_t n)
{
        _cleanup_recording_ struct pg_recording *all = NULL;
        if (pg_recording_new(&all) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                _cleanup_recording_ struct pg_recording *rec = NULL;
                _cleanup_error_ struct pg_error *err = NULL;
                int r = pg_recording_load(inputs[i], &rec, &err);
                if (r < 0) {
                        pg_cli_report(err, "cannot load `%s`: %s", inputs[i], strerror(-r));
                        return r;
                }
                if ((r = pg_recording_merge(all, rec)) < 0) {
                        fprintf(stderr, "profgen: merging `%s`: %s\n", inputs[i], strerror(-r));
                        return r;
                }
        }
        return pg_cli_write_outputs(&a->rec, all) == 0 ? 0 : -EIO;
}

struct inputs {
        size_t n;
        struct pg_profile **p;
        struct pg_caps_list caps; /* the union */
        bool any_caps;
};

static void inputs_clear(struct inputs *in)
{
        for (size_t i = 0; i < in->n; i++)
                pg_profile_free(in->p[i]);
        free(in->p);
        pg_caps_list_clear(&in->caps);
}

static int load_inputs(struct inputs *in, char **paths, size_t n)
{
        if (!(in->p = calloc(n, sizeof(*in->p))))
                return -ENOMEM;
        for (; in->n < n; in->n++) {
                struct pg_caps_list caps;
                bool has_caps;
                int r = pg_cli_load_pair(paths[in->n], &in->p[in->n], &caps, &has_caps);
                if (r < 0)
                        return r;
                in->any_caps |= has_caps;
                r = pg_caps_list_merge(&in->caps, &caps);
                pg_caps_list_clear(&caps);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int write_merged(const struct pg_profile *p, const struct inputs *in, const char *out)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_free_ char *text = NULL, *caps_text = NULL;
        _cleanup_free_ char *caps_path = out ? pg_path_sibling(out, ".json", ".caps") : NULL;
        int r = pg_profile_to_json_string(p, &text, &err);
        if (r == 0 && !out)
                return fputs(text, stdout) < 0 ? -EIO : 0;
        if (r == 0 && in->any_caps)
                r = pg_caps_list_to_string(&in->caps, &caps_text, &err);
        /* The caps file first: a profile never stands beside a stale caps file from before. */
        if (r == 0 && caps_text)
                r = pg_file_write_atomic(caps_path, caps_text, strlen(caps_text), &err);
        if (r == 0)
                r = pg_file_write_atomic(out, text, strlen(text), &err);
        if (r < 0)
                pg_cli_report(err, "cannot write `%s`: %s", out, strerror(-r));
        return r;
}

static int merge_profiles(const struct merge_args *a, char **paths, size_t n)
{
        struct inputs in = {0};
        _cleanup_profile_ struct pg_profile *merged = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        const char *out = a->rec.output == a->default_output ? NULL : a->rec.output;
        int r = load_inputs(&in, paths, n);
        if (r == 0 && (r = pg_profile_merge((const struct pg_profile *const *)in.p,
                                            (const char *const *)paths, n, &merged, &err)) < 0)
                pg_cli_report(err, "cannot merge: %s", strerror(-r));
        if (r == 0)
                r = write_merged(merged, &in, out);
        if (r == 0 && out && !a->rec.quiet)
                fprintf(stderr, "profgen: merged %zu profile%s into %s%s\n", n, n == 1 ? "" : "s",
                        out, in.any_caps ? " and its .caps file" : "");
        inputs_clear(&in);
        return r;
}

int pg_cmd_merge(int argc, char **argv)
{
        struct merge_args a = {0};
        pg_cli_record_init(&a.rec);
        a.default_output = a.rec.output;
        int r = parse(argc, argv, &a);
        if (r == 0)
                r = a.recordings ? merge_recordings(&a, argv + optind, (size_t)(argc - optind))
                                 : merge_profiles(&a, argv + optind, (size_t)(argc - optind));
        pg_cli_record_clear(&a.rec);
        return r < 0 ? PG_EXIT_ERROR : PG_EXIT_SAME;
}
