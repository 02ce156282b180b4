// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "profgen/cli.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct pg_command commands[] = {
    {"record", "run a command under the tracer and write its seccomp profile and caps",
     pg_cmd_record},
    {"generate", "turn a saved recording into a profile", pg_cmd_generate},
    {"explain", "why each syscall and capability is in the profile, with call stacks",
     pg_cmd_explain},
    {"run", "run a command under a profile and capability list, like a container would",
     pg_cmd_run},
    {"verify", "record, then re-run under the result to prove it sufficient", pg_cmd_verify},
    {"check", "record a command and compare with its committed profile (drift gate for CI)",
     pg_cmd_check},
    {"diff", "compare two profiles and their capability lists (exit 0 same, 1 drift)", pg_cmd_diff},
    {"merge", "unite profiles (or recordings) from several runs, shards or architectures",
     pg_cmd_merge},
    {"caps", "print a .caps file as docker flags, a Kubernetes securityContext or Compose",
     pg_cmd_caps},
    {"version", "print the version", cmd_version},
    {"help", "show this help", cmd_help},
};

void pg_cli_report(const struct pg_error *err, const char *fallback_fmt, ...)
{
        if (err && err->file && err->line > 0)
                fprintf(stderr, "profgen: %s:%d:%d: %s\n", err->file, err->line, err->column,
                        err->message ? err->message : "error");
        else if (err && err->message)
                fprintf(stderr, "profgen: %s\n", err->message);
        else {
                va_list ap;
                va_start(ap, fallback_fmt);
                fputs("profgen: ", stderr);
                vfprintf(stderr, fallback_fmt, ap);
                fputc('\n', stderr);
                va_end(ap);
        }
}

static int cmd_version(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        printf("profgen %s\n", PROFGEN_VERSION);
        return 0;
}

static int cmd_help(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        printf("usage: profgen COMMAND [OPTIONS] [-- PROGRAM ARGS...]\n\ncommands:\n");
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                printf("  %-10s %s\n", commands[i].name, commands[i].summary);
        printf("\nexit status: record/run pass the program's status through (128+N when killed by\n"
               "signal N); 125 profgen failed, 126 program not executable, 127 not found.\n"
               "See `profgen COMMAND --help`.\n");
        return 0;
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                cmd_help(argc, argv);
                return PG_EXIT_FAILURE;
        }
        const char *name = argv[1];
        if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
                return cmd_help(argc, argv);
        if (strcmp(name, "--version") == 0)
                return cmd_version(argc, argv);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return commands[i].run(argc - 1, argv + 1);
        fprintf(stderr, "profgen: unknown command `%s` (see `profgen help`)\n", name);
        return PG_EXIT_FAILURE;
}
