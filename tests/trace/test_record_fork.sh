#!/bin/bash
# SPDX-License-Identifier: MIT
# fork and vfork: the child's syscalls are recorded and attributed to the child process, the
# parent's to the command; the recorded set is exactly strace's, in both tracing modes.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

for mode in $MODES; do
        record "fork-$mode" --tracing "$mode" -- "$FX/fork"
        t="fork-$mode.trace.json"
        expect_status "fork ($mode)" 0 "$t"
        cmd=$(cmd_pid "$t")
        expect "fork ($mode): fchdir count" 1 "$(count "$t" x86_64 fchdir)"
        child=$(first "$t" x86_64 fchdir pid)
        expect_ne "fork ($mode): fchdir made by the child, not the command" "$cmd" "$child"
        expect "fork ($mode): the child's parent" "$cmd" "$(ppid_of "$t" "$child")"
        expect "fork ($mode): clone by the command" "$cmd" "$(first "$t" x86_64 clone pid)"
        expect "fork ($mode): wait4 by the command" "$cmd" "$(first "$t" x86_64 wait4 pid)"
        expect "fork ($mode): exit_group by both" 2 "$(count "$t" x86_64 exit_group)"
        expect "fork ($mode): processes" 2 "$(nprocs "$t")"
        expect "fork ($mode): no other architecture" x86_64 "$(awk '$1 == "sc" {print $2}' "$(summary "$t")" | sort -u | xargs)"

        record "vfork-$mode" --tracing "$mode" -- "$FX/vfork"
        t="vfork-$mode.trace.json"
        expect_status "vfork ($mode)" 0 "$t"
        cmd=$(cmd_pid "$t")
        expect "vfork ($mode): vfork count" 1 "$(count "$t" x86_64 vfork)"
        expect "vfork ($mode): vfork by the command" "$cmd" "$(first "$t" x86_64 vfork pid)"
        child=$(first "$t" x86_64 fchmod pid)
        expect_ne "vfork ($mode): fchmod made by the child" "$cmd" "$child"
        expect "vfork ($mode): the child's parent" "$cmd" "$(ppid_of "$t" "$child")"
        expect "vfork ($mode): wait4 by the command" "$cmd" "$(first "$t" x86_64 wait4 pid)"
done
expect_like_strace fork-seccomp.trace.json "$FX/fork"
expect_like_strace vfork-seccomp.trace.json "$FX/vfork"
for f in fork vfork; do
        diff <(all_names $f-seccomp.trace.json) <(all_names $f-ptrace.trace.json) >&2 ||
                fail "$f: seccomp and ptrace modes recorded different sets"
done
echo "ok: fork and vfork"
