// SPDX-License-Identifier: MIT
/* profgen caps FILE.caps [--format docker|k8s|compose]: the capability list in the form a
 * container engine or orchestrator takes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/enforce.h"

static void usage(FILE *f)
{
        fputs("usage: profgen caps FILE.caps [--format docker|k8s|compose]\n\n"
              "Prints the capability list of a .caps file (as `profgen record` writes it) as\n"
              "docker run flags (default), a Kubernetes securityContext, or a Compose fragment.\n",
              f);
}

/* The mask's capabilities in the .caps order (by name). */
static size_t mask_to_list(uint64_t mask, int *caps)
{
        size_t n = 0;
        for (int c = 0; c < 64; c++)
                if ((mask >> c) & 1u)
                        caps[n++] = c;
        pg_caps_sort(caps, n);
        return n;
}

int pg_cmd_caps(int argc, char **argv)
{
        static const struct option longopts[] = {
            {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
        enum pg_caps_style style = PG_CAPS_STYLE_DOCKER;
        optind = 1;
        for (int c; (c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1;) {
                if (c == 'h') {
                        usage(stdout);
                        return 0;
                }
                if (c != 'f' || pg_caps_style_parse(optarg, &style) < 0) {
                        usage(stderr);
                        return PG_EXIT_FAILURE;
                }
        }
        if (optind + 1 != argc) {
                usage(stderr);
                return PG_EXIT_FAILURE;
        }
        _cleanup_error_ struct pg_error *err = NULL;
        uint64_t mask = 0;
        if (pg_caps_read(argv[optind], &mask, &err) < 0) {
                pg_cli_report(err, "cannot read `%s`", argv[optind]);
                return PG_EXIT_FAILURE;
        }
        int caps[64];
        _cleanup_free_ char *out = NULL;
        if (pg_caps_snippet(caps, mask_to_list(mask, caps), style, &out) < 0) {
                pg_cli_report(NULL, "out of memory");
                return PG_EXIT_FAILURE;
        }
        fputs(out, stdout);
        return 0;
}
