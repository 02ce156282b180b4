// SPDX-License-Identifier: MIT
/* profgen record [options] -- COMMAND [ARG...] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/cli.h"

static void usage(FILE *f)
{
        fputs("usage: profgen record [OPTIONS] -- COMMAND [ARG...]\n\n"
              "Runs COMMAND under the tracer (every process, thread and exec it starts) and\n"
              "writes a minimal Docker-format seccomp profile and the capability list.\n"
              "Exit status: COMMAND's (128+N when killed by signal N); 125 when profgen\n"
              "fails, 126 when COMMAND cannot be executed, 127 when it is not found.\n\n",
              f);
        pg_cli_record_usage(f);
}

/* Parses options up to the command; returns the command or NULL after reporting. */
static char **parse(int argc, char **argv, struct pg_cli_record *o, int *ret_exit)
{
        char shortopts[32];
        snprintf(shortopts, sizeof(shortopts), "+%sh", pg_cli_record_shortopts);
        struct option longopts[48];
        const struct option help[] = {{"help", no_argument, NULL, 'h'}, {0}};
        const struct option *tables[] = {pg_cli_record_longopts, help};
        pg_cli_options_join(longopts, 48, tables, 2);
        optind = 1;
        for (int c; (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1;) {
                if (c == 'h') {
                        usage(stdout);
                        *ret_exit = 0;
                        return NULL;
                }
                int h = pg_cli_record_option(o, c, optarg);
                if (h <= 0) {
                        if (h == 0)
                                usage(stderr);
                        *ret_exit = PG_EXIT_FAILURE;
                        return NULL;
                }
        }
        char **cmd = pg_cli_command(argc, argv, optind);
        if (!cmd) {
                fputs("profgen record: no command given (profgen record -- COMMAND ...)\n", stderr);
                *ret_exit = PG_EXIT_FAILURE;
        }
        return cmd;
}

int pg_cmd_record(int argc, char **argv)
{
        struct pg_cli_record o;
        int exit_code = PG_EXIT_FAILURE;
        pg_cli_record_init(&o);
        char **cmd = parse(argc, argv, &o, &exit_code);
        if (!cmd) {
                pg_cli_record_clear(&o);
                return exit_code;
        }
        /* Stacks are for explain: without a saved recording nobody would see them. */
        if (!o.trace && !o.stacks_explicit)
                o.session.stack_depth = 0;
        struct pg_unwind_stats stats = {0};
        o.session.stack_stats = &stats;
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_recording_ struct pg_recording *rec = NULL;
        int status = 0;
        if (pg_cli_record_load_baseline(&o) < 0) {
                pg_cli_record_clear(&o);
                return PG_EXIT_FAILURE;
        }
        if (pg_session_record(cmd, &o.session, &rec, &status, &err) < 0) {
                pg_cli_report(err, "recording failed");
                pg_cli_record_clear(&o);
                return PG_EXIT_FAILURE;
        }
        if (err) /* the command could not be executed: nothing was recorded */
                pg_cli_report(err, "cannot execute the command");
        else if (pg_cli_write_outputs(&o, rec) != 0)
                status = PG_EXIT_FAILURE;
        else if (!o.quiet && o.session.stack_depth)
                fprintf(stderr,
                        "profgen: %" PRIu64 " call stacks (%" PRIu64 " frames) in %.1f ms\n",
                        stats.stacks, stats.frames, (double)stats.nsec / 1e6);
        pg_cli_record_clear(&o);
        return status;
}
