/* SPDX-License-Identifier: MIT */
/* The recommended capability list: which capabilities a recording shows the workload needs, and
 * the `.caps` file that carries them with their evidence (one capability per line, sorted, a
 * comment with the evidence; stable and diff-friendly: no pids, no counts). */
#pragma once

#include <stddef.h>

#include "profgen/error.h"
#include "profgen/recording.h"

/* Sorted, unique CAP_* numbers the recording has evidence for. *ret is allocated (may be NULL
 * when *ret_n is 0). */
int pg_caps_needed(const struct pg_recording *rec, int **ret, size_t *ret_n);
/* "CAP_NET_BIND_SERVICE" (allocated) */
char *pg_caps_name(int cap);
int pg_caps_to_string(const struct pg_recording *rec, char **ret, struct pg_error **err);
int pg_caps_write(const struct pg_recording *rec, const char *path, struct pg_error **err);
