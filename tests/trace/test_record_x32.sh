#!/bin/bash
# SPDX-License-Identifier: MIT
# An x32 syscall (getpid with the x32 bit) is recorded under arch x32 with number 0x40000027 and
# the profile lists SCMP_ARCH_X32. seccomp and ptrace see the number before the kernel dispatches
# it, so the recording holds on any kernel; running the call needs CONFIG_X86_X32_ABI, and the
# test is skipped (after checking the recording) where the kernel lacks it.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

st=0
"$FX/x32" 2>/dev/null || st=$?
[ "$st" = 0 ] || [ "$st" = 77 ] || fail "x32 without profgen: exit status $st"

for mode in $MODES; do
        record "x32-$mode" --tracing "$mode" -- "$FX/x32"
        t="x32-$mode.trace.json"
        expect_status "x32 ($mode)" "$st" "$t"
        expect "x32 ($mode): names under x32" getpid "$(names "$t" x32 | xargs)"
        expect "x32 ($mode): number" $((0x40000000 | 39)) \
                "$(jq '.syscalls[] | select(.arch == "x32") | .nr' "$t")"
        expect "x32 ($mode): no x86_64 getpid" 0 "$(count "$t" x86_64 getpid)"
        expect "x32 ($mode): profile architectures" "SCMP_ARCH_X32 SCMP_ARCH_X86_64" \
                "$(jq -r '.architectures | sort | join(" ")' "x32-$mode.json")"
done
[ "$st" = 77 ] && skip "this kernel has no x32 ABI (CONFIG_X86_X32_ABI is off): the recording was checked, the call itself cannot succeed here"
echo "ok: x32"
