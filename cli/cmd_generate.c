// SPDX-License-Identifier: MIT
/* profgen generate [options] RECORDING: a profile from a saved recording, without tracing. */
#include <stdio.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"

static void usage(FILE *f)
{
        fputs("usage: profgen generate [OPTIONS] RECORDING\n\n"
              "Writes the seccomp profile and capability list of a recording saved with\n"
              "`profgen record --trace`. Exit status 0, or 125 on error.\n\n",
              f);
        pg_cli_record_usage(f);
}

int pg_cmd_generate(int argc, char **argv)
{
        struct pg_cli_record o;
        pg_cli_record_init(&o);
        struct option longopts[48];
        const struct option help[] = {{"help", no_argument, NULL, 'h'}, {0}};
        const struct option *tables[] = {pg_cli_record_longopts, help};
        pg_cli_options_join(longopts, 48, tables, 2);
        char shortopts[32];
        snprintf(shortopts, sizeof(shortopts), "%sh", pg_cli_record_shortopts);
        optind = 1;
        int exit_code = 0;
        for (int c; (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1;) {
                int h = c == 'h' ? 2 : pg_cli_record_option(&o, c, optarg);
                if (h != 1) {
                        usage(h == 2 ? stdout : stderr);
                        exit_code = h == 2 ? 0 : PG_EXIT_FAILURE;
                        goto out;
                }
        }
        if (optind != argc - 1) {
                usage(stderr);
                exit_code = PG_EXIT_FAILURE;
                goto out;
        }
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        if (pg_recording_load(argv[optind], &rec, &err) < 0) {
                pg_cli_report(err, "cannot load `%s`", argv[optind]);
                exit_code = PG_EXIT_FAILURE;
                goto out;
        }
        o.trace = NULL; /* the recording exists already */
        exit_code = pg_cli_write_outputs(&o, rec);
out:
        pg_cli_record_clear(&o);
        return exit_code;
}
