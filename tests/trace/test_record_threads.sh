#!/bin/bash
# SPDX-License-Identifier: MIT
# 50 threads alive at once, each making getpriority once: every thread's syscall is counted
# (exactly 50, none lost or doubled) and attributed to a thread, not the main one; the recorded
# set is exactly strace's. Three runs per tracing mode: thread start-up races with the tracer.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

for mode in $MODES; do
        for run in 1 2 3; do
                what="threads50 ($mode, run $run)"
                record "th-$mode-$run" --tracing "$mode" -- "$FX/threads50"
                t="th-$mode-$run.trace.json"
                expect_status "$what" 0 "$t"
                cmd=$(cmd_pid "$t")
                expect "$what: getpriority count" 50 "$(count "$t" x86_64 getpriority)"
                expect "$what: clone3 count" 50 "$(count "$t" x86_64 clone3)"
                expect "$what: exit count (thread exits)" 50 "$(count "$t" x86_64 exit)"
                expect "$what: set_robust_list (main + 50)" 51 "$(count "$t" x86_64 set_robust_list)"
                expect "$what: getpriority in the process" "$cmd" "$(first "$t" x86_64 getpriority pid)"
                expect_ne "$what: getpriority by a thread" "$cmd" "$(first "$t" x86_64 getpriority tid)"
                expect "$what: threads are not processes" 1 "$(nprocs "$t")"
        done
done
expect_like_strace th-seccomp-1.trace.json "$FX/threads50"
diff <(all_names th-seccomp-1.trace.json) <(all_names th-ptrace-1.trace.json) >&2 ||
        fail "threads50: seccomp and ptrace modes recorded different sets"
echo "ok: 50 threads"
