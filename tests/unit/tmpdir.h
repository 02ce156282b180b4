/* SPDX-License-Identifier: MIT */
/* A scratch directory for the unit tests that write files: made by the group setup, removed with
 * everything in it by the group teardown. Include after cmocka.h. */
#pragma once

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[] = "/tmp/profgen-unit.XXXXXX";

static int tmpdir_setup(void **state)
{
        (void)state;
        return mkdtemp(tmpdir) ? 0 : -1;
}

static int tmpdir_teardown(void **state)
{
        (void)state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        return system(cmd) == 0 ? 0 : -1;
}

/* tmpdir/name, allocated. */
static char *tmp_path(const char *name)
{
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
        return p;
}
