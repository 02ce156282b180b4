// SPDX-License-Identifier: MIT
/* Writing what a recording yields: the trace, the profile and the caps file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/caps.h"
#include "profgen/cleanup.h"
#include "profgen/cli.h"
#include "profgen/fileio.h"

char **pg_cli_command(int argc, char **argv, int optind_value)
{
        return optind_value < argc ? &argv[optind_value] : NULL;
}

static size_t count_observed(const struct pg_recording *rec, size_t *ret_archs)
{
        size_t n = 0, archs = 0;
        for (int a = 0; a < PG_ARCH_COUNT; a++) {
                size_t before = n;
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++)
                        n += pg_recording_syscall(rec, a, s) != NULL;
                archs += n > before;
        }
        *ret_archs = archs;
        return n;
}

static void summary(const struct pg_cli_record *o, const struct pg_recording *rec,
                    const struct pg_generation *g, const char *caps_path)
{
        size_t archs, observed = count_observed(rec, &archs), allowed = 0, ncaps = 0;
        _cleanup_free_ int *caps = NULL;
        for (char **n = g->profile->rules[0].names; n && *n; n++)
                allowed++;
        pg_caps_needed(rec, &caps, &ncaps);
        fprintf(stderr,
                "profgen: %zu distinct syscalls on %zu architecture%s, %zu processes, %zu "
                "executables (%s tracing)\n"
                "profgen: wrote %s (%zu syscalls allowed) and %s (%zu capabilit%s)\n",
                observed, archs, archs == 1 ? "" : "s", pg_recording_n_processes(rec),
                pg_recording_n_exes(rec),
                pg_recording_tracing(rec) ? pg_recording_tracing(rec) : "?", o->output, allowed,
                caps_path, ncaps, ncaps == 1 ? "y" : "ies");
        _cleanup_free_ char *flags = NULL;
        if (pg_caps_snippet(caps, ncaps, PG_CAPS_STYLE_DOCKER, &flags) == 0)
                fprintf(stderr, "profgen: docker run %s", flags);
        for (size_t i = 0; i < pg_recording_n_notes(rec); i++)
                fprintf(stderr, "profgen: note: %s\n", pg_recording_note(rec, i));
}

int pg_cli_write_outputs(const struct pg_cli_record *o, const struct pg_recording *rec)
{
        _cleanup_error_ struct pg_error *err = NULL;
        _cleanup_generation_ struct pg_generation *g = NULL;
        /* The recording first: whatever fails later, what was observed is not lost. */
        if (o->trace && pg_recording_save(rec, o->trace, &err) < 0) {
                pg_cli_report(err, "cannot save the recording");
                return PG_EXIT_FAILURE;
        }
        if (pg_generate(rec, &o->gen, &g, &err) < 0) {
                pg_cli_report(err, "cannot generate the profile");
                return PG_EXIT_FAILURE;
        }
        _cleanup_free_ char *caps_path = pg_path_sibling(o->output, ".json", ".caps");
        if (!caps_path || pg_profile_write(g->profile, o->output, &err) < 0 ||
            pg_caps_write(rec, caps_path, &err) < 0) {
                pg_cli_report(err, "cannot write the profile");
                return PG_EXIT_FAILURE;
        }
        if (!o->quiet)
                summary(o, rec, g, caps_path);
        return 0;
}
