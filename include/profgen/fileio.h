/* SPDX-License-Identifier: MIT */
/* Files written so that a reader never sees a partial one: a temporary file beside the target,
 * written, flushed to disk and renamed over it. */
#pragma once

#include <stddef.h>

#include "profgen/error.h"

int pg_file_write_atomic(const char *path, const void *data, size_t len, struct pg_error **err);
/* Reads a whole file (NUL-terminated for convenience). */
int pg_file_read_all(const char *path, char **ret_data, size_t *ret_len, struct pg_error **err);
/* "dir/app.json" -> "dir/app.caps" (".json" replaced, or ".caps" appended). */
char *pg_path_sibling(const char *path, const char *old_ext, const char *new_ext);
