#!/bin/bash
# SPDX-License-Identifier: MIT
# The tracer's wait polls for the next stop in a steady stream of syscalls (tracer/wait.c,
# --poll-us). Polling must change nothing but speed: every stop of a syscall-dense process, of
# 50 threads and of a fork/exec chain is seen exactly as often with polling off (0), on (the
# default) and long (10 ms), and the profiles are byte-identical. The waiter blocks SIGCHLD in
# profgen while it traces: the workload must not inherit that mask.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

N=20000
for poll in 0 50 10000; do
        what="many_syscalls $N (--poll-us $poll)"
        record "many-$poll" --poll-us "$poll" -- "$FX/many_syscalls" "$N"
        expect_status "$what" 0 "many-$poll.trace.json"
        total=0
        for n in getppid getuid getgid geteuid getegid getpgrp; do
                total=$((total + $(count "many-$poll.trace.json" x86_64 "$n")))
        done
        expect "$what: every syscall counted" "$N" "$total"

        what="threads50 (--poll-us $poll)"
        record "th-$poll" --poll-us "$poll" -- "$FX/threads50"
        expect_status "$what" 0 "th-$poll.trace.json"
        expect "$what: getpriority count" 50 "$(count "th-$poll.trace.json" x86_64 getpriority)"

        what="fork (--poll-us $poll)"
        record "fork-$poll" --poll-us "$poll" -- sh -c 'for i in 1 2 3 4 5; do /bin/true; done'
        expect_status "$what" 0 "fork-$poll.trace.json"
        expect "$what: processes" 6 "$(nprocs "fork-$poll.trace.json")"
done
for w in many th; do
        for poll in 50 10000; do
                cmp "$w-0.json" "$w-$poll.json" >&2 ||
                        fail "$w: the profile with --poll-us $poll differs from the one without polling"
        done
done

# The workload's signal mask is its own: nothing blocked (the shell running the test blocks
# nothing either). grep itself is the command: a shell would reset the mask and hide a leak.
"$PROFGEN" record -q --runtime none -o mask.json -- grep "^SigBlk" /proc/self/status >mask.out
expect "the workload's blocked signals" "SigBlk:	0000000000000000" "$(cat mask.out)"

"$PROFGEN" record --poll-us 10001 -o bad.json -- true 2>bad.err && fail "--poll-us 10001 accepted"
grep -q -- "--poll-us: expected a number 0-10000" bad.err || fail "--poll-us: unclear error: $(cat bad.err)"
echo "ok: polling changes nothing but speed"
