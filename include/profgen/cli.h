/* SPDX-License-Identifier: MIT */
/* The thin CLI: one function per subcommand (cli/cmd_*.c), dispatched from a table in cli/main.c.
 * Only the CLI prints to the user. */
#pragma once

#include <stdbool.h>

#include "profgen/error.h"

/* profgen's own exit statuses (product.md: the env/docker run convention). */
#define PG_EXIT_FAILURE 125
#define PG_EXIT_CANNOT_EXEC 126
#define PG_EXIT_NOT_FOUND 127

struct pg_command {
        const char *name;
        const char *summary;
        int (*run)(int argc, char **argv); /* argv[0] is the subcommand name; returns exit status */
};

int pg_cmd_record(int argc, char **argv);
int pg_cmd_generate(int argc, char **argv);
int pg_cmd_run(int argc, char **argv);    /* cli/cmd_run.c */
int pg_cmd_verify(int argc, char **argv); /* cli/cmd_verify.c */

struct pg_profile;
/* Reads a profile and prints its warnings (unless quiet) or its error (cli/cmd_run.c). */
int pg_cli_load_profile(const char *path, bool quiet, struct pg_profile **ret);

/* Prints "profgen: <message>" (with file:line:column when known) to stderr. */
void pg_cli_report(const struct pg_error *err, const char *fallback_fmt, ...)
        __attribute__((format(printf, 2, 3)));
