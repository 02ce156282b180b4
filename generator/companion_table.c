// SPDX-License-Identifier: MIT
/* Companion rules: paths that depend on timing, so that one recording can miss them although the
 * program takes them in production (../shared/docs/runtimes.md, "Paths that depend on timing").
 * A trigger is an observed syscall name or "fact:KEY" for a fact the recorder noted. Sorted by
 * (trigger, name); a unit test checks it and that every name resolves in libseccomp. */
#include "profgen/generator.h"

static const struct pg_companion_entry companions[] = {
    {"fact:fatal-signal-handler", "getpid",
     "a handler that re-raises its signal (sort | head: SIGPIPE) calls raise()"},
    {"fact:fatal-signal-handler", "gettid",
     "a handler that re-raises its signal (sort | head: SIGPIPE) calls raise()"},
    {"fact:fatal-signal-handler", "rt_sigprocmask", "raise() blocks signals around tgkill"},
    {"fact:fatal-signal-handler", "tgkill",
     "a handler that re-raises its signal (sort | head: SIGPIPE) calls raise()"},
    {"wait4", "rt_sigsuspend",
     "a shell waiting for a child that has not exited yet blocks in rt_sigsuspend"},
    {"waitid", "rt_sigsuspend",
     "a shell waiting for a child that has not exited yet blocks in rt_sigsuspend"},
};

const struct pg_companion_entry *pg_companion_table(size_t *ret_n)
{
        *ret_n = sizeof(companions) / sizeof(companions[0]);
        return companions;
}
