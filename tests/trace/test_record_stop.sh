#!/bin/bash
# SPDX-License-Identifier: MIT
# Group stops: (1) a child stops itself with SIGSTOP and its parent, seeing it stopped through
# waitpid(WUNTRACED), continues it with SIGCONT; (2) the command itself stops and the shell that
# started profgen continues it. The stop must be real (the workload stays stopped, its parent sees
# it), profgen must not hang, and what the workload does after SIGCONT is recorded.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

for mode in $MODES; do
        for run in 1 2 3; do
                what="stop_child ($mode, run $run)"
                record "sc-$mode-$run" --tracing "$mode" -- "$FX/stop_child"
                t="sc-$mode-$run.trace.json"
                # 2: the parent did not see the child stopped; 3: the child did not exit normally
                expect_status "$what" 0 "$t"
                cmd=$(cmd_pid "$t")
                expect "$what: kill (SIGCONT) by the parent" "$cmd" "$(first "$t" x86_64 kill pid)"
                child=$(first "$t" x86_64 fchdir pid)
                expect_ne "$what: fchdir by the child" "$cmd" "$child"
                expect "$what: tgkill (raise) by the child" "$child" "$(first "$t" x86_64 tgkill pid)"
        done
done
expect_like_strace sc-seccomp-1.trace.json "$FX/stop_child"

stopped() { # the process in file $1 is in a stop (T; t while its tracer holds it in PTRACE_LISTEN)
        local pid state
        pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] || return 1
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
        [ "$state" = T ] || [ "$state" = t ]
}
continued() { # sends SIGCONT to the process in file $1; true once profgen ($2) has exited
        kill -CONT "$(cat "$1")" 2>/dev/null || true
        ! alive "$2"
}
for mode in $MODES; do
        what="stop_self ($mode)"
        rm -f pidfile
        record_bg "ss-$mode" --tracing "$mode" -- "$FX/stop_self" "$WORK/pidfile"
        wait_for stopped pidfile
        sleep 0.3
        stopped pidfile || fail "$what: the command did not stay stopped"
        alive "$PID" || fail "$what: profgen exited while the command was stopped"
        # SIGCONT until it goes on: under a tracer a seccomp stop looks like a stop too, so one
        # sent while it was still on its way into the group stop would be lost
        wait_for continued pidfile "$PID"
        wait_bounded "$PID"
        t="ss-$mode.trace.json"
        expect_status "$what" 0 "$t"
        expect "$what: fchmod after SIGCONT" 1 "$(count "$t" x86_64 fchmod)"
done
echo "ok: group stops"
