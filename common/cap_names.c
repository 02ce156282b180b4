// SPDX-License-Identifier: MIT
#include "profgen/cap_names.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/capability.h>

int pg_cap_name(int cap, char *buf, size_t len)
{
        /* libcap's strings go back to cap_free, not free */
        char *n = cap >= 0 ? cap_to_name((cap_value_t)cap) : NULL;
        int r = n && !isdigit((unsigned char)n[0]) ? 0 : -EINVAL;
        snprintf(buf, len, "%s", r == 0 ? n : "CAP_?");
        cap_free(n);
        for (char *p = buf; *p; p++)
                *p = (char)toupper((unsigned char)*p);
        return r;
}
