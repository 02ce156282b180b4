// SPDX-License-Identifier: MIT
#include "profgen/session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "profgen/capwatch.h"
#include "profgen/cleanup.h"
#include "profgen/recorder.h"

void pg_session_opts_init(struct pg_session_opts *o)
{
        memset(o, 0, sizeof(*o));
        o->mode = PG_TRACE_AUTO;
        o->stack_depth = PG_UNWIND_DEFAULT_DEPTH;
        o->poll_us = PG_TRACER_DEFAULT_POLL_US;
}

/* The unwinder goes after the recorder: it recognises a first occurrence by the count the
 * recorder has just updated. */
static int add_unwinder(struct pg_tracer *tracer, struct pg_recording *rec,
                        const struct pg_session_opts *opts, struct pg_unwinder **ret)
{
        struct pg_unwind_opts uo = {.depth = opts->stack_depth, .samples = opts->stack_samples};
        if (opts->stack_depth == 0)
                return 0;
        int r = pg_unwinder_new(rec, &uo, ret);
        if (r == 0)
                r = pg_tracer_add_observer(tracer, pg_unwinder_observer(*ret));
        return r;
}

static void add_note(struct pg_recording *rec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_note(struct pg_recording *rec, const char *fmt, ...)
{
        char note[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(note, sizeof(note), fmt, ap);
        va_end(ap);
        pg_recording_add_note(rec, note);
}

int pg_session_record(char *const *argv, const struct pg_session_opts *opts,
                      struct pg_recording **ret_rec, int *ret_status, struct pg_error **err)
{
        _cleanup_recording_ struct pg_recording *rec = NULL;
        _cleanup_recorder_ struct pg_recorder *recorder = NULL;
        _cleanup_unwinder_ struct pg_unwinder *unwinder = NULL;
        _cleanup_capwatch_ struct pg_capwatch *capwatch = NULL;
        _cleanup_tracer_ struct pg_tracer *tracer = NULL;
        struct pg_tracer_opts topts = {
            .mode = opts->mode,
            .allowed = opts->baseline,
            .pin_cpu = opts->pin_cpu,
            .poll_us = opts->poll_us,
            .forward_signals = true,
            /* a first occurrence's call stack needs its stop */
            .kernel_syscalls = opts->stack_depth == 0,
        };
        int r = pg_recording_new(&rec);
        if (r == 0)
                r = pg_recording_set_command(rec, argv);
        if (r == 0)
                r = pg_recorder_new(rec, &recorder);
        if (r == 0)
                r = pg_tracer_new(&topts, &tracer);
        if (r == 0)
                r = pg_tracer_add_observer(tracer, pg_recorder_observer(recorder));
        if (r == 0)
                r = add_unwinder(tracer, rec, opts, &unwinder);
        if (r < 0)
                return pg_error_set(err, r, "cannot set up the tracer: %s", strerror(-r));
        /* After the recorder: the watcher uses the executable ids it assigns. */
        r = pg_capwatch_new(rec, opts->caps_source, &capwatch, err);
        if (r == 0) {
                pg_capwatch_set_unwinder(capwatch, unwinder);
                r = pg_tracer_add_observer(tracer, pg_capwatch_observer(capwatch));
        }
        if (r < 0)
                return pg_error_set(err, r, "cannot set up the capability watcher: %s",
                                    strerror(-r));
        int status = 0;
        r = pg_tracer_run(tracer, argv, &status, err);
        if (r == 0 && pg_recorder_error(recorder) < 0)
                r = pg_error_set(err, pg_recorder_error(recorder), "recording failed: %s",
                                 strerror(-pg_recorder_error(recorder)));
        if (r < 0)
                return r;
        if (unwinder && opts->stack_stats)
                pg_unwinder_stats(unwinder, opts->stack_stats);
        if (pg_capwatch_error(capwatch) < 0)
                return pg_error_set(err, pg_capwatch_error(capwatch), "capability watcher: %s",
                                    strerror(-pg_capwatch_error(capwatch)));
        pg_recording_set_exit_status(rec, status);
        const struct pg_syscall_set *allowed = pg_tracer_allowed(tracer);
        for (int a = 0; allowed && a < PG_ARCH_COUNT; a++)
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++)
                        if (pg_syscall_set_has(allowed, a, s))
                                pg_recording_add_baseline(rec, a, s);
        if (allowed)
                pg_recording_add_note(rec, "baseline: the committed profile's syscalls ran "
                                           "without a stop, so this run cannot tell whether one of "
                                           "them is no longer used (record without a baseline to "
                                           "find removals)");
        pg_recording_set_tracing(rec, pg_tracer_mode_name(tracer));
        if (pg_tracer_invalid_syscalls(tracer) > 0)
                add_note(rec,
                         "%llu syscall(s) with a number no architecture has (e.g. syscall(-1)): "
                         "the kernel answers ENOSYS, nothing to allow",
                         (unsigned long long)pg_tracer_invalid_syscalls(tracer));
        if (pg_tracer_unknown_records(tracer) > 0)
                add_note(rec,
                         "the kernel's syscall record had %llu syscall(s) of threads the tracer "
                         "did not follow: not in the profile",
                         (unsigned long long)pg_tracer_unknown_records(tracer));
        if (pg_tracer_mode_note(tracer))
                pg_recording_add_note(rec, pg_tracer_mode_note(tracer));
        *ret_rec = TAKE_PTR(rec);
        *ret_status = status;
        return 0;
}
