#!/bin/bash
# SPDX-License-Identifier: MIT
# Signals: a workload killed by SIGKILL (by itself, with threads alive, or from outside) still
# yields its recording and profile, exit 137; SIGTERM, SIGINT and SIGHUP sent to profgen are
# forwarded to the workload (which dies of them, 128+N, or catches them and exits 40+N) and the
# recording is still written; a signal the caller ignores stays ignored in the workload, as it
# would without profgen.
# shellcheck source=tests/trace/lib.sh
. "$(dirname "$0")/lib.sh"

for mode in $MODES; do
        what="sigkill ($mode)"
        record "sk-$mode" --tracing "$mode" -- "$FX/sigkill"
        t="sk-$mode.trace.json"
        expect_status "$what" 137 "$t"
        expect "$what: getpriority by 3 threads" 3 "$(count "$t" x86_64 getpriority)"
        expect "$what: pause by 3 threads" 3 "$(count "$t" x86_64 pause)"
        expect "$what: fchdir before the kill" 1 "$(count "$t" x86_64 fchdir)"
        expect "$what: tgkill" 1 "$(count "$t" x86_64 tgkill)"
done
expect_like_strace sk-seccomp.trace.json "$FX/sigkill"

# The workload's pid: profgen's only child.
workload_of() {
        local kids
        kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
        [ -n "$kids" ] && echo "${kids%% *}"
}

# forward SIG HANDLE WANT: SIG to profgen reaches the workload (wait_signal).
forward() {
        local sig=$1 handle=$2 want=$3 what="SIG$1 to profgen${2:+ (caught)}"
        rm -f ready
        record_bg fw -- "$FX/wait_signal" "$WORK/ready" ${handle:+"$handle"}
        wait_for test -e ready
        # ready is created just before the workload blocks in pause; let it get there
        wait_for grep -q '^34 ' "/proc/$(workload_of "$PID")/syscall"
        kill -"$sig" "$PID"
        wait_bounded "$PID"
        expect_status "$what" "$want" fw.trace.json
        expect "$what: pause recorded" 1 "$(count fw.trace.json x86_64 pause)"
}
forward TERM "" 143
forward HUP "" 129
forward TERM handle 55
forward INT handle 42
forward HUP handle 41
# The caught signals were fatal by default: the recorder notes the handler.
jq -e '.facts[] | select(.key == "fatal-signal-handler")' fw.trace.json >/dev/null ||
        fail "no fatal-signal-handler fact for wait_signal's handlers"

# SIGKILL to the workload from outside.
rm -f ready
record_bg kx -- "$FX/wait_signal" "$WORK/ready"
wait_for test -e ready
kill -KILL "$(workload_of "$PID")"
wait_bounded "$PID"
expect_status "SIGKILL from outside" 137 kx.trace.json

# A signal ignored by whoever starts profgen stays ignored in the workload (nohup): dash keeps
# an inherited SIG_IGN, so `kill -HUP $$` does nothing and it exits 9.
st=0
(trap '' HUP && exec sh -c 'kill -HUP $$; exit 9') || st=$?
expect "sh with SIGHUP ignored, without profgen" 9 "$st"
(
        trap '' HUP
        record ign -- sh -c 'kill -HUP $$; exit 9'
        expect_status "sh with SIGHUP ignored, under profgen" 9 ign.trace.json
)
echo "ok: signals"
