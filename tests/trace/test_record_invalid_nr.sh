#!/bin/bash
# SPDX-License-Identifier: MIT
# Syscall numbers outside every architecture's table are not recorded (the kernel answers ENOSYS
# whatever the profile says) but counted in a note, in both tracing modes.
# shellcheck source=tests/trace/lib.sh
source "$(dirname "$0")/lib.sh"
for mode in $MODES; do
        rc=0
        "$PROFGEN" record -q --tracing "$mode" --trace "$WORK/t.json" -o "$WORK/p.json" \
                -- "$FX/invalid_nr" || rc=$?
        [ "$rc" = 0 ] || fail "$mode: exit $rc, want 0 (both calls must fail with ENOSYS)"
        jq -e '.syscalls | map(.name) | index("getppid")' "$WORK/t.json" >/dev/null ||
                fail "$mode: getppid was not recorded"
        jq -e '.notes | map(select(test("^2 syscall\\(s\\) with a number no architecture has"))) | length == 1' \
                "$WORK/t.json" >/dev/null || fail "$mode: no note counting the 2 invalid numbers"
done
echo "invalid numbers: 1 passed, 0 failed"
