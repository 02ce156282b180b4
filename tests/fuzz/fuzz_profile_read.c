// SPDX-License-Identifier: MIT
/* libFuzzer target for the profile reader. Beyond "no crash, no leak": whatever the reader accepts
 * the writer must write and the reader read back to the same bytes, and the filter builder must
 * take it (or refuse it with an error, never a crash). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/enforce.h"
#include "profgen/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct pg_profile *p)
{
        _cleanup_free_ char *a = NULL, *b = NULL;
        _cleanup_profile_ struct pg_profile *q = NULL;
        if (pg_profile_to_json_string(p, &a, NULL) < 0)
                return; /* values the writer cannot represent (above INT64_MAX) */
        if (pg_profile_parse(a, strlen(a), "rewritten", &q, NULL) < 0)
                abort(); /* the reader refused what the writer wrote */
        if (pg_profile_to_json_string(q, &b, NULL) < 0 || strcmp(a, b) != 0)
                abort(); /* not a fixed point */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_profile_ struct pg_profile *p = NULL;
        _cleanup_error_ struct pg_error *err = NULL;
        if (pg_profile_parse((const char *)data, size, "fuzz", &p, &err) < 0) {
                if (!err || !err->message)
                        abort(); /* every refusal says why */
                return 0;
        }
        check_roundtrip(p);
        struct pg_seccomp_env env;
        pg_seccomp_env_init(&env);
        env.kernel = "6.18.0";
        env.bounding = 1ull << 21;
        scmp_filter_ctx ctx = NULL;
        _cleanup_error_ struct pg_error *berr = NULL;
        if (pg_seccomp_build(p, &env, &ctx, &berr) == 0)
                seccomp_release(ctx);
        return 0;
}
