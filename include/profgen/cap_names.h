/* SPDX-License-Identifier: MIT */
/* Capability names as Docker and the .caps file write them ("CAP_NET_BIND_SERVICE"), from
 * libcap: never a private table (a name libcap does not know is one the kernel does not know). */
#pragma once

#include <stddef.h>

/* Writes "CAP_X" for cap into buf; "CAP_?" (and -EINVAL) when libcap does not know it. */
int pg_cap_name(int cap, char *buf, size_t len);
