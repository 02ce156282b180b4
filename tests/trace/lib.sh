# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by tests/trace/test_record_*.sh: records fixture programs (tests/fixtures) with the real
# tracer and asserts on the saved recording (jq over --trace output), on profgen's exit status and
# on strace's view of the same program. Source it; it sets `set -euo pipefail`, a scratch
# directory ($WORK, the current directory, removed at exit) and these helpers.
set -euo pipefail

: "${PROFGEN:?PROFGEN (the profgen binary) is set by CTest}"
: "${PROFGEN_FIXTURES:?PROFGEN_FIXTURES (the fixture directory) is set by CTest}"
# shellcheck disable=SC2034 # FX, MODES and PID are for the scripts that source this
FX=$PROFGEN_FIXTURES
# Every tracing mode must record the same thing: the one-stop seccomp filter, PTRACE_SYSCALL,
# and where the kernel's syscall tracepoint can be read (root), the filter that stops only what
# needs a stop with the tracepoint counting the rest.
# shellcheck disable=SC2034
MODES="seccomp ptrace"
if "$PROFGEN" record -q --tracing tracepoint --runtime none -o "${TMPDIR:-/tmp}/profgen-tp-probe.$$.json" \
        -- /bin/true 2>/dev/null; then
        MODES="$MODES tracepoint"
fi
rm -f "${TMPDIR:-/tmp}/profgen-tp-probe.$$.json" "${TMPDIR:-/tmp}/profgen-tp-probe.$$.json.caps"
# How long one recording may take before it counts as a hang.
BOUND=${PROFGEN_TRACE_BOUND:-30}

fail() {
        echo "FAIL: $*" >&2
        exit 1
}
skip() {
        echo "SKIP: $*" >&2
        exit 77
}
command -v jq >/dev/null || skip "jq is not installed (scripts/deps.sh installs it)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/profgen-trace.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# alive PID: the process exists and is not a zombie.
alive() {
        local state
        state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
        [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# wait_bounded PID: waits for background job PID; STATUS := its exit status. A job still running
# after $BOUND seconds is killed and the test fails: profgen must never hang.
wait_bounded() {
        local pid=$1 i
        for ((i = 0; i < BOUND * 20; i++)); do
                alive "$pid" || break
                sleep 0.05
        done
        if alive "$pid"; then
                kill -KILL "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
                fail "profgen did not return within ${BOUND}s (hang)"
        fi
        STATUS=0
        wait "$pid" || STATUS=$?
}

# record OUT [profgen record options] -- COMMAND [ARG...]: records COMMAND into OUT.trace.json
# (the recording), OUT.json and OUT.caps; STATUS := profgen's exit status. Observed syscalls only
# (no runtime baseline, no companions) so that the profile is exactly the recording.
record() {
        local out=$1
        shift
        rm -f "$out.trace.json" "$out.trace.json.sum" "$out.json" "$out.caps"
        "$PROFGEN" record -q --runtime none --no-companions --trace "$out.trace.json" \
                -o "$out.json" "$@" &
        wait_bounded $!
}

# record_bg OUT [options] -- COMMAND...: like record, in the background; PID := profgen's pid.
record_bg() {
        local out=$1
        shift
        rm -f "$out.trace.json" "$out.trace.json.sum" "$out.json" "$out.caps"
        "$PROFGEN" record -q --runtime none --no-companions --trace "$out.trace.json" \
                -o "$out.json" "$@" &
        # shellcheck disable=SC2034
        PID=$!
}

# wait_for COND...: polls the command COND until it succeeds; fails after $BOUND seconds.
wait_for() {
        local i
        for ((i = 0; i < BOUND * 50; i++)); do
                "$@" && return 0
                sleep 0.02
        done
        fail "timed out waiting for: $*"
}

# summary TRACE: the recording as lines for awk, made with one jq call and kept beside it
# (TRACE.sum): "sc ARCH NAME COUNT PID TID EXE", "proc PID PPID EXE,EXE...", "exit STATUS", with
# executables by basename ("-" when unknown). jq is slow to start; awk on this is not.
summary() {
        local t=$1
        if [ ! -s "$t.sum" ]; then
                jq -r '. as $r
                  | def exe(i): if i >= 0 then ($r.executables[i] | split("/") | last) else "-" end;
                  (.syscalls[] | "sc \(.arch) \(.name // "nr\(.nr)") \(.count) \(.pid) \(.tid) \(exe(.exe))"),
                  (.processes[] | "proc \(.pid) \(.ppid) \([.exes[] | exe(.)] | join(","))"),
                  "exit \(.exit_status)"' "$t" >"$t.sum" || fail "$t: not a readable recording"
        fi
        echo "$t.sum"
}

# names TRACE ARCH: the sorted syscall names recorded on ARCH ("x86_64", "x86", "x32").
names() {
        awk -v a="$2" '$1 == "sc" && $2 == a {print $3}' "$(summary "$1")" | sort -u
}

# all_names TRACE: the sorted names recorded on any architecture.
all_names() {
        awk '$1 == "sc" {print $3}' "$(summary "$1")" | sort -u
}

# count TRACE ARCH NAME: how often NAME was recorded on ARCH (0 when never).
count() {
        awk -v a="$2" -v n="$3" '$1 == "sc" && $2 == a && $3 == n {c += $4} END {print c + 0}' \
                "$(summary "$1")"
}

# first TRACE ARCH NAME FIELD: FIELD (pid, tid, exe: the executable's basename) of NAME's first
# occurrence.
first() {
        awk -v a="$2" -v n="$3" -v f="$4" '$1 == "sc" && $2 == a && $3 == n {
                print (f == "pid" ? $5 : f == "tid" ? $6 : $7) }' "$(summary "$1")"
}

# first_exe TRACE ARCH NAME: basename of the executable that made NAME first.
first_exe() {
        first "$1" "$2" "$3" exe
}

# cmd_pid TRACE: the command's pid (the process without a traced parent).
cmd_pid() {
        awk '$1 == "proc" && $3 == 0 {print $2}' "$(summary "$1")"
}

# ppid_of TRACE PID: the traced parent of process PID.
ppid_of() {
        awk -v p="$2" '$1 == "proc" && $2 == p {print $3}' "$(summary "$1")"
}

# nprocs TRACE: how many processes (not threads) were recorded.
nprocs() {
        awk '$1 == "proc" {c++} END {print c + 0}' "$(summary "$1")"
}

# proc_exes TRACE PID: what process PID executed, in exec order ("a,b").
proc_exes() {
        awk -v p="$2" '$1 == "proc" && $2 == p {print $4}' "$(summary "$1")"
}

expect() { # expect WHAT EXPECTED ACTUAL
        [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

expect_ne() { # expect_ne WHAT UNEXPECTED ACTUAL
        [ "$2" != "$3" ] || fail "$1: must not be '$2'"
}

# expect_status WHAT EXPECTED TRACE: profgen's exit status ($STATUS) and the recording's.
expect_status() {
        expect "$1: profgen's exit status" "$2" "$STATUS"
        expect "$1: exit_status in the recording" "exit $2" "$(grep '^exit ' "$(summary "$3")")"
        jq -e . "${3%.trace.json}.json" >/dev/null || fail "$1: the profile is not valid JSON"
        [ -s "${3%.trace.json}.caps" ] || fail "$1: no caps file"
}

# expect_same WHAT FILE_EXPECTED FILE_ACTUAL: two sorted name lists are equal (diff on failure).
expect_same() {
        diff -u --label expected "$2" --label recorded "$3" >&2 ||
                fail "$1: recorded syscalls differ from the expected set (diff above)"
}

# strace_names OUT COMMAND [ARG...]: the syscall names `strace -f` sees COMMAND make, sorted,
# into OUT (strace is the ground truth; it does not say which architecture).
strace_names() {
        local out=$1
        shift
        command -v strace >/dev/null || skip "strace is not installed (scripts/deps.sh installs it)"
        # a subshell, so that bash's "Killed" for a workload that dies of a signal (strace then
        # kills itself the same way) goes to /dev/null too
        (strace -f -qq -o "$out.strace" "$@" || true) >/dev/null 2>&1
        sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p' "$out.strace" | sort -u >"$out"
}

# expect_like_strace TRACE COMMAND [ARG...]: the names recorded (all architectures) are exactly
# the names strace sees.
expect_like_strace() {
        local trace=$1
        shift
        strace_names "$trace.strace-names" "$@"
        all_names "$trace" >"$trace.names"
        expect_same "$trace vs strace -f" "$trace.strace-names" "$trace.names"
}
