// SPDX-License-Identifier: MIT
/* TEMPORARY (branch run): stand-ins until the lead's cmd_record.c / cmd_generate.c land on main;
 * weak, so the real ones win. Deleted at the first merge that brings them. */
#include <stdio.h>

#include "profgen/cli.h"

__attribute__((weak)) int pg_cmd_record(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        fprintf(stderr, "profgen: record is not built in this branch yet\n");
        return PG_EXIT_FAILURE;
}

__attribute__((weak)) int pg_cmd_generate(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        fprintf(stderr, "profgen: generate is not built in this branch yet\n");
        return PG_EXIT_FAILURE;
}
