#!/bin/bash
# SPDX-License-Identifier: MIT
# i386 syscalls made with `int $0x80` from a 64-bit program are recorded under arch x86 with
# their i386 names (getpid = 20, olduname = 109), the 64-bit ones under x86_64; the profile lists
# SCMP_ARCH_X86 beside SCMP_ARCH_X86_64 and the i386 names; `profgen generate` on the saved
# recording gives the same bytes.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

st=0
"$FX/int80" || st=$?
[ "$st" = 77 ] && skip "this kernel has no IA32 emulation (int \$0x80 gives ENOSYS)"
expect "int80 without profgen" 0 "$st"

for mode in $MODES; do
        record "i386-$mode" --tracing "$mode" -- "$FX/int80"
        t="i386-$mode.trace.json"
        expect_status "int80 ($mode)" 0 "$t"
        expect "int80 ($mode): names under x86" "getpid olduname" "$(names "$t" x86 | xargs)"
        expect "int80 ($mode): i386 numbers" "20 109" \
                "$(jq -r '[.syscalls[] | select(.arch == "x86") | .nr] | sort | join(" ")' "$t")"
        expect "int80 ($mode): no x86_64 getpid" 0 "$(count "$t" x86_64 getpid)"
        expect "int80 ($mode): no x86_64 olduname" "" "$(names "$t" x86_64 | grep -x olduname || true)"
        names "$t" x86_64 | grep -qx execve || fail "int80 ($mode): the 64-bit syscalls are missing"
        p="i386-$mode.json"
        expect "int80 ($mode): profile architectures" "SCMP_ARCH_X86 SCMP_ARCH_X86_64" \
                "$(jq -r '.architectures | sort | join(" ")' "$p")"
        for n in getpid olduname execve; do
                jq -e --arg n "$n" '.syscalls[0].names | index($n)' "$p" >/dev/null ||
                        fail "int80 ($mode): $n is not in the profile"
        done
        "$PROFGEN" generate -q --runtime none --no-companions -o "regen-$mode.json" "$t" ||
                fail "int80 ($mode): profgen generate failed"
        cmp "$p" "regen-$mode.json" || fail "int80 ($mode): generate from the recording differs from record"
done
# Every mode records the same 64-bit set: an i386 number must never show up as the x86_64 call of
# that number (20 is writev, 109 setpgid there).
for mode in $MODES; do
        diff <(names i386-seccomp.trace.json x86_64) <(names "i386-$mode.trace.json" x86_64) >&2 ||
                fail "int80 ($mode): the x86_64 set differs from seccomp mode's"
done
# strace names i386 calls by their i386 names too: the union over architectures is strace's set.
expect_like_strace i386-seccomp.trace.json "$FX/int80"
echo "ok: int \$0x80 from a 64-bit program"
