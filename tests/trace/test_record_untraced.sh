#!/bin/bash
# SPDX-License-Identifier: MIT
# A child started with CLONE_UNTRACED is followed all the same: its syscalls are recorded and run
# (under the tracing seccomp filter, an unfollowed child's syscalls would all fail with ENOSYS:
# LeakSanitizer's helper then spins forever), in both tracing modes.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

st=0
"$FX/untraced" || st=$?
expect "untraced without profgen" 0 "$st"
for mode in $MODES; do
        what="untraced ($mode)"
        record "ut-$mode" --tracing "$mode" -- "$FX/untraced"
        t="ut-$mode.trace.json"
        # 3: the child's fchdir failed with ENOSYS; 4: the child died of a signal
        expect_status "$what" 0 "$t"
        cmd=$(cmd_pid "$t")
        expect "$what: clone by the command" "$cmd" "$(first "$t" x86_64 clone pid)"
        child=$(first "$t" x86_64 fchdir pid)
        [ -n "$child" ] || fail "$what: the child's fchdir was not recorded"
        expect_ne "$what: fchdir by the child" "$cmd" "$child"
        expect "$what: the child's parent" "$cmd" "$(ppid_of "$t" "$child")"
done
echo "ok: CLONE_UNTRACED"
