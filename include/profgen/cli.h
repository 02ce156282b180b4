/* SPDX-License-Identifier: MIT */
/* The thin CLI: one function per subcommand (cli/cmd_*.c), dispatched from a table in cli/main.c.
 * Only the CLI prints to the user. */
#pragma once

#include <getopt.h>
#include <stdio.h>
#include <stdbool.h>

#include "profgen/diff.h"
#include "profgen/error.h"
#include "profgen/generator.h"
#include "profgen/recording.h"
#include "profgen/session.h"

/* profgen's own exit statuses (product.md: the env/docker run convention). */
#define PG_EXIT_FAILURE     125
#define PG_EXIT_CANNOT_EXEC 126
#define PG_EXIT_NOT_FOUND   127

struct pg_command {
        const char *name;
        const char *summary;
        int (*run)(int argc, char **argv); /* argv[0] is the subcommand name; returns exit status */
};

int pg_cmd_record(int argc, char **argv);
int pg_cmd_generate(int argc, char **argv);
int pg_cmd_explain(int argc, char **argv);
int pg_cmd_caps(int argc, char **argv);
/* argv[optind...] after "--" (or the first non-option) as the command; NULL when empty. */
char **pg_cli_command(int argc, char **argv, int optind_value);

/* Options shared by every command that records (record, check, verify) and that generates
 * (generate): cli/record_opts.c. */
struct pg_cli_record {
        const char *output; /* -o: profile path */
        const char *trace;  /* --trace: save the recording here */
        bool quiet;
        struct pg_generate_opts gen;
        struct pg_session_opts session;
        bool stacks_explicit;                /* --stack-depth or --no-stacks was given */
        char **extra;                        /* --allow NAME..., NULL-terminated */
        const char *baseline;                /* --baseline: a committed profile */
        struct pg_syscall_set *baseline_set; /* its unconditional allow-list */
        size_t n_extra;
};

/* The getopt table entries for record/generate options (terminated by a zero entry) and the
 * matching short-option string. */
extern const struct option pg_cli_record_longopts[];
extern const char pg_cli_record_shortopts[];
void pg_cli_record_init(struct pg_cli_record *o);
void pg_cli_record_clear(struct pg_cli_record *o);
/* Handles one option from the table; 1 when handled, 0 when not ours, -1 on a bad value (after
 * printing why). */
int pg_cli_record_option(struct pg_cli_record *o, int opt, const char *arg);
/* Help text for those options. */
void pg_cli_record_usage(FILE *f);

/* Loads --baseline (when given) into o->session.baseline; 0 or -1 after reporting. */
int pg_cli_record_load_baseline(struct pg_cli_record *o);

/* Writes the trace (when asked), the profile and its caps file; prints a one-line summary unless
 * quiet. Returns 0 or PG_EXIT_FAILURE after reporting. */
int pg_cli_write_outputs(const struct pg_cli_record *o, const struct pg_recording *rec);
int pg_cmd_run(int argc, char **argv);    /* cli/cmd_run.c */
int pg_cmd_verify(int argc, char **argv); /* cli/cmd_verify.c */

struct pg_profile;
/* Reads a profile and prints its warnings (unless quiet) or its error (cli/cmd_run.c). */
int pg_cli_load_profile(const char *path, bool quiet, struct pg_profile **ret);

int pg_cmd_diff(int argc, char **argv);  /* cli/cmd_diff.c */
int pg_cmd_merge(int argc, char **argv); /* cli/cmd_merge.c */
int pg_cmd_check(int argc, char **argv); /* cli/cmd_check.c */

/* diff(1)'s exit statuses, shared by diff, check and merge. */
#define PG_EXIT_SAME  0
#define PG_EXIT_DRIFT 1
#define PG_EXIT_ERROR 2

/* How diff and check show a diff (cli/cmd_diff.c). */
struct pg_cli_diff {
        enum pg_diff_format format;
        int color;             /* -1: when stdout is a terminal and NO_COLOR is unset */
        const char *recording; /* --recording: evidence for NEW */
        bool allow_removals;   /* removals are reported but are not drift */
        const char *report;    /* --report: write the report here instead of stdout */
};

extern const struct option pg_cli_diff_longopts[];
void pg_cli_diff_init(struct pg_cli_diff *o);
/* 1 when handled, 0 when not ours, -1 on a bad value (after printing why). */
int pg_cli_diff_option(struct pg_cli_diff *o, int opt, const char *arg);
void pg_cli_diff_usage(FILE *f);
/* Concatenates zero-terminated getopt tables into out (room for cap entries, terminator
 * included); false when they do not fit. */
bool pg_cli_options_join(struct option *out, size_t cap, const struct option *const *tables,
                         size_t n_tables);
/* Reads a profile and its .caps file beside it (when there is one: *ret_has_caps). */
int pg_cli_load_pair(const char *path, struct pg_profile **ret_p, struct pg_caps_list *ret_caps,
                     bool *ret_has_caps);
/* Prints the diff to stdout in the chosen format; labels and paths as in pg_diff_format_opts. */
int pg_cli_print_diff(const struct pg_diff *d, const struct pg_cli_diff *o,
                      const struct pg_diff_format_opts *labels);

/* Prints "profgen: <message>" (with file:line:column when known) to stderr. */
void pg_cli_report(const struct pg_error *err, const char *fallback_fmt, ...)
    __attribute__((format(printf, 2, 3)));
