/* SPDX-License-Identifier: MIT */
/* Drift between two profiles and their capability lists, as data, then as text, JSON or GitHub
 * annotations. The comparison is semantic: per architecture, the normalised atoms each syscall name
 * gets (include/profgen/merge.h), so regrouping or reordering rules changes nothing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "profgen/arch.h"
#include "profgen/error.h"
#include "profgen/generator.h"
#include "profgen/merge.h"
#include "profgen/profile.h"
#include "profgen/recording.h"

enum pg_diff_subject {
        PG_DIFF_SETTING, /* defaultAction, defaultErrnoRet, flags, listenerPath */
        PG_DIFF_ARCH,    /* an architecture the filter covers */
        PG_DIFF_SYSCALL, /* a syscall name on one architecture */
        PG_DIFF_CAP,     /* a capability of the .caps file */
};

enum pg_diff_change {
        PG_DIFF_ADDED,   /* only in NEW: the workload needs something new */
        PG_DIFF_REMOVED, /* only in OLD: attack surface that can go */
        PG_DIFF_CHANGED, /* in both, with another action, errno or argument condition */
};

struct pg_diff_entry {
        enum pg_diff_subject subject;
        enum pg_diff_change change;
        enum pg_arch arch; /* PG_DIFF_ARCH, PG_DIFF_SYSCALL; PG_ARCH_INVALID when unknown */
        char *arch_name;   /* "x86_64" (or the profile's SCMP_ARCH_ name if profgen lacks it) */
        char *name;        /* syscall, "CAP_NET_RAW", setting key; NULL for PG_DIFF_ARCH */
        char *old_value;   /* what OLD says ("SCMP_ACT_ALLOW if arg0 == 2"), NULL when absent */
        char *new_value;   /* what NEW says, NULL when absent */
        char *evidence;    /* why, when a recording or a caps comment tells: NULL otherwise */
};

struct pg_diff {
        size_t n;
        struct pg_diff_entry *v; /* sorted: subject, architecture, change, name */
};

/* Compares two profiles (a self-contradicting profile is compared as it is, not refused). */
int pg_diff_profiles(const struct pg_profile *old_p, const struct pg_profile *new_p,
                     struct pg_diff **ret, struct pg_error **err);
/* Adds the capability changes; the comment of an added capability is its evidence. */
int pg_diff_caps(struct pg_diff *d, const struct pg_caps_list *old_c,
                 const struct pg_caps_list *new_c);
/* Sets the evidence of added and changed syscalls and added capabilities from a recording (count,
 * first process and executable, the first call site when the stack was recorded) and, for what
 * the workload did not make itself, from the generator's provenance (gen may be NULL). */
int pg_diff_add_evidence(struct pg_diff *d, const struct pg_recording *rec,
                         const struct pg_generation *gen);
size_t pg_diff_count(const struct pg_diff *d, enum pg_diff_subject subject,
                     enum pg_diff_change change);
void pg_diff_free(struct pg_diff *d);

enum pg_diff_format {
        PG_DIFF_FORMAT_TEXT,
        PG_DIFF_FORMAT_JSON,
        PG_DIFF_FORMAT_GITHUB,
};

struct pg_diff_format_opts {
        enum pg_diff_format format;
        bool color;                /* ANSI colours (text) */
        const char *old_label;     /* "profiles/app.json" */
        const char *new_label;     /* "profiles/app.json (this run)" */
        const char *old_path;      /* GitHub annotations point into these files (line of the */
        const char *old_caps_path; /* syscall or capability when it is there); may be NULL */
        bool removals_allowed;     /* --allow-removals: removals are notes, not drift */
};

int pg_diff_format_parse(const char *s, enum pg_diff_format *ret);
/* Whether the diff fails a check: anything but removals when they are allowed. */
bool pg_diff_is_drift(const struct pg_diff *d, bool removals_allowed);
/* The whole report, ending with a summary line; "" never: an empty diff says so. */
int pg_diff_format(const struct pg_diff *d, const struct pg_diff_format_opts *o, char **ret,
                   struct pg_error **err);

static inline void pg_diff_freep(struct pg_diff **d)
{
        pg_diff_free(*d);
}
#define _cleanup_diff_ __attribute__((cleanup(pg_diff_freep)))
