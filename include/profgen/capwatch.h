/* SPDX-License-Identifier: MIT */
/* The capability watcher: the tracer observer that finds the capabilities a workload needs and
 * adds them, with evidence, to the recording. Two sources:
 *  - inference: the rules of include/profgen/cap_rules.h, fed with the syscall's arguments and
 *    result, the thread's credentials and the files involved (read from /proc on the tracer's
 *    side). Works everywhere, unprivileged included.
 *  - kernel: the capability:cap_capable tracepoint (Linux 6.14+), read through perf_event_open by
 *    a root recorder, each check tied to the syscall its thread was in; checks without effect
 *    are filtered (cap_rules.h: the kernel-check table).
 * Both judge what a container running the same program as the same uid would need with the
 * capability dropped, under the kernel's default sysctls (docs/capabilities.md). */
#pragma once

#include <stdbool.h>

#include "profgen/error.h"
#include "profgen/recording.h"
#include "profgen/tracer.h"

enum pg_caps_source {
        PG_CAPS_SOURCE_AUTO,      /* inference, plus the kernel's record where it is available */
        PG_CAPS_SOURCE_INFERENCE, /* inference only */
        PG_CAPS_SOURCE_KERNEL,    /* inference and the kernel's record; fail without the latter */
};

/* The facts it adds are PG_FACT_CAP_SOURCES and PG_FACT_CAP_NOTE (recording.h). */

struct pg_capwatch;

/* Fails (kernel source required but unavailable) with the reason in *err. */
int pg_capwatch_new(struct pg_recording *rec, enum pg_caps_source source, struct pg_capwatch **ret,
                    struct pg_error **err);
void pg_capwatch_free(struct pg_capwatch *w);
/* The observer to add to a tracer after the recorder (it reads the executable ids the recorder
 * assigns); valid as long as the watcher. */
const struct pg_observer *pg_capwatch_observer(struct pg_capwatch *w);
/* Inferred evidence gets the call stack of the syscall that needed the capability from u (the
 * session's unwinder; NULL: no stacks). The kernel's record arrives after the call has moved on:
 * its evidence has none (explain shows the syscall's first stack instead, and says so). */
struct pg_unwinder;
void pg_capwatch_set_unwinder(struct pg_capwatch *w, struct pg_unwinder *u);
/* The first internal failure (negative errno), reported after the trace. */
int pg_capwatch_error(const struct pg_capwatch *w);

/* Whether the watcher has a judge for every kind of rule (an invariant the unit tests check). */
bool pg_capwatch_judges_complete(void);

/* "auto", "inference", "kernel" */
int pg_caps_source_parse(const char *s, enum pg_caps_source *ret);

static inline void pg_capwatch_freep(struct pg_capwatch **w)
{
        pg_capwatch_free(*w);
}
#define _cleanup_capwatch_ __attribute__((cleanup(pg_capwatch_freep)))
