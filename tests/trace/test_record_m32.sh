#!/bin/bash
# SPDX-License-Identifier: MIT
# A 32-bit (i386) program started by 64-bit profgen: all its syscalls, and its child's, are
# recorded under arch x86 with i386 names, exactly strace's set; the only x86_64 syscall is the
# command's execve (made by profgen's 64-bit child before the program runs); the profile lists
# SCMP_ARCH_X86.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

st=0
"$FX/fork_m32" 2>/dev/null || st=$?
[ "$st" = 0 ] || skip "cannot run a 32-bit program here (IA32 emulation off?): exit status $st"

for mode in $MODES; do
        record "m32-$mode" --tracing "$mode" -- "$FX/fork_m32"
        t="m32-$mode.trace.json"
        expect_status "fork_m32 ($mode)" 0 "$t"
        cmd=$(cmd_pid "$t")
        expect "fork_m32 ($mode): x86_64 syscalls" execve "$(names "$t" x86_64 | xargs)"
        for n in mmap2 set_thread_area clone wait4 exit_group; do
                names "$t" x86 | grep -qx "$n" || fail "fork_m32 ($mode): i386 $n not recorded"
        done
        expect "fork_m32 ($mode): i386 clone by the command" "$cmd" "$(first "$t" x86 clone pid)"
        child=$(first "$t" x86 fchdir pid)
        expect_ne "fork_m32 ($mode): fchdir by the child" "$cmd" "$child"
        expect "fork_m32 ($mode): the child's parent" "$cmd" "$(ppid_of "$t" "$child")"
        expect "fork_m32 ($mode): profile architectures" "SCMP_ARCH_X86 SCMP_ARCH_X86_64" \
                "$(jq -r '.architectures | sort | join(" ")' "m32-$mode.json")"
done
expect_like_strace m32-seccomp.trace.json "$FX/fork_m32"
diff <(all_names m32-seccomp.trace.json) <(all_names m32-ptrace.trace.json) >&2 ||
        fail "fork_m32: seccomp and ptrace modes recorded different sets"
echo "ok: a 32-bit program"
