/* SPDX-License-Identifier: MIT */
/* The recorder: the tracer observer that fills a recording (syscall counts and first occurrences,
 * executables, the exec chain, and the facts companion rules key on). */
#pragma once

#include "profgen/recording.h"
#include "profgen/tracer.h"

struct pg_recorder;

int pg_recorder_new(struct pg_recording *rec, struct pg_recorder **ret);
void pg_recorder_free(struct pg_recorder *r);
/* The observer to add to a tracer; valid as long as the recorder. */
const struct pg_observer *pg_recorder_observer(struct pg_recorder *r);

/* The first failure while recording (an allocation), or 0: a recording with holes must not pass
 * for a complete one. */
int pg_recorder_error(const struct pg_recorder *r);

/* Facts the recorder emits */
#define PG_FACT_FATAL_SIGNAL_HANDLER "fatal-signal-handler"

static inline void pg_recorder_freep(struct pg_recorder **r)
{
        pg_recorder_free(*r);
}
#define _cleanup_recorder_ __attribute__((cleanup(pg_recorder_freep)))
